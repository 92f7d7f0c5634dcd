#include "analysis/clustering/kmeans.h"

#include "analysis/neighbours/productkernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <Eigen/Dense>
#include <omp.h>

#include <QString>

#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

// Rows per GEMM block: a 2048 x 200 distance block (1.6 MB) stays in cache next to its rows.
constexpr qint64 kBlockRows = 2048;
// Work is split into a fixed number of row groups whose partial sums are merged in group
// order, so the result is the same whatever the number of threads. 32 balance 2-16 threads.
constexpr int kGroups = 32;
constexpr float kInfinity = std::numeric_limits<float>::infinity();

/** splitmix64: tiny, fast and the same sequence everywhere (std distributions are not). */
class Random
{
public:
    explicit Random(quint64 seed) : m_state(seed) {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    qint64 below(qint64 n) { return qint64(next() % quint64(n)); }

private:
    quint64 m_state;
};

struct Centroids
{
    RowMatrix c;           // k x d
    Eigen::VectorXf norms; // squared norms of the rows of c

    Centroids(int k, qint64 d) : c(RowMatrix::Zero(k, d)), norms(Eigen::VectorXf::Zero(k)) {}
    int k() const { return int(c.rows()); }
    void updateNorms() { norms = c.rowwise().squaredNorm(); }
};

/**
 * Whether a loop of about `work` multiply-adds is worth a parallel region: on a shared,
 * busy machine waking threads for tiny inputs costs more than it saves.
 */
bool worthThreads(qint64 work)
{
    return work > 4'000'000;
}

/**
 * Called first in every parallel region: Eigen parallelizes a GEMM itself when it is not
 * inside an active team, which is the case when the region's `if` clause keeps it on one
 * thread. Nested that way, each small block product would open its own parallel region
 * (milliseconds each on a busy machine) and Eigen's blocking would depend on the thread
 * count. nthreads-var is an ICV of the current task, so this does not leak out of the region.
 */
void keepEigenOnThisThread()
{
    omp_set_num_threads(1);
}

qint64 groupBegin(int group, qint64 rows)
{
    return rows * group / kGroups;
}

/**
 * Nearest and second-nearest centroid of `count` contiguous rows: label, and the Euclidean
 * distances to both (second is +inf when k = 1). scratch is per thread.
 */
void nearestTwo(const float *rows, qint64 count, qint64 cols, const Centroids &centroids, RowMatrix &scratch,
                int *label, float *best, float *second)
{
    const ConstRowMap x(rows, count, cols);
    // scratch = x c^T, rows x k row-major: the column-major k x rows of c x^T.
    scratch.resize(count, centroids.k());
    scaledProductABt(centroids.c.data(), centroids.k(), rows, count, int(cols), 1.0f, scratch.data());
    for (qint64 i = 0; i < count; ++i) {
        int bestIndex = 0;
        float first = kInfinity, next = kInfinity;
        for (int j = 0; j < centroids.k(); ++j) {
            const float value = centroids.norms[j] - 2.0f * scratch(i, j);
            if (value < first) {
                next = first;
                first = value;
                bestIndex = j;
            } else if (value < next) {
                next = value;
            }
        }
        const float norm = x.row(i).squaredNorm();
        label[i] = bestIndex;
        best[i] = std::sqrt(std::max(0.0f, norm + first));
        second[i] = next == kInfinity ? kInfinity : std::sqrt(std::max(0.0f, norm + next));
    }
}

/** Assigns every row (labels and distances to the two nearest centroids), in parallel blocks. */
void assignAll(const float *data, qint64 rows, qint64 cols, const Centroids &centroids, int *labels,
               float *best, float *second, const Progress &progress)
{
#pragma omp parallel if (worthThreads(rows * cols * centroids.k()))
    {
        keepEigenOnThisThread();
        RowMatrix scratch;
#pragma omp for schedule(dynamic, 1)
        for (int g = 0; g < kGroups; ++g) {
            const qint64 end = groupBegin(g + 1, rows);
            for (qint64 first = groupBegin(g, rows); first < end && !progress.isCancelled();
                 first += kBlockRows) {
                const qint64 count = std::min(kBlockRows, end - first);
                nearestTwo(data + first * cols, count, cols, centroids, scratch, labels + first, best + first,
                           second + first);
            }
        }
    }
    progress.throwIfCancelled();
}

/** Per-cluster sums and counts of the rows, merged over fixed groups in order. */
struct ClusterSums
{
    std::vector<double> sums; // k x d
    std::vector<qint64> counts;
};

ClusterSums sumClusters(const float *data, qint64 rows, qint64 cols, const int *labels, int k)
{
    std::vector<ClusterSums> groups(kGroups);
#pragma omp parallel for schedule(dynamic, 1) if (worthThreads(rows * cols))
    for (int g = 0; g < kGroups; ++g) {
        ClusterSums &group = groups[size_t(g)];
        group.sums.assign(size_t(k * cols), 0.0);
        group.counts.assign(size_t(k), 0);
        for (qint64 i = groupBegin(g, rows); i < groupBegin(g + 1, rows); ++i) {
            ++group.counts[size_t(labels[i])];
            double *sum = group.sums.data() + qint64(labels[i]) * cols;
            const float *row = data + i * cols;
            for (qint64 j = 0; j < cols; ++j)
                sum[j] += row[j];
        }
    }
    ClusterSums total{std::vector<double>(size_t(k * cols), 0.0), std::vector<qint64>(size_t(k), 0)};
    for (const ClusterSums &group : groups) {
        for (size_t i = 0; i < total.sums.size(); ++i)
            total.sums[i] += group.sums[i];
        for (size_t j = 0; j < total.counts.size(); ++j)
            total.counts[j] += group.counts[j];
    }
    return total;
}

/**
 * Moves each centroid to the mean of its rows. An empty cluster takes the row with the
 * largest distance bound (scikit-learn re-seeds empty clusters with the farthest rows).
 * Returns each centroid's movement (its drift).
 */
std::vector<float> updateCentroids(Centroids &centroids, const ClusterSums &totals, const float *data,
                                   qint64 rows, qint64 cols, const std::vector<float> &distance)
{
    const int k = centroids.k();
    const RowMatrix previous = centroids.c;
    std::vector<int> empty;
    for (int j = 0; j < k; ++j) {
        const qint64 count = totals.counts[size_t(j)];
        if (count == 0) {
            empty.push_back(j);
            continue;
        }
        for (qint64 col = 0; col < cols; ++col)
            centroids.c(j, col) = float(totals.sums[size_t(j * cols + col)] / double(count));
    }
    if (!empty.empty()) {
        std::vector<qint64> order(static_cast<size_t>(rows));
        std::iota(order.begin(), order.end(), 0);
        const size_t taken = std::min(empty.size(), order.size());
        std::partial_sort(order.begin(), order.begin() + qint64(taken), order.end(), [&](qint64 a, qint64 b) {
            return distance[size_t(a)] > distance[size_t(b)] ||
                   (distance[size_t(a)] == distance[size_t(b)] && a < b);
        });
        for (size_t e = 0; e < taken; ++e)
            centroids.c.row(empty[e]) = ConstRowMap(data + order[e] * cols, 1, cols);
    }
    centroids.updateNorms();
    std::vector<float> drift(static_cast<size_t>(k));
    for (int j = 0; j < k; ++j)
        drift[size_t(j)] = (centroids.c.row(j) - previous.row(j)).norm();
    return drift;
}

/** Half the distance from each centroid to its nearest other centroid (Hamerly's s). */
std::vector<float> halfSeparation(const Centroids &centroids)
{
    const int k = centroids.k();
    const RowMatrix gram = centroids.c.lazyProduct(centroids.c.transpose()); // small; never threaded by Eigen
    std::vector<float> half(static_cast<size_t>(k), kInfinity);
    for (int a = 0; a < k; ++a)
        for (int b = 0; b < k; ++b)
            if (a != b)
                half[size_t(a)] =
                    std::min(half[size_t(a)], centroids.norms[a] + centroids.norms[b] - 2.0f * gram(a, b));
    for (float &value : half)
        value = value == kInfinity ? kInfinity : 0.5f * std::sqrt(std::max(0.0f, value));
    return half;
}

/** Mean over columns of the column variances: the scale of the convergence tolerance. */
double meanColumnVariance(const float *data, qint64 rows, qint64 cols)
{
    std::vector<double> sum(static_cast<size_t>(cols), 0.0), sumSquares(static_cast<size_t>(cols), 0.0);
    for (qint64 i = 0; i < rows; ++i) {
        const float *row = data + i * cols;
        for (qint64 j = 0; j < cols; ++j) {
            sum[size_t(j)] += row[j];
            sumSquares[size_t(j)] += double(row[j]) * row[j];
        }
    }
    double total = 0.0;
    for (qint64 j = 0; j < cols; ++j) {
        const double mean = sum[size_t(j)] / double(rows);
        total += std::max(0.0, sumSquares[size_t(j)] / double(rows) - mean * mean);
    }
    return total / double(cols);
}

/** Copies a seeded random sample of `size` rows (in row order, for locality). */
std::vector<float> sampleRows(const float *data, qint64 rows, qint64 cols, qint64 size, Random &random)
{
    std::vector<qint64> index(static_cast<size_t>(rows));
    std::iota(index.begin(), index.end(), 0);
    for (qint64 i = 0; i < size; ++i)
        std::swap(index[size_t(i)], index[size_t(i + random.below(rows - i))]);
    index.resize(size_t(size));
    std::sort(index.begin(), index.end());
    std::vector<float> sample(static_cast<size_t>(size * cols));
#pragma omp parallel for schedule(static) if (worthThreads(size * cols))
    for (qint64 i = 0; i < size; ++i)
        std::copy_n(data + index[size_t(i)] * cols, cols, sample.data() + i * cols);
    return sample;
}

/** Index of the first row whose cumulative weight exceeds target (weights >= 0). */
qint64 pickByWeight(const std::vector<double> &cumulative, double target)
{
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
    return std::min(qint64(it - cumulative.begin()), qint64(cumulative.size()) - 1);
}

/** k distinct rows drawn at random (a partial Fisher-Yates shuffle of the row indices). */
Centroids seedRandomRows(const float *data, qint64 rows, qint64 cols, int k, Random &random)
{
    Centroids centroids(k, cols);
    std::vector<qint64> index(static_cast<size_t>(rows));
    std::iota(index.begin(), index.end(), 0);
    for (int c = 0; c < k; ++c) {
        std::swap(index[size_t(c)], index[size_t(c + random.below(rows - c))]);
        centroids.c.row(c) = ConstRowMap(data + index[size_t(c)] * cols, 1, cols);
    }
    centroids.updateNorms();
    return centroids;
}

/**
 * Greedy k-means++: each new centre is the best (lowest resulting potential) of
 * 2 + ln k candidates drawn with probability proportional to the squared distance to the
 * nearest centre so far. Candidate distances come from one blocked GEMM per centre.
 */
Centroids seedPlusPlus(const float *data, qint64 rows, qint64 cols, int k, Random &random, Progress &progress)
{
    Centroids centroids(k, cols);
    const ConstRowMap x(data, rows, cols);
    const Eigen::VectorXf rowNorms = x.rowwise().squaredNorm();
    const int trials = 2 + int(std::log(double(k)));

    std::vector<float> closest(static_cast<size_t>(rows));
    centroids.c.row(0) = x.row(random.below(rows));
    {
        const Eigen::VectorXf dots = x * centroids.c.row(0).transpose();
        const float norm = centroids.c.row(0).squaredNorm();
        for (qint64 i = 0; i < rows; ++i)
            closest[size_t(i)] = std::max(0.0f, rowNorms[i] + norm - 2.0f * dots[i]);
    }

    std::vector<double> cumulative(static_cast<size_t>(rows));
    RowMatrix candidates(trials, cols);
    RowMatrix candidateDist(rows, trials);
    for (int c = 1; c < k; ++c) {
        progress.throwIfCancelled();
        std::partial_sum(closest.begin(), closest.end(), cumulative.begin(),
                         [](double a, float b) { return a + double(b); });
        const double potential = cumulative.back();
        for (int t = 0; t < trials; ++t) {
            const qint64 row =
                potential > 0.0 ? pickByWeight(cumulative, random.uniform() * potential) : random.below(rows);
            candidates.row(t) = x.row(row);
        }
        const Eigen::VectorXf candidateNorms = candidates.rowwise().squaredNorm();
        std::vector<std::vector<double>> groupPotential(kGroups, std::vector<double>(size_t(trials), 0.0));
#pragma omp parallel if (worthThreads(rows * cols * trials))
        {
            keepEigenOnThisThread();
#pragma omp for schedule(dynamic, 1)
            for (int g = 0; g < kGroups; ++g) {
                const qint64 begin = groupBegin(g, rows), end = groupBegin(g + 1, rows);
                if (end <= begin)
                    continue;
                // The rows' block of x candidates^T, row-major: column-major candidates x^T.
                scaledProductABt(candidates.data(), trials, data + begin * cols, end - begin, int(cols), 1.0f,
                                 candidateDist.data() + begin * trials);
                for (qint64 i = begin; i < end; ++i) {
                    for (int t = 0; t < trials; ++t) {
                        float &d = candidateDist(i, t);
                        d = std::min(closest[size_t(i)],
                                     std::max(0.0f, rowNorms[i] + candidateNorms[t] - 2.0f * d));
                        groupPotential[size_t(g)][size_t(t)] += d;
                    }
                }
            }
        }
        int best = 0;
        double bestPotential = 0.0;
        for (int t = 0; t < trials; ++t) {
            double total = 0.0;
            for (int g = 0; g < kGroups; ++g)
                total += groupPotential[size_t(g)][size_t(t)];
            if (t == 0 || total < bestPotential) {
                bestPotential = total;
                best = t;
            }
        }
        centroids.c.row(c) = candidates.row(best);
        for (qint64 i = 0; i < rows; ++i)
            closest[size_t(i)] = candidateDist(i, best);
        progress.setProgress(0.1 * c / k);
    }
    centroids.updateNorms();
    return centroids;
}

/** Per-row state of Hamerly's algorithm: label, upper bound to its centroid, lower bound to any other. */
struct Assignment
{
    std::vector<int> labels;
    std::vector<float> upper;
    std::vector<float> lower;

