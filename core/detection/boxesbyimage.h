#pragma once

#include "detection/detections.h"

#include <vector>

namespace loupe {

/** The annotations and detections of each image, as indexes into a DetectionSet, in input order. */
struct BoxesByImage
{
    std::vector<std::vector<qint64>> annotations; ///< per image
    std::vector<std::vector<qint64>> detections;  ///< per image

    /** Images: set.images, or more when a box names a higher image index. */
    explicit BoxesByImage(const DetectionSet &set);

    qint64 images() const { return qint64(annotations.size()); }
};

/** Each image's commonest annotated class (crowd regions aside; the lower on a tie); -1 without annotations.
 */
std::vector<int> commonestClasses(const DetectionSet &set);

} // namespace loupe
