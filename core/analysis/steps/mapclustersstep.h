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
class MapClustersStep final : public ClusterStep
{
public:
    QString name() const override { return QStringLiteral("map_clusters"); }
    StepDataSet needs() const override { return StepData::Map; }
    void loadResults(const RunScope &run, AnalysisResults &results) const override;
    void refreshResults(const RunScope &run, const std::vector<qint64> &samples,
                        AnalysisResults &results) const override;
    void addReportJson(const ReportContext &context, QJsonObject &report) const override;

protected:
    QString methodName() const override { return QStringLiteral("density"); }
    QString columnName() const override { return QStringLiteral("map_cluster"); }
    Clustering cluster(AnalysisContext &context, Progress &progress) const override;
};

} // namespace loupe
