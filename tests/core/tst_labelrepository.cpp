// Relabelling: labels, audit trail, recomputed scores, undo as a new edit.

#include "common/error.h"
#include "dataset/sampletable.h"
#include "edits/labelrepository.h"
#include "fixturedataset.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace loupe;

class TestLabelRepository : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void relabelUpdatesLabelAuditAndScores();
    void undoIsAnotherAuditedEdit();
    void multiSelectionIsOneTransaction();
    void unchangedSamplesAreSkipped();
    void auditTrailCannotBeDeletedOrChanged();
    void invalidClassOrSampleChangesNothing();
    void editsSurviveReopening();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestLabelRepository::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = test::importFixture(m_dir->path(), test::smallFixtureClasses(), test::smallFixture());
}

void TestLabelRepository::relabelUpdatesLabelAuditAndScores()
{
    auto project = Project::open(m_path);
    LabelRepository labels(*project);
    // Sample b is labelled cat, the model says dog with 0.7.
    const QList<LabelChange> changes =
        labels.relabel({1}, 1, QStringLiteral("model is right"), QStringLiteral("test"));
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.first().oldValue, 0);
    QCOMPARE(changes.first().newValue, 1);
    QCOMPARE(labels.currentLabel(1), 1);

    const QList<LabelEdit> history = labels.history(1);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().oldLabel, 0);
    QCOMPARE(history.first().newLabel, 1);
    QCOMPARE(history.first().note, QStringLiteral("model is right"));
    QCOMPARE(history.first().source, QStringLiteral("test"));
    QVERIFY(history.first().time.endsWith(QLatin1Char('Z')));

    const SampleTable table = loadSampleTable(*project);
    QVERIFY(std::abs(table.loss[1] - -std::log(0.7f)) < 1e-5);
    QVERIFY(std::abs(table.margin[1] - (0.7f - 0.2f)) < 1e-5);
    QVERIFY(table.isEdited(1));
    QCOMPARE(project->database().queryInt(QStringLiteral("SELECT is_error FROM sample_view WHERE id = 'b'")),
             0);
}

void TestLabelRepository::undoIsAnotherAuditedEdit()
{
    auto project = Project::open(m_path);
    LabelRepository labels(*project);
    const QList<LabelChange> changes = labels.relabel({1}, 1, {}, QStringLiteral("app"));
    QList<LabelChange> undo;
    for (const LabelChange &change : changes)
        undo.append(change.reversed());
    labels.apply(undo, {QStringLiteral("app-undo"), QStringLiteral("undo")});
    QCOMPARE(labels.currentLabel(1), 0);
    const QList<LabelEdit> history = labels.history(1);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(1).oldLabel, 1);
    QCOMPARE(history.at(1).newLabel, 0);
    QCOMPARE(history.at(1).source, QStringLiteral("app-undo"));
    const SampleTable table = loadSampleTable(*project);
    QVERIFY(!table.isEdited(1));
    QVERIFY(std::abs(table.loss[1] - -std::log(0.2f)) < 1e-5);
}

void TestLabelRepository::multiSelectionIsOneTransaction()
{
    auto project = Project::open(m_path);
    LabelRepository labels(*project);
    QCOMPARE(labels.relabel({0, 1, 5}, 2, {}, QStringLiteral("test")).size(), 3);
    QCOMPARE(labels.currentLabel(5), 2); // an unlabeled sample gets a label, and a loss
    QCOMPARE(labels.history().size(), 3);
    QCOMPARE(labels.history().at(2).oldLabel, -1);
    const SampleTable table = loadSampleTable(*project);
    QVERIFY(std::abs(table.loss[5] - -std::log(0.3f)) < 1e-5);
}

void TestLabelRepository::unchangedSamplesAreSkipped()
{
    auto project = Project::open(m_path);
    LabelRepository labels(*project);
    QVERIFY(labels.relabel({0}, 0, {}, QStringLiteral("test")).isEmpty());
    QVERIFY(labels.history().isEmpty());
}

void TestLabelRepository::auditTrailCannotBeDeletedOrChanged()
{
    auto project = Project::open(m_path);
    LabelRepository labels(*project);
    labels.relabel({1}, 1, {}, QStringLiteral("test"));
    for (const QString &sql :
         {QStringLiteral("DELETE FROM label_edits"), QStringLiteral("UPDATE label_edits SET note = 'x'")}) {
        try {
            project->database().exec(sql);
            QFAIL("the audit trail was modified");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("audit trail")), qPrintable(error.message()));
        }
    }
    QCOMPARE(labels.history().size(), 1);
}

void TestLabelRepository::invalidClassOrSampleChangesNothing()
{
    auto project = Project::open(m_path);
    LabelRepository labels(*project);
    QVERIFY_THROWS_EXCEPTION(Error, labels.relabel({0, 1}, 7, {}, QStringLiteral("test")));
    QVERIFY_THROWS_EXCEPTION(Error, labels.relabel({1, 999}, 2, {}, QStringLiteral("test")));
    // The second call failed on sample 999 after changing sample 1: the transaction rolled back.
    QCOMPARE(labels.currentLabel(1), 0);
    QVERIFY(labels.history().isEmpty());
}

void TestLabelRepository::editsSurviveReopening()
{
    {
        auto project = Project::open(m_path);
        LabelRepository(*project).relabel({3}, 2, QStringLiteral("fox after all"), QStringLiteral("test"));
    }
    auto project = Project::open(m_path);
    QCOMPARE(LabelRepository(*project).currentLabel(3), 2);
    QCOMPARE(LabelRepository(*project).history(3).first().note, QStringLiteral("fox after all"));
}

QTEST_APPLESS_MAIN(TestLabelRepository)
#include "tst_labelrepository.moc"
