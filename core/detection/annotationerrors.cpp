#include "detection/annotationerrors.h"

#include "detection/boxesbyimage.h"

#include <algorithm>

namespace loupe {

namespace {

/** The class vote of one predicted box: its probabilities, or one-hot at its class. */
void addVote(const DetectionSet &set, const std::vector<float> &probabilities, qint64 d, double weight,
             std::vector<double> &votes)
{
    const int categories = set.categories;
    if (probabilities.empty()) {
        votes[size_t(set.detections[size_t(d)].category)] += weight;
        return;
    }
    const float *row = probabilities.data() + size_t(d) * size_t(categories);
    for (int k = 0; k < categories; ++k)
        votes[size_t(k)] += weight * double(row[k]);
}

/** Each image's boxes scored at least minScore: the only boxes that are evidence. */
std::vector<qint64> evidenceBoxes(const DetectionSet &set, const std::vector<qint64> &boxes,
                                  const AnnotationErrorParams &params)
{
    std::vector<qint64> kept;
    for (const qint64 d : boxes) {
        if (set.detections[size_t(d)].score >= params.minScore)
            kept.push_back(d);
    }
    return kept;
}

/** The box covering the annotation best, at IoU >= matchIou; -1 when none does. */
qint64 coveringBox(const DetectionSet &set, const Annotation &a, const std::vector<qint64> &boxes,
                   const AnnotationErrorParams &params)
{
    qint64 best = -1;
    double bestOverlap = params.matchIou;
    for (const qint64 d : boxes) {
        const double overlap = iou(set.detections[size_t(d)].box, a.box);
        if (overlap >= bestOverlap) {
            bestOverlap = overlap;
            best = d;
        }
    }
    return best;
}

/** Scores one annotation against the boxes of its image (and its neighbours' labels, when given). */
AnnotationErrors::Scores scoreAnnotation(const DetectionSet &set, const std::vector<float> &probabilities,
                                         const Annotation &a, const std::vector<qint64> &boxes,
                                         const float *neighbours, const AnnotationErrorParams &params,
                                         std::vector<double> &votes)
{
    AnnotationErrors::Scores scores;
    std::fill(votes.begin(), votes.end(), 0.0);
    double voteWeight = 0.0, support = 0.0, bestSameCover = 0.0, bestLocation = 0.0;
    for (const qint64 d : boxes) {
        const Detection &det = set.detections[size_t(d)];
        const double overlap = iou(det.box, a.box);
        const double strength = det.score * overlap;
        // Any box touching it (minOverlap) says something is there, if not exactly there.
        const double near = det.score * std::min(1.0, overlap / params.minOverlap);
        if (near > support) {
            support = near;
            scores.supportBox = d;
        }
        if (overlap >= params.matchIou) {
            addVote(set, probabilities, d, strength, votes);
            voteWeight += strength;
            if (det.category == a.category)
                bestSameCover = std::max(bestSameCover, strength);
        } else if (det.category == a.category && overlap >= params.minOverlap && strength > bestLocation) {
            bestLocation = strength;
            scores.locationBox = d;
        }
    }
    scores.spurious = 1.0 - std::min(1.0, support);
    if (voteWeight > 0.0) {
        // The evidence as shares: the boxes' vote, blended with the neighbours' labels.
        const double w = neighbours ? params.neighbourWeight : 0.0;
        for (int k = 0; k < set.categories; ++k)
            votes[size_t(k)] =
                (1.0 - w) * votes[size_t(k)] / voteWeight + (neighbours ? w * neighbours[k] : 0.0);
        int best = -1;
        for (int k = 0; k < set.categories; ++k) {
            if (k != a.category && (best < 0 || votes[size_t(k)] > votes[size_t(best)]))
                best = k;
        }
        const double margin = votes[size_t(best)] - votes[size_t(a.category)];
        if (margin > 0.0) {
            scores.wrongClass = std::min(1.0, margin);
            scores.suggestedClass = best;
            double strongest = 0.0;
            for (const qint64 d : boxes) {
                const Detection &det = set.detections[size_t(d)];
                const double strength = det.score * iou(det.box, a.box);
                if (det.category == best && strength > strongest) {
                    strongest = strength;
                    scores.wrongClassBox = d;
                }
            }
        }
    }
    // Moving the box is the fix only when no box of its class already covers the object better.
    if (scores.locationBox >= 0 && bestLocation > bestSameCover) {
        const Detection &det = set.detections[size_t(scores.locationBox)];
        scores.badLocation = det.score * (1.0 - iou(det.box, a.box));
    } else {
        scores.locationBox = -1;
    }
    return scores;
}

double overlookedScore(const DetectionSet &set, const Detection &det, const std::vector<qint64> &objects,
                       const AnnotationErrorParams &params)
{
    double covered = 0.0;
    for (const qint64 g : objects) {
        const Annotation &a = set.annotations[size_t(g)];
        covered = std::max(covered, iou(det.box, a.box, a.crowd));
    }
    return det.score * std::max(0.0, 1.0 - covered / params.matchIou);
}

} // namespace

QString annotationIssueName(AnnotationIssue issue)
{
    switch (issue) {
    case AnnotationIssue::None:
        return QStringLiteral("none");
    case AnnotationIssue::Overlooked:
        return QStringLiteral("overlooked");
    case AnnotationIssue::WrongClass:
        return QStringLiteral("wrong_class");
    case AnnotationIssue::BadLocation:
        return QStringLiteral("bad_location");
    case AnnotationIssue::Spurious:
        return QStringLiteral("spurious");
    }
    return {};
}

std::vector<qint64> AnnotationErrors::coveringBoxes(const DetectionSet &set,
                                                    const AnnotationErrorParams &params)
{
    std::vector<qint64> covering(set.annotations.size(), -1);
    const BoxesByImage byImage(set);
    for (qint64 image = 0; image < byImage.images(); ++image) {
        const std::vector<qint64> boxes = evidenceBoxes(set, byImage.detections[size_t(image)], params);
        for (const qint64 g : byImage.annotations[size_t(image)]) {
            const Annotation &a = set.annotations[size_t(g)];
            if (!a.crowd)
                covering[size_t(g)] = coveringBox(set, a, boxes, params);
        }
    }
    return covering;
}

AnnotationErrors AnnotationErrors::find(const DetectionSet &set, const BoxEvidence &evidence,
                                        const AnnotationErrorParams &params,
                                        const AnnotationNeighbourLabels &neighbours)
{
    AnnotationErrors result;
    result.annotations.assign(set.annotations.size(), {});
    result.overlooked.assign(set.detections.size(), 0.0);
    const bool useProbabilities =
        set.categories > 0 && evidence.probabilities.size() == set.detections.size() * size_t(set.categories);
    const std::vector<float> noProbabilities;
    const std::vector<float> &probabilities = useProbabilities ? evidence.probabilities : noProbabilities;
    const BoxesByImage byImage(set);
    result.usedNeighbours = !neighbours.rowOf.empty() && params.neighbourWeight > 0.0;
    std::vector<double> votes(size_t(std::max(0, set.categories)));
    for (qint64 image = 0; image < byImage.images(); ++image) {
        const std::vector<qint64> boxes = evidenceBoxes(set, byImage.detections[size_t(image)], params);
        const std::vector<qint64> &objects = byImage.annotations[size_t(image)];
        for (const qint64 g : objects) {
            const Annotation &a = set.annotations[size_t(g)];
            if (!a.crowd)
                result.annotations[size_t(g)] = scoreAnnotation(
                    set, probabilities, a, boxes, neighbours.of(size_t(g), set.categories), params, votes);
        }
        for (const qint64 d : boxes)
            result.overlooked[size_t(d)] = overlookedScore(set, set.detections[size_t(d)], objects, params);
        // A box that an annotation should move to is that annotation's fix, not a second object.
        for (const qint64 g : objects) {
            const Scores &s = result.annotations[size_t(g)];
            if (s.badLocation > 0.0)
                result.overlooked[size_t(s.locationBox)] = 0.0;
        }
    }
    return result;
}

AnnotationSuggestion AnnotationErrors::strongestFor(const DetectionSet &set, qint64 annotation,
                                                    double minimum) const
{
    const Scores &s = annotations[size_t(annotation)];
    const Annotation &a = set.annotations[size_t(annotation)];
    AnnotationSuggestion best{AnnotationIssue::None, minimum, a.image, annotation, -1, -1, {}};
    if (a.crowd)
        return best;
    if (s.wrongClass > best.score)
        best = {AnnotationIssue::WrongClass,
                s.wrongClass,
                a.image,
                annotation,
                s.wrongClassBox,
                s.suggestedClass,
                {}};
    if (s.badLocation > best.score)
        best = {AnnotationIssue::BadLocation,
                s.badLocation,
                a.image,
                annotation,
                s.locationBox,
                a.category,
                set.detections[size_t(s.locationBox)].box};
    if (s.spurious > best.score)
        best = {AnnotationIssue::Spurious, s.spurious, a.image, annotation, -1, -1, {}};
    return best;
}

AnnotationSuggestion AnnotationErrors::overlookedFor(const DetectionSet &set, qint64 detection,
                                                     double minimum) const
{
    const Detection &det = set.detections[size_t(detection)];
    if (overlooked[size_t(detection)] <= minimum)
        return {AnnotationIssue::None, 0.0, det.image, -1, detection, -1, {}};
    return {AnnotationIssue::Overlooked,
            overlooked[size_t(detection)],
            det.image,
            -1,
            detection,
            det.category,
            det.box};
}

std::vector<AnnotationSuggestion> AnnotationErrors::ranked(const DetectionSet &set, double minimum) const
{
    std::vector<AnnotationSuggestion> suggestions;
    for (size_t g = 0; g < annotations.size(); ++g) {
        const AnnotationSuggestion best = strongestFor(set, qint64(g), minimum);
        if (best.issue != AnnotationIssue::None)
            suggestions.push_back(best);
    }
    for (size_t d = 0; d < overlooked.size(); ++d) {
        const AnnotationSuggestion added = overlookedFor(set, qint64(d), minimum);
        if (added.issue != AnnotationIssue::None)
            suggestions.push_back(added);
    }
    std::stable_sort(
        suggestions.begin(), suggestions.end(),
        [](const AnnotationSuggestion &a, const AnnotationSuggestion &b) { return a.score > b.score; });
    return suggestions;
}

std::vector<double> AnnotationErrors::imageScores(const DetectionSet &set) const
{
    const BoxesByImage byImage(set);
    std::vector<double> scores(size_t(byImage.images()), 0.0);
    for (const AnnotationSuggestion &s : ranked(set))
        scores[size_t(s.image)] = std::max(scores[size_t(s.image)], s.score);
    return scores;
}

} // namespace loupe
