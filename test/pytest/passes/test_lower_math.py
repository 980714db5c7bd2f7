"""Numeric tests of the math / bitwise / activation lowerings and of element-type semantics
(unsigned integers, f16, bf16) against onnxruntime, onnx's reference implementation or numpy
(see nn_jit.check)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check, run_nn

from strata import dtypes

R = np.random.default_rng(11)
BF16 = dtypes.numpy_dtype("bfloat16")


def f32(*shape: int, lo: float = -3.0, hi: float = 3.0) -> np.ndarray[Any, Any]:
    return R.uniform(lo, hi, shape).astype(np.float32)


def ints(dtype: Any, *shape: int, lo: int | None = None, hi: int | None = None) -> np.ndarray:
    info = np.iinfo(dtype)
    return R.integers(info.min if lo is None else lo, (info.max if hi is None else hi) + 1,
                      shape, dtype=dtype)  # fmt: skip


# ---- float math ---------------------------------------------------------------------------

UNARY = [
    ("cos", "Cos", (-6.0, 6.0)), ("sin", "Sin", (-6.0, 6.0)), ("tan", "Tan", (-1.4, 1.4)),
    ("acos", "Acos", (-1.0, 1.0)), ("asin", "Asin", (-1.0, 1.0)), ("atan", "Atan", (-9.0, 9.0)),
    ("cosh", "Cosh", (-5.0, 5.0)), ("sinh", "Sinh", (-5.0, 5.0)),
    ("acosh", "Acosh", (1.0, 9.0)), ("asinh", "Asinh", (-9.0, 9.0)),
    ("atanh", "Atanh", (-0.99, 0.99)), ("ceil", "Ceil", (-5.0, 5.0)),
    ("floor", "Floor", (-5.0, 5.0)), ("sign", "Sign", (-2.0, 2.0)),
    ("softplus", "Softplus", (-30.0, 30.0)), ("softsign", "Softsign", (-9.0, 9.0)),
    ("hard_swish", "HardSwish", (-5.0, 5.0)), ("mish", "Mish", (-9.0, 9.0)),
]  # fmt: skip


@pytest.mark.parametrize(("op", "onnx_op", "rng"), UNARY)
def test_unary(op: str, onnx_op: str, rng: tuple[float, float]) -> None:
    x = f32(3, 40, lo=rng[0], hi=rng[1])
    check(op, [x], {}, onnx_op, opset=18)


def test_round_is_half_to_even() -> None:
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6, 0.0, 1e9 + 0.5], np.float32)
    (y,) = run_nn("round", [x], {})
    np.testing.assert_array_equal(y, np.round(x))


@pytest.mark.parametrize(
    ("op", "onnx_op", "attrs"),
    [
        ("elu", "Elu", {"alpha": 0.7}),
        ("celu", "Celu", {"alpha": 2.0}),
        ("selu", "Selu", {"alpha": 1.5, "gamma": 2.0}),
        ("thresholded_relu", "ThresholdedRelu", {"alpha": 0.5}),
        ("shrink", "Shrink", {"lambd": 1.0, "bias": 0.25}),
    ],
)
def test_activation(op: str, onnx_op: str, attrs: dict[str, float]) -> None:
    check(op, [f32(4, 30, lo=-4.0, hi=4.0)], attrs, onnx_op, attrs, opset=18)


def test_swish() -> None:
    check("swish", [f32(3, 20, lo=-8, hi=8)], {"alpha": 0.5}, "Swish", {"alpha": 0.5},
          opset=24, reference="onnx")  # fmt: skip


def test_expm1_is_accurate_near_zero() -> None:
    """Elu / Selu / Celu use an expm1 that keeps its digits for tiny |x| (exp(x) - 1 would
    not: 1e-6 would come out about 5% off)."""
    x = -np.logspace(-8, 1, 50).astype(np.float32)
    (y,) = run_nn("elu", [x], {"alpha": 1.0})
    np.testing.assert_allclose(y, np.expm1(x.astype(np.float64)), rtol=2e-6)


def test_shrink_int() -> None:
    x = ints(np.int8, 30, lo=-6, hi=6)
    attrs = {"lambd": 1.5, "bias": 1.0}
    check("shrink", [x], attrs, "Shrink", attrs)


def test_prelu_broadcast_slope() -> None:
    check("prelu", [f32(2, 3, 4), f32(3, 1)], {}, "PRelu", opset=16)
    check("prelu", [ints(np.int32, 2, 5, lo=-9, hi=9), ints(np.int32, 5, lo=-3, hi=3)], {},
          "PRelu", opset=16)  # fmt: skip


@pytest.mark.parametrize(("pos", "neg"), [(1, 1), (1, 0), (0, 1)])
def test_is_inf(pos: int, neg: int) -> None:
    x = np.array([np.inf, -np.inf, np.nan, 0.0, 3.0, -1e38], np.float32)
    attrs = {"detect_positive": pos, "detect_negative": neg}
    check("is_inf", [x], attrs, "IsInf", attrs)


# ---- Mod ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmod", [0, 1])
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_mod_signed(fmod: int, dtype: Any) -> None:
    a = ints(dtype, 4, 6, lo=-50, hi=50)
    b = ints(dtype, 6, lo=1, hi=9) * R.choice(np.array([-1, 1], dtype), 6)
    check("mod", [a, b], {"fmod": fmod}, "Mod", {"fmod": fmod}, opset=13)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64])
def test_mod_unsigned(dtype: Any) -> None:
    a = ints(dtype, 3, 5)
    b = ints(dtype, 5, lo=1)
    check("mod", [a, b], {"fmod": 0}, "Mod", opset=13, reference="onnx")


def test_mod_float_edge_cases() -> None:
    """np.mod: the sign of b, signed zeros, infinities and NaN (ONNX Mod-28)."""
    a = np.array([0, -0.0, 0, -0.0, -3, 3, -1, 1, np.inf, -np.inf, 1, 1, 5.5, -5.5], np.float32)
    b = np.array([-2, 2, 2, -2, np.inf, np.inf, -np.inf, -np.inf, 2, 2, 0, -0.0, -2, 2],
                 np.float32)  # fmt: skip
    (y,) = run_nn("mod", [a, b], {"fmod": 0})
    want = np.mod(a, b)
    np.testing.assert_array_equal(y, want)
    np.testing.assert_array_equal(np.signbit(y), np.signbit(want))
    (z,) = run_nn("mod", [a, b], {"fmod": 1})
    np.testing.assert_array_equal(z, np.fmod(a, b))


def test_integer_division_by_zero_does_not_trap() -> None:
    """x86 idiv raises SIGFPE on / 0 and on INT_MIN / -1; Div and Mod give 0 and INT_MIN."""
    a = np.array([7, -7, np.iinfo(np.int32).min, 5], np.int32)
    b = np.array([0, 0, -1, 2], np.int32)
    (q,) = run_nn("div", [a, b], {})
    np.testing.assert_array_equal(q, [0, 0, np.iinfo(np.int32).min, 2])
    (r,) = run_nn("mod", [a, b], {"fmod": 0})
    np.testing.assert_array_equal(r, [0, 0, 0, 1])
    (u,) = run_nn("div", [a.view(np.uint32), b.view(np.uint32)], {})
    np.testing.assert_array_equal(u, [0, 0, 0, 2])


# ---- BitShift and bitwise ops -------------------------------------------------------------


@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint64, np.int8, np.int32])
def test_bit_shift(direction: str, dtype: Any) -> None:
    """Including shifts by >= the width and negative amounts (read as unsigned): all bits
    shift out, leaving 0, or -1 for a negative value shifted right."""
    info = np.iinfo(dtype)
    w = 8 * np.dtype(dtype).itemsize
    x = np.array([1, 3, info.max, info.min, info.min + 5, 64], dtype)
    s = np.array([1, 0, 3, w - 1, w, 2], dtype)
    if info.min < 0:
        s[5] = -1
    (y,) = run_nn("bit_shift", [x, s], {"direction": direction})
    amounts = s.view(np.dtype(f"uint{w}")).tolist()
    want = []
    for v, k in zip(x.tolist(), amounts, strict=True):
        if k >= w:
            r = -1 if direction == "RIGHT" and v < 0 else 0
        else:
            r = v << k if direction == "LEFT" else v >> k
        r &= (1 << w) - 1  # the bits an integer of width w keeps
        want.append(r - (1 << w) if info.min < 0 and r >= 1 << (w - 1) else r)
    np.testing.assert_array_equal(y, np.array(want, dtype=object).astype(dtype))


@pytest.mark.parametrize(("op", "fn"), [("bitwise_and", np.bitwise_and),
                                        ("bitwise_or", np.bitwise_or),
                                        ("bitwise_xor", np.bitwise_xor)])  # fmt: skip
@pytest.mark.parametrize("dtype", [np.int16, np.uint64])
def test_bitwise(op: str, fn: Any, dtype: Any) -> None:
    a, b = ints(dtype, 3, 4), ints(dtype, 4)
    (y,) = run_nn(op, [a, b], {})
    np.testing.assert_array_equal(y, fn(a, b))


def test_bitwise_not_and_xor() -> None:
    x = ints(np.uint32, 9)
    (y,) = run_nn("bitwise_not", [x], {})
    np.testing.assert_array_equal(y, np.invert(x))
    check("xor", [R.random((3, 4)) < 0.5, R.random((4,)) < 0.5], {}, "Xor")


# ---- unsigned integers --------------------------------------------------------------------

UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]


@pytest.mark.parametrize("dtype", UNSIGNED)
def test_unsigned_arithmetic(dtype: Any) -> None:
    """Values above the signed range: divui, maxui / minui, unsigned predicates."""
    a = ints(dtype, 2, 8)
    b = ints(dtype, 8, lo=1)
    for op, fn in (("div", np.floor_divide), ("max", np.maximum), ("min", np.minimum),
                   ("add", np.add), ("sub", np.subtract), ("mul", np.multiply)):  # fmt: skip
        (y,) = run_nn(op, [a, b], {})
        np.testing.assert_array_equal(y, fn(a, b), err_msg=op)
    for op, fn in (("less", np.less), ("greater_or_equal", np.greater_equal)):
        (y,) = run_nn(op, [a, b], {})
        np.testing.assert_array_equal(y, fn(a, b), err_msg=op)


def test_unsigned_clip_and_sign() -> None:
    x = ints(np.uint8, 20)
    check("clip", [x, Const(np.uint8(10)), Const(np.uint8(200))], {}, "Clip", reference="onnx")
    (y,) = run_nn("sign", [x], {})
    np.testing.assert_array_equal(y, np.sign(x))


CASTS = [
    (np.uint8, np.float32), (np.uint64, np.float64), (np.uint16, np.int64), (np.int8, np.uint8),
    (np.uint32, np.int16), (np.float32, np.uint8), (np.float64, np.uint64), (np.uint8, np.bool_),
    (np.bool_, np.uint16), (np.float16, np.uint32), (np.int64, np.uint32),
]  # fmt: skip


@pytest.mark.parametrize(("src", "dst"), CASTS)
def test_cast_unsigned(src: Any, dst: Any) -> None:
    if src == np.bool_:
        x = R.random(12) < 0.5
    elif np.dtype(src).kind == "f":
        top = 250 if dst == np.uint8 else 60000
        x = R.uniform(0, top, 12).astype(src)
    else:
        x = ints(src, 12)
    (y,) = run_nn("cast", [x], {"to": np.dtype(dst)})
    np.testing.assert_array_equal(y, x.astype(dst))


# ---- f16 and bf16 -------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, BF16])
def test_16bit_floats_compute_in_f32(dtype: Any) -> None:
    """f16 / bf16 bodies compute in f32 and round once (numpy's f16 arithmetic); results
    match the reference on its own tolerance scale."""
    x = f32(3, 16, lo=-4, hi=4).astype(dtype)
    y = f32(16, lo=0.5, hi=4).astype(dtype)
    for op, onnx_op in (("add", "Add"), ("div", "Div"), ("max", "Max")):
        check(op, [x, y], {}, onnx_op, reference="onnx", rtol=0, atol=0)
    for op, onnx_op in (("exp", "Exp"), ("tanh", "Tanh"), ("sigmoid", "Sigmoid"),
                        ("celu", "Celu"), ("erf", "Erf")):  # fmt: skip
        check(op, [x], {}, onnx_op, reference="onnx", rtol=1e-2 if dtype == BF16 else 2e-3, atol=0)
    check("less", [x, y], {}, "Less", reference="onnx")


def test_bf16_casts_round_to_nearest_even() -> None:
    x = np.array([1.0, 1.00390625, 1.01171875, -2.5e38, 3.4e38, np.inf, -0.0, 1e-40, np.nan,
                  0.1, 65504.0, 1.0 + 2**-8 + 2**-20], np.float32)  # fmt: skip
    (b,) = run_nn("cast", [x], {"to": BF16})
    np.testing.assert_array_equal(b.view(np.uint16), x.astype(BF16).view(np.uint16))
    (back,) = run_nn("cast", [b], {"to": np.dtype(np.float32)})
    np.testing.assert_array_equal(back, b.astype(np.float32))
    (h,) = run_nn("cast", [b], {"to": np.dtype(np.float16)})
    np.testing.assert_array_equal(h, b.astype(np.float32).astype(np.float16))
    (i,) = run_nn("cast", [np.array([3.7, -2.2, 300.0], BF16)], {"to": np.dtype(np.int32)})
    np.testing.assert_array_equal(i, [3, -2, 300])


def test_f64_to_f16_rounds_once() -> None:
    """2049 + 1e-9 rounds up to 2050 in f16 directly; through f32 it would tie to 2048."""
    x = np.array([2049.0 + 1e-9, 1.0 / 3.0, 70000.0], np.float64)
    (y,) = run_nn("cast", [x], {"to": np.dtype(np.float16)})
    np.testing.assert_array_equal(y, x.astype(np.float16))


# ---- Pow ----------------------------------------------------------------------------------


def test_integer_pow() -> None:
    x = np.array([2, -3, 5, 0, 1, -1, 7, 2], np.int64)
    e = np.array([10, 3, 0, 4, 62, 5, 2, 40], np.int64)
    (y,) = run_nn("pow", [x, e], {})
    np.testing.assert_array_equal(y, [int(a) ** int(b) for a, b in zip(x, e, strict=True)])
    (z,) = run_nn("pow", [x[:4].astype(np.int32), np.array([-1, -2, 3, 1], np.int64)], {})
    np.testing.assert_array_equal(z, [0, 0, 125, 0])  # 1 / 2, 1 / 9 truncate to 0


def test_pow_mixed_types() -> None:
    check("pow", [np.array([1, 2, 3], np.int32), np.array([4.0, 5.0, 0.5], np.float32)], {},
          "Pow", opset=15)  # fmt: skip
    check("pow", [f32(6, lo=0.5, hi=3.0), np.array([4, 5, 6, 0, 1, 3], np.uint32)], {}, "Pow",
          opset=15, reference="onnx")  # fmt: skip
