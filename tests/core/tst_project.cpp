// Project files: creation, identity checks, migration, read-only opening.

#include "common/error.h"
#include "errorof.h"
#include "edits/labelrepository.h"
#include "fixturedataset.h"
#include "storage/analysisstore.h"
#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/projectschema.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>

using namespace loupe;
using loupe::test::errorOf;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

/** A sample_analysis column as the table holds it, NULL as NaN: what a mirror must equal. */
std::vector<float> tableColumn(SqliteDatabase &db, int run, const QString &column, qint64 samples)
{
    std::vector<float> values(size_t(samples), NAN);
    auto rows = db.prepare(
        QStringLiteral("SELECT sample_index, %1 FROM sample_analysis WHERE run_id = ?").arg(column));
    rows.bind(1, run);
    while (rows.step()) {
        if (!rows.isNull(1))
            values[size_t(rows.columnInt64(0))] = float(rows.columnDouble(1));
    }
    return values;
}

bool sameValues(const std::vector<float> &a, const std::vector<float> &b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
               return (std::isnan(x) && std::isnan(y)) || x == y;
           });
}

/** The columns of sample_analysis whose mirror differs from the table, or the count when not all 7 are read.
 */
QStringList mirrorsDifferingFromTable(const AnalysisStore &store, SqliteDatabase &db, int run, qint64 samples)
{
    const std::map<QString, std::vector<float>> mirrors = store.readSampleColumns(run, samples);
    if (mirrors.size() != 7)
        return {QStringLiteral("%1 columns read").arg(mirrors.size())};
    QStringList differing;
    for (const auto &[column, values] : mirrors) {
        if (!sameValues(values, tableColumn(db, run, column, samples)))
            differing << column;
    }
    return differing;
}

} // namespace

class TestProject : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createdProjectHasCurrentSchema();
    void createRefusesExistingFile();
    void rejectsFileThatIsNotSqlite();
    void rejectsForeignSqliteDatabase();
    void refusesNewerSchemaAndLeavesFileUntouched();
    void migratesEmptyVersionZeroDatabase();
    void migratesVersionOneKeepingData();
    void clustersKeepTheirOrderAcrossVersionSeven();
    void samplesAreRebuiltWithTheirIdIndexAtVersionTen();
    void analysisColumnsWriteTogether();
    void analysisColumnMirrorsFollowTheTable();
    void analysisRowsAreRewrittenFromTheMirrors();
    void usesWalAndForeignKeys();
    void sampleViewJoinsLabelsPredictionsAndMetadata();
    void datasetRootFollowsAMovedProject();
    void sampleTableKeepsIdsAndPathsAsUtf8Columns();
    void stringColumnCopiesShareUntilAppended();
    void sampleTableHalvesMakeTheWhole();
    void runScoresFromProbabilitiesMatchThePredictionsRows();
    void damagedArrayChunksAreReportedNotRead();

private:
    QTemporaryDir m_dir;
};

void TestProject::createdProjectHasCurrentSchema()
{
    const QString path = m_dir.filePath(QStringLiteral("new.loupe"));
    auto project = Project::create(path);
    QCOMPARE(ProjectSchema::version(project->database()), ProjectSchema::kCurrentVersion);
    QCOMPARE(project->database().queryInt(QStringLiteral("PRAGMA application_id")),
             ProjectSchema::kApplicationId);
    QCOMPARE(project->sampleCount(), 0);
    QCOMPARE(project->latestRunId(), -1);
    QVERIFY(!project->isReadOnly());
    // 64 KiB pages: a project is mostly arrays and whole-table reads (Project::create).
    QCOMPARE(project->database().queryInt(QStringLiteral("PRAGMA page_size")), 65536);
}

void TestProject::createRefusesExistingFile()
{
    const QString path = m_dir.filePath(QStringLiteral("exists.loupe"));
    Project::create(path);
    QVERIFY(errorOf([&] { Project::create(path); }).contains(QStringLiteral("already exists")));
}

