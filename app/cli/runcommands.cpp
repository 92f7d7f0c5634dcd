// `import-run` and `compare`: a second model run into a project, and what changed between two runs.

#include "import/detectionimporter.h"
#include "report/detectioncomparison.h"
#include "clisupport.h"
#include "common/numberformat.h"
#include "commands.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "demo/fashionmnistdemo.h"
#include "import/importworkflow.h"
#include "import/runimporter.h"
#include "report/runcomparison.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"

#include <QJsonDocument>

#include <algorithm>

namespace loupe::cli {

namespace {

QString sampleList(const std::vector<qint64> &samples, const StringColumn &ids, int limit = 10)
{
    QStringList names;
    for (size_t i = 0; i < samples.size() && int(i) < limit; ++i)
        names << ids.value(samples[i]);
    if (samples.size() > size_t(limit))
        names << QStringLiteral("…");
    return names.join(QStringLiteral(", "));
}

QString classTable(const RunComparison &comparison)
{
    QString text = QStringLiteral("%1 %2 %3 %4 %5\n")
                       .arg(QStringLiteral("class"), -16)
                       .arg(QStringLiteral("support"), 8)
                       .arg(QStringLiteral("F1 before"), 10)
                       .arg(QStringLiteral("F1 after"), 10)
                       .arg(QStringLiteral("change"), 10);
    for (size_t c = 0; c < comparison.reportBefore.perClass.size(); ++c) {
        const ClassMetrics &before = comparison.reportBefore.perClass[c];
        const ClassMetrics &after = comparison.reportAfter.perClass[c];
        text += QStringLiteral("%1 %2 %3 %4 %5\n")
                    .arg(before.name.left(16), -16)
                    .arg(before.support, 8)
                    .arg(before.f1, 10, 'f', 3)
                    .arg(after.f1, 10, 'f', 3)
                    .arg(after.f1 - before.f1, 10, 'f', 3);
    }
    return text;
}

QString groupTable(const QString &title, const std::vector<GroupDelta> &groups, int limit = 10)
{
    if (groups.empty())
        return {};
    QString text = QStringLiteral("\n%1 (largest change first):\n").arg(title);
    for (size_t i = 0; i < groups.size() && int(i) < limit; ++i) {
        const GroupDelta &group = groups[i];
        text += QStringLiteral("  %1 %2 samples  error rate %3 -> %4 (%5)\n")
                    .arg(group.name.left(40), -40)
                    .arg(group.size, 7)
                    .arg(format::percent(group.rateBefore(), 2), 8)
                    .arg(format::percent(group.rateAfter(), 2), 8)
                    .arg(format::signedPoints(group.rateChange(), 2));
    }
    return text;
}

QString comparisonText(const RunComparison &comparison, const StringColumn &ids)
{
    QString text = QStringLiteral("%1 -> %2 on %3 labelled samples\n")
                       .arg(comparison.before.name, comparison.after.name)
                       .arg(comparison.reportBefore.samples);
    text +=
        QStringLiteral("accuracy %1 -> %2 (%3), macro F1 %4 -> %5\n\n")
            .arg(format::percent(comparison.reportBefore.accuracy, 2),
                 format::percent(comparison.reportAfter.accuracy, 2),
                 format::signedPoints(comparison.reportAfter.accuracy - comparison.reportBefore.accuracy, 2))
            .arg(comparison.reportBefore.macroF1, 0, 'f', 3)
            .arg(comparison.reportAfter.macroF1, 0, 'f', 3);
    text += classTable(comparison);
    text +=
        groupTable(QStringLiteral("Failure clusters of %1").arg(comparison.before.name), comparison.clusters);
    text += groupTable(QStringLiteral("Slices"), comparison.slices);
    text += QStringLiteral("\nFixed (wrong before, right after): %1  %2\n")
                .arg(comparison.fixed.size())
                .arg(sampleList(comparison.fixed, ids));
    text += QStringLiteral("Regressed (right before, wrong after): %1  %2\n")
                .arg(comparison.regressed.size())
                .arg(sampleList(comparison.regressed, ids));
    if (comparison.issuesBefore >= 0 && comparison.issuesAfter >= 0)
        text += QStringLiteral("Likely label errors: %1 -> %2; %3 no longer flagged\n")
                    .arg(comparison.issuesBefore)
                    .arg(comparison.issuesAfter)
                    .arg(comparison.issuesResolved.size());
    return text;
}

} // namespace

int runImportRun(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Add another model run (predictions.npy or logits.npy, optional embeddings.npy, coords.npy, "
        "history.csv; rows matched by samples.csv's id column) to PROJECT, then analyse it."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The folder with the run's files."));
    parser.addOption(
        {QStringLiteral("name"), QStringLiteral("The run's name (required, new)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("no-analyze"), QStringLiteral("Do not analyse the new run.")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("import-run"), arguments, 2, exitCode))
        return exitCode;
    if (!parser.isSet(QStringLiteral("name"))) {
        printError(QStringLiteral("loupe-cli import-run: --name NAME is required"));
        return Usage;
    }
    const QString path = parser.positionalArguments().at(0);
    auto project = Project::open(path);
    auto progress = stderrProgress();
    if (project->task() == ProjectTask::Detection) {
        qint64 boxes = 0;
        try {
            const int runId =
                DetectionImporter::importRun(*project, parser.positionalArguments().at(1),
                                             parser.value(QStringLiteral("name")), *progress, &boxes);
            printError(QStringLiteral("Imported run \"%1\" (id %2): %3 predicted boxes")
                           .arg(parser.value(QStringLiteral("name")))
                           .arg(runId)
                           .arg(boxes));
        } catch (const Error &error) {
            throw Error(QStringLiteral("the project was not changed.\n") + error.message());
        }
        return Ok;
    }
    const auto printImported = [](const RunImportSummary &summary) {
        printError(QStringLiteral("Imported run \"%1\" (id %2) for %3 samples%4")
                       .arg(summary.name)
                       .arg(summary.runId)
                       .arg(summary.samples)
                       .arg(summary.hasEmbeddings ? QStringLiteral(", with embeddings") : QString()));
        for (const QString &note : summary.notes)
            printError(QStringLiteral("Note: ") + note);
    };
    RunImportResult result;
    try {
        result = importAndAnalyseRun(*project, parser.positionalArguments().at(1),
                                     parser.value(QStringLiteral("name")),
                                     !parser.isSet(QStringLiteral("no-analyze")), *progress, printImported);
    } catch (const Error &error) {
        throw Error(QStringLiteral("the project was not changed.\n") + error.message());
    }
    const RunImportSummary &summary = result.imported;
    return reportAnalysis(QStringLiteral("import-run"), result.analysis,
                          QStringLiteral("the run \"%1\"").arg(summary.name), path);
}

int runDemoRetrain(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Retrain the Fashion-MNIST demo model on PROJECT's current labels (after your "
                       "corrections) and write a run "
                       "folder DIR for `import-run`: the second half of the retraining loop, for the demo."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The demo project."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("Where to write the run's files."));
    parser.addOption(
        {QStringLiteral("epochs"), QStringLiteral("Training epochs per fold."), QStringLiteral("E")});
    parser.addOption({QStringLiteral("folds"), QStringLiteral("Cross-validation folds (default 5)."),
                      QStringLiteral("K"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("seed"),
                      QStringLiteral("The model's seed (another seed, another model)."),
                      QStringLiteral("S")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("demo-retrain"), arguments, 2, exitCode))
        return exitCode;
    DemoOptions options;
    options.folds = std::max(2, parser.value(QStringLiteral("folds")).toInt());
    if (parser.isSet(QStringLiteral("epochs")))
        options.model.epochs = std::max(1, parser.value(QStringLiteral("epochs")).toInt());
    if (parser.isSet(QStringLiteral("seed")))
        options.model.seed = parser.value(QStringLiteral("seed")).toULongLong();
    auto progress = stderrProgress();
    const RetrainResult result = retrainFashionMnistDemo(
        parser.positionalArguments().at(0), parser.positionalArguments().at(1), options, *progress);
    printError(QStringLiteral("Retrained on %1 samples: out-of-fold accuracy %2 on the current labels.\n"
                              "Next: loupe-cli import-run %3 %4 --name retrained")
                   .arg(result.samples)
                   .arg(format::percent(result.accuracyOnCurrentLabels, 2),
                        parser.positionalArguments().at(0), result.runFolder));
    return Ok;
}

int runCompare(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Compare two runs on the same samples and current labels: metric changes overall and "
                       "per class, error-rate "
                       "changes per failure cluster and slice, samples fixed and regressed, label issues no "
                       "longer flagged."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addPositionalArgument(QStringLiteral("RUN_A"), QStringLiteral("The run before (name or id)."));
    parser.addPositionalArgument(QStringLiteral("RUN_B"), QStringLiteral("The run after (name or id)."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("compare"), arguments, 3, exitCode))
        return exitCode;
    auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
    const int before = findRun(*project, parser.positionalArguments().at(1)).id;
    const int after = findRun(*project, parser.positionalArguments().at(2)).id;
    if (project->task() == ProjectTask::Detection) {
        const DetectionComparison comparison = DetectionComparison::compute(*project, before, after);
        printOut(parser.isSet(QStringLiteral("json"))
                     ? QString::fromUtf8(QJsonDocument(comparison.toJson()).toJson(QJsonDocument::Indented))
                     : comparison.toText());
        return Ok;
    }
    const RunComparison comparison = RunComparison::compute(*project, before, after);
    const StringColumn ids = loadSampleTable(*project, before).ids;
    if (parser.isSet(QStringLiteral("json")))
        printOut(QString::fromUtf8(QJsonDocument(comparison.toJson(ids)).toJson(QJsonDocument::Indented)));
    else
        printOut(comparisonText(comparison, ids));
    return Ok;
}

} // namespace loupe::cli