    explicit Assignment(qint64 rows)
        : labels(static_cast<size_t>(rows)), upper(static_cast<size_t>(rows)),
          lower(static_cast<size_t>(rows))
    {
    }
};

/**
 * One Hamerly step after the centroids moved: loosen every row's bounds by the drifts and
 * recompute (by GEMM over the gathered rows) only rows whose bounds can no longer prove
 * that their centroid is still the nearest. Late iterations touch a few percent of rows.
 */
void hamerlyStep(const float *data, qint64 rows, qint64 cols, const Centroids &centroids,
                 const std::vector<float> &drift, Assignment &state, const Progress &progress)
{
    const std::vector<float> half = halfSeparation(centroids);
    int fastest = 0;
    for (int j = 1; j < centroids.k(); ++j)
        if (drift[size_t(j)] > drift[size_t(fastest)])
            fastest = j;
    float secondFastest = 0.0f;
    for (int j = 0; j < centroids.k(); ++j)
        if (j != fastest)
            secondFastest = std::max(secondFastest, drift[size_t(j)]);
    const float fastestDrift = drift[size_t(fastest)];

#pragma omp parallel if (worthThreads(rows * cols))
    {
        keepEigenOnThisThread();
        RowMatrix scratch, gathered;
        std::vector<qint64> stale;
        std::vector<int> labels;
        std::vector<float> best, second;
#pragma omp for schedule(dynamic, 1)
        for (int g = 0; g < kGroups; ++g) {
            if (progress.isCancelled())
                continue;
            stale.clear();
            for (qint64 i = groupBegin(g, rows); i < groupBegin(g + 1, rows); ++i) {
                const int label = state.labels[size_t(i)];
                float &upper = state.upper[size_t(i)];
                float &lower = state.lower[size_t(i)];
                upper += drift[size_t(label)];
                lower -= label == fastest ? secondFastest : fastestDrift;
                const float bound = std::max(half[size_t(label)], lower);
                if (upper <= bound)
                    continue;
                upper = (ConstRowMap(data + i * cols, 1, cols) - centroids.c.row(label)).norm();
                if (upper > bound)
                    stale.push_back(i);
            }
            for (size_t first = 0; first < stale.size(); first += size_t(kBlockRows)) {
                const qint64 count = qint64(std::min(stale.size() - first, size_t(kBlockRows)));
                gathered.resize(count, cols);
                for (qint64 r = 0; r < count; ++r)
                    gathered.row(r) = ConstRowMap(data + stale[first + size_t(r)] * cols, 1, cols);
                labels.resize(size_t(count));
                best.resize(size_t(count));
                second.resize(size_t(count));
                nearestTwo(gathered.data(), count, cols, centroids, scratch, labels.data(), best.data(),
                           second.data());
                for (qint64 r = 0; r < count; ++r) {
                    const auto row = size_t(stale[first + size_t(r)]);
                    state.labels[row] = labels[size_t(r)];
                    state.upper[row] = best[size_t(r)];
                    state.lower[row] = second[size_t(r)];
                }
            }
        }
    }
    progress.throwIfCancelled();
}

} // namespace

