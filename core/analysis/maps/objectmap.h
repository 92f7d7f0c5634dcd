#pragma once

#include "detection/detections.h"

#include <QString>

#include <functional>
#include <vector>

namespace loupe {

class Progress;

/** Parameters of ObjectMap::compute. */
struct ObjectMapParams
{
    qint64 maxObjects = 5000; ///< mapped at most: a seeded sample beyond it (each costs its image's decode)
    quint64 seed = 1;
};

/**
 * A 2-D map of a detection project's annotated objects, near where they look alike: UMAP over
 * what their pixels show (objectCropFeatures: appearance, brightness, contrast, size, shape),
 * the map for objects when no box embeddings are given. Objects the model misses that gather
 * in one place are a pattern of failure, as on the map of images.
 */
struct ObjectMap
{
    qint64 total = 0;            ///< objects (crowd regions aside)
    std::vector<qint64> objects; ///< the ones mapped (annotation indexes)
    std::vector<float> xy;       ///< objects.size() x 2, row-major

    static ObjectMap compute(const DetectionSet &set, const std::function<QString(qint64 image)> &imagePath,
                             Progress &progress, const ObjectMapParams &params = {});
};

} // namespace loupe
