"""Converters for Resize (opsets 11-19 forms) and Upsample (7, 9).

With a static input and constant scales / sizes (and roi), the output sizes are computed here
(ONNX's rules: floor(W * scale), or the given sizes, with keep_aspect_ratio_policy) and the op
is `nn.resize` with full-rank `sizes`, the `scales` the coordinate transform divides by, and
the tf_crop_and_resize `roi`. Otherwise it is `nn.dynamic_resize`, which reads them at run
time. Upsample is Resize with asymmetric coordinates and floor rounding (its scales are >= 1,
so nearest repeats each element).

Dependency contract: numpy, the converter registry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.frontends.onnx.ops.registry import Node, Output, converter


def _given(node: Node, i: int) -> tuple[bool, np.ndarray | None]:
    """(present, constant value) of optional input i; an empty tensor counts as absent."""
    if not node.has(i):
        return False, None
    const = node.maybe_const(i)
    if const is not None:
        return const.size > 0, np.asarray(const)
    shape = node.spec(i).shape
    return shape != (0,), None


def _axes(node: Node, rank: int) -> list[int]:
    given = node.attr("axes") if node.opset >= 18 else None
    if given is None:
        return list(range(rank))
    axes = [int(a) + rank if int(a) < 0 else int(a) for a in given]
    if any(not 0 <= a < rank for a in axes) or len(set(axes)) != len(axes):
        node.fail(f"axes {list(given)} are not distinct axes of a rank-{rank} input")
    return axes


def _static_plan(
    node: Node,
    shape: list[int],
    axes: list[int],
    scales_in: np.ndarray | None,
    sizes_in: np.ndarray | None,
) -> tuple[list[int], list[float]]:
    """(output sizes, scales or []) for constant scales / sizes."""
    rank = len(shape)
    if sizes_in is not None:
        given = [int(v) for v in sizes_in.reshape(-1)]
        if len(given) != len(axes):
            node.fail(f"sizes {given} needs {len(axes)} entries (one per axis in {axes})")
        if any(s < 0 for s in given):
            node.fail(f"sizes {given} must be all >= 0")
        policy = node.attr("keep_aspect_ratio_policy", "stretch")
        out = list(shape)
        if policy == "stretch":
            for a, s in zip(axes, given, strict=True):
                out[a] = s
            return out, []
        if policy not in ("not_larger", "not_smaller"):
            node.fail(f"keep_aspect_ratio_policy '{policy}' is not one of stretch, not_larger, ...")
        ratios = [s / shape[a] for a, s in zip(axes, given, strict=True)]
        scale = min(ratios) if policy == "not_larger" else max(ratios)
        for a in axes:
            out[a] = int(scale * shape[a] + 0.5)
        return out, [scale if i in axes else 1.0 for i in range(rank)]
    assert scales_in is not None
    given_f = [float(v) for v in np.asarray(scales_in, dtype=np.float32).reshape(-1)]
    if len(given_f) != len(axes):
        node.fail(f"scales {given_f} needs {len(axes)} entries (one per axis in {axes})")
    if any(not f > 0 for f in given_f):
        node.fail(f"scales {given_f} must be all > 0")
    scales = [1.0] * rank
    for a, factor in zip(axes, given_f, strict=True):
        scales[a] = factor
    return [math.floor(d * f) for d, f in zip(shape, scales, strict=True)], scales


def _full_roi(node: Node, roi: np.ndarray | None, axes: list[int], rank: int) -> list[float]:
    """roi of the resized axes -> starts of every axis, then ends (0 and 1 elsewhere)."""
    if roi is None:
        node.fail("tf_crop_and_resize needs a constant or computed 'roi' input")
    vals = [float(v) for v in np.asarray(roi, dtype=np.float32).reshape(-1)]
    if len(vals) != 2 * len(axes):
        node.fail(f"roi {vals} needs {2 * len(axes)} entries (starts, then ends, of {axes})")
    full = [0.0] * rank + [1.0] * rank
    for k, a in enumerate(axes):
        full[a], full[a + rank] = vals[k], vals[k + len(axes)]
    return full


def _sampling(node: Node, **over: Any) -> dict[str, Any]:
    attrs = {
        "mode": node.attr("mode", "nearest"),
        "coordinate_transformation_mode": node.attr("coordinate_transformation_mode", "half_pixel"),
        "nearest_mode": node.attr("nearest_mode", "round_prefer_floor"),
        "cubic_coeff_a": node.attr("cubic_coeff_a", -0.75),
        "exclude_outside": node.attr("exclude_outside", 0),
        "extrapolation_value": node.attr("extrapolation_value", 0.0),
        "antialias": node.attr("antialias", 0),
    }
    attrs.update(over)
    return attrs


@converter("Resize", since=11, needs=["resize", "dynamic_resize"])
def resize(node: Node) -> Sequence[Output]:
    spec = node.spec(0)
    rank = spec.rank
    axes = _axes(node, rank)
    attrs = _sampling(node)
    crop = attrs["coordinate_transformation_mode"] == "tf_crop_and_resize"
    has_scales, scales_c = _given(node, 2)
    has_sizes, sizes_c = _given(node, 3)
    if has_scales == has_sizes:
        node.fail("needs exactly one of 'scales' and 'sizes' (a non-empty tensor)")
    has_roi, roi_c = _given(node, 1)
    if crop and not has_roi:
        node.fail("coordinate_transformation_mode 'tf_crop_and_resize' needs 'roi'")
    constant = (scales_c if has_scales else sizes_c) is not None and (not crop or roi_c is not None)
    if constant and spec.is_static:
        shape = list(node.static_shape(0, "Resize"))
        sizes, scales = _static_plan(node, shape, axes, scales_c, sizes_c)
        attrs["sizes"] = sizes
        attrs["scales"] = scales
        attrs["roi"] = _full_roi(node, roi_c, axes, rank) if crop else []
        return [node.build1("resize", [node.value(0)], attrs)]
    attrs["axes"] = axes if node.opset >= 18 and node.has_attr("axes") else []
    attrs["keep_aspect_ratio_policy"] = node.attr("keep_aspect_ratio_policy", "stretch")
    operands = [
        node.value(0),
        node.value(1) if crop else None,
        node.value(2) if has_scales else None,
        node.value(3) if has_sizes else None,
    ]
    return [node.build1("dynamic_resize", operands, attrs)]


def upsample(
    node: Node, scales: np.ndarray | None, nearest_mode: str = "floor"
) -> Sequence[Output]:
    """Upsample (and Resize-10): asymmetric coordinates, `scales` per dim (None: input 1 at
    run time)."""
    mode = node.attr("mode", "nearest")
    if mode not in ("nearest", "linear", "bilinear"):
        node.fail(f"mode '{mode}' is not one of nearest, linear")
    attrs = _sampling(
        node,
        mode="nearest" if mode == "nearest" else "linear",
        coordinate_transformation_mode="asymmetric",
        nearest_mode=nearest_mode,
        cubic_coeff_a=-0.75,
        exclude_outside=0,
        extrapolation_value=0.0,
        antialias=0,
    )
    spec = node.spec(0)
    if scales is not None and spec.is_static:
        shape = list(node.static_shape(0, "Upsample"))
        sizes, full = _static_plan(node, shape, list(range(spec.rank)), scales, None)
        attrs.update(sizes=sizes, scales=full, roi=[])
        return [node.build1("resize", [node.value(0)], attrs)]
    scales_v = (
        node.value(1) if node.has(1) else node.constant(np.asarray(scales, np.float32), "scales")
    )
    attrs.update(axes=[], keep_aspect_ratio_policy="stretch")
    return [node.build1("dynamic_resize", [node.value(0), None, scales_v, None], attrs)]


@converter("Upsample", since=7, needs=["resize", "dynamic_resize"])
def upsample_7(node: Node) -> Sequence[Output]:
    """Upsample-7: scales is an attribute."""
    scales = node.attr("scales")
    if scales is None:
        node.fail("attribute 'scales' is required")
    return upsample(node, np.asarray(scales, np.float32))


@converter("Upsample", since=9, needs=["resize", "dynamic_resize"])
def upsample_9(node: Node) -> Sequence[Output]:
    """Upsample-9: scales is an input."""
    return upsample(node, node.maybe_const(1))
