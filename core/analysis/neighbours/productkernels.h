#pragma once

#include "common/simdlevel.h"

#include <cstdint>

namespace loupe {

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
