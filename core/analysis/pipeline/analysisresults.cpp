#include "analysis/pipeline/analysisresults.h"

#include "storage/arraystore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/traininghistory.h"

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

bool anyFinite(const std::vector<float> &values)
{
    return std::any_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

bool anySet(const std::vector<int> &values, int unset)
{
    return std::any_of(values.begin(), values.end(), [unset](int v) { return v != unset; });
}

/** Empties a column that no step has written, so that callers can test for "not computed". */
template<typename T, typename Predicate> void dropIfUnset(std::vector<T> &values, Predicate isSet)
{
    if (!isSet(values))
        values.clear();
}

void loadMap(Project &project, int runId, qint64 samples, AnalysisResults &results)
{
    ArrayStore arrays(project.database());
    for (const QString &name : {QStringLiteral("coords"), QStringLiteral("umap")}) {
        const auto shape = arrays.shape(runId, name);
        if (shape && shape->rows == samples && shape->cols == 2) {
            results.map = arrays.readAll(runId, name);
            results.mapSource = name;
            return;
        }
    }
}

} // namespace

AnalysisResults AnalysisResults::load(Project &project, int runId, qint64 samples)
{
    AnalysisResults results;
    results.runId = runId;
    if (runId < 0)
        return results;
    AnalysisStore store(project.database());
    results.issueScore = store.readSampleColumn(runId, QStringLiteral("issue_score"), samples);
    dropIfUnset(results.issueScore, anyFinite);
    results.isIssue = store.readSampleIntColumn(runId, QStringLiteral("is_issue"), samples);
    dropIfUnset(results.isIssue, [](const auto &v) { return anySet(v, -1); });
    results.suggestedLabel = store.readSampleIntColumn(runId, QStringLiteral("suggested_label"), samples);
    results.outlierScore = store.readSampleColumn(runId, QStringLiteral("outlier_score"), samples);
    dropIfUnset(results.outlierScore, anyFinite);
    results.cluster = store.readSampleIntColumn(runId, QStringLiteral("cluster"), samples);
    dropIfUnset(results.cluster, [](const auto &v) { return anySet(v, -1); });
    results.mapCluster = store.readSampleIntColumn(runId, QStringLiteral("map_cluster"), samples);
    results.clusters = store.clusters(runId, QStringLiteral("kmeans"));
    results.mapClusters = store.clusters(runId, QStringLiteral("density"));
    results.slices = store.slices(runId);
    if (const auto summary = store.stepSummary(runId, QStringLiteral("diagnosis")))
        results.diagnosis = summary->value(QStringLiteral("sentence")).toString();
    results.history = readTrainingHistory(project, runId);
    loadMap(project, runId, samples, results);
    return results;
}

void AnalysisResults::refresh(Project &project, const std::vector<qint64> &samples)
{
    if (runId < 0)
        return;
    auto row = project.database().prepare(
        QStringLiteral("SELECT issue_score, is_issue, suggested_label FROM sample_analysis "
                       "WHERE run_id = ? AND sample_index = ?"));
    for (const qint64 sample : samples) {
        row.reset();
        row.bind(1, runId).bind(2, sample);
        if (!row.step())
            continue;
        const auto i = size_t(sample);
        if (i < issueScore.size())
            issueScore[i] = row.isNull(0) ? NAN : float(row.columnDouble(0));
        if (i < isIssue.size())
            isIssue[i] = row.isNull(1) ? -1 : row.columnInt(1);
        if (i < suggestedLabel.size())
            suggestedLabel[i] = row.isNull(2) ? -1 : row.columnInt(2);
    }
    AnalysisStore store(project.database());
    clusters = store.clusters(runId, QStringLiteral("kmeans"));
    mapClusters = store.clusters(runId, QStringLiteral("density"));
    slices = store.slices(runId);
}

} // namespace loupe
