#include "analysis/maps/umaplayout.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <vector>

#include <omp.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "analysis/maps/umapgraph.h"
#include "analysis/maps/umapschedule.h"
#include "common/progress.h"

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

[[maybe_unused]] inline float clip(float v)
{
    return std::clamp(v, -kClip, kClip);
}

/**
 * log2 for positive normal floats: exponent from the bits, a degree-5 polynomial for the
 * mantissa in [1, 2) (least squares on Chebyshev nodes, max error 1.5e-5).
 */
[[maybe_unused]] inline float fastLog2(float x)
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
[[maybe_unused]] inline float fastExp2(float y)
{
    y = std::clamp(y, -126.0f, 126.0f);
    // floor without a libm call
    const int truncated = int(y);
    const int whole = truncated - int(float(truncated) > y);
    const float f = y - float(whole);
    const float p = (((0.01368398f * f + 0.05171774f) * f + 0.24162132f) * f + 0.69296955f) * f + 1.0000036f;
    return std::bit_cast<float>(std::bit_cast<std::int32_t>(p) + (whole << 23));
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
 * Four lanes of floats: SSE2 (part of every x86-64 CPU) where available, plain arrays
 * elsewhere. Written out because GCC does not vectorise the scalar update under the
 * project's IEEE-strict flags (it will not if-convert the clipping and the power).
 */
#if defined(__SSE2__)
struct F4
{
    __m128 v;
};
inline F4 splat(float x)
{
    return {_mm_set1_ps(x)};
}
inline F4 loadF4(const float *p)
{
    return {_mm_load_ps(p)};
}
inline void storeF4(float *p, F4 a)
{
    _mm_store_ps(p, a.v);
}
inline F4 operator+(F4 a, F4 b)
{
    return {_mm_add_ps(a.v, b.v)};
}
inline F4 operator-(F4 a, F4 b)
{
    return {_mm_sub_ps(a.v, b.v)};
}
inline F4 operator*(F4 a, F4 b)
{
    return {_mm_mul_ps(a.v, b.v)};
}
inline F4 operator/(F4 a, F4 b)
{
    return {_mm_div_ps(a.v, b.v)};
}
inline F4 larger(F4 a, F4 b)
{
    return {_mm_max_ps(a.v, b.v)};
}
inline F4 clip(F4 a)
{
    return {_mm_min_ps(_mm_set1_ps(kClip), _mm_max_ps(_mm_set1_ps(-kClip), a.v))};
}
/** Lanes where a > 0 take yes, the others no. */
inline F4 positiveSelect(F4 a, F4 yes, F4 no)
{
    const __m128 mask = _mm_cmpgt_ps(a.v, _mm_setzero_ps());
    return {_mm_or_ps(_mm_and_ps(mask, yes.v), _mm_andnot_ps(mask, no.v))};
}
/** fastLog2 on four lanes. */
inline F4 log2F4(F4 x)
{
    const __m128i bits = _mm_castps_si128(x.v);
    const __m128 exponent = _mm_cvtepi32_ps(_mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127)));
    const F4 m = {_mm_castsi128_ps(
        _mm_or_si128(_mm_and_si128(bits, _mm_set1_epi32(0x007fffff)), _mm_set1_epi32(0x3f800000)))};
    F4 p = splat(0.04392863f) * m + splat(-0.40947559f);
    p = p * m + splat(1.61017755f);
    p = p * m + splat(-3.52021884f);
    p = p * m + splat(5.06975632f);
    p = p * m + splat(-2.79415368f);
    return {_mm_add_ps(exponent, p.v)};
}
/** fastExp2 on four lanes. */
inline F4 exp2F4(F4 y)
{
    const __m128 clamped = _mm_min_ps(_mm_set1_ps(126.0f), _mm_max_ps(_mm_set1_ps(-126.0f), y.v));
    const __m128i truncated = _mm_cvttps_epi32(clamped);
    const __m128 roundedUp = _mm_cmpgt_ps(_mm_cvtepi32_ps(truncated), clamped);
    const __m128i whole =
        _mm_sub_epi32(truncated, _mm_and_si128(_mm_castps_si128(roundedUp), _mm_set1_epi32(1)));
    const F4 f = {_mm_sub_ps(clamped, _mm_cvtepi32_ps(whole))};
    F4 p = splat(0.01368398f) * f + splat(0.05171774f);
    p = p * f + splat(0.24162132f);
    p = p * f + splat(0.69296955f);
    p = p * f + splat(1.0000036f);
    return {_mm_castsi128_ps(_mm_add_epi32(_mm_castps_si128(p.v), _mm_slli_epi32(whole, 23)))};
}
#else
struct F4
{
    float v[4];
};
template<typename Op> inline F4 lanewise(F4 a, F4 b, Op op)
{
    return {{op(a.v[0], b.v[0]), op(a.v[1], b.v[1]), op(a.v[2], b.v[2]), op(a.v[3], b.v[3])}};
}
inline F4 splat(float x)
{
    return {{x, x, x, x}};
}
inline F4 loadF4(const float *p)
{
    return {{p[0], p[1], p[2], p[3]}};
}
inline void storeF4(float *p, F4 a)
{
    std::copy_n(a.v, 4, p);
}
inline F4 operator+(F4 a, F4 b)
{
    return lanewise(a, b, [](float x, float y) { return x + y; });
}
inline F4 operator-(F4 a, F4 b)
{
    return lanewise(a, b, [](float x, float y) { return x - y; });
}
inline F4 operator*(F4 a, F4 b)
{
    return lanewise(a, b, [](float x, float y) { return x * y; });
}
inline F4 operator/(F4 a, F4 b)
{
    return lanewise(a, b, [](float x, float y) { return x / y; });
}
inline F4 larger(F4 a, F4 b)
{
    return lanewise(a, b, [](float x, float y) { return std::max(x, y); });
}
inline F4 clip(F4 a)
{
    return lanewise(a, a, [](float x, float) { return clip(x); });
}
inline F4 positiveSelect(F4 a, F4 yes, F4 no)
{
    F4 out;
    for (int l = 0; l < 4; ++l)
        out.v[l] = a.v[l] > 0.0f ? yes.v[l] : no.v[l];
    return out;
}
inline F4 log2F4(F4 x)
{
    return lanewise(x, x, [](float a, float) { return fastLog2(a); });
}
inline F4 exp2F4(F4 y)
{
    return lanewise(y, y, [](float a, float) { return fastExp2(a); });
}
#endif

