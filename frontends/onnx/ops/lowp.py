"""Converters of Cast / CastLike from opset 19 (`saturate`, and `round_mode` from 24) and of
BitCast (opset 26): the ops whose semantics low-precision element types (float8, float4,
int4, int2; `strata.dtypes`) depend on. Older Cast / CastLike live in `elementwise.py`.

Dependency contract: imports numpy and `strata.frontends.onnx.{graph,ops.registry}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.frontends.onnx.ops.registry import Node, Output, converter


def _cast(node: Node, to: np.dtype[Any]) -> Sequence[Output]:
    if to == node.spec(0).dtype:
        return [node.value(0)]
    attrs = {
        "to": to,
        "saturate": int(node.attr("saturate", 1)),
        "round_mode": str(node.attr("round_mode", "up")),
    }
    return [node.build1("cast", [node.value(0)], attrs)]


@converter("Cast", since=19, needs=["cast"])
def cast(node: Node) -> Sequence[Output]:
    """`saturate` concerns float8 targets, `round_mode` (opset 24+) float8e8m0 ones."""
    from strata.frontends.onnx.graph import numpy_dtype

    return _cast(node, numpy_dtype(int(node.attr("to")), f"Cast target of node '{node.name}'"))


@converter("CastLike", since=19, needs=["cast"])
def cast_like(node: Node) -> Sequence[Output]:
    """Cast to the element type of input 1 (only its type is read)."""
    return _cast(node, node.spec(1).dtype)


@converter("BitCast", since=26, needs=["bit_cast"])
def bit_cast(node: Node) -> Sequence[Output]:
    from strata.frontends.onnx.graph import numpy_dtype

    to = numpy_dtype(int(node.attr("to")), f"BitCast target of node '{node.name}'")
    if to == node.spec(0).dtype:
        return [node.value(0)]
    return [node.build1("bit_cast", [node.value(0)], {"to": to})]
