"""Erasing integer signedness after convert-nn-to-linalg: every `ui<N>` becomes `i<N>`, and
every low-precision type (`f8E4M3FN`, `f4E2M1FN`, `i4`, `ui2`, ...) its one-byte storage `i8`.

In `nn`, unsigned integer tensors are typed `ui<N>` (`strata.dtypes`), so shape rules and
lowerings know what the bits mean: a lowering picks `arith.divui` / `cmpi ult` / `extui` /
`uitofp` where its nn operands are unsigned. linalg, arith and the LLVM lowering take signless
integers only, so once every nn op is lowered, :func:`erase_signedness` retypes the module in
place: values, block arguments, function types, `TypeAttr`s and integer (elements) attributes.
`tensor.bitcast` ops that only changed signedness (inserted where a lowering's signless result
replaced an unsigned nn result) then cast a type to itself and are removed, as are
`builtin.unrealized_conversion_cast`s between a low-precision tensor and its `i8` storage
(`storage_cast`; tensor.bitcast cannot change the bit width of f4 / i4 / i2).

Low-precision storage (`strata.dtypes`, `Kind.NARROW_*`): one byte per element holding the
value's bits in its low bits, the upper bits zero, as ml_dtypes keeps them in numpy memory.
A `dense<...>` constant of such a type is rebuilt from its printed elements (the bindings give
no access to the elements of float8 / float4 attributes).

String tensors (`tensor<...x!nn.string>`) likewise become `tensor<...xi64>`, tensors of string
handles; lowerings work on the handles, and `builtin.unrealized_conversion_cast`s between the
two spellings (tensor.bitcast cannot take a non-numeric element type) are removed the same way.

A `dense_resource` constant of an unsigned type is rebuilt as a signless `dense<...>` from its
blob, which the bindings only expose in the printed module (so this prints it once). The
compile pipeline never meets one (`strata-externalize-weights` turns weights into entry
arguments first); `strata-opt` on a hand-written file may.

Dependency contract: imports numpy, ml_dtypes and the `mlir` bindings only.
"""

from __future__ import annotations

import re

import ml_dtypes
import numpy as np
from mlir import ir
from mlir.dialects import tensor


def is_narrow(t: ir.Type) -> bool:
    """Whether an element type is a low-precision one, stored as `i8` below nn (f8 / f4
    floats, integers of 2 to 7 bits)."""
    if isinstance(t, ir.IntegerType):
        return 1 < t.width < 8
    return isinstance(t, ir.FloatType) and ir.FloatType(t).width < 16


STRING_TYPE = "!nn.string"


def is_string_type(t: ir.Type) -> bool:
    """Whether `t` is nn's string element type (below nn: an i64 handle)."""
    return str(t) == STRING_TYPE


def signless(t: ir.Type) -> ir.Type:
    """`t` with every unsigned / signed integer type in it made signless, every
    low-precision type made `i8` (its storage) and every `!nn.string` an i64 (a string
    handle, see `strata.passes.lowering.strings`)."""
    if is_string_type(t):
        return ir.IntegerType.get_signless(64)
    if is_narrow(t):
        return ir.IntegerType.get_signless(8)
    if isinstance(t, ir.IntegerType):
        return t if t.is_signless else ir.IntegerType.get_signless(t.width)
    if isinstance(t, ir.RankedTensorType):
        e = signless(t.element_type)
        if e == t.element_type:
            return t
        dims = list(t.shape)
        return ir.RankedTensorType.get(dims, e, t.encoding, loc=ir.Location.unknown())
    if isinstance(t, ir.UnrankedTensorType):
        e = signless(t.element_type)
        return t if e == t.element_type else ir.UnrankedTensorType.get(e, loc=ir.Location.unknown())
    if isinstance(t, ir.FunctionType):
        ins = [signless(x) for x in t.inputs]
        outs = [signless(x) for x in t.results]
        return ir.FunctionType.get(ins, outs)
    return t


def has_sign(t: ir.Type) -> bool:
    return signless(t) != t


