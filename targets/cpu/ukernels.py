"""Micro-kernel calls: f32 contractions that the C library computes instead of generated loops.

The library (`targets/cpu/runtime/sgemm_impl.h`, built by CMake into `libstrata_kernels.a`
beside the `strata._runtime` module) exports four functions per instruction set:
`strata_sgemm_<isa>(m, n, k, A, rsA, csA, B, rsB, csB, C, rsC, csC, kc, nc, ws, ws_floats,
<epilogue>)`, C[m, n] (+)= A[m, k] B[k, n] for any element strides;
`strata_sgemm_packed_<isa>(m, n, k, A, rsA, csA, Bp, C, rsC, csC, kc, nc, <epilogue>)`, the
same over a B packed at compile time (a weight: `prepack_plan`, `weights.pack_b`);
`strata_conv2d_<isa>`, an
NCHW / FCHW convolution on a padded image whose im2col matrix is packed from the image
directly; and `strata_dwconv2d_<isa>`, a depthwise NCHW convolution. The first two are
blocked for the caches by `kc` x `nc`, with a workspace for the packed blocks of B. The
epilogue arguments (beta, bias, residual and its strides, clamp, lo, hi) let a call write its
output without reading it and add a bias and a residual and clamp while the result is still
in registers. Every argument is an i64 (pointers too) but lo / hi (f32), so the call needs no
memref calling convention and works under the bare-pointer one.

The `default` schedule (schedules.py) splits the ops it leaves to the library among threads,
tiles a matmul's batch dims to 1 and tags them `strata.ukernel` (which keeps the loop
interchange off them); `guard_inputs` keeps elementwise fusion from folding producers into
them. After bufferization, before kernel outlining, `strata-cpu-ukernel-calls` replaces every
f32 matrix product (`plan_of`), NCHW convolution (`conv_ok`) and tagged depthwise convolution
(`dw_ok`) on memrefs with a call: it reads the operands' strides and offsets
(`memref.extract_strided_metadata`), allocates the workspace from the model's buffer pool and
passes cache blocks derived from the target (`blocks`). `fusion_of` finds the fill before the
op and the elementwise op after it that the call's epilogue can take over; they are erased.
A call at the top of a function sits in an `scf.execute_region`, so outlining makes it (with
its metadata reads and workspace) one kernel. Any other op stays a loop nest.

Which library variant a machine gets (`isa_of`): AVX-512F -> `avx512` (14 x 32 register
tile), AVX2 + FMA -> `avx2` (6 x 16); older ISAs get no micro-kernels (the `tiled` schedule).

Dependency contract: the `mlir` bindings, `strata.passes.registry`, `strata.targets.cpu.machine`
and `.schedules` (attribute reading only), `strata.errors`.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from mlir import ir
from mlir.dialects import arith, func, memref, tensor

from strata.errors import CompilationError
from strata.passes.registry import ModulePass, register_pass
from strata.targets.cpu import machine, schedules
from strata.targets.cpu.machine import Machine

if TYPE_CHECKING:
    from strata.targets.cpu import tuner

# On the contractions the `default` schedule gives the library (keeps other passes off them).
TAG = "strata.ukernel"
PREFIX = "strata_sgemm_"
PACKED_PREFIX = "strata_sgemm_packed_"
# on a product the threads split by columns: each part's width (schedules.ukernel_op)
COLUMNS = "strata.columns"
# on the module: the weights whose uses all became calls of strata_sgemm_packed_<isa>, each
# with how the compiler must pack it (PackedB.to_attr)
PACKED_WEIGHTS_ATTR = "strata.packed_weights"
WEIGHT_ATTR = "nn.weight"  # the entry argument attribute of a weight (passes.WEIGHT_ATTR)
CONV_PREFIX = "strata_conv2d_"
DW_PREFIX = "strata_dwconv2d_"
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
            and ir.StringAttr(op.attributes["sym_name"]).value.startswith(
                (PREFIX, PACKED_PREFIX, CONV_PREFIX, DW_PREFIX)
            )
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


def library_anchor(op: ir.Operation) -> ir.Operation:
    """What stands for tagged op `op` among its function's ops on tensors: its outermost
    enclosing scf.forall (the threads' split), else `op` itself."""
    anchor, parent = op, op.parent
    while parent is not None and parent.name != "func.func":
        if parent.name == "scf.forall":
            anchor = parent
        parent = parent.parent
    return anchor


def separate_depthwise_outputs(module: ir.Operation) -> None:
    """Give each tagged depthwise convolution's output its own `tensor.empty`: its init (a
    bias broadcast or a zero fill into an empty tensor) then bufferizes into a fresh buffer.
    A `tensor.empty` shared with the ops before it lets bufferization put the output in the
    buffer of the image, whose last reader is the copy into the padded buffer; the call,
    which reads the image itself instead of that copy (`pad_of`), would then overwrite its
    own input."""
    found: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name == "linalg.depthwise_conv_2d_nchw_chw" and TAG in op.attributes:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit)
    for op in found:
        anchor = library_anchor(op)
        init = anchor.operands[len(anchor.operands) - 1] if anchor != op else op.operands[2]
        # the init before it, and the elementwise ops after it (the epilogue its call takes)
        linalg_ops = [] if isinstance(init.owner, ir.Block) else [init.owner.operation]
        for r in anchor.results:
            for use in r.uses:
                linalg_ops.append(use.owner.operation if hasattr(use.owner, "operation")
                                  else use.owner)  # fmt: skip
        for other in linalg_ops:
            if other.name.startswith("linalg.") and len(other.results) == 1:
                _own_empty(other)


def _own_empty(op: ir.Operation) -> None:
    """Make linalg `op` write into a `tensor.empty` of its own when its destination is one
    that other ops share."""
    dest = op.operands[len(op.operands) - 1]
    empty = dest.owner
    if isinstance(empty, ir.Block) or empty.operation.name != "tensor.empty":
        return
    if len(list(dest.uses)) < 2 or list(empty.operation.operands):
        return
    t = ir.RankedTensorType(dest.type)
    with ir.InsertionPoint(op), op.location:
        fresh = tensor.EmptyOp(list(t.shape), t.element_type)
    op.operands[len(op.operands) - 1] = fresh.result


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


