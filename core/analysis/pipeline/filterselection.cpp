#include "analysis/pipeline/filterselection.h"

#include "analysis/pipeline/analysisresults.h"
#include "analysis/steps/kmeansstep.h"
#include "analysis/steps/labelissuesstep.h"
#include "analysis/steps/mapclustersstep.h"
#include "analysis/steps/patternsstep.h"
#include "dataset/samplefilter.h"
#include "dataset/sampletable.h"

#include <functional>

namespace loupe {

namespace {

std::vector<qint64> where(const SampleTable &table, const std::function<bool(qint64)> &keep)
{
    std::vector<qint64> samples;
    for (qint64 i = 0; i < table.size(); ++i) {
        if (keep(i))
            samples.push_back(i);
    }
    return samples;
}

} // namespace

std::vector<qint64> selectSamples(const SampleFilter &filter, const SampleTable &table,
                                  const AnalysisResults &analysis)
{
    using Kind = SampleFilter::Kind;
    const int value = filter.value;
    switch (filter.kind) {
    case Kind::None:
        return where(table, [](qint64) { return true; });
    case Kind::Errors:
        return where(table, [&](qint64 i) { return table.isError(i); });
    case Kind::LabelIssues: {
        const LabelIssueResults &issues = analysis.get<LabelIssueResults>();
        return where(table, [&](qint64 i) { return issues.isFlagged(i); });
    }
    case Kind::Edited:
        return where(table, [&](qint64 i) { return table.isEdited(i); });
    case Kind::Review:
        return where(table, [&](qint64 i) { return int(table.review[size_t(i)]) == value; });
    case Kind::GivenLabel:
        return where(table, [&](qint64 i) { return table.labels[size_t(i)] == value; });
    case Kind::Predicted:
        return where(table, [&](qint64 i) { return table.predicted[size_t(i)] == value; });
    case Kind::Split:
        return where(table, [&](qint64 i) { return table.splitIndex[size_t(i)] == value; });
    case Kind::Cluster:
        return analysis.get<EmbeddingClusters>().members(value);
    case Kind::MapCluster:
        return analysis.get<MapClusters>().members(value);
    case Kind::Pattern:
        return analysis.get<FailurePatterns>().members(value);
    case Kind::ConfusionCell:
        return where(table, [&](qint64 i) {
            return table.isEvaluated(i) && table.labels[size_t(i)] == value &&
                   table.predicted[size_t(i)] == filter.second &&
                   (filter.split < 0 || table.splitIndex[size_t(i)] == filter.split);
        });
    case Kind::Sql:
    case Kind::MapSelection:
    case Kind::Similar:
    case Kind::Comparison:
    case Kind::Objects:
        break;
    }
    return {};
}

} // namespace loupe
