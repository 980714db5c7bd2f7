"""`nn` dialect declarations: ops that draw pseudo-random numbers (training-mode Dropout).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). `nn.training_dropout` is ONNX Dropout (opset 12+) whose `training_mode` may be
true or computed at run time; its operands, attribute and default come from the ONNX schema
(`seed` defaults to 0: Strata's stream is deterministic). Its numbers come from Strata's own
counter-based generator, so a result with ratio > 0 cannot equal another generator's draw;
ratio 0 and training_mode false are exact.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

import numpy as np

from strata.dialects.nn_rules import Attrs, Specs, need_float, req, show_shape
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import OpDef, OpVerifyError, TensorSpec

RANDOM = "random"


def training_dropout_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """output: the data's type; mask: bool of the data's shape."""
    x = req(specs[0], "data")
    need_float(x, "data")
    ratio, training = specs[1], specs[2]
    if ratio is not None and (ratio.rank != 0 or ratio.dtype.kind != "f"):
        raise OpVerifyError(
            f"operand 'ratio' must be a float scalar, got {ratio.dtype} {show_shape(ratio.shape)}"
        )
    if training is not None and (training.rank != 0 or training.dtype != np.dtype("bool")):
        raise OpVerifyError(
            f"operand 'training_mode' must be a bool scalar, got {training.dtype} "
            f"{show_shape(training.shape)}"
        )
    return [x, TensorSpec(x.shape, np.dtype("bool"))]


RANDOM_OPS: tuple[OpDef, ...] = (
    onnx_op(
        "Dropout",
        training_dropout_rule,
        name="training_dropout",
        category=RANDOM,
        defaults={"seed": 0},
        doc="Strata's counter-based generator (splitmix64 of seed and element index).",
    ),
)
