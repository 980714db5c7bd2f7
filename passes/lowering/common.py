"""Builders shared by the nn -> linalg lowerings: types, constants, linalg.generic, reshapes.

Every function builds at the current insertion point and location (the pass driver enters
`with root.location, rewriter.ip:` before calling a lowering) and returns `ir.Value`s.
Shapes are lists of `Size` (`strata.passes.lowering.sizes`: an int, or an index Value for a
dynamic dim). `shape_of` / `result_shape` return static shapes and raise LoweringError for a
dynamic one, so a lowering that has not been written for dynamic dims says so clearly;
`sizes_of` / `type_shape` serve those that have.

Unsigned integers: nn types them `ui<N>`; these builders make signless values (constants,
`empty`, `fill`, `generic` operands and results), since arith takes signless integers only.
A lowering whose arithmetic depends on signedness asks `is_unsigned` of its nn operands.

Dependency contract: imports only the upstream `mlir` bindings, numpy, `strata.dtypes`,
`strata.passes.signless` and `strata.passes.lowering.sizes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import arith, builtin, linalg, tensor

from strata import dtypes
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.sizes import Size, dim_of, dynamic, sizes_of, statics
from strata.passes.signless import is_string_type, signless, storage_cast

Body = Callable[..., Sequence[ir.Value] | ir.Value]

CMPF = {"oeq": 1, "ogt": 2, "oge": 3, "olt": 4, "ole": 5, "one": 6, "uno": 14, "une": 13}
CMPI = {"eq": 0, "ne": 1, "slt": 2, "sle": 3, "sgt": 4, "sge": 5, "ult": 6, "ule": 7, "ugt": 8,
        "uge": 9}  # fmt: skip


class LoweringError(ValueError):
    """An nn op cannot be lowered as given (message: what and why)."""


# ---- types and attributes ---------------------------------------------------------------------


def ttype(v: ir.Value) -> ir.RankedTensorType:
    return ir.RankedTensorType(v.type)


def shape_of(v: ir.Value) -> list[int]:
    """The static shape of a tensor value; LoweringError if a dim is dynamic."""
    t = ttype(v)
    if not t.has_static_shape:
        raise LoweringError(
            f"a value of type {t} has dynamic dims; this lowering needs static ones"
        )
    return list(t.shape)


def type_shape(v: ir.Value) -> list[int]:
    """The shape of a tensor type as MLIR stores it (dynamic dims: ShapedType's marker)."""
    return list(ttype(v).shape)


def is_dynamic(v: ir.Value) -> bool:
    return not ttype(v).has_static_shape


def elem(v: ir.Value) -> ir.Type:
    return ttype(v).element_type


def rank(v: ir.Value) -> int:
    return ttype(v).rank


def is_float(t: ir.Type) -> bool:
    return isinstance(t, ir.F32Type | ir.F64Type | ir.F16Type | ir.BF16Type)


def is_bool(t: ir.Type) -> bool:
    return isinstance(t, ir.IntegerType) and t.width == 1


def is_unsigned(t: ir.Type) -> bool:
    """Whether an element type (or a tensor's element type) is an nn unsigned integer."""
    if isinstance(t, ir.ShapedType):
        t = t.element_type
    return isinstance(t, ir.IntegerType) and t.is_unsigned


def int_width(t: ir.Type) -> int:
    return int(ir.IntegerType(t).width)


def to_signless(v: ir.Value) -> ir.Value:
    """A `ui<N>` tensor as `i<N>` (tensor.bitcast), a low-precision one (float8, int4, ...)
    as its `i8` storage (`signless.storage_cast`), a string tensor as its i64 handles (an
    unrealized cast, see `strata.passes.signless`); any other value unchanged."""
    t = v.type
    if isinstance(t, ir.RankedTensorType) and is_string_type(t.element_type):
        return builtin.unrealized_conversion_cast([signless(t)], [v])
    if signless(t) == t:
        return v
    return storage_cast(signless(t), v)


def i64() -> ir.IntegerType:
    return ir.IntegerType.get_signless(64)


def index_type() -> ir.IndexType:
    return ir.IndexType.get()


def attr_int(op: ir.Operation, name: str) -> int:
    return int(ir.IntegerAttr(op.attributes[name]).value)


def attr_float(op: ir.Operation, name: str) -> float:
    return float(ir.FloatAttr(op.attributes[name]).value)


def attr_ints(op: ir.Operation, name: str) -> list[int]:
    return [int(v) for v in ir.DenseI64ArrayAttr(op.attributes[name])]


def attr_floats(op: ir.Operation, name: str) -> list[float]:
    return [float(v) for v in ir.DenseF32ArrayAttr(op.attributes[name])]


def attr_str(op: ir.Operation, name: str) -> str:
    return str(ir.StringAttr(op.attributes[name]).value)


def optional_operands(op: ir.Operation, n: int) -> list[ir.Value | None]:
    """The `n` declared operands of an op with optional ones, None where absent (read from
    `operandSegmentSizes` when the op has it, else the given operands in order)."""
    vals = list(op.operands)
    if "operandSegmentSizes" not in op.attributes:
        return [*vals, *([None] * (n - len(vals)))]
    out: list[ir.Value | None] = []
    pos = 0
    for size in ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]):
        out.append(vals[pos] if size else None)
        pos += size
    return out