void TestProject::rejectsFileThatIsNotSqlite()
{
    const QString path = m_dir.filePath(QStringLiteral("text.loupe"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("id,image,label\n");
    file.close();
    const QByteArray before = fileHash(path);
    QCOMPARE(errorOf([&] { Project::open(path); }),
             QStringLiteral("text.loupe: not a Loupe project (not an SQLite database)"));
    QCOMPARE(fileHash(path), before);
    QVERIFY(errorOf([&] {
                Project::open(m_dir.filePath(QStringLiteral("missing.loupe")));
            }).contains(QStringLiteral("no such file")));
}

void TestProject::rejectsForeignSqliteDatabase()
{
    const QString path = m_dir.filePath(QStringLiteral("other.db"));
    {
        SqliteDatabase db(path, SqliteDatabase::Mode::Create);
        db.exec(QStringLiteral("CREATE TABLE t(x); INSERT INTO t VALUES (1)"));
    }
    QVERIFY(
        errorOf([&] { Project::open(path); }).contains(QStringLiteral("SQLite database of another program")));
}

void TestProject::refusesNewerSchemaAndLeavesFileUntouched()
{
    const QString path = m_dir.filePath(QStringLiteral("future.loupe"));
    {
        auto project = Project::create(path);
        project->database().exec(QStringLiteral("PRAGMA user_version = 99"));
        project->database().exec(QStringLiteral("PRAGMA journal_mode = DELETE"));
    }
    const QByteArray before = fileHash(path);
    const QString message = errorOf([&] { Project::open(path); });
    QVERIFY2(message.contains(QStringLiteral("written by a newer Loupe (project format 99")),
             qPrintable(message));
    QCOMPARE(fileHash(path), before);
}

void TestProject::migratesEmptyVersionZeroDatabase()
{
    const QString path = m_dir.filePath(QStringLiteral("v0.loupe"));
    {
        SqliteDatabase db(path, SqliteDatabase::Mode::Create);
        db.exec(QStringLiteral("PRAGMA page_size = 4096; VACUUM"));
    }
    auto project = Project::open(path);
    QCOMPARE(ProjectSchema::version(project->database()), ProjectSchema::kCurrentVersion);
    QCOMPARE(project->database().queryInt(
                 QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'samples'")),
             1);
}

void TestProject::migratesVersionOneKeepingData()
{
    const QString path = m_dir.filePath(QStringLiteral("v1.loupe"));
    {
        SqliteDatabase db(path, SqliteDatabase::Mode::Create);
        ProjectSchema::migrateTo(db, 1);
        db.exec(QStringLiteral("INSERT INTO classes VALUES (0, 'cat'), (1, 'dog');"
                               "INSERT INTO samples VALUES (0, 'a', 'a.png', 1, 0, 'train');"
                               "INSERT INTO sample_metadata(sample_index) VALUES (0);"
                               "INSERT INTO label_edits(sample_index, old_label, new_label, time) "
                               "VALUES (0, 0, 1, '2026-01-01T00:00:00Z')"));
        QCOMPARE(ProjectSchema::version(db), 1);
        QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'slices'")), 0);
    }
    auto project = Project::open(path);
    SqliteDatabase &db = project->database();
    QCOMPARE(ProjectSchema::version(db), ProjectSchema::kCurrentVersion);
    QCOMPARE(db.queryText(QStringLiteral("SELECT label FROM sample_view WHERE id = 'a'")),
             QStringLiteral("dog"));
    QCOMPARE(db.queryInt(QStringLiteral("SELECT edited FROM sample_view WHERE id = 'a'")), 1);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE issue_score IS NULL")), 1);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM label_edits")), 1);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM slices")), 0);
}

