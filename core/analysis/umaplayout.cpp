#include "umaplayout.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <vector>

#include <omp.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "analysis/umapgraph.h"
#include "analysis/umapschedule.h"
#include "progress.h"

namespace loupe {

namespace {

// Edges per work item of an epoch. Each item draws its negative samples from its own
// generator, seeded by (seed, epoch, part, item), so the draws do not depend on which
// thread runs the item; items are large enough that scheduling them costs nothing.
constexpr qint64 kEdgesPerItem = 16384;
// umap-learn clips each gradient component to this, so that no single sample can throw
// a point across the map.
constexpr float kClip = 4.0f;
// Added to the squared distance in the repulsive term, as umap-learn, to bound it near 0.
constexpr float kRepulsionEpsilon = 0.001f;

inline float clip(float v)
{
    return std::clamp(v, -kClip, kClip);
}

/**
 * log2 for positive normal floats: exponent from the bits, a degree-5 polynomial for the
 * mantissa in [1, 2) (least squares on Chebyshev nodes, max error 1.5e-5).
 */
inline float fastLog2(float x)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    const float exponent = float(int(bits >> 23) - 127);
    const float m = std::bit_cast<float>((bits & 0x007fffffu) | 0x3f800000u);
    const float p =
        ((((0.04392863f * m - 0.40947559f) * m + 1.61017755f) * m - 3.52021884f) * m + 5.06975632f) * m -
        2.79415368f;
    return exponent + p;
}

/**
 * 2^y for y in [-126, 126]: the integer part goes into the exponent bits, a degree-4
 * polynomial covers the fraction (max relative error 4e-6).
 */
inline float fastExp2(float y)
{
    y = std::clamp(y, -126.0f, 126.0f);
    // floor without a libm call
    const int truncated = int(y);
    const int whole = truncated - int(float(truncated) > y);
    const float f = y - float(whole);
    const float p = (((0.01368398f * f + 0.05171774f) * f + 0.24162132f) * f + 0.69296955f) * f + 1.0000036f;
    return std::bit_cast<float>(std::bit_cast<std::int32_t>(p) + (whole << 23));
}

/**
 * x^b for x > 0. The gradient needs one power per sample and std::pow costs more than the
 * rest of the update together; a relative error of ~1e-5 is far below SGD's own noise.
 */
inline float fastPow(float x, float b)
{
    return fastExp2(b * fastLog2(std::max(x, 1e-30f)));
}

/** xorshift64* (Marsaglia; Vigna): a few cycles per draw, plenty for picking negative samples. */
class FastRandom
{
public:
    explicit FastRandom(std::uint64_t seed) : m_state(mix(seed)) {}
    /** Uniform in [0, n) by the multiply-shift method (no division). */
    qint64 below(qint64 n)
    {
        m_state ^= m_state >> 12;
        m_state ^= m_state << 25;
        m_state ^= m_state >> 27;
        const std::uint64_t high = (m_state * 0x2545F4914F6CDD1DULL) >> 32;
        return qint64((high * std::uint64_t(n)) >> 32);
    }
    /** splitmix64's finaliser: spreads nearby seeds (epoch, item) over the state space; never 0. */
    static std::uint64_t mix(std::uint64_t z)
    {
        z += 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        return z ? z : 1;
    }

private:
    std::uint64_t m_state;
};

/**
 * Coordinates shared between threads. Hogwild updates race by design; relaxed atomic
 * loads and stores make those races defined behaviour and compile to plain moves on x86.
 */
struct Point
{
    float x;
    float y;
};
inline Point load(float *p)
{
    return {std::atomic_ref<float>(p[0]).load(std::memory_order_relaxed),
            std::atomic_ref<float>(p[1]).load(std::memory_order_relaxed)};
}
inline void store(float *p, Point v)
{
    std::atomic_ref<float>(p[0]).store(v.x, std::memory_order_relaxed);
    std::atomic_ref<float>(p[1]).store(v.y, std::memory_order_relaxed);
}

/** What every edge update of one epoch shares. */
struct EpochContext
{
    float a;
    float b;
    float twoAB;     // 2 a b
    float twoGammaB; // 2 gamma b
    float alpha;     // learning rate of this epoch
    float epoch;     // n, as a float for the schedule comparisons
    qint64 tailVertices;
    bool sameSet; // heads and tails index the same coordinates (a fit, not a transform)
    float *heads;
    float *tails;
    /**
     * Where negative samples are read: the tails as they were when the epoch started.
     * With several threads every point is being written by some thread, so reading the
     * live layout at random would pull a cache line from the other core for almost every
     * sample; a per-epoch snapshot stays shared and clean in every core's cache. A
     * negative sample is a random far point, so its position one epoch ago pushes the same.
     */
    const float *negativeSource;
};

/**
 * Up to kLanes negative samples of one edge, pushed from the same head position.
 * umap-learn moves the head after each negative sample, which chains every sample's
 * arithmetic (a power, a division) behind the previous one: ~40 ns each, latency-bound.
 * Computing the batch from one position makes the samples independent (vectorised, and
 * the random loads overlap); each sample's gradient is still clipped on its own, so the
 * step is the sum of the same clipped pushes, evaluated up to 5 * 4 * alpha earlier.
 */
constexpr int kLanes = 4;
struct NegativeBatch
{
    Point point[kLanes];
    float weight[kLanes];
};

#if defined(__SSE2__)
// The same fastLog2 / fastExp2 on four lanes with SSE2 (part of every x86-64 CPU).
// Written out with intrinsics because GCC will not if-convert and vectorise the scalar
// loop under the project's IEEE-strict flags.
inline __m128 madd(__m128 a, __m128 b, __m128 c)
{
    return _mm_add_ps(_mm_mul_ps(a, b), c);
}

inline __m128 fastLog2x4(__m128 x)
{
    const __m128i bits = _mm_castps_si128(x);
    const __m128 exponent = _mm_cvtepi32_ps(_mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127)));
    const __m128 m = _mm_castsi128_ps(
        _mm_or_si128(_mm_and_si128(bits, _mm_set1_epi32(0x007fffff)), _mm_set1_epi32(0x3f800000)));
    __m128 p = madd(_mm_set1_ps(0.04392863f), m, _mm_set1_ps(-0.40947559f));
    p = madd(p, m, _mm_set1_ps(1.61017755f));
    p = madd(p, m, _mm_set1_ps(-3.52021884f));
    p = madd(p, m, _mm_set1_ps(5.06975632f));
    p = madd(p, m, _mm_set1_ps(-2.79415368f));
    return _mm_add_ps(exponent, p);
}

