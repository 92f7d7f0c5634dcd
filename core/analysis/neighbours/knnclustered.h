#pragma once

#include "analysis/neighbours/nearestneighbors.h"

#include <QtGlobal>

namespace loupe {

class Progress;

/**
 * An approximate all-points kNN graph built from dense matrix products, for large n.
 *
 * The points are split into cells of about params.clusterSize points by k-means
 * (trained on a sample), and
 * every cell's points are compared exactly (blocked GEMM, as in the exact search) with
 * the points of the params.clusterProbes cells whose centroids are nearest to the
 * cell's centroid. One pass of "neighbours of neighbours" then repairs rows whose true
 * neighbours sat in a cell that was not probed.
 *
 * Why not only HNSW: hnswlib inserts one point at a time with a beam search of
 * efConstruction candidates, i.e. millions of random memory accesses, and takes about
 * 570 CPU seconds for 1M x 128 here; this does the same work as a few hundred large
 * GEMMs. Deterministic for a given seed (the k-means sample and initialisation).
 */
KnnGraph knnClusteredGraph(const float *data, qint64 n, int d, int k, const KnnParams &params,
                           Progress &progress);

} // namespace loupe
