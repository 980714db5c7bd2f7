"""Indexing ops -> gathering linalg.generics (`tensor.extract` at computed coordinates).

GatherElements iterates over the indices' shape and reads the data at the same coordinates
except along `axis`, where the (wrapped) index is used. GatherND iterates over the result and
reads its k-tuple of data coordinates from the indices (clamped, so an out-of-range index, which
ONNX forbids, cannot read out of bounds). OneHot compares each result position
along `axis` with the (wrapped) index there and picks the on / off value; its depth is an
attribute (`nn.one_hot`) or a scalar read at run time (`nn.dynamic_one_hot`).

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    amap,
    attr_int,
    const,
    dim,
    elem,
    empty,
    generic,
    i64,
    identity_map,
    index,
    index_type,
    is_float,
    norm_axis,
    rank,
    to_index,
)
from strata.passes.lowering.sizes import Size


def wrap_index(i: ir.Value, size: Size) -> ir.Value:
    """An index value, negative ones counted from the end (i + size)."""
    i = to_index(i)
    neg = arith.cmpi(CMPI["slt"], i, const(index_type(), 0))
    return arith.select(neg, arith.addi(i, sz.value(size)), i)


def clamped_index(i: ir.Value, size: Size) -> ir.Value:
    """wrap_index, then clamped into [0, size): an index ONNX forbids reads in bounds."""
    return sz.value(sz.clamp(wrap_index(i, size), 0, sz.sub(size, 1)))


def read_scalar_index(v: ir.Value) -> ir.Value:
    """The single element of a scalar or 1-element tensor as an index (floats truncate)."""
    x = tensor.extract(v, [sz.cindex(0)] * rank(v))
    if is_float(x.type):
        x = arith.fptosi(i64(), x)
    return to_index(x)


def lower_gather_elements(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    data, indices = op.operands[0], op.operands[1]
    n = rank(data)
    axis = norm_axis(attr_int(op, "axis"), n)
    axis_size = sz.dim_of(data, axis)

    def body(idx: ir.Value, _: ir.Value) -> ir.Value:
        coords = [index(d) for d in range(n)]
        coords[axis] = wrap_index(idx, axis_size)
        return tensor.extract(data, coords)

    out = empty(sz.sizes_of(indices), elem(data))
    maps = [identity_map(n), identity_map(n)]
    return [generic([indices], [out], maps, "p" * n, body)[0]]


def lower_gather_nd(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """y[b.., i.., t..] = data[b.., indices[b.., i.., 0], ..., indices[b.., i.., k-1], t..]."""
    data, indices = op.operands[0], op.operands[1]
    b = attr_int(op, "batch_dims")
    ds, ish = sz.sizes_of(data), sz.sizes_of(indices)
    q = len(ish)
    k = ish[-1]
    assert isinstance(k, int)
    out = [*ds[:b], *ish[b:-1], *ds[b + k :]]
    n = len(out)

    def body(_: ir.Value) -> ir.Value:
        lead = [index(d) for d in range(q - 1)]  # the result's coordinates in `indices`
        coords = [index(d) for d in range(b)]
        for j in range(k):
            raw = tensor.extract(indices, [*lead, sz.cindex(j)])
            coords.append(clamped_index(raw, ds[b + j]))
        coords += [index(q - 1 + t) for t in range(len(ds) - b - k)]
        return tensor.extract(data, coords)

    return [generic([], [empty(out, elem(data))], [identity_map(n)], "p" * n, body)[0]]


def _lower_one_hot(
    op: ir.Operation, indices: ir.Value, depth: Size, values: ir.Value
) -> list[ir.Value]:
    n = rank(indices) + 1
    axis = norm_axis(attr_int(op, "axis"), n)
    ish = sz.sizes_of(indices)
    out = [*ish[:axis], depth, *ish[axis:]]
    t = elem(values)
    off = tensor.extract(values, [sz.cindex(0)])
    on = tensor.extract(values, [sz.cindex(1)])
    imap = amap(n, [dim(d) for d in range(n) if d != axis])

    def body(idx: ir.Value, _: ir.Value) -> ir.Value:
        if is_float(idx.type):
            idx = arith.fptosi(i64(), idx)
        hot = arith.cmpi(CMPI["eq"], wrap_index(idx, depth), index(axis))
        return arith.select(hot, on, off)

    return [generic([indices], [empty(out, t)], [imap, identity_map(n)], "p" * n, body)[0]]


def lower_one_hot(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return _lower_one_hot(op, op.operands[0], attr_int(op, "depth"), op.operands[1])


def lower_dynamic_one_hot(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    depth = sz.smax(read_scalar_index(op.operands[1]), 0)
    return _lower_one_hot(op, op.operands[0], depth, op.operands[2])


LOWERINGS = {
    "LowerGatherElements": lower_gather_elements,
    "LowerGatherND": lower_gather_nd,
    "LowerOneHot": lower_one_hot,
    "LowerDynamicOneHot": lower_dynamic_one_hot,
}
