#pragma once

#include "analysis/pipeline/analysisstep.h"

#include <QString>

namespace loupe {

/** The run's fit diagnosis. */
struct DiagnosisResults final : StepResults
{
    QString sentence; // the diagnosis in one sentence, or empty when not run
};

/**
 * The fit diagnosis (FitDiagnosis): per-split accuracy and loss, the train/validation gap and
 * the learning curve, in one sentence with its numbers.
 */
class DiagnosisStep final : public AnalysisStep
{
public:
    QString name() const override { return QStringLiteral("diagnosis"); }
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
    void loadResults(const RunScope &run, AnalysisResults &results) const override;
    void addReportJson(const ReportContext &context, QJsonObject &report) const override;
    QString reportText(const ReportContext &context) const override;
    int reportOrder() const override { return 10; }
    HtmlSection htmlSection() const override;
    void writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &progress) const override;
};

} // namespace loupe
