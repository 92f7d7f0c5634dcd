// Per-sample derived values: predicted class, confidence, loss, normalized margin.

#include "common/rankorder.h"
#include "metrics/samplescores.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <limits>
#include <random>

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
    void rankOrderMatchesAStableSort_data();
    void rankOrderMatchesAStableSort();
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

void TestSampleScores::rankOrderMatchesAStableSort_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("small: comparison sort") << 100;
    QTest::newRow("large: radix sort") << 200'000;
}

void TestSampleScores::rankOrderMatchesAStableSort()
{
    // Scores as the grid sees them: many ties (rounded), NaN for unlabeled, infinities, both zeros.
    QFETCH(int, count);
    std::mt19937 random(7);
    std::uniform_int_distribution<int> pick(0, 19);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    std::vector<float> values(size_t(count) + 10);
    for (float &value : values) {
        const int kind = pick(random);
        value = kind == 0   ? std::numeric_limits<float>::quiet_NaN()
                : kind == 1 ? (pick(random) % 2 ? 0.0f : -0.0f)
                : kind == 2 ? (pick(random) % 2 ? INFINITY : -INFINITY)
                : kind < 10 ? std::round(normal(random))
                            : normal(random);
    }
    // Items are a filtered, shuffled subset, as after a filter.
    std::vector<qint64> items(values.size());
    std::iota(items.begin(), items.end(), 0);
    std::shuffle(items.begin(), items.end(), random);
    items.resize(size_t(count));

    std::vector<qint64> expected = items;
    std::stable_sort(expected.begin(), expected.end(), [&values](qint64 a, qint64 b) {
        const float x = values[size_t(a)];
        const float y = values[size_t(b)];
        if (std::isnan(x) || std::isnan(y))
            return !std::isnan(x) && std::isnan(y);
        return x > y;
    });
    sortDescendingNaNLast(items, values);
    QVERIFY(items == expected);
}

QTEST_APPLESS_MAIN(TestSampleScores)
#include "tst_samplescores.moc"
