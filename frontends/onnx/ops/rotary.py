"""Converters for transformer building blocks composed of nn ops: RotaryEmbedding and SwiGLU.

RotaryEmbedding rotates the first `rotary_embedding_dim` entries of each head (all of them
by default) by the cached cos / sin of the token's position: halves (x1, x2) — or the even
and odd entries when `interleaved` — become (cos x1 - sin x2, sin x1 + cos x2). 4-d inputs
are [batch, heads, sequence, head size], 3-d ones [batch, sequence, heads * head size]
(with `num_heads`). The caches are gathered by `position_ids` when given ([batch, sequence,
rotary dim / 2] without). SwiGLU is a * sigmoid(alpha * a) * b.

Dependency contract: numpy, `mlir`, `strata.dialects.opdef`, the converter registry and its
compose helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir

from strata.dialects.opdef import spec_of_type
from strata.frontends.onnx.ops.compose import scalar
from strata.frontends.onnx.ops.registry import Node, Output, converter

LAST = 2**62  # a Slice end past any axis


def _slice(node: Node, x: ir.Value, start: int, end: int, step: int = 1) -> ir.Value:
    rank = spec_of_type(x.type).rank
    attrs = {"starts": [start], "ends": [end], "axes": [rank - 1], "steps": [step]}
    return node.build1("slice", [x], attrs)


def _concat_last(node: Node, a: ir.Value, b: ir.Value) -> ir.Value:
    return node.build1("concat", [a, b], {"axis": spec_of_type(a.type).rank - 1})


@converter(
    "RotaryEmbedding",
    since=23,
    needs=["slice", "concat", "gather", "unsqueeze", "reshape", "mul", "sub", "add"],
)
def rotary_embedding(node: Node) -> Sequence[Output]:
    x = node.value(0)
    shape = node.spec(0).shape
    if len(shape) == 3:
        heads = node.attr("num_heads")
        if heads is None or heads < 1 or shape[2] is None or shape[2] % heads:
            node.fail(
                f"3-d input {list(shape)} needs num_heads dividing its static hidden size, got "
                f"num_heads={heads}"
            )
        x = node.build1("reshape", [x], {"shape": [0, 0, heads, shape[2] // heads]})
        head_axis = 2  # [B, S, H, D]: the caches broadcast over axis 2
    elif len(shape) == 4:
        head_axis = 1  # [B, H, S, D]
    else:
        node.fail(f"input must be 3-d or 4-d, got shape {list(shape)}")
    head = spec_of_type(x.type).shape[3]
    if head is None:
        node.fail("the head size must be static")
    rot = int(node.attr("rotary_embedding_dim", 0)) or head
    if rot % 2 or rot > head:
        node.fail(f"rotary_embedding_dim {rot} must be even and at most the head size {head}")
    cos, sin = node.value(1), node.value(2)
    if node.has(3):
        ids = node.value(3)
        cos = node.build1("gather", [cos, ids], {"axis": 0})
        sin = node.build1("gather", [sin, ids], {"axis": 0})
    half = spec_of_type(cos.type).shape[-1]
    if half is not None and half != rot // 2:
        node.fail(f"the caches' last dim {half} must be rotary_embedding_dim / 2 = {rot // 2}")
    cos = node.build1("unsqueeze", [cos], {"axes": [head_axis]})
    sin = node.build1("unsqueeze", [sin], {"axes": [head_axis]})
    rotated = _slice(node, x, 0, rot) if rot < head else x
    if node.attr("interleaved", 0):
        x1, x2 = _slice(node, rotated, 0, rot, 2), _slice(node, rotated, 1, rot, 2)
    else:
        x1, x2 = _slice(node, rotated, 0, rot // 2), _slice(node, rotated, rot // 2, rot)

    def mul(a: ir.Value, b: ir.Value) -> ir.Value:
        return node.build1("mul", [a, b])

    real = node.build1("sub", [mul(cos, x1), mul(sin, x2)])
    imag = node.build1("add", [mul(sin, x1), mul(cos, x2)])
    if node.attr("interleaved", 0):
        pairs = _concat_last(
            node,
            node.build1("unsqueeze", [real], {"axes": [4]}),
            node.build1("unsqueeze", [imag], {"axes": [4]}),
        )
        out = node.build1("reshape", [pairs], {"shape": [0, 0, 0, rot]})
    else:
        out = _concat_last(node, real, imag)
    if rot < head:
        out = _concat_last(node, out, _slice(node, x, rot, LAST))
    if len(shape) == 3:
        out = node.build1("reshape", [out], {"shape": [0, 0, -1]})
    return [out]


@converter("SwiGLU", since=28, needs=["sigmoid", "mul"])
def swiglu(node: Node) -> Sequence[Output]:
    a, b = node.value(0), node.value(1)
    if node.spec(0) != node.spec(1):
        node.fail(f"A {node.spec(0)} and B {node.spec(1)} must have one shape and type")
    alpha = float(node.attr("alpha", 1.0))
    gate_in = a if alpha == 1.0 else node.build1("mul", [a, scalar(node, alpha, a, "alpha")])
    gate = node.build1("mul", [a, node.build1("sigmoid", [gate_in])])
    return [node.build1("mul", [gate, b])]
