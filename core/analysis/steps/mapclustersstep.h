#pragma once

#include "analysis/steps/clusterstep.h"

namespace loupe {

/** The density clusters of a run's 2-D map. */
struct MapClusters final : ClusterResults
{
};

/**
 * Failure clusters on the 2-D map: HDBSCAN on the map's points, ranked like the k-means
 * clusters (sample_analysis.map_cluster, and `clusters` rows with method "density").
 */
class MapClustersStep final : public ClusterStepFor<MapClusters>
{
public:
    QString name() const override { return QStringLiteral("map_clusters"); }
    StepDataSet needs() const override { return StepData::Map; }

protected:
    QString methodName() const override { return QStringLiteral("density"); }
    QString columnName() const override { return QStringLiteral("map_cluster"); }
    Clustering cluster(AnalysisContext &context, Progress &progress) const override;
};

} // namespace loupe
