"""strata-nn-fold-dynamic: run-time-shape ops whose shape-like operands are constants become
their static forms (`nn.dynamic_reshape` with a constant `shape` -> `nn.reshape {shape}`).

The importer already picks the static op when ONNX gives a constant; this pass keeps that form
canonical for IR built any other way (hand-written, other frontends, rewrites that expose a
constant). A `nn.dynamic_X` folds when the op `nn.X` exists, every operand of the dynamic op
that `nn.X` takes as an attribute of the same name is absent or an inline `nn.constant`, and
the static op's rule accepts the values; its other operands and its attributes carry over.
Axes are normalised to be non-negative, as the importer does for the static forms. Where the
static op infers a more static result type than the dynamic one had, a `tensor.cast` back to
the old type keeps every user valid (canonicalisation folds it into static users). Ops whose
operands mean something else than the static attributes (`dynamic_resize`'s scales / sizes,
`dynamic_pad`'s `axes`) are left alone.

Dependency contract: numpy, the `mlir` bindings, `strata.dialects` and the pass registry.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import tensor

from strata.dialects.nn import DIALECT, OPS
from strata.dialects.opdef import AttrKind, OpDef, OpVerifyError, attr_from_mlir, operand_groups
from strata.passes.registry import ModulePass, register_pass

# Dynamic ops whose operands do not map one to one onto the static op's attributes.
_NOT_FOLDED = frozenset({"dynamic_resize", "dynamic_pad"})

# Attributes holding axes of the input (normalised with the input's rank) -- and for
# unsqueeze of the output (input rank + number of axes).
_AXES = {"axes", "axis"}


def _pairs() -> dict[str, tuple[OpDef, OpDef]]:
    by_name = {o.name: o for o in OPS}
    out: dict[str, tuple[OpDef, OpDef]] = {}
    for name, dyn in by_name.items():
        static = by_name.get(name.removeprefix("dynamic_"))
        if name.startswith("dynamic_") and static is not None and name not in _NOT_FOLDED:
            out[f"{DIALECT.name}.{name}"] = (dyn, static)
    return out


def _constant(value: ir.Value) -> np.ndarray | None:
    """The array of an inline `nn.constant` (dense<...>), or None."""
    owner = value.owner
    if not isinstance(owner, ir.OpView) or owner.operation.name != f"{DIALECT.name}.constant":
        return None
    attr = owner.operation.attributes["value"]
    if not isinstance(attr, ir.DenseElementsAttr):
        return None
    t = ir.RankedTensorType(attr.type)
    if isinstance(t.element_type, ir.IntegerType):
        dense: Any = ir.DenseIntElementsAttr(attr)
    elif isinstance(t.element_type, ir.FloatType):
        dense = ir.DenseFPElementsAttr(attr)
    else:
        return None
    shape = tuple(t.shape)
    if dense.is_splat:
        return np.full(shape, dense.get_splat_value().value)
    return np.array([dense[i] for i in range(len(dense))]).reshape(shape)


def _attr_value(kind: AttrKind, arr: np.ndarray) -> Any:
    if kind is AttrKind.INTS:
        return [int(v) for v in arr.reshape(-1)]
    if kind is AttrKind.FLOATS:
        return [float(v) for v in arr.reshape(-1)]
    if arr.size != 1:
        raise OpVerifyError(f"expected one value, got {arr.size}")
    if kind is AttrKind.INT:
        return int(arr.reshape(-1)[0])
    if kind is AttrKind.FLOAT:
        return float(arr.reshape(-1)[0])
    raise OpVerifyError(f"no attribute form for kind {kind.name}")


def _normalise_axes(value: Any, in_rank: int, op_name: str) -> Any:
    rank = in_rank + (len(value) if op_name.endswith("unsqueeze") else 0)
    if isinstance(value, list):
        return [a + rank if a < 0 else a for a in value]
    return value + rank if value < 0 else value


def _fold(op: ir.Operation, dyn: OpDef, static: OpDef) -> bool:
    groups = operand_groups(op, dyn)
    static_operands = {o.name for o in static.operands}
    static_attrs = {a.name: a for a in static.attrs}
    operands: dict[str, ir.Value | None] = {}
    attrs: dict[str, Any] = {}
    consts: list[ir.Operation] = []  # the folded constants' ops, erased once unused
    for decl, vals in zip(dyn.operands, groups, strict=True):
        if decl.variadic:
            return False
        value = vals[0] if vals else None
        if decl.name in static_operands:
            operands[decl.name] = value
            continue
        if decl.name not in static_attrs:
            if value is not None:
                return False  # an operand the static op has no place for
            continue
        if value is None:
            continue  # the static attribute's default
        arr = _constant(value)
        if arr is None:
            return False
        if value.owner.operation not in consts:
            consts.append(value.owner.operation)
        try:
            attrs[decl.name] = _attr_value(static_attrs[decl.name].kind, arr)
        except OpVerifyError:
            return False
    for a in dyn.attrs:
        if a.name in op.attributes and a.name in static_attrs:
            attrs[a.name] = attr_from_mlir(a.kind, op.attributes[a.name])
    first = groups[0][0] if groups and groups[0] else None
    if first is not None and isinstance(first.type, ir.RankedTensorType):
        rank = ir.RankedTensorType(first.type).rank
        for name in _AXES & set(attrs) & {d.name for d in dyn.operands}:
            attrs[name] = _normalise_axes(attrs[name], rank, dyn.name)
    old = list(op.results)
    try:
        with ir.InsertionPoint(op), op.location:
            new = static.build([operands.get(o.name) for o in static.operands], attrs)
    except (OpVerifyError, ValueError, ir.MLIRError):
        return False
    if len(new) != len(old):
        raise AssertionError(f"{static.full_name} gives {len(new)} results, not {len(old)}")
    replacements = []
    for n, o in zip(new, old, strict=True):
        if n.type == o.type:
            replacements.append(n)
            continue
        with ir.InsertionPoint(op), op.location:
            replacements.append(tensor.CastOp(o.type, n).result)
    for o, r in zip(old, replacements, strict=True):
        o.replace_all_uses_with(r)
    op.erase()
    for c in consts:
        if not list(c.results[0].uses):
            c.erase()
    return True


def fold_dynamic(module: ir.Operation, pairs: dict[str, tuple[OpDef, OpDef]] | None = None) -> int:
    """Fold every foldable dynamic op in `module`; returns how many were folded."""
    table = pairs if pairs is not None else _pairs()
    found: list[ir.Operation] = []

    def collect(op: ir.Operation) -> ir.WalkResult:
        if op.name in table:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(collect)
    folded = 0
    for op in found:
        dyn, static = table[op.name]
        folded += _fold(op, dyn, static)
    return folded


@register_pass
class FoldDynamicPass(ModulePass):
    """Rewrite nn.dynamic_X ops whose shape-like operands are constants into nn.X."""

    name = "strata-nn-fold-dynamic"

    def run(self, module: ir.Operation) -> None:
        fold_dynamic(module)
