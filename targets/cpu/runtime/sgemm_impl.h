// The f32 matrix-multiply micro-kernel library: C[M,N] += A[M,K] * B[K,N].
//
// Included once per instruction set by sgemm_<isa>.cpp, which first defines
//   STRATA_SGEMM, STRATA_SGEMM_PACKED, STRATA_CONV, STRATA_DWCONV  the exported functions'
//                 names (strata_sgemm_avx2, ...),
//   Vec, LANES    the vector type and its f32 lanes,
//   vzero / vload / vloadu / vbroadcast / vfma / vadd / vmax / vmin / vset / vstore / vstoreu /
//                 vload_even / vload_part / vstore_part / vload_even_part   vector operations
//                 (vload / vstore: 64-byte aligned addresses; vload_even: the even elements of
//                 2 * LANES floats; *_part: the first n lanes only, touching no other memory),
//   MR, NV        the register tile: MR rows x NV vectors (NR = NV * LANES columns),
// and compiles it with that instruction set enabled (CMakeLists.txt).
//
// The scheme is BLIS's, with one difference: A is not packed. Each micro-kernel call keeps an
// MR x NR tile of C in registers and walks kc reduction steps; per step it loads NV vectors
// from a packed panel of B and broadcasts MR elements of A straight from A's rows (MR short
// sequential streams, whatever A's strides). Packing A would cost a pass over the weights on
// every call, which for the small-N products of late convolution stages (N = 49) costs about
// as much as the product itself. B is packed per (kc x nc) block into NR-wide panels,
// zero-padded at the right edge, so the kernel's loads are contiguous and aligned. A B that
// is a constant weight comes packed that way from the compiler (STRATA_SGEMM_PACKED): for
// a product of few rows, packing B on every call was 40% of its time (32 x 1024 x 1024).
//
// Loop order: columns in blocks of nc (a kc x nc block of packed B stays in L2), reduction in
// blocks of kc, then rows in panels of MR (an MR x kc panel of A stays in L1 while every NR
// panel of the block streams past it). The caller chooses kc and nc (from the machine's
// caches, targets/cpu/schedules.py) and passes a workspace of at least kc * round_up(nc, NR)
// floats, 64-byte aligned; a smaller workspace shrinks nc to fit.
//
// Every stride is in elements and may be anything (transposed operands are strides).
//
// The epilogue (struct Epilogue, the calls' trailing arguments) is what the generated code
// would otherwise do in separate passes over C: with beta = 1 the product is accumulated onto
// C's initial value, with beta = 0 that value is never read (the op's zero fill or bias
// broadcast is gone); then, while a tile is still in registers after its last reduction
// block, a bias per row or per column is added, then a residual matrix R, then the result
// is clamped to [lo, hi] (ReLU, ReLU6). Single-threaded: the generated code splits the work
// among threads and calls this on each part.
//
// When the rows fit one panel (m <= MR: a matrix-vector product, a classifier's FC) and B is
// a plain matrix with unit column stride, B is read in place instead of packed: packing
// would triple the memory traffic of a product that reads each element of B once.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

constexpr int NR = NV * LANES;

// The epilogue of one call (see the top of the file).
struct Epilogue {
  int64_t beta;         // 1: C += A B; 0: C = A B (C's initial value is not read)
  const float* bias;    // nullptr, or bias[i] added to row i (bias_rows) / bias[j] to column j
  int64_t bias_rows;
  const float* res;     // nullptr, or R[i, j] = res[i * rsr + j * csr] added
  int64_t rsr, csr;
  int64_t clamp;        // 1: the result is clamped to [lo, hi]
  float lo, hi;
};

// What a tile's store applies after its last reduction block: the epilogue's pointers moved
// to the tile's origin.
struct Tail {
  const float* bias;
  bool bias_rows;
  const float* res;
  int64_t rsr, csr;
  bool clamp;
  float lo, hi;

  inline float apply(float s, int64_t i, int64_t j) const {
    if (bias) s += bias_rows ? bias[i] : bias[j];
    if (res) s += res[i * rsr + j * csr];
    if (clamp) {
      s = s < lo ? lo : s;  // NaN stays NaN
      s = s > hi ? hi : s;
    }
    return s;
  }
};

constexpr int PF_STEPS = 8;

// The cache lines of B's panel row PF_STEPS steps ahead of `bp` (NR floats, 64 bytes a line).
inline void prefetch_panel(const float* bp) {
#pragma GCC unroll 4
  for (int line = 0; line < NR; line += 16) __builtin_prefetch(bp + PF_STEPS * NR + line, 0, 3);
}

