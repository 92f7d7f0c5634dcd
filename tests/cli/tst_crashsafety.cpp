// Crash safety and concurrent use, with real processes: an import killed at any moment
// leaves no project or the old one, a confirmed relabel survives kill -9, two writers keep
// every edit, and a busy project makes a writer wait, then report.

#include "edits/labelrepository.h"
#include "fixturedataset.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace loupe;

namespace {

constexpr qint64 kSyntheticSamples = 20000;

/** PRAGMA quick_check of a project through a fresh connection: "ok" when the file is sound. */
QString quickCheck(const QString &path)
{
    SqliteDatabase db(path, SqliteDatabase::Mode::ReadOnly);
    return db.queryText(QStringLiteral("PRAGMA quick_check"));
}

qint64 auditRows(const QString &path)
{
    auto project = Project::open(path, Project::Access::ReadOnly);
    return project->database().queryInt(QStringLiteral("SELECT count(*) FROM label_edits"));
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void importKilledAtAnyMomentLeavesNoProject();
    void replacingImportKilledKeepsTheOldProject();
    void confirmedRelabelSurvivesKill9();
    void twoWritersKeepEveryEdit();
    void busyProjectWaitsThenReports();

private:
    /** Starts `loupe-cli import` of the synthetic set into path, kills it after delayMs; true if it was
     * killed. */
    bool importAndKill(const QString &path, int delayMs, bool force);
    QString freshFixtureProject(const QString &name);

    QTemporaryDir m_dir;
    QString m_synthetic;
};

void TestCrashSafety::initTestCase()
{
    m_synthetic = m_dir.filePath(QStringLiteral("synthetic"));
    QProcess synth;
    synth.start(QStringLiteral(LOUPE_CLI_PATH),
                {QStringLiteral("synth"), m_synthetic, QStringLiteral("--samples"),
                 QString::number(kSyntheticSamples)});
    QVERIFY(synth.waitForFinished(120000));
    QCOMPARE(synth.exitCode(), 0);
}

bool TestCrashSafety::importAndKill(const QString &path, int delayMs, bool force)
{
    QStringList arguments{QStringLiteral("import"), m_synthetic, QStringLiteral("-o"), path,
                          QStringLiteral("--no-analyze")};
    if (force)
        arguments << QStringLiteral("--force");
    QProcess import;
    import.start(QStringLiteral(LOUPE_CLI_PATH), arguments);
    if (!import.waitForStarted())
        return false;
    QThread::msleep(ulong(delayMs));
    import.kill(); // SIGKILL: no destructor, no cleanup
    import.waitForFinished();
    return import.exitStatus() == QProcess::CrashExit;
}

QString TestCrashSafety::freshFixtureProject(const QString &name)
{
    const QString folder = m_dir.filePath(name);
    return test::importFixture(folder, test::smallFixtureClasses(), test::smallFixture());
}

void TestCrashSafety::importKilledAtAnyMomentLeavesNoProject()
{
    int killed = 0;
    int completed = 0;
    for (const int delay : {0, 10, 30, 60, 100, 150, 200, 300, 450, 700, 1500}) {
        const QString path = m_dir.filePath(QStringLiteral("killed-%1.loupe").arg(delay));
        killed += importAndKill(path, delay, false);
        if (!QFile::exists(path))
            continue;
        // Whatever is in place is a whole project, never a half-written one.
        ++completed;
        QCOMPARE(quickCheck(path), QStringLiteral("ok"));
        auto project = Project::open(path, Project::Access::ReadOnly);
        QCOMPARE(project->sampleCount(), kSyntheticSamples);
    }
    qInfo("%d imports killed part-way, %d completed before the kill", killed, completed);
    QVERIFY(killed >= 3); // the early kills land mid-import
}

void TestCrashSafety::replacingImportKilledKeepsTheOldProject()
{
    for (const int delay : {0, 30, 100, 200, 400, 1500}) {
        const QString path = freshFixtureProject(QStringLiteral("old-%1").arg(delay));
        // A confirmed edit left in the write-ahead log: the editor dies before any checkpoint.
        QProcess editor;
        editor.start(QStringLiteral(LOUPE_EDIT_CHILD_PATH),
                     {path, QStringLiteral("relabel-and-hang"), QStringLiteral("1"), QStringLiteral("2")});
        QVERIFY(editor.waitForReadyRead(30000));
        QCOMPARE(editor.readLine().trimmed(), QByteArray("confirmed"));
        editor.kill();
        editor.waitForFinished();
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));

