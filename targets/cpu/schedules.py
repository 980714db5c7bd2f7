"""Named, parameterised CPU schedules: transform-dialect scripts for the heavy linalg ops.

Lowering says *what* is computed; a schedule says *how*. A schedule here is a Python function
(`OpSchedule`) that looks at one payload op (its kind and static iteration space) and calls
the schedule primitives of schedule_api.py on the op's handle (tile, split, vectorize, ...),
each of which writes one transform op. `build_script` tags the schedulable ops of one module,
matches each into a handle, runs the named schedule on it and returns the script's text (a
transform library with an `@__transform_main` entry). `register_schedule` adds a named one.

Schedules (by name, see `SCHEDULES`):

* ``"none"``: leave every op alone (plain loops; the loop-reordering pass still applies).
* ``"default"`` (`ukernel_op`): on CPUs with AVX2 + FMA or AVX-512F, f32 matmuls,
  convolutions and depthwise convolutions are split among threads and tagged for the
  micro-kernel library (ukernels.py), which computes them and their fused epilogues; other
  ops, and every op on other CPUs, get ``"tiled"``.
* ``"tuned"``: the ``"default"`` schedule with the library's cache blocks measured for each
  distinct call shape within a budget (tuner.py; results cached on disk per CPU).
* ``"tiled"``: contractions become register-tiled, vectorised micro-kernels:
  - `linalg.matmul` (any operand transposition through indexing maps), `linalg.batch_matmul`:
    large operands are first blocked for the caches (`cache_blocks`: a kc x nc block of B
    stays in L2 while every row tile passes over it, an mr x kc panel of A in L1); the
    (m, n) output is split into `mr x nr` register tiles (remainders become separate
    static ops, so every tile has a static shape), distributed by an `scf.forall` (parallel
    when `num_threads > 1`), the reduction dim is tiled by `kr`, and each tile is vectorised
    into one `vector.contract` lowered to outer products (FMAs).

All sizes come from the target machine (`TileParams.for_machine`, machine.py): the register
tile from its vector registers and lanes (`register_tile`), the blocks from its caches.
  - `linalg.conv_2d_nchw_fchw`: im2col (`convert_conv2d_to_img2col`) turns the convolution
    into a batched contraction out[n, f, oh*ow] = W[f, c*kh*kw] x col[n, c*kh*kw, oh*ow],
    scheduled like a matmul. Dilated convolutions (which the im2col transform refuses) stay
    plain loops.
  - `linalg.depthwise_conv_2d_nchw_chw`: generalised and reordered so the innermost loop runs
    over the output width (LLVM vectorises it); short rows are tiled first (depthwise.py).

Dependency contract: the `mlir` bindings, the schedule primitives of
`strata.targets.cpu.schedule_api` (no transform-dialect text is written here),
`strata.targets.cpu.depthwise`, the `Machine` description of `strata.targets.cpu.machine`
and, for the `default` schedule, the ISA variants and tag of `strata.targets.cpu.ukernels`
(payload ops are inspected, not modified, except for the `strata.sched` tag attribute that
identifies them in the script and the library's `strata.ukernel` tag).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from mlir import ir

from strata.errors import CompilationError
from strata.targets.cpu import depthwise
from strata.targets.cpu.machine import Machine
from strata.targets.cpu.schedule_api import OpHandle, Script

TAG = "strata.sched"
# Contractions below this many flops stay sequential: a fork and join of a warm OpenMP team
# costs a few microseconds, 1 MFLOP takes 5-50 us on one core (library to depthwise speed).
PARALLEL_MIN_FLOPS = 1_000_000


class UnknownScheduleError(CompilationError):
    """A schedule name that `SCHEDULES` does not know."""


@dataclass(frozen=True)
class TileParams:
    """Register-tile and cache-block sizes of the contraction schedule, and the thread count.

    The defaults are a fixed AVX-512 tile; `for_machine` derives every size from the target.
    """

    mr: int = 8  # output rows per register tile
    nr: int = 32  # output columns (vector dim, unit stride) per register tile
    kr: int = 4  # reduction steps unrolled per vector.contract
    num_threads: int = 1
    kc_max: int = 0  # largest reduction block (cache_blocks); 0: no reduction blocking
    l2_floats: int = 0  # f32 elements of B one block may hold in L2; 0: no column blocking
    machine: Machine | None = None  # the target (None: the fixed defaults above)

    @staticmethod
    def for_machine(m: Machine, num_threads: int = 1) -> TileParams:
        """The sizes that fit machine `m`: the register tile of `register_tile`; a reduction
        block whose mr x kc panel of A fills half of L1 (the kc x nr panels of B stream past
        it); a kc x nc block of B that fills half of L2."""
        mr, nr = register_tile(m)
        return TileParams(
            mr=mr,
            nr=nr,
            kr=KR,
            num_threads=num_threads,
            kc_max=m.l1d // 2 // (mr * 4),
            l2_floats=m.l2 // 2 // 4,
            machine=m,
        )


# Reduction steps per vector.contract: enough to amortise the loop, few enough that the A
# elements of one step stay in one short vector load per row (measured: 8 is no faster).
KR = 4


def register_tile(m: Machine) -> tuple[int, int]:
    """(mr, nr) of the outer-product micro-kernel for machine `m`.

    Each reduction step of an mr x nr tile keeps mr * v accumulators (v = nr / lanes vectors
    per row), loads v vectors of B and broadcasts one element of A at a time, so the tile fits
    the register file when mr * v + v + 1 <= registers. The tile with the most accumulators
    wins (they hide the FMA latency and reuse each load most), with v = 2 or 4: one vector per
    row broadcasts an A element per FMA (load-bound: 14 x 8 ran at 70% of 6 x 16 on AVX2) and
    row widths that are not a power-of-two number of vectors (24, 48 lanes) legalise badly
    (3-6x slower, measured). AVX2 (16 registers x 8 lanes) gets 6 x 16, AVX-512 (32 x 16)
    14 x 32, SSE (16 x 4) 6 x 8.
    """
    regs, lanes = m.vector_registers, m.vector_lanes
    best = (0, 0, 0)  # (accumulators, mr, nr)
    for v in (2, 4):
        rows = (regs - v - 1) // v
        if rows * v > best[0]:
            best = (rows * v, rows, v * lanes)
    return best[1], best[2]


@dataclass(frozen=True)
class Contraction:
    """A contraction's iteration space: batch dims, then m, n (vector dim), then k."""

    batch: tuple[int, ...]
    m: int
    n: int
    k: int
    stride: int = 1  # input stride along n (depthwise convolutions; 1 for contractions)
    rows: int = 0  # a convolution's output rows (n is rows x columns); 0 for contractions

    @property
    def flops(self) -> int:
        return 2 * math.prod(self.batch) * self.m * self.n * self.k


