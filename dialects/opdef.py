"""Declaring a dialect's ops once, and deriving everything else from that declaration.

An :class:`OpDef` lists an op's operands, results and attributes (with their kinds and ONNX
defaults), a docstring, and its shape / verification rule. From the declarations of a
:class:`Dialect` we derive:

* the IRDL module (:meth:`Dialect.irdl_text`) loaded into each MLIR context and checked in as
  ``dialects/<name>.irdl.mlir`` for ``mlir-opt --irdl-file``;
* Python builders (:meth:`OpDef.build`), which fill in defaults, infer result types with the
  shape rule and verify;
* the reference page ``docs/dialects/<name>.md`` (:meth:`Dialect.markdown`);
* a verifier for parsed IR (:func:`verify_op`), used by ``strata-opt``.

Dependency contract: imports only numpy, the upstream ``mlir`` bindings and
``strata.dtypes`` (the element-type table).

Shape rules work on :class:`TensorSpec` (static shape + numpy dtype) and plain Python attribute
values, so frontends can use them without building IR. IRDL can only express "an operand is a
tensor" and "an attribute of this kind is present"; everything finer (ranks, shapes, dtypes,
attribute ranges) lives in the rule, which raises :class:`OpVerifyError` with a message naming
the op, the operand or attribute, the value and what was expected.
"""

from __future__ import annotations

import enum
import keyword
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
from mlir import ir

from strata import dtypes


class OpVerifyError(ValueError):
    """An op's operands or attributes break its rule (message: what and what was expected)."""


class AttrKind(enum.Enum):
    """How an attribute is stored in MLIR (distinct values: equal ones would alias)."""

    INT = "int"  # i64 IntegerAttr
    FLOAT = "float"  # f32 FloatAttr
    INTS = "ints"  # array<i64: ...>
    FLOATS = "floats"  # array<f32: ...>
    STRING = "string"
    STRINGS = "strings"  # [StringAttr, ...]
    TYPE = "type"  # an element type, e.g. Cast's `to`
    TENSOR = "tensor"  # dense<...> or dense_resource<...>

    @property
    def irdl_base(self) -> str:
        """The IRDL constraint: a builtin base name, or "any" (any_of over bases aborts)."""
        return _IRDL_BASES[self]


_IRDL_BASES = {
    AttrKind.INT: "#builtin.integer",
    AttrKind.FLOAT: "#builtin.float",
    AttrKind.INTS: "#builtin.dense_array",
    AttrKind.FLOATS: "#builtin.dense_array",
    AttrKind.STRING: "#builtin.string",
    AttrKind.STRINGS: "#builtin.array",
    AttrKind.TYPE: "#builtin.type",
    AttrKind.TENSOR: "any",
}


REQUIRED: Any = object()  # marker: the attribute has no default

# The attribute that tells which operands of an op with several optional / variadic operands
# are present (MLIR's convention, which IRDL checks).
SEGMENTS_ATTR = "operandSegmentSizes"


@dataclass(frozen=True)
class Attr:
    name: str
    kind: AttrKind
    default: Any = REQUIRED
    doc: str = ""


@dataclass(frozen=True)
class Operand:
    name: str
    doc: str = ""
    optional: bool = False
    variadic: bool = False


@dataclass(frozen=True)
class Result:
    name: str
    doc: str = ""
    variadic: bool = False


# A dimension as shape rules see it: a static size, or None for a size known only at run time.
Dim = int | None


@dataclass(frozen=True)
class TensorSpec:
    """A ranked tensor type as shape rules see it: dims (None: dynamic) and a numpy dtype."""

    shape: tuple[Dim, ...]
    dtype: np.dtype[Any]

    @staticmethod
    def of(shape: Sequence[Dim], dtype: Any) -> TensorSpec:
        return TensorSpec(tuple(None if d is None else int(d) for d in shape), np.dtype(dtype))

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def is_static(self) -> bool:
        return all(d is not None for d in self.shape)

    def compatible(self, other: TensorSpec) -> bool:
        """Same dtype and rank, and every pair of dims equal or one of them dynamic."""
        return (
            self.dtype == other.dtype
            and self.rank == other.rank
            and all(
                a is None or b is None or a == b
                for a, b in zip(self.shape, other.shape, strict=True)
            )
        )


