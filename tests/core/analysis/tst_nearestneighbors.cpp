#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "analysis/neighbours/nearestneighbors.h"
#include "common/error.h"
#include "common/progress.h"

using namespace loupe;

namespace {

/** n points of d dims around `clusters` centres: structured data, unlike isotropic noise. */
std::vector<float> gaussianMixture(qint64 n, int d, int clusters, quint32 seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> centres(size_t(clusters * d));
    for (float &c : centres)
        c = 4.0f * normal(rng);
    std::vector<float> data(size_t(n * d));
    for (qint64 i = 0; i < n; ++i) {
        const int c = int(rng() % quint32(clusters));
        for (int j = 0; j < d; ++j)
            data[size_t(i * d + j)] = centres[size_t(c * d + j)] + normal(rng);
    }
    return data;
}

double distance(const std::vector<float> &data, int d, qint64 a, const float *b)
{
    double sum = 0;
    for (int j = 0; j < d; ++j) {
        const double diff = double(data[size_t(a * d + j)]) - double(b[j]);
        sum += diff * diff;
    }
    return std::sqrt(sum);
}

/** Brute force in double precision: the k accepted rows nearest to query, nearest first. */
std::vector<Neighbor> bruteForce(const std::vector<float> &data, int d, const float *query, int k,
                                 const std::function<bool(qint64)> &accept)
{
    const qint64 n = qint64(data.size()) / d;
    std::vector<std::pair<double, qint64>> all;
    for (qint64 i = 0; i < n; ++i) {
        if (!accept || accept(i))
            all.emplace_back(distance(data, d, i, query), i);
    }
    std::sort(all.begin(), all.end());
    std::vector<Neighbor> result;
    for (size_t j = 0; j < all.size() && int(j) < k; ++j)
        result.push_back({all[j].second, float(all[j].first)});
    return result;
}

KnnParams withMethod(KnnParams::Method method)
{
    KnnParams params;
    params.method = method;
    return params;
}

double recallAt(const KnnGraph &found, const KnnGraph &truth)
{
    qint64 hits = 0;
    for (qint64 i = 0; i < truth.n; ++i) {
        const qint32 *row = found.neighbors(i);
        for (int j = 0; j < truth.k; ++j)
            hits += std::count(row, row + found.k, truth.neighbors(i)[j]);
    }
    return double(hits) / double(truth.n * truth.k);
}

/** 4,000 points of a 20-component mixture in 32 dimensions, with their exact 10 nearest neighbours. */
struct RecallCase
{
    qint64 n = 4000;
    int d = 32;
    int k = 10;
    std::vector<float> data;
    KnnGraph truth;
};

RecallCase recallCase(unsigned seed)
{
    RecallCase c;
    c.data = gaussianMixture(c.n, c.d, 20, seed);
    Progress progress;
    c.truth =
        allNearestNeighbors(c.data.data(), c.n, c.d, c.k, withMethod(KnnParams::Method::Exact), progress);
    return c;
}

} // namespace

class TestNearestNeighbors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exactGraphEqualsBruteForce_data();
    void exactGraphEqualsBruteForce();
    void plantedDuplicateIsNearestAtZero();
    void tooFewPointsArePadded();
    void hnswRecallOnClusteredData();
    void clusteredRecallOnClusteredData();
    void clusteredGraphIsDeterministic();
    void clusteredTwoLevelCellsKeepRecall();
    void queryRespectsFilter_data();
    void queryRespectsFilter();
    void serializeRoundTrip_data();
    void serializeRoundTrip();
    void corruptBytesAreRejected();
    void cancelStops();
    void indexTakesOverItsMatrix();
};

void TestNearestNeighbors::exactGraphEqualsBruteForce_data()
{
    QTest::addColumn<qint64>("n");
    QTest::addColumn<int>("d");
    QTest::addColumn<int>("k");
    QTest::newRow("one tile") << qint64(300) << 16 << 7;
    // More rows than one column tile (4096) and many row tiles: exercises the tiling.
    QTest::newRow("several tiles") << qint64(5000) << 5 << 4;
}

