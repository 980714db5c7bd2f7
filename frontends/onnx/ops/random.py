"""Training-mode Dropout (opset 12+): `training_mode` true or computed at run time.

The default-domain Dropout converter (`elementwise.py`) handles inference and calls
`training_dropout` otherwise; it builds nn.training_dropout, whose numbers come from Strata's
own generator (see `strata.passes.lowering.random`).

Dependency contract: the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.ops.registry import Node, Output


def training_dropout(node: Node) -> Sequence[Output]:
    for i, what in ((1, "ratio"), (2, "training_mode")):
        if node.has(i) and node.spec(i).rank > 0:
            node.fail(f"{what} must be a scalar, got shape {list(node.spec(i).shape)}")
    attrs = {"seed": int(node.attr("seed", 0))}
    x, mask = node.build(
        "training_dropout", [node.value(0), node.opt_value(1), node.opt_value(2)], attrs
    )
    wants_mask = len(node.proto.output) > 1 and bool(node.proto.output[1])
    return [x, mask] if wants_mask else [x]
