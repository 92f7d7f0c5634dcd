// The read-only SQL filter over sample_view: conditions select the right samples, and
// injection attempts (trailing statements, ATTACH, PRAGMA, load_extension, a recursive CTE
// bomb, broken quoting, comments) are refused with a clear message while the project file
// stays byte-identical.

#include "storage/sqlfilter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "common/error.h"
#include "common/progress.h"
#include "fixturedataset.h"
#include "storage/project.h"

using namespace loupe;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

const char *const kRecursiveBomb =
    "id IN (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)";

} // namespace

class TestSqlFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void selects_data();
    void selects();
    void refusesInjection_data();
    void refusesInjection();
    void recursiveBombTimesOut();
    void cancelStopsTheQuery();
    void rowLimit();
    void worksWhileTheProjectIsOpenForWriting();
    void projectIsByteIdentical();

private:
    QTemporaryDir m_dir;
    QString m_project;
    QByteArray m_hash;
    QStringList m_files;
};

void TestSqlFilter::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Samples a..f (indexes 0..5), weight = 0.5 * index; see tests/support/fixturedataset.cpp.
    m_project = test::importFixture(m_dir.path(), test::smallFixtureClasses(), test::smallFixture());
    m_hash = fileHash(m_project);
    QVERIFY(!m_hash.isEmpty());
    m_files = QDir(m_dir.path()).entryList(QDir::Files);
}

void TestSqlFilter::selects_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::newRow("empty: everything") << QString() << QList<qint64>{0, 1, 2, 3, 4, 5};
    QTest::newRow("label") << QStringLiteral("label = 'cat'") << QList<qint64>{0, 1};
    QTest::newRow("leading WHERE") << QStringLiteral("  WHERE is_error = 1") << QList<qint64>{1, 3};
    QTest::newRow("unlabeled") << QStringLiteral("label IS NULL") << QList<qint64>{5};
    QTest::newRow("metadata column") << QStringLiteral("weight >= 1.0") << QList<qint64>{2, 3, 4, 5};
    QTest::newRow("split and prediction")
        << QStringLiteral("split = 'test' AND predicted = 'fox'") << QList<qint64>{3, 4};
    QTest::newRow("ordered by loss") << QStringLiteral("loss > 1 ORDER BY loss DESC") << QList<qint64>{1, 3};
    QTest::newRow("trailing comment")
        << QStringLiteral("id IN ('a', 'c') -- the two I checked") << QList<qint64>{0, 2};
    QTest::newRow("functions") << QStringLiteral("lower(label) LIKE 'd%' AND round(margin, 1) < 1")
                               << QList<qint64>{2, 3};
    QTest::newRow("subquery on another table")
        << QStringLiteral("sample_index IN (SELECT sample_index FROM label_edits)") << QList<qint64>{};
    // Strings are capped at 1 MB: printf() gives NULL instead of allocating 100 MB.
    QTest::newRow("huge string is capped") << QStringLiteral("length(printf('%.*c', 100000000, 'x')) IS NULL")
                                           << QList<qint64>{0, 1, 2, 3, 4, 5};
    QTest::newRow("trailing semicolon and comment")
        << QStringLiteral("confidence > 0.75; -- done") << QList<qint64>{2, 4};
}

void TestSqlFilter::selects()
{
    QFETCH(QString, condition);
    QFETCH(QList<qint64>, expected);
    SqlFilter filter(m_project);
    const SqlFilterResult result = filter.run(condition);
    QCOMPARE(QList<qint64>(result.sampleIndices.begin(), result.sampleIndices.end()), expected);
    QVERIFY(!result.truncated);
}

