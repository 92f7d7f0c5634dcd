#include "analysis/maps/objectmap.h"

#include "analysis/maps/umap.h"
#include "analysis/quality/objectcropfeatures.h"
#include "common/progress.h"

#include <cmath>

namespace loupe {

namespace {
constexpr size_t kFewestForUmap = 20;
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
        // Too few for neighbourhoods to mean anything: a circle, each object apart.
        for (size_t k = 0; k < map.objects.size(); ++k) {
            const double angle = 2.0 * M_PI * double(k) / double(map.objects.size());
            map.xy.push_back(float(std::cos(angle)));
            map.xy.push_back(float(std::sin(angle)));
        }
        return map;
    }
    progress.setStep(QStringLiteral("Describing the objects"));
    const std::vector<float> features = objectCropFeatures(set, map.objects, imagePath, progress);
    UmapParams umap;
    umap.seed = params.seed;
    map.xy = computeUmap(features.data(), qint64(map.objects.size()), kObjectFeatureCols, umap, progress)
                 .coordinates;
    return map;
}

} // namespace loupe