# A shape rule: operand specs (None for an absent optional operand; a variadic operand
# contributes its specs in place) and the complete attribute dict -> result specs.
ShapeRule = Callable[[Sequence[TensorSpec | None], Mapping[str, Any]], Sequence[TensorSpec]]


@dataclass(frozen=True)
class OpDef:
    name: str  # op name inside the dialect, e.g. "conv"
    summary: str
    operands: tuple[Operand, ...]
    results: tuple[Result, ...]
    rule: ShapeRule
    attrs: tuple[Attr, ...] = ()
    doc: str = ""
    onnx: str = ""  # the ONNX op type this op models, if any
    category: str = "misc"
    dialect: str = field(default="nn", compare=False)

    @property
    def full_name(self) -> str:
        return f"{self.dialect}.{self.name}"

    # ---- attributes ---------------------------------------------------------------------
    def complete_attrs(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """`given` plus defaults; unknown or missing-required attributes raise."""
        known = {a.name for a in self.attrs}
        unknown = sorted(set(given) - known)
        if unknown:
            raise OpVerifyError(
                f"'{self.full_name}' has no attribute(s) {unknown}; known: {sorted(known)}"
            )
        out: dict[str, Any] = {}
        for a in self.attrs:
            if a.name in given and given[a.name] is not None:
                out[a.name] = given[a.name]
            elif a.default is REQUIRED:
                raise OpVerifyError(f"'{self.full_name}' requires attribute '{a.name}'")
            else:
                out[a.name] = a.default
        return out

    def infer(
        self, specs: Sequence[TensorSpec | None], attrs: Mapping[str, Any]
    ) -> list[TensorSpec]:
        """Result specs for these operands and (complete) attributes; raises OpVerifyError."""
        return list(self.rule(specs, attrs))

    # ---- building IR --------------------------------------------------------------------
    def build(
        self,
        operands: Sequence[ir.Value | Sequence[ir.Value] | None],
        attrs: Mapping[str, Any] | None = None,
        *,
        loc: ir.Location | None = None,
        ip: ir.InsertionPoint | None = None,
    ) -> list[ir.Value]:
        """Create the op at the current insertion point; returns its result values.

        `operands` has one entry per declared operand: a Value, None for an absent optional
        operand, or a list of Values for a variadic one. Result types come from the rule.
        """
        if len(operands) != len(self.operands):
            raise OpVerifyError(
                f"'{self.full_name}' takes {len(self.operands)} operand(s) "
                f"({', '.join(o.name for o in self.operands)}), got {len(operands)}"
            )
        flat: list[ir.Value] = []
        specs: list[TensorSpec | None] = []
        for decl, given in zip(self.operands, operands, strict=True):
            if decl.variadic:
                assert isinstance(given, Sequence)
                flat.extend(given)
                specs.extend(spec_of_type(v.type) for v in given)
            elif given is None:
                if not decl.optional:
                    raise OpVerifyError(f"'{self.full_name}' requires operand '{decl.name}'")
                specs.append(None)
            else:
                assert isinstance(given, ir.Value)
                flat.append(given)
                specs.append(spec_of_type(given.type))
        full = self.complete_attrs(attrs or {})
        results = self.infer(specs, full)
        mlir_attrs = {a.name: attr_to_mlir(a.kind, full[a.name]) for a in self.attrs}
        if self.segmented:
            sizes = [
                len(g) if d.variadic else int(g is not None)  # type: ignore[arg-type]
                for d, g in zip(self.operands, operands, strict=True)
            ]
            mlir_attrs[SEGMENTS_ATTR] = ir.DenseI32ArrayAttr.get(sizes)
        op = ir.Operation.create(
            self.full_name,
            results=[type_of_spec(r) for r in results],
            operands=flat,
            attributes=mlir_attrs,
            loc=loc,
            ip=ip,
        )
        return list(op.results)

    @property
    def segmented(self) -> bool:
        """Whether the op carries `operandSegmentSizes` (more than one optional/variadic)."""
        return sum(1 for o in self.operands if o.optional or o.variadic) > 1

    # ---- IRDL -----------------------------------------------------------------------------
    def builder(self) -> Callable[..., Any]:
        """The lower-case builder function: operands positionally, attributes by keyword.

        `nn.build.conv(x, w, strides=[1, 1], ...)` returns the result Value (a list of Values
        for an op with a variadic result); omitted trailing optional operands are absent.
        """

        def build(
            *operands: ir.Value | Sequence[ir.Value] | None,
            loc: ir.Location | None = None,
            ip: ir.InsertionPoint | None = None,
            **attrs: Any,
        ) -> ir.Value | list[ir.Value]:
            padded = list(operands) + [None] * (len(self.operands) - len(operands))
            values = self.build(padded, attrs, loc=loc, ip=ip)
            return values if self.results[0].variadic else values[0]

        build.__name__ = build.__qualname__ = self.name
        build.__doc__ = self.summary
        return build

    def irdl_text(self) -> str:
        lines = [f"  irdl.operation @{self.name} {{"]
        n = 0

        def constraint(base: str) -> str:
            nonlocal n
            n += 1
            if base == "any":
                lines.append(f"    %{n} = irdl.any")
            else:
                lines.append(f'    %{n} = irdl.base "{base}"')
            return f"%{n}"

        ops = []
        for o in self.operands:
            c = constraint("!builtin.tensor")
            kind = "variadic " if o.variadic else "optional " if o.optional else ""
            ops.append(f"{o.name}: {kind}{c}")
        res = []
        for r in self.results:
            c = constraint("!builtin.tensor")
            res.append(f"{r.name}: {'variadic ' if r.variadic else ''}{c}")
        attrs = [f'"{a.name}" = {constraint(a.kind.irdl_base)}' for a in self.attrs]
        if ops:
            lines.append(f"    irdl.operands({', '.join(ops)})")
        if res:
            lines.append(f"    irdl.results({', '.join(res)})")
        if attrs:
            lines.append(f"    irdl.attributes {{{', '.join(attrs)}}}")
        lines.append("  }")
        return "\n".join(lines)

    def markdown(self) -> str:
        out = [f"### `{self.full_name}`" + (f" (ONNX `{self.onnx}`)" if self.onnx else ""), ""]
        out += [self.summary, ""]
        if self.doc:
            out += [self.doc.strip(), ""]
        if self.operands:
            out += ["| operand | description |", "|---|---|"]
            for o in self.operands:
                tag = " (variadic)" if o.variadic else " (optional)" if o.optional else ""
                out.append(f"| `{o.name}`{tag} | {o.doc} |")
            out.append("")
        out += ["| result | description |", "|---|---|"]
        for r in self.results:
            out.append(f"| `{r.name}`{' (variadic)' if r.variadic else ''} | {r.doc} |")
        out.append("")
        if self.attrs:
            out += ["| attribute | kind | default | description |", "|---|---|---|---|"]
            for a in self.attrs:
                default = "required" if a.default is REQUIRED else f"`{a.default!r}`"
                out.append(f"| `{a.name}` | {a.kind.name.lower()} | {default} | {a.doc} |")
            out.append("")
        return "\n".join(out)


@dataclass(frozen=True)
class Dialect:
    name: str
    summary: str
    ops: tuple[OpDef, ...]
    # parameterless types of the dialect (`!nn.string`), declared in its IRDL module
    types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [o.name for o in self.ops]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"dialect '{self.name}' declares ops twice: {sorted(dupes)}")
        for o in self.ops:
            clash = {x.name for x in o.operands} & {r.name for r in o.results}
            if clash:
                raise ValueError(f"'{o.full_name}': operand and result names clash: {clash}")

    def builders(self) -> SimpleNamespace:
        """One builder function per op (`OpDef.builder`), named after the op; a name that is
        a Python keyword gets a trailing underscore (`and_`, `not_`)."""
        return SimpleNamespace(
            **{o.name + ("_" if keyword.iskeyword(o.name) else ""): o.builder() for o in self.ops}
        )

    def op(self, name: str) -> OpDef:
        """The declaration of `name` ("conv" or "nn.conv"); KeyError if unknown."""
        short = name.removeprefix(f"{self.name}.")
        for o in self.ops:
            if o.name == short:
                return o
        raise KeyError(f"'{self.name}' has no op '{short}'")

    def irdl_text(self) -> str:
        types = [f"  irdl.type @{t} {{\n    irdl.parameters()\n  }}" for t in self.types]
        body = "\n".join([*types, *(o.irdl_text() for o in self.ops)])
        return f"irdl.dialect @{self.name} {{\n{body}\n}}\n"

    def markdown(self) -> str:
        out = [
            f"# The `{self.name}` dialect",
            "",
            "<!-- Generated by `python -m strata.dialects.generate`; do not edit. -->",
            "",
            self.summary,
            "",
        ]
        cats: dict[str, list[OpDef]] = {}
        for o in self.ops:
            cats.setdefault(o.category, []).append(o)
        for cat, ops in cats.items():
            out += [f"## {cat}", ""]
            out += [o.markdown() for o in ops]
        return "\n".join(out)


