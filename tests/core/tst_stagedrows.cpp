// StagedRows (import/stagedrows.h): rows written on a thread of their own into a scratch
// database arrive in the new project as written, and a failed or cancelled write leaves no
// file behind and nothing moved.

#include "common/error.h"
#include "common/progress.h"
#include "import/projectwriter.h"
#include "import/stagedrows.h"
#include "loupefolderspec.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QTemporaryDir>
#include <QThread>
#include <QTest>

#include <cmath>
#include <limits>

using namespace loupe;
using loupe::test::entriesOf;

namespace {

constexpr int kRows = 50000; // more than SQLite's cache holds in a few pages: the copy spans many

/** Predictions rows with every column's kind of value, NULLs included. */
void writePredictions(SqliteDatabase &db, Progress &progress)
{
    auto insert =
        db.prepare(QStringLiteral("INSERT INTO predictions(run_id, sample_index, predicted, confidence, "
                                  "given_probability, loss, margin) VALUES (1, ?, ?, ?, ?, ?, ?)"));
    for (int row = 0; row < kRows; ++row) {
        if (row % 1024 == 0)
            progress.throwIfCancelled();
        insert.bind(1, row).bind(2, row % 7).bind(3, 1.0 / (row + 1));
        if (row % 5 == 0)
            insert.bindNull(4).bindNull(5).bindNull(6);
        else
            insert.bind(4, 0.5).bind(5, std::log(double(row))).bind(6, -0.25);
        insert.execute();
    }
}

/** Every predictions row in sample order, each value as SQL would quote it: exact for REALs and NULLs. */
QByteArray predictionsAsText(SqliteDatabase &db)
{
    return db
        .queryText(
            QStringLiteral("SELECT group_concat(quote(run_id) || quote(sample_index) || quote(predicted) || "
                           "quote(confidence) || quote(given_probability) || quote(loss) || "
                           "quote(margin), ';') FROM (SELECT * FROM predictions ORDER BY sample_index)"))
        .toUtf8();
}

/** Writes until cancelled, as a write far too long for its import would. */
void writeUntilCancelled(SqliteDatabase &db, Progress &progress)
{
    for (;;) {
        writePredictions(db, progress);
        db.exec(QStringLiteral("DELETE FROM predictions"));
    }
}

} // namespace

class TestStagedRows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void rowsArriveAsWritten();
    void aFailedWriteIsThrownByTheMoveAndLeavesNoFile();
    void cancelStopsTheWriteAndLeavesNoFile();
    void aTableTheProjectLacksIsRefused();
    void aCancelInterruptsTheMove();

private:
    QString destination() const { return m_sandbox->filePath(QStringLiteral("project.loupe")); }

    std::unique_ptr<QTemporaryDir> m_sandbox;
};

void TestStagedRows::init()
{
    m_sandbox = std::make_unique<QTemporaryDir>();
    QVERIFY(m_sandbox->isValid());
}

