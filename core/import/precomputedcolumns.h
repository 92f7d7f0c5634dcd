#pragma once

#include "storage/arraystore.h"

#include <QString>

#include <memory>
#include <vector>

namespace loupe {

class ImportProblems;
class NpyFile;
class Progress;
class RunArrays;

/**
 * Analysis columns computed outside Loupe, e.g. by a Spark or Ray job running the same
 * algorithms on partitions of a dataset too large for one machine (docs/scale.md). They sit
 * in the run folder beside predictions.npy, one row per sample in the samples' order:
 *
 * - knn_indices.npy (N x k, integers; -1 pads a row with fewer neighbours) with
 *   knn_distances.npy (N x k, Euclidean distances, >= 0): the kNN graph;
 * - clusters.npy (N, integer ids; -1 for none): the failure clusters' grouping;
 * - issue_scores.npy (N, in [0, 1], higher = likelier a label error; NaN for none).
 *
 * (The map's coordinates, coords.npy, are read with the run's other files.) The analysis
 * uses what is there instead of computing it, and computes what depends on it (the ranks,
 * severities and descriptions of the clusters, the flags of the label issues) as it does
 * for its own.
 */
class PrecomputedColumns
{
public:
    /** Opens those of the files present in folder; what cannot be read goes to problems. */
    PrecomputedColumns(const QString &folder, ImportProblems &problems);
    ~PrecomputedColumns();
    PrecomputedColumns(const PrecomputedColumns &) = delete;
    PrecomputedColumns &operator=(const PrecomputedColumns &) = delete;

    bool isEmpty() const;
    /** The files present, for the import summary. */
    QStringList fileNames() const;

    /** Checks shapes against `samples` rows, then every value; problems as `file: row R: ...`. */
    void check(qint64 samples, ImportProblems &problems, Progress &progress) const;
    /** Stores the columns as the run's imported arrays; fileRows as in RunFiles::write. */
    void write(RunArrays &arrays, const std::vector<qint64> &fileRows, Progress &progress) const;

private:
    void checkShapes(qint64 samples, ImportProblems &problems) const;

    std::unique_ptr<NpyFile> m_knnIndices;
    std::unique_ptr<NpyFile> m_knnDistances;
    std::unique_ptr<NpyFile> m_clusters;
    std::unique_ptr<NpyFile> m_issueScores;
};

/** Reads file's rows in sample order: fileRows maps sample -> file row (empty: the same order). */
ArrayStore::RowSource rowsInSampleOrder(const NpyFile &file, const std::vector<qint64> &fileRows);

} // namespace loupe
