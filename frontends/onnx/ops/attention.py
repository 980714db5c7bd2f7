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


_FLEX_OPS = ["mul", "transpose", "mat_mul", "cast", "softmax", "unsqueeze", "expand", "reshape"]


@converter("FlexAttention", since=1, needs=["attention", *_FLEX_OPS], domain="ai.onnx.preview")
def flex_attention(node: Node) -> Sequence[Output]:
    """ai.onnx.preview FlexAttention: nn.attention with no mask (softmax in f32 for 16-bit
    inputs unless softmax_precision says otherwise); with score_mod / prob_mod sub-graphs,
    the computation spelled out in nn ops with each sub-graph imported inline on the score /
    probability tensor (`_flex_with_mods`)."""
    if node.has_attr("score_mod") or node.has_attr("prob_mod"):
        return [_flex_with_mods(node)]
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


def _flex_with_mods(node: Node) -> ir.Value:
    """FlexAttention as the reference computes it: Q and K pre-scaled by sqrt(scale) (in the
    input type), Q @ K^T cast to the softmax precision, score_mod, softmax over the last
    axis, prob_mod, @ V (in that precision), cast back. GQA repeats each K/V head for its
    group of query heads."""
    specs = [node.spec(i) for i in range(3)]
    if any(sp.rank != 4 for sp in specs):
        node.fail("Q, K and V must be 4-d [batch, heads, sequence, head size]")
    q, k, v = node.value(0), node.value(1), node.value(2)
    dtype = specs[0].dtype
    head_size = specs[0].shape[3]
    scale = node.attr("scale")
    if scale is None:
        if head_size is None:
            node.fail("the default scale 1 / sqrt(head size) needs a static head size")
        scale = 1.0 / math.sqrt(head_size)
    precision = node.attr("softmax_precision")
    compute = (
        np.dtype(helper.tensor_dtype_to_np_dtype(int(precision)))
        if precision is not None
        else np.dtype(np.float64 if dtype == np.float64 else np.float32)
    )
    hq, hkv = specs[0].shape[1], specs[1].shape[1]
    if hq != hkv:
        k, v = (
            _repeat_heads(node, k, specs[1].shape, hq),
            _repeat_heads(node, v, specs[2].shape, hq),
        )
    root = node.constant(np.array(np.sqrt(np.float32(scale)), dtype=dtype), "sqrt_scale")
    qs = node.build1("mul", [q, root])
    kt = node.build1("transpose", [node.build1("mul", [k, root])], {"perm": [0, 1, 3, 2]})
    scores = node.build1("mat_mul", [qs, kt])
    if compute != dtype:
        scores = node.build1("cast", [scores], {"to": compute})
    scores = _apply_mod(node, "score_mod", scores)
    probs = _apply_mod(node, "prob_mod", node.build1("softmax", [scores], {"axis": -1}))
    if compute != dtype:
        v = node.build1("cast", [v], {"to": compute})
    y = node.build1("mat_mul", [probs, v])
    return node.build1("cast", [y], {"to": dtype}) if compute != dtype else y


def _apply_mod(node: Node, name: str, x: ir.Value) -> ir.Value:
    """Sub-graph attribute `name` (one tensor in, one out, same shape) applied to `x`."""
    if not node.has_attr(name):
        return x
    g = node.graph(name)
    if len(g.input) != 1 or len(g.output) != 1:
        node.fail(f"'{name}' must take one input and return one output")
    (out,) = node.import_graph(g, [x])
    if isinstance(out, np.ndarray):
        out = node.constant(out, name)
    if not isinstance(out, ir.Value):
        node.fail(f"'{name}' must return a tensor")
    got, want = spec_of_type(out.type), spec_of_type(x.type)
    if got.rank != 4 or got.dtype != want.dtype:
        node.fail(
            f"'{name}' must return a 4-d {want.dtype.name} tensor like its input, got "
            f"{got.dtype.name} of rank {got.rank}"
        )
    return out


def _repeat_heads(
    node: Node, x: ir.Value, shape: tuple[int | None, ...], hq: int | None
) -> ir.Value:
    """[B, Hkv, S, D] -> [B, Hq, S, D], each K/V head repeated for its group of heads."""
    if hq is None or any(d is None for d in shape):
        node.fail("grouped-query FlexAttention with sub-graphs needs static K / V shapes")
    b, hkv, s, d = (int(x) for x in shape)  # type: ignore[arg-type]
    if hkv <= 0 or hq % hkv:
        node.fail(f"q_num_heads {hq} must be a multiple of kv_num_heads {hkv}")
    wide = node.build1("unsqueeze", [x], {"axes": [2]})
    wide = node.build1("expand", [wide], {"shape": [b, hkv, hq // hkv, s, d]})
    return node.build1("reshape", [wide], {"shape": [b, hq, s, d]})
