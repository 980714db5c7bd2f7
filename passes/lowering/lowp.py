"""Casts to and from low-precision element types, and nn.bit_cast.

Below nn a float8 / float4 / int4 / int2 element is its storage byte (`i8`: the value's bits
in the low bits, the upper bits zero; `strata.dtypes`), and LLVM has no arithmetic on these
types, so every conversion is integer bit manipulation on that byte, in f32 (f64 for f64
and integer sources) where a float is involved:

* float -> float8 / float4 (`encode_float`): round to nearest even on the source bits (normal
  results) or with `math.roundeven` on the value scaled to the target's subnormal step
  (subnormal results); then overflow and NaN by type, as ml_dtypes and ONNX's reference do:
  with `saturate`, out-of-range values and infinities become the largest finite value;
  without it e5m2 gives inf, e4m3fn NaN, the fnuz types their single NaN 0x80; fnuz types have
  no negative zero; float4 e2m1 has no inf / NaN and always saturates (NaN becomes a zero of
  the opposite sign, as in ml_dtypes). f16 / bf16 extend to f32 first (exactly).
* float -> float8e8m0 (`encode_e8m0`): ONNX's `to_float8e8m0` on the f32 bits (`round_mode`
  up / down / nearest, `saturate`); the sign is dropped, NaN and inf become 0xFF.
* float8 / float4 -> float (`decode_float`): exact in f32; narrower floats round from there.
* int4 / int2 <-> anything: sign- or zero-extend the low bits; results wrap around to the low
  bits (numpy's and ml_dtypes' integer conversion; floats truncate through i64 first).

`nn.bit_cast` keeps every bit: `arith.bitcast` between equally wide floats and integers, the
storage unchanged between types of one storage (i8 / ui8 / float8 / bool's byte).

Dependency contract: imports the `mlir` bindings and `strata.passes.{signless,
lowering.common,lowering.broadcast}`; `narrow_refusal` reads op categories from
`strata.dialects.nn`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mlir import ir
from mlir.dialects import arith, math

from strata.passes.lowering.broadcast import broadcast_inputs
from strata.passes.lowering.common import (
    CMPI,
    LoweringError,
    attr_str,
    cast_scalar,
    elem,
    elementwise,
    is_bool,
    is_unsigned,
)
from strata.passes.signless import is_narrow, signless, storage_cast


@dataclass(frozen=True)
class Format:
    """A float8 / float4 encoding: exponent / mantissa bits, bias, and its special values."""

    exp: int
    man: int
    bias: int
    max_enc: int  # the largest finite magnitude's bits
    nan: int | None  # the NaN bits (None: no NaN), sign bit added unless `fnuz`
    inf: int | None  # the +inf bits (None: no inf)
    fnuz: bool = False  # no negative zero, one NaN (0x80)

    @property
    def bits(self) -> int:
        return 1 + self.exp + self.man


FORMATS: dict[str, Format] = {
    "f8E4M3FN": Format(4, 3, 7, 0x7E, 0x7F, None),
    "f8E4M3FNUZ": Format(4, 3, 8, 0x7F, 0x80, None, fnuz=True),
    "f8E5M2": Format(5, 2, 15, 0x7B, 0x7E, 0x7C),
    "f8E5M2FNUZ": Format(5, 2, 16, 0x7F, 0x80, None, fnuz=True),
    "f4E2M1FN": Format(2, 1, 1, 0x7, None, None),
}
E8M0 = "f8E8M0FNU"


def _i(width: int) -> ir.IntegerType:
    return ir.IntegerType.get_signless(width)


def _c(t: ir.Type, v: int) -> ir.Value:
    w = ir.IntegerType(t).width
    v &= (1 << w) - 1
    if v >= 1 << (w - 1):
        v -= 1 << w
    return arith.ConstantOp(t, ir.IntegerAttr.get(t, v)).result


def _fc(t: ir.Type, v: float) -> ir.Value:
    return arith.constant(t, v)


def _sel(c: ir.Value, a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.select(c, a, b)


def _eq(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpi(CMPI["eq"], a, b)


def _ugt(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpi(CMPI["ugt"], a, b)


def _ult(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpi(CMPI["ult"], a, b)


def _wide_float(x: ir.Value, unsigned: bool) -> ir.Value:
    """A non-narrow scalar as f32 (floats up to 32 bits, bool) or f64 (f64, integers)."""
    t = x.type
    f32, f64 = ir.F32Type.get(), ir.F64Type.get()
    if isinstance(t, ir.F64Type | ir.F32Type):
        return x
    if isinstance(t, ir.F16Type | ir.BF16Type):
        return arith.extf(f32, x)
    if is_bool(t):
        return arith.uitofp(f32, x)
    return arith.uitofp(f64, x) if unsigned else arith.sitofp(f64, x)


# ---- float -> float8 / float4 ---------------------------------------------------------------


def encode_float(x: ir.Value, fmt: Format, saturate: bool) -> ir.Value:
    """The i8 storage of f32 / f64 scalar `x` in format `fmt` (see the module doc)."""
    f = x.type
    w = 64 if isinstance(f, ir.F64Type) else 32
    ms, bs = (52, 1023) if w == 64 else (23, 127)
    it = _i(w)
    bits = arith.bitcast(it, x)
    a = arith.andi(bits, _c(it, (1 << (w - 1)) - 1))
    sign = arith.shrui(bits, _c(it, w - 1))
    inf_bits = ((1 << (w - 1 - ms)) - 1) << ms
    is_nan = _ugt(a, _c(it, inf_bits))
    # normal results: round to nearest even at the target's mantissa width, then rebias
    shift = ms - fmt.man
    odd = arith.andi(arith.shrui(a, _c(it, shift)), _c(it, 1))
    r = arith.addi(arith.addi(a, _c(it, (1 << (shift - 1)) - 1)), odd)
    enc_n = arith.subi(arith.shrui(r, _c(it, shift)), _c(it, (bs - fmt.bias) << fmt.man))
    # subnormal results: |x| / (the subnormal step), rounded to nearest even
    scale = _fc(f, 2.0 ** (fmt.man + fmt.bias - 1))
    mag = arith.bitcast(f, a)
    sub = math.roundeven(arith.mulf(mag, scale))
    enc_s = arith.fptoui(it, sub)
    min_normal = (bs - fmt.bias + 1) << ms
    enc = _sel(_ult(a, _c(it, min_normal)), enc_s, enc_n)
    over = _ugt(enc, _c(it, fmt.max_enc))
    if saturate or (fmt.nan is None and fmt.inf is None):
        on_over = fmt.max_enc
    elif fmt.inf is not None:
        on_over = fmt.inf
    else:
        assert fmt.nan is not None
        on_over = fmt.nan
    enc = _sel(over, _c(it, on_over), enc)
    if fmt.nan is not None:
        enc = _sel(is_nan, _c(it, fmt.nan), enc)
    else:  # float4: NaN -> zero of the opposite sign (ml_dtypes)
        enc = _sel(is_nan, _c(it, 0), enc)
        sign = arith.xori(sign, arith.extui(it, is_nan))
    if fmt.fnuz:  # no negative zero (and NaN 0x80 already has the sign bit)
        sign = _sel(_eq(enc, _c(it, 0)), _c(it, 0), sign)
    out = arith.ori(enc, arith.shli(sign, _c(it, fmt.bits - 1)))
    return arith.trunci(_i(8), out)


def encode_e8m0(x: ir.Value, saturate: bool, round_mode: str) -> ir.Value:
    """The i8 storage of scalar float `x` (f32 or narrower) as float8e8m0 (ONNX's
    `to_float8e8m0`)."""
    i32 = _i(32)
    f32 = ir.F32Type.get()
    if not isinstance(x.type, ir.F32Type):
        x = arith.truncf(f32, x) if isinstance(x.type, ir.F64Type) else arith.extf(f32, x)
    bits = arith.bitcast(i32, x)
    exponent = arith.andi(arith.shrui(bits, _c(i32, 23)), _c(i32, 0xFF))
    special = _eq(exponent, _c(i32, 0xFF))
    zero, one = _c(i32, 0), _c(i32, 1)

    def nonzero(mask: int) -> ir.Value:
        return arith.cmpi(CMPI["ne"], arith.andi(bits, _c(i32, mask)), zero)

    if round_mode == "nearest":
        g, r, s = nonzero(0x400000), nonzero(0x200000), nonzero(0x1FFFFF)
        lsb = _ugt(exponent, zero)
        round_up = arith.andi(g, arith.ori(arith.ori(r, s), lsb))
    elif round_mode == "up":
        round_up = nonzero(0x7FFFFF)
    elif round_mode == "down":
        round_up = None
    else:
        raise LoweringError(f"nn.cast round_mode '{round_mode}': expected up, down or nearest")
    if round_up is not None:
        if saturate:
            at_max = _eq(exponent, _c(i32, 0xFE))
            round_up = arith.andi(round_up, arith.xori(at_max, _c(_i(1), 1)))
        exponent = arith.addi(exponent, _sel(round_up, one, zero))
    out = _sel(special, _c(i32, 0xFF), exponent)
    return arith.trunci(_i(8), out)


# ---- float8 / float4 -> f32 -----------------------------------------------------------------


def decode_float(x: ir.Value, spelling: str) -> ir.Value:
    """The f32 value of the i8 storage `x` of a float8 / float4 type (exact)."""
    i32, f32 = _i(32), ir.F32Type.get()
    v = arith.andi(arith.extui(i32, x), _c(i32, 0xFF))
    if spelling == E8M0:
        normal = arith.shli(v, _c(i32, 23))
        bits = _sel(_eq(v, _c(i32, 0)), _c(i32, 0x00400000), normal)  # 2^-127: subnormal
        bits = _sel(_eq(v, _c(i32, 0xFF)), _c(i32, 0x7FC00000), bits)
        return arith.bitcast(f32, bits)
    fmt = FORMATS[spelling]
    sign = arith.andi(arith.shrui(v, _c(i32, fmt.bits - 1)), _c(i32, 1))
    e = arith.andi(arith.shrui(v, _c(i32, fmt.man)), _c(i32, (1 << fmt.exp) - 1))
    m = arith.andi(v, _c(i32, (1 << fmt.man) - 1))
    normal = arith.ori(
        arith.shli(arith.addi(e, _c(i32, 127 - fmt.bias)), _c(i32, 23)),
        arith.shli(m, _c(i32, 23 - fmt.man)),
    )
    step = _fc(f32, 2.0 ** (1 - fmt.bias - fmt.man))
    sub = arith.bitcast(i32, arith.mulf(arith.uitofp(f32, m), step))
    mag = _sel(_eq(e, _c(i32, 0)), sub, normal)
    if fmt.inf is not None:  # e5m2: the all-ones exponent holds inf and NaNs
        special = arith.ori(_c(i32, 0x7F800000), arith.shli(m, _c(i32, 23 - fmt.man)))
        mag = _sel(_eq(e, _c(i32, (1 << fmt.exp) - 1)), special, mag)
    elif fmt.nan is not None and not fmt.fnuz:  # e4m3fn: only S.1111.111 is NaN
        low = arith.andi(v, _c(i32, 0x7F))
        mag = _sel(_eq(low, _c(i32, fmt.nan)), _c(i32, 0x7FC00000), mag)
    out = arith.ori(mag, arith.shli(sign, _c(i32, 31)))
    if fmt.fnuz:
        out = _sel(_eq(v, _c(i32, 0x80)), _c(i32, 0x7FC00000), out)
    return arith.bitcast(f32, out)


# ---- int4 / int2 ----------------------------------------------------------------------------


def decode_int(x: ir.Value, width: int, unsigned: bool) -> ir.Value:
    """The i8 value of the storage `x` of a `width`-bit integer (0..2^w-1 when unsigned)."""
    i8 = _i(8)
    if unsigned:
        return arith.andi(x, _c(i8, (1 << width) - 1))
    k = _c(i8, 8 - width)
    return arith.shrsi(arith.shli(x, k), k)


def encode_int(x: ir.Value, width: int) -> ir.Value:
    """The storage of an i8 scalar wrapped to `width` bits."""
    return arith.andi(x, _c(_i(8), (1 << width) - 1))


# ---- nn.cast --------------------------------------------------------------------------------


def _kind(t: ir.Type) -> str:
    """'float' (float8 / float4), 'int' (int4 / int2), or '' (not a narrow type)."""
    if not is_narrow(t):
        return ""
    return "int" if isinstance(t, ir.IntegerType) else "float"


# What may touch narrow types below nn: ops that only move or select bytes, and conversions.
# Everything else (arithmetic, reductions, ...) would compute on the storage byte.
MOVING_CATEGORIES = frozenset({"shape and data movement", "indexing", "rearrangement", "constants"})
NARROW_OPS = frozenset({"nn.cast", "nn.bit_cast", "nn.where", "nn.identity"})
# quantization ops define their own handling of narrow zero points and outputs
NARROW_PREFIXES = ("nn.quantize", "nn.dequantize", "nn.dynamic_quantize")


def narrow_refusal(op: ir.Operation) -> str | None:
    """Why `op` cannot be lowered with its low-precision operands / results, or None."""
    types = [v.type for v in op.operands] + [r.type for r in op.results]
    narrow = [
        ir.ShapedType(t).element_type
        for t in types
        if isinstance(t, ir.ShapedType) and is_narrow(ir.ShapedType(t).element_type)
    ]
    if not narrow or op.name in NARROW_OPS or op.name.startswith(NARROW_PREFIXES):
        return None
    from strata.dialects.nn import DIALECT

    try:
        category = DIALECT.op(op.name.removeprefix("nn.")).category
    except KeyError:
        category = ""
    if category in MOVING_CATEGORIES:
        return None
    return (
        f"element type {narrow[0]} supports only Cast / BitCast, quantization and data "
        f"movement, not {op.name}"
    )


def involves_narrow(op: ir.Operation) -> bool:
    return is_narrow(elem(op.operands[0])) or is_narrow(elem(op.results[0]))


def cast_body(
    src: ir.Type, dst: ir.Type, saturate: bool, round_mode: str
) -> Callable[[ir.Value], ir.Value]:
    """The scalar body of a cast from nn element type `src` to `dst`, one of them narrow,
    on storage scalars."""
    src_k, dst_k = _kind(src), _kind(dst)
    src_u, dst_u = is_unsigned(src), is_unsigned(dst)

    def body(x: ir.Value) -> ir.Value:
        # the source as a wide scalar (f32 / i8) or as is
        if src_k == "float":
            y = decode_float(x, str(src))
            y_unsigned = False
        elif src_k == "int":
            y = decode_int(x, ir.IntegerType(src).width, src_u)
            y_unsigned = False  # the value fits in i8 either way
        else:
            y, y_unsigned = x, src_u
        if dst_k == "":
            return cast_scalar(y, dst, src_unsigned=y_unsigned, dst_unsigned=dst_u)
        if dst_k == "int":
            z = cast_scalar(y, _i(8), src_unsigned=y_unsigned)
            return encode_int(z, ir.IntegerType(dst).width)
        spelling = str(dst)
        if spelling == E8M0:
            if not isinstance(y.type, ir.FloatType):
                y = _wide_float(y, y_unsigned)
            return encode_e8m0(y, saturate, round_mode)
        return encode_float(_wide_float(y, y_unsigned), FORMATS[spelling], saturate)

    return body


def lower_narrow_cast(op: ir.Operation) -> list[ir.Value]:
    """nn.cast where the input or the result is a low-precision type."""
    src, dst = elem(op.operands[0]), elem(op.results[0])
    for t in (src, dst):
        s = str(t)
        if is_narrow(t) and s not in FORMATS and s != E8M0 and not isinstance(t, ir.IntegerType):
            raise LoweringError(f"nn.cast: element type {t} is not supported")
    saturate = bool(ir.IntegerAttr(op.attributes["saturate"]).value)
    round_mode = attr_str(op, "round_mode")
    t = ir.RankedTensorType(op.results[0].type)
    (x,), sizes = broadcast_inputs([_storage(op.operands[0])], t)
    body = cast_body(src, dst, saturate, round_mode)
    return [elementwise([x], sizes, signless(dst), body)]


def _storage(v: ir.Value) -> ir.Value:
    return storage_cast(signless(v.type), v)


# ---- nn.bit_cast ----------------------------------------------------------------------------


def lower_bit_cast(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    src, dst = elem(op.operands[0]), elem(op.results[0])
    t = ir.RankedTensorType(op.results[0].type)
    (x,), sizes = broadcast_inputs([_storage(op.operands[0])], t)
    s_src, s_dst = signless(src), signless(dst)
    if s_src == s_dst:  # one storage (i8 / ui8 / float8 ...): the bytes as they are
        return [x]

    def body(v: ir.Value) -> ir.Value:
        if is_bool(s_dst):  # a byte as bool: nonzero
            return arith.cmpi(CMPI["ne"], v, _c(v.type, 0))
        if is_bool(s_src):
            return arith.extui(s_dst, v)
        return arith.bitcast(s_dst, v)

    return [elementwise([x], sizes, s_dst, body)]


LOWERINGS = {"LowerBitCast": lower_bit_cast}
