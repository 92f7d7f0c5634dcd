#include "analysis/pipeline/analysisresults.h"
#include "clisupport.h"
#include "commands.h"
#include "common/error.h"
#include "common/progress.h"
#include "dataset/sampletable.h"
#include "edits/labelrepository.h"
#include "export/classfolderexport.h"
#include "export/cocoexport.h"
#include "export/detectionexports.h"
#include "export/exports.h"
#include "export/yoloexport.h"
#include "formats/csvreader.h"
#include "storage/project.h"
#include "storage/sampletableloader.h"
#include "storage/sqlitedatabase.h"

#include <QHash>

#include <algorithm>

namespace loupe::cli {

namespace {

/** A class given by name, or by index when no class has that name. -1 when unknown. */
int resolveClass(const QStringList &classes, const QString &text)
{
    const int byName = int(classes.indexOf(text));
    if (byName >= 0)
        return byName;
    bool ok = false;
    const int index = text.toInt(&ok);
    return ok && index >= 0 && index < classes.size() ? index : -1;
}

/** The analysis engine's verdicts when `analyze` has run, else the loss-based fallback. */
SuspectScores suspectScoresOf(Project &project, const SampleTable &table)
{
    return suspectScores(table, AnalysisResults::load(project, table.runId, table.size()));
}

qint64 findSample(Project &project, const QString &id)
{
    auto query = project.database().prepare(QStringLiteral("SELECT sample_index FROM samples WHERE id = ?"));
    query.bind(1, id);
    return query.step() ? query.columnInt64(0) : -1;
}

void exportClassFolderTree(const Project &project, const SampleTable &table, const QString &folder,
                           bool symlink)
{
    auto progress = stderrProgress();
    const ClassFolderExportSummary summary =
        exportClassFolders(table, project.datasetRoot(), folder,
                           symlink ? ClassFolderMode::Symlink : ClassFolderMode::Copy, *progress);
    QString text = QStringLiteral("Wrote %1 images to %2 (%3)")
                       .arg(summary.written)
                       .arg(folder, symlink ? QStringLiteral("symlinks") : QStringLiteral("copies"));
    if (summary.unlabeled > 0)
        text += QStringLiteral("; left out %1 unlabeled").arg(summary.unlabeled);
    if (summary.excluded > 0)
        text += QStringLiteral("; left out %1 excluded").arg(summary.excluded);
    if (!summary.missing.isEmpty())
        text += QStringLiteral("; %1 images missing, e.g. %2")
                    .arg(summary.missing.size())
                    .arg(summary.missing.first());
    printError(text);
}

/** The changes an id,label CSV asks for; every problem is collected as file:row: problem. */
QList<LabelChange> readRelabelCsv(Project &project, const QString &path)
{
    const QStringList classes = project.classNames();
    const SampleTable table = loadSampleTable(project);
    QHash<QString, qint64> samples;
    for (qint64 i = 0; i < table.size(); ++i)
        samples.insert(table.ids.at(i), i);
    CsvReader reader(path);
    std::vector<QString> fields;
    if (!reader.readRecord(fields))
        throw Error(
            QStringLiteral("%1: is empty; expected a header with id and label").arg(reader.fileName()));
    const auto column = [&fields](const char *name) {
        return int(std::find(fields.begin(), fields.end(), QString::fromLatin1(name)) - fields.begin());
    };
    const int idColumn = column("id");
    const int labelColumn = column("label");
    if (idColumn >= int(fields.size()) || labelColumn >= int(fields.size()))
        throw Error(QStringLiteral("%1:1: needs an id and a label column").arg(reader.fileName()));
    QStringList problems;
    QList<LabelChange> changes;
    while (reader.readRecord(fields) && problems.size() < 25) {
        const QString where = QStringLiteral("%1:%2: ").arg(reader.fileName()).arg(reader.recordLine());
        const QString id = size_t(idColumn) < fields.size() ? fields[size_t(idColumn)] : QString();
        const QString name = size_t(labelColumn) < fields.size() ? fields[size_t(labelColumn)] : QString();
        const qint64 sample = samples.value(id, -1);
        const int label = name.isEmpty() ? -1 : resolveClass(classes, name);
        if (sample < 0)
            problems << where + QStringLiteral("no sample has id \"%1\"").arg(id);
        else if (!name.isEmpty() && label < 0)
            problems << where + QStringLiteral("unknown class \"%1\"").arg(name);
        else
            changes.append({sample, table.labels[size_t(sample)], label});
    }
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')));
    return changes;
}

} // namespace

int runRelabelCsv(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Apply the labels of FILE (a CSV with id and label columns, e.g. from a labelling tool or an edited "
        "label-issues export; an empty label unlabels) in one transaction, with an audit row per change."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV with id,label."));
    parser.addOption(
        {QStringLiteral("note"), QStringLiteral("Why (kept in the audit trail)."), QStringLiteral("TEXT")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("relabel-csv"), arguments, 2, exitCode))
        return exitCode;
    auto project = Project::open(parser.positionalArguments().at(0));
    QList<LabelChange> changes;
    QList<LabelChange> targets;
    try {
        targets = readRelabelCsv(*project, parser.positionalArguments().at(1));
        changes = LabelRepository(*project)
                      .apply(targets, {QStringLiteral("cli"), parser.value(QStringLiteral("note"))})
                      .changes;
    } catch (const Error &error) {
        throw Error(QStringLiteral("nothing was changed.\n") + error.message());
    }
    printError(QStringLiteral("Relabelled %1 samples (%2 already had the label)")
                   .arg(changes.size())
                   .arg(targets.size() - changes.size()));
    return Ok;
}

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Export the suspected label errors or the current labels as CSV."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addOption({QStringLiteral("suspects"),
                      QStringLiteral("Write id,image,label,predicted,confidence,loss,issue_score,is_issue,"
                                     "suggested_label, most suspicious first."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("labels"),
                      QStringLiteral("Write id,image,label,original_label,edited,review."),
                      QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("class-folders"),
         QStringLiteral("Write the current labels as a class-folder tree DIR/<split>/<class>/<id> "
                        "(DIR must be new or empty; unlabeled and excluded samples are left out)."),
         QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("edits"),
         QStringLiteral("Write the edit log (time,user,source,id,kind,old,new,note), oldest first."),
         QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("coco"),
                      QStringLiteral("Detection: write the boxes as they are now as a COCO instances file."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("yolo"),
                      QStringLiteral("Detection: write the boxes as they are now as a YOLO folder (labels/, "
                                     "classes.txt, data.yaml, the images copied); DIR must be new or empty."),
                      QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("symlink"),
         QStringLiteral("With --class-folders or --yolo: link to the images instead of copying them.")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("export"), arguments, 1, exitCode))
        return exitCode;
    if (!parser.isSet(QStringLiteral("suspects")) && !parser.isSet(QStringLiteral("labels")) &&
        !parser.isSet(QStringLiteral("class-folders")) && !parser.isSet(QStringLiteral("edits")) &&
        !parser.isSet(QStringLiteral("coco")) && !parser.isSet(QStringLiteral("yolo"))) {
        printError(QStringLiteral("loupe-cli export: give --suspects FILE, --labels FILE, --edits FILE, "
                                  "--class-folders DIR, --coco FILE or --yolo DIR"));
        return Usage;
    }
    auto project = Project::open(parser.positionalArguments().at(0), Project::Access::ReadOnly);
    if (project->task() == ProjectTask::Detection) {
        if (parser.isSet(QStringLiteral("labels")) || parser.isSet(QStringLiteral("class-folders"))) {
            printError(
                QStringLiteral("loupe-cli export: a detection project exports --suspects FILE (annotation "
                               "errors with their fixes), --coco FILE, --yolo DIR and --edits FILE"));
            return Usage;
        }
        if (parser.isSet(QStringLiteral("suspects")))
            exportAnnotationSuggestions(*project, parser.value(QStringLiteral("suspects")));
        if (parser.isSet(QStringLiteral("coco")))
            exportCoco(*project, parser.value(QStringLiteral("coco")));
        if (parser.isSet(QStringLiteral("edits")))
            exportBoxEditLog(*project, parser.value(QStringLiteral("edits")));
        if (parser.isSet(QStringLiteral("yolo"))) {
            Progress progress;
            const YoloExportSummary summary = exportYolo(
                *project, parser.value(QStringLiteral("yolo")),
                parser.isSet(QStringLiteral("symlink")) ? ClassFolderMode::Symlink : ClassFolderMode::Copy,
                progress);
            printOut(QStringLiteral("wrote %1 boxes of %2 images to %3%4\n")
                         .arg(summary.boxes)
                         .arg(summary.images)
                         .arg(parser.value(QStringLiteral("yolo")),
                              summary.crowdRegions > 0
                                  ? QStringLiteral(" (left out %1 crowd regions)").arg(summary.crowdRegions)
                                  : QString()));
        }
        return Ok;
    }
    if (parser.isSet(QStringLiteral("coco")) || parser.isSet(QStringLiteral("yolo"))) {
        printError(QStringLiteral("loupe-cli export: --coco and --yolo need a detection project"));
        return Usage;
    }
    const SampleTable table = loadSampleTable(*project);
    if (parser.isSet(QStringLiteral("suspects")))
        exportSuspects(table, suspectScoresOf(*project, table), parser.value(QStringLiteral("suspects")));
    if (parser.isSet(QStringLiteral("labels")))
        exportLabels(table, parser.value(QStringLiteral("labels")));
    if (parser.isSet(QStringLiteral("edits")))
        exportEditLog(*project, parser.value(QStringLiteral("edits")));
    if (parser.isSet(QStringLiteral("class-folders")))
        exportClassFolderTree(*project, table, parser.value(QStringLiteral("class-folders")),
                              parser.isSet(QStringLiteral("symlink")));
    return Ok;
}

int runRelabel(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Change the label of the sample with dataset id ID to "
                                                    "CLASS (a class name or index). The change is recorded "
                                                    "in the project's audit trail (label_edits)."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The project file."));
    parser.addPositionalArgument(QStringLiteral("ID"),
                                 QStringLiteral("The sample's id (samples.csv id column)."));
    parser.addPositionalArgument(QStringLiteral("CLASS"), QStringLiteral("The new label."));
    parser.addOption(
        {QStringLiteral("note"), QStringLiteral("Why (kept in the audit trail)."), QStringLiteral("TEXT")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("relabel"), arguments, 3, exitCode))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    auto project = Project::open(positional.at(0));
    const QStringList classes = project->classNames();
    const int label = resolveClass(classes, positional.at(2));
    if (label < 0)
        throw Error(QStringLiteral("unknown class \"%1\"; the classes are: %2")
                        .arg(positional.at(2), classes.join(QStringLiteral(", "))));
    const qint64 sample = findSample(*project, positional.at(1));
    if (sample < 0)
        throw Error(QStringLiteral("no sample has id \"%1\"").arg(positional.at(1)));
    LabelRepository labels(*project);
    const QList<LabelChange> changes =
        labels.relabel({sample}, label, parser.value(QStringLiteral("note")), QStringLiteral("cli"));
    if (changes.isEmpty()) {
        printError(QStringLiteral("%1 is already labelled %2").arg(positional.at(1), classes.at(label)));
    } else {
        const int old = changes.first().oldValue;
        printError(QStringLiteral("%1: %2 -> %3")
                       .arg(positional.at(1), old < 0 ? QStringLiteral("(unlabeled)") : classes.at(old),
                            classes.at(label)));
    }
    return Ok;
}

} // namespace loupe::cli
