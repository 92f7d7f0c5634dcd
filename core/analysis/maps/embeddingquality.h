#pragma once

#include <QtGlobal>

#include <cstdint>

namespace loupe {

class Progress;

struct EmbeddingQualityParams
{
    /** k: neighbourhood size for both measures (sklearn's trustworthiness default is 5; 10 is common). */
    int neighbors = 10;
    /**
     * Points whose neighbourhoods are compared, drawn at random from the seed (all points
     * when rows <= queries). Each query costs one pass over all N high-dimensional vectors,
     * so 3,000 queries take ~1 s at 70,000 x 128 and ~15 s at 1,000,000 x 128 on 2 cores;
     * the standard error of either mean is ~0.002 at 3,000 queries.
     */
    qint64 queries = 3000;
    std::uint64_t seed = 1;
    /**
     * Above this many rows the measure runs on a uniform random sample of this size (both
     * spaces' neighbourhoods taken within the sample; 0 = never). A query's pass over all N
     * vectors is memory-bound: at 10,000,000 x 128 the 3,000 queries would stream 15 TB and
     * take longer than the map itself.
     */
    qint64 sampleRows = 200000;
    /** OpenMP threads; 0 = all. */
    int threads = 0;
};

/** How well a low-dimensional map keeps each point's high-dimensional neighbours. */
struct EmbeddingQuality
{
    /**
     * Trustworthiness (Venna & Kaski 2001), as sklearn.manifold.trustworthiness, estimated
     * on the query points: 1 - 2 / (m k (2n - 3k - 1)) * sum over queries i and over their
     * map neighbours j that are not among their k nearest in the original space of
     * (rank of j among i's original neighbours - k). 1 = no map neighbour is a stranger.
     * With every point as a query it equals sklearn's value (up to distance ties).
     */
    double trustworthiness = 0.0;
    /** Mean share of each query's k original-space neighbours that are among its k map neighbours. */
    double knnRecall = 0.0;
    qint64 queries = 0;
    int neighbors = 0;
    /** The points the measure ran on: rows, or sampleRows when rows exceeded it. */
    qint64 measuredRows = 0;
};

/**
 * Compares the neighbourhoods of rows points in high (rows x highDims, row-major, exact
 * Euclidean neighbours by blocked matrix products) and low (rows x lowDims, the map;
 * neighbours from a nanoflann kd-tree). Multi-threaded; throws Cancelled, and
 * loupe::Error when rows <= neighbors + 1 or a dimension is < 1.
 */
EmbeddingQuality measureEmbeddingQuality(const float *high, qint64 rows, int highDims, const float *low,
                                         int lowDims, const EmbeddingQualityParams &params,
                                         Progress &progress);

} // namespace loupe
