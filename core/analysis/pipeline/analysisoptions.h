#pragma once

#include "analysis/clustering/kmeans.h"
#include "analysis/clustering/residualpatterns.h"
#include "analysis/labels/labelissuefinder.h"
#include "analysis/maps/umap.h"
#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/quality/duplicatefinder.h"

#include <QStringList>

namespace loupe {

/**
 * What `loupe-cli analyze` and the app's Analyse action run, with every parameter
 * explicit. A step without parameters of its own needs nothing here.
 */
struct AnalysisOptions
{
    /** Names of the steps to run (they run in the registry's order); empty: every registered step. */
    QStringList steps;
    int runId = -1; // -1: the latest run
    /** Neighbours per sample in the stored kNN graph (the knn step). */
    int neighbors = 15;
    KnnParams knn;
    LabelIssueParams labelIssues;
    UmapParams umap;
    KMeansParams kmeans;
    ResidualPatternParams patterns;
    DuplicateParams duplicates;
};

} // namespace loupe
