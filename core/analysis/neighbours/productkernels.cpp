#include "analysis/neighbours/productkernels.h"

#include <Eigen/Core>

namespace loupe {

// In productkernels_avx2.cpp and productkernels_avx512.cpp: the same product compiled for
// those instruction sets, each in its own copy of Eigen's namespace so that no instantiation
// is shared with this portable one.
void scaledProductABtAvx2(const float *a, std::int64_t m, const float *b, std::int64_t n, int d, float scale,
                          float *out);
void scaledProductABtAvx512(const float *a, std::int64_t m, const float *b, std::int64_t n, int d,
                            float scale, float *out);

namespace {

void scaledProductABtPortable(const float *a, std::int64_t m, const float *b, std::int64_t n, int d,
                              float scale, float *out)
{
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMatrix> left(a, m, d), right(b, n, d);
    Eigen::Map<Eigen::MatrixXf> result(out, m, n);
    result.noalias() = scale * (left * right.transpose());
}

} // namespace

void scaledProductABt(const float *a, std::int64_t m, const float *b, std::int64_t n, int d, float scale,
                      float *out, SimdLevel level)
{
    switch (level) {
    case SimdLevel::Avx512:
        scaledProductABtAvx512(a, m, b, n, d, scale, out);
        return;
    case SimdLevel::Avx2Fma:
        scaledProductABtAvx2(a, m, b, n, d, scale, out);
        return;
    case SimdLevel::Portable:
        break;
    }
    scaledProductABtPortable(a, m, b, n, d, scale, out);
}

} // namespace loupe
