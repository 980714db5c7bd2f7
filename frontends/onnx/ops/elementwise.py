"""Converters for elementwise ONNX ops: arithmetic, comparisons, activations, Cast, Where.

Dependency contract: numpy, `mlir`, `strata.dtypes`, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata import dtypes
from strata.frontends.onnx.ops.legacy import LEGACY_BROADCAST, NUMPY_BROADCAST_SINCE
from strata.frontends.onnx.ops.random import training_dropout
from strata.frontends.onnx.ops.registry import Converter, Node, Output, SequenceValue, converter

BINARY = {
    "Add": "add",
    "Sub": "sub",
    "Mul": "mul",
    "Div": "div",
    "Equal": "equal",
    "Less": "less",
    "Greater": "greater",
    "LessOrEqual": "less_or_equal",
    "GreaterOrEqual": "greater_or_equal",
    "And": "and",
    "Or": "or",
}
UNARY = {
    "Sqrt": "sqrt",
    "Erf": "erf",
    "Exp": "exp",
    "Log": "log",
    "Reciprocal": "reciprocal",
    "Neg": "neg",
    "Abs": "abs",
    "Relu": "relu",
    "Tanh": "tanh",
    "Sigmoid": "sigmoid",
    "Not": "not",
}
VARIADIC = {"Max": "max", "Min": "min", "Sum": "add"}


def _register_table() -> None:
    for onnx_name, nn_name in BINARY.items():
        # Opsets 1-6 had `broadcast` / `axis` attributes: those forms are in `legacy`.
        since = NUMPY_BROADCAST_SINCE if onnx_name in LEGACY_BROADCAST else None
        converter(onnx_name, since=since, needs=[nn_name])(_binary(nn_name))
    for onnx_name, nn_name in UNARY.items():
        converter(onnx_name, needs=[nn_name])(_unary(nn_name))
    for onnx_name, nn_name in VARIADIC.items():
        converter(onnx_name, needs=[nn_name])(_variadic(nn_name))


def _binary(op: str) -> Converter:
    def convert(node: Node) -> Sequence[Output]:
        return [node.build1(op, [node.value(0), node.value(1)])]

    return convert


def _unary(op: str) -> Converter:
    def convert(node: Node) -> Sequence[Output]:
        return [node.build1(op, [node.value(0)])]

    return convert


def _variadic(op: str) -> Converter:
    def convert(node: Node) -> Sequence[Output]:
        return [_chain(node, op, node.values())]

    return convert


def _chain(node: Node, op: str, values: Sequence[ir.Value]) -> ir.Value:
    if not values:
        node.fail("needs at least one input")
    acc = values[0]
    for v in values[1:]:
        acc = node.build1(op, [acc, v])
    return acc


@converter("Mean", needs=["add", "div"])
def mean(node: Node) -> Sequence[Output]:
    total = _chain(node, "add", node.values())
    n = np.array(node.num_inputs, dtype=node.spec(0).dtype)
    return [node.build1("div", [total, node.constant(n, "count")])]


@converter("Pow", since=7, needs=["pow"])
def pow_(node: Node) -> Sequence[Output]:
    """Pow allows an exponent of another numeric type, as nn.pow does (the result has the
    base's type)."""
    return [node.build1("pow", [node.value(0), node.value(1)])]


@converter("IsNaN", needs=["equal", "not"])
def is_nan(node: Node) -> Sequence[Output]:
    """NaN is the only value not equal to itself (nn.equal is IEEE ordered equality)."""
    x = node.value(0)
    if not dtypes.is_float(node.spec(0).dtype) and node.spec(0).is_static:
        return [np.zeros(node.static_shape(0, "IsNaN"), dtype=np.bool_)]
    return [node.build1("not", [node.build1("equal", [x, x])])]


@converter("Identity")
def identity(node: Node) -> Sequence[Output]:
    """A tensor, sequence or optional value, as it is."""
    t = node.input_tensor(0)
    if t.items is not None:
        return [SequenceValue(list(t.items), t.optional)]
    return [node.value(0)]


@converter("Dropout", since=12)
def dropout(node: Node) -> Sequence[Output]:
    """Inference: identity; the mask (if used) is all true. Training mode (true or computed at
    run time): nn.training_dropout (`strata.frontends.onnx.ops.random`)."""
    if node.opset >= 12 and node.has(2):
        training = node.maybe_const(2)
        if training is None or bool(np.asarray(training).reshape(-1)[0]):
            return training_dropout(node)
    x = node.value(0)
    if len(node.proto.output) < 2 or not node.proto.output[1]:
        return [x]
    mask = np.ones(node.static_shape(0, "Dropout's mask output"), dtype=np.bool_)
    return [x, mask]


def _bound(node: Node, i: int) -> ir.Value | None:
    """Clip's bound `i` as a 0-d operand (ONNX allows a one-element tensor), or None."""
    if not node.has(i):
        return None
    spec = node.spec(i)
    c = node.maybe_const(i)
    if c is not None:
        arr = np.asarray(c)
        if arr.size != 1:
            node.fail(f"input {i} (a bound) must hold one value, got shape {list(arr.shape)}")
        return node.constant(arr.reshape(()), "min" if i == 1 else "max")
    if spec.rank == 0:
        return node.value(i)
    shape = node.static_shape(i, "a Clip bound")
    if int(np.prod(shape)) != 1:
        node.fail(f"input {i} (a bound) must hold one value, got shape {list(shape)}")
    return node.build1("reshape", [node.value(i)], {"shape": []})


@converter("Clip", since=11, needs=["clip", "reshape"])
def clip(node: Node) -> Sequence[Output]:
    """Clip-11+: bounds are optional scalar inputs, constant or computed at run time."""
    return [node.build1("clip", [node.value(0), _bound(node, 1), _bound(node, 2)])]


@converter("HardSigmoid", needs=["hard_sigmoid"])
def hard_sigmoid(node: Node) -> Sequence[Output]:
    attrs = {"alpha": node.attr("alpha", 0.2), "beta": node.attr("beta", 0.5)}
    return [node.build1("hard_sigmoid", [node.value(0)], attrs)]


@converter("LeakyRelu", needs=["leaky_relu"])
def leaky_relu(node: Node) -> Sequence[Output]:
    return [node.build1("leaky_relu", [node.value(0)], {"alpha": node.attr("alpha", 0.01)})]


@converter("Gelu", since=20, needs=["gelu"])
def gelu(node: Node) -> Sequence[Output]:
    return [node.build1("gelu", [node.value(0)], {"approximate": node.attr("approximate", "none")})]


@converter("Cast", since=6, needs=["cast"])
def cast(node: Node) -> Sequence[Output]:
    from strata.frontends.onnx.graph import numpy_dtype

    to = numpy_dtype(int(node.attr("to")), f"Cast target of node '{node.name}'")
    if to == node.spec(0).dtype:
        return [node.value(0)]
    return [node.build1("cast", [node.value(0)], {"to": to})]


@converter("CastLike", since=15, needs=["cast"])
def cast_like(node: Node) -> Sequence[Output]:
    """Cast to the element type of input 1 (`saturate` / `round_mode` concern float8
    targets only, which Strata does not hold)."""
    to = node.spec(1).dtype
    if to == node.spec(0).dtype:
        return [node.value(0)]
    return [node.build1("cast", [node.value(0)], {"to": to})]


@converter("Where", needs=["where"])
def where(node: Node) -> Sequence[Output]:
    return [node.build1("where", [node.value(0), node.value(1), node.value(2)])]


def _softmax(op: str, node: Node) -> Sequence[Output]:
    """Softmax/LogSoftmax: opset 13 normalises along `axis` (default -1); before 13 the
    input is coerced to 2-D at `axis` (default 1) and normalised along the flattened tail."""
    x = node.value(0)
    rank = node.spec(0).rank
    if node.opset >= 13:
        return [node.build1(op, [x], {"axis": node.attr("axis", -1)})]
    axis = int(node.attr("axis", 1))
    axis = axis + rank if axis < 0 else axis
    if axis == rank - 1:
        return [node.build1(op, [x], {"axis": -1})]
    shape = list(node.spec(0).shape)
    flat = node.build1("flatten", [x], {"axis": axis})
    y = node.build1(op, [flat], {"axis": 1})
    return [node.build1("reshape", [y], {"shape": shape})]


@converter("Softmax", needs=["softmax", "flatten", "reshape"])
def softmax(node: Node) -> Sequence[Output]:
    return _softmax("softmax", node)


@converter("LogSoftmax", needs=["log_softmax", "flatten", "reshape"])
def log_softmax(node: Node) -> Sequence[Output]:
    return _softmax("log_softmax", node)


_register_table()
