"""Elementwise nn ops -> one broadcasting linalg.generic each.

Arithmetic, comparisons, logic, activations, Clip, PRelu, Where and Cast. Operands broadcast
with ONNX's multidirectional (numpy) rule through the generic's indexing maps; the scalar body
picks the float, signed or unsigned integer arith op from the nn operand types (`ui<N>` is
unsigned; bodies see signless scalars). f16 / bf16 compute in f32 (`common.in_f32`).
Transcendentals come from `approx` (no libm calls for f32); the further math and activation
bodies from `scalar_math`, the signedness-dependent integer ones from `integer`.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,approx,
broadcast,integer,lowp,scalar_math}` (`lowp` converts low-precision types).
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, math

from strata.passes.lowering import approx, integer, lowp, scalar_math, strings
from strata.passes.lowering.broadcast import broadcast_inputs
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    attr_float,
    attr_str,
    cast_scalar,
    const,
    elem,
    elementwise,
    in_f32,
    is_16bit_float,
    is_float,
    is_unsigned,
    splat_scalar,
    splat_value,
    type_shape,
)
from strata.passes.lowering.sizes import Size
from strata.passes.signless import is_string_type

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

# The arith op of a signed-integer rule -> its unsigned counterpart (the rest need none).
_UNSIGNED_OPS = {"arith.divsi": "arith.divui", "arith.maxsi": "arith.maxui",
                 "arith.minsi": "arith.minui"}  # fmt: skip
_UNSIGNED_PREDICATES = {"slt": "ult", "sle": "ule", "sgt": "ugt", "sge": "uge"}


def _unsigned(op: ir.Operation, i: int = 0) -> bool:
    return is_unsigned(op.operands[i].type)


def lower_binary(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the arith op name for float operands, then the one for signed integers (its
    unsigned form for `ui<N>` operands). Integer division is `integer.divide` (no traps);
    f16 / bf16 compute in f32."""
    (a, b), shape, out_t = _out(op)
    t = elem(op.operands[0])
    if is_float(t):
        name = _name(args[0])

        def fbody(x: ir.Value, y: ir.Value) -> ir.Value:
            return ir.Operation.create(name, results=[x.type], operands=[x, y]).result

        return [elementwise([a, b], shape, out_t, in_f32(fbody))]
    name = _name(args[1])
    unsigned = _unsigned(op)
    if unsigned:
        name = _UNSIGNED_OPS.get(name, name)
    if name in ("arith.divsi", "arith.divui"):
        return [elementwise([a, b], shape, out_t, lambda x, y: integer.divide(x, y, unsigned))]

    def body(x: ir.Value, y: ir.Value) -> ir.Value:
        return ir.Operation.create(name, results=[x.type], operands=[x, y]).result

    return [elementwise([a, b], shape, out_t, body)]


