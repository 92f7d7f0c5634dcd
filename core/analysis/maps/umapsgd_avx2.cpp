// The AVX2 build of UMAP's SGD kernel (umapsgdkernel.inc), compiled with -mavx2 but without
// -mfma (core/CMakeLists.txt): no multiply-add may be fused, so that every lane computes what
// the portable build computes, bit for bit. Called only when the CPU has AVX2. Everything
// instantiated here lives in loupe::avx2, and tst_avx2isolation checks that no weak symbol
// outside it is defined by this object.

#include "analysis/maps/umapsgd.h"

#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace loupe {

#if defined(__AVX2__)
namespace avx2 {

struct Lanes
{
    __m256 v;
};
inline Lanes splat(float x)
{
    return {_mm256_set1_ps(x)};
}
inline Lanes loadLanes(const float *p)
{
    return {_mm256_load_ps(p)};
}
inline void storeLanes(float *p, Lanes a)
{
    _mm256_store_ps(p, a.v);
}
inline Lanes operator+(Lanes a, Lanes b)
{
    return {_mm256_add_ps(a.v, b.v)};
}
inline Lanes operator-(Lanes a, Lanes b)
{
    return {_mm256_sub_ps(a.v, b.v)};
}
inline Lanes operator*(Lanes a, Lanes b)
{
    return {_mm256_mul_ps(a.v, b.v)};
}
inline Lanes operator/(Lanes a, Lanes b)
{
    return {_mm256_div_ps(a.v, b.v)};
}
inline Lanes larger(Lanes a, Lanes b)
{
    return {_mm256_max_ps(a.v, b.v)};
}
inline Lanes clipLanes(Lanes a, float bound)
{
    return {_mm256_min_ps(_mm256_set1_ps(bound), _mm256_max_ps(_mm256_set1_ps(-bound), a.v))};
}
inline Lanes positiveSelect(Lanes a, Lanes yes, Lanes no)
{
    const __m256 mask = _mm256_cmp_ps(a.v, _mm256_setzero_ps(), _CMP_GT_OQ);
    return {_mm256_blendv_ps(no.v, yes.v, mask)};
}
/** fastLog2 (umapsgd.cpp) on eight lanes. */
inline Lanes log2Lanes(Lanes x)
{
    const __m256i bits = _mm256_castps_si256(x.v);
    const __m256 exponent =
        _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
    const Lanes m = {_mm256_castsi256_ps(_mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000)))};
    Lanes p = splat(0.04392863f) * m + splat(-0.40947559f);
    p = p * m + splat(1.61017755f);
    p = p * m + splat(-3.52021884f);
    p = p * m + splat(5.06975632f);
    p = p * m + splat(-2.79415368f);
    return {_mm256_add_ps(exponent, p.v)};
}
/** fastExp2 (umapsgd.cpp) on eight lanes. */
inline Lanes exp2Lanes(Lanes y)
{
    const __m256 clamped = _mm256_min_ps(_mm256_set1_ps(126.0f), _mm256_max_ps(_mm256_set1_ps(-126.0f), y.v));
    const __m256i truncated = _mm256_cvttps_epi32(clamped);
    const __m256 roundedUp = _mm256_cmp_ps(_mm256_cvtepi32_ps(truncated), clamped, _CMP_GT_OQ);
    const __m256i whole =
        _mm256_sub_epi32(truncated, _mm256_and_si256(_mm256_castps_si256(roundedUp), _mm256_set1_epi32(1)));
    const Lanes f = {_mm256_sub_ps(clamped, _mm256_cvtepi32_ps(whole))};
    Lanes p = splat(0.01368398f) * f + splat(0.05171774f);
    p = p * f + splat(0.24162132f);
    p = p * f + splat(0.69296955f);
    p = p * f + splat(1.0000036f);
    return {_mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p.v), _mm256_slli_epi32(whole, 23)))};
}

#include "analysis/maps/umapsgdkernel.inc"

} // namespace avx2

void updateUmapEdgesAvx2(const UmapEpochContext &c, const UmapEdgeArrays &edges, std::int64_t begin,
                         std::int64_t end, std::uint64_t seed, std::uint64_t stream)
{
    avx2::updateEdgeRange(c, edges, begin, end, seed, stream);
}
#else
// Not an x86 build: simdLevelSupported() never selects this path.
void updateUmapEdgesAvx2(const UmapEpochContext &, const UmapEdgeArrays &, std::int64_t, std::int64_t,
                         std::uint64_t, std::uint64_t)
{
}
#endif

} // namespace loupe
