"""nn.resize / nn.dynamic_resize -> per-axis tap tables + gathering / weighting generics.

Resize is separable (see `resize_taps`): each resized axis gets tables saying which input
positions every output position reads (and, for linear / cubic, with which weights). When an
axis's sizes, scale and roi are known at compile time the tables are computed with numpy and
enter as constants; otherwise small linalg.generics compute them at run time from the sizes,
scales and roi read from the operands (output sizes too: floor(W * scale), or the given sizes,
with ONNX's keep_aspect_ratio_policy).

* nearest: one generic over the result, reading x at the tabled index of every resized axis;
* linear / cubic: one generic per resized axis with a reduction over its taps,
  y[.., o, ..] = sum_k weight[o, k] * x[.., index[o, k], ..];
* tf_crop_and_resize: positions outside the input take `extrapolation_value`.

Dependency contract: imports numpy, the `mlir` bindings and `strata.passes.lowering.{common,
sizes,resize_taps}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import resize_taps as rt
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    LoweringError,
    amap,
    attr_float,
    attr_floats,
    attr_int,
    attr_ints,
    attr_str,
    cast_scalar,
    const,
    dense_const,
    dim,
    elem,
    empty,
    fill,
    generic,
    i64,
    identity_map,
    index,
    is_float,
    norm_axis,
    rank,
    result_shape,
    to_index,
)
from strata.passes.lowering.sizes import Size


def mask_type() -> ir.IntegerType:
    """Masks are stored as i8 (0 / 1): i1 buffers do not lower everywhere."""
    return ir.IntegerType.get_signless(8)


@dataclass(frozen=True)
class AxisPlan:
    """One resized axis: sizes as Sizes, the scale and roi as Python floats (known at
    compile time) or f64 Values (read at run time)."""

    axis: int
    w: Size
    o: Size
    scale: float | ir.Value
    roi: tuple[float, float] | tuple[ir.Value, ir.Value] | None = None

    @property
    def static(self) -> bool:
        known = [self.w, self.o, self.scale, *(self.roi or ())]
        return all(not isinstance(v, ir.Value) for v in known)


@dataclass(frozen=True)
class AxisTables:
    """Tables of one axis as tensors: index [O] or [O, n] (i64), weight [O, n], outside [O]
    (i8, 1 where tf_crop_and_resize extrapolates)."""

    index: ir.Value
    weight: ir.Value | None
    outside: ir.Value | None


def sampling_of(op: ir.Operation) -> rt.Sampling:
    return rt.Sampling(
        mode=attr_str(op, "mode"),
        coord=attr_str(op, "coordinate_transformation_mode"),
        nearest_mode=attr_str(op, "nearest_mode"),
        cubic_a=attr_float(op, "cubic_coeff_a"),
        exclude_outside=bool(attr_int(op, "exclude_outside")),
        antialias=bool(attr_int(op, "antialias")),
    )


# ---- tables ----------------------------------------------------------------------------------


def constant_tables(s: rt.Sampling, p: AxisPlan, t: ir.Type) -> AxisTables:
    assert isinstance(p.w, int) and isinstance(p.o, int) and isinstance(p.scale, float)
    roi = p.roi if p.roi is not None else (0.0, 1.0)
    tabs = rt.numpy_tables(s, p.w, p.o, p.scale, roi)
    return AxisTables(
        dense_const(tabs.index, i64()),
        None if tabs.weight is None else dense_const(tabs.weight, t),
        None if tabs.outside is None else dense_const(tabs.outside.astype(np.int8), mask_type()),
    )


def _f64(v: Size | float | ir.Value) -> ir.Value:
    """A size or scale as an f64 Value."""
    f = ir.F64Type.get()
    if isinstance(v, ir.Value):
        if isinstance(v.type, ir.IndexType):
            return arith.sitofp(f, arith.index_cast(i64(), v))
        return v if v.type == f else arith.extf(f, v)
    return arith.constant(f, float(v))


def _clamped_index(m: rt.IRMath, pos: ir.Value, w: Size) -> ir.Value:
    """A float tap position -> i64 index clamped into [0, w)."""
    i = arith.fptosi(i64(), m.floor(pos))
    last = arith.index_cast(i64(), sz.value(sz.sub(w, 1)))
    return arith.minsi(arith.maxsi(i, const(i64(), 0)), last)


def run_time_tables(s: rt.Sampling, p: AxisPlan, t: ir.Type) -> AxisTables:
    """The tables computed by generics over [O] / [O, n] from run-time sizes and scale."""
    m = rt.IRMath()
    roi = p.roi or (0.0, 1.0)
    ax = rt.Axis(_f64(p.w), _f64(p.o), _f64(p.scale), _f64(roi[0]), _span(roi[0], roi[1]))

    def position(d: int) -> ir.Value:
        return arith.sitofp(ir.F64Type.get(), arith.index_cast(i64(), index(d)))

    outside = None
    if s.coord == "tf_crop_and_resize":

        def outside_body(_: ir.Value) -> ir.Value:
            flag = rt.source_coord(m, s, ax, position(0))[1]
            assert flag is not None
            return arith.extui(mask_type(), flag)

        out_t = empty([p.o], mask_type())
        outside = generic([], [out_t], [identity_map(1)], "p", outside_body)[0]
    if s.mode == "nearest":

        def nearest_body(_: ir.Value) -> ir.Value:
            x = rt.source_coord(m, s, ax, position(0))[0]
            return _clamped_index(m, rt.nearest_index(m, s, x), p.w)

        idx = generic([], [empty([p.o], i64())], [identity_map(1)], "p", nearest_body)[0]
        return AxisTables(idx, None, outside)
    fixed = rt.max_taps(s)
    if fixed is not None:
        n: Size = fixed
    else:
        first = rt.first_tap_offset(m, s, ax.scale)
        n = to_index(arith.fptosi(i64(), m.sub(2.0, m.mul(2.0, first))))
    f64 = ir.F64Type.get()

    def taps_body(_i: ir.Value, _w: ir.Value) -> list[ir.Value]:
        x = rt.source_coord(m, s, ax, position(0))[0]
        base, ratio = rt.split_coord(m, x)
        k = position(1)
        tap = rt.tap_index(m, s, base, k, ax.scale)
        weight = rt.tap_weight(m, s, ratio, k, ax.scale)
        if s.exclude_outside:
            off = m.or_(m.lt(tap, 0.0), m.ge(tap, ax.w))
            weight = m.select(off, 0.0, weight)
        return [_clamped_index(m, tap, p.w), weight]

    idx, raw = generic(
        [],
        [empty([p.o, n], i64()), empty([p.o, n], f64)],
        [identity_map(2), identity_map(2)],
        "pp",
        taps_body,
    )
    return AxisTables(idx, _weights(raw, s, p.o, n, t), outside)


def _span(start: float | ir.Value, end: float | ir.Value) -> ir.Value:
    """end - start in the roi's own precision, then as f64 (as the reference computes it)."""
    if isinstance(start, ir.Value) and isinstance(end, ir.Value):
        return _f64(arith.subf(end, start))
    return _f64(float(np.float32(end) - np.float32(start)))


