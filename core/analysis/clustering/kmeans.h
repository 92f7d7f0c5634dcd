#pragma once

#include <QtGlobal>

#include <vector>

namespace loupe {

class Progress;

/** Parameters of KMeans; the defaults are what `analyze` uses. */
struct KMeansParams
{
    /** Number of clusters; 0 picks KMeans::automaticK(rows). */
    int k = 0;
    /**
     * Lloyd iterations on the fit sample at most. On the 70k Fashion-MNIST embeddings
     * (k = 187) the inertia after 30 iterations is within 0.25% of the converged value
     * (136 iterations), while each later iteration moves only boundary rows.
     */
    int maxIterations = 30;
    /**
     * Convergence: stop when the squared centroid movement of an iteration, summed over
     * centroids, is at most tolerance times the data's mean per-column variance
     * (scikit-learn's criterion, so the threshold does not depend on the data's scale).
     */
    double tolerance = 1e-4;
    /**
     * Seeding and Lloyd iterations run on a seeded random sample of this many rows (0: all);
     * every row is then assigned and refineIterations full passes follow. On a 1M x 128
     * Gaussian mixture (k = 200) the 100k-sample fit ends within 0.06% of the inertia of
     * fitting all rows, 3.7x faster (21 s against 80 s on 2 busy cores).
     */
    qint64 fitSampleSize = 100000;
    /**
     * k-means++ seeding runs on a seeded random sample of this many rows of the fit sample
     * (0: all). Seeding costs k GEMM passes, so it is the slowest part on a large sample;
     * 20k rows are still 100 rows per centre at k = 200, and Lloyd iterations then use
     * the whole fit sample.
     */
    qint64 seedSampleSize = 20000;
    /**
     * How the centres start. PlusPlus (the default) is what failure clusters need;
     * RandomRows (k distinct rows of the fit sample) costs nothing, for callers that only
     * need a partition into cells of similar size with k in the thousands, where
     * k-means++ seeding would cost k GEMM passes (the clustered kNN graph).
     */
    enum class Seeding { PlusPlus, RandomRows };
    Seeding seeding = Seeding::PlusPlus;
    /** Full-data Lloyd passes after the sample fit (each is one assignment of every row). */
    int refineIterations = 1;
    /** Seeds k-means++ and the samples: the same seed and data give the same result on any thread count. */
    quint64 seed = 1;
};

/** The clustering of every input row. */
struct KMeansResult
{
    int k = 0;
    qint64 cols = 0;
    std::vector<int> labels;      ///< per row, in [0, k)
    std::vector<float> centroids; ///< k x cols, row-major
    std::vector<qint64> sizes;    ///< rows per cluster
    double inertia = 0.0;         ///< sum over rows of the squared distance to their centroid
    int iterations = 0;           ///< Lloyd iterations run on the fit sample
    bool converged = false;       ///< the tolerance was met before maxIterations
};

/**
 * k-means on high-dimensional embeddings (N x D float32, row-major), for failure clusters.
 *
 * Seeding is greedy k-means++ (Arthur & Vassilvitskii 2007; 2 + ln k candidates per
 * centre, the best of which is kept, as scikit-learn does), then Lloyd iterations.
 * Distances come from blocked GEMM, ||x||^2 - 2 x.c + ||c||^2, with Eigen, and blocks run
 * in parallel with OpenMP. Partial sums are kept per fixed row group and merged in group
 * order, so the result does not depend on the number of threads.
 *
 * Lloyd iterations use Hamerly's bounds (Hamerly 2010): each row keeps an upper bound on
 * the distance to its centroid and a lower bound on the distance to any other; after the
 * centroids move, only rows whose bounds no longer prove the assignment are gathered and
 * recomputed by GEMM. Assignments are those of plain Lloyd (up to float rounding of exact
 * ties), with far fewer distance computations once the centroids settle.
 *
 * Scale: seeding and iterations run on a sample (KMeansParams::fitSampleSize); every row
 * is then assigned, and refine passes update the centroids with all rows. An empty cluster
 * is re-seeded with the row farthest from its centroid.
 *
 * Long loops poll Progress::throwIfCancelled() and report progress.
 */
class KMeans
{
public:
    explicit KMeans(KMeansParams params = {});

    /** Clusters rows x cols values; throws loupe::Error when rows < 1 or cols < 1, Cancelled on cancel. */
    KMeansResult run(const float *data, qint64 rows, qint64 cols, Progress &progress) const;

    /**
     * The default number of clusters: round(sqrt(rows / 2)) clamped to [8, 200], and at most
     * rows / 10 so a cluster holds 10 rows on average (at least 1 cluster).
     *
     * Why a size rule: failure clusters are read by people and tested for excess errors.
     * sqrt(N/2) (the classic rule of thumb) gives clusters of about sqrt(2N) members (375 at
     * 70k), enough for a binomial test to see a 10-point excess, small enough to isolate a
     * pocket; 200 is as many clusters as anyone reviews. It deliberately cuts finer than the
     * data's natural groups, because pockets are parts of those groups and ClusterReport
     * adjusts for class mix, so a split group costs little while a merged pocket is lost.
     * Measured on the 70k Fashion-MNIST demo: the silhouette (on 4,000 rows) peaks at k = 32
     * (0.24; 0.14 at k = 187), but k = 32 yields 3 significant failure clusters (Bonferroni)
     * holding 194 excess errors, k = 64 12 with 722, and the default k = 187 24 with 996.
     */
    static int automaticK(qint64 rows);

    /**
     * Nearest centroid of each row (k x cols centroids, row-major); squaredDistances, when
     * given, receives each row's squared distance to it. Used to place new rows without refitting.
     */
    static std::vector<int> assign(const float *data, qint64 rows, qint64 cols,
                                   const std::vector<float> &centroids,
                                   std::vector<float> *squaredDistances = nullptr);

private:
    KMeansParams m_params;
};

} // namespace loupe
