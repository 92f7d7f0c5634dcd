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

} // namespace loupe