inline __m128 fastExp2x4(__m128 y)
{
    y = _mm_min_ps(_mm_set1_ps(126.0f), _mm_max_ps(_mm_set1_ps(-126.0f), y));
    const __m128i truncated = _mm_cvttps_epi32(y);
    const __m128 roundedUp = _mm_cmpgt_ps(_mm_cvtepi32_ps(truncated), y);
    const __m128i whole =
        _mm_sub_epi32(truncated, _mm_and_si128(_mm_castps_si128(roundedUp), _mm_set1_epi32(1)));
    const __m128 f = _mm_sub_ps(y, _mm_cvtepi32_ps(whole));
    __m128 p = madd(_mm_set1_ps(0.01368398f), f, _mm_set1_ps(0.05171774f));
    p = madd(p, f, _mm_set1_ps(0.24162132f));
    p = madd(p, f, _mm_set1_ps(0.69296955f));
    p = madd(p, f, _mm_set1_ps(1.0000036f));
    return _mm_castsi128_ps(_mm_add_epi32(_mm_castps_si128(p), _mm_slli_epi32(whole, 23)));
}

/** The clipped repulsive gradients of a batch, summed. */
Point repulsion(const EpochContext &c, Point current, const NegativeBatch &batch)
{
    static_assert(kLanes == 4);
    const NegativeBatch &b = batch;
    // Built from registers (not stored and reloaded, which stalls store forwarding).
    const __m128 dx = _mm_sub_ps(_mm_set1_ps(current.x),
                                 _mm_setr_ps(b.point[0].x, b.point[1].x, b.point[2].x, b.point[3].x));
    const __m128 dy = _mm_sub_ps(_mm_set1_ps(current.y),
                                 _mm_setr_ps(b.point[0].y, b.point[1].y, b.point[2].y, b.point[3].y));
    const __m128 d2 = madd(dx, dx, _mm_mul_ps(dy, dy));
    const __m128 pb =
        fastExp2x4(_mm_mul_ps(_mm_set1_ps(c.b), fastLog2x4(_mm_max_ps(d2, _mm_set1_ps(1e-30f)))));
    const __m128 denominator = _mm_mul_ps(_mm_add_ps(_mm_set1_ps(kRepulsionEpsilon), d2),
                                          madd(_mm_set1_ps(c.a), pb, _mm_set1_ps(1.0f)));
    const __m128 coefficient = _mm_div_ps(_mm_set1_ps(c.twoGammaB), denominator);
    const __m128 lo = _mm_set1_ps(-kClip);
    const __m128 hi = _mm_set1_ps(kClip);
    // Coincident points get the maximal push (umap-learn's convention), in +x +y.
    const __m128 apart = _mm_cmpgt_ps(d2, _mm_setzero_ps());
    const auto clipped = [&](__m128 d) {
        const __m128 g = _mm_min_ps(hi, _mm_max_ps(lo, _mm_mul_ps(coefficient, d)));
        return _mm_or_ps(_mm_and_ps(apart, g), _mm_andnot_ps(apart, hi));
    };
    const __m128 w = _mm_setr_ps(b.weight[0], b.weight[1], b.weight[2], b.weight[3]);
    const __m128 gx = _mm_mul_ps(w, clipped(dx));
    const __m128 gy = _mm_mul_ps(w, clipped(dy));
    // Horizontal sums: (sum gx, sum gy) in lanes 0 and 1.
    const __m128 pairs = _mm_add_ps(_mm_unpacklo_ps(gx, gy), _mm_unpackhi_ps(gx, gy));
    const __m128 sum = _mm_add_ps(pairs, _mm_movehl_ps(pairs, pairs));
    return {_mm_cvtss_f32(sum), _mm_cvtss_f32(_mm_shuffle_ps(sum, sum, 1))};
}
#else
Point repulsion(const EpochContext &c, Point current, const NegativeBatch &batch)
{
    Point sum{0.0f, 0.0f};
    for (int l = 0; l < kLanes; ++l) {
        const float dx = current.x - batch.point[l].x;
        const float dy = current.y - batch.point[l].y;
        const float d2 = dx * dx + dy * dy;
        const float pb = fastPow(d2, c.b);
        const float coefficient = c.twoGammaB / ((kRepulsionEpsilon + d2) * (c.a * pb + 1.0f));
        // Coincident points get the maximal push (umap-learn's convention), in +x +y.
        const bool apart = d2 > 0.0f;
        sum.x += batch.weight[l] * (apart ? clip(coefficient * dx) : kClip);
        sum.y += batch.weight[l] * (apart ? clip(coefficient * dy) : kClip);
    }
    return sum;
}
#endif