def _signed_value(v: int, width: int) -> int:
    """`v` (possibly unsigned) as the two's-complement signed value of `width` bits."""
    v &= (1 << width) - 1
    return v - (1 << width) if width > 1 and v >= 1 << (width - 1) else v


def _elements(attr: ir.DenseElementsAttr, t: ir.RankedTensorType) -> ir.Attribute:
    elem = ir.IntegerType(signless(t.element_type))
    if attr.is_splat:
        splat = ir.IntegerAttr(attr.get_splat_value())
        value = ir.IntegerAttr.get(elem, _signed_value(int(splat.value), elem.width))
        return ir.DenseElementsAttr.get_splat(ir.RankedTensorType(signless(t)), value)
    arr = np.asarray(attr)
    signed = arr.view(np.dtype(f"int{arr.dtype.itemsize * 8}"))
    return ir.DenseElementsAttr.get(np.ascontiguousarray(signed), type=signless(t))


# ml_dtypes' dtype of each low-precision MLIR element type
_NARROW_NP = {
    "f8E4M3FN": ml_dtypes.float8_e4m3fn,
    "f8E4M3FNUZ": ml_dtypes.float8_e4m3fnuz,
    "f8E5M2": ml_dtypes.float8_e5m2,
    "f8E5M2FNUZ": ml_dtypes.float8_e5m2fnuz,
    "f8E8M0FNU": ml_dtypes.float8_e8m0fnu,
    "f4E2M1FN": ml_dtypes.float4_e2m1fn,
    "i4": ml_dtypes.int4,
    "si4": ml_dtypes.int4,
    "ui4": ml_dtypes.uint4,
    "i2": ml_dtypes.int2,
    "si2": ml_dtypes.int2,
    "ui2": ml_dtypes.uint2,
}
_DENSE = re.compile(r"^dense<(.*)>\s*:\s*[^:]+$", re.S)


def storage_bits(a: ir.Attribute) -> np.ndarray:
    """The storage bytes (uint8, shaped) of a `dense<...>` attribute of a low-precision type,
    read from its printed elements: decimals (exact enough: these types have at most 3
    mantissa bits) or `0x..` bit patterns (how MLIR prints NaN / inf)."""
    t = ir.RankedTensorType(a.type)
    spelling = str(t.element_type)
    m = _DENSE.match(str(a))
    if spelling not in _NARROW_NP or m is None:
        raise ValueError(f"cannot read the elements of {a}")
    dtype = np.dtype(_NARROW_NP[spelling])
    e = t.element_type
    mask = (1 << ir.IntegerType(e).width) - 1 if isinstance(e, ir.IntegerType) else 0xFF
    tokens = [x for x in re.split(r"[\s,\[\]]+", m.group(1)) if x]
    out = []
    for tok in tokens:
        if tok.lower().startswith("0x"):
            out.append(int(tok, 16) & 0xFF)
        elif tok in ("true", "false"):
            raise ValueError(f"cannot read the elements of {a}")
        else:
            v = np.array([float(tok)], dtype=np.float64).astype(dtype)
            out.append(int(v.view(np.uint8)[0]) & mask)
    arr = np.array(out, dtype=np.uint8)
    n = int(np.prod(t.shape)) if t.rank else 1
    if arr.size == 1 and n != 1:
        arr = np.full(n, arr[0], dtype=np.uint8)
    return arr.reshape(t.shape)


def _narrow_elements(a: ir.Attribute) -> ir.Attribute:
    t = ir.RankedTensorType(a.type)
    bits = storage_bits(a).view(np.int8)
    return ir.DenseElementsAttr.get(np.ascontiguousarray(bits), type=signless(t))


def storage_cast(want: ir.Type, v: ir.Value) -> ir.Value:
    """`v` (a tensor) retyped to `want`, where the two differ in signedness or in a
    low-precision element type against its `i8` storage; erase_signedness removes it."""
    if v.type == want:
        return v
    if is_narrow(ir.ShapedType(want).element_type) or is_narrow(ir.ShapedType(v.type).element_type):
        cast = ir.Operation.create(
            "builtin.unrealized_conversion_cast", results=[want], operands=[v]
        )
        return cast.results[0]
    return tensor.bitcast(want, v)


