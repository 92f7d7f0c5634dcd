#include "analysis/clustering/objectclusters.h"

#include "analysis/clustering/kmeans.h"
#include "analysis/quality/objectcropfeatures.h"
#include "common/progress.h"

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

constexpr size_t kExamples = 8;
constexpr qint64 kObjectsPerCluster = 300;
/** Below this standard deviation (of 255 / 128) a crop is flat: about 10 grey levels. */
constexpr double kFlatContrast = 0.08;

double median(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    std::nth_element(values.begin(), values.begin() + qsizetype(values.size() / 2), values.end());
    return values[values.size() / 2];
}

} // namespace

ObjectClusters ObjectClusters::find(const DetectionSet &set, const BoxErrors &errors,
                                    const std::function<QString(qint64 image)> &imagePath, Progress &progress,
                                    const ObjectClusterParams &params)
{
    ObjectClusters result;
    const std::vector<qint64> objects = sampleObjects(set, params.maxObjects, params.seed, result.total);
    result.clustered = qint64(objects.size());
    if (objects.size() < 2)
        return result;
    progress.setStep(QStringLiteral("Describing the objects"));
    const std::vector<float> features =
        objectCropFeatures(set, objects, imagePath, progress, &result.unreadable);
    KMeansParams kmeans;
    kmeans.k =
        params.k > 0 ? params.k : int(std::clamp<qint64>(result.clustered / kObjectsPerCluster, 4, 16));
    kmeans.k = int(std::min<qint64>(kmeans.k, result.clustered));
    kmeans.seed = params.seed;
    progress.setStep(QStringLiteral("Grouping the objects"));
    const KMeansResult groups =
        KMeans(kmeans).run(features.data(), result.clustered, kObjectFeatureCols, progress);

    // The objects as samples: their class the label, found as that class or missed as one more.
    const int missed = set.categories;
    std::vector<int> labels, predicted;
    qint64 misses = 0;
    for (const qint64 g : objects) {
        labels.push_back(set.annotations[size_t(g)].category);
        const bool found = errors.annotations[size_t(g)].detection >= 0;
        predicted.push_back(found ? labels.back() : missed);
        misses += found ? 0 : 1;
    }
    result.missRate = double(misses) / double(result.clustered);
    const ClusterReport report = ClusterReport::compute(groups.labels, labels, predicted,
                                                        std::vector<float>(objects.size(), NAN), missed + 1);
    for (const ClusterStats &stats : report.clusters) {
        ObjectCluster cluster{stats, 0.0, 0.0, 0.0, {}, {}};
        std::vector<double> sides;
        double brightness = 0.0, contrast = 0.0;
        for (size_t r = 0; r < objects.size(); ++r) {
            if (groups.labels[r] != stats.cluster)
                continue;
            cluster.members.push_back(objects[r]);
            const float *row = &features[r * kObjectFeatureCols];
            sides.push_back(std::exp2(double(row[66]) * 8.0));
            brightness += row[64];
            contrast += row[65];
            if (predicted[r] == missed && cluster.examples.size() < kExamples)
                cluster.examples.push_back(objects[r]);
        }
        cluster.medianSide = median(sides);
        cluster.meanBrightness = sides.empty() ? 0.0 : brightness / double(sides.size());
        cluster.meanContrast = sides.empty() ? 0.0 : contrast / double(sides.size());
        result.clusters.push_back(std::move(cluster));
    }
    return result;
}

QString ObjectClusters::describe(const ObjectCluster &cluster, const QStringList &classNames)
{
    const ClusterStats &s = cluster.stats;
    const QString tone = cluster.meanBrightness < 0.25  ? QStringLiteral("dark")
                         : cluster.meanBrightness > 0.6 ? QStringLiteral("bright")
                                                        : QStringLiteral("mid-grey");
    const QString flat = cluster.meanContrast < kFlatContrast ? QStringLiteral(", flat") : QString();
    return QStringLiteral(
               "%1 objects, %2% missed (their classes predict %3%): mostly %4 (%5%), about %6 px, %7%8")
        .arg(s.size)
        .arg(100.0 * s.errorRate, 0, 'f', 1)
        .arg(100.0 * s.expectedErrorRate, 0, 'f', 1)
        .arg(classNames.value(s.dominantLabel))
        .arg(std::lround(100.0 * s.dominantLabelShare))
        .arg(std::lround(cluster.medianSide))
        .arg(tone, flat);
}

} // namespace loupe