def lower_compare(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the arith.cmpf predicate, then the arith.cmpi predicate for signed integers
    (names; unsigned operands use the unsigned predicate)."""
    (a, b), shape, out_t = _out(op)
    t = elem(op.operands[0])
    if is_string_type(t):  # only nn.equal accepts strings
        return [strings.string_equal(op, [a, b], shape)]
    if is_float(t):
        pred = CMPF[_name(args[0])]
        body = in_f32(lambda x, y: arith.cmpf(pred, x, y))
        return [elementwise([a, b], shape, out_t, body)]
    iname = _name(args[1])
    if _unsigned(op):
        iname = _UNSIGNED_PREDICATES.get(iname, iname)
    ipred = CMPI[iname]
    return [elementwise([a, b], shape, out_t, lambda x, y: arith.cmpi(ipred, x, y))]


def lower_pow(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """a ** b; b may have another element type. A float base with a splat constant exponent
    0.5, 1, 2 or 3 becomes sqrt or multiplications; integer ** integer is exact
    (`integer.ipow`); an integer base with a float exponent computes in f64 and truncates."""
    (a, b), shape, out_t = _out(op)
    t, et = elem(op.operands[0]), elem(op.operands[1])
    e_unsigned = _unsigned(op, 1)
    if not is_float(t):
        if not is_float(et):
            return [elementwise([a, b], shape, out_t, lambda x, y: integer.ipow(x, y, e_unsigned))]
        f64 = ir.F64Type.get()
        unsigned = _unsigned(op)

        def ibody(x: ir.Value, y: ir.Value) -> ir.Value:
            xf = cast_scalar(x, f64, src_unsigned=unsigned)
            p = math.powf(xf, cast_scalar(y, f64))
            return cast_scalar(p, x.type, dst_unsigned=unsigned)

        return [elementwise([a, b], shape, out_t, ibody)]
    k = splat_value(b)
    fixed: dict[float, Callable[[ir.Value], ir.Value]] = {
        0.5: math.sqrt,
        1.0: lambda x: x,
        2.0: lambda x: arith.mulf(x, x),
        3.0: lambda x: arith.mulf(arith.mulf(x, x), x),
    }
    if k is not None and k in fixed and type_shape(a) == type_shape(op.results[0]):
        return [elementwise([a], shape, out_t, in_f32(fixed[k]))]

    def fbody(x: ir.Value, y: ir.Value) -> ir.Value:
        ct = ir.F32Type.get() if is_16bit_float(x.type) else x.type
        xc = cast_scalar(x, ct)
        yc = cast_scalar(y, ct, src_unsigned=e_unsigned)
        return cast_scalar(math.powf(xc, yc), x.type)

    return [elementwise([a, b], shape, out_t, fbody)]


def lower_where(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    (c, x, y), shape, out_t = _out(op)
    return [elementwise([c, x, y], shape, out_t, lambda s, p, q: arith.select(s, p, q))]


def lower_cast(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    if lowp.involves_narrow(op):  # float8 / float4 / int4 / int2: bit manipulation
        return lowp.lower_narrow_cast(op)
    (x0,), shape, out_t = _out(op)
    unsigned = _unsigned(op)
    return [elementwise([x0], shape, out_t, lambda x: cast_scalar(x, out_t, src_unsigned=unsigned))]


def lower_clip(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """min(max(x, min), max) with optional 0-d bounds: a splat constant bound becomes a scalar
    constant of the body, a run-time one a 0-d operand of the generic."""
    t = elem(op.operands[0])
    sizes = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
    operands = list(op.operands)
    bounds: list[ir.Value | None] = []
    i = 1
    for n in sizes[1:]:
        bounds.append(operands[i] if n else None)
        i += n
    unsigned = _unsigned(op)
    x0 = operands[0]
    (x,), shape = broadcast_inputs([x0], ir.RankedTensorType(op.results[0].type))
    ins = [x]
    consts: list[float | int | None] = []
    for v in bounds:
        c = None if v is None else splat_scalar(v)
        consts.append(c)
        if v is not None and c is None:
            ins.append(v)
    if is_float(t):
        mx, mn = arith.maximumf, arith.minimumf
    else:
        mx, mn = (arith.maxui, arith.minui) if unsigned else (arith.maxsi, arith.minsi)

    def body(y: ir.Value, *runtime: ir.Value) -> ir.Value:
        vals = iter(runtime)
        for bound, c, fn in zip(bounds, consts, (mx, mn), strict=True):
            if bound is None:
                continue
            b = next(vals) if c is None else const(y.type, c)
            y = fn(y, b)
        return y

    return [elementwise(ins, shape, elem(op.results[0]), in_f32(body))]


def lower_prelu(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    (x, slope), shape, out_t = _out(op)
    unsigned = _unsigned(op)
    body = in_f32(lambda a, s: scalar_math.prelu(a, s, unsigned))
    return [elementwise([x, slope], shape, out_t, body)]


# ---- unary ----------------------------------------------------------------------------------


def _neg(x: ir.Value, op: ir.Operation) -> ir.Value:
    return arith.negf(x) if is_float(x.type) else arith.subi(const(x.type, 0), x)


def _abs(x: ir.Value, op: ir.Operation) -> ir.Value:
    if is_float(x.type):
        return math.absf(x)
    return x if _unsigned(op) else math.absi(x)


def _relu(x: ir.Value, op: ir.Operation) -> ir.Value:
    zero = const(x.type, 0)
    if is_float(x.type):
        return arith.maximumf(x, zero)
    return x if _unsigned(op) else arith.maxsi(x, zero)


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


# Scalar bodies of the unary ops, keyed by the kind named in the PDLL rule. Float bodies
# compute in f32 for f16 / bf16; those in INTEGER_TOO also take integer operands.
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
    "hard_sigmoid": _hard_sigmoid,
    "leaky_relu": _leaky_relu,
    "gelu": _gelu,
    "not": _not,
    **scalar_math.FLOAT_UNARY,
    **scalar_math.NUMERIC_UNARY,
}


def lower_unary(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the kind, a key of UNARY."""
    fn = UNARY[_name(args[0])]
    (x0,), shape, out_t = _out(op)
    body = in_f32(lambda x: fn(x, op))
    return [elementwise([x0], shape, out_t, body)]


LOWERINGS = {
    "LowerClip": lower_clip,
    "LowerPRelu": lower_prelu,
    "LowerBinary": lower_binary,
    "LowerCompare": lower_compare,
    "LowerPow": lower_pow,
    "LowerWhere": lower_where,
    "LowerCast": lower_cast,
    "LowerUnary": lower_unary,
    "LowerMath": lower_unary,
}