# ---- shape analysis ------------------------------------------------------------------------


def _shape(v: ir.Value) -> list[int]:
    return list(ir.ShapedType(v.type).shape)


def _static(op: ir.Operation) -> bool:
    for v in list(op.operands) + list(op.results):
        t = v.type
        shaped = isinstance(t, ir.ShapedType) or str(t).startswith(("tensor<", "memref<"))
        if shaped and not ir.ShapedType(t).has_static_shape:
            return False
    return True


def _f32(op: ir.Operation) -> bool:
    return all(str(ir.ShapedType(v.type).element_type) == "f32" for v in op.operands)


def contraction_of(op: ir.Operation) -> tuple[str, Contraction] | None:
    """(kind, iteration space) of a schedulable op, or None when the op is left alone."""
    name = op.name
    if name not in _KINDS or not _static(op) or not _f32(op):
        return None
    if name == "linalg.conv_2d_nchw_fchw" and any(d != 1 for d in int_list(op, "dilations")):
        return None  # convert_conv2d_to_img2col handles unit dilations only
    found = _space(op, name)
    return found if found[1].k >= 2 else None


@dataclass(frozen=True)
class DynamicContraction:
    """A contraction with dynamic dims: its loop dims (None: dynamic) in the op's iteration
    order, which of them are batch / m / n / k, and the tile each dynamic dim is peeled by."""

    kind: str
    dims: tuple[int | None, ...]
    roles: tuple[str, ...]  # "b", "m", "n" or "k" per loop dim


