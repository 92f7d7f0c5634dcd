// The AVX-512 build of scaledProductABt, compiled with -mavx512f -mavx512dq -mavx512vl
// -mavx512bw -mavx2 -mfma (see productkernel.inc): Eigen's 16-float packets.
#define LOUPE_EIGEN_NAMESPACE LoupeEigenAvx512
#define LOUPE_PRODUCT_FUNCTION scaledProductABtAvx512
#include "analysis/neighbours/productkernel.inc"
