#pragma once

#include "dataset/knngraph.h"

#include <QByteArray>
#include <QtGlobal>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

namespace loupe {

class Progress;

/**
 * How to find nearest neighbours. Distances are Euclidean (L2) everywhere.
 *
 * Exact search is a blocked matrix product (||x||^2 + ||y||^2 - 2 x.y in tiles) and is
 * deterministic. HNSW (hnswlib) is approximate and, because its graph is built by
 * several threads, not bit-for-bit reproducible from run to run even with the same
 * seed. Clustered (all-points graphs only, knnclustered.h) is approximate, built from
 * matrix products over k-means cells, and deterministic for a seed.
 *
 * Auto: exact up to exactMaxRows points; beyond, the all-points graph is Clustered and
 * an index for single queries (NearestNeighbors) is HNSW.
 */
struct KnnParams
{
    enum class Method { Auto, Exact, Hnsw, Clustered };

    Method method = Method::Auto;
    /**
     * Auto uses exact search for n <= exactMaxRows. Measured CPU time of the k = 10 graph
     * of the demo embeddings (128 dims), exact / HNSW: 0.8 at 10k, 1.2 at 20k, 1.7 at
     * 30k, 1.9 at 40k (exact grows as n^2, HNSW as about n log n). 20,000 keeps exact,
     * deterministic results where they cost at most ~1.2x, about half a second.
     */
    qint64 exactMaxRows = 20000;
    /** HNSW: links per node (hnswlib's M). 16 is the usual trade-off for 64-256 dims. */
    int hnswM = 16;
    /** HNSW: candidate list size while building; higher = better graph, slower build. */
    int hnswEfConstruction = 200;
    /**
     * HNSW: candidate list size while searching (at least k is always used). Higher =
     * better recall, slower queries. 0 = defaultEfSearch.
     */
    int hnswEfSearch = 0;
    /** HNSW level generator seed; Clustered: k-means sample and initialisation seed. */
    quint64 seed = 100;

    /**
     * Clustered: points per k-means cell (cells = n / clusterSize). A fixed size, not
     * sqrt(n) cells: the k nearest neighbours fill a fixed share of a cell of fixed
     * size whatever n is, so recall holds at a fixed clusterProbes and the cost grows
     * as n rather than n^1.5.
     */
    int clusterSize = 512;
    /**
     * Clustered: each cell's points are compared with the points of this many cells
     * (its own and the nearest by centroid). Cost grows linearly, recall saturates.
     * Measured with one refinement pass (bench/knnbench.cpp, k = 15): the demo (70k x
     * 128) recall 0.992 in 2.8 s against 19.9 s exact; the synthetic 1M x 128 mixture
     * recall 0.88 / 0.96 / 0.995 at 8 / 12 / 16 probes in 47 / 58 / 90 s, against HNSW
     * (recall 0.995) in 220 s. With the AVX2 product (issue 14) a probe costs less, so 14:
     * chosen on the demo of seed 1 (`loupe-cli demo DIR --seed 1 --model-seed 1`), where 12
     * reached recall 0.980 and 14 0.987 (sample of 2,000) at the same time within noise; on the
     * standard demo 14 gives 0.982 in 1.39 s (12: 0.978 in 1.47 s).
     */
    int clusterProbes = 14;
    /** Clustered: Lloyd iterations of the k-means that makes the cells. */
    int clusterIterations = 8;
    /**
     * Clustered: from this many cells on (0: never), the cells are made in two levels: about
     * sqrt(cells) groups by k-means, then each group's points split into cells by a k-means of
     * their own, so each point is compared with sqrt(cells) + its group's cells' centroids
     * instead of every centroid. Flat k-means costs n x cells distances, which at 10M points
     * (19,531 cells) was most of a 31-minute graph; 1,024 keeps the demo (136 cells) flat.
     */
    qint64 clusterTwoLevelFrom = 1024;
    /** Clustered: passes of "neighbours of neighbours" refinement after the cell search. */
    int clusterRefinePasses = 1;

