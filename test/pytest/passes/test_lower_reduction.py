"""Numeric tests of reductions, normalisations and softmax against onnxruntime."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check, run_nn

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


# the other kinds, fewer axis configurations (the lowering shares everything but the kind)
MORE_REDUCES = [
    ("reduce_min", "ReduceMin"),
    ("reduce_prod", "ReduceProd"),
    ("reduce_l1", "ReduceL1"),
    ("reduce_l2", "ReduceL2"),
    ("reduce_log_sum", "ReduceLogSum"),
    ("reduce_log_sum_exp", "ReduceLogSumExp"),
    ("reduce_sum_square", "ReduceSumSquare"),
]


@pytest.mark.parametrize(("op", "onnx_op"), MORE_REDUCES)
@pytest.mark.parametrize(("axes", "keepdims"), [([1], 1), ([0, 2], 0), ([], 1)])
def test_reduce_kinds(op: str, onnx_op: str, axes: list[int], keepdims: int) -> None:
    x = f32(2, 3, 4)
    if op == "reduce_log_sum":  # the log of a sum needs a positive sum
        x = np.abs(x) + 0.5
    attrs = {"axes": axes, "keepdims": keepdims}
    onnx_in: list[Any] = [x, Const(np.array(axes, np.int64)) if axes else None]
    check(op, [x], attrs, onnx_op, {"keepdims": keepdims}, onnx_inputs=onnx_in, opset=18)


@pytest.mark.parametrize(("op", "onnx_op"), REDUCES[1:] + MORE_REDUCES)
def test_reduce_over_an_empty_set_gives_the_identity(op: str, onnx_op: str) -> None:
    """Reducing a zero-size axis: 0 for sums, 1 for prod, +-inf for min / max, -inf for the
    logarithms (onnxruntime agrees)."""
    x = np.zeros((2, 0, 3), np.float32)
    onnx_in: list[Any] = [x, Const(np.array([1], np.int64))]
    check(op, [x], {"axes": [1]}, onnx_op, {}, onnx_inputs=onnx_in, opset=18)


def test_reduce_mean_over_an_empty_set_is_nan() -> None:
    """0 / 0, as onnx.reference (numpy) computes it; ONNX leaves the value undefined."""
    (y,) = run_nn("reduce_mean", [np.zeros((2, 0), np.float32)], {"axes": [1]})
    assert y.shape == (2, 1) and np.isnan(y).all()


@pytest.mark.parametrize(
    ("op", "onnx_op", "dtype"),
    [
        ("reduce_min", "ReduceMin", np.int32),
        ("reduce_prod", "ReduceProd", np.int64),
        ("reduce_l1", "ReduceL1", np.int32),
        ("reduce_mean", "ReduceMean", np.int64),
        ("reduce_sum_square", "ReduceSumSquare", np.float64),
        ("reduce_log_sum_exp", "ReduceLogSumExp", np.float64),
    ],
)
def test_reduce_element_types(op: str, onnx_op: str, dtype: Any) -> None:
    """(bool reductions run through the CPU target in test_reduce_ops.py: the JIT harness
    cannot store i1 tensors.)"""
    if np.dtype(dtype).kind == "i":
        x = R.integers(-4, 5, (3, 4)).astype(dtype)
    else:
        x = f32(3, 4).astype(dtype)
    onnx_in: list[Any] = [x, Const(np.array([1], np.int64))]
    check(op, [x], {"axes": [1]}, onnx_op, {}, onnx_inputs=onnx_in, opset=18)


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


@pytest.mark.parametrize(("axis", "keepdims", "last"), [(0, 1, 0), (-1, 0, 1), (1, 1, 1)])
@pytest.mark.parametrize(("op", "onnx_op"), [("arg_max", "ArgMax"), ("arg_min", "ArgMin")])
def test_arg_reduce(op: str, onnx_op: str, axis: int, keepdims: int, last: int) -> None:
    x = R.integers(-2, 3, (3, 4, 5)).astype(np.float32)  # ties: first or last index
    attrs = {"axis": axis, "keepdims": keepdims, "select_last_index": last}
    check(op, [x], attrs, onnx_op, attrs, opset=13)


def test_arg_max_of_integers() -> None:
    x = R.integers(-(2**40), 2**40, (4, 6)).astype(np.int64)
    check("arg_max", [x], {"axis": 1}, "ArgMax", {"axis": 1}, opset=13)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_hardmax(axis: int) -> None:
    x = R.integers(-2, 3, (3, 4, 5)).astype(np.float32)
    check("hardmax", [x], {"axis": axis}, "Hardmax", {"axis": axis}, opset=13)


@pytest.mark.parametrize(("p", "axis"), [(2, -1), (1, 0), (2, 1)])
def test_lp_normalization(p: int, axis: int) -> None:
    x = f32(3, 4, 2)
    x[0, :, 0] = 0.0  # a zero norm gives 0, not NaN
    check(
        "lp_normalization", [x], {"p": p, "axis": axis}, "LpNormalization", {"p": p, "axis": axis}
    )
