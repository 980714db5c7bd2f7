"""Converters for the math, rounding, bitwise and further activation ops (dialects/nn_math.py).

Each of these ONNX ops maps one to one onto an nn op whose attributes mirror ONNX's (the
declaration holds the defaults), so one table drives them: ONNX op type -> (nn op, the opset
from which these semantics hold).

Dependency contract: the converter registry and `strata.dialects.nn`.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.dialects.nn import DIALECT
from strata.frontends.onnx.ops.registry import Converter, Node, Output, converter

# ONNX op type -> (nn op, since). `since` is the first opset with these inputs and attributes
# (earlier ones had e.g. `consumed_inputs` or a `broadcast` attribute).
DIRECT: dict[str, tuple[str, int]] = {
    "Cos": ("cos", 7),
    "Sin": ("sin", 7),
    "Tan": ("tan", 7),
    "Acos": ("acos", 7),
    "Asin": ("asin", 7),
    "Atan": ("atan", 7),
    "Cosh": ("cosh", 9),
    "Sinh": ("sinh", 9),
    "Acosh": ("acosh", 9),
    "Asinh": ("asinh", 9),
    "Atanh": ("atanh", 9),
    "Ceil": ("ceil", 6),
    "Floor": ("floor", 6),
    "Round": ("round", 11),
    "Sign": ("sign", 9),
    "IsInf": ("is_inf", 10),
    "Mod": ("mod", 10),
    "Elu": ("elu", 6),
    "Celu": ("celu", 12),
    "Selu": ("selu", 6),
    "Softplus": ("softplus", 1),
    "Softsign": ("softsign", 1),
    "ThresholdedRelu": ("thresholded_relu", 10),
    "Shrink": ("shrink", 9),
    "HardSwish": ("hard_swish", 14),
    "Mish": ("mish", 18),
    "Swish": ("swish", 24),
    "PRelu": ("prelu", 7),
    "BitShift": ("bit_shift", 11),
    "BitwiseAnd": ("bitwise_and", 18),
    "BitwiseOr": ("bitwise_or", 18),
    "BitwiseXor": ("bitwise_xor", 18),
    "BitwiseNot": ("bitwise_not", 18),
    "Xor": ("xor", 7),
}


def _direct(op: str) -> Converter:
    decl = DIALECT.op(op)
    n_operands = len(decl.operands)
    names = [a.name for a in decl.attrs]

    def convert(node: Node) -> Sequence[Output]:
        if node.num_inputs != n_operands:
            node.fail(f"expects {n_operands} input(s), got {node.num_inputs}")
        attrs = {n: node.attr(n) for n in names if node.has_attr(n)}
        return [node.build1(op, [node.value(i) for i in range(n_operands)], attrs)]

    return convert


for _onnx, (_op, _since) in DIRECT.items():
    converter(_onnx, since=_since, needs=[_op])(_direct(_op))
