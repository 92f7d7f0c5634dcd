#pragma once

#include "analysis/steps/clusterstep.h"

namespace loupe {

/** The k-means failure clusters of a run's embeddings. */
struct EmbeddingClusters final : ClusterResults
{
};

/**
 * Failure clusters in embedding space: k-means (k-means++, automatic k) on the run's
 * embeddings, ranked by errors beyond their class mix (sample_analysis.cluster, and
 * `clusters` rows with method "kmeans").
 */
class KMeansStep final : public ClusterStepFor<EmbeddingClusters>
{
public:
    QString name() const override { return QStringLiteral("kmeans"); }
    StepDataSet needs() const override { return StepData::Embeddings; }
    QString reportText(const ReportContext &context) const override;
    int reportOrder() const override { return 40; }
    HtmlSection htmlSection() const override;
    void writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const override;

protected:
    QString methodName() const override { return QStringLiteral("kmeans"); }
    QString columnName() const override { return QStringLiteral("cluster"); }
    Clustering cluster(AnalysisContext &context, Progress &progress) const override;
};

} // namespace loupe
