"""Numeric tests of reductions, normalisations and softmax against onnxruntime."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check

R = np.random.default_rng(5)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


REDUCES = [("reduce_mean", "ReduceMean"), ("reduce_sum", "ReduceSum"), ("reduce_max", "ReduceMax")]
AXES = [([1], 1), ([-1], 0), ([0, 2], 1), ([], 0), ([], 1), ([1, -1], 0)]


@pytest.mark.parametrize(("op", "onnx_op"), REDUCES)
@pytest.mark.parametrize(("axes", "keepdims"), AXES)
def test_reduce(op: str, onnx_op: str, axes: list[int], keepdims: int) -> None:
    x = f32(2, 3, 4)
    attrs = {"axes": axes, "keepdims": keepdims}
    onnx_in: list[Any] = [x, Const(np.array(axes, np.int64)) if axes else None]
    check(op, [x], attrs, onnx_op, {"keepdims": keepdims}, onnx_inputs=onnx_in, opset=18)


def test_reduce_noop_with_empty_axes() -> None:
    x = f32(2, 3)
    attrs = {"axes": [], "keepdims": 1, "noop_with_empty_axes": 1}
    check("reduce_sum", [x], attrs, "ReduceSum", {"noop_with_empty_axes": 1}, onnx_inputs=[x])


def test_reduce_sum_int() -> None:
    x = R.integers(-5, 5, (3, 4)).astype(np.int64)
    check(
        "reduce_sum",
        [x],
        {"axes": [1], "keepdims": 0},
        "ReduceSum",
        {"keepdims": 0},
        onnx_inputs=[x, Const(np.array([1], np.int64))],
    )


@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize(("op", "onnx_op"), [("softmax", "Softmax"), ("log_softmax", "LogSoftmax")])
def test_softmax(op: str, onnx_op: str, axis: int) -> None:
    check(op, [f32(3, 4, 5) * 10], {"axis": axis}, onnx_op, {"axis": axis})


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3), (1, 3, 7)])
def test_batch_norm(shape: tuple[int, ...]) -> None:
    c = shape[1]
    var = np.abs(f32(c)) + 0.1
    check(
        "batch_normalization",
        [f32(*shape), f32(c), f32(c), f32(c), var],
        {"epsilon": 1e-3},
        "BatchNormalization",
        {"epsilon": 1e-3},
    )
