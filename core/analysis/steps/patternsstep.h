#pragma once

#include "analysis/steps/clusterstep.h"

namespace loupe {

/** The failure patterns across classes of a run. */
struct FailurePatterns final : ClusterResults
{
};

/**
 * Failure patterns that cut across classes (ResidualPatterns: k-means on what is left of
 * each embedding once its class is removed, groups spread over classes kept), ranked by
 * how much worse than their class mix their members fare (ClusterRanking::ExcessRate), and
 * described by the metadata
 * and image statistics that set them apart (sample_analysis.pattern, `clusters` rows with
 * method "pattern"). One condition shared by many classes comes out as one pattern instead
 * of one cluster per class.
 */
class PatternsStep final : public ClusterStepFor<FailurePatterns>
{
public:
    QString name() const override { return QStringLiteral("patterns"); }
    StepDataSet needs() const override { return StepData::Embeddings; }
    QString reportText(const ReportContext &context) const override;
    int reportOrder() const override { return 35; }
    HtmlSection htmlSection() const override;
    void writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const override;

protected:
    QString methodName() const override { return QStringLiteral("pattern"); }
    QString columnName() const override { return QStringLiteral("pattern"); }
    Clustering cluster(AnalysisContext &context, Progress &progress) const override;
    /**
     * Per member, not in total: the patterns are a few groups that together hold every sample,
     * so a wide group collects many errors by its size alone, while a condition is as bad as
     * what it does to each image it touches (README, "Failure patterns on planted degradations").
     */
    ClusterRanking ranking() const override { return ClusterRanking::ExcessRate; }
};

} // namespace loupe