    /**
     * The efSearch used when hnswEfSearch is 0. Recall@10 at 32 on the Fashion-MNIST demo
     * embeddings (70k x 128): 0.9997 for the all-points graph, 0.998 for queries by an
     * outside vector; 64 buys +0.001 on the latter for 1.7x the query time.
     */
    static constexpr int defaultEfSearch = 32;
    int efSearch(int k) const { return std::max(k, hnswEfSearch > 0 ? hnswEfSearch : defaultEfSearch); }
};

/**
 * The kNN graph of n row-major float32 vectors of d dimensions (used by UMAP,
 * label-quality neighbour signals and outlier scores).
 *
 * Multi-threaded (OpenMP); reports progress in [0, 1] and throws Cancelled. Throws
 * loupe::Error when n exceeds 2^31 - 1 or d < 1 or k < 1. With HNSW each point's
 * search starts from its own node rather than the graph's entry point, which keeps
 * isolated points (outliers) from ending in the wrong region.
 */
KnnGraph allNearestNeighbors(const float *data, qint64 n, int d, int k, const KnnParams &params,
                             Progress &progress);

/** One search result: a sample index (row of the indexed data) and its Euclidean distance. */
struct Neighbor
{
    qint64 sample = -1;
    float distance = 0.0f;
};

class KnnHnswIndex;

/**
 * A nearest-neighbour index over n row-major float32 vectors of d dimensions, built
 * once and queried many times ("find more like this", near-duplicate search).
 *
 * The index keeps its own copy of the vectors (exact) or its HNSW graph with the
 * vectors inside (approximate), so the caller's buffer may be freed after construction.
 * query() is const and safe to call from several threads at once.
 */
class NearestNeighbors
{
public:
    using Accept = std::function<bool(qint64 sample)>;

    /** Builds the index (the HNSW build is multi-threaded); throws Cancelled and loupe::Error. */
    NearestNeighbors(const float *data, qint64 n, int d, const KnnParams &params, Progress &progress);
    /**
     * The same from an n x d matrix the index may keep: an exact index takes it over instead
     * of copying it (at 1,000,000 x 128 that is 512 MB less at peak); HNSW reads it and drops it.
     */
    NearestNeighbors(std::vector<float> &&data, qint64 n, int d, const KnnParams &params, Progress &progress);
    ~NearestNeighbors();
    NearestNeighbors(NearestNeighbors &&) noexcept;
    NearestNeighbors &operator=(NearestNeighbors &&) noexcept;
    NearestNeighbors(const NearestNeighbors &) = delete;
    NearestNeighbors &operator=(const NearestNeighbors &) = delete;

    qint64 size() const { return m_n; }
    int dimensions() const { return m_d; }
    bool isExact() const { return m_hnsw == nullptr; }

    /**
     * The k indexed samples nearest to vector (d floats), nearest first, Euclidean
     * distances. With accept, only samples for which accept(sample) is true are returned;
     * fewer than k come back only when fewer than k samples are accepted at all.
     * HNSW with a filter over-fetches (hnswlib 0.6.2 has no filter functor), growing the
     * candidate list, and falls back to an exact scan of the accepted samples when the
     * filter is so selective that the graph search would cost more than the scan.
     * accept may be called from several threads when queries run concurrently.
     */
    std::vector<Neighbor> query(const float *vector, int k, const Accept &accept = {}) const;

    /** The stored vector of a sample (d floats), for queries by an indexed sample. */
    std::vector<float> vector(qint64 sample) const;

    /** HNSW: changes the search candidate list size; not thread-safe against running queries. */
    void setEfSearch(int ef);
    int efSearch() const { return m_efSearch; }

    /**
     * The index as bytes, to store a built HNSW graph in the project instead of
     * rebuilding it (a 70k x 128 build takes ~10 s on 2 cores; loading well under 1 s).
     * Format: "LPNN" magic, version, method, n, d, efSearch, payload size, payload
     * CRC-32, then the payload: the raw vectors (exact) or hnswlib's saveIndex() bytes
     * (HNSW). Not portable across endianness.
     */
    QByteArray serialize() const;
    /** Restores an index written by serialize(); throws loupe::Error on corrupt input. */
    static NearestNeighbors deserialize(const QByteArray &bytes);

private:
    NearestNeighbors() = default;
    std::vector<Neighbor> queryExact(const float *vector, int k, const Accept &accept) const;
    std::vector<Neighbor> queryHnsw(const float *vector, int k, const Accept &accept) const;

    qint64 m_n = 0;
    int m_d = 0;
    int m_efSearch = KnnParams::defaultEfSearch;
    std::vector<float> m_data;  // exact only: n x d, row-major
    std::vector<float> m_norms; // exact only: squared norms of the rows
    std::unique_ptr<KnnHnswIndex> m_hnsw;
};

} // namespace loupe
