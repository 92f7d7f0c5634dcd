#include "detection/boxesbyimage.h"

#include <algorithm>

namespace loupe {

BoxesByImage::BoxesByImage(const DetectionSet &set)
{
    qint64 images = set.images;
    for (const Annotation &a : set.annotations)
        images = std::max(images, a.image + 1);
    for (const Detection &d : set.detections)
        images = std::max(images, d.image + 1);
    annotations.resize(size_t(images));
    detections.resize(size_t(images));
    for (size_t i = 0; i < set.annotations.size(); ++i)
        annotations[size_t(set.annotations[i].image)].push_back(qint64(i));
    for (size_t i = 0; i < set.detections.size(); ++i)
        detections[size_t(set.detections[i].image)].push_back(qint64(i));
}

} // namespace loupe
