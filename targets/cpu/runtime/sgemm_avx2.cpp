// strata_sgemm_avx2: the micro-kernel library for AVX2 + FMA (16 ymm registers): a 6 x 16
// register tile (12 accumulators, 2 B vectors, 1 broadcast). Built with -mavx2 -mfma.
#include <immintrin.h>

#define STRATA_SGEMM strata_sgemm_avx2
#define STRATA_CONV strata_conv2d_avx2
using Vec = __m256;
constexpr int LANES = 8;
constexpr int MR = 6;
constexpr int NV = 2;
static inline Vec vzero() { return _mm256_setzero_ps(); }
static inline Vec vload(const float* p) { return _mm256_load_ps(p); }
static inline Vec vloadu(const float* p) { return _mm256_loadu_ps(p); }
static inline Vec vbroadcast(const float* p) { return _mm256_broadcast_ss(p); }
static inline Vec vfma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
static inline Vec vadd(Vec a, Vec b) { return _mm256_add_ps(a, b); }
static inline void vstore(float* p, Vec v) { _mm256_store_ps(p, v); }
static inline void vstoreu(float* p, Vec v) { _mm256_storeu_ps(p, v); }

#include "sgemm_impl.h"
