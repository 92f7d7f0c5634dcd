#include "detection/detectionconfusion.h"

#include "detection/boxesbyimage.h"

#include <algorithm>

namespace loupe {

namespace {

struct Pair
{
    double iou;
    qint64 annotation;
    qint64 detection;
};

/** A box on a crowd region of its own class: neither a prediction nor a miss. */
bool onCrowd(const DetectionSet &set, const std::vector<qint64> &annotations, const Detection &d,
             double minIou)
{
    return std::any_of(annotations.begin(), annotations.end(), [&](qint64 g) {
        const Annotation &a = set.annotations[size_t(g)];
        return a.crowd && a.category == d.category && iou(d.box, a.box, true) >= minIou;
    });
}

} // namespace

DetectionConfusion DetectionConfusion::compute(const DetectionSet &set,
                                               const DetectionConfusionParams &params)
{
    DetectionConfusion result;
    result.categories = set.categories;
    const int side = set.categories + 1, background = set.categories;
    result.counts.assign(size_t(side) * size_t(side), 0);
    const auto add = [&](int row, int column) {
        ++result.counts[size_t(row) * size_t(side) + size_t(column)];
    };

    const BoxesByImage byImage(set);
    std::vector<Pair> pairs;
    for (qint64 image = 0; image < byImage.images(); ++image) {
        const std::vector<qint64> &objects = byImage.annotations[size_t(image)];
        std::vector<qint64> boxes;
        for (const qint64 d : byImage.detections[size_t(image)]) {
            const Detection &det = set.detections[size_t(d)];
            if (det.score >= params.minScore && !onCrowd(set, objects, det, params.minIou))
                boxes.push_back(d);
        }
        pairs.clear();
        for (const qint64 g : objects) {
            if (set.annotations[size_t(g)].crowd)
                continue;
            for (const qint64 d : boxes) {
                const double overlap = iou(set.detections[size_t(d)].box, set.annotations[size_t(g)].box);
                if (overlap >= params.minIou)
                    pairs.push_back({overlap, g, d});
            }
        }
        // Stable on (annotation, detection) order for equal IoU, so the result never depends on the sort.
        std::stable_sort(pairs.begin(), pairs.end(),
                         [](const Pair &a, const Pair &b) { return a.iou > b.iou; });
        std::vector<qint64> objectTaken, boxTaken;
        for (const Pair &p : pairs) {
            if (std::find(objectTaken.begin(), objectTaken.end(), p.annotation) != objectTaken.end() ||
                std::find(boxTaken.begin(), boxTaken.end(), p.detection) != boxTaken.end())
                continue;
            objectTaken.push_back(p.annotation);
            boxTaken.push_back(p.detection);
            add(set.annotations[size_t(p.annotation)].category, set.detections[size_t(p.detection)].category);
        }
        for (const qint64 g : objects) {
            if (!set.annotations[size_t(g)].crowd &&
                std::find(objectTaken.begin(), objectTaken.end(), g) == objectTaken.end())
                add(set.annotations[size_t(g)].category, background);
        }
        for (const qint64 d : boxes) {
            if (std::find(boxTaken.begin(), boxTaken.end(), d) == boxTaken.end())
                add(background, set.detections[size_t(d)].category);
        }
    }
    return result;
}

} // namespace loupe
