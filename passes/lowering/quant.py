"""nn.quantize_linear / nn.dequantize_linear -> one elementwise linalg.generic each.

Both compute exactly what onnx.reference computes (numpy's types and roundings):

* quantize: `x / y_scale` in the op's `precision` (16-bit floats divide in f32 and round, as
  numpy does), rounded half to even (`math.roundeven`); integer results add the zero point
  in i32 and clamp to the result type's range (read from its width and the nn signedness:
  int4 -8..7, uint4 0..15, int2 -2..1, uint2 0..3, stored in the low bits of a byte);
  float8 / float4 results are encoded with `lowp.encode_float` (round to nearest even; with
  `saturate`, out-of-range values and infinities give the largest finite value, as onnx's
  `saturate_cast`; without it ml_dtypes' overflow to inf / NaN; float4 always saturates).
  The zero point is added for float4 results, not for float8 ones (onnx.reference ignores
  float8 zero points, which must be 0).
* dequantize: integer `x` (int4 / int2 decoded from their byte) in f32
  (`x.astype(float32)`), minus the zero point in `result_type(float32, zero point)` (f64 for
  32-bit zero points), times the scale in numpy's promoted type, rounded to `output_dtype`;
  float8 / float4 `x` decodes exactly to f32 and ignores the zero point (onnx.reference).

The scale and zero point are read per tensor (a constant map), per axis (`d_axis`) or, blocked,
with `tensor.extract` at `(i_0, ..., i_axis floordiv block_size, ...)`. Element types are
handled generically: ranges, signedness and float-ness come from the types and
`strata.dtypes`; low-precision operands arrive as their `i8` storage and are decoded /
encoded with `strata.passes.lowering.lowp`.

Dependency contract: imports the upstream `mlir` bindings, numpy, `strata.dtypes`,
`strata.passes.signless` and `strata.passes.lowering.{common,sizes,lowp}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import arith, math, tensor

from strata import dtypes
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    LoweringError,
    amap,
    attr_int,
    cast_scalar,
    const,
    cst_expr,
    dim,
    elem,
    empty,
    generic,
    highest,
    identity_map,
    index,
    is_unsigned,
    lowest,
    norm_axis,
    optional_operands,
    rank,
    to_signless,
    ttype,
)
from strata.passes.lowering.lowp import FORMATS, decode_float, decode_int, encode_float, encode_int
from strata.passes.lowering.sizes import sizes_of
from strata.passes.signless import is_narrow, signless

# |round(x / scale)| is clamped to this before the i32 conversion: exact in f32, and wider
# than any integer result range plus zero point (results have at most 16 bits).
_INT_CLAMP = float(2**24)


def _is_float(t: ir.Type) -> bool:
    return isinstance(t, ir.FloatType)


def _width(t: ir.Type) -> int:
    return int(ir.FloatType(t).width) if _is_float(t) else int(ir.IntegerType(t).width)


def _np(t: ir.Type) -> np.dtype[Any]:
    d = dtypes.by_mlir(str(t))
    if d is None:
        raise LoweringError(f"element type {t} is not one Strata handles")
    return d.np


def _mlir(d: np.dtype[Any]) -> ir.Type:
    row = dtypes.lookup(d)
    if row is None:
        raise LoweringError(f"numpy type {d} has no element type in Strata")
    return ir.Type.parse(row.mlir)


def _promote(*ts: ir.Type) -> ir.Type:
    """numpy's result type of an arithmetic op on arrays of these element types."""
    try:
        return _mlir(np.result_type(*[_np(t) for t in ts]))
    except TypeError:  # no promotion rule (e.g. f16 with bf16): numpy would fail too
        return ir.F32Type.get()


def _to(x: ir.Value, t: ir.Type, unsigned: bool = False) -> ir.Value:
    return cast_scalar(x, t, src_unsigned=unsigned)


