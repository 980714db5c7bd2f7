"""Converters for indexing ops: GatherElements, GatherND, ScatterElements (and the deprecated
Scatter), ScatterND, TensorScatter, OneHot.

OneHot's depth becomes `nn.one_hot`'s attribute when it is a constant and an operand of
`nn.dynamic_one_hot` otherwise.

Dependency contract: numpy, the converter registry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from strata.frontends.onnx.ops.registry import Node, Output, converter


@converter("GatherElements", since=11, needs=["gather_elements"])
def gather_elements(node: Node) -> Sequence[Output]:
    attrs = {"axis": node.attr("axis", 0)}
    return [node.build1("gather_elements", [node.value(0), node.value(1)], attrs)]


@converter("GatherND", since=11, needs=["gather_nd"])
def gather_nd(node: Node) -> Sequence[Output]:
    """GatherND-11 has no batch_dims (0); 12+ adds it."""
    attrs = {"batch_dims": node.attr("batch_dims", 0)}
    return [node.build1("gather_nd", [node.value(0), node.value(1)], attrs)]


def _scatter_elements(node: Node, reduction: str) -> Sequence[Output]:
    attrs = {"axis": node.attr("axis", 0), "reduction": reduction}
    operands = [node.value(0), node.value(1), node.value(2)]
    return [node.build1("scatter_elements", operands, attrs)]


@converter("Scatter", since=9, needs=["scatter_elements"])
def scatter(node: Node) -> Sequence[Output]:
    """Scatter-9/10 (deprecated in 11) is ScatterElements without reduction."""
    return _scatter_elements(node, "none")


@converter("ScatterElements", since=11, needs=["scatter_elements"])
def scatter_elements(node: Node) -> Sequence[Output]:
    """ScatterElements-16 adds reduction add / mul, 18 adds max / min."""
    return _scatter_elements(node, node.attr("reduction", "none"))


@converter("ScatterND", since=11, needs=["scatter_nd"])
def scatter_nd(node: Node) -> Sequence[Output]:
    attrs = {"reduction": node.attr("reduction", "none")}
    operands = [node.value(0), node.value(1), node.value(2)]
    return [node.build1("scatter_nd", operands, attrs)]


@converter("TensorScatter", since=24, needs=["tensor_scatter"])
def tensor_scatter(node: Node) -> Sequence[Output]:
    attrs = {"axis": node.attr("axis", -2), "mode": node.attr("mode", "linear")}
    operands = [node.value(0), node.value(1), node.opt_value(2)]
    return [node.build1("tensor_scatter", operands, attrs)]


@converter("OneHot", since=9, needs=["one_hot", "dynamic_one_hot"])
def one_hot(node: Node) -> Sequence[Output]:
    """OneHot-9/11 (11 allows negative indices, which count from the end). A constant depth
    (of any numeric type) is truncated to an integer, as ONNX says."""
    attrs = {"axis": node.attr("axis", -1)}
    depth = node.maybe_const(1)
    if depth is not None:
        flat = np.asarray(depth).reshape(-1)
        if flat.size != 1 or not math.isfinite(float(flat[0])):
            node.fail(f"depth must be one finite number, got {flat.tolist()[:4]}")
        attrs["depth"] = int(flat[0])
        return [node.build1("one_hot", [node.value(0), node.value(2)], attrs)]
    return [node.build1("dynamic_one_hot", [node.value(0), node.value(1), node.value(2)], attrs)]
