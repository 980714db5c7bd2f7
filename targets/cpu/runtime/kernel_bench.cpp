// libstrata_kernel_bench: times the micro-kernel library's calls for the `tuned` schedule's
// autotuner (targets/cpu/tuner.py, through ctypes).
//
// Each function allocates operands of the given shape and strides (filled with small
// values), calls the library `reps` times after one warm-up call, and returns the fastest
// call's seconds, or -1 for an unknown instruction set. The instruction set is 0 (avx2) or
// 1 (avx512); calling a variant the CPU lacks is an illegal instruction, so the tuner only
// asks for the host's own (and runs in the compile worker, where a crash is contained).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" {
void strata_sgemm_avx2(int64_t, int64_t, int64_t, const float*, int64_t, int64_t, const float*,
                       int64_t, int64_t, float*, int64_t, int64_t, int64_t, int64_t, float*,
                       int64_t, int64_t, const float*, int64_t, const float*, int64_t, int64_t,
                       int64_t, float, float);
void strata_sgemm_avx512(int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                         const float*, int64_t, int64_t, float*, int64_t, int64_t, int64_t,
                         int64_t, float*, int64_t, int64_t, const float*, int64_t, const float*,
                         int64_t, int64_t, int64_t, float, float);
void strata_conv2d_avx2(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                        int64_t, int64_t, int64_t, const float*, int64_t, int64_t, int64_t,
                        const float*, int64_t, float*, int64_t, int64_t, int64_t, int64_t,
                        float*, int64_t, int64_t, const float*, const float*, int64_t, int64_t,
                        int64_t, float, float);
void strata_conv2d_avx512(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                          int64_t, int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                          int64_t, const float*, int64_t, float*, int64_t, int64_t, int64_t,
                          int64_t, float*, int64_t, int64_t, const float*, const float*,
                          int64_t, int64_t, int64_t, float, float);
}

namespace {

// a 64-byte aligned, zero-initialised float buffer (the library's workspace must be aligned)
struct Buffer {
  float* p = nullptr;
  explicit Buffer(int64_t n) {
    const size_t bytes = (static_cast<size_t>(std::max<int64_t>(n, 1)) * 4 + 63) / 64 * 64;
    p = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (p) std::fill(p, p + bytes / 4, 0.0f);
  }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

void fill(Buffer& b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) b.p[i] = static_cast<float>((i * 7919) % 17) * 0.0625f - 0.5f;
}

// elements a strided matrix of rows x cols spans
int64_t span(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  return (rows - 1) * rs + (cols - 1) * cs + 1;
}

template <class F>
double best_of(int64_t reps, F&& call) {
  call();  // warm-up: caches, page faults
  double best = -1;
  for (int64_t r = 0; r < std::max<int64_t>(reps, 1); ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (best < 0 || s < best) best = s;
  }
  return best;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) double strata_bench_sgemm(
    int64_t isa, int64_t m, int64_t n, int64_t k, int64_t rsa, int64_t csa, int64_t rsb,
    int64_t csb, int64_t kc, int64_t nc, int64_t ws_floats, int64_t reps) {
  if (isa != 0 && isa != 1) return -1;
  const int64_t na = span(m, k, rsa, csa), nb = span(k, n, rsb, csb);
  Buffer a(na), b(nb), c(m * n), ws(ws_floats);
  if (!a.p || !b.p || !c.p || !ws.p) return -1;
  fill(a, na);
  fill(b, nb);
  auto fn = isa == 0 ? strata_sgemm_avx2 : strata_sgemm_avx512;
  return best_of(reps, [&] {
    fn(m, n, k, a.p, rsa, csa, b.p, rsb, csb, c.p, n, 1, kc, nc, ws.p, ws_floats, 0, nullptr, 0,
       nullptr, 0, 0, 0, 0.0f, 0.0f);
  });
}

extern "C" __attribute__((visibility("default"))) double strata_bench_conv2d(
    int64_t isa, int64_t c, int64_t f, int64_t kh, int64_t kw, int64_t oh, int64_t ow,
    int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t kc, int64_t nc, int64_t ws_floats,
    int64_t reps) {
  if (isa != 0 && isa != 1) return -1;
  const int64_t ih = (oh - 1) * sh + (kh - 1) * dh + 1, iw = (ow - 1) * sw + (kw - 1) * dw + 1;
  const int64_t nx = c * ih * iw, nw = f * c * kh * kw;
  Buffer x(nx), w(nw), y(f * oh * ow), ws(ws_floats);
  if (!x.p || !w.p || !y.p || !ws.p) return -1;
  fill(x, nx);
  fill(w, nw);
  auto fn = isa == 0 ? strata_conv2d_avx2 : strata_conv2d_avx512;
  return best_of(reps, [&] {
    fn(1, c, f, kh, kw, oh, ow, sh, sw, dh, dw, x.p, nx, ih * iw, iw, w.p, c * kh * kw, y.p,
       f * oh * ow, oh * ow, kc, nc, ws.p, ws_floats, 0, nullptr, nullptr, 0, 0, 0, 0.0f, 0.0f);
  });
}
