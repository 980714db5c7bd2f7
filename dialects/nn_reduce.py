"""`nn` dialect declarations: reductions, arg-reductions, sorting, scans, data-dependent sizes.

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). Every op here mirrors an ONNX op and is derived from its schema
(`strata.dialects.onnx_schema.onnx_op`); only the shape rules and the normalisation are
written here:

* shape-like ONNX inputs are attributes when the importer sees a constant (Reduce*'s `axes`,
  TopK's `K`, CumSum's `axis`); when they are computed at run time the `dynamic_*` form of
  the same schema keeps them as operands (`nn.dynamic_reduce_sum`, `nn.dynamic_top_k`,
  `nn.dynamic_cum_sum`, ...), whose result dims are then dynamic where they depend on the
  value. A reduction's result rank must stay static: with keepdims = 0 the axes vector must
  have a static length.
* Unique and Compress always carry `axis`: the importer flattens the input (and uses axis 0)
  where ONNX's optional attribute is absent.
* Results whose size depends on the data (NonZero, Unique, Compress) have dynamic dims.
* Einsum is declared by hand (IRDL: all values of a variadic operand share one type), with one
  or two operands; the importer chains ONNX's n-ary Einsum pairwise.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np

from strata.dialects.nn_rules import (
    BOOL,
    INDEX_DTYPES,
    Attrs,
    Rule,
    Specs,
    check_choice,
    need_float,
    norm_axes,
    norm_axis,
    req,
    same_dim,
    same_dtype,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op, snake
from strata.dialects.opdef import (
    REQUIRED,
    Attr,
    AttrKind,
    Dim,
    OpDef,
    Operand,
    OpVerifyError,
    Result,
    TensorSpec,
)

REDUCTION = "reduction"
SORT = "sorting and scans"
DATA_DEPENDENT = "data-dependent sizes"
I64 = np.dtype("int64")

# ---- shared checks ----------------------------------------------------------------------------


def _numeric(spec: TensorSpec, what: str) -> None:
    if spec.dtype == BOOL:
        raise OpVerifyError(f"operand '{what}' must be a numeric tensor, got bool")


def _index_vector(spec: TensorSpec, what: str) -> Dim:
    """The length of a 1-d i32/i64 operand (None: dynamic)."""
    if spec.dtype not in INDEX_DTYPES or spec.rank != 1:
        raise OpVerifyError(
            f"operand '{what}' must be a 1-d i32 or i64 tensor, got {spec.dtype} "
            f"{show_shape(spec.shape)}"
        )
    return spec.shape[0]


def _index_scalar(spec: TensorSpec, what: str) -> None:
    """A 0-d or one-element 1-d i32/i64 operand."""
    if (
        spec.dtype not in INDEX_DTYPES
        or spec.rank > 1
        or not same_dim(spec.shape[0] if spec.rank else 1, 1)
    ):
        raise OpVerifyError(
            f"operand '{what}' must be an i32 or i64 scalar (or 1-element vector), got "
            f"{spec.dtype} {show_shape(spec.shape)}"
        )


# ---- reductions -------------------------------------------------------------------------------

# ONNX reduce op -> what its elements may be ("any": bool too, "float": floating point only)
REDUCE_OPS: dict[str, str] = {
    "ReduceMax": "any",
    "ReduceMin": "any",
    "ReduceSum": "numeric",
    "ReduceMean": "numeric",
    "ReduceProd": "numeric",
    "ReduceL1": "numeric",
    "ReduceL2": "float",
    "ReduceLogSum": "float",
    "ReduceLogSumExp": "float",
    "ReduceSumSquare": "numeric",
}


def _reduce_dtype(x: TensorSpec, elements: str) -> None:
    if elements == "float":
        need_float(x, "data")
    elif elements == "numeric":
        _numeric(x, "data")


def reduce_rule(elements: str) -> Rule:
    """Reduce* with constant `axes`: [] reduces all axes (none with noop_with_empty_axes)."""

    def rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
        x = req(specs[0], "data")
        _reduce_dtype(x, elements)
        axes = list(attrs["axes"])
        if not axes:
            if attrs["noop_with_empty_axes"]:
                return [x]
            axes = list(range(x.rank))
        red = set(norm_axes(axes, x.rank, "axes"))
        if attrs["keepdims"]:
            shape = tuple(1 if i in red else d for i, d in enumerate(x.shape))
        else:
            shape = tuple(d for i, d in enumerate(x.shape) if i not in red)
        return [TensorSpec(shape, x.dtype)]

    return rule


def dynamic_reduce_rule(elements: str) -> Rule:
    """Reduce* with `axes` computed at run time: which dims shrink is known only then, so they
    are dynamic (a dim of size 1 stays 1); keepdims = 0 needs a static axes length."""

    def rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
        x = req(specs[0], "data")
        _reduce_dtype(x, elements)
        n = _index_vector(req(specs[1], "axes"), "axes")
        if attrs["keepdims"]:
            return [TensorSpec(tuple(1 if d == 1 else None for d in x.shape), x.dtype)]
        if n is None:
            raise OpVerifyError(
                "operand 'axes' has a dynamic length, which leaves the result's rank unknown "
                "with keepdims = 0"
            )
        if n == 0:
            if attrs["noop_with_empty_axes"]:
                return [x]
            return [TensorSpec((), x.dtype)]
        if n > x.rank:
            raise OpVerifyError(
                f"operand 'axes' has {n} entries, more than the rank {x.rank} of 'data'"
            )
        return [TensorSpec((None,) * (x.rank - n), x.dtype)]

    return rule


def _reduce_ops() -> tuple[OpDef, ...]:
    static = (
        onnx_op(
            t,
            reduce_rule(e),
            category=REDUCTION,
            input_attrs={"axes": (AttrKind.INTS, [])},
            doc="The importer normalises `axes` (sorted, non-negative; all axes for []).",
        )
        for t, e in REDUCE_OPS.items()
    )
    dynamic = (
        onnx_op(
            t,
            dynamic_reduce_rule(e),
            name=f"dynamic_{snake(t)}",
            category=REDUCTION,
            doc="The form whose `axes` are computed at run time (constant axes give "
            f"`nn.{snake(t)}`).",
        )
        for t, e in REDUCE_OPS.items()
    )
    return (*static, *dynamic)


def arg_reduce_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """ArgMax / ArgMin: i64 indices along `axis` (kept as size 1 with keepdims)."""
    x = req(specs[0], "data")
    _numeric(x, "data")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    if attrs["keepdims"]:
        shape = tuple(1 if i == axis else d for i, d in enumerate(x.shape))
    else:
        shape = tuple(d for i, d in enumerate(x.shape) if i != axis)
    return [TensorSpec(shape, I64)]


def hardmax_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    need_float(x, "input")
    norm_axis(attrs["axis"], x.rank, "axis")
    return [x]


def lp_normalization_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    need_float(x, "input")
    norm_axis(attrs["axis"], x.rank, "axis")
    check_choice(attrs["p"], (1, 2), "p")
    return [x]


def det_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Det: [*, M, M] -> [*]."""
    x = req(specs[0], "x")
    need_float(x, "x")
    if x.rank < 2 or not same_dim(x.shape[-1], x.shape[-2]):
        raise OpVerifyError(
            f"operand 'x' must be square matrices [*, M, M], got {show_shape(x.shape)}"
        )
    return [TensorSpec(x.shape[:-2], x.dtype)]


