// strata_sgemm_avx512: the micro-kernel library for AVX-512F (32 zmm registers): a 14 x 32
// register tile (28 accumulators, 2 B vectors, 1 broadcast). Built with -mavx512f.
#include <immintrin.h>

#define STRATA_SGEMM strata_sgemm_avx512
#define STRATA_CONV strata_conv2d_avx512
using Vec = __m512;
constexpr int LANES = 16;
constexpr int MR = 14;
constexpr int NV = 2;
static inline Vec vzero() { return _mm512_setzero_ps(); }
static inline Vec vload(const float* p) { return _mm512_load_ps(p); }
static inline Vec vloadu(const float* p) { return _mm512_loadu_ps(p); }
static inline Vec vbroadcast(const float* p) { return _mm512_set1_ps(*p); }
static inline Vec vfma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
static inline Vec vadd(Vec a, Vec b) { return _mm512_add_ps(a, b); }
static inline void vstore(float* p, Vec v) { _mm512_store_ps(p, v); }
static inline void vstoreu(float* p, Vec v) { _mm512_storeu_ps(p, v); }

#include "sgemm_impl.h"
