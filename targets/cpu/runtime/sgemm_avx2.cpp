// strata_sgemm_avx2: the micro-kernel library for AVX2 + FMA (16 ymm registers): a 6 x 16
// register tile (12 accumulators, 2 B vectors, 1 broadcast). Built with -mavx2 -mfma.
#include <immintrin.h>

#define STRATA_SGEMM strata_sgemm_avx2
#define STRATA_SGEMM_PACKED strata_sgemm_packed_avx2
#define STRATA_CONV strata_conv2d_avx2
#define STRATA_DWCONV strata_dwconv2d_avx2
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
// vmax(lo, v) / vmin(hi, v): the second operand is returned where either is NaN, so a NaN
// in v propagates (as arith.maximumf / minimumf do)
static inline Vec vmax(Vec a, Vec b) { return _mm256_max_ps(a, b); }
static inline Vec vmin(Vec a, Vec b) { return _mm256_min_ps(a, b); }
static inline Vec vset(float x) { return _mm256_set1_ps(x); }
static inline void vstore(float* p, Vec v) { _mm256_store_ps(p, v); }
static inline void vstoreu(float* p, Vec v) { _mm256_storeu_ps(p, v); }

// the even elements of p[0 .. 2 * LANES): a stride-2 row of a depthwise convolution
static inline Vec vload_even(const float* p) {
  __m256 lo = _mm256_loadu_ps(p), hi = _mm256_loadu_ps(p + 8);
  __m256 even = _mm256_shuffle_ps(lo, hi, 0x88);  // lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xd8));
}
// the first n (0 < n <= LANES) elements of p; the other lanes are zero and not read
static inline __m256i first_lanes(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline Vec vload_part(const float* p, int64_t n) {
  return _mm256_maskload_ps(p, first_lanes(n));
}
static inline void vstore_part(float* p, Vec v, int64_t n) {
  _mm256_maskstore_ps(p, first_lanes(n), v);
}
// vload_even's first n lanes, reading only p[0 .. 2 * n - 1)
static inline Vec vload_even_part(const float* p, int64_t n) {
  const int64_t m = 2 * n - 1;
  __m256 lo = vload_part(p, m < 8 ? m : 8);
  __m256 hi = m > 8 ? vload_part(p + 8, m - 8) : _mm256_setzero_ps();
  __m256 even = _mm256_shuffle_ps(lo, hi, 0x88);
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xd8));
}

#include "sgemm_impl.h"