// One MR' x (NV' vectors) tile: C tile (+)= A rows x packed B panel (panel width NR).
// Columns beyond `cols` (zero-padded in B) are computed but not stored; rows stay < mr.
// `load_c`: accumulate onto C (else overwrite it); `tail`: the epilogue, on the last block.
template <int R, int V>
inline void micro(int64_t kc, const float* a, int64_t rsa, int64_t csa, const float* bp,
                  float* c, int64_t rsc, int64_t csc, int64_t cols, bool load_c,
                  const Tail* tail) {
  Vec acc[R][V];
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) acc[i][j] = vzero();
  // B's panel is read once per row panel, from L2 (or, packed at compile time, from L3 or
  // memory): fetching it PF_STEPS reduction steps ahead into L1 hides that latency (measured
  // on a Xeon with AVX-512, B packed ahead and caches flushed between calls:
  // 128 x 768 x 3072 went from 134 to 162 GFLOP/s; distances 4 / 16 / 32 gave 152 / 160 / 158;
  // the hardware prefetcher does not cover the stream). Prefetches never fault past the end.
  if (csa == 1) {
    for (int64_t k = 0; k < kc; ++k) {
      prefetch_panel(bp);
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
      prefetch_panel(bp);
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
  if (csc == 1 && cols == V * LANES && (!tail || !tail->res || tail->csr == 1)) {
    if (!tail) {
#pragma GCC unroll 16
      for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < V; ++j) {
          float* p = c + i * rsc + j * LANES;
          vstoreu(p, load_c ? vadd(vloadu(p), acc[i][j]) : acc[i][j]);
        }
      return;
    }
    const Vec lo = vset(tail->lo), hi = vset(tail->hi);
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
      for (int j = 0; j < V; ++j) {
        float* p = c + i * rsc + j * LANES;
        Vec s = load_c ? vadd(vloadu(p), acc[i][j]) : acc[i][j];
        if (tail->bias)
          s = vadd(s, tail->bias_rows ? vbroadcast(tail->bias + i) : vloadu(tail->bias + j * LANES));
        if (tail->res) s = vadd(s, vloadu(tail->res + i * tail->rsr + j * LANES));
        if (tail->clamp) s = vmin(hi, vmax(lo, s));
        vstoreu(p, s);
      }
    return;
  }
  alignas(64) float tile[R][V * LANES];
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) vstore(&tile[i][j * LANES], acc[i][j]);
  for (int i = 0; i < R; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      float* p = c + i * rsc + j * csc;
      float s = load_c ? *p + tile[i][j] : tile[i][j];
      *p = tail ? tail->apply(s, i, j) : s;
    }
}

using MicroFn = void (*)(int64_t, const float*, int64_t, int64_t, const float*, float*, int64_t,
                         int64_t, int64_t, bool, const Tail*);

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

// C[0:m, :] (+)= A B for m <= MR rows with B read in place (rows rsb apart, unit column
// stride), row by row of B: a matrix-vector product reads each element of B once, so B
// streams from memory in order while a block of C's rows accumulates in the workspace (in L1).
void rows_direct(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsa, int64_t csa,
                 const float* b, int64_t rsb, float* c, int64_t rsc, int64_t csc, float* ws,
                 int64_t ws_floats, const Epilogue& epi) {
  int64_t nb = 4096 / m / LANES * LANES;  // 16 KiB of accumulators
  if (nb * m > ws_floats) nb = ws_floats / m / LANES * LANES;
  if (nb < LANES) nb = LANES;
  const Tail t{epi.bias, epi.bias_rows != 0, epi.res, epi.rsr, epi.csr, epi.clamp != 0, epi.lo,
               epi.hi};
  const bool any_tail = epi.bias || epi.res || epi.clamp;
  for (int64_t j0 = 0; j0 < n; j0 += nb) {
    const int64_t w = n - j0 < nb ? n - j0 : nb;
    const int64_t wv = w / LANES * LANES;
    std::memset(ws, 0, sizeof(float) * m * nb);
    for (int64_t q = 0; q < k; ++q) {
      const float* brow = b + q * rsb + j0;
      for (int64_t i = 0; i < m; ++i) {
        const float* ai = a + i * rsa + q * csa;
        const Vec av = vbroadcast(ai);
        float* acc = ws + i * nb;
        for (int64_t j = 0; j < wv; j += LANES)
          vstore(acc + j, vfma(av, vloadu(brow + j), vload(acc + j)));
        for (int64_t j = wv; j < w; ++j) acc[j] += *ai * brow[j];
      }
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < w; ++j) {
        float* p = c + i * rsc + (j0 + j) * csc;
        const float s = ws[i * nb + j] + (epi.beta ? *p : 0.0f);
        *p = any_tail ? t.apply(s, i, j0 + j) : s;
      }
  }
}

