#pragma once

#include "analysis/nearestneighbors.h"

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
