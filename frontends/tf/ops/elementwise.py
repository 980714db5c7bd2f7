"""Converters of TF's elementwise ops: math, activations, comparisons, selection and casts.

Each works in whatever axis order its operands arrive in (`layout.common_perm`): elementwise
math between an NHWC value kept channel-first and a per-channel vector needs no transpose,
the vector is reshaped and permuted at import time. Where every input is known, the op is
evaluated in numpy (`fold`), which is how Keras' shape arithmetic disappears.

Dependency contract: numpy, `mlir`, the converter registry and `strata.frontends.tf.layout`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from strata import dtypes
from strata.frontends.tf import layout
from strata.frontends.tf.ops.registry import Node, Output, Tensor, converter

MATH = "elementwise math"
ACTIVATIONS = "activations"
COMPARE = "comparison and selection"

Np = Callable[..., Any]


def _erf(x: np.ndarray) -> np.ndarray:
    from math import erf

    return np.vectorize(erf, otypes=[x.dtype])(x)


def _floor_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.floor_divide(a, b)


def _trunc_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if np.issubdtype(a.dtype, np.integer):
        q = np.abs(a) // np.abs(b)
        return (np.sign(a) * np.sign(b) * q).astype(a.dtype)
    return np.divide(a, b)


# TF op -> (the nn op it is, numpy's version for folding)
UNARY: dict[str, tuple[str, Np | None]] = {
    "Relu": ("relu", lambda x: np.maximum(x, 0)),
    "Sigmoid": ("sigmoid", lambda x: 1 / (1 + np.exp(-x))),
    "Tanh": ("tanh", np.tanh),
    "Elu": ("elu", lambda x: np.where(x > 0, x, np.expm1(x))),
    "Selu": ("selu", None),
    "Softplus": ("softplus", lambda x: np.log1p(np.exp(x))),
    "Softsign": ("softsign", lambda x: x / (1 + np.abs(x))),
    "Exp": ("exp", np.exp),
    "Log": ("log", np.log),
    "Sqrt": ("sqrt", np.sqrt),
    "Erf": ("erf", _erf),
    "Neg": ("neg", np.negative),
    "Abs": ("abs", np.abs),
    "Floor": ("floor", np.floor),
    "Ceil": ("ceil", np.ceil),
    "Round": ("round", np.round),  # TF and nn round half to even, as numpy
    "Sign": ("sign", np.sign),
    "Sin": ("sin", np.sin),
    "Cos": ("cos", np.cos),
    "Tan": ("tan", np.tan),
    "Reciprocal": ("reciprocal", np.reciprocal),
    "Inv": ("reciprocal", np.reciprocal),
    "LogicalNot": ("not", np.logical_not),
}
BINARY: dict[str, tuple[str, Np | None]] = {
    "Add": ("add", np.add),
    "AddV2": ("add", np.add),
    "Sub": ("sub", np.subtract),
    "Mul": ("mul", np.multiply),
    "RealDiv": ("div", np.divide),
    "Div": ("div", _trunc_div),
    "Maximum": ("max", np.maximum),
    "Minimum": ("min", np.minimum),
    "Pow": ("pow", np.power),
    "Greater": ("greater", np.greater),
    "Less": ("less", np.less),
    "GreaterEqual": ("greater_or_equal", np.greater_equal),
    "LessEqual": ("less_or_equal", np.less_equal),
    "Equal": ("equal", np.equal),
    "LogicalAnd": ("and", np.logical_and),
    "LogicalOr": ("or", np.logical_or),
}


def _fold_with(fn: Np | None) -> Callable[[Node, list[np.ndarray]], list[np.ndarray]] | None:
    if fn is None:
        return None

    def fold(node: Node, arrays: list[np.ndarray]) -> list[np.ndarray]:
        out = np.asarray(fn(*arrays))
        if out.dtype != np.bool_ and out.dtype != arrays[0].dtype:
            out = out.astype(arrays[0].dtype)
        return [out]

    return fold


def elementwise(node: Node, op: str, attrs: dict[str, Any] | None = None) -> Tensor:
    """`nn.<op>` of every input, in the operands' shared axis order."""
    perm = layout.common_perm(node.inputs)
    y = node.build1(op, layout.operands_as(node, perm), attrs)
    return Tensor(value=y, perm=perm)


