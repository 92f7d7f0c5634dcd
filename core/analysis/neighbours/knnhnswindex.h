#pragma once

#include "analysis/neighbours/nearestneighbors.h"

#include <QByteArray>
#include <QtGlobal>

#include <memory>
#include <vector>

namespace hnswlib {
class L2Space;
template<typename dist_t> class HierarchicalNSW;
} // namespace hnswlib

namespace loupe {

class Progress;

/**
 * An hnswlib HNSW graph over float32 vectors with L2 distance, labelled by row index.
 *
 * Wraps the hnswlib 0.6.2 calls NearestNeighbors needs: a multi-threaded build
 * (addPoint from the OpenMP threads, which hnswlib supports), searches that return
 * Euclidean distances nearest first, an exact scan of the stored vectors for very
 * selective filters, and save/load through a temporary file because 0.6.2's
 * saveIndex()/loadIndex() only take a path.
 */
class KnnHnswIndex
{
public:
    /** Builds the graph over n rows of d floats; progress covers [from, to]. */
    KnnHnswIndex(const float *data, qint64 n, int d, const KnnParams &params, Progress &progress,
                 double from = 0.0, double to = 1.0);
    ~KnnHnswIndex();
    KnnHnswIndex(const KnnHnswIndex &) = delete;
    KnnHnswIndex &operator=(const KnnHnswIndex &) = delete;

    /** Restores a graph written by save() for d-dimensional vectors; throws loupe::Error. */
    static std::unique_ptr<KnnHnswIndex> load(const QByteArray &bytes, int d);
    QByteArray save() const;

    qint64 size() const;
    /** Sets the search candidate list size; not thread-safe against running searches. */
    void setEf(int ef);

    /** The `count` nearest graph results (count also acts as ef when larger), nearest first. */
    std::vector<Neighbor> search(const float *query, qint64 count) const;
    /** The `count` nearest to an indexed sample (itself included), searching from its own node. */
    std::vector<Neighbor> searchFromSample(qint64 sample, qint64 count) const;
    /** Exact scan over the stored vectors of the accepted samples. */
    std::vector<Neighbor> scan(const float *query, int k, const NearestNeighbors::Accept &accept) const;
    /** The stored vector of a sample. */
    std::vector<float> vector(qint64 sample) const;

private:
    explicit KnnHnswIndex(int d);

    int m_d;
    std::unique_ptr<hnswlib::L2Space> m_space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> m_graph;
};

} // namespace loupe