/**
 * x^b for x > 0, as exp2(b log2 x). The gradient needs one power per sample and std::pow
 * costs more than the rest of the update together; a relative error of ~1e-5 is far
 * below the SGD's own noise.
 */
inline F4 powF4(F4 x, float b)
{
    return exp2F4(splat(b) * log2F4(larger(x, splat(1e-30f))));
}

/**
 * Runs umap-learn's update for a batch of up to kBatch due edges at once, one edge per
 * lane: attraction along each edge, then each edge's negative samples, then the summed
 * steps are added to the points. umap-learn runs one edge and one negative sample at a
 * time, each starting from the position the previous one left; that chains every step's
 * arithmetic (a power, a division) behind the last, ~40-50 ns per sample here. In a batch
 * all gradients start from the positions the batch found, so the lanes and the rounds of
 * negative samples are independent; each sample's gradient is still clipped on its own,
 * and steps are added (not stored over) so two edges of a batch sharing a point both count.
 */
constexpr int kBatch = 4;

template<bool MoveTails>
void updateEdges(const EpochContext &c, UmapSchedule &s, const qint64 (&edges)[kBatch], int count,
                 FastRandom &random)
{
    alignas(16) float hx[kBatch], hy[kBatch], tx[kBatch], ty[kBatch], live[kBatch];
    qint32 head[kBatch];
    int negatives[kBatch];
    int rounds = 0;
    for (int l = 0; l < kBatch; ++l) {
        const qint64 e = edges[l < count ? l : 0]; // spare lanes repeat lane 0, weigh nothing
        head[l] = s.heads[size_t(e)];
        const Point h = load(c.heads + 2 * qint64(head[l]));
        const Point t = load(c.tails + 2 * qint64(s.tails[size_t(e)]));
        hx[l] = h.x;
        hy[l] = h.y;
        tx[l] = t.x;
        ty[l] = t.y;
        live[l] = l < count ? 1.0f : 0.0f;
        negatives[l] =
            l < count ? int((c.epoch - s.nextNegative[size_t(e)]) / s.epochsPerNegative[size_t(e)]) : 0;
        rounds = std::max(rounds, negatives[l]);
    }
    const F4 alpha = splat(c.alpha);
    const F4 headX = loadF4(hx);
    const F4 headY = loadF4(hy);

    // Attraction: -2ab d^(2(b-1)) / (1 + a d^2b) along the edge.
    const F4 dx = headX - loadF4(tx);
    const F4 dy = headY - loadF4(ty);
    const F4 d2 = dx * dx + dy * dy;
    const F4 pb = powF4(d2, c.b);
    const F4 pull =
        positiveSelect(d2, splat(-c.twoAB) * (pb / d2) / (splat(c.a) * pb + splat(1.0f)), splat(0.0f));
    const F4 attractX = clip(pull * dx) * alpha * loadF4(live);
    const F4 attractY = clip(pull * dy) * alpha * loadF4(live);

    // Repulsion, one round per negative sample: 2 gamma b / ((0.001 + d^2)(1 + a d^2b)).
    F4 pushX = splat(0.0f);
    F4 pushY = splat(0.0f);
    const F4 fromX = headX + attractX;
    const F4 fromY = headY + attractY;
    for (int round = 0; round < rounds; ++round) {
        alignas(16) float ox[kBatch], oy[kBatch], weight[kBatch];
        for (int l = 0; l < kBatch; ++l) {
            const bool drawn = round < negatives[l];
            // Undrawn lanes read tail 0 (always valid; a head number need not be a tail).
            const qint64 m = drawn ? random.below(c.tailVertices) : 0;
            ox[l] = c.negativeSource[2 * m];
            oy[l] = c.negativeSource[2 * m + 1];
            // A draw of the head itself is skipped, as umap-learn does.
            weight[l] = drawn && !(c.sameSet && m == head[l]) ? 1.0f : 0.0f;
        }
        const F4 ndx = fromX - loadF4(ox);
        const F4 ndy = fromY - loadF4(oy);
        const F4 nd2 = ndx * ndx + ndy * ndy;
        const F4 push = splat(c.twoGammaB) /
                        ((splat(kRepulsionEpsilon) + nd2) * (splat(c.a) * powF4(nd2, c.b) + splat(1.0f)));
        // Coincident points get the maximal push (umap-learn's convention), in +x +y.
        pushX = pushX + loadF4(weight) * positiveSelect(nd2, clip(push * ndx), splat(kClip));
        pushY = pushY + loadF4(weight) * positiveSelect(nd2, clip(push * ndy), splat(kClip));
    }

    alignas(16) float stepX[kBatch], stepY[kBatch], pullX[kBatch], pullY[kBatch];
    storeF4(stepX, attractX + pushX * alpha);
    storeF4(stepY, attractY + pushY * alpha);
    storeF4(pullX, attractX);
    storeF4(pullY, attractY);
    for (int l = 0; l < count; ++l) {
        const qint64 e = edges[l];
        float *h = c.heads + 2 * qint64(head[l]);
        const Point now = load(h);
        store(h, {now.x + stepX[l], now.y + stepY[l]});
        if constexpr (MoveTails) {
            float *t = c.tails + 2 * qint64(s.tails[size_t(e)]);
            const Point other = load(t);
            store(t, {other.x - pullX[l], other.y - pullY[l]});
        }
        s.nextSample[size_t(e)] += s.epochsPerSample[size_t(e)];
        s.nextNegative[size_t(e)] += float(negatives[l]) * s.epochsPerNegative[size_t(e)];
    }
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
                qint64 due[kBatch];
                int count = 0;
                for (qint64 e = begin + item * kEdgesPerItem; e < last; ++e) {
                    if (s.nextSample[size_t(e)] <= c.epoch) {
                        due[count++] = e;
                        if (count == kBatch) {
                            updateEdges<MoveTails>(c, s, due, count, random);
                            count = 0;
                        }
                    }
                }
                if (count > 0)
                    updateEdges<MoveTails>(c, s, due, count, random);
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
