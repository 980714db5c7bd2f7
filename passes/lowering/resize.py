"""nn.resize (nearest, linear) -> one linalg.generic reading the input with tensor.extract.

Shapes are static, so per resized axis the source indices (and, for linear, the two
neighbours and their weights) are computed here in float32 exactly as ONNX Runtime does, and
enter the generic as small constant tensors indexed by that output dim.

Dependency contract: imports numpy, the `mlir` bindings and `strata.passes.lowering.common`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering.common import (
    LoweringError,
    amap,
    attr_floats,
    attr_str,
    dense_const,
    dim,
    elem,
    empty,
    generic,
    i64,
    identity_map,
    index,
    is_float,
    result_shape,
    shape_of,
    to_index,
)

F = np.float32


def source_coords(out: int, size: int, scale: float, mode: str) -> np.ndarray:
    """Original (input) coordinate of each output position, in float32 (ONNX's formulas)."""
    x = np.arange(out, dtype=F)
    s = F(scale)
    if mode == "half_pixel":
        return (x + F(0.5)) / s - F(0.5)
    if mode == "pytorch_half_pixel":
        return (x + F(0.5)) / s - F(0.5) if out > 1 else np.zeros(out, F)
    if mode == "asymmetric":
        return x / s
    if mode == "tf_half_pixel_for_nn":
        return (x + F(0.5)) / s
    if mode == "align_corners":
        return np.zeros(out, F) if out == 1 else x * F(size - 1) / F(out - 1)
    raise LoweringError(f"coordinate_transformation_mode '{mode}' is not supported")


def nearest_indices(coords: np.ndarray, size: int, mode: str) -> np.ndarray:
    if mode == "round_prefer_floor":
        half = coords == np.trunc(coords) + F(0.5)
        idx = np.where(half, np.floor(coords), np.sign(coords) * np.floor(np.abs(coords) + 0.5))
    elif mode == "round_prefer_ceil":
        idx = np.sign(coords) * np.floor(np.abs(coords) + 0.5)
    elif mode == "floor":
        idx = np.floor(coords)
    elif mode == "ceil":
        idx = np.ceil(coords)
    else:
        raise LoweringError(f"nearest_mode '{mode}' is not supported")
    return np.clip(idx, 0, size - 1).astype(np.int64)


def linear_taps(coords: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """(lower index, upper index, lower weight, upper weight) per output position."""
    c = np.clip(coords, F(0), F(size - 1))
    i1 = np.minimum(c.astype(np.int64), size - 1)
    i2 = np.minimum(i1 + 1, size - 1)
    d1, d2 = np.abs(c - i1.astype(F)), np.abs(c - i2.astype(F))
    same = i1 == i2
    w1 = np.where(same, F(0.5), d2).astype(F)
    w2 = np.where(same, F(0.5), d1).astype(F)
    return i1, i2, w1, w2


def lower_resize(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs, t = shape_of(x), elem(x)
    out = result_shape(op)
    n = len(out)
    mode = attr_str(op, "mode")
    ctm = attr_str(op, "coordinate_transformation_mode")
    given = attr_floats(op, "scales")
    scales = given if given else [o / i for o, i in zip(out, xs, strict=True)]
    axes = [a for a in range(n) if out[a] != xs[a] or scales[a] != 1.0]
    if mode not in ("nearest", "linear"):
        raise LoweringError(f"resize mode '{mode}' is not supported (nearest, linear)")
    if mode == "linear" and not is_float(t):
        raise LoweringError("linear resize needs a floating-point input")
    tables: list[ir.Value] = []
    for a in axes:
        coords = source_coords(out[a], xs[a], scales[a], ctm)
        if mode == "nearest":
            tables.append(
                dense_const(nearest_indices(coords, xs[a], attr_str(op, "nearest_mode")), i64())
            )
        else:
            i1, i2, w1, w2 = linear_taps(coords, xs[a])
            tables += [
                dense_const(i1, i64()),
                dense_const(i2, i64()),
                dense_const(w1, t),
                dense_const(w2, t),
            ]
    per = 1 if mode == "nearest" else 4
    maps = [amap(n, [dim(a)]) for a in axes for _ in range(per)] + [identity_map(n)]

    def body(*vals: ir.Value) -> ir.Value:
        tabs = vals[:-1]
        if mode == "nearest":
            src = {a: to_index(tabs[i]) for i, a in enumerate(axes)}
            return tensor.extract(x, [src[d] if d in src else index(d) for d in range(n)])
        lo = {a: to_index(tabs[4 * i]) for i, a in enumerate(axes)}
        hi = {a: to_index(tabs[4 * i + 1]) for i, a in enumerate(axes)}
        wlo = {a: tabs[4 * i + 2] for i, a in enumerate(axes)}
        whi = {a: tabs[4 * i + 3] for i, a in enumerate(axes)}
        base = {d: index(d) for d in range(n) if d not in axes}
        acc: ir.Value | None = None
        for corner in itertools.product((0, 1), repeat=len(axes)):
            pick = dict(base)
            w: ir.Value | None = None
            for a, c in zip(axes, corner, strict=True):
                pick[a] = hi[a] if c else lo[a]
                wa = whi[a] if c else wlo[a]
                w = wa if w is None else arith.mulf(w, wa)
            v = tensor.extract(x, [pick[d] for d in range(n)])
            term = v if w is None else arith.mulf(w, v)
            acc = term if acc is None else arith.addf(acc, term)
        assert acc is not None
        return acc

    return [generic(tables, [empty(out, t)], maps, "p" * n, body)[0]]


LOWERINGS = {"LowerResize": lower_resize}
