#pragma once

#include <cstdint>

namespace loupe {

/**
 * The instruction sets the hot products run with. The binary is built for any x86-64 (SSE2);
 * the AVX2 + FMA path is a second build of the same kernel, chosen at run time.
 */
enum class SimdLevel {
    Portable, ///< SSE2: every x86-64
    Avx2Fma,  ///< AVX2 and FMA (Haswell, 2013, and later)
};

/** Whether this CPU can run level. */
bool simdLevelSupported(SimdLevel level);

/**
 * The level the kernels run at: the best this CPU supports, unless the environment variable
 * LOUPE_SIMD is "portable" (to compare, or to work around a suspected fault). Decided once.
 */
SimdLevel activeSimdLevel();

/** "portable", "avx2+fma". */
const char *simdLevelName(SimdLevel level);

/**
 * out = scale * A B^T, where A is m x d and B is n x d, both row-major, and out is m x n in
 * column-major order (Eigen's MatrixXf layout; read as row-major it is (B A^T)^T, n x m).
 * The product at the heart of the kNN search and k-means: squared distances are row norms
 * plus -2 times it. level must be supported (simdLevelSupported).
 */
void scaledProductABt(const float *a, std::int64_t m, const float *b, std::int64_t n, int d, float scale,
                      float *out, SimdLevel level);

/** The same at activeSimdLevel(). */
inline void scaledProductABt(const float *a, std::int64_t m, const float *b, std::int64_t n, int d,
                             float scale, float *out)
{
    scaledProductABt(a, m, b, n, d, scale, out, activeSimdLevel());
}

} // namespace loupe
