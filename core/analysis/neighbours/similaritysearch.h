#pragma once

#include "analysis/neighbours/nearestneighbors.h"

#include <QtGlobal>

#include <functional>

#include <vector>

namespace loupe {

struct SampleTable;

/**
 * "Find more like this": the samples whose embeddings are nearest to one sample or to
 * the centroid (mean vector) of a selection.
 *
 * Works over a NearestNeighbors index built on the run's embeddings (exact or HNSW,
 * whichever it was built as) and takes its query vectors from the index, so it needs
 * nothing else. The query samples themselves are never returned. The index must
 * outlive the search.
 */
class SimilaritySearch
{
public:
    using Accept = NearestNeighbors::Accept;

    explicit SimilaritySearch(const NearestNeighbors &index);

    /**
     * The k samples nearest to the centroid of samples (one sample: its own vector),
     * nearest first with Euclidean distances to that centroid, excluding samples.
     * accept, when set, restricts the results (e.g. to a split or to unlabeled samples:
     * see restrictTo()). Throws loupe::Error when samples is empty or holds an index
     * outside the index's range.
     */
    std::vector<Neighbor> findSimilar(const std::vector<qint64> &samples, int k,
                                      const Accept &accept = {}) const;

    /** The k accepted samples nearest to an arbitrary d-dimensional vector. */
    std::vector<Neighbor> findSimilarTo(const std::vector<float> &vector, int k,
                                        const Accept &accept = {}) const;

    /** The mean of the samples' vectors; throws loupe::Error like findSimilar(). */
    std::vector<float> centroid(const std::vector<qint64> &samples) const;

    /**
     * A filter over table's samples: only split splitIndex (an index into
     * table.splitNames; -1 = any split) and, with unlabeledOnly, only samples without a
     * label. Returns an empty Accept (no filter) when neither restriction applies. The
     * filter refers to table, which must outlive it.
     */
    static Accept restrictTo(const SampleTable &table, int splitIndex, bool unlabeledOnly);

    /** A rows x dims matrix read in order, a chunk at a time (the run's stored embeddings, say). */
    struct ChunkedMatrix
    {
        qint64 rows = 0;
        int dims = 0;
        /** One row (dims values). */
        std::function<std::vector<float>(qint64 row)> readRow;
        /** Hands every chunk, in row order, to the visitor: first row, rows, row-major values. */
        std::function<void(const std::function<void(qint64, qint64, const float *)> &)> forEachChunk;
    };

    /**
     * What findSimilar() finds over an exact index of the matrix, by one pass over its chunks,
     * without an index: memory stays flat whatever the size of the matrix. For one query; an
     * index pays when many queries follow. `loupe-cli similar` at 10M x 128 read the matrix
     * into an index first: 37.5 s and 6.6 GiB. Throws loupe::Error as findSimilar() does.
     */
    static std::vector<Neighbor> scanChunks(const ChunkedMatrix &matrix, const std::vector<qint64> &samples,
                                            int k, const Accept &accept = {});

private:
    const NearestNeighbors &m_index;
};

} // namespace loupe