void TestProject::samplesAreRebuiltWithTheirIdIndexAtVersionTen()
{
    // Version 10 rebuilds samples to replace the UNIQUE constraint on id with a named index an
    // import can drop: rows, the rows that refer to them and the view must come through.
    const QString path = m_dir.filePath(QStringLiteral("v9.loupe"));
    {
        SqliteDatabase db(path, SqliteDatabase::Mode::Create);
        ProjectSchema::migrateTo(db, 9);
        db.exec(QStringLiteral(
            "INSERT INTO classes VALUES (0, 'cat'), (1, 'dog');"
            "INSERT INTO samples VALUES (0, 'a', 'a.png', 1, 0, 'train'), (1, 'b', 'b.png', NULL, NULL, "
            "NULL);"
            "ALTER TABLE sample_metadata ADD COLUMN site TEXT;"
            "INSERT INTO metadata_columns(name, type, position) VALUES ('site', 'text', 0);"
            "INSERT INTO sample_metadata VALUES (0, 'north'), (1, 'south');"
            "INSERT INTO runs VALUES (1, 'model', '2026-01-01T00:00:00Z', 2, '');"
            "INSERT INTO predictions VALUES (1, 0, 1, 0.9, 0.9, 0.1, 0.8), (1, 1, 0, 0.6, NULL, NULL, NULL);"
            "INSERT INTO label_edits(sample_index, old_label, new_label, time) "
            "VALUES (0, 0, 1, '2026-01-01T00:00:00Z')"));
        QCOMPARE(db.queryInt(QStringLiteral(
                     "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_autoindex_samples_1'")),
                 1);
    }
    auto project = Project::open(path);
    SqliteDatabase &db = project->database();
    QCOMPARE(ProjectSchema::version(db), ProjectSchema::kCurrentVersion);
    QCOMPARE(db.queryText(QStringLiteral("SELECT group_concat(sample_index || id || image || "
                                         "coalesce(label, '-') || coalesce(original_label, '-') || "
                                         "coalesce(split, '-'), ' ') FROM samples")),
             QStringLiteral("0aa.png10train 1bb.png---"));
    QCOMPARE(
        db.queryText(QStringLiteral("SELECT group_concat(id || label || edited || predicted || site, ' ') "
                                    "FROM sample_view WHERE label IS NOT NULL")),
        QStringLiteral("adog1dognorth"));
    QCOMPARE(db.queryText(QStringLiteral("SELECT site FROM sample_view WHERE id = 'b'")),
             QStringLiteral("south"));
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM label_edits")), 1);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM pragma_foreign_key_check")), 0);
    QCOMPARE(db.queryText(QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
    // The constraint's index is gone; the named one keeps ids unique and serves lookups by id.
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'samples' AND "
                                        "name LIKE 'sqlite_autoindex%'")),
             0);
    {
        auto plan =
            db.prepare(QStringLiteral("EXPLAIN QUERY PLAN SELECT sample_index FROM samples WHERE id = 'b'"));
        QVERIFY(plan.step());
        QCOMPARE(plan.columnText(3),
                 QStringLiteral("SEARCH samples USING COVERING INDEX samples_by_id (id=?)"));
    }
    QVERIFY(errorOf([&] {
                db.exec(QStringLiteral("INSERT INTO samples VALUES (2, 'a', 'c.png', 0, 0, NULL)"));
            }).contains(QStringLiteral("UNIQUE constraint failed: samples.id")));

    // The connection that upgraded the file goes on writing and checkpointing.
    db.exec(QStringLiteral("INSERT INTO samples VALUES (2, 'c', 'c.png', 0, 0, NULL)"));
    QCOMPARE(db.queryInt(QStringLiteral("PRAGMA main.wal_checkpoint(TRUNCATE)")), 0);
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view")), 3);

    // A new project has the same shape.
    const auto fresh = Project::create(m_dir.filePath(QStringLiteral("fresh.loupe")));
    QCOMPARE(fresh->database().queryText(
                 QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = 'samples_by_id'")),
             QStringLiteral("CREATE UNIQUE INDEX samples_by_id ON samples(id)"));
}

