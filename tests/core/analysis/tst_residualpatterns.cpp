// Failure patterns across classes: a shift shared by a few percent of every class, with
// more errors, comes out as ONE pattern (high purity and coverage, ranked first), where
// k-means on the embeddings scatters it over one cluster per class; and the cluster
// descriptions name the metadata that sets a group apart from the rest of its classes.

#include "analysis/clustering/clusterdescription.h"
#include "analysis/clustering/clusterreport.h"
#include "analysis/clustering/kmeans.h"
#include "analysis/clustering/residualpatterns.h"
#include "common/progress.h"

#include <QtTest>

#include <map>
#include <random>

using namespace loupe;

namespace {

constexpr int kClasses = 6;
constexpr int kDims = 24;
constexpr qint64 kRows = 12000;

/** Gaussian classes; 4% of every class shifted along one shared direction and misclassified more often. */
struct PlantedData
{
    std::vector<float> embeddings, probabilities, loss;
    std::vector<int> labels, predicted;
    std::vector<bool> planted;
    std::vector<double> sharpness; // lower on the planted samples, by class otherwise
};

PlantedData plantedData(uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<float> centroids(size_t(kClasses) * kDims), shift(kDims);
    for (float &v : centroids)
        v = 6.0f * normal(rng);
    for (float &v : shift)
        v = normal(rng);
    const float norm = std::sqrt(std::inner_product(shift.begin(), shift.end(), shift.begin(), 0.0f));
    for (float &v : shift)
        v *= 5.0f / norm;

    PlantedData data;
    for (qint64 i = 0; i < kRows; ++i) {
        const int label = int(i % kClasses);
        const bool planted = uniform(rng) < 0.04;
        for (int d = 0; d < kDims; ++d)
            data.embeddings.push_back(centroids[size_t(label) * kDims + size_t(d)] + normal(rng) +
                                      (planted ? shift[size_t(d)] : 0.0f));
        const bool error = uniform(rng) < (planted ? 0.45 : 0.06);
        const int predicted = error ? (label + 1) % kClasses : label;
        for (int c = 0; c < kClasses; ++c)
            data.probabilities.push_back(c == predicted ? 0.8f : 0.2f / (kClasses - 1));
        data.labels.push_back(label);
        data.predicted.push_back(predicted);
        data.loss.push_back(error ? 2.0f : 0.2f);
        data.planted.push_back(planted);
        data.sharpness.push_back(100.0 + 40.0 * label + 10.0 * normal(rng) - (planted ? 60.0 : 0.0));
    }
    return data;
}

/** The group holding the most planted samples: its purity and coverage. */
struct Holding
{
    int group = -1;
    double purity = 0.0, coverage = 0.0;
};

Holding bestHolding(const std::vector<int> &groupOf, const std::vector<bool> &planted)
{
    std::map<int, qint64> size, hits;
    qint64 total = 0;
    for (size_t i = 0; i < groupOf.size(); ++i) {
        total += planted[i];
        if (groupOf[i] < 0)
            continue;
        ++size[groupOf[i]];
        hits[groupOf[i]] += planted[i];
    }
    Holding best;
    for (const auto &[group, h] : hits) {
        if (best.group < 0 || h > hits[best.group])
            best = {group, double(h) / double(size[group]), double(h) / double(total)};
    }
    return best;
}

/** Group 1: the planted samples, group 0: the rest. */
std::vector<int> plantedGroups(const PlantedData &data)
{
    std::vector<int> groupOf(data.planted.size());
    for (size_t i = 0; i < groupOf.size(); ++i)
        groupOf[i] = data.planted[i] ? 1 : 0;
    return groupOf;
}

SampleMetadataColumn sharpnessColumn(const PlantedData &data)
{
    return {QStringLiteral("image_sharpness"), MetadataColumn::Type::Real, data.sharpness, {}, {}};
}

} // namespace

