"""Erasing integer signedness after convert-nn-to-linalg: every `ui<N>` becomes `i<N>`.

In `nn`, unsigned integer tensors are typed `ui<N>` (`strata.dtypes`), so shape rules and
lowerings know what the bits mean: a lowering picks `arith.divui` / `cmpi ult` / `extui` /
`uitofp` where its nn operands are unsigned. linalg, arith and the LLVM lowering take signless
integers only, so once every nn op is lowered, :func:`erase_signedness` retypes the module in
place: values, block arguments, function types, `TypeAttr`s and integer (elements) attributes.
`tensor.bitcast` ops that only changed signedness (inserted where a lowering's signless result
replaced an unsigned nn result) then cast a type to itself and are removed.

String tensors (`tensor<...x!nn.string>`) likewise become `tensor<...xi64>`, tensors of string
handles; lowerings work on the handles, and `builtin.unrealized_conversion_cast`s between the
two spellings (tensor.bitcast cannot take a non-numeric element type) are removed the same way.

A `dense_resource` constant of an unsigned type is rebuilt as a signless `dense<...>` from its
blob, which the bindings only expose in the printed module (so this prints it once). The
compile pipeline never meets one (`strata-externalize-weights` turns weights into entry
arguments first); `strata-opt` on a hand-written file may.

Dependency contract: imports numpy and the `mlir` bindings only.
"""

from __future__ import annotations

import re

import numpy as np
from mlir import ir

STRING_TYPE = "!nn.string"


def is_string_type(t: ir.Type) -> bool:
    """Whether `t` is nn's string element type (below nn: an i64 handle)."""
    return str(t) == STRING_TYPE


def signless(t: ir.Type) -> ir.Type:
    """`t` with every unsigned / signed integer type in it made signless, and every
    `!nn.string` an i64 (a string handle, see `strata.passes.lowering.strings`)."""
    if is_string_type(t):
        return ir.IntegerType.get_signless(64)
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


def _attr(a: ir.Attribute) -> ir.Attribute | None:
    """The signless version of an attribute, or None if it has no signed type in it."""
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
            width = ir.IntegerType(t.element_type).width
            arr = np.frombuffer(blobs[key], dtype=np.dtype(f"int{width}")).reshape(t.shape)
            op.attributes["value"] = ir.DenseElementsAttr.get(arr.copy(), type=signless(t))
            op.results[0].set_type(signless(t))
    for op in bitcasts:
        if len(op.operands) == 1 and op.operands[0].type == op.results[0].type:
            op.results[0].replace_all_uses_with(op.operands[0])
            op.erase()


__all__ = ["STRING_TYPE", "erase_signedness", "has_sign", "is_string_type", "signless"]
