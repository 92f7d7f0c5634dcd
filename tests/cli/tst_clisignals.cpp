// Ctrl+C in loupe-cli, with real processes: long work stops at its next cancellation point,
// its transaction rolls back, and the command says what the project holds. The signal is
// sent once the command has printed that it reached the stage under test, so the test does
// not depend on timing.

#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/types.h>

using namespace loupe;

namespace {

struct Result
{
    int exitCode = -1;
    QString err;
};

Result run(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(LOUPE_CLI_PATH), arguments);
    process.waitForFinished(300000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardError())};
}

/** Runs loupe-cli, sends SIGINT once stderr contains marker, and waits for the end. */
Result interruptAt(const QStringList &arguments, const QString &marker)
{
    QProcess process;
    process.start(QStringLiteral(LOUPE_CLI_PATH), arguments);
    QString err;
    QElapsedTimer timer;
    timer.start();
    bool sent = false;
    while (process.state() != QProcess::NotRunning && timer.elapsed() < 300000) {
        process.waitForReadyRead(50);
        err += QString::fromUtf8(process.readAllStandardError());
        if (!sent && err.contains(marker)) {
            ::kill(pid_t(process.processId()), SIGINT);
            sent = true;
        }
    }
    process.waitForFinished(60000);
    err += QString::fromUtf8(process.readAllStandardError());
    if (!sent)
        return {-2, err};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, err};
}

qint64 count(const QString &project, const QString &sql)
{
    auto opened = Project::open(project, Project::Access::ReadOnly);
    return opened->database().queryInt(sql);
}

} // namespace

class TestCliSignals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void interruptedAnalysisLeavesTheProjectAsItWas();
    void interruptedImportRunKeepsTheRunAndSaysSo();
    void failedImportRunSaysNothingChanged();

private:
    QString copyOfProject(const QString &name);

    QTemporaryDir m_dir;
    QString m_data;
    QString m_project;
};

void TestCliSignals::initTestCase()
{
    m_data = m_dir.filePath(QStringLiteral("synth"));
    Result r = run({QStringLiteral("synth"), m_data, QStringLiteral("--samples"), QStringLiteral("6000")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    m_project = m_dir.filePath(QStringLiteral("synth.loupe"));
    r = run(
        {QStringLiteral("import"), m_data, QStringLiteral("-o"), m_project, QStringLiteral("--no-analyze")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

QString TestCliSignals::copyOfProject(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    if (!QFile::copy(m_project, path))
        return {};
    return path;
}

void TestCliSignals::interruptedAnalysisLeavesTheProjectAsItWas()
{
    const QString project = copyOfProject(QStringLiteral("analyse.loupe"));
    QVERIFY(!project.isEmpty());
    // The map is the third step: the kNN graph and the label issues were written before it.
    const Result r =
        interruptAt({QStringLiteral("analyze"), project}, QStringLiteral("Computing the UMAP map"));
    QCOMPARE(r.exitCode, 130);
    QVERIFY2(r.err.contains(QStringLiteral("loupe-cli analyze: cancelled (Ctrl+C)")), qPrintable(r.err));
    QCOMPARE(count(project, QStringLiteral("SELECT count(*) FROM analysis_steps")), 0);
    QCOMPARE(count(project, QStringLiteral("SELECT count(*) FROM sample_analysis")), 0);
    QCOMPARE(count(project, QStringLiteral("SELECT count(*) FROM arrays WHERE name LIKE 'knn%'")), 0);
    Project::verifyIntegrity(project);
}

void TestCliSignals::interruptedImportRunKeepsTheRunAndSaysSo()
{
    const QString project = copyOfProject(QStringLiteral("run.loupe"));
    QVERIFY(!project.isEmpty());
    const Result r = interruptAt(
        {QStringLiteral("import-run"), project, m_data, QStringLiteral("--name"), QStringLiteral("again")},
        QStringLiteral("Imported run"));
    QCOMPARE(r.exitCode, 130);
    // The run was committed before the analysis began: the message says it is in the file.
    QVERIFY2(r.err.contains(QStringLiteral("the run \"again\" is in")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("without its analysis")), qPrintable(r.err));
    QVERIFY2(!r.err.contains(QStringLiteral("not changed")), qPrintable(r.err));
    QCOMPARE(count(project, QStringLiteral("SELECT count(*) FROM runs")), 2);
    QCOMPARE(count(project, QStringLiteral("SELECT count(*) FROM analysis_steps")), 0);
}

void TestCliSignals::failedImportRunSaysNothingChanged()
{
    const QString project = copyOfProject(QStringLiteral("bad-run.loupe"));
    const QString empty = m_dir.filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(empty));
    const Result r =
        run({QStringLiteral("import-run"), project, empty, QStringLiteral("--name"), QStringLiteral("x")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("loupe-cli import-run: the project was not changed.")),
             qPrintable(r.err));
    QCOMPARE(count(project, QStringLiteral("SELECT count(*) FROM runs")), 1);
}

QTEST_GUILESS_MAIN(TestCliSignals)
#include "tst_clisignals.moc"