class TestResidualPatterns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void residualsRemoveTheBelievedClass()
    {
        const PlantedData data = plantedData(3);
        const std::vector<float> r =
            ResidualPatterns::residuals(data.embeddings.data(), kRows, kDims, data.labels, kClasses);
        // The residuals of every class average to zero in every dimension.
        for (int c = 0; c < kClasses; ++c) {
            for (int d = 0; d < kDims; ++d) {
                double sum = 0.0;
                for (qint64 i = c; i < kRows; i += kClasses)
                    sum += r[size_t(i) * kDims + size_t(d)];
                QCOMPARE_LT(std::abs(sum / (kRows / kClasses)), 1e-4);
            }
        }
    }

    void sharedShiftIsOnePatternRankedFirst()
    {
        const PlantedData data = plantedData(11);
        Progress progress;
        const ResidualPatternResult result =
            ResidualPatterns().run(data.embeddings.data(), kRows, kDims, data.labels, kClasses, {}, progress);
        QVERIFY(result.patterns >= 1);
        const Holding holding = bestHolding(result.assignment, data.planted);
        QVERIFY2(holding.purity >= 0.8, qPrintable(QString::number(holding.purity)));
        QVERIFY2(holding.coverage >= 0.9, qPrintable(QString::number(holding.coverage)));
        const ClusterReport report =
            ClusterReport::compute(result.assignment, data.labels, data.predicted, data.loss, kClasses);
        QCOMPARE(report.clusters.front().cluster, holding.group);
        QVERIFY(report.clusters.front().pValue < 1e-6);

        // The same data clustered as it is: the planted samples sit with their classes.
        KMeansParams params;
        params.seed = 11;
        const KMeansResult raw = KMeans(params).run(data.embeddings.data(), kRows, kDims, progress);
        QCOMPARE_LT(bestHolding(raw.labels, data.planted).coverage, 0.5);
    }

    void sampledFitFindsTheSamePattern()
    {
        // Features held for a quarter of the rows, the rest assigned in blocks: the planted
        // pattern comes out as whole as from every row's features, conditions included.
        const PlantedData data = plantedData(11);
        std::vector<ConditionColumn> conditions{{data.sharpness, false}};
        Progress progress;
        ResidualPatternParams all;
        all.featureRows = 0;
        const ResidualPatternResult full = ResidualPatterns(all).run(
            data.embeddings.data(), kRows, kDims, data.labels, kClasses, conditions, progress);
        ResidualPatternParams quarter;
        quarter.featureRows = kRows / 4;
        const ResidualPatternResult sampled = ResidualPatterns(quarter).run(
            data.embeddings.data(), kRows, kDims, data.labels, kClasses, conditions, progress);
        QCOMPARE(sampled.groups, full.groups);
        QVERIFY(sampled.patterns >= 1);
        const Holding holding = bestHolding(sampled.assignment, data.planted);
        QVERIFY2(holding.purity >= 0.8, qPrintable(QString::number(holding.purity)));
        QVERIFY2(holding.coverage >= 0.9, qPrintable(QString::number(holding.coverage)));
        const Holding fullHolding = bestHolding(full.assignment, data.planted);
        QVERIFY(std::abs(holding.coverage - fullHolding.coverage) < 0.05);

        // A limit at or above the row count is the same as none.
        ResidualPatternParams exact;
        exact.featureRows = kRows;
        QCOMPARE(ResidualPatterns(exact)
                     .run(data.embeddings.data(), kRows, kDims, data.labels, kClasses, conditions, progress)
                     .assignment,
                 full.assignment);
    }

    void singleClassGroupsAreNotPatterns()
    {
        // Every group of one class only: nothing spans classes.
        std::vector<int> classOf(600);
        std::vector<float> x(600 * 2);
        for (int i = 0; i < 600; ++i) {
            // Class 0 is split in two along x, class 1 along y, class 2 is tight: every residual
            // group holds one class only.
            const int c = i % 3;
            const float side = (i / 3) % 2 ? 500.0f : -500.0f;
            classOf[size_t(i)] = c;
            x[size_t(i) * 2] = float(c * 40) + (c == 0 ? side : 0.0f) + float(i % 4);
            x[size_t(i) * 2 + 1] = (c == 1 ? side : 0.0f) + float(i % 5);
        }
        Progress progress;
        ResidualPatternParams params;
        params.k = 5;
        const ResidualPatternResult result =
            ResidualPatterns(params).run(x.data(), 600, 2, classOf, 3, {}, progress);
        QCOMPARE(result.groups, 5);
        QCOMPARE(result.patterns, 0);
        QVERIFY(std::all_of(result.assignment.begin(), result.assignment.end(), [](int g) { return g < 0; }));
    }

    void descriptionNamesWhatSetsTheGroupApart()
    {
        const PlantedData data = plantedData(5);
        const std::vector<int> groupOf = plantedGroups(data);
        const SampleMetadataColumn sharpness = sharpnessColumn(data);
        // A text column whose value follows the planted samples 90% of the time.
        SampleMetadataColumn camera{QStringLiteral("camera"),
                                    MetadataColumn::Type::Text,
                                    {},
                                    {},
                                    {QStringLiteral("A"), QStringLiteral("B")}};
        std::mt19937_64 rng(1);
        for (size_t i = 0; i < groupOf.size(); ++i)
            camera.codes.push_back((data.planted[i] ? rng() % 10 != 0 : rng() % 10 == 0) ? 1 : 0);
        const auto traits =
            ClusterDescription().describe(groupOf, data.labels, kClasses, {sharpness, camera});
        QVERIFY(traits.count(1));
        const std::vector<ClusterTrait> &planted = traits.at(1);
        QCOMPARE(planted.size(), size_t(2));
        const QString text = ClusterDescription::summary(planted);
        QVERIFY2(text.contains(QStringLiteral("lower image_sharpness than the rest of its classes")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("camera = B (")), qPrintable(text));
    }

    void descriptionNamesOneMeasurementOnce()
    {
        // An imported column that is the computed statistic under another name (rescaled) is
        // named once; an unrelated trait takes the second place.
        const PlantedData data = plantedData(5);
        const std::vector<int> groupOf = plantedGroups(data);
        const SampleMetadataColumn sharpness = sharpnessColumn(data);
        SampleMetadataColumn focus{QStringLiteral("focus"), MetadataColumn::Type::Real, {}, {}, {}};
        SampleMetadataColumn exposure{QStringLiteral("exposure"), MetadataColumn::Type::Real, {}, {}, {}};
        std::mt19937_64 rng(3);
        std::normal_distribution<double> normal(0.0, 1.0);
        for (size_t i = 0; i < groupOf.size(); ++i) {
            focus.numbers.push_back(0.01 * data.sharpness[i] + 2.0);
            exposure.numbers.push_back(normal(rng) + (data.planted[i] ? 1.0 : 0.0));
        }
        const auto traits =
            ClusterDescription().describe(groupOf, data.labels, kClasses, {sharpness, focus, exposure});
        QVERIFY(traits.count(1));
        const QString text = ClusterDescription::summary(traits.at(1));
        QCOMPARE(text.count(QStringLiteral("sharpness")) + text.count(QStringLiteral("focus")), 1);
        QVERIFY2(text.contains(QStringLiteral("higher exposure")), qPrintable(text));
    }

    void descriptionComparesWithinClasses()
    {
        // Sharpness differs by class only; a group of class 2 samples is ordinary for class 2.
        const PlantedData data = plantedData(9);
        std::vector<int> groupOf(data.labels.size(), -1);
        std::vector<double> byClass(data.labels.size());
        std::mt19937_64 rng(2);
        std::normal_distribution<double> normal(0.0, 5.0);
        for (size_t i = 0; i < groupOf.size(); ++i) {
            byClass[i] = 50.0 * data.labels[i] + normal(rng);
            if (data.labels[i] == 2 && i % 3 == 0)
                groupOf[i] = 4;
        }
        SampleMetadataColumn column{
            QStringLiteral("brightness"), MetadataColumn::Type::Real, byClass, {}, {}};
        QVERIFY(ClusterDescription().describe(groupOf, data.labels, kClasses, {column}).empty());
    }
};

QTEST_GUILESS_MAIN(TestResidualPatterns)
#include "tst_residualpatterns.moc"
