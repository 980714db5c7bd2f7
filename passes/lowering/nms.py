"""NonMaxSuppression -> scf loops on tensors.

For each batch b and class c (two scf.for loops carrying the result rows written so far and
their count), N selection steps each take the best box not yet visited (highest score, the
lower box index among equal scores; with a score threshold only scores strictly above it
count), mark it visited, and append [b, c, box] when fewer than max_output_boxes_per_class
boxes of this class are selected and its IOU with every selected box of this class is at most
iou_threshold. This is onnx.reference's greedy order, so results match it row for row. The
IOU test follows the reference's formulas (corners [y1, x1, y2, x2] in any order, or centre
and size with center_point_box = 1; empty intersections and non-positive areas never
suppress), in f32 for 16-bit boxes, else in the boxes' type.

The rows live in a [B * C * N, 3] i64 tensor; the result is its first `count` rows (a dynamic
dim: the dynamic C ABI allocates it).

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
loops}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    attr_int,
    cast_scalar,
    const,
    elem,
    extract_slice,
    fill,
    i64,
    index_type,
    is_16bit_float,
    optional_operands,
    rank,
)
from strata.passes.lowering.loops import for_loop, if_else


def _scalar(v: ir.Value) -> ir.Value:
    return tensor.extract(v, [sz.cindex(0)] if rank(v) else [])


def _minmax(a: ir.Value, b: ir.Value) -> tuple[ir.Value, ir.Value]:
    """(min, max) as the reference's max_min: a >= b gives (b, a)."""
    ge = arith.cmpf(CMPF["oge"], a, b)
    return arith.select(ge, b, a), arith.select(ge, a, b)


