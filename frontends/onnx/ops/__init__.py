"""Per-op converters of the ONNX frontend, grouped by category; `lookup` picks the entry for
an op type at a model's opset.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.onnx.ops import (
    attention,
    conv,
    elementwise,
    indexing,
    linalg,
    loss,
    norm,
    reduce,
    resize,
    rotary,
    shape,
    window,
)
from strata.frontends.onnx.ops.registry import TABLE, Node, lookup

__all__ = [
    "TABLE",
    "Node",
    "attention",
    "conv",
    "elementwise",
    "indexing",
    "linalg",
    "lookup",
    "loss",
    "norm",
    "reduce",
    "resize",
    "rotary",
    "shape",
    "window",
]