// The block sizes a product of extents k x n uses: kc_block / nc_block as asked (<= 0: 256
// reduction steps / all columns), cut to the extents, nc rounded up to whole panels. A packed
// block of B takes kcb * ncb floats; the caller's workspace must hold one (gemm shrinks the
// blocks to fit a smaller one). Compile-time packing of constant B (ukernels.py,
// `prepack_b`) follows the same rule.
inline void block_sizes(int64_t k, int64_t n, int64_t kc_block, int64_t nc_block, int64_t* kcb,
                        int64_t* ncb) {
  *kcb = kc_block > 0 ? kc_block : 256;
  if (*kcb > k) *kcb = k;
  *ncb = nc_block > 0 ? nc_block : n;
  if (*ncb > n) *ncb = n;
  *ncb = (*ncb + NR - 1) / NR * NR;
}

// B packed ahead of time (a constant weight, packed at compile time): block (k0, j0) of
// width nc starts at j0 * k + k0 * round_up(nc, NR) - the blocks of block_sizes, column
// blocks in order, each holding its reduction blocks in order, each of those its NR-wide
// panels (kc x NR, zero-padded on the right) in order.
struct PrepackedB {
  const float* bp;
  int64_t k;
  const float* operator()(int64_t, int64_t nc, int64_t k0, int64_t j0, float*) const {
    return bp + j0 * k + k0 * ((nc + NR - 1) / NR * NR);
  }
};

// The blocked product over a B that `pack(kc, nc, k0, j0, ws)` provides block by block (it
// packs the block into the workspace `ws`, or finds it packed already, and returns where it
// is); `direct` (or nullptr) is B itself when it may be read in place (rows `rsb` apart,
// unit column stride). `ws_floats` < 0: `pack` needs no workspace (blocks never shrink).
template <class PackB>
void gemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t rsa, int64_t csa,
          const PackB& pack, const float* direct, int64_t rsb, float* c, int64_t rsc,
          int64_t csc, int64_t kc_block, int64_t nc_block, float* ws, int64_t ws_floats,
          const Epilogue& epi) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {  // an empty reduction: C is its initial value (or zero), then the epilogue
    Tail t{epi.bias, epi.bias_rows != 0, epi.res, epi.rsr, epi.csr, epi.clamp != 0, epi.lo,
           epi.hi};
    const bool any = epi.bias || epi.res || epi.clamp;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        float* p = c + i * rsc + j * csc;
        float s = epi.beta ? *p : 0.0f;
        *p = any ? t.apply(s, i, j) : s;
      }
    return;
  }
  int64_t kcb, ncb;
  block_sizes(k, n, kc_block, nc_block, &kcb, &ncb);
  if (ws_floats >= 0 && kcb * ncb > ws_floats) ncb = (ws_floats / kcb) / NR * NR;
  if (ws_floats >= 0 && ncb < NR) {  // workspace too small even for one panel: fewer steps
    ncb = NR;
    kcb = ws_floats / NR;
    if (kcb < 1) return;  // no workspace at all: the caller's bug, nothing sane to do
  }
  // Row panels of near-equal height (64 rows with MR = 6: nine of 6 and two of 5, not ten of
  // 6 and one of 4): fewer rows per tile leave FMA latency uncovered.
  const int64_t panels = (m + MR - 1) / MR;
  const int64_t base = m / panels, extra = m % panels;
  if (direct != nullptr && panels == 1) {  // one panel of rows: packing B only adds traffic
    rows_direct(m, n, k, a, rsa, csa, direct, rsb, c, rsc, csc, ws, ws_floats, epi);
    return;
  }
  const bool any_tail = epi.bias || epi.res || epi.clamp;
  for (int64_t jc = 0; jc < n; jc += ncb) {
    int64_t nc = n - jc < ncb ? n - jc : ncb;
    for (int64_t pc = 0; pc < k; pc += kcb) {
      int64_t kc = k - pc < kcb ? k - pc : kcb;
      const bool load_c = pc > 0 || epi.beta != 0;
      const bool last = pc + kc >= k;
      const float* packed = pack(kc, nc, pc, jc, ws);
      const float* a_blk = a + pc * csa;
      int64_t ic = 0;
      for (int64_t p = 0; p < panels; ++p) {
        int64_t mr = base + (p < extra ? 1 : 0);
        const float* ap = a_blk + ic * rsa;
        float* crow = c + ic * rsc + jc * csc;
        for (int64_t jr = 0; jr < nc; jr += NR) {
          int64_t cols = nc - jr < NR ? nc - jr : NR;
          const float* bp = packed + (jr / NR) * kc * NR;
          float* ct = crow + jr * csc;
          const int64_t j0 = jc + jr;
          Tail t{epi.bias ? epi.bias + (epi.bias_rows ? ic : j0) : nullptr,
                 epi.bias_rows != 0,
                 epi.res ? epi.res + ic * epi.rsr + j0 * epi.csr : nullptr,
                 epi.rsr,
                 epi.csr,
                 epi.clamp != 0,
                 epi.lo,
                 epi.hi};
          const Tail* tail = last && any_tail ? &t : nullptr;
          if (NV > 1 && cols <= NR / 2)
            HalfRows::fns[mr - 1](kc, ap, rsa, csa, bp, ct, rsc, csc, cols, load_c, tail);
          else
            FullRows::fns[mr - 1](kc, ap, rsa, csa, bp, ct, rsc, csc, cols, load_c, tail);
        }
        ic += mr;
      }
    }
  }
}

