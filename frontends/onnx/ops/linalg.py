"""Converters for matrix products: Gemm, MatMul.

Dependency contract: the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.ops.registry import Node, Output, converter


@converter("Gemm", needs=["gemm"])
def gemm(node: Node) -> Sequence[Output]:
    attrs = {
        "alpha": node.attr("alpha", 1.0),
        "beta": node.attr("beta", 1.0),
        "transA": node.attr("transA", 0),
        "transB": node.attr("transB", 0),
    }
    return [node.build1("gemm", [node.value(0), node.value(1), node.opt_value(2)], attrs)]


@converter("MatMul", needs=["mat_mul"])
def mat_mul(node: Node) -> Sequence[Output]:
    return [node.build1("mat_mul", [node.value(0), node.value(1)])]
