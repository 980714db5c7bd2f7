"""Builders shared by the nn -> linalg lowerings: types, constants, linalg.generic, reshapes.

Every function builds at the current insertion point and location (the pass driver enters
`with root.location, rewriter.ip:` before calling a lowering), works on statically shaped
ranked tensors and returns `ir.Value`s.

Dependency contract: imports only the upstream `mlir` bindings and numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, tensor

Body = Callable[..., Sequence[ir.Value] | ir.Value]

CMPF = {"oeq": 1, "ogt": 2, "oge": 3, "olt": 4, "ole": 5, "one": 6, "uno": 14, "une": 13}
CMPI = {"eq": 0, "ne": 1, "slt": 2, "sle": 3, "sgt": 4, "sge": 5}


class LoweringError(ValueError):
    """An nn op cannot be lowered as given (message: what and why)."""


# ---- types and attributes ---------------------------------------------------------------------


def ttype(v: ir.Value) -> ir.RankedTensorType:
    return ir.RankedTensorType(v.type)


def shape_of(v: ir.Value) -> list[int]:
    return list(ttype(v).shape)


def elem(v: ir.Value) -> ir.Type:
    return ttype(v).element_type


def rank(v: ir.Value) -> int:
    return ttype(v).rank


def is_float(t: ir.Type) -> bool:
    return isinstance(t, ir.F32Type | ir.F64Type | ir.F16Type | ir.BF16Type)


def is_bool(t: ir.Type) -> bool:
    return isinstance(t, ir.IntegerType) and t.width == 1


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


def result_shape(op: ir.Operation, i: int = 0) -> list[int]:
    return list(ir.RankedTensorType(op.results[i].type).shape)


def norm_axis(axis: int, n: int) -> int:
    if not -n <= axis < max(n, 1):
        raise LoweringError(f"axis {axis} is out of range for rank {n}")
    return axis + n if axis < 0 else axis


# ---- scalars and constant tensors ----------------------------------------------------------


def const(t: ir.Type, value: float | int | bool) -> ir.Value:
    """A scalar arith.constant of element type `t` (floats, ints, i1, index)."""
    if is_float(t):
        return arith.constant(t, float(value))
    if isinstance(t, ir.IndexType):
        return arith.constant(t, int(value))
    width = ir.IntegerType(t).width
    v = int(value)
    if width == 1:
        v = 1 if value else 0
        return arith.ConstantOp(t, ir.IntegerAttr.get(t, v)).result
    return arith.constant(t, v)


def lowest(t: ir.Type) -> float | int:
    """The identity of max: -inf for floats, the smallest integer otherwise."""
    if is_float(t):
        return -np.inf
    w = ir.IntegerType(t).width
    return 0 if w == 1 else -(2 ** (w - 1))


def highest(t: ir.Type) -> float | int:
    if is_float(t):
        return np.inf
    w = ir.IntegerType(t).width
    return 1 if w == 1 else 2 ** (w - 1) - 1


def dense_const(arr: np.ndarray[Any, Any], t: ir.Type) -> ir.Value:
    """A tensor arith.constant holding `arr` (converted to the element type `t`)."""
    rt = ir.RankedTensorType.get(list(arr.shape), t)
    if is_float(t):
        fdt = {64: np.float64, 32: np.float32, 16: np.float16}[_fwidth(t)]
        attr = ir.DenseElementsAttr.get(np.ascontiguousarray(arr, dtype=fdt), type=rt)
    else:
        width = ir.IntegerType(t).width
        if width == 1:
            attr = ir.DenseElementsAttr.get(np.ascontiguousarray(arr, dtype=np.bool_), type=rt)
        else:
            dt = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}[width]
            attr = ir.DenseElementsAttr.get(np.ascontiguousarray(arr, dtype=dt), type=rt)
    return arith.ConstantOp(rt, attr).result


def empty(shape: Sequence[int], t: ir.Type) -> ir.Value:
    return tensor.EmptyOp(list(shape), t).result


def fill(shape: Sequence[int], t: ir.Type, value: float | int | ir.Value) -> ir.Value:
    """tensor.empty filled with a scalar (a Python number or an SSA scalar)."""
    scalar = value if isinstance(value, ir.Value) else const(t, value)
    return linalg.fill(scalar, outs=[empty(shape, t)])


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
    """Map of an operand broadcast (ONNX/numpy, right-aligned) to an iteration over out_shape."""
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
    """A linalg.generic; `body(*in_scalars, *out_scalars)` returns the yielded values."""
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
    inputs: Sequence[ir.Value], out_shape: Sequence[int], out_t: ir.Type, body: Body
) -> ir.Value:
    """A parallel generic over out_shape with broadcasting inputs; `body(*scalars)`."""
    n = len(out_shape)
    maps = [broadcast_map(shape_of(v), out_shape) for v in inputs] + [identity_map(n)]

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
    src = shape_of(v)
    out = [int(np.prod([src[i] for i in g])) for g in groups]
    rt = ir.RankedTensorType.get(out, elem(v))
    return tensor.CollapseShapeOp(rt, v, _reassoc(groups)).result


def expand(v: ir.Value, groups: list[list[int]], out_shape: Sequence[int]) -> ir.Value:
    rt = ir.RankedTensorType.get(list(out_shape), elem(v))
    return tensor.ExpandShapeOp(rt, v, _reassoc(groups), [], list(out_shape)).result


def reshape_to(v: ir.Value, shape: Sequence[int]) -> ir.Value:
    """`v` with the same elements in `shape`: one collapse_shape / expand_shape, or both."""
    src, dst = shape_of(v), list(shape)
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


def extract_slice(
    v: ir.Value, offsets: Sequence[int], sizes: Sequence[int], strides: Sequence[int] | None = None
) -> ir.Value:
    strides = list(strides) if strides is not None else [1] * len(sizes)
    if list(offsets) == [0] * len(sizes) and list(sizes) == shape_of(v) and set(strides) <= {1}:
        return v
    rt = ir.RankedTensorType.get(list(sizes), elem(v))
    return tensor.ExtractSliceOp(
        rt, v, [], [], [], list(offsets), list(sizes), list(strides)
    ).result


def insert_slice(
    src: ir.Value, dest: ir.Value, offsets: Sequence[int], strides: Sequence[int] | None = None
) -> ir.Value:
    sizes = shape_of(src)
    strides = list(strides) if strides is not None else [1] * len(sizes)
    return tensor.InsertSliceOp(src, dest, [], [], [], list(offsets), sizes, list(strides)).result


def pad_const(
    v: ir.Value, low: Sequence[int], high: Sequence[int], value: float | int | ir.Value
) -> ir.Value:
    """tensor.pad with a constant; negative entries crop with extract_slice first."""
    shape = shape_of(v)
    if any(p < 0 for p in (*low, *high)):
        offs = [max(0, -p) for p in low]
        sizes = [d - max(0, -lo) - max(0, -hi) for d, lo, hi in zip(shape, low, high, strict=True)]
        v = extract_slice(v, offs, sizes)
        low = [max(0, p) for p in low]
        high = [max(0, p) for p in high]
        shape = sizes
    if not any(low) and not any(high):
        return v
    t = elem(v)
    scalar = value if isinstance(value, ir.Value) else const(t, value)
    out = [d + lo + hi for d, lo, hi in zip(shape, low, high, strict=True)]
    rt = ir.RankedTensorType.get(out, t)
    op = tensor.PadOp(rt, v, [], [], list(low), list(high))
    block = op.regions[0].blocks.append(*([index_type()] * len(shape)))
    with ir.InsertionPoint(block):
        tensor.YieldOp(scalar)
    return op.result


def cast_scalar(x: ir.Value, to: ir.Type) -> ir.Value:
    """Convert one scalar between element types (ONNX Cast semantics, bool = i1)."""
    src = x.type
    if src == to:
        return x
    if is_float(src) and is_float(to):
        sw, dw = _fwidth(src), _fwidth(to)
        if sw == dw:
            return arith.truncf(to, arith.extf(ir.F32Type.get(), x))
        return arith.extf(to, x) if dw > sw else arith.truncf(to, x)
    if is_float(src):
        if is_bool(to):
            return arith.cmpf(CMPF["une"], x, const(src, 0.0))
        return arith.fptosi(to, x)
    if is_float(to):
        return arith.uitofp(to, x) if is_bool(src) else arith.sitofp(to, x)
    if is_bool(to):
        return arith.cmpi(CMPI["ne"], x, const(src, 0))
    sw, dw = ir.IntegerType(src).width, ir.IntegerType(to).width
    if dw > sw:
        return arith.extui(to, x) if sw == 1 else arith.extsi(to, x)
    return arith.trunci(to, x)


def _fwidth(t: ir.Type) -> int:
    if isinstance(t, ir.F64Type):
        return 64
    if isinstance(t, ir.F32Type):
        return 32
    return 16


def to_index(x: ir.Value) -> ir.Value:
    return arith.index_cast(index_type(), x)
