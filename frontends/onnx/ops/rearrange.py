"""Converters for ops that rearrange or mask elements: Tile, DepthToSpace, SpaceToDepth,
ReverseSequence, Trilu, EyeLike, CenterCropPad.

Tile's repeats become `nn.tile`'s attribute when constant (else `nn.dynamic_tile`); a
CenterCropPad with a constant target shape and static input dims becomes `nn.slice` +
`nn.pad`, otherwise `nn.center_crop_pad` reads the target at run time.

Dependency contract: numpy, the converter registry, `strata.frontends.onnx.graph`.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.graph import numpy_dtype
from strata.frontends.onnx.ops.registry import Node, Output, converter


@converter("Tile", since=6, needs=["tile", "dynamic_tile"])
def tile(node: Node) -> Sequence[Output]:
    if node.maybe_const(1) is not None:
        repeats = node.const_ints(1, "repeats")
        return [node.build1("tile", [node.value(0)], {"repeats": repeats})]
    return [node.build1("dynamic_tile", [node.value(0), node.value(1)])]


@converter("DepthToSpace", since=1, needs=["depth_to_space"])
def depth_to_space(node: Node) -> Sequence[Output]:
    """mode (DCR / CRD) since opset 11; DCR before."""
    attrs = {"blocksize": node.attr("blocksize"), "mode": node.attr("mode", "DCR")}
    return [node.build1("depth_to_space", [node.value(0)], attrs)]


@converter("SpaceToDepth", since=1, needs=["space_to_depth"])
def space_to_depth(node: Node) -> Sequence[Output]:
    """mode (DCR / CRD) since opset 28; DCR before."""
    attrs = {"blocksize": node.attr("blocksize"), "mode": node.attr("mode", "DCR")}
    return [node.build1("space_to_depth", [node.value(0)], attrs)]


@converter("ReverseSequence", since=10, needs=["reverse_sequence"])
def reverse_sequence(node: Node) -> Sequence[Output]:
    attrs = {"batch_axis": node.attr("batch_axis", 1), "time_axis": node.attr("time_axis", 0)}
    return [node.build1("reverse_sequence", [node.value(0), node.value(1)], attrs)]


@converter("Trilu", since=14, needs=["trilu"])
def trilu(node: Node) -> Sequence[Output]:
    attrs = {"upper": node.attr("upper", 1)}
    return [node.build1("trilu", [node.value(0), node.opt_value(1)], attrs)]


@converter("EyeLike", since=9, needs=["eye_like"])
def eye_like(node: Node) -> Sequence[Output]:
    """dtype defaults to the input's element type."""
    given = node.attr("dtype")
    dtype = (
        node.spec(0).dtype
        if given is None
        else numpy_dtype(int(given), f"EyeLike dtype of node '{node.name}'")
    )
    attrs = {"k": node.attr("k", 0), "dtype": dtype}
    return [node.build1("eye_like", [node.value(0)], attrs)]


@converter("CenterCropPad", since=18, needs=["center_crop_pad", "slice", "pad"])
def center_crop_pad(node: Node) -> Sequence[Output]:
    """Crop starts at floor((size - target) / 2); padding puts the odd pixel at the end."""
    spec = node.spec(0)
    rank = spec.rank
    given = node.attr("axes")
    axes = list(range(rank)) if given is None else [int(a) for a in given]
    axes = [a + rank if a < 0 else a for a in axes]
    if any(not 0 <= a < rank for a in axes) or len(set(axes)) != len(axes):
        node.fail(f"axes {given} are not distinct axes of a rank-{rank} input")
    dims = [spec.shape[a] for a in axes]
    if node.maybe_const(1) is None or any(d is None for d in dims):
        attrs = {"axes": axes if given is not None else []}
        return [node.build1("center_crop_pad", [node.value(0), node.value(1)], attrs)]
    target = node.const_ints(1, "shape")
    if len(target) != len(axes):
        node.fail(f"shape {target} needs {len(axes)} entries (one per axis in {axes})")
    if any(t < 0 for t in target):
        node.fail(f"shape {target} must be all >= 0")
    starts, ends, pads = [], [], [0] * (2 * rank)
    for a, d, t in zip(axes, dims, target, strict=True):
        assert d is not None
        start = max(0, (d - t) // 2)
        starts.append(start)
        ends.append(start + min(d, t))
        if t > d:
            pads[a] = (t - d) // 2
            pads[a + rank] = t - d - (t - d) // 2
    x = node.value(0)
    if any(e - s != d for s, e, d in zip(starts, ends, dims, strict=True)):
        attrs = {"starts": starts, "ends": ends, "axes": axes, "steps": [1] * len(axes)}
        x = node.build1("slice", [x], attrs)
    if any(pads):
        x = node.build1("pad", [x], {"pads": pads, "mode": "constant", "constant_value": 0.0})
    return [x]