def _conv_layout_ok(op: ir.Operation, name: str) -> bool:
    """Whether `op` is an f32 `name` convolution (image, weights, output) on memrefs the
    library can read: unit w stride of the image, each output channel's weights contiguous,
    output planes contiguous (identity layouts, or static strides that say so)."""
    if op.name != name or len(op.operands) != 3:
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
    if _identity(w):
        return True
    inner = wshape[1:]  # (c, kh, kw) per output channel, or (kh, kw) per depthwise channel
    if any(d < 0 for d in inner[1:]):
        return False
    return ws[1:] == [math.prod(inner[k + 1 :]) for k in range(len(inner))]


def conv_ok(op: ir.Operation) -> bool:
    """An f32 `linalg.conv_2d_nchw_fchw` the library can read (`_conv_layout_ok`)."""
    return _conv_layout_ok(op, "linalg.conv_2d_nchw_fchw")


def dw_ok(op: ir.Operation) -> bool:
    """An f32 `linalg.depthwise_conv_2d_nchw_chw` the library can read (`_conv_layout_ok`)."""
    return _conv_layout_ok(op, "linalg.depthwise_conv_2d_nchw_chw")


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


def _declare(module: ir.Operation, name: str, n_ints: int) -> None:
    """Declare library function `name`: `n_ints` i64 arguments, then the clamp's two f32."""
    symbols = ir.SymbolTable(module)
    if name in symbols:
        return
    i64, f32 = ir.IntegerType.get_signless(64), ir.F32Type.get()
    with ir.InsertionPoint.at_block_begin(module.regions[0].blocks[0]):
        f = func.FuncOp(name, ir.FunctionType.get([i64] * n_ints + [f32, f32], []))
        f.attributes["sym_visibility"] = ir.StringAttr.get("private")


def _f32(x: float) -> ir.Value:
    return arith.constant(ir.F32Type.get(), x)


def _epilogue_args(
    f: Fusion | None, roles: tuple[int | tuple[int, int], int | tuple[int, int]] | None
) -> tuple[list[ir.Value], ir.Value | None]:
    """The trailing arguments the fusion `f` gives a call (beta, bias, [bias_rows,] res,
    res strides, clamp, lo, hi; `roles`: the matmul's C roles, None for a convolution), and
    the pointer of the call's first bias element."""
    zero, one = _c(0), _c(1)
    if f is None:
        tail = [one, zero] + ([zero] if roles is not None else []) + [zero, zero, zero]
        return [*tail, zero, _f32(0.0), _f32(0.0)], None
    bias_ptr: ir.Value | None = None
    if f.bias is not None:
        addr, _, _ = _metadata(f.bias)
        off = _slice_offset(f.slice, f.bias_dim)
        bias_ptr = addr if off is None else arith.addi(addr, arith.muli(off, _c(4)))
    args = [_c(f.beta), bias_ptr if bias_ptr is not None else zero]
    if roles is not None:
        args.append(_c(1 if f.bias_rows else 0))
    if f.res is not None:
        res = _sliced(f.res, f.slice)
        raddr, _, rstrides = _metadata(res)
        if roles is None:  # a convolution: n and f strides
            args += [raddr, rstrides[0], rstrides[1]]
        else:
            _, _, steps = _operand(res, Operand(roles))
            args += [raddr, *steps]
    else:
        args += [zero, zero, zero]
    if f.clamp is not None:
        args += [one, _f32(f.clamp[0]), _f32(f.clamp[1])]
    else:
        args += [zero, _f32(0.0), _f32(0.0)]
    return args, bias_ptr


def _replace(
    op: ir.Operation,
    plan: Plan,
    fn: str,
    isa: str,
    target: Machine,
    f: Fusion | None,
    chosen: tuple[int, int] | None = None,
    packed: PackedB | None = None,
) -> None:
    a, b, c = op.operands[0], op.operands[1], op.operands[2]
    with _call_site(op, f), _location(op, f):
        if f is not None and f.out is not None:
            c = _sliced(f.out, f.slice)
        pa, ea, sa = _operand(a, plan.a)
        pc, ec, sc = _operand(c, plan.c)
        if packed is not None:
            tail, _ = _epilogue_args(f, plan.c.roles)
            pb = _packed_pointer(b, packed)
            args = [ec[0], ec[1], ea[1], pa, *sa, pb, pc, *sc, _c(packed.kc), _c(packed.nc)]
            call = func.CallOp([], PACKED_PREFIX + isa, [*args, *tail])
            _flops(call.operation, op, f, plan.flops)
            _finish(op, f)
            return
        pb, _, sb = _operand(b, plan.b)
        static = [_static_extent(c, plan.c.roles[0]), _static_extent(c, plan.c.roles[1]),
                  _static_extent(a, plan.a.roles[1])]  # fmt: skip
        kc, nc = chosen or blocks(isa, target, static[2], static[1])
        ws_n = workspace_floats(isa, kc, nc)
        ws = memref.alloc(ir.MemRefType.get([ws_n], ir.F32Type.get()), [], [], alignment=64)
        pws = _i64(memref.extract_aligned_pointer_as_index(ws))
        tail, _ = _epilogue_args(f, plan.c.roles)
        args = [ec[0], ec[1], ea[1], pa, *sa, pb, *sb, pc, *sc, _c(kc), _c(nc), pws, _c(ws_n)]
        call = func.CallOp([], fn, [*args, *tail])
        _flops(call.operation, op, f, plan.flops)
        memref.dealloc(ws)
    _finish(op, f)


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


CONV_ARGS = 30  # i64 arguments of strata_conv2d_<isa>, then lo and hi (f32)
DW_ARGS = 29  # i64 arguments of strata_dwconv2d_<isa>, then lo and hi (f32)
SGEMM_ARGS = 23  # i64 arguments of strata_sgemm_<isa>, then lo and hi (f32)
PACKED_ARGS = 19  # i64 arguments of strata_sgemm_packed_<isa>, then lo and hi (f32)


