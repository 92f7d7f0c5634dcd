// The AVX2 + FMA build of scaledProductABt (productkernels.h), compiled with -mavx2 -mfma
// (core/CMakeLists.txt) and called only when the CPU has both.
//
// Eigen's templates are inline: built here with AVX2 and in the portable file without, the
// same instantiations would exist twice with one name, and the linker would keep either, so
// a machine without AVX2 could run an AVX2 copy. Renaming Eigen's namespace for this file
// makes every instantiation here its own. This file includes nothing else that instantiates
// inline code (no Qt, no containers), and is compiled without exceptions so that no
// std::bad_alloc is built here; tst_avx2isolation checks the object's weak symbols.
#define Eigen LoupeEigenAvx2
#include <Eigen/Core>
#undef Eigen

#include <cstdint>

namespace loupe {

void scaledProductABtAvx2(const float *a, std::int64_t m, const float *b, std::int64_t n, int d, float scale,
                          float *out)
{
    using RowMatrix = LoupeEigenAvx2::Matrix<float, LoupeEigenAvx2::Dynamic, LoupeEigenAvx2::Dynamic,
                                             LoupeEigenAvx2::RowMajor>;
    const LoupeEigenAvx2::Map<const RowMatrix> left(a, m, d), right(b, n, d);
    LoupeEigenAvx2::Map<LoupeEigenAvx2::MatrixXf> result(out, m, n);
    result.noalias() = scale * (left * right.transpose());
}

} // namespace loupe
