"""ONNX Resize's per-axis sampling: where each output position reads, and with which weights.

Resize is separable: along one axis of input size W and output size O, output position y
reads input coordinate x(y) (the coordinate transformation mode), and
* nearest mode takes one tap, x rounded by `nearest_mode`;
* linear / cubic mode take n taps around x (2 / 4; more when antialiasing a downsample,
  where the filter widens by 1 / scale) with weights from the interpolation kernel, which
  `exclude_outside` zeroes outside the input and renormalises.
Tap indices are clamped into [0, W), which is ONNX's edge padding; tf_crop_and_resize marks
positions whose x falls outside [0, W - 1] (they take `extrapolation_value`).

The formulas follow the ONNX reference implementation (`onnx.reference.ops.op_resize`)
operation by operation, in float64. They are written once against a small arithmetic
interface and run two ways: on numpy arrays when every size and scale is known at compile time
(`NUMPY`: the tables become constants), and as `arith` / `math` ops in linalg.generic bodies
when they are only known at run time (`IRMath`).

Dependency contract: imports numpy and the `mlir` bindings.
"""

from __future__ import annotations

import math as pymath
from dataclasses import dataclass
from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import arith, math

F64 = np.float64
CMPF = {"oeq": 1, "ogt": 2, "oge": 3, "olt": 4, "ole": 5}

# A number in either backend: numpy array / float, or an MLIR f64 / i1 Value.
Num = Any


class NumpyMath:
    """The arithmetic interface on numpy float64 arrays."""

    def c(self, v: float) -> Num:
        return F64(v)

    def add(self, a: Num, b: Num) -> Num:
        return np.add(a, b)

    def sub(self, a: Num, b: Num) -> Num:
        return np.subtract(a, b)

    def mul(self, a: Num, b: Num) -> Num:
        return np.multiply(a, b)

    def div(self, a: Num, b: Num) -> Num:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(a, b)

    def floor(self, a: Num) -> Num:
        return np.floor(a)

    def abs(self, a: Num) -> Num:
        return np.abs(a)

    def min(self, a: Num, b: Num) -> Num:
        return np.minimum(a, b)

    def max(self, a: Num, b: Num) -> Num:
        return np.maximum(a, b)

    def lt(self, a: Num, b: Num) -> Num:
        return np.less(a, b)

    def le(self, a: Num, b: Num) -> Num:
        return np.less_equal(a, b)

    def gt(self, a: Num, b: Num) -> Num:
        return np.greater(a, b)

    def ge(self, a: Num, b: Num) -> Num:
        return np.greater_equal(a, b)

    def eq(self, a: Num, b: Num) -> Num:
        return np.equal(a, b)

    def or_(self, a: Num, b: Num) -> Num:
        return np.logical_or(a, b)

    def select(self, cond: Num, a: Num, b: Num) -> Num:
        return np.where(cond, a, b)


class IRMath:
    """The arithmetic interface as f64 `arith` / `math` ops at the insertion point."""

    def __init__(self) -> None:
        self.t = ir.F64Type.get()

    def _v(self, a: Num) -> ir.Value:
        return a if isinstance(a, ir.Value) else arith.constant(self.t, float(a))

    def c(self, v: float) -> Num:
        return arith.constant(self.t, float(v))

    def add(self, a: Num, b: Num) -> Num:
        return arith.addf(self._v(a), self._v(b))

    def sub(self, a: Num, b: Num) -> Num:
        return arith.subf(self._v(a), self._v(b))

    def mul(self, a: Num, b: Num) -> Num:
        return arith.mulf(self._v(a), self._v(b))

    def div(self, a: Num, b: Num) -> Num:
        return arith.divf(self._v(a), self._v(b))

    def floor(self, a: Num) -> Num:
        return math.floor(self._v(a))

    def abs(self, a: Num) -> Num:
        return math.absf(self._v(a))

    def min(self, a: Num, b: Num) -> Num:
        return arith.minimumf(self._v(a), self._v(b))

    def max(self, a: Num, b: Num) -> Num:
        return arith.maximumf(self._v(a), self._v(b))

    def _cmp(self, pred: str, a: Num, b: Num) -> Num:
        return arith.cmpf(CMPF[pred], self._v(a), self._v(b))

    def lt(self, a: Num, b: Num) -> Num:
        return self._cmp("olt", a, b)

    def le(self, a: Num, b: Num) -> Num:
        return self._cmp("ole", a, b)

    def gt(self, a: Num, b: Num) -> Num:
        return self._cmp("ogt", a, b)

    def ge(self, a: Num, b: Num) -> Num:
        return self._cmp("oge", a, b)

    def eq(self, a: Num, b: Num) -> Num:
        return self._cmp("oeq", a, b)

    def or_(self, a: Num, b: Num) -> Num:
        return arith.ori(a, b)

    def select(self, cond: Num, a: Num, b: Num) -> Num:
        return arith.select(cond, self._v(a), self._v(b))