def _replace_conv(
    op: ir.Operation,
    fn: str,
    isa: str,
    target: Machine,
    f: Fusion | None,
    chosen: tuple[int, int] | None = None,
) -> None:
    x, w, y = op.operands[0], op.operands[1], op.operands[2]
    sh, sw = schedules.int_list(op, "strides")
    dh, dw = schedules.int_list(op, "dilations")
    wshape, yshape = list(ir.MemRefType(w.type).shape), list(ir.MemRefType(y.type).shape)
    k = math.prod(wshape[1:]) if all(d >= 0 for d in wshape[1:]) else None
    cols = yshape[2] * yshape[3] if yshape[2] >= 0 and yshape[3] >= 0 else None
    with _call_site(op, f), _location(op, f):
        if f is not None and f.out is not None:
            y = _sliced(f.out, f.slice)
        px, sx, tx = _metadata(x)
        pw, sw_, tw = _metadata(w)
        py, sy, ty = _metadata(y)
        kc, nc = chosen or blocks(isa, target, k, cols)
        ws_n = workspace_floats(isa, kc, nc)
        ws = memref.alloc(ir.MemRefType.get([ws_n], ir.F32Type.get()), [], [], alignment=64)
        pws = _i64(memref.extract_aligned_pointer_as_index(ws))
        tail, _ = _epilogue_args(f, None)
        args = [
            sy[0], sx[1], sy[1], sw_[2], sw_[3], sy[2], sy[3],
            _c(sh), _c(sw), _c(dh), _c(dw),
            px, tx[0], tx[1], tx[2],
            pw, tw[0],
            py, ty[0], ty[1],
            _c(kc), _c(nc), pws, _c(ws_n),
            *tail,
        ]  # fmt: skip
        assert len(args) == CONV_ARGS + 2
        call = func.CallOp([], fn, args)
        shape = [*yshape, *wshape[1:]]
        _flops(call.operation, op, f, 2 * math.prod(shape) if all(d >= 0 for d in shape) else None)
        memref.dealloc(ws)
    _finish(op, f)


@dataclass
class Pad:
    """A depthwise convolution's zero padding that its call takes over: the image `x` (not
    padded), the padding (top, left), the ops that built the padded buffer (erased), and the
    offsets of the slice the convolution reads of it (inside a forall; None: whole)."""

    x: ir.Value
    top: int
    left: int
    doomed: list[ir.Operation]
    slice: ir.Operation | None
    # the image's deallocation, between the copy and the convolution: moved after the call
    # (which reads the image instead of the padded copy)
    deallocs: list[ir.Operation] = field(default_factory=list)


def _root(v: ir.Value) -> ir.Value:
    while not isinstance(v.owner, ir.Block) and v.owner.operation.name in _VIEWS:
        v = v.owner.operation.operands[0]
    return v


def pad_of(op: ir.Operation, f: Fusion | None) -> Pad | None:
    """The zero padding before depthwise convolution `op` when the library can apply it
    instead: the padded buffer P is an allocation filled with zeros, then the image X copied
    into its interior, and read by nothing but `op`; X is neither written between the copy
    and `op` nor `op`'s output (buffers are reused)."""
    xv = op.operands[0]
    sl: ir.Operation | None = None
    owner = xv.owner
    if f is not None and f.slice is not None:
        if isinstance(owner, ir.Block) or owner.operation.name != "memref.subview":
            return None
        sl = owner.operation
        view = sl.opview
        assert isinstance(view, memref.SubViewOp)
        if list(view.static_offsets)[2:] != [0, 0] or list(view.static_strides) != [1] * 4:
            return None
        xv = sl.operands[0]
        owner = xv.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "memref.alloc":
        return None
    alloc = owner.operation
    anchor = f.anchor if f is not None else op
    fill = copy = interior = None
    for use in xv.uses:
        user = use.owner.operation if hasattr(use.owner, "operation") else use.owner
        if user == op or (sl is not None and user == sl) or user.name == "memref.dealloc":
            continue
        if user.name in ("linalg.map", "linalg.fill") and fill is None:
            fill = user
        elif user.name == "memref.subview" and interior is None:
            interior = user
        else:
            return None
    if fill is None or interior is None:
        return None
    zero = _const(fill.operands[0]) if fill.name == "linalg.fill" else None
    if fill.name == "linalg.map":
        ops = [o.operation for o in fill.regions[0].blocks[0].operations]
        zero = _const(ops[0].operands[0]) if [o.name for o in ops] == ["linalg.yield"] else None
    if zero != 0.0 or len(fill.operands) != (2 if fill.name == "linalg.fill" else 1):
        return None
    view = interior.opview
    assert isinstance(view, memref.SubViewOp)
    offsets = list(view.static_offsets)
    if _DYN in offsets or offsets[:2] != [0, 0] or list(view.static_strides) != [1] * 4:
        return None
    uses = [
        u.owner.operation if hasattr(u.owner, "operation") else u.owner
        for u in interior.result.uses
    ]
    if len(uses) != 1 or uses[0].name != "linalg.copy" or uses[0].operands[1] != interior.result:
        return None
    copy = uses[0]
    image = copy.operands[0]
    if image.type != interior.result.type and list(ir.MemRefType(image.type).shape) != list(
        ir.MemRefType(interior.result.type).shape
    ):
        return None
    ops = _block_ops(anchor)
    if copy not in ops or alloc not in ops or fill not in ops:
        return None
    i_copy, i_anchor = ops.index(copy), ops.index(anchor)
    if not (ops.index(fill) < i_copy < i_anchor):
        return None
    # nothing between the copy and the convolution may touch the image's buffer, and the
    # convolution's output must be another buffer
    img = _root(image)
    views, _ = _views_of(img)
    between = set(ops[i_copy + 1 : i_anchor])
    deallocs: list[ir.Operation] = []
    for v in views:
        for use in v.uses:
            user = use.owner.operation if hasattr(use.owner, "operation") else use.owner
            top = user
            while top not in between and top.parent is not None and top not in ops:
                top = top.parent
            if top in between and user.name == "memref.dealloc" and user == top and v == img:
                deallocs.append(user)  # the image dies after its copy: it will live longer
            elif top in between and user.name not in _VIEWS:
                return None
    outs = [op.operands[2]] + ([f.out] if f is not None and f.out is not None else [])
    if f is not None:
        outs.append(f.t)
    if any(_root(v) == img for v in outs):
        return None
    return Pad(image, offsets[2], offsets[3], [copy, interior, fill], sl, deallocs)


