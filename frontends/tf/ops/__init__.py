"""Per-op converters of the TensorFlow frontend, grouped by category; `lookup` picks the
entry for a TF op name.

Dependency contract: importing this package registers every converter module below.
"""

from strata.frontends.tf.ops import elementwise, nn_layers, shape
from strata.frontends.tf.ops.registry import TABLE, Entry, Node, Tensor, lookup

__all__ = [
    "TABLE",
    "Entry",
    "Node",
    "Tensor",
    "elementwise",
    "lookup",
    "nn_layers",
    "shape",
]
