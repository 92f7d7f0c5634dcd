#include "detection/annotationerrorevaluation.h"

#include "detection/boxesbyimage.h"

#include <QJsonArray>

#include <algorithm>
#include <numeric>

namespace loupe {

namespace {

/** Candidates' scores under the three methods, and which are planted. */
struct Candidates
{
    std::vector<double> loupe, scoreOnly, iouOnly;
    std::vector<bool> positive;
};

double precisionAtPlanted(const std::vector<double> &scores, const std::vector<bool> &positive)
{
    const auto planted = size_t(std::count(positive.begin(), positive.end(), true));
    if (planted == 0)
        return 0.0;
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : !positive[a] && positive[b];
    });
    size_t hits = 0;
    for (size_t r = 0; r < planted && r < order.size(); ++r)
        hits += positive[order[r]];
    return double(hits) / double(planted);
}

/** The best score x 1 and IoU of the boxes of image passing keep(detection, iou). */
template<typename Keep>
std::pair<double, double> bestOf(const DetectionSet &set, const std::vector<qint64> &boxes, const Box &box,
                                 Keep keep)
{
    double score = 0.0, overlap = 0.0;
    for (const qint64 d : boxes) {
        const Detection &det = set.detections[size_t(d)];
        const double o = iou(det.box, box);
        if (!keep(det, o))
            continue;
        score = std::max(score, det.score);
        overlap = std::max(overlap, o);
    }
    return {score, overlap};
}

Candidates annotationCandidates(const DetectionSet &set, const AnnotationErrors &errors,
                                const PlantedAnnotationErrors &key, AnnotationIssue issue)
{
    const AnnotationErrorParams params;
    const BoxesByImage byImage(set);
    Candidates c;
    for (size_t g = 0; g < set.annotations.size(); ++g) {
        const Annotation &a = set.annotations[g];
        if (a.crowd)
            continue;
        const std::vector<qint64> &boxes = byImage.detections[size_t(a.image)];
        const AnnotationErrors::Scores &s = errors.annotations[g];
        c.positive.push_back(g < key.annotations.size() && key.annotations[g] == issue);
        if (issue == AnnotationIssue::WrongClass) {
            const auto other = bestOf(set, boxes, a.box, [&](const Detection &d, double o) {
                return d.category != a.category && o >= params.matchIou;
            });
            const auto anyOther = bestOf(
                set, boxes, a.box, [&](const Detection &d, double) { return d.category != a.category; });
            c.loupe.push_back(s.wrongClass);
            c.scoreOnly.push_back(other.first);
            c.iouOnly.push_back(anyOther.second);
        } else if (issue == AnnotationIssue::BadLocation) {
            const auto same = bestOf(set, boxes, a.box, [&](const Detection &d, double o) {
                return d.category == a.category && o >= params.matchIou;
            });
            const auto sameAny = bestOf(set, boxes, a.box,
                                        [&](const Detection &d, double) { return d.category == a.category; });
            c.loupe.push_back(s.badLocation);
            c.scoreOnly.push_back(1.0 - same.first);
            c.iouOnly.push_back(1.0 - sameAny.second);
        } else {
            const auto touching = bestOf(set, boxes, a.box,
                                         [&](const Detection &, double o) { return o >= params.minOverlap; });
            const auto any = bestOf(set, boxes, a.box, [](const Detection &, double) { return true; });
            c.loupe.push_back(s.spurious);
            c.scoreOnly.push_back(1.0 - touching.first);
            c.iouOnly.push_back(1.0 - any.second);
        }
    }
    return c;
}

Candidates overlookedCandidates(const DetectionSet &set, const AnnotationErrors &errors,
                                const PlantedAnnotationErrors &key)
{
    const BoxesByImage byImage(set);
    std::vector<std::vector<const Annotation *>> removedOf(size_t(byImage.images()));
    for (const Annotation &r : key.removed) {
        if (r.image >= 0 && r.image < byImage.images())
            removedOf[size_t(r.image)].push_back(&r);
    }
    Candidates c;
    for (size_t d = 0; d < set.detections.size(); ++d) {
        const Detection &det = set.detections[d];
        bool hidden = false;
        for (const Annotation *r : removedOf[size_t(det.image)])
            hidden = hidden || iou(det.box, r->box) >= 0.5;
        double covered = 0.0;
        for (const qint64 g : byImage.annotations[size_t(det.image)])
            covered = std::max(covered, iou(det.box, set.annotations[size_t(g)].box));
        c.positive.push_back(hidden);
        c.loupe.push_back(errors.overlooked[d]);
        c.scoreOnly.push_back(det.score);
        c.iouOnly.push_back(1.0 - covered);
    }
    return c;
}

} // namespace

double rankingAveragePrecision(const std::vector<double> &scores, const std::vector<bool> &positive)
{
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), size_t(0));
    // Ties broken against the positives: a method gets no credit for a score it cannot tell apart.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : !positive[a] && positive[b];
    });
    double hits = 0.0, sum = 0.0;
    for (size_t r = 0; r < order.size(); ++r) {
        if (positive[order[r]]) {
            hits += 1.0;
            sum += hits / double(r + 1);
        }
    }
    return hits > 0.0 ? sum / hits : 0.0;
}

std::vector<AnnotationErrorQuality> AnnotationErrorQuality::measure(const DetectionSet &set,
                                                                    const AnnotationErrors &errors,
                                                                    const PlantedAnnotationErrors &key)
{
    std::vector<AnnotationErrorQuality> result;
    for (const AnnotationIssue issue : {AnnotationIssue::Overlooked, AnnotationIssue::WrongClass,
                                        AnnotationIssue::BadLocation, AnnotationIssue::Spurious}) {
        const Candidates c = issue == AnnotationIssue::Overlooked
                                 ? overlookedCandidates(set, errors, key)
                                 : annotationCandidates(set, errors, key, issue);
        AnnotationErrorQuality quality;
        quality.issue = issue;
        quality.candidates = qint64(c.positive.size());
        quality.planted = qint64(std::count(c.positive.begin(), c.positive.end(), true));
        for (const auto &[name, scores] : {std::pair{QStringLiteral("loupe"), &c.loupe},
                                           {QStringLiteral("score only"), &c.scoreOnly},
                                           {QStringLiteral("IoU only"), &c.iouOnly}})
            quality.methods.push_back({name, rankingAveragePrecision(*scores, c.positive),
                                       precisionAtPlanted(*scores, c.positive)});
        result.push_back(std::move(quality));
    }
    return result;
}

QJsonObject AnnotationErrorQuality::toJson() const
{
    QJsonObject methodsJson;
    for (const IssueRankingQuality &m : methods)
        methodsJson.insert(m.method,
                           QJsonObject{{QStringLiteral("average_precision"), m.averagePrecision},
                                       {QStringLiteral("precision_at_planted"), m.precisionAtPlanted}});
    return {{QStringLiteral("issue"), annotationIssueName(issue)},
            {QStringLiteral("candidates"), candidates},
            {QStringLiteral("planted"), planted},
            {QStringLiteral("methods"), methodsJson}};
}

} // namespace loupe
