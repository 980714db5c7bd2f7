"""Converters for the recurrent layers: RNN, GRU, LSTM.

The nn ops mirror ONNX; the converter puts their attributes in nn's normal form
(`strata.dialects.nn_rnn`): every activation spelled out with its alpha and beta, `clip`
+inf when absent, `hidden_size` read from R when absent. Each ONNX output (Y, Y_h, Y_c) may be
omitted; the nn op always produces all of them.

Dependency contract: numpy, `strata.dialects.nn_rnn`, the converter registry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from strata.dialects.nn_rnn import normalize_activations, num_directions
from strata.dialects.opdef import OpVerifyError
from strata.frontends.onnx.ops.registry import Node, Output, converter


def _recurrent(node: Node, kind: str, operands: int) -> list[Output]:
    direction = node.attr("direction", "forward")
    try:
        d = num_directions(direction)
        acts, alphas, betas = normalize_activations(
            kind,
            node.attr("activations"),
            node.attr("activation_alpha"),
            node.attr("activation_beta"),
            d,
        )
    except OpVerifyError as e:
        node.fail(str(e))
    hidden = node.attr("hidden_size")
    if hidden is None:
        r = node.spec(2)
        if r.rank != 3 or r.shape[2] is None:
            node.fail("has no 'hidden_size' and R's shape does not give it")
        hidden = r.shape[2]
    clip = node.attr("clip")
    attrs = {
        "activations": acts,
        "activation_alpha": alphas,
        "activation_beta": betas,
        "clip": math.inf if clip is None else float(clip),
        "direction": direction,
        "hidden_size": int(hidden),
        "layout": int(node.attr("layout", 0)),
    }
    if kind == "lstm":
        attrs["input_forget"] = int(node.attr("input_forget", 0))
    if kind == "gru":
        attrs["linear_before_reset"] = int(node.attr("linear_before_reset", 0))
    values = [node.opt_value(i) if i < node.num_inputs else None for i in range(operands)]
    return list(node.build(kind, values, attrs))


@converter("RNN", since=7, needs=["rnn"])
def rnn(node: Node) -> Sequence[Output]:
    """RNN-7+ (14 adds `layout`; 22 more dtypes)."""
    return _recurrent(node, "rnn", 6)


@converter("GRU", since=7, needs=["gru"])
def gru(node: Node) -> Sequence[Output]:
    """GRU-7+ (14 adds `layout`; 22 more dtypes)."""
    return _recurrent(node, "gru", 6)


@converter("LSTM", since=7, needs=["lstm"])
def lstm(node: Node) -> Sequence[Output]:
    """LSTM-7+ (14 adds `layout`; 22 more dtypes)."""
    return _recurrent(node, "lstm", 8)