def _replace_dw(op: ir.Operation, fn: str, f: Fusion | None, pad: Pad | None) -> None:
    x, w, y = op.operands[0], op.operands[1], op.operands[2]
    sh, sw = schedules.int_list(op, "strides")
    dh, dw = schedules.int_list(op, "dilations")
    wshape, yshape = list(ir.MemRefType(w.type).shape), list(ir.MemRefType(y.type).shape)
    with _call_site(op, f), _location(op, f):
        if f is not None and f.out is not None:
            y = _sliced(f.out, f.slice)
        if pad is None:
            px, sx, tx = _metadata(x)
            image = [sx[2], sx[3], _c(0), _c(0)]
        else:
            px, sx, tx = _metadata(pad.x)
            # the slice's image and channel offsets (n, c) apply to the unpadded image
            for dim in (0, 1):
                off = _slice_offset(pad.slice, dim)
                if off is not None:
                    px = arith.addi(px, arith.muli(arith.muli(off, tx[dim]), _c(4)))
            image = [sx[2], sx[3], _c(pad.top), _c(pad.left)]
        pw, sw_, tw = _metadata(w)
        py, sy, ty = _metadata(y)
        tail, _ = _epilogue_args(f, None)
        args = [
            sy[0], sy[1], sw_[1], sw_[2], sy[2], sy[3],
            _c(sh), _c(sw), _c(dh), _c(dw),
            px, tx[0], tx[1], tx[2], *image,
            pw, tw[0],
            py, ty[0], ty[1],
            *tail,
        ]  # fmt: skip
        assert len(args) == DW_ARGS + 2
        call = func.CallOp([], fn, args)
        shape = [*yshape, *wshape[1:]]
        _flops(call.operation, op, f, 2 * math.prod(shape) if all(d >= 0 for d in shape) else None)
    _finish(op, f)
    if pad is not None:
        for d in pad.doomed:
            d.erase()
        for d in pad.deallocs:
            top = call.operation
            while top.block != d.block:
                assert top.parent is not None
                top = top.parent
            d.move_after(top)


# ---- epilogue fusion --------------------------------------------------------------------------
#
# After bufferization a contraction the library computes sits between the op that fills its
# output T (a zero fill, or a bias broadcast) and, often, an elementwise op that reads T and
# writes T or another buffer D of T's type (ReLU / ReLU6, a residual add, a bias add):
#
#     prologue(T)
#     [scf.forall {] contraction(..., T or a subview of it) [}]
#     epilogue(T, R...) -> T or D
#
# Both are folded into the call (the library's beta / bias / residual / clamp arguments) and
# erased, which saves a pass over T for each. Only ops that cannot touch memory (views,
# allocations, constants) may stand between them.

_TRANSPARENT = frozenset(
    {
        "arith.constant",
        "memref.alloc",
        "memref.subview",
        "memref.expand_shape",
        "memref.collapse_shape",
        "memref.cast",
        "memref.reinterpret_cast",
        "memref.get_global",
    }
)
# inside the forall of a split contraction, around the one contraction
_SLICING = frozenset(
    {"arith.constant", "affine.apply", "affine.min", "affine.max", "memref.subview",
     "scf.forall.in_parallel"}
)  # fmt: skip


@dataclass
class Fusion:
    """What a contraction's call takes over from the ops around it."""

    anchor: ir.Operation  # the contraction, or the scf.forall that splits it among threads
    t: ir.Value  # the buffer the contraction writes (whole, outside the forall)
    slice: ir.Operation | None  # inside the forall: the subview of t the contraction writes
    doomed: list[ir.Operation]  # the prologue / epilogue ops the call replaces
    beta: int = 1  # 0: the prologue is gone, t's initial value is never read
    bias: ir.Value | None = None  # 1-D memref along t's dim bias_dim
    bias_dim: int = 0
    bias_rows: bool | None = True  # along C's rows or columns (matmuls: from the C roles)
    res: ir.Value | None = None  # residual, of t's type
    out: ir.Value | None = None  # the epilogue's destination when it is not t (t's type)
    clamp: tuple[float, float] | None = None
    epi_ops: int = 0  # float ops per element of the fused elementwise op


def _block_ops(op: ir.Operation) -> list[ir.Operation]:
    return [o.operation for o in op.operation.block.operations]


def _neighbour(op: ir.Operation, step: int) -> ir.Operation | None:
    """The first op before (step -1) / after (+1) `op` in its block that is not transparent."""
    ops = _block_ops(op)
    i = ops.index(op) + step
    while 0 <= i < len(ops) and ops[i].name in _TRANSPARENT:
        i += step
    return ops[i] if 0 <= i < len(ops) else None


def _before(v: ir.Value, anchor: ir.Operation) -> bool:
    """Whether value `v` is available at `anchor` (a block argument of an enclosing block, or
    the result of an op before `anchor` in its block)."""
    owner = v.owner
    if isinstance(owner, ir.Block):
        parent = anchor.parent
        while parent is not None:
            if any(owner == blk for reg in parent.regions for blk in reg.blocks):
                return True
            parent = parent.parent
        return False
    producer = owner.operation
    ops = _block_ops(anchor)
    return producer in ops and ops.index(producer) < ops.index(anchor)


def _const(v: ir.Value) -> float | None:
    owner = v.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "arith.constant":
        return None
    attr = owner.operation.attributes["value"]
    return ir.FloatAttr(attr).value if isinstance(attr, ir.FloatAttr) else None


def _parallel_identity(op: ir.Operation, rank: int) -> bool:
    if op.name != "linalg.generic":
        return False
    iters = [str(a) for a in ir.ArrayAttr(op.attributes["iterator_types"])]
    return all("parallel" in i for i in iters) and len(iters) == rank


def _single_dim(m: ir.AffineMap) -> int | None:
    d = _dims(m)
    return d[0] if d is not None and len(d) == 1 else None


