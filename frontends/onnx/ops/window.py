"""Converters for window and sampling ops: Col2Im, GridSample, RoiAlign, AffineGrid and
DeformConv.

Col2Im's image_shape / block_shape and AffineGrid's size become attributes when they are
constants and select the nn.dynamic_* forms when computed at run time. GridSample's opset-16
mode names map to opset 20's; DeformConv gets explicit strides, pads, dilations and kernel.

Dependency contract: the converter registry and the conv converters' window helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

from strata.frontends.onnx.ops.conv import window_attrs
from strata.frontends.onnx.ops.registry import Node, Output, converter


def _spatial_attrs(node: Node, nsp: int) -> dict[str, list[int]]:
    attrs = {
        "strides": list(node.attr("strides", [1] * nsp)),
        "dilations": list(node.attr("dilations", [1] * nsp)),
        "pads": list(node.attr("pads", [0] * (2 * nsp))),
    }
    for name, n in (("strides", nsp), ("dilations", nsp), ("pads", 2 * nsp)):
        if len(attrs[name]) != n:
            node.fail(f"{name} {attrs[name]} needs {n} entries")
    return attrs


@converter("Col2Im", since=18, needs=["col2im", "dynamic_col2im"])
def col2im(node: Node) -> Sequence[Output]:
    shape = node.spec(1).shape
    if len(shape) != 1 or shape[0] is None:
        node.fail("image_shape must be a 1-d tensor of static length")
    attrs: dict[str, object] = dict(_spatial_attrs(node, int(shape[0])))
    x = node.value(0)
    if node.maybe_const(1) is None or node.maybe_const(2) is None:
        return [node.build1("dynamic_col2im", [x, node.value(1), node.value(2)], attrs)]
    attrs["image_shape"] = node.const_ints(1, "image_shape")
    attrs["block_shape"] = node.const_ints(2, "block_shape")
    return [node.build1("col2im", [x], attrs)]


GRID_MODES = {"bilinear": "linear", "bicubic": "cubic"}  # opset 16 -> opset 20 names


@converter("GridSample", since=16, needs=["grid_sample"])
def grid_sample(node: Node) -> Sequence[Output]:
    mode = str(node.attr("mode", "bilinear" if node.opset < 20 else "linear"))
    attrs = {
        "mode": GRID_MODES.get(mode, mode),
        "padding_mode": node.attr("padding_mode", "zeros"),
        "align_corners": node.attr("align_corners", 0),
    }
    return [node.build1("grid_sample", [node.value(0), node.value(1)], attrs)]


@converter("RoiAlign", since=10, needs=["roi_align"])
def roi_align(node: Node) -> Sequence[Output]:
    """Before opset 16 the only coordinate transformation is output_half_pixel."""
    default = "half_pixel" if node.opset >= 16 else "output_half_pixel"
    attrs = {
        "coordinate_transformation_mode": node.attr("coordinate_transformation_mode", default),
        "mode": node.attr("mode", "avg"),
        "output_height": node.attr("output_height", 1),
        "output_width": node.attr("output_width", 1),
        "sampling_ratio": node.attr("sampling_ratio", 0),
        "spatial_scale": node.attr("spatial_scale", 1.0),
    }
    operands = [node.value(0), node.value(1), node.value(2)]
    return [node.build1("roi_align", operands, attrs)]


@converter("AffineGrid", since=20, needs=["affine_grid", "dynamic_affine_grid"])
def affine_grid(node: Node) -> Sequence[Output]:
    attrs: dict[str, object] = {"align_corners": node.attr("align_corners", 0)}
    if node.maybe_const(1) is None:
        return [node.build1("dynamic_affine_grid", [node.value(0), node.value(1)], attrs)]
    attrs["size"] = node.const_ints(1, "size")
    return [node.build1("affine_grid", [node.value(0)], attrs)]


@converter("DeformConv", since=19, needs=["deform_conv"])
def deform_conv(node: Node) -> Sequence[Output]:
    w_shape = node.spec(1).shape
    kernel = list(node.attr("kernel_shape", w_shape[2:]))
    if kernel != list(w_shape[2:]):
        node.fail(f"kernel_shape {kernel} does not match the weights' shape {list(w_shape)}")
    attrs: dict[str, object] = dict(window_attrs(node, kernel))
    attrs["kernel_shape"] = kernel
    attrs["group"] = node.attr("group", 1)
    attrs["offset_group"] = node.attr("offset_group", 1)
    operands = [node.value(0), node.value(1), node.value(2), node.opt_value(3), node.opt_value(4)]
    return [node.build1("deform_conv", operands, attrs)]