def _arith(t: ir.Type, fn: Callable[[ir.Value, ir.Value], ir.Value]) -> Callable[..., ir.Value]:
    """A binary float op in element type `t`: 16-bit floats compute in f32 and round (numpy)."""
    f32 = ir.F32Type.get()

    def op(a: ir.Value, b: ir.Value) -> ir.Value:
        if _width(t) >= 32:
            return fn(a, b)
        return _to(fn(_to(a, f32), _to(b, f32)), t)

    return op


class _Params:
    """How a scale / zero point operand is read for each element of `x` (module doc)."""

    def __init__(self, op: ir.Operation, x: ir.Value, scale: ir.Value) -> None:
        self.n = rank(x)
        self.block = attr_int(op, "block_size")
        srank = rank(scale)
        self.per_tensor = srank == 0 or (srank == 1 and ttype(scale).shape[0] == 1)
        self.axis = 0 if self.per_tensor else norm_axis(attr_int(op, "axis"), self.n)
        self.blocked = not self.per_tensor and self.block > 0

    def operand(self, v: ir.Value) -> tuple[ir.AffineMap | None, ir.Value]:
        """(map, v) for a generic operand, or (None, v) for a tensor read in the body."""
        if self.blocked:
            return None, v
        if rank(v) == 0:
            return amap(self.n, []), v
        return amap(self.n, [cst_expr(0) if self.per_tensor else dim(self.axis)]), v

    def extract(self, v: ir.Value) -> ir.Value:
        """The blocked element of `v` for the current iteration (inside the generic)."""
        idx = [index(d) for d in range(self.n)]
        idx[self.axis] = arith.divui(idx[self.axis], sz.cindex(self.block))
        return tensor.extract(v, idx)


def _elementwise(
    op: ir.Operation,
    x: ir.Value,
    params: Sequence[ir.Value | None],
    out_t: ir.Type,
    body: Callable[..., ir.Value],
) -> ir.Value:
    """A parallel generic over `x` reading x and the per-tensor/axis/blocked `params`
    (None: absent); `body(x, *params)` gets None for absent ones."""
    scale = params[0]
    assert scale is not None
    how = _Params(op, x, scale)
    n = how.n
    ins: list[ir.Value] = [x]
    maps = [identity_map(n)]
    slots: list[int | ir.Value | None] = []  # generic argument position, tensor, or absent
    for p in params:
        if p is None:
            slots.append(None)
            continue
        m, v = how.operand(p)
        if m is None:
            slots.append(to_signless(v))  # read in the body: ui8 / narrow types as storage
        else:
            slots.append(len(ins))
            ins.append(v)
            maps.append(m)
    maps.append(identity_map(n))

    def wrapped(*args: ir.Value) -> ir.Value:
        vals: list[ir.Value | None] = []
        for s in slots:
            if s is None:
                vals.append(None)
            elif isinstance(s, int):
                vals.append(args[s])
            else:
                vals.append(how.extract(s))
        return body(args[0], *vals)

    init = empty(sizes_of(x), out_t)
    return generic(ins, [init], maps, "p" * n, wrapped)[0]


def _decode(v: ir.Value, t: ir.Type) -> tuple[ir.Value, bool]:
    """A storage scalar of nn element type `t` as a scalar arith computes on, and whether it
    is unsigned: int4 / int2 as their i8 value, float8 / float4 as their (exact) f32 value."""
    if not is_narrow(t):
        return v, is_unsigned(t)
    if isinstance(t, ir.IntegerType):
        return decode_int(v, int(t.width), is_unsigned(t)), False
    return decode_float(v, str(t)), False


