"""Converters for the `ai.onnx.ml` domain: Binarizer and ArrayFeatureExtractor.

Binarizer is 1 where X > threshold, else 0 (X's element type). ArrayFeatureExtractor gathers
the flattened indices along the last axis; a 1-d input gives one row (ONNX Runtime's and
onnx.reference's reading of the spec).

Dependency contract: the converter registry and its composition helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.ops.compose import scalar
from strata.frontends.onnx.ops.registry import Node, Output, converter

ML = "ai.onnx.ml"


@converter("Binarizer", domain=ML, needs=["greater", "where"])
def binarizer(node: Node) -> Sequence[Output]:
    x = node.value(0)
    threshold = scalar(node, float(node.attr("threshold", 0.0)), x, "threshold")
    above = node.build1("greater", [x, threshold])
    return [
        node.build1("where", [above, scalar(node, 1.0, x, "one"), scalar(node, 0.0, x, "zero")])
    ]


@converter("ArrayFeatureExtractor", domain=ML, needs=["gather", "reshape"])
def array_feature_extractor(node: Node) -> Sequence[Output]:
    x, idx = node.value(0), node.value(1)
    rank = node.spec(0).rank
    if rank < 1:
        node.fail("X must have rank >= 1")
    if node.spec(1).rank != 1:
        idx = node.build1("reshape", [idx], {"shape": [-1]})
    z = node.build1("gather", [x, idx], {"axis": rank - 1})
    return [node.build1("reshape", [z], {"shape": [1, -1]}) if rank == 1 else z]