NUMPY = NumpyMath()
Math = NumpyMath | IRMath


@dataclass(frozen=True)
class Sampling:
    """The attributes of a Resize that decide how one axis is sampled."""

    mode: str  # nearest, linear, cubic
    coord: str  # coordinate_transformation_mode
    nearest_mode: str = "round_prefer_floor"
    cubic_a: float = -0.75
    exclude_outside: bool = False
    antialias: bool = False


@dataclass(frozen=True)
class Axis:
    """One resized axis: input size W, output size O, scale, and (tf_crop_and_resize) the
    roi start and span (end - start, computed in the roi's own precision)."""

    w: Num
    o: Num
    scale: Num
    roi_start: Num = 0.0
    roi_span: Num = 1.0


def source_coord(m: Math, s: Sampling, ax: Axis, y: Num) -> tuple[Num, Num | None]:
    """(x, outside) for output position(s) y: the input coordinate, and for
    tf_crop_and_resize whether it lies outside [0, W - 1] (None for other modes)."""
    width = m.mul(ax.scale, ax.w)  # ONNX's output_width: scale * W, not the integral O
    one = m.eq(width, 1.0)
    mode = s.coord
    if mode == "align_corners":
        x = m.select(one, m.mul(y, 0.0), m.div(m.mul(y, m.sub(ax.w, 1.0)), m.sub(width, 1.0)))
    elif mode == "asymmetric":
        x = m.div(y, ax.scale)
    elif mode == "tf_crop_and_resize":
        span = m.mul(ax.roi_span, m.sub(ax.w, 1.0))
        x = m.select(
            one,
            m.add(m.mul(y, 0.0), m.div(span, 2.0)),
            m.div(m.mul(m.mul(y, ax.roi_span), m.sub(ax.w, 1.0)), m.sub(width, 1.0)),
        )
        x = m.add(x, m.mul(ax.roi_start, m.sub(ax.w, 1.0)))
        return x, m.or_(m.lt(x, 0.0), m.gt(x, m.sub(ax.w, 1.0)))
    elif mode == "pytorch_half_pixel":
        x = m.select(one, m.add(m.mul(y, 0.0), -0.5), _half_pixel(m, y, ax.scale))
    elif mode == "half_pixel":
        x = _half_pixel(m, y, ax.scale)
    elif mode == "half_pixel_symmetric":
        adjustment = m.div(ax.o, width)
        offset = m.mul(m.div(ax.w, 2.0), m.sub(1.0, adjustment))
        x = m.add(offset, _half_pixel(m, y, ax.scale))
    else:
        raise ValueError(f"coordinate_transformation_mode '{mode}' is not supported")
    return x, None


def _half_pixel(m: Math, y: Num, scale: Num) -> Num:
    return m.sub(m.div(m.add(y, 0.5), scale), 0.5)


def split_coord(m: Math, x: Num) -> tuple[Num, Num]:
    """(base, ratio): x = base + ratio with ratio in (0, 1] (an integral x counts as the
    right end of the interval to its left, as the reference prefers the left pixel)."""
    fl = m.floor(x)
    integral = m.eq(x, fl)
    return m.select(integral, m.sub(fl, 1.0), fl), m.select(integral, 1.0, m.sub(x, fl))


def nearest_index(m: Math, s: Sampling, x: Num) -> Num:
    """The tap nearest mode reads (before clamping), as a float."""
    base, ratio = split_coord(m, x)
    whole = m.eq(ratio, 1.0)
    mode = s.nearest_mode
    if mode == "round_prefer_floor":
        upper = m.gt(ratio, 0.5)
    elif mode == "round_prefer_ceil":
        upper = m.ge(ratio, 0.5)
    elif mode == "floor":
        upper = m.gt(ratio, 2.0)  # never, except for an integral x
    elif mode == "ceil":
        upper = m.le(ratio, 2.0)  # always
    else:
        raise ValueError(f"nearest_mode '{mode}' is not supported")
    return m.add(base, m.select(m.or_(whole, upper), 1.0, 0.0))


def filter_scale(m: Math, s: Sampling, scale: Num) -> Num:
    """The scale the antialiased kernel is stretched by: min(scale, 1)."""
    return m.min(scale, 1.0)


def first_tap_offset(m: Math, s: Sampling, scale: Num) -> Num:
    """Offset of the first tap from `base` (an integer-valued float): 0 for linear, -1 for
    cubic, floor(-support / scale) + 1 when antialiasing (support 1 linear, 2 cubic). There
    are 2 - 2 * offset taps, centred on x."""
    if not s.antialias:
        return m.c(0.0 if s.mode == "linear" else -1.0)
    support = 1.0 if s.mode == "linear" else 2.0
    return m.add(m.floor(m.div(-support, filter_scale(m, s, scale))), 1.0)


