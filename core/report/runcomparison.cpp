#include "report/runcomparison.h"

#include "analysis/pipeline/analysisresults.h"
#include "analysis/steps/kmeansstep.h"
#include "analysis/steps/labelissuesstep.h"
#include "analysis/steps/slicesstep.h"
#include "common/error.h"
#include "dataset/sampletable.h"
#include "storage/sampletableloader.h"
#include "storage/sqlfilter.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

/** Whether sample counts in the comparison: evaluated (SampleState) in both runs. */
bool comparable(const SampleTable &before, const SampleTable &after, qint64 sample)
{
    return before.isEvaluated(sample) && after.isEvaluated(sample);
}

GroupDelta groupDelta(const QString &name, const std::vector<qint64> &members, const SampleTable &before,
                      const SampleTable &after)
{
    GroupDelta delta;
    delta.name = name;
    delta.size = qint64(members.size());
    for (const qint64 sample : members) {
        if (!comparable(before, after, sample))
            continue;
        ++delta.labelled;
        delta.errorsBefore += before.isError(sample);
        delta.errorsAfter += after.isError(sample);
    }
    return delta;
}

void sortByChange(std::vector<GroupDelta> &groups)
{
    std::stable_sort(groups.begin(), groups.end(), [](const GroupDelta &a, const GroupDelta &b) {
        return std::abs(a.rateChange()) > std::abs(b.rateChange());
    });
}

std::vector<GroupDelta> clusterDeltas(const AnalysisResults &analysis, const SampleTable &before,
                                      const SampleTable &after)
{
    const std::vector<int> &assignment = analysis.get<EmbeddingClusters>().assignment;
    std::vector<std::vector<qint64>> members;
    for (size_t i = 0; i < assignment.size(); ++i) {
        const int cluster = assignment[i];
        if (cluster < 0)
            continue;
        if (size_t(cluster) >= members.size())
            members.resize(size_t(cluster) + 1);
        members[size_t(cluster)].push_back(qint64(i));
    }
    std::vector<GroupDelta> deltas;
    for (size_t c = 0; c < members.size(); ++c) {
        if (!members[c].empty())
            deltas.push_back(groupDelta(QStringLiteral("cluster %1").arg(c), members[c], before, after));
    }
    sortByChange(deltas);
    return deltas;
}

std::vector<GroupDelta> sliceDeltas(Project &project, const AnalysisResults &analysis,
                                    const SampleTable &before, const SampleTable &after)
{
    // Membership comes from sample_view, whose predictions are the latest run's: a slice
    // over the predicted class would mean a different group in each run, so it is skipped.
    SqlFilter filter(project.path());
    std::vector<GroupDelta> deltas;
    for (const SliceRecord &slice : analysis.get<SliceResults>().slices) {
        if (slice.column == QLatin1String("predicted"))
            continue;
        const SqlFilterResult members = filter.run(slice.condition);
        deltas.push_back(groupDelta(sliceName(slice), members.sampleIndices, before, after));
    }
    sortByChange(deltas);
    return deltas;
}

void findChangedSamples(const SampleTable &before, const SampleTable &after, RunComparison &comparison)
{
    for (qint64 i = 0; i < before.size(); ++i) {
        if (!comparable(before, after, i))
            continue;
        const bool wrongBefore = before.isError(i);
        const bool wrongAfter = after.isError(i);
        if (wrongBefore && !wrongAfter)
            comparison.fixed.push_back(qint64(i));
        else if (!wrongBefore && wrongAfter)
            comparison.regressed.push_back(qint64(i));
    }
    // The biggest change in the loss of the given label first: those moved the most.
    const auto byLossChange = [&](qint64 a, qint64 b) {
        const float changeA = std::abs(after.loss[size_t(a)] - before.loss[size_t(a)]);
        const float changeB = std::abs(after.loss[size_t(b)] - before.loss[size_t(b)]);
        return changeA > changeB;
    };
    std::stable_sort(comparison.fixed.begin(), comparison.fixed.end(), byLossChange);
    std::stable_sort(comparison.regressed.begin(), comparison.regressed.end(), byLossChange);
}

qint64 countFlags(const std::vector<int> &flags)
{
    return flags.empty() ? -1 : qint64(std::count(flags.begin(), flags.end(), 1));
}

void compareIssues(const AnalysisResults &before, const AnalysisResults &after, RunComparison &comparison)
{
    const std::vector<int> &flagsBefore = before.get<LabelIssueResults>().isIssue;
    const std::vector<int> &flagsAfter = after.get<LabelIssueResults>().isIssue;
    comparison.issuesBefore = countFlags(flagsBefore);
    comparison.issuesAfter = countFlags(flagsAfter);
    if (flagsBefore.empty() || flagsAfter.empty())
        return;
    for (size_t i = 0; i < flagsBefore.size() && i < flagsAfter.size(); ++i) {
        if (flagsBefore[i] == 1 && flagsAfter[i] == 0)
            comparison.issuesResolved.push_back(qint64(i));
    }
}