def dynamic_contraction_of(op: ir.Operation) -> DynamicContraction | None:
    """A matmul / batch_matmul with dynamic dims (f32), which `peel_to_static` schedules."""
    name = op.name
    if name not in _KINDS or _static(op) or not _f32(op):
        return None
    if name == "linalg.matmul" and not _default_maps(op):  # transposed operands: plain loops
        return None

    def dims(v: ir.Value) -> list[int | None]:
        t = ir.RankedTensorType(v.type)
        return [None if t.is_dynamic_dim(i) else int(t.shape[i]) for i in range(t.rank)]

    a, out = dims(op.operands[0]), dims(op.operands[2])
    if name in ("linalg.conv_2d_nchw_fchw", "linalg.depthwise_conv_2d_nchw_chw"):
        # only a dynamic batch dim: tiled by 1, the rest is the static schedule
        if any(d is None for d in out[1:]) or any(d is None for d in a[1:]):
            return None
        kind = "conv_im2col" if name == "linalg.conv_2d_nchw_fchw" else "depthwise"
        return DynamicContraction(kind, (None,), ("b",))
    if name == "linalg.matmul":
        return DynamicContraction("matmul", (out[0], out[1], a[1]), ("m", "n", "k"))
    return DynamicContraction("batch_matmul", (out[0], out[1], out[2], a[2]), ("b", "m", "n", "k"))


def peel_to_static(
    op: OpHandle,
    dc: DynamicContraction,
    p: TileParams,
    static_space: tuple[str, Contraction] | None = None,
) -> None:
    """Make every dim of the matched op `op` static, then apply the static contraction
    schedule.

    A dynamic batch dim is tiled by 1; a dynamic m / n / k dim is tiled by the register tile
    (mr / nr / kr) and the loop peeled, so the main loop's tile has a static shape (the
    remainder, under one tile, stays a plain loop nest). Tiling also keeps elementwise fusion
    from folding producers into the contraction's reduction loop. Convolutions with only a
    dynamic batch dim get the batch tiled by 1 and the static schedule of `static_space` (the
    iteration space with batch 1)."""
    s, op_name = op.script, op.op_name
    assert op_name is not None
    tiles = {"b": 1, "m": p.mr, "n": p.nr, "k": p.kr}
    dims = list(dc.dims)
    h = op
    for i, (d, role) in enumerate(zip(dc.dims, dc.roles, strict=True)):
        if d is not None:
            continue
        sizes = [0] * len(dims)
        sizes[i] = tiles[role]
        tiled, (loop,) = h.tile(sizes, names=("t", "loop"))
        dims[i] = tiles[role]
        if role == "b":
            h = tiled
            continue
        main, _rest = loop.peel()
        s.apply_patterns(main, ["linalg.tiling_canonicalization", "canonicalization"])
        h = s.match(op_name, within=main)
    if dc.kind in ("conv_im2col", "depthwise"):
        if dc.kind == "conv_im2col":
            _col, result = h.img2col()
            h = result.producer_of_operand(0, name="mm")
        assert static_space is not None
        _, c0 = static_space
        c = replace(c0, batch=(1, *c0.batch[1:]))
        if dc.kind == "depthwise":
            depthwise.depthwise_op(h, c.batch[1], c.n, c.stride, 1)
        else:
            _schedule_contraction(h, c, replace(p, num_threads=1))
        return
    st = [int(d) for d in dims if d is not None]
    if dc.kind == "matmul":
        c = Contraction((), st[0], st[1], st[2])
    else:
        c = Contraction((st[0],), st[1], st[2], st[3])
    if c.k >= 2:
        _schedule_contraction(h, c, replace(p, num_threads=1))


def _space(op: ir.Operation, name: str) -> tuple[str, Contraction]:
    out = _shape(op.operands[2])
    if name == "linalg.matmul":
        a = _shape(op.operands[0])
        k = a[0] if _transposed_a(op) else a[1]
        return "matmul", Contraction((), out[0], out[1], k)
    if name == "linalg.batch_matmul":
        a = _shape(op.operands[0])
        return "batch_matmul", Contraction((out[0],), out[1], out[2], a[2])
    w = _shape(op.operands[1])
    if name == "linalg.depthwise_conv_2d_nchw_chw":
        # (n, c) batch, (oh, ow) output, kh * kw taps; the width stride picks the loop order
        stride_w = int_list(op, "strides")[-1]
        return "depthwise", Contraction((out[0], out[1]), out[2], out[3], w[1] * w[2], stride_w)
    return "conv_im2col", Contraction(
        (out[0],), out[1], out[2] * out[3], w[1] * w[2] * w[3], rows=out[2]
    )


