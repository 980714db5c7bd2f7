"""Numeric tests of TopK, CumSum / CumProd (static forms) against onnxruntime / numpy.

The run-time forms (k, axis computed at run time) and the data-dependent ops (Unique,
NonZero, Compress) have dynamic results, which this JIT harness cannot size: they run
through the CPU target in test/pytest/targets/test_cpu_reduce_ops.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check, run_nn

R = np.random.default_rng(7)


@pytest.mark.parametrize(
    ("shape", "k", "axis", "largest"),
    [
        ((3, 8), 3, -1, 1),
        ((3, 8), 3, 1, 0),
        ((6, 2, 3), 4, 0, 1),
        ((5,), 5, 0, 0),
        ((4, 3), 0, 0, 1),
    ],
)
def test_top_k(shape: tuple[int, ...], k: int, axis: int, largest: int) -> None:
    x = R.integers(-3, 4, shape).astype(np.float32)  # many ties: the lower index comes first
    attrs = {"axis": axis, "largest": largest, "sorted": 1}
    onnx_in: list[Any] = [x, Const(np.array([k], np.int64))]
    check("top_k", [x], {**attrs, "k": k}, "TopK", attrs, onnx_inputs=onnx_in, opset=11)


def test_top_k_of_integers() -> None:
    x = R.integers(-(2**40), 2**40, (2, 50)).astype(np.int64)
    onnx_in: list[Any] = [x, Const(np.array([7], np.int64))]
    check("top_k", [x], {"k": 7}, "TopK", {}, onnx_inputs=onnx_in, opset=11)


FLAGS = [(0, 0), (1, 0), (0, 1), (1, 1)]


@pytest.mark.parametrize(("exclusive", "reverse"), FLAGS)
@pytest.mark.parametrize("axis", [0, -1])
def test_cum_sum(axis: int, exclusive: int, reverse: int) -> None:
    x = R.standard_normal((3, 4, 2)).astype(np.float32)
    flags = {"exclusive": exclusive, "reverse": reverse}
    onnx_in: list[Any] = [x, Const(np.array(axis, np.int64))]
    check("cum_sum", [x], {**flags, "axis": axis}, "CumSum", flags, onnx_inputs=onnx_in, opset=14)


def _cumprod(x: np.ndarray[Any, Any], axis: int, exclusive: int, reverse: int) -> Any:
    y = np.flip(x, axis) if reverse else x
    if exclusive:
        pad = [(1, 0) if d == axis % x.ndim else (0, 0) for d in range(x.ndim)]
        y = np.pad(y, pad, constant_values=1).take(range(x.shape[axis]), axis)
    y = np.cumprod(y, axis=axis, dtype=x.dtype)
    return np.flip(y, axis) if reverse else y


@pytest.mark.parametrize(("exclusive", "reverse"), FLAGS)
@pytest.mark.parametrize("dtype", [np.float64, np.int32])
def test_cum_prod(dtype: Any, exclusive: int, reverse: int) -> None:
    """Against numpy (onnxruntime has no CumProd-26 kernel)."""
    x = R.integers(-3, 4, (3, 5)).astype(dtype)
    attrs = {"axis": 1, "exclusive": exclusive, "reverse": reverse}
    (y,) = run_nn("cum_prod", [x], attrs)
    np.testing.assert_array_equal(y, _cumprod(x, 1, exclusive, reverse))
