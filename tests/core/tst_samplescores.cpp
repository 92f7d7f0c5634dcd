// Per-sample derived values: predicted class, confidence, loss, normalized margin.

#include "metrics/samplescores.h"

#include <QtTest>

#include <cmath>

using namespace loupe;

class TestSampleScores : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scores_data();
    void scores();
    void unlabeledHasNoLossOrMargin();
    void zeroProbabilityGivesFiniteLoss();
    void tiesPickTheLowestClass();
};

void TestSampleScores::scores_data()
{
    QTest::addColumn<QList<float>>("row");
    QTest::addColumn<int>("label");
    QTest::addColumn<int>("predicted");
    QTest::addColumn<double>("confidence");
    QTest::addColumn<double>("loss");
    QTest::addColumn<double>("margin");
    QTest::newRow("right and sure") << QList<float>{0.9f, 0.05f, 0.05f} << 0 << 0 << 0.9 << -std::log(0.9)
                                    << 0.85;
    QTest::newRow("wrong") << QList<float>{0.2f, 0.7f, 0.1f} << 0 << 1 << 0.7 << -std::log(0.2) << -0.5;
    QTest::newRow("two classes") << QList<float>{0.4f, 0.6f} << 1 << 1 << 0.6 << -std::log(0.6) << 0.2;
}

void TestSampleScores::scores()
{
    QFETCH(QList<float>, row);
    QFETCH(int, label);
    const SampleScores s = computeSampleScores(row.constData(), int(row.size()), label);
    QTEST(s.predicted, "predicted");
    QFETCH(double, confidence);
    QFETCH(double, loss);
    QFETCH(double, margin);
    QVERIFY(std::abs(s.confidence - confidence) < 1e-6);
    QVERIFY(std::abs(s.loss - loss) < 1e-6);
    QVERIFY(std::abs(s.margin - margin) < 1e-6);
    QVERIFY(std::abs(s.givenProbability - row.at(label)) < 1e-7);
}

void TestSampleScores::unlabeledHasNoLossOrMargin()
{
    const float p[] = {0.3f, 0.7f};
    const SampleScores s = computeSampleScores(p, 2, -1);
    QCOMPARE(s.predicted, 1);
    QVERIFY(std::isnan(s.loss));
    QVERIFY(std::isnan(s.margin));
    QVERIFY(std::isnan(s.givenProbability));
}

void TestSampleScores::zeroProbabilityGivesFiniteLoss()
{
    const float p[] = {0.0f, 1.0f};
    const SampleScores s = computeSampleScores(p, 2, 0);
    QVERIFY(std::isfinite(s.loss));
    QVERIFY(std::abs(s.loss - -std::log(kMinProbability)) < 1e-9);
    QCOMPARE(s.margin, -1.0);
}

void TestSampleScores::tiesPickTheLowestClass()
{
    const float p[] = {0.25f, 0.375f, 0.375f};
    QCOMPARE(computeSampleScores(p, 3, 2).predicted, 1);
}

QTEST_APPLESS_MAIN(TestSampleScores)
#include "tst_samplescores.moc"