def _space_batch1(op: ir.Operation) -> tuple[str, Contraction]:
    """The iteration space of a conv whose only dynamic dim is the batch, taken as 1."""
    out = list(ir.ShapedType(op.operands[2].type).shape)
    w = _shape(op.operands[1])
    if op.name == "linalg.depthwise_conv_2d_nchw_chw":
        stride_w = int_list(op, "strides")[-1]
        return "depthwise", Contraction((1, out[1]), out[2], out[3], w[1] * w[2], stride_w)
    return "conv_im2col", Contraction((1,), out[1], out[2] * out[3], w[1] * w[2] * w[3])


def int_list(op: ir.Operation, name: str) -> list[int]:
    """An i64 elements / array attribute as a list (1s when absent)."""
    if name not in op.attributes:
        return [1, 1]
    return [int(v) for v in ir.DenseIntElementsAttr(op.attributes[name])]


def _default_maps(op: ir.Operation) -> bool:
    """True when a matmul reads A as (m, k) and B as (k, n) (no transposition)."""
    if "indexing_maps" not in op.attributes:
        return True
    maps = [str(ir.AffineMapAttr(m).value) for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    return maps == [
        "(d0, d1, d2) -> (d0, d2)",
        "(d0, d1, d2) -> (d2, d1)",
        "(d0, d1, d2) -> (d0, d1)",
    ]


def _transposed_a(op: ir.Operation) -> bool:
    """True when the matmul's indexing maps read A as (k, m)."""
    if "indexing_maps" not in op.attributes:
        return False
    amap = ir.AffineMapAttr(ir.ArrayAttr(op.attributes["indexing_maps"])[0]).value
    return str(amap.results[0]) == "d2"


_KINDS = (
    "linalg.matmul",
    "linalg.batch_matmul",
    "linalg.conv_2d_nchw_fchw",
    "linalg.depthwise_conv_2d_nchw_chw",
)


# ---- the contraction schedule ----------------------------------------------------------------


def _split(handle: OpHandle, dim: int, size: int, tile: int,
           main: int | None = None) -> list[tuple[OpHandle, int]]:  # fmt: skip
    """Split `handle` along `dim` so each part's extent is a multiple of its own tile size.

    Returns (handle, tile) pairs; a remainder part gets the remainder as its tile size.
    """
    tile = min(tile, size)
    if main is None:
        main = size - size % tile
    if main == size:
        return [(handle, tile)]
    lo, hi = handle.split(dim, main)
    return [(lo, tile), (hi, size - main)]


def k_plan(k: int, kr: int) -> list[tuple[int, int]]:
    """Chunks (extent, tile) of the reduction dim: tiles >= 2 (a unit reduction tile makes the
    vector patterns loop), a remainder chunk is one static tile."""
    for cand in range(kr, 1, -1):
        if k % cand == 0:
            return [(k, cand)]
    if k <= 2 * kr + 1:
        return [(k, k)]
    rem = k % kr if k % kr != 1 else kr + 1
    return [(k - rem, kr), (rem, rem)]


def _tile_part(handle: OpHandle, c: Contraction, mr: int, nr: int, p: TileParams) -> None:
    nb = len(c.batch)
    parallel = p.num_threads != 1 and c.flops >= PARALLEL_MIN_FLOPS
    tiled, _loops = handle.tile([1] * nb + [mr, nr, 0], parallel=parallel)
    plan = k_plan(c.k, p.kr)
    chunks = [(tiled, plan[0][1])]
    if len(plan) == 2:
        chunks = _split(tiled, nb + 2, c.k, plan[0][1], plan[0][0])
    for h, kr in chunks:
        inner = h
        if kr < c.k and h is chunks[0][0]:
            inner, _kloop = h.tile([0] * (nb + 2) + [kr], names=("inner", "kloop"))
        inner.vectorize()


def _cleanup(s: Script) -> OpHandle:
    """Fold the vectorised tiles' slices into transfers, then hoist accumulators out of loops."""
    funcs = s.match("func.func", name="funcs")
    s.apply_patterns(funcs, [
        "vector.reduction_to_contract",
        "vector.transfer_permutation_patterns",
        "linalg.tiling_canonicalization",
        "tensor.fold_tensor_subset_ops_into_vector_transfers",
        "canonicalization",
    ])  # fmt: skip
    with s.foreach(s.match_loops("scf.for"), arg="loop") as loop:
        loop.hoist_invariant_subsets()
    return funcs


def _largest_divisor(n: int, limit: int, step: int) -> int:
    """The largest multiple of `step` that divides `n` and is <= limit (0: none)."""
    for d in range(limit - limit % step, 0, -step):
        if n % d == 0:
            return d
    return 0


def cache_blocks(c: Contraction, p: TileParams) -> tuple[int, int]:
    """(kc, nc): the reduction block (at most `kc_max`: an mr x kc panel of A stays in L1
    while the kc x nr panels of B stream past it) and the column block (a kc x nc block of B,
    at most `l2_floats`, stays in L2 while every row tile passes over it). Blocks divide the
    extents (a multiple of kr, of nr), so every tile keeps a static shape; a block equal to
    the extent means no blocking (also when no divisor fits). BERT-base's 128 x 768 x 3072
    and 128 x 3072 x 768 matmuls ran 1.4-2.2x faster blocked (best of 25 runs on a busy
    2-core Zen 4, AVX-512 and AVX2 code)."""
    kc, nc = c.k, c.n
    if p.kc_max and c.k > p.kc_max:
        kc = _largest_divisor(c.k, p.kc_max, p.kr) or c.k
    if p.l2_floats and kc * c.n > p.l2_floats:
        nc = _largest_divisor(c.n, p.l2_floats // kc, p.nr) or c.n
    return kc, nc


def row_tile(m: int, mr: int) -> int:
    """Rows per register tile of an m-row contraction: the largest r in [ceil(mr / 2), mr]
    that divides m, else mr. A remainder tile is a kernel of its own; splitting every op
    into two made densenet121's compile (im2col convs with 32-512 output channels against
    14 rows) exceed the conformance run's timeout."""
    for r in range(mr, (mr + 1) // 2 - 1, -1):
        if m % r == 0:
            return r
    return mr


def _schedule_contraction(handle: OpHandle, c: Contraction, p: TileParams) -> None:
    nb = len(c.batch)
    p = replace(p, mr=row_tile(c.m, p.mr))
    kc, nc = cache_blocks(c, p)
    if kc < c.k or nc < c.n:
        sizes = [0] * nb + [0, nc if nc < c.n else 0, kc if kc < c.k else 0]
        handle, _blocks = handle.tile(sizes, names=("t", "blocks"))
        c = replace(c, n=nc, k=kc)
    for mh, mr in _split(handle, nb, c.m, p.mr):
        for nh, nr in _split(mh, nb + 1, c.n, p.nr):
            _tile_part(nh, c, mr, nr, p)


def tiled_op(op: OpHandle, kind: str, c: Contraction, p: TileParams) -> None:
    """The `tiled` schedule of one matched payload op of `kind` with iteration space `c`."""
    if kind == "depthwise":
        threads = p.num_threads if c.flops >= PARALLEL_MIN_FLOPS else 1
        depthwise.depthwise_op(op, c.batch[1], c.n, c.stride, threads)
        return
    if kind == "conv_im2col":
        _col, result = op.img2col()
        op = result.producer_of_operand(0, name="mm")
    _schedule_contraction(op, c, p)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _round_up(a: int, b: int) -> int:
    return _ceil_div(a, b) * b


# Output channels split among threads from this many register-tile rows per thread on
CONV_SPLIT_CHANNELS = 8


def _ukernel_split(c: Contraction, p: TileParams, mr: int, nr: int) -> tuple[int, int]:
    """(rows, columns) per thread of a contraction the library computes: the dim with more
    register tiles is split among the threads, in multiples of the tile (0: not split)."""
    if p.num_threads == 1 or c.flops < PARALLEL_MIN_FLOPS:
        return 0, 0
    t = p.num_threads
    if _ceil_div(c.n, nr) >= _ceil_div(c.m, mr):
        cols = _round_up(_ceil_div(c.n, t), nr)
        return 0, (cols if cols < c.n else 0)
    rows = _round_up(_ceil_div(c.m, t), mr)
    return (rows if rows < c.m else 0), 0


def ukernel_op(op: OpHandle, kind: str, c: Contraction, p: TileParams) -> None:
    """The `default` schedule of one matched payload op: contractions go to the
    micro-kernel library (ukernels.py) when the target has a variant of it, the rest (and
    every op on other targets) get the `tiled` schedule.

    A matmul's batch dims are tiled by 1 (the library multiplies matrices) and its threads
    split it: over the batch when it has at least as many entries as threads, else over rows
    or columns (`_ukernel_split`), as an `scf.forall`. A convolution stays whole (the library
    packs its im2col matrix from the image) unless threads split it over images or output
    channels. A depthwise convolution stays whole too, its channels split among threads.
    `strata-cpu-ukernel-calls` turns the op into the call after bufferization; the tag
    `strata.ukernel` keeps the loop interchange off it."""
    from strata.targets.cpu import ukernels

    isa = ukernels.isa_of(p.machine) if p.machine is not None else None
    if isa is None:
        tiled_op(op, kind, c, p)
        return
    h = op
    if kind == "depthwise":
        # the library computes each channel's plane on its own: threads split the channels
        # (loop 3 of linalg's (n, oh, ow, c, kh, kw); until 2026-12-02 this tiled loop 1,
        # the output rows, by the channel count's share: uneven parts, unfolded padding)
        if p.num_threads != 1 and c.flops >= PARALLEL_MIN_FLOPS and c.batch[1] > 1:
            chunk = _ceil_div(c.batch[1], p.num_threads)
            h, _loop = h.parallel([0, 0, 0, chunk])
        h.annotate(ukernels.TAG)
        return
    mr, nr = ukernels.TILES[isa]
    nb = len(c.batch)
    batch = math.prod(c.batch)
    parallel = p.num_threads != 1 and c.flops >= PARALLEL_MIN_FLOPS
    rows, cols = (0, 0) if batch >= p.num_threads else _ukernel_split(c, p, mr, nr)
    sizes = [1] * nb + [rows, cols, 0]
    if kind == "conv_im2col":
        # the library packs the im2col matrix from the image itself: the convolution stays
        # whole (loops n, f, oh, ow, c, kh, kw); threads split images, else output channels
        # when there are many (each thread packs the whole image: with few channels that
        # packing is a large share of the work), else output rows
        t = p.num_threads
        if not parallel:
            sizes = []
        elif batch >= t:
            sizes = [1, 0, 0, 0, 0, 0, 0]
        elif c.m >= CONV_SPLIT_CHANNELS * mr * t or c.rows < 2 * t:
            fs = _round_up(_ceil_div(c.m, t), mr)
            sizes = [0, fs, 0, 0, 0, 0, 0] if fs < c.m else []
        else:
            sizes = [0, 0, _ceil_div(c.rows, t), 0, 0, 0, 0]
    if any(sizes):
        h, _loops = h.tile(sizes, parallel=parallel)
        if cols and kind != "conv_im2col":
            # the column part each call gets (the last may be narrower): how a packed
            # constant B is cut into parts (ukernels.prepack_plan)
            h.annotate(ukernels.COLUMNS, cols)
    h.annotate(ukernels.TAG)


def _lower_vectors(s: Script) -> None:
    """Contractions -> outer products (FMAs); n-d transfers -> 1-d ones."""
    s.apply_patterns(s.match("func.func", name="funcs"), [
        ("vector.lower_contraction", {"lowering_strategy": "outerproduct"}),
        "vector.transfer_permutation_patterns",
        ("vector.lower_transpose", {"lowering_strategy": "eltwise"}),
        "vector.lower_shape_cast",
        "canonicalization",
    ])  # fmt: skip


# A named schedule: given the matched payload op (tagged, static f32 shapes), its kind
# ("matmul", "batch_matmul", "conv_im2col", "depthwise") and iteration space, and the target's
# sizes, it calls the schedule primitives (schedule_api.py) on the op's handle.
OpSchedule = Callable[[OpHandle, str, Contraction, TileParams], None]

SCHEDULES: dict[str, OpSchedule | None] = {
    "none": None,
    "default": ukernel_op,
    # the default's, with the library's cache blocks measured per call shape (tuner.py)
    "tuned": ukernel_op,
    "tiled": tiled_op,
}
# the schedules that give contractions to the micro-kernel library (ukernels.py)
LIBRARY_SCHEDULES = ("default", "tuned")


def register_schedule(name: str, fn: OpSchedule) -> None:
    """Make `fn` the schedule called `name` (for `cpu_pipeline(..., schedule=name)` and
    `strata-cpu-schedule{schedule=name}` in this process). Names are unique: registering a
    known name raises, so a built-in schedule cannot be replaced by accident."""
    if not name or not isinstance(name, str):
        raise ValueError(f"a schedule name must be a non-empty string, got {name!r}")
    if name in SCHEDULES:
        raise ValueError(
            f"schedule '{name}' is already registered; known schedules: "
            f"{', '.join(sorted(SCHEDULES))}"
        )
    if not callable(fn):
        raise TypeError(f"schedule '{name}': {fn!r} is not callable")
    SCHEDULES[name] = fn


def get_schedule(name: str) -> OpSchedule | None:
    """The per-op function of schedule `name` (None: no scheduling); unknown names raise."""
    if name not in SCHEDULES:
        raise UnknownScheduleError(
            f"unknown CPU schedule '{name}'; known schedules: {', '.join(sorted(SCHEDULES))}"
        )
    return SCHEDULES[name]


def _walk(block: ir.Block, out: list[ir.Operation]) -> None:
    for op in block.operations:
        out.append(op.operation)
        for region in op.operation.regions:
            for b in region.blocks:
                _walk(b, out)


def build_script(module: ir.Operation, name: str, params: TileParams) -> str | None:
    """Tag the schedulable ops of `module` and return the transform library text, or None."""
    schedule = get_schedule(name)
    if schedule is None:
        return None
    ops: list[ir.Operation] = []
    _walk(module.regions[0].blocks[0], ops)
    s = Script()
    n = 0
    from strata.targets.cpu import ukernels

    library = name in LIBRARY_SCHEDULES and params.machine is not None
    library = library and ukernels.isa_of(params.machine) is not None  # type: ignore[arg-type]
    for op in ops:
        if (
            library
            and op.name in ("linalg.conv_2d_nchw_fchw", "linalg.depthwise_conv_2d_nchw_chw")
            and _f32(op)
            and (not _static(op) or any(d != 1 for d in int_list(op, "dilations")))
        ):
            # dynamic or dilated: the library computes it whole (no transform needed)
            op.attributes[ukernels.TAG] = ir.UnitAttr.get()
            continue
        found = contraction_of(op)
        dyn = dynamic_contraction_of(op) if found is None and name != "none" else None
        if found is None and dyn is None:
            continue
        key = f"s{n}"
        n += 1
        op.attributes[TAG] = ir.StringAttr.get(key)
        handle = s.match(op.name, tag=(TAG, key))
        if found is not None:
            schedule(handle, found[0], found[1], params)
        elif dyn is not None:
            space = _space_batch1(op) if dyn.kind in ("conv_im2col", "depthwise") else None
            peel_to_static(handle, dyn, params, space)
    if n == 0:
        return None
    _cleanup(s)
    _lower_vectors(s)
    return s.text()


def describe(op: ir.Operation, name: str, params: TileParams) -> str:
    """One line naming the schedule `build_script` gave the tagged payload op `op` (profiles
    show it beside the kernel's time)."""
    from strata.targets.cpu import ukernels

    isa = ukernels.isa_of(params.machine) if params.machine is not None else None
    library = name in LIBRARY_SCHEDULES and isa is not None
    found = contraction_of(op)
    if found is not None:
        kind, c = found
        threads = params.num_threads if c.flops >= PARALLEL_MIN_FLOPS else 1
        space = "x".join(str(d) for d in (*c.batch, c.m, c.n, c.k))
        if library and kind == "depthwise":
            return (
                f"{name} depthwise (n*c, oh, ow, taps {space}), micro-kernel library {isa} "
                f"(planes, rows of vectors, stride {c.stride}), {threads} thread(s)"
            )
        if library and isa is not None and params.machine is not None:
            mr, nr = ukernels.TILES[isa]
            kc, nc = ukernels.blocks(isa, params.machine, c.k, c.n)
            return (
                f"{name} {kind} (b.., m, n, k {space}), micro-kernel library {isa} "
                f"(register tile {mr}x{nr}, blocks kc {kc} x nc {nc}), {threads} thread(s)"
            )
        if kind == "depthwise":
            return (
                f"{name} depthwise (n*c, oh, ow, taps {space}), rows over ow, stride {c.stride}, "
                f"{threads} thread(s)"
            )
        return (
            f"{name} {kind} (b.., m, n, k {space}), register tile {params.mr}x{params.nr}, "
            f"k step {params.kr}, {threads} thread(s)"
        )
    dyn = dynamic_contraction_of(op)
    if dyn is not None:
        return (
            f"{name} {dyn.kind} with dynamic dims, peeled to {params.mr}x{params.nr}x{params.kr} "
            "tiles"
        )
    return name
