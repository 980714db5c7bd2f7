"""Per-op converters of the ONNX frontend, grouped by category; `lookup` picks the entry for
an op type at a model's opset.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.onnx.ops import (
    autodiff,
    conv,
    elementwise,
    indexing,
    legacy,
    linalg,
    reduce,
    resize,
    sequence,
    shape,
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
    "autodiff",
    "conv",
    "converted_opsets",
    "elementwise",
    "indexing",
    "legacy",
    "linalg",
    "lookup",
    "reduce",
    "resize",
    "schema_versions",
    "sequence",
    "shape",
]
