"""Per-layer converters of the Caffe frontend, grouped by category; `lookup` picks the entry
for a layer type.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.caffe.ops import basic, layers
from strata.frontends.caffe.ops.registry import TABLE, Entry, Node, lookup

__all__ = ["TABLE", "Entry", "Node", "basic", "layers", "lookup"]