def _weights(raw: ir.Value, s: rt.Sampling, o: Size, n: Size, t: ir.Type) -> ir.Value:
    """Raw f64 weights [O, n] -> element-type weights, each row divided by its sum when the
    sampling normalises (a zero sum leaves the row as is)."""
    f64 = ir.F64Type.get()
    ins, maps = [raw], [identity_map(2)]
    if rt.normalises(s):
        total = generic(
            [raw],
            [fill([o], f64, 0.0)],
            [identity_map(2), amap(2, [dim(0)])],
            "pr",
            lambda w, acc: arith.addf(acc, w),
        )[0]
        ins.append(total)
        maps.append(amap(2, [dim(0)]))

    def body(w: ir.Value, *rest: ir.Value) -> ir.Value:
        if len(rest) == 2:
            total = rest[0]
            zero = arith.cmpf(1, total, arith.constant(f64, 0.0))  # oeq
            w = arith.divf(w, arith.select(zero, arith.constant(f64, 1.0), total))
        return cast_scalar(w, t)

    return generic(ins, [empty([o, n], t)], [*maps, identity_map(2)], "pp", body)[0]


# ---- applying the tables ---------------------------------------------------------------------


def _flag(mask: ir.Value) -> ir.Value:
    return arith.cmpi(CMPI["ne"], mask, const(mask.type, 0))