def _prologue(op: ir.Operation, t: ir.Value, f: Fusion) -> None:
    """Fold the op before the anchor when it fills all of t with zeros (linalg.fill /
    linalg.map of 0.0) or broadcasts a bias along one of its dims (linalg.broadcast, or the
    generic form the importer's lowering gives)."""
    pro = _neighbour(f.anchor, -1)
    if pro is None or len(pro.operands) == 0 or pro.operands[len(pro.operands) - 1] != t:
        return
    rank = ir.MemRefType(t.type).rank
    if pro.name == "linalg.fill":
        if _const(pro.operands[0]) == 0.0:
            f.beta, f.doomed = 0, [*f.doomed, pro]
        return
    if pro.name == "linalg.broadcast":
        bias = pro.operands[0]
        dropped = list(ir.DenseI64ArrayAttr(pro.attributes["dimensions"]))
        kept = [d for d in range(rank) if d not in dropped]
        if ir.MemRefType(bias.type).rank == 1 and len(kept) == 1 and _before(bias, f.anchor):
            f.beta, f.bias, f.bias_dim, f.doomed = 0, bias, kept[0], [*f.doomed, pro]
        return
    body = pro.regions[0].blocks[0] if pro.regions else None
    if body is None:
        return
    ops = [o.operation for o in body.operations]
    if pro.name == "linalg.map" and len(pro.operands) == 1:
        if [o.name for o in ops] == ["linalg.yield"] and _const(ops[0].operands[0]) == 0.0:
            f.beta, f.doomed = 0, [*f.doomed, pro]
        return
    if not _parallel_identity(pro, rank) or len(pro.operands) != 2:
        return
    maps = _maps(pro)
    if maps is None or maps[1] != ir.AffineMap.get_identity(rank):
        return
    dim = _single_dim(maps[0])
    bias = pro.operands[0]
    if (
        dim is None
        or ir.MemRefType(bias.type).rank != 1
        or [o.name for o in ops] != ["linalg.yield"]
        or ops[0].operands[0] != body.arguments[0]
        or not _before(bias, f.anchor)
    ):
        return
    f.beta, f.bias, f.bias_dim, f.doomed = 0, bias, dim, [*f.doomed, pro]


def _epilogue(op: ir.Operation, t: ir.Value, f: Fusion) -> None:
    """Fold the elementwise op after the anchor when it is (t [+ bias] [+ R]) clamped or not,
    written to t or to a buffer of t's type that nothing else needs t for afterwards."""
    epi = _neighbour(f.anchor, 1)
    rank = ir.MemRefType(t.type).rank
    if epi is None or not _parallel_identity(epi, rank) or len(epi.results) != 0:
        return
    maps = _maps(epi)
    n_in = len(epi.operands) - 1
    if maps is None or n_in < 1 or len(epi.regions[0].blocks) != 1:
        return
    ident = ir.AffineMap.get_identity(rank)
    out = epi.operands[n_in]
    if maps[n_in] != ident or out.type != t.type:
        return
    ins = list(epi.operands)[:n_in]
    if ins.count(t) != 1 or maps[ins.index(t)] != ident:
        return
    body = epi.regions[0].blocks[0]
    args = list(body.arguments)
    ops = [o.operation for o in body.operations]
    cur = args[ins.index(t)]
    bias, bias_dim, res = f.bias, f.bias_dim, None
    i = 0
    while i < len(ops) and ops[i].name == "arith.addf":
        x, y = ops[i].operands
        other = y if x == cur else x if y == cur else None
        if other is None or other not in args[:n_in] or other == cur:
            return
        j = args.index(other)
        v, m = ins[j], maps[j]
        along = _single_dim(m)
        if (
            m == ident
            and v.type == t.type
            and res is None
            and _root(v) not in (_root(t), _root(out))
        ):
            res = v  # (a residual in t's own buffer would be read after the call overwrote it)
        elif bias is None and along is not None and ir.MemRefType(v.type).rank == 1:
            bias, bias_dim = v, along
        else:
            return
        if not _before(v, f.anchor):
            return
        cur = ops[i].results[0]
        i += 1
    # a chain of max(x, c) / min(x, c) is a clamp to its image of the reals
    lo, hi = -math.inf, math.inf
    clamped = False
    while i < len(ops) and ops[i].name in ("arith.maximumf", "arith.minimumf"):
        x, y = ops[i].operands
        c = _const(y) if x == cur else _const(x) if y == cur else None
        if c is None:
            return
        pick = max if ops[i].name == "arith.maximumf" else min
        lo, hi = pick(lo, c), pick(hi, c)
        clamped = True
        cur = ops[i].results[0]
        i += 1
    if i != len(ops) - 1 or ops[i].name != "linalg.yield" or ops[i].operands[0] != cur:
        return
    if args[n_in] in [o for op_ in ops for o in op_.operands]:
        return  # the body reads the destination's old value
    if out != t:
        if f.beta != 0 or not _dead_after(t, f, epi):
            return
        if not _before(out, f.anchor):
            producer = out.owner
            if (
                isinstance(producer, ir.Block)
                or producer.operation.name != "memref.alloc"
                or len(producer.operation.operands) != 0  # dynamic sizes computed here
            ):
                return
            producer.operation.move_before(f.anchor)
        f.out = out
    f.bias, f.bias_dim, f.res = bias, bias_dim, res
    f.clamp = (lo, hi) if clamped else None
    f.epi_ops = len(ops) - 1
    f.doomed = [*f.doomed, epi]


_VIEWS = ("memref.subview", "memref.expand_shape", "memref.collapse_shape", "memref.cast",
          "memref.reinterpret_cast")  # fmt: skip


def _dead_after(t: ir.Value, f: Fusion, epi: ir.Operation) -> bool:
    """Whether the value the contraction leaves in t is needed by nothing but the epilogue:
    after the epilogue, t's buffer (its allocation, through any views) is next used by its
    deallocation or by an op that overwrites all of it without reading it (buffers are
    reused, so later live ranges of the same allocation do not count). Then the call may
    write the epilogue's destination instead of t."""
    root = t
    while not isinstance(root.owner, ir.Block) and root.owner.operation.name in _VIEWS:
        root = root.owner.operation.operands[0]
    if isinstance(root.owner, ir.Block) or root.owner.operation.name != "memref.alloc":
        return False
    ops = _block_ops(f.anchor)
    position = {o: i for i, o in enumerate(ops)}
    after = position[epi]
    views, whole = _views_of(root)
    first: tuple[int, ir.Operation, ir.Operation] | None = None
    for v in views:
        for use in v.uses:
            user = use.owner.operation if hasattr(use.owner, "operation") else use.owner
            if user.name in _VIEWS:
                continue
            top = user
            while top not in position and top.parent is not None:
                top = top.parent
            i = position.get(top, -1)
            if i > after and (first is None or i < first[0]):
                first = (i, user, top)
    if first is None:
        return True
    _, user, top = first
    return user.name == "memref.dealloc" or (user == top and _overwrites(user, views, whole))


def _views_of(root: ir.Value) -> tuple[list[ir.Value], set[ir.Value]]:
    """Every view of buffer `root` (root included), and those that cover all of it (root and
    its reshapes)."""
    views, whole = [root], {root}
    todo = [root]
    while todo:
        v = todo.pop()
        for use in v.uses:
            user = use.owner.operation if hasattr(use.owner, "operation") else use.owner
            if user.name in _VIEWS and user.operands[0] == v:
                for r in user.results:
                    views.append(r)
                    if v in whole and user.name != "memref.subview":
                        whole.add(r)
                    todo.append(r)
    return views, whole


