#include "analysis/neighbours/pca.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include <Eigen/Dense>
#include <omp.h>

#include "common/error.h"
#include "common/parallelfor.h"
#include "common/progress.h"

namespace loupe {

namespace {

using MatrixXfR = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMapXfR = Eigen::Map<const MatrixXfR>;
using MapXfR = Eigen::Map<MatrixXfR>;

// Rows per chunk: large enough for an efficient GEMM, small enough that a centred
// copy per thread (4096 x D floats) stays in cache-friendly territory.
constexpr qint64 kChunkRows = 4096;

/** body(begin, end, thread) over chunks of kChunkRows rows on `threads` threads. */
template<typename Body>
void forEachChunk(qint64 rows, int threads, Progress &progress, double from, double to, Body &&body)
{
    parallelFor(rows, kChunkRows, progress, std::forward<Body>(body), from, to, threads);
}

/** Everything the passes over the data share. */
struct PcaInput
{
    const float *data;
    qint64 rows;
    int dims;
    int threads;
    Eigen::RowVectorXf mean;

    ConstMapXfR chunk(qint64 begin, qint64 end) const
    {
        return ConstMapXfR(data + begin * dims, end - begin, dims);
    }
    /** Rows [begin, end) minus the mean: the centred data is never stored whole. */
    MatrixXfR centred(qint64 begin, qint64 end) const { return chunk(begin, end).rowwise() - mean; }
};

Eigen::RowVectorXf columnMeans(PcaInput &in, Progress &progress, double from, double to)
{
    std::vector<Eigen::RowVectorXd> sums(in.threads, Eigen::RowVectorXd::Zero(in.dims));
    forEachChunk(in.rows, in.threads, progress, from, to, [&](qint64 begin, qint64 end, int thread) {
        sums[thread] += in.chunk(begin, end).cast<double>().colwise().sum();
    });
    Eigen::RowVectorXd total = Eigen::RowVectorXd::Zero(in.dims);
    for (const auto &s : sums)
        total += s;
    return (total / double(in.rows)).cast<float>();
}

/** Sample covariance (divided by N - 1), accumulated per chunk in float, across chunks in double. */
Eigen::MatrixXd covariance(const PcaInput &in, Progress &progress, double from, double to)
{
    std::vector<Eigen::MatrixXd> sums(in.threads, Eigen::MatrixXd::Zero(in.dims, in.dims));
    forEachChunk(in.rows, in.threads, progress, from, to, [&](qint64 begin, qint64 end, int thread) {
        const MatrixXfR c = in.centred(begin, end);
        Eigen::MatrixXf gram = Eigen::MatrixXf::Zero(in.dims, in.dims);
        gram.selfadjointView<Eigen::Lower>().rankUpdate(c.transpose());
        sums[thread] += gram.cast<double>();
    });
    Eigen::MatrixXd total = Eigen::MatrixXd::Zero(in.dims, in.dims);
    for (const auto &s : sums)
        total += s;
    total = total.selfadjointView<Eigen::Lower>();
    return total / double(in.rows - 1);
}

/** out (rows x cols) = centred data times right (dims x cols). */
void multiplyRight(const PcaInput &in, const Eigen::MatrixXf &right, float *out, Progress &progress,
                   double from, double to)
{
    const int cols = int(right.cols());
    forEachChunk(in.rows, in.threads, progress, from, to, [&](qint64 begin, qint64 end, int) {
        MapXfR(out + begin * cols, end - begin, cols).noalias() = in.centred(begin, end) * right;
    });
}

/** centred data transposed times tall (rows x cols, row-major): a dims x cols matrix. */
Eigen::MatrixXd multiplyTransposed(const PcaInput &in, const float *tall, int cols, Progress &progress,
                                   double from, double to)
{
    std::vector<Eigen::MatrixXd> sums(in.threads, Eigen::MatrixXd::Zero(in.dims, cols));
    forEachChunk(in.rows, in.threads, progress, from, to, [&](qint64 begin, qint64 end, int thread) {
        const ConstMapXfR t(tall + begin * cols, end - begin, cols);
        sums[thread] += (in.centred(begin, end).transpose() * t).cast<double>();
    });
    Eigen::MatrixXd total = Eigen::MatrixXd::Zero(in.dims, cols);
    for (const auto &s : sums)
        total += s;
    return total;
}

/**
 * Orthonormalises the columns of a tall rows x cols row-major matrix in place, through
 * its Gram matrix: Q = Y W diag(lambda)^-1/2 with Y^T Y = W diag(lambda) W^T. A Householder QR
 * of a 1M x 60 matrix is single-threaded and slow; the Gram route is two parallel passes.
 * Directions with a negligible eigenvalue (rank deficiency) become zero columns instead
 * of noise. Run twice, as CholeskyQR2 is, it is orthonormal to working precision.
 */
void orthonormaliseTall(const PcaInput &in, float *tall, int cols, Progress &progress, double from, double to)
{
    for (int pass = 0; pass < 2; ++pass) {
        const double mid = from + (to - from) * (pass + 0.5) / 2.0;
        std::vector<Eigen::MatrixXd> sums(in.threads, Eigen::MatrixXd::Zero(cols, cols));
        forEachChunk(in.rows, in.threads, progress, from + (to - from) * pass / 2.0, mid,
                     [&](qint64 begin, qint64 end, int thread) {
                         const ConstMapXfR t(tall + begin * cols, end - begin, cols);
                         sums[thread] += (t.transpose() * t).cast<double>();
                     });
        Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(cols, cols);
        for (const auto &s : sums)
            gram += s;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
        const double largest = std::max(eig.eigenvalues().maxCoeff(), 0.0);
        Eigen::VectorXd inverseRoot(cols);
        for (int c = 0; c < cols; ++c) {
            const double lambda = eig.eigenvalues()(c);
            inverseRoot(c) = lambda > 1e-10 * largest && lambda > 0.0 ? 1.0 / std::sqrt(lambda) : 0.0;
        }
        const Eigen::MatrixXf transform = (eig.eigenvectors() * inverseRoot.asDiagonal()).cast<float>();
        forEachChunk(in.rows, in.threads, progress, mid, from + (to - from) * (pass + 1) / 2.0,
                     [&](qint64 begin, qint64 end, int) {
                         MapXfR t(tall + begin * cols, end - begin, cols);
                         t = MatrixXfR(t * transform);
                     });
    }
}

/** A dims x cols standard normal matrix from a seeded, platform-independent generator. */
Eigen::MatrixXf gaussianSketch(int dims, int cols, std::uint64_t seed)
{
    std::mt19937_64 engine(seed);
    Eigen::MatrixXf sketch(dims, cols);
    // Box-Muller on the engine's raw output: std::normal_distribution differs between
    // standard libraries, and the same seed should give the same axes everywhere.
    const auto uniform = [&engine] {
        return (double(engine() >> 11) + 0.5) * 0x1.0p-53;
    };
    for (int c = 0; c < cols; ++c) {
        for (int r = 0; r < dims; ++r) {
            const double radius = std::sqrt(-2.0 * std::log(uniform()));
            sketch(r, c) = float(radius * std::cos(2.0 * std::numbers::pi * uniform()));
        }
    }
    return sketch;
}

struct Basis
{
    Eigen::MatrixXd vectors; // dims x k, orthonormal columns
    Eigen::VectorXd variances;
};

Basis exactBasis(const PcaInput &in, int k, Progress &progress, double &totalVariance)
{
    const Eigen::MatrixXd cov = covariance(in, progress, 0.1, 0.7);
    totalVariance = cov.trace();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    // Eigen sorts ascending: the last k columns are the leading components.
    Basis basis;
    basis.vectors = eig.eigenvectors().rightCols(k).rowwise().reverse();
    basis.variances = eig.eigenvalues().tail(k).reverse().cwiseMax(0.0);
    return basis;
}

double totalVarianceOf(const PcaInput &in, Progress &progress, double from, double to)
{
    std::vector<double> sums(in.threads, 0.0);
    forEachChunk(in.rows, in.threads, progress, from, to, [&](qint64 begin, qint64 end, int thread) {
        sums[thread] += in.centred(begin, end).cast<double>().squaredNorm();
    });
    double total = 0.0;
    for (double s : sums)
        total += s;
    return total / double(in.rows - 1);
}

Basis randomizedBasis(const PcaInput &in, int k, const PcaParams &params, Progress &progress,
                      double &totalVariance)
{
    const int sketchCols =
        int(std::min<qint64>({qint64(k) + std::max(0, params.oversampling), in.dims, in.rows}));
    totalVariance = totalVarianceOf(in, progress, 0.1, 0.15);
    std::vector<float> tall(size_t(in.rows) * size_t(sketchCols));
    Eigen::MatrixXf right = gaussianSketch(in.dims, sketchCols, params.seed);

    const int iterations = std::max(0, params.powerIterations);
    const double span = 0.55 / double(iterations + 1);
    for (int it = 0; it <= iterations; ++it) {
        const double from = 0.15 + span * it;
        // Y = X R, then orthonormalise: the range of X, sharpened by each power iteration.
        multiplyRight(in, right, tall.data(), progress, from, from + span * 0.3);
        orthonormaliseTall(in, tall.data(), sketchCols, progress, from + span * 0.3, from + span * 0.6);
        const Eigen::MatrixXd z =
            multiplyTransposed(in, tall.data(), sketchCols, progress, from + span * 0.6, from + span);
        if (it < iterations) {
            // Re-orthonormalise X^T Q too, or the iterations lose the small components to rounding.
            Eigen::HouseholderQR<Eigen::MatrixXd> qr(z);
            right = (qr.householderQ() * Eigen::MatrixXd::Identity(in.dims, sketchCols)).cast<float>();
        } else {
            // B = Q^T X = z^T; its SVD gives the principal axes: X ~ Q U S V^T.
            Eigen::BDCSVD<Eigen::MatrixXd> svd(z.transpose(), Eigen::ComputeThinV);
            Basis basis;
            basis.vectors = svd.matrixV().leftCols(k);
            basis.variances = svd.singularValues().head(k).array().square() / double(in.rows - 1);
            return basis;
        }
    }
    return {};
}

/** Fixes each axis's sign so that its largest-magnitude loading is positive (method-independent). */
void fixSigns(Eigen::MatrixXd &vectors)
{
    for (Eigen::Index c = 0; c < vectors.cols(); ++c) {
        Eigen::Index largest = 0;
        vectors.col(c).cwiseAbs().maxCoeff(&largest);
        if (vectors(largest, c) < 0.0)
            vectors.col(c) = -vectors.col(c);
    }
}

} // namespace

bool pcaUsesRandomized(qint64 rows, int dimensions, const PcaParams &params)
{
    if (params.method != PcaParams::Method::Auto)
        return params.method == PcaParams::Method::Randomized;
    const double sketch = std::max(1, params.components + std::max(0, params.oversampling));
    // Exact: one pass of N D^2 / 2 (symmetric rank update) plus the projection N D k.
    // Randomized: each iteration multiplies by X twice and orthonormalises the N x l sketch twice.
    const double exact = double(rows) * dimensions * (dimensions / 2.0 + params.components);
    const double passes = 2.0 * (std::max(0, params.powerIterations) + 1);
    const double randomized = double(rows) * sketch * (passes * dimensions + 2.0 * passes * sketch);
    return randomized < exact;
}

PcaResult computePca(const float *data, qint64 rows, int dimensions, const PcaParams &params,
                     Progress &progress)
{
    if (rows < 2)
        throw Error(QStringLiteral("PCA needs at least 2 samples, got %1").arg(rows));
    if (dimensions < 1)
        throw Error(QStringLiteral("PCA needs at least 1 dimension"));
    PcaInput in{data, rows, dimensions, params.threads > 0 ? params.threads : omp_get_max_threads(), {}};
    const int k = int(std::min<qint64>({qint64(std::max(1, params.components)), rows, dimensions}));

    in.mean = columnMeans(in, progress, 0.0, 0.1);
    PcaResult result;
    result.rows = rows;
    result.dimensions = dimensions;
    result.components = k;
    result.randomized = pcaUsesRandomized(rows, dimensions, params);
    double totalVariance = 0.0;
    Basis basis = result.randomized ? randomizedBasis(in, k, params, progress, totalVariance)
                                    : exactBasis(in, k, progress, totalVariance);
    fixSigns(basis.vectors);

    result.projected.resize(size_t(rows) * size_t(k));
    multiplyRight(in, basis.vectors.cast<float>(), result.projected.data(), progress, 0.7, 1.0);

    result.basis.resize(size_t(k) * size_t(dimensions));
    MapXfR(result.basis.data(), k, dimensions) = basis.vectors.transpose().cast<float>();
    result.mean.assign(in.mean.data(), in.mean.data() + dimensions);
    result.explainedVariance.assign(basis.variances.data(), basis.variances.data() + k);
    for (double v : result.explainedVariance)
        result.explainedVarianceRatio.push_back(totalVariance > 0.0 ? v / totalVariance : 0.0);
    return result;
}

} // namespace loupe
