#include "analysis/maps/umapplacement.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <omp.h>

#include "analysis/maps/umapgraph.h"
#include "analysis/maps/umaplayout.h"
#include "common/parallelfor.h"
#include "common/progress.h"

namespace loupe {

namespace {

// umap-learn's transform refines placed points at a quarter of the fit's learning rate:
// the fitted layout is final, the new points only settle into it.
constexpr double kPlacementLearningRateShare = 0.25;
// Share of the placement step's progress bar the index queries take (the rest: refinement).
constexpr double kQueryShare = 0.6;

/** body(i) for i in [0, count) on `threads` threads, in chunks, with progress over [from, to]. */
template<typename Body>
void parallelRows(qint64 count, int threads, Progress &progress, double from, double to, Body &&body)
{
    parallelFor(
        count, 1024, progress,
        [&](qint64 begin, qint64 end) {
            for (qint64 i = begin; i < end; ++i)
                body(i);
        },
        from, to, threads);
}

int threadCount(const UmapParams &params)
{
    return params.threads > 0 ? params.threads : omp_get_max_threads();
}

/** Rows of [0, rows) not in the ascending list sample. */
std::vector<qint64> complementOf(const std::vector<qint64> &sample, qint64 rows)
{
    std::vector<qint64> others;
    others.reserve(size_t(rows) - sample.size());
    size_t next = 0;
    for (qint64 row = 0; row < rows; ++row) {
        if (next < sample.size() && sample[next] == row)
            ++next;
        else
            others.push_back(row);
    }
    return others;
}

} // namespace

UmapPlacement::UmapPlacement(const float *sampleVectors, qint64 sampleRows, int dims,
                             const UmapParams &params, Progress &progress)
    : m_index(sampleVectors, sampleRows, dims, params.knn, progress), m_params(params),
      m_sampleRows(sampleRows), m_dims(dims),
      m_sampleVectors(sampleVectors, sampleVectors + sampleRows * dims)
{
}

KnnGraph UmapPlacement::sampleGraph(int k, Progress &progress) const
{
    progress.setStep(QStringLiteral("Map: nearest neighbours of the sample"));
    KnnGraph graph;
    graph.n = m_sampleRows;
    graph.k = int(std::min<qint64>(k, m_sampleRows - 1));
    graph.indices.assign(size_t(graph.n) * size_t(graph.k), -1);
    graph.distances.assign(graph.indices.size(), std::numeric_limits<float>::infinity());
    parallelRows(graph.n, threadCount(m_params), progress, 0.0, 1.0, [&](qint64 i) {
        const std::vector<Neighbor> found = m_index.query(m_sampleVectors.data() + i * m_dims, graph.k + 1);
        int j = 0;
        for (const Neighbor &neighbor : found) {
            if (neighbor.sample == i || j == graph.k)
                continue; // the point itself, found as its own nearest neighbour
            graph.indices[size_t(i * graph.k + j)] = qint32(neighbor.sample);
            graph.distances[size_t(i * graph.k + j)] = neighbor.distance;
            ++j;
        }
    });
    return graph;
}

void UmapPlacement::placeOthers(const float *vectors, qint64 rows, const std::vector<qint64> &sample,
                                const std::vector<float> &fitted, const UmapCurve &curve,
                                std::vector<float> &coordinates, Progress &progress) const
{
    progress.setStep(QStringLiteral("Map: placing the remaining points"));
    for (size_t s = 0; s < sample.size(); ++s) {
        coordinates[size_t(2 * sample[s])] = fitted[2 * s];
        coordinates[size_t(2 * sample[s] + 1)] = fitted[2 * s + 1];
    }
    const std::vector<qint64> others = complementOf(sample, rows);
    const qint64 count = qint64(others.size());
    const qint64 batch = std::max<qint64>(1, m_params.placementBatch);
    const qint64 batches = std::max<qint64>(1, (count + batch - 1) / batch);
    for (qint64 b = 0; b < batches; ++b) {
        const qint64 begin = b * count / batches;
        const qint64 end = (b + 1) * count / batches;
        placeBatch(vectors, others.data() + begin, end - begin, int(b), fitted, curve, coordinates, progress,
                   double(b) / double(batches), double(b + 1) / double(batches));
    }
}

void UmapPlacement::placeBatch(const float *vectors, const qint64 *others, qint64 count, int batch,
                               const std::vector<float> &fitted, const UmapCurve &curve,
                               std::vector<float> &coordinates, Progress &progress, double from,
                               double to) const
{
    const int k = int(std::min<qint64>(m_params.neighbors, m_sampleRows));
    const double target = std::log2(double(std::max(2, m_params.neighbors)));
    const double localConnectivity = std::max(0.0, m_params.localConnectivity - 1.0);
    const double queried = from + (to - from) * kQueryShare;

    // A bipartite graph: vertex o (a new point) -> tails in the fitted sample, k slots per row;
    // missing neighbours keep weight 0 and are never sampled.
    UmapGraph graph;
    graph.vertices = count;
    graph.rowStart.resize(size_t(count) + 1);
    for (qint64 o = 0; o <= count; ++o)
        graph.rowStart[size_t(o)] = o * k;
    graph.tails.assign(size_t(count) * size_t(k), 0);
    graph.weights.assign(graph.tails.size(), 0.0f);
    std::vector<float> placed(size_t(count) * 2, 0.0f);

    parallelRows(count, threadCount(m_params), progress, from, queried, [&](qint64 o) {
        const std::vector<Neighbor> found = m_index.query(vectors + others[o] * m_dims, k);
        const int n = int(found.size());
        std::vector<float> distances(found.size());
        for (int j = 0; j < n; ++j)
            distances[size_t(j)] = found[size_t(j)].distance;
        const UmapLocalScale scale = smoothKnnScale(distances.data(), n, target, localConnectivity, 0.0);
        double x = 0.0, y = 0.0, total = 0.0;
        for (int j = 0; j < n; ++j) {
            const qint64 tail = found[size_t(j)].sample;
            const float w = umapMembership(distances[size_t(j)], scale);
            graph.tails[size_t(o * k + j)] = qint32(tail);
            graph.weights[size_t(o * k + j)] = w;
            x += w * fitted[size_t(2 * tail)];
            y += w * fitted[size_t(2 * tail + 1)];
            total += w;
        }
        if (total > 0.0) {
            placed[size_t(2 * o)] = float(x / total);
            placed[size_t(2 * o + 1)] = float(y / total);
        }
    });

    if (m_params.placementEpochs > 0 && count > 0) {
        UmapLayoutParams layout;
        layout.epochs = m_params.placementEpochs;
        layout.curve = curve;
        layout.learningRate = m_params.learningRate * kPlacementLearningRateShare;
        layout.repulsionStrength = m_params.repulsionStrength;
        layout.negativeSampleRate = m_params.negativeSampleRate;
        layout.seed = m_params.seed + 1 + quint64(batch);
        layout.threads = m_params.threads;
        layout.progressFrom = queried;
        layout.progressTo = to;
        std::vector<float> fixed = fitted; // the fitted layout is only read; a copy keeps the contract const
        optimizeUmapLayout(graph, placed.data(), fixed.data(), m_sampleRows, false, layout, progress);
    }
    for (qint64 o = 0; o < count; ++o) {
        coordinates[size_t(2 * others[o])] = placed[size_t(2 * o)];
        coordinates[size_t(2 * others[o] + 1)] = placed[size_t(2 * o + 1)];
    }
}

} // namespace loupe
