#include <QTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/neighbours/similaritysearch.h"
#include "analysis/pipeline/storedmatrix.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "storage/project.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <QTemporaryDir>

using namespace loupe;

namespace {

constexpr int kDims = 12;

std::vector<float> clusteredData(qint64 n, quint32 seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> centres(size_t(6 * kDims));
    for (float &c : centres)
        c = 5.0f * normal(rng);
    std::vector<float> data(size_t(n * kDims));
    for (qint64 i = 0; i < n; ++i) {
        const int c = int(i % 6);
        for (int j = 0; j < kDims; ++j)
            data[size_t(i * kDims + j)] = centres[size_t(c * kDims + j)] + normal(rng);
    }
    return data;
}

/** The k accepted samples nearest to query by brute force in double, nearest first. */
std::vector<qint64> bruteForce(const std::vector<float> &data, const std::vector<float> &query, int k,
                               const std::function<bool(qint64)> &accept)
{
    const qint64 n = qint64(data.size()) / kDims;
    std::vector<std::pair<double, qint64>> all;
    for (qint64 i = 0; i < n; ++i) {
        if (!accept(i))
            continue;
        double sum = 0;
        for (int j = 0; j < kDims; ++j) {
            const double diff = double(data[size_t(i * kDims + j)]) - double(query[size_t(j)]);
            sum += diff * diff;
        }
        all.emplace_back(sum, i);
    }
    std::sort(all.begin(), all.end());
    std::vector<qint64> result;
    for (size_t j = 0; j < all.size() && int(j) < k; ++j)
        result.push_back(all[j].second);
    return result;
}

std::vector<qint64> samplesOf(const std::vector<Neighbor> &found)
{
    std::vector<qint64> samples;
    for (const Neighbor &n : found)
        samples.push_back(n.sample);
    return samples;
}

std::vector<float> rowOf(const std::vector<float> &data, qint64 i)
{
    return std::vector<float>(data.begin() + i * kDims, data.begin() + (i + 1) * kDims);
}

/** A table of n samples: split = i % 3 (train, test, val), every fourth unlabeled. */
SampleTable makeTable(qint64 n)
{
    SampleTable table;
    table.splitNames = {QStringLiteral("test"), QStringLiteral("train"), QStringLiteral("val")};
    for (qint64 i = 0; i < n; ++i) {
        table.labels.push_back(i % 4 == 0 ? -1 : int(i % 6));
        table.splitIndex.push_back(int(i % 3));
    }
    table.originalLabels = table.labels;
    return table;
}

KnnParams withMethod(KnnParams::Method method)
{
    KnnParams params;
    params.method = method;
    return params;
}

} // namespace

class TestSimilaritySearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneSampleExcludesItself();
    void centroidOfSelection();
    void restrictedToSplitAndUnlabeled_data();
    void restrictedToSplitAndUnlabeled();
    void approximateIndexAgreesWithExact();
    void badQueriesAreErrors();
    void storedScanFindsWhatTheExactIndexFinds();
};

void TestSimilaritySearch::oneSampleExcludesItself()
{
    const qint64 n = 900;
    const std::vector<float> data = clusteredData(n, 1);
    Progress progress;
    const NearestNeighbors index(data.data(), n, kDims, withMethod(KnnParams::Method::Exact), progress);
    const SimilaritySearch search(index);
    const std::vector<Neighbor> found = search.findSimilar({42}, 10);
    QCOMPARE(found.size(), size_t(10));
    QCOMPARE(samplesOf(found), bruteForce(data, rowOf(data, 42), 10, [](qint64 i) { return i != 42; }));
    QVERIFY(std::is_sorted(found.begin(), found.end(),
                           [](const Neighbor &a, const Neighbor &b) { return a.distance < b.distance; }));
    for (const Neighbor &neighbor : found)
        QCOMPARE(neighbor.sample % 6, qint64(42 % 6)); // same cluster
}

