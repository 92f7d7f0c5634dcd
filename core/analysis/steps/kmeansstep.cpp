#include "analysis/steps/kmeansstep.h"

#include "analysis/clustering/kmeans.h"
#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/progress.h"

namespace loupe {

ClusterStep::Clustering KMeansStep::cluster(AnalysisContext &context, Progress &progress) const
{
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
