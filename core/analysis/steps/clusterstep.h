#pragma once

#include "analysis/clustering/clusterreport.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/analysisstep.h"
#include "analysis/pipeline/reportcontext.h"
#include "dataset/sampletable.h"
#include "storage/analysisstore.h"

#include <vector>

namespace loupe {

/** One clustering of a run: each sample's cluster and the clusters ranked by severity. */
struct ClusterResults : StepResults
{
    std::vector<int> assignment;         // per sample, -1 none (noise); empty when not run
    std::vector<ClusterRecord> clusters; // most severe first

    /** The members of cluster, ascending. */
    std::vector<qint64> members(int cluster) const;
};

/**
 * What the failure-cluster steps share: a clustering of the run's samples, ranked by
 * ClusterReport (errors beyond what each cluster's class mix predicts), stored as a
 * per-sample column of sample_analysis and as rows of `clusters` (method = methodName()).
 * Its edit hook moves an edited sample between its cluster's errors and successes.
 */
class ClusterStep : public AnalysisStep
{
public:
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
    std::unique_ptr<StepEditHook> editHook(Project &project) const override;

protected:
    /** `clusters.method`: "kmeans" or "density". */
    virtual QString methodName() const = 0;
    /** The sample_analysis column of the assignment: "cluster" or "map_cluster". */
    virtual QString columnName() const = 0;
    /** The assignment (one cluster per sample, -1 none), or nullopt with the reason the step skips. */
    struct Clustering
    {
        std::vector<int> assignment;
        QJsonObject summary; // what the clustering adds to the step's summary
        QString skipped;     // non-empty: the step did not run, and why
    };
    virtual Clustering cluster(AnalysisContext &context, Progress &progress) const = 0;
    /** What puts one cluster above another; by default the errors in excess of the class mix. */
    virtual ClusterRanking ranking() const { return ClusterRanking::ExcessErrors; }

    /** Reads the step's stored clustering into results. */
    void loadClusters(const RunScope &run, ClusterResults &results) const;
    /** Re-reads the ranked clusters (an edit changed their counts). */
    void refreshClusters(const RunScope &run, ClusterResults &results) const;
    /** The text report's table of the 10 most severe clusters (with their descriptions) under title. */
    static QString clusterTableText(const QString &title, const std::vector<ClusterRecord> &clusters,
                                    const QStringList &classNames);
    /** The HTML section (htmlSection()) of a clustering: intro, then the most severe clusters with their
     * worst errors. */
    void writeClusterSection(const ReportContext &context, HtmlReportWriter &writer, Progress &progress,
                             const ClusterResults &results, const QString &intro) const;
    /** Adds the 20 most severe clusters to `report --json` as clusters.<methodName()>. */
    void addClustersJson(const std::vector<ClusterRecord> &clusters, const QStringList &classes,
                         QJsonObject &report) const;
};

/** A ClusterStep whose results are of type Results (each clustering has its own, for AnalysisResults). */
template<typename Results> class ClusterStepFor : public ClusterStep
{
public:
    void loadResults(const RunScope &run, AnalysisResults &results) const override
    {
        Results clusters;
        loadClusters(run, clusters);
        results.put(std::move(clusters));
    }
    void refreshResults(const RunScope &run, const std::vector<qint64> &,
                        AnalysisResults &results) const override
    {
        if (Results *clusters = results.find<Results>())
            refreshClusters(run, *clusters);
    }
    void addReportJson(const ReportContext &context, QJsonObject &report) const override
    {
        addClustersJson(context.analysis.get<Results>().clusters, context.table.classNames, report);
    }
};

} // namespace loupe