void TestSimilaritySearch::centroidOfSelection()
{
    const qint64 n = 900;
    const std::vector<float> data = clusteredData(n, 2);
    Progress progress;
    const NearestNeighbors index(data.data(), n, kDims, withMethod(KnnParams::Method::Exact), progress);
    const SimilaritySearch search(index);
    const std::vector<qint64> selection{6, 12, 18, 300};
    std::vector<float> mean(kDims, 0.0f);
    for (qint64 s : selection) {
        for (int j = 0; j < kDims; ++j)
            mean[size_t(j)] += data[size_t(s * kDims + j)] / float(selection.size());
    }
    const std::vector<float> centroid = search.centroid(selection);
    for (int j = 0; j < kDims; ++j)
        QVERIFY(std::abs(centroid[size_t(j)] - mean[size_t(j)]) < 1e-5f);

    const std::vector<Neighbor> found = search.findSimilar(selection, 25);
    const auto notSelected = [&](qint64 i) {
        return std::find(selection.begin(), selection.end(), i) == selection.end();
    };
    QCOMPARE(samplesOf(found), bruteForce(data, mean, 25, notSelected));
    QVERIFY(std::abs(found[0].distance -
                     std::sqrt(std::inner_product(
                         mean.begin(), mean.end(), data.begin() + found[0].sample * kDims, 0.0, std::plus<>(),
                         [](float a, float b) { return (a - b) * (a - b); }))) < 1e-4);
}

void TestSimilaritySearch::restrictedToSplitAndUnlabeled_data()
{
    QTest::addColumn<int>("method");
    QTest::addColumn<int>("split");
    QTest::addColumn<bool>("unlabeledOnly");
    for (auto method : {KnnParams::Method::Exact, KnnParams::Method::Hnsw}) {
        const char *name = method == KnnParams::Method::Exact ? "exact" : "hnsw";
        QTest::addRow("%s, split 1", name) << int(method) << 1 << false;
        QTest::addRow("%s, unlabeled", name) << int(method) << -1 << true;
        QTest::addRow("%s, unlabeled in split 2", name) << int(method) << 2 << true;
    }
}

void TestSimilaritySearch::restrictedToSplitAndUnlabeled()
{
    QFETCH(int, method);
    QFETCH(int, split);
    QFETCH(bool, unlabeledOnly);
    const qint64 n = 3000;
    const std::vector<float> data = clusteredData(n, 3);
    const SampleTable table = makeTable(n);
    Progress progress;
    const NearestNeighbors index(data.data(), n, kDims, withMethod(KnnParams::Method(method)), progress);
    const SimilaritySearch search(index);
    const SimilaritySearch::Accept accept = SimilaritySearch::restrictTo(table, split, unlabeledOnly);
    QVERIFY(bool(accept));
    const std::vector<Neighbor> found = search.findSimilar({7, 8}, 15, accept);
    QCOMPARE(found.size(), size_t(15));
    for (const Neighbor &neighbor : found) {
        QVERIFY(neighbor.sample != 7 && neighbor.sample != 8);
        if (split >= 0)
            QCOMPARE(table.splitIndex[size_t(neighbor.sample)], split);
        if (unlabeledOnly)
            QCOMPARE(table.labels[size_t(neighbor.sample)], -1);
    }
    const std::vector<qint64> truth = bruteForce(data, search.centroid({7, 8}), 15,
                                                 [&](qint64 i) { return i != 7 && i != 8 && accept(i); });
    if (KnnParams::Method(method) == KnnParams::Method::Exact) {
        QCOMPARE(samplesOf(found), truth);
    } else {
        // HNSW is approximate, and its graph depends on thread timing when built by several
        // threads: on a loaded machine it once missed the nearest of the 15. One miss is allowed.
        const std::vector<qint64> got = samplesOf(found);
        const auto hits = std::count_if(got.begin(), got.end(), [&truth](qint64 sample) {
            return std::find(truth.begin(), truth.end(), sample) != truth.end();
        });
        QVERIFY2(hits >= 14, qPrintable(QStringLiteral("%1 of 15 found").arg(hits)));
    }
    QVERIFY(!SimilaritySearch::restrictTo(table, -1, false)); // no restriction: no filter
}