void TestProject::clustersKeepTheirOrderAcrossVersionSeven()
{
    // Before version 7 clusters were read by severity; after it in the order their step wrote
    // them (the patterns rank per member). Old rows have no rank and keep the old order.
    const QString path = m_dir.filePath(QStringLiteral("v6.loupe"));
    {
        SqliteDatabase db(path, SqliteDatabase::Mode::Create);
        ProjectSchema::migrateTo(db, 6);
        db.exec(
            QStringLiteral("INSERT INTO runs VALUES (1, 'model', '2026-01-01T00:00:00Z', 2, '');"
                           "INSERT INTO clusters(run_id, method, cluster, size, labelled, errors, severity) "
                           "VALUES (1, 'kmeans', 0, 10, 10, 1, 0.5), (1, 'kmeans', 1, 10, 10, 5, 3.0)"));
    }
    auto project = Project::open(path);
    AnalysisStore store(project->database());
    std::vector<ClusterRecord> old = store.clusters(1, QStringLiteral("kmeans"));
    QCOMPARE(old.size(), size_t(2));
    QCOMPARE(old[0].cluster, 1); // by severity
    QCOMPARE(old[1].cluster, 0);

    // Written afresh, the given order is kept even against severity.
    std::reverse(old.begin(), old.end());
    store.writeClusters(1, QStringLiteral("pattern"), old);
    const std::vector<ClusterRecord> ranked = store.clusters(1, QStringLiteral("pattern"));
    QCOMPARE(ranked[0].cluster, 0);
    QCOMPARE(ranked[1].cluster, 1);
}

void TestProject::analysisColumnsWriteTogether()
{
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("columns")),
                                             test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path);
    const int run = project->latestRunId();
    const qint64 n = project->sampleCount();
    AnalysisStore store(project->database());
    std::vector<float> scores(static_cast<size_t>(n));
    std::vector<int> flags(static_cast<size_t>(n)), suggested(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i) {
        scores[size_t(i)] = i % 3 == 0 ? NAN : float(i) / 10;
        flags[size_t(i)] = int(i % 2);
        suggested[size_t(i)] = i % 4 == 0 ? -1 : int(i % 3);
    }
    store.writeSampleColumn(run, QStringLiteral("outlier_score"), std::vector<float>(size_t(n), 7.f));
    store.writeSampleColumns(run, {{QStringLiteral("issue_score"), &scores},
                                   {QStringLiteral("is_issue"), nullptr, &flags},
                                   {QStringLiteral("suggested_label"), nullptr, &suggested, 0}});
    const std::vector<float> readScores = store.readSampleColumn(run, QStringLiteral("issue_score"), n);
    const std::vector<int> readFlags = store.readSampleIntColumn(run, QStringLiteral("is_issue"), n, -5);
    const std::vector<int> readSuggested =
        store.readSampleIntColumn(run, QStringLiteral("suggested_label"), n, -5);
    for (qint64 i = 0; i < n; ++i) {
        const auto at = size_t(i);
        QCOMPARE(std::isnan(readScores[at]), std::isnan(scores[at]));
        if (!std::isnan(scores[at]))
            QCOMPARE(readScores[at], scores[at]);
        QCOMPARE(readFlags[at], flags[at]);
        QCOMPARE(readSuggested[at], suggested[at] < 0 ? -5 : suggested[at]); // below 0: NULL
    }
    // The other columns of the rows are kept.
    QCOMPARE(store.readSampleColumn(run, QStringLiteral("outlier_score"), n),
             std::vector<float>(size_t(n), 7.f));
    // Columns of different lengths, or an unknown column, write nothing.
    const std::vector<int> shorter(size_t(n - 1), 1);
    QVERIFY(!errorOf([&] {
                 store.writeSampleColumns(run, {{QStringLiteral("issue_score"), &scores},
                                                {QStringLiteral("is_issue"), nullptr, &shorter}});
             }).isEmpty());
    QVERIFY(!errorOf([&] {
                 store.writeSampleColumns(run, {{QStringLiteral("no_such_column; --"), &scores}});
             }).isEmpty());
    QCOMPARE(store.readSampleIntColumn(run, QStringLiteral("is_issue"), n, -5), readFlags);
}