void TestNearestNeighbors::exactGraphEqualsBruteForce()
{
    QFETCH(qint64, n);
    QFETCH(int, d);
    QFETCH(int, k);
    const std::vector<float> data = gaussianMixture(n, d, 5, 7);
    Progress progress;
    const KnnGraph graph =
        allNearestNeighbors(data.data(), n, d, k, withMethod(KnnParams::Method::Exact), progress);
    QCOMPARE(graph.n, n);
    QCOMPARE(graph.k, k);
    for (qint64 i = 0; i < n; i += (n > 1000 ? 37 : 1)) {
        const auto notSelf = [i](qint64 j) {
            return j != i;
        };
        const std::vector<Neighbor> truth = bruteForce(data, d, data.data() + i * d, k, notSelf);
        for (int j = 0; j < k; ++j) {
            QCOMPARE(graph.neighbors(i)[j], qint32(truth[size_t(j)].sample));
            QVERIFY(std::abs(graph.neighborDistances(i)[j] - truth[size_t(j)].distance) < 1e-4f);
        }
    }
}

void TestNearestNeighbors::plantedDuplicateIsNearestAtZero()
{
    // Large norms make ||x||^2 + ||y||^2 - 2xy cancel badly; the direct refinement must
    // still give exactly 0 for a copy.
    const int d = 32;
    std::vector<float> data = gaussianMixture(200, d, 3, 11);
    for (float &v : data)
        v += 1000.0f;
    std::copy_n(data.begin() + 5 * d, d, data.begin() + 150 * d);
    Progress progress;
    for (auto method : {KnnParams::Method::Exact, KnnParams::Method::Hnsw, KnnParams::Method::Clustered}) {
        KnnParams params = withMethod(method);
        params.clusterSize = 20; // 10 cells, so the copy may sit in another cell than its original
        const KnnGraph graph = allNearestNeighbors(data.data(), 200, d, 3, params, progress);
        QCOMPARE(graph.neighbors(5)[0], 150);
        QCOMPARE(graph.neighbors(150)[0], 5);
        QCOMPARE(graph.neighborDistances(5)[0], 0.0f);
    }
}

void TestNearestNeighbors::tooFewPointsArePadded()
{
    const std::vector<float> data{0, 0, 3, 4, 6, 8};
    Progress progress;
    for (auto method : {KnnParams::Method::Exact, KnnParams::Method::Hnsw, KnnParams::Method::Clustered}) {
        const KnnGraph graph = allNearestNeighbors(data.data(), 3, 2, 4, withMethod(method), progress);
        QCOMPARE(graph.neighbors(0)[0], 1);
        QCOMPARE(graph.neighborDistances(0)[0], 5.0f);
        QCOMPARE(graph.neighbors(0)[1], 2);
        QCOMPARE(graph.neighbors(0)[2], -1);
        QVERIFY(std::isinf(graph.neighborDistances(0)[3]));
    }
}

void TestNearestNeighbors::hnswRecallOnClusteredData()
{
    const qint64 n = 4000;
    const int d = 32;
    const int k = 10;
    const std::vector<float> data = gaussianMixture(n, d, 20, 3);
    Progress progress;
    const KnnGraph truth =
        allNearestNeighbors(data.data(), n, d, k, withMethod(KnnParams::Method::Exact), progress);
    const KnnGraph approximate =
        allNearestNeighbors(data.data(), n, d, k, withMethod(KnnParams::Method::Hnsw), progress);
    const double recall = recallAt(approximate, truth);
    qInfo("HNSW recall@10 on a 4000 x 32 mixture: %.4f", recall);
    QVERIFY(recall >= 0.9);
}

void TestNearestNeighbors::clusteredRecallOnClusteredData()
{
    // 40 cells of ~100 points, 10 probed: each point sees a quarter of the data, and the
    // neighbours-of-neighbours pass repairs most rows whose neighbours sat elsewhere.
    const RecallCase c = recallCase(3);
    const qint64 n = c.n;
    const int d = c.d, k = c.k;
    const std::vector<float> &data = c.data;
    const KnnGraph &truth = c.truth;
    Progress progress;
    KnnParams params = withMethod(KnnParams::Method::Clustered);
    params.clusterSize = 100;
    params.clusterRefinePasses = 0;
    const double searchOnly = recallAt(allNearestNeighbors(data.data(), n, d, k, params, progress), truth);
    params.clusterRefinePasses = 1;
    const KnnGraph refined = allNearestNeighbors(data.data(), n, d, k, params, progress);
    const double recall = recallAt(refined, truth);
    qInfo("Clustered recall@10 on a 4000 x 32 mixture: %.4f (%.4f before refinement)", recall, searchOnly);
    QVERIFY(recall >= 0.9);
    QVERIFY(recall >= searchOnly);
    for (qint64 i = 0; i < n; ++i) {
        QVERIFY(std::is_sorted(refined.neighborDistances(i), refined.neighborDistances(i) + k));
        QVERIFY(std::find(refined.neighbors(i), refined.neighbors(i) + k, qint32(i)) ==
                refined.neighbors(i) + k);
    }
}