KMeans::KMeans(KMeansParams params) : m_params(params) {}

int KMeans::automaticK(qint64 rows)
{
    const qint64 bySize = std::clamp<qint64>(qint64(std::llround(std::sqrt(double(rows) / 2.0))), 8, 200);
    return int(std::max<qint64>(1, std::min(bySize, rows / 10)));
}

std::vector<int> KMeans::assign(const float *data, qint64 rows, qint64 cols,
                                const std::vector<float> &centroidValues,
                                std::vector<float> *squaredDistances)
{
    if (cols < 1 || centroidValues.empty() || qint64(centroidValues.size()) % cols != 0)
        throw Error(QStringLiteral("k-means: centroids do not match the data's %1 columns").arg(cols));
    Centroids centroids(int(qint64(centroidValues.size()) / cols), cols);
    centroids.c = ConstRowMap(centroidValues.data(), centroids.k(), cols);
    centroids.updateNorms();
    Assignment state(rows);
    const Progress neverCancelled;
    assignAll(data, rows, cols, centroids, state.labels.data(), state.upper.data(), state.lower.data(),
              neverCancelled);
    if (squaredDistances) {
        squaredDistances->resize(size_t(rows));
        for (qint64 i = 0; i < rows; ++i)
            (*squaredDistances)[size_t(i)] = state.upper[size_t(i)] * state.upper[size_t(i)];
    }
    return std::move(state.labels);
}