def result_shape(op: ir.Operation, i: int = 0) -> list[int]:
    """The static shape of result i; LoweringError if a dim is dynamic."""
    t = ir.RankedTensorType(op.results[i].type)
    if not t.has_static_shape:
        raise LoweringError(f"'{op.name}' has a result with dynamic dims ({t}), not supported yet")
    return list(t.shape)


def broadcast_sizes(op: ir.Operation, inputs: Sequence[ir.Value], i: int = 0) -> list[Size]:
    """Result sizes of a broadcasting op: static dims from the result type, each dynamic one
    read from an input whose (right-aligned) dim there is dynamic (dynamic dims do not
    broadcast, see nn_rules.broadcast_shapes)."""
    rt = ir.RankedTensorType(op.results[i].type)
    n = rt.rank
    out: list[Size] = []
    for d in range(n):
        if not rt.is_dynamic_dim(d):
            out.append(int(rt.shape[d]))
            continue
        for v in inputs:
            vt = ttype(v)
            k = d - (n - vt.rank)
            if k >= 0 and vt.is_dynamic_dim(k):
                out.append(dim_of(v, k))
                break
        else:
            raise LoweringError(f"'{op.name}': no operand gives the size of dynamic dim {d}")
    return out


def norm_axis(axis: int, n: int) -> int:
    if not -n <= axis < max(n, 1):
        raise LoweringError(f"axis {axis} is out of range for rank {n}")
    return axis + n if axis < 0 else axis


# ---- scalars and constant tensors ----------------------------------------------------------


def const(t: ir.Type, value: float | int | bool) -> ir.Value:
    """A scalar arith.constant of element type `t` (floats, ints, i1, index); an unsigned
    `t` gives the signless constant of the same bits (arith holds no unsigned scalars)."""
    if is_float(t):
        return arith.constant(t, float(value))
    if isinstance(t, ir.IndexType):
        return arith.constant(t, int(value))
    width = ir.IntegerType(t).width
    t = signless(t)
    v = int(value)
    if width == 1:
        v = 1 if value else 0
        return arith.ConstantOp(t, ir.IntegerAttr.get(t, v)).result
    return arith.constant(t, wrap_int(v, width))


def wrap_int(v: int, width: int) -> int:
    """`v` modulo 2**width, as the signed value of those bits (what an i<width> holds)."""
    v &= (1 << width) - 1
    return v - (1 << width) if v >= 1 << (width - 1) else v


def lowest(t: ir.Type, unsigned: bool = False) -> float | int:
    """The identity of max: -inf for floats, the smallest integer otherwise (`unsigned`, or an
    unsigned `t`: 0)."""
    if is_float(t):
        return -np.inf
    w = ir.IntegerType(t).width
    return 0 if w == 1 or unsigned or is_unsigned(t) else -(2 ** (w - 1))


