"""Converters for elementwise ATen ops: arithmetic with tensor or scalar operands (torch's
type promotion: operands are cast to the recorded result dtype), unary math, activations,
comparisons, `where`, `clamp` and dtype conversion.

Dependency contract: numpy, `mlir`, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from mlir import ir

from strata.dialects.opdef import spec_of_type
from strata.frontends.torch.ops.registry import (
    Node,
    Output,
    converter,
    numpy_dtype,
    table_converter,
)

ELEMENTWISE = "elementwise"
ACTIVATION = "activation"
COMPARISON = "comparison"


def cast_to(node: Node, v: ir.Value, dtype: np.dtype[Any], suffix: str = "cast") -> ir.Value:
    """`v` converted to `dtype` (itself when it already has it)."""
    if spec_of_type(v.type).dtype == dtype:
        return v
    return node.build1("cast", [v], {"to": dtype})


def operand(node: Node, i: int, dtype: np.dtype[Any]) -> ir.Value:
    """Argument `i` (a tensor or a Python number) as a value of `dtype`."""
    if node.is_tensor(i):
        return cast_to(node, node.value(i), dtype)
    v = node.arg(i)
    if isinstance(v, (bool, int, float)):
        return node.scalar(v, dtype, f"arg{i}")
    node.fail(f"argument {i} is {v!r}; expected a tensor or a number")


def operand_dtype(node: Node, *indices: int) -> np.dtype[Any]:
    """The dtype torch promotes these operands (recorded tensors or numbers) to."""
    import torch

    metas = [node.arg_meta(i) for i in indices]
    return numpy_dtype(torch.result_type(*metas), "the operands")


_BINARY = {
    "aten.add.Tensor": "add",
    "aten.add.Scalar": "add",
    "aten.sub.Tensor": "sub",
    "aten.sub.Scalar": "sub",
    "aten.mul.Tensor": "mul",
    "aten.mul.Scalar": "mul",
    "aten.div.Tensor": "div",
    "aten.div.Scalar": "div",
    "aten.maximum.default": "max",
    "aten.minimum.default": "min",
    "aten.pow.Tensor_Tensor": "pow",
    "aten.pow.Tensor_Scalar": "pow",
}


@table_converter(_BINARY, extra=["mul", "cast"], category=ELEMENTWISE)
def binary(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    op = _BINARY[node.op]
    a = operand(node, 0, dtype)
    b = operand(node, 1, dtype)
    alpha = node.kwarg("alpha", 1)
    if alpha != 1 and op in ("add", "sub"):
        b = node.build1("mul", [b, node.scalar(alpha, dtype, "alpha")])
    return [node.build1(op, [a, b])]


@converter(
    ["aten.remainder.Tensor", "aten.remainder.Scalar"],
    needs=["mod", "floor", "div", "mul", "sub", "cast"],
    category=ELEMENTWISE,
)
def remainder(node: Node) -> Sequence[Output]:
    """torch.remainder: the sign of the divisor."""
    dtype = node.out_dtype()
    a, b = operand(node, 0, dtype), operand(node, 1, dtype)
    if dtype.kind == "f":  # a - floor(a / b) * b
        q = node.build1("floor", [node.build1("div", [a, b])])
        return [node.build1("sub", [a, node.build1("mul", [q, b])])]
    return [node.build1("mod", [a, b], {"fmod": 0})]  # nn.mod's floor mode


@converter(
    ["aten.div.Tensor_mode", "aten.div.Scalar_mode"],
    needs=[
        "div",
        "floor",
        "abs",
        "sign",
        "mul",
        "sub",
        "mod",
        "equal",
        "less",
        "not",
        "and",
        "xor",
        "cast",
    ],
    category=ELEMENTWISE,
)
def div_mode(node: Node) -> Sequence[Output]:
    mode = node.kwarg("rounding_mode")
    dtype = node.out_dtype()
    a, b = operand(node, 0, dtype), operand(node, 1, dtype)
    q = node.build1("div", [a, b])  # integers: truncated, as in C
    if mode is None or (mode == "trunc" and dtype.kind != "f"):
        return [q]
    if mode == "floor" and dtype.kind == "f":
        return [node.build1("floor", [q])]
    if mode == "trunc":  # trunc(q) = sign(q) * floor(|q|)
        fl = node.build1("floor", [node.build1("abs", [q])])
        return [node.build1("mul", [node.build1("sign", [q]), fl])]
    if mode != "floor":
        node.fail(f"rounding_mode '{mode}' is not one of None, 'floor', 'trunc'")
    # integer floor division: one less than the truncated quotient where the remainder is
    # non-zero and has the other sign than the divisor
    r = node.build1("mod", [a, b], {"fmod": 1})
    zero = node.scalar(0, dtype, "zero")
    nonzero = node.build1("not", [node.build1("equal", [r, zero])])
    signs = node.build1("xor", [node.build1("less", [r, zero]), node.build1("less", [b, zero])])
    fix = cast_to(node, node.build1("and", [nonzero, signs]), dtype)
    return [node.build1("sub", [q, fix])]


@converter(["aten.fmod.Tensor", "aten.fmod.Scalar"], needs=["mod", "cast"], category=ELEMENTWISE)
def fmod(node: Node) -> Sequence[Output]:
    """torch.fmod: the sign of the dividend (C's fmod, nn.mod with fmod = 1)."""
    dtype = node.out_dtype()
    a, b = operand(node, 0, dtype), operand(node, 1, dtype)
    return [node.build1("mod", [a, b], {"fmod": 1})]


@converter(
    ["aten.log2.default", "aten.log10.default"], needs=["log", "div", "cast"], category=ELEMENTWISE
)
def log_base(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    x = cast_to(node, node.value(0), dtype)
    base = 2.0 if node.op == "aten.log2.default" else 10.0
    return [node.build1("div", [node.build1("log", [x]), node.scalar(np.log(base), dtype, "ln")])]


@converter("aten.rsub.Scalar", needs=["sub"], category=ELEMENTWISE)
def rsub(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    b = operand(node, 0, dtype)
    alpha = node.kwarg("alpha", 1)
    if alpha != 1:
        b = node.build1("mul", [b, node.scalar(alpha, dtype, "alpha")])
    return [node.build1("sub", [operand(node, 1, dtype), b])]


_UNARY = {
    "aten.neg.default": "neg",
    "aten.abs.default": "abs",
    "aten.exp.default": "exp",
    "aten.log.default": "log",
    "aten.sqrt.default": "sqrt",
    "aten.reciprocal.default": "reciprocal",
    "aten.erf.default": "erf",
    "aten.sin.default": "sin",
    "aten.cos.default": "cos",
    "aten.floor.default": "floor",
    "aten.ceil.default": "ceil",
    "aten.round.default": "round",
    "aten.sign.default": "sign",
    "aten.logical_not.default": "not",
    "aten.tan.default": "tan",
    "aten.asin.default": "asin",
    "aten.acos.default": "acos",
    "aten.atan.default": "atan",
    "aten.sinh.default": "sinh",
    "aten.cosh.default": "cosh",
    "aten.asinh.default": "asinh",
    "aten.acosh.default": "acosh",
    "aten.atanh.default": "atanh",
}


@table_converter(_UNARY, extra=["cast"], category=ELEMENTWISE)
def unary(node: Node) -> Sequence[Output]:
    x = node.value(0)
    return [node.build1(_UNARY[node.op], [cast_to(node, x, node.out_dtype())])]


@converter("aten.rsqrt.default", needs=["sqrt", "reciprocal"], category=ELEMENTWISE)
def rsqrt(node: Node) -> Sequence[Output]:
    x = cast_to(node, node.value(0), node.out_dtype())
    return [node.build1("reciprocal", [node.build1("sqrt", [x])])]


@converter(
    ["aten.log1p.default", "aten.expm1.default"],
    needs=["log", "exp", "add", "sub", "cast"],
    category=ELEMENTWISE,
)
def log1p_expm1(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    x = cast_to(node, node.value(0), dtype)
    one = node.scalar(1, dtype, "one")
    if node.op == "aten.log1p.default":
        return [node.build1("log", [node.build1("add", [x, one])])]
    return [node.build1("sub", [node.build1("exp", [x]), one])]


@converter("aten.trunc.default", needs=["floor", "abs", "sign", "mul"], category=ELEMENTWISE)
def trunc(node: Node) -> Sequence[Output]:
    x = node.value(0)
    return [
        node.build1(
            "mul", [node.build1("sign", [x]), node.build1("floor", [node.build1("abs", [x])])]
        )
    ]


@converter("aten.isnan.default", needs=["equal", "not"], category=COMPARISON)
def isnan(node: Node) -> Sequence[Output]:
    x = node.value(0)
    return [node.build1("not", [node.build1("equal", [x, x])])]


@converter("aten.isinf.default", needs=["is_inf"], category=COMPARISON)
def isinf(node: Node) -> Sequence[Output]:
    return [node.build1("is_inf", [node.value(0)])]


@converter("aten.pow.Scalar", needs=["pow", "cast"], category=ELEMENTWISE)
def pow_scalar(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    return [node.build1("pow", [operand(node, 0, dtype), operand(node, 1, dtype)])]


_ACTIVATIONS = {
    "aten.relu.default": "relu",
    "aten.sigmoid.default": "sigmoid",
    "aten.tanh.default": "tanh",
    "aten.silu.default": "swish",
    "aten.hardswish.default": "hard_swish",
    "aten.mish.default": "mish",
}


@table_converter(_ACTIVATIONS, extra=["cast"], category=ACTIVATION)
def activation(node: Node) -> Sequence[Output]:
    x = cast_to(node, node.value(0), node.out_dtype())
    return [node.build1(_ACTIVATIONS[node.op], [x])]


@converter("aten.hardsigmoid.default", needs=["hard_sigmoid"], category=ACTIVATION)
def hardsigmoid(node: Node) -> Sequence[Output]:
    # relu6(x + 3) / 6
    return [node.build1("hard_sigmoid", [node.value(0)], {"alpha": 1.0 / 6.0, "beta": 0.5})]


@converter("aten.gelu.default", needs=["gelu"], category=ACTIVATION)
def gelu(node: Node) -> Sequence[Output]:
    approximate = node.kwarg("approximate", "none")
    if approximate not in ("none", "tanh"):
        node.fail(f"approximate '{approximate}' is not 'none' or 'tanh'")
    return [node.build1("gelu", [node.value(0)], {"approximate": approximate})]


@converter("aten.leaky_relu.default", needs=["leaky_relu"], category=ACTIVATION)
def leaky_relu(node: Node) -> Sequence[Output]:
    alpha = node.float_arg(1, 0.01)
    return [node.build1("leaky_relu", [node.value(0)], {"alpha": alpha})]


@converter("aten.elu.default", needs=["elu"], category=ACTIVATION)
def elu(node: Node) -> Sequence[Output]:
    alpha, scale, in_scale = node.float_arg(1, 1.0), node.float_arg(2, 1.0), node.float_arg(3, 1.0)
    if scale != 1.0 or in_scale != 1.0:
        node.fail(f"elu with scale {scale} / input_scale {in_scale} (only 1.0) is not supported")
    return [node.build1("elu", [node.value(0)], {"alpha": alpha})]


@converter(
    ["aten.clamp.default", "aten.hardtanh.default"], needs=["clip", "cast"], category=ACTIVATION
)
def clamp(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    x = cast_to(node, node.value(0), dtype)
    default = (-1.0, 1.0) if node.op == "aten.hardtanh.default" else (None, None)
    lo, hi = node.arg(1, default[0]), node.arg(2, default[1])
    bounds = [
        None if b is None else node.scalar(b, dtype, f"bound{k}") for k, b in enumerate((lo, hi))
    ]
    return [node.build1("clip", [x, *bounds])]


@converter("aten.clamp.Tensor", needs=["max", "min", "cast"], category=ACTIVATION)
def clamp_tensor(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    y = cast_to(node, node.value(0), dtype)
    if node.arg(1) is not None:
        y = node.build1("max", [y, operand(node, 1, dtype)])
    if node.arg(2) is not None:
        y = node.build1("min", [y, operand(node, 2, dtype)])
    return [y]


_COMPARE = {
    f"aten.{name}.{kind}": nn_op
    for name, nn_op in (
        ("eq", "equal"),
        ("ne", "equal"),  # then nn.not
        ("lt", "less"),
        ("le", "less_or_equal"),
        ("gt", "greater"),
        ("ge", "greater_or_equal"),
    )
    for kind in ("Tensor", "Scalar")
}


@table_converter(_COMPARE, extra=["not", "cast"], category=COMPARISON)
def compare(node: Node) -> Sequence[Output]:
    dtype = operand_dtype(node, 0, 1)
    y = node.build1(_COMPARE[node.op], [operand(node, 0, dtype), operand(node, 1, dtype)])
    return [node.build1("not", [y]) if node.op.startswith("aten.ne.") else y]


_LOGICAL = {
    "aten.logical_and.default": "and",
    "aten.logical_or.default": "or",
    "aten.logical_xor.default": "xor",
}


@table_converter(_LOGICAL, extra=["cast"], category=COMPARISON)
def logical(node: Node) -> Sequence[Output]:
    b = np.dtype(np.bool_)
    return [node.build1(_LOGICAL[node.op], [operand(node, 0, b), operand(node, 1, b)])]


_BITWISE = {
    "and": ("and", "bitwise_and"),
    "or": ("or", "bitwise_or"),
    "xor": ("xor", "bitwise_xor"),
}


@converter(
    [f"aten.bitwise_{k}.{kind}" for k in _BITWISE for kind in ("Tensor", "Scalar")],
    needs=["and", "or", "xor", "bitwise_and", "bitwise_or", "bitwise_xor", "cast"],
    category=COMPARISON,
)
def bitwise(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    logical_op, int_op = _BITWISE[node.op.split(".")[1].removeprefix("bitwise_")]
    op = logical_op if dtype == np.bool_ else int_op
    return [node.build1(op, [operand(node, 0, dtype), operand(node, 1, dtype)])]


@converter("aten.bitwise_not.default", needs=["not", "bitwise_not"], category=COMPARISON)
def bitwise_not(node: Node) -> Sequence[Output]:
    op = "not" if node.out_dtype() == np.bool_ else "bitwise_not"
    return [node.build1(op, [node.value(0)])]


@converter("aten.where.self", needs=["where", "cast"], category=COMPARISON)
def where(node: Node) -> Sequence[Output]:
    dtype = node.out_dtype()
    cond = cast_to(node, node.value(0), np.dtype(np.bool_))
    return [node.build1("where", [cond, operand(node, 1, dtype), operand(node, 2, dtype)])]


@converter(
    ["aten._to_copy.default", "aten.to.dtype"], needs=["cast", "identity"], category=ELEMENTWISE
)
def to_copy(node: Node) -> Sequence[Output]:
    x = node.value(0)
    dtype = node.out_dtype()
    if spec_of_type(x.type).dtype == dtype:
        return [node.build1("identity", [x])]
    return [cast_to(node, x, dtype)]


@converter(
    [
        "aten.clone.default",
        "aten.alias.default",
        "aten.detach.default",
        "aten.lift_fresh_copy.default",
    ],
    needs=["identity"],
    category=ELEMENTWISE,
)
def identity(node: Node) -> Sequence[Output]:
    return [node.build1("identity", [node.value(0)])]