def _overwrites(op: ir.Operation, views: list[ir.Value], whole: set[ir.Value]) -> bool:
    """Whether linalg op `op` writes all of a buffer (`whole` views) without reading it."""
    if not op.name.startswith("linalg.") or len(op.results) != 0 or not op.operands:
        return False
    out = op.operands[len(op.operands) - 1]
    if out not in whole or any(v in views for v in list(op.operands)[:-1]):
        return False
    if op.name in ("linalg.fill", "linalg.broadcast", "linalg.copy"):
        return True
    if op.name not in ("linalg.generic", "linalg.map") or not op.regions:
        return False
    if op.name == "linalg.generic":
        rank = ir.MemRefType(out.type).rank
        maps = _maps(op)
        if (
            not _parallel_identity(op, rank)
            or maps is None
            or maps[-1] != ir.AffineMap.get_identity(rank)
        ):
            return False
    body = op.regions[0].blocks[0]
    if len(body.arguments) == 0:
        return True
    out_arg = body.arguments[len(body.arguments) - 1]
    return not any(out_arg == x for o in body.operations for x in o.operands)


def fusion_of(op: ir.Operation) -> Fusion | None:
    """The prologue / epilogue the call of contraction `op` (on memrefs) can take over."""
    c = op.operands[len(op.operands) - 1]
    parent = op.parent
    if parent is not None and parent.name == "scf.forall":
        owner = c.owner
        if isinstance(owner, ir.Block) or owner.operation.name != "memref.subview":
            return None
        sub = owner.operation
        if sub.parent != parent or any(o.name not in _SLICING and o != op for o in _block_ops(op)):
            return None
        t = sub.operands[0]
        if ir.MemRefType(t.type).rank != ir.MemRefType(c.type).rank or not _before(t, parent):
            return None
        f = Fusion(parent, t, sub, [])
    elif parent is not None and parent.name == "func.func":
        f = Fusion(op, c, None, [])
    else:
        return None
    _prologue(op, f.t, f)
    _epilogue(op, f.t, f)
    return f if f.doomed else None


def _slice_offset(sub: ir.Operation | None, dim: int) -> ir.Value | None:
    """The offset (i64) along `dim` of subview `sub`; None when there is none (no slice, or
    offset 0)."""
    if sub is None:
        return None
    view = sub.opview
    assert isinstance(view, memref.SubViewOp)
    static = list(view.static_offsets)
    dyn = list(view.offsets)
    if static[dim] != _DYN:
        return _c(static[dim]) if static[dim] != 0 else None
    k = sum(1 for s in static[:dim] if s == _DYN)
    return _i64(dyn[k])


def _sliced(v: ir.Value, sub: ir.Operation | None) -> ir.Value:
    """`v` (of the sliced buffer's type) viewed the way `sub` views that buffer."""
    if sub is None:
        return v
    clone = sub.clone(ip=ir.InsertionPoint.current)
    clone.operands[0] = v
    return clone.results[0]


class _CallSite:
    """Where a call is built: in place of a contraction inside a loop, or inside an
    scf.execute_region that takes the contraction's place at the top of a function (so the
    call, its operands' metadata and its workspace are outlined as one kernel)."""

    def __init__(self, op: ir.Operation, f: Fusion | None):
        self.op, self.f = op, f
        self.ip: ir.InsertionPoint | None = None

    def __enter__(self) -> ir.InsertionPoint:
        from mlir.dialects import scf

        op = self.op
        if op.parent is not None and op.parent.name == "func.func":
            with ir.InsertionPoint(op), _location(op, self.f):
                region = scf.ExecuteRegionOp([])
                block = region.regions[0].blocks.append()
                with ir.InsertionPoint(block):
                    scf.YieldOp([])
            self.ip = ir.InsertionPoint.at_block_terminator(block)
        else:
            self.ip = ir.InsertionPoint(op)
        return self.ip.__enter__()

    def __exit__(self, *exc: object) -> None:
        assert self.ip is not None
        self.ip.__exit__(*exc)


def _call_site(op: ir.Operation, f: Fusion | None) -> _CallSite:
    return _CallSite(op, f)


def _location(op: ir.Operation, f: Fusion | None) -> ir.Location:
    """The call's location: the contraction's, fused with those of the ops it takes over (so
    a profile names their ONNX nodes beside the contraction's)."""
    if f is None or not f.doomed:
        return op.location
    locs = [op.location]

    def visit(o: ir.Operation) -> ir.WalkResult:
        locs.append(o.location)  # the body's ops carry the nodes fused into an elementwise op
        return ir.WalkResult.ADVANCE

    for d in f.doomed:
        d.walk(visit)
    return ir.Location.fused(locs)


def _flops(call: ir.Operation, op: ir.Operation, f: Fusion | None, flops: int | None) -> None:
    """Record on the call the FLOPs of the contraction and of the epilogue it applies (one
    per add and per max / min of the fused elementwise op, per output element)."""
    if flops is None:
        return
    if f is not None and f.epi_ops:
        shape = list(ir.MemRefType(op.operands[len(op.operands) - 1].type).shape)
        if any(d < 0 for d in shape):
            return
        flops += f.epi_ops * math.prod(shape)
    call.attributes[FLOPS_ATTR] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), flops)


def _finish(op: ir.Operation, f: Fusion | None) -> None:
    op.erase()
    if f is not None:
        for d in f.doomed:
            d.erase()


def _static_extent(v: ir.Value, role: int | tuple[int, int]) -> int | None:
    if not isinstance(role, int):
        return role[0]
    d = int(ir.MemRefType(v.type).shape[role])
    return d if d >= 0 else None


# ---- constant B packed at compile time ------------------------------------------------------
#
# A product whose B is a weight (an entry argument the compiler fills from NAME.bin) reads it
# packed: the compiler writes that weight into NAME.bin already in the library's packed layout
# (weights.pack_b), and the call (strata_sgemm_packed_<isa>) packs nothing at run time. Only
# when every use of the weight is such a call with the same blocking, since the weight's
# buffer then holds nothing else: products of more than one register tile of rows (a
# matrix-vector product reads B in place instead), B a plain 2-d weight read whole along k.
# Threads that split the columns give each call a part of B (a subview at column j0): the
# parts are packed one after another, each with its own blocks, so part j0 starts at j0 * k.


