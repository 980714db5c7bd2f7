// The f32 matrix-multiply micro-kernel library: C[M,N] += A[M,K] * B[K,N].
//
// Included once per instruction set by sgemm_<isa>.cpp, which first defines
//   STRATA_SGEMM, STRATA_CONV  the exported functions' names (strata_sgemm_avx2, ...),
//   Vec, LANES    the vector type and its f32 lanes,
//   vzero / vload / vloadu / vbroadcast / vfma / vadd / vstore / vstoreu   vector operations
//                 (vload / vstore: 64-byte aligned addresses),
//   MR, NV        the register tile: MR rows x NV vectors (NR = NV * LANES columns),
// and compiles it with that instruction set enabled (CMakeLists.txt).
//
// The scheme is BLIS's, with one difference: A is not packed. Each micro-kernel call keeps an
// MR x NR tile of C in registers and walks kc reduction steps; per step it loads NV vectors
// from a packed panel of B and broadcasts MR elements of A straight from A's rows (MR short
// sequential streams, whatever A's strides). Packing A would cost a pass over the weights on
// every call, which for the small-N products of late convolution stages (N = 49) costs about
// as much as the product itself. B is packed per (kc x nc) block into NR-wide panels,
// zero-padded at the right edge, so the kernel's loads are contiguous and aligned.
//
// Loop order: columns in blocks of nc (a kc x nc block of packed B stays in L2), reduction in
// blocks of kc, then rows in panels of MR (an MR x kc panel of A stays in L1 while every NR
// panel of the block streams past it). The caller chooses kc and nc (from the machine's
// caches, targets/cpu/schedules.py) and passes a workspace of at least kc * round_up(nc, NR)
// floats, 64-byte aligned; a smaller workspace shrinks nc to fit.
//
// Every stride is in elements and may be anything (transposed operands are strides); C is
// read, accumulated into and written back (its initial value is the linalg op's init:
// zero or a broadcast bias). Single-threaded: the generated code splits the work among
// threads and calls this on each part.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

constexpr int NR = NV * LANES;

// One MR' x (NV' vectors) tile: C tile (+)= A rows x packed B panel (panel width NR).
// Columns beyond `cols` (zero-padded in B) are computed but not stored; rows stay < mr.
template <int R, int V>
inline void micro(int64_t kc, const float* a, int64_t rsa, int64_t csa, const float* bp,
                  float* c, int64_t rsc, int64_t csc, int64_t cols) {
  Vec acc[R][V];
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) acc[i][j] = vzero();
  if (csa == 1) {
    for (int64_t k = 0; k < kc; ++k) {
      Vec b[V];
#pragma GCC unroll 4
      for (int j = 0; j < V; ++j) b[j] = vload(bp + j * LANES);
#pragma GCC unroll 16
      for (int i = 0; i < R; ++i) {
        Vec ai = vbroadcast(a + i * rsa + k);
#pragma GCC unroll 4
        for (int j = 0; j < V; ++j) acc[i][j] = vfma(ai, b[j], acc[i][j]);
      }
      bp += NR;
    }
  } else {
    for (int64_t k = 0; k < kc; ++k) {
      Vec b[V];
#pragma GCC unroll 4
      for (int j = 0; j < V; ++j) b[j] = vload(bp + j * LANES);
      const float* ak = a + k * csa;
#pragma GCC unroll 16
      for (int i = 0; i < R; ++i) {
        Vec ai = vbroadcast(ak + i * rsa);
#pragma GCC unroll 4
        for (int j = 0; j < V; ++j) acc[i][j] = vfma(ai, b[j], acc[i][j]);
      }
      bp += NR;
    }
  }
  if (csc == 1 && cols == V * LANES) {
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
      for (int j = 0; j < V; ++j) {
        float* p = c + i * rsc + j * LANES;
        Vec sum = vadd(vloadu(p), acc[i][j]);
        vstoreu(p, sum);
      }
    return;
  }
  alignas(64) float tile[R][V * LANES];
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) vstore(&tile[i][j * LANES], acc[i][j]);
  for (int i = 0; i < R; ++i)
    for (int64_t j = 0; j < cols; ++j) c[i * rsc + j * csc] += tile[i][j];
}