def highest(t: ir.Type, unsigned: bool = False) -> float | int:
    """The identity of min: +inf for floats, the largest integer otherwise."""
    if is_float(t):
        return np.inf
    w = ir.IntegerType(t).width
    if w == 1:
        return 1
    return 2**w - 1 if unsigned or is_unsigned(t) else 2 ** (w - 1) - 1


def dense_const(arr: np.ndarray[Any, Any], t: ir.Type) -> ir.Value:
    """A tensor arith.constant holding `arr` (converted to the element type `t`)."""
    t = signless(t)
    rt = ir.RankedTensorType.get(list(arr.shape), t)
    if is_float(t):
        fdt = float_dtype(t)
        attr = ir.DenseElementsAttr.get(np.ascontiguousarray(arr, dtype=fdt), type=rt)
    else:
        width = ir.IntegerType(t).width
        if width == 1:  # with an explicit i1 type the bindings reject most bool buffers
            attr = ir.DenseElementsAttr.get(np.ascontiguousarray(arr, dtype=np.bool_))
        else:
            a = np.asarray(arr)
            if a.dtype.kind == "u":  # same bits, signed view
                a = a.view(np.dtype(f"int{a.dtype.itemsize * 8}"))
            dt = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}[width]
            attr = ir.DenseElementsAttr.get(np.ascontiguousarray(a, dtype=dt), type=rt)
    return arith.ConstantOp(rt, attr).result


def float_dtype(t: ir.Type) -> np.dtype[Any]:
    """The numpy dtype of a float element type (bfloat16 from ml_dtypes)."""
    d = dtypes.by_mlir(str(t))
    if d is None or d.kind is not dtypes.Kind.FLOAT:
        raise LoweringError(f"{t} is not a floating-point element type Strata handles")
    return d.np


def empty(shape: Sequence[Size], t: ir.Type) -> ir.Value:
    """tensor.empty of these sizes (ints, or index Values for dynamic dims); signless."""
    return tensor.EmptyOp(list(shape), signless(t)).result


def fill(shape: Sequence[Size], t: ir.Type, value: float | int | ir.Value) -> ir.Value:
    """tensor.empty filled with a scalar (a Python number or an SSA scalar); signless."""
    scalar = value if isinstance(value, ir.Value) else const(t, value)
    return linalg.fill(scalar, outs=[empty(shape, t)])


def splat_scalar(v: ir.Value) -> float | int | None:
    """The exact value of a splat constant tensor (an int for integer types), if `v` is one;
    unsigned element types give their unsigned value."""
    owner = v.owner
    if not isinstance(owner, ir.OpView | ir.Operation):
        return None
    op = owner.operation if isinstance(owner, ir.OpView) else owner
    if op.name not in ("arith.constant", "nn.constant") or "value" not in op.attributes:
        return None
    a = op.attributes["value"]
    if isinstance(a, ir.DenseIntElementsAttr) and a.is_splat:
        value = int(ir.IntegerAttr(a.get_splat_value()).value)
        width = ir.IntegerType(ir.ShapedType(a.type).element_type).width
        return value & ((1 << width) - 1) if is_unsigned(a.type) else value
    if isinstance(a, ir.DenseFPElementsAttr) and a.is_splat:
        return float(ir.FloatAttr(a.get_splat_value()).value)
    return None


def splat_value(v: ir.Value) -> float | None:
    """The float value of a splat constant tensor, if `v` is one (arith or nn constant)."""
    owner = v.owner
    if not isinstance(owner, ir.OpView | ir.Operation):
        return None
    op = owner.operation if isinstance(owner, ir.OpView) else owner
    if op.name not in ("arith.constant", "nn.constant") or "value" not in op.attributes:
        return None
    a = op.attributes["value"]
    if not isinstance(a, ir.DenseElementsAttr) and ir.DenseElementsAttr.isinstance(a):
        a = ir.DenseElementsAttr(a)
    if isinstance(a, ir.DenseFPElementsAttr | ir.DenseIntElementsAttr) and a.is_splat:
        s = a.get_splat_value()
        return float(s.value) if hasattr(s, "value") else None
    return None


# ---- affine maps and linalg.generic ----------------------------------------------------------


def dim(i: int) -> ir.AffineExpr:
    return ir.AffineDimExpr.get(i)


