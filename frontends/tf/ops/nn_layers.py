"""Converters of TF's layer ops: convolution, pooling, batch norm, matrix products, softmax,
reductions and resizing.

NHWC conv / pool / batch norm take their input channel-first (`layout.NCHW`; no transpose
when it already is) and return their result channel-first; filters are rearranged at import
time (HWIO -> OIHW; a depthwise H x W x C x M filter -> C*M x 1 x H x W with group C). TF's
`SAME` padding becomes explicit pads from the static spatial dims (the extra pad at the end,
as TF does); `EXPLICIT` padding is read from `explicit_paddings`.

Dependency contract: numpy, `mlir`, the converter registry and `strata.frontends.tf.layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.frontends.tf import layout
from strata.frontends.tf.ops.registry import Node, Output, Tensor, converter

LAYERS = "convolution and pooling"
NORM = "normalization"
LINALG = "linear algebra"
REDUCE = "reductions"
RESIZE = "resizing"


def _nhwc(node: Node) -> bool:
    fmt = node.attr("data_format", "NHWC")
    if fmt not in ("NHWC", "NCHW"):
        node.fail(f"data_format '{fmt}' is not supported (NHWC or NCHW)")
    return fmt == "NHWC"


def _input(node: Node) -> Any:
    """Input 0 channel-first."""
    return node.value_as(0, layout.NCHW) if _nhwc(node) else node.value(0)


def _result(node: Node, y: Any) -> Tensor:
    return Tensor(value=y, perm=layout.NCHW if _nhwc(node) else None)


def _spatial(node: Node, name: str, default: int) -> list[int]:
    """A 4-entry NHWC / NCHW attribute (strides, dilations, ksize) -> its two spatial entries."""
    v = [int(x) for x in node.attr(name, [default] * 4)]
    if len(v) != 4:
        node.fail(f"attribute '{name}' = {v}: expected 4 entries")
    sp = v[1:3] if _nhwc(node) else v[2:4]
    outer = [v[0], v[3]] if _nhwc(node) else [v[0], v[1]]
    if outer != [1, 1]:
        node.fail(f"attribute '{name}' = {v}: only spatial {name} are supported")
    return sp


def _pads(
    node: Node,
    image: Sequence[int | None],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> list[int]:
    """nn's begin / end pads of TF's `padding` attribute."""
    padding = node.attr("padding")
    if padding == "VALID":
        return [0, 0, 0, 0]
    if padding == "EXPLICIT":
        p = [int(x) for x in node.attr("explicit_paddings")]
        pairs = [p[2:4], p[4:6]] if _nhwc(node) else [p[4:6], p[6:8]]
        return [pairs[0][0], pairs[1][0], pairs[0][1], pairs[1][1]]
    if padding != "SAME":
        node.fail(f"padding '{padding}' is not supported")
    begins, ends = [], []
    for d, k, s, dil in zip(image, kernel, strides, dilations, strict=True):
        if d is None:
            node.fail("SAME padding needs static spatial dims (give --input-shape)")
        out = -(-d // s)
        total = max((out - 1) * s + (k - 1) * dil + 1 - d, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return begins + ends


def _filter(node: Node, transform: Any, suffix: str) -> Any:
    """Input 1 (a filter) rearranged by `transform` (numpy) at import time."""
    w = node.tensor(1)
    if w.array is None:
        node.fail("the filter must be a constant (a frozen graph)")
    return node.constant(np.ascontiguousarray(transform(w.array)), suffix)


@converter("Conv2D", needs=["conv", "transpose"], category=LAYERS)
def conv2d(node: Node) -> Sequence[Output]:
    x = _input(node)
    xs = node.spec(0).shape
    cin = xs[3] if _nhwc(node) else xs[1]
    kh, kw, fin, _ = node.spec(1).shape
    assert kh is not None and kw is not None and fin is not None
    if cin is None or cin % fin:
        node.fail(f"input channels {cin} are not a multiple of the filter's {fin}")
    strides = _spatial(node, "strides", 1)
    dilations = _spatial(node, "dilations", 1)
    image = xs[1:3] if _nhwc(node) else xs[2:4]
    pads = _pads(node, image, [kh, kw], strides, dilations)
    w = _filter(node, lambda a: a.transpose(3, 2, 0, 1), "filter")
    attrs = {"strides": strides, "pads": pads, "dilations": dilations, "group": cin // fin}
    return [_result(node, node.build1("conv", [x, w, None], attrs))]


@converter("DepthwiseConv2dNative", needs=["conv"], category=LAYERS)
def depthwise_conv2d(node: Node) -> Sequence[Output]:
    x = _input(node)
    xs = node.spec(0).shape
    kh, kw, c, m = node.spec(1).shape
    assert kh is not None and kw is not None and c is not None and m is not None
    strides = _spatial(node, "strides", 1)
    dilations = _spatial(node, "dilations", 1)
    image = xs[1:3] if _nhwc(node) else xs[2:4]
    pads = _pads(node, image, [kh, kw], strides, dilations)
    # output channel c*M + m reads input channel c with filter [:, :, c, m]
    w = _filter(node, lambda a: a.reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None], "filter")
    attrs = {"strides": strides, "pads": pads, "dilations": dilations, "group": c}
    return [_result(node, node.build1("conv", [x, w, None], attrs))]


def _pool(node: Node, op: str, extra: dict[str, Any]) -> Tensor:
    x = _input(node)
    xs = node.spec(0).shape
    kernel = _spatial(node, "ksize", 1)
    strides = _spatial(node, "strides", 1)
    image = xs[1:3] if _nhwc(node) else xs[2:4]
    pads = _pads(node, image, kernel, strides, [1, 1])
    attrs = {"kernel_shape": kernel, "strides": strides, "pads": pads, "dilations": [1, 1]}
    return _result(node, node.build1(op, [x], {**attrs, "ceil_mode": 0, **extra}))


@converter("MaxPool", needs=["max_pool"], category=LAYERS)
def max_pool(node: Node) -> Sequence[Output]:
    return [_pool(node, "max_pool", {})]


@converter("AvgPool", needs=["average_pool"], category=LAYERS)
def avg_pool(node: Node) -> Sequence[Output]:
    # TF averages over the window's elements inside the image only
    return [_pool(node, "average_pool", {"count_include_pad": 0})]


@converter(
    ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"],
    needs=["batch_normalization"],
    category=NORM,
)
def fused_batch_norm(node: Node) -> Sequence[Output]:
    if node.attr("is_training", False):
        node.fail("is_training is true: freeze the model in inference mode")
    x = _input(node)
    params = [node.value(i) for i in range(1, 5)]
    eps = float(node.attr("epsilon", 1e-4))
    y = node.build1("batch_normalization", [x, *params], {"epsilon": eps})
    n_out = 6 if node.op == "FusedBatchNormV3" else 5
    return [_result(node, y)] + [None] * (n_out - 1)


def _swap_last(node: Node, i: int, flag: bool) -> Any:
    """Input `i` with its last two axes swapped when `flag`."""
    if not flag:
        return node.value(i)
    t = node.tensor(i)
    rank = t.spec().rank
    perm = [*range(rank - 2), rank - 1, rank - 2]
    if t.array is not None:
        return node.constant(np.ascontiguousarray(t.array.transpose(perm)), f"in{i}.T")
    return node.build1("transpose", [node.value(i)], {"perm": perm})


@converter("MatMul", needs=["mat_mul", "transpose"], category=LINALG)
def mat_mul(node: Node) -> Sequence[Output]:
    a = _swap_last(node, 0, bool(node.attr("transpose_a", False)))
    b = _swap_last(node, 1, bool(node.attr("transpose_b", False)))
    return [node.build1("mat_mul", [a, b])]


@converter(
    ["BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"],
    needs=["mat_mul", "transpose"],
    category=LINALG,
)
def batch_mat_mul(node: Node) -> Sequence[Output]:
    a = _swap_last(node, 0, bool(node.attr("adj_x", False)))
    b = _swap_last(node, 1, bool(node.attr("adj_y", False)))
    return [node.build1("mat_mul", [a, b])]


@converter("Einsum", needs=["einsum"], category=LINALG)
def einsum(node: Node) -> Sequence[Output]:
    vals = [node.value(i) for i in range(len(node.inputs))]
    if len(vals) > 2:
        node.fail(f"{len(vals)} operands: Einsum of one or two operands is supported")
    return [node.build1("einsum", vals, {"equation": node.attr("equation")})]


@converter(["Softmax", "LogSoftmax"], needs=["softmax", "log_softmax"], category=LAYERS)
def softmax(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    axis = layout.storage_axis(t.perm, t.spec().rank - 1)
    op = "softmax" if node.op == "Softmax" else "log_softmax"
    return [Tensor(value=node.build1(op, [node.value_as(0, t.perm)], {"axis": axis}), perm=t.perm)]


_REDUCE = {
    "Mean": "reduce_mean",
    "Sum": "reduce_sum",
    "Max": "reduce_max",
    "Min": "reduce_min",
    "Prod": "reduce_prod",
}
_REDUCE_NP: dict[str, Any] = {
    "Mean": np.mean,
    "Sum": np.sum,
    "Max": np.max,
    "Min": np.min,
    "Prod": np.prod,
}


def _fold_reduce(node: Node, arrays: list[np.ndarray]) -> list[np.ndarray]:
    x, axes = arrays
    ax = tuple(int(a) % max(x.ndim, 1) for a in np.asarray(axes).reshape(-1))
    out = _REDUCE_NP[node.op](x, axis=ax, keepdims=bool(node.attr("keep_dims", False)))
    return [np.asarray(out, dtype=x.dtype)]


@converter(list(_REDUCE), needs=list(_REDUCE.values()), category=REDUCE, fold=_fold_reduce)
def reduce(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    rank = t.spec().rank
    axes = sorted({node.axis(a, rank) for a in node.ints(1)})
    keep = bool(node.attr("keep_dims", False))
    if not axes:
        return [t]  # TF reduces over no axis: the input
    stored = sorted(layout.storage_axis(t.perm, a) for a in axes)
    y = node.build1(
        _REDUCE[node.op], [node.value_as(0, t.perm)], {"axes": stored, "keepdims": int(keep)}
    )
    perm = t.perm if keep else layout.after_removing(t.perm, axes)
    return [Tensor(value=y, perm=perm)]


@converter(["ArgMax", "ArgMin"], needs=["arg_max", "arg_min", "cast"], category=REDUCE)
def arg_max(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    (axis,) = node.ints(1)
    op = "arg_max" if node.op == "ArgMax" else "arg_min"
    y = node.build1(op, [node.value(0)], {"axis": node.axis(axis, rank), "keepdims": 0})
    out = node.dtype_attr("output_type") if node.has_attr("output_type") else np.dtype(np.int64)
    return [y if out == np.int64 else node.build1("cast", [y], {"to": out})]


@converter(["ResizeBilinear", "ResizeNearestNeighbor"], needs=["resize"], category=RESIZE)
def resize(node: Node) -> Sequence[Output]:
    x = node.value_as(0, layout.NCHW)
    n, c = node.spec(0).shape[0], node.spec(0).shape[3]
    oh, ow = node.ints(1)
    if n is None or c is None:
        node.fail("needs static batch and channel dims")
    align = bool(node.attr("align_corners", False))
    half = bool(node.attr("half_pixel_centers", False))
    bilinear = node.op == "ResizeBilinear"
    if align:
        ctm, nearest = "align_corners", "round_prefer_ceil"
    elif half:
        # nearest: TF's floor((out + 0.5) * scale) is floor(half_pixel source + 0.5)
        ctm, nearest = "half_pixel", "round_prefer_ceil"
    else:
        ctm, nearest = "asymmetric", "floor"
    attrs = {
        "sizes": [n, c, oh, ow],
        "mode": "linear" if bilinear else "nearest",
        "coordinate_transformation_mode": ctm,
        "nearest_mode": nearest,
    }
    return [Tensor(value=node.build1("resize", [x], attrs), perm=layout.NCHW)]


@converter("Conv2DBackpropInput", needs=["conv_transpose"], category=LAYERS)
def conv2d_transpose(node: Node) -> Sequence[Output]:
    """tf.nn.conv2d_transpose: input 0 is the result's size, 1 the filter (H x W x out x in),
    2 the value to spread."""
    sizes = node.partial_ints(0)  # the batch may be known only at run time
    x = node.value_as(2, layout.NCHW) if _nhwc(node) else node.value(2)
    xs = node.spec(2).shape
    kh, kw, _, _ = node.spec(1).shape
    assert kh is not None and kw is not None
    strides = _spatial(node, "strides", 1)
    dilations = _spatial(node, "dilations", 1)
    image = xs[1:3] if _nhwc(node) else xs[2:4]
    out = sizes[1:3] if _nhwc(node) else sizes[2:4]
    padding = node.attr("padding")
    if padding not in ("SAME", "VALID"):
        node.fail(f"padding '{padding}' is not supported (SAME or VALID)")
    begins, ends, extra = [], [], []
    for d, o, k, s, dil in zip(image, out, [kh, kw], strides, dilations, strict=True):
        if d is None or o is None:
            node.fail("needs static spatial dims")
        k_eff = (k - 1) * dil + 1
        total = max((d - 1) * s + k_eff - o, 0) if padding == "SAME" else 0
        begins.append(total // 2)
        ends.append(total - total // 2)
        extra.append(o - ((d - 1) * s + k_eff - total))
        if extra[-1] < 0 or extra[-1] >= s:
            node.fail(f"output size {o} does not fit input size {d}, stride {s}, kernel {k}")
    w = _filter(node, lambda a: a.transpose(3, 2, 0, 1), "filter")
    attrs = {
        "strides": strides,
        "pads": begins + ends,
        "dilations": dilations,
        "output_padding": extra,
        "group": 1,
    }
    return [_result(node, node.build1("conv_transpose", [x, w, None], attrs))]


@converter(
    ["DepthToSpace", "SpaceToDepth"], needs=["depth_to_space", "space_to_depth"], category=LAYERS
)
def depth_to_space(node: Node) -> Sequence[Output]:
    # TF's NHWC channel order (block row, block column, channel) is nn's DCR order
    op = "depth_to_space" if node.op == "DepthToSpace" else "space_to_depth"
    attrs: dict[str, Any] = {"blocksize": int(node.attr("block_size"))}
    if op == "depth_to_space":
        attrs["mode"] = "DCR"
    return [_result(node, node.build1(op, [_input(node)], attrs))]


@converter("TopKV2", needs=["top_k", "cast"], category=REDUCE)
def top_k(node: Node) -> Sequence[Output]:
    (k,) = node.ints(1)
    values, indices = node.build(
        "top_k",
        [node.value(0)],
        {"k": k, "axis": -1, "sorted": int(bool(node.attr("sorted", True)))},
    )
    want = node.dtype_attr("index_type") if node.has_attr("index_type") else np.dtype(np.int32)
    return [values, node.build1("cast", [indices], {"to": want})]