# ---- conversions between MLIR and Python values ------------------------------------------


def element_type(dtype: Any) -> ir.Type:
    """The nn element type of a numpy dtype (`strata.dtypes`: bool -> i1, signed ints
    signless, unsigned ints `ui<N>`, bfloat16 -> bf16)."""
    d = dtypes.lookup(dtype)
    if d is None:
        raise OpVerifyError(f"element type {_dtype_name(dtype)} is not supported")
    return ir.Type.parse(d.mlir)


def dtype_of(t: ir.Type) -> np.dtype[Any]:
    """The numpy dtype of an nn element type."""
    d = dtypes.by_mlir(str(t))
    if d is None:
        raise OpVerifyError(f"element type {t} is not supported")
    return d.np


def _dtype_name(dtype: Any) -> str:
    try:
        return np.dtype(dtype).name
    except TypeError:
        return str(dtype)


def spec_of_type(t: ir.Type) -> TensorSpec:
    if not isinstance(t, ir.RankedTensorType):
        raise OpVerifyError(f"expected a ranked tensor, got {t}")
    return TensorSpec(tuple(dims_of_type(t)), dtype_of(t.element_type))


def dims_of_type(t: ir.RankedTensorType) -> list[Dim]:
    """The dims of a ranked tensor type, None for dynamic ones."""
    return [None if t.is_dynamic_dim(i) else int(t.shape[i]) for i in range(t.rank)]