def cst_expr(c: int) -> ir.AffineExpr:
    return ir.AffineConstantExpr.get(c)


def amap(n_dims: int, exprs: Sequence[ir.AffineExpr]) -> ir.AffineMap:
    return ir.AffineMap.get(n_dims, 0, list(exprs))


def identity_map(n: int) -> ir.AffineMap:
    return ir.AffineMap.get_identity(n)


def broadcast_map(in_shape: Sequence[int], out_shape: Sequence[int]) -> ir.AffineMap:
    """Map of an operand broadcast (ONNX/numpy, right-aligned) to an iteration over out_shape.

    Shapes as MLIR types store them: a static 1 facing another size broadcasts, a dynamic dim
    is taken to be the output's size."""
    n, r = len(out_shape), len(in_shape)
    exprs = []
    for i, d in enumerate(in_shape):
        o = n - r + i
        exprs.append(cst_expr(0) if d == 1 and out_shape[o] != 1 else dim(o))
    return amap(n, exprs)


_ITER: dict[str, str] = {"p": "parallel", "r": "reduction"}


def iterators(kinds: str) -> ir.ArrayAttr:
    """'ppr' -> [parallel, parallel, reduction]."""
    return ir.ArrayAttr.get(
        [ir.Attribute.parse(f"#linalg.iterator_type<{_ITER[k]}>") for k in kinds]
    )


def generic(
    inputs: Sequence[ir.Value],
    inits: Sequence[ir.Value],
    maps: Sequence[ir.AffineMap],
    kinds: str,
    body: Body,
) -> list[ir.Value]:
    """A linalg.generic; `body(*in_scalars, *out_scalars)` returns the yielded values.

    Unsigned operands are read as signless (`to_signless`), so the body sees signless
    scalars and the results are signless tensors."""
    inputs = [to_signless(v) for v in inputs]
    inits = [to_signless(v) for v in inits]
    op = linalg.GenericOp(
        [v.type for v in inits],
        list(inputs),
        list(inits),
        ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps]),
        iterators(kinds),
    )
    block = op.regions[0].blocks.append(*[elem(v) for v in (*inputs, *inits)])
    with ir.InsertionPoint(block):
        out = body(*block.arguments)
        linalg.YieldOp([out] if isinstance(out, ir.Value) else list(out))
    return list(op.results)


def elementwise(
    inputs: Sequence[ir.Value], out_shape: Sequence[Size], out_t: ir.Type, body: Body
) -> ir.Value:
    """A parallel generic over out_shape with broadcasting inputs; `body(*scalars)`."""
    n = len(out_shape)
    target = statics(out_shape)
    maps = [broadcast_map(type_shape(v), target) for v in inputs] + [identity_map(n)]

    def wrapped(*args: ir.Value) -> Sequence[ir.Value] | ir.Value:
        return body(*args[: len(inputs)])

    return generic(inputs, [empty(out_shape, out_t)], maps, "p" * n, wrapped)[0]


def index(d: int) -> ir.Value:
    return linalg.IndexOp(d).result


# ---- reshapes and slices --------------------------------------------------------------------


def _group(src: Sequence[int], dst: Sequence[int]) -> list[list[int]] | None:
    """Reassociation folding `src` dims into `dst` dims (len(src) >= len(dst)), or None."""
    if not dst:
        return [] if all(d == 1 for d in src) else None
    groups: list[list[int]] = []
    i = 0
    for want in dst:
        grp: list[int] = []
        prod = 1
        while i < len(src):
            grp.append(i)
            prod *= src[i]
            i += 1
            if prod >= want:
                break
        if prod != want or not grp:
            return None
        groups.append(grp)
    rest = list(range(i, len(src)))
    if rest:
        if not groups or any(src[k] != 1 for k in rest):
            return None
        groups[-1].extend(rest)
    return groups


def _reassoc(groups: list[list[int]]) -> ir.ArrayAttr:
    return ir.ArrayAttr.get(
        [ir.ArrayAttr.get([ir.IntegerAttr.get(i64(), i) for i in g]) for g in groups]
    )


