"""Micro-kernel calls: f32 contractions that the C library computes instead of generated loops.

The library (`targets/cpu/runtime/sgemm_impl.h`, built by CMake into `libstrata_kernels.a`
beside the `strata._runtime` module) exports two functions per instruction set:
`strata_sgemm_<isa>(m, n, k, A, rsA, csA, B, rsB, csB, C, rsC, csC, kc, nc, ws, ws_floats)`,
C[m, n] += A[m, k] B[k, n] for any element strides, and `strata_conv2d_<isa>(...)`, an NCHW /
FCHW convolution on a padded image whose im2col matrix is packed from the image directly;
both blocked for the caches by `kc` x `nc`, with a workspace for the packed blocks of B.
Every argument is an i64 (pointers too), so the call needs no memref calling convention and
works under the bare-pointer one.

The `default` schedule (schedules.py) splits the contractions it leaves to the library among
threads, tiles a matmul's batch dims to 1 and tags them `strata.ukernel` (which keeps the
loop interchange off them); `guard_inputs` keeps elementwise fusion from folding producers
into them. After bufferization and kernel outlining, `strata-cpu-ukernel-calls` replaces
every f32 matrix product (`plan_of`) and NCHW convolution (`conv_ok`) on memrefs with a call:
it reads the operands' strides and offsets (`memref.extract_strided_metadata`), allocates
the workspace from the model's buffer pool and passes cache blocks derived from the target
(`blocks`). Any other op stays a loop nest.

Which library variant a machine gets (`isa_of`): AVX-512F -> `avx512` (14 x 32 register
tile), AVX2 + FMA -> `avx2` (6 x 16); older ISAs get no micro-kernels (the `tiled` schedule).

Dependency contract: the `mlir` bindings, `strata.passes.registry`, `strata.targets.cpu.machine`
and `.schedules` (attribute reading only), `strata.errors`.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from mlir import ir
from mlir.dialects import arith, func, memref

from strata.errors import CompilationError
from strata.passes.registry import ModulePass, register_pass
from strata.targets.cpu import machine, schedules
from strata.targets.cpu.machine import Machine

# On the contractions the `default` schedule gives the library (keeps other passes off them).
TAG = "strata.ukernel"
PREFIX = "strata_sgemm_"
CONV_PREFIX = "strata_conv2d_"
ARCHIVE = "libstrata_kernels.a"
FLOPS_ATTR = "strata.flops"  # on the call: 2 m n k when static (profiling.py counts it)
# The library's register tile per variant (rows, columns): the packed panels of B are NR wide.
TILES = {"avx512": (14, 32), "avx2": (6, 16)}


def isa_of(m: Machine) -> str | None:
    """The library variant machine `m` runs, or None (no micro-kernels for its ISA)."""
    if m.has("avx512f"):
        return "avx512"
    if m.has("avx2") and m.has("fma"):
        return "avx2"
    return None


def blocks(isa: str, m: Machine, k: int | None, n: int | None) -> tuple[int, int]:
    """(kc, nc) for a product with reduction extent `k` and `n` columns (None: dynamic): an
    MR x kc panel of A fills at most half of L1 (it stays there while the panels of B stream
    past), a kc x nc block of packed B at most half of L2."""
    mr, nr = TILES[isa]
    kc = max(64, min(512, m.l1d // 2 // (mr * 4)) // 8 * 8)
    if k is not None:
        kc = min(kc, k)
    nc = max(nr, m.l2 // 2 // 4 // kc // nr * nr)
    if n is not None:
        nc = min(nc, -(-n // nr) * nr)
    return kc, nc


def workspace_floats(isa: str, kc: int, nc: int) -> int:
    nr = TILES[isa][1]
    return kc * (-(-nc // nr) * nr)


def uses_ukernels(module: ir.Module) -> bool:
    """Whether the module declares a micro-kernel function."""
    for op in module.body.operations:
        if (
            op.operation.name in ("func.func", "llvm.func")
            and "sym_name" in op.attributes
            and ir.StringAttr(op.attributes["sym_name"]).value.startswith((PREFIX, CONV_PREFIX))
        ):
            return True
    return False


def archive() -> Path:
    spec = importlib.util.find_spec("strata._runtime")
    if spec is None or spec.origin is None:
        raise CompilationError("the strata._runtime module is not installed (pip install .)")
    path = Path(spec.origin).parent / ARCHIVE
    if not path.exists():
        raise CompilationError(f"the micro-kernel library {path} is missing (reinstall Strata)")
    return path


def link_args() -> list[str]:
    """Linker arguments of NAME.so for a model that calls micro-kernels."""
    return [str(archive()), "-Wl,--exclude-libs,ALL"]


# ---- guards against fusion ----------------------------------------------------------------------

GUARD_PREFIX = "__strata_fusion_guard"


def guard_inputs(module: ir.Operation) -> None:
    """Give each input of a tagged op that a linalg op or reshape produces a second use, a
    call of an opaque function. Elementwise fusion and reshape propagation only fold a
    producer used once, so the tagged op stays the product the library computes (else the
    GAP's 1/49 scale before ResNet's FC, or a reshape, is folded into it and it becomes a
    generic loop nest). `strata-cpu-release-fusion-guards` removes the calls after fusion."""
    tagged: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if TAG in op.attributes:
            tagged.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit)
    declared: dict[str, str] = {}
    body = module.regions[0].blocks[0]
    with module.context, ir.Location.unknown():
        for op in tagged:
            n_inputs = len(op.operands) - len(op.results)
            for v in list(op.operands)[:n_inputs]:
                owner = v.owner
                if not isinstance(owner, ir.Operation) and hasattr(owner, "operation"):
                    owner = owner.operation
                if not isinstance(owner, ir.Operation):
                    continue  # a block argument
                if not (owner.name.startswith("linalg.") or owner.name in _RESHAPES):
                    continue
                key = str(v.type)
                if key not in declared:
                    name = f"{GUARD_PREFIX}{len(declared)}"
                    with ir.InsertionPoint.at_block_begin(body):
                        f = func.FuncOp(name, ir.FunctionType.get([v.type], []))
                        f.attributes["sym_visibility"] = ir.StringAttr.get("private")
                    declared[key] = name
                with ir.InsertionPoint(op):
                    func.CallOp([], declared[key], [v])


_RESHAPES = ("tensor.collapse_shape", "tensor.expand_shape", "tensor.reshape")


@register_pass
class ReleaseFusionGuards(ModulePass):
    """Remove the calls (and declarations) `guard_inputs` added."""

    name: ClassVar[str] = "strata-cpu-release-fusion-guards"

    def run(self, module: ir.Operation) -> None:
        doomed: list[ir.Operation] = []

        def visit(op: ir.Operation) -> ir.WalkResult:
            if op.name == "func.call" and ir.FlatSymbolRefAttr(
                op.attributes["callee"]
            ).value.startswith(GUARD_PREFIX):
                doomed.append(op)
            return ir.WalkResult.ADVANCE

        module.walk(visit)
        for op in doomed:
            op.erase()
        for op in list(module.regions[0].blocks[0].operations):
            attrs = op.operation.attributes
            if op.operation.name == "func.func" and ir.StringAttr(
                attrs["sym_name"]
            ).value.startswith(GUARD_PREFIX):
                op.operation.erase()


# ---- the call replacement ---------------------------------------------------------------------

_DEFAULT_MAPS = {
    "linalg.matmul": (
        "(d0, d1, d2) -> (d0, d2)",
        "(d0, d1, d2) -> (d2, d1)",
        "(d0, d1, d2) -> (d0, d1)",
    ),
    "linalg.batch_matmul": (
        "(d0, d1, d2, d3) -> (d0, d1, d3)",
        "(d0, d1, d2, d3) -> (d0, d3, d2)",
        "(d0, d1, d2, d3) -> (d0, d1, d2)",
    ),
}


@dataclass(frozen=True)
class Operand:
    """How one operand of a tagged op is read: for each of its two roles (A: m, k; B: k, n;
    C: m, n) either the memref dim that carries it (an int: extent and stride are read at run
    time) or, for a role spread over several dims that collapse into one, the static (extent,
    stride)."""

    roles: tuple[int | tuple[int, int], int | tuple[int, int]]


@dataclass(frozen=True)
class Plan:
    a: Operand
    b: Operand
    c: Operand
    flops: int | None  # 2 m n k when static


def _maps(op: ir.Operation) -> list[ir.AffineMap] | None:
    if "indexing_maps" in op.attributes:
        return [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    texts = _DEFAULT_MAPS.get(op.name)
    if texts is None:
        return None
    return [ir.AffineMapAttr(ir.Attribute.parse(f"affine_map<{t}>")).value for t in texts]


def _dims(m: ir.AffineMap) -> list[int] | None:
    out = []
    for e in m.results:
        if not isinstance(e, ir.AffineDimExpr):
            return None
        out.append(e.position)
    return out


def _is_mul_add(op: ir.Operation) -> bool:
    """A generic's body is out + a * b (f32), in either operand order."""
    if op.name != "linalg.generic":
        return True
    block = op.regions[0].blocks[0]
    ops = [o.operation for o in block.operations]
    if [o.name for o in ops] != ["arith.mulf", "arith.addf", "linalg.yield"]:
        return False
    a, b, c = block.arguments
    mul, add, yld = ops
    factors, terms = list(mul.operands), list(add.operands)
    if factors not in ([a, b], [b, a]) or terms not in ([c, mul.result], [mul.result, c]):
        return False
    return bool(yld.operands[0] == add.result)


