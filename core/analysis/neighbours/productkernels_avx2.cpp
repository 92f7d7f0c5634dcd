// The AVX2 + FMA build of scaledProductABt, compiled with -mavx2 -mfma (see productkernel.inc).
#define LOUPE_EIGEN_NAMESPACE LoupeEigenAvx2
#define LOUPE_PRODUCT_FUNCTION scaledProductABtAvx2
#include "analysis/neighbours/productkernel.inc"