        importAndKill(path, delay, true);
        QCOMPARE(quickCheck(path), QStringLiteral("ok"));
        auto project = Project::open(path, Project::Access::ReadOnly);
        if (project->sampleCount() == kSyntheticSamples)
            continue; // the new project is complete
        // Otherwise the old project, with its confirmed edit.
        QCOMPARE(project->sampleCount(), qint64(6));
        QCOMPARE(LabelRepository(*project).currentLabel(1), 2);
    }
}

void TestCrashSafety::confirmedRelabelSurvivesKill9()
{
    const QString path = freshFixtureProject(QStringLiteral("kill9"));
    QProcess editor;
    editor.start(QStringLiteral(LOUPE_EDIT_CHILD_PATH),
                 {path, QStringLiteral("relabel-and-hang"), QStringLiteral("0"), QStringLiteral("2")});
    QVERIFY(editor.waitForReadyRead(30000));
    QCOMPARE(editor.readLine().trimmed(), QByteArray("confirmed"));
    editor.kill();
    editor.waitForFinished();
    QCOMPARE(editor.exitStatus(), QProcess::CrashExit);

    auto project = Project::open(path, Project::Access::ReadOnly);
    QCOMPARE(LabelRepository(*project).currentLabel(0), 2);
    const QList<LabelEdit> trail = LabelRepository(*project).history(0);
    QCOMPARE(trail.size(), 1);
    QCOMPARE(trail.first().source, QStringLiteral("child"));
    QCOMPARE(quickCheck(path), QStringLiteral("ok"));
}

void TestCrashSafety::twoWritersKeepEveryEdit()
{
    const QString path = freshFixtureProject(QStringLiteral("writers"));
    constexpr int kEdits = 150;
    QProcess first;
    QProcess second;
    // Each writer has its own samples, so every one of its relabels changes a label.
    first.start(QStringLiteral(LOUPE_EDIT_CHILD_PATH),
                {path, QStringLiteral("relabel-loop"), QString::number(kEdits), QStringLiteral("cli"),
                 QStringLiteral("0"), QStringLiteral("2")});
    second.start(QStringLiteral(LOUPE_EDIT_CHILD_PATH),
                 {path, QStringLiteral("relabel-loop"), QString::number(kEdits), QStringLiteral("app"),
                  QStringLiteral("3"), QStringLiteral("4")});
    {
        // This process is the third writer, like the app while loupe-cli runs.
        auto project = Project::open(path);
        LabelRepository labels(*project);
        for (int i = 0; i < kEdits; ++i)
            labels.relabel({5}, i % 3, {},
                           QStringLiteral("test")); // f starts unlabeled: every call changes it
    }
    QVERIFY(first.waitForFinished(120000));
    QVERIFY(second.waitForFinished(120000));
    QVERIFY2(first.exitCode() == 0, first.readAllStandardError().constData());
    QVERIFY2(second.exitCode() == 0, second.readAllStandardError().constData());
    // Every relabel that changed a label left its audit row: none was lost to the others.
    QCOMPARE(auditRows(path), qint64(3 * kEdits));
}

void TestCrashSafety::busyProjectWaitsThenReports()
{
    const QString path = freshFixtureProject(QStringLiteral("busy"));
    // Another writer holds the lock for a second: this one waits, then succeeds.
    QProcess holder;
    holder.start(QStringLiteral(LOUPE_EDIT_CHILD_PATH),
                 {path, QStringLiteral("hold-write"), QStringLiteral("1000")});
    QVERIFY(holder.waitForReadyRead(30000));
    QCOMPARE(holder.readLine().trimmed(), QByteArray("locked"));
    QElapsedTimer timer;
    timer.start();
    {
        auto project = Project::open(path);
        LabelRepository(*project).relabel({0}, 1, {}, QStringLiteral("test"));
    }
    QVERIFY(timer.elapsed() >= 500);
    QVERIFY(holder.waitForFinished(30000));
    QCOMPARE(holder.exitCode(), 0);

    // A writer that outwaits its timeout reports the busy project and changes nothing.
    auto project = Project::open(path);
    project->database().exec(QStringLiteral("BEGIN IMMEDIATE"));
    QProcess writer;
    writer.start(QStringLiteral(LOUPE_EDIT_CHILD_PATH),
                 {path, QStringLiteral("relabel-with-timeout"), QStringLiteral("300")});
    QVERIFY(writer.waitForFinished(30000));
    project->database().exec(QStringLiteral("COMMIT"));
    QCOMPARE(writer.exitCode(), 1);
    const QString message = QString::fromUtf8(writer.readAllStandardError());
    QVERIFY2(message.contains(QStringLiteral("busy")), qPrintable(message));
    QCOMPARE(LabelRepository(*project).currentLabel(0), 1);
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