def _register_table(table: dict[str, tuple[str, Np | None]], category: str) -> None:
    for tf_op, (nn_op, fn) in table.items():

        def convert(node: Node, nn_op: str = nn_op) -> Sequence[Output]:
            return [elementwise(node, nn_op)]

        converter(tf_op, needs=[nn_op], category=category, fold=_fold_with(fn))(convert)


_ACTIVATION_OPS = {"Relu", "Sigmoid", "Tanh", "Elu", "Selu", "Softplus", "Softsign"}
_register_table({k: v for k, v in UNARY.items() if k in _ACTIVATION_OPS}, ACTIVATIONS)
_register_table({k: v for k, v in UNARY.items() if k not in _ACTIVATION_OPS}, MATH)
_COMPARE_OPS = {"Greater", "Less", "GreaterEqual", "LessEqual", "Equal", "LogicalAnd", "LogicalOr"}
_register_table({k: v for k, v in BINARY.items() if k in _COMPARE_OPS}, COMPARE)
_register_table({k: v for k, v in BINARY.items() if k not in _COMPARE_OPS}, MATH)


def _same_dtype_scalar(node: Node, v: float, suffix: str) -> Any:
    return node.scalar(v, node.spec(0).dtype, suffix)


@converter(
    "Relu6", needs=["max", "min"], category=ACTIVATIONS, fold=_fold_with(lambda x: np.clip(x, 0, 6))
)
def relu6(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    x = node.value_as(0, t.perm)
    zero, six = (_same_dtype_scalar(node, v, s) for v, s in ((0, "zero"), (6, "six")))
    y = node.build1("min", [node.build1("max", [x, zero]), six])
    return [Tensor(value=y, perm=t.perm)]


@converter("LeakyRelu", needs=["leaky_relu"], category=ACTIVATIONS)
def leaky_relu(node: Node) -> Sequence[Output]:
    return [elementwise(node, "leaky_relu", {"alpha": float(node.attr("alpha", 0.2))})]


@converter(
    "Rsqrt", needs=["sqrt", "reciprocal"], category=MATH, fold=_fold_with(lambda x: 1 / np.sqrt(x))
)
def rsqrt(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    y = node.build1("reciprocal", [node.build1("sqrt", [node.value_as(0, t.perm)])])
    return [Tensor(value=y, perm=t.perm)]


def _erfc(x: np.ndarray) -> np.ndarray:
    return (1 - _erf(x)).astype(x.dtype)


@converter("Erfc", needs=["erf", "sub"], category=MATH, fold=_fold_with(_erfc))
def erfc(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    e = node.build1("erf", [node.value_as(0, t.perm)])
    one = _same_dtype_scalar(node, 1, "one")
    return [Tensor(value=node.build1("sub", [one, e]), perm=t.perm)]


@converter("Square", needs=["mul"], category=MATH, fold=_fold_with(np.square))
def square(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    x = node.value_as(0, t.perm)
    return [Tensor(value=node.build1("mul", [x, x]), perm=t.perm)]


@converter(
    "SquaredDifference",
    needs=["sub", "mul"],
    category=MATH,
    fold=_fold_with(lambda a, b: np.square(a - b)),
)
def squared_difference(node: Node) -> Sequence[Output]:
    d = elementwise(node, "sub")
    assert d.value is not None
    return [Tensor(value=node.build1("mul", [d.value, d.value]), perm=d.perm)]


@converter("NotEqual", needs=["equal", "not"], category=COMPARE, fold=_fold_with(np.not_equal))
def not_equal(node: Node) -> Sequence[Output]:
    e = elementwise(node, "equal")
    assert e.value is not None
    return [Tensor(value=node.build1("not", [e.value]), perm=e.perm)]


@converter(
    "FloorDiv", needs=["div", "floor", "mod", "sub"], category=MATH, fold=_fold_with(_floor_div)
)
def floor_div(node: Node) -> Sequence[Output]:
    if dtypes.is_float(node.spec(0).dtype):
        q = elementwise(node, "div")
        assert q.value is not None
        return [Tensor(value=node.build1("floor", [q.value]), perm=q.perm)]
    # integers: (a - floormod(a, b)) / b divides exactly, so truncation is floor
    perm = layout.common_perm(node.inputs)
    a, b = layout.operands_as(node, perm)
    r = node.build1("mod", [a, b], {"fmod": 0})
    return [Tensor(value=node.build1("div", [node.build1("sub", [a, r]), b]), perm=perm)]


@converter(
    "FloorMod", needs=["mod", "div", "floor", "mul", "sub"], category=MATH, fold=_fold_with(np.mod)
)
def floor_mod(node: Node) -> Sequence[Output]:
    if not dtypes.is_float(node.spec(0).dtype):
        return [elementwise(node, "mod", {"fmod": 0})]  # nn.mod's floor form: integers only
    perm = layout.common_perm(node.inputs)
    a, b = layout.operands_as(node, perm)
    q = node.build1("floor", [node.build1("div", [a, b])])
    return [Tensor(value=node.build1("sub", [a, node.build1("mul", [q, b])]), perm=perm)]


@converter("AddN", needs=["add"], category=MATH, fold=lambda node, a: [np.sum(np.stack(a), axis=0)])
def add_n(node: Node) -> Sequence[Output]:
    perm = layout.common_perm(node.inputs)
    vals = layout.operands_as(node, perm)
    y = vals[0]
    for v in vals[1:]:
        y = node.build1("add", [y, v])
    return [Tensor(value=y, perm=perm)]


@converter("BiasAdd", needs=["add", "reshape"], category=MATH)
def bias_add(node: Node) -> Sequence[Output]:
    if node.attr("data_format", "NHWC") == "NCHW":
        x = node.value(0)
        rank = node.spec(0).rank
        b = node.tensor(1)
        if b.array is not None:
            bv = node.constant(b.array.reshape((-1,) + (1,) * (rank - 2)), "bias")
        else:
            shape = [-1] + [1] * (rank - 2)
            bv = node.build1("reshape", [node.value(1)], {"shape": shape})
        return [node.build1("add", [x, bv])]
    return [elementwise(node, "add")]


@converter("ClipByValue", needs=["max", "min"], category=MATH, fold=_fold_with(np.clip))
def clip_by_value(node: Node) -> Sequence[Output]:
    perm = layout.common_perm(node.inputs)
    x, lo, hi = layout.operands_as(node, perm)
    return [Tensor(value=node.build1("max", [node.build1("min", [x, hi]), lo]), perm=perm)]


def _fold_select(node: Node, arrays: list[np.ndarray]) -> list[np.ndarray]:
    c, x, y = arrays
    if node.op == "Select" and c.ndim == 1 and x.ndim > 1:
        c = c.reshape((-1,) + (1,) * (x.ndim - 1))
    return [np.where(c, x, y)]


@converter(["Select", "SelectV2"], needs=["where", "reshape"], category=COMPARE, fold=_fold_select)
def select(node: Node) -> Sequence[Output]:
    c, x = node.spec(0), node.spec(1)
    if node.op == "Select" and c.rank == 1 and x.rank > 1:
        # v1 Select: a vector condition picks whole rows of x / y
        cond = node.build1("reshape", [node.value(0)], {"shape": [-1] + [1] * (x.rank - 1)})
        return [node.build1("where", [cond, node.value(1), node.value(2)])]
    return [elementwise(node, "where")]


def _fold_cast(node: Node, arrays: list[np.ndarray]) -> list[np.ndarray]:
    return [arrays[0].astype(node.dtype_attr("DstT"))]


@converter("Cast", needs=["cast"], category=MATH, fold=_fold_cast)
def cast(node: Node) -> Sequence[Output]:
    to = node.dtype_attr("DstT")
    t = node.tensor(0)
    if t.spec().dtype == to:
        return [t]
    y = node.build1("cast", [node.value_as(0, t.perm)], {"to": to})
    return [Tensor(value=y, perm=t.perm, partial=t.partial)]