_DYN = ir.ShapedType.get_dynamic_stride_or_offset()


def _role(t: ir.MemRefType, positions: list[int], group: list[int]) -> int | tuple[int, int] | None:
    """Where operand type `t` (whose dim i carries loop dim positions[i]) reads the role made
    of loop dims `group` (iteration order, no unit dims): one memref dim, or a static (extent,
    stride) of dims that collapse into one (in order, only unit dims between them); None when
    they do not."""
    dims = [positions.index(g) for g in group]
    if not dims:  # every dim of the role has extent 1
        return 1, 1
    if len(dims) == 1:
        return dims[0]
    shape = list(t.shape)
    strides, _ = t.get_strides_and_offset()
    if dims != sorted(dims) or any(shape[d] != 1 for d in range(dims[0], dims[-1] + 1)
                                   if d not in dims):  # fmt: skip
        return None
    if any(shape[d] < 0 or strides[d] == _DYN for d in dims):
        return None
    for outer, inner in itertools.pairwise(dims):
        if strides[outer] != strides[inner] * shape[inner]:
            return None
    return math.prod(shape[d] for d in dims), strides[dims[-1]]


def plan_of(op: ir.Operation) -> Plan | None:
    """The library call that computes `op` (a linalg op on memrefs), or None: `op` must be a
    multiply-accumulate of f32 memrefs whose indexing maps make it a matrix product C[m, n] +=
    A[m, k] B[k, n], where each of m, n, k may be several loop dims that collapse into one and
    every other (batch) dim has extent 1."""
    if len(op.operands) != 3 or len(op.results) != 0:
        return None
    types = [op.operands[i].type for i in range(3)]
    if not all(isinstance(t, ir.MemRefType) for t in types):
        return None
    mts = [ir.MemRefType(t) for t in types]
    if any(str(t.element_type) != "f32" for t in mts) or not _is_mul_add(op):
        return None
    maps = _maps(op)
    if maps is None or len(maps) != 3:
        return None
    found = [_dims(m) for m in maps]
    if any(d is None for d in found):
        return None
    da, db, dc = (d for d in found if d is not None)
    extent: dict[int, int] = {}
    for t, d in zip(mts, (da, db, dc), strict=True):
        for pos, loop in enumerate(d):
            extent[loop] = int(t.shape[pos])
    # unit dims (the batch dims the schedule tiled to 1) take no part
    loops = [d for d in range(maps[0].n_dims) if extent.get(d) != 1]
    k = [d for d in loops if d in da and d in db and d not in dc]
    m = [d for d in loops if d in da and d in dc and d not in db]
    n = [d for d in loops if d in db and d in dc and d not in da]
    if len(k) + len(m) + len(n) != len(loops):
        return None
    roles = []
    for t, d, (g0, g1) in zip(mts, (da, db, dc), ((m, k), (k, n), (m, n)), strict=True):
        r0, r1 = _role(t, d, g0), _role(t, d, g1)
        if r0 is None or r1 is None:
            return None
        roles.append(Operand((r0, r1)))
    sizes = [math.prod(extent[d] for d in g) for g in (m, n, k)]
    flops = 2 * math.prod(sizes) if all(extent[d] >= 0 for d in loops) else None
    return Plan(roles[0], roles[1], roles[2], flops)


