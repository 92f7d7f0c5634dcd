#include "classificationreport.h"
#include "clisupport.h"
#include "commands.h"
#include "error.h"
#include "project.h"
#include "sampletable.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace loupe::cli {

namespace {

QString percent(double value)
{
    return QString::number(100.0 * value, 'f', 2) + QLatin1Char('%');
}

QString formatReport(const ClassificationReport &report)
{
    int width = 12;
    for (const ClassMetrics &metrics : report.perClass)
        width = std::max(width, int(metrics.name.size()) + 2);
    QString text = QStringLiteral("%1 samples, accuracy %2, mean loss %3\n")
                       .arg(report.samples)
                       .arg(percent(report.accuracy))
                       .arg(report.meanLoss, 0, 'f', 4);
    text += QStringLiteral("%1 %2 %3 %4 %5\n")
                .arg(QStringLiteral("class"), -width)
                .arg(QStringLiteral("precision"), 9)
                .arg(QStringLiteral("recall"), 9)
                .arg(QStringLiteral("f1"), 9)
                .arg(QStringLiteral("support"), 9);
    for (const ClassMetrics &m : report.perClass) {
        text += QStringLiteral("%1 %2 %3 %4 %5\n")
                    .arg(m.name, -width)
                    .arg(m.precision, 9, 'f', 4)
                    .arg(m.recall, 9, 'f', 4)
                    .arg(m.f1, 9, 'f', 4)
                    .arg(m.support, 9);
    }
    text += QStringLiteral("%1 %2 %3 %4 %5\n")
                .arg(QStringLiteral("macro avg"), -width)
                .arg(report.macroPrecision, 9, 'f', 4)
                .arg(report.macroRecall, 9, 'f', 4)
                .arg(report.macroF1, 9, 'f', 4)
                .arg(report.samples, 9);
    text += QStringLiteral("%1 %2 %3 %4 %5\n")
                .arg(QStringLiteral("weighted avg"), -width)
                .arg(report.weightedPrecision, 9, 'f', 4)
                .arg(report.weightedRecall, 9, 'f', 4)
                .arg(report.weightedF1, 9, 'f', 4)
                .arg(report.samples, 9);
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

qint64 editedCount(const SampleTable &table)
{
    qint64 edited = 0;
    for (qint64 i = 0; i < table.size(); ++i)
        edited += table.isEdited(i);
    return edited;
}

QJsonObject reportJson(Project &project, const SampleTable &table)
{
    const ClassificationReport overall = ClassificationReport::compute(table);
    QJsonObject json = overall.toJson();
    json.remove(QStringLiteral("scope"));
    json.insert(QStringLiteral("project"), project.path());
    json.insert(QStringLiteral("samples"), table.size());
    json.insert(QStringLiteral("evaluated_samples"), overall.samples);
    json.insert(QStringLiteral("classes"), QJsonArray::fromStringList(table.classNames));
    json.insert(QStringLiteral("edited_labels"), editedCount(table));
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
    return json;
}

} // namespace

int runReport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print the classification report and confusion matrix of a project, overall and per split."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("report"), arguments, 1, exitCode))
        return exitCode;
    try {
        auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
        const SampleTable table = SampleTable::load(*project);
        if (parser.isSet(QStringLiteral("json"))) {
            printOut(QString::fromUtf8(QJsonDocument(reportJson(*project, table)).toJson(QJsonDocument::Indented)));
            return Ok;
        }
        QString text = QStringLiteral("%1: %2 samples, %3 classes, %4 edited labels\n")
                           .arg(project->fileName())
                           .arg(table.size())
                           .arg(table.classNames.size())
                           .arg(editedCount(table));
        if (!table.hasPredictions()) {
            printOut(text + QStringLiteral("No predictions yet: import predictions.npy or logits.npy.\n"));
            return Ok;
        }
        const ClassificationReport overall = ClassificationReport::compute(table);
        text += QStringLiteral("\nAll samples: ") + formatReport(overall) + QLatin1Char('\n') + formatConfusion(overall);
        for (int s = 0; s < table.splitNames.size(); ++s)
            text += QStringLiteral("\nSplit %1: ").arg(table.splitNames.at(s)) +
                    formatReport(ClassificationReport::compute(table, s));
        printOut(text);
        return Ok;
    } catch (const Error &error) {
        printError(QStringLiteral("loupe-cli report: ") + error.message());
        return Failure;
    }
}

} // namespace loupe::cli
