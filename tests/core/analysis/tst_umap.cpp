#include "analysis/maps/embeddingquality.h"
#include "analysis/maps/umap.h"
#include "analysis/maps/umapgraph.h"
#include "analysis/maps/umaplayout.h"
#include "analysis/maps/umapschedule.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "common/error.h"
#include "common/progress.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

using namespace loupe;

namespace {

/** Well-separated Gaussian blobs in `dims` dimensions: centres ~ 20 apart, unit spread. */
struct Blobs
{
    qint64 rows = 0;
    int dims = 0;
    std::vector<float> data;
    std::vector<int> label;
};

Blobs makeBlobs(int blobs, int perBlob, int dims, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<std::vector<float>> centres(static_cast<size_t>(blobs),
                                            std::vector<float>(static_cast<size_t>(dims)));
    for (auto &c : centres)
        for (float &x : c)
            x = 8.0f * normal(rng);
    Blobs b;
    b.rows = qint64(blobs) * perBlob;
    b.dims = dims;
    for (int i = 0; i < perBlob; ++i) {
        for (int c = 0; c < blobs; ++c) {
            for (int d = 0; d < dims; ++d)
                b.data.push_back(centres[size_t(c)][size_t(d)] + normal(rng));
            b.label.push_back(c);
        }
    }
    return b;
}

UmapParams quickParams(int threads = 0)
{
    UmapParams p;
    p.threads = threads;
    p.seed = 7;
    p.epochs = 200;
    return p;
}

UmapResult runUmap(const Blobs &b, const UmapParams &params)
{
    Progress progress;
    return computeUmap(b.data.data(), b.rows, b.dims, params, progress);
}

/** Share of points whose 10 nearest map neighbours all come from the point's own blob. */
double mapPurity(const Blobs &b, const std::vector<float> &coords)
{
    KnnParams exact;
    exact.method = KnnParams::Method::Exact;
    Progress progress;
    const KnnGraph g = allNearestNeighbors(coords.data(), b.rows, 2, 10, exact, progress);
    qint64 pure = 0;
    for (qint64 i = 0; i < b.rows; ++i) {
        bool same = true;
        for (int j = 0; j < g.k; ++j)
            same = same && b.label[size_t(g.neighbors(i)[j])] == b.label[size_t(i)];
        pure += same;
    }
    return double(pure) / double(b.rows);
}

/**
 * The smallest gap between two blobs' map centroids, divided by the largest blob radius
 * (95th percentile distance to its centroid): > 1 means the blobs do not overlap.
 */
double separation(const Blobs &b, const std::vector<float> &coords, int blobs)
{
    const size_t n = static_cast<size_t>(blobs);
    std::vector<double> cx(n, 0.0), cy(n, 0.0), count(n, 0.0);
    for (qint64 i = 0; i < b.rows; ++i) {
        cx[size_t(b.label[size_t(i)])] += coords[size_t(2 * i)];
        cy[size_t(b.label[size_t(i)])] += coords[size_t(2 * i + 1)];
        count[size_t(b.label[size_t(i)])] += 1;
    }
    std::vector<std::vector<double>> radii(n);
    for (int c = 0; c < blobs; ++c) {
        cx[size_t(c)] /= count[size_t(c)];
        cy[size_t(c)] /= count[size_t(c)];
    }
    for (qint64 i = 0; i < b.rows; ++i) {
        const int c = b.label[size_t(i)];
        radii[size_t(c)].push_back(
            std::hypot(coords[size_t(2 * i)] - cx[size_t(c)], coords[size_t(2 * i + 1)] - cy[size_t(c)]));
    }
    double radius = 0.0;
    for (auto &r : radii) {
        std::sort(r.begin(), r.end());
        radius = std::max(radius, r[r.size() * 95 / 100]);
    }
    double gap = INFINITY;
    for (int c = 0; c < blobs; ++c)
        for (int o = 0; o < c; ++o)
            gap = std::min(gap, std::hypot(cx[size_t(c)] - cx[size_t(o)], cy[size_t(c)] - cy[size_t(o)]));
    return gap / (2.0 * radius);
}

EmbeddingQuality quality(const Blobs &b, const std::vector<float> &coords)
{
    EmbeddingQualityParams params;
    params.queries = 1000;
    Progress progress;
    return measureEmbeddingQuality(b.data.data(), b.rows, b.dims, coords.data(), 2, params, progress);
}

} // namespace

