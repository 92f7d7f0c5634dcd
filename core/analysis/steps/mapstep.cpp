#include "analysis/steps/mapstep.h"

#include "analysis/maps/embeddingquality.h"
#include "analysis/maps/umap.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/progress.h"
#include "storage/project.h"
#include "storage/runarrays.h"

namespace loupe {

QJsonObject MapStep::run(AnalysisContext &context, Progress &progress) const
{
    if (context.mapIsImported())
        return {{QStringLiteral("source"), QStringLiteral("coords.npy (imported)")}};
    if (!context.hasEmbeddings())
        return {{QStringLiteral("skipped"), QStringLiteral("the run has no embeddings")}};
    progress.setStep(QStringLiteral("Computing the UMAP map"));
    const UmapParams &params = context.options().umap;
    const qint64 n = context.samples();
    // Fitted on a sample, UMAP searches the sample itself and never reads the knn graph:
    // drop it for the step (it is stored in the project) to lower the step's peak memory.
    const bool sampled = params.fitSampleSize > 0 && n > params.fitSampleSize;
    const bool reloadGraph = sampled && context.graph();
    if (reloadGraph)
        context.releaseGraph();
    const UmapResult umap =
        computeUmap(context.embeddings().data(), n, context.dimensions(), params, context.graph(), progress);
    context.setMap(umap.coordinates);
    context.arrays().write(RunArray::UmapCoords, context.map(), 2, &progress);
    progress.setStep(QStringLiteral("Measuring the map's quality"));
    const EmbeddingQuality quality = measureEmbeddingQuality(
        context.embeddings().data(), n, context.dimensions(), context.map().data(), 2, {}, progress);
    if (reloadGraph)
        context.reloadGraph();
    return {{QStringLiteral("source"), QStringLiteral("umap")},
            {QStringLiteral("epochs"), umap.epochs},
            {QStringLiteral("fitted_rows"), umap.fittedRows},
            {QStringLiteral("trustworthiness"), quality.trustworthiness},
            {QStringLiteral("quality_rows"), quality.measuredRows},
            {QStringLiteral("knn_recall"), quality.knnRecall}};
}

void MapStep::loadResults(const RunScope &run, AnalysisResults &results) const
{
    const RunArrays arrays(run.project.database(), run.runId);
    MapResults map;
    if (const auto array = arrays.mapArray(run.samples)) {
        map.coordinates = arrays.read(*array);
        map.source = RunArrays::name(*array);
    }
    results.put(std::move(map));
}

void MapStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    report.insert(QStringLiteral("map"), context.stepSummary(name()).value_or(QJsonObject()));
}

} // namespace loupe