void TestSqlFilter::refusesInjection_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("message");
    const QString readOnly = QStringLiteral("the filter may only read: ");
    QTest::newRow("DELETE after ;") << QStringLiteral("1=1; DELETE FROM samples")
                                    << readOnly + QStringLiteral(
                                                      "deleting rows (DELETE from samples) is not allowed");
    QTest::newRow("UPDATE after ;") << QStringLiteral("1=1; UPDATE samples SET label = NULL")
                                    << readOnly + QStringLiteral("changing rows");
    QTest::newRow("INSERT after ;") << QStringLiteral("1=1; INSERT INTO classes VALUES (9, 'x')")
                                    << readOnly + QStringLiteral("writing rows");
    QTest::newRow("DROP after ;") << QStringLiteral("1=1; DROP TABLE samples")
                                  << readOnly + QStringLiteral("dropping tables");
    QTest::newRow("CREATE after ;") << QStringLiteral("1=1; CREATE TABLE t(x)")
                                    << readOnly + QStringLiteral("creating tables");
    QTest::newRow("ATTACH after ;") << QStringLiteral("1=1; ATTACH DATABASE 'evil.db' AS evil")
                                    << readOnly + QStringLiteral("ATTACH is not allowed");
    QTest::newRow("PRAGMA after ;") << QStringLiteral("1=1; PRAGMA writable_schema=1")
                                    << readOnly + QStringLiteral("PRAGMA writable_schema is not allowed");
    QTest::newRow("transaction after ;")
        << QStringLiteral("1=1; BEGIN IMMEDIATE") << readOnly + QStringLiteral("transaction control");
    QTest::newRow("hidden by a comment") << QStringLiteral("1=1 /* harmless */; DELETE FROM samples -- bye")
                                         << readOnly + QStringLiteral("deleting rows");
    QTest::newRow("a second SELECT") << QStringLiteral("1=1; SELECT 1")
                                     << QStringLiteral("the filter must be one condition");
    QTest::newRow("VACUUM INTO") << QStringLiteral("1=1; VACUUM INTO 'copy.loupe'")
                                 << QStringLiteral("the filter ");
    QTest::newRow("load_extension") << QStringLiteral("load_extension('/tmp/evil.so') IS NULL")
                                    << readOnly +
                                           QStringLiteral("the function load_extension() is not allowed");
    QTest::newRow("randomblob") << QStringLiteral("length(randomblob(2000000000)) > 0")
                                << readOnly + QStringLiteral("the function randomblob()");
    QTest::newRow("pragma function")
        << QStringLiteral("sample_index IN (SELECT cid FROM pragma_table_info('samples'))")
        << readOnly + QStringLiteral("changing the schema or calling PRAGMA functions is not allowed");
    QTest::newRow("unknown function")
        << QStringLiteral("writefile('x', 'y') IS NULL")
        << QStringLiteral("the filter is not valid SQL: no such function: writefile");
    QTest::newRow("breaking out of quotes")
        << QStringLiteral("label = 'x') OR (1=1")
        << QStringLiteral("the filter is not valid SQL: near \")\": syntax error");
    QTest::newRow("unterminated string")
        << QStringLiteral("label = 'cat") << QStringLiteral("unrecognized token");
}

void TestSqlFilter::refusesInjection()
{
    QFETCH(QString, condition);
    QFETCH(QString, message);
    SqlFilter filter(m_project);
    try {
        filter.run(condition);
        QFAIL("the filter ran");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(message), qPrintable(error.message()));
    }
    QCOMPARE(fileHash(m_project), m_hash);
}

void TestSqlFilter::recursiveBombTimesOut()
{
    SqlFilterParams params;
    params.timeLimitMs = 300;
    SqlFilter filter(m_project, params);
    QElapsedTimer timer;
    timer.start();
    try {
        filter.run(QString::fromLatin1(kRecursiveBomb));
        QFAIL("the recursive query finished");
    } catch (const Error &error) {
        QCOMPARE(error.message(), QStringLiteral("the filter took longer than 0.3 s and was stopped"));
    }
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    // The connection is still usable afterwards.
    QCOMPARE(filter.run(QStringLiteral("label = 'fox'")).sampleIndices, std::vector<qint64>{4});
}

void TestSqlFilter::cancelStopsTheQuery()
{
    SqlFilter filter(m_project);
    Progress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, filter.run(QString::fromLatin1(kRecursiveBomb), &progress));
}

void TestSqlFilter::rowLimit()
{
    SqlFilterParams params;
    params.rowLimit = 2;
    SqlFilter filter(m_project, params);
    const SqlFilterResult result = filter.run(QString());
    QCOMPARE(result.sampleIndices, (std::vector<qint64>{0, 1}));
    QVERIFY(result.truncated);
}

void TestSqlFilter::worksWhileTheProjectIsOpenForWriting()
{
    // The app keeps the project open read-write while the user filters; WAL lets both work.
    const QString copy = QDir(m_dir.path()).filePath(QStringLiteral("copy.loupe"));
    QVERIFY(QFile::copy(m_project, copy));
    {
        auto project = Project::open(copy);
        SqlFilter filter(copy);
        QCOMPARE(filter.run(QStringLiteral("label = 'dog'")).sampleIndices, (std::vector<qint64>{2, 3}));
        QVERIFY_THROWS_EXCEPTION(Error, filter.run(QStringLiteral("1=1; DELETE FROM samples")));
        QCOMPARE(project->sampleCount(), qint64(6));
    }
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(copy + suffix);
}

void TestSqlFilter::projectIsByteIdentical()
{
    // Runs last: after every attempt above, the project is unchanged and nothing was created
    // next to it (no evil.db, no copy.loupe from VACUUM INTO).
    QCOMPARE(fileHash(m_project), m_hash);
    QStringList files = QDir(m_dir.path()).entryList(QDir::Files);
    // A read-only WAL reader leaves SQLite's shared-memory index and an empty log behind.
    files.removeAll(QStringLiteral("project.loupe-shm"));
    if (files.removeAll(QStringLiteral("project.loupe-wal")) > 0)
        QCOMPARE(QFileInfo(m_project + QStringLiteral("-wal")).size(), qint64(0));
    QCOMPARE(files, m_files);
    auto project = Project::open(m_project, Project::Access::ReadOnly);
    QCOMPARE(project->sampleCount(), qint64(6));
}

QTEST_APPLESS_MAIN(TestSqlFilter)
#include "tst_sqlfilter.moc"
