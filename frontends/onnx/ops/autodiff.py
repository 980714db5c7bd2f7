"""The table entry for `Gradient` (domain `ai.onnx.preview.training`).

Gradient nodes never reach a converter: the importer replaces them by their derivative nodes
before conversion (`strata.frontends.onnx.gradient`). The entry records in the converter table
that the op is handled, from which version, for the coverage page and `lookup`.

Dependency contract: the converter registry and `strata.frontends.onnx.gradient` (its domain).
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.gradient import DOMAIN
from strata.frontends.onnx.ops.registry import Node, Output, converter


@converter("Gradient", domain=DOMAIN)
def gradient(node: Node) -> Sequence[Output]:
    node.fail("Gradient should have been expanded into its derivative nodes before conversion")
