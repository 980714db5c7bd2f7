"""Run-time-config forms of Squeeze, Unsqueeze, Split and Pad -> tensor / linalg IR.

The config vector (axes, split sizes, pads) is read element by element with `tensor.extract`
and every size derived from it is computed with `arith` on `index` values:

* `nn.dynamic_squeeze` / `nn.dynamic_unsqueeze`: each result dim is chosen among the input
  dims (or 1) by comparing positions with the read axes, then `tensor.reshape`;
* `nn.dynamic_split`: prefix sums of the sizes give the offsets of `tensor.extract_slice`s;
* `nn.dynamic_pad`: the pads (scattered to their axes when `axes` is given) split into a crop
  (negative parts, an extract_slice) and a pad (positive parts): `tensor.pad` for constant
  mode, a generic reading reflect / edge / wrap source positions otherwise.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
dynamic,movement}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    attr_int,
    attr_str,
    const,
    elem,
    empty,
    extract_slice,
    generic,
    identity_map,
    index,
    index_type,
    is_float,
    norm_axis,
    pad_const,
    rank,
)
from strata.passes.lowering.dynamic import read_vector
from strata.passes.lowering.movement import pad_index
from strata.passes.lowering.sizes import Size


def _eq(a: ir.Value, b: int) -> ir.Value:
    return arith.cmpi(CMPI["eq"], a, sz.cindex(b))


def _norm(axis: ir.Value, n: int) -> ir.Value:
    """A run-time axis in [-n, n) as a non-negative index."""
    neg = arith.cmpi(CMPI["slt"], axis, sz.cindex(0))
    return arith.select(neg, arith.addi(axis, sz.cindex(n)), axis)


def _any(flags: Sequence[ir.Value]) -> ir.Value:
    out = arith.ConstantOp(ir.IntegerType.get_signless(1), 0).result
    for f in flags:
        out = arith.ori(out, f)
    return out


def _pick(index_value: ir.Value, choices: Sequence[Size]) -> ir.Value:
    """choices[index_value] for a run-time index (a chain of selects), 1 when out of range
    (repeated axes), so the reshape never claims more elements than the input has."""
    out = sz.cindex(1)
    for i in range(len(choices)):
        out = arith.select(_eq(index_value, i), sz.value(choices[i]), out)
    return out


def _reshape(x: ir.Value, sizes: Sequence[ir.Value], t: ir.Type) -> ir.Value:
    it = index_type()
    shape = (
        tensor.from_elements(ir.RankedTensorType.get([len(sizes)], it), list(sizes))
        if sizes
        else tensor.EmptyOp([0], it).result
    )
    return tensor.reshape(t, x, shape)


def lower_dynamic_squeeze(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """Result dim j is the input dim i that is the j-th one not named by `axes`."""
    x = op.operands[0]
    xs = sz.sizes_of(x)
    r = len(xs)
    axes = [_norm(a, r) for a in read_vector(op.operands[1])]
    out_rank = r - len(axes)
    kept_before = sz.cindex(0)  # how many kept dims precede dim i
    sizes: list[ir.Value] = [sz.cindex(1)] * out_rank
    for i in range(r):
        dropped = _any([_eq(a, i) for a in axes])
        for j in range(out_rank):
            here = arith.andi(arith.xori(dropped, _true()), _eq(kept_before, j))
            sizes[j] = arith.select(here, sz.value(xs[i]), sizes[j])
        kept_before = arith.select(dropped, kept_before, arith.addi(kept_before, sz.cindex(1)))
    return [_reshape(x, sizes, op.results[0].type)]


def _true() -> ir.Value:
    return arith.ConstantOp(ir.IntegerType.get_signless(1), 1).result


def lower_dynamic_unsqueeze(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """Result dim j is 1 if `axes` names it, else the next input dim."""
    x = op.operands[0]
    xs = sz.sizes_of(x)
    axes = read_vector(op.operands[1])
    out_rank = len(xs) + len(axes)
    axes = [_norm(a, out_rank) for a in axes]
    taken = sz.cindex(0)  # input dims used by result dims before j
    sizes: list[ir.Value] = []
    for j in range(out_rank):
        new = _any([_eq(a, j) for a in axes])
        source = _pick(taken, xs)
        sizes.append(arith.select(new, sz.cindex(1), source))
        taken = arith.select(new, taken, arith.addi(taken, sz.cindex(1)))
    return [_reshape(x, sizes, op.results[0].type)]


def lower_dynamic_split(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs = sz.sizes_of(x)
    axis = norm_axis(attr_int(op, "axis"), len(xs))
    offset: Size = 0
    outs = []
    for given, res in zip(read_vector(op.operands[1]), op.results, strict=True):
        # sizes that overrun the axis (invalid ONNX) are cut, so no slice reads past it
        piece = sz.clamp(given, 0, sz.sub(xs[axis], offset))
        offs: list[Size] = [0] * len(xs)
        offs[axis] = offset
        sizes = list(xs)
        sizes[axis] = piece
        # slicing a static empty axis trips extract_slice's bounds check; the pieces are empty
        y = empty(sizes, elem(x)) if xs[axis] == 0 else extract_slice(x, offs, sizes)
        outs.append(y if y.type == res.type else tensor.cast(res.type, y))
        offset = sz.add(offset, piece)
    return outs


def _pads(op: ir.Operation, n: int) -> tuple[list[Size], list[Size]]:
    """(begin, end) pads of every axis, read at run time (scattered to `axes` if given)."""
    given = read_vector(op.operands[1])
    segments = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
    if not segments[3]:
        return list(given[:n]), list(given[n:])
    axes = [_norm(a, n) for a in read_vector(op.operands[sum(segments[:3])])]
    k = len(axes)
    begin: list[Size] = [0] * n
    end: list[Size] = [0] * n
    for d in range(n):
        for i, a in enumerate(axes):
            here = _eq(a, d)
            begin[d] = arith.select(here, given[i], sz.value(begin[d]))
            end[d] = arith.select(here, given[i + k], sz.value(end[d]))
    return begin, end


def _constant_value(op: ir.Operation, t: ir.Type) -> ir.Value:
    """The fill of constant mode: operand 2 if present, else 0."""
    segments = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
    if segments[2]:
        v = op.operands[2]
        return tensor.extract(v, [sz.cindex(0)] * rank(v))
    return const(t, 0.0 if is_float(t) else 0)


def lower_dynamic_pad(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    t = elem(x)
    xs = sz.sizes_of(x)
    n = len(xs)
    begin, end = _pads(op, n)
    # negative pads crop: slice them away first, then pad by the positive parts
    crop_lo = [sz.smax(sz.sub(0, b), 0) for b in begin]
    crop_hi = [sz.smax(sz.sub(0, e), 0) for e in end]
    kept = [
        sz.smax(sz.sub(sz.sub(d, lo), hi), 0)
        for d, lo, hi in zip(xs, crop_lo, crop_hi, strict=True)
    ]
    x = extract_slice(x, crop_lo, kept)
    low = [sz.smax(b, 0) for b in begin]
    high = [sz.smax(e, 0) for e in end]
    mode = attr_str(op, "mode")
    rt = op.results[0].type
    if mode == "constant":
        y = pad_const(x, low, high, _constant_value(op, t))
        return [y if y.type == rt else tensor.cast(rt, y)]
    out = [sz.add(sz.add(d, lo), hi) for d, lo, hi in zip(kept, low, high, strict=True)]

    def body(_: ir.Value) -> ir.Value:
        coords = [pad_index(index(d), kept[d], low[d], mode) for d in range(n)]
        return tensor.extract(x, coords)

    y = generic([], [empty(out, t)], [identity_map(n)], "p" * n, body)[0]
    return [y if y.type == rt else tensor.cast(rt, y)]


LOWERINGS = {
    "LowerDynamicSqueeze": lower_dynamic_squeeze,
    "LowerDynamicUnsqueeze": lower_dynamic_unsqueeze,
    "LowerDynamicSplit": lower_dynamic_split,
    "LowerDynamicPad": lower_dynamic_pad,
}