class TestUmap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void curveMatchesUmapLearn_data();
    void curveMatchesUmapLearn();
    void smoothKnnScaleHitsTarget();
    void fuzzyUnionIsSymmetric();
    void scheduleKeepsEveryEdgeOnce_data();
    void scheduleKeepsEveryEdgeOnce();
    void keepsBlobsSeparate();
    void isDeterministicSingleThreaded();
    void multiThreadedKeepsQuality();
    void fitsSampleAndPlacesTheRest();
    void placesInBatches();
    void placesManyPointsAgainstFewFittedOnes();
    void cancels();
    void cancelsDuringLayout();
    void handlesTinyInputs();
    void rejectsTooFewRows();
};

void TestUmap::curveMatchesUmapLearn_data()
{
    // Reference values: umap-learn 0.5.3's find_ab_params(spread, min_dist).
    QTest::addColumn<double>("spread");
    QTest::addColumn<double>("minDist");
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::newRow("default") << 1.0 << 0.1 << 1.5769434601962196 << 0.8950608779914887;
    QTest::newRow("min_dist 0") << 1.0 << 0.0 << 1.9328083975546724 << 0.7904949734010681;
    QTest::newRow("min_dist 0.5") << 1.0 << 0.5 << 0.583030020479462 << 1.3341669929263487;
    QTest::newRow("spread 2") << 2.0 << 0.1 << 0.5446605403757238 << 0.8420554264219823;
}

void TestUmap::curveMatchesUmapLearn()
{
    QFETCH(double, spread);
    QFETCH(double, minDist);
    QFETCH(double, a);
    QFETCH(double, b);
    const UmapCurve curve = fitUmapCurve(spread, minDist);
    QVERIFY2(std::abs(curve.a - a) < 1e-3 * a, qPrintable(QString::number(curve.a, 'g', 10)));
    QVERIFY2(std::abs(curve.b - b) < 1e-3 * b, qPrintable(QString::number(curve.b, 'g', 10)));
}

void TestUmap::smoothKnnScaleHitsTarget()
{
    const float distances[14] = {0.5f, 0.7f, 0.8f, 0.81f, 0.9f, 1.0f, 1.1f,
                                 1.2f, 1.3f, 1.5f, 1.6f,  1.8f, 2.0f, 2.5f};
    const double target = std::log2(15.0);
    const UmapLocalScale s = smoothKnnScale(distances, 14, target, 1.0, 1.0);
    QCOMPARE(s.rho, 0.5f); // the nearest neighbour is fully connected
    double sum = 0.0;
    for (float d : distances)
        sum += std::exp(-std::max(0.0, double(d) - s.rho) / s.sigma);
    QVERIFY2(std::abs(sum - target) < 1e-4, qPrintable(QString::number(sum)));
    QCOMPARE(umapMembership(0.5f, s), 1.0f);
    QVERIFY(umapMembership(2.5f, s) < umapMembership(1.0f, s));

    // All neighbours at distance 0 (duplicates): the scale floor keeps sigma finite and positive.
    const float zeros[4] = {0, 0, 0, 0};
    const UmapLocalScale z = smoothKnnScale(zeros, 4, 2.0, 1.0, 0.5);
    QCOMPARE(z.rho, 0.0f);
    QVERIFY(z.sigma > 0.0f && std::isfinite(z.sigma));
}

