"""Numeric tests of the trailing-axes normalisations (LayerNormalization with its statistics
outputs, RMSNormalization) against onnxruntime."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import check

R = np.random.default_rng(11)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize(
    ("shape", "axis", "bias"),
    [((2, 5, 16), -1, True), ((2, 5, 16), 1, False), ((4, 8), 0, True), ((3, 4, 6), -2, True)],
)
def test_layer_norm(shape: tuple[int, ...], axis: int, bias: bool) -> None:
    """All three results: y, mean and inv_std_dev (keepdims shape)."""
    a = axis + len(shape) if axis < 0 else axis
    inner = shape[a:]
    x = f32(*shape) * 3 + 1
    b = f32(*inner) if bias else None
    attrs = {"axis": axis, "epsilon": 1e-5}
    check("layer_normalization", [x, f32(*inner), b], attrs, "LayerNormalization", attrs)


@pytest.mark.parametrize(
    ("shape", "axis", "scale"),
    [((2, 5, 16), -1, (16,)), ((2, 3, 4), 1, (3, 4)), ((2, 3, 4), 1, (4,)), ((6,), 0, (1,))],
)
def test_rms_norm(shape: tuple[int, ...], axis: int, scale: tuple[int, ...]) -> None:
    x = f32(*shape) * 2 + 0.5
    attrs = {"axis": axis, "epsilon": 1e-3}
    check("rms_normalization", [x, f32(*scale)], attrs, "RMSNormalization", attrs, opset=23)