QJsonArray sampleIds(const std::vector<qint64> &samples, const StringColumn &ids, int limit)
{
    QJsonArray array;
    for (size_t i = 0; i < samples.size() && int(i) < limit; ++i)
        array.append(ids.value(samples[i]));
    return array;
}

QJsonArray groupsJson(const std::vector<GroupDelta> &groups)
{
    QJsonArray array;
    for (const GroupDelta &group : groups) {
        array.append(QJsonObject{{QStringLiteral("name"), group.name},
                                 {QStringLiteral("size"), group.size},
                                 {QStringLiteral("labelled"), group.labelled},
                                 {QStringLiteral("errors_before"), group.errorsBefore},
                                 {QStringLiteral("errors_after"), group.errorsAfter},
                                 {QStringLiteral("error_rate_before"), group.rateBefore()},
                                 {QStringLiteral("error_rate_after"), group.rateAfter()}});
    }
    return array;
}

QJsonObject runJson(const RunInfo &run)
{
    return {{QStringLiteral("id"), run.id},
            {QStringLiteral("name"), run.name},
            {QStringLiteral("created"), run.created}};
}

} // namespace

RunInfo findRun(const Project &project, const QString &nameOrId)
{
    const QList<RunInfo> runs = project.runs();
    QStringList names;
    for (const RunInfo &run : runs) {
        if (run.name == nameOrId || QString::number(run.id) == nameOrId)
            return run;
        names << QStringLiteral("%1 (%2)").arg(run.name).arg(run.id);
    }
    throw Error(QStringLiteral("%1: no run named \"%2\"; the project has %3")
                    .arg(project.fileName(), nameOrId,
                         names.isEmpty() ? QStringLiteral("no runs") : names.join(QStringLiteral(", "))));
}

RunComparison RunComparison::compute(Project &project, int before, int after)
{
    RunComparison comparison;
    comparison.before = findRun(project, QString::number(before));
    comparison.after = findRun(project, QString::number(after));
    const SampleTable tableBefore = loadSampleTable(project, before);
    const SampleTable tableAfter = loadSampleTable(project, after);
    comparison.reportBefore = ClassificationReport::compute(tableBefore);
    comparison.reportAfter = ClassificationReport::compute(tableAfter);
    const AnalysisResults analysisBefore = AnalysisResults::load(project, before, tableBefore.size());
    const AnalysisResults analysisAfter = AnalysisResults::load(project, after, tableAfter.size());
    comparison.clusters = clusterDeltas(analysisBefore, tableBefore, tableAfter);
    comparison.slices = sliceDeltas(project, analysisBefore, tableBefore, tableAfter);
    findChangedSamples(tableBefore, tableAfter, comparison);
    compareIssues(analysisBefore, analysisAfter, comparison);
    return comparison;
}

QJsonObject RunComparison::toJson(const StringColumn &ids, int sampleLimit) const
{
    QJsonArray classes;
    for (size_t c = 0; c < reportBefore.perClass.size() && c < reportAfter.perClass.size(); ++c) {
        const ClassMetrics &b = reportBefore.perClass[c];
        const ClassMetrics &a = reportAfter.perClass[c];
        classes.append(QJsonObject{{QStringLiteral("class"), b.name},
                                   {QStringLiteral("support"), b.support},
                                   {QStringLiteral("precision_before"), b.precision},
                                   {QStringLiteral("precision_after"), a.precision},
                                   {QStringLiteral("recall_before"), b.recall},
                                   {QStringLiteral("recall_after"), a.recall},
                                   {QStringLiteral("f1_before"), b.f1},
                                   {QStringLiteral("f1_after"), a.f1}});
    }
    QJsonObject json{
        {QStringLiteral("before"), runJson(before)},
        {QStringLiteral("after"), runJson(after)},
        {QStringLiteral("accuracy_before"), reportBefore.accuracy},
        {QStringLiteral("accuracy_after"), reportAfter.accuracy},
        {QStringLiteral("macro_f1_before"), reportBefore.macroF1},
        {QStringLiteral("macro_f1_after"), reportAfter.macroF1},
        {QStringLiteral("samples"), reportBefore.samples},
        {QStringLiteral("classes"), classes},
        {QStringLiteral("clusters"), groupsJson(clusters)},
        {QStringLiteral("slices"), groupsJson(slices)},
        {QStringLiteral("fixed_count"), qint64(fixed.size())},
        {QStringLiteral("regressed_count"), qint64(regressed.size())},
        {QStringLiteral("fixed"), sampleIds(fixed, ids, sampleLimit)},
        {QStringLiteral("regressed"), sampleIds(regressed, ids, sampleLimit)},
    };
    if (issuesBefore >= 0)
        json.insert(QStringLiteral("label_issues_before"), issuesBefore);
    if (issuesAfter >= 0)
        json.insert(QStringLiteral("label_issues_after"), issuesAfter);
    if (issuesBefore >= 0 && issuesAfter >= 0) {
        json.insert(QStringLiteral("label_issues_resolved_count"), qint64(issuesResolved.size()));
        json.insert(QStringLiteral("label_issues_resolved"), sampleIds(issuesResolved, ids, sampleLimit));
    }
    return json;
}

} // namespace loupe
