"""Named, parameterised CPU schedules: transform-dialect scripts for the heavy linalg ops.

Lowering says *what* is computed; a schedule says *how*. A schedule here is a Python function
that looks at one payload op (its static shape) and returns the transform-dialect text that
tiles, parallelises and vectorises it. `build_script` collects the per-op sequences of one
module into a transform library with an `@__transform_main` entry.

Schedules (by name, see `SCHEDULES`):

* ``"none"``: leave every op alone (plain loops; the loop-reordering pass still applies).
* ``"tiled"`` (default): contractions become register-tiled, vectorised micro-kernels:
  - `linalg.matmul` (any operand transposition through indexing maps), `linalg.batch_matmul`:
    the (m, n) output is split into `mr x nr` register tiles (remainders become separate
    static ops, so every tile has a static shape), distributed by an `scf.forall` (parallel
    when `num_threads > 1`), the reduction dim is tiled by `kr`, and each tile is vectorised
    into one `vector.contract` lowered to outer products (FMAs).
  - `linalg.conv_2d_nchw_fchw`: im2col (`convert_conv2d_to_img2col`) turns the convolution
    into a batched contraction out[n, f, oh*ow] = W[f, c*kh*kw] x col[n, c*kh*kw, oh*ow],
    scheduled like a matmul.
  - `linalg.depthwise_conv_2d_nchw_chw`: generalised and reordered so the innermost loop runs
    over the output width (LLVM vectorises it); short rows are tiled first (depthwise.py).

Dependency contract: the `mlir` bindings and `strata.targets.cpu.depthwise` only (payload ops
are inspected, not modified, except for the `strata.sched` tag attribute that identifies them
in the script).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from mlir import ir

from strata.errors import CompilationError
from strata.targets.cpu import depthwise

TAG = "strata.sched"
# Contractions below this many flops stay sequential (an OpenMP fork costs ~10-100 us).
PARALLEL_MIN_FLOPS = 4_000_000


class UnknownScheduleError(CompilationError):
    """A schedule name that `SCHEDULES` does not know."""


@dataclass(frozen=True)
class TileParams:
    """Register-tile sizes of the contraction micro-kernel and the thread count."""

    mr: int = 8  # output rows per register tile
    nr: int = 32  # output columns (vector dim, unit stride) per register tile
    kr: int = 4  # reduction steps unrolled per vector.contract
    num_threads: int = 1


@dataclass(frozen=True)
class Contraction:
    """A contraction's iteration space: batch dims, then m, n (vector dim), then k."""

    batch: tuple[int, ...]
    m: int
    n: int
    k: int
    stride: int = 1  # input stride along n (depthwise convolutions; 1 for contractions)

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
    if name == "linalg.conv_2d_nchw_fchw" and any(d != 1 for d in _int_list(op, "dilations")):
        return None  # convert_conv2d_to_img2col handles unit dilations only
    found = _space(op, name)
    return found if found[1].k >= 2 else None


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
        stride_w = _int_list(op, "strides")[-1]
        return "depthwise", Contraction((out[0], out[1]), out[2], out[3], w[1] * w[2], stride_w)
    return "conv_im2col", Contraction((out[0],), out[1], out[2] * out[3], w[1] * w[2] * w[3])


def _int_list(op: ir.Operation, name: str) -> list[int]:
    """An i64 elements / array attribute as a list (1s when absent)."""
    if name not in op.attributes:
        return [1, 1]
    return [int(v) for v in ir.DenseIntElementsAttr(op.attributes[name])]


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


class _Writer:
    """Accumulates transform-dialect lines with fresh SSA names."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def fresh(self, base: str) -> str:
        self.count += 1
        return f"%{base}{self.count}"

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)


_ANY = "!transform.any_op"


def _split(w: _Writer, handle: str, dim: int, size: int, tile: int,
           main: int | None = None) -> list[tuple[str, int]]:  # fmt: skip
    """Split `handle` along `dim` so each part's extent is a multiple of its own tile size.

    Returns (handle, tile) pairs; a remainder part gets the remainder as its tile size.
    """
    tile = min(tile, size)
    if main is None:
        main = size - size % tile
    if main == size:
        return [(handle, tile)]
    parts = w.fresh("parts")
    lo, hi = w.fresh("lo"), w.fresh("hi")
    w.emit(f"{parts} = transform.structured.split {handle} after {main} "
           f"{{dimension = {dim}}} : {_ANY}")  # fmt: skip
    w.emit(f"{lo}, {hi} = transform.split_handle {parts} : ({_ANY}) -> ({_ANY}, {_ANY})")
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


def _tile_part(w: _Writer, handle: str, c: Contraction, mr: int, nr: int, p: TileParams) -> None:
    nb = len(c.batch)
    sizes = [1] * nb + [mr, nr, 0]
    tiled, loops = w.fresh("t"), w.fresh("loops")
    if p.num_threads != 1 and c.flops >= PARALLEL_MIN_FLOPS:
        w.emit(f"{tiled}, {loops} = transform.structured.tile_using_forall {handle} "
               f"tile_sizes {sizes} : ({_ANY}) -> ({_ANY}, {_ANY})")  # fmt: skip
    else:
        outs = ", ".join([_ANY] * (nb + 2))
        w.emit(f"{tiled}, {loops}:{nb + 2} = transform.structured.tile_using_for {handle} "
               f"tile_sizes {sizes} : ({_ANY}) -> ({_ANY}, {outs})")  # fmt: skip
    plan = k_plan(c.k, p.kr)
    chunks = [(tiled, plan[0][1])]
    if len(plan) == 2:
        chunks = _split(w, tiled, nb + 2, c.k, plan[0][1], plan[0][0])
    for h, kr in chunks:
        inner = h
        if kr < c.k and h == chunks[0][0]:
            inner, loop = w.fresh("inner"), w.fresh("kloop")
            ksizes = [0] * (nb + 2) + [kr]
            w.emit(f"{inner}, {loop} = transform.structured.tile_using_for {h} "
                   f"tile_sizes {ksizes} : ({_ANY}) -> ({_ANY}, {_ANY})")  # fmt: skip
        w.emit(f"transform.structured.vectorize {inner} : {_ANY}")


def _cleanup(w: _Writer) -> str:
    """Fold the vectorised tiles' slices into transfers, then hoist accumulators out of loops."""
    func = w.fresh("funcs")
    w.emit(f'{func} = transform.structured.match ops{{["func.func"]}} in %root '
           f": ({_ANY}) -> {_ANY}")  # fmt: skip
    w.emit(f"transform.apply_patterns to {func} {{")
    w.emit("  transform.apply_patterns.vector.reduction_to_contract")
    w.emit("  transform.apply_patterns.vector.transfer_permutation_patterns")
    w.emit("  transform.apply_patterns.linalg.tiling_canonicalization")
    w.emit("  transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers")
    w.emit("  transform.apply_patterns.canonicalization")
    w.emit(f"}} : {_ANY}")
    loops = w.fresh("loops")
    w.emit(f'{loops} = transform.structured.match ops{{["scf.for"]}} in {func} '
           f": ({_ANY}) -> {_ANY}")  # fmt: skip
    w.emit(f"transform.foreach {loops} : {_ANY} {{")
    w.emit(f"^bb0(%loop: {_ANY}):")
    w.emit(f"  transform.loop.hoist_loop_invariant_subsets %loop : {_ANY}")
    w.emit("}")
    return func


