#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;
struct KnnGraph;

/**
 * The 1-skeleton of UMAP's fuzzy simplicial set: a weighted, symmetric graph stored as
 * a compressed sparse row edge list (edges of vertex i are rowStart[i] .. rowStart[i+1]),
 * sorted by head then tail. Both directions of an undirected edge are stored, each with
 * the same weight, as umap-learn's COO matrix does: the layout samples each direction
 * on its own schedule.
 */
struct UmapGraph
{
    qint64 vertices = 0;
    std::vector<qint64> rowStart; // vertices + 1
    std::vector<qint32> tails;    // edges
    std::vector<float> weights;   // edges, in (0, 1]

    qint64 edges() const { return qint64(tails.size()); }
};

/** Parameters of the high-dimensional fuzzy set (names as in umap-learn). */
struct UmapGraphParams
{
    /**
     * Number of local neighbours the membership of each point sums to in log2: the target
     * is log2(neighbors). umap-learn counts the point itself among its n_neighbors, so a
     * KnnGraph (self excluded) of neighbors - 1 columns gives the same fuzzy set.
     */
    int neighbors = 15;
    /** Neighbours assumed fully connected (membership 1): the distance rho subtracted. */
    double localConnectivity = 1.0;
    /** 1 = fuzzy union (a + b - ab) of the two directed memberships, 0 = intersection (ab). */
    double setOpMixRatio = 1.0;
    /** OpenMP threads; 0 = all. */
    int threads = 0;
};

/**
 * umap-learn's smooth_knn_dist for one row of k ascending neighbour distances: rho, the
 * local connectivity distance, and sigma, found by binary search so that
 * sum_j exp(-max(0, d_j - rho) / sigma) = target (64 steps, tolerance 1e-5). sigma is
 * floored at 1e-3 times the row's mean distance (fallbackMean when rho is 0), so that
 * a point whose neighbours are all at the same distance still gets a finite scale.
 * Infinite distances (padding) are ignored.
 */
struct UmapLocalScale
{
    float rho = 0.0f;
    float sigma = 1.0f;
};
UmapLocalScale smoothKnnScale(const float *distances, int k, double target, double localConnectivity,
                              double fallbackMean);

/** Membership of a neighbour at distance d: exp(-(d - rho) / sigma), 1 within rho. */
float umapMembership(float distance, const UmapLocalScale &scale);

/**
 * Builds the fuzzy simplicial set of a kNN graph (McInnes, Healy, Melville 2018, sec. 3.1;
 * umap-learn's fuzzy_simplicial_set): per-point smooth kNN scales, directed memberships,
 * then the fuzzy union with the transpose. Multi-threaded; O(n k) memory and time plus a
 * per-row sort of k entries. Throws Cancelled.
 */
UmapGraph fuzzySimplicialSet(const KnnGraph &knn, const UmapGraphParams &params, Progress &progress);

} // namespace loupe
