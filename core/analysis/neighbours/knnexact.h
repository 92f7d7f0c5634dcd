#pragma once

#include "analysis/neighbours/nearestneighbors.h"

#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;

/**
 * Exact Euclidean kNN kernels behind NearestNeighbors and allNearestNeighbors().
 *
 * Distances are computed as ||x||^2 + ||y||^2 - 2 x.y so that the bulk of the work is
 * one matrix product per tile (Eigen GEMM), then the final k of each row are
 * recomputed directly as ||x - y|| so that near-duplicates get accurate small
 * distances instead of float cancellation noise.
 */

/**
 * Rows taking part in a tile search: count contiguous row-major d-vectors, their
 * squared norms and their sample ids (ids[r], or firstId + r when ids is null).
 */
struct KnnRows
{
    const float *vectors = nullptr;
    const float *norms = nullptr;
    const qint32 *ids = nullptr;
    qint32 firstId = 0;
    qint64 count = 0;

    qint32 id(qint64 r) const { return ids ? ids[r] : firstId + qint32(r); }
};

/**
 * For each query row, its k nearest candidates (a candidate with the query's own id is
 * skipped), nearest first, written to outIndices/outDistances + r * k as sample ids
 * and Euclidean distances recomputed from data (the full n x d matrix, by sample id).
 * Slots beyond the candidates found are left as they were. Single-threaded: callers
 * run it per tile or per cell on their own threads.
 */
void knnBlockNeighbors(const KnnRows &queries, const KnnRows &candidates, int d, int k, const float *data,
                       qint32 *outIndices, float *outDistances);

/** Squared L2 norm of each of the n rows. */
std::vector<float> knnSquaredNorms(const float *data, qint64 n, int d);

/** The exact kNN graph (self excluded), tiles of rows spread over the OpenMP threads. */
KnnGraph knnExactGraph(const float *data, qint64 n, int d, int k, Progress &progress);

/** The k accepted rows nearest to query, nearest first; norms from knnSquaredNorms(). */
std::vector<Neighbor> knnExactQuery(const float *data, const float *norms, qint64 n, int d,
                                    const float *query, int k, const NearestNeighbors::Accept &accept);

/** Euclidean distance between two d-vectors, computed directly. */
float knnDistance(const float *a, const float *b, int d);

} // namespace loupe