def _identity(t: ir.MemRefType) -> bool:
    layout = t.layout
    return (
        isinstance(layout, ir.AffineMapAttr)
        and layout.value.is_permutation
        and str(layout.value) == str(ir.AffineMap.get_identity(t.rank))
    )


def conv_ok(op: ir.Operation) -> bool:
    """Whether `op` is an f32 `linalg.conv_2d_nchw_fchw` on memrefs the library can read: unit
    w stride of the image, weights contiguous per output channel, output planes contiguous
    (identity layouts, or static strides that say so)."""
    if op.name != "linalg.conv_2d_nchw_fchw" or len(op.operands) != 3:
        return False
    types = [op.operands[i].type for i in range(3)]
    if not all(isinstance(t, ir.MemRefType) for t in types):
        return False
    x, w, y = (ir.MemRefType(t) for t in types)
    if any(str(t.element_type) != "f32" for t in (x, w, y)):
        return False
    xs, _ = x.get_strides_and_offset()
    ws, _ = w.get_strides_and_offset()
    ys, _ = y.get_strides_and_offset()
    wshape, yshape = list(w.shape), list(y.shape)
    if xs[3] != 1 or ys[3] != 1:
        return False
    if not _identity(y) and (yshape[3] < 0 or ys[2] != yshape[3]):
        return False
    if not _identity(w):
        if any(d < 0 for d in wshape[2:]):
            return False
        if ws[1:] != [wshape[2] * wshape[3], wshape[3], 1]:
            return False
    return True


