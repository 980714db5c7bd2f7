// strata_sgemm_avx512: the micro-kernel library for AVX-512F (32 zmm registers): a 14 x 32
// register tile (28 accumulators, 2 B vectors, 1 broadcast). Built with -mavx512f.
#include <immintrin.h>

#define STRATA_SGEMM strata_sgemm_avx512
#define STRATA_SGEMM_PACKED strata_sgemm_packed_avx512
#define STRATA_CONV strata_conv2d_avx512
#define STRATA_DWCONV strata_dwconv2d_avx512
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
// vmax(lo, v) / vmin(hi, v): the second operand is returned where either is NaN, so a NaN
// in v propagates (as arith.maximumf / minimumf do)
static inline Vec vmax(Vec a, Vec b) { return _mm512_max_ps(a, b); }
static inline Vec vmin(Vec a, Vec b) { return _mm512_min_ps(a, b); }
static inline Vec vset(float x) { return _mm512_set1_ps(x); }
static inline void vstore(float* p, Vec v) { _mm512_store_ps(p, v); }
static inline void vstoreu(float* p, Vec v) { _mm512_storeu_ps(p, v); }

// the even elements of p[0 .. 2 * LANES): a stride-2 row of a depthwise convolution
static inline Vec vload_even(const float* p) {
  const __m512i idx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  return _mm512_permutex2var_ps(_mm512_loadu_ps(p), idx, _mm512_loadu_ps(p + 16));
}
// the first n (0 < n <= LANES) elements of p; the other lanes are zero and not read
static inline __mmask16 first_lanes(int64_t n) {
  return static_cast<__mmask16>((1u << n) - 1u);
}
static inline Vec vload_part(const float* p, int64_t n) {
  return _mm512_maskz_loadu_ps(first_lanes(n), p);
}
static inline void vstore_part(float* p, Vec v, int64_t n) {
  _mm512_mask_storeu_ps(p, first_lanes(n), v);
}
// vload_even's first n lanes, reading only p[0 .. 2 * n - 1)
static inline Vec vload_even_part(const float* p, int64_t n) {
  const int64_t m = 2 * n - 1;
  const __m512i idx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  __m512 lo = vload_part(p, m < 16 ? m : 16);
  __m512 hi = m > 16 ? vload_part(p + 16, m - 16) : _mm512_setzero_ps();
  return _mm512_permutex2var_ps(lo, idx, hi);
}

#include "sgemm_impl.h"
