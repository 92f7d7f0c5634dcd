#include "import/runimporter.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/csvreader.h"
#include "formats/npyfile.h"
#include "import/importproblems.h"
#include "import/runfiles.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitetransaction.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <algorithm>

#include <vector>

namespace loupe {

namespace {

const QString kSamplesFile = QStringLiteral("samples.csv");

QHash<QString, qint64> projectSampleIndexes(Project &project)
{
    QHash<QString, qint64> indexes;
    auto query = project.database().prepare(QStringLiteral("SELECT sample_index, id FROM samples"));
    while (query.step())
        indexes.insert(query.columnText(1), query.columnInt64(0));
    return indexes;
}

std::vector<int> currentLabels(Project &project)
{
    std::vector<int> labels(static_cast<size_t>(project.sampleCount()), -1);
    auto query = project.database().prepare(QStringLiteral("SELECT sample_index, label FROM samples"));
    while (query.step()) {
        const qint64 sample = query.columnInt64(0);
        if (sample >= 0 && size_t(sample) < labels.size())
            labels[size_t(sample)] = query.isNull(1) ? -1 : query.columnInt(1);
    }
    return labels;
}

/**
 * Maps each project sample to its row in the run's files through samples.csv's ids.
 * Empty when the folder has no samples.csv: the rows are then in the project's order.
 */
std::vector<qint64> matchRowsById(Project &project, const QString &folder, ImportProblems &problems)
{
    const QString path = QDir(folder).filePath(kSamplesFile);
    if (!QFileInfo::exists(path))
        return {};
    CsvReader reader(path);
    std::vector<QString> fields;
    if (!reader.readRecord(fields)) {
        problems.add(kSamplesFile, 0, QStringLiteral("is empty; expected a header with an id column"));
        return {};
    }
    const auto idColumn = std::find(fields.begin(), fields.end(), QStringLiteral("id")) - fields.begin();
    if (size_t(idColumn) >= fields.size()) {
        problems.add(kSamplesFile, 1,
                     QStringLiteral("has no id column to match the rows to the project's samples"));
        return {};
    }
    const QHash<QString, qint64> indexes = projectSampleIndexes(project);
    std::vector<qint64> fileRows(size_t(indexes.size()), -1);
    qint64 row = 0;
    while (reader.readRecord(fields) && !problems.isFull()) {
        const QString id = size_t(idColumn) < fields.size() ? fields[size_t(idColumn)] : QString();
        const auto found = indexes.constFind(id);
        if (found == indexes.constEnd())
            problems.add(kSamplesFile, reader.recordLine(),
                         QStringLiteral("id \"%1\" is not in the project").arg(id));
        else if (fileRows[size_t(*found)] >= 0)
            problems.add(
                kSamplesFile, reader.recordLine(),
                QStringLiteral("id \"%1\" is already on line %2").arg(id).arg(fileRows[size_t(*found)] + 2));
        else
            fileRows[size_t(*found)] = row;
        ++row;
    }
    const auto missing = std::count(fileRows.begin(), fileRows.end(), qint64(-1));
    if (missing > 0)
        problems.add(
            kSamplesFile, 0,
            QStringLiteral("lacks %1 of the project's %2 samples; a run needs a prediction for every sample")
                .arg(missing)
                .arg(fileRows.size()));
    return fileRows;
}

void checkRunName(Project &project, const QString &runName)
{
    if (runName.trimmed().isEmpty())
        throw Error(QStringLiteral("%1: the run needs a name").arg(project.fileName()));
    for (const RunInfo &run : project.runs()) {
        if (run.name == runName)
            throw Error(QStringLiteral("%1: a run named \"%2\" already exists; choose another name")
                            .arg(project.fileName(), runName));
    }
}

} // namespace

RunImportSummary importRun(Project &project, const QString &folder, const QString &runName,
                           Progress &progress)
{
    if (project.isReadOnly())
        throw Error(
            QStringLiteral("%1: cannot add a run: %2").arg(project.fileName(), project.readOnlyReason()));
    if (!QFileInfo(folder).isDir())
        throw Error(QStringLiteral("%1: not a folder").arg(folder));
    checkRunName(project, runName);
    progress.setStep(QStringLiteral("Checking the run"));

    ImportProblems problems;
    const std::vector<qint64> fileRows = matchRowsById(project, folder, problems);
    const RunFiles run(folder, problems);
    if (problems.isEmpty() && !run.hasScores())
        problems.add(QStringLiteral("predictions.npy"), 0,
                     QStringLiteral("is missing: a run needs predictions.npy or logits.npy"));
    problems.throwIfAny();
    const qint64 samples = project.sampleCount();
    run.check(samples, int(project.classNames().size()), problems, progress,
              QStringLiteral("the project has"));
    problems.throwIfAny();

    SqliteTransaction transaction(project.database());
    RunImportSummary summary;
    summary.runId = run.write(project, runName, int(project.classNames().size()), currentLabels(project),
                              fileRows, progress);
    progress.throwIfCancelled();
    transaction.commit();
    summary.name = runName;
    summary.samples = samples;
    summary.hasEmbeddings = run.embeddings() != nullptr;
    summary.hasCoords = run.coords() != nullptr;
    summary.hasHistory = run.history().has_value();
    summary.notes = run.notes();
    return summary;
}

} // namespace loupe
