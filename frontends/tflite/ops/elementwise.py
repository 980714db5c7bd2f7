"""Converters for elementwise ops, activations, softmax and reductions: ADD / SUB / MUL / DIV
(with fused activations), MAXIMUM / MINIMUM, LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
HARD_SWISH, LEAKY_RELU, GELU, EXP, SQRT, RSQRT, SQUARE, SQUARED_DIFFERENCE, NEG, ABS,
SOFTMAX, MEAN, SUM, REDUCE_MAX, REDUCE_MIN.

All are layout-agnostic: a rank-4 input held in NCHW stays NCHW (reduction and softmax axes
are remapped). On quantized tensors they compute in float32 between a dequantize and a
quantize (`quantized="float"`): TFLite's integer kernels compute the same real-valued
function in fixed point, so results agree to within a quantization step.

Dependency contract: numpy, `mlir`, the converter registry and the fused activations.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir

from strata.frontends.tflite.ops import activation
from strata.frontends.tflite.ops.registry import TO_NCHW, Nchw, Node, Output, converter, nchw_axis

_BINARY = {"ADD": "add", "SUB": "sub", "MUL": "mul", "DIV": "div"}


def _result(v: ir.Value, nchw: bool) -> Output:
    return Nchw(v) if nchw else v


@converter(list(_BINARY), needs=[*_BINARY.values(), *activation.NEEDS], category="elementwise")
def binary(node: Node) -> Sequence[Output]:
    (a, b), nchw = node.aligned([0, 1])
    y = node.build1(_BINARY[node.name], [a, b])
    return [_result(activation.apply(node, y), nchw)]


_MINMAX = {"MAXIMUM": "max", "MINIMUM": "min"}


@converter(list(_MINMAX), needs=list(_MINMAX.values()), category="elementwise")
def min_max(node: Node) -> Sequence[Output]:
    (a, b), nchw = node.aligned([0, 1])
    return [_result(node.build1(_MINMAX[node.name], [a, b]), nchw)]


def _input(node: Node) -> tuple[ir.Value, bool]:
    """Input 0 in the layout it is held in."""
    nchw = node.rank(0) == 4 and node.is_nchw(0)
    return (node.value_nchw(0) if nchw else node.value(0)), nchw


# builtin -> nn op taking one input and no attributes
_UNARY = {
    "LOGISTIC": "sigmoid",
    "TANH": "tanh",
    "RELU": "relu",
    "HARD_SWISH": "hard_swish",
    "EXP": "exp",
    "SQRT": "sqrt",
    "NEG": "neg",
    "ABS": "abs",
}


@converter(list(_UNARY), needs=list(_UNARY.values()), category="elementwise")
def unary(node: Node) -> Sequence[Output]:
    x, nchw = _input(node)
    return [_result(node.build1(_UNARY[node.name], [x]), nchw)]


@converter("SQUARE", needs=["mul"], category="elementwise")
def square(node: Node) -> Sequence[Output]:
    x, nchw = _input(node)
    return [_result(node.build1("mul", [x, x]), nchw)]


@converter("SQUARED_DIFFERENCE", needs=["sub", "mul"], category="elementwise")
def squared_difference(node: Node) -> Sequence[Output]:
    (a, b), nchw = node.aligned([0, 1])
    d = node.build1("sub", [a, b])
    return [_result(node.build1("mul", [d, d]), nchw)]


@converter("RSQRT", needs=["sqrt", "reciprocal"], category="elementwise")
def rsqrt(node: Node) -> Sequence[Output]:
    x, nchw = _input(node)
    return [_result(node.build1("reciprocal", [node.build1("sqrt", [x])]), nchw)]


_CLIPS = {"RELU6": (0.0, 6.0), "RELU_N1_TO_1": (-1.0, 1.0)}


@converter(list(_CLIPS), needs=["clip", "constant"], category="elementwise")
def clip(node: Node) -> Sequence[Output]:
    x, nchw = _input(node)
    lo, hi = _CLIPS[node.name]
    dtype = node.spec(x).dtype
    y = node.build1("clip", [x, node.scalar(lo, dtype, "min"), node.scalar(hi, dtype, "max")])
    return [_result(y, nchw)]


@converter("LEAKY_RELU", needs=["leaky_relu"], category="elementwise")
def leaky_relu(node: Node) -> Sequence[Output]:
    x, nchw = _input(node)
    y = node.build1("leaky_relu", [x], {"alpha": float(node.options.Alpha())})
    return [_result(y, nchw)]


@converter("GELU", needs=["gelu"], category="elementwise")
def gelu(node: Node) -> Sequence[Output]:
    x, nchw = _input(node)
    approx = "tanh" if node.options is not None and node.options.Approximate() else "none"
    return [_result(node.build1("gelu", [x], {"approximate": approx}), nchw)]


@converter("SOFTMAX", needs=["softmax", "mul", "constant"], category="elementwise")
def softmax(node: Node) -> Sequence[Output]:
    x, nchw = _input(node)
    beta = float(node.options.Beta()) if node.options is not None else 1.0
    if beta != 1.0:
        x = node.build1("mul", [x, node.scalar(beta, node.spec(x).dtype, "beta")])
    return [_result(node.build1("softmax", [x], {"axis": 1 if nchw else -1}), nchw)]


_REDUCE = {
    "MEAN": "reduce_mean",
    "SUM": "reduce_sum",
    "REDUCE_MAX": "reduce_max",
    "REDUCE_MIN": "reduce_min",
}


@converter(list(_REDUCE), needs=list(_REDUCE.values()), category="reduction")
def reduce(node: Node) -> Sequence[Output]:
    rank = node.rank(0)
    axes = sorted({a % rank for a in node.ints(1)}) if rank else []
    keep = bool(node.options.KeepDims()) if node.options is not None else False
    x, nchw = _input(node)
    if nchw:
        phys = sorted(nchw_axis(a) for a in axes)
        left = [TO_NCHW[p] for p in range(4) if p not in phys]
        if keep or left == sorted(left):  # the kept dims come out in the model's order
            attrs = {"axes": phys, "keepdims": int(keep)}
            y = node.build1(_REDUCE[node.name], [x], attrs)
            return [_result(y, keep)]
        x = node.value(0)
    attrs = {"axes": axes, "keepdims": int(keep)}
    return [node.build1(_REDUCE[node.name], [x], attrs)]