void TestSimilaritySearch::approximateIndexAgreesWithExact()
{
    const qint64 n = 5000;
    const std::vector<float> data = clusteredData(n, 4);
    Progress progress;
    const NearestNeighbors exact(data.data(), n, kDims, withMethod(KnnParams::Method::Exact), progress);
    const NearestNeighbors approximate(data.data(), n, kDims, withMethod(KnnParams::Method::Hnsw), progress);
    qint64 hits = 0;
    qint64 total = 0;
    for (qint64 q = 0; q < n; q += 50) {
        const std::vector<qint64> a = samplesOf(SimilaritySearch(exact).findSimilar({q}, 20));
        const std::vector<qint64> b = samplesOf(SimilaritySearch(approximate).findSimilar({q}, 20));
        QVERIFY(std::find(b.begin(), b.end(), q) == b.end());
        for (qint64 s : a)
            hits += std::count(b.begin(), b.end(), s);
        total += qint64(a.size());
    }
    const double recall = double(hits) / double(total);
    qInfo("find-similar recall@20 of HNSW against exact: %.4f", recall);
    QVERIFY(recall >= 0.95);
}

void TestSimilaritySearch::badQueriesAreErrors()
{
    const std::vector<float> data = clusteredData(50, 5);
    Progress progress;
    const NearestNeighbors index(data.data(), 50, kDims, {}, progress);
    const SimilaritySearch search(index);
    QVERIFY_THROWS_EXCEPTION(Error, search.findSimilar({}, 5));
    QVERIFY_THROWS_EXCEPTION(Error, search.findSimilar({50}, 5));
    QVERIFY_THROWS_EXCEPTION(Error, search.findSimilar({-1}, 5));
    QVERIFY_THROWS_EXCEPTION(Error, search.findSimilarTo(std::vector<float>(3, 0.0f), 5));
    // Asking for more than there are returns all the others.
    QCOMPARE(search.findSimilar({0}, 100).size(), size_t(49));
}

void TestSimilaritySearch::storedScanFindsWhatTheExactIndexFinds()
{
    // Enough rows for several stored chunks (a chunk holds 1 MiB: 21,845 rows of 12 floats).
    const qint64 n = 50000;
    const std::vector<float> data = clusteredData(n, 6);
    QTemporaryDir dir;
    auto project = Project::create(dir.filePath(QStringLiteral("scan.loupe")));
    SqliteDatabase &db = project->database();
    db.exec(QStringLiteral("INSERT INTO runs VALUES (1, 'model', '2026-01-01T00:00:00Z', 6, '')"));
    RunArrays arrays(db, 1);
    arrays.write(RunArray::Embeddings, data, kDims);

    Progress progress;
    const NearestNeighbors exact(data.data(), n, kDims, withMethod(KnnParams::Method::Exact), progress);
    const SampleTable table = makeTable(n);
    const SimilaritySearch::Accept accept = SimilaritySearch::restrictTo(table, 1, false);
    for (const std::vector<qint64> &query : {std::vector<qint64>{7}, std::vector<qint64>{3, 30000, 49999}}) {
        for (const SimilaritySearch::Accept &filter : {SimilaritySearch::Accept(), accept}) {
            const std::vector<Neighbor> expected = SimilaritySearch(exact).findSimilar(query, 25, filter);
            const std::vector<Neighbor> scanned =
                SimilaritySearch::scanChunks(storedMatrix(arrays, RunArray::Embeddings), query, 25, filter);
            QCOMPARE(samplesOf(scanned), samplesOf(expected));
            for (size_t j = 0; j < scanned.size(); ++j)
                QVERIFY(std::abs(scanned[j].distance - expected[j].distance) <
                        1e-3f * (1.0f + expected[j].distance));
        }
    }
    QCOMPARE(SimilaritySearch::scanChunks(storedMatrix(arrays, RunArray::Embeddings), {0}, 0).size(),
             size_t(0));
    QVERIFY_THROWS_EXCEPTION(Error,
                             SimilaritySearch::scanChunks(storedMatrix(arrays, RunArray::Embeddings), {}, 5));
    QVERIFY_THROWS_EXCEPTION(
        Error, SimilaritySearch::scanChunks(storedMatrix(arrays, RunArray::Embeddings), {n}, 5));
    QVERIFY_THROWS_EXCEPTION(Error, storedMatrix(RunArrays(db, 2), RunArray::Embeddings)); // no embeddings

    // A damaged array (a chunk gone) is an error, not a short answer.
    db.exec(QStringLiteral("DELETE FROM array_chunks WHERE chunk = 1"));
    QVERIFY_THROWS_EXCEPTION(
        Error, SimilaritySearch::scanChunks(storedMatrix(arrays, RunArray::Embeddings), {0}, 5));
}

QTEST_APPLESS_MAIN(TestSimilaritySearch)
#include "tst_similaritysearch.moc"
