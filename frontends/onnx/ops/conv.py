"""Converters for convolutions and pooling: Conv, ConvTranspose, MaxPool (with its Indices
output), AveragePool, LpPool, MaxUnpool, GlobalAveragePool, GlobalMaxPool and
CausalConvWithState (composed of pad / concat, a depthwise conv and a slice).

`auto_pad` (SAME_UPPER, SAME_LOWER, VALID) is resolved into explicit `pads`, and `strides`,
`dilations` are always filled in, so the nn ops never see ONNX's implicit forms.

Dependency contract: numpy, `mlir`, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.frontends.onnx.ops.registry import Node, Output, converter


def same_pads(size: int, kernel: int, stride: int, dilation: int, upper: bool) -> tuple[int, int]:
    """(begin, end) padding so that the output has ceil(size / stride) elements."""
    extent = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + extent - size, 0)
    small = total // 2
    return (small, total - small) if upper else (total - small, small)


def window_attrs(node: Node, kernel: Sequence[int]) -> dict[str, list[int]]:
    """Explicit strides, dilations and pads of a conv/pool node with spatial `kernel`."""
    nsp = len(kernel)
    x_shape = node.spec(0).shape
    if len(x_shape) != nsp + 2:
        node.fail(
            f"input has shape {list(x_shape)}; expected rank {nsp + 2} for a "
            f"{nsp}-d kernel {list(kernel)}"
        )
    strides = list(node.attr("strides", [1] * nsp))
    dilations = list(node.attr("dilations", [1] * nsp))
    if len(strides) != nsp or len(dilations) != nsp:
        node.fail(f"strides {strides} and dilations {dilations} need {nsp} entries each")
    auto_pad = node.attr("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        spatial = node.static_shape(0, f"auto_pad {auto_pad}")[2:]
        both = [
            same_pads(spatial[i], kernel[i], strides[i], dilations[i], auto_pad == "SAME_UPPER")
            for i in range(nsp)
        ]
        pads = [b for b, _ in both] + [e for _, e in both]
    elif auto_pad == "VALID":
        pads = [0] * (2 * nsp)
    elif auto_pad == "NOTSET":
        pads = list(node.attr("pads", [0] * (2 * nsp)))
        if len(pads) != 2 * nsp:
            node.fail(f"pads {pads} needs {2 * nsp} entries (begins, then ends)")
    else:
        node.fail(f"auto_pad '{auto_pad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
    return {"strides": strides, "dilations": dilations, "pads": pads}


def _kernel(node: Node) -> list[int]:
    w_shape = node.spec(1).shape
    kernel = list(node.attr("kernel_shape", w_shape[2:]))
    if kernel != list(w_shape[2:]):
        node.fail(f"kernel_shape {kernel} does not match the weights' shape {list(w_shape)}")
    return kernel


@converter("Conv", needs=["conv"])
def conv(node: Node) -> Sequence[Output]:
    attrs: dict[str, object] = dict(window_attrs(node, _kernel(node)))
    attrs["group"] = node.attr("group", 1)
    return [node.build1("conv", [node.value(0), node.value(1), node.opt_value(2)], attrs)]


@converter("ConvTranspose", needs=["conv_transpose"])
def conv_transpose(node: Node) -> Sequence[Output]:
    kernel = _kernel(node)
    nsp = len(kernel)
    strides = list(node.attr("strides", [1] * nsp))
    dilations = list(node.attr("dilations", [1] * nsp))
    out_pad = list(node.attr("output_padding", [0] * nsp))
    if len(strides) != nsp or len(dilations) != nsp or len(out_pad) != nsp:
        node.fail(
            f"strides {strides}, dilations {dilations}, output_padding {out_pad} need "
            f"{nsp} entries each"
        )
    auto_pad = node.attr("auto_pad", "NOTSET")
    output_shape = node.attr("output_shape")
    if output_shape is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        x_shape = node.static_shape(0, "ConvTranspose's output_shape / auto_pad")
    if output_shape is None and auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        output_shape = [x_shape[2 + i] * strides[i] for i in range(nsp)]
    if output_shape is not None:
        output_shape = list(output_shape)[-nsp:]
        begins, ends = [], []
        for i in range(nsp):
            full = strides[i] * (x_shape[2 + i] - 1) + out_pad[i] + (kernel[i] - 1) * dilations[i]
            total = full + 1 - output_shape[i]  # < 0: zeros (+ bias) past the full result
            small = total // 2
            upper = auto_pad == "SAME_UPPER"
            begins.append(small if upper else total - small)
            ends.append(total - small if upper else small)
        pads = begins + ends
    elif auto_pad == "VALID":
        pads = [0] * (2 * nsp)
    else:
        pads = list(node.attr("pads", [0] * (2 * nsp)))
    attrs = {
        "strides": strides,
        "dilations": dilations,
        "pads": pads,
        "output_padding": out_pad,
        "group": node.attr("group", 1),
    }
    return [node.build1("conv_transpose", [node.value(0), node.value(1), node.opt_value(2)], attrs)]


def _pool_attrs(node: Node) -> dict[str, object]:
    kernel = node.attr("kernel_shape")
    if kernel is None:
        node.fail("attribute 'kernel_shape' is required")
    attrs: dict[str, object] = dict(window_attrs(node, list(kernel)))
    attrs["kernel_shape"] = list(kernel)
    attrs["ceil_mode"] = node.attr("ceil_mode", 0)
    return attrs


@converter("MaxPool", needs=["max_pool", "max_pool_with_indices"])
def max_pool(node: Node) -> Sequence[Output]:
    """nn.max_pool, or nn.max_pool_with_indices when the Indices output is used."""
    order = node.attr("storage_order", 0)
    if order not in (0, 1):
        node.fail("storage_order must be 0 or 1")
    attrs = _pool_attrs(node)
    if len(node.proto.output) > 1 and node.proto.output[1]:
        attrs["storage_order"] = order
        return node.build("max_pool_with_indices", [node.value(0)], attrs)
    return [node.build1("max_pool", [node.value(0)], attrs)]


@converter("LpPool", since=2, needs=["lp_pool"])
def lp_pool(node: Node) -> Sequence[Output]:
    attrs = _pool_attrs(node)
    attrs["p"] = int(node.attr("p", 2))
    return [node.build1("lp_pool", [node.value(0)], attrs)]


@converter("MaxUnpool", since=9, needs=["max_unpool", "dynamic_max_unpool"])
def max_unpool(node: Node) -> Sequence[Output]:
    """A constant output_shape is nn.max_unpool's attribute; a computed one gives
    nn.dynamic_max_unpool."""
    kernel = node.attr("kernel_shape")
    if kernel is None:
        node.fail("attribute 'kernel_shape' is required")
    nsp = len(kernel)
    attrs: dict[str, object] = {
        "kernel_shape": list(kernel),
        "strides": list(node.attr("strides", [1] * nsp)),
        "pads": list(node.attr("pads", [0] * (2 * nsp))),
    }
    x, indices = node.value(0), node.value(1)
    if node.has(2) and node.maybe_const(2) is None:
        return [node.build1("dynamic_max_unpool", [x, indices, node.value(2)], attrs)]
    if node.has(2):
        attrs["output_shape"] = node.const_ints(2, "output_shape")
    return [node.build1("max_unpool", [x, indices], attrs)]


@converter("AveragePool", needs=["average_pool"])
def average_pool(node: Node) -> Sequence[Output]:
    attrs = _pool_attrs(node)
    attrs["count_include_pad"] = node.attr("count_include_pad", 0)
    return [node.build1("average_pool", [node.value(0)], attrs)]


@converter("GlobalAveragePool", needs=["global_average_pool"])
def global_average_pool(node: Node) -> Sequence[Output]:
    return [node.build1("global_average_pool", [node.value(0)])]


@converter("GlobalMaxPool", needs=["reduce_max"])
def global_max_pool(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    axes = list(range(2, rank))
    return [node.build1("reduce_max", [node.value(0)], {"axes": axes, "keepdims": 1})]


@converter(
    "CausalConvWithState",
    since=27,
    needs=["conv", "concat", "pad", "slice", "sigmoid", "mul", "cast"],
)
def causal_conv_with_state(node: Node) -> Sequence[Output]:
    """Depthwise 1-d conv of [past_state (zeros if absent), input] with no padding; the last
    k - 1 positions of that concatenation are the present state. silu / swish: y * sigmoid(y),
    computed in f32 for 16-bit inputs."""
    x, w = node.value(0), node.value(1)
    xs, ws = node.spec(0), node.spec(1)
    if xs.rank != 3 or ws.rank != 3 or ws.shape[1] != 1 or ws.shape[2] is None:
        node.fail(
            f"input {list(xs.shape)} must be [N, C, L] and weight {list(ws.shape)} [C, 1, k] "
            "with a static k"
        )
    k = int(ws.shape[2])
    channels = ws.shape[0]
    activation = node.attr("activation", "none")
    if activation not in ("none", "silu", "swish"):
        node.fail(f"activation '{activation}' is not one of none, silu, swish")
    if node.has(3):
        padded = node.build1("concat", [node.value(3), x], {"axis": 2})
    else:
        pad = {"pads": [0, 0, k - 1, 0, 0, 0], "mode": "constant", "constant_value": 0.0}
        padded = node.build1("pad", [x], pad) if k > 1 else x
    attrs = {"strides": [1], "pads": [0, 0], "dilations": [1], "group": channels}
    y = node.build1("conv", [padded, w, node.opt_value(2)], attrs)
    if activation != "none":
        narrow = xs.dtype.itemsize < 4
        f = node.build1("cast", [y], {"to": np.dtype("float32")}) if narrow else y
        f = node.build1("mul", [f, node.build1("sigmoid", [f])])
        y = node.build1("cast", [f], {"to": xs.dtype}) if narrow else f
    total = 2**62  # a Slice end past any length
    state = {"starts": [-(k - 1) if k > 1 else total], "ends": [total], "axes": [2], "steps": [1]}
    return [y, node.build1("slice", [padded], state)]
