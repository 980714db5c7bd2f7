"""Scatter ops -> loops over the updates that insert into a copy of the data, and TensorScatter
-> one selecting linalg.generic.

ScatterElements and ScatterND write element by element in a nest of `scf.for` loops over the
updates, carrying the result tensor (`tensor.extract` the current value, combine it with the
update by `reduction`, `tensor.insert`); bufferization turns the carried tensor into one
buffer written in place. Writes happen in the updates' row-major order, so with duplicate
indices the last write wins (reduction none) or every update is combined (add, mul, max, min),
as the ONNX reference does. A write whose (wrapped) index still lies outside the data, which
ONNX forbids, is skipped rather than made out of bounds. TensorScatter writes contiguous runs
along one axis per batch, so every result element can instead pick its source: the update if
its position along `axis` falls in the written run (modulo the axis size in circular mode),
the past cache otherwise.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
indexing}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, scf, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    LoweringError,
    attr_int,
    attr_str,
    elem,
    empty,
    generic,
    identity_map,
    index,
    is_bool,
    is_float,
    norm_axis,
    rank,
    to_index,
)
from strata.passes.lowering.indexing import wrap_index

LoopBody = Callable[[list[ir.Value], ir.Value], ir.Value]
LoopValue = Callable[[], ir.Value]


def loop_nest(sizes: Sequence[sz.Size], init: ir.Value, body: LoopBody) -> ir.Value:
    """scf.for loops over `sizes` carrying one tensor; `body(ivs, acc)` returns the new acc."""

    def level(d: int, ivs: list[ir.Value], acc: ir.Value) -> ir.Value:
        if d == len(sizes):
            return body(ivs, acc)
        loop = scf.ForOp(sz.cindex(0), sz.value(sizes[d]), sz.cindex(1), [acc])
        with ir.InsertionPoint(loop.body):
            scf.YieldOp([level(d + 1, [*ivs, loop.induction_variable], loop.inner_iter_args[0])])
        return loop.results[0]

    return level(0, [], init)


def guarded_insert(
    acc: ir.Value, coords: Sequence[ir.Value], sizes: Sequence[sz.Size], value: LoopValue
) -> ir.Value:
    """acc with `value()` written at `coords` when they lie inside `sizes`; an index outside
    the data (invalid ONNX) leaves acc unchanged instead of writing out of bounds."""
    zero = sz.cindex(0)
    ok = arith.ConstantOp(ir.IntegerType.get_signless(1), 1).result
    for c, n in zip(coords, sizes, strict=True):
        inside = arith.andi(
            arith.cmpi(CMPI["sge"], c, zero), arith.cmpi(CMPI["slt"], c, sz.value(n))
        )
        ok = arith.andi(ok, inside)
    branch = scf.IfOp(ok, [acc.type], has_else=True)
    with ir.InsertionPoint(branch.then_block):
        scf.YieldOp([tensor.insert(value(), acc, list(coords))])
    with ir.InsertionPoint(branch.else_block):
        scf.YieldOp([acc])
    return branch.results[0]


def combine(reduction: str, old: ir.Value, new: ir.Value) -> ir.Value:
    """ScatterElements / ScatterND's `reduction` of the current element and the update."""
    t = old.type
    if reduction == "none":
        return new
    if is_bool(t):
        ops = {"add": arith.ori, "mul": arith.andi, "max": arith.ori, "min": arith.andi}
    elif is_float(t):
        ops = {"add": arith.addf, "mul": arith.mulf, "max": arith.maximumf, "min": arith.minimumf}
    elif isinstance(t, ir.IntegerType) and t.is_unsigned:
        raise LoweringError(f"scatter reduction '{reduction}' on unsigned {t} is not supported")
    else:
        ops = {"add": arith.addi, "mul": arith.muli, "max": arith.maxsi, "min": arith.minsi}
    if reduction not in ops:
        raise LoweringError(f"scatter reduction '{reduction}' is not supported")
    return ops[reduction](old, new)


def lower_scatter_elements(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    data, indices, updates = op.operands[0], op.operands[1], op.operands[2]
    n = rank(data)
    axis = norm_axis(attr_int(op, "axis"), n)
    reduction = attr_str(op, "reduction")
    axis_size = sz.dim_of(data, axis)

    ds = sz.sizes_of(data)

    def body(ivs: list[ir.Value], acc: ir.Value) -> ir.Value:
        coords = list(ivs)
        coords[axis] = wrap_index(tensor.extract(indices, ivs), axis_size)

        def value() -> ir.Value:
            new = tensor.extract(updates, ivs)
            if reduction == "none":
                return new
            return combine(reduction, tensor.extract(acc, coords), new)

        return guarded_insert(acc, coords, ds, value)

    return [loop_nest(sz.sizes_of(updates), data, body)]


def lower_scatter_nd(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """updates[i.., t..] goes to data[indices[i.., 0], ..., indices[i.., k-1], t..]."""
    data, indices, updates = op.operands[0], op.operands[1], op.operands[2]
    reduction = attr_str(op, "reduction")
    ds, ish = sz.sizes_of(data), sz.sizes_of(indices)
    k = ish[-1]
    assert isinstance(k, int)
    lead = len(ish) - 1

    def body(ivs: list[ir.Value], acc: ir.Value) -> ir.Value:
        coords = [
            wrap_index(tensor.extract(indices, [*ivs[:lead], sz.cindex(j)]), ds[j])
            for j in range(k)
        ]
        coords += ivs[lead:]

        def value() -> ir.Value:
            new = tensor.extract(updates, ivs)
            if reduction == "none":
                return new
            return combine(reduction, tensor.extract(acc, coords), new)

        return guarded_insert(acc, coords, ds, value)

    return [loop_nest(sz.sizes_of(updates), data, body)]


def lower_tensor_scatter(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """y[b, .., s, ..] = update[b, .., j, ..] if 0 <= j < L else past_cache[b, .., s, ..],
    j = s - write_indices[b] (taken modulo the axis size in circular mode)."""
    cache, update = op.operands[0], op.operands[1]
    widx = op.operands[2] if len(op.operands) > 2 else None
    n = rank(cache)
    axis = norm_axis(attr_int(op, "axis"), n)
    circular = attr_str(op, "mode") == "circular"
    cs = sz.sizes_of(cache)
    if sz.dim_of(update, axis) == 0:  # nothing is written (and `update` has nothing to read)
        return [cache]
    length = sz.value(sz.dim_of(update, axis))
    size = sz.value(cs[axis])
    zero = sz.cindex(0)

    def body(_: ir.Value) -> ir.Value:
        s = index(axis)
        j = s
        if widx is not None:
            j = arith.subi(s, to_index(tensor.extract(widx, [index(0)])))
        if circular:
            r = arith.remsi(j, size)
            j = arith.select(arith.cmpi(CMPI["slt"], r, zero), arith.addi(r, size), r)
        inside = arith.andi(arith.cmpi(CMPI["sge"], j, zero), arith.cmpi(CMPI["slt"], j, length))
        coords = [index(d) for d in range(n)]
        # clamp the update coordinate so the read stays in bounds where it is not used
        safe = arith.select(inside, j, zero)
        fresh = tensor.extract(update, [*coords[:axis], safe, *coords[axis + 1 :]])
        old = tensor.extract(cache, coords)
        return arith.select(inside, fresh, old)

    return [generic([], [empty(cs, elem(cache))], [identity_map(n)], "p" * n, body)[0]]


LOWERINGS = {
    "LowerScatterElements": lower_scatter_elements,
    "LowerScatterND": lower_scatter_nd,
    "LowerTensorScatter": lower_tensor_scatter,
}
