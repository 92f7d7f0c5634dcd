#pragma once

#include "analysis/clustering/kmeans.h"
#include "analysis/labels/labelissuefinder.h"
#include "analysis/maps/umap.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/quality/duplicatefinder.h"

#include <QJsonObject>
#include <QStringList>

namespace loupe {

class Progress;
class Project;

/** What `loupe-cli analyze` and the app's Analyze action run, with every parameter explicit. */
struct AnalysisOptions
{
    /** Steps to run, in this order when present; empty: all of allSteps(). */
    QStringList steps;
    int runId = -1; // -1: the latest run
    int neighbors = 15;
    KnnParams knn;
    LabelIssueParams labelIssues;
    UmapParams umap;
    KMeansParams kmeans;
    DuplicateParams duplicates;

    static QStringList allSteps();
};

/** How long each step took, and the summaries they stored. */
struct AnalysisSummary
{
    int runId = -1;
    QStringList stepsRun;
    QJsonObject seconds;   // step -> seconds
    QJsonObject summaries; // step -> the summary stored in analysis_steps
};

/**
 * Runs the analysis engine over one prediction run and stores every result in the
 * project (docs/project-format.md): the kNN graph, label issues, the 2-D map (UMAP, or
 * coordinates imported with the run), k-means clusters of the embeddings, density
 * clusters of the map, metadata slices ranked by significance, duplicates and leaks, and the fit diagnosis.
 * Each step writes in its own transaction, so a cancelled run keeps the steps it finished.
 */
class AnalysisPipeline
{
public:
    explicit AnalysisPipeline(Project &project);

    AnalysisSummary run(const AnalysisOptions &options, Progress &progress);

private:
    Project &m_project;
};

} // namespace loupe
