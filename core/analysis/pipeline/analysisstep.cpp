#include "analysis/pipeline/analysisstep.h"

namespace loupe {

void AnalysisStep::loadResults(const RunScope &, AnalysisResults &) const {}

void AnalysisStep::refreshResults(const RunScope &, const std::vector<qint64> &, AnalysisResults &) const {}

std::unique_ptr<StepEditHook> AnalysisStep::editHook(Project &) const
{
    return nullptr;
}

void AnalysisStep::addReportJson(const ReportContext &, QJsonObject &) const {}

QString AnalysisStep::reportText(const ReportContext &) const
{
    return {};
}

AnalysisStep::HtmlSection AnalysisStep::htmlSection() const
{
    return {};
}

void AnalysisStep::writeHtml(const ReportContext &, HtmlReportWriter &, Progress &) const {}

} // namespace loupe