# ---- sorting and scans ------------------------------------------------------------------------


def _top_k_shapes(x: TensorSpec, attrs: Attrs, k: Dim) -> list[TensorSpec]:
    _numeric(x, "x")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    shape = tuple(k if i == axis else d for i, d in enumerate(x.shape))
    return [TensorSpec(shape, x.dtype), TensorSpec(shape, I64)]


def top_k_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """TopK with a constant k: k entries along `axis`, values and i64 indices."""
    x = req(specs[0], "x")
    k = int(attrs["k"])
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    dim = x.shape[axis]
    if k < 0 or (dim is not None and k > dim):
        raise OpVerifyError(
            f"attribute 'k' = {k} is out of range [0, {'?' if dim is None else dim}] "
            f"(axis {attrs['axis']} of 'x' {show_shape(x.shape)})"
        )
    return _top_k_shapes(x, attrs, k)


def dynamic_top_k_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """TopK with k computed at run time: the result's `axis` dim is dynamic."""
    x = req(specs[0], "x")
    k = req(specs[1], "k")
    if k.dtype != I64 or k.rank != 1 or not same_dim(k.shape[0], 1):
        raise OpVerifyError(
            f"operand 'k' must be a 1-element i64 tensor, got {k.dtype} {show_shape(k.shape)}"
        )
    return _top_k_shapes(x, attrs, None)


