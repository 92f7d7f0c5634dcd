#include "analysis/steps/knnstep.h"

#include "analysis/neighbours/nearestneighbors.h"
#include "analysis/pipeline/analysiscontext.h"
#include "common/progress.h"
#include "storage/runarrays.h"

namespace loupe {

QJsonObject KnnStep::run(AnalysisContext &context, Progress &progress) const
{
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
