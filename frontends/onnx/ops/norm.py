"""Converters for normalisations: BatchNormalization, LayerNormalization, RMSNormalization,
InstanceNormalization, GroupNormalization, MeanVarianceNormalization and LRN.

LayerNormalization and RMSNormalization map to their nn ops. The others are composed of nn
ops: instance and group norm are nn.layer_normalization over the spatial axes (of a grouped
view for group norm) followed by the per-channel affine transform; MVN is reductions and
elementwise ops; LRN sums squares over the channel window with an average pool on an
N x 1 x C x rest view; BatchNormalization in training mode computes the batch statistics
with reductions and updates the running ones.

Dependency contract: numpy, `mlir`, the converter registry and its compose helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata.frontends.onnx.ops.compose import channel_view, reshape_like, scalar
from strata.frontends.onnx.ops.registry import Node, Output, converter


@converter("BatchNormalization", since=9, needs=["batch_normalization", "reduce_mean", "unsqueeze"])
def batch_normalization(node: Node) -> Sequence[Output]:
    """Inference form; training_mode=1 (opset 14+) normalises with the batch statistics and
    returns the updated running mean and variance. Before opset 14 the extra outputs select
    training mode, which the opset-1..8 converter computes."""
    if node.opset < 14 and any(node.proto.output[1:]):
        from strata.frontends.onnx.ops.legacy import batch_normalization_v1

        return batch_normalization_v1(node)
    eps = node.attr("epsilon", 1e-5)
    operands = [node.value(i) for i in range(5)]
    if not node.attr("training_mode", 0):
        return [node.build1("batch_normalization", operands, {"epsilon": eps})]
    if node.opset < 14:
        node.fail("training mode is only defined from opset 14 (training_mode attribute)")
    x, scale, b, run_mean, run_var = operands
    rank = node.spec(0).rank
    axes = [0, *range(2, rank)]
    mean = node.build1("reduce_mean", [x], {"axes": axes, "keepdims": 0})
    dev = node.build1("sub", [x, channel_view(node, mean, rank)])
    var = node.build1(
        "reduce_mean", [node.build1("mul", [dev, dev])], {"axes": axes, "keepdims": 0}
    )
    y = node.build1("batch_normalization", [x, scale, b, mean, var], {"epsilon": eps})
    momentum = float(node.attr("momentum", 0.9))

    def running(old: ir.Value, batch: ir.Value, what: str) -> ir.Value:
        kept = node.build1("mul", [old, scalar(node, momentum, old, f"{what}.momentum")])
        new = node.build1("mul", [batch, scalar(node, 1.0 - momentum, batch, f"{what}.rest")])
        return node.build1("add", [kept, new])

    return [y, running(run_mean, mean, "mean"), running(run_var, var, "var")]


@converter("LayerNormalization", since=17, needs=["layer_normalization"])
def layer_normalization(node: Node) -> Sequence[Output]:
    attrs = {
        "axis": node.attr("axis", -1),
        "epsilon": node.attr("epsilon", 1e-5),
        "stash_type": node.attr("stash_type", 1),
    }
    operands = [node.value(0), node.value(1), node.opt_value(2)]
    return node.build("layer_normalization", operands, attrs)


@converter("RMSNormalization", since=23, needs=["rms_normalization"])
def rms_normalization(node: Node) -> Sequence[Output]:
    attrs = {
        "axis": node.attr("axis", -1),
        "epsilon": node.attr("epsilon", 1e-5),
        "stash_type": node.attr("stash_type", 1),
    }
    return [node.build1("rms_normalization", [node.value(0), node.value(1)], attrs)]


def _normalize_tail(node: Node, x: ir.Value, axis: int, eps: float) -> ir.Value:
    """(x - mean) / sqrt(var + eps) over the axes [axis, rank) (no affine part)."""
    ones = node.constant(np.ones(1, node.spec(0).dtype), "ones")
    attrs = {"axis": axis, "epsilon": eps, "stash_type": node.attr("stash_type", 1)}
    return node.build("layer_normalization", [x, ones, None], attrs)[0]


def _affine(node: Node, y: ir.Value, scale: ir.Value, bias: ir.Value, rank: int) -> ir.Value:
    """y * scale[c] + bias[c] for per-channel vectors."""
    y = node.build1("mul", [y, channel_view(node, scale, rank)])
    return node.build1("add", [y, channel_view(node, bias, rank)])


@converter("InstanceNormalization", since=6, needs=["layer_normalization", "unsqueeze"])
def instance_normalization(node: Node) -> Sequence[Output]:
    """Normalise each (n, c) over the spatial axes, then scale and shift per channel."""
    rank = node.spec(0).rank
    if rank < 3:
        node.fail(f"input must have rank >= 3 (N, C, spatial...), got {rank}")
    y = _normalize_tail(node, node.value(0), 2, node.attr("epsilon", 1e-5))
    return [_affine(node, y, node.value(1), node.value(2), rank)]


def _group_normalization(node: Node, per_group: bool) -> Sequence[Output]:
    x = node.value(0)
    shape = node.spec(0).shape
    groups = int(node.attr("num_groups"))
    channels = shape[1] if len(shape) > 1 else None
    if channels is None:
        channels = node.static_shape(0, "GroupNormalization's channel count")[1]
    if groups < 1 or channels % groups:
        node.fail(f"num_groups {groups} must divide the channel count {channels}")
    grouped = node.build1("reshape", [x], {"shape": [0, groups, -1]})
    y = _normalize_tail(node, grouped, 2, node.attr("epsilon", 1e-5))
    if per_group:  # opset 18: scale and bias have one entry per group
        y = _affine(node, y, node.value(1), node.value(2), 3)
        return [reshape_like(node, y, x)]
    return [_affine(node, reshape_like(node, y, x), node.value(1), node.value(2), len(shape))]


@converter("GroupNormalization", since=18, needs=["layer_normalization", "reshape", "unsqueeze"])
def group_normalization_18(node: Node) -> Sequence[Output]:
    return _group_normalization(node, per_group=True)


@converter("GroupNormalization", since=21, needs=["layer_normalization", "reshape", "unsqueeze"])
def group_normalization(node: Node) -> Sequence[Output]:
    return _group_normalization(node, per_group=False)


@converter("MeanVarianceNormalization", since=9, needs=["reduce_mean", "sqrt", "div"])
def mean_variance_normalization(node: Node) -> Sequence[Output]:
    """(x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9) over `axes` (ONNX's function body)."""
    x = node.value(0)
    rank = node.spec(0).rank
    axes = sorted({a + rank if a < 0 else a for a in node.attr("axes", [0, 2, 3])})
    if any(not 0 <= a < rank for a in axes):
        node.fail(f"axes {axes} are out of range for rank {rank}")
    red = {"axes": axes, "keepdims": 1}
    mean = node.build1("reduce_mean", [x], red)
    sq_mean = node.build1("reduce_mean", [node.build1("mul", [x, x])], red)
    var = node.build1("sub", [sq_mean, node.build1("mul", [mean, mean])])
    std = node.build1("add", [node.build1("sqrt", [var]), scalar(node, 1e-9, x, "epsilon")])
    return [node.build1("div", [node.build1("sub", [x, mean]), std])]


@converter("LRN", since=1, needs=["average_pool", "reshape", "pow", "div"])
def lrn(node: Node) -> Sequence[Output]:
    """x / (bias + alpha / size * sum of x^2 over the channel window) ** beta; the window sum
    is an average pool (padding counted) over an N x 1 x C x rest view, times size."""
    x = node.value(0)
    shape = node.spec(0).shape
    if len(shape) < 3:
        node.fail(f"input must have rank >= 3 (N, C, spatial...), got {len(shape)}")
    if shape[1] is None:
        node.fail("the channel dim must be static (it is the pooled axis)")
    size = int(node.attr("size"))
    if size < 1:
        node.fail(f"size {size} must be >= 1")
    alpha, beta = float(node.attr("alpha", 1e-4)), float(node.attr("beta", 0.75))
    bias = float(node.attr("bias", 1.0))
    sq = node.build1("reshape", [node.build1("mul", [x, x])], {"shape": [0, 1, shape[1], -1]})
    lo = (size - 1) // 2
    attrs = {
        "kernel_shape": [size, 1],
        "strides": [1, 1],
        "pads": [lo, 0, size - 1 - lo, 0],
        "dilations": [1, 1],
        "count_include_pad": 1,
    }
    mean_sq = reshape_like(node, node.build1("average_pool", [sq], attrs), x)
    base = node.build1("mul", [mean_sq, scalar(node, alpha, x, "alpha")])  # alpha/size * sum
    base = node.build1("add", [base, scalar(node, bias, x, "bias")])
    denom = node.build1("pow", [base, scalar(node, beta, x, "beta")])
    return [node.build1("div", [x, denom])]
