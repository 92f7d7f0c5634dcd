#pragma once

#include "dataset/knngraph.h"
#include "storage/arraystore.h"

#include <optional>
#include <vector>

namespace loupe {

class Progress;
class SqliteDatabase;

/** The dense arrays a prediction run can have (docs/project-format.md, table `arrays`). */
enum class RunArray {
    Probabilities,  ///< samples x classes: the model's class probabilities (imported)
    Embeddings,     ///< samples x dimensions: the model's embeddings (imported)
    ImportedCoords, ///< samples x 2: a map imported with the run (coords.npy)
    UmapCoords,     ///< samples x 2: the map the analysis computed
    KnnIndices,     ///< samples x k: the analysis's nearest neighbours, as float32 sample indices
    KnnDistances,   ///< samples x k: their Euclidean distances
    // Columns computed elsewhere (a Spark or Ray job; docs/scale.md), imported with the run.
    // The analysis uses them instead of computing its own.
    ImportedKnnIndices,   ///< samples x k: knn_indices.npy, as float32 sample indices, -1 for none
    ImportedKnnDistances, ///< samples x k: knn_distances.npy, Euclidean
    ImportedClusters,     ///< samples x 1: clusters.npy, a cluster id per sample, -1 for none
    ImportedIssueScores,  ///< samples x 1: issue_scores.npy, higher = likelier a label error
};

/**
 * Typed access to one run's stored arrays: the only place that knows their names in the
 * project file. Reads throw loupe::Error on a damaged file; writes belong in a transaction.
 */
class RunArrays
{
public:
    RunArrays(SqliteDatabase &db, int runId);

    /** The name stored in `arrays.name` (docs/project-format.md). */
    static QString name(RunArray array);

    int runId() const { return m_runId; }
    bool has(RunArray array) const { return shape(array).has_value(); }
    std::optional<ArrayStore::Shape> shape(RunArray array) const;
    /** The whole array, row-major; empty when absent. */
    std::vector<float> read(RunArray array) const;
    /** One row; throws loupe::Error when the array or row does not exist. */
    std::vector<float> readRow(RunArray array, qint64 row) const;
    /** ArrayStore::forEachChunk() of the array. */
    void forEachChunk(RunArray array, const ArrayStore::ChunkVisitor &visit) const;
    void write(RunArray array, ArrayStore::Shape shape, const ArrayStore::RowSource &source,
               Progress *progress = nullptr);
    /** Writes values (rows x cols, row-major). */
    void write(RunArray array, const std::vector<float> &values, qint64 cols, Progress *progress = nullptr);

    /**
     * The stored kNN graph when it has one row per sample (samples rows), else nullopt: the
     * imported one when the run has it, else the analysis's. Indices are stored as float32:
     * exact below 2^24 (16.7 million) samples.
     */
    std::optional<KnnGraph> knnGraph(qint64 samples) const;
    /** The same without the distances (half the reading), for who only needs who is whose neighbour. */
    std::optional<KnnGraph> knnIndices(qint64 samples) const;
    void writeKnnGraph(const KnnGraph &graph, Progress *progress = nullptr);
    /** Whether the kNN graph came with the run (knn_indices.npy) rather than from the analysis. */
    bool hasImportedKnnGraph() const { return has(RunArray::ImportedKnnIndices); }
    /** One row of the graph: indices as stored (-1 padding included) and distances. */
    struct KnnRow
    {
        std::vector<float> indices;
        std::vector<float> distances;
    };
    /** sample's row of the kNN graph; nullopt when the run has no graph that reaches it. */
    std::optional<KnnRow> knnRow(qint64 sample) const;
    /** One sample's neighbours, nearest first, without the -1 padding. */
    std::vector<qint64> neighbours(qint64 sample) const;

    /** The map shown for the run: imported coordinates when present, else the computed UMAP. */
    std::optional<RunArray> mapArray(qint64 samples) const;

private:
    RunArray knnIndicesArray() const;
    RunArray knnDistancesArray() const;

    ArrayStore m_store;
    int m_runId;
};

} // namespace loupe
