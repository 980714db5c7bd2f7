"""Converters for the layer ops of core ATen: convolution, pooling, batch / layer norm,
matrix products and embedding lookup.

ATen's `padding` (one entry per spatial axis, both sides) becomes nn's explicit begin/end
`pads`; a single int given for every spatial axis is repeated.

Dependency contract: numpy, `mlir`, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.frontends.torch.ops.elementwise import cast_to
from strata.frontends.torch.ops.registry import Node, Output, converter

LAYERS = "convolution and pooling"
NORM = "normalization"
LINALG = "linear algebra"


def _per_axis(node: Node, i: int, nsp: int, default: Sequence[int]) -> list[int]:
    """Argument `i`, one int per spatial axis (a single entry is repeated; [] -> default)."""
    v = node.ints(i, default)
    if not v:
        v = list(default)
    if len(v) == 1:
        v = v * nsp
    if len(v) != nsp:
        node.fail(f"argument {i} is {v}; expected {nsp} entries, one per spatial axis")
    return v


@converter("aten.convolution.default", needs=["conv", "conv_transpose"], category=LAYERS)
def convolution(node: Node) -> Sequence[Output]:
    nsp = len(node.spec(1).shape) - 2
    strides = _per_axis(node, 3, nsp, [1])
    padding = _per_axis(node, 4, nsp, [0])
    dilations = _per_axis(node, 5, nsp, [1])
    transposed = bool(node.arg(6, False))
    groups = node.int_arg(8, 1)
    operands = [node.value(0), node.value(1), node.opt_value(2)]
    attrs: dict[str, object] = {
        "strides": strides,
        "pads": padding + padding,
        "dilations": dilations,
        "group": groups,
    }
    if not transposed:
        return [node.build1("conv", operands, attrs)]
    attrs["output_padding"] = _per_axis(node, 7, nsp, [0])
    return [node.build1("conv_transpose", operands, attrs)]


def _pool_attrs(node: Node) -> dict[str, object]:
    nsp = len(node.spec(0).shape) - 2
    kernel = _per_axis(node, 1, nsp, [])
    strides = _per_axis(node, 2, nsp, kernel)  # ATen: [] means the kernel size
    padding = _per_axis(node, 3, nsp, [0])
    return {"kernel_shape": kernel, "strides": strides, "pads": padding + padding}


@converter(
    [
        "aten.max_pool2d_with_indices.default",
        "aten.max_pool2d.default",
        "aten.max_pool1d.default",
        "aten.max_pool3d_with_indices.default",
    ],
    needs=["max_pool"],
    category=LAYERS,
)
def max_pool(node: Node) -> Sequence[Output]:
    attrs = _pool_attrs(node)
    nsp = len(node.spec(0).shape) - 2
    attrs["dilations"] = _per_axis(node, 4, nsp, [1])
    attrs["ceil_mode"] = int(bool(node.arg(5, False)))
    # the indices result (used only by max_unpool / training) is not produced
    return [node.build1("max_pool", [node.value(0)], attrs), None]


@converter(
    ["aten.avg_pool1d.default", "aten.avg_pool2d.default", "aten.avg_pool3d.default"],
    needs=["average_pool"],
    category=LAYERS,
)
def avg_pool(node: Node) -> Sequence[Output]:
    attrs = _pool_attrs(node)
    nsp = len(node.spec(0).shape) - 2
    attrs["dilations"] = [1] * nsp
    attrs["ceil_mode"] = int(bool(node.arg(4, False)))
    attrs["count_include_pad"] = int(bool(node.arg(5, True)))
    if node.arg(6) is not None:
        node.fail(f"divisor_override {node.arg(6)} is not supported")
    return [node.build1("average_pool", [node.value(0)], attrs)]


@converter(
    [
        "aten._adaptive_avg_pool2d.default",
        "aten.adaptive_avg_pool2d.default",
        "aten.adaptive_avg_pool1d.default",
        "aten._adaptive_avg_pool3d.default",
    ],
    needs=["global_average_pool", "average_pool"],
    category=LAYERS,
)
def adaptive_avg_pool(node: Node) -> Sequence[Output]:
    out = node.ints(1)
    spatial = node.spec(0).shape[2:]
    if all(o == 1 for o in out):
        return [node.build1("global_average_pool", [node.value(0)])]
    sizes = [d for d in spatial if d is not None]
    if len(sizes) != len(out) or any(d % o for d, o in zip(sizes, out, strict=True)):
        node.fail(
            f"output size {out} of input spatial dims {list(spatial)}: only static sizes that "
            "the output size divides are supported"
        )
    kernel = [d // o for d, o in zip(sizes, out, strict=True)]
    attrs = {
        "kernel_shape": kernel,
        "strides": kernel,
        "pads": [0] * (2 * len(kernel)),
        "dilations": [1] * len(kernel),
    }
    return [node.build1("average_pool", [node.value(0)], attrs)]


@converter(
    "aten._native_batch_norm_legit_no_training.default",
    needs=["batch_normalization"],
    category=NORM,
)
def batch_norm(node: Node) -> Sequence[Output]:
    x = node.value(0)
    c = node.spec(3).shape[0]
    dtype = node.out_dtype()
    scale = node.opt_value(1)
    bias = node.opt_value(2)
    if scale is None or bias is None:
        if c is None:
            node.fail("batch norm without weight / bias needs a static channel count")
        if scale is None:
            scale = node.constant(np.ones(int(c), dtype), "weight")
        if bias is None:
            bias = node.constant(np.zeros(int(c), dtype), "bias")
    eps = node.float_arg(6, 1e-5)
    y = node.build1(
        "batch_normalization", [x, scale, bias, node.value(3), node.value(4)], {"epsilon": eps}
    )
    return [y, None, None]  # the saved mean / rstd results are for training


@converter(
    "aten.native_group_norm.default",
    needs=["reshape", "reduce_mean", "sub", "mul", "add", "div", "sqrt"],
    category=NORM,
)
def group_norm(node: Node) -> Sequence[Output]:
    """(x - mean) / sqrt(var + eps) over each group of channels (and all spatial positions),
    then the per-channel weight and bias."""
    x = node.value(0)
    dims = node.out_dims()
    groups = node.int_arg(6)
    eps = node.float_arg(7, 1e-5)
    if any(d is None for d in dims[1:]):
        node.fail(f"group norm of symbolic sizes {list(dims)} (only the batch may be symbolic)")
    dtype = node.out_dtype()
    xr = node.build1("reshape", [x], {"shape": [0, groups, -1]})
    mean = node.build1("reduce_mean", [xr], {"axes": [2], "keepdims": 1})
    d = node.build1("sub", [xr, mean])
    var = node.build1("reduce_mean", [node.build1("mul", [d, d])], {"axes": [2], "keepdims": 1})
    std = node.build1("sqrt", [node.build1("add", [var, node.scalar(eps, dtype, "eps")])])
    y = node.build1("div", [d, std])
    y = node.build1("reshape", [y], {"shape": [0, *[int(v) for v in dims[1:] if v is not None]]})
    per_channel = [int(dims[1] or 0)] + [1] * (len(dims) - 2)
    for i, op in ((1, "mul"), (2, "add")):
        p = node.opt_value(i)
        if p is not None:
            p = node.build1("reshape", [p], {"shape": per_channel})
            y = node.build1(op, [y, p])
    return [y, None, None]  # mean / rstd: training results


@converter(
    ["aten.upsample_nearest2d.vec", "aten.upsample_bilinear2d.vec"],
    needs=["resize"],
    category=LAYERS,
)
def upsample(node: Node) -> Sequence[Output]:
    dims = node.out_dims()
    if any(d is None for d in dims):
        node.fail(f"resize to symbolic sizes {list(dims)}")
    nearest = node.op == "aten.upsample_nearest2d.vec"
    factors = node.arg(2 if nearest else 3)
    attrs: dict[str, object] = {"sizes": [int(d) for d in dims if d is not None]}
    if factors:  # torch maps coordinates with the given scale, not with out / in
        attrs["scales"] = [1.0, 1.0, *[float(f) for f in factors]]
    if nearest:
        attrs |= {
            "mode": "nearest",
            "coordinate_transformation_mode": "asymmetric",
            "nearest_mode": "floor",
        }
    else:
        align = bool(node.arg(2, False))
        attrs |= {
            "mode": "linear",
            "coordinate_transformation_mode": "align_corners" if align else "pytorch_half_pixel",
        }
    return [node.build1("resize", [node.value(0)], attrs)]


@converter("aten.native_layer_norm.default", needs=["layer_normalization"], category=NORM)
def layer_norm(node: Node) -> Sequence[Output]:
    x = node.value(0)
    rank = node.spec(0).rank
    normalized = node.ints(1)
    axis = rank - len(normalized)
    dtype = node.out_dtype()
    scale = node.opt_value(2)
    if scale is None:
        scale = node.constant(np.ones(normalized, dtype), "weight")
    eps = node.float_arg(4, 1e-5)
    outs = node.build(
        "layer_normalization", [x, scale, node.opt_value(3)], {"axis": axis, "epsilon": eps}
    )
    return [outs[0], None, None]  # mean / rstd: training results


@converter(
    ["aten.mm.default", "aten.bmm.default", "aten.matmul.default"],
    needs=["mat_mul"],
    category=LINALG,
)
def matmul(node: Node) -> Sequence[Output]:
    return [node.build1("mat_mul", [node.value(0), node.value(1)])]


@converter("aten.addmm.default", needs=["gemm"], category=LINALG)
def addmm(node: Node) -> Sequence[Output]:
    beta = node.kwarg("beta", 1)
    alpha = node.kwarg("alpha", 1)
    attrs = {"alpha": float(alpha), "beta": float(beta)}
    return [node.build1("gemm", [node.value(1), node.value(2), node.value(0)], attrs)]


@converter("aten.linear.default", needs=["gemm", "mat_mul", "transpose", "add"], category=LINALG)
def linear(node: Node) -> Sequence[Output]:
    x, w, b = node.value(0), node.value(1), node.opt_value(2)
    if node.spec(0).rank == 2:
        return [node.build1("gemm", [x, w, b], {"transB": 1})]
    wt = node.build1("transpose", [w], {"perm": [1, 0]})
    y = node.build1("mat_mul", [x, wt])
    return [y if b is None else node.build1("add", [y, b])]


@converter("aten.embedding.default", needs=["gather", "cast"], category=LINALG)
def embedding(node: Node) -> Sequence[Output]:
    idx = node.value(1)
    return [
        node.build1("gather", [node.value(0), cast_to(node, idx, np.dtype(np.int64))], {"axis": 0})
    ]