/** Attraction along one edge, then its share of negative samples (umap-learn's inner loop). */
template<bool MoveTails> void updateEdge(const EpochContext &c, UmapSchedule &s, qint64 e, FastRandom &random)
{
    const qint32 j = s.heads[size_t(e)];
    const qint32 k = s.tails[size_t(e)];
    float *headPointer = c.heads + 2 * qint64(j);
    float *tailPointer = c.tails + 2 * qint64(k);
    Point current = load(headPointer);
    Point other = load(tailPointer);
    float dx = current.x - other.x;
    float dy = current.y - other.y;
    float d2 = dx * dx + dy * dy;
    if (d2 > 0.0f) {
        const float pb = fastPow(d2, c.b);
        const float coefficient = -c.twoAB * (pb / d2) / (c.a * pb + 1.0f);
        const float gx = clip(coefficient * dx) * c.alpha;
        const float gy = clip(coefficient * dy) * c.alpha;
        current.x += gx;
        current.y += gy;
        if constexpr (MoveTails)
            store(tailPointer, {other.x - gx, other.y - gy});
    }
    s.nextSample[size_t(e)] += s.epochsPerSample[size_t(e)];

    const int negatives = int((c.epoch - s.nextNegative[size_t(e)]) / s.epochsPerNegative[size_t(e)]);
    for (int first = 0; first < negatives; first += kLanes) {
        NegativeBatch batch;
        for (int l = 0; l < kLanes; ++l) {
            const bool drawn = first + l < negatives;
            // Unused lanes read tail 0 (always valid; a head number need not be a tail) and weigh 0.
            const qint64 m = drawn ? random.below(c.tailVertices) : 0;
            batch.point[l] = {c.negativeSource[2 * m], c.negativeSource[2 * m + 1]};
            // A draw of the head itself is skipped, as umap-learn does.
            batch.weight[l] = drawn && !(c.sameSet && m == j) ? 1.0f : 0.0f;
        }
        const Point push = repulsion(c, current, batch);
        current.x += push.x * c.alpha;
        current.y += push.y * c.alpha;
    }
    s.nextNegative[size_t(e)] += float(negatives) * s.epochsPerNegative[size_t(e)];
    store(headPointer, current);
}

/**
 * One epoch: each thread works through the items (kEdgesPerItem edges) of its own part,
 * then helps with the others' remaining items, so a thread the OS pauses does not hold
 * the epoch up. An item's negative samples come from a generator seeded by (seed, epoch,
 * part, item), whichever thread runs it.
 */
template<bool MoveTails> void runEpoch(const EpochContext &c, UmapSchedule &s, std::uint64_t seed, int epoch)
{
    const int parts = s.parts();
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
                FastRandom random(
                    FastRandom::mix(seed ^ FastRandom::mix(std::uint64_t(epoch) << 40 |
                                                           std::uint64_t(part) << 32 | std::uint64_t(item))));
                const qint64 last = std::min(end, begin + (item + 1) * kEdgesPerItem);
                for (qint64 e = begin + item * kEdgesPerItem; e < last; ++e) {
                    if (s.nextSample[size_t(e)] <= c.epoch)
                        updateEdge<MoveTails>(c, s, e, random);
                }
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
    EpochContext c;
    c.a = float(params.curve.a);
    c.b = float(params.curve.b);
    c.twoAB = float(2.0 * params.curve.a * params.curve.b);
    c.twoGammaB = float(2.0 * params.repulsionStrength * params.curve.b);
    c.tailVertices = tailVertices;
    c.sameSet = fit;
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
        if (moveTails)
            runEpoch<true>(c, schedule, params.seed, n);
        else
            runEpoch<false>(c, schedule, params.seed, n);
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
