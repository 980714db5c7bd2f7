"""Numeric tests of the elementwise lowerings against onnxruntime (see nn_jit.check)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check, run_nn

R = np.random.default_rng(7)


def f32(*shape: int, lo: float = -3.0, hi: float = 3.0) -> np.ndarray[Any, Any]:
    return R.uniform(lo, hi, shape).astype(np.float32)


def i64(*shape: int) -> np.ndarray[Any, Any]:
    return R.integers(-9, 10, shape).astype(np.int64)


BINARY = [("add", "Add"), ("sub", "Sub"), ("mul", "Mul"), ("div", "Div"), ("max", "Max"),
          ("min", "Min")]  # fmt: skip
SHAPES = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((1,), (2, 3))]


@pytest.mark.parametrize(("op", "onnx_op"), BINARY)
@pytest.mark.parametrize(("sa", "sb"), SHAPES)
def test_binary_float(op: str, onnx_op: str, sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    b = f32(*sb, lo=0.5, hi=3.0) if op == "div" else f32(*sb)
    check(op, [f32(*sa), b], {}, onnx_op)


@pytest.mark.parametrize(("op", "onnx_op"), BINARY)
def test_binary_int(op: str, onnx_op: str) -> None:
    b = R.integers(1, 5, (4,)).astype(np.int64) * R.choice([-1, 1], (4,))
    check(op, [i64(3, 4), b], {}, onnx_op)


@pytest.mark.parametrize(
    ("op", "onnx_op"),
    [("equal", "Equal"), ("less", "Less"), ("greater", "Greater"),
     ("less_or_equal", "LessOrEqual"), ("greater_or_equal", "GreaterOrEqual")],
)  # fmt: skip
@pytest.mark.parametrize("dtype", ["f32", "i64"])
def test_compare(op: str, onnx_op: str, dtype: str) -> None:
    if dtype == "f32":
        a = np.round(f32(3, 4))
        b = np.round(f32(4))
    else:
        a, b = i64(3, 4) // 3, i64(4) // 3
    check(op, [a, b], {}, onnx_op)


@pytest.mark.parametrize(("op", "onnx_op"), [("and", "And"), ("or", "Or")])
def test_logic(op: str, onnx_op: str) -> None:
    check(op, [R.random((3, 4)) < 0.5, R.random((4,)) < 0.5], {}, onnx_op)


def test_not() -> None:
    check("not", [R.random((2, 5)) < 0.5], {}, "Not")


UNARY = [
    ("sqrt", "Sqrt", (0.0, 9.0)), ("erf", "Erf", (-5.0, 5.0)), ("exp", "Exp", (-80.0, 80.0)),
    ("log", "Log", (0.01, 50.0)), ("tanh", "Tanh", (-10.0, 10.0)),
    ("sigmoid", "Sigmoid", (-20.0, 20.0)), ("reciprocal", "Reciprocal", (0.5, 4.0)),
    ("neg", "Neg", (-3.0, 3.0)), ("abs", "Abs", (-3.0, 3.0)), ("relu", "Relu", (-3.0, 3.0)),
]  # fmt: skip


@pytest.mark.parametrize(("op", "onnx_op", "rng"), UNARY)
def test_unary(op: str, onnx_op: str, rng: tuple[float, float]) -> None:
    check(op, [f32(4, 64, lo=rng[0], hi=rng[1])], {}, onnx_op)


def test_erf_tiny_and_large_values_match_math_erf() -> None:
    """The erf approximation is accurate relative to math.erf across magnitudes."""

    x = np.concatenate([np.logspace(-7, 0.8, 60), -np.logspace(-7, 0.8, 60)]).astype(np.float32)
    (y,) = run_nn("erf", [x], {})
    ref = np.array([math.erf(float(v)) for v in x])
    np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
@pytest.mark.parametrize(("op", "onnx_op"), [("neg", "Neg"), ("abs", "Abs"), ("relu", "Relu")])
def test_unary_int(op: str, onnx_op: str, dtype: type) -> None:
    x = i64(3, 5).astype(dtype)
    if op == "relu" and dtype == np.int64:  # onnxruntime has no int64 Relu kernel: use numpy
        (y,) = run_nn("relu", [x], {})
        np.testing.assert_array_equal(y, np.maximum(x, 0))
        return
    check(op, [x], {}, onnx_op, opset=14)


@pytest.mark.parametrize(
    ("lo", "hi"), [(-1.0, 1.0), (0.0, 6.0), (-math.inf, 0.5), (-0.5, math.inf)]
)
def test_clip(lo: float, hi: float) -> None:
    x = f32(3, 7)
    ins: list[Any] = [x, Const(np.array(lo, np.float32)) if lo != -math.inf else None]
    ins.append(Const(np.array(hi, np.float32)) if hi != math.inf else None)
    check("clip", ins, {}, "Clip")


def test_clip_int() -> None:
    check("clip", [i64(4, 4), Const(np.int64(-2)), Const(np.int64(3))], {}, "Clip")


def test_clip_run_time_bounds() -> None:
    """Bounds computed at run time are 0-d operands of the generic (min > max gives max)."""
    x = f32(3, 5)
    check("clip", [x, np.array(0.5, np.float32), np.array(-0.5, np.float32)], {}, "Clip")
    check("clip", [i64(3, 5), None, np.array(2, np.int64)], {}, "Clip")


def test_hard_sigmoid() -> None:
    check(
        "hard_sigmoid",
        [f32(3, 8, lo=-6, hi=6)],
        {"alpha": 0.25, "beta": 0.4},
        "HardSigmoid",
        {"alpha": 0.25, "beta": 0.4},
    )


def test_leaky_relu() -> None:
    check("leaky_relu", [f32(3, 8)], {"alpha": 0.1}, "LeakyRelu", {"alpha": 0.1})


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu(approximate: str) -> None:
    check(
        "gelu",
        [f32(4, 16, lo=-6, hi=6)],
        {"approximate": approximate},
        "Gelu",
        {"approximate": approximate},
        opset=20,
    )


@pytest.mark.parametrize("exponent", [2.0, 0.5, 3.0, 1.7])
def test_pow_constant_exponent(exponent: float) -> None:
    x = f32(3, 5, lo=0.1, hi=3.0)
    e = Const(np.array([exponent], np.float32))
    check("pow", [x, e], {}, "Pow")


def test_pow_tensor_exponent() -> None:
    check("pow", [f32(3, 5, lo=0.1, hi=3.0), f32(5, lo=-2, hi=2)], {}, "Pow")


def test_where() -> None:
    check("where", [R.random((3, 1)) < 0.5, f32(3, 4), f32(4)], {}, "Where")


def test_where_int() -> None:
    check("where", [R.random((2, 3)) < 0.5, i64(2, 3), i64(1, 3)], {}, "Where")


CASTS = [
    (np.float32, np.int64, 7), (np.float32, np.int32, 6), (np.int64, np.float32, 1),
    (np.int32, np.int64, 7), (np.int64, np.int32, 6), (np.float32, np.bool_, 9),
    (np.bool_, np.float32, 1), (np.bool_, np.int64, 7), (np.int64, np.bool_, 9),
    (np.float32, np.float64, 11), (np.float64, np.float32, 1),
]  # fmt: skip


@pytest.mark.parametrize(("src", "dst", "onnx_to"), CASTS)
def test_cast(src: type, dst: type, onnx_to: int) -> None:
    if src == np.bool_:
        x = R.random((3, 4)) < 0.5
    elif np.dtype(src).kind == "f":
        x = np.round(f32(3, 4) * 3).astype(src)
        x[0, 0] = 0.0
    else:
        x = i64(3, 4).astype(src)
    check("cast", [x], {"to": dst}, "Cast", {"to": onnx_to})
