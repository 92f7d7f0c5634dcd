#include "analysis/steps/diagnosisstep.h"

#include "analysis/pipeline/analysiscontext.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/htmlreportwriter.h"
#include "analysis/pipeline/reportcontext.h"
#include "analysis/quality/fitdiagnosis.h"
#include "common/progress.h"
#include "formats/htmldocument.h"
#include "metrics/classificationreport.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/traininghistory.h"

namespace loupe {

QJsonObject DiagnosisStep::run(AnalysisContext &context, Progress &progress) const
{
    progress.setStep(QStringLiteral("Diagnosing the fit"));
    const SampleTable &table = context.table();
    std::vector<SplitFit> splits;
    for (int s = 0; s < table.splitNames.size(); ++s) {
        const ClassificationReport report = ClassificationReport::compute(table, s);
        splits.push_back({table.splitNames.at(s), report.samples, report.accuracy, report.meanLoss});
    }
    const FitDiagnosis diagnosis =
        FitDiagnosis::compute(splits, readTrainingHistory(context.project(), context.runId()));
    return diagnosis.toJson();
}

void DiagnosisStep::loadResults(const RunScope &run, AnalysisResults &results) const
{
    DiagnosisResults diagnosis;
    if (const auto summary = AnalysisStore(run.project.database()).stepSummary(run.runId, name()))
        diagnosis.sentence = summary->value(QStringLiteral("sentence")).toString();
    results.put(std::move(diagnosis));
}

void DiagnosisStep::addReportJson(const ReportContext &context, QJsonObject &report) const
{
    report.insert(QStringLiteral("diagnosis"), context.stepSummary(name()).value_or(QJsonObject()));
}

QString DiagnosisStep::reportText(const ReportContext &context) const
{
    const auto diagnosis = context.stepSummary(name());
    if (!diagnosis)
        return {};
    return QStringLiteral("\nDiagnosis: ") + diagnosis->value(QStringLiteral("sentence")).toString() +
           QLatin1Char('\n');
}

AnalysisStep::HtmlSection DiagnosisStep::htmlSection() const
{
    return {QStringLiteral("diagnosis"), QStringLiteral("Diagnosis")};
}

void DiagnosisStep::writeHtml(const ReportContext &context, HtmlReportWriter &writer, Progress &) const
{
    HtmlDocument &doc = writer.document();
    const QString &sentence = context.analysis.get<DiagnosisResults>().sentence;
    doc.beginSection(QStringLiteral("diagnosis"));
    doc.heading(2, QStringLiteral("Fit diagnosis"));
    if (sentence.isEmpty())
        doc.paragraph(QStringLiteral("Not analysed yet: run `loupe-cli analyze` for the diagnosis."),
                      QStringLiteral("note"));
    else
        doc.paragraph(sentence, QStringLiteral("diagnosis"));
    doc.endSection();
}

} // namespace loupe
