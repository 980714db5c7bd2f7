"""Converters for reductions, arg-reductions, TopK, CumSum / CumProd, Hardmax,
LpNormalization, Det, Einsum, and the ops whose result size depends on the data (NonZero,
Compress, Unique).

Reduce*: `axes` is an attribute before opset 18 (13 for ReduceSum) and an optional input from
then on; constant axes give `nn.reduce_*` with explicit sorted axes, computed ones
`nn.dynamic_reduce_*` (an axes input of static length 0 is the same as no axes). TopK's `K` and
CumSum's `axis` likewise give the static op when constant, the `dynamic_*` one otherwise.
Unique and Compress without `axis` flatten their input first; Einsum with three or more
operands becomes a chain of two-operand Einsums.

Dependency contract: the converter registry, `strata.dialects.{onnx_schema,nn_reduce}`.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from mlir import ir

from strata.dialects.nn_reduce import REDUCE_OPS, einsum_terms
from strata.dialects.onnx_schema import snake
from strata.frontends.onnx.ops.registry import Converter, Node, Output, converter
from strata.frontends.onnx.ops.shape import axes_of

# ---- Reduce* --------------------------------------------------------------------------------


def _axes_input_since(op_type: str) -> int:
    """The opset from which `axes` is an input instead of an attribute."""
    return 13 if op_type == "ReduceSum" else 18


def _reduce(op_type: str) -> Converter:
    op, since = snake(op_type), _axes_input_since(op_type)

    def convert(node: Node) -> Sequence[Output]:
        rank = node.spec(0).rank
        keepdims = int(node.attr("keepdims", 1))
        noop = int(node.attr("noop_with_empty_axes", 0)) if node.opset >= since else 0
        runtime_axes = node.opset >= since and node.has(1) and node.maybe_const(1) is None
        if runtime_axes and node.spec(1).shape != (0,):
            attrs = {"keepdims": keepdims, "noop_with_empty_axes": noop}
            return [node.build1(f"dynamic_{op}", [node.value(0), node.value(1)], attrs)]
        axes = [] if runtime_axes else (axes_of(node, since, default=[]) or [])
        if not axes:
            if noop:
                return [node.value(0)]
            axes = list(range(rank))
        axes = sorted({a + rank if a < 0 else a for a in axes})
        return [node.build1(op, [node.value(0)], {"axes": axes, "keepdims": keepdims})]

    return convert


for _onnx in REDUCE_OPS:
    _op = snake(_onnx)
    converter(_onnx, needs=[_op, f"dynamic_{_op}"])(_reduce(_onnx))


# ---- arg-reductions and normalisations ---------------------------------------------------------


def _arg(op: str) -> Converter:
    def convert(node: Node) -> Sequence[Output]:
        attrs = {
            "axis": int(node.attr("axis", 0)),
            "keepdims": int(node.attr("keepdims", 1)),
            "select_last_index": int(node.attr("select_last_index", 0)),
        }
        return [node.build1(op, [node.value(0)], attrs)]

    return convert


converter("ArgMax", needs=["arg_max"])(_arg("arg_max"))
converter("ArgMin", needs=["arg_min"])(_arg("arg_min"))


@converter("Hardmax", since=13, needs=["hardmax"])
def hardmax(node: Node) -> Sequence[Output]:
    return [node.build1("hardmax", [node.value(0)], {"axis": int(node.attr("axis", -1))})]


@converter("Hardmax", since=1, needs=["hardmax", "flatten", "reshape"])
def hardmax_v1(node: Node) -> Sequence[Output]:
    """Before opset 13 the input is coerced to 2-d at `axis` (default 1) first."""
    shape = node.static_shape(0, "Hardmax before opset 13 (coerced to 2-d)")
    flat = node.build1("flatten", [node.value(0)], {"axis": int(node.attr("axis", 1))})
    y = node.build1("hardmax", [flat], {"axis": -1})
    return [node.build1("reshape", [y], {"shape": list(shape)})]


@converter("LpNormalization", needs=["lp_normalization"])
def lp_normalization(node: Node) -> Sequence[Output]:
    attrs = {"axis": int(node.attr("axis", -1)), "p": int(node.attr("p", 2))}
    return [node.build1("lp_normalization", [node.value(0)], attrs)]


@converter("Det", since=11, needs=["det"])
def det(node: Node) -> Sequence[Output]:
    return [node.build1("det", [node.value(0)])]


# ---- Einsum ---------------------------------------------------------------------------------


@converter("Einsum", since=12, needs=["einsum"])
def einsum(node: Node) -> Sequence[Output]:
    """One or two operands map directly; more are contracted left to right, each step keeping
    the indices that a later operand or the result still needs."""
    equation = str(node.attr("equation"))
    values = [node.value(i) for i in range(node.num_inputs)]
    if not values:
        node.fail("Einsum needs at least one input")
    if len(values) <= 2:
        operands = [values[0], values[1] if len(values) == 2 else None]
        return [node.build1("einsum", operands, {"equation": equation})]
    ins, out = einsum_terms(equation, [node.spec(i).rank for i in range(len(values))])
    letters = _letters(node, [c for t in (*ins, out) for c in t])
    acc, acc_term = values[0], ins[0]
    for k in range(1, len(values)):
        later = {c for t in ins[k + 1 :] for c in t} | set(out)
        if k == len(values) - 1:
            keep = list(out)
        else:
            keep = [c for c in dict.fromkeys([*acc_term, *ins[k]]) if c in later]
        eq = (
            "".join(letters[c] for c in acc_term)
            + ","
            + "".join(letters[c] for c in ins[k])
            + "->"
            + "".join(letters[c] for c in keep)
        )
        acc = node.build1("einsum", [acc, values[k]], {"equation": eq})
        acc_term = keep
    return [acc]


def _letters(node: Node, indices: Sequence[str]) -> dict[str, str]:
    """A letter for every index: letters stay, ellipsis dims take unused letters."""
    names = dict.fromkeys(indices)
    free = iter(c for c in string.ascii_letters if c not in names)
    out: dict[str, str] = {}
    for c in names:
        if c in string.ascii_letters:
            out[c] = c
        else:
            letter = next(free, None)
            if letter is None:
                node.fail("the equation uses more than 52 distinct indices")
            out[c] = letter
    return out


# ---- sorting and scans ----------------------------------------------------------------------


def _top_k_attrs(node: Node) -> dict[str, int]:
    return {
        "axis": int(node.attr("axis", -1)),
        "largest": int(node.attr("largest", 1)),
        "sorted": int(node.attr("sorted", 1)),
    }


@converter("TopK", since=10, needs=["top_k", "dynamic_top_k"])
def top_k(node: Node) -> Sequence[Output]:
    """TopK-10+: `K` is a 1-element input; a constant gives nn.top_k."""
    attrs = _top_k_attrs(node)
    if node.maybe_const(1) is not None:
        ks = node.const_ints(1, "K")
        if len(ks) != 1:
            node.fail(f"K must hold one value, got {ks}")
        return node.build("top_k", [node.value(0)], {**attrs, "k": ks[0]})
    return node.build("dynamic_top_k", [node.value(0), node.value(1)], attrs)


@converter("TopK", since=1, needs=["top_k"])
def top_k_v1(node: Node) -> Sequence[Output]:
    attrs = {**_top_k_attrs(node), "k": int(node.attr("k"))}
    return node.build("top_k", [node.value(0)], attrs)


def _cumulative(op: str) -> Converter:
    def convert(node: Node) -> Sequence[Output]:
        attrs = {name: int(node.attr(name, 0)) for name in ("exclusive", "reverse")}
        if node.maybe_const(1) is not None:
            (axis,) = node.const_ints(1, "axis")
            return [node.build1(op, [node.value(0)], {**attrs, "axis": axis})]
        return [node.build1(f"dynamic_{op}", [node.value(0), node.value(1)], attrs)]

    return convert


converter("CumSum", since=11, needs=["cum_sum", "dynamic_cum_sum"])(_cumulative("cum_sum"))
converter("CumProd", since=26, needs=["cum_prod", "dynamic_cum_prod"])(_cumulative("cum_prod"))


# ---- data-dependent sizes -------------------------------------------------------------------


def _flat_input(node: Node) -> tuple[ir.Value, int]:
    """Input 0 and the axis: flattened with axis 0 where ONNX's `axis` is absent."""
    if node.has_attr("axis"):
        return node.value(0), int(node.attr("axis"))
    return node.build1("reshape", [node.value(0)], {"shape": [-1]}), 0


@converter("NonZero", since=9, needs=["non_zero"])
def non_zero(node: Node) -> Sequence[Output]:
    return [node.build1("non_zero", [node.value(0)])]


@converter("Compress", since=9, needs=["compress", "reshape"])
def compress(node: Node) -> Sequence[Output]:
    x, axis = _flat_input(node)
    return [node.build1("compress", [x, node.value(1)], {"axis": axis})]


@converter("Unique", since=11, needs=["unique", "reshape"])
def unique(node: Node) -> Sequence[Output]:
    x, axis = _flat_input(node)
    return node.build("unique", [x], {"axis": axis, "sorted": int(node.attr("sorted", 1))})
