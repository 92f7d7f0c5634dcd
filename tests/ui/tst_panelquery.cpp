// PanelQuery, the one way panels read the project off the UI thread: the work runs on a
// worker thread against the project's file, a result made stale by a newer request or a
// reset is dropped, a loupe::Error reaches the failure handler, and waitForIdle() returns
// once every result is delivered.

#include "fixturedataset.h"
#include "panelquery.h"
#include "storage/project.h"

#include <QSemaphore>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace loupe;

class TestPanelQuery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resultArrivesOnTheUiThread();
    void staleResultIsDropped();
    void errorReachesTheFailureHandler();
    void invalidateDropsTheRunningQuery();

private:
    QTemporaryDir m_dir;
    QString m_project;
};

void TestPanelQuery::initTestCase()
{
    m_project = test::importFixture(m_dir.path(), test::smallFixtureClasses(), test::smallFixture());
}

void TestPanelQuery::resultArrivesOnTheUiThread()
{
    QObject context;
    QList<qint64> results;
    QThread *deliveredOn = nullptr;
    PanelQuery<qint64> query(
        &context,
        [&](qint64 &count) {
            results << count;
            deliveredOn = QThread::currentThread();
        },
        [](const QString &) { QFAIL("no error expected"); });
    QThread *workedOn = nullptr;
    query.request(m_project, [&](ProjectReader &reader) {
        workedOn = QThread::currentThread();
        return reader.project().sampleCount();
    });
    QVERIFY(query.isBusy());
    query.waitForIdle();
    QVERIFY(!query.isBusy());
    QCOMPARE(results, QList<qint64>{6});
    QCOMPARE(deliveredOn, QThread::currentThread());
    QVERIFY(workedOn != QThread::currentThread());
}

void TestPanelQuery::staleResultIsDropped()
{
    QObject context;
    QStringList results;
    PanelQuery<QString> query(
        &context, [&](QString &result) { results << result; }, [](const QString &) {});
    QSemaphore release;
    // The first query blocks until released; meanwhile two more are asked: only the last
    // one runs after it, and only its result is delivered.
    query.request(m_project, [&](ProjectReader &) {
        release.acquire();
        return QStringLiteral("first");
    });
    query.request(m_project, [](ProjectReader &) { return QStringLiteral("second"); });
    query.request(m_project, [](ProjectReader &) { return QStringLiteral("third"); });
    release.release();
    query.waitForIdle();
    QCOMPARE(results, QStringList{QStringLiteral("third")});
}

void TestPanelQuery::errorReachesTheFailureHandler()
{
    QObject context;
    QStringList errors;
    PanelQuery<int> query(
        &context, [](int &) { QFAIL("no result expected"); }, [&](const QString &error) { errors << error; });
    const QString missing = m_dir.filePath(QStringLiteral("missing.loupe"));
    query.request(missing, [](ProjectReader &reader) { return int(reader.project().sampleCount()); });
    query.waitForIdle();
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().contains(QStringLiteral("missing.loupe")), qPrintable(errors.first()));
}

void TestPanelQuery::invalidateDropsTheRunningQuery()
{
    QObject context;
    int delivered = 0;
    PanelQuery<int> query(
        &context, [&](int &) { ++delivered; }, [&](const QString &) { ++delivered; });
    QSemaphore release;
    query.request(m_project, [&](ProjectReader &) {
        release.acquire();
        return 1;
    });
    query.invalidate(); // the project was closed meanwhile
    QVERIFY(!query.isBusy());
    release.release();
    query.waitForIdle();
    QCOMPARE(delivered, 0);
}

QTEST_MAIN(TestPanelQuery)
#include "tst_panelquery.moc"