def cumulative_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """CumSum / CumProd with a constant axis: the result has the input's type."""
    x = req(specs[0], "x")
    _numeric(x, "x")
    norm_axis(attrs["axis"], x.rank, "axis")
    return [x]


def dynamic_cumulative_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    _numeric(x, "x")
    _index_scalar(req(specs[1], "axis"), "axis")
    if x.rank == 0:
        raise OpVerifyError("operand 'x' must have rank >= 1")
    return [x]


# ---- data-dependent sizes ---------------------------------------------------------------------


def non_zero_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """NonZero: [rank, count] i64 coordinates; the count is known at run time."""
    x = req(specs[0], "x")
    return [TensorSpec((x.rank, None), I64)]


def compress_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Compress along `axis`: the selected count is known at run time."""
    x, cond = req(specs[0], "input"), req(specs[1], "condition")
    if cond.dtype != BOOL or cond.rank != 1:
        raise OpVerifyError(
            f"operand 'condition' must be a 1-d bool tensor, got {cond.dtype} "
            f"{show_shape(cond.shape)}"
        )
    if x.rank == 0:
        raise OpVerifyError("operand 'input' must have rank >= 1 (the importer flattens)")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    n, m = x.shape[axis], cond.shape[0]
    if n is not None and m is not None and m > n:
        raise OpVerifyError(
            f"operand 'condition' has {m} entries, more than axis {attrs['axis']} of 'input' "
            f"{show_shape(x.shape)}"
        )
    return [TensorSpec(tuple(None if i == axis else d for i, d in enumerate(x.shape)), x.dtype)]


def unique_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Unique slices along `axis`: y, first indices, inverse indices, counts (i64)."""
    x = req(specs[0], "x")
    if x.rank == 0:
        raise OpVerifyError("operand 'x' must have rank >= 1 (the importer flattens)")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    check_choice(attrs["sorted"], (0, 1), "sorted")
    y = TensorSpec(tuple(None if i == axis else d for i, d in enumerate(x.shape)), x.dtype)
    return [
        y,
        TensorSpec((None,), I64),
        TensorSpec((x.shape[axis],), I64),
        TensorSpec((None,), I64),
    ]


# ---- einsum -----------------------------------------------------------------------------------

ELLIPSIS = "."  # the indices an ellipsis stands for are named ".0", ".1", ...


