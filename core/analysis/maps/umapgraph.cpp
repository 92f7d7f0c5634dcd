#include "analysis/maps/umapgraph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <omp.h>

#include "analysis/neighbours/nearestneighbors.h"
#include "common/progress.h"

namespace loupe {

namespace {

// As umap-learn: the binary search stops within this of the target, and a scale never
// drops below this share of the mean neighbour distance.
constexpr double kSmoothKTolerance = 1e-5;
constexpr double kMinScaleShare = 1e-3;
constexpr int kSearchSteps = 64;

struct DirectedEdge
{
    qint32 vertex;
    float weight;
};

bool validNeighbor(qint32 index, float distance)
{
    return index >= 0 && std::isfinite(distance);
}

/** Mean of all finite neighbour distances: the scale floor for points whose rho is 0. */
double meanDistance(const KnnGraph &knn)
{
    double sum = 0.0;
    qint64 count = 0;
#pragma omp parallel for reduction(+ : sum, count) schedule(static)
    for (qint64 e = 0; e < qint64(knn.distances.size()); ++e) {
        if (std::isfinite(knn.distances[e])) {
            sum += knn.distances[e];
            ++count;
        }
    }
    return count > 0 ? sum / double(count) : 0.0;
}

/**
 * The directed memberships of each row, sorted by neighbour index (row i's out-edges),
 * and their transpose (vertex j's in-edges, sorted by source because rows are scanned in order).
 */
struct DirectedSets
{
    std::vector<DirectedEdge> out; // n x k, invalid entries have vertex -1
    std::vector<qint64> inStart;   // n + 1
    std::vector<DirectedEdge> in;
};

DirectedSets directedMemberships(const KnnGraph &knn, const UmapGraphParams &params, int threads,
                                 Progress &progress)
{
    const qint64 n = knn.n;
    const int k = knn.k;
    const double target = std::log2(double(std::max(2, params.neighbors)));
    const double fallback = meanDistance(knn);
    DirectedSets sets;
    sets.out.resize(size_t(n) * size_t(k));
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
    for (qint64 i = 0; i < n; ++i) {
        const UmapLocalScale scale =
            smoothKnnScale(knn.neighborDistances(i), k, target, params.localConnectivity, fallback);
        DirectedEdge *row = sets.out.data() + i * k;
        for (int j = 0; j < k; ++j) {
            const qint32 index = knn.neighbors(i)[j];
            const float distance = knn.neighborDistances(i)[j];
            const bool valid = validNeighbor(index, distance) && index != i;
            row[j] = valid ? DirectedEdge{index, umapMembership(distance, scale)} : DirectedEdge{-1, 0.0f};
        }
        std::sort(row, row + k,
                  [](const DirectedEdge &a, const DirectedEdge &b) { return a.vertex < b.vertex; });
    }
    progress.setProgress(0.4);
    progress.throwIfCancelled();

    sets.inStart.assign(size_t(n) + 1, 0);
    for (const DirectedEdge &e : sets.out) {
        if (e.vertex >= 0)
            ++sets.inStart[size_t(e.vertex) + 1];
    }
    for (qint64 v = 0; v < n; ++v)
        sets.inStart[size_t(v) + 1] += sets.inStart[size_t(v)];
    sets.in.resize(size_t(sets.inStart[size_t(n)]));
    std::vector<qint64> fill(sets.inStart.begin(), sets.inStart.end() - 1);
    for (qint64 i = 0; i < n; ++i) {
        for (int j = 0; j < k; ++j) {
            const DirectedEdge &e = sets.out[size_t(i * k + j)];
            if (e.vertex >= 0)
                sets.in[size_t(fill[size_t(e.vertex)]++)] = {qint32(i), e.weight};
        }
    }
    progress.setProgress(0.6);
    return sets;
}

/**
 * Walks the union of row i's out-edges and in-edges in vertex order, calling
 * visit(vertex, a, b) with a = membership i -> vertex and b = vertex -> i (0 if absent).
 * A duplicated neighbour in a kNN row keeps its larger membership.
 */
template<typename Visit> void mergeRow(const DirectedSets &sets, qint64 i, int k, Visit &&visit)
{
    const DirectedEdge *out = sets.out.data() + i * k;
    const DirectedEdge *outEnd = out + k;
    while (out != outEnd && out->vertex < 0)
        ++out; // invalid entries sort first
    const DirectedEdge *in = sets.in.data() + sets.inStart[size_t(i)];
    const DirectedEdge *inEnd = sets.in.data() + sets.inStart[size_t(i) + 1];
    while (out != outEnd || in != inEnd) {
        const qint32 vertex = std::min(out != outEnd ? out->vertex : std::numeric_limits<qint32>::max(),
                                       in != inEnd ? in->vertex : std::numeric_limits<qint32>::max());
        float a = 0.0f;
        float b = 0.0f;
        for (; out != outEnd && out->vertex == vertex; ++out)
            a = std::max(a, out->weight);
        for (; in != inEnd && in->vertex == vertex; ++in)
            b = std::max(b, in->weight);
        visit(vertex, a, b);
    }
}

} // namespace

UmapLocalScale smoothKnnScale(const float *distances, int k, double target, double localConnectivity,
                              double fallbackMean)
{
    UmapLocalScale scale;
    // rho: the distance to the localConnectivity-th non-zero neighbour, interpolated.
    int valid = 0;
    int nonZero = 0;
    double rowSum = 0.0;
    double largestNonZero = 0.0;
    for (int j = 0; j < k; ++j) {
        if (!std::isfinite(distances[j]))
            continue;
        ++valid;
        rowSum += distances[j];
        if (distances[j] > 0.0f) {
            ++nonZero;
            largestNonZero = std::max(largestNonZero, double(distances[j]));
        }
    }
    const auto nthNonZero = [&](int n) {
        int seen = 0;
        for (int j = 0; j < k; ++j) {
            if (std::isfinite(distances[j]) && distances[j] > 0.0f && seen++ == n)
                return double(distances[j]);
        }
        return largestNonZero;
    };
    double rho = 0.0;
    if (nonZero >= localConnectivity) {
        const int index = int(std::floor(localConnectivity));
        const double interpolation = localConnectivity - index;
        if (index > 0) {
            rho = nthNonZero(index - 1);
            if (interpolation > kSmoothKTolerance)
                rho += interpolation * (nthNonZero(index) - nthNonZero(index - 1));
        } else {
            rho = interpolation * nthNonZero(0);
        }
    } else if (nonZero > 0) {
        rho = largestNonZero;
    }

    // sigma: binary search for sum_j exp(-max(0, d_j - rho) / sigma) = target.
    double lo = 0.0;
    double hi = std::numeric_limits<double>::infinity();
    double mid = 1.0;
    for (int step = 0; step < kSearchSteps; ++step) {
        double sum = 0.0;
        for (int j = 0; j < k; ++j) {
            if (!std::isfinite(distances[j]))
                continue;
            const double d = distances[j] - rho;
            sum += d > 0.0 ? std::exp(-d / mid) : 1.0;
        }
        if (std::abs(sum - target) < kSmoothKTolerance)
            break;
        if (sum > target) {
            hi = mid;
            mid = (lo + hi) / 2.0;
        } else {
            lo = mid;
            mid = std::isinf(hi) ? mid * 2.0 : (lo + hi) / 2.0;
        }
    }
    const double rowMean = valid > 0 ? rowSum / valid : 0.0;
    const double floor = kMinScaleShare * (rho > 0.0 ? rowMean : fallbackMean);
    scale.rho = float(rho);
    scale.sigma = float(std::max(mid, floor));
    return scale;
}

float umapMembership(float distance, const UmapLocalScale &scale)
{
    const float excess = distance - scale.rho;
    if (excess <= 0.0f || scale.sigma == 0.0f)
        return 1.0f;
    return std::exp(-excess / scale.sigma);
}

UmapGraph fuzzySimplicialSet(const KnnGraph &knn, const UmapGraphParams &params, Progress &progress)
{
    const int threads = params.threads > 0 ? params.threads : omp_get_max_threads();
    const qint64 n = knn.n;
    const int k = knn.k;
    progress.throwIfCancelled();
    const DirectedSets sets = directedMemberships(knn, params, threads, progress);

    const double mix = params.setOpMixRatio;
    const auto combine = [mix](float a, float b) {
        const double product = double(a) * b;
        return float(mix * (a + b - product) + (1.0 - mix) * product);
    };
    UmapGraph graph;
    graph.vertices = n;
    graph.rowStart.assign(size_t(n) + 1, 0);
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
    for (qint64 i = 0; i < n; ++i) {
        qint64 count = 0;
        mergeRow(sets, i, k, [&](qint32, float a, float b) { count += combine(a, b) > 0.0f; });
        graph.rowStart[size_t(i) + 1] = count;
    }
    for (qint64 i = 0; i < n; ++i)
        graph.rowStart[size_t(i) + 1] += graph.rowStart[size_t(i)];
    progress.setProgress(0.8);
    progress.throwIfCancelled();

    graph.tails.resize(size_t(graph.rowStart[size_t(n)]));
    graph.weights.resize(graph.tails.size());
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
    for (qint64 i = 0; i < n; ++i) {
        qint64 at = graph.rowStart[size_t(i)];
        mergeRow(sets, i, k, [&](qint32 vertex, float a, float b) {
            const float w = combine(a, b);
            if (w > 0.0f) {
                graph.tails[size_t(at)] = vertex;
                graph.weights[size_t(at)] = w;
                ++at;
            }
        });
    }
    progress.setProgress(1.0);
    return graph;
}

} // namespace loupe
