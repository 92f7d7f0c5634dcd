#pragma once

namespace loupe {

/**
 * The instruction sets the hot kernels run with (the kNN search's and k-means' product, UMAP's
 * SGD). The binary is built for any x86-64 (SSE2); the AVX2 path is a second build of each
 * kernel, chosen at run time.
 */
enum class SimdLevel {
    Portable, ///< SSE2: every x86-64
    Avx2Fma,  ///< AVX2 and FMA (Haswell, 2013, and later)
    Avx512,   ///< AVX-512 F, DQ, VL and BW (Skylake-X, Zen 4), with AVX2 and FMA
};

/** Whether this CPU can run level. */
bool simdLevelSupported(SimdLevel level);

/**
 * The level the kernels run at: the best this CPU supports, unless the environment variable
 * LOUPE_SIMD is "portable" or "avx2" and the CPU supports that (to compare, or to work around
 * a suspected fault). Decided once. A kernel without a build for a level runs the next lower.
 */
SimdLevel activeSimdLevel();

/** "portable", "avx2+fma", "avx512". */
const char *simdLevelName(SimdLevel level);

} // namespace loupe