def _i64(v: ir.Value) -> ir.Value:
    return arith.index_cast(ir.IntegerType.get_signless(64), v)


def _c(n: int) -> ir.Value:
    return arith.constant(ir.IntegerType.get_signless(64), n)


def _operand(v: ir.Value, how: Operand) -> tuple[ir.Value, list[ir.Value], list[ir.Value]]:
    """(address of element 0, [extent, extent], [stride, stride]) of memref `v` as i64
    values, per role of `how`."""
    addr, sizes, strides = _metadata(v)
    extents, steps = [], []
    for role in how.roles:
        if isinstance(role, int):
            extents.append(sizes[role])
            steps.append(strides[role])
        else:
            extents.append(_c(role[0]))
            steps.append(_c(role[1]))
    return addr, extents, steps


def _declare(module: ir.Operation, name: str, n_args: int) -> None:
    symbols = ir.SymbolTable(module)
    if name in symbols:
        return
    i64 = ir.IntegerType.get_signless(64)
    with ir.InsertionPoint.at_block_begin(module.regions[0].blocks[0]):
        f = func.FuncOp(name, ir.FunctionType.get([i64] * n_args, []))
        f.attributes["sym_visibility"] = ir.StringAttr.get("private")


def _replace(op: ir.Operation, plan: Plan, fn: str, isa: str, target: Machine) -> None:
    a, b, c = op.operands[0], op.operands[1], op.operands[2]
    with ir.InsertionPoint(op), op.location:
        pa, ea, sa = _operand(a, plan.a)
        pb, _, sb = _operand(b, plan.b)
        pc, ec, sc = _operand(c, plan.c)
        static = [_static_extent(c, plan.c.roles[0]), _static_extent(c, plan.c.roles[1]),
                  _static_extent(a, plan.a.roles[1])]  # fmt: skip
        kc, nc = blocks(isa, target, static[2], static[1])
        ws_n = workspace_floats(isa, kc, nc)
        ws = memref.alloc(ir.MemRefType.get([ws_n], ir.F32Type.get()), [], [], alignment=64)
        pws = _i64(memref.extract_aligned_pointer_as_index(ws))
        args = [ec[0], ec[1], ea[1], pa, *sa, pb, *sb, pc, *sc, _c(kc), _c(nc), pws, _c(ws_n)]
        call = func.CallOp([], fn, args)
        if plan.flops is not None:
            call.attributes[FLOPS_ATTR] = ir.IntegerAttr.get(
                ir.IntegerType.get_signless(64), plan.flops
            )
        memref.dealloc(ws)
    op.erase()