KMeansResult KMeans::run(const float *data, qint64 rows, qint64 cols, Progress &progress) const
{
    if (rows < 1 || cols < 1)
        throw Error(QStringLiteral("k-means needs at least one row and one column (got %1 x %2)")
                        .arg(rows)
                        .arg(cols));
    for (qint64 i = 0; i < rows * cols; ++i)
        if (!std::isfinite(data[i]))
            throw Error(
                QStringLiteral("k-means: row %1 has a value that is not a finite number").arg(i / cols));
    const int k = int(std::min<qint64>(rows, m_params.k > 0 ? m_params.k : automaticK(rows)));
    Random random(m_params.seed);

    // The fit sample, and within it the (smaller) seeding sample.
    const qint64 sampleSize = m_params.fitSampleSize > 0 ? std::min(rows, m_params.fitSampleSize) : rows;
    std::vector<float> sampleCopy;
    if (sampleSize < rows)
        sampleCopy = sampleRows(data, rows, cols, sampleSize, random);
    const float *sample = sampleSize < rows ? sampleCopy.data() : data;
    Centroids centroids = [&] {
        if (m_params.seeding == KMeansParams::Seeding::RandomRows)
            return seedRandomRows(sample, sampleSize, cols, k, random);
        const qint64 seedSize =
            m_params.seedSampleSize > 0 ? std::min(sampleSize, m_params.seedSampleSize) : sampleSize;
        if (seedSize == sampleSize)
            return seedPlusPlus(sample, sampleSize, cols, k, random, progress);
        const std::vector<float> seedRows = sampleRows(sample, sampleSize, cols, seedSize, random);
        return seedPlusPlus(seedRows.data(), seedSize, cols, k, random, progress);
    }();

    // Lloyd iterations on the fit sample, with Hamerly's bounds.
    KMeansResult result;
    const double threshold = m_params.tolerance * meanColumnVariance(sample, sampleSize, cols);
    Assignment state(sampleSize);
    assignAll(sample, sampleSize, cols, centroids, state.labels.data(), state.upper.data(),
              state.lower.data(), progress);
    for (int it = 0; it < m_params.maxIterations; ++it) {
        const ClusterSums sums = sumClusters(sample, sampleSize, cols, state.labels.data(), k);
        const std::vector<float> drift =
            updateCentroids(centroids, sums, sample, sampleSize, cols, state.upper);
        result.iterations = it + 1;
        progress.setProgress(0.1 + 0.6 * (it + 1) / m_params.maxIterations);
        double shift = 0.0;
        for (const float d : drift)
            shift += double(d) * d;
        if (shift <= threshold) {
            result.converged = true;
            break;
        }
        hamerlyStep(sample, sampleSize, cols, centroids, drift, state, progress);
    }
    sampleCopy = {};

    // Every row: refine passes (only when the fit saw a sample), then the final assignment.
    Assignment all(rows);
    const int refine = sampleSize < rows ? m_params.refineIterations : 0;
    for (int pass = 0; pass <= refine; ++pass) {
        assignAll(data, rows, cols, centroids, all.labels.data(), all.upper.data(), all.lower.data(),
                  progress);
        if (pass < refine)
            updateCentroids(centroids, sumClusters(data, rows, cols, all.labels.data(), k), data, rows, cols,
                            all.upper);
        progress.setProgress(0.7 + 0.3 * (pass + 1) / (refine + 1));
    }

    result.k = k;
    result.cols = cols;
    result.sizes.assign(size_t(k), 0);
    for (qint64 i = 0; i < rows; ++i) {
        ++result.sizes[size_t(all.labels[size_t(i)])];
        result.inertia += double(all.upper[size_t(i)]) * all.upper[size_t(i)];
    }
    result.labels = std::move(all.labels);
    result.centroids.assign(centroids.c.data(), centroids.c.data() + centroids.c.size());
    progress.setProgress(1.0);
    return result;
}

} // namespace loupe