using MicroFn = void (*)(int64_t, const float*, int64_t, int64_t, const float*, float*, int64_t,
                         int64_t, int64_t);

template <int V, int... I>
struct RowTable {
  static constexpr MicroFn fns[] = {micro<I + 1, V>...};
};

template <int V, int N, int... I>
struct MakeRows : MakeRows<V, N - 1, N - 1, I...> {};
template <int V, int... I>
struct MakeRows<V, 0, I...> {
  using type = RowTable<V, I...>;
};

// fns[r - 1]: the kernel for r rows (1 <= r <= MR), full width / half width (V = NV / 2).
using FullRows = MakeRows<NV, MR>::type;
using HalfRows = MakeRows<(NV > 1 ? NV / 2 : 1), MR>::type;

// Pack B[0:kc, 0:nc] (strides rsb, csb) into NR-wide panels, zero-padded on the right.
void pack_b(int64_t kc, int64_t nc, const float* b, int64_t rsb, int64_t csb, float* out) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR) {
    int64_t w = nc - j0 < NR ? nc - j0 : NR;
    const float* src = b + j0 * csb;
    if (csb == 1 && w == NR) {
      for (int64_t k = 0; k < kc; ++k) std::memcpy(out + k * NR, src + k * rsb, NR * sizeof(float));
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        float* dst = out + k * NR;
        const float* row = src + k * rsb;
        int64_t j = 0;
        for (; j < w; ++j) dst[j] = row[j * csb];
        for (; j < NR; ++j) dst[j] = 0.0f;
      }
    }
    out += kc * NR;
  }
}

// The blocked product over a B that `pack(kc, nc, k0, j0, out)` packs block by block.
template <class PackB>
void gemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsa, int64_t csa,
          const PackB& pack, float* c, int64_t rsc, int64_t csc, int64_t kc_block,
          int64_t nc_block, float* ws, int64_t ws_floats) {
  if (m <= 0 || n <= 0 || k <= 0) return;
  int64_t kcb = kc_block > 0 ? kc_block : 256;
  if (kcb > k) kcb = k;
  int64_t ncb = nc_block > 0 ? nc_block : n;
  if (ncb > n) ncb = n;
  ncb = (ncb + NR - 1) / NR * NR;
  if (kcb * ncb > ws_floats) ncb = (ws_floats / kcb) / NR * NR;
  if (ncb < NR) {  // workspace too small even for one panel: use fewer reduction steps
    ncb = NR;
    kcb = ws_floats / NR;
    if (kcb < 1) return;  // no workspace at all: the caller's bug, nothing sane to do
  }
  // Row panels of near-equal height (64 rows with MR = 6: nine of 6 and two of 5, not ten of
  // 6 and one of 4): fewer rows per tile leave FMA latency uncovered.
  const int64_t panels = (m + MR - 1) / MR;
  const int64_t base = m / panels, extra = m % panels;
  for (int64_t jc = 0; jc < n; jc += ncb) {
    int64_t nc = n - jc < ncb ? n - jc : ncb;
    for (int64_t pc = 0; pc < k; pc += kcb) {
      int64_t kc = k - pc < kcb ? k - pc : kcb;
      pack(kc, nc, pc, jc, ws);
      const float* a_blk = a + pc * csa;
      int64_t ic = 0;
      for (int64_t p = 0; p < panels; ++p) {
        int64_t mr = base + (p < extra ? 1 : 0);
        const float* ap = a_blk + ic * rsa;
        float* crow = c + ic * rsc + jc * csc;
        for (int64_t jr = 0; jr < nc; jr += NR) {
          int64_t cols = nc - jr < NR ? nc - jr : NR;
          const float* bp = ws + (jr / NR) * kc * NR;
          float* ct = crow + jr * csc;
          if (NV > 1 && cols <= NR / 2)
            HalfRows::fns[mr - 1](kc, ap, rsa, csa, bp, ct, rsc, csc, cols);
          else
            FullRows::fns[mr - 1](kc, ap, rsa, csa, bp, ct, rsc, csc, cols);
        }
        ic += mr;
      }
    }
  }
}

