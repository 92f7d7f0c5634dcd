// HDBSCAN on the 2-D map: planted dense clusters are found, sparse background points are
// noise (-1), odd shapes k-means cannot separate are separated, and the automatic
// parameters follow their documented rule.

#include "analysis/clustering/densityclustering.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <random>

#include "common/error.h"
#include "common/progress.h"

using namespace loupe;

namespace {

struct Map2D
{
    std::vector<float> xy;
    std::vector<int> truth; // planted group, -1 for background noise
    qint64 size() const { return qint64(truth.size()); }
    void add(float x, float y, int group)
    {
        xy.push_back(x);
        xy.push_back(y);
        truth.push_back(group);
    }
};

/** Three dense Gaussian blobs of 400 points and 300 points spread thinly over a large square. */
Map2D blobsWithBackground(unsigned seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<float> normal(0.0f, 0.4f);
    std::uniform_real_distribution<float> uniform(-30.0f, 30.0f);
    const float centres[3][2] = {{-8.0f, -8.0f}, {8.0f, -6.0f}, {0.0f, 9.0f}};
    Map2D map;
    for (int i = 0; i < 400; ++i)
        for (int b = 0; b < 3; ++b)
            map.add(centres[b][0] + normal(random), centres[b][1] + normal(random), b);
    for (int i = 0; i < 300; ++i)
        map.add(uniform(random), uniform(random), -1);
    return map;
}

/** Two interleaved half-moons: neither is a convex blob, so k-means would cut across both. */
Map2D twoMoons(int perMoon, unsigned seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<float> noise(0.0f, 0.06f);
    std::uniform_real_distribution<float> angle(0.0f, float(M_PI));
    Map2D map;
    for (int i = 0; i < perMoon; ++i) {
        const float a = angle(random), b = angle(random);
        map.add(std::cos(a) + noise(random), std::sin(a) + noise(random), 0);
        map.add(1.0f - std::cos(b) + noise(random), 0.5f - std::sin(b) + noise(random), 1);
    }
    return map;
}

/** For each planted group, the share of its points carrying that group's most common label. */
std::map<int, std::pair<int, double>> majorityLabels(const Map2D &map, const std::vector<int> &labels)
{
    std::map<int, std::map<int, int>> counts;
    std::map<int, int> totals;
    for (size_t i = 0; i < labels.size(); ++i) {
        ++counts[map.truth[i]][labels[i]];
        ++totals[map.truth[i]];
    }
    std::map<int, std::pair<int, double>> result;
    for (const auto &[group, byLabel] : counts) {
        auto best = std::max_element(byLabel.begin(), byLabel.end(),
                                     [](const auto &a, const auto &b) { return a.second < b.second; });
        result[group] = {best->first, double(best->second) / totals[group]};
    }
    return result;
}

} // namespace

class TestDensityClustering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsPlantedClustersAndNoise();
    void separatesOddShapes();
    void resultIsConsistent();
    void sameInputSameResult();
    void automaticParameters_data();
    void automaticParameters();
    void duplicatePointsFormACluster();
    void tooFewPointsAreNoise();
    void allowSingleCluster();
    void leafSelectionFindsTheFinestClusters();
    void rejectsNonFiniteCoordinates();
    void cancelStops();
};

void TestDensityClustering::findsPlantedClustersAndNoise()
{
    const Map2D map = blobsWithBackground(1);
    DensityClusteringParams params;
    params.minClusterSize = 50;
    params.minSamples = 10;
    Progress progress;
    const DensityClusteringResult result = DensityClustering(params).run(map.xy.data(), map.size(), progress);
    QCOMPARE(result.clusterCount, 3);
    const auto majority = majorityLabels(map, result.labels);
    QSet<int> used;
    for (int blob = 0; blob < 3; ++blob) {
        const auto [label, share] = majority.at(blob);
        QVERIFY2(label >= 0 && share > 0.9,
                 qPrintable(QStringLiteral("blob %1: label %2, share %3").arg(blob).arg(label).arg(share)));
        used.insert(label);
    }
    QCOMPARE(used.size(), 3); // one cluster per blob
    const auto [backgroundLabel, backgroundShare] = majority.at(-1);
    QCOMPARE(backgroundLabel, -1);
    QVERIFY2(backgroundShare > 0.75,
             qPrintable(QStringLiteral("background noise share %1").arg(backgroundShare)));

    // HDBSCAN gives a cluster's label to background points that leave it at low density;
    // their membership says they are on the fringe.
    double fringe = 0.0, core = 0.0;
    int fringeCount = 0, coreCount = 0;
    for (size_t i = 0; i < result.labels.size(); ++i) {
        if (result.labels[i] < 0)
            continue;
        (map.truth[i] < 0 ? fringe : core) += result.membership[i];
        ++(map.truth[i] < 0 ? fringeCount : coreCount);
    }
    QVERIFY(fringeCount == 0 || fringe / fringeCount < 0.2);
    QVERIFY(core / coreCount > 0.5);
}