void TestUmap::fuzzyUnionIsSymmetric()
{
    // 0's nearest is 1 but 1's is 2: w(0,1) comes from 0's row only, w(1,2) from both.
    KnnGraph knn;
    knn.n = 4;
    knn.k = 2;
    knn.indices = {1, 2, 2, 0, 1, 3, 2, 1};
    knn.distances = {1.0f, 2.0f, 0.5f, 1.0f, 0.5f, 1.5f, 1.5f, 2.5f};
    UmapGraphParams params;
    params.neighbors = 3;
    Progress progress;
    const UmapGraph g = fuzzySimplicialSet(knn, params, progress);
    QCOMPARE(g.vertices, qint64(4));
    std::map<std::pair<int, int>, float> w;
    for (qint64 i = 0; i < g.vertices; ++i) {
        for (qint64 e = g.rowStart[size_t(i)]; e < g.rowStart[size_t(i) + 1]; ++e) {
            QVERIFY(e == g.rowStart[size_t(i)] || g.tails[size_t(e - 1)] < g.tails[size_t(e)]);
            w[{int(i), g.tails[size_t(e)]}] = g.weights[size_t(e)];
        }
    }
    const auto weightOf = [&w](int i, int j) {
        return w.at(std::make_pair(i, j));
    };
    for (const auto &[edge, weight] : w) {
        QVERIFY(w.count({edge.second, edge.first}));
        QCOMPARE(weightOf(edge.second, edge.first), weight);
        QVERIFY(weight > 0.0f && weight <= 1.0f);
    }
    // Each point's nearest neighbour has membership 1, so the union is 1 too.
    QCOMPARE(weightOf(0, 1), 1.0f);
    QCOMPARE(weightOf(1, 2), 1.0f);
    QVERIFY(!w.count({0, 3}));
    // An edge present in one direction only keeps its directed membership a (a + 0 - 0).
    const UmapLocalScale s0 = smoothKnnScale(&knn.distances[0], 2, std::log2(3.0), 1.0, 1.0);
    QCOMPARE(weightOf(0, 2), umapMembership(2.0f, s0));
}

void TestUmap::scheduleKeepsEveryEdgeOnce_data()
{
    QTest::addColumn<int>("parts");
    QTest::addColumn<bool>("renumber");
    QTest::newRow("1 part") << 1 << false;
    QTest::newRow("3 parts, renumbered") << 3 << true;
}

void TestUmap::scheduleKeepsEveryEdgeOnce()
{
    QFETCH(int, parts);
    QFETCH(bool, renumber);
    // A ring of 50 points, each linked to its two neighbours on either side (weights 1 and
    // 0.5), plus one edge too weak to be sampled in 20 epochs (0.01 < 1 / 20).
    UmapGraph g;
    g.vertices = 50;
    g.rowStart.push_back(0);
    for (int v = 0; v < 50; ++v) {
        for (int offset : {-2, -1, 1, 2}) {
            g.tails.push_back((v + offset + 50) % 50);
            g.weights.push_back(std::abs(offset) == 1 ? 1.0f : 0.5f);
        }
        if (v == 7) {
            g.tails.push_back(30);
            g.weights.push_back(0.01f);
        }
        g.rowStart.push_back(qint64(g.tails.size()));
    }
    const UmapSchedule s = makeUmapSchedule(g, 20, 5, parts, renumber);
    QCOMPARE(s.parts(), parts);
    QCOMPARE(s.edges(), qint64(200)); // the weak edge is dropped
    QCOMPARE(s.partStart.back(), s.edges());
    std::vector<int> seen(50, 0);
    for (qint32 v : s.order)
        ++seen[size_t(v)];
    if (renumber)
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; })); // a permutation
    else
        QVERIFY(s.order.empty());
    const auto original = [&](qint32 v) {
        return renumber ? s.order[size_t(v)] : v;
    };
    std::map<std::pair<int, int>, int> edges;
    for (qint64 e = 0; e < s.edges(); ++e) {
        ++edges[{original(s.heads[size_t(e)]), original(s.tails[size_t(e)])}];
        // Weight 1 is sampled every epoch, 0.5 every other; negatives 5 times as often.
        const float every = s.epochsPerSample[size_t(e)];
        QVERIFY(every == 1.0f || every == 2.0f);
        QCOMPARE(s.epochsPerNegative[size_t(e)], every / 5.0f);
        QCOMPARE(s.nextSample[size_t(e)], every);
    }
    QCOMPARE(edges.size(), size_t(200));
    for (const auto &[edge, count] : edges)
        QCOMPARE(count, 1);
    // Each part's heads form their own range: no head is updated from two parts.
    std::map<qint32, int> partOfHead;
    for (int p = 0; p < s.parts(); ++p) {
        for (qint64 e = s.partStart[size_t(p)]; e < s.partStart[size_t(p) + 1]; ++e) {
            const auto [it, inserted] = partOfHead.emplace(s.heads[size_t(e)], p);
            QCOMPARE(it->second, p);
        }
    }
}