@dataclass(frozen=True)
class PackedB:
    """How one weight is packed: B[k, j] = W.flat[k * rsb + j * csb] (W: the weight as
    stored), k x n, in column parts of `part` (the threads' split, or n), each blocked by the
    library's rule (block_sizes in sgemm_impl.h) for kc x nc blocks and NR = `nr` panels."""

    arg: int  # the entry function's argument number
    k: int
    n: int
    rsb: int
    csb: int
    part: int
    kc: int
    nc: int
    nr: int

    def to_attr(self) -> ir.Attribute:
        i64 = ir.IntegerType.get_signless(64)
        return ir.DictAttr.get(
            {f: ir.IntegerAttr.get(i64, getattr(self, f)) for f in self.__dataclass_fields__}
        )

    @staticmethod
    def from_attr(attr: ir.Attribute) -> PackedB:
        d = ir.DictAttr(attr)
        return PackedB(**{f: ir.IntegerAttr(d[f]).value for f in PackedB.__dataclass_fields__})


def _packed_pointer(b: ir.Value, p: PackedB) -> ir.Value:
    """The address of the packed part that view `b` of the weight reads: the buffer's base
    plus j0 * k floats, j0 = the view's first column (its offset / csb: k is read whole)."""
    meta = memref.ExtractStridedMetadataOp(b)
    base = memref.extract_aligned_pointer_as_index(b)
    idx = ir.IndexType.get()
    j0 = meta.results[1]
    if p.csb != 1:
        j0 = arith.divui(j0, arith.constant(idx, p.csb))
    return _i64(arith.addi(base, arith.muli(j0, arith.constant(idx, 4 * p.k))))


def _weight_arg(v: ir.Value) -> tuple[ir.Operation, int] | None:
    """(function, argument number) when `v` is a weight argument of a function."""
    if not isinstance(v.owner, ir.Block):
        return None
    arg = ir.BlockArgument(v)
    fn = v.owner.owner
    fn = fn.operation if hasattr(fn, "operation") else fn
    if fn is None or fn.name != "func.func" or "arg_attrs" not in fn.attributes:
        return None
    attrs = ir.ArrayAttr(fn.attributes["arg_attrs"])
    if arg.arg_number >= len(attrs) or WEIGHT_ATTR not in ir.DictAttr(attrs[arg.arg_number]):
        return None
    return fn, arg.arg_number


def _extent_stride(t: ir.MemRefType, role: int | tuple[int, int]) -> tuple[int, int] | None:
    """(extent, stride) of one role of an operand (a dim, or collapsed dims), the extent -1
    when dynamic; None when the stride is dynamic."""
    if not isinstance(role, int):
        return role
    stride = t.get_strides_and_offset()[0][role]
    return None if stride == _DYN else (max(int(t.shape[role]), -1), stride)


_PACK_VIEWS = ("memref.subview", "memref.expand_shape", "memref.collapse_shape")


def _packable(
    op: ir.Operation, plan: Plan, isa: str, target: Machine, chosen: tuple[int, int] | None
) -> tuple[ir.Value, PackedB] | None:
    """(the weight argument, its packing) when `op`'s B can be read packed: B is a view
    (subviews, reshapes) of a weight W whose k x n matrix it is, W or W transposed, read
    whole along k; the threads may give each call a part of the columns."""
    mr, nr = TILES[isa]
    a, b, c = op.operands[0], op.operands[1], op.operands[2]
    root = b
    while not isinstance(root.owner, ir.Block):
        if root.owner.operation.name not in _PACK_VIEWS:
            return None
        root = root.owner.operation.operands[0]
    found = _weight_arg(root)
    if found is None:
        return None
    wt, bt = ir.MemRefType(root.type), ir.MemRefType(b.type)
    if not _identity(wt) or not wt.has_static_shape or str(wt.element_type) != "f32":
        return None
    ks, ns = _extent_stride(bt, plan.b.roles[0]), _extent_stride(bt, plan.b.roles[1])
    m = _static_extent(c, plan.c.roles[0])  # None: threads' rows, the last part narrower
    if ks is None or ns is None or (m is not None and m <= mr):
        return None
    (k, rsb), (part, csb) = ks, ns
    total = math.prod(int(d) for d in wt.shape)
    if k <= 0 or total % k != 0 or _static_extent(a, plan.a.roles[1]) != k:
        return None
    n = total // k
    if (csb, rsb) not in ((1, n), (k, 1)):  # W is B (k x n) or B transposed (n x k)
        return None
    if COLUMNS in op.attributes:  # threads' column parts, the last one maybe narrower
        part = ir.IntegerAttr(op.attributes[COLUMNS]).value
    if part <= 0 or part > n or (part < n and part % nr != 0):
        return None
    kc, nc = chosen or blocks(isa, target, k, part)
    return root, PackedB(found[1], k, n, rsb, csb, part, kc, nc, nr)


def prepack_plan(
    isa: str,
    target: Machine,
    found: list[tuple[ir.Operation, Plan]],
    chosen: dict[ir.Operation, tuple[int, int]],
) -> tuple[dict[ir.Operation, PackedB], list[PackedB]]:
    """The products that read their B packed, and the weights to pack (`_packable`, for
    every use of the weight, with one packing)."""
    by_arg: dict[ir.Value, list[tuple[ir.Operation, PackedB]]] = {}
    for op, plan in found:
        got = _packable(op, plan, isa, target, chosen.get(op))
        if got is not None:
            by_arg.setdefault(got[0], []).append((op, got[1]))
    calls: dict[ir.Operation, PackedB] = {}
    weights: list[PackedB] = []
    for arg, items in by_arg.items():
        ops = [op for op, _ in items]
        if len({p for _, p in items}) != 1:
            continue
        views, _ = _views_of(arg)
        ok = True
        for v in views:
            for use in v.uses:
                user = use.owner.operation if hasattr(use.owner, "operation") else use.owner
                if user.name in _VIEWS and user.operands[0] == v:
                    continue
                if user not in ops or use.operand_number != 1:
                    ok = False
        if not ok:
            continue
        weights.append(items[0][1])
        for op, p in items:
            calls[op] = p
    return calls, weights


