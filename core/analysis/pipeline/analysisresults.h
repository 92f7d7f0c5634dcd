#pragma once

#include "dataset/epochloss.h"
#include "storage/analysisstore.h"

#include <QString>

#include <vector>

namespace loupe {

class Project;

/**
 * What the analysis engine stored for one prediction run, loaded in one go for the
 * desktop panels: per-sample scores and cluster memberships, the 2-D map, and the
 * ranked clusters and slices. Per-sample vectors are empty when the step has not run.
 */
struct AnalysisResults
{
    int runId = -1;
    std::vector<float> issueScore;          // [0, 1]; NaN for unlabelled samples
    std::vector<int> isIssue;               // 1 flagged, 0 not, -1 unknown
    std::vector<int> suggestedLabel;        // class index, -1 none
    std::vector<float> outlierScore;        // kNN distance based; NaN unknown
    std::vector<int> cluster;               // k-means cluster, -1 none
    std::vector<int> mapCluster;            // density cluster of the map, -1 noise or none
    std::vector<float> map;                 // samples x 2 (imported coords, else UMAP); empty without a map
    QString mapSource;                      // "coords", "umap" or empty
    std::vector<ClusterRecord> clusters;    // k-means clusters, most severe first
    std::vector<ClusterRecord> mapClusters; // density clusters, most severe first
    std::vector<SliceRecord> slices;        // metadata slices, best ranked first
    QString diagnosis;                      // the fit diagnosis in one sentence, or empty
    std::vector<EpochLoss> history;         // the run's learning curve (history.csv), or empty

    bool hasMap() const { return !map.empty(); }
    bool hasIssueScores() const { return !issueScore.empty(); }

    /** Reads the results of runId for a project of `samples` samples; throws loupe::Error. */
    static AnalysisResults load(Project &project, int runId, qint64 samples);

    /**
     * Re-reads what a relabel of samples changed (AnalysisUpdater rewrites it in the edit's
     * transaction): their issue scores, flags and suggestions, and the cluster and slice
     * tables, without reloading every sample.
     */
    void refresh(Project &project, const std::vector<qint64> &samples);
};

} // namespace loupe