// B of a convolution: the im2col matrix of one image, rows (c, kh, kw), columns (oh, ow),
// packed straight from the image (it is never materialised). The columns of a block are cut
// once into runs that stay within one output row and one panel; every row of the block then
// copies the same runs from its own (c, i, j) offset, which advances without divisions.
struct ConvB {
  const float* x;  // the image (padding already applied), w stride 1
  int64_t xs_c, xs_h, kh, kw, ow, sh, sw, dh, dw;

  struct Run {
    int64_t src, dst, len;  // image offset from the row's origin, packed offset, columns
  };
  static constexpr int64_t CHUNK = 256;  // columns cut at a time (a multiple of NR)

  const float* operator()(int64_t kc, int64_t nc, int64_t k0, int64_t j0, float* out) const {
    Run runs[CHUNK + CHUNK / NR + 2];
    const int64_t taps = kh * kw;
    for (int64_t c0 = 0; c0 < nc; c0 += CHUNK) {
      const int64_t cw = nc - c0 < CHUNK ? nc - c0 : CHUNK;
      int64_t n_runs = 0;
      int64_t p = j0 + c0, oh = p / ow, oc = p % ow;
      for (int64_t q = 0; q < cw;) {
        const int64_t lane = q % NR;
        int64_t len = ow - oc;
        if (len > NR - lane) len = NR - lane;
        if (len > cw - q) len = cw - q;
        runs[n_runs++] = {oh * sh * xs_h + oc * sw, ((c0 + q) / NR) * kc * NR + lane, len};
        q += len;
        oc += len;
        if (oc == ow) {
          oc = 0;
          ++oh;
        }
      }
      // the ragged right panel's unused lanes are zero in every row
      const int64_t rem = cw % NR;
      float* ragged = rem ? out + ((c0 + cw) / NR) * kc * NR + rem : nullptr;
      int64_t ch = k0 / taps, r = k0 % taps, i = r / kw, j = r % kw;
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float* plane = x + ch * xs_c + i * dh * xs_h + j * dw;
        float* row = out + kk * NR;
        for (int64_t t = 0; t < n_runs; ++t) {
          const Run& u = runs[t];
          const float* src = plane + u.src;
          float* dst = row + u.dst;
          if (sw == 1) {
            if (u.len == NR) {
#pragma GCC unroll 4
              for (int v = 0; v < NV; ++v) vstore(dst + v * LANES, vloadu(src + v * LANES));
            } else {
              for (int64_t e = 0; e < u.len; ++e) dst[e] = src[e];
            }
          } else {
            for (int64_t e = 0; e < u.len; ++e) dst[e] = src[e * sw];
          }
        }
        if (ragged)
          for (int64_t e = 0; e < NR - rem; ++e) ragged[kk * NR + e] = 0.0f;
        if (++j == kw) {
          j = 0;
          if (++i == kh) {
            i = 0;
            ++ch;
          }
        }
      }
    }
    return out;
  }
};


// ---- depthwise convolution ---------------------------------------------------------------------
//
// Each channel's plane on its own: output rows in blocks of U vectors of columns that stay in
// registers across all kh x kw taps (one broadcast weight per tap, U loads of the input row,
// U FMAs), then the epilogue and one store. Stride 2 reads its input with vload_even, which
// reads one element past its last input column: whole vectors are used only where that stays
// inside the input row's width `iw`; the rest of a row takes partial vectors, which read and
// write exactly their lanes (small planes, 7 or 14 wide, are mostly such a rest). Zero padding
// is implicit: tap rows outside the image are skipped, and the columns whose taps reach into
// the left / right padding are computed by scalar code.

template <int SW>
inline Vec load_row(const float* p) {
  if constexpr (SW == 1)
    return vloadu(p);
  else
    return vload_even(p);
}

struct DwEpi {
  bool load;         // accumulate onto y (beta)
  float bias;        // per channel (0 when none)
  const float* res;  // this plane's residual or nullptr
  bool clamp;
  float lo, hi;
};

