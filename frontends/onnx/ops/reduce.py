"""Converters for ReduceMean, ReduceSum and ReduceMax: `axes` is an attribute before opset 18
(13 for ReduceSum) and an optional input from then on; the nn ops get explicit sorted axes.

Dependency contract: the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.ops.registry import Converter, Node, Output, converter
from strata.frontends.onnx.ops.shape import axes_of

# opset from which `axes` is an input instead of an attribute
REDUCE = {
    "ReduceMean": ("reduce_mean", 18),
    "ReduceSum": ("reduce_sum", 13),
    "ReduceMax": ("reduce_max", 18),
}


def _reduce(op: str, input_since: int) -> Converter:
    def convert(node: Node) -> Sequence[Output]:
        rank = node.spec(0).rank
        axes = axes_of(node, input_since, default=[])
        noop = int(node.attr("noop_with_empty_axes", 0)) if node.opset >= input_since else 0
        if not axes:
            if noop:
                return [node.value(0)]
            axes = list(range(rank))
        axes = sorted({a + rank if a < 0 else a for a in axes})
        attrs = {"axes": axes, "keepdims": node.attr("keepdims", 1)}
        return [node.build1(op, [node.value(0)], attrs)]

    return convert


for _onnx, (_op, _since) in REDUCE.items():
    converter(_onnx, needs=[_op])(_reduce(_op, _since))
