#include "analysis/pipeline/analysisstep.h"

#include "storage/analysisstore.h"
#include "storage/project.h"

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

void AnalysisStep::start(AnalysisContext &, const Progress &) const {}

void AnalysisStep::writeHtml(const ReportContext &, HtmlReportWriter &, Progress &) const {}

std::vector<float> loadSampleColumn(const RunScope &run, const QString &column)
{
    if (run.prefetched) {
        const auto it = run.prefetched->find(column);
        if (it != run.prefetched->end())
            return std::move(it->second);
    }
    return AnalysisStore(run.project.database()).readSampleColumn(run.runId, column, run.samples);
}

std::vector<int> loadSampleIntColumn(const RunScope &run, const QString &column, int nullValue)
{
    if (run.prefetched) {
        const auto it = run.prefetched->find(column);
        if (it != run.prefetched->end())
            return AnalysisStore::integersOf(it->second, nullValue);
    }
    return AnalysisStore(run.project.database())
        .readSampleIntColumn(run.runId, column, run.samples, nullValue);
}

} // namespace loupe
