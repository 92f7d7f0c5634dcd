#include "analysis/maps/embeddingquality.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <numeric>
#include <random>
#include <vector>

#include <Eigen/Dense>
#include <nanoflann.hpp>
#include <omp.h>

#include "analysis/neighbours/productkernels.h"
#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

using MatrixXfR = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Points per GEMM tile when streaming the high-dimensional distances of a query block.
constexpr qint64 kPointChunk = 4096;
// Distance rows kept per thread: a block of queries' rows over all points (~64 MB of floats).
constexpr qint64 kRowBudgetFloats = qint64(16) << 20;

/** The map's points as nanoflann wants them. */
struct LowCloud
{
    const float *points;
    qint64 n;
    int dims;
    size_t kdtree_get_point_count() const { return size_t(n); }
    float kdtree_get_pt(size_t i, size_t d) const { return points[i * size_t(dims) + d]; }
    template<class Box> bool kdtree_get_bbox(Box &) const { return false; }
};
using LowTree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, LowCloud>, LowCloud,
                                                    -1, std::uint32_t>;

std::vector<qint64> pickQueries(qint64 rows, qint64 count, std::uint64_t seed)
{
    std::vector<qint64> all(static_cast<size_t>(rows));
    std::iota(all.begin(), all.end(), qint64(0));
    if (count >= rows)
        return all;
    std::mt19937_64 engine(seed);
    for (qint64 i = 0; i < count; ++i)
        std::swap(all[size_t(i)], all[size_t(i + qint64(engine() % std::uint64_t(rows - i)))]);
    all.resize(size_t(count));
    std::sort(all.begin(), all.end());
    return all;
}

/** The query's k map neighbours, itself excluded. */
std::vector<std::uint32_t> lowNeighbors(const LowTree &tree, const float *low, int lowDims, qint64 query,
                                        int k)
{
    std::vector<std::uint32_t> found(size_t(k) + 1);
    std::vector<float> distances(size_t(k) + 1);
    const size_t count = tree.knnSearch(low + query * lowDims, size_t(k) + 1, found.data(), distances.data());
    found.resize(count);
    const auto self = std::find(found.begin(), found.end(), std::uint32_t(query));
    if (self != found.end())
        found.erase(self);
    found.resize(std::min(found.size(), size_t(k)));
    return found;
}

struct QueryScore
{
    double penalty = 0.0; // sum of (rank - k) over map neighbours ranked beyond k
    int overlap = 0;      // map neighbours that are among the k nearest originals
};

/**
 * Ranks of the map neighbours in the query's original distance row (squared distances
 * to every point): rank(j) = 1 + #{x != query : (d_x, x) < (d_j, j)}, ties broken by index
 * so the ranks form a permutation. One pass: most points are farther than every map
 * neighbour and are rejected by one comparison; the rest are binary-searched among the
 * k sorted thresholds.
 */
QueryScore scoreQuery(const float *row, qint64 n, qint64 query, const std::vector<std::uint32_t> &neighbors,
                      int k)
{
    struct Threshold
    {
        float distance;
        qint64 index;
        bool operator<(const Threshold &o) const
        {
            return distance < o.distance || (distance == o.distance && index < o.index);
        }
    };
    std::vector<Threshold> thresholds;
    for (std::uint32_t j : neighbors)
        thresholds.push_back({row[j], qint64(j)});
    std::sort(thresholds.begin(), thresholds.end());
    const Threshold last = thresholds.back();
    std::vector<qint64> below(thresholds.size() + 1, 0); // below[t]: points between threshold t-1 and t
    for (qint64 x = 0; x < n; ++x) {
        const float v = row[x];
        if (v > last.distance || x == query)
            continue;
        const Threshold point{v, x};
        if (last < point || !(point < last))
            continue;
        below[size_t(std::upper_bound(thresholds.begin(), thresholds.end(), point) - thresholds.begin())]++;
    }
    QueryScore score;
    qint64 closer = 0;
    for (size_t t = 0; t < thresholds.size(); ++t) {
        closer += below[t];
        const qint64 rank = closer + 1;
        if (rank <= k)
            ++score.overlap;
        else
            score.penalty += double(rank - k);
    }
    return score;
}

/**
 * Squared distances from each query of a block to every point (rows x n), by tiles of
 * centred points: ||x||^2 + ||q||^2 - 2 x.q, clamped at 0. Centring first keeps the
 * cancellation error small for embeddings far from the origin (e.g. non-negative ReLU features).
 */
void distanceRows(const float *high, qint64 n, int dims, const Eigen::RowVectorXf &mean,
                  const Eigen::VectorXf &norms, const std::vector<qint64> &queries, float *rows)
{
    const qint64 block = qint64(queries.size());
    MatrixXfR q(block, dims);
    for (qint64 b = 0; b < block; ++b)
        q.row(b) = Eigen::Map<const Eigen::RowVectorXf>(high + queries[size_t(b)] * dims, dims) - mean;
    const Eigen::VectorXf queryNorms = q.rowwise().squaredNorm();
    MatrixXfR x;
    std::vector<float> dots(size_t(block * std::min(n, kPointChunk)));
    for (qint64 begin = 0; begin < n; begin += kPointChunk) {
        const qint64 end = std::min(n, begin + kPointChunk);
        const qint64 tile = end - begin;
        x = Eigen::Map<const MatrixXfR>(high + begin * dims, tile, dims).rowwise() - mean;
        // The product at the machine's best SIMD level; read row-major it is block x tile.
        scaledProductABt(x.data(), tile, q.data(), block, dims, 1.0f, dots.data());
        for (qint64 b = 0; b < block; ++b) {
            float *out = rows + b * n;
            const float *dot = dots.data() + b * tile;
            for (qint64 i = begin; i < end; ++i)
                out[i] = std::max(0.0f, norms(i) + queryNorms(b) - 2.0f * dot[i - begin]);
        }
    }
}