def collapse(v: ir.Value, groups: list[list[int]]) -> ir.Value:
    """tensor.collapse_shape by `groups` (dynamic dims allowed: a group with one is dynamic)."""
    src = type_shape(v)
    t = ttype(v)
    out = []
    for g in groups:
        if any(t.is_dynamic_dim(i) for i in g):
            out.append(dynamic())
        else:
            out.append(int(np.prod([src[i] for i in g])))
    rt = ir.RankedTensorType.get(out, elem(v))
    return tensor.CollapseShapeOp(rt, v, _reassoc(groups)).result


def expand(v: ir.Value, groups: list[list[int]], out_shape: Sequence[Size]) -> ir.Value:
    """tensor.expand_shape by `groups` into `out_shape` (ints, or index Values).

    A group may hold at most one dynamic dim (memref lowering asserts otherwise); when one
    holds more, this is a `tensor.reshape` by the run-time sizes instead."""
    if any(sum(1 for i in g if not isinstance(out_shape[i], int)) > 1 for g in groups):
        return dynamic_reshape(v, out_shape)
    rt = ir.RankedTensorType.get(statics(out_shape), elem(v))
    dyn = [s for s in out_shape if not isinstance(s, int)]
    return tensor.ExpandShapeOp(rt, v, _reassoc(groups), dyn, statics(out_shape)).result


def _dim_index(size: Size, v: ir.Value) -> int | None:
    """i if `size` is `tensor.dim v, i` (how sizes_of reads a dynamic dim of v)."""
    if isinstance(size, int):
        return None
    owner = size.owner
    op = owner.operation if isinstance(owner, ir.OpView) else owner
    if not isinstance(op, ir.Operation) or op.name != "tensor.dim" or op.operands[0] != v:
        return None
    idx = op.operands[1].owner
    iop = idx.operation if isinstance(idx, ir.OpView) else idx
    if isinstance(iop, ir.Operation) and iop.name == "arith.constant":
        return int(ir.IntegerAttr(iop.attributes["value"]).value)
    return None


def _mixed_groups(v: ir.Value, dst: Sequence[Size]) -> tuple[str, list[list[int]]] | None:
    """("collapse"|"expand", groups) for a reshape of v into dst that keeps each dynamic dim of
    v in place (dst names it as `tensor.dim v, i`) and regroups only static dims around it."""
    t = ttype(v)
    src = type_shape(v)
    # Tokens: ("d", i) for a dynamic dim i of v, ("s", n) for a static size.
    stoks = [("d", i) if t.is_dynamic_dim(i) else ("s", src[i]) for i in range(t.rank)]
    dtoks = []
    for s in dst:
        if isinstance(s, int):
            dtoks.append(("s", s))
        else:
            i = _dim_index(s, v)
            if i is None:
                return None
            dtoks.append(("d", i))
    long, short, kind = (
        (stoks, dtoks, "collapse") if len(stoks) >= len(dtoks) else (dtoks, stoks, "expand")
    )
    groups: list[list[int]] = []
    j = 0
    for tok in short:
        grp: list[int] = []
        if tok[0] == "d":
            while j < len(long) and long[j] == ("s", 1):
                grp.append(j)
                j += 1
            if j >= len(long) or long[j] != tok:
                return None
            grp.append(j)
            j += 1
        else:
            prod = 1
            while j < len(long) and long[j][0] == "s":
                grp.append(j)
                prod *= int(long[j][1])
                j += 1
                if prod >= tok[1]:
                    break
            if prod != tok[1] or not grp:
                return None
        groups.append(grp)
    while j < len(long):
        if long[j] != ("s", 1) or not groups:
            return None
        groups[-1].append(j)
        j += 1
    return kind, groups


def reshape_to(v: ir.Value, shape: Sequence[Size]) -> ir.Value:
    """`v` with the same elements in `shape`: one collapse_shape / expand_shape, or both.

    With dynamic dims, a reshape that keeps each dynamic dim (given as `tensor.dim v, i`) and
    regroups static ones stays a collapse / expand; anything else is a `tensor.reshape` by a
    shape tensor computed at run time."""
    dst = list(shape)
    if not is_dynamic(v) and all(isinstance(d, int) for d in dst):
        return _reshape_static(v, [int(d) for d in dst])
    plan = _mixed_groups(v, dst)
    if plan is not None:
        kind, groups = plan
        return collapse(v, groups) if kind == "collapse" else expand(v, groups, dst)
    return dynamic_reshape(v, dst)


