"""Converters for matrix products: Gemm, MatMul.

Dependency contract: numpy and the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.frontends.onnx.ops.registry import Node, Output, converter


@converter("Gemm", needs=["gemm"])
def gemm(node: Node) -> Sequence[Output]:
    attrs = {
        "alpha": node.attr("alpha", 1.0),
        "beta": node.attr("beta", 1.0),
        "transA": node.attr("transA", 0),
        "transB": node.attr("transB", 0),
    }
    weights = node.maybe_const(1)
    b = None
    if attrs["transB"] and weights is not None and weights.ndim == 2:
        # constant weights are stored in the layout the kernel reads (K x N, unit stride
        # along N): PyTorch's Linear exports Gemm(x, W, transB=1), whose transposed reads
        # cannot be vectorised
        b = node.constant(np.ascontiguousarray(weights.T), "B_t")
        attrs["transB"] = 0
    if b is None:
        b = node.value(1)
    return [node.build1("gemm", [node.value(0), b, node.opt_value(2)], attrs)]


@converter("MatMul", needs=["mat_mul"])
def mat_mul(node: Node) -> Sequence[Output]:
    return [node.build1("mat_mul", [node.value(0), node.value(1)])]
