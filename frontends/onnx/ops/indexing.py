"""Converters for indexing ops: GatherElements.

Dependency contract: the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.ops.registry import Node, Output, converter


@converter("GatherElements", since=11, needs=["gather_elements"])
def gather_elements(node: Node) -> Sequence[Output]:
    attrs = {"axis": node.attr("axis", 0)}
    return [node.build1("gather_elements", [node.value(0), node.value(1)], attrs)]