def static_taps(s: Sampling, scale: float) -> int:
    """The number of taps for a scale known at compile time."""
    return int(2 - 2 * first_tap_offset(NUMPY, s, F64(scale)))


def max_taps(s: Sampling) -> int | None:
    """The number of taps when it does not depend on the scale (None: it does)."""
    if s.antialias:
        return None
    return 2 if s.mode == "linear" else 4


def tap_weight(m: Math, s: Sampling, ratio: Num, k: Num, scale: Num) -> Num:
    """The raw kernel weight of tap k (0-based, as a float) for this ratio."""
    a = s.cubic_a
    if not s.antialias:
        if s.mode == "linear":
            return m.select(m.eq(k, 0.0), m.sub(1.0, ratio), ratio)
        r1 = m.add(ratio, 1.0)
        q = m.sub(1.0, ratio)
        q1 = m.add(q, 1.0)
        c0 = m.sub(m.mul(m.add(m.mul(m.sub(m.mul(a, r1), 5 * a), r1), 8 * a), r1), 4 * a)
        c1 = m.add(m.mul(m.mul(m.sub(m.mul(a + 2, ratio), a + 3), ratio), ratio), 1.0)
        c2 = m.add(m.mul(m.mul(m.sub(m.mul(a + 2, q), a + 3), q), q), 1.0)
        c3 = m.sub(m.mul(m.add(m.mul(m.sub(m.mul(a, q1), 5 * a), q1), 8 * a), q1), 4 * a)
        return m.select(
            m.eq(k, 0.0), c0, m.select(m.eq(k, 1.0), c1, m.select(m.eq(k, 2.0), c2, c3))
        )
    fs = filter_scale(m, s, scale)
    offset = m.sub(m.add(first_tap_offset(m, s, scale), k), ratio)  # tap - x
    if s.mode == "linear":
        arg = m.mul(offset, fs)
        return m.min(m.max(m.sub(1.0, m.abs(arg)), 0.0), 1.0)
    x = m.abs(m.mul(fs, offset))
    x2 = m.mul(x, x)
    x3 = m.mul(x, x2)
    near = m.add(m.sub(m.mul(a + 2, x3), m.mul(a + 3, x2)), 1.0)
    far = m.sub(m.add(m.sub(m.mul(a, x3), m.mul(5 * a, x2)), m.mul(8 * a, x)), 4 * a)
    return m.select(m.le(x, 1.0), near, m.select(m.lt(x, 2.0), far, 0.0))


def tap_index(m: Math, s: Sampling, base: Num, k: Num, scale: Num) -> Num:
    """The input position of tap k (before clamping), as a float."""
    return m.add(m.add(base, first_tap_offset(m, s, scale)), k)


def normalises(s: Sampling) -> bool:
    """Whether a row of weights is divided by its sum (antialias, exclude_outside)."""
    return s.antialias or s.exclude_outside


# ---- compile-time tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    """One axis's sampling as arrays: indices [O] (nearest) or [O, n] with weights [O, n];
    `outside` [O] for tf_crop_and_resize."""

    index: np.ndarray
    weight: np.ndarray | None
    outside: np.ndarray | None


def numpy_tables(s: Sampling, w: int, o: int, scale: float, roi: tuple[float, float]) -> Tables:
    """The tables of one axis whose sizes, scale and roi are known at compile time.

    `roi` is (start, end) as float32 values (their difference is taken in float32, as the
    reference does)."""
    start32, end32 = np.float32(roi[0]), np.float32(roi[1])
    ax = Axis(F64(w), F64(o), F64(scale), F64(start32), F64(end32 - start32))
    y = np.arange(o, dtype=F64)
    x, outside = source_coord(NUMPY, s, ax, y)
    if s.mode == "nearest":
        idx = np.clip(nearest_index(NUMPY, s, x), 0, w - 1).astype(np.int64)
        return Tables(idx, None, outside)
    n = static_taps(s, scale)
    base, ratio = split_coord(NUMPY, x[:, None])
    k = np.arange(n, dtype=F64)[None, :]
    taps = tap_index(NUMPY, s, base, k, ax.scale)
    weight = tap_weight(NUMPY, s, ratio, k, ax.scale) * np.ones_like(taps)
    if s.exclude_outside:
        weight = np.where((taps < 0) | (taps >= w), 0.0, weight)
    if normalises(s):
        total = weight.sum(axis=1, keepdims=True)
        weight = weight / np.where(total == 0, 1.0, total)
    idx = np.clip(taps, 0, w - 1).astype(np.int64)
    return Tables(idx, weight, outside)


def is_identity(w: int, o: int, scale: float, roi: tuple[float, float] | None) -> bool:
    """Whether resizing an axis leaves it unchanged (the reference skips such axes)."""
    trivial_roi = roi is None or (pymath.isclose(roi[0], 0.0) and pymath.isclose(roi[1], 1.0))
    return w == o and pymath.isclose(scale, 1.0) and trivial_roi
