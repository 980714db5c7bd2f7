"""Converters for matrix products and normalisations: Gemm, MatMul, BatchNormalization,
LayerNormalization.

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


@converter("BatchNormalization", since=9, needs=["batch_normalization"])
def batch_normalization(node: Node) -> Sequence[Output]:
    """Inference form only: training_mode (opset 14) must be 0. Before opset 14 the extra
    outputs select training mode, which the opset-1..8 converter computes."""
    if node.opset < 14 and any(node.proto.output[1:]):
        from strata.frontends.onnx.ops.legacy import batch_normalization_v1

        return batch_normalization_v1(node)
    if node.attr("training_mode", 0):
        node.fail("training_mode=1 is not supported (inference only)")
    operands = [node.value(i) for i in range(5)]
    return [node.build1("batch_normalization", operands, {"epsilon": node.attr("epsilon", 1e-5)})]


@converter("LayerNormalization", since=17, needs=["layer_normalization"])
def layer_normalization(node: Node) -> Sequence[Output]:
    """The normalised output only (Mean / InvStdDev outputs are not supported)."""
    attrs = {
        "axis": node.attr("axis", -1),
        "epsilon": node.attr("epsilon", 1e-5),
        "stash_type": node.attr("stash_type", 1),
    }
    return [
        node.build1("layer_normalization", [node.value(0), node.value(1), node.opt_value(2)], attrs)
    ]
