"""Per-op converters of the TFLite frontend, grouped by category; `lookup` picks the entry for
a builtin operator and version.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.tflite.ops import conv, elementwise, quant, shape
from strata.frontends.tflite.ops.registry import TABLE, Entry, Node, lookup

__all__ = ["TABLE", "Entry", "Node", "conv", "elementwise", "lookup", "quant", "shape"]