void TestStagedRows::rowsArriveAsWritten()
{
    QByteArray expected;
    {
        // The same rows written directly, as the reference.
        SqliteDatabase direct(m_sandbox->filePath(QStringLiteral("direct.db")), SqliteDatabase::Mode::Create);
        direct.exec(
            QStringLiteral("CREATE TABLE predictions (run_id INTEGER, sample_index INTEGER, predicted "
                           "INTEGER, confidence REAL, given_probability REAL, loss REAL, margin REAL)"));
        Progress progress;
        direct.exec(QStringLiteral("BEGIN"));
        writePredictions(direct, progress);
        direct.exec(QStringLiteral("COMMIT"));
        expected = predictionsAsText(direct);
        QFile::remove(direct.path());
    }
    {
        ProjectWriter writer(destination(), false);
        Progress progress;
        StagedRows staged(writer, {QStringLiteral("predictions")}, writePredictions, progress);
        // As the importer does once its arrays are written: flushing while rows still arrive
        // must change nothing in what is committed.
        writer.startFlushing();
        staged.moveInto(writer);
        writer.startFlushing();
        writer.commit();
    }
    QCOMPARE(entriesOf(m_sandbox->path()), QStringList{QStringLiteral("project.loupe")});
    const auto project = Project::open(destination());
    const QByteArray moved = predictionsAsText(project->database());
    QCOMPARE(moved.size(), expected.size());
    QVERIFY(moved == expected);
    // The primary key's index came across with the rows.
    QCOMPARE(
        project->database().queryInt(QStringLiteral("SELECT count(*) FROM predictions WHERE run_id = 1 AND "
                                                    "sample_index = 4321")),
        1);
    QCOMPARE(project->database().queryText(QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
}

void TestStagedRows::aFailedWriteIsThrownByTheMoveAndLeavesNoFile()
{
    {
        ProjectWriter writer(destination(), false);
        Progress progress;
        StagedRows staged(
            writer, {QStringLiteral("predictions")},
            [](SqliteDatabase &db, Progress &progress) {
                writePredictions(db, progress);
                throw Error(QStringLiteral("predictions.npy: row 7: no room left on the device"));
            },
            progress);
        QVERIFY_THROWS_EXCEPTION(Error, staged.moveInto(writer));
        try {
            StagedRows again(
                writer, {QStringLiteral("predictions")},
                [](SqliteDatabase &, Progress &) { throw Error(QStringLiteral("row 7: bad")); }, progress);
            again.moveInto(writer);
            QFAIL("the write's error was not thrown");
        } catch (const Error &error) {
            QCOMPARE(error.message(), QStringLiteral("row 7: bad"));
        }
        // Nothing was moved.
        QCOMPARE(writer.project().database().queryInt(QStringLiteral("SELECT count(*) FROM predictions")), 0);
    }
    QCOMPARE(entriesOf(m_sandbox->path()), QStringList());
}

void TestStagedRows::cancelStopsTheWriteAndLeavesNoFile()
{
    {
        ProjectWriter writer(destination(), false);
        Progress progress;
        StagedRows staged(writer, {QStringLiteral("predictions")}, writeUntilCancelled, progress);
        QThread::msleep(50);
        progress.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled, staged.moveInto(writer));
    }
    {
        // Going out of scope unmoved (the import failed elsewhere) stops the write too, and
        // the writer's flush of a file being thrown away.
        ProjectWriter writer(destination(), false);
        Progress progress;
        StagedRows staged(writer, {QStringLiteral("predictions")}, writeUntilCancelled, progress);
        writer.startFlushing();
        QThread::msleep(50);
    }
    QCOMPARE(entriesOf(m_sandbox->path()), QStringList());
}

void TestStagedRows::aTableTheProjectLacksIsRefused()
{
    {
        ProjectWriter writer(destination(), false);
        Progress progress;
        try {
            StagedRows staged(writer, {QStringLiteral("no_such_table")}, writePredictions, progress);
            QFAIL("a table the project lacks was staged");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("no_such_table")), qPrintable(error.message()));
        }
    }
    QCOMPARE(entriesOf(m_sandbox->path()), QStringList());
}

void TestStagedRows::aCancelInterruptsTheMove()
{
    // Cancelled before the move starts, the copy is interrupted at its first check: the same
    // path as a cancel in the middle of a long one.
    {
        ProjectWriter writer(destination(), false);
        const QString scratch = m_sandbox->filePath(QStringLiteral("scratch.db"));
        {
            SqliteDatabase db(scratch, SqliteDatabase::Mode::Create);
            db.exec(writer.project().database().queryText(
                QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = 'predictions'")));
            db.exec(QStringLiteral("BEGIN"));
            Progress progress;
            writePredictions(db, progress);
            db.exec(QStringLiteral("COMMIT"));
        }
        Progress cancelled;
        cancelled.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 writer.moveRowsFrom(scratch, {QStringLiteral("predictions")}, cancelled));
        QCOMPARE(
            writer.project().database().queryInt(QStringLiteral("SELECT count(*) FROM main.predictions")), 0);
        QFile::remove(scratch);
    }
    QCOMPARE(entriesOf(m_sandbox->path()), QStringList());
}

QTEST_GUILESS_MAIN(TestStagedRows)
#include "tst_stagedrows.moc"
