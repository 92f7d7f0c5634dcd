#pragma once

#include "analysis/pipeline/analysisstep.h"

#include <vector>

namespace loupe {

/** Per-sample results of the duplicates step. */
struct DuplicateResults final : StepResults
{
    std::vector<float> outlierScore; // kNN distance based; NaN unknown; empty when not run
};

/**
 * Duplicates and leaks (identical pixels, near-duplicates in embedding space, pairs across
 * splits), outliers by the distance to their k-th neighbour, and broken images
 * (`duplicate_pairs`, `image_problems`, sample_analysis.outlier_score).
 */
class DuplicatesStep final : public AnalysisStep
{
public:
    QString name() const override { return QStringLiteral("duplicates"); }
    StepDataSet needs() const override
    {
        return StepData::Embeddings | StepData::KnnGraph | StepData::ImagePaths;
    }
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
    void loadResults(const RunScope &run, AnalysisResults &results) const override;
    void addReportJson(const ReportContext &context, QJsonObject &report) const override;
    QString reportText(const ReportContext &context) const override;
    int reportOrder() const override { return 70; }
};

} // namespace loupe
