"""Converters for the loss ops: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.

Both are composed of nn ops. NLL picks -input[n, target[n, d...], d...] with
nn.gather_elements along the class axis; targets equal to `ignore_index` read class 0 instead
(so every read is in bounds) and get weight 0; the per-class `weight` is gathered by the
target. `mean` divides the weighted sum by the sum of the weights (the count of counted
targets without `weight`). SoftmaxCrossEntropyLoss is NLL of log_softmax over the class axis,
whose result is also its optional second output.

Dependency contract: numpy, `mlir`, `strata.dialects.opdef`, the converter registry and its
compose helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata.dialects.opdef import spec_of_type
from strata.frontends.onnx.ops.registry import Node, Output, converter

REDUCTIONS = ("none", "sum", "mean")
NEEDS = ["gather_elements", "gather", "where", "equal", "not", "cast", "neg", "mul", "div"]
NEEDS += ["unsqueeze", "squeeze", "reduce_sum", "reduce_mean"]


def _nll(node: Node, logp: ir.Value, target: ir.Value, weight: ir.Value | None) -> ir.Value:
    """The loss of log-probabilities `logp` [N, C, d...] at `target` [N, d...]."""
    reduction = node.attr("reduction", "mean")
    if reduction not in REDUCTIONS:
        node.fail(f"reduction '{reduction}' is not one of {list(REDUCTIONS)}")
    ls, ts = spec_of_type(logp.type), spec_of_type(target.type)
    if ls.rank < 2 or ts.rank != ls.rank - 1:
        node.fail(
            f"input {list(ls.shape)} must be [N, C, d...] and target {list(ts.shape)} "
            "[N, d...] (one rank less)"
        )
    ignore = node.attr("ignore_index")
    valid: ir.Value | None = None
    if ignore is not None:
        ii = node.constant(np.array(ignore, dtype=ts.dtype), "ignore_index")
        valid = node.build1("not", [node.build1("equal", [target, ii])])
        zero = node.constant(np.array(0, dtype=ts.dtype), "class0")
        target = node.build1("where", [valid, target, zero])
    picked = node.build1(
        "gather_elements", [logp, node.build1("unsqueeze", [target], {"axes": [1]})], {"axis": 1}
    )
    loss = node.build1("neg", [node.build1("squeeze", [picked], {"axes": [1]})])
    weights: ir.Value | None = None
    if weight is not None:
        weights = node.build1("gather", [weight, target], {"axis": 0})
        if valid is not None:
            zero_w = node.constant(np.array(0, dtype=ls.dtype), "weight0")
            weights = node.build1("where", [valid, weights, zero_w])
    elif valid is not None:
        weights = node.build1("cast", [valid], {"to": ls.dtype})
    if weights is not None:
        loss = node.build1("mul", [loss, weights])
    if reduction == "none":
        return loss
    every = {"axes": list(range(ts.rank)), "keepdims": 0}
    total = node.build1("reduce_sum", [loss], every)
    if reduction == "sum":
        return total
    if weights is None:
        return node.build1("reduce_mean", [loss], every)
    return node.build1("div", [total, node.build1("reduce_sum", [weights], every)])


@converter("NegativeLogLikelihoodLoss", since=12, needs=NEEDS)
def negative_log_likelihood_loss(node: Node) -> Sequence[Output]:
    return [_nll(node, node.value(0), node.value(1), node.opt_value(2))]


@converter("SoftmaxCrossEntropyLoss", since=12, needs=[*NEEDS, "log_softmax"])
def softmax_cross_entropy_loss(node: Node) -> Sequence[Output]:
    log_prob = node.build1("log_softmax", [node.value(0)], {"axis": 1})
    return [_nll(node, log_prob, node.value(1), node.opt_value(2)), log_prob]
