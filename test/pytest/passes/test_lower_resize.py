"""Numeric tests of nn.resize (sizes, scales and roi known at compile time, so the tap tables
are constants) against ONNX's reference implementation, which the ONNX test suite follows
(e.g. align_corners divides by scale * W - 1, not by the integral output size - 1)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check

R = np.random.default_rng(13)

COORDS = [
    "half_pixel",
    "half_pixel_symmetric",
    "pytorch_half_pixel",
    "align_corners",
    "asymmetric",
]


def _case(
    shape: tuple[int, ...], scales: list[float], onnx_attrs: dict[str, Any], **extra: Any
) -> None:
    x = R.standard_normal(shape).astype(np.float32)
    # ONNX: floor(W * scale) with the float32 scale (5 * 1.4f = 6.99999...)
    sizes = [math.floor(d * float(np.float32(s))) for d, s in zip(shape, scales, strict=True)]
    attrs = {"sizes": sizes, "scales": scales, **onnx_attrs, **extra}
    sc = Const(np.array(scales, np.float32))
    roi = extra.get("roi")
    ins = [x, Const(np.array(roi, np.float32)) if roi else None, sc]
    check("resize", [x], attrs, "Resize", onnx_attrs, onnx_inputs=ins, opset=19,
          reference="onnx", rtol=1e-5, atol=1e-5)  # fmt: skip


@pytest.mark.parametrize("coord", COORDS)
@pytest.mark.parametrize("mode", ["linear", "cubic"])
@pytest.mark.parametrize("scales", [[1, 1, 1.6, 2.5], [1, 1, 0.6, 0.75]])
def test_interpolating_modes(coord: str, mode: str, scales: list[float]) -> None:
    _case((1, 2, 5, 4), scales, {"mode": mode, "coordinate_transformation_mode": coord})


@pytest.mark.parametrize("nearest", ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
@pytest.mark.parametrize("coord", ["half_pixel", "asymmetric", "align_corners"])
def test_nearest(nearest: str, coord: str) -> None:
    attrs = {"mode": "nearest", "coordinate_transformation_mode": coord, "nearest_mode": nearest}
    _case((1, 1, 4, 6), [1, 1, 1.5, 0.5], attrs)


@pytest.mark.parametrize("mode", ["linear", "cubic"])
def test_antialias_downsample(mode: str) -> None:
    _case((1, 1, 9, 8), [1, 1, 0.45, 0.3], {"mode": mode, "antialias": 1})


def test_cubic_exclude_outside() -> None:
    attrs = {"mode": "cubic", "cubic_coeff_a": -0.5, "exclude_outside": 1}
    _case((1, 1, 4, 4), [1, 1, 1.7, 0.8], attrs)


@pytest.mark.parametrize("mode", ["nearest", "linear"])
def test_tf_crop_and_resize(mode: str) -> None:
    # the roi reaches outside the input on the right: those positions take the fill value
    roi = [0, 0, 0.2, 0.4, 1, 1, 1.3, 0.8]
    attrs = {
        "mode": mode,
        "coordinate_transformation_mode": "tf_crop_and_resize",
        "extrapolation_value": 5.0,
    }
    _case((1, 1, 5, 5), [1, 1, 1.4, 0.8], attrs, roi=roi)


def test_int_nearest() -> None:
    x = np.arange(12, dtype=np.int64).reshape(1, 3, 4)
    attrs = {"sizes": [1, 6, 2], "scales": [1.0, 2.0, 0.5], "mode": "nearest"}
    sc = Const(np.array([1.0, 2.0, 0.5], np.float32))
    check("resize", [x], attrs, "Resize", {"mode": "nearest"}, onnx_inputs=[x, None, sc],
          opset=19, reference="onnx")  # fmt: skip
