#include "analysis/maps/objectmap.h"

#include "analysis/maps/umap.h"
#include "analysis/quality/objectcropfeatures.h"
#include "common/progress.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace loupe {

namespace {

constexpr size_t kFewestForUmap = 20;

/** Too few points for neighbourhoods to mean anything: a circle, each point apart. */
std::vector<float> circleLayout(size_t points)
{
    std::vector<float> xy;
    for (size_t k = 0; k < points; ++k) {
        const double angle = 2.0 * M_PI * double(k) / double(points);
        xy.push_back(float(std::cos(angle)));
        xy.push_back(float(std::sin(angle)));
    }
    return xy;
}

std::vector<float> umapLayout(const float *rows, qint64 n, int dimensions, quint64 seed, Progress &progress)
{
    UmapParams umap;
    umap.seed = seed;
    return computeUmap(rows, n, dimensions, umap, progress).coordinates;
}

} // namespace

ObjectMap ObjectMap::compute(const DetectionSet &set, const std::function<QString(qint64 image)> &imagePath,
                             Progress &progress, const ObjectMapParams &params)
{
    ObjectMap map;
    map.objects = sampleObjects(set, params.maxObjects, params.seed, map.total);
    if (map.objects.size() < 2) {
        map.objects.clear();
        return map;
    }
    if (map.objects.size() < kFewestForUmap) {
        map.xy = circleLayout(map.objects.size());
        return map;
    }
    progress.setStep(QStringLiteral("Describing the objects"));
    const std::vector<float> features = objectCropFeatures(set, map.objects, imagePath, progress);
    map.xy =
        umapLayout(features.data(), qint64(map.objects.size()), kObjectFeatureCols, params.seed, progress);
    return map;
}

ObjectMap ObjectMap::fromEmbeddings(const std::vector<float> &embeddings, int dimensions,
                                    std::vector<qint64> candidates, Progress &progress,
                                    const ObjectMapParams &params)
{
    ObjectMap map;
    map.total = qint64(candidates.size());
    if (params.maxObjects > 0 && map.total > params.maxObjects) {
        std::shuffle(candidates.begin(), candidates.end(), std::mt19937_64(params.seed));
        candidates.resize(size_t(params.maxObjects));
        std::sort(candidates.begin(), candidates.end());
    }
    map.objects = std::move(candidates);
    if (map.objects.size() < 2 || dimensions < 1) {
        map.objects.clear();
        return map;
    }
    if (map.objects.size() < kFewestForUmap) {
        map.xy = circleLayout(map.objects.size());
        return map;
    }
    std::vector<float> rows;
    rows.reserve(map.objects.size() * size_t(dimensions));
    for (const qint64 r : map.objects) {
        const float *row = embeddings.data() + size_t(r) * size_t(dimensions);
        rows.insert(rows.end(), row, row + dimensions);
    }
    map.xy = umapLayout(rows.data(), qint64(map.objects.size()), dimensions, params.seed, progress);
    return map;
}

} // namespace loupe