def _extrapolated(y: ir.Value, outside: ir.Value, axis: int, value: float) -> ir.Value:
    """y with `value` wherever outside[position along axis] is set."""
    n = rank(y)
    t = elem(y)
    fillv = const(t, value if is_float(t) else int(value))
    return generic(
        [outside, y],
        [empty(sz.sizes_of(y), t)],
        [amap(n, [dim(axis)]), identity_map(n), identity_map(n)],
        "p" * n,
        lambda out, v, _: arith.select(_flag(out), fillv, v),
    )[0]


def apply_nearest(
    x: ir.Value, plans: Sequence[AxisPlan], tabs: Sequence[AxisTables], fill_value: float
) -> ir.Value:
    n = rank(x)
    out = sz.sizes_of(x)
    for p in plans:
        out[p.axis] = p.o
    ins = [tb.index for tb in tabs] + [tb.outside for tb in tabs if tb.outside is not None]
    maps = [amap(n, [dim(p.axis)]) for p in plans]
    maps += [amap(n, [dim(p.axis)]) for p, tb in zip(plans, tabs, strict=True) if tb.outside]
    t = elem(x)
    fillv = const(t, fill_value if is_float(t) else int(fill_value))

    def body(*vals: ir.Value) -> ir.Value:
        picks = {p.axis: to_index(v) for p, v in zip(plans, vals, strict=False)}
        coords = [picks.get(d, index(d)) for d in range(n)]
        v = tensor.extract(x, coords)
        flags = [_flag(f) for f in vals[len(plans) : -1]]
        if flags:
            anyout = flags[0]
            for f in flags[1:]:
                anyout = arith.ori(anyout, f)
            v = arith.select(anyout, fillv, v)
        return v

    return generic(ins, [empty(out, t)], [*maps, identity_map(n)], "p" * n, body)[0]


def apply_taps(x: ir.Value, p: AxisPlan, tabs: AxisTables, fill_value: float) -> ir.Value:
    """One axis: y[.., o, ..] = sum_k weight[o, k] * x[.., index[o, k], ..]."""
    n = rank(x)
    t = elem(x)
    out = sz.sizes_of(x)
    out[p.axis] = p.o
    tap = amap(n + 1, [dim(p.axis), dim(n)])
    assert tabs.weight is not None

    def body(i: ir.Value, w: ir.Value, acc: ir.Value) -> ir.Value:
        coords = [to_index(i) if d == p.axis else index(d) for d in range(n)]
        return arith.addf(acc, arith.mulf(w, tensor.extract(x, coords)))

    y = generic(
        [tabs.index, tabs.weight],
        [fill(out, t, 0.0)],
        [tap, tap, amap(n + 1, [dim(d) for d in range(n)])],
        "p" * n + "r",
        body,
    )[0]
    if tabs.outside is not None:
        y = _extrapolated(y, tabs.outside, p.axis, fill_value)
    return y


def resize(x: ir.Value, s: rt.Sampling, plans: Sequence[AxisPlan], fill_value: float) -> ir.Value:
    """x resized along the planned axes (in order)."""
    t = elem(x)
    if s.mode != "nearest" and not is_float(t):
        raise LoweringError(f"{s.mode} resize needs a floating-point input, got {t}")
    tabs = [constant_tables(s, p, t) if p.static else run_time_tables(s, p, t) for p in plans]
    if not plans:
        return x
    if s.mode == "nearest":
        return apply_nearest(x, plans, tabs, fill_value)
    y = x
    for p, tb in zip(plans, tabs, strict=True):
        y = apply_taps(y, p, tb, fill_value)
    return y


