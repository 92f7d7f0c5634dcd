// Classification report and confusion matrix against values worked out by hand.

#include "dataset/sampletable.h"
#include "fixturedataset.h"
#include "metrics/classificationreport.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

namespace {

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-4;
}

} // namespace

class TestClassificationReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handComputedReport();
    void skipsUnlabeledAndUnpredicted();
    void neverPredictedClassHasZeroPrecision();
    void perSplitFromProject();
};

void TestClassificationReport::handComputedReport()
{
    // given:     cat cat dog dog fox
    // predicted: cat dog dog fox fox
    const auto r = ClassificationReport::compute(test::smallFixtureClasses(), {0, 0, 1, 1, 2},
                                                 {0, 1, 1, 2, 2}, {0.5f, 1.5f, 0.1f, 1.0f, 0.4f});
    QCOMPARE(r.samples, 5);
    QVERIFY(near(r.accuracy, 0.6));
    QVERIFY(near(r.meanLoss, 0.7));
    const std::vector<std::vector<qint64>> confusion = {{1, 1, 0}, {0, 1, 1}, {0, 0, 1}};
    QCOMPARE(r.confusion, confusion);
    // cat: P = 1/1, R = 1/2; dog: P = 1/2, R = 1/2; fox: P = 1/2, R = 1/1.
    QVERIFY(near(r.perClass[0].precision, 1.0));
    QVERIFY(near(r.perClass[0].recall, 0.5));
    QVERIFY(near(r.perClass[0].f1, 2.0 / 3.0));
    QVERIFY(near(r.perClass[1].f1, 0.5));
    QVERIFY(near(r.perClass[2].precision, 0.5));
    QVERIFY(near(r.perClass[2].recall, 1.0));
    QCOMPARE(r.perClass[1].support, 2);
    QCOMPARE(r.perClass[2].support, 1);
    QVERIFY(near(r.macroF1, (2.0 / 3.0 + 0.5 + 2.0 / 3.0) / 3.0));
    QVERIFY(near(r.weightedF1, (2 * 2.0 / 3.0 + 2 * 0.5 + 1 * 2.0 / 3.0) / 5.0));
    QVERIFY(near(r.macroPrecision, (1.0 + 0.5 + 0.5) / 3.0));
    QVERIFY(near(r.weightedRecall, r.accuracy)); // always true for single-label data
}

void TestClassificationReport::skipsUnlabeledAndUnpredicted()
{
    const auto r = ClassificationReport::compute(test::smallFixtureClasses(), {0, -1, 1, 2}, {0, 1, -1, 2});
    QCOMPARE(r.samples, 2);
    QVERIFY(near(r.accuracy, 1.0));
}

void TestClassificationReport::neverPredictedClassHasZeroPrecision()
{
    const auto r = ClassificationReport::compute(test::smallFixtureClasses(), {0, 2}, {0, 0});
    QCOMPARE(r.perClass[2].precision, 0.0);
    QCOMPARE(r.perClass[2].recall, 0.0);
    QCOMPARE(r.perClass[2].f1, 0.0);
    QCOMPARE(r.perClass[1].support, 0);
}

void TestClassificationReport::perSplitFromProject()
{
    QTemporaryDir dir;
    const QString path = test::importFixture(dir.path(), test::smallFixtureClasses(), test::smallFixture());
    auto project = Project::open(path);
    const SampleTable table = loadSampleTable(*project);
    QCOMPARE(table.splitNames, (QStringList{QStringLiteral("test"), QStringLiteral("train")}));
    const auto all = ClassificationReport::compute(table);
    QCOMPARE(all.samples, 5); // the unlabeled sample is not evaluated
    QVERIFY(near(all.accuracy, 0.6));
    const auto train =
        ClassificationReport::compute(table, int(table.splitNames.indexOf(QStringLiteral("train"))));
    QCOMPARE(train.scope, QStringLiteral("train"));
    QCOMPARE(train.samples, 3);
    QVERIFY(near(train.accuracy, 2.0 / 3.0));
    const auto testSplit =
        ClassificationReport::compute(table, int(table.splitNames.indexOf(QStringLiteral("test"))));
    QCOMPARE(testSplit.samples, 2);
    QVERIFY(near(testSplit.accuracy, 0.5));
    const QJsonObject json = all.toJson();
    QCOMPARE(json.value(QStringLiteral("per_class")).toArray().size(), 3);
    QVERIFY(near(json.value(QStringLiteral("accuracy")).toDouble(), 0.6));
}

QTEST_APPLESS_MAIN(TestClassificationReport)
#include "tst_classificationreport.moc"
