"""Helpers for converters that compose an ONNX op from several nn ops.

Scalars as constants of a value's element type, views of a per-channel vector that broadcast
against N x C x ... tensors, and reshapes back to another value's (possibly dynamic) shape.

Dependency contract: numpy, `mlir`, `strata.dialects.opdef`, the converter registry.
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from strata.dialects.opdef import spec_of_type
from strata.frontends.onnx.ops.registry import Node


def scalar(node: Node, value: float, like: ir.Value, suffix: str) -> ir.Value:
    """A 0-d constant of `like`'s element type."""
    return node.constant(np.array(value, dtype=spec_of_type(like.type).dtype), suffix)


def channel_view(node: Node, v: ir.Value, rank: int) -> ir.Value:
    """A 1-d per-channel vector [C] as [C, 1, ..., 1], broadcasting against rank-`rank`
    N x C x ... tensors."""
    if rank <= 2:
        return v
    return node.build1("unsqueeze", [v], {"axes": list(range(1, rank - 1))})


def reshape_like(node: Node, v: ir.Value, like: ir.Value) -> ir.Value:
    """`v` reshaped to `like`'s shape: static where known, ONNX's 0 (copy) for a dynamic dim
    that `v` has at the same position (callers guarantee it is the same run-time size, e.g.
    the batch), nn.dynamic_reshape by `like`'s run-time shape otherwise."""
    target = spec_of_type(like.type).shape
    have = spec_of_type(v.type).shape
    if tuple(target) == tuple(have) and all(d is not None for d in target):
        return v
    shape: list[int] = []
    unknown = 0
    for i, d in enumerate(target):
        if d is not None:
            shape.append(d)
        elif i < len(have) and have[i] is None:
            shape.append(0)
        else:
            shape.append(-1)
            unknown += 1
    if unknown <= 1 and not (0 in shape and any(d == 0 for d in target)):
        return node.build1("reshape", [v], {"shape": shape})
    dims = node.build1("shape", [like], {"start": 0, "end": len(target)})
    return node.build1("dynamic_reshape", [v, dims])