def _cast_to(v: ir.Value, t: ir.Type) -> ir.Value:
    return v if v.type == t else tensor.cast(t, v)


# ---- nn.resize: sizes, scales and roi are attributes ------------------------------------------


def lower_resize(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    out = result_shape(op)
    n = len(out)
    xs = sz.sizes_of(x)
    s = sampling_of(op)
    given = attr_floats(op, "scales")
    roi = attr_floats(op, "roi")
    plans = []
    for a in range(n):
        w, o = xs[a], out[a]
        scale: float | ir.Value
        if given:
            scale = float(np.float32(given[a]))
        elif isinstance(w, int):
            scale = o / w if w else 1.0
        else:
            scale = arith.divf(_f64(o), _f64(w))
        pair = (roi[a], roi[a + n]) if roi else None
        static = isinstance(w, int) and not isinstance(scale, ir.Value)
        if static and rt.is_identity(w, o, scale, pair):
            continue
        plans.append(AxisPlan(a, w, o, scale, pair))
    y = resize(x, s, plans, attr_float(op, "extrapolation_value"))
    return [_cast_to(y, op.results[0].type)]


# ---- nn.dynamic_resize: roi, scales or sizes read at run time ----------------------------------


def _read_floats(v: ir.Value, count: int) -> list[ir.Value]:
    return [tensor.extract(v, [sz.cindex(i)]) for i in range(count)]


def lower_dynamic_resize(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    segments = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
    operands = iter(op.operands)
    x = next(operands)
    roi_v, scales_v, sizes_v = (next(operands) if present else None for present in segments[1:])
    xs = sz.sizes_of(x)
    n = len(xs)
    axes = [norm_axis(a, n) for a in attr_ints(op, "axes")] or list(range(n))
    s = sampling_of(op)
    policy = attr_str(op, "keep_aspect_ratio_policy")
    m = rt.IRMath()
    outs: list[Size] = []
    scales: list[ir.Value] = []
    if scales_v is not None:
        for a, sc in zip(axes, _read_floats(scales_v, len(axes)), strict=True):
            scale = _f64(sc)
            scales.append(scale)
            outs.append(to_index(arith.fptosi(i64(), m.floor(m.mul(scale, _f64(xs[a]))))))
    else:
        assert sizes_v is not None
        given = [to_index(tensor.extract(sizes_v, [sz.cindex(i)])) for i in range(len(axes))]
        ratios = [arith.divf(_f64(g), _f64(xs[a])) for a, g in zip(axes, given, strict=True)]
        if policy == "stretch":
            outs, scales = list(given), ratios
        else:
            pick = m.min if policy == "not_larger" else m.max
            scale = ratios[0]
            for r in ratios[1:]:
                scale = pick(scale, r)
            scales = [scale] * len(axes)
            for a in axes:  # round half up
                grown = m.add(m.mul(scale, _f64(xs[a])), 0.5)
                outs.append(to_index(arith.fptosi(i64(), m.floor(grown))))
    rois: list[tuple[ir.Value, ir.Value] | None] = [None] * len(axes)
    if s.coord == "tf_crop_and_resize":
        assert roi_v is not None
        vals = _read_floats(roi_v, 2 * len(axes))
        rois = [(vals[i], vals[i + len(axes)]) for i in range(len(axes))]
    plans = [
        AxisPlan(a, xs[a], sz.smax(o, 0), sc, r)
        for a, o, sc, r in zip(axes, outs, scales, rois, strict=True)
    ]
    y = resize(x, s, plans, attr_float(op, "extrapolation_value"))
    return [_cast_to(y, op.results[0].type)]


LOWERINGS = {"LowerResize": lower_resize, "LowerDynamicResize": lower_dynamic_resize}