def lower_quantize_linear(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, scale, zp = optional_operands(op, 3)
    assert x is not None and scale is not None
    out_nn = elem(op.results[0])
    out_t = signless(out_nn)
    prec = ir.TypeAttr(op.attributes["precision"]).value
    saturate = attr_int(op, "saturate") == 1
    x_unsigned = is_unsigned(x.type)
    s_unsigned = is_unsigned(scale.type)
    zp_t = elem(zp) if zp is not None else None
    f32 = ir.F32Type.get()
    wide = prec if _width(prec) >= 32 else f32  # where the rounded quotient is held
    div = _arith(prec, arith.divf)

    def quotient(xv: ir.Value, sv: ir.Value) -> ir.Value:
        q = div(_to(xv, prec, x_unsigned), _to(sv, prec, s_unsigned))
        return _to(q, wide)

    if not _is_float(out_nn):
        i32 = ir.IntegerType.get_signless(32)
        lo, hi = lowest(out_nn), highest(out_nn)
        narrow_w = int(ir.IntegerType(out_nn).width) if is_narrow(out_nn) else 0

        def body_int(xv: ir.Value, sv: ir.Value, zv: ir.Value | None) -> ir.Value:
            r = math.roundeven(quotient(xv, sv))
            # maxnumf: NaN gives the lower bound (numpy's int32(NaN) is INT_MIN)
            r = arith.minnumf(arith.maxnumf(r, const(wide, -_INT_CLAMP)), const(wide, _INT_CLAMP))
            yi = arith.fptosi(i32, r)
            if zv is not None and zp_t is not None:
                z, z_unsigned = _decode(zv, zp_t)
                yi = arith.addi(yi, _to(z, i32, z_unsigned))
            yi = arith.minsi(arith.maxsi(yi, const(i32, lo)), const(i32, hi))
            if narrow_w:  # int4 / int2: the clamped value's low bits in the storage byte
                return encode_int(arith.trunci(out_t, yi), narrow_w)
            return yi if _width(out_t) == 32 else arith.trunci(out_t, yi)

        return [_elementwise(op, x, [scale, zp], out_t, body_int)]

    spelling = str(out_nn)
    if spelling not in FORMATS:
        raise LoweringError(f"nn.quantize_linear: output_dtype {out_nn} is not supported")
    fmt = FORMATS[spelling]
    # onnx.reference adds the zero point of float4 results, not of float8 ones (must be 0)
    add_zp = zp is not None and not spelling.startswith("f8")

    def body_float(xv: ir.Value, sv: ir.Value, zv: ir.Value | None) -> ir.Value:
        q = quotient(xv, sv)
        if add_zp and zv is not None and zp_t is not None:
            q = arith.addf(q, _to(_decode(zv, zp_t)[0], wide))
        # saturate: out-of-range values and infinities become the largest finite value
        # (onnx's saturate_cast); float4 always saturates (it has no inf / NaN)
        return encode_float(q, fmt, saturate)

    return [_elementwise(op, x, [scale, zp if add_zp else None], out_t, body_float)]


def lower_dequantize_linear(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, scale, zp = optional_operands(op, 3)
    assert x is not None and scale is not None
    out_t = elem(op.results[0])
    x_t, s_t = elem(x), elem(scale)
    f32 = ir.F32Type.get()
    use_zp = zp is not None and not _is_float(x_t)  # float8 / float4 zero points: ignored
    diff_t = _promote(f32, elem(zp)) if use_zp and zp is not None else f32
    prod_t = _promote(diff_t, s_t)
    mul = _arith(prod_t, arith.mulf)

    def body(xv: ir.Value, sv: ir.Value, zv: ir.Value | None) -> ir.Value:
        xd, xd_unsigned = _decode(xv, x_t)
        d = _to(_to(xd, f32, xd_unsigned), diff_t)  # x.astype(float32), then promoted
        if use_zp and zv is not None and zp is not None:
            z, z_unsigned = _decode(zv, elem(zp))
            d = arith.subf(d, _to(z, diff_t, z_unsigned))
        return _to(mul(_to(d, prod_t), _to(sv, prod_t)), out_t)

    return [_elementwise(op, x, [scale, zp if use_zp else None], out_t, body)]


LOWERINGS = {
    "LowerQuantizeLinear": lower_quantize_linear,
    "LowerDequantizeLinear": lower_dequantize_linear,
}
