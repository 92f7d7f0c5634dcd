#pragma once

#include "analysis/maps/umaplayout.h"
#include "analysis/neighbours/nearestneighbors.h"

#include <QtGlobal>

#include <cstdint>
#include <vector>

namespace loupe {

class Progress;

/** KnnParams with the faster HNSW build UMAP's default uses. */
KnnParams umapKnnDefaults();

/**
 * Parameters of the 2-D map. Defaults follow umap-learn (n_neighbors 15, min_dist 0.1,
 * spread 1, 500 epochs up to 10,000 points, negative sampling rate 5) so that its
 * documentation and intuitions carry over; the rest are Loupe's speed choices, each
 * measured against umap-learn's trustworthiness (bench/umap-vs-umap-learn).
 */
struct UmapParams
{
    enum class Init {
        /**
         * The first two principal components, rescaled to [0, 10] per axis like every
         * umap-learn initialisation. umap-learn's default is the spectral embedding of the
         * graph, which needs an eigensolver over an n x n sparse Laplacian (seconds to
         * minutes); PCA is already computed for the kNN search, costs nothing more, is
         * deterministic, and preserves global structure as well (Kobak & Linderman 2021,
         * "Initialization is critical for preserving global data structure in both t-SNE
         * and UMAP"). On the demo the map's trustworthiness is within 0.001 of umap-learn's
         * spectral-initialised one (bench/umap-vs-umap-learn).
         */
        Pca,
        /** Uniform in [0, 10]^2 from the seed; for tests and comparisons. */
        Random,
    };

    /** Neighbourhood size, counting the point itself as umap-learn does (so k = neighbors - 1). */
    int neighbors = 15;
    /** Minimum distance between points in the map: smaller packs clusters tighter. */
    double minDist = 0.1;
    double spread = 1.0;
    /**
     * SGD epochs; 0 = 500 up to 10,000 fitted points (umap-learn's default) and 150 beyond
     * (umap-learn: 200). Chosen on the demo of seed 1 (`loupe-cli demo DIR --seed 1
     * --model-seed 1`, loupe-umap-bench --epochs): trustworthiness 0.9823 at 200 epochs,
     * 0.9822 at 150, 0.9806 at 120, with the layout a quarter shorter at 150.
     */
    int epochs = 0;
    double learningRate = 1.0;
    int negativeSampleRate = 5;
    double repulsionStrength = 1.0;
    double localConnectivity = 1.0;
    double setOpMixRatio = 1.0;
    Init init = Init::Pca;
    /**
     * The kNN graph is searched on the data projected on this many principal components
     * (0 = on the raw vectors). Embeddings from a network concentrate their variance in
     * a few dozen directions; the search is ~D/pcaDimensions times cheaper and the
     * neighbours barely change. No reduction when the data has this many dimensions or fewer.
     */
    int pcaDimensions = 32;
    /**
     * How the kNN graph is searched: exact up to 25,000 points, HNSW beyond. UMAP only
     * needs approximate neighbours (umap-learn's NN-descent is approximate too): candidate
     * lists of 32 (build and search) instead of 200 and 64 make the graph ~3x cheaper with
     * the same map trustworthiness on the demo (0.9952 either way, bench/umapbench.cpp).
     */
    KnnParams knn = umapKnnDefaults();
    /**
     * Above this many points the layout is fitted on a seeded random sample of this size
     * and every other point is placed at the membership-weighted mean of its nearest
     * fitted points, then refined (umap-learn's transform). 0 = always fit all points.
     */
    qint64 fitSampleSize = 200000;
    /** SGD epochs that refine the placed points against the fixed fit (umap-learn: 30). */
    int placementEpochs = 30;
    /**
     * Points placed per batch. The refinement's graph and schedule cost ~40 bytes per
     * edge (15 edges per point): placing 800,000 points at once added ~0.5 GB to the
     * peak memory of a 1,000,000-point map. Batches are independent (the fitted layout
     * is fixed), so they cost nothing in speed or quality.
     */
    qint64 placementBatch = 200000;
    /** OpenMP threads; 0 = all. See UmapLayoutParams::threads for reproducibility. */
    int threads = 0;
    std::uint64_t seed = 42;
};

/** Where each step's time went, for the benchmark and the log. */
struct UmapTimings
{
    double pcaSeconds = 0.0;
    double knnSeconds = 0.0;
    double graphSeconds = 0.0;
    double layoutSeconds = 0.0;
    double placementSeconds = 0.0;
};

struct UmapResult
{
    qint64 rows = 0;
    /** rows x 2, row-major; the map's scale is arbitrary (umap-learn's: roughly -10 .. 20). */
    std::vector<float> coordinates;
    UmapCurve curve;
    int epochs = 0;
    /** Points the layout was fitted on (rows unless fitSampleSize applied). */
    qint64 fittedRows = 0;
    /** Directed edges of the fuzzy graph (both directions counted). */
    qint64 graphEdges = 0;
    /** Dimensions the kNN search ran in, and the share of variance they keep (1 if no PCA). */
    int searchDimensions = 0;
    double searchVarianceKept = 1.0;
    UmapTimings timings;
};

/**
 * The UMAP 2-D map of rows x dimensions row-major float32 vectors (McInnes, Healy,
 * Melville 2018): PCA, kNN graph, fuzzy simplicial set, PCA initialisation, SGD; for
 * more than fitSampleSize points, fit on a sample and place the rest.
 *
 * Multi-threaded and seeded. With threads = 1 and an exact kNN search (the default up to
 * knn.exactMaxRows = 25,000 points, or KnnParams::Method::Exact) the output is bit for bit
 * the same for the same seed. Otherwise it varies slightly from run to run, with the same
 * quality: the HNSW graph is built by all OpenMP threads, and with threads > 1 the PCA
 * sums and the Hogwild SGD depend on thread timing (the random draws do not).
 * Reports progress per step (Progress::setStep) and throws Cancelled; throws
 * loupe::Error for fewer than 2 rows or no dimensions.
 */
UmapResult computeUmap(const float *data, qint64 rows, int dimensions, const UmapParams &params,
                       Progress &progress);

/**
 * As above, with a kNN graph of the same rows that the caller already has (the analysis
 * pipeline's knn step, searched on the full vectors): when the layout is fitted on all
 * rows and knn has at least neighbors - 1 neighbours per row, its nearest neighbors - 1
 * are used instead of a second search. Otherwise it behaves as computeUmap() above.
 */
UmapResult computeUmap(const float *data, qint64 rows, int dimensions, const UmapParams &params,
                       const KnnGraph *knn, Progress &progress);

/**
 * The layout step alone: the fuzzy graph of knn and SGD from initial (knn.n x 2, any
 * scale: rescaled to [0, 10] per axis first), for callers that already have a kNN graph.
 * Returns knn.n x 2 coordinates; fills result-like details through the optional out-params.
 */
std::vector<float> umapLayout(const KnnGraph &knn, std::vector<float> initial, const UmapParams &params,
                              Progress &progress, qint64 *graphEdges = nullptr, int *epochs = nullptr);

} // namespace loupe