void TestDensityClustering::separatesOddShapes()
{
    const Map2D map = twoMoons(600, 3);
    DensityClusteringParams params;
    params.minClusterSize = 60;
    Progress progress;
    const DensityClusteringResult result = DensityClustering(params).run(map.xy.data(), map.size(), progress);
    const auto majority = majorityLabels(map, result.labels);
    QVERIFY(majority.at(0).first >= 0);
    QVERIFY(majority.at(1).first >= 0);
    QVERIFY(majority.at(0).first != majority.at(1).first);
    QVERIFY2(
        majority.at(0).second > 0.9 && majority.at(1).second > 0.9,
        qPrintable(
            QStringLiteral("moon purity %1 / %2").arg(majority.at(0).second).arg(majority.at(1).second)));
}

void TestDensityClustering::resultIsConsistent()
{
    const Map2D map = blobsWithBackground(2);
    Progress progress;
    const DensityClusteringResult result = DensityClustering().run(map.xy.data(), map.size(), progress);
    QCOMPARE(qint64(result.labels.size()), map.size());
    QCOMPARE(qint64(result.membership.size()), map.size());
    QCOMPARE(int(result.sizes.size()), result.clusterCount);
    QCOMPARE(int(result.stability.size()), result.clusterCount);
    std::vector<qint64> counted(size_t(result.clusterCount), 0);
    qint64 noise = 0;
    for (size_t i = 0; i < result.labels.size(); ++i) {
        const int label = result.labels[i];
        QVERIFY(label >= -1 && label < result.clusterCount);
        QVERIFY(result.membership[i] >= 0.0f && result.membership[i] <= 1.0f);
        if (label < 0) {
            ++noise;
            QCOMPARE(result.membership[i], 0.0f);
        } else {
            ++counted[size_t(label)];
        }
    }
    QCOMPARE(noise, result.noise);
    QCOMPARE(counted, result.sizes);
    QVERIFY(std::is_sorted(result.sizes.rbegin(), result.sizes.rend())); // numbered by decreasing size
}

void TestDensityClustering::sameInputSameResult()
{
    const Map2D map = blobsWithBackground(4);
    Progress progress;
    const DensityClusteringResult a = DensityClustering().run(map.xy.data(), map.size(), progress);
    const DensityClusteringResult b = DensityClustering().run(map.xy.data(), map.size(), progress);
    QCOMPARE(a.labels, b.labels);
    QCOMPARE(a.membership, b.membership);
}

void TestDensityClustering::automaticParameters_data()
{
    QTest::addColumn<qint64>("points");
    QTest::addColumn<int>("minClusterSize");
    QTest::newRow("100: floor of 10") << qint64(100) << 10;
    QTest::newRow("10k") << qint64(10000) << 50;
    QTest::newRow("70k") << qint64(70000) << 132;
    QTest::newRow("1M") << qint64(1000000) << 500;
}

void TestDensityClustering::automaticParameters()
{
    QFETCH(qint64, points);
    QTEST(DensityClustering::automaticMinClusterSize(points), "minClusterSize");

    const Map2D map = blobsWithBackground(5); // 1,500 points
    Progress progress;
    const DensityClusteringResult result = DensityClustering().run(map.xy.data(), map.size(), progress);
    QCOMPARE(result.minClusterSize, DensityClustering::automaticMinClusterSize(map.size()));
    QCOMPARE(result.minSamples, 10);
}