void TestUmap::keepsBlobsSeparate()
{
    const Blobs b = makeBlobs(5, 300, 20, 1);
    const UmapResult r = runUmap(b, quickParams());
    QCOMPARE(r.rows, b.rows);
    QCOMPARE(r.coordinates.size(), size_t(b.rows * 2));
    QCOMPARE(r.fittedRows, b.rows);
    QVERIFY(r.graphEdges > b.rows * 14);
    QCOMPARE(r.searchDimensions, 20); // 20 <= 32: no PCA before the search
    for (float v : r.coordinates)
        QVERIFY(std::isfinite(v));
    const double purity = mapPurity(b, r.coordinates);
    const double gap = separation(b, r.coordinates, 5);
    const EmbeddingQuality q = quality(b, r.coordinates);
    qInfo("purity %.4f, separation %.2f, trustworthiness %.4f, recall %.3f", purity, gap, q.trustworthiness,
          q.knnRecall);
    QVERIFY(purity > 0.99);
    QVERIFY(gap > 1.0);
    QVERIFY(q.trustworthiness > 0.85);
}

void TestUmap::isDeterministicSingleThreaded()
{
    const Blobs b = makeBlobs(3, 200, 10, 2);
    const UmapResult first = runUmap(b, quickParams(1));
    const UmapResult second = runUmap(b, quickParams(1));
    QCOMPARE(first.coordinates, second.coordinates);
    UmapParams other = quickParams(1);
    other.seed = 8;
    QVERIFY(runUmap(b, other).coordinates != first.coordinates);
}

void TestUmap::multiThreadedKeepsQuality()
{
    // Hogwild with two threads: not bit-reproducible, but the same quality.
    const Blobs b = makeBlobs(4, 400, 40, 3);
    const UmapResult r = runUmap(b, quickParams(2));
    QCOMPARE(r.searchDimensions, 32); // 40 > 32: PCA before the search
    QVERIFY(r.searchVarianceKept > 0.9);
    QVERIFY(mapPurity(b, r.coordinates) > 0.99);
    QVERIFY(quality(b, r.coordinates).trustworthiness > 0.85);
}

void TestUmap::fitsSampleAndPlacesTheRest()
{
    const Blobs b = makeBlobs(5, 1200, 16, 4);
    UmapParams params = quickParams();
    params.fitSampleSize = 1500;
    const UmapResult r = runUmap(b, params);
    QCOMPARE(r.fittedRows, qint64(1500));
    QCOMPARE(r.coordinates.size(), size_t(b.rows * 2));
    for (float v : r.coordinates)
        QVERIFY(std::isfinite(v));
    const double purity = mapPurity(b, r.coordinates);
    const EmbeddingQuality q = quality(b, r.coordinates);
    qInfo("placed: purity %.4f, trustworthiness %.4f, recall %.3f", purity, q.trustworthiness, q.knnRecall);
    QVERIFY(purity > 0.98);
    QVERIFY(separation(b, r.coordinates, 5) > 1.0);
    QVERIFY(q.trustworthiness > 0.85);
}

void TestUmap::placesInBatches()
{
    // 4,500 points placed in batches of 1,000 (as 800,000 are in batches of 200,000).
    const Blobs b = makeBlobs(5, 1200, 16, 4);
    UmapParams params = quickParams();
    params.fitSampleSize = 1500;
    params.placementBatch = 1000;
    const UmapResult r = runUmap(b, params);
    for (float v : r.coordinates)
        QVERIFY(std::isfinite(v));
    QVERIFY(mapPurity(b, r.coordinates) > 0.98);
    QVERIFY(quality(b, r.coordinates).trustworthiness > 0.85);
}