def dynamic_reshape(v: ir.Value, shape: Sequence[Size]) -> ir.Value:
    """tensor.reshape of v by a 1-d shape tensor of these sizes."""
    it = index_type()
    if not shape:
        shape_t = tensor.EmptyOp([0], it).result
    else:
        vals = [const(it, s) if isinstance(s, int) else s for s in shape]
        shape_t = tensor.from_elements(ir.RankedTensorType.get([len(vals)], it), vals)
    rt = ir.RankedTensorType.get(statics(shape), elem(v))
    return tensor.reshape(rt, v, shape_t)


def _reshape_static(v: ir.Value, dst: list[int]) -> ir.Value:
    src = shape_of(v)
    if int(np.prod(src)) != int(np.prod(dst)):
        raise LoweringError(f"cannot reshape {src} into {dst}: element counts differ")
    if src == dst:
        return v
    if len(src) >= len(dst):
        g = _group(src, dst)
        if g is not None:
            return collapse(v, g)
    else:
        g = _group(dst, src)
        if g is not None:
            return expand(v, g, dst)
    flat = collapse(v, [list(range(len(src)))]) if len(src) != 1 else v
    if len(dst) == 1:
        return flat
    if not dst:
        return collapse(flat, [])
    return expand(flat, [list(range(len(dst)))], dst)


def _mixed(vals: Sequence[Size]) -> tuple[list[ir.Value], list[int]]:
    return [s for s in vals if not isinstance(s, int)], statics(vals)


def extract_slice(
    v: ir.Value,
    offsets: Sequence[Size],
    sizes: Sequence[Size],
    strides: Sequence[Size] | None = None,
) -> ir.Value:
    """tensor.extract_slice with mixed static / dynamic offsets, sizes and strides."""
    strides = list(strides) if strides is not None else [1] * len(sizes)
    if (
        not is_dynamic(v)
        and list(offsets) == [0] * len(sizes)
        and list(sizes) == shape_of(v)
        and set(strides) <= {1}
    ):
        return v
    rt = ir.RankedTensorType.get(statics(sizes), elem(v))
    do, so = _mixed(offsets)
    ds, ss = _mixed(sizes)
    dt, st = _mixed(strides)
    return tensor.ExtractSliceOp(rt, v, do, ds, dt, so, ss, st).result


def insert_slice(
    src: ir.Value,
    dest: ir.Value,
    offsets: Sequence[Size],
    strides: Sequence[Size] | None = None,
) -> ir.Value:
    """tensor.insert_slice of all of `src` into `dest` at `offsets`."""
    sizes = sizes_of(src)
    strides = list(strides) if strides is not None else [1] * len(sizes)
    do, so = _mixed(offsets)
    ds, ss = _mixed(sizes)
    dt, st = _mixed(strides)
    return tensor.InsertSliceOp(src, dest, do, ds, dt, so, ss, st).result


def pad_const(
    v: ir.Value, low: Sequence[Size], high: Sequence[Size], value: float | int | ir.Value
) -> ir.Value:
    """tensor.pad with a constant; negative static entries crop with extract_slice first.

    Dynamic pad amounts must be >= 0 (the caller clamps). The result is signless."""
    v = to_signless(v)
    shape = sizes_of(v)
    neg = [isinstance(p, int) and p < 0 for p in (*low, *high)]
    if any(neg):
        offs = [max(0, -p) if isinstance(p, int) else 0 for p in low]
        sizes = [
            sz.sub(
                sz.sub(d, max(0, -lo) if isinstance(lo, int) else 0),
                max(0, -hi) if isinstance(hi, int) else 0,
            )
            for d, lo, hi in zip(shape, low, high, strict=True)
        ]
        v = extract_slice(v, offs, sizes)
        low = [max(0, p) if isinstance(p, int) else p for p in low]
        high = [max(0, p) if isinstance(p, int) else p for p in high]
        shape = sizes
    if all(isinstance(p, int) and p == 0 for p in (*low, *high)):
        return v
    t = elem(v)
    scalar = value if isinstance(value, ir.Value) else const(t, value)
    out = [sz.add(sz.add(d, lo), hi) for d, lo, hi in zip(shape, low, high, strict=True)]
    rt = ir.RankedTensorType.get(statics(out), t)
    dl, sl = _mixed(low)
    dh, sh = _mixed(high)
    op = tensor.PadOp(rt, v, dl, dh, sl, sh)
    block = op.regions[0].blocks.append(*([index_type()] * len(shape)))
    with ir.InsertionPoint(block):
        tensor.YieldOp(scalar)
    return op.result


