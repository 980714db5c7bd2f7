"""Elementwise nn ops -> one broadcasting linalg.generic each.

Arithmetic, comparisons, logic, activations, Where and Cast. Operands broadcast with ONNX's
multidirectional (numpy) rule through the generic's indexing maps; the scalar body picks the
float or integer arith op. Transcendentals come from `approx` (no libm calls for f32).

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,approx}`.
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, math

from strata.passes.lowering import approx
from strata.passes.lowering.broadcast import broadcast_inputs
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    LoweringError,
    attr_float,
    attr_str,
    cast_scalar,
    const,
    elementwise,
    highest,
    is_float,
    lowest,
    splat_value,
    type_shape,
)
from strata.passes.lowering.sizes import Size

Scalar = Callable[[ir.Value, ir.Operation], ir.Value]


def _name(a: ir.Attribute) -> str:
    return str(ir.StringAttr(a).value)


def _out(op: ir.Operation) -> tuple[list[ir.Value], list[Size], ir.Type]:
    """The operands (broadcast at run time where dynamic dims might broadcast), the result
    sizes and the result element type."""
    t = ir.RankedTensorType(op.results[0].type)
    ins, sizes = broadcast_inputs(list(op.operands), t)
    return ins, sizes, t.element_type


# ---- binary ---------------------------------------------------------------------------------


def lower_binary(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the arith op name for float operands, then the one for integer operands."""
    (a, b), shape, out_t = _out(op)
    t = ir.RankedTensorType(a.type).element_type
    name = _name(args[0]) if is_float(t) else _name(args[1])

    def body(x: ir.Value, y: ir.Value) -> ir.Value:
        return ir.Operation.create(name, results=[t], operands=[x, y]).result

    return [elementwise([a, b], shape, out_t, body)]


def lower_compare(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the arith.cmpf predicate, then the arith.cmpi predicate (names)."""
    (a, b), shape, out_t = _out(op)
    t = ir.RankedTensorType(a.type).element_type
    if is_float(t):
        pred = CMPF[_name(args[0])]
        return [elementwise([a, b], shape, out_t, lambda x, y: arith.cmpf(pred, x, y))]
    ipred = CMPI[_name(args[1])]
    return [elementwise([a, b], shape, out_t, lambda x, y: arith.cmpi(ipred, x, y))]


def lower_pow(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """a ** b; a splat constant exponent 0.5, 1, 2 or 3 becomes sqrt or multiplications."""
    (a, b), shape, out_t = _out(op)
    t = ir.RankedTensorType(a.type).element_type
    if not is_float(t):
        raise LoweringError(f"integer Pow ({t}) is not supported")
    k = splat_value(b)
    fixed: dict[float, Callable[[ir.Value], ir.Value]] = {
        0.5: math.sqrt,
        1.0: lambda x: x,
        2.0: lambda x: arith.mulf(x, x),
        3.0: lambda x: arith.mulf(arith.mulf(x, x), x),
    }
    if k is not None and k in fixed and type_shape(a) == type_shape(op.results[0]):
        return [elementwise([a], shape, out_t, fixed[k])]
    return [elementwise([a, b], shape, out_t, lambda x, y: math.powf(x, cast_scalar(y, t)))]


def lower_where(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    (c, x, y), shape, out_t = _out(op)
    return [elementwise([c, x, y], shape, out_t, lambda s, p, q: arith.select(s, p, q))]


def lower_cast(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    (x0,), shape, out_t = _out(op)
    return [elementwise([x0], shape, out_t, lambda x: cast_scalar(x, out_t))]


# ---- unary ----------------------------------------------------------------------------------


def _neg(x: ir.Value, op: ir.Operation) -> ir.Value:
    return arith.negf(x) if is_float(x.type) else arith.subi(const(x.type, 0), x)


def _abs(x: ir.Value, op: ir.Operation) -> ir.Value:
    return math.absf(x) if is_float(x.type) else math.absi(x)


def _relu(x: ir.Value, op: ir.Operation) -> ir.Value:
    zero = const(x.type, 0)
    return arith.maximumf(x, zero) if is_float(x.type) else arith.maxsi(x, zero)


def _clip(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    lo, hi = attr_float(op, "min"), attr_float(op, "max")
    if is_float(t):
        y = x if lo == -pymath.inf else arith.maximumf(x, const(t, lo))
        return y if hi == pymath.inf else arith.minimumf(y, const(t, hi))
    ilo = int(max(lo, lowest(t))) if lo != -pymath.inf else None
    ihi = int(min(hi, highest(t))) if hi != pymath.inf else None
    y = x if ilo is None else arith.maxsi(x, const(t, ilo))
    return y if ihi is None else arith.minsi(y, const(t, ihi))


def _hard_sigmoid(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    y = arith.addf(
        arith.mulf(x, const(t, attr_float(op, "alpha"))), const(t, attr_float(op, "beta"))
    )
    return arith.minimumf(arith.maximumf(y, const(t, 0.0)), const(t, 1.0))


def _leaky_relu(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    neg = arith.cmpf(CMPF["olt"], x, const(t, 0.0))
    return arith.select(neg, arith.mulf(x, const(t, attr_float(op, "alpha"))), x)


def _gelu(x: ir.Value, op: ir.Operation) -> ir.Value:
    t = x.type
    half = arith.mulf(x, const(t, 0.5))
    if attr_str(op, "approximate") == "tanh":
        x3 = arith.mulf(arith.mulf(x, x), x)
        inner = arith.addf(x, arith.mulf(x3, const(t, 0.044715)))
        g = approx.tanh(arith.mulf(inner, const(t, pymath.sqrt(2.0 / pymath.pi))))
    else:
        g = approx.erf(arith.mulf(x, const(t, 1.0 / pymath.sqrt(2.0))))
    return arith.mulf(half, arith.addf(g, const(t, 1.0)))


def _not(x: ir.Value, op: ir.Operation) -> ir.Value:
    return arith.xori(x, const(x.type, 1))


# Scalar bodies of the unary ops, keyed by the kind named in the PDLL rule.
UNARY: dict[str, Scalar] = {
    "sqrt": lambda x, op: math.sqrt(x),
    "erf": lambda x, op: approx.erf(x),
    "exp": lambda x, op: approx.exp(x),
    "log": lambda x, op: math.log(x),
    "tanh": lambda x, op: approx.tanh(x),
    "sigmoid": lambda x, op: approx.sigmoid(x),
    "reciprocal": lambda x, op: arith.divf(const(x.type, 1.0), x),
    "neg": _neg,
    "abs": _abs,
    "relu": _relu,
    "clip": _clip,
    "hard_sigmoid": _hard_sigmoid,
    "leaky_relu": _leaky_relu,
    "gelu": _gelu,
    "not": _not,
}


def lower_unary(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the kind, a key of UNARY."""
    fn = UNARY[_name(args[0])]
    (x0,), shape, out_t = _out(op)
    return [elementwise([x0], shape, out_t, lambda x: fn(x, op))]


LOWERINGS = {
    "LowerBinary": lower_binary,
    "LowerCompare": lower_compare,
    "LowerPow": lower_pow,
    "LowerWhere": lower_where,
    "LowerCast": lower_cast,
    "LowerUnary": lower_unary,
}