def einsum_terms(equation: str, ranks: Sequence[int]) -> tuple[list[list[str]], list[str]]:
    """The indices of each operand and of the result (spaces ignored, implicit results as
    numpy: ellipsis dims, then the letters used once, alphabetically). '...' becomes one index
    per broadcast dim, right-aligned across operands as numpy does. Raises OpVerifyError."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")

    def bad(why: str) -> OpVerifyError:
        return OpVerifyError(f"attribute 'equation' = {equation!r}: {why}")

    if len(terms) != len(ranks):
        raise bad(f"names {len(terms)} operand(s), got {len(ranks)}")
    for t in (*terms, rhs):
        if t.count("...") > 1 or any(c not in string.ascii_letters for c in t.replace("...", "")):
            raise bad(f"bad term {t!r}")
    n_ell = 0
    for t, r in zip(terms, ranks, strict=True):
        letters = len(t.replace("...", ""))
        if "..." in t:
            if letters > r:
                raise bad(f"term {t!r} has more indices than the operand's rank {r}")
            n_ell = max(n_ell, r - letters)
        elif letters != r:
            raise bad(f"term {t!r} has {letters} indices for an operand of rank {r}")
    ell = [f"{ELLIPSIS}{i}" for i in range(n_ell)]

    def expand(t: str, k: int) -> list[str]:
        head, dots, tail = t.partition("...")
        return [*head, *ell[n_ell - k :], *tail] if dots else list(t)

    ins = [expand(t, r - len(t.replace("...", ""))) for t, r in zip(terms, ranks, strict=True)]
    if arrow:
        out = expand(rhs, n_ell)
        used = {c for t in ins for c in t}
        if any(c not in used for c in out) or len(set(out)) != len(out):
            raise bad("result indices must be distinct and appear in an operand")
    else:
        counts: dict[str, int] = {}
        for term in ins:
            for c in term:
                counts[c] = counts.get(c, 0) + 1
        letters_once = sorted(c for c, k in counts.items() if k == 1 and c[0] != ELLIPSIS)
        out = [*ell, *letters_once]
    return ins, out


def einsum_sizes(specs: Sequence[TensorSpec], ins: Sequence[Sequence[str]]) -> dict[str, Dim]:
    """The size of every index: equal wherever it occurs (ellipsis dims of 1 broadcast)."""
    sizes: dict[str, Dim] = {}
    for k, (spec, term) in enumerate(zip(specs, ins, strict=True)):
        for c, d in zip(term, spec.shape, strict=True):
            if c not in sizes:
                sizes[c] = d
                continue
            have = sizes[c]
            if c[0] == ELLIPSIS and (d == 1 or have == 1):
                sizes[c] = have if d == 1 else d
            elif not same_dim(have, d):
                raise OpVerifyError(
                    f"operand {k} {show_shape(spec.shape)}: index '{c}' has size {d}, "
                    f"elsewhere {have}"
                )
            elif have is None:
                sizes[c] = d
    return sizes


def einsum_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    ops = [req(specs[0], "a"), *([specs[1]] if specs[1] is not None else [])]
    if len(ops) == 2:
        same_dtype(ops[0], "a", ops[1], "b")
    ins, out = einsum_terms(str(attrs["equation"]), [o.rank for o in ops])
    sizes = einsum_sizes(ops, ins)
    return [TensorSpec(tuple(sizes[c] for c in out), ops[0].dtype)]


EINSUM = OpDef(
    "einsum",
    "Einstein summation over one or two operands (numpy.einsum semantics).",
    (Operand("a", "first operand"), Operand("b", "second operand", optional=True)),
    (Result("output", "result tensor"),),
    einsum_rule,
    attrs=(Attr("equation", AttrKind.STRING, REQUIRED, "e.g. 'bij,bjk->bik'; '...' allowed"),),
    doc="ONNX's Einsum is variadic, but IRDL (MLIR 22) needs one type for all values of a "
    "variadic operand; the importer chains three or more operands pairwise.",
    onnx="Einsum",
    category=REDUCTION,
)


AXIS_ATTR = {"axis": (AttrKind.INT, REQUIRED)}


def _flatten_doc(op: str) -> str:
    return f"ONNX {op} without `axis` flattens its input; the importer does that and uses 0."


REDUCE_FAMILY: tuple[OpDef, ...] = (
    *_reduce_ops(),
    onnx_op("ArgMax", arg_reduce_rule, category=REDUCTION),
    onnx_op("ArgMin", arg_reduce_rule, category=REDUCTION),
    onnx_op("Hardmax", hardmax_rule, category=REDUCTION),
    onnx_op("LpNormalization", lp_normalization_rule, category=REDUCTION),
    onnx_op("Det", det_rule, category=REDUCTION),
    EINSUM,
    onnx_op(
        "TopK",
        top_k_rule,
        category=SORT,
        input_attrs={"K": (AttrKind.INT, REQUIRED)},
        doc="Sorted (ties: the lower index first); k computed at run time: `nn.dynamic_top_k`.",
    ),
    onnx_op(
        "TopK",
        dynamic_top_k_rule,
        name="dynamic_top_k",
        category=SORT,
        doc="The form whose k is computed at run time (a constant k gives `nn.top_k`).",
    ),
    onnx_op("CumSum", cumulative_rule, category=SORT, input_attrs=AXIS_ATTR),
    onnx_op("CumProd", cumulative_rule, category=SORT, input_attrs=AXIS_ATTR),
    onnx_op(
        "CumSum",
        dynamic_cumulative_rule,
        name="dynamic_cum_sum",
        category=SORT,
        doc="The form whose axis is computed at run time (a constant axis gives `nn.cum_sum`).",
    ),
    onnx_op(
        "CumProd",
        dynamic_cumulative_rule,
        name="dynamic_cum_prod",
        category=SORT,
        doc="The form whose axis is computed at run time (a constant gives `nn.cum_prod`).",
    ),
    onnx_op("NonZero", non_zero_rule, category=DATA_DEPENDENT),
    onnx_op(
        "Compress",
        compress_rule,
        category=DATA_DEPENDENT,
        defaults={"axis": 0},
        doc=_flatten_doc("Compress"),
    ),
    onnx_op(
        "Unique",
        unique_rule,
        category=DATA_DEPENDENT,
        defaults={"axis": 0},
        doc=_flatten_doc("Unique") + " Sorted slices compare lexicographically.",
    ),
)

__all__ = ["REDUCE_FAMILY", "REDUCE_OPS", "einsum_sizes", "einsum_terms"]