def _metadata(v: ir.Value) -> tuple[ir.Value, list[ir.Value], list[ir.Value]]:
    """(address of element 0, sizes, strides) of memref `v`, as i64 values."""
    rank = ir.MemRefType(v.type).rank
    meta = memref.ExtractStridedMetadataOp(v)
    base = memref.extract_aligned_pointer_as_index(v)
    four = arith.constant(ir.IndexType.get(), 4)
    addr = _i64(arith.addi(base, arith.muli(meta.results[1], four)))
    sizes = [_i64(r) for r in list(meta.results[2 : 2 + rank])]
    strides = [_i64(r) for r in list(meta.results[2 + rank : 2 + 2 * rank])]
    return addr, sizes, strides


CONV_ARGS = 24


def _replace_conv(op: ir.Operation, fn: str, isa: str, target: Machine) -> None:
    x, w, y = op.operands[0], op.operands[1], op.operands[2]
    sh, sw = schedules.int_list(op, "strides")
    dh, dw = schedules.int_list(op, "dilations")
    wshape, yshape = list(ir.MemRefType(w.type).shape), list(ir.MemRefType(y.type).shape)
    k = math.prod(wshape[1:]) if all(d >= 0 for d in wshape[1:]) else None
    cols = yshape[2] * yshape[3] if yshape[2] >= 0 and yshape[3] >= 0 else None
    with ir.InsertionPoint(op), op.location:
        px, sx, tx = _metadata(x)
        pw, sw_, tw = _metadata(w)
        py, sy, ty = _metadata(y)
        kc, nc = blocks(isa, target, k, cols)
        ws_n = workspace_floats(isa, kc, nc)
        ws = memref.alloc(ir.MemRefType.get([ws_n], ir.F32Type.get()), [], [], alignment=64)
        pws = _i64(memref.extract_aligned_pointer_as_index(ws))
        args = [
            sy[0], sx[1], sy[1], sw_[2], sw_[3], sy[2], sy[3],
            _c(sh), _c(sw), _c(dh), _c(dw),
            px, tx[0], tx[1], tx[2],
            pw, tw[0],
            py, ty[0], ty[1],
            _c(kc), _c(nc), pws, _c(ws_n),
        ]  # fmt: skip
        assert len(args) == CONV_ARGS
        call = func.CallOp([], fn, args)
        shape = [*yshape, *wshape[1:]]
        if all(d >= 0 for d in shape):
            call.attributes[FLOPS_ATTR] = ir.IntegerAttr.get(
                ir.IntegerType.get_signless(64), 2 * math.prod(shape)
            )
        memref.dealloc(ws)
    op.erase()


def _static_extent(v: ir.Value, role: int | tuple[int, int]) -> int | None:
    if not isinstance(role, int):
        return role[0]
    d = int(ir.MemRefType(v.type).shape[role])
    return d if d >= 0 else None


@register_pass
@dataclass
class UkernelCallsPass(ModulePass):
    """Replace every linalg op on memrefs that is an f32 matrix product (`plan_of`) with a
    micro-kernel call (the `default` schedule leaves its contractions in that form: batch
    dims tiled to 1, split among threads)."""

    name: ClassVar[str] = "strata-cpu-ukernel-calls"
    mcpu: str = "native"

    def run(self, module: ir.Operation) -> None:
        target = machine.describe(self.mcpu)
        isa = isa_of(target)
        if isa is None:
            return
        fn, conv_fn = PREFIX + isa, CONV_PREFIX + isa
        found: list[tuple[ir.Operation, Plan]] = []
        convs: list[ir.Operation] = []

        def visit(op: ir.Operation) -> ir.WalkResult:
            if op.name == "linalg.conv_2d_nchw_fchw":
                if conv_ok(op):
                    convs.append(op)
            elif op.name.startswith("linalg."):
                plan = plan_of(op)
                if plan is not None:
                    found.append((op, plan))
            return ir.WalkResult.ADVANCE

        with module.context, ir.Location.unknown():
            module.walk(visit)
            if found:
                _declare(module, fn, 16)
            if convs:
                _declare(module, conv_fn, CONV_ARGS)
            for op, plan in found:
                _replace(op, plan, fn, isa, target)
            for op in convs:
                _replace_conv(op, conv_fn, isa, target)