void TestDensityClustering::duplicatePointsFormACluster()
{
    // 200 copies of one point (a zero-distance, infinitely dense spot) next to a normal blob.
    Map2D map;
    std::mt19937 random(6);
    std::normal_distribution<float> normal(0.0f, 0.5f);
    for (int i = 0; i < 200; ++i)
        map.add(5.0f, 5.0f, 0);
    for (int i = 0; i < 300; ++i)
        map.add(-5.0f + normal(random), normal(random), 1);
    DensityClusteringParams params;
    params.minClusterSize = 30;
    Progress progress;
    const DensityClusteringResult result = DensityClustering(params).run(map.xy.data(), map.size(), progress);
    const auto majority = majorityLabels(map, result.labels);
    QVERIFY(majority.at(0).first >= 0);
    QCOMPARE(majority.at(0).second, 1.0);
    QVERIFY(majority.at(1).first >= 0 && majority.at(1).first != majority.at(0).first);
    for (const float m : result.membership)
        QVERIFY(std::isfinite(m));
}

void TestDensityClustering::tooFewPointsAreNoise()
{
    const float xy[] = {0.0f, 0.0f, 1.0f, 1.0f, 2.0f, 0.5f};
    Progress progress;
    const DensityClusteringResult result = DensityClustering().run(xy, 3, progress);
    QCOMPARE(result.clusterCount, 0);
    QCOMPARE(result.labels, std::vector<int>(3, -1));
    QCOMPARE(result.noise, qint64(3));
}

void TestDensityClustering::allowSingleCluster()
{
    // One round blob has no stable split: noise by default, one cluster when allowed.
    Map2D map;
    std::mt19937 random(8);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int i = 0; i < 500; ++i)
        map.add(normal(random), normal(random), 0);
    DensityClusteringParams params;
    params.minClusterSize = 250;
    Progress progress;
    QCOMPARE(DensityClustering(params).run(map.xy.data(), map.size(), progress).clusterCount, 0);
    params.allowSingleCluster = true;
    const DensityClusteringResult single = DensityClustering(params).run(map.xy.data(), map.size(), progress);
    QCOMPARE(single.clusterCount, 1);
    QCOMPARE(single.sizes.at(0), map.size());
}

void TestDensityClustering::leafSelectionFindsTheFinestClusters()
{
    // Two far-apart pairs of close blobs: excess of mass may keep a pair as one cluster,
    // leaf selection reports all four blobs.
    Map2D map;
    std::mt19937 random(10);
    std::normal_distribution<float> normal(0.0f, 0.3f);
    const float centres[4][2] = {{-20.0f, 0.0f}, {-17.0f, 0.0f}, {20.0f, 0.0f}, {23.0f, 0.0f}};
    for (int i = 0; i < 200; ++i)
        for (int b = 0; b < 4; ++b)
            map.add(centres[b][0] + normal(random), centres[b][1] + normal(random), b);
    DensityClusteringParams params;
    params.minClusterSize = 50;
    params.selection = DensityClusteringParams::Selection::Leaf;
    Progress progress;
    const DensityClusteringResult leaf = DensityClustering(params).run(map.xy.data(), map.size(), progress);
    QCOMPARE(leaf.clusterCount, 4);
    const auto majority = majorityLabels(map, leaf.labels);
    QSet<int> used;
    for (int b = 0; b < 4; ++b) {
        QVERIFY(majority.at(b).second > 0.9);
        used.insert(majority.at(b).first);
    }
    QCOMPARE(used.size(), 4);
    params.selection = DensityClusteringParams::Selection::ExcessOfMass;
    QVERIFY(DensityClustering(params).run(map.xy.data(), map.size(), progress).clusterCount <= 4);
}

void TestDensityClustering::rejectsNonFiniteCoordinates()
{
    const float xy[] = {0.0f, 0.0f, NAN, 1.0f};
    Progress progress;
    QVERIFY_THROWS_EXCEPTION(Error, DensityClustering().run(xy, 2, progress));
}

void TestDensityClustering::cancelStops()
{
    const Map2D map = blobsWithBackground(9);
    Progress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, DensityClustering().run(map.xy.data(), map.size(), progress));
}

QTEST_APPLESS_MAIN(TestDensityClustering)
#include "tst_densityclustering.moc"
