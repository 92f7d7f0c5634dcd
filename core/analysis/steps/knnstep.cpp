#include "analysis/steps/knnstep.h"

#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/pipeline/analysiscontext.h"
#include "common/progress.h"
#include "storage/runarrays.h"

namespace loupe {

QJsonObject KnnStep::run(AnalysisContext &context, Progress &progress) const
{
    // A graph computed elsewhere (docs/scale.md) is the graph: nothing to compute or store.
    if (context.arrays().hasImportedKnnGraph()) {
        context.reloadGraph();
        if (!context.graph())
            return {{QStringLiteral("skipped"),
                     QStringLiteral("knn_indices.npy does not have a row per sample")}};
        return {{QStringLiteral("k"), context.graph()->k},
                {QStringLiteral("source"), QStringLiteral("knn_indices.npy (imported)")}};
    }
    if (!context.hasEmbeddings())
        return {{QStringLiteral("skipped"), QStringLiteral("the run has no embeddings")}};
    progress.setStep(QStringLiteral("Finding nearest neighbours"));
    const AnalysisOptions &options = context.options();
    context.setGraph(allNearestNeighbors(context.embeddings().data(), context.samples(), context.dimensions(),
                                         options.neighbors, options.knn, progress));
    context.arrays().writeKnnGraph(*context.graph(), &progress);
    return {{QStringLiteral("k"), context.graph()->k},
            {QStringLiteral("exact"), context.samples() <= options.knn.exactMaxRows}};
}

} // namespace loupe
