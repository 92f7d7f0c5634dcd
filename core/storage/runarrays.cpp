#include "storage/runarrays.h"

#include "common/error.h"

namespace loupe {

RunArrays::RunArrays(SqliteDatabase &db, int runId) : m_store(db), m_runId(runId) {}

QString RunArrays::name(RunArray array)
{
    switch (array) {
    case RunArray::Probabilities:
        return QStringLiteral("probabilities");
    case RunArray::Embeddings:
        return QStringLiteral("embeddings");
    case RunArray::ImportedCoords:
        return QStringLiteral("coords");
    case RunArray::UmapCoords:
        return QStringLiteral("umap");
    case RunArray::KnnIndices:
        return QStringLiteral("knn_indices");
    case RunArray::KnnDistances:
        return QStringLiteral("knn_distances");
    case RunArray::ImportedKnnIndices:
        return QStringLiteral("imported_knn_indices");
    case RunArray::ImportedKnnDistances:
        return QStringLiteral("imported_knn_distances");
    case RunArray::ImportedClusters:
        return QStringLiteral("imported_clusters");
    case RunArray::ImportedIssueScores:
        return QStringLiteral("imported_issue_scores");
    }
    Q_UNREACHABLE();
}

std::optional<ArrayStore::Shape> RunArrays::shape(RunArray array) const
{
    return m_store.shape(m_runId, name(array));
}

std::vector<float> RunArrays::read(RunArray array) const
{
    return m_store.readAll(m_runId, name(array));
}

std::vector<float> RunArrays::readRow(RunArray array, qint64 row) const
{
    return m_store.readRow(m_runId, name(array), row);
}

void RunArrays::forEachChunk(RunArray array, const ArrayStore::ChunkVisitor &visit) const
{
    m_store.forEachChunk(m_runId, name(array), visit);
}

void RunArrays::write(RunArray array, ArrayStore::Shape shape, const ArrayStore::RowSource &source,
                      Progress *progress)
{
    m_store.write(m_runId, name(array), shape, source, progress);
}

void RunArrays::write(RunArray array, const std::vector<float> &values, qint64 cols, Progress *progress)
{
    const qint64 rows = cols > 0 ? qint64(values.size()) / cols : 0;
    write(
        array, {rows, cols},
        [&values, cols](qint64 first, qint64 count, float *out) {
            std::copy_n(values.data() + first * cols, count * cols, out);
        },
        progress);
}

std::optional<KnnGraph> RunArrays::knnIndices(qint64 samples) const
{
    const RunArray array = knnIndicesArray();
    const auto stored = shape(array);
    if (!stored || stored->rows != samples)
        return std::nullopt;
    KnnGraph graph;
    graph.n = stored->rows;
    graph.k = int(stored->cols);
    const std::vector<float> indices = read(array);
    graph.indices.assign(indices.begin(), indices.end());
    return graph;
}

std::optional<KnnGraph> RunArrays::knnGraph(qint64 samples) const
{
    std::optional<KnnGraph> graph = knnIndices(samples);
    if (graph)
        graph->distances = read(knnDistancesArray());
    return graph;
}

void RunArrays::writeKnnGraph(const KnnGraph &graph, Progress *progress)
{
    const std::vector<float> indices(graph.indices.begin(), graph.indices.end());
    write(RunArray::KnnIndices, indices, graph.k, progress);
    write(RunArray::KnnDistances, graph.distances, graph.k, progress);
}

std::optional<RunArrays::KnnRow> RunArrays::knnRow(qint64 sample) const
{
    const auto stored = shape(knnIndicesArray());
    if (!stored || sample < 0 || sample >= stored->rows)
        return std::nullopt;
    return KnnRow{readRow(knnIndicesArray(), sample), readRow(knnDistancesArray(), sample)};
}

std::vector<qint64> RunArrays::neighbours(qint64 sample) const
{
    std::vector<qint64> result;
    for (const float index : readRow(knnIndicesArray(), sample)) {
        if (index >= 0.0f)
            result.push_back(qint64(index));
    }
    return result;
}

RunArray RunArrays::knnIndicesArray() const
{
    return hasImportedKnnGraph() ? RunArray::ImportedKnnIndices : RunArray::KnnIndices;
}

RunArray RunArrays::knnDistancesArray() const
{
    return hasImportedKnnGraph() ? RunArray::ImportedKnnDistances : RunArray::KnnDistances;
}

std::optional<RunArray> RunArrays::mapArray(qint64 samples) const
{
    for (const RunArray array : {RunArray::ImportedCoords, RunArray::UmapCoords}) {
        const auto stored = shape(array);
        if (stored && stored->rows == samples && stored->cols == 2)
            return array;
    }
    return std::nullopt;
}

} // namespace loupe
