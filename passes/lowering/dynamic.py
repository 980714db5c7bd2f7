"""Ops whose shapes come from tensors computed at run time -> tensor / linalg IR.

`nn.dynamic_reshape` reads its target shape element by element (ONNX's 0 and -1 resolved with
`arith.select`) and becomes a `tensor.reshape`; `nn.dynamic_slice` clamps every bound at run
time and reads the result with one gathering generic (it also covers negative and run-time
steps); `nn.dynamic_expand` broadcasts with run-time sizes, where an input dim of size 1 at
run time is read at index 0; `nn.dynamic_constant_of_shape` fills a tensor of the read
shape; `nn.range` computes its length, then start + i * delta; `nn.size` multiplies dims.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, linalg, math, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    attr_int,
    const,
    elem,
    empty,
    fill,
    generic,
    i64,
    identity_map,
    index,
    index_type,
    is_float,
    rank,
    to_index,
)
from strata.passes.lowering.movement import first_element
from strata.passes.lowering.sizes import Size


def read_vector(v: ir.Value) -> list[ir.Value]:
    """The entries of a 1-d integer tensor of static length, as index values."""
    n = ir.RankedTensorType(v.type).shape[0]
    return [to_index(tensor.extract(v, [sz.cindex(i)])) for i in range(n)]


def _eq(a: ir.Value, b: int) -> ir.Value:
    return arith.cmpi(CMPI["eq"], a, const(index_type(), b))


def _select(cond: ir.Value, a: Size, b: Size) -> ir.Value:
    return arith.select(cond, sz.value(a), sz.value(b))


def lower_dynamic_reshape(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, shape = op.operands[0], op.operands[1]
    allowzero = bool(attr_int(op, "allowzero"))
    xs = sz.sizes_of(x)
    want = read_vector(shape)
    # 0 copies the input's dim (unless allowzero); -1 is what is left
    sizes: list[ir.Value] = []
    for i, w in enumerate(want):
        if not allowzero and i < len(xs):
            w = _select(_eq(w, 0), xs[i], w)
        sizes.append(w)
    known = sz.value(1)
    for w in sizes:
        known = arith.muli(known, _select(_eq(w, -1), 1, w))
    inferred = sz.value(sz.floordiv(sz.product(xs), sz.smax(known, 1)))
    sizes = [_select(_eq(w, -1), inferred, w) for w in sizes]
    it = index_type()
    shape_t = (
        tensor.from_elements(ir.RankedTensorType.get([len(sizes)], it), sizes)
        if sizes
        else tensor.EmptyOp([0], it).result
    )
    return [tensor.reshape(ir.RankedTensorType(op.results[0].type), x, shape_t)]


def _clamped(start: ir.Value, end: ir.Value, step: ir.Value, size: Size) -> tuple[Size, Size]:
    """(first index, count) of ONNX's start:end:step on an axis of `size`, step dynamic."""
    n = sz.value(size)
    zero = sz.value(0)
    start = _select(arith.cmpi(CMPI["slt"], start, zero), sz.add(start, n), start)
    end = _select(arith.cmpi(CMPI["slt"], end, zero), sz.add(end, n), end)
    pos_start, pos_end = sz.clamp(start, 0, n), sz.clamp(end, 0, n)
    neg_start, neg_end = sz.clamp(start, 0, sz.sub(n, 1)), sz.clamp(end, -1, sz.sub(n, 1))
    positive = arith.cmpi(CMPI["sgt"], step, zero)
    first = _select(positive, pos_start, neg_start)
    # count = ceil(distance / |step|), at least 0
    distance = _select(positive, sz.sub(pos_end, pos_start), sz.sub(neg_start, neg_end))
    count = sz.smax(sz.ceildiv(distance, math.absi(step)), 0)
    return first, count


