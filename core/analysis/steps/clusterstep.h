#pragma once

#include "analysis/pipeline/analysisstep.h"
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

    /** Reads the step's stored clustering into results. */
    void loadClusters(const RunScope &run, ClusterResults &results) const;
    /** The clusters JSON array of `report --json` (the 20 most severe). */
    static QJsonArray clustersJson(const std::vector<ClusterRecord> &clusters, const QStringList &classes);
};

} // namespace loupe
