// loupe-cli: the headless face of loupe_core, for scripts, CI pipelines and benchmarks.

#include "common/allocatortuning.h"
#include "common/numericenvironment.h"
#include "clisupport.h"
#include "commands.h"
#include "common/error.h"
#include "common/progress.h"

#include <QCoreApplication>

#include <functional>
#include <map>

namespace {

const char *const kUsage = R"(Usage: loupe-cli COMMAND [OPTIONS] ARGS

Find what is wrong with a vision model's data.

Commands:
  import DIR -o PROJECT     Import a Loupe folder, a class-folder tree or a COCO folder (detection)
  import-run PROJECT DIR --name NAME
                            Add another model run (e.g. retrained) for the same samples
  compare PROJECT RUN_A RUN_B [--json]
                            What changed between two runs: metrics, clusters, fixed and regressed
  report PROJECT [--json] [--html FILE]
                            Classification report and confusion matrix, per split; or a shareable HTML page
  export PROJECT --suspects FILE | --labels FILE | --class-folders DIR | --coco FILE | --yolo DIR
                            Export the most suspicious labels (detection: annotation errors with fixes),
                            the current labels, a class-folder tree, or the boxes as COCO JSON or YOLO
  relabel PROJECT ID CLASS  Change one sample's label (with --note TEXT)
  relabel-csv PROJECT FILE  Apply the labels of an id,label CSV in one transaction
  edit-boxes PROJECT --suggestions FILE | --undo N
                            Detection: apply the suggested box fixes (relabel, move, delete, add), or undo
  analyze PROJECT           Find label issues, failure clusters, the 2-D map, duplicates (--only STEPS)
  similar PROJECT --id ID   Samples most like one sample or a set (--ids FILE), for targeted collection
  duplicates PROJECT        Exact and near duplicates, train/test leaks, broken images
  query PROJECT "WHERE ..." Samples matching a read-only SQL condition over sample_view
  bench PROJECT             Time every analysis step on a copy of PROJECT (medians, peak memory)
  demo DIR [--detection]    Build the Fashion-MNIST demo (or the detection demo) dataset and project in DIR
  demo-retrain PROJECT DIR  Retrain the demo model on the corrected labels, as a run folder for import-run
  synth DIR                 Write a synthetic dataset folder (for scale tests)

Options:
  -h, --help                This help; COMMAND --help for a command's options
  -v, --version             Loupe's version

Exit codes: 0 success, 1 bad input or failure (the reason is on stderr), 2 usage error,
130 cancelled with Ctrl+C (the project is as it was: every write is one transaction).
)";

/**
 * The one error boundary of every command: whatever a command throws ends here as a
 * message naming the command, and an exit code. Commands add context by rethrowing.
 */
int runCommand(const QString &command, const std::function<int(const QStringList &)> &run,
               const QStringList &arguments)
{
    using namespace loupe::cli;
    const QString prefix = QStringLiteral("loupe-cli %1: ").arg(command);
    try {
        return run(arguments);
    } catch (const loupe::Cancelled &) {
        printError(QStringLiteral("\n") + prefix +
                   QStringLiteral("cancelled (Ctrl+C); every write is one transaction, so nothing of what "
                                  "this command was writing reached the project"));
        return Interrupted;
    } catch (const loupe::Error &error) {
        printError(prefix + error.message());
    } catch (const std::bad_alloc &) {
        printError(prefix + QStringLiteral("out of memory; nothing was written"));
    } catch (const std::exception &error) {
        printError(prefix + QStringLiteral("internal error: %1").arg(QString::fromLocal8Bit(error.what())));
    }
    return Failure;
}

} // namespace

int main(int argc, char *argv[])
{
    loupe::keepFreedBuffersForReuse(); // before any thread starts
    QCoreApplication app(argc, argv);
    loupe::pinNumericalEnvironment();
    QCoreApplication::setApplicationName(QStringLiteral("loupe-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LOUPE_VERSION_STRING));
    using namespace loupe::cli;

    QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.isEmpty()) {
        printError(QString::fromUtf8(kUsage));
        return Usage;
    }
    const QString command = arguments.takeFirst();
    if (command == QLatin1String("-h") || command == QLatin1String("--help") ||
        command == QLatin1String("help")) {
        printOut(QString::fromUtf8(kUsage));
        return Ok;
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")) {
        printOut(QStringLiteral("loupe-cli %1\n").arg(QStringLiteral(LOUPE_VERSION_STRING)));
        return Ok;
    }
    const std::map<QString, std::function<int(const QStringList &)>> commands = {
        {QStringLiteral("import"), runImport},
        {QStringLiteral("report"), runReport},
        {QStringLiteral("export"), runExport},
        {QStringLiteral("relabel"), runRelabel},
        {QStringLiteral("demo"), runDemo},
        {QStringLiteral("synth"), runSynth},
        {QStringLiteral("analyze"), runAnalyze},
        {QStringLiteral("similar"), runSimilar},
        {QStringLiteral("duplicates"), runDuplicates},
        {QStringLiteral("query"), runQuery},
        {QStringLiteral("bench"), runBench},
        {QStringLiteral("import-run"), runImportRun},
        {QStringLiteral("compare"), runCompare},
        {QStringLiteral("demo-retrain"), runDemoRetrain},
        {QStringLiteral("relabel-csv"), runRelabelCsv},
        {QStringLiteral("edit-boxes"), runEditBoxes},
    };
    const auto it = commands.find(command);
    if (it == commands.end()) {
        printError(QStringLiteral("loupe-cli: unknown command \"%1\"\n").arg(command) +
                   QString::fromUtf8(kUsage));
        return Usage;
    }
    return runCommand(command, it->second, arguments);
}
