// loupe-cli edit-boxes: corrections to a detection project's annotated boxes, from the
// suspects file `export --suspects` writes (its suggested fixes) or one box at a time, each
// batch one audited transaction; and the undo of the last edits.

#include "clisupport.h"
#include "commands.h"
#include "common/error.h"
#include "detection/annotationerrors.h"
#include "edits/boxeditrepository.h"
#include "formats/csvreader.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QHash>

namespace loupe::cli {

namespace {

/** The columns of a suspects file this command reads. */
struct SuspectColumns
{
    int image = -1, issue = -1, score = -1, box = -1, suggestedClass = -1, x = -1, y = -1, width = -1,
        height = -1;
};

SuspectColumns suspectColumns(const std::vector<QString> &header, const QString &file)
{
    SuspectColumns c;
    const auto find = [&](const char *name) {
        const auto it = std::find(header.begin(), header.end(), QLatin1String(name));
        if (it == header.end())
            throw Error(
                QStringLiteral("%1:1: no column \"%2\" (expected the file `export --suspects` writes)")
                    .arg(file, QLatin1String(name)));
        return int(it - header.begin());
    };
    c.image = find("image_id");
    c.issue = find("issue");
    c.score = find("score");
    c.box = find("box_id");
    c.suggestedClass = find("suggested_class");
    c.x = find("suggested_x");
    c.y = find("suggested_y");
    c.width = find("suggested_width");
    c.height = find("suggested_height");
    return c;
}

/** The fixes of the suspects file's rows scoring at least minScore, for the chosen issues. */
QList<BoxChange> fixesFrom(Project &project, const QString &path, double minScore, const QStringList &issues)
{
    QHash<QString, qint64> sampleOf;
    auto samples = project.database().prepare(QStringLiteral("SELECT id, sample_index FROM samples"));
    while (samples.step())
        sampleOf.insert(samples.columnText(0), samples.columnInt64(1));
    const QStringList classes = project.classNames();
    CsvReader reader(path);
    std::vector<QString> row;
    if (!reader.readRecord(row))
        throw Error(QStringLiteral("%1: empty").arg(reader.fileName()));
    const SuspectColumns c = suspectColumns(row, reader.fileName());
    QList<BoxChange> changes;
    while (reader.readRecord(row)) {
        const auto fail = [&](const QString &problem) {
            return Error(
                QStringLiteral("%1:%2: %3").arg(reader.fileName()).arg(reader.recordLine()).arg(problem));
        };
        if (row.size() <= size_t(c.height))
            throw fail(QStringLiteral("too few fields"));
        const QString issue = row[size_t(c.issue)];
        if (row[size_t(c.score)].toDouble() < minScore || (!issues.isEmpty() && !issues.contains(issue)))
            continue;
        BoxChange change;
        change.boxId = row[size_t(c.box)].isEmpty() ? -1 : row[size_t(c.box)].toLongLong();
        change.box.category = classes.indexOf(row[size_t(c.suggestedClass)]);
        change.box.box = {row[size_t(c.x)].toDouble(), row[size_t(c.y)].toDouble(),
                          row[size_t(c.width)].toDouble(), row[size_t(c.height)].toDouble()};
        if (issue == annotationIssueName(AnnotationIssue::WrongClass)) {
            change.action = BoxChange::Action::Relabel;
        } else if (issue == annotationIssueName(AnnotationIssue::BadLocation)) {
            change.action = BoxChange::Action::Move;
        } else if (issue == annotationIssueName(AnnotationIssue::Spurious)) {
            change.action = BoxChange::Action::Delete;
        } else if (issue == annotationIssueName(AnnotationIssue::Overlooked)) {
            change.action = BoxChange::Action::Add;
            change.box.image = sampleOf.value(row[size_t(c.image)], -1);
            if (change.box.image < 0)
                throw fail(QStringLiteral("unknown image_id \"%1\"").arg(row[size_t(c.image)]));
        } else {
            throw fail(QStringLiteral("unknown issue \"%1\"").arg(issue));
        }
        if ((change.action == BoxChange::Action::Relabel || change.action == BoxChange::Action::Add) &&
            change.box.category < 0)
            throw fail(QStringLiteral("unknown class \"%1\"").arg(row[size_t(c.suggestedClass)]));
        changes.append(change);
    }
    return changes;
}

} // namespace

int runEditBoxes(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Correct a detection project's boxes: apply the suggested fixes of a suspects file (export "
        "--suspects), "
        "or undo the last box edits. Each run is one transaction, every change audited (export --edits)."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("The detection project."));
    parser.addOption({QStringLiteral("suggestions"),
                      QStringLiteral("Apply the fixes of this suspects CSV: relabel, move, delete or add."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("min-score"),
                      QStringLiteral("Only suggestions scoring at least S (default 0.5)."),
                      QStringLiteral("S"), QStringLiteral("0.5")});
    parser.addOption(
        {QStringLiteral("issues"),
         QStringLiteral("Only these kinds, comma-separated: overlooked, wrong_class, bad_location, "
                        "spurious (default: all)."),
         QStringLiteral("LIST")});
    parser.addOption(
        {QStringLiteral("undo"), QStringLiteral("Undo the last N box edits."), QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("note"), QStringLiteral("Why (kept in the audit trail)."), QStringLiteral("TEXT")});
    int exitCode = Ok;
    if (!parseCommand(parser, QStringLiteral("edit-boxes"), arguments, 1, exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("suggestions")) == parser.isSet(QStringLiteral("undo"))) {
        printError(QStringLiteral("loupe-cli edit-boxes: give --suggestions FILE or --undo N"));
        return Usage;
    }
    auto project = Project::open(parser.positionalArguments().at(0));
    BoxEditRepository boxes(*project);
    const QString note = parser.value(QStringLiteral("note"));
    if (parser.isSet(QStringLiteral("undo"))) {
        bool ok = false;
        const int n = parser.value(QStringLiteral("undo")).toInt(&ok);
        const QList<BoxEdit> history = boxes.history();
        if (!ok || n < 1 || n > history.size()) {
            printError(QStringLiteral("loupe-cli edit-boxes: --undo takes 1 to %1 (the box edits so far)")
                           .arg(history.size()));
            return Usage;
        }
        QList<qint64> ids;
        for (qsizetype i = history.size() - n; i < history.size(); ++i)
            ids.append(history[i].editId);
        boxes.undo(ids, {QStringLiteral("cli-undo"), note});
        printOut(QStringLiteral("Undid %1 box edits.\n").arg(n));
        return Ok;
    }
    bool scoreOk = false;
    const double minScore = parser.value(QStringLiteral("min-score")).toDouble(&scoreOk);
    if (!scoreOk) {
        printError(QStringLiteral("loupe-cli edit-boxes: --min-score takes a number"));
        return Usage;
    }
    const QStringList issues =
        parser.isSet(QStringLiteral("issues"))
            ? parser.value(QStringLiteral("issues")).split(QLatin1Char(','), Qt::SkipEmptyParts)
            : QStringList();
    const QList<BoxChange> changes =
        boxes.apply(fixesFrom(*project, parser.value(QStringLiteral("suggestions")), minScore, issues),
                    {QStringLiteral("cli"), note.isEmpty() ? QStringLiteral("suggested fix") : note});
    QHash<int, int> byAction;
    for (const BoxChange &change : changes)
        ++byAction[int(change.action)];
    printOut(QStringLiteral("Applied %1 fixes: %2 relabelled, %3 moved, %4 deleted, %5 added.\n")
                 .arg(changes.size())
                 .arg(byAction.value(int(BoxChange::Action::Relabel)))
                 .arg(byAction.value(int(BoxChange::Action::Move)))
                 .arg(byAction.value(int(BoxChange::Action::Delete)))
                 .arg(byAction.value(int(BoxChange::Action::Add))));
    return Ok;
}

} // namespace loupe::cli
