#pragma once

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace loupe {

class ImportProblems;
class NpyFile;
class PrecomputedColumns;
class Progress;
class Project;
class SqliteDatabase;

/** A run's per-epoch metrics from history.csv; metrics[0] is "epoch". */
struct TrainingHistoryTable
{
    QStringList metrics;
    std::vector<std::vector<double>> rows;
};

/**
 * The files of one model run in a folder (docs/import-format.md): predictions.npy or
 * logits.npy, and optionally embeddings.npy, coords.npy, history.csv and analysis columns
 * computed elsewhere (PrecomputedColumns: kNN graph, clusters, issue scores). Shared by the
 * Loupe folder import (a new project) and `import-run` (another run of an existing one).
 *
 * The .npy files are memory-mapped; check() validates shapes and then every value in
 * blocks, collecting problems as `file:row: problem`; write() stores the run in one go.
 */
class RunFiles
{
public:
    /** Opens the run files present in folder; what cannot be read goes to problems. */
    RunFiles(const QString &folder, ImportProblems &problems);
    ~RunFiles();
    RunFiles(const RunFiles &) = delete;
    RunFiles &operator=(const RunFiles &) = delete;

    bool hasScores() const { return scores() != nullptr; }
    bool usesLogits() const { return !m_predictions && m_logits; }
    const NpyFile *scores() const { return m_predictions ? m_predictions.get() : m_logits.get(); }
    const NpyFile *embeddings() const { return m_embeddings.get(); }
    const NpyFile *coords() const { return m_coords.get(); }
    const std::optional<TrainingHistoryTable> &history() const { return m_history; }
    /** Conversions applied, for the import summary (e.g. softmax of logits). */
    QStringList notes() const;

    /**
     * Checks that each file has `samples` rows, the scores `classes` columns (classesOrigin
     * names where the classes come from, e.g. "classes.txt lists"), the coordinates two;
     * then, when those hold, every value (NaN, infinity, probability sums).
     */
    void check(qint64 samples, int classes, ImportProblems &problems, Progress &progress,
               const QString &classesOrigin = QStringLiteral("classes.txt lists")) const;

    /**
     * Adds a run named runName to db and stores its probabilities (with each sample's
     * predicted class, confidence, loss and margin against labels), embeddings, coordinates
     * and history. fileRows maps sample index -> row in the files (empty: the same order).
     * Returns the run id. The caller owns the transaction.
     */
    int write(Project &project, const QString &runName, int classes, const std::vector<int> &labels,
              const std::vector<qint64> &fileRows, Progress &progress) const;
    /**
     * write() in two halves, for an import that writes the arrays before it has read the
     * labels: addRunWithArrays() adds the run with its embeddings, coordinates, precomputed
     * columns and history (with an empty fileRows, each file's rows as they are: the caller
     * checks them against the samples before it commits), writeScores() its probabilities
     * and predictions rows, into the project or into StagedRows' scratch database. Returns
     * the run id.
     */
    int addRunWithArrays(Project &project, const QString &runName, int classes,
                         const std::vector<qint64> &fileRows, Progress &progress) const;
    void writeScores(SqliteDatabase &db, int runId, int classes, const std::vector<int> &labels,
                     const std::vector<qint64> &fileRows, Progress &progress) const;
    /** The files' common number of rows, or -1 when they differ (check() says how). */
    qint64 commonRows() const;

private:
    std::unique_ptr<NpyFile> m_predictions;
    std::unique_ptr<NpyFile> m_logits;
    std::unique_ptr<NpyFile> m_embeddings;
    std::unique_ptr<NpyFile> m_coords;
    std::optional<TrainingHistoryTable> m_history;
    std::unique_ptr<PrecomputedColumns> m_precomputed; // knn_indices.npy, clusters.npy, ...
};

} // namespace loupe