/** Column means, summed in double. */
Eigen::RowVectorXf columnMean(const float *data, qint64 rows, int dims)
{
    Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(dims);
    for (qint64 i = 0; i < rows; ++i)
        sum += Eigen::Map<const Eigen::RowVectorXf>(data + i * dims, dims).cast<double>();
    return (sum / double(rows)).cast<float>();
}

} // namespace

namespace {

/** measureEmbeddingQuality on a uniform random sample of params.sampleRows rows (the seed's). */
EmbeddingQuality measureOnSample(const float *high, qint64 rows, int highDims, const float *low, int lowDims,
                                 const EmbeddingQualityParams &params, Progress &progress)
{
    const std::vector<qint64> sample = pickQueries(rows, params.sampleRows, params.seed ^ 0x5a5a5a5aULL);
    const auto m = qint64(sample.size());
    std::vector<float> sampleHigh(size_t(m * highDims));
    std::vector<float> sampleLow(size_t(m * lowDims));
#pragma omp parallel for schedule(static)
    for (qint64 i = 0; i < m; ++i) {
        std::copy_n(high + sample[size_t(i)] * highDims, highDims, sampleHigh.data() + i * highDims);
        std::copy_n(low + sample[size_t(i)] * lowDims, lowDims, sampleLow.data() + i * lowDims);
    }
    EmbeddingQualityParams inner = params;
    inner.sampleRows = 0;
    return measureEmbeddingQuality(sampleHigh.data(), m, highDims, sampleLow.data(), lowDims, inner,
                                   progress);
}

} // namespace

EmbeddingQuality measureEmbeddingQuality(const float *high, qint64 rows, int highDims, const float *low,
                                         int lowDims, const EmbeddingQualityParams &params,
                                         Progress &progress)
{
    const int k = std::max(1, params.neighbors);
    if (highDims < 1 || lowDims < 1)
        throw Error(QStringLiteral("Embedding quality needs at least one dimension on each side"));
    if (rows <= k + 1 || 2 * rows - 3 * qint64(k) - 1 <= 0)
        throw Error(QStringLiteral("Embedding quality with %1 neighbours needs more than %2 samples, got %3")
                        .arg(k)
                        .arg(std::max<qint64>(k + 1, (3 * qint64(k) + 1) / 2))
                        .arg(rows));
    progress.throwIfCancelled();
    if (params.sampleRows > k + 1 && rows > params.sampleRows)
        return measureOnSample(high, rows, highDims, low, lowDims, params, progress);
    const int threads = params.threads > 0 ? params.threads : omp_get_max_threads();
    const std::vector<qint64> queries = pickQueries(rows, std::max<qint64>(1, params.queries), params.seed);
    const qint64 m = qint64(queries.size());

    const Eigen::Map<const MatrixXfR> all(high, rows, highDims);
    const Eigen::RowVectorXf mean = columnMean(high, rows, highDims);
    Eigen::VectorXf norms(rows);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (qint64 i = 0; i < rows; ++i)
        norms(i) = (all.row(i) - mean).squaredNorm();

    const LowCloud cloud{low, rows, lowDims};
    const LowTree tree(lowDims, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));

    const qint64 block = std::clamp<qint64>(kRowBudgetFloats / rows, 1, 64);
    const qint64 blocks = (m + block - 1) / block;
    std::vector<QueryScore> scores(static_cast<size_t>(m));
    std::atomic<qint64> done{0};
    std::atomic_bool stop{false};
    std::mutex errorMutex;
    std::exception_ptr error; // guarded by errorMutex
#pragma omp parallel num_threads(threads)
    {
        std::vector<float> distances;
#pragma omp for schedule(dynamic, 1)
        for (qint64 b = 0; b < blocks; ++b) {
            if (stop.load(std::memory_order_relaxed) || progress.isCancelled()) {
                stop.store(true, std::memory_order_relaxed);
                continue;
            }
            try {
                const std::vector<qint64> ids(queries.begin() + b * block,
                                              queries.begin() + std::min(m, (b + 1) * block));
                distances.resize(ids.size() * size_t(rows));
                distanceRows(high, rows, highDims, mean, norms, ids, distances.data());
                for (size_t q = 0; q < ids.size(); ++q) {
                    const std::vector<std::uint32_t> near = lowNeighbors(tree, low, lowDims, ids[q], k);
                    scores[size_t(b * block) + q] =
                        near.empty() ? QueryScore{}
                                     : scoreQuery(distances.data() + q * size_t(rows), rows, ids[q], near, k);
                }
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!error)
                    error = std::current_exception();
                stop.store(true, std::memory_order_relaxed);
            }
            progress.setProgress(done.fetch_add(1, std::memory_order_relaxed) + 1, blocks);
        }
    }
    if (error)
        std::rethrow_exception(error);
    progress.throwIfCancelled();

    double penalty = 0.0;
    qint64 overlap = 0;
    for (const QueryScore &s : scores) {
        penalty += s.penalty;
        overlap += s.overlap;
    }
    EmbeddingQuality quality;
    quality.measuredRows = rows;
    quality.queries = m;
    quality.neighbors = k;
    quality.trustworthiness = 1.0 - 2.0 * penalty / (double(m) * k * (2.0 * double(rows) - 3.0 * k - 1.0));
    quality.knnRecall = double(overlap) / (double(m) * k);
    return quality;
}

} // namespace loupe
