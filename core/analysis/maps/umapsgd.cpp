#include "analysis/maps/umapsgd.h"

#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace loupe {

// In umapsgd_avx2.cpp: the same kernel built for AVX2, in its own namespace.
void updateUmapEdgesAvx2(const UmapEpochContext &c, const UmapEdgeArrays &edges, std::int64_t begin,
                         std::int64_t end, std::uint64_t seed, std::uint64_t stream);

namespace portable {

/**
 * log2 for positive normal floats: exponent from the bits, a degree-5 polynomial for the
 * mantissa in [1, 2) (least squares on Chebyshev nodes, max error 1.5e-5).
 */
[[maybe_unused]] inline float fastLog2(float x)
{
    const auto bits = std::bit_cast<std::uint32_t>(x);
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
    y = y < -126.0f ? -126.0f : (y > 126.0f ? 126.0f : y);
    // floor without a libm call
    const int truncated = int(y);
    const int whole = truncated - int(float(truncated) > y);
    const float f = y - float(whole);
    const float p = (((0.01368398f * f + 0.05171774f) * f + 0.24162132f) * f + 0.69296955f) * f + 1.0000036f;
    return std::bit_cast<float>(std::bit_cast<std::int32_t>(p) + (whole << 23));
}

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
inline F4 splat4(float x)
{
    return {_mm_set1_ps(x)};
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
inline F4 clip4(F4 a, float bound)
{
    return {_mm_min_ps(_mm_set1_ps(bound), _mm_max_ps(_mm_set1_ps(-bound), a.v))};
}
inline F4 positiveSelect(F4 a, F4 yes, F4 no)
{
    const __m128 mask = _mm_cmpgt_ps(a.v, _mm_setzero_ps());
    return {_mm_or_ps(_mm_and_ps(mask, yes.v), _mm_andnot_ps(mask, no.v))};
}
inline F4 log2F4(F4 x)
{
    const __m128i bits = _mm_castps_si128(x.v);
    const __m128 exponent = _mm_cvtepi32_ps(_mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127)));
    const F4 m = {_mm_castsi128_ps(
        _mm_or_si128(_mm_and_si128(bits, _mm_set1_epi32(0x007fffff)), _mm_set1_epi32(0x3f800000)))};
    F4 p = splat4(0.04392863f) * m + splat4(-0.40947559f);
    p = p * m + splat4(1.61017755f);
    p = p * m + splat4(-3.52021884f);
    p = p * m + splat4(5.06975632f);
    p = p * m + splat4(-2.79415368f);
    return {_mm_add_ps(exponent, p.v)};
}
inline F4 exp2F4(F4 y)
{
    const __m128 clamped = _mm_min_ps(_mm_set1_ps(126.0f), _mm_max_ps(_mm_set1_ps(-126.0f), y.v));
    const __m128i truncated = _mm_cvttps_epi32(clamped);
    const __m128 roundedUp = _mm_cmpgt_ps(_mm_cvtepi32_ps(truncated), clamped);
    const __m128i whole =
        _mm_sub_epi32(truncated, _mm_and_si128(_mm_castps_si128(roundedUp), _mm_set1_epi32(1)));
    const F4 f = {_mm_sub_ps(clamped, _mm_cvtepi32_ps(whole))};
    F4 p = splat4(0.01368398f) * f + splat4(0.05171774f);
    p = p * f + splat4(0.24162132f);
    p = p * f + splat4(0.69296955f);
    p = p * f + splat4(1.0000036f);
    return {_mm_castsi128_ps(_mm_add_epi32(_mm_castps_si128(p.v), _mm_slli_epi32(whole, 23)))};
}
inline F4 load4(const float *p)
{
    return {_mm_load_ps(p)};
}
inline void store4(float *p, F4 a)
{
    _mm_store_ps(p, a.v);
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
inline F4 splat4(float x)
{
    return {{x, x, x, x}};
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
    return lanewise(a, b, [](float x, float y) { return x > y ? x : y; });
}
inline F4 clip4(F4 a, float bound)
{
    return lanewise(a, a, [bound](float x, float) { return x < -bound ? -bound : (x > bound ? bound : x); });
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
inline F4 load4(const float *p)
{
    return {{p[0], p[1], p[2], p[3]}};
}
inline void store4(float *p, F4 a)
{
    for (int l = 0; l < 4; ++l)
        p[l] = a.v[l];
}
#endif

/** Eight lanes as two halves of four: the kernel's batch, on any x86-64. */
struct Lanes
{
    F4 low;
    F4 high;
};
inline Lanes splat(float x)
{
    return {splat4(x), splat4(x)};
}
inline Lanes loadLanes(const float *p)
{
    return {load4(p), load4(p + 4)};
}
inline void storeLanes(float *p, Lanes a)
{
    store4(p, a.low);
    store4(p + 4, a.high);
}
inline Lanes operator+(Lanes a, Lanes b)
{
    return {a.low + b.low, a.high + b.high};
}
inline Lanes operator-(Lanes a, Lanes b)
{
    return {a.low - b.low, a.high - b.high};
}
inline Lanes operator*(Lanes a, Lanes b)
{
    return {a.low * b.low, a.high * b.high};
}
inline Lanes operator/(Lanes a, Lanes b)
{
    return {a.low / b.low, a.high / b.high};
}
inline Lanes larger(Lanes a, Lanes b)
{
    return {larger(a.low, b.low), larger(a.high, b.high)};
}
inline Lanes clipLanes(Lanes a, float bound)
{
    return {clip4(a.low, bound), clip4(a.high, bound)};
}
inline Lanes positiveSelect(Lanes a, Lanes yes, Lanes no)
{
    return {positiveSelect(a.low, yes.low, no.low), positiveSelect(a.high, yes.high, no.high)};
}
inline Lanes log2Lanes(Lanes x)
{
    return {log2F4(x.low), log2F4(x.high)};
}
inline Lanes exp2Lanes(Lanes y)
{
    return {exp2F4(y.low), exp2F4(y.high)};
}

#include "analysis/maps/umapsgdkernel.inc"

} // namespace portable

void updateUmapEdges(const UmapEpochContext &c, const UmapEdgeArrays &edges, std::int64_t begin,
                     std::int64_t end, std::uint64_t seed, std::uint64_t stream, SimdLevel level)
{
    // No 16-lane build: the AVX2 one serves AVX-512 CPUs (the update is bound by its gathers).
    if (level == SimdLevel::Avx2Fma || level == SimdLevel::Avx512)
        updateUmapEdgesAvx2(c, edges, begin, end, seed, stream);
    else
        portable::updateEdgeRange(c, edges, begin, end, seed, stream);
}

} // namespace loupe
