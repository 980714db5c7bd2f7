"""Converter for Resize: scales or sizes (opset 11-23 forms) resolved into explicit output
sizes, with the ONNX scales kept for the coordinate transform.

Dependency contract: numpy, the converter registry, `strata.dialects.opdef`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from strata.dialects.opdef import AttrKind
from strata.frontends.onnx.ops.registry import Node, Output, converter

FLOAT_SCALES = AttrKind.FLOATS is not AttrKind.INTS  # see /work/coord/REQUESTS.md


def _resize_sizes(node: Node) -> tuple[list[int], list[float]]:
    """(output sizes, ONNX scales or []) of a Resize-11+ node."""
    shape = list(node.static_shape(0, "Resize"))
    rank = len(shape)
    axes = list(range(rank))
    if node.opset >= 18 and node.has_attr("axes"):
        axes = [a + rank if a < 0 else a for a in node.attr("axes")]
    sizes_in = node.maybe_const(3) if node.has(3) else None
    scales_in = node.maybe_const(2) if node.has(2) else None
    if node.has(3) and sizes_in is None:
        node.const(3, "sizes")
    if node.has(2) and scales_in is None:
        node.const(2, "scales")
    if sizes_in is not None and sizes_in.size:
        given = [int(v) for v in sizes_in.reshape(-1)]
        if len(given) != len(axes):
            node.fail(f"sizes {given} needs {len(axes)} entries")
        policy = node.attr("keep_aspect_ratio_policy", "stretch")
        out = list(shape)
        if policy == "stretch":
            for a, s in zip(axes, given, strict=True):
                out[a] = s
            return out, []
        ratios = [s / shape[a] for a, s in zip(axes, given, strict=True)]
        scale = min(ratios) if policy == "not_larger" else max(ratios)
        for a in axes:
            out[a] = math.floor(shape[a] * scale + 0.5)
        return out, [scale if i in axes else 1.0 for i in range(rank)]
    if scales_in is None or not scales_in.size:
        node.fail("needs either 'scales' or 'sizes'")
    given_f = [float(v) for v in np.asarray(scales_in, dtype=np.float64).reshape(-1)]
    if len(given_f) != len(axes):
        node.fail(f"scales {given_f} needs {len(axes)} entries")
    scales = [1.0] * rank
    for a, factor in zip(axes, given_f, strict=True):
        scales[a] = factor
    out = [math.floor(d * f) for d, f in zip(shape, scales, strict=True)]
    return out, scales


@converter("Resize", since=11, needs=["resize"])
def resize(node: Node) -> Sequence[Output]:
    if node.attr("antialias", 0):
        node.fail("antialias=1 is not supported")
    coord = node.attr("coordinate_transformation_mode", "half_pixel")
    if coord == "tf_crop_and_resize":
        node.fail("coordinate_transformation_mode 'tf_crop_and_resize' is not supported")
    sizes, scales = _resize_sizes(node)
    shape = node.static_shape(0, "Resize")
    exact = all(d * s == o for d, s, o in zip(shape, scales, sizes, strict=False))
    if scales and not exact and not FLOAT_SCALES:
        node.fail(f"scales {scales} give non-integral output sizes; not supported yet")
    attrs = {
        "sizes": sizes,
        "scales": scales if FLOAT_SCALES else [],
        "mode": node.attr("mode", "nearest"),
        "coordinate_transformation_mode": coord,
        "nearest_mode": node.attr("nearest_mode", "round_prefer_floor"),
        "cubic_coeff_a": node.attr("cubic_coeff_a", -0.75),
        "exclude_outside": node.attr("exclude_outside", 0),
        "extrapolation_value": node.attr("extrapolation_value", 0.0),
    }
    return [node.build1("resize", [node.value(0)], attrs)]
