#include "detection/boxerrors.h"

#include "detection/boxesbyimage.h"

#include <algorithm>
#include <numeric>

namespace loupe {

namespace {

/** The best IoU of box with the non-crowd objects that pass keep(index, annotation), and which. */
template<typename Keep>
std::pair<double, qint64> bestOverlap(const DetectionSet &set, const std::vector<qint64> &objects,
                                      const Box &box, Keep keep)
{
    std::pair<double, qint64> best{0.0, -1};
    for (const qint64 g : objects) {
        const Annotation &a = set.annotations[size_t(g)];
        if (a.crowd || !keep(g, a))
            continue;
        const double overlap = iou(box, a.box);
        if (overlap > best.first)
            best = {overlap, g};
    }
    return best;
}

/** Matches one image's boxes, best score first, to the objects of their class (true positives). */
void matchImage(const DetectionSet &set, const std::vector<qint64> &objects, const std::vector<qint64> &boxes,
                const BoxErrorParams &params, std::vector<qint64> &order, BoxErrors &result)
{
    order.clear();
    for (const qint64 d : boxes) {
        if (set.detections[size_t(d)].score >= params.minScore)
            order.push_back(d);
    }
    std::stable_sort(order.begin(), order.end(), [&set](qint64 a, qint64 b) {
        return set.detections[size_t(a)].score > set.detections[size_t(b)].score;
    });
    for (const qint64 d : order) {
        const Detection &det = set.detections[size_t(d)];
        DetectionOutcome &outcome = result.detections[size_t(d)];
        outcome.evaluated = true;
        const auto free = bestOverlap(set, objects, det.box, [&](qint64 g, const Annotation &a) {
            return a.category == det.category && result.annotations[size_t(g)].detection < 0;
        });
        if (free.second >= 0 && free.first >= params.foreground) {
            outcome = {BoxError::None, free.first, free.second, true};
            result.annotations[size_t(free.second)].detection = d;
            continue;
        }
        for (const qint64 g : objects) {
            const Annotation &a = set.annotations[size_t(g)];
            if (a.crowd && a.category == det.category && iou(det.box, a.box, true) >= params.foreground) {
                outcome = {BoxError::Crowd, iou(det.box, a.box, true), g, true};
                break;
            }
        }
    }
}

/** Types one image's boxes that found nothing (see BoxErrors). */
void typeErrors(const DetectionSet &set, const std::vector<qint64> &objects, const BoxErrorParams &params,
                const std::vector<qint64> &order, BoxErrors &result)
{
    for (const qint64 d : order) {
        DetectionOutcome &outcome = result.detections[size_t(d)];
        if (outcome.error == BoxError::None || outcome.error == BoxError::Crowd)
            continue;
        const Detection &det = set.detections[size_t(d)];
        const auto same = bestOverlap(
            set, objects, det.box, [&](qint64, const Annotation &a) { return a.category == det.category; });
        const auto other = bestOverlap(
            set, objects, det.box, [&](qint64, const Annotation &a) { return a.category != det.category; });
        if (same.first >= params.foreground)
            outcome = {BoxError::Duplicate, same.first, same.second, true};
        else if (other.first >= params.foreground)
            outcome = {BoxError::Classification, other.first, other.second, true};
        else if (same.first >= params.background)
            outcome = {BoxError::Localization, same.first, same.second, true};
        else if (other.first >= params.background)
            outcome = {BoxError::Both, other.first, other.second, true};
        else
            outcome = {BoxError::Background, std::max(same.first, other.first), -1, true};
    }
}

} // namespace

QString boxErrorName(BoxError error)
{
    switch (error) {
    case BoxError::None:
        return QStringLiteral("true_positive");
    case BoxError::Classification:
        return QStringLiteral("classification");
    case BoxError::Localization:
        return QStringLiteral("localization");
    case BoxError::Both:
        return QStringLiteral("both");
    case BoxError::Duplicate:
        return QStringLiteral("duplicate");
    case BoxError::Background:
        return QStringLiteral("background");
    case BoxError::Crowd:
        return QStringLiteral("crowd");
    }
    return {};
}

BoxErrors BoxErrors::classify(const DetectionSet &set, const BoxErrorParams &params)
{
    BoxErrors result;
    result.detections.assign(set.detections.size(), {});
    result.annotations.assign(set.annotations.size(), {});
    const BoxesByImage byImage(set);
    std::vector<qint64> order;
    for (qint64 image = 0; image < byImage.images(); ++image) {
        const std::vector<qint64> &objects = byImage.annotations[size_t(image)];
        matchImage(set, objects, byImage.detections[size_t(image)], params, order, result);
        typeErrors(set, objects, params, order, result);
    }
    std::vector<quint8> explained(set.annotations.size(), 0);
    for (const DetectionOutcome &outcome : result.detections) {
        if (!outcome.evaluated)
            continue;
        ++result.counts[int(outcome.error)];
        if (outcome.annotation >= 0 &&
            (outcome.error == BoxError::Classification || outcome.error == BoxError::Localization ||
             outcome.error == BoxError::Both))
            explained[size_t(outcome.annotation)] = 1;
    }
    for (size_t g = 0; g < set.annotations.size(); ++g) {
        AnnotationOutcome &outcome = result.annotations[g];
        outcome.missed = !set.annotations[g].crowd && outcome.detection < 0 && !explained[g];
        result.missed += outcome.missed;
    }
    return result;
}

} // namespace loupe
