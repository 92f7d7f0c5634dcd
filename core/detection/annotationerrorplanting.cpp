#include "detection/annotationerrorplanting.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace loupe {

namespace {

/** Moves box by a fraction of its size in a random direction, until its IoU with the original is in range. */
Box displaced(const Box &box, const QSize &image, std::mt19937_64 &rng)
{
    std::uniform_real_distribution<double> shift(0.35, 0.65), sign(0.0, 1.0);
    for (int attempt = 0; attempt < 20; ++attempt) {
        Box moved = box;
        moved.x += (sign(rng) < 0.5 ? -1.0 : 1.0) * shift(rng) * box.width;
        moved.y += (sign(rng) < 0.5 ? -1.0 : 1.0) * shift(rng) * box.height;
        moved.x = std::clamp(moved.x, 0.0, std::max(0.0, image.width() - moved.width));
        moved.y = std::clamp(moved.y, 0.0, std::max(0.0, image.height() - moved.height));
        const double overlap = iou(moved, box);
        if (overlap >= 0.15 && overlap < 0.45)
            return moved;
    }
    Box moved = box; // a corner-wise shift by half the size: IoU 1/7
    moved.x = std::clamp(box.x + 0.5 * box.width, 0.0, std::max(0.0, image.width() - box.width));
    moved.y = std::clamp(box.y + 0.5 * box.height, 0.0, std::max(0.0, image.height() - box.height));
    return moved;
}

/** A box of the given size on no object of image, or an empty width when none was found. */
Box emptySpot(const std::vector<Annotation> &truth, const std::vector<size_t> &objects, const QSize &image,
              double width, double height, std::mt19937_64 &rng)
{
    if (image.width() <= width || image.height() <= height)
        return {};
    std::uniform_real_distribution<double> x(0.0, image.width() - width), y(0.0, image.height() - height);
    for (int attempt = 0; attempt < 50; ++attempt) {
        const Box box{x(rng), y(rng), width, height};
        const bool free = std::none_of(objects.begin(), objects.end(),
                                       [&](size_t g) { return iou(box, truth[g].box) >= 0.05; });
        if (free)
            return box;
    }
    return {};
}

} // namespace

AnnotationErrorPlanting AnnotationErrorPlanting::plant(const std::vector<Annotation> &truth,
                                                       const std::vector<QSize> &imageSizes, int categories,
                                                       const AnnotationErrorRates &rates, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    const size_t n = truth.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::shuffle(order.begin(), order.end(), rng);
    const auto count = [n](double rate) {
        return size_t(std::llround(std::clamp(rate, 0.0, 1.0) * double(n)));
    };
    const size_t removed = std::min(n, count(rates.overlooked));
    const size_t flipped = std::min(n - removed, count(rates.wrongClass));
    const size_t moved = std::min(n - removed - flipped, count(rates.badLocation));
    std::vector<AnnotationIssue> fate(n, AnnotationIssue::None);
    for (size_t k = 0; k < n; ++k) {
        const size_t g = order[k];
        fate[g] = k < removed                     ? AnnotationIssue::Overlooked
                  : k < removed + flipped         ? AnnotationIssue::WrongClass
                  : k < removed + flipped + moved ? AnnotationIssue::BadLocation
                                                  : AnnotationIssue::None;
    }

    AnnotationErrorPlanting result;
    std::uniform_int_distribution<int> otherClass(1, std::max(1, categories - 1));
    for (size_t g = 0; g < n; ++g) {
        Annotation a = truth[g];
        const QSize image = imageSizes.at(size_t(a.image));
        switch (fate[g]) {
        case AnnotationIssue::Overlooked:
            result.key.removed.push_back(a);
            continue;
        case AnnotationIssue::WrongClass:
            a.category = categories > 1 ? (a.category + otherClass(rng)) % categories : a.category;
            break;
        case AnnotationIssue::BadLocation:
            a.box = displaced(a.box, image, rng);
            a.area = 0.0;
            break;
        default:
            break;
        }
        result.annotations.push_back(a);
        result.key.annotations.push_back(fate[g]);
    }

    std::vector<std::vector<size_t>> objectsOf(imageSizes.size());
    for (size_t g = 0; g < n; ++g)
        objectsOf[size_t(truth[g].image)].push_back(g);
    std::uniform_int_distribution<size_t> anyObject(0, n > 0 ? n - 1 : 0);
    std::uniform_int_distribution<qint64> anyImage(0, qint64(imageSizes.size()) - 1);
    std::uniform_int_distribution<int> anyClass(0, std::max(0, categories - 1));
    const size_t spurious = n > 0 && !imageSizes.empty() ? count(rates.spurious) : 0;
    for (size_t added = 0, attempts = 0; added < spurious && attempts < 20 * spurious; ++attempts) {
        const Annotation &model = truth[anyObject(rng)];
        const qint64 image = anyImage(rng);
        const Box box = emptySpot(truth, objectsOf[size_t(image)], imageSizes[size_t(image)], model.box.width,
                                  model.box.height, rng);
        if (!(box.width > 0.0))
            continue;
        result.annotations.push_back({image, anyClass(rng), box, 0.0, false});
        result.key.annotations.push_back(AnnotationIssue::Spurious);
        ++added;
    }
    return result;
}

} // namespace loupe