// One plane of ih x iw (rows xs_h apart), zero-padded by pt rows on top and pl columns on the
// left (the bottom / right padding is what the output size implies); KH x KW taps (0: the
// run-time kh / kw), width stride SW. Output columns whose taps all fall inside the row take
// vectors; the few others, scalar code that skips the padding.
template <int KH, int KW, int SW>
void dw_plane(const float* x, int64_t xs_h, int64_t ih, int64_t iw, int64_t pt, int64_t pl,
              const float* w, float* y, int64_t oh, int64_t ow, int64_t sh, int64_t dh,
              int64_t dw, int64_t kh_rt, int64_t kw_rt, const DwEpi& e) {
  constexpr int U = 4;
  const int64_t kh = KH ? KH : kh_rt, kw = KW ? KW : kw_rt;
  const int64_t span = (kw - 1) * dw;  // the taps' reach beyond their first column
  auto clip = [ow](int64_t v) { return v < 0 ? 0 : v > ow ? ow : v; };
  // columns [o_lo, o_hi) have every tap inside the row: o*SW >= pl, o*SW + span - pl < iw
  const int64_t o_lo = clip((pl + SW - 1) / SW);
  const int64_t o_hi_num = iw - 1 - span + pl;
  const int64_t o_hi = o_hi_num < 0 ? o_lo : (clip(o_hi_num / SW + 1) < o_lo ? o_lo : clip(o_hi_num / SW + 1));
  // a whole vector of columns [o, o + LANES) reads up to input column
  // (o + LANES) * SW - 1 + span - pl (vload_even reads one past its last), which must be < iw
  const int64_t v_num = iw - span + pl + 1 - SW;
  int64_t vec_end = v_num < 0 ? 0 : v_num / SW;
  if (vec_end > o_hi) vec_end = o_hi;
  const Vec lo = vset(e.lo), hi = vset(e.hi), bias = vset(e.bias);
  for (int64_t r = 0; r < oh; ++r) {
    const int64_t ih0 = r * sh - pt;  // input row of tap row 0
    const int64_t i_lo = ih0 < 0 ? (-ih0 + dh - 1) / dh : 0;
    const int64_t i_hi_num = ih - 1 - ih0;
    int64_t i_hi = i_hi_num < 0 ? 0 : i_hi_num / dh + 1;
    if (i_hi > kh) i_hi = kh;
    // x + base + i * dh * xs_h + c: input column c of tap row i (only formed for valid ones)
    const int64_t base = ih0 * xs_h;
    float* yr = y + r * ow;
    const float* rr = e.res ? e.res + r * ow : nullptr;
    auto scalar = [&](int64_t o) {
      float s = (e.load ? yr[o] : 0.0f) + e.bias;
      for (int64_t i = i_lo; i < i_hi; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          const int64_t c = o * SW + j * dw - pl;
          if (c >= 0 && c < iw) s += w[i * kw + j] * x[base + i * dh * xs_h + c];
        }
      if (rr) s += rr[o];
      if (e.clamp) {
        s = s < e.lo ? e.lo : s;
        s = s > e.hi ? e.hi : s;
      }
      yr[o] = s;
    };
    auto finish = [&](Vec s, int64_t o) {
      if (rr) s = vadd(s, vloadu(rr + o));
      if (e.clamp) s = vmin(hi, vmax(lo, s));
      vstoreu(yr + o, s);
    };
    for (int64_t o = 0; o < o_lo; ++o) scalar(o);
    int64_t o = o_lo;
    for (; o + U * LANES <= vec_end; o += U * LANES) {
      Vec acc[U];
#pragma GCC unroll 4
      for (int u = 0; u < U; ++u) acc[u] = e.load ? vadd(vloadu(yr + o + u * LANES), bias) : bias;
#pragma GCC unroll 5
      for (int64_t i = i_lo; i < i_hi; ++i) {
        const float* xi = x + (base + i * dh * xs_h + o * SW - pl);
#pragma GCC unroll 5
        for (int64_t j = 0; j < kw; ++j) {
          const Vec wv = vset(w[i * kw + j]);
          const float* s = xi + j * dw;
#pragma GCC unroll 4
          for (int u = 0; u < U; ++u) acc[u] = vfma(wv, load_row<SW>(s + u * LANES * SW), acc[u]);
        }
      }
#pragma GCC unroll 4
      for (int u = 0; u < U; ++u) finish(acc[u], o + u * LANES);
    }
    for (; o + LANES <= vec_end; o += LANES) {
      Vec acc = e.load ? vadd(vloadu(yr + o), bias) : bias;
      for (int64_t i = i_lo; i < i_hi; ++i) {
        const float* xi = x + (base + i * dh * xs_h + o * SW - pl);
        for (int64_t j = 0; j < kw; ++j)
          acc = vfma(vset(w[i * kw + j]), load_row<SW>(xi + j * dw), acc);
      }
      finish(acc, o);
    }
    for (; o < o_hi; o += LANES) {
      const int64_t lanes = o_hi - o < LANES ? o_hi - o : LANES;
      Vec acc = e.load ? vadd(vload_part(yr + o, lanes), bias) : bias;
      for (int64_t i = i_lo; i < i_hi; ++i) {
        const float* xi = x + (base + i * dh * xs_h + o * SW - pl);
        for (int64_t j = 0; j < kw; ++j) {
          const float* s = xi + j * dw;
          const Vec v = SW == 1 ? vload_part(s, lanes) : vload_even_part(s, lanes);
          acc = vfma(vset(w[i * kw + j]), v, acc);
        }
      }
      if (rr) acc = vadd(acc, vload_part(rr + o, lanes));
      if (e.clamp) acc = vmin(hi, vmax(lo, acc));
      vstore_part(yr + o, acc, lanes);
    }
    for (o = o_hi; o < ow; ++o) scalar(o);
  }
}