// B of a convolution: the im2col matrix of one image, rows (c, kh, kw), columns (oh, ow),
// packed straight from the image (it is never materialised).
struct ConvB {
  const float* x;  // the image (padding already applied), w stride 1
  int64_t xs_c, xs_h, kh, kw, ow, sh, sw, dh, dw;

  void operator()(int64_t kc, int64_t nc, int64_t k0, int64_t j0, float* out) const {
    const int64_t taps = kh * kw;
    for (int64_t q0 = 0; q0 < nc; q0 += NR) {
      const int64_t w = nc - q0 < NR ? nc - q0 : NR;
      const int64_t p0 = j0 + q0;
      const int64_t oh0 = p0 / ow, ow0 = p0 % ow;
      for (int64_t kk = 0; kk < kc; ++kk) {
        const int64_t k = k0 + kk;
        const int64_t ch = k / taps, r = k % taps, i = r / kw, j = r % kw;
        const float* plane = x + ch * xs_c + i * dh * xs_h + j * dw;
        float* dst = out + kk * NR;
        int64_t oh = oh0, oc = ow0, q = 0;
        while (q < w) {
          const float* row = plane + oh * sh * xs_h;
          int64_t run = ow - oc < w - q ? ow - oc : w - q;
          if (sw == 1) {
            std::memcpy(dst + q, row + oc, run * sizeof(float));
          } else {
            for (int64_t t = 0; t < run; ++t) dst[q + t] = row[(oc + t) * sw];
          }
          q += run;
          oc = 0;
          ++oh;
        }
        for (; q < NR; ++q) dst[q] = 0.0f;
      }
      out += kc * NR;
    }
  }
};

}  // namespace

extern "C" __attribute__((visibility("hidden"))) void STRATA_SGEMM(
    int64_t m, int64_t n, int64_t k, const float* a, int64_t rsa, int64_t csa, const float* b,
    int64_t rsb, int64_t csb, float* c, int64_t rsc, int64_t csc, int64_t kc_block,
    int64_t nc_block, float* ws, int64_t ws_floats) {
  auto pack = [=](int64_t kc, int64_t nc, int64_t k0, int64_t j0, float* out) {
    pack_b(kc, nc, b + k0 * rsb + j0 * csb, rsb, csb, out);
  };
  gemm(m, n, k, a, rsa, csa, pack, c, rsc, csc, kc_block, nc_block, ws, ws_floats);
}

// y[n, f, oh, ow] += sum over (c, i, j) of w[f, c, i, j] * x[n, c, oh*sh + i*dh, ow*sw + j*dw]
// (an NCHW / FCHW convolution on an already padded image): per image, the product of the
// weights as an F x (C*KH*KW) matrix (rows ws_f apart, contiguous within) and the image's
// im2col matrix, packed from the image directly. x's w stride and y's ow stride are 1, y's oh
// stride is OW.
extern "C" __attribute__((visibility("hidden"))) void STRATA_CONV(
    int64_t n, int64_t c, int64_t f, int64_t kh, int64_t kw, int64_t oh, int64_t ow, int64_t sh,
    int64_t sw, int64_t dh, int64_t dw, const float* x, int64_t xs_n, int64_t xs_c,
    int64_t xs_h, const float* w, int64_t ws_f, float* y, int64_t ys_n, int64_t ys_f,
    int64_t kc_block, int64_t nc_block, float* ws, int64_t ws_floats) {
  for (int64_t b = 0; b < n; ++b) {
    ConvB pack{x + b * xs_n, xs_c, xs_h, kh, kw, ow, sh, sw, dh, dw};
    gemm(f, oh * ow, c * kh * kw, w, ws_f, 1, pack, y + b * ys_n, ys_f, 1, kc_block, nc_block,
         ws, ws_floats);
  }
}