void TestProject::analysisColumnMirrorsFollowTheTable()
{
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("mirrors")),
                                             test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path);
    SqliteDatabase &db = project->database();
    const int run = project->latestRunId();
    const qint64 n = project->sampleCount();
    AnalysisStore store(db);
    const auto checkAgainstTable = [&] {
        QCOMPARE(mirrorsDifferingFromTable(store, db, run, n), QStringList());
    };

    // The run's first write makes every column's mirror: the others are NULL.
    QVERIFY(!store.hasColumnMirrors(run, n));
    std::vector<float> outliers(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        outliers[size_t(i)] = i == 1 ? INFINITY : float(i) * 0.5f; // not finite: stored as NULL
    store.writeSampleColumn(run, QStringLiteral("outlier_score"), outliers);
    QVERIFY(store.hasColumnMirrors(run, n));
    QVERIFY(std::isnan(store.readSampleColumn(run, QStringLiteral("outlier_score"), n)[1]));
    checkAgainstTable();
    const std::vector<int> clusters{3, -1, 0, 2, 2, 1}; // below 0: NULL
    store.writeSampleColumn(run, QStringLiteral("cluster"), clusters, 0);
    checkAgainstTable();
    QCOMPARE(store.readSampleIntColumn(run, QStringLiteral("cluster"), n, -9),
             (std::vector<int>{3, -9, 0, 2, 2, 1}));

    // One sample's edit reaches the table and the mirror.
    store.updateSample(run, 4, {{QStringLiteral("issue_score"), 0.25f}, {QStringLiteral("cluster"), NAN}});
    checkAgainstTable();
    QCOMPARE(store.readSampleColumn(run, QStringLiteral("issue_score"), n)[4], 0.25f);
    QVERIFY(std::isnan(store.readSampleColumn(run, QStringLiteral("cluster"), n)[4]));

    // A project from before the mirrors reads its rows; its next write mirrors every column,
    // the ones it did not write from the rows.
    db.exec(QStringLiteral("DELETE FROM arrays WHERE name LIKE 'sample_analysis.%'"));
    QVERIFY(!store.hasColumnMirrors(run, n));
    checkAgainstTable();
    store.writeSampleColumn(run, QStringLiteral("map_cluster"), std::vector<int>(size_t(n), 5), 0);
    QVERIFY(store.hasColumnMirrors(run, n));
    checkAgainstTable();
    QCOMPARE(store.readSampleColumn(run, QStringLiteral("outlier_score"), n)[2], 1.0f);

    // A mirror of another length (samples were added since) is not used.
    QVERIFY(!store.hasColumnMirrors(run, n + 1));
    QCOMPARE(store.readSampleColumns(run, n + 1).at(QStringLiteral("map_cluster")).size(), size_t(n + 1));
}

