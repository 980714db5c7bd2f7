"""Fused activations (the `fused_activation_function` of convs, fully connected, pools and
elementwise ops), in float and in the quantized domain.

Dependency contract: numpy, `mlir`, the converter registry.
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from strata.frontends.tflite.loader import Quant
from strata.frontends.tflite.ops.registry import Node

# ActivationFunctionType: NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT
NAMES = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
# clamp bounds of the clipping activations
_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "RELU": (0.0, None),
    "RELU_N1_TO_1": (-1.0, 1.0),
    "RELU6": (0.0, 6.0),
}
NEEDS = ("relu", "clip", "tanh", "constant")


def fused(node: Node) -> str:
    opts = node.options
    code = int(opts.FusedActivationFunction()) if opts is not None else 0
    return NAMES.get(code, str(code))


def apply(node: Node, v: ir.Value, quant: Quant | None = None) -> ir.Value:
    """`v` through the operator's fused activation; `quant`: `v` holds integers quantized
    with these parameters (the bounds are quantized as TFLite's
    CalculateActivationRangeQuantized does: round(bound / scale) + zero_point)."""
    act = fused(node)
    if act == "NONE":
        return v
    if act == "TANH" and quant is None:
        return node.build1("tanh", [v])
    if act not in _BOUNDS:
        node.fail(f"fused activation {act} is not supported" + (" on integers" if quant else ""))
    lo, hi = _BOUNDS[act]
    dtype = node.spec(v).dtype
    if quant is None:
        if act == "RELU":
            return node.build1("relu", [v])
        lo_v = node.scalar(lo, dtype, "act_min") if lo is not None else None
        hi_v = node.scalar(hi, dtype, "act_max") if hi is not None else None
        return node.build1("clip", [v, lo_v, hi_v])
    info = np.iinfo(dtype)
    s, z = float(quant.scale[0]), int(quant.zero_point[0])
    qlo = info.min if lo is None else max(info.min, z + round_away(lo / s))
    qhi = info.max if hi is None else min(info.max, z + round_away(hi / s))
    if qlo <= info.min and qhi >= info.max:
        return v
    lo_v = node.scalar(qlo, dtype, "act_min")
    hi_v = node.scalar(qhi, dtype, "act_max")
    return node.build1("clip", [v, lo_v, hi_v])


def round_away(x: float) -> int:
    """Round half away from zero (C's round, TFLite's TfLiteRound)."""
    return int(np.sign(x) * np.floor(abs(x) + 0.5))
