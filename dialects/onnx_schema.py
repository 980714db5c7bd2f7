"""Deriving `nn` op declarations from the ONNX schemas (`onnx.defs`), as onnx-mlir does.

An op that mirrors an ONNX op is declared with :func:`onnx_op`: its operands, results,
attributes (kinds and defaults) and summary are read from the newest schema of that op type in
the pinned `onnx` package, so they are never hand-copied. What is written by hand is only what
Strata decides differently from ONNX:

* the shape rule (`rule`);
* ONNX inputs that Strata takes as attributes (`input_attrs`: the importer resolves them when
  they are constants; dynamic values use a `dynamic_*` op);
* attributes dropped because the importer normalises them away (`drop`), and defaults for
  attributes ONNX leaves without one (`defaults`);
* renamed operands / results where ONNX's names clash or read badly (`rename`).

Names follow the dialect's conventions: ONNX names lower-cased (`X` -> `x`, `Values` ->
`values`); a result whose name equals an operand's gets the prefix `out_`.

Dependency contract: imports `onnx.defs` and `strata.dialects.opdef` only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from onnx import defs, helper

from strata.dialects.opdef import REQUIRED, Attr, AttrKind, OpDef, Operand, Result, ShapeRule

_KINDS = {
    defs.OpSchema.AttrType.FLOAT: AttrKind.FLOAT,
    defs.OpSchema.AttrType.INT: AttrKind.INT,
    defs.OpSchema.AttrType.STRING: AttrKind.STRING,
    defs.OpSchema.AttrType.FLOATS: AttrKind.FLOATS,
    defs.OpSchema.AttrType.INTS: AttrKind.INTS,
    defs.OpSchema.AttrType.TENSOR: AttrKind.TENSOR,
    defs.OpSchema.AttrType.STRINGS: AttrKind.STRINGS,
}
_OPTIONAL = defs.OpSchema.FormalParameterOption.Optional
_VARIADIC = defs.OpSchema.FormalParameterOption.Variadic


class SchemaError(ValueError):
    """An ONNX schema cannot be mirrored as asked (message: which op and why)."""


def snake(name: str) -> str:
    """ONNX op type -> nn op name: GatherElements -> gather_elements, LRN -> lrn."""
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", s)
    return s.lower()


def _ident(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


def _summary(doc: str, op_type: str) -> str:
    text = " ".join(doc.strip().split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0] if text else ""
    if not first or len(first) > 160:
        return f"ONNX {op_type}."
    return first


def _default(attr: Any) -> Any:
    """The Python value of a schema attribute's default (REQUIRED when it has none)."""
    if attr.required:
        return REQUIRED
    proto = attr.default_value
    if proto is None or not proto.name:
        return REQUIRED
    value = helper.get_attribute_value(proto)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [v.decode("utf-8") if isinstance(v, bytes) else v for v in value]
    return value


def onnx_op(
    op_type: str,
    rule: ShapeRule,
    *,
    name: str | None = None,
    category: str = "misc",
    domain: str = "",
    input_attrs: Mapping[str, tuple[AttrKind, Any]] | None = None,
    drop: Sequence[str] = (),
    defaults: Mapping[str, Any] | None = None,
    rename: Mapping[str, str] | None = None,
    extra_attrs: Sequence[Attr] = (),
    doc: str = "",
) -> OpDef:
    """The nn declaration of ONNX `op_type`, from its newest schema (see the module doc).

    `input_attrs`: ONNX input name -> (attribute kind, default) for inputs held as attributes;
    `drop`: ONNX attributes (or inputs) left out; `defaults`: defaults for attributes without
    one; `rename`: ONNX operand / result / attribute name -> nn name.
    """
    try:
        schema = defs.get_schema(op_type, domain=domain)
    except defs.SchemaError:
        raise SchemaError(f"onnx has no schema for '{domain or 'ai.onnx'}.{op_type}'") from None
    input_attrs = dict(input_attrs or {})
    defaults = dict(defaults or {})
    rename = dict(rename or {})
    dropped = set(drop)

    def nn_name(onnx_name: str) -> str:
        return rename.get(onnx_name, _ident(onnx_name))

    operands: list[Operand] = []
    attrs: list[Attr] = []
    for p in schema.inputs:
        if p.name in dropped:
            continue
        if p.name in input_attrs:
            kind, default = input_attrs[p.name]
            attrs.append(Attr(nn_name(p.name), kind, default, _summary(p.description, p.name)))
            continue
        operands.append(
            Operand(
                nn_name(p.name),
                _summary(p.description, p.name),
                optional=p.option == _OPTIONAL,
                variadic=p.option == _VARIADIC,
            )
        )
    taken = {o.name for o in operands}
    results: list[Result] = []
    for p in schema.outputs:
        if p.name in dropped:
            continue
        rname = nn_name(p.name)
        if rname in taken:
            rname = f"out_{rname}"
        results.append(Result(rname, _summary(p.description, p.name), p.option == _VARIADIC))
    for aname, a in sorted(schema.attributes.items()):
        if aname in dropped:
            continue
        found = _KINDS.get(a.type)
        if found is None:
            raise SchemaError(
                f"'{op_type}' attribute '{aname}' has type {a.type}, which nn attributes "
                "cannot hold: drop it or declare the op by hand"
            )
        default = defaults.get(aname, _default(a))
        attrs.append(Attr(nn_name(aname), found, default, _summary(a.description, aname)))
    attrs.extend(extra_attrs)
    unknown = (
        (set(input_attrs) | set(defaults))
        - {p.name for p in schema.inputs}
        - set(schema.attributes)
    )
    if unknown:
        raise SchemaError(f"'{op_type}' has no inputs / attributes {sorted(unknown)}")
    return OpDef(
        name or snake(op_type),
        _summary(schema.doc or "", op_type),
        tuple(operands),
        tuple(results),
        rule,
        attrs=tuple(attrs),
        doc=(doc + f"\n\nMirrors ONNX `{op_type}` (opset {schema.since_version}).").strip(),
        onnx=op_type,
        category=category,
    )