void TestProject::analysisRowsAreRewrittenFromTheMirrors()
{
    auto project = Project::open(test::importFixture(m_dir.filePath(QStringLiteral("rewrite")),
                                                     test::smallFixtureClasses(), test::smallFixture()));
    SqliteDatabase &db = project->database();
    const int run = project->latestRunId();
    const qint64 n = project->sampleCount();
    AnalysisStore store(db);
    // Rows and mirrors from an earlier analysis.
    const std::vector<float> scores{0.5f, 0.25f, NAN, 1.0f, 0.0f, 0.75f};
    store.writeSampleColumns(run, {{QStringLiteral("issue_score"), &scores}});
    // The pipeline's way: mirrors as each step ends, the rows from them once at the end.
    const std::vector<int> clusters{3, -1, 0, 2, 2, 1}; // below 0: NULL
    const std::vector<float> outliers{1.5f, 2.5f, INFINITY, 0.0f, 4.0f, 8.0f};
    store.writeSampleColumnMirrors(run, {{QStringLiteral("cluster"), nullptr, &clusters, 0},
                                         {QStringLiteral("outlier_score"), &outliers}});
    QVERIFY(std::isnan(tableColumn(db, run, QStringLiteral("cluster"), n)[0])); // not written yet
    store.rewriteSampleRows(run, n);

    QCOMPARE(mirrorsDifferingFromTable(store, db, run, n), QStringList());
    QCOMPARE(tableColumn(db, run, QStringLiteral("cluster"), n)[0], 3.0f);
    QVERIFY(std::isnan(tableColumn(db, run, QStringLiteral("cluster"), n)[1]));
    QCOMPARE(tableColumn(db, run, QStringLiteral("issue_score"), n)[3], 1.0f); // kept from before
    QVERIFY(std::isnan(tableColumn(db, run, QStringLiteral("outlier_score"), n)[2]));
    // One row per sample, stored with the table's types, and the index back in place.
    QCOMPARE(db.queryInt(QStringLiteral("SELECT COUNT(*) FROM sample_analysis WHERE run_id = %1").arg(run)),
             int(n));
    QCOMPARE(
        db.queryText(QStringLiteral("SELECT typeof(cluster) FROM sample_analysis WHERE sample_index = 0")),
        QStringLiteral("integer"));
    QCOMPARE(db.queryText(
                 QStringLiteral("SELECT typeof(outlier_score) FROM sample_analysis WHERE sample_index = 0")),
             QStringLiteral("real"));
    QCOMPARE(db.queryInt(QStringLiteral("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND "
                                        "name = 'sample_analysis_by_issue'")),
             1);
    QCOMPARE(
        db.queryInt(QStringLiteral("SELECT sample_index FROM sample_analysis INDEXED BY "
                                   "sample_analysis_by_issue WHERE run_id = %1 ORDER BY issue_score DESC "
                                   "LIMIT 1")
                        .arg(run)),
        3);

    // Without a complete set of mirrors there is nothing to write the rows from.
    db.exec(QStringLiteral("DELETE FROM arrays WHERE name = 'sample_analysis.pattern'"));
    QVERIFY(!errorOf([&] { store.rewriteSampleRows(run, n); }).isEmpty());
    QCOMPARE(tableColumn(db, run, QStringLiteral("cluster"), n)[0], 3.0f);
}

void TestProject::usesWalAndForeignKeys()
{
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("wal")),
                                             test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path);
    QCOMPARE(project->database().queryText(QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));
    QCOMPARE(project->database().queryInt(QStringLiteral("PRAGMA foreign_keys")), 1);
    QCOMPARE(project->database().queryInt(QStringLiteral("PRAGMA synchronous")), 2); // FULL
    const QString message = errorOf([&] {
        project->database().exec(QStringLiteral("UPDATE samples SET label = 42 WHERE sample_index = 0"));
    });
    QVERIFY2(message.contains(QStringLiteral("FOREIGN KEY")), qPrintable(message));
}

void TestProject::sampleViewJoinsLabelsPredictionsAndMetadata()
{
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("view")),
                                             test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path, Project::Access::ReadOnly);
    QVERIFY(project->isReadOnly());
    QCOMPARE(project->readOnlyReason(), QStringLiteral("opened read-only"));
    auto query = project->database().prepare(QStringLiteral(
        "SELECT id, label, predicted, is_error, round(loss, 4), weight, split FROM sample_view "
        "ORDER BY sample_index"));
    QVERIFY(query.step());
    QCOMPARE(query.columnText(0), QStringLiteral("a"));
    QCOMPARE(query.columnText(1), QStringLiteral("cat"));
    QCOMPARE(query.columnText(2), QStringLiteral("cat"));
    QCOMPARE(query.columnInt(3), 0);
    QCOMPARE(query.columnDouble(4), 0.3567); // -ln 0.7
    QCOMPARE(query.columnDouble(5), 0.0);
    QCOMPARE(query.columnText(6), QStringLiteral("train"));
    QVERIFY(query.step());
    QCOMPARE(query.columnText(2), QStringLiteral("dog"));
    QCOMPARE(query.columnInt(3), 1);
    QCOMPARE(
        project->database().queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE label IS NULL")),
        1);

    LabelRepository labels(*project);
    QVERIFY(errorOf([&] {
                labels.relabel({0}, 1, {}, QStringLiteral("test"));
            }).contains(QStringLiteral("cannot change labels: opened read-only")));
}