def cast_scalar(
    x: ir.Value, to: ir.Type, *, src_unsigned: bool = False, dst_unsigned: bool = False
) -> ir.Value:
    """Convert one scalar between element types (ONNX Cast semantics, bool = i1).

    Integers are signless scalars; `src_unsigned` / `dst_unsigned` (or an unsigned `to`,
    which gives the signless result of its width) say which are unsigned. bf16 converts
    only to and from f32 (others go through f32: f64 -> bf16 rounds twice), which
    `arith-expand` turns into integer ops; float -> integers narrower than 64 bits converts
    to i64 and truncates (numpy's wrap-around on x86)."""
    src_unsigned = src_unsigned or is_unsigned(x.type)
    dst_unsigned = dst_unsigned or is_unsigned(to)
    src, to = signless(x.type), signless(to)
    if src == to:
        return x
    f32 = ir.F32Type.get()
    if is_float(src) and is_float(to):
        sw, dw = _fwidth(src), _fwidth(to)
        bf16 = isinstance(src, ir.BF16Type) or isinstance(to, ir.BF16Type)
        if sw == dw or (bf16 and 32 not in (sw, dw)):  # f64 <-> bf16 rounds twice via f32
            return cast_scalar(cast_scalar(x, f32), to)
        return arith.extf(to, x) if dw > sw else arith.truncf(to, x)
    if is_float(src):
        if is_bool(to):
            return arith.cmpf(CMPF["une"], x, const(src, 0.0))
        if _fwidth(src) == 16:
            x = arith.extf(f32, x)
        if int_width(to) < 64:
            return arith.trunci(to, arith.fptosi(i64(), x))
        return arith.fptoui(to, x) if dst_unsigned else arith.fptosi(to, x)
    if is_float(to):
        mid = f32 if _fwidth(to) == 16 else to
        y = arith.uitofp(mid, x) if is_bool(src) or src_unsigned else arith.sitofp(mid, x)
        return y if mid == to else arith.truncf(to, y)
    if is_bool(to):
        return arith.cmpi(CMPI["ne"], x, const(src, 0))
    sw, dw = int_width(src), int_width(to)
    if dw > sw:
        return arith.extui(to, x) if sw == 1 or src_unsigned else arith.extsi(to, x)
    return arith.trunci(to, x)


def _fwidth(t: ir.Type) -> int:
    if isinstance(t, ir.F64Type):
        return 64
    if isinstance(t, ir.F32Type):
        return 32
    return 16


def is_16bit_float(t: ir.Type) -> bool:
    return isinstance(t, ir.F16Type | ir.BF16Type)


def in_f32(fn: Callable[..., ir.Value]) -> Callable[..., ir.Value]:
    """`fn` on scalars, computed in f32 when they are f16 / bf16 (numpy's f16 arithmetic
    rounds f32 results too; the f32 approximations apply; no bf16 arithmetic reaches LLVM).
    A bool (i1) result, e.g. of a comparison, is returned as is."""

    def wrapped(*xs: ir.Value) -> ir.Value:
        t = xs[0].type
        if not is_16bit_float(t):
            return fn(*xs)
        f32 = ir.F32Type.get()
        y = fn(*[arith.extf(f32, x) if x.type == t else x for x in xs])
        return arith.truncf(t, y) if isinstance(y.type, ir.F32Type) else y

    return wrapped


def to_index(x: ir.Value) -> ir.Value:
    return arith.index_cast(index_type(), x)