// Any width stride: scalar.
void dw_plane_any(const float* x, int64_t xs_h, int64_t ih, int64_t iw, int64_t pt, int64_t pl,
                  const float* w, float* y, int64_t oh, int64_t ow, int64_t sh, int64_t sw,
                  int64_t dh, int64_t dw, int64_t kh, int64_t kw, const DwEpi& e) {
  for (int64_t r = 0; r < oh; ++r)
    for (int64_t o = 0; o < ow; ++o) {
      float s = (e.load ? y[r * ow + o] : 0.0f) + e.bias;
      for (int64_t i = 0; i < kh; ++i) {
        const int64_t row = r * sh + i * dh - pt;
        if (row < 0 || row >= ih) continue;
        for (int64_t j = 0; j < kw; ++j) {
          const int64_t c = o * sw + j * dw - pl;
          if (c >= 0 && c < iw) s += w[i * kw + j] * x[row * xs_h + c];
        }
      }
      if (e.res) s += e.res[r * ow + o];
      if (e.clamp) {
        s = s < e.lo ? e.lo : s;
        s = s > e.hi ? e.hi : s;
      }
      y[r * ow + o] = s;
    }
}

// Small planes (ow < LANES: every output row is less than one vector) are computed LANES
// channels at a time instead, vectorised across the channels: the block's padded input
// window is staged channel-last (stage[(r * pw + c) * LANES + l], zeros where the padding is
// and in the lanes past the last channel), the weights likewise, so each output pixel is
// kh * kw aligned vector FMAs; the block's outputs are then written back plane by plane,
// where beta, the residual and the clamp apply. The stage must hold ph * pw vectors.
constexpr int64_t DW_STAGE = 1024;

inline bool dw_by_channels(int64_t oh, int64_t ow, int64_t kh, int64_t kw, int64_t sh,
                           int64_t sw, int64_t dh, int64_t dw) {
  const int64_t ph = (oh - 1) * sh + (kh - 1) * dh + 1, pw = (ow - 1) * sw + (kw - 1) * dw + 1;
  // strided rows gain less from it: 14 output columns at stride 2 ran slower by channels
  const bool narrow = sw == 1 ? ow < LANES : 2 * ow <= LANES;
  return narrow && ph * pw <= DW_STAGE && kh * kw <= 64 && oh * ow <= DW_STAGE;
}

