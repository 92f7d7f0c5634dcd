#include "analysis/maps/umaplayout.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include <omp.h>

#include "analysis/maps/umapgraph.h"
#include "analysis/maps/umapschedule.h"
#include "analysis/maps/umapsgd.h"
#include "common/progress.h"

namespace loupe {

namespace {

// Edges per work item of an epoch. Each item draws its negative samples from its own
// generator, seeded by (seed, epoch, part, item), so the draws do not depend on which
// thread runs the item; items are large enough that scheduling them costs nothing.
constexpr qint64 kEdgesPerItem = 16384;

UmapEdgeArrays edgeArrays(UmapSchedule &s)
{
    return {s.heads.data(),
            s.tails.data(),
            s.epochsPerSample.data(),
            s.nextSample.data(),
            s.epochsPerNegative.data(),
            s.nextNegative.data()};
}

/**
 * One epoch: each thread works through the items (kEdgesPerItem edges) of its own part,
 * then helps with the others' remaining items, so a thread the OS pauses does not hold
 * the epoch up. An item's negative samples come from a generator seeded by (seed, epoch,
 * part, item), whichever thread runs it.
 */
void runEpoch(const UmapEpochContext &c, UmapSchedule &s, std::uint64_t seed, int epoch)
{
    const int parts = s.parts();
    const UmapEdgeArrays edges = edgeArrays(s);
    const SimdLevel level = activeSimdLevel();
    std::vector<std::atomic<qint64>> cursor(static_cast<size_t>(parts));
    for (auto &next : cursor)
        next.store(0, std::memory_order_relaxed);
#pragma omp parallel num_threads(parts)
    {
        const int self = omp_get_thread_num();
        for (int k = 0; k < parts; ++k) {
            const int part = (self + k) % parts;
            const qint64 begin = s.partStart[size_t(part)];
            const qint64 end = s.partStart[size_t(part) + 1];
            for (qint64 item = cursor[size_t(part)].fetch_add(1, std::memory_order_relaxed);
                 begin + item * kEdgesPerItem < end;
                 item = cursor[size_t(part)].fetch_add(1, std::memory_order_relaxed)) {
                const std::uint64_t stream =
                    std::uint64_t(epoch) << 40 | std::uint64_t(part) << 32 | std::uint64_t(item);
                updateUmapEdges(c, edges, begin + item * kEdgesPerItem,
                                std::min(end, begin + (item + 1) * kEdgesPerItem), seed, stream, level);
            }
        }
    }
}

} // namespace

UmapCurve fitUmapCurve(double spread, double minDist)
{
    constexpr int kPoints = 300;
    std::vector<double> x(kPoints);
    std::vector<double> y(kPoints);
    for (int i = 0; i < kPoints; ++i) {
        x[i] = 3.0 * spread * i / (kPoints - 1);
        y[i] = x[i] < minDist ? 1.0 : std::exp(-(x[i] - minDist) / spread);
    }
    // Sum of squared residuals of 1 / (1 + a x^2b) and, when asked, the normal equations
    // (J^T J and J^T r) of the Gauss-Newton step.
    struct Normal
    {
        double aa = 0, ab = 0, bb = 0, ga = 0, gb = 0;
    };
    const auto cost = [&](double a, double b, Normal *normal) {
        double sum = 0.0;
        for (int i = 0; i < kPoints; ++i) {
            const double power = x[i] > 0.0 ? std::pow(x[i], 2.0 * b) : 0.0;
            const double f = 1.0 / (1.0 + a * power);
            const double r = f - y[i];
            sum += r * r;
            if (normal) {
                const double da = -power * f * f;
                const double db = x[i] > 0.0 ? -a * power * 2.0 * std::log(x[i]) * f * f : 0.0;
                normal->aa += da * da;
                normal->ab += da * db;
                normal->bb += db * db;
                normal->ga += da * r;
                normal->gb += db * r;
            }
        }
        return sum;
    };

    // Levenberg-Marquardt from (1, 1), as scipy's curve_fit, which umap-learn calls.
    double a = 1.0;
    double b = 1.0;
    double lambda = 1e-3;
    double current = cost(a, b, nullptr);
    for (int iteration = 0; iteration < 500; ++iteration) {
        Normal n;
        cost(a, b, &n);
        bool improved = false;
        for (; lambda < 1e12; lambda *= 10.0) {
            const double m11 = n.aa * (1.0 + lambda);
            const double m22 = n.bb * (1.0 + lambda);
            const double det = m11 * m22 - n.ab * n.ab;
            const double da = (-n.ga * m22 + n.gb * n.ab) / det;
            const double db = (-n.gb * m11 + n.ga * n.ab) / det;
            if (!(a + da > 0.0))
                continue;
            const double next = cost(a + da, b + db, nullptr);
            if (next < current) {
                improved = (current - next) > 1e-14 * current;
                a += da;
                b += db;
                current = next;
                lambda = std::max(lambda / 10.0, 1e-12);
                break;
            }
        }
        if (!improved)
            break;
    }
    return {a, b};
}

void optimizeUmapLayout(const UmapGraph &graph, float *headCoordinates, float *tailCoordinates,
                        qint64 tailVertices, bool moveTails, const UmapLayoutParams &params,
                        Progress &progress)
{
    progress.throwIfCancelled();
    const int epochs = std::max(0, params.epochs);
    const int threads = std::max(1, params.threads > 0 ? params.threads : omp_get_max_threads());
    // A fit renumbers its points so that each thread's part is a region of the map (see
    // UmapSchedule); a transform's heads are only ever written by their own edges.
    const bool fit = headCoordinates == tailCoordinates;
    UmapSchedule schedule = makeUmapSchedule(graph, epochs, params.negativeSampleRate, threads, fit);

    std::vector<float> renumbered;
    if (fit) {
        renumbered.resize(size_t(2 * graph.vertices));
        for (qint64 v = 0; v < graph.vertices; ++v) {
            renumbered[size_t(2 * v)] = headCoordinates[2 * qint64(schedule.order[size_t(v)])];
            renumbered[size_t(2 * v + 1)] = headCoordinates[2 * qint64(schedule.order[size_t(v)]) + 1];
        }
    }
    UmapEpochContext c;
    c.a = float(params.curve.a);
    c.b = float(params.curve.b);
    c.twoAB = float(2.0 * params.curve.a * params.curve.b);
    c.twoGammaB = float(2.0 * params.repulsionStrength * params.curve.b);
    c.tailVertices = tailVertices;
    c.sameSet = fit;
    c.moveTails = moveTails;
    c.heads = fit ? renumbered.data() : headCoordinates;
    c.tails = fit ? renumbered.data() : tailCoordinates;
    // Fixed tails (a transform) are never written: read negatives from them directly.
    std::vector<float> snapshot(moveTails ? size_t(2 * tailVertices) : 0);
    c.negativeSource = moveTails ? snapshot.data() : tailCoordinates;
    for (int n = 0; n < epochs; ++n) {
        if (moveTails)
            std::copy_n(c.tails, 2 * tailVertices, snapshot.begin());
        c.alpha = float(params.learningRate * (1.0 - double(n) / double(epochs)));
        c.epoch = float(n);
        runEpoch(c, schedule, params.seed, n);
        progress.setProgress(params.progressFrom +
                             (params.progressTo - params.progressFrom) * (n + 1) / epochs);
        progress.throwIfCancelled();
    }
    if (fit) {
        for (qint64 v = 0; v < graph.vertices; ++v) {
            headCoordinates[2 * qint64(schedule.order[size_t(v)])] = renumbered[size_t(2 * v)];
            headCoordinates[2 * qint64(schedule.order[size_t(v)]) + 1] = renumbered[size_t(2 * v + 1)];
        }
    }
}

} // namespace loupe
