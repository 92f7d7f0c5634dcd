#include "analysis/steps/mapclustersstep.h"

#include "analysis/clustering/densityclustering.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "storage/project.h"

#include <QJsonArray>

namespace loupe {

ClusterStep::Clustering MapClustersStep::cluster(AnalysisContext &context, Progress &progress) const
{
    if (context.map().empty())
        return {{}, {}, QStringLiteral("no 2-D map")};
    progress.setStep(QStringLiteral("Clustering the map (HDBSCAN)"));
    const DensityClusteringResult result =
        DensityClustering().run(context.map().data(), context.samples(), progress);
    return {result.labels,
            {{QStringLiteral("noise"), result.noise},
             {QStringLiteral("min_cluster_size"), result.minClusterSize}},
            {}};
}

void MapClustersStep::loadResults(const RunScope &run, AnalysisResults &results) const
{
    MapClusters clusters;
    loadClusters(run, clusters);
    results.put(std::move(clusters));
}

void MapClustersStep::refreshResults(const RunScope &run, const std::vector<qint64> &,
                                     AnalysisResults &results) const
{
    if (MapClusters *clusters = results.find<MapClusters>())
        clusters->clusters = AnalysisStore(run.project.database()).clusters(run.runId, methodName());
}

void MapClustersStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    QJsonObject clusters = report.value(QStringLiteral("clusters")).toObject();
    clusters.insert(QStringLiteral("density"),
                    clustersJson(context.analysis.get<MapClusters>().clusters, context.table.classNames));
    report.insert(QStringLiteral("clusters"), clusters);
}

} // namespace loupe
