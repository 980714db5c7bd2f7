"""Shape and data movement ops -> tensor reshapes / slices / pads and gathering generics.

Reshape-like ops (reshape, flatten, squeeze, unsqueeze) become collapse_shape / expand_shape
(both for a general reshape); Slice an extract_slice plus a reversing generic for negative
steps; Gather a generic that reads with tensor.extract at the wrapped index; Pad tensor.pad
(constant) or a generic computing reflect / edge / wrap source indices; Shape and
ConstantOfShape constants.

Dependency contract: imports numpy, the `mlir` bindings and `strata.passes.lowering.common`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, tensor

from strata.passes.lowering.common import (
    CMPI,
    LoweringError,
    amap,
    attr_float,
    attr_int,
    attr_ints,
    attr_str,
    const,
    cst_expr,
    dense_const,
    dim,
    elem,
    elementwise,
    empty,
    extract_slice,
    fill,
    generic,
    identity_map,
    index,
    index_type,
    insert_slice,
    is_float,
    norm_axis,
    pad_const,
    reshape_to,
    result_shape,
    shape_of,
    to_index,
)


def lower_reshape(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return [reshape_to(op.operands[0], result_shape(op))]


def lower_transpose(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    perm = attr_ints(op, "perm")
    if perm == list(range(len(perm))):
        return [x]
    out = empty(result_shape(op), elem(x))
    return [linalg.transpose(x, outs=[out], permutation=perm).results[0]]


def lower_concat(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    shape = result_shape(op)
    axis = norm_axis(attr_int(op, "axis"), len(shape))
    ins = list(op.operands)
    if len(ins) == 1:
        return [ins[0]]
    acc = empty(shape, elem(ins[0]))
    offset = 0
    for v in ins:
        size = shape_of(v)[axis]
        if size:
            offs = [0] * len(shape)
            offs[axis] = offset
            acc = insert_slice(v, acc, offs)
        offset += size
    return [acc]


def lower_split(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs = shape_of(x)
    axis = norm_axis(attr_int(op, "axis"), len(xs))
    outs, offset = [], 0
    for r in op.results:
        size = list(ir.RankedTensorType(r.type).shape)
        offs = [0] * len(xs)
        offs[axis] = offset
        outs.append(extract_slice(x, offs, size))
        offset += size[axis]
    return outs


def _slice_axis(start: int, end: int, step: int, size: int) -> tuple[int, int]:
    """ONNX clamping: (first index, count) of start:end:step on an axis of `size`."""
    if step == 0:
        raise LoweringError("slice step must not be 0")
    start = start + size if start < 0 else start
    end = end + size if end < 0 else end
    if step > 0:
        start, end = min(max(start, 0), size), min(max(end, 0), size)
        count = max(0, -(-(end - start) // step))
    else:
        start, end = min(max(start, 0), size - 1), min(max(end, -1), size - 1)
        count = max(0, -(-(start - end) // -step))
    return start, count


def lower_slice(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs = shape_of(x)
    n = len(xs)
    offs, sizes, strides = [0] * n, list(xs), [1] * n
    reverse: list[int] = []
    starts, ends = attr_ints(op, "starts"), attr_ints(op, "ends")
    axes, steps = attr_ints(op, "axes"), attr_ints(op, "steps")
    for st, en, ax, sp in zip(starts, ends, axes, steps, strict=True):
        a = norm_axis(ax, n)
        first, count = _slice_axis(st, en, sp, xs[a])
        sizes[a], strides[a] = count, abs(sp)
        offs[a] = 0 if not count else first if sp > 0 else first + (count - 1) * sp
        if sp < 0 and count > 1:
            reverse.append(a)
    if sizes != result_shape(op):
        raise LoweringError(f"slice computes shape {sizes}, op says {result_shape(op)}")
    y = extract_slice(x, offs, sizes, strides)
    if reverse:
        exprs = [cst_expr(sizes[i] - 1) - dim(i) if i in reverse else dim(i) for i in range(n)]
        y = generic(
            [y], [empty(sizes, elem(x))], [amap(n, exprs), identity_map(n)], "p" * n, lambda v, _: v
        )[0]
    return [y]


def _constant_scalar_index(v: ir.Value) -> int | None:
    owner = v.owner
    op = owner.operation if isinstance(owner, ir.OpView) else owner
    if not isinstance(op, ir.Operation) or op.name not in ("arith.constant", "nn.constant"):
        return None
    a = op.attributes["value"]
    if isinstance(a, ir.DenseIntElementsAttr) and ir.RankedTensorType(a.type).rank == 0:
        return int(a[0]) if len(a) else None
    return None


def lower_gather(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    data, indices = op.operands[0], op.operands[1]
    ds, ish = shape_of(data), shape_of(indices)
    axis = norm_axis(attr_int(op, "axis"), len(ds))
    out = result_shape(op)
    k = _constant_scalar_index(indices)
    if k is not None:  # a constant scalar index: a slice
        k = k + ds[axis] if k < 0 else k
        offs = [0] * len(ds)
        offs[axis] = k
        sizes = list(ds)
        sizes[axis] = 1
        return [reshape_to(extract_slice(data, offs, sizes), out)]
    n = len(out)
    ni = len(ish)
    imap = amap(n, [dim(axis + i) for i in range(ni)])

    def body(idx: ir.Value, _: ir.Value) -> ir.Value:
        i = to_index(idx)
        neg = arith.cmpi(CMPI["slt"], i, const(index_type(), 0))
        i = arith.select(neg, arith.addi(i, const(index_type(), ds[axis])), i)
        coords = [index(d) for d in range(axis)] + [i]
        coords += [index(axis + ni + d) for d in range(len(ds) - axis - 1)]
        return tensor.extract(data, coords)

    return [generic([indices], [empty(out, elem(data))], [imap, identity_map(n)], "p" * n, body)[0]]


def lower_expand(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    out = result_shape(op)
    if shape_of(x) == out:
        return [x]
    return [elementwise([x], out, elem(x), lambda v: v)]


def _pad_index(i: ir.Value, size: int, begin: int, mode: str) -> ir.Value:
    """Source index of padded position i along an axis of `size` (reflect / edge / wrap)."""
    it = index_type()
    j = arith.subi(i, const(it, begin))
    zero, last = const(it, 0), const(it, size - 1)
    if mode == "edge":
        return arith.minsi(arith.maxsi(j, zero), last)
    if mode == "wrap":
        r = arith.remsi(j, const(it, size))
        return arith.select(arith.cmpi(CMPI["slt"], r, zero), arith.addi(r, const(it, size)), r)
    if mode == "reflect":
        if size == 1:
            return zero
        period = 2 * (size - 1)
        r = arith.remsi(j, const(it, period))
        r = arith.select(arith.cmpi(CMPI["slt"], r, zero), arith.addi(r, const(it, period)), r)
        return arith.select(arith.cmpi(CMPI["sgt"], r, last), arith.subi(const(it, period), r), r)
    raise LoweringError(f"pad mode '{mode}' is not supported")


def lower_pad(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs, t = shape_of(x), elem(x)
    n = len(xs)
    pads = attr_ints(op, "pads")
    begin, end = pads[:n], pads[n:]
    mode = attr_str(op, "mode")
    if mode == "constant":
        v = attr_float(op, "constant_value")
        return [pad_const(x, begin, end, v if is_float(t) else int(v))]
    # Crop negative pads first, then read each output element from its source position.
    if any(p < 0 for p in pads):
        x = pad_const(x, [min(p, 0) for p in begin], [min(p, 0) for p in end], 0)
        xs = shape_of(x)
        begin, end = [max(p, 0) for p in begin], [max(p, 0) for p in end]
    out = result_shape(op)

    def body(_: ir.Value) -> ir.Value:
        coords = [
            index(d) if not (begin[d] or end[d]) else _pad_index(index(d), xs[d], begin[d], mode)
            for d in range(n)
        ]
        return tensor.extract(x, coords)

    return [generic([], [empty(out, t)], [identity_map(n)], "p" * n, body)[0]]


def lower_constant_of_shape(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    value = op.attributes["value"]
    rt = ir.RankedTensorType(op.results[0].type)
    t = rt.element_type
    scalar = first_element(value)
    if int(np.prod(rt.shape)) <= 64:
        return [dense_const(np.full(rt.shape, scalar), t)]
    return [fill(list(rt.shape), t, scalar)]


def first_element(a: ir.Attribute) -> float | int:
    """The first element of a dense int / float attribute (0 for an empty one)."""
    if isinstance(a, ir.DenseFPElementsAttr):
        return float(a.get_splat_value().value) if a.is_splat else float(a[0]) if len(a) else 0.0
    if isinstance(a, ir.DenseIntElementsAttr):
        return int(a.get_splat_value().value) if a.is_splat else int(a[0]) if len(a) else 0
    raise LoweringError(f"expected a dense int or float attribute, got {a}")


def lower_shape(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    xs = shape_of(op.operands[0])
    out = result_shape(op)
    r = len(xs)
    start, end = attr_int(op, "start"), attr_int(op, "end")
    start = min(max(start + r if start < 0 else start, 0), r)
    end = min(max(end + r if end < 0 else end, 0), r)
    dims = np.array(xs[start:end], np.int64)
    if list(dims.shape) != out:
        raise LoweringError(f"shape computes {list(dims.shape)}, op says {out}")
    return [dense_const(dims, elem(op.results[0]))]


LOWERINGS = {
    "LowerReshape": lower_reshape,
    "LowerTranspose": lower_transpose,
    "LowerConcat": lower_concat,
    "LowerSplit": lower_split,
    "LowerSlice": lower_slice,
    "LowerGather": lower_gather,
    "LowerExpand": lower_expand,
    "LowerPad": lower_pad,
    "LowerConstantOfShape": lower_constant_of_shape,
    "LowerShape": lower_shape,
}