void TestNearestNeighbors::clusteredGraphIsDeterministic()
{
    const std::vector<float> data = gaussianMixture(3000, 16, 8, 5);
    KnnParams params = withMethod(KnnParams::Method::Clustered);
    params.clusterSize = 64;
    Progress progress;
    const KnnGraph first = allNearestNeighbors(data.data(), 3000, 16, 8, params, progress);
    const KnnGraph second = allNearestNeighbors(data.data(), 3000, 16, 8, params, progress);
    QCOMPARE(first.indices, second.indices);
    QCOMPARE(first.distances, second.distances);
}

void TestNearestNeighbors::clusteredTwoLevelCellsKeepRecall()
{
    // 200 cells of 20 points, 6 probed, no refinement: made flat, or as 15 groups split into
    // their share of the cells.
    const RecallCase c = recallCase(7);
    const qint64 n = c.n;
    const int d = c.d, k = c.k;
    const std::vector<float> &data = c.data;
    const KnnGraph &truth = c.truth;
    Progress progress;
    KnnParams params = withMethod(KnnParams::Method::Clustered);
    params.clusterSize = 20;
    params.clusterProbes = 6;
    params.clusterRefinePasses = 0; // the cells alone
    params.clusterTwoLevelFrom = 0;
    const double flat = recallAt(allNearestNeighbors(data.data(), n, d, k, params, progress), truth);
    params.clusterTwoLevelFrom = 100;
    const KnnGraph twoLevel = allNearestNeighbors(data.data(), n, d, k, params, progress);
    const double recall = recallAt(twoLevel, truth);
    qInfo("Clustered recall@10, 200 cells of 20: flat %.4f, two levels %.4f", flat, recall);
    QVERIFY(flat >= 0.8); // the cells alone miss some, so that a worse partition would show
    QVERIFY(recall >= flat - 0.02);
    const KnnGraph again = allNearestNeighbors(data.data(), n, d, k, params, progress);
    QCOMPARE(again.indices, twoLevel.indices);
    for (qint64 i = 0; i < n; ++i)
        QVERIFY(std::is_sorted(twoLevel.neighborDistances(i), twoLevel.neighborDistances(i) + k));
}

void TestNearestNeighbors::queryRespectsFilter_data()
{
    QTest::addColumn<int>("method");
    QTest::addColumn<int>("every"); // accept samples whose index is a multiple of every
    QTest::newRow("exact, 1 in 7") << int(KnnParams::Method::Exact) << 7;
    QTest::newRow("hnsw, 1 in 7") << int(KnnParams::Method::Hnsw) << 7;
    // 1 in 1000 is too selective for over-fetching: the exact scan takes over.
    QTest::newRow("exact, 1 in 1000") << int(KnnParams::Method::Exact) << 1000;
    QTest::newRow("hnsw, 1 in 1000") << int(KnnParams::Method::Hnsw) << 1000;
}

void TestNearestNeighbors::queryRespectsFilter()
{
    QFETCH(int, method);
    QFETCH(int, every);
    const qint64 n = 6000;
    const int d = 16;
    const int k = 8;
    const std::vector<float> data = gaussianMixture(n, d, 10, 5);
    Progress progress;
    const NearestNeighbors index(data.data(), n, d, withMethod(KnnParams::Method(method)), progress);
    const auto accept = [every](qint64 sample) {
        return sample % every == 0;
    };
    for (qint64 q : {qint64(1), qint64(2500), qint64(5999)}) {
        const std::vector<Neighbor> found = index.query(data.data() + q * d, k, accept);
        const std::vector<Neighbor> truth = bruteForce(data, d, data.data() + q * d, k, accept);
        QCOMPARE(found.size(), truth.size());
        for (size_t j = 0; j < found.size(); ++j) {
            QVERIFY(accept(found[j].sample));
            QCOMPARE(found[j].sample, truth[j].sample);
            QVERIFY(std::abs(found[j].distance - truth[j].distance) < 1e-3f);
        }
    }
}

