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

std::vector<int> commonestClasses(const DetectionSet &set)
{
    std::vector<std::vector<int>> counts(size_t(set.images),
                                         std::vector<int>(size_t(std::max(0, set.categories))));
    for (const Annotation &a : set.annotations) {
        if (!a.crowd && a.image >= 0 && a.image < set.images)
            ++counts[size_t(a.image)][size_t(a.category)];
    }
    std::vector<int> classes;
    classes.reserve(counts.size());
    for (const std::vector<int> &c : counts) {
        const auto most = std::max_element(c.begin(), c.end());
        classes.push_back(most == c.end() || *most == 0 ? -1 : int(most - c.begin()));
    }
    return classes;
}

} // namespace loupe