// Channels ch0 .. ch0 + cb of one image (cb <= LANES); pointers at channel ch0 of the image.
void dw_channels(const float* x, int64_t xs_c, int64_t xs_h, int64_t ih, int64_t iw,
                 int64_t pt, int64_t pl, const float* w, int64_t ws_c, float* y, int64_t ys_c,
                 int64_t oh, int64_t ow, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                 int64_t kh, int64_t kw, int64_t cb, bool load, const float* bias,
                 const float* res, int64_t rs_c, bool clamp, float lo, float hi) {
  const int64_t ph = (oh - 1) * sh + (kh - 1) * dh + 1, pw = (ow - 1) * sw + (kw - 1) * dw + 1;
  alignas(64) float stage[DW_STAGE * LANES];
  alignas(64) float wt[64 * LANES];
  alignas(64) float out[DW_STAGE * LANES];
  for (int64_t r = 0; r < ph; ++r) {
    const int64_t row = r - pt;
    float* dst = stage + r * pw * LANES;
    if (row < 0 || row >= ih || cb < LANES) std::memset(dst, 0, sizeof(float) * pw * LANES);
    if (row < 0 || row >= ih) continue;
    const int64_t c0 = pl > 0 ? pl : 0, c1 = iw + pl < pw ? iw + pl : pw;
    if (c0 > 0) std::memset(dst, 0, sizeof(float) * c0 * LANES);
    if (c1 < pw) std::memset(dst + c1 * LANES, 0, sizeof(float) * (pw - c1) * LANES);
    const float* src = x + row * xs_h - pl;
    for (int64_t c = c0; c < c1; ++c)
      for (int64_t l = 0; l < cb; ++l) dst[c * LANES + l] = src[l * xs_c + c];
  }
  const int64_t taps = kh * kw;
  if (cb < LANES) std::memset(wt, 0, sizeof(float) * taps * LANES);
  for (int64_t l = 0; l < cb; ++l)
    for (int64_t t = 0; t < taps; ++t) wt[t * LANES + l] = w[l * ws_c + t];
  alignas(64) float bv[LANES] = {};
  if (bias)
    for (int64_t l = 0; l < cb; ++l) bv[l] = bias[l];
  const Vec b0 = vload(bv);
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      Vec acc = b0;
      const float* base = stage + (i * sh * pw + j * sw) * LANES;
      for (int64_t a = 0; a < kh; ++a) {
        const float* rowp = base + a * dh * pw * LANES;
        for (int64_t b = 0; b < kw; ++b)
          acc = vfma(vload(wt + (a * kw + b) * LANES), vload(rowp + b * dw * LANES), acc);
      }
      vstore(out + (i * ow + j) * LANES, acc);
    }
  const int64_t n = oh * ow;
  if (!load && !res) {  // the usual case (a bias, maybe a ReLU6): clamp in vectors
    if (clamp) {
      const Vec vlo = vset(lo), vhi = vset(hi);
      for (int64_t q = 0; q < n; ++q) {
        Vec v = vload(out + q * LANES);
        vstore(out + q * LANES, vmin(vhi, vmax(vlo, v)));
      }
    }
    for (int64_t q = 0; q < n; ++q)
      for (int64_t l = 0; l < cb; ++l) y[l * ys_c + q] = out[q * LANES + l];
    return;
  }
  for (int64_t q = 0; q < n; ++q)
    for (int64_t l = 0; l < cb; ++l) {
      float v = out[q * LANES + l];
      float* p = y + l * ys_c + q;
      if (load) v += *p;
      if (res) v += res[l * rs_c + q];
      if (clamp) {
        v = v < lo ? lo : v;  // NaN stays NaN
        v = v > hi ? hi : v;
      }
      *p = v;
    }
}

}  // namespace

extern "C" __attribute__((visibility("hidden"))) void STRATA_SGEMM(
    int64_t m, int64_t n, int64_t k, const float* a, int64_t rsa, int64_t csa, const float* b,
    int64_t rsb, int64_t csb, float* c, int64_t rsc, int64_t csc, int64_t kc_block,
    int64_t nc_block, float* ws, int64_t ws_floats, int64_t beta, const float* bias,
    int64_t bias_rows, const float* res, int64_t rsr, int64_t csr, int64_t clamp, float lo,
    float hi) {
  auto pack = [=](int64_t kc, int64_t nc, int64_t k0, int64_t j0, float* out) {
    pack_b(kc, nc, b + k0 * rsb + j0 * csb, rsb, csb, out);
    return static_cast<const float*>(out);
  };
  const Epilogue epi{beta, bias, bias_rows, res, rsr, csr, clamp, lo, hi};
  gemm(m, n, k, a, rsa, csa, pack, csb == 1 ? b : nullptr, rsb, c, rsc, csc, kc_block, nc_block,
       ws, ws_floats, epi);
}

// C[m, n] (+)= A[m, k] B[k, n] with B packed ahead of time (PrepackedB: the layout that
// block_sizes(k, n, kc_block, nc_block) gives; ukernels.py packs constant weights so at
// compile time). No workspace: nothing is packed at run time.
extern "C" __attribute__((visibility("hidden"))) void STRATA_SGEMM_PACKED(
    int64_t m, int64_t n, int64_t k, const float* a, int64_t rsa, int64_t csa, const float* bp,
    float* c, int64_t rsc, int64_t csc, int64_t kc_block, int64_t nc_block, int64_t beta,
    const float* bias, int64_t bias_rows, const float* res, int64_t rsr, int64_t csr,
    int64_t clamp, float lo, float hi) {
  const Epilogue epi{beta, bias, bias_rows, res, rsr, csr, clamp, lo, hi};
  gemm(m, n, k, a, rsa, csa, PrepackedB{bp, k}, nullptr, 0, c, rsc, csc, kc_block, nc_block,
       nullptr, -1, epi);
}

