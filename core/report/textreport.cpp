#include "report/textreport.h"

#include "analysis/pipeline/analysisregistry.h"
#include "analysis/pipeline/analysisresults.h"
#include "analysis/pipeline/analysisstep.h"
#include "analysis/pipeline/reportcontext.h"
#include "common/numberformat.h"
#include "dataset/samplecounts.h"
#include "dataset/sampletable.h"
#include "metrics/classificationreport.h"
#include "storage/project.h"

#include <algorithm>

namespace loupe {

namespace {

QString formatReport(const ClassificationReport &report)
{
    int width = 12;
    for (const ClassMetrics &metrics : report.perClass)
        width = std::max(width, int(metrics.name.size()) + 2);
    QString text = QStringLiteral("%1 samples, accuracy %2, mean loss %3\n")
                       .arg(report.samples)
                       .arg(format::percent(report.accuracy, 2))
                       .arg(report.meanLoss, 0, 'f', 4);
    text += QStringLiteral("%1 %2 %3 %4 %5\n")
                .arg(QStringLiteral("class"), -width)
                .arg(QStringLiteral("precision"), 9)
                .arg(QStringLiteral("recall"), 9)
                .arg(QStringLiteral("f1"), 9)
                .arg(QStringLiteral("support"), 9);
    const auto row = [&](const QString &name, double p, double r, double f1, qint64 support) {
        return QStringLiteral("%1 %2 %3 %4 %5\n")
            .arg(name, -width)
            .arg(p, 9, 'f', 4)
            .arg(r, 9, 'f', 4)
            .arg(f1, 9, 'f', 4)
            .arg(support, 9);
    };
    for (const ClassMetrics &m : report.perClass)
        text += row(m.name, m.precision, m.recall, m.f1, m.support);
    text += row(QStringLiteral("macro avg"), report.macroPrecision, report.macroRecall, report.macroF1,
                report.samples);
    text += row(QStringLiteral("weighted avg"), report.weightedPrecision, report.weightedRecall,
                report.weightedF1, report.samples);
    return text;
}

QString formatConfusion(const ClassificationReport &report)
{
    QString text = QStringLiteral("Confusion matrix (rows: given label, columns: predicted)\n");
    const auto c = report.perClass.size();
    text += QStringLiteral("%1").arg(QString(), 14);
    for (size_t j = 0; j < c; ++j)
        text += QStringLiteral(" %1").arg(report.perClass[j].name.left(7), 7);
    text += QLatin1Char('\n');
    for (size_t i = 0; i < c; ++i) {
        text += QStringLiteral("%1").arg(report.perClass[i].name.left(14), -14);
        for (size_t j = 0; j < c; ++j)
            text += QStringLiteral(" %1").arg(report.confusion[i][j], 7);
        text += QLatin1Char('\n');
    }
    return text;
}

QString formatAnalysis(Project &project, const SampleTable &table)
{
    const AnalysisResults analysis = AnalysisResults::load(project, table.runId, table.size());
    const ReportContext context{project, table, analysis};
    std::vector<const AnalysisStep *> steps = analysisSteps();
    std::stable_sort(steps.begin(), steps.end(), [](const AnalysisStep *a, const AnalysisStep *b) {
        return a->reportOrder() < b->reportOrder();
    });
    QString text;
    for (const AnalysisStep *step : steps)
        text += step->reportText(context);
    if (text.isEmpty())
        text = QStringLiteral("\nNo analysis yet: run `loupe-cli analyze %1`.\n").arg(project.fileName());
    return text;
}

} // namespace

QString textReport(Project &project, const SampleTable &table)
{
    const SampleCounts counts = SampleCounts::of(table);
    QString text = QStringLiteral("%1: %2 samples, %3 classes, %4 edited labels\n")
                       .arg(project.fileName())
                       .arg(table.size())
                       .arg(table.classNames.size())
                       .arg(counts.edited);
    if (!table.hasPredictions())
        return text + QStringLiteral("No predictions yet: import predictions.npy or logits.npy.\n");
    const ClassificationReport overall = ClassificationReport::compute(table);
    text += QStringLiteral("\nAll samples: ") + formatReport(overall) + QLatin1Char('\n') +
            formatConfusion(overall);
    for (int s = 0; s < table.splitNames.size(); ++s)
        text += QStringLiteral("\nSplit %1: ").arg(table.splitNames.at(s)) +
                formatReport(ClassificationReport::compute(table, s));
    return text + formatAnalysis(project, table);
}

} // namespace loupe
