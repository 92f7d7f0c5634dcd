#include "analysis/clustering/objectclusters.h"

#include "analysis/clustering/kmeans.h"
#include "analysis/quality/objectcropfeatures.h"
#include "common/progress.h"
#include "detection/boxesbyimage.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

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

/** How a wrong box is wrong, in a description's words. */
QString errorPhrase(BoxError error)
{
    switch (error) {
    case BoxError::Classification:
        return QStringLiteral("of another class");
    case BoxError::Localization:
        return QStringLiteral("badly placed");
    case BoxError::Both:
        return QStringLiteral("of another class and badly placed");
    case BoxError::Duplicate:
        return QStringLiteral("duplicates");
    case BoxError::Background:
        return QStringLiteral("on nothing");
    case BoxError::None:
    case BoxError::Crowd:
        break;
    }
    return boxErrorName(error);
}

int clusterCount(const ObjectClusterParams &params, qint64 members)
{
    const int k = params.k > 0 ? params.k : int(std::clamp<qint64>(members / kObjectsPerCluster, 4, 16));
    return int(std::min<qint64>(k, members));
}

/** All the candidates, or a seeded sample of params.maxObjects of them, in index order. */
std::vector<qint64> sampled(std::vector<qint64> candidates, const ObjectClusterParams &params)
{
    if (params.maxObjects > 0 && qint64(candidates.size()) > params.maxObjects) {
        std::shuffle(candidates.begin(), candidates.end(), std::mt19937_64(params.seed));
        candidates.resize(size_t(params.maxObjects));
        std::sort(candidates.begin(), candidates.end());
    }
    return candidates;
}

/** The boxes to group: evaluated, crowd regions aside; all, or a seeded sample of maxObjects. */
std::vector<qint64> shippedBoxes(const BoxErrors &errors, const ObjectClusterParams &params, qint64 &total)
{
    std::vector<qint64> boxes;
    for (size_t d = 0; d < errors.detections.size(); ++d) {
        if (errors.detections[d].evaluated && errors.detections[d].error != BoxError::Crowd)
            boxes.push_back(qint64(d));
    }
    total = qint64(boxes.size());
    return sampled(std::move(boxes), params);
}

/** The rows listed, gathered into one row-major block. */
std::vector<float> gatherRows(const std::vector<float> &rows, size_t dims, const std::vector<qint64> &which)
{
    std::vector<float> gathered;
    gathered.reserve(which.size() * dims);
    for (const qint64 r : which) {
        const float *row = rows.data() + size_t(r) * dims;
        gathered.insert(gathered.end(), row, row + dims);
    }
    return gathered;
}

} // namespace

ObjectClusters ObjectClusters::ofPredictedBoxes(const DetectionSet &set, const BoxErrors &errors,
                                                const BoxEvidence &evidence, Progress &progress,
                                                const ObjectClusterParams &params)
{
    ObjectClusters result;
    result.items = ClusteredItems::PredictedBoxes;
    if (!evidence.hasEmbeddings(set.detections.size()))
        return result;
    const std::vector<qint64> boxes = shippedBoxes(errors, params, result.total);
    result.clustered = qint64(boxes.size());
    if (boxes.size() < 2)
        return result;
    const auto dims = size_t(evidence.dimensions);
    const std::vector<float> rows = gatherRows(evidence.embeddings, dims, boxes);
    KMeansParams kmeans;
    kmeans.k = clusterCount(params, result.clustered);
    kmeans.seed = params.seed;
    progress.setStep(QStringLiteral("Grouping the predicted boxes"));
    const KMeansResult groups = KMeans(kmeans).run(rows.data(), result.clustered, int(dims), progress);

    // The boxes as samples: their predicted class the label, "predicted" as it when right, else as one more.
    const int wrong = set.categories;
    std::vector<int> labels, predicted;
    qint64 wrongBoxes = 0;
    for (const qint64 d : boxes) {
        labels.push_back(set.detections[size_t(d)].category);
        const bool right = errors.detections[size_t(d)].error == BoxError::None;
        predicted.push_back(right ? labels.back() : wrong);
        wrongBoxes += right ? 0 : 1;
    }
    result.missRate = double(wrongBoxes) / double(result.clustered);
    const ClusterReport report = ClusterReport::compute(groups.labels, labels, predicted,
                                                        std::vector<float>(boxes.size(), NAN), wrong + 1);
    for (const ClusterStats &stats : report.clusters) {
        ObjectCluster cluster{stats, 0.0, 0.0, 0.0, {}, {}};
        std::vector<double> sides;
        qint64 byError[kBoxErrorTypes] = {};
        for (size_t r = 0; r < boxes.size(); ++r) {
            if (groups.labels[r] != stats.cluster)
                continue;
            const qint64 d = boxes[r];
            cluster.members.push_back(d);
            sides.push_back(std::sqrt(set.detections[size_t(d)].box.area()));
            if (predicted[r] == wrong) {
                ++byError[int(errors.detections[size_t(d)].error)];
                if (cluster.examples.size() < kExamples)
                    cluster.examples.push_back(d);
            }
        }
        cluster.medianSide = median(sides);
        const qint64 *common = std::max_element(std::begin(byError), std::end(byError));
        if (stats.errors > 0) {
            cluster.commonError = BoxError(common - std::begin(byError));
            cluster.commonErrorShare = double(*common) / double(stats.errors);
        }
        result.clusters.push_back(std::move(cluster));
    }
    return result;
}

