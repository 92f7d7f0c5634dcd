// Review marks: reviewed, ambiguous and excluded samples, written in one transaction with
// an audit trail, shown in sample_view, and excluded samples leave the classification report.

#include "common/error.h"
#include "dataset/sampletable.h"
#include "edits/reviewrepository.h"
#include "fixturedataset.h"
#include "metrics/classificationreport.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

class TestReviewRepository : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void namesRoundTrip();
    void marksAreStoredAuditedAndShownInTheView();
    void unchangedMarksAreSkipped();
    void unknownSampleChangesNothing();
    void auditTrailCannotBeDeletedOrChanged();
    void readOnlyProjectRefusesMarks();
    void excludedSamplesLeaveTheReport();

private:
    static ReviewChange mark(qint64 sample, ReviewStatus status)
    {
        return {sample, ReviewStatus::None, status};
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestReviewRepository::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = test::importFixture(m_dir->path(), test::smallFixtureClasses(), test::smallFixture());
}

void TestReviewRepository::namesRoundTrip()
{
    for (ReviewStatus status : {ReviewStatus::Reviewed, ReviewStatus::Ambiguous, ReviewStatus::Excluded})
        QCOMPARE(reviewStatusFromName(reviewStatusName(status)), status);
    QCOMPARE(reviewStatusName(ReviewStatus::None), QString());
    QCOMPARE(reviewStatusFromName(QStringLiteral("bogus")), ReviewStatus::None);
}

void TestReviewRepository::marksAreStoredAuditedAndShownInTheView()
{
    auto project = Project::open(m_path);
    ReviewRepository reviews(*project);
    const QList<ReviewChange> changes = reviews.mark(
        {mark(0, ReviewStatus::Reviewed), mark(3, ReviewStatus::Ambiguous)}, QStringLiteral("app"));
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes.at(1).oldValue, ReviewStatus::None);
    QCOMPARE(changes.at(1).newValue, ReviewStatus::Ambiguous);
    QCOMPARE(reviews.status(0), ReviewStatus::Reviewed);
    QCOMPARE(reviews.status(1), ReviewStatus::None);

    // Clearing a mark removes it; the trail keeps all three changes.
    reviews.mark({{0, ReviewStatus::Reviewed, ReviewStatus::None}}, QStringLiteral("app-undo"));
    QCOMPARE(reviews.status(0), ReviewStatus::None);
    const QList<ReviewEdit> trail = reviews.history();
    QCOMPARE(trail.size(), 3);
    QCOMPARE(trail.at(2).oldStatus, ReviewStatus::Reviewed);
    QCOMPARE(trail.at(2).newStatus, ReviewStatus::None);
    QCOMPARE(trail.at(2).source, QStringLiteral("app-undo"));
    QCOMPARE(reviews.history(3).size(), 1);

    SqliteDatabase &db = project->database();
    QCOMPARE(db.queryText(QStringLiteral("SELECT review_status FROM sample_view WHERE id = 'd'")),
             QStringLiteral("ambiguous"));
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM sample_view WHERE review_status IS NULL")), 5);

    // A reopened project (a new SampleTable) sees the marks.
    project.reset();
    auto reopened = Project::open(m_path);
    const SampleTable table = loadSampleTable(*reopened);
    QCOMPARE(table.review.size(), size_t(6));
    QCOMPARE(table.review[3], ReviewStatus::Ambiguous);
    QCOMPARE(table.review[0], ReviewStatus::None);
}

void TestReviewRepository::unchangedMarksAreSkipped()
{
    auto project = Project::open(m_path);
    ReviewRepository reviews(*project);
    reviews.mark({mark(2, ReviewStatus::Excluded)}, QStringLiteral("app"));
    const QList<ReviewChange> again = reviews.mark(
        {mark(2, ReviewStatus::Excluded), mark(4, ReviewStatus::Excluded)}, QStringLiteral("app"));
    QCOMPARE(again.size(), 1);
    QCOMPARE(again.first().sample, qint64(4));
    QCOMPARE(reviews.history().size(), 2);
}

void TestReviewRepository::unknownSampleChangesNothing()
{
    auto project = Project::open(m_path);
    ReviewRepository reviews(*project);
    QVERIFY_THROWS_EXCEPTION(Error,
                             reviews.mark({mark(0, ReviewStatus::Reviewed), mark(99, ReviewStatus::Reviewed)},
                                          QStringLiteral("app")));
    // One transaction: the valid first mark was rolled back too.
    QCOMPARE(reviews.status(0), ReviewStatus::None);
    QVERIFY(reviews.history().isEmpty());
}

void TestReviewRepository::auditTrailCannotBeDeletedOrChanged()
{
    auto project = Project::open(m_path);
    ReviewRepository(*project).mark({mark(1, ReviewStatus::Reviewed)}, QStringLiteral("app"));
    SqliteDatabase &db = project->database();
    QVERIFY_THROWS_EXCEPTION(Error, db.exec(QStringLiteral("DELETE FROM review_edits")));
    QVERIFY_THROWS_EXCEPTION(Error,
                             db.exec(QStringLiteral("UPDATE review_edits SET new_status = 'excluded'")));
    QVERIFY_THROWS_EXCEPTION(
        Error,
        db.exec(QStringLiteral("INSERT INTO sample_reviews VALUES (2, 'maybe', '2026-01-01T00:00:00Z')")));
    QCOMPARE(db.queryInt(QStringLiteral("SELECT count(*) FROM review_edits")), 1);
}

void TestReviewRepository::readOnlyProjectRefusesMarks()
{
    auto project = Project::open(m_path, Project::Access::ReadOnly);
    QVERIFY(project->isReadOnly());
    ReviewRepository reviews(*project);
    QVERIFY_THROWS_EXCEPTION(Error, reviews.mark({mark(0, ReviewStatus::Reviewed)}, QStringLiteral("app")));
}

void TestReviewRepository::excludedSamplesLeaveTheReport()
{
    auto project = Project::open(m_path);
    const ClassificationReport before = ClassificationReport::compute(loadSampleTable(*project));
    // b (cat predicted dog) and d (dog predicted fox) are the two errors: excluding b leaves one.
    ReviewRepository(*project).mark({mark(1, ReviewStatus::Excluded)}, QStringLiteral("app"));
    const SampleTable table = loadSampleTable(*project);
    QVERIFY(table.isExcluded(1));
    const ClassificationReport after = ClassificationReport::compute(table);
    QCOMPARE(after.samples, before.samples - 1);
    QCOMPARE(after.accuracy, 3.0 / 4.0);
    QCOMPARE(before.accuracy, 3.0 / 5.0);
    // Within a split as well: train had a, b, c.
    const int train = int(table.splitNames.indexOf(QStringLiteral("train")));
    QCOMPARE(ClassificationReport::compute(table, train).samples, qint64(2));
}

QTEST_APPLESS_MAIN(TestReviewRepository)
#include "tst_reviewrepository.moc"
