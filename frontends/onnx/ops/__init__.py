"""Per-op converters of the ONNX frontend, grouped by category; `lookup` picks the entry for
an op type at a model's opset.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.onnx.ops import (
    attention,
    autodiff,
    control,
    conv,
    elementwise,
    indexing,
    legacy,
    linalg,
    loss,
    math,
    norm,
    quant,
    rearrange,
    reduce,
    resize,
    rnn,
    rotary,
    sequence,
    shape,
    window,
)
from strata.frontends.onnx.ops.registry import (
    TABLE,
    TABLES,
    Node,
    converted_opsets,
    lookup,
    schema_versions,
)

__all__ = [
    "TABLE",
    "TABLES",
    "Node",
    "attention",
    "autodiff",
    "control",
    "conv",
    "converted_opsets",
    "elementwise",
    "indexing",
    "legacy",
    "linalg",
    "lookup",
    "loss",
    "math",
    "norm",
    "quant",
    "rearrange",
    "reduce",
    "resize",
    "rnn",
    "rotary",
    "schema_versions",
    "sequence",
    "shape",
    "window",
]