ObjectClusters ObjectClusters::ofImages(const DetectionSet &set, const BoxErrors &errors,
                                        const std::vector<float> &embeddings, int dimensions,
                                        Progress &progress, const ObjectClusterParams &params)
{
    ObjectClusters result;
    result.items = ClusteredItems::Images;
    if (dimensions < 1 || set.images < 2 || embeddings.size() != size_t(set.images) * size_t(dimensions))
        return result;
    std::vector<qint64> all(size_t(set.images));
    std::iota(all.begin(), all.end(), 0);
    result.total = set.images;
    const std::vector<qint64> images = sampled(std::move(all), params);
    result.clustered = qint64(images.size());
    const std::vector<float> rows = gatherRows(embeddings, size_t(dimensions), images);
    KMeansParams kmeans;
    kmeans.k = clusterCount(params, result.clustered);
    kmeans.seed = params.seed;
    progress.setStep(QStringLiteral("Grouping the images"));
    const KMeansResult groups = KMeans(kmeans).run(rows.data(), result.clustered, dimensions, progress);

    // The images as samples: their commonest class the label, "predicted" as it unless an object was missed.
    std::vector<bool> missedIn(size_t(set.images), false);
    for (size_t g = 0; g < set.annotations.size(); ++g) {
        if (!set.annotations[g].crowd &&
            errors.annotations[g].detection < 0) // as for objects: no box of its class
            missedIn[size_t(set.annotations[g].image)] = true;
    }
    const std::vector<int> classOf = commonestClasses(set);
    const int missed = set.categories;
    std::vector<int> labels, predicted;
    qint64 withMiss = 0, labelled = 0;
    for (const qint64 image : images) {
        const int label = classOf[size_t(image)];
        labels.push_back(label);
        predicted.push_back(label < 0 ? -1 : missedIn[size_t(image)] ? missed : label);
        labelled += label >= 0 ? 1 : 0;
        withMiss += label >= 0 && missedIn[size_t(image)] ? 1 : 0;
    }
    result.missRate = labelled > 0 ? double(withMiss) / double(labelled) : 0.0;
    const ClusterReport report = ClusterReport::compute(groups.labels, labels, predicted,
                                                        std::vector<float>(images.size(), NAN), missed + 1);
    for (const ClusterStats &stats : report.clusters) {
        ObjectCluster cluster{stats, 0.0, 0.0, 0.0, {}, {}};
        for (size_t r = 0; r < images.size(); ++r) {
            if (groups.labels[r] != stats.cluster)
                continue;
            cluster.members.push_back(images[r]);
            if (predicted[r] == missed && cluster.examples.size() < kExamples)
                cluster.examples.push_back(images[r]);
        }
        result.clusters.push_back(std::move(cluster));
    }
    return result;
}

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
    kmeans.k = clusterCount(params, result.clustered);
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

QString ObjectClusters::describeImages(const ObjectCluster &cluster, const QStringList &classNames)
{
    const ClusterStats &s = cluster.stats;
    return QStringLiteral("%1 images, %2% with a missed object (their classes predict %3%): mostly %4 (%5%)")
        .arg(s.size)
        .arg(100.0 * s.errorRate, 0, 'f', 1)
        .arg(100.0 * s.expectedErrorRate, 0, 'f', 1)
        .arg(classNames.value(s.dominantLabel))
        .arg(std::lround(100.0 * s.dominantLabelShare));
}

QString ObjectClusters::describeCluster(const ObjectCluster &cluster, const QStringList &classNames) const
{
    switch (items) {
    case ClusteredItems::Objects:
        return describe(cluster, classNames);
    case ClusteredItems::PredictedBoxes:
        return describeBoxes(cluster, classNames);
    case ClusteredItems::Images:
        return describeImages(cluster, classNames);
    }
    return {};
}

QString ObjectClusters::describeBoxes(const ObjectCluster &cluster, const QStringList &classNames)
{
    const ClusterStats &s = cluster.stats;
    QString text =
        QStringLiteral("%1 predicted boxes, %2% wrong (their classes predict %3%): mostly %4 (%5%), "
                       "about %6 px")
            .arg(s.size)
            .arg(100.0 * s.errorRate, 0, 'f', 1)
            .arg(100.0 * s.expectedErrorRate, 0, 'f', 1)
            .arg(classNames.value(s.dominantLabel))
            .arg(std::lround(100.0 * s.dominantLabelShare))
            .arg(std::lround(cluster.medianSide));
    if (s.errors > 0)
        text += QStringLiteral("; %1% of the wrong ones %2")
                    .arg(std::lround(100.0 * cluster.commonErrorShare))
                    .arg(errorPhrase(cluster.commonError));
    return text;
}

} // namespace loupe
