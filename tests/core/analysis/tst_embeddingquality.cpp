#include "analysis/maps/embeddingquality.h"
#include "common/error.h"
#include "common/progress.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

using namespace loupe;

namespace {

std::vector<float> gaussian(qint64 rows, int dims, unsigned seed, float scale = 1.0f)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(size_t(rows) * size_t(dims));
    for (float &x : v)
        x = normal(rng);
    return v;
}

/**
 * sklearn.manifold.trustworthiness written out the slow, obvious way (full rank matrix
 * of the original distances, every point a query): the reference the estimator must equal.
 */
double referenceTrustworthiness(const std::vector<float> &high, int hd, const std::vector<float> &low, int ld,
                                int n, int k)
{
    const auto distance = [](const float *a, const float *b, int d) {
        double s = 0;
        for (int i = 0; i < d; ++i)
            s += double(a[i] - b[i]) * double(a[i] - b[i]);
        return s;
    };
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        std::vector<int> byHigh(n), byLow(n);
        std::iota(byHigh.begin(), byHigh.end(), 0);
        std::iota(byLow.begin(), byLow.end(), 0);
        std::vector<double> dh(n), dl(n);
        for (int j = 0; j < n; ++j) {
            dh[j] = distance(&high[size_t(i) * hd], &high[size_t(j) * hd], hd);
            dl[j] = distance(&low[size_t(i) * ld], &low[size_t(j) * ld], ld);
        }
        dh[i] = dl[i] = -1.0; // self first, then skipped
        std::stable_sort(byHigh.begin(), byHigh.end(), [&](int a, int b) { return dh[a] < dh[b]; });
        std::stable_sort(byLow.begin(), byLow.end(), [&](int a, int b) { return dl[a] < dl[b]; });
        std::vector<int> rank(n);
        for (int r = 0; r < n; ++r)
            rank[byHigh[r]] = r; // self has rank 0, nearest other rank 1
        for (int r = 1; r <= k; ++r)
            sum += std::max(0, rank[byLow[r]] - k);
    }
    return 1.0 - 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0)) * sum;
}

EmbeddingQuality measure(const std::vector<float> &high, int hd, const std::vector<float> &low, int ld,
                         qint64 n, int k, qint64 queries, std::uint64_t seed = 1, qint64 sampleRows = 0)
{
    EmbeddingQualityParams params;
    params.neighbors = k;
    params.queries = queries;
    params.seed = seed;
    params.sampleRows = sampleRows;
    Progress progress;
    return measureEmbeddingQuality(high.data(), n, hd, low.data(), ld, params, progress);
}

} // namespace

class TestEmbeddingQuality : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isometricEmbeddingIsPerfect();
    void randomEmbeddingIsPoor();
    void equalsSklearnDefinition_data();
    void equalsSklearnDefinition();
    void subsampleEstimatesFullValue();
    void sampledPointsEstimateFullValue();
    void droppedDimensionLowersRecall();
    void rejectsTooFewRows();
    void cancels();
};

void TestEmbeddingQuality::isometricEmbeddingIsPerfect()
{
    // 2-D points, rotated and shifted into 6-D: every distance is kept, so is every rank.
    const int n = 1500;
    const std::vector<float> low = gaussian(n, 2, 1);
    std::vector<float> high(size_t(n) * 6);
    const float c = std::cos(0.7f), s = std::sin(0.7f);
    for (int i = 0; i < n; ++i) {
        const float x = low[size_t(2 * i)], y = low[size_t(2 * i + 1)];
        const float values[6] = {5.0f, c * x - s * y, -3.0f, s * x + c * y, 100.0f, 0.0f};
        std::copy_n(values, 6, &high[size_t(i) * 6]);
    }
    const EmbeddingQuality q = measure(high, 6, low, 2, n, 10, n);
    QCOMPARE(q.queries, qint64(n));
    QCOMPARE(q.neighbors, 10);
    QVERIFY2(q.trustworthiness > 0.99999, qPrintable(QString::number(q.trustworthiness, 'g', 10)));
    QVERIFY2(q.knnRecall > 0.999, qPrintable(QString::number(q.knnRecall)));
}

void TestEmbeddingQuality::randomEmbeddingIsPoor()
{
    // A map unrelated to the data: map neighbours are uniformly ranked strangers, T ~ 0.5.
    const int n = 3000;
    const std::vector<float> high = gaussian(n, 16, 2);
    const std::vector<float> low = gaussian(n, 2, 3);
    const EmbeddingQuality q = measure(high, 16, low, 2, n, 10, 1000);
    QVERIFY2(q.trustworthiness > 0.45 && q.trustworthiness < 0.55,
             qPrintable(QString::number(q.trustworthiness)));
    QVERIFY2(q.knnRecall < 0.02, qPrintable(QString::number(q.knnRecall)));
}

void TestEmbeddingQuality::equalsSklearnDefinition_data()
{
    QTest::addColumn<int>("k");
    QTest::newRow("k=5") << 5;
    QTest::newRow("k=12") << 12;
}

