#include "analysis/steps/kmeansstep.h"

#include "analysis/clustering/kmeans.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/progress.h"
#include "storage/runarrays.h"

#include <algorithm>
#include <set>

namespace loupe {

ClusterStep::Clustering KMeansStep::cluster(AnalysisContext &context, Progress &progress) const
{
    const RunArrays arrays = context.arrays();
    if (arrays.has(RunArray::ImportedClusters)) {
        // Clusters computed elsewhere (docs/scale.md): Loupe ranks them as it ranks its own.
        const std::vector<float> ids = arrays.read(RunArray::ImportedClusters);
        std::vector<int> assignment(ids.begin(), ids.end());
        const auto k = qint64(std::set<int>(assignment.begin(), assignment.end()).size()) -
                       (std::find(assignment.begin(), assignment.end(), -1) != assignment.end() ? 1 : 0);
        return {
            std::move(assignment),
            {{QStringLiteral("k"), k}, {QStringLiteral("source"), QStringLiteral("clusters.npy (imported)")}},
            {}};
    }
    if (!context.hasEmbeddings())
        return {{}, {}, QStringLiteral("the run has no embeddings")};
    progress.setStep(QStringLiteral("Clustering the embeddings (k-means)"));
    const KMeansResult result =
        KMeans(context.options().kmeans)
            .run(context.embeddings().data(), context.samples(), context.dimensions(), progress);
    return {result.labels, {{QStringLiteral("k"), result.k}}, {}};
}

QString KMeansStep::reportText(const ReportContext &context) const
{
    return clusterTableText(QStringLiteral("Most severe failure clusters (k-means on the embeddings)"),
                            context.analysis.get<EmbeddingClusters>().clusters, context.table.classNames);
}

AnalysisStep::HtmlSection KMeansStep::htmlSection() const
{
    return {QStringLiteral("clusters"), QStringLiteral("Failure clusters")};
}

void KMeansStep::writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const
{
    writeClusterSection(
        context, writer, progress, context.analysis.get<EmbeddingClusters>(),
        QStringLiteral("Groups of similar samples (k-means on the embeddings) where the model fails "
                       "more than their class mix predicts"));
}

} // namespace loupe
