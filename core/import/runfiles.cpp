#include "import/runfiles.h"

#include "import/npychecks.h"
#include "import/precomputedcolumns.h"

#include "storage/project.h"

#include "common/error.h"
#include "common/progress.h"
#include "formats/csvreader.h"
#include "formats/npyfile.h"
#include "import/importproblems.h"
#include "metrics/samplescores.h"
#include "storage/batchedinsert.h"
#include "storage/runarrays.h"
#include "storage/sqlitedatabase.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <algorithm>
#include <cmath>

namespace loupe {

namespace {

const QString kPredictionsFile = QStringLiteral("predictions.npy");
const QString kLogitsFile = QStringLiteral("logits.npy");
const QString kEmbeddingsFile = QStringLiteral("embeddings.npy");
const QString kCoordsFile = QStringLiteral("coords.npy");
const QString kHistoryFile = QStringLiteral("history.csv");
const QString kBelongsToRun = QStringLiteral("belongs to a model run: add predictions.npy or logits.npy too");

void checkRowCount(const NpyFile &file, qint64 samples, ImportProblems &problems)
{
    if (file.rows() != samples)
        problems.add(
            file.fileName(), 0,
            QStringLiteral("has %1 rows but samples.csv has %2 samples").arg(file.rows()).arg(samples));
}

void softmaxInPlace(float *row, int cols)
{
    const float maximum = *std::max_element(row, row + cols);
    double sum = 0.0;
    for (int k = 0; k < cols; ++k) {
        row[k] = std::exp(row[k] - maximum);
        sum += row[k];
    }
    for (int k = 0; k < cols; ++k)
        row[k] = float(row[k] / sum);
}

std::optional<TrainingHistoryTable> readHistory(const QString &folder, ImportProblems &problems)
{
    const QString path = QDir(folder).filePath(kHistoryFile);
    if (!QFileInfo::exists(path))
        return std::nullopt;
    TrainingHistoryTable history;
    CsvReader reader(path);
    std::vector<QString> fields;
    if (!reader.readRecord(fields)) {
        problems.add(kHistoryFile, 0, QStringLiteral("is empty; expected epoch,train_loss,val_loss"));
        return std::nullopt;
    }
    for (const QString &field : fields)
        history.metrics << field.trimmed();
    if (history.metrics.value(0) != QLatin1String("epoch") ||
        !history.metrics.contains(QLatin1String("train_loss")) ||
        !history.metrics.contains(QLatin1String("val_loss"))) {
        problems.add(kHistoryFile, 1,
                     QStringLiteral("the header must start with epoch and name train_loss and val_loss"));
        return std::nullopt;
    }
    for (int c = 1; c < history.metrics.size(); ++c) {
        if (history.metrics.indexOf(history.metrics.at(c)) < c) {
            problems.add(kHistoryFile, 1,
                         QStringLiteral("column \"%1\" appears twice").arg(history.metrics.at(c)));
            return std::nullopt;
        }
    }
    QHash<double, qint64> epochLines; // each (epoch, metric) is stored once
    while (reader.readRecord(fields)) {
        if (fields.size() != size_t(history.metrics.size())) {
            problems.add(kHistoryFile, reader.recordLine(),
                         QStringLiteral("has %1 fields; the header has %2")
                             .arg(fields.size())
                             .arg(history.metrics.size()));
            continue;
        }
        std::vector<double> row;
        for (size_t c = 0; c < fields.size(); ++c) {
            bool ok = false;
            const double value = fields[c].isEmpty() ? NAN : fields[c].toDouble(&ok);
            if (!ok && !fields[c].isEmpty())
                problems.add(kHistoryFile, reader.recordLine(),
                             QStringLiteral("\"%1\" in column %2 is not a number")
                                 .arg(fields[c], history.metrics.at(int(c))));
            row.push_back(value);
        }
        if (!std::isfinite(row[0]) || row[0] != std::floor(row[0])) {
            problems.add(kHistoryFile, reader.recordLine(), QStringLiteral("epoch must be a whole number"));
        } else if (epochLines.contains(row[0])) {
            problems.add(
                kHistoryFile, reader.recordLine(),
                QStringLiteral("epoch %1 is already on line %2").arg(row[0]).arg(epochLines.value(row[0])));
        } else {
            epochLines.insert(row[0], reader.recordLine());
            history.rows.push_back(std::move(row));
        }
    }
    return history;
}

ArrayStore::RowSource probabilityRows(const NpyFile &file, bool logits, const std::vector<qint64> &fileRows)
{
    return [&file, logits, &fileRows](qint64 first, qint64 count, float *out) {
        rowsInSampleOrder(file, fileRows)(first, count, out);
        const int cols = int(file.cols());
        for (qint64 r = 0; r < count; ++r) {
            float *row = out + r * cols;
            if (logits) {
                softmaxInPlace(row, cols);
                continue;
            }
            double sum = 0.0;
            for (int k = 0; k < cols; ++k)
                sum += row[k];
            for (int k = 0; k < cols; ++k)
                row[k] = float(row[k] / sum);
        }
    };
}

/**
 * Stores the run's probabilities (rows already normalised) and derives each sample's
 * predicted class, confidence, loss and margin from them on their way into the array store.
 */
void writeProbabilities(SqliteDatabase &db, int runId, qint64 rows, int numClasses,
                        const std::vector<int> &labels, const ArrayStore::RowSource &source,
                        Progress &progress)
{
    BatchedInsert insert(db, QStringLiteral("predictions"),
                         {QStringLiteral("run_id"), QStringLiteral("sample_index"),
                          QStringLiteral("predicted"), QStringLiteral("confidence"),
                          QStringLiteral("given_probability"), QStringLiteral("loss"),
                          QStringLiteral("margin")},
                         rows);
    const auto deriving = [&](qint64 first, qint64 count, float *out) {
        source(first, count, out);
        for (qint64 r = 0; r < count; ++r) {
            const qint64 sample = first + r;
            const SampleScores scores =
                computeSampleScores(out + r * numClasses, numClasses, labels[size_t(sample)]);
            insert.bind(1, qint64(runId)).bind(2, sample).bind(3, qint64(scores.predicted));
            insert.bind(4, scores.confidence);
            if (std::isnan(scores.loss))
                insert.bindNull(5).bindNull(6).bindNull(7);
            else
                insert.bind(5, scores.givenProbability).bind(6, scores.loss).bind(7, scores.margin);
            insert.endRow();
        }
    };
    RunArrays(db, runId).write(RunArray::Probabilities, {rows, numClasses}, deriving, &progress);
}

void writeHistory(SqliteDatabase &db, int runId, const TrainingHistoryTable &history)
{
    auto insert = db.prepare(
        QStringLiteral("INSERT INTO training_history(run_id, epoch, metric, value) VALUES (?, ?, ?, ?)"));
    for (const std::vector<double> &row : history.rows) {
        const auto epoch = qint64(row.at(0));
        for (int m = 1; m < history.metrics.size(); ++m) {
            insert.bind(1, runId).bind(2, epoch).bind(3, history.metrics.at(m));
            if (std::isnan(row.at(size_t(m))))
                insert.bindNull(4);
            else
                insert.bind(4, row.at(size_t(m)));
            insert.execute();
        }
    }
}

} // namespace

RunFiles::RunFiles(const QString &folder, ImportProblems &problems)
    : m_predictions(openOptionalNpy(folder, kPredictionsFile, problems)),
      m_logits(openOptionalNpy(folder, kLogitsFile, problems)),
      m_embeddings(openOptionalNpy(folder, kEmbeddingsFile, problems)),
      m_coords(openOptionalNpy(folder, kCoordsFile, problems)), m_history(readHistory(folder, problems)),
      m_precomputed(std::make_unique<PrecomputedColumns>(folder, problems))
{
    if (m_predictions && m_logits)
        problems.add(kLogitsFile, 0, QStringLiteral("give predictions.npy or logits.npy, not both"));
    if ((m_embeddings || m_coords) && !hasScores())
        problems.add(m_embeddings ? kEmbeddingsFile : kCoordsFile, 0, kBelongsToRun);
    if (m_history && !hasScores())
        problems.add(kHistoryFile, 0, kBelongsToRun);
    if (!m_precomputed->isEmpty() && !hasScores())
        problems.add(m_precomputed->fileNames().constFirst(), 0, kBelongsToRun);
}

RunFiles::~RunFiles() = default;

QStringList RunFiles::notes() const
{
    QStringList notes;
    if (usesLogits())
        notes << QStringLiteral("%1: softmax applied to turn logits into probabilities").arg(kLogitsFile);
    if (!m_precomputed->isEmpty())
        notes << QStringLiteral("computed elsewhere, used by the analysis instead of its own: %1")
                     .arg(m_precomputed->fileNames().join(QStringLiteral(", ")));
    return notes;
}

void RunFiles::check(qint64 samples, int classes, ImportProblems &problems, Progress &progress,
                     const QString &classesOrigin) const
{
    for (const NpyFile *file : {scores(), embeddings(), coords()}) {
        if (file)
            checkRowCount(*file, samples, problems);
    }
    if (scores() && scores()->cols() != classes)
        problems.add(scores()->fileName(), 0,
                     QStringLiteral("has %1 columns but %2 %3 classes")
                         .arg(scores()->cols())
                         .arg(classesOrigin)
                         .arg(classes));
    if (m_coords && m_coords->cols() != 2)
        problems.add(kCoordsFile, 0,
                     QStringLiteral("has %1 columns; expected 2 (x, y)").arg(m_coords->cols()));
    problems.throwIfAny();

    if (scores()) {
        progress.setStep(QStringLiteral("Checking %1").arg(scores()->fileName()));
        checkValues(*scores(), !usesLogits(), problems, progress);
    }
    for (const NpyFile *file : {embeddings(), coords()}) {
        if (file) {
            progress.setStep(QStringLiteral("Checking %1").arg(file->fileName()));
            checkValues(*file, false, problems, progress);
        }
    }
    m_precomputed->check(samples, problems, progress);
}

int RunFiles::write(Project &project, const QString &runName, int classes, const std::vector<int> &labels,
                    const std::vector<qint64> &fileRows, Progress &progress) const
{
    const int runId = addRunWithArrays(project, runName, classes, fileRows, progress);
    writeScores(project.database(), runId, classes, labels, fileRows, progress);
    return runId;
}

int RunFiles::addRunWithArrays(Project &project, const QString &runName, int classes,
                               const std::vector<qint64> &fileRows, Progress &progress) const
{
    SqliteDatabase &db = project.database();
    const int runId = project.addRun(runName, classes, scores()->fileName());
    const auto rowsOf = [&fileRows](const NpyFile &file) {
        return fileRows.empty() ? file.rows() : qint64(fileRows.size());
    };
    if (m_embeddings) {
        progress.setStep(QStringLiteral("Writing embeddings"));
        RunArrays(db, runId).write(RunArray::Embeddings, {rowsOf(*m_embeddings), m_embeddings->cols()},
                                   rowsInSampleOrder(*m_embeddings, fileRows), &progress);
    }
    if (m_coords) {
        progress.setStep(QStringLiteral("Writing coordinates"));
        RunArrays(db, runId).write(RunArray::ImportedCoords, {rowsOf(*m_coords), m_coords->cols()},
                                   rowsInSampleOrder(*m_coords, fileRows), &progress);
    }
    RunArrays arrays(db, runId);
    m_precomputed->write(arrays, fileRows, progress);
    if (m_history)
        writeHistory(db, runId, *m_history);
    return runId;
}

void RunFiles::writeScores(SqliteDatabase &db, int runId, int classes, const std::vector<int> &labels,
                           const std::vector<qint64> &fileRows, Progress &progress) const
{
    progress.setStep(QStringLiteral("Writing predictions"));
    writeProbabilities(db, runId, qint64(labels.size()), classes, labels,
                       probabilityRows(*scores(), usesLogits(), fileRows), progress);
}

qint64 RunFiles::commonRows() const
{
    qint64 rows = -1;
    for (const NpyFile *file : {scores(), embeddings(), coords()}) {
        if (!file)
            continue;
        if (rows >= 0 && file->rows() != rows)
            return -1;
        rows = file->rows();
    }
    return rows;
}

} // namespace loupe
