#include "boxverdicts.h"

#include <algorithm>

namespace loupe {

namespace {

BoxVerdict verdictOf(AnnotationIssue issue)
{
    switch (issue) {
    case AnnotationIssue::WrongClass:
        return BoxVerdict::WrongClass;
    case AnnotationIssue::BadLocation:
        return BoxVerdict::BadLocation;
    case AnnotationIssue::Spurious:
        return BoxVerdict::Spurious;
    case AnnotationIssue::Overlooked:
        return BoxVerdict::Overlooked;
    case AnnotationIssue::None:
        break;
    }
    return BoxVerdict::Found;
}

BoxVerdict verdictOf(BoxError error)
{
    switch (error) {
    case BoxError::None:
        return BoxVerdict::TruePositive;
    case BoxError::Classification:
        return BoxVerdict::Classification;
    case BoxError::Localization:
        return BoxVerdict::Localization;
    case BoxError::Both:
        return BoxVerdict::Both;
    case BoxError::Duplicate:
        return BoxVerdict::Duplicate;
    case BoxError::Background:
        return BoxVerdict::Background;
    case BoxError::Crowd:
        break;
    }
    return BoxVerdict::Ignored;
}

BoxVerdicts::Entry annotationEntry(const DetectionSet &set, const BoxErrors &errors,
                                   const AnnotationErrors &annotationErrors, const BoxVerdictParams &params,
                                   size_t g)
{
    BoxVerdicts::Entry entry{uint32_t(g), BoxVerdicts::Kind::Annotation, BoxVerdict::Found, 0.0f};
    if (set.annotations[g].crowd) {
        entry.verdict = BoxVerdict::Ignored;
        return entry;
    }
    const AnnotationSuggestion strongest = annotationErrors.strongestFor(set, qint64(g));
    entry.errorScore = float(strongest.score);
    if (strongest.issue != AnnotationIssue::None && strongest.score >= params.minIssueScore)
        entry.verdict = verdictOf(strongest.issue);
    else if (errors.annotations[g].detection < 0) // TIDE's missed ones, and those a wrong box explains
        entry.verdict = BoxVerdict::Missed;
    return entry;
}

BoxVerdicts::Entry predictionEntry(const DetectionSet &set, const BoxErrors &errors,
                                   const AnnotationErrors &annotationErrors, const BoxVerdictParams &params,
                                   size_t d)
{
    const DetectionOutcome &outcome = errors.detections[d];
    BoxVerdicts::Entry entry{uint32_t(d), BoxVerdicts::Kind::Prediction, verdictOf(outcome.error), 0.0f};
    const AnnotationSuggestion added = annotationErrors.overlookedFor(set, qint64(d));
    if (outcome.error == BoxError::Background && added.score >= params.minIssueScore) {
        entry.verdict = BoxVerdict::Overlooked;
        entry.errorScore = float(added.score);
    } else if (isBoxError(entry.verdict)) {
        entry.errorScore = float(std::clamp(set.detections[d].score, 0.0, 1.0));
    }
    return entry;
}

} // namespace

QString boxVerdictName(BoxVerdict verdict)
{
    switch (verdict) {
    case BoxVerdict::WrongClass:
        return QStringLiteral("wrong class");
    case BoxVerdict::BadLocation:
        return QStringLiteral("badly placed");
    case BoxVerdict::Spurious:
        return QStringLiteral("spurious");
    case BoxVerdict::Overlooked:
        return QStringLiteral("overlooked");
    case BoxVerdict::Missed:
        return QStringLiteral("missed");
    case BoxVerdict::Classification:
        return QStringLiteral("other class");
    case BoxVerdict::Localization:
        return QStringLiteral("off target");
    case BoxVerdict::Both:
        return QStringLiteral("off, other class");
    case BoxVerdict::Duplicate:
        return QStringLiteral("duplicate");
    case BoxVerdict::Background:
        return QStringLiteral("on nothing");
    case BoxVerdict::Found:
        return QStringLiteral("found");
    case BoxVerdict::TruePositive:
        return QStringLiteral("right");
    case BoxVerdict::Ignored:
        return QStringLiteral("crowd");
    }
    return {};
}

bool isBoxError(BoxVerdict verdict)
{
    return verdict != BoxVerdict::Found && verdict != BoxVerdict::TruePositive &&
           verdict != BoxVerdict::Ignored;
}

BoxVerdicts BoxVerdicts::judge(const DetectionSet &set, const BoxErrors &errors,
                               const AnnotationErrors &annotationErrors, const BoxVerdictParams &params)
{
    BoxVerdicts result;
    result.m_entries.reserve(set.annotations.size() + set.detections.size());
    for (size_t g = 0; g < set.annotations.size(); ++g)
        result.m_entries.push_back(annotationEntry(set, errors, annotationErrors, params, g));
    for (size_t d = 0; d < set.detections.size(); ++d) {
        if (errors.detections[d].evaluated)
            result.m_entries.push_back(predictionEntry(set, errors, annotationErrors, params, d));
    }
    for (const Entry &entry : result.m_entries)
        ++result.m_counts[size_t(entry.verdict)];
    return result;
}

void BoxVerdicts::sort(std::vector<uint32_t> &positions, Order order) const
{
    const auto byScore = [this](uint32_t a, uint32_t b) {
        return m_entries[a].errorScore > m_entries[b].errorScore;
    };
    const auto byType = [this](uint32_t a, uint32_t b) {
        const Entry &x = m_entries[a];
        const Entry &y = m_entries[b];
        if (x.verdict != y.verdict)
            return x.verdict < y.verdict;
        return x.errorScore > y.errorScore;
    };
    if (order == Order::ErrorScore)
        std::stable_sort(positions.begin(), positions.end(), byScore);
    else
        std::stable_sort(positions.begin(), positions.end(), byType);
}

} // namespace loupe
