#pragma once

#include "detection/detections.h"

#include <QString>

#include <functional>
#include <vector>

namespace loupe {

class Progress;

/** Columns of objectCropFeatures(): an 8 x 8 appearance, brightness, contrast, size and shape. */
constexpr int kObjectFeatureCols = 68;

/**
 * What an annotated object looks like, from its pixels, for grouping objects when no box
 * embeddings are given: per object (rows in the order of objects, indexes into
 * set.annotations) 68 values:
 *  - its crop in grayscale resampled to 8 x 8 (area averaging), standardised within the crop
 *    and scaled by 1/8, so the block has unit norm and says what is bright where;
 *  - mean brightness and contrast (standard deviation) in [0, 1];
 *  - log2 of its side (sqrt of the area) / 8, and log2 of its aspect ratio / 4 + 0.5.
 * Each block weighs about as much as the others in a Euclidean distance. Images are decoded
 * once for all their objects, in parallel; an image that cannot be read leaves its objects'
 * rows at zero (and counts them in *unreadable when given).
 */
/**
 * The annotated objects (crowd regions aside) to describe: every one, or a seeded sample of
 * maxObjects (0: no limit), in index order; total gets how many there are.
 */
std::vector<qint64> sampleObjects(const DetectionSet &set, qint64 maxObjects, quint64 seed, qint64 &total);

std::vector<float> objectCropFeatures(const DetectionSet &set, const std::vector<qint64> &objects,
                                      const std::function<QString(qint64 image)> &imagePath,
                                      Progress &progress, qint64 *unreadable = nullptr);

} // namespace loupe