// y[n, f, oh, ow] (+)= sum over (c, i, j) of w[f, c, i, j] * x[n, c, oh*sh + i*dh, ow*sw + j*dw]
// (an NCHW / FCHW convolution on an already padded image): per image, the product of the
// weights as an F x (C*KH*KW) matrix (rows ws_f apart, contiguous within) and the image's
// im2col matrix, packed from the image directly. x's w stride and y's ow stride are 1, y's oh
// stride is OW. The epilogue's bias is per output channel; the residual r has y's shape, n and
// f strides rs_n / rs_f and contiguous planes.
extern "C" __attribute__((visibility("hidden"))) void STRATA_CONV(
    int64_t n, int64_t c, int64_t f, int64_t kh, int64_t kw, int64_t oh, int64_t ow, int64_t sh,
    int64_t sw, int64_t dh, int64_t dw, const float* x, int64_t xs_n, int64_t xs_c,
    int64_t xs_h, const float* w, int64_t ws_f, float* y, int64_t ys_n, int64_t ys_f,
    int64_t kc_block, int64_t nc_block, float* ws, int64_t ws_floats, int64_t beta,
    const float* bias, const float* res, int64_t rs_n, int64_t rs_f, int64_t clamp, float lo,
    float hi) {
  for (int64_t b = 0; b < n; ++b) {
    ConvB pack{x + b * xs_n, xs_c, xs_h, kh, kw, ow, sh, sw, dh, dw};
    const Epilogue epi{beta, bias, 1, res ? res + b * rs_n : nullptr, rs_f, 1, clamp, lo, hi};
    gemm(f, oh * ow, c * kh * kw, w, ws_f, 1, pack, nullptr, 0, y + b * ys_n, ys_f, 1, kc_block,
         nc_block, ws, ws_floats, epi);
  }
}

// y[b, ch, oh, ow] (+)= sum over (i, j) of w[ch, i, j] * xp[b, ch, oh*sh + i*dh, ow*sw + j*dw]
// (an NCHW depthwise convolution; xp is the ih x iw image x zero-padded by pt rows on top and
// pl columns on the left; weights kh x kw contiguous per channel, ws_c apart). x's w stride
// and y's ow stride are 1, y's oh stride is OW. The epilogue: bias per channel, residual r
// (y's shape, n / c strides rs_n / rs_c, contiguous planes), clamp to [lo, hi].
extern "C" __attribute__((visibility("hidden"))) void STRATA_DWCONV(
    int64_t n, int64_t c, int64_t kh, int64_t kw, int64_t oh, int64_t ow, int64_t sh, int64_t sw,
    int64_t dh, int64_t dw, const float* x, int64_t xs_n, int64_t xs_c, int64_t xs_h,
    int64_t ih, int64_t iw, int64_t pt, int64_t pl, const float* w, int64_t ws_c, float* y,
    int64_t ys_n, int64_t ys_c, int64_t beta, const float* bias, const float* res, int64_t rs_n,
    int64_t rs_c, int64_t clamp, float lo, float hi) {
  if (dw_by_channels(oh, ow, kh, kw, sh, sw, dh, dw)) {
    for (int64_t b = 0; b < n; ++b)
      for (int64_t ch = 0; ch < c; ch += LANES) {
        const int64_t cb = c - ch < LANES ? c - ch : LANES;
        dw_channels(x + b * xs_n + ch * xs_c, xs_c, xs_h, ih, iw, pt, pl, w + ch * ws_c, ws_c,
                    y + b * ys_n + ch * ys_c, ys_c, oh, ow, sh, sw, dh, dw, kh, kw, cb,
                    beta != 0, bias ? bias + ch : nullptr,
                    res ? res + b * rs_n + ch * rs_c : nullptr, rs_c, clamp != 0, lo, hi);
      }
    return;
  }
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      const float* xp = x + b * xs_n + ch * xs_c;
      const float* wp = w + ch * ws_c;
      float* yp = y + b * ys_n + ch * ys_c;
      const DwEpi e{beta != 0, bias ? bias[ch] : 0.0f, res ? res + b * rs_n + ch * rs_c : nullptr,
                    clamp != 0, lo, hi};
#define STRATA_DW(KH, KW, SW) \
  dw_plane<KH, KW, SW>(xp, xs_h, ih, iw, pt, pl, wp, yp, oh, ow, sh, dh, dw, kh, kw, e)
      if (kh == 3 && kw == 3 && sw == 1)
        STRATA_DW(3, 3, 1);
      else if (kh == 3 && kw == 3 && sw == 2)
        STRATA_DW(3, 3, 2);
      else if (kh == 5 && kw == 5 && sw == 1)
        STRATA_DW(5, 5, 1);
      else if (kh == 5 && kw == 5 && sw == 2)
        STRATA_DW(5, 5, 2);
      else if (sw == 1)
        STRATA_DW(0, 0, 1);
      else if (sw == 2)
        STRATA_DW(0, 0, 2);
      else
        dw_plane_any(xp, xs_h, ih, iw, pt, pl, wp, yp, oh, ow, sh, sw, dh, dw, kh, kw, e);
#undef STRATA_DW
    }
}
