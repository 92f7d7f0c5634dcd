#include "clisupport.h"
#include "commands.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "metrics/classificationreport.h"
#include "report/htmlreport.h"
#include "storage/analysisstore.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

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

QJsonObject clusterJson(const ClusterRecord &c, const QStringList &classes)
{
    return {{QStringLiteral("cluster"), c.cluster},
            {QStringLiteral("size"), c.size},
            {QStringLiteral("errors"), c.errors},
            {QStringLiteral("error_rate"), c.errorRate},
            {QStringLiteral("expected_errors"), c.expectedErrors},
            {QStringLiteral("mean_loss"), c.meanLoss},
            {QStringLiteral("severity"), c.severity},
            {QStringLiteral("p_value"), c.pValue},
            {QStringLiteral("dominant_label"), classes.value(c.dominantLabel)},
            {QStringLiteral("dominant_label_share"), c.dominantLabelShare},
            {QStringLiteral("dominant_predicted"), classes.value(c.dominantPredicted)},
            {QStringLiteral("dominant_predicted_share"), c.dominantPredictedShare}};
}

QJsonArray clustersJson(const std::vector<ClusterRecord> &clusters, const QStringList &classes, size_t limit)
{
    QJsonArray array;
    for (size_t i = 0; i < clusters.size() && i < limit; ++i)
        array.append(clusterJson(clusters[i], classes));
    return array;
}

QJsonObject sliceJson(const SliceRecord &s)
{
    return {{QStringLiteral("column"), s.column},       {QStringLiteral("value"), s.value},
            {QStringLiteral("condition"), s.condition}, {QStringLiteral("count"), s.count},
            {QStringLiteral("errors"), s.errors},       {QStringLiteral("error_rate"), s.errorRate},
            {QStringLiteral("lift"), s.lift},           {QStringLiteral("ci_low"), s.ciLow},
            {QStringLiteral("ci_high"), s.ciHigh},      {QStringLiteral("p_value"), s.pValue},
            {QStringLiteral("score"), s.score}};
}

/** The analysis results `loupe-cli analyze` stored for the run (empty objects when not run yet). */
void addAnalysisJson(Project &project, const SampleTable &table, QJsonObject &json)
{
    AnalysisStore store(project.database());
    const int run = table.runId;
    QJsonObject labelIssues = store.stepSummary(run, QStringLiteral("label_issues")).value_or(QJsonObject());
    if (!labelIssues.isEmpty()) {
        const std::vector<float> scores =
            store.readSampleColumn(run, QStringLiteral("issue_score"), table.size());
        const std::vector<int> suggested =
            store.readSampleIntColumn(run, QStringLiteral("suggested_label"), table.size());
        std::vector<qint64> order;
        for (qint64 i = 0; i < table.size(); ++i) {
            if (!std::isnan(scores[size_t(i)]))
                order.push_back(i);
        }
        const size_t top = std::min<size_t>(20, order.size());
        std::partial_sort(order.begin(), order.begin() + qsizetype(top), order.end(),
                          [&](qint64 a, qint64 b) { return scores[size_t(a)] > scores[size_t(b)]; });
        QJsonArray most;
        for (size_t i = 0; i < top; ++i) {
            const auto s = size_t(order[i]);
            most.append(QJsonObject{{QStringLiteral("id"), table.ids.at(qsizetype(s))},
                                    {QStringLiteral("label"), table.classNames.value(table.labels[s])},
                                    {QStringLiteral("suggested_label"), table.classNames.value(suggested[s])},
                                    {QStringLiteral("issue_score"), double(scores[s])}});
        }
        labelIssues.insert(QStringLiteral("most_suspicious"), most);
    }
    json.insert(QStringLiteral("label_issues"), labelIssues);
    json.insert(
        QStringLiteral("clusters"),
        QJsonObject{{QStringLiteral("kmeans"),
                     clustersJson(store.clusters(run, QStringLiteral("kmeans")), table.classNames, 20)},
                    {QStringLiteral("density"),
                     clustersJson(store.clusters(run, QStringLiteral("density")), table.classNames, 20)}});
    QJsonArray slices;
    for (const SliceRecord &slice : store.slices(run)) {
        if (slices.size() < 30)
            slices.append(sliceJson(slice));
    }
    json.insert(QStringLiteral("slices"), slices);
    json.insert(QStringLiteral("diagnosis"),
                store.stepSummary(run, QStringLiteral("diagnosis")).value_or(QJsonObject()));
    json.insert(QStringLiteral("duplicates"),
                store.stepSummary(run, QStringLiteral("duplicates")).value_or(QJsonObject()));
    json.insert(QStringLiteral("map"), store.stepSummary(run, QStringLiteral("map")).value_or(QJsonObject()));
}

/** "split = test", "brightness in [0.21, 0.34)", "brightness >= 0.5". */
QString sliceName(const SliceRecord &slice)
{
    const QChar first = slice.value.isEmpty() ? QChar() : slice.value.front();
    if (first == QLatin1Char('[') || first == QLatin1Char('('))
        return slice.column + QStringLiteral(" in ") + slice.value;
    if (first == QLatin1Char('<') || first == QLatin1Char('>'))
        return slice.column + QLatin1Char(' ') + slice.value;
    return slice.column + QStringLiteral(" = ") + slice.value;
}