void TestEmbeddingQuality::equalsSklearnDefinition()
{
    QFETCH(int, k);
    // A noisy projection: a partly faithful map, so that the penalty term is far from 0.
    const int n = 400;
    const std::vector<float> high = gaussian(n, 8, 4);
    std::vector<float> low(size_t(n) * 2);
    const std::vector<float> noise = gaussian(n, 2, 5, 0.7f);
    for (int i = 0; i < n; ++i) {
        low[size_t(2 * i)] = high[size_t(8 * i)] + noise[size_t(2 * i)];
        low[size_t(2 * i + 1)] = high[size_t(8 * i + 1)] + noise[size_t(2 * i + 1)];
    }
    const double expected = referenceTrustworthiness(high, 8, low, 2, n, k);
    const EmbeddingQuality q = measure(high, 8, low, 2, n, k, n);
    QVERIFY(expected < 0.95 && expected > 0.6);
    QVERIFY2(
        std::abs(q.trustworthiness - expected) < 1e-9,
        qPrintable(QStringLiteral("%1 vs %2").arg(q.trustworthiness, 0, 'g', 12).arg(expected, 0, 'g', 12)));
}

void TestEmbeddingQuality::subsampleEstimatesFullValue()
{
    const int n = 6000;
    const std::vector<float> high = gaussian(n, 10, 6);
    std::vector<float> low(size_t(n) * 2);
    for (int i = 0; i < n; ++i) {
        low[size_t(2 * i)] = high[size_t(10 * i)] + 0.3f * high[size_t(10 * i + 2)];
        low[size_t(2 * i + 1)] = high[size_t(10 * i + 1)];
    }
    const EmbeddingQuality full = measure(high, 10, low, 2, n, 10, n);
    const EmbeddingQuality a = measure(high, 10, low, 2, n, 10, 1500, 1);
    const EmbeddingQuality b = measure(high, 10, low, 2, n, 10, 1500, 1);
    QCOMPARE(a.trustworthiness, b.trustworthiness); // seeded
    QCOMPARE(a.queries, qint64(1500));
    QVERIFY2(std::abs(a.trustworthiness - full.trustworthiness) < 0.01,
             qPrintable(QStringLiteral("%1 vs %2").arg(a.trustworthiness).arg(full.trustworthiness)));
    QVERIFY(std::abs(a.knnRecall - full.knnRecall) < 0.02);
}

void TestEmbeddingQuality::sampledPointsEstimateFullValue()
{
    // Above sampleRows the measure runs on a uniform sample of the points, both neighbourhoods
    // within it: what bounds its cost at ten million samples.
    const int n = 8000;
    const std::vector<float> high = gaussian(n, 10, 8);
    std::vector<float> low(size_t(n) * 2);
    for (int i = 0; i < n; ++i) {
        low[size_t(2 * i)] = high[size_t(10 * i)] + 0.3f * high[size_t(10 * i + 2)];
        low[size_t(2 * i + 1)] = high[size_t(10 * i + 1)];
    }
    const EmbeddingQuality full = measure(high, 10, low, 2, n, 10, n);
    const EmbeddingQuality sampled = measure(high, 10, low, 2, n, 10, n, 1, 4000);
    QCOMPARE(full.measuredRows, qint64(n));
    QCOMPARE(sampled.measuredRows, qint64(4000));
    QCOMPARE(sampled.queries, qint64(4000));
    QVERIFY2(std::abs(sampled.trustworthiness - full.trustworthiness) < 0.02,
             qPrintable(QStringLiteral("%1 vs %2").arg(sampled.trustworthiness).arg(full.trustworthiness)));
    QCOMPARE(measure(high, 10, low, 2, n, 10, n, 1, 4000).trustworthiness, sampled.trustworthiness); // seeded
}

void TestEmbeddingQuality::droppedDimensionLowersRecall()
{
    // Keeping 2 of 3 equally spread dimensions loses neighbourhoods; keeping 2 of (2 + a tiny
    // third) keeps them: the measures must order the two maps.
    const int n = 2000;
    const std::vector<float> base = gaussian(n, 3, 7);
    std::vector<float> flat = base;
    for (int i = 0; i < n; ++i)
        flat[size_t(3 * i + 2)] *= 0.01f;
    std::vector<float> low(size_t(n) * 2);
    for (int i = 0; i < n; ++i) {
        low[size_t(2 * i)] = base[size_t(3 * i)];
        low[size_t(2 * i + 1)] = base[size_t(3 * i + 1)];
    }
    const EmbeddingQuality good = measure(flat, 3, low, 2, n, 10, n);
    const EmbeddingQuality poor = measure(base, 3, low, 2, n, 10, n);
    QVERIFY(good.knnRecall > 0.95);
    QVERIFY(poor.knnRecall < 0.7);
    QVERIFY(good.trustworthiness > poor.trustworthiness + 0.05);
}

void TestEmbeddingQuality::rejectsTooFewRows()
{
    const std::vector<float> v = gaussian(8, 2, 1);
    QVERIFY_THROWS_EXCEPTION(Error, measure(v, 2, v, 2, 8, 10, 100));
}

void TestEmbeddingQuality::cancels()
{
    const std::vector<float> v = gaussian(500, 4, 1);
    Progress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, measureEmbeddingQuality(v.data(), 500, 4, v.data(), 2,
                                                                EmbeddingQualityParams(), progress));
}

QTEST_APPLESS_MAIN(TestEmbeddingQuality)
#include "tst_embeddingquality.moc"
