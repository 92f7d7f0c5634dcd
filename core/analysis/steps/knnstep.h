#pragma once

#include "analysis/pipeline/analysisstep.h"

namespace loupe {

/**
 * The all-points nearest-neighbour graph of the run's embeddings (k = options.neighbors),
 * stored as the run's knn_indices and knn_distances arrays: the label issues' neighbour
 * vote, the map, the outliers and near-duplicates, and the sample details' neighbours use it.
 */
class KnnStep final : public AnalysisStep
{
public:
    QString name() const override { return QStringLiteral("knn"); }
    StepDataSet needs() const override { return StepData::Embeddings; }
    StepDataSet provides() const override { return StepData::KnnGraph; }
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
};

} // namespace loupe