def _schedule_contraction(w: _Writer, handle: str, c: Contraction, p: TileParams) -> None:
    nb = len(c.batch)
    for mh, mr in _split(w, handle, nb, c.m, p.mr):
        for nh, nr in _split(w, mh, nb + 1, c.n, p.nr):
            _tile_part(w, nh, c, mr, nr, p)


def _match(w: _Writer, op_name: str, key: str) -> str:
    h = w.fresh("op")
    w.emit(f'{h} = transform.structured.match ops{{["{op_name}"]}} '
           f'attributes{{{TAG} = "{key}"}} in %root : ({_ANY}) -> {_ANY}')  # fmt: skip
    return h


def tiled_op(w: _Writer, kind: str, op_name: str, key: str, c: Contraction,
             p: TileParams) -> None:  # fmt: skip
    """Emit the `tiled` schedule of one tagged payload op."""
    h = _match(w, op_name, key)
    if kind == "depthwise":
        threads = p.num_threads if c.flops >= PARALLEL_MIN_FLOPS else 1
        depthwise.depthwise_op(w, h, c.batch[1], c.n, c.stride, threads)
        return
    if kind == "conv_im2col":
        col, result = w.fresh("col"), w.fresh("res")
        w.emit(f"{col}, {result} = transform.structured.convert_conv2d_to_img2col {h} "
               f": ({_ANY}) -> ({_ANY}, {_ANY})")  # fmt: skip
        mm = w.fresh("mm")
        w.emit(f"{mm} = transform.get_producer_of_operand {result}[0] : ({_ANY}) -> {_ANY}")
        h = mm
    _schedule_contraction(w, h, c, p)


def _lower_vectors(w: _Writer) -> None:
    """Contractions -> outer products (FMAs); n-d transfers -> 1-d ones."""
    funcs = w.fresh("funcs")
    w.emit(f'{funcs} = transform.structured.match ops{{["func.func"]}} in %root '
           f": ({_ANY}) -> {_ANY}")  # fmt: skip
    w.emit(f"transform.apply_patterns to {funcs} {{")
    w.emit('  transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"')
    w.emit("  transform.apply_patterns.vector.transfer_permutation_patterns")
    w.emit('  transform.apply_patterns.vector.lower_transpose lowering_strategy = "eltwise"')
    w.emit("  transform.apply_patterns.vector.lower_shape_cast")
    w.emit("  transform.apply_patterns.canonicalization")
    w.emit(f"}} : {_ANY}")


OpSchedule = Callable[[_Writer, str, str, str, Contraction, TileParams], None]

SCHEDULES: dict[str, OpSchedule | None] = {"none": None, "tiled": tiled_op}


def get_schedule(name: str) -> OpSchedule | None:
    """The per-op emitter of schedule `name` (None: no scheduling); unknown names raise."""
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
    emit = get_schedule(name)
    if emit is None:
        return None
    ops: list[ir.Operation] = []
    _walk(module.regions[0].blocks[0], ops)
    w = _Writer()
    n = 0
    for op in ops:
        found = contraction_of(op)
        if found is None:
            continue
        key = f"s{n}"
        n += 1
        op.attributes[TAG] = ir.StringAttr.get(key)
        emit(w, found[0], op.name, key, found[1], params)
    if n == 0:
        return None
    _cleanup(w)
    _lower_vectors(w)
    body = "\n".join(w.lines)
    return f"""module attributes {{transform.with_named_sequence}} {{
  transform.named_sequence @__transform_main(%root: {_ANY} {{transform.readonly}}) {{
{body}
    transform.yield
  }}
}}"""
