#include "report/reportjson.h"

#include "analysis/pipeline/analysisregistry.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/analysisstep.h"
#include "analysis/pipeline/reportcontext.h"
#include "analysis/steps/labelissuesstep.h"
#include "dataset/samplecounts.h"
#include "dataset/sampletable.h"
#include "metrics/classificationreport.h"
#include "storage/project.h"

#include <QJsonArray>

namespace loupe {

namespace {

QJsonObject countsJson(const SampleCounts &counts)
{
    QJsonObject json{
        {QStringLiteral("samples"), counts.samples},     {QStringLiteral("labelled"), counts.labelled},
        {QStringLiteral("unlabeled"), counts.unlabeled}, {QStringLiteral("excluded"), counts.excluded},
        {QStringLiteral("evaluated"), counts.evaluated}, {QStringLiteral("errors"), counts.errors},
        {QStringLiteral("edited"), counts.edited},       {QStringLiteral("reviewed"), counts.reviewed}};
    json.insert(QStringLiteral("flagged"), counts.flagged >= 0 ? QJsonValue(counts.flagged) : QJsonValue());
    return json;
}

} // namespace

QJsonObject reportJson(Project &project, const SampleTable &table)
{
    AnalysisResults analysis;
    if (table.hasPredictions())
        analysis = AnalysisResults::load(project, table.runId, table.size());
    const ClassificationReport overall = ClassificationReport::compute(table);
    const SampleCounts counts = SampleCounts::of(table, analysis.get<LabelIssueResults>().isIssue);
    QJsonObject json = overall.toJson();
    json.remove(QStringLiteral("scope"));
    json.insert(QStringLiteral("project"), project.path());
    json.insert(QStringLiteral("samples"), table.size());
    json.insert(QStringLiteral("evaluated_samples"), overall.samples);
    json.insert(QStringLiteral("classes"), QJsonArray::fromStringList(table.classNames));
    json.insert(QStringLiteral("edited_labels"), counts.edited);
    json.insert(QStringLiteral("counts"), countsJson(counts));
    QString runName;
    for (const RunInfo &run : project.runs()) {
        if (run.id == table.runId)
            runName = run.name;
    }
    json.insert(QStringLiteral("run"), table.hasPredictions() ? QJsonValue(runName) : QJsonValue());
    QJsonArray splits;
    for (int s = 0; s < table.splitNames.size(); ++s)
        splits.append(ClassificationReport::compute(table, s).toJson());
    json.insert(QStringLiteral("splits"), splits);
    if (!table.hasPredictions())
        return json;
    const ReportContext context{project, table, analysis};
    for (const AnalysisStep *step : analysisSteps())
        step->addReportJson(context, json);
    return json;
}

} // namespace loupe