@register_pass
@dataclass
class UkernelCallsPass(ModulePass):
    """Replace every linalg op on memrefs that is an f32 matrix product (`plan_of`), NCHW
    convolution (`conv_ok`) or tagged depthwise convolution (`dw_ok`) with a micro-kernel
    call (the `default` schedule leaves them in that form: batch dims tiled to 1, split among
    threads), folding the ops around it into the call (`fusion_of`) unless `fuse` is off."""

    name: ClassVar[str] = "strata-cpu-ukernel-calls"
    mcpu: str = "native"
    # fold the fill before and the elementwise op after a contraction into its call
    fuse: bool = True
    # > 0: measure the cache blocks of each distinct call within this many seconds
    # (tuner.py, the `tuned` schedule) instead of deriving them from the caches
    tune_seconds: float = 0.0
    # products over a weight read it packed (`prepack_plan`), and the module lists those
    # weights (PACKED_WEIGHTS_ATTR): only for a caller that packs them (the CPU compiler)
    prepack: bool = False

    def run(self, module: ir.Operation) -> None:
        target = machine.describe(self.mcpu)
        isa = isa_of(target)
        if isa is None:
            return
        fn, conv_fn = PREFIX + isa, CONV_PREFIX + isa
        found: list[tuple[ir.Operation, Plan]] = []
        convs: list[ir.Operation] = []
        dws: list[ir.Operation] = []

        def visit(op: ir.Operation) -> ir.WalkResult:
            if op.name == "linalg.conv_2d_nchw_fchw":
                if conv_ok(op):
                    convs.append(op)
            elif op.name == "linalg.depthwise_conv_2d_nchw_chw":
                if TAG in op.attributes and dw_ok(op):
                    dws.append(op)
            elif op.name.startswith("linalg."):
                plan = plan_of(op)
                if plan is not None:
                    found.append((op, plan))
            return ir.WalkResult.ADVANCE

        with module.context, ir.Location.unknown():
            module.walk(visit)
            if found:
                _declare(module, fn, SGEMM_ARGS)
            if convs:
                _declare(module, conv_fn, CONV_ARGS)
            if dws:
                _declare(module, DW_PREFIX + isa, DW_ARGS)
            chosen = self._tune(isa, target, found, convs) if self.tune_seconds > 0 else {}
            packed: dict[ir.Operation, PackedB] = {}
            if self.prepack and found:
                packed, weights = prepack_plan(isa, target, found, chosen)
                if weights:
                    _declare(module, PACKED_PREFIX + isa, PACKED_ARGS)
                    module.attributes[PACKED_WEIGHTS_ATTR] = ir.ArrayAttr.get(
                        [w.to_attr() for w in weights]
                    )
            for op, plan in found:
                f = fusion_of(op) if self.fuse else None
                if f is not None:
                    f.bias_rows = _bias_rows(plan, f)
                    if f.bias is not None and f.bias_rows is None:
                        f = None
                _replace(op, plan, fn, isa, target, f, chosen.get(op), packed.get(op))
            for op in convs:
                f = fusion_of(op) if self.fuse else None
                if f is not None and f.bias is not None and f.bias_dim != 1:
                    f = None
                _replace_conv(op, conv_fn, isa, target, f, chosen.get(op))
            for op in dws:
                f = fusion_of(op) if self.fuse else None
                if f is not None and f.bias is not None and f.bias_dim != 1:
                    f = None
                _replace_dw(op, DW_PREFIX + isa, f, pad_of(op, f) if self.fuse else None)

    def _tune(
        self,
        isa: str,
        target: Machine,
        found: list[tuple[ir.Operation, Plan]],
        convs: list[ir.Operation],
    ) -> dict[ir.Operation, tuple[int, int]]:
        """The measured cache blocks of every call with static dims (tuner.py)."""
        from strata.targets.cpu import tuner

        host = machine.describe("native")
        if (host.name, host.features) != (target.name, target.features):
            tuner.report(f"tuning skipped: the target CPU {target.name} is not this host")
            return {}
        problems: dict[ir.Operation, tuner.Problem] = {}
        for op, plan in found:
            p = sgemm_problem(op, plan)
            if p is not None:
                problems[op] = p
        for op in convs:
            p = conv_problem(op)
            if p is not None:
                problems[op] = p
        if not problems:
            return {}
        picked = tuner.Tuner(target, isa, self.tune_seconds).choose(list(problems.values()))
        return {op: picked[p] for op, p in problems.items()}


def _static_stride(v: ir.Value, role: int | tuple[int, int]) -> int | None:
    if not isinstance(role, int):
        return role[1]
    strides, _ = ir.MemRefType(v.type).get_strides_and_offset()
    return None if strides[role] == _DYN else int(strides[role])


def sgemm_problem(op: ir.Operation, plan: Plan) -> tuner.Problem | None:
    """The tuner's problem of matrix product `op`: (m, n, k, rsa, csa, rsb, csb), or None
    when one of them is dynamic."""
    from strata.targets.cpu import tuner

    a, b, c = op.operands[0], op.operands[1], op.operands[2]
    dims = [
        _static_extent(c, plan.c.roles[0]),
        _static_extent(c, plan.c.roles[1]),
        _static_extent(a, plan.a.roles[1]),
        _static_stride(a, plan.a.roles[0]),
        _static_stride(a, plan.a.roles[1]),
        _static_stride(b, plan.b.roles[0]),
        _static_stride(b, plan.b.roles[1]),
    ]
    if any(d is None for d in dims):
        return None
    return tuner.Problem("sgemm", tuple(int(d) for d in dims if d is not None))


def conv_problem(op: ir.Operation) -> tuner.Problem | None:
    """The tuner's problem of convolution `op`: (c, f, kh, kw, oh, ow, sh, sw, dh, dw), or
    None when a dim is dynamic."""
    from strata.targets.cpu import tuner

    x, w, y = (list(ir.MemRefType(op.operands[i].type).shape) for i in range(3))
    dims = [x[1], y[1], w[2], w[3], y[2], y[3], *schedules.int_list(op, "strides"),
            *schedules.int_list(op, "dilations")]  # fmt: skip
    if any(d < 0 for d in dims):
        return None
    return tuner.Problem("conv2d", tuple(int(d) for d in dims))


def _bias_rows(plan: Plan, f: Fusion) -> bool | None:
    """Whether the fused bias runs along C's rows (True) or columns (False); None: neither
    (it runs along a dim that is part of a collapsed group)."""
    rows, cols = plan.c.roles
    if rows == f.bias_dim:
        return True
    if cols == f.bias_dim:
        return False
    return None