def _max(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.select(arith.cmpf(CMPF["oge"], a, b), a, b)


def _min(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.select(arith.cmpf(CMPF["ole"], a, b), a, b)


def _extent(box: Sequence[ir.Value], center: bool, axis: int) -> tuple[ir.Value, ir.Value]:
    """(min, max) of a box along x (axis 1) or y (axis 0)."""
    if not center:
        return _minmax(box[axis], box[axis + 2])
    mid = box[1 - axis]  # [x_center, y_center, width, height]
    half = arith.divf(box[3 - axis], const(mid.type, 2.0))
    return arith.subf(mid, half), arith.addf(mid, half)


def _suppresses(
    a: Sequence[ir.Value], b: Sequence[ir.Value], center: bool, thr: ir.Value
) -> ir.Value:
    """IOU(a, b) > thr, False for empty intersections and non-positive areas."""
    t = a[0].type
    zero = const(t, 0.0)
    ax0, ax1 = _extent(a, center, 1)
    bx0, bx1 = _extent(b, center, 1)
    ay0, ay1 = _extent(a, center, 0)
    by0, by1 = _extent(b, center, 0)
    ix0, ix1 = _max(ax0, bx0), _min(ax1, bx1)
    iy0, iy1 = _max(ay0, by0), _min(ay1, by1)
    inter = arith.mulf(arith.subf(ix1, ix0), arith.subf(iy1, iy0))
    area_a = arith.mulf(arith.subf(ax1, ax0), arith.subf(ay1, ay0))
    area_b = arith.mulf(arith.subf(bx1, bx0), arith.subf(by1, by0))
    union = arith.subf(arith.addf(area_a, area_b), inter)
    conds = [
        arith.cmpf(CMPF["ogt"], ix1, ix0),
        arith.cmpf(CMPF["ogt"], iy1, iy0),
        arith.cmpf(CMPF["ogt"], inter, zero),
        arith.cmpf(CMPF["ogt"], area_a, zero),
        arith.cmpf(CMPF["ogt"], area_b, zero),
        arith.cmpf(CMPF["ogt"], union, zero),
        arith.cmpf(CMPF["ogt"], arith.divf(inter, union), thr),
    ]
    out = conds[0]
    for c in conds[1:]:
        out = arith.andi(out, c)
    return out


def lower_non_max_suppression(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    boxes, scores, max_v, iou_v, score_v = optional_operands(op, 5)
    assert boxes is not None and scores is not None
    center = bool(attr_int(op, "center_point_box"))
    t = elem(boxes)
    ct = ir.F32Type.get() if is_16bit_float(t) else t
    it = index_type()
    i1, i8 = ir.IntegerType.get_signless(1), ir.IntegerType.get_signless(8)
    n_b, n_boxes = sz.dim_of(boxes, 0), sz.dim_of(boxes, 1)
    n_c = sz.dim_of(scores, 1)
    cap = sz.product([n_b, n_c, n_boxes])
    if max_v is None:
        max_k = sz.cindex(0)
    else:
        k = cast_scalar(_scalar(max_v), i64())
        k = arith.select(arith.cmpi(CMPI["slt"], k, const(i64(), 0)), const(i64(), 0), k)
        max_k = arith.index_cast(it, k)
    iou = const(ct, 0.0) if iou_v is None else cast_scalar(_scalar(iou_v), ct)
    score_thr = None if score_v is None else cast_scalar(_scalar(score_v), ct)
    none = sz.value(n_boxes)  # "no box found" sentinel

    def box(b: ir.Value, j: ir.Value) -> list[ir.Value]:
        return [cast_scalar(tensor.extract(boxes, [b, j, sz.cindex(q)]), ct) for q in range(4)]

    def as_i64(v: ir.Value) -> ir.Value:
        return arith.index_cast(i64(), v)

    def per_class(b: ir.Value, c: ir.Value, out: ir.Value, count: ir.Value) -> list[ir.Value]:
        start = count

        def best_of(seen: ir.Value, j: ir.Value, idx: ir.Value, best: ir.Value) -> list[ir.Value]:
            s = cast_scalar(tensor.extract(scores, [b, c, j]), ct)
            ok = arith.cmpi(CMPI["eq"], tensor.extract(seen, [j]), const(i8, 0))
            if score_thr is not None:
                ok = arith.andi(ok, arith.cmpf(CMPF["ogt"], s, score_thr))
            first = arith.cmpi(CMPI["eq"], idx, none)
            better = arith.andi(ok, arith.ori(first, arith.cmpf(CMPF["ogt"], s, best)))
            return [arith.select(better, j, idx), arith.select(better, s, best)]

        def step(_s: ir.Value, out: ir.Value, count: ir.Value, seen: ir.Value) -> list[ir.Value]:
            idx, _ = for_loop(0, n_boxes, [none, const(ct, 0.0)], partial(best_of, seen))
            found = arith.cmpi(CMPI["ne"], idx, none)
            j = arith.select(found, idx, sz.cindex(0))
            cand = box(b, j)

            def check(q: ir.Value, hit: ir.Value) -> list[ir.Value]:
                other = arith.index_cast(it, tensor.extract(out, [q, sz.cindex(2)]))
                return [arith.ori(hit, _suppresses(cand, box(b, other), center, iou))]

            (hit,) = for_loop(start, count, [const(i1, 0)], check)
            room = arith.cmpi(CMPI["slt"], arith.subi(count, start), max_k)
            take = arith.andi(arith.andi(found, room), arith.xori(hit, const(i1, 1)))
            old = tensor.extract(seen, [j])
            seen = tensor.insert(arith.select(found, const(i8, 1), old), seen, [j])

            def append() -> list[ir.Value]:
                row = out
                for q, v in enumerate((b, c, j)):
                    row = tensor.insert(as_i64(v), row, [count, sz.cindex(q)])
                return [row]

            (out,) = if_else(take, [out.type], append, lambda: [out])
            count = arith.addi(count, arith.select(take, sz.cindex(1), sz.cindex(0)))
            return [out, count, seen]

        seen0 = fill([n_boxes], i8, 0)
        out, count, _ = for_loop(0, n_boxes, [out, count, seen0], step)
        return [out, count]

    def per_batch(b: ir.Value, out: ir.Value, count: ir.Value) -> list[ir.Value]:
        return for_loop(0, n_c, [out, count], lambda c, o, n: per_class(b, c, o, n))

    out0 = fill([cap, 3], i64(), 0)
    out, count = for_loop(0, n_b, [out0, sz.cindex(0)], per_batch)
    return [extract_slice(out, [0, 0], [count, 3])]


LOWERINGS = {"LowerNonMaxSuppression": lower_non_max_suppression}
