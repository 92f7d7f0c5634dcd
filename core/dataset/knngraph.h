#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

/**
 * The k nearest neighbours of every point of a set, excluding the point itself.
 *
 * Row i (indices[i * k .. i * k + k)) lists the neighbours of i nearest first; distances
 * are Euclidean (NOT squared). An exact duplicate of i appears as a neighbour at
 * distance 0. When the set has fewer than k + 1 points (or HNSW found fewer), the
 * row is padded with index -1 and distance +inf.
 */
struct KnnGraph
{
    qint64 n = 0;
    int k = 0;
    std::vector<qint32> indices;  // n x k, row-major
    std::vector<float> distances; // n x k, row-major, Euclidean

    const qint32 *neighbors(qint64 i) const { return indices.data() + i * k; }
    const float *neighborDistances(qint64 i) const { return distances.data() + i * k; }
};

} // namespace loupe