def spec_str(s: TensorSpec) -> str:
    """The MLIR spelling of a spec's type, e.g. tensor<2x3xf32> (needs no context)."""
    d = dtypes.lookup(s.dtype)
    elt = d.mlir if d is not None else s.dtype.name
    dims = "".join(("?" if d is None else str(d)) + "x" for d in s.shape)
    return f"tensor<{dims}{elt}>"


def type_of_spec(s: TensorSpec) -> ir.RankedTensorType:
    dyn = ir.ShapedType.get_dynamic_size()
    return ir.RankedTensorType.get(
        [dyn if d is None else d for d in s.shape], element_type(s.dtype)
    )


def attr_to_mlir(kind: AttrKind, value: Any) -> ir.Attribute:
    if kind is AttrKind.INT:
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), int(value))
    if kind is AttrKind.FLOAT:
        return ir.FloatAttr.get(ir.F32Type.get(), float(value))
    if kind is AttrKind.INTS:
        return ir.DenseI64ArrayAttr.get([int(v) for v in value])
    if kind is AttrKind.FLOATS:
        return ir.DenseF32ArrayAttr.get([float(v) for v in value])
    if kind is AttrKind.STRING:
        return ir.StringAttr.get(str(value))
    if kind is AttrKind.STRINGS:
        return ir.ArrayAttr.get([ir.StringAttr.get(str(v)) for v in value])
    if kind is AttrKind.TYPE:
        return ir.TypeAttr.get(element_type(value))
    if kind is AttrKind.TENSOR:
        if isinstance(value, ir.Attribute):
            return value
        arr = np.asarray(value, order="C")  # keeps 0-d values 0-d
        return ir.DenseElementsAttr.get(arr, type=type_of_spec(TensorSpec.of(arr.shape, arr.dtype)))
    raise AssertionError(kind)