def _attr(a: ir.Attribute) -> ir.Attribute | None:
    """The signless version of an attribute, or None if it has no signed type in it."""
    if isinstance(a, ir.DenseElementsAttr) and is_narrow(ir.ShapedType(a.type).element_type):
        return _narrow_elements(a)
    if isinstance(a, ir.TypeAttr):
        return ir.TypeAttr.get(signless(a.value)) if has_sign(a.value) else None
    if isinstance(a, ir.IntegerAttr):
        if not has_sign(a.type):
            return None
        t = ir.IntegerType(signless(a.type))
        return ir.IntegerAttr.get(t, _signed_value(int(a.value), t.width))
    if isinstance(a, ir.DenseIntElementsAttr) and has_sign(a.type):
        return _elements(a, ir.RankedTensorType(a.type))
    return None


def _is_resource(a: ir.Attribute) -> bool:
    # the bindings do not downcast dense_resource attributes, so go by their spelling
    return isinstance(a, ir.DenseResourceElementsAttr) or str(a).startswith("dense_resource<")


_RESOURCE_KEY = re.compile(r'^dense_resource<(?:"((?:[^"\\]|\\.)*)"|([^>]+))>')
_BLOB = re.compile(r'([A-Za-z_][\w.$-]*|"(?:[^"\\]|\\.)*")\s*:\s*"0x([0-9A-Fa-f]*)"')


def _resource_key(a: ir.Attribute) -> str:
    m = _RESOURCE_KEY.match(str(a))
    assert m is not None, a
    return (m.group(1) or m.group(2)).strip()


def _blobs(root: ir.Operation) -> dict[str, bytes]:
    """The blobs of the module's `dialect_resources` (the first 4 bytes hold the alignment)."""
    text = root.get_asm(large_resource_limit=1 << 62)
    start = text.find("dialect_resources")
    if start < 0:
        return {}
    return {
        m.group(1).strip('"'): bytes.fromhex(m.group(2))[4:] for m in _BLOB.finditer(text, start)
    }


def erase_signedness(root: ir.Operation) -> None:
    """Make every integer type under `root` signless, in place (see the module doc)."""
    resources: list[ir.Operation] = []
    bitcasts: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name in ("tensor.bitcast", "builtin.unrealized_conversion_cast"):
            bitcasts.append(op)
        if (
            op.name == "arith.constant"
            and _is_resource(op.attributes["value"])
            and has_sign(op.results[0].type)
        ):
            resources.append(op)
            return ir.WalkResult.ADVANCE
        for r in op.results:
            if has_sign(r.type):
                r.set_type(signless(r.type))
        for region in op.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    if has_sign(arg.type):
                        arg.set_type(signless(arg.type))
        for name in list(op.attributes):
            new = _attr(op.attributes[name])
            if new is not None:
                op.attributes[name] = new
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    if resources:
        blobs = _blobs(root)
        for op in resources:
            t = ir.RankedTensorType(op.results[0].type)
            key = _resource_key(op.attributes["value"])
            if key not in blobs:
                raise ValueError(f"resource blob '{key}' of {op.location} has no data")
            if is_narrow(t.element_type):
                raise ValueError(
                    f"dense_resource constant of {t} at {op.location}: "
                    "low-precision constants must be dense<...>"
                )
            width = ir.IntegerType(t.element_type).width
            arr = np.frombuffer(blobs[key], dtype=np.dtype(f"int{width}")).reshape(t.shape)
            op.attributes["value"] = ir.DenseElementsAttr.get(arr.copy(), type=signless(t))
            op.results[0].set_type(signless(t))
    for op in bitcasts:
        if len(op.operands) == 1 and op.operands[0].type == op.results[0].type:
            op.results[0].replace_all_uses_with(op.operands[0])
            op.erase()


__all__ = [
    "STRING_TYPE",
    "erase_signedness",
    "has_sign",
    "is_narrow",
    "is_string_type",
    "signless",
    "storage_bits",
    "storage_cast",
]
