#include "analysis/maps/umap.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include <omp.h>

#include "analysis/maps/umapgraph.h"
#include "analysis/maps/umapplacement.h"
#include "analysis/neighbours/pca.h"
#include "common/error.h"
#include "common/progress.h"

namespace loupe {

namespace {

// Map coordinates start in a [0, kInitialExtent]^2 box, as umap-learn's: the SGD's step
// sizes (learning rate 1, clip 4) and a/b are tuned for that scale.
constexpr float kInitialExtent = 10.0f;

class Stopwatch
{
public:
    double lap()
    {
        const auto now = std::chrono::steady_clock::now();
        const double seconds = std::chrono::duration<double>(now - m_start).count();
        m_start = now;
        return seconds;
    }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

/** The vectors the kNN search runs on, and the two leading principal components for the initialisation. */
struct SearchSpace
{
    std::vector<float> reduced; // rows x dims when PCA ran, else empty (search the input)
    int dims = 0;
    double varianceKept = 1.0;
    std::vector<float> init; // rows x 2
};

/** search: whether the kNN search will run on the result (else only the initialisation is needed). */
SearchSpace makeSearchSpace(const float *data, qint64 rows, int dimensions, const UmapParams &params,
                            bool search, Progress &progress)
{
    progress.setStep(QStringLiteral("Map: principal components"));
    const bool reduce = search && params.pcaDimensions > 0 && params.pcaDimensions < dimensions;
    PcaParams pca;
    pca.components = reduce ? std::max(2, params.pcaDimensions) : 2;
    pca.seed = params.seed;
    pca.threads = params.threads;
    PcaResult result = computePca(data, rows, dimensions, pca, progress);

    SearchSpace space;
    space.init.resize(size_t(rows) * 2, 0.0f);
    for (qint64 i = 0; i < rows; ++i) {
        for (int c = 0; c < std::min(2, result.components); ++c)
            space.init[size_t(2 * i + c)] = result.projected[size_t(i * result.components + c)];
    }
    if (reduce) {
        space.dims = result.components;
        space.varianceKept =
            std::accumulate(result.explainedVarianceRatio.begin(), result.explainedVarianceRatio.end(), 0.0);
        space.reduced = std::move(result.projected);
    } else {
        space.dims = dimensions;
    }
    return space;
}

/** Rescales each axis to [0, kInitialExtent] (a constant axis goes to the middle). */
void rescaleToBox(std::vector<float> &coordinates)
{
    const qint64 n = qint64(coordinates.size() / 2);
    for (int axis = 0; axis < 2; ++axis) {
        float lo = std::numeric_limits<float>::infinity();
        float hi = -std::numeric_limits<float>::infinity();
        for (qint64 i = 0; i < n; ++i) {
            lo = std::min(lo, coordinates[size_t(2 * i + axis)]);
            hi = std::max(hi, coordinates[size_t(2 * i + axis)]);
        }
        const float range = hi - lo;
        for (qint64 i = 0; i < n; ++i) {
            float &v = coordinates[size_t(2 * i + axis)];
            v = range > 0.0f ? kInitialExtent * (v - lo) / range : kInitialExtent / 2.0f;
        }
    }
}

std::vector<float> randomInit(qint64 n, std::uint64_t seed)
{
    std::mt19937_64 engine(seed);
    std::vector<float> coordinates(size_t(n) * 2);
    for (float &v : coordinates)
        v = float(double(engine() >> 11) * 0x1.0p-53 * kInitialExtent);
    return coordinates;
}

int defaultEpochs(qint64 fittedRows, const UmapParams &params)
{
    if (params.epochs > 0)
        return params.epochs;
    return fittedRows <= 10000 ? 500 : 150;
}

UmapLayoutParams layoutParams(const UmapParams &params, int epochs)
{
    UmapLayoutParams layout;
    layout.epochs = epochs;
    layout.curve = fitUmapCurve(params.spread, params.minDist);
    layout.learningRate = params.learningRate;
    layout.repulsionStrength = params.repulsionStrength;
    layout.negativeSampleRate = params.negativeSampleRate;
    layout.seed = params.seed;
    layout.threads = params.threads;
    return layout;
}

std::vector<float> gatherRows(const float *data, int dims, const std::vector<qint64> &rows)
{
    std::vector<float> out(rows.size() * size_t(dims));
#pragma omp parallel for schedule(static)
    for (qint64 i = 0; i < qint64(rows.size()); ++i)
        std::copy_n(data + rows[size_t(i)] * dims, dims, out.data() + i * dims);
    return out;
}

/** The nearest k neighbours of each row of a graph with at least k per row. */
KnnGraph truncated(const KnnGraph &graph, int k)
{
    if (graph.k == k)
        return graph;
    KnnGraph result;
    result.n = graph.n;
    result.k = k;
    result.indices.resize(size_t(graph.n * k));
    result.distances.resize(size_t(graph.n * k));
    for (qint64 i = 0; i < graph.n; ++i) {
        std::copy_n(graph.neighbors(i), k, result.indices.data() + i * k);
        std::copy_n(graph.neighborDistances(i), k, result.distances.data() + i * k);
    }
    return result;
}

/** A seeded uniform sample of `count` of n rows, ascending (partial Fisher-Yates). */
std::vector<qint64> sampleRows(qint64 n, qint64 count, std::uint64_t seed)
{
    std::vector<qint64> all(static_cast<size_t>(n));
    std::iota(all.begin(), all.end(), qint64(0));
    std::mt19937_64 engine(seed ^ 0x5eed5eedULL);
    for (qint64 i = 0; i < count; ++i) {
        const qint64 j = i + qint64(engine() % std::uint64_t(n - i));
        std::swap(all[size_t(i)], all[size_t(j)]);
    }
    all.resize(size_t(count));
    std::sort(all.begin(), all.end());
    return all;
}

} // namespace

KnnParams umapKnnDefaults()
{
    KnnParams knn;
    knn.hnswEfConstruction = 32;
    knn.hnswEfSearch = 32;
    return knn;
}

std::vector<float> umapLayout(const KnnGraph &knn, std::vector<float> initial, const UmapParams &params,
                              Progress &progress, qint64 *graphEdges, int *epochs)
{
    progress.setStep(QStringLiteral("Map: fuzzy graph"));
    UmapGraphParams graphParams;
    graphParams.neighbors = knn.k + 1;
    graphParams.localConnectivity = params.localConnectivity;
    graphParams.setOpMixRatio = params.setOpMixRatio;
    graphParams.threads = params.threads;
    const UmapGraph graph = fuzzySimplicialSet(knn, graphParams, progress);

    progress.setStep(QStringLiteral("Map: layout"));
    rescaleToBox(initial);
    const int n = defaultEpochs(knn.n, params);
    optimizeUmapLayout(graph, initial.data(), initial.data(), knn.n, true, layoutParams(params, n), progress);
    if (graphEdges)
        *graphEdges = graph.edges();
    if (epochs)
        *epochs = n;
    return initial;
}

UmapResult computeUmap(const float *data, qint64 rows, int dimensions, const UmapParams &params,
                       Progress &progress)
{
    return computeUmap(data, rows, dimensions, params, nullptr, progress);
}

UmapResult computeUmap(const float *data, qint64 rows, int dimensions, const UmapParams &params,
                       const KnnGraph *knn, Progress &progress)
{
    if (rows < 2)
        throw Error(QStringLiteral("The map needs at least 2 samples, got %1").arg(rows));
    if (dimensions < 1)
        throw Error(QStringLiteral("The map needs vectors of at least 1 dimension"));
    if (params.neighbors < 2)
        throw Error(QStringLiteral("The map needs at least 2 neighbours, got %1").arg(params.neighbors));

    Stopwatch stopwatch;
    UmapResult result;
    result.rows = rows;
    result.curve = fitUmapCurve(params.spread, params.minDist);
    const bool sampled = params.fitSampleSize > 0 && rows > params.fitSampleSize;
    const int k = int(std::min<qint64>(params.neighbors - 1, rows - 1));
    const bool reuseGraph = !sampled && knn && knn->n == rows && knn->k >= k;
    SearchSpace space = makeSearchSpace(data, rows, dimensions, params, !reuseGraph, progress);
    const float *search = space.reduced.empty() ? data : space.reduced.data();
    result.searchDimensions = space.dims;
    result.searchVarianceKept = space.varianceKept;
    if (params.init == UmapParams::Init::Random)
        space.init = randomInit(rows, params.seed);
    result.timings.pcaSeconds = stopwatch.lap();

    if (!sampled) {
        progress.setStep(QStringLiteral("Map: nearest neighbours"));
        const KnnGraph graph = reuseGraph
                                   ? truncated(*knn, k)
                                   : allNearestNeighbors(search, rows, space.dims, k, params.knn, progress);
        result.timings.knnSeconds = stopwatch.lap();
        result.coordinates =
            umapLayout(graph, std::move(space.init), params, progress, &result.graphEdges, &result.epochs);
        result.timings.layoutSeconds = stopwatch.lap();
        result.fittedRows = rows;
        return result;
    }

    // Fit on a sample: its kNN graph and the later placement queries share one index.
    const std::vector<qint64> sample = sampleRows(rows, params.fitSampleSize, params.seed);
    const std::vector<float> sampleVectors = gatherRows(search, space.dims, sample);
    progress.setStep(QStringLiteral("Map: nearest neighbours"));
    UmapPlacement placement(sampleVectors.data(), qint64(sample.size()), space.dims, params, progress);
    const KnnGraph sampleGraph = placement.sampleGraph(params.neighbors - 1, progress);
    result.timings.knnSeconds = stopwatch.lap();

    const std::vector<float> sampleInit = gatherRows(space.init.data(), 2, sample);
    const std::vector<float> fitted =
        umapLayout(sampleGraph, sampleInit, params, progress, &result.graphEdges, &result.epochs);
    result.timings.layoutSeconds = stopwatch.lap();

    result.coordinates.assign(size_t(rows) * 2, 0.0f);
    placement.placeOthers(search, rows, sample, fitted, result.curve, result.coordinates, progress);
    result.timings.placementSeconds = stopwatch.lap();
    result.fittedRows = qint64(sample.size());
    return result;
}

} // namespace loupe