QString formatAnalysis(Project &project, const SampleTable &table)
{
    AnalysisStore store(project.database());
    const int run = table.runId;
    QString text;
    if (const auto diagnosis = store.stepSummary(run, QStringLiteral("diagnosis")))
        text += QStringLiteral("\nDiagnosis: ") + diagnosis->value(QStringLiteral("sentence")).toString() +
                QLatin1Char('\n');
    if (const auto issues = store.stepSummary(run, QStringLiteral("label_issues")))
        text += QStringLiteral(
                    "Label issues: %1 samples flagged as likely mislabeled (export --suspects lists them)\n")
                    .arg(issues->value(QStringLiteral("flagged")).toInteger());
    const std::vector<ClusterRecord> clusters = store.clusters(run, QStringLiteral("kmeans"));
    if (!clusters.empty()) {
        text += QStringLiteral("\nMost severe failure clusters (k-means on the embeddings):\n");
        text += QStringLiteral("%1 %2 %3 %4 %5  %6\n")
                    .arg(QStringLiteral("cluster"), 7)
                    .arg(QStringLiteral("size"), 7)
                    .arg(QStringLiteral("errors"), 7)
                    .arg(QStringLiteral("rate"), 7)
                    .arg(QStringLiteral("expected"), 9)
                    .arg(QStringLiteral("mostly (given -> predicted)"));
        for (size_t i = 0; i < clusters.size() && i < 10; ++i) {
            const ClusterRecord &c = clusters[i];
            text += QStringLiteral("%1 %2 %3 %4 %5  %6 -> %7\n")
                        .arg(c.cluster, 7)
                        .arg(c.size, 7)
                        .arg(c.errors, 7)
                        .arg(percent(c.errorRate), 7)
                        .arg(c.expectedErrors, 9, 'f', 1)
                        .arg(table.classNames.value(c.dominantLabel),
                             table.classNames.value(c.dominantPredicted));
        }
    }
    const std::vector<SliceRecord> slices = store.slices(run);
    if (!slices.empty()) {
        text += QStringLiteral("\nWorst slices:\n");
        for (size_t i = 0; i < slices.size() && i < 10; ++i) {
            const SliceRecord &s = slices[i];
            text += QStringLiteral("  %1: %2 errors in %3 (%4, lift %5)\n")
                        .arg(sliceName(s))
                        .arg(s.errors)
                        .arg(s.count)
                        .arg(percent(s.errorRate))
                        .arg(s.lift, 0, 'f', 2);
        }
    }
    if (const auto duplicates = store.stepSummary(run, QStringLiteral("duplicates")))
        text += QStringLiteral(
                    "\nDuplicates: %1 exact, %2 near (%3 across splits); %4 broken images; %5 outliers\n")
                    .arg(duplicates->value(QStringLiteral("exact_pairs")).toInteger())
                    .arg(duplicates->value(QStringLiteral("near_pairs")).toInteger())
                    .arg(duplicates->value(QStringLiteral("cross_split_pairs")).toInteger())
                    .arg(duplicates->value(QStringLiteral("malformed_images")).toInteger())
                    .arg(duplicates->value(QStringLiteral("outliers")).toInteger());
    if (text.isEmpty())
        text = QStringLiteral("\nNo analysis yet: run `loupe-cli analyze %1`.\n").arg(project.fileName());
    return text;
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
    if (table.hasPredictions())
        addAnalysisJson(project, table, json);
    return json;
}

/** `report --html OUT`: the shareable, self-contained page (HtmlReport). */
int writeHtml(Project &project, const QString &path)
{
    const auto progress = stderrProgress();
    HtmlReport(project).write(path, *progress);
    printOut(QStringLiteral("Wrote %1 (%2 KB)\n").arg(path).arg((QFileInfo(path).size() + 1023) / 1024));
    return Ok;
}

} // namespace

int runReport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print the classification report and confusion matrix of a project, overall and per split."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")});
    parser.addOption({QStringLiteral("html"),
                      QStringLiteral("Write a self-contained HTML report (metrics, clusters with thumbnails, "
                                     "label issues, run comparison) to FILE instead."),
                      QStringLiteral("FILE")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("report"), arguments, 1, exitCode))
        return exitCode;
    try {
        auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
        if (parser.isSet(QStringLiteral("html")))
            return writeHtml(*project, parser.value(QStringLiteral("html")));
        const SampleTable table = loadSampleTable(*project);
        if (parser.isSet(QStringLiteral("json"))) {
            printOut(QString::fromUtf8(
                QJsonDocument(reportJson(*project, table)).toJson(QJsonDocument::Indented)));
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
        text += QStringLiteral("\nAll samples: ") + formatReport(overall) + QLatin1Char('\n') +
                formatConfusion(overall);
        for (int s = 0; s < table.splitNames.size(); ++s)
            text += QStringLiteral("\nSplit %1: ").arg(table.splitNames.at(s)) +
                    formatReport(ClassificationReport::compute(table, s));
        printOut(text + formatAnalysis(*project, table));
        return Ok;
    } catch (const Error &error) {
        printError(QStringLiteral("loupe-cli report: ") + error.message());
        return Failure;
    }
}

} // namespace loupe::cli
