"""Converters for Attention (opsets 23-25) and ai.onnx.preview FlexAttention -> nn.attention
on 4-d operands, and for LinearAttention (opset 27) -> nn.linear_attention.

3-d inputs [batch, sequence, heads * head size] (with `q_num_heads` / `kv_num_heads`) are
reshaped to [batch, sequence, heads, head size] and transposed to [batch, heads, sequence,
head size]; the output goes back the same way. The default scale 1 / sqrt(head size) and the
default softmax precision (the input's element type) are made explicit.

Dependency contract: numpy, `onnx`, `mlir`, the converter registry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from mlir import ir
from onnx import helper

from strata.dialects.opdef import spec_of_type
from strata.frontends.onnx.ops.registry import Node, Output, converter


def _heads_first(node: Node, x: ir.Value, heads: int) -> ir.Value:
    """[B, S, heads * D] -> [B, heads, S, D]."""
    hidden = spec_of_type(x.type).shape[2]
    if hidden is not None and hidden % heads:
        node.fail(f"hidden size {hidden} does not divide into {heads} heads")
    size = -1 if hidden is None else hidden // heads
    split = node.build1("reshape", [x], {"shape": [0, 0, heads, size]})
    return node.build1("transpose", [split], {"perm": [0, 2, 1, 3]})


@converter("Attention", since=23, needs=["attention", "reshape", "transpose"])
def attention(node: Node) -> Sequence[Output]:
    q, k, v = node.value(0), node.value(1), node.value(2)
    rank = node.spec(0).rank
    if rank not in (3, 4) or node.spec(1).rank != rank or node.spec(2).rank != rank:
        node.fail(
            f"Q, K and V must all be 3-d or all 4-d, got ranks {rank}, {node.spec(1).rank}, "
            f"{node.spec(2).rank}"
        )
    if rank == 3:
        hq, hk = node.attr("q_num_heads"), node.attr("kv_num_heads")
        if hq is None or hk is None or hq < 1 or hk < 1:
            node.fail("3-d inputs need attributes q_num_heads and kv_num_heads (>= 1)")
        q, k, v = _heads_first(node, q, hq), _heads_first(node, k, hk), _heads_first(node, v, hk)
    head_size = spec_of_type(q.type).shape[3]
    scale = node.attr("scale")
    if scale is None:
        if head_size is None:
            node.fail("the default scale 1 / sqrt(head size) needs a static head size")
        scale = 1.0 / math.sqrt(head_size)
    precision = node.attr("softmax_precision")
    if precision is None:
        precision = helper.np_dtype_to_tensor_dtype(node.spec(0).dtype)
    attrs = {
        "scale": float(scale),
        "is_causal": node.attr("is_causal", 0),
        "softcap": node.attr("softcap", 0.0),
        "softmax_precision": int(precision),
        "qk_matmul_output_mode": node.attr("qk_matmul_output_mode", 0),
        "left_window_size": node.attr("left_window_size", -1),
        "right_window_size": node.attr("right_window_size", -1),
    }
    optional = [node.opt_value(i) for i in range(3, 7)]
    y, present_k, present_v, qk = node.build("attention", [q, k, v, *optional], attrs)
    if rank == 3:
        y = node.build1("transpose", [y], {"perm": [0, 2, 1, 3]})
        y = node.build1("reshape", [y], {"shape": [0, 0, -1]})
    return [y, present_k, present_v, qk]


@converter("LinearAttention", since=27, needs=["linear_attention"])
def linear_attention(node: Node) -> Sequence[Output]:
    attrs = {
        "q_num_heads": node.attr("q_num_heads"),
        "kv_num_heads": node.attr("kv_num_heads"),
        "scale": node.attr("scale", 0.0),
        "update_rule": node.attr("update_rule", "gated_delta"),
    }
    if attrs["q_num_heads"] is None or attrs["kv_num_heads"] is None:
        node.fail("attributes q_num_heads and kv_num_heads are required")
    operands = [node.value(0), node.value(1), node.value(2)]
    operands += [node.opt_value(i) for i in range(3, 6)]
    return node.build("linear_attention", operands, attrs)


@converter("FlexAttention", since=1, needs=["attention"], domain="ai.onnx.preview")
def flex_attention(node: Node) -> Sequence[Output]:
    """ai.onnx.preview FlexAttention without score_mod / prob_mod graphs: nn.attention with no
    mask (softmax in f32 for 16-bit inputs unless softmax_precision says otherwise)."""
    mods = [a for a in ("score_mod", "prob_mod") if node.has_attr(a)]
    if mods:
        node.fail(f"graph attributes {mods} are not supported")
    if any(node.spec(i).rank != 4 for i in range(3)):
        node.fail("Q, K and V must be 4-d [batch, heads, sequence, head size]")
    head_size = node.spec(0).shape[3]
    scale = node.attr("scale")
    if scale is None:
        if head_size is None:
            node.fail("the default scale 1 / sqrt(head size) needs a static head size")
        scale = 1.0 / math.sqrt(head_size)
    dtype = node.spec(0).dtype
    precision = node.attr("softmax_precision")
    if precision is None:
        precision = helper.np_dtype_to_tensor_dtype(
            dtype if dtype.itemsize >= 4 else np.dtype("float32")
        )
    attrs = {"scale": float(scale), "softmax_precision": int(precision)}
    operands = [node.value(0), node.value(1), node.value(2), None, None, None, None]
    return [node.build("attention", operands, attrs)[0]]