def lower_dynamic_slice(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    starts, ends, axes, steps = (read_vector(op.operands[i]) for i in range(1, 5))
    xs = sz.sizes_of(x)
    r = len(xs)
    first: list[Size] = [0] * r
    count: list[Size] = list(xs)
    stride: list[Size] = [1] * r
    for k, ax in enumerate(axes):
        ax = _select(arith.cmpi(CMPI["slt"], ax, sz.value(0)), sz.add(ax, r), ax)
        for d in range(r):
            here = _eq(ax, d)
            f, c = _clamped(starts[k], ends[k], steps[k], xs[d])
            first[d] = _select(here, f, first[d])
            count[d] = _select(here, c, count[d])
            stride[d] = _select(here, steps[k], stride[d])

    def body(_: ir.Value) -> ir.Value:
        coords = [sz.value(sz.add(first[d], sz.mul(index(d), stride[d]))) for d in range(r)]
        return tensor.extract(x, coords)

    out = empty(count, elem(x))
    y = generic([], [out], [identity_map(r)], "p" * r, body)[0]
    return [_cast_to(y, op.results[0].type)]


def _cast_to(v: ir.Value, t: ir.Type) -> ir.Value:
    return v if v.type == t else tensor.cast(t, v)


def lower_dynamic_expand(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, shape = op.operands[0], op.operands[1]
    want = read_vector(shape)
    n = max(len(want), rank(x))
    xs: list[Size] = [1] * (n - rank(x)) + sz.sizes_of(x)
    wp: list[Size] = [1] * (n - len(want)) + want
    out = [sz.value(_select(_eq(sz.value(w), 1), xs[d], w)) for d, w in enumerate(wp)]
    lead = n - rank(x)

    def body(_: ir.Value) -> ir.Value:
        coords = []
        for d in range(lead, n):
            size = xs[d]
            if isinstance(size, int):
                coords.append(sz.value(0) if size == 1 else index(d))
            else:  # a dynamic dim of size 1 broadcasts
                coords.append(_select(_eq(size, 1), 0, index(d)))
        return tensor.extract(x, coords)

    y = generic([], [empty(out, elem(x))], [identity_map(n)], "p" * n, body)[0]
    return [_cast_to(y, op.results[0].type)]


def lower_dynamic_constant_of_shape(
    op: ir.Operation, args: Sequence[ir.Attribute]
) -> list[ir.Value]:
    sizes = read_vector(op.operands[0])
    t = elem(op.results[0])
    return [fill(sizes, t, first_element(op.attributes["value"]))]


def lower_range(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    start, limit, delta = (tensor.extract(op.operands[i], []) for i in range(3))
    t = elem(op.results[0])
    if is_float(t):
        steps = math.ceil(arith.divf(arith.subf(limit, start), delta))
        count: ir.Value = arith.fptosi(i64(), steps)
    else:
        w = ir.IntegerType(t).width
        wide = (lambda v: v) if w == 64 else (lambda v: arith.extsi(i64(), v))
        count = arith.ceildivsi(arith.subi(wide(limit), wide(start)), wide(delta))
    n = sz.smax(to_index(count), 0)

    def body(_: ir.Value) -> ir.Value:
        i = arith.index_cast(i64(), index(0))
        if is_float(t):
            return arith.addf(start, arith.mulf(arith.sitofp(t, i), delta))
        return arith.addi(start, arith.muli(arith.trunci(t, i) if t != i64() else i, delta))

    return [generic([], [empty([n], t)], [identity_map(1)], "p", body)[0]]


def lower_size(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    total = sz.value(sz.product(sz.sizes_of(op.operands[0])))
    value = arith.index_cast(i64(), total)
    return [linalg.fill(value, outs=[empty([], i64())])]


LOWERINGS = {
    "LowerDynamicReshape": lower_dynamic_reshape,
    "LowerDynamicSlice": lower_dynamic_slice,
    "LowerDynamicExpand": lower_dynamic_expand,
    "LowerDynamicConstantOfShape": lower_dynamic_constant_of_shape,
    "LowerRange": lower_range,
    "LowerSize": lower_size,
}