void TestProject::datasetRootFollowsAMovedProject()
{
    const QString base = m_dir.filePath(QStringLiteral("moved"));
    const QString path = test::importFixture(base, test::smallFixtureClasses(), test::smallFixture());
    const QString movedBase = m_dir.filePath(QStringLiteral("moved-elsewhere"));
    QVERIFY(QDir().rename(base, movedBase));
    auto project = Project::open(QDir(movedBase).filePath(QStringLiteral("project.loupe")));
    QCOMPARE(project->datasetRoot(), QDir(movedBase).filePath(QStringLiteral("data")));
    QVERIFY(QFileInfo::exists(project->absoluteImagePath(QStringLiteral("images/a.png"))));
    Q_UNUSED(path);
}

void TestProject::sampleTableKeepsIdsAndPathsAsUtf8Columns()
{
    auto samples = test::smallFixture();
    samples[1].id = QStringLiteral("ünïcødé-β"); // more bytes than characters
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("utf8-columns")),
                                             test::smallFixtureClasses(), samples);
    auto project = Project::open(path, Project::Access::ReadOnly);
    const SampleTable table = loadSampleTable(*project);
    QCOMPARE(table.ids.size(), 6);
    QCOMPARE(table.images.size(), 6);
    auto rows =
        project->database().prepare(QStringLiteral("SELECT id, image FROM samples ORDER BY sample_index"));
    for (qint64 sample = 0; rows.step(); ++sample) {
        QCOMPARE(table.ids.at(sample), rows.columnText(0));
        QCOMPARE(table.images[sample], rows.columnText(1));
        QCOMPARE(table.ids.utf8(sample), rows.columnText(0).toUtf8());
    }
    QCOMPARE(table.ids.at(1), QStringLiteral("ünïcødé-β"));
    QCOMPARE(table.findId(QStringLiteral("ünïcødé-β")), 1);
    QCOMPARE(table.findId(QStringLiteral("ünïcødé")), -1); // a prefix is not a match
    QCOMPARE(table.ids.value(6), QString());
    QCOMPARE(table.ids.value(-1), QString());
    QCOMPARE(table.ids.toStringList().size(), 6);
    QStringList walked;
    for (const QString &image : table.images)
        walked << image;
    QCOMPARE(walked, table.images.toStringList());
}

void TestProject::stringColumnCopiesShareUntilAppended()
{
    StringColumn column{QStringLiteral("a"), QString(), QStringLiteral("ccc")};
    QCOMPARE(column.size(), 3);
    QCOMPARE(column.at(1), QString());
    QCOMPARE(column.at(2), QStringLiteral("ccc"));
    StringColumn copy = column;
    QVERIFY(copy == column);
    copy << QStringLiteral("d");
    QCOMPARE(column.size(), 3); // the original did not see the append
    QCOMPARE(copy.size(), 4);
    QCOMPARE(copy.at(3), QStringLiteral("d"));
    QVERIFY(!(copy == column));
    QCOMPARE(column.indexOf(QStringLiteral("ccc")), 2);
    QCOMPARE(column.indexOf(QStringLiteral("a"), 1), -1);
    column.clear();
    QVERIFY(column.isEmpty());
    QCOMPARE(copy.size(), 4);
    QCOMPARE(StringColumn().indexOf(QStringLiteral("a")), -1);
    QVERIFY(StringColumn() == StringColumn(QStringList()));
}