void TestUmap::placesManyPointsAgainstFewFittedOnes()
{
    // Regression: the unused lanes of a negative-sample batch read the tail with the head's
    // number, out of bounds when there are more new points than fitted ones (a 1,000,000
    // point map crashed placing 800,000 points against 200,000; ASan flags the read).
    const qint64 fitted = 8;
    const qint64 placed = 3000;
    std::vector<float> tails(size_t(fitted) * 2);
    for (qint64 t = 0; t < fitted; ++t) {
        tails[size_t(2 * t)] = float(t);
        tails[size_t(2 * t + 1)] = float(t % 3);
    }
    UmapGraph graph; // every new point linked to two fitted ones
    graph.vertices = placed;
    graph.rowStart.push_back(0);
    std::vector<float> heads(size_t(placed) * 2);
    for (qint64 p = 0; p < placed; ++p) {
        graph.tails.push_back(qint32(p % fitted));
        graph.tails.push_back(qint32((p + 1) % fitted));
        graph.weights.push_back(1.0f);
        graph.weights.push_back(0.5f);
        graph.rowStart.push_back(qint64(graph.tails.size()));
        heads[size_t(2 * p)] = float(p % fitted) + 0.5f;
        heads[size_t(2 * p + 1)] = 1.0f;
    }
    UmapLayoutParams params;
    params.epochs = 30;
    params.curve = fitUmapCurve(1.0, 0.1);
    params.learningRate = 0.25;
    Progress progress;
    const std::vector<float> before = tails;
    optimizeUmapLayout(graph, heads.data(), tails.data(), fitted, false, params, progress);
    QCOMPARE(tails, before); // the fitted layout is not moved
    for (qint64 p = 0; p < placed; ++p) {
        QVERIFY(std::isfinite(heads[size_t(2 * p)]) && std::isfinite(heads[size_t(2 * p + 1)]));
        // Pulled towards its two fitted neighbours, not flung away.
        const float cx = (tails[size_t(2 * (p % fitted))] + tails[size_t(2 * ((p + 1) % fitted))]) / 2.0f;
        QVERIFY(std::abs(heads[size_t(2 * p)] - cx) < 6.0f);
    }
}

void TestUmap::cancels()
{
    const Blobs b = makeBlobs(2, 100, 5, 5);
    Progress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, computeUmap(b.data.data(), b.rows, b.dims, quickParams(), progress));
}

void TestUmap::cancelsDuringLayout()
{
    const Blobs b = makeBlobs(3, 300, 8, 6);
    Progress *self = nullptr;
    int layoutReports = 0;
    Progress progress([&](double, const QString &step) {
        if (step.contains(QStringLiteral("layout")) && ++layoutReports == 3)
            self->cancel();
    });
    self = &progress;
    QVERIFY_THROWS_EXCEPTION(Cancelled, computeUmap(b.data.data(), b.rows, b.dims, quickParams(), progress));
    QCOMPARE(layoutReports, 3); // stopped at the next epoch boundary, not at the end
}

void TestUmap::handlesTinyInputs()
{
    // Fewer points than neighbours: k shrinks to n - 1 and the map is still finite.
    const Blobs b = makeBlobs(1, 6, 3, 7);
    const UmapResult r = runUmap(b, quickParams(1));
    QCOMPARE(r.coordinates.size(), size_t(12));
    for (float v : r.coordinates)
        QVERIFY(std::isfinite(v));
}

void TestUmap::rejectsTooFewRows()
{
    const float one[3] = {1, 2, 3};
    Progress progress;
    QVERIFY_THROWS_EXCEPTION(Error, computeUmap(one, 1, 3, UmapParams(), progress));
}

QTEST_APPLESS_MAIN(TestUmap)
#include "tst_umap.moc"
