#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;

/** Parameters of DensityClustering; 0 means "choose from the number of points". */
struct DensityClusteringParams
{
    /**
     * The smallest group reported as a cluster; smaller groups that split off are noise.
     * 0: DensityClustering::automaticMinClusterSize(points). At least 2.
     */
    int minClusterSize = 0;
    /**
     * Neighbours (the point itself included) whose farthest distance is a point's core
     * distance, i.e. how conservative the density estimate is. 0: min(10, minClusterSize),
     * the value the UMAP documentation uses to cluster MNIST maps with HDBSCAN; larger values
     * mark more points as noise and cost more neighbour queries.
     */
    int minSamples = 0;
    /** Let the whole map be one cluster when it has no stable split (HDBSCAN's allow_single_cluster). */
    bool allowSingleCluster = false;

    /**
     * Which clusters of the condensed tree are reported. ExcessOfMass (HDBSCAN's default)
     * keeps the most persistent ones, which on a UMAP map mostly follow the class islands;
     * Leaf keeps the finest ones (more, smaller and more uniform clusters, more noise).
     */
    enum class Selection { ExcessOfMass, Leaf };
    Selection selection = Selection::ExcessOfMass;
};

/** Cluster labels of the 2-D map's points. */
struct DensityClusteringResult
{
    /** Per point: a cluster in [0, clusterCount), numbered by decreasing size, or -1 for noise. */
    std::vector<int> labels;
    /**
     * Per point, in [0, 1]: how deep inside its cluster it is (HDBSCAN's probability: the
     * density level at which it leaves the cluster over the cluster's highest); 0 for noise.
     */
    std::vector<float> membership;
    int clusterCount = 0;
    std::vector<qint64> sizes;     ///< points per cluster
    std::vector<double> stability; ///< per cluster: its excess of mass, the selection criterion
    qint64 noise = 0;              ///< points labelled -1
    int minClusterSize = 0;        ///< the values used (after automatic choice)
    int minSamples = 0;
};

/**
 * HDBSCAN (Campello, Moulavi & Sander 2013; McInnes & Healy 2017) on the 2-D embedding map,
 * for failure clusters of any shape.
 *
 * Steps: core distances from nanoflann kd-tree k-NN queries; the minimum spanning tree of
 * the mutual reachability distance max(core(a), core(b), |a - b|) by Boruvka, where each
 * point's nearest point of another component is searched in the same kd-tree with subtrees
 * pruned when they lie wholly in the query's component or beyond the component's best edge;
 * then the single-linkage hierarchy, the tree condensed by minClusterSize, and the clusters
 * of largest excess of mass ("eom"). Results are exact HDBSCAN and do not depend on the
 * number of threads (ties are broken by point order).
 *
 * Noise is labelled -1. Without any split of at least two groups of minClusterSize points
 * every point is noise, unless allowSingleCluster.
 */
class DensityClustering
{
public:
    explicit DensityClustering(DensityClusteringParams params = {});

    /**
     * Clusters count points given as x, y pairs (count x 2 floats, row-major). Throws
     * loupe::Error on a non-finite coordinate, Cancelled on cancel.
     */
    DensityClusteringResult run(const float *points, qint64 count, Progress &progress) const;

    /**
     * max(10, round(sqrt(count) / 2)): 132 at 70k points, 500 at 1M. Failure clusters must be
     * big enough to test an error rate and few enough to review; like KMeans::automaticK this
     * grows with sqrt(N), with clusters about a third of the k-means average size, since
     * HDBSCAN only reports groups that stand out from their surroundings.
     */
    static int automaticMinClusterSize(qint64 count);

private:
    DensityClusteringParams m_params;
};

} // namespace loupe
