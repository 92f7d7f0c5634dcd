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
 * A 2-D map of a detection project's boxes or images (UMAP), each point near those that look
 * alike. Clusters of points the model gets wrong are a pattern of failure, as on the map of a
 * classification project's images.
 *
 * compute() maps the annotated objects by what their pixels show (objectCropFeatures:
 * appearance, brightness, contrast, size, shape): every object has pixels, the ones the model
 * missed entirely included. fromEmbeddings() maps rows of the model's own embeddings: its
 * predicted boxes (box_embeddings.npy) or the images (embeddings.npy), when the run has them.
 * Box embeddings exist only where the model put a box, so an object it never saw has none:
 * they map what the model predicted, the crops what was there.
 */
struct ObjectMap
{
    qint64 total = 0;            ///< points that could be mapped (crowd regions aside)
    std::vector<qint64> objects; ///< the ones mapped: annotation indexes, or rows of the embeddings
    std::vector<float> xy;       ///< objects.size() x 2, row-major

    static ObjectMap compute(const DetectionSet &set, const std::function<QString(qint64 image)> &imagePath,
                             Progress &progress, const ObjectMapParams &params = {});
    /**
     * Maps the rows of embeddings (rows x dimensions, row-major) listed in candidates: all of
     * them, or a seeded sample of params.maxObjects, in index order.
     */
    static ObjectMap fromEmbeddings(const std::vector<float> &embeddings, int dimensions,
                                    std::vector<qint64> candidates, Progress &progress,
                                    const ObjectMapParams &params = {});
};

} // namespace loupe
