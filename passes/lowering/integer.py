"""Scalar bodies whose meaning depends on integer signedness, and the ops built from them:
division, Mod, BitShift, the bitwise ops and integer powers.

Scalars are signless (arith's rule); each function takes `unsigned` from the nn operand types
(`ui<N>`, see `strata.dtypes`). Integer division never traps: a zero divisor gives 0 (numpy's
result) and the signed INT_MIN / -1 wraps to INT_MIN, where x86's `idiv` would raise SIGFPE in
the caller's process.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,
broadcast,sizes}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, scf

from strata.passes.lowering.broadcast import broadcast_inputs
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    attr_int,
    attr_str,
    const,
    elementwise,
    in_f32,
    int_width,
    is_float,
    is_unsigned,
)
from strata.passes.lowering.sizes import Size


def _eq(x: ir.Value, v: int) -> ir.Value:
    return arith.cmpi(CMPI["eq"], x, const(x.type, v))


def _safe_divisor(a: ir.Value, b: ir.Value, unsigned: bool) -> tuple[ir.Value, ir.Value]:
    """(divisor that cannot trap, 'result must be 0' flag): b == 0 -> 1; signed INT_MIN / -1
    -> divide by 1 and negate instead (both give INT_MIN)."""
    zero = _eq(b, 0)
    if unsigned:
        return arith.select(zero, const(b.type, 1), b), zero
    w = int_width(b.type)
    overflow = arith.andi(_eq(b, -1), _eq(a, -(1 << (w - 1))))
    bad = arith.ori(zero, overflow)
    return arith.select(bad, const(b.type, 1), b), zero


def divide(a: ir.Value, b: ir.Value, unsigned: bool) -> ir.Value:
    """Integer a / b truncated toward zero (ONNX Div); a / 0 = 0."""
    d, zero = _safe_divisor(a, b, unsigned)
    q = arith.divui(a, d) if unsigned else arith.divsi(a, d)
    return arith.select(zero, const(a.type, 0), q)


def remainder(a: ir.Value, b: ir.Value, unsigned: bool, floored: bool) -> ir.Value:
    """Integer a mod b: truncated (sign of a, C's %) or floored (sign of b, Python's %)."""
    d, zero = _safe_divisor(a, b, unsigned)
    if unsigned:
        r = arith.remui(a, d)
    else:
        r = arith.remsi(a, d)
        if floored:  # r != 0 and sign(r) != sign(b): r + b
            zero_t = const(a.type, 0)
            fix = arith.andi(
                arith.cmpi(CMPI["ne"], r, zero_t),
                arith.xori(arith.cmpi(CMPI["slt"], r, zero_t), arith.cmpi(CMPI["slt"], b, zero_t)),
            )
            r = arith.select(fix, arith.addi(r, b), r)
    return arith.select(zero, const(a.type, 0), r)


def float_mod(a: ir.Value, b: ir.Value, floored: bool) -> ir.Value:
    """Float a mod b: fmod (floored=False) or numpy's np.mod (result has b's sign; a zero
    result is 0 with b's sign; b = +-inf keeps a finite a of b's sign, else gives b)."""
    t = a.type
    m = arith.remf(a, b)
    if not floored:
        return m
    zero = const(t, 0.0)
    nonzero = arith.cmpf(CMPF["une"], m, zero)  # true for NaN too, which stays NaN
    differ = arith.xori(arith.cmpf(CMPF["olt"], b, zero), arith.cmpf(CMPF["olt"], m, zero))
    fixed = arith.select(arith.andi(nonzero, differ), arith.addf(m, b), m)
    signed_zero = arith.select(arith.cmpf(CMPF["olt"], b, zero), const(t, -0.0), zero)
    is_zero = arith.cmpf(CMPF["oeq"], m, zero)
    return arith.select(is_zero, signed_zero, fixed)


def shift(a: ir.Value, b: ir.Value, left: bool, unsigned: bool) -> ir.Value:
    """a << b or a >> b (arithmetic for signed a); an amount >= the width, or negative (read
    as unsigned), shifts every bit out: 0, or -1 for a negative a shifted right."""
    t = a.type
    w = int_width(t)
    over = arith.cmpi(CMPI["uge"], b, const(t, w))
    amount = arith.select(over, const(t, 0), b)
    if left:
        return arith.select(over, const(t, 0), arith.shli(a, amount))
    if unsigned:
        return arith.select(over, const(t, 0), arith.shrui(a, amount))
    fill = arith.shrsi(a, const(t, w - 1))  # 0 or -1
    return arith.select(over, fill, arith.shrsi(a, amount))


def ipow(x: ir.Value, e: ir.Value, e_unsigned: bool) -> ir.Value:
    """x ** e for integers, by squaring (wraps like repeated multiplication). A negative
    exponent gives 1 / x**|e| truncated: 1 for x = 1, +-1 for x = -1, else 0 (0 for x = 0)."""
    t = x.type
    one, zero = const(t, 1), const(t, 0)
    e = _resize(e, t, e_unsigned)
    loop = scf.WhileOp([t, t, t], [one, x, e])
    before = loop.before.blocks.append(t, t, t)
    with ir.InsertionPoint(before):
        acc, base, n = before.arguments
        positive = arith.cmpi(CMPI["ugt" if e_unsigned else "sgt"], n, zero)
        scf.ConditionOp(positive, [acc, base, n])
    after = loop.after.blocks.append(t, t, t)
    with ir.InsertionPoint(after):
        acc, base, n = after.arguments
        odd = arith.cmpi(CMPI["ne"], arith.andi(n, one), zero)
        acc2 = arith.select(odd, arith.muli(acc, base), acc)
        scf.YieldOp([acc2, arith.muli(base, base), arith.shrui(n, one)])
    result = loop.results[0]
    if e_unsigned:
        return result
    negative = arith.cmpi(CMPI["slt"], e, zero)
    is_one = _eq(x, 1)
    minus_one = _eq(x, -1)
    even = _eq(arith.andi(e, one), 0)
    neg_value = arith.select(
        is_one, one, arith.select(minus_one, arith.select(even, one, const(t, -1)), zero)
    )
    return arith.select(negative, neg_value, result)


def _resize(v: ir.Value, t: ir.Type, unsigned: bool) -> ir.Value:
    """An integer scalar converted to the integer type `t` (sign- or zero-extended)."""
    if v.type == t:
        return v
    if int_width(v.type) > int_width(t):
        return arith.trunci(t, v)
    return arith.extui(t, v) if unsigned else arith.extsi(t, v)


# ---- ops --------------------------------------------------------------------------------------


def _binary_inputs(op: ir.Operation) -> tuple[list[ir.Value], list[Size], ir.Type]:
    t = ir.RankedTensorType(op.results[0].type)
    ins, sizes = broadcast_inputs(list(op.operands), t)
    return ins, sizes, t.element_type


def lower_mod(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    (a, b), shape, out_t = _binary_inputs(op)
    floored = attr_int(op, "fmod") == 0
    if is_float(out_t):
        body = in_f32(lambda x, y: float_mod(x, y, floored))
    else:
        unsigned = is_unsigned(op.operands[0].type)

        def body(x: ir.Value, y: ir.Value) -> ir.Value:
            return remainder(x, y, unsigned, floored)

    return [elementwise([a, b], shape, out_t, body)]


def lower_bit_shift(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    (a, b), shape, out_t = _binary_inputs(op)
    left = attr_str(op, "direction") == "LEFT"
    unsigned = is_unsigned(op.operands[0].type)
    return [elementwise([a, b], shape, out_t, lambda x, y: shift(x, y, left, unsigned))]


_BITWISE = {"and": arith.andi, "or": arith.ori, "xor": arith.xori}


def lower_bitwise(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: "and" | "or" | "xor" | "not" (also the logical Xor on i1)."""
    kind = str(ir.StringAttr(args[0]).value)
    ins, shape, out_t = _binary_inputs(op)
    if kind == "not":
        return [elementwise(ins, shape, out_t, lambda x: arith.xori(x, const(x.type, -1)))]
    fn = _BITWISE[kind]
    return [elementwise(ins, shape, out_t, lambda x, y: fn(x, y))]


LOWERINGS = {
    "LowerMod": lower_mod,
    "LowerBitShift": lower_bit_shift,
    "LowerBitwise": lower_bitwise,
}