def attr_from_mlir(kind: AttrKind, attr: ir.Attribute) -> Any:
    """The Python value a shape rule sees for an attribute (TENSOR: a TensorSpec)."""
    if kind is AttrKind.INT:
        return ir.IntegerAttr(attr).value
    if kind is AttrKind.FLOAT:
        return ir.FloatAttr(attr).value
    if kind is AttrKind.INTS:
        return list(ir.DenseI64ArrayAttr(attr))
    if kind is AttrKind.FLOATS:
        return list(ir.DenseF32ArrayAttr(attr))
    if kind is AttrKind.STRING:
        return ir.StringAttr(attr).value
    if kind is AttrKind.STRINGS:
        return [ir.StringAttr(a).value for a in ir.ArrayAttr(attr)]
    if kind is AttrKind.TYPE:
        return dtype_of(ir.TypeAttr(attr).value)
    if kind is AttrKind.TENSOR:
        t = attr.type
        if not isinstance(t, ir.RankedTensorType):
            raise OpVerifyError(f"expected a tensor attribute (dense<...>), got {attr}")
        return TensorSpec(tuple(dims_of_type(t)), dtype_of(t.element_type))
    raise AssertionError(kind)


def verify_op(op: ir.Operation, opdef: OpDef) -> None:
    """Check a parsed op against its rule: result types must be compatible with the inferred
    ones (equal, except that a dim may be dynamic on one side and static on the other)."""
    segs = operand_groups(op, opdef)
    specs: list[TensorSpec | None] = []
    for decl, vals in zip(opdef.operands, segs, strict=True):
        if decl.variadic:
            specs.extend(spec_of_type(v.type) for v in vals)
        else:
            specs.append(spec_of_type(vals[0].type) if vals else None)
    attrs: dict[str, Any] = {}
    for a in opdef.attrs:
        if a.name not in op.attributes:
            continue
        value = op.attributes[a.name]
        try:
            attrs[a.name] = attr_from_mlir(a.kind, value)
        except (ValueError, OpVerifyError):
            raise OpVerifyError(
                f"attribute '{a.name}' = {value} is not of kind {a.kind.name.lower()}"
            ) from None
    expected = opdef.infer(specs, opdef.complete_attrs(attrs))
    actual = [spec_of_type(r.type) for r in op.results]
    if len(expected) != len(actual) or not all(
        e.compatible(a) for e, a in zip(expected, actual, strict=True)
    ):

        def show(specs: Sequence[TensorSpec]) -> str:
            return ", ".join(spec_str(s) for s in specs)

        raise OpVerifyError(f"result type(s) {show(actual)} do not match inferred {show(expected)}")


def operand_groups(op: ir.Operation, opdef: OpDef) -> list[list[ir.Value]]:
    """Split an op's flat operand list into the declared groups."""
    vals = list(op.operands)
    if opdef.segmented:
        if SEGMENTS_ATTR not in op.attributes:
            raise OpVerifyError(f"'{opdef.full_name}' needs the '{SEGMENTS_ATTR}' attribute")
        sizes = list(ir.DenseI32ArrayAttr(op.attributes[SEGMENTS_ATTR]))
        out, i = [], 0
        for n in sizes:
            out.append(vals[i : i + n])
            i += n
        return out
    singles = sum(1 for o in opdef.operands if not (o.optional or o.variadic))
    flexible = len(vals) - singles
    groups: list[list[ir.Value]] = []
    i = 0
    for o in opdef.operands:
        if o.variadic:
            take = flexible
        elif o.optional:
            take = min(1, flexible)
        else:
            take = 1
        groups.append(vals[i : i + take])
        i += take
    return groups
