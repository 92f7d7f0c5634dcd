#include "analysis/steps/clusterstep.h"

#include "analysis/clustering/clusterreport.h"
#include "analysis/pipeline/analysiscontext.h"
#include "dataset/sampletable.h"
#include "storage/project.h"
#include "storage/samplestatereader.h"
#include "storage/sqlitedatabase.h"

#include <QJsonArray>

#include <algorithm>

namespace loupe {

namespace {

std::vector<ClusterRecord> clusterRecords(const ClusterReport &report)
{
    std::vector<ClusterRecord> records;
    for (const ClusterStats &c : report.clusters) {
        records.push_back({c.cluster, c.size, c.evaluated, c.errors, c.errorRate, c.expectedErrors,
                           c.meanLoss, c.severity, c.pValue, c.dominantLabel, c.dominantLabelShare,
                           c.dominantPredicted, c.dominantPredictedShare});
    }
    return records;
}

QJsonObject clusterJson(const ClusterRecord &c, const QStringList &classes)
{
    return {{QStringLiteral("cluster"), c.cluster},
            {QStringLiteral("size"), c.size},
            {QStringLiteral("errors"), c.errors},
            {QStringLiteral("error_rate"), c.errorRate},
            {QStringLiteral("expected_errors"), c.expectedErrors},
            {QStringLiteral("mean_loss"), c.meanLoss},
            {QStringLiteral("severity"), c.severity},
            {QStringLiteral("p_value"), c.pValue},
            {QStringLiteral("dominant_label"), classes.value(c.dominantLabel)},
            {QStringLiteral("dominant_label_share"), c.dominantLabelShare},
            {QStringLiteral("dominant_predicted"), classes.value(c.dominantPredicted)},
            {QStringLiteral("dominant_predicted_share"), c.dominantPredictedShare}};
}

/**
 * Keeps a clustering's counts current: an edited sample may move between its cluster's
 * errors and successes, or into or out of its evaluated members (a label set or cleared,
 * an exclusion), in every run that has the clustering. Rankings wait for the next analysis.
 */
class ClusterEditHook final : public StepEditHook
{
public:
    ClusterEditHook(Project &project, QString method, QString column)
        : m_project(project), m_method(std::move(method)), m_column(std::move(column))
    {
        for (const RunInfo &run : project.runs())
            m_runs.push_back(run.id);
    }

    void beforeChange(qint64 sample) override
    {
        m_before.clear();
        for (const int run : m_runs)
            m_before.push_back(readSampleState(m_project.database(), run, sample));
    }

    void afterChange(qint64 sample) override
    {
        SqliteDatabase &db = m_project.database();
        auto update = db.prepare(
            QStringLiteral(
                "UPDATE clusters SET labelled = labelled + ?1, errors = errors + ?2, error_rate = CASE "
                "WHEN labelled + ?1 > 0 THEN CAST(errors + ?2 AS REAL) / (labelled + ?1) END "
                "WHERE run_id = ?3 AND method = ?4 AND cluster = (SELECT %1 FROM sample_analysis "
                "WHERE run_id = ?3 AND sample_index = ?5)")
                .arg(m_column));
        for (size_t r = 0; r < m_runs.size() && r < m_before.size(); ++r) {
            const SampleState after = readSampleState(db, m_runs[r], sample);
            const int evaluatedDelta = int(after.isEvaluated()) - int(m_before[r].isEvaluated());
            const int errorDelta = int(after.isError()) - int(m_before[r].isError());
            if (evaluatedDelta == 0 && errorDelta == 0)
                continue;
            update.bind(1, evaluatedDelta).bind(2, errorDelta).bind(3, m_runs[r]).bind(4, m_method);
            update.bind(5, sample).execute();
        }
    }

    void finish(std::vector<qint64> &) override {}

private:
    Project &m_project;
    QString m_method;
    QString m_column;
    std::vector<int> m_runs;
    std::vector<SampleState> m_before; // per run, of the sample being changed
};

} // namespace

std::vector<qint64> ClusterResults::members(int cluster) const
{
    std::vector<qint64> result;
    for (size_t i = 0; i < assignment.size(); ++i) {
        if (assignment[i] == cluster)
            result.push_back(qint64(i));
    }
    return result;
}

QJsonObject ClusterStep::run(AnalysisContext &context, Progress &progress) const
{
    const Clustering clustering = cluster(context, progress);
    if (!clustering.skipped.isEmpty())
        return {{QStringLiteral("skipped"), clustering.skipped}};
    const ClusterReport report = ClusterReport::compute(clustering.assignment, context.table());
    AnalysisStore store(context.project().database());
    store.writeSampleColumn(context.runId(), columnName(), clustering.assignment, 0);
    store.writeClusters(context.runId(), methodName(), clusterRecords(report));
    QJsonObject summary = clustering.summary;
    summary.insert(QStringLiteral("clusters"), qint64(report.clusters.size()));
    summary.insert(QStringLiteral("significant"),
                   qint64(std::count_if(report.clusters.begin(), report.clusters.end(),
                                        [](const ClusterStats &c) { return c.significant; })));
    return summary;
}

std::unique_ptr<StepEditHook> ClusterStep::editHook(Project &project) const
{
    return std::make_unique<ClusterEditHook>(project, methodName(), columnName());
}

void ClusterStep::loadClusters(const RunScope &run, ClusterResults &results) const
{
    AnalysisStore store(run.project.database());
    results.assignment = store.readSampleIntColumn(run.runId, columnName(), run.samples);
    if (std::all_of(results.assignment.begin(), results.assignment.end(), [](int c) { return c < 0; }))
        results.assignment.clear();
    results.clusters = store.clusters(run.runId, methodName());
}

void ClusterStep::refreshClusters(const RunScope &run, ClusterResults &results) const
{
    results.clusters = AnalysisStore(run.project.database()).clusters(run.runId, methodName());
}

void ClusterStep::addClustersJson(const std::vector<ClusterRecord> &clusters, const QStringList &classes,
                                  QJsonObject &report) const
{
    QJsonArray array;
    for (size_t i = 0; i < clusters.size() && i < 20; ++i)
        array.append(clusterJson(clusters[i], classes));
    QJsonObject all = report.value(QStringLiteral("clusters")).toObject();
    all.insert(methodName(), array);
    report.insert(QStringLiteral("clusters"), all);
}

} // namespace loupe
