"""Sampling ops -> gathering linalg.generics: GridSample, RoiAlign, AffineGrid, DeformConv.

Each output element computes its source coordinates from the iteration indices and reads the
input with tensor.extract at clamped (always in-bounds) indices, masking what ONNX treats as
outside. Arithmetic is f32 (f64 for f64 inputs; AffineGrid always uses f64, as its reference).

* grid_sample: grid coordinates (x, y[, z]) are denormalised per spatial axis (align_corners),
  rounded half to even for `nearest`, and reflected / clamped back for the reflection /
  border padding modes; the value is the tensor product of the per-axis taps (1 nearest,
  2 linear, 4 cubic with Keys' a = -0.75), each tap read with the padding mode;
* roi_align: each output bin averages (or takes the max of the weighted corners of) a grid of
  bilinear samples; the grid size comes from sampling_ratio or, when it is 0, from each roi's
  size at run time (scf.for loops in the generic's body);
* affine_grid: theta[n] times the homogeneous base grid of -1..1 coordinates;
* deform_conv: a generic samples x bilinearly (zeros outside) at each tap's position plus its
  offset, times the mask, into [N, C, kh, kw, oh, ow]; a grouped contraction with the weights
  (accumulating onto the bias) gives the output.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
window}`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, math, scf, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    LoweringError,
    amap,
    attr_float,
    attr_int,
    attr_ints,
    attr_str,
    cast_scalar,
    const,
    dim,
    elem,
    empty,
    fill,
    generic,
    i64,
    identity_map,
    index,
    index_type,
    optional_operands,
    reshape_to,
    to_index,
)
from strata.passes.lowering.sizes import Size
from strata.passes.lowering.window import shape_operand

CUBIC_A = -0.75


def _ct(t: ir.Type) -> ir.Type:
    return t if isinstance(t, ir.F64Type) else ir.F32Type.get()


def _as_float(size: Size, t: ir.Type) -> ir.Value:
    """A size as a float of type t."""
    return arith.sitofp(t, arith.index_cast(i64(), sz.value(size)))


def _index_as_float(i: ir.Value, t: ir.Type) -> ir.Value:
    return arith.sitofp(t, arith.index_cast(i64(), i))


def _to_index(v: ir.Value) -> ir.Value:
    """Truncating float -> index (C's int())."""
    return arith.index_cast(index_type(), arith.fptosi(i64(), v))


def _clamp_index(i: ir.Value, size: Size) -> ir.Value:
    it = index_type()
    hi = arith.subi(sz.value(size), const(it, 1))
    return arith.minsi(arith.maxsi(i, const(it, 0)), hi)


def _in_range(i: ir.Value, size: Size) -> ir.Value:
    it = index_type()
    lo = arith.cmpi(CMPI["sge"], i, const(it, 0))
    return arith.andi(lo, arith.cmpi(CMPI["slt"], i, sz.value(size)))


def _cmp(pred: str, a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpf(CMPF[pred], a, b)


def _reflect(x: ir.Value, lo: ir.Value, hi: ir.Value) -> ir.Value:
    """Reflect x at the nearer border until it lies in [lo, hi] (ONNX's _gs_reflect)."""
    t = x.type
    rng = arith.subf(hi, lo)
    one_i = const(i64(), 1)

    def fold(dx: ir.Value) -> tuple[ir.Value, ir.Value]:
        n = arith.fptosi(i64(), arith.divf(dx, rng))
        r = arith.subf(dx, arith.mulf(arith.sitofp(t, n), rng))
        even = arith.cmpi(CMPI["eq"], arith.andi(n, one_i), const(i64(), 0))
        return r, even

    r_lo, even_lo = fold(arith.subf(lo, x))
    below = arith.select(even_lo, arith.addf(lo, r_lo), arith.subf(hi, r_lo))
    r_hi, even_hi = fold(arith.subf(x, hi))
    above = arith.select(even_hi, arith.subf(hi, r_hi), arith.addf(lo, r_hi))
    return arith.select(_cmp("olt", x, lo), below, arith.select(_cmp("ogt", x, hi), above, x))


def _cubic_coeffs(f: ir.Value) -> list[ir.Value]:
    """Keys' cubic convolution weights of the taps -1, 0, 1, 2 at fraction f."""
    t = f.type

    def c(v: float) -> ir.Value:
        return const(t, v)

    a = CUBIC_A
    x = math.absf(f)
    x1 = arith.addf(x, c(1.0))
    mx = arith.subf(c(1.0), x)
    x2 = arith.subf(c(2.0), x)

    def outer(u: ir.Value) -> ir.Value:  # ((a u - 5a) u + 8a) u - 4a
        p = arith.subf(arith.mulf(c(a), u), c(5 * a))
        p = arith.addf(arith.mulf(p, u), c(8 * a))
        return arith.subf(arith.mulf(p, u), c(4 * a))

    def inner(u: ir.Value) -> ir.Value:  # ((a + 2) u - (a + 3)) u u + 1
        p = arith.subf(arith.mulf(c(a + 2), u), c(a + 3))
        return arith.addf(arith.mulf(arith.mulf(p, u), u), c(1.0))

    return [outer(x1), inner(x), inner(mx), outer(x2)]


# ---- GridSample ------------------------------------------------------------------------------


def lower_grid_sample(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, grid = op.operands[0], op.operands[1]
    t = elem(x)
    ct = _ct(t)
    xs, gs = sz.sizes_of(x), sz.sizes_of(grid)
    k = len(xs) - 2
    spatial = xs[2:]
    out = [xs[0], xs[1], *gs[1:-1]]
    mode, padding = attr_str(op, "mode"), attr_str(op, "padding_mode")
    align = bool(attr_int(op, "align_corners"))
    it = index_type()

    def body(_: ir.Value) -> ir.Value:
        n, c = index(0), index(1)
        o = [index(2 + i) for i in range(k)]
        taps: list[list[tuple[ir.Value, ir.Value]]] = []
        bounds: list[tuple[ir.Value, ir.Value]] = []
        for i in range(k):
            g = cast_scalar(tensor.extract(grid, [n, *o, const(it, k - 1 - i)]), ct)
            length = _as_float(spatial[i], ct)
            one, half = const(ct, 1.0), const(ct, 0.5)
            if align:
                pos = arith.mulf(arith.mulf(arith.addf(g, one), half), arith.subf(length, one))
                lo, hi = const(ct, 0.0), arith.subf(length, one)
            else:
                scaled = arith.subf(arith.mulf(arith.addf(g, one), length), one)
                pos = arith.mulf(scaled, half)
                lo, hi = const(ct, -0.5), arith.subf(length, half)
            bounds.append((lo, hi))
            if mode == "nearest":
                pos = math.roundeven(pos)
            outside = arith.ori(_cmp("olt", pos, lo), _cmp("ogt", pos, hi))
            if padding == "border":
                top = arith.subf(length, one)
                clamped = arith.minimumf(arith.maximumf(pos, const(ct, 0.0)), top)
                pos = arith.select(outside, clamped, pos)
            elif padding == "reflection":
                pos = arith.select(outside, _reflect(pos, lo, hi), pos)
            if mode == "nearest":
                taps.append([(_to_index(pos), one)])
                continue
            base = math.floor(pos)
            frac = arith.subf(pos, base)
            i0 = _to_index(base)
            if mode == "linear":
                taps.append([(i0, arith.subf(one, frac)), (arith.addi(i0, const(it, 1)), frac)])
            else:
                weights = _cubic_coeffs(frac)
                taps.append([(arith.addi(i0, const(it, j - 1)), weights[j]) for j in range(4)])
        total = const(ct, 0.0)
        for combo in itertools.product(*taps):
            idx, valid = [], []
            weight = combo[0][1]
            for i, (tap, w) in enumerate(combo):
                if i:
                    weight = arith.mulf(weight, w)
                if padding == "zeros":
                    valid.append(_in_range(tap, spatial[i]))
                elif padding == "reflection":
                    lo, hi = bounds[i]
                    tap = _to_index(_reflect(_index_as_float(tap, ct), lo, hi))
                idx.append(_clamp_index(tap, spatial[i]))
            v = cast_scalar(tensor.extract(x, [n, c, *idx]), ct)
            if valid:
                ok = valid[0]
                for cond in valid[1:]:
                    ok = arith.andi(ok, cond)
                v = arith.select(ok, v, const(ct, 0.0))
            total = arith.addf(total, arith.mulf(weight, v))
        return cast_scalar(total, t)

    rank = len(out)
    return [generic([], [empty(out, t)], [identity_map(rank)], "p" * rank, body)[0]]


# ---- RoiAlign --------------------------------------------------------------------------------


def lower_roi_align(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, rois, batch = op.operands[0], op.operands[1], op.operands[2]
    t = elem(x)
    ct = _ct(t)
    xs = sz.sizes_of(x)
    height, width = xs[2], xs[3]
    oh, ow = attr_int(op, "output_height"), attr_int(op, "output_width")
    out = [sz.dim_of(rois, 0), xs[1], oh, ow]
    ratio = attr_int(op, "sampling_ratio")
    scale = attr_float(op, "spatial_scale")
    half_pixel = attr_str(op, "coordinate_transformation_mode") == "half_pixel"
    use_max = attr_str(op, "mode") == "max"
    it = index_type()

    def c(v: float) -> ir.Value:
        return const(ct, v)

    def body(_: ir.Value) -> ir.Value:
        r, ch, ph, pw = index(0), index(1), index(2), index(3)
        corner = [cast_scalar(tensor.extract(rois, [r, const(it, j)]), ct) for j in range(4)]
        shift = c(0.5 if half_pixel else 0.0)
        start_w, start_h, end_w, end_h = (
            arith.subf(arith.mulf(v, c(scale)), shift) for v in corner
        )
        roi_w, roi_h = arith.subf(end_w, start_w), arith.subf(end_h, start_h)
        if not half_pixel:
            roi_w, roi_h = arith.maximumf(roi_w, c(1.0)), arith.maximumf(roi_h, c(1.0))
        bin_h, bin_w = arith.divf(roi_h, c(float(oh))), arith.divf(roi_w, c(float(ow)))
        if ratio > 0:
            grid_h: ir.Value = const(it, ratio)
            grid_w: ir.Value = const(it, ratio)
        else:
            grid_h = _to_index(math.ceil(arith.divf(roi_h, c(float(oh)))))
            grid_w = _to_index(math.ceil(arith.divf(roi_w, c(float(ow)))))
        b = to_index(tensor.extract(batch, [r]))
        b = _clamp_index(b, xs[0])
        fh, fw = _as_float(height, ct), _as_float(width, ct)
        gh_f, gw_f = _index_as_float(grid_h, ct), _index_as_float(grid_w, ct)
        y0 = arith.addf(start_h, arith.mulf(_index_as_float(ph, ct), bin_h))
        x0 = arith.addf(start_w, arith.mulf(_index_as_float(pw, ct), bin_w))
        init = [c(0.0), const(ir.IntegerType.get_signless(1), 1)]
        outer = scf.ForOp(const(it, 0), grid_h, const(it, 1), init)
        with ir.InsertionPoint(outer.body):
            iy = outer.induction_variable
            yy = arith.addf(
                y0, arith.divf(arith.mulf(arith.addf(_index_as_float(iy, ct), c(0.5)), bin_h), gh_f)
            )
            inner = scf.ForOp(const(it, 0), grid_w, const(it, 1), list(outer.inner_iter_args))
            with ir.InsertionPoint(inner.body):
                ix = inner.induction_variable
                acc, first = inner.inner_iter_args
                xx = arith.addf(
                    x0,
                    arith.divf(
                        arith.mulf(arith.addf(_index_as_float(ix, ct), c(0.5)), bin_w), gw_f
                    ),
                )
                terms = _bilinear_terms(x, b, ch, yy, xx, height, width, fh, fw, ct)
                if use_max:
                    val = terms[0]
                    for term in terms[1:]:
                        val = arith.maximumf(val, term)
                    new = arith.select(first, val, arith.maximumf(acc, val))
                else:
                    new = acc
                    for term in terms:
                        new = arith.addf(new, term)
                scf.YieldOp([new, const(ir.IntegerType.get_signless(1), 0)])
            scf.YieldOp(list(inner.results))
        total = outer.results[0]
        if not use_max:
            count = arith.maxsi(arith.muli(grid_h, grid_w), const(it, 1))
            total = arith.divf(total, _index_as_float(count, ct))
        return cast_scalar(total, t)

    return [generic([], [empty(out, t)], [identity_map(4)], "pppp", body)[0]]


def _bilinear_terms(
    x: ir.Value,
    b: ir.Value,
    ch: ir.Value,
    y: ir.Value,
    xv: ir.Value,
    height: Size,
    width: Size,
    fh: ir.Value,
    fw: ir.Value,
    ct: ir.Type,
) -> list[ir.Value]:
    """RoiAlign's four weighted corner values w_i * x[b, ch, corner_i] (all 0 outside)."""
    it = index_type()
    zero, one = const(ct, 0.0), const(ct, 1.0)
    outside = arith.ori(
        arith.ori(_cmp("olt", y, const(ct, -1.0)), _cmp("ogt", y, fh)),
        arith.ori(_cmp("olt", xv, const(ct, -1.0)), _cmp("ogt", xv, fw)),
    )
    y = arith.maximumf(y, zero)
    xv = arith.maximumf(xv, zero)

    def axis(v: ir.Value, size: Size) -> tuple[ir.Value, ir.Value, ir.Value]:
        low = _to_index(v)
        last = arith.subi(sz.value(size), const(it, 1))
        at_end = arith.cmpi(CMPI["sge"], low, last)
        low = arith.select(at_end, last, low)
        high = arith.select(at_end, last, arith.addi(low, const(it, 1)))
        v = arith.select(at_end, _index_as_float(low, ct), v)
        return low, high, arith.subf(v, _index_as_float(low, ct))

    y_lo, y_hi, ly = axis(y, height)
    x_lo, x_hi, lx = axis(xv, width)
    hy, hx = arith.subf(one, ly), arith.subf(one, lx)
    terms = []
    for yi, xi, w in (
        (y_lo, x_lo, arith.mulf(hy, hx)),
        (y_lo, x_hi, arith.mulf(hy, lx)),
        (y_hi, x_lo, arith.mulf(ly, hx)),
        (y_hi, x_hi, arith.mulf(ly, lx)),
    ):
        yi, xi = _clamp_index(yi, height), _clamp_index(xi, width)
        v = cast_scalar(tensor.extract(x, [b, ch, yi, xi]), ct)
        terms.append(arith.select(outside, zero, arith.mulf(w, v)))
    return terms


# ---- AffineGrid ------------------------------------------------------------------------------


def _affine_grid(op: ir.Operation, size: Sequence[Size]) -> ir.Value:
    theta = op.operands[0]
    t = elem(theta)
    f64 = ir.F64Type.get()
    k = sz.dim_of(theta, 1)
    assert isinstance(k, int)
    spatial = list(size[2:])
    out = [sz.dim_of(theta, 0), *spatial, k]
    align = bool(attr_int(op, "align_corners"))
    it = index_type()
    rank = len(out)

    def base(t_axis: int) -> ir.Value:
        """The -1..1 coordinate of output spatial axis t_axis (x: the last one)."""
        axis = k - 1 - t_axis
        length = _as_float(spatial[axis], f64)
        i = _index_as_float(index(1 + axis), f64)
        one = const(f64, 1.0)
        if align:
            step = arith.divf(const(f64, 2.0), arith.subf(length, one))
            return arith.addf(const(f64, -1.0), arith.mulf(i, step))
        step = arith.divf(const(f64, 2.0), length)
        start = arith.addf(const(f64, -1.0), arith.divf(step, const(f64, 2.0)))
        return arith.addf(start, arith.mulf(i, step))

    def body(_: ir.Value) -> ir.Value:
        n, row = index(0), index(rank - 1)

        def th(col: int) -> ir.Value:
            return cast_scalar(tensor.extract(theta, [n, row, const(it, col)]), f64)

        total = th(k)
        for col in range(k):
            total = arith.addf(total, arith.mulf(th(col), base(col)))
        return cast_scalar(total, t)

    return generic([], [empty(out, t)], [identity_map(rank)], "p" * rank, body)[0]


def lower_affine_grid(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return [_affine_grid(op, list(attr_ints(op, "size")))]


def lower_dynamic_affine_grid(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return [_affine_grid(op, shape_operand(op.operands[1]))]


# ---- DeformConv ------------------------------------------------------------------------------


def lower_deform_conv(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, w, offset, b, mask = optional_operands(op, 5)
    assert x is not None and w is not None and offset is not None
    t = elem(x)
    ct = _ct(t)
    xs, ws = sz.sizes_of(x), sz.sizes_of(w)
    if not all(isinstance(v, int) for v in ws):
        raise LoweringError("deform_conv needs static weights")
    m_out, cg, kh, kw = (int(v) for v in ws)
    group, og = attr_int(op, "group"), attr_int(op, "offset_group")
    s, d, pads = attr_ints(op, "strides"), attr_ints(op, "dilations"), attr_ints(op, "pads")
    ohw = sz.sizes_of(offset)[2:]
    channels = xs[1]
    per_og = sz.floordiv(channels, og)
    it = index_type()
    cols_shape = [xs[0], channels, kh, kw, *ohw]

    def sample(_: ir.Value) -> ir.Value:
        n, ch, i, j, oy, ox = (index(a) for a in range(6))
        g = arith.floordivsi(ch, sz.value(per_og))
        tap = arith.addi(arith.muli(arith.addi(arith.muli(g, const(it, kh)), i), const(it, kw)), j)
        two = const(it, 2)
        dy = cast_scalar(tensor.extract(offset, [n, arith.muli(tap, two), oy, ox]), ct)
        dx_i = arith.addi(arith.muli(tap, two), const(it, 1))
        dx = cast_scalar(tensor.extract(offset, [n, dx_i, oy, ox]), ct)

        def position(o: ir.Value, tap_i: ir.Value, axis: int, delta: ir.Value) -> ir.Value:
            base = arith.subi(
                arith.addi(
                    arith.muli(o, const(it, s[axis])), arith.muli(tap_i, const(it, d[axis]))
                ),
                const(it, pads[axis]),
            )
            return arith.addf(_index_as_float(base, ct), delta)

        value = _bilinear_zero(x, n, ch, position(oy, i, 0, dy), position(ox, j, 1, dx), xs, ct)
        if mask is not None:
            value = arith.mulf(value, cast_scalar(tensor.extract(mask, [n, tap, oy, ox]), ct))
        return value

    cols = generic([], [empty(cols_shape, ct)], [identity_map(6)], "p" * 6, sample)[0]
    mg = m_out // group
    cols_g = reshape_to(cols, [xs[0], group, cg, kh, kw, *ohw])
    w_g = reshape_to(w, [group, mg, cg, kh, kw])
    out_g = [xs[0], group, mg, *ohw]
    if b is not None:
        b_g = reshape_to(b, [group, mg])
        init = generic(
            [b_g],
            [empty(out_g, ct)],
            [amap(5, [dim(1), dim(2)]), identity_map(5)],
            "ppppp",
            lambda v, _: cast_scalar(v, ct),
        )[0]
    else:
        init = fill(out_g, ct, 0.0)
    # dims (n, g, m, oy, ox, c, i, j)
    maps = [
        amap(8, [dim(0), dim(1), dim(5), dim(6), dim(7), dim(3), dim(4)]),
        amap(8, [dim(1), dim(2), dim(5), dim(6), dim(7)]),
        amap(8, [dim(0), dim(1), dim(2), dim(3), dim(4)]),
    ]

    def mac(cv: ir.Value, wv: ir.Value, acc: ir.Value) -> ir.Value:
        return arith.addf(acc, arith.mulf(cv, cast_scalar(wv, ct)))

    y = generic([cols_g, w_g], [init], maps, "ppppprrr", mac)[0]
    y = reshape_to(y, [xs[0], m_out, *ohw])
    if ct != t:
        y = generic(
            [y],
            [empty(sz.sizes_of(y), t)],
            [identity_map(4)] * 2,
            "pppp",
            lambda v, _: cast_scalar(v, t),
        )[0]
    return [y]


def _bilinear_zero(
    x: ir.Value,
    n: ir.Value,
    ch: ir.Value,
    y: ir.Value,
    xv: ir.Value,
    xs: Sequence[Size],
    ct: ir.Type,
) -> ir.Value:
    """Bilinear sample of x[n, ch] at (y, xv), zero outside the image."""
    it = index_type()
    one = const(ct, 1.0)
    y0f, x0f = math.floor(y), math.floor(xv)
    fy, fx = arith.subf(y, y0f), arith.subf(xv, x0f)
    y0, x0 = _to_index(y0f), _to_index(x0f)
    total = const(ct, 0.0)
    corners: list[tuple[ir.Value, ir.Value, Callable[[], ir.Value]]] = [
        (y0, x0, lambda: arith.mulf(arith.subf(one, fy), arith.subf(one, fx))),
        (y0, arith.addi(x0, const(it, 1)), lambda: arith.mulf(arith.subf(one, fy), fx)),
        (arith.addi(y0, const(it, 1)), x0, lambda: arith.mulf(fy, arith.subf(one, fx))),
        (arith.addi(y0, const(it, 1)), arith.addi(x0, const(it, 1)), lambda: arith.mulf(fy, fx)),
    ]
    for yi, xi, weight in corners:
        ok = arith.andi(_in_range(yi, xs[2]), _in_range(xi, xs[3]))
        v = cast_scalar(
            tensor.extract(x, [n, ch, _clamp_index(yi, xs[2]), _clamp_index(xi, xs[3])]), ct
        )
        total = arith.addf(total, arith.select(ok, arith.mulf(weight(), v), const(ct, 0.0)))
    return total


LOWERINGS = {
    "LowerGridSample": lower_grid_sample,
    "LowerRoiAlign": lower_roi_align,
    "LowerAffineGrid": lower_affine_grid,
    "LowerDynamicAffineGrid": lower_dynamic_affine_grid,
    "LowerDeformConv": lower_deform_conv,
}
