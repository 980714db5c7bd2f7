"""Per-op converters of the PyTorch frontend, grouped by category; `lookup` picks the entry
for an ATen overload.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.torch.ops import creation, elementwise, indexing, nn_layers, shape
from strata.frontends.torch.ops.registry import TABLE, Entry, Node, lookup

__all__ = [
    "TABLE",
    "Entry",
    "Node",
    "creation",
    "elementwise",
    "indexing",
    "lookup",
    "nn_layers",
    "shape",
]
