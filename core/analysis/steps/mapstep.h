#pragma once

#include "analysis/pipeline/analysisstep.h"

#include <QString>

#include <vector>

namespace loupe {

/** The run's 2-D map: imported coordinates or the UMAP the analysis computed. */
struct MapResults final : StepResults
{
    std::vector<float> coordinates; // samples x 2, row-major; empty without a map
    QString source;                 // "coords" (imported), "umap" or empty

    bool hasMap() const { return !coordinates.empty(); }
};

/**
 * The 2-D map of the embeddings: UMAP (stored as the run's "umap" array, with its
 * trustworthiness measured), unless the run came with imported coordinates, which are
 * used as given.
 */
class MapStep final : public AnalysisStep
{
public:
    QString name() const override { return QStringLiteral("map"); }
    StepDataSet needs() const override { return StepData::Embeddings | StepData::KnnGraph; }
    StepDataSet provides() const override { return StepData::Map; }
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
    void loadResults(const RunScope &run, AnalysisResults &results) const override;
    void addReportJson(const ReportContext &context, QJsonObject &report) const override;
};

} // namespace loupe
