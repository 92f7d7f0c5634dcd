#pragma once

#include <QtGlobal>

#include <cstdint>
#include <vector>

namespace loupe {

class Progress;

/**
 * How to compute a principal component analysis.
 *
 * Both methods centre the data (the mean is subtracted on the fly, chunk by chunk, so
 * no centred copy of an N x D matrix is ever made) and return the same thing up to
 * the accuracy of the randomized method.
 */
struct PcaParams
{
    enum class Method {
        /** Picks the cheaper of the two by flop count (see pcaUsesRandomized()). */
        Auto,
        /** D x D covariance in double precision + Eigen's SelfAdjointEigenSolver: exact, O(N D^2). */
        Exact,
        /**
         * Halko, Martinsson, Tropp 2011: Gaussian sketch, power iterations, QR, small SVD:
         * O(N D (k + oversampling) (2 powerIterations + 2)); wins when D is large.
         */
        Randomized,
    };

    /** Number of components kept; clamped to min(N, D). */
    int components = 50;
    Method method = Method::Auto;
    /** Randomized: extra sketch columns beyond components (Halko et al. recommend 5-10+). */
    int oversampling = 10;
    /** Randomized: power iterations; each sharpens the spectrum's decay for the sketch. */
    int powerIterations = 4;
    /** Randomized: seed of the Gaussian sketch. Exact PCA is deterministic. */
    std::uint64_t seed = 1;
    /** OpenMP threads; 0 = the OpenMP default (all cores). */
    int threads = 0;
};

/**
 * The result of computePca(): the data in the principal basis, the basis and how much
 * of the variance each axis carries.
 *
 * Each component's sign is fixed so that its largest-magnitude loading is positive,
 * so that the same data gives the same axes whichever method computed them.
 */
struct PcaResult
{
    qint64 rows = 0;
    int dimensions = 0; // D, of the input
    int components = 0; // k
    /** rows x components, row-major: (x - mean) projected on the components. */
    std::vector<float> projected;
    /** components x dimensions, row-major: unit vectors, orthonormal. */
    std::vector<float> basis;
    /** dimensions: the mean that was subtracted. */
    std::vector<float> mean;
    /** components: variance along each component (divided by N - 1), descending. */
    std::vector<double> explainedVariance;
    /** components: explainedVariance / total variance (as sklearn's explained_variance_ratio_). */
    std::vector<double> explainedVarianceRatio;
    /** True when the randomized method ran. */
    bool randomized = false;
};

/**
 * PCA of rows x dimensions row-major float32 data, multi-threaded (OpenMP).
 *
 * Reports progress in [0, 1] of the current step and throws Cancelled; throws
 * loupe::Error when rows < 2 or dimensions < 1. Memory beyond the output is
 * O(D^2 + chunk) for the exact method and O(N (k + oversampling)) for the randomized one.
 */
PcaResult computePca(const float *data, qint64 rows, int dimensions, const PcaParams &params,
                     Progress &progress);

/** Whether Method::Auto picks the randomized method for this shape (cheaper by flop count). */
bool pcaUsesRandomized(qint64 rows, int dimensions, const PcaParams &params);

} // namespace loupe
