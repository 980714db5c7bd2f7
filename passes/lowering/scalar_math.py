"""Scalar bodies of the unary math and activation ops (trigonometry, rounding, Sign, IsInf,
Elu ... Swish, Shrink, PRelu), keyed by the kind the PDLL rules name.

Each body is `fn(x, op) -> value` on one scalar; `op` is the nn op, for attributes and for the
signedness of integer operands. Float bodies run in f32 for f16 / bf16 (`common.in_f32`, which
`elementwise.lower_unary` applies). exp / tanh come from `approx` (no libm calls for f32); the
trigonometric and hyperbolic functions are `math` ops (LLVM intrinsics or libm via
`convert-math-to-libm`).

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,approx}`.
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable

from mlir import ir
from mlir.dialects import arith, math

from strata.passes.lowering import approx
from strata.passes.lowering.common import CMPF, CMPI, attr_float, attr_int, const, is_float
from strata.passes.lowering.common import is_unsigned as _unsigned_type

Scalar = Callable[[ir.Value, ir.Operation], ir.Value]


def _unsigned(op: ir.Operation) -> bool:
    return _unsigned_type(op.operands[0].type)


def _lt0(x: ir.Value) -> ir.Value:
    return arith.cmpf(CMPF["olt"], x, const(x.type, 0.0))


def _expm1(x: ir.Value) -> ir.Value:
    """exp(x) - 1, accurate near 0 (Kahan: (u - 1) * x / log(u) for u = exp(x));
    `math.expm1` lowers to exp(x) - 1, which loses all digits there."""
    t = x.type
    one = const(t, 1.0)
    u = approx.exp(x)
    um1 = arith.subf(u, one)
    ratio = arith.divf(arith.mulf(um1, x), math.log(u))
    exact = arith.select(arith.cmpf(CMPF["oeq"], um1, const(t, -1.0)), um1, ratio)
    return arith.select(arith.cmpf(CMPF["oeq"], u, one), x, exact)


def _log1p(x: ir.Value) -> ir.Value:
    """log(1 + x), accurate near 0 (Kahan: log(u) * x / (u - 1) for u = 1 + x)."""
    one = const(x.type, 1.0)
    u = arith.addf(one, x)
    ratio = arith.divf(arith.mulf(math.log(u), x), arith.subf(u, one))
    return arith.select(arith.cmpf(CMPF["oeq"], u, one), x, ratio)


def _softplus(x: ir.Value) -> ir.Value:
    """log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|))."""
    t = x.type
    tail = _log1p(approx.exp(arith.negf(math.absf(x))))
    return arith.addf(arith.maximumf(x, const(t, 0.0)), tail)


def _elu(x: ir.Value, op: ir.Operation) -> ir.Value:
    alpha = const(x.type, attr_float(op, "alpha"))
    return arith.select(_lt0(x), arith.mulf(alpha, _expm1(x)), x)


def _celu(x: ir.Value, op: ir.Operation) -> ir.Value:
    """max(0, x) + min(0, alpha * expm1(x / alpha))."""
    t = x.type
    alpha = const(t, attr_float(op, "alpha"))
    neg = arith.mulf(alpha, _expm1(arith.divf(arith.minimumf(x, const(t, 0.0)), alpha)))
    return arith.addf(arith.maximumf(x, const(t, 0.0)), arith.minimumf(neg, const(t, 0.0)))


def _selu(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    alpha, gamma = const(t, attr_float(op, "alpha")), const(t, attr_float(op, "gamma"))
    neg = arith.mulf(alpha, _expm1(x))
    return arith.mulf(gamma, arith.select(arith.cmpf(CMPF["ole"], x, const(t, 0.0)), neg, x))


def _softsign(x: ir.Value, op: ir.Operation) -> ir.Value:
    return arith.divf(x, arith.addf(const(x.type, 1.0), math.absf(x)))


def _thresholded_relu(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    above = arith.cmpf(CMPF["ogt"], x, const(t, attr_float(op, "alpha")))
    return arith.select(above, x, const(t, 0.0))


def _hard_swish(x: ir.Value, op: ir.Operation) -> ir.Value:
    """x * max(0, min(1, x / 6 + 1 / 2))."""
    t = x.type
    h = arith.addf(arith.mulf(x, const(t, 1.0 / 6.0)), const(t, 0.5))
    h = arith.minimumf(arith.maximumf(h, const(t, 0.0)), const(t, 1.0))
    return arith.mulf(x, h)


def _mish(x: ir.Value, op: ir.Operation) -> ir.Value:
    return arith.mulf(x, approx.tanh(_softplus(x)))


def _swish(x: ir.Value, op: ir.Operation) -> ir.Value:
    return arith.mulf(x, approx.sigmoid(arith.mulf(x, const(x.type, attr_float(op, "alpha")))))


def _shrink(x: ir.Value, op: ir.Operation) -> ir.Value:
    """x < -lambd: x + bias; x > lambd: x - bias; else 0 (integers: in their own type)."""
    t = x.type
    lambd, bias = attr_float(op, "lambd"), attr_float(op, "bias")
    if is_float(t):
        below = arith.cmpf(CMPF["olt"], x, const(t, -lambd))
        above = arith.cmpf(CMPF["ogt"], x, const(t, lambd))
        lo, hi = arith.addf(x, const(t, bias)), arith.subf(x, const(t, bias))
    else:  # compare in f64 (the bounds are floats), add the bias in the integer type
        f64 = ir.F64Type.get()
        xf = arith.uitofp(f64, x) if _unsigned(op) else arith.sitofp(f64, x)
        below = arith.cmpf(CMPF["olt"], xf, const(f64, -lambd))
        above = arith.cmpf(CMPF["ogt"], xf, const(f64, lambd))
        b = const(t, int(bias))
        lo, hi = arith.addi(x, b), arith.subi(x, b)
    return arith.select(below, lo, arith.select(above, hi, const(t, 0)))


def _sign(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    if is_float(t):
        pos = arith.select(arith.cmpf(CMPF["ogt"], x, const(t, 0.0)), const(t, 1.0), x)
        return arith.select(_lt0(x), const(t, -1.0), pos)  # 0 and NaN stay
    zero = const(t, 0)
    if _unsigned(op):
        return arith.extui(t, arith.cmpi(CMPI["ne"], x, zero))
    pos = arith.extui(t, arith.cmpi(CMPI["sgt"], x, zero))
    neg = arith.extui(t, arith.cmpi(CMPI["slt"], x, zero))
    return arith.subi(pos, neg)


def _is_inf(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    pos = arith.cmpf(CMPF["oeq"], x, const(t, pymath.inf))
    neg = arith.cmpf(CMPF["oeq"], x, const(t, -pymath.inf))
    want_pos, want_neg = attr_int(op, "detect_positive"), attr_int(op, "detect_negative")
    if want_pos and want_neg:
        return arith.ori(pos, neg)
    if want_pos:
        return pos
    if want_neg:
        return neg
    return const(ir.IntegerType.get_signless(1), 0)


def _round(x: ir.Value, op: ir.Operation) -> ir.Value:
    """Round half to even (ONNX Round, numpy.round)."""
    return math.roundeven(x)


# Float bodies (computed in f32 for f16 / bf16) and bodies that also take integers.
FLOAT_UNARY: dict[str, Scalar] = {
    "cos": lambda x, op: math.cos(x),
    "sin": lambda x, op: math.sin(x),
    "tan": lambda x, op: math.tan(x),
    "acos": lambda x, op: math.acos(x),
    "asin": lambda x, op: math.asin(x),
    "atan": lambda x, op: math.atan(x),
    "cosh": lambda x, op: math.cosh(x),
    "sinh": lambda x, op: math.sinh(x),
    "acosh": lambda x, op: math.acosh(x),
    "asinh": lambda x, op: math.asinh(x),
    "atanh": lambda x, op: math.atanh(x),
    "ceil": lambda x, op: math.ceil(x),
    "floor": lambda x, op: math.floor(x),
    "round": _round,
    "elu": _elu,
    "celu": _celu,
    "selu": _selu,
    "softplus": lambda x, op: _softplus(x),
    "softsign": _softsign,
    "thresholded_relu": _thresholded_relu,
    "hard_swish": _hard_swish,
    "mish": _mish,
    "swish": _swish,
    "is_inf": _is_inf,
}
NUMERIC_UNARY: dict[str, Scalar] = {"sign": _sign, "shrink": _shrink}


def prelu(x: ir.Value, slope: ir.Value, unsigned: bool) -> ir.Value:
    """x < 0 ? slope * x : x (an unsigned x is never negative)."""
    t = x.type
    if is_float(t):
        return arith.select(_lt0(x), arith.mulf(slope, x), x)
    if unsigned:
        return x
    neg = arith.cmpi(CMPI["slt"], x, const(t, 0))
    return arith.select(neg, arith.muli(slope, x), x)
