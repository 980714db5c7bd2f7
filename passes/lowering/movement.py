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

from strata.passes.lowering import sizes as sz
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
    is_dynamic,
    is_float,
    norm_axis,
    pad_const,
    rank,
    reshape_to,
    result_shape,
    shape_of,
    to_index,
    type_shape,
)
from strata.passes.lowering.sizes import Size


def is_dynamic_dim(v: ir.Value, d: int) -> bool:
    t = ir.RankedTensorType(v.type)
    return d < t.rank and t.is_dynamic_dim(d)


def lower_reshape(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """reshape / flatten / squeeze / unsqueeze: a collapse / expand (tensor.reshape when
    dynamic dims move between groups)."""
    x = op.operands[0]
    rt = ir.RankedTensorType(op.results[0].type)
    if rt.has_static_shape and not is_dynamic(x):
        return [reshape_to(x, [int(d) for d in rt.shape])]
    xs = sz.sizes_of(x)
    name = op.name
    out: list[Size]
    if name == "nn.flatten":
        axis = attr_int(op, "axis")
        axis = axis + len(xs) if axis < 0 else axis
        out = [sz.product(xs[:axis]), sz.product(xs[axis:])]
    elif name == "nn.squeeze":
        drop = {norm_axis(a, len(xs)) for a in attr_ints(op, "axes")}
        out = [d for i, d in enumerate(xs) if i not in drop]
    elif name == "nn.unsqueeze":
        n = len(xs) + len(attr_ints(op, "axes"))
        new = {norm_axis(a, n) for a in attr_ints(op, "axes")}
        it = iter(xs)
        out = [1 if i in new else next(it) for i in range(n)]
    else:
        out = _reshape_sizes(xs, attr_ints(op, "shape"), bool(attr_int(op, "allowzero")))
    # dims the result type knows statically are taken from it
    out = [int(rt.shape[i]) if not rt.is_dynamic_dim(i) else d for i, d in enumerate(out)]
    return [reshape_to(x, out)]


def _reshape_sizes(xs: list[Size], shape: list[int], allowzero: bool) -> list[Size]:
    """ONNX Reshape's target sizes: 0 copies the input dim, -1 takes the rest."""
    out: list[Size] = [xs[i] if d == 0 and not allowzero else d for i, d in enumerate(shape)]
    if -1 in shape:
        k = shape.index(-1)
        rest = sz.product([d for i, d in enumerate(out) if i != k])
        out[k] = sz.floordiv(sz.product(xs), rest)
    return out


def lower_transpose(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    perm = attr_ints(op, "perm")
    if perm == list(range(len(perm))):
        return [x]
    xs = sz.sizes_of(x)
    out = empty([xs[p] for p in perm], elem(x))
    return [linalg.transpose(x, outs=[out], permutation=perm).results[0]]


def lower_concat(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    ins = list(op.operands)
    if len(ins) == 1:
        return [ins[0]]
    n = rank(ins[0])
    axis = norm_axis(attr_int(op, "axis"), n)
    shape = broadcast_sizes_except(op, ins, axis)
    shape[axis] = sz.add(sz.dim_of(ins[0], axis), sz.dim_of(ins[1], axis))
    acc = empty(shape, elem(ins[0]))
    offset: Size = 0
    for v in ins:
        size = sz.dim_of(v, axis)
        if not (isinstance(size, int) and size == 0):
            offs: list[Size] = [0] * n
            offs[axis] = offset
            acc = insert_slice(v, acc, offs)
        offset = sz.add(offset, size)
    return [acc]


def broadcast_sizes_except(op: ir.Operation, ins: Sequence[ir.Value], axis: int) -> list[Size]:
    """Result sizes of a concat-like op: static ones from its type, dynamic ones from the
    first input with a dynamic dim there (the concatenated axis is filled by the caller)."""
    rt = ir.RankedTensorType(op.results[0].type)
    out: list[Size] = []
    for d in range(rt.rank):
        if not rt.is_dynamic_dim(d) or d == axis:
            out.append(int(rt.shape[d]) if not rt.is_dynamic_dim(d) else 0)
            continue
        out.append(next((sz.dim_of(v, d) for v in ins if is_dynamic_dim(v, d)), 0))
    return out


def lower_split(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs = sz.sizes_of(x)
    axis = norm_axis(attr_int(op, "axis"), len(xs))
    outs, offset = [], 0
    for piece in attr_ints(op, "split"):
        size = list(xs)
        size[axis] = piece
        offs: list[Size] = [0] * len(xs)
        offs[axis] = offset
        outs.append(extract_slice(x, offs, size))
        offset += piece
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
    if is_dynamic(x):
        return [_dynamic_slice(x, op)]
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


def slice_axis_sizes(start: Size, end: Size, step: int, size: Size) -> tuple[Size, Size]:
    """Run-time ONNX clamping of start:end:step on an axis of `size`: (offset of the first
    element read in memory order, count). `start` / `end` may be dynamic."""
    start = sz.select_lt(start, 0, sz.add(start, size), start)
    end = sz.select_lt(end, 0, sz.add(end, size), end)
    if step > 0:
        start = sz.clamp(start, 0, size)
        end = sz.clamp(end, 0, size)
        count = sz.smax(sz.ceildiv(sz.sub(end, start), step), 0)
        return start, count
    start = sz.clamp(start, 0, sz.sub(size, 1))
    end = sz.clamp(end, -1, sz.sub(size, 1))
    count = sz.smax(sz.ceildiv(sz.sub(start, end), -step), 0)
    # negative steps read backwards: the lowest address is start + (count - 1) * step
    first = sz.add(start, sz.mul(sz.sub(count, 1), step))
    return sz.select_lt(count, 1, 0, first), count


def _clamp_bound(v: int) -> int:
    """Keep huge ONNX bounds (INT64_MAX / MIN) from overflowing index arithmetic."""
    return max(min(v, 2**62), -(2**62))


def _dynamic_slice(x: ir.Value, op: ir.Operation) -> ir.Value:
    """nn.slice on a dynamically shaped input: bounds clamped at run time."""
    xs = sz.sizes_of(x)
    n = len(xs)
    offs: list[Size] = [0] * n
    sizes: list[Size] = list(xs)
    strides: list[Size] = [1] * n
    reverse: list[int] = []
    for st, en, ax, sp in zip(
        attr_ints(op, "starts"),
        attr_ints(op, "ends"),
        attr_ints(op, "axes"),
        attr_ints(op, "steps"),
        strict=True,
    ):
        a = norm_axis(ax, n)
        if isinstance(xs[a], int):
            first, count = _slice_axis(st, en, sp, xs[a])
            offs[a] = 0 if not count else first if sp > 0 else first + (count - 1) * sp
            sizes[a] = count
            if sp < 0 and count > 1:
                reverse.append(a)
        else:
            offs[a], sizes[a] = slice_axis_sizes(_clamp_bound(st), _clamp_bound(en), sp, xs[a])
            if sp < 0:
                reverse.append(a)
        strides[a] = abs(sp)
    y = extract_slice(x, offs, sizes, strides)
    return reverse_axes(y, reverse) if reverse else y


def reverse_axes(y: ir.Value, axes: Sequence[int]) -> ir.Value:
    """y with the order of elements along `axes` reversed."""
    ys = sz.sizes_of(y)
    n = len(ys)

    def body(_: ir.Value) -> ir.Value:
        coords = []
        for i in range(n):
            if i in axes:
                last = sz.value(sz.sub(ys[i], 1))
                coords.append(arith.subi(last, index(i)))
            else:
                coords.append(index(i))
        return tensor.extract(y, coords)

    return generic([], [empty(ys, elem(y))], [identity_map(n)], "p" * n, body)[0]


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
    ds, ish = sz.sizes_of(data), sz.sizes_of(indices)
    axis = norm_axis(attr_int(op, "axis"), len(ds))
    out = [*ds[:axis], *ish, *ds[axis + 1 :]]
    k = _constant_scalar_index(indices)
    if k is not None:  # a constant scalar index: a slice
        kk: Size = k if k >= 0 else sz.add(ds[axis], k)
        offs: list[Size] = [0] * len(ds)
        offs[axis] = kk
        sizes = list(ds)
        sizes[axis] = 1
        return [reshape_to(extract_slice(data, offs, sizes), out)]
    n = len(out)
    ni = len(ish)
    imap = amap(n, [dim(axis + i) for i in range(ni)])
    axis_size = ds[axis]

    def body(idx: ir.Value, _: ir.Value) -> ir.Value:
        i = to_index(idx)
        neg = arith.cmpi(CMPI["slt"], i, const(index_type(), 0))
        i = arith.select(neg, arith.addi(i, sz.value(axis_size)), i)
        coords = [index(d) for d in range(axis)] + [i]
        coords += [index(axis + ni + d) for d in range(len(ds) - axis - 1)]
        return tensor.extract(data, coords)

    return [generic([indices], [empty(out, elem(data))], [imap, identity_map(n)], "p" * n, body)[0]]


def lower_expand(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    rt = ir.RankedTensorType(op.results[0].type)
    if type_shape(x) == list(rt.shape) and rt.has_static_shape:
        return [x]
    shape = attr_ints(op, "shape")
    xs = sz.sizes_of(x)
    n = rt.rank
    xs = [1] * (n - len(xs)) + xs
    want = [1] * (n - len(shape)) + list(shape)
    out: list[Size] = []
    for i in range(n):
        if not rt.is_dynamic_dim(i):
            out.append(int(rt.shape[i]))
        else:  # a dynamic input dim facing 1 in `shape`
            out.append(xs[i] if want[i] == 1 else sz.smax(xs[i], want[i]))
    return [elementwise([x], out, elem(x), lambda v: v)]


def pad_index(i: ir.Value, size: Size, begin: Size, mode: str) -> ir.Value:
    """Source index of padded position i along an axis of `size` (reflect / edge / wrap)."""
    it = index_type()
    j = arith.subi(i, sz.value(begin))
    zero, last = const(it, 0), sz.value(sz.sub(size, 1))
    n = sz.value(size)
    if mode == "edge":
        return arith.minsi(arith.maxsi(j, zero), last)
    if mode == "wrap":
        r = arith.remsi(j, n)
        return arith.select(arith.cmpi(CMPI["slt"], r, zero), arith.addi(r, n), r)
    if mode == "reflect":
        if isinstance(size, int) and size == 1:
            return zero
        period = sz.value(sz.smax(sz.mul(sz.sub(size, 1), 2), 1))
        r = arith.remsi(j, period)
        r = arith.select(arith.cmpi(CMPI["slt"], r, zero), arith.addi(r, period), r)
        return arith.select(arith.cmpi(CMPI["sgt"], r, last), arith.subi(period, r), r)
    raise LoweringError(f"pad mode '{mode}' is not supported")


def lower_pad(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs, t = sz.sizes_of(x), elem(x)
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
        xs = sz.sizes_of(x)
        begin, end = [max(p, 0) for p in begin], [max(p, 0) for p in end]
    out = [sz.add(d, begin[i] + end[i]) for i, d in enumerate(xs)]

    def body(_: ir.Value) -> ir.Value:
        coords = [
            index(d) if not (begin[d] or end[d]) else pad_index(index(d), xs[d], begin[d], mode)
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
    x = op.operands[0]
    out = result_shape(op)
    r = rank(x)
    start, end = attr_int(op, "start"), attr_int(op, "end")
    start = min(max(start + r if start < 0 else start, 0), r)
    end = min(max(end + r if end < 0 else end, 0), r)
    if [max(0, end - start)] != out:
        raise LoweringError(f"shape computes [{max(0, end - start)}], op says {out}")
    t = elem(op.results[0])
    if not is_dynamic(x):
        return [dense_const(np.array(shape_of(x)[start:end], np.int64), t)]
    dims = [sz.value(d) for d in sz.sizes_of(x)[start:end]]
    vals = [arith.index_cast(t, d) for d in dims]
    return [tensor.from_elements(ir.RankedTensorType.get(out, t), vals)]


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