void TestNearestNeighbors::serializeRoundTrip_data()
{
    QTest::addColumn<int>("method");
    QTest::newRow("exact") << int(KnnParams::Method::Exact);
    QTest::newRow("hnsw") << int(KnnParams::Method::Hnsw);
}

void TestNearestNeighbors::serializeRoundTrip()
{
    QFETCH(int, method);
    const qint64 n = 2000;
    const int d = 24;
    const std::vector<float> data = gaussianMixture(n, d, 8, 9);
    Progress progress;
    const NearestNeighbors built(data.data(), n, d, withMethod(KnnParams::Method(method)), progress);
    const QByteArray bytes = built.serialize();
    const NearestNeighbors loaded = NearestNeighbors::deserialize(bytes);
    QCOMPARE(loaded.size(), n);
    QCOMPARE(loaded.dimensions(), d);
    QCOMPARE(loaded.isExact(), built.isExact());
    QCOMPARE(loaded.efSearch(), built.efSearch());
    QCOMPARE(loaded.serialize(), bytes);
    const auto odd = [](qint64 sample) {
        return sample % 2 == 1;
    };
    for (qint64 q = 0; q < n; q += 97) {
        for (const auto &accept : {NearestNeighbors::Accept{}, NearestNeighbors::Accept{odd}}) {
            const std::vector<Neighbor> a = built.query(data.data() + q * d, 10, accept);
            const std::vector<Neighbor> b = loaded.query(data.data() + q * d, 10, accept);
            QCOMPARE(a.size(), b.size());
            for (size_t j = 0; j < a.size(); ++j) {
                QCOMPARE(a[j].sample, b[j].sample);
                QCOMPARE(a[j].distance, b[j].distance);
            }
        }
    }
    QCOMPARE(loaded.vector(17), built.vector(17));
}

void TestNearestNeighbors::corruptBytesAreRejected()
{
    const std::vector<float> data = gaussianMixture(300, 8, 3, 1);
    Progress progress;
    for (auto method : {KnnParams::Method::Exact, KnnParams::Method::Hnsw}) {
        const QByteArray bytes =
            NearestNeighbors(data.data(), 300, 8, withMethod(method), progress).serialize();
        QVERIFY_THROWS_EXCEPTION(Error, NearestNeighbors::deserialize(bytes.left(bytes.size() - 10)));
        QVERIFY_THROWS_EXCEPTION(Error, NearestNeighbors::deserialize(QByteArray("not an index")));
        QByteArray flipped = bytes;
        flipped[40] = char(flipped[40] ^ 0x5a);
        QVERIFY_THROWS_EXCEPTION(Error, NearestNeighbors::deserialize(flipped));
    }
}

void TestNearestNeighbors::cancelStops()
{
    const std::vector<float> data = gaussianMixture(3000, 8, 3, 1);
    Progress progress;
    progress.cancel();
    for (auto method : {KnnParams::Method::Exact, KnnParams::Method::Hnsw})
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 allNearestNeighbors(data.data(), 3000, 8, 5, withMethod(method), progress));
}

void TestNearestNeighbors::indexTakesOverItsMatrix()
{
    const std::vector<float> data = gaussianMixture(500, 8, 4, 9);
    Progress progress;
    for (auto method : {KnnParams::Method::Exact, KnnParams::Method::Hnsw}) {
        const NearestNeighbors copied(data.data(), 500, 8, withMethod(method), progress);
        std::vector<float> owned = data;
        const NearestNeighbors moved(std::move(owned), 500, 8, withMethod(method), progress);
        const auto a = copied.query(data.data() + 17 * 8, 5);
        const auto b = moved.query(data.data() + 17 * 8, 5);
        QCOMPARE(a.size(), b.size());
        for (size_t j = 0; j < a.size(); ++j)
            QCOMPARE(a[j].sample, b[j].sample);
        QCOMPARE(moved.vector(17), std::vector<float>(data.begin() + 17 * 8, data.begin() + 18 * 8));
    }
    std::vector<float> wrong(10);
    QVERIFY_THROWS_EXCEPTION(Error, NearestNeighbors(std::move(wrong), 3, 4, KnnParams(), progress));
}

QTEST_APPLESS_MAIN(TestNearestNeighbors)
#include "tst_nearestneighbors.moc"
