"""Per-op converters of the ONNX frontend, grouped by category; `lookup` picks the entry for
an op type at a model's opset.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.onnx.ops import (
    attention,
    control,
    conv,
    elementwise,
    indexing,
    linalg,
    loss,
    math,
    norm,
    rearrange,
    reduce,
    resize,
    rnn,
    rotary,
    shape,
    window,
)
from strata.frontends.onnx.ops.registry import TABLE, Node, lookup

__all__ = [
    "TABLE",
    "Node",
    "attention",
    "control",
    "conv",
    "elementwise",
    "indexing",
    "linalg",
    "lookup",
    "loss",
    "math",
    "norm",
    "rearrange",
    "reduce",
    "resize",
    "rnn",
    "rotary",
    "shape",
    "window",
]