void TestProject::sampleTableHalvesMakeTheWhole()
{
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("halves")),
                                             test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path, Project::Access::ReadOnly);
    const SampleTable whole = loadSampleTable(*project);
    SampleTable rows = loadSampleRows(*project);
    QCOMPARE(rows.runId, whole.runId);
    QVERIFY(whole.runId >= 0);
    QCOMPARE(rows.predicted, std::vector<int>(6, -1)); // no scores until they are applied
    QVERIFY(std::all_of(rows.loss.begin(), rows.loss.end(), [](float v) { return std::isnan(v); }));
    applyRunScores(rows, loadRunScores(*project, rows.runId, rows.labels));
    QCOMPARE(rows.ids, whole.ids);
    QCOMPARE(rows.labels, whole.labels);
    QCOMPARE(rows.splitIndex, whole.splitIndex);
    // The rows meet "train" first; the names are in SQLite's order all the same.
    QCOMPARE(rows.splitNames, (QStringList{QStringLiteral("test"), QStringLiteral("train")}));
    auto splits =
        project->database().prepare(QStringLiteral("SELECT split FROM samples ORDER BY sample_index"));
    for (qint64 i = 0; splits.step(); ++i)
        QCOMPARE(rows.splitIndex[size_t(i)] < 0 ? QString() : rows.splitNames.at(rows.splitIndex[size_t(i)]),
                 splits.isNull(0) ? QString() : splits.columnText(0));
    QCOMPARE(rows.predicted, whole.predicted);
    QCOMPARE(rows.confidence, whole.confidence);
    QVERIFY(sameValues(rows.loss, whole.loss)); // NaN for the unlabeled sample
    QVERIFY(sameValues(rows.margin, whole.margin));
    QCOMPARE(whole.predicted[1], 1); // b: cat predicted dog

    // Scores of another length (the samples changed meanwhile) are not applied.
    applyRunScores(rows, loadRunScores(*project, rows.runId, std::vector<int>(size_t(rows.size()) + 1, 0)));
    QCOMPARE(rows.predicted, std::vector<int>(6, -1));
    QCOMPARE(loadRunScores(*project, -1, std::vector<int>(3, 0)).predicted,
             std::vector<int>(3, -1)); // no run
}

// loadRunScores() works the scores out of the probabilities for the current labels; they must
// be what the predictions table holds, after relabelling too (which rewrites those rows).
void TestProject::runScoresFromProbabilitiesMatchThePredictionsRows()
{
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("scores")),
                                             test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path);
    LabelRepository labels(*project);
    labels.relabel({1}, 1, QString(), QStringLiteral("test"));  // b: cat to dog, its prediction
    labels.relabel({5}, 2, QString(), QStringLiteral("test"));  // f: unlabeled to fox
    labels.relabel({4}, -1, QString(), QStringLiteral("test")); // e: fox to unlabeled
    const SampleTable table = loadSampleRows(*project);
    const RunScores scores = loadRunScores(*project, table.runId, table.labels);
    auto rows = project->database().prepare(QStringLiteral(
        "SELECT sample_index, predicted, confidence, loss, margin FROM predictions WHERE run_id = ? "
        "ORDER BY sample_index"));
    rows.bind(1, table.runId);
    qint64 count = 0;
    const auto same = [](float value, SqliteStatement &row, int column) {
        return row.isNull(column) ? std::isnan(value) : value == float(row.columnDouble(column));
    };
    for (; rows.step(); ++count) {
        const auto sample = size_t(rows.columnInt64(0));
        QCOMPARE(scores.predicted[sample], rows.columnInt(1));
        QVERIFY(same(scores.confidence[sample], rows, 2));
        QVERIFY2(same(scores.loss[sample], rows, 3), qPrintable(QString::number(sample)));
        QVERIFY(same(scores.margin[sample], rows, 4));
    }
    QCOMPARE(count, table.size());
    QVERIFY(std::isnan(scores.loss[4]));
    QVERIFY(!std::isnan(scores.loss[5]));
}

void TestProject::damagedArrayChunksAreReportedNotRead()
{
    const QString path = test::importFixture(m_dir.filePath(QStringLiteral("damaged")),
                                             test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path);
    const int runId = project->latestRunId();
    // A chunk shorter than its rows need, as a foreign writer or a bad disk could leave it.
    project->database().exec(
        QStringLiteral("UPDATE array_chunks SET data = substr(data, 1, 8) WHERE name = 'probabilities'"));
    QVERIFY(errorOf([&] {
                ArrayStore(project->database()).readAll(runId, QStringLiteral("probabilities"));
            }).contains(QStringLiteral("array probabilities of run %1 is damaged").arg(runId)));
    QVERIFY(errorOf([&] { loadSampleTable(*project); }).contains(QStringLiteral("is damaged")));
}

QTEST_APPLESS_MAIN(TestProject)
#include "tst_project.moc"
