"""Converters of Caffe's weighted and windowed layers: Convolution, Deconvolution,
InnerProduct, Pooling, LRN, BatchNorm, Scale and PReLU.

Caffe is NCHW like nn, and its blobs are in nn's layouts already: a Convolution filter is
M x C/group x k..., a Deconvolution filter C x M/group x k... (as nn.conv_transpose takes
it), an InnerProduct weight N x K (K x N with `transpose`).

Pooling rounds its output size up (Caffe's default `round_mode: CEIL`) and drops a last
window that would start in the end padding when there is padding — the rule nn's
`ceil_mode` implements — and AVE divides by the window clipped to the padded input, which
is nn.average_pool's `count_include_pad` rule. Where Caffe without padding keeps a window
that starts past the input (a kernel smaller than the stride) the layer is refused.

Dependency contract: numpy, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from mlir import ir

from strata.frontends.caffe.ops.registry import Node, converter

LAYERS = "convolution and pooling"
LINEAR = "linear algebra"
NORM = "normalization"


def _per_axis(node: Node, values: Sequence[int], n: int, default: int, what: str) -> list[int]:
    """A repeated Caffe field given once for all spatial axes or once per axis."""
    v = [int(x) for x in values]
    if not v:
        return [default] * n
    if len(v) == 1:
        return v * n
    if len(v) != n:
        node.fail(f"{what} has {len(v)} values for {n} spatial axes")
    return v


def _hw(node: Node, p: Any, field: str, nsp: int, repeated: list[int], default: int) -> list[int]:
    """`field_h` / `field_w` when given (2-d only), else the repeated / single field."""
    h, w = f"{field}_h", f"{field}_w"
    if p.HasField(h) or p.HasField(w):
        if nsp != 2:
            node.fail(f"{h} / {w} are for 2-d layers; this one has {nsp} spatial axes")
        if not (p.HasField(h) and p.HasField(w)) and field == "kernel":
            node.fail("kernel_h and kernel_w must be given together")
        return [int(getattr(p, h)), int(getattr(p, w))]
    return repeated


def _conv_window(node: Node, p: Any, nsp: int) -> tuple[list[int], list[int], list[int], list[int]]:
    """(kernel, strides, pads, dilations) of a ConvolutionParameter."""
    kernel = _hw(node, p, "kernel", nsp, _per_axis(node, p.kernel_size, nsp, 0, "kernel_size"), 0)
    if any(k < 1 for k in kernel):
        node.fail("kernel_size (or kernel_h and kernel_w) must be given")
    strides = _hw(node, p, "stride", nsp, _per_axis(node, p.stride, nsp, 1, "stride"), 1)
    pads = _hw(node, p, "pad", nsp, _per_axis(node, p.pad, nsp, 0, "pad"), 0)
    dilations = _per_axis(node, p.dilation, nsp, 1, "dilation")
    return kernel, strides, pads, dilations


def _conv_common(node: Node, transposed: bool) -> ir.Value:
    p = node.layer.convolution_param
    if int(p.axis) % max(node.spec(0).rank, 1) != 1:
        node.fail(f"axis {p.axis}: only channel axis 1 is supported")
    rank = node.spec(0).rank
    if rank < 3:
        node.fail(f"bottom 0 {list(node.dims(0))} must have rank >= 3 (N, C, spatial...)")
    nsp = rank - 2
    cin = node.dims(0)[1]
    if cin is None:
        node.fail("the channel dim of bottom 0 must be static (give --input-shape)")
    kernel, strides, pads, dilations = _conv_window(node, p, nsp)
    group, m = int(p.group), int(p.num_output)
    if group < 1 or cin % group or m % group:
        node.fail(f"group {group} must divide the {cin} input and {m} output channels")
    if transposed:
        w = node.blob(0, [cin, m // group, *kernel], "filter")
    else:
        w = node.blob(0, [m, cin // group, *kernel], "filter")
    b = node.constant(node.blob(1, [m], "bias"), "bias") if p.bias_term else None
    attrs: dict[str, Any] = {
        "strides": strides,
        "pads": pads + pads,
        "dilations": dilations,
        "group": group,
    }
    if transposed:
        attrs["output_padding"] = [0] * nsp
    op = "conv_transpose" if transposed else "conv"
    return node.build1(op, [node.value(0), node.constant(w, "filter"), b], attrs)


@converter("Convolution", needs=["conv"], category=LAYERS, weighted=True)
def convolution(node: Node) -> Sequence[ir.Value]:
    return [_conv_common(node, transposed=False)]


@converter("Deconvolution", needs=["conv_transpose"], category=LAYERS, weighted=True)
def deconvolution(node: Node) -> Sequence[ir.Value]:
    return [_conv_common(node, transposed=True)]


@converter("InnerProduct", needs=["reshape", "gemm", "mat_mul", "add"], category=LINEAR,
           weighted=True)  # fmt: skip
def inner_product(node: Node) -> Sequence[ir.Value]:
    """Bottom axes [axis:] flattened to K; y = x W^T + b over the leading axes."""
    p = node.layer.inner_product_param
    dims = node.dims(0)
    axis = node.axis(int(p.axis), len(dims))
    tail = dims[axis:]
    if any(d is None for d in tail):
        node.fail(f"the axes from {axis} of bottom 0 {list(dims)} must be static")
    k = int(np.prod([int(d) for d in tail if d is not None]))
    n = int(p.num_output)
    if p.transpose:
        w_kn = node.blob(0, [k, n], "weights")
    else:
        w_kn = np.ascontiguousarray(node.blob(0, [n, k], "weights").T)
    x = node.value(0)
    if len(dims) != axis + 1:
        x = node.build1("reshape", [x], {"shape": [0] * axis + [-1], "allowzero": 0})
    w = node.constant(w_kn, "weights")
    b = node.constant(node.blob(1, [n], "bias"), "bias") if p.bias_term else None
    if axis == 1:
        return [node.build1("gemm", [x, w, b])]
    y = node.build1("mat_mul", [x, w])
    return [node.build1("add", [y, b]) if b is not None else y]


def _caffe_pooled(size: int, k: int, s: int, pad: int, ceil: bool) -> int:
    """Caffe's pooled size (PoolingLayer::Reshape)."""
    span = size + 2 * pad - k
    n = (-(-span // s) if ceil else span // s) + 1
    if pad and (n - 1) * s >= size + pad:
        n -= 1
    return n


@converter("Pooling", needs=["max_pool", "average_pool"], category=LAYERS)
def pooling(node: Node) -> Sequence[ir.Value]:
    p = node.layer.pooling_param
    method = p.DESCRIPTOR.fields_by_name["pool"].enum_type.values_by_number[int(p.pool)].name
    if method not in ("MAX", "AVE"):
        node.fail(f"pool {method} is not supported (MAX or AVE)")
    rank = node.spec(0).rank
    if rank != 4:
        node.fail(f"bottom 0 {list(node.dims(0))} must have rank 4 (N, C, H, W)")
    ceil = int(p.round_mode) == 0  # CEIL (the default) or FLOOR
    if p.global_pooling:
        if p.HasField("kernel_size") or p.HasField("kernel_h") or p.HasField("kernel_w"):
            node.fail("global_pooling takes no kernel size")
        h, w = node.static_dims(0, "global_pooling")[2:]
        kernel, strides, pads = [h, w], [1, 1], [0, 0]
    else:
        if p.HasField("kernel_h") or p.HasField("kernel_w"):
            kernel = [int(p.kernel_h), int(p.kernel_w)]
        elif p.HasField("kernel_size"):
            kernel = [int(p.kernel_size)] * 2
        else:
            node.fail("kernel_size (or kernel_h and kernel_w) must be given")
        if p.HasField("stride_h") or p.HasField("stride_w"):
            strides = [int(p.stride_h), int(p.stride_w)]
        else:
            strides = [int(p.stride)] * 2
        if p.HasField("pad_h") or p.HasField("pad_w"):
            pads = [int(p.pad_h), int(p.pad_w)]
        else:
            pads = [int(p.pad)] * 2
    if any(k < 1 for k in kernel) or any(s < 1 for s in strides):
        node.fail(f"kernel {kernel} and stride {strides} must be positive")
    attrs = {
        "kernel_shape": kernel,
        "strides": strides,
        "pads": pads + pads,
        "dilations": [1, 1],
        "ceil_mode": int(ceil),
    }
    if method == "MAX":
        y = node.build1("max_pool", [node.value(0)], attrs)
    else:
        y = node.build1("average_pool", [node.value(0)], {**attrs, "count_include_pad": 1})
    got = node.spec_of(y).shape[2:]
    for axis, (size, n) in enumerate(zip(node.dims(0)[2:], got, strict=True)):
        if size is None:
            continue
        want = _caffe_pooled(size, kernel[axis], strides[axis], pads[axis], ceil)
        if n != want:
            node.fail(
                f"Caffe pools {want} windows in spatial axis {axis} (the last one starts past "
                f"the input: kernel {kernel[axis]} < stride {strides[axis]}); Strata's pooling "
                f"gives {n}"
            )
    return [y]


@converter("LRN", needs=["mul", "reshape", "average_pool", "add", "pow", "div"], category=NORM)
def lrn(node: Node) -> Sequence[ir.Value]:
    """ACROSS_CHANNELS: x / (k + alpha/n * sum of x^2 over n channels)^beta (the sum is an
    average pool, padding counted, over an N x 1 x C x HW view); WITHIN_CHANNEL:
    x / (1 + alpha * mean of x^2 over an n x n window, padding counted)^beta."""
    p = node.layer.lrn_param
    size = int(p.local_size)
    if size < 1 or size % 2 == 0:
        node.fail(f"local_size {size} must be odd (Caffe requires it)")
    x = node.value(0)
    dims = node.dims(0)
    if len(dims) != 4:
        node.fail(f"bottom 0 {list(dims)} must have rank 4 (N, C, H, W)")
    sq = node.build1("mul", [x, x])
    half = (size - 1) // 2
    within = int(p.norm_region) == 1
    pool: dict[str, Any] = {"strides": [1, 1], "dilations": [1, 1], "count_include_pad": 1,
                            "ceil_mode": 0}  # fmt: skip
    if within:
        pool.update(kernel_shape=[size, size], pads=[half, half, half, half])
        mean_sq = node.build1("average_pool", [sq], pool)
        bias = 1.0
    else:
        c = dims[1]
        if c is None:
            node.fail("the channel dim must be static (it is the window's axis)")
        view = node.build1("reshape", [sq], {"shape": [0, 1, c, -1], "allowzero": 0})
        pool.update(kernel_shape=[size, 1], pads=[half, 0, half, 0])
        mean_sq = node.build1("average_pool", [view], pool)
        shape = [0, c, *(d if d is not None else -1 for d in dims[2:])]
        if sum(d is None for d in dims[2:]) > 1:
            node.fail(f"bottom 0 {list(dims)}: at most one dynamic spatial dim")
        mean_sq = node.build1("reshape", [mean_sq], {"shape": shape, "allowzero": 0})
        bias = float(p.k)
    base = node.build1("mul", [mean_sq, node.scalar(float(p.alpha), "alpha")])
    base = node.build1("add", [base, node.scalar(bias, "k")])
    denom = node.build1("pow", [base, node.scalar(float(p.beta), "beta")])
    return [node.build1("div", [x, denom])]


@converter("BatchNorm", needs=["batch_normalization"], category=NORM, weighted=True)
def batch_norm(node: Node) -> Sequence[ir.Value]:
    """Blobs: mean and variance sums, and the factor that divides both (0: zero stats)."""
    p = node.layer.batch_norm_param
    if p.HasField("use_global_stats") and not p.use_global_stats:
        node.fail("use_global_stats is false (batch statistics): only inference is supported")
    dims = node.dims(0)
    if len(dims) < 2 or dims[1] is None:
        node.fail(f"bottom 0 {list(dims)} needs a static channel axis 1")
    c = int(dims[1])
    factor = float(node.blob(2, [1], "scale factor")[0])
    inv = 0.0 if factor == 0 else 1.0 / factor
    mean = node.blob(0, [c], "mean") * np.float32(inv)
    var = node.blob(1, [c], "variance") * np.float32(inv)
    operands = [
        node.value(0),
        node.constant(np.ones(c, np.float32), "scale"),
        node.constant(np.zeros(c, np.float32), "bias"),
        node.constant(mean.astype(np.float32), "mean"),
        node.constant(var.astype(np.float32), "variance"),
    ]
    return [node.build1("batch_normalization", operands, {"epsilon": float(p.eps)})]


@converter("Scale", needs=["mul", "add", "reshape"], category=NORM, weighted=True)
def scale(node: Node) -> Sequence[ir.Value]:
    """x * scale (+ bias), scale covering bottom axes [axis, axis + num_axes): a blob, or
    bottom 1 when there are two bottoms."""
    p = node.layer.scale_param
    dims = node.dims(0)
    axis = node.axis(int(p.axis), len(dims)) if dims else 0
    x = node.value(0)
    trailing: int
    blob_i = 0
    if len(node.inputs) > 1:
        sdims = node.dims(1)
        trailing = len(dims) - axis - len(sdims)
        if trailing < 0 or any(a is not None and b is not None and a != b
                               for a, b in zip(sdims, dims[axis:], strict=False)):  # fmt: skip
            node.fail(f"bottom 1 {list(sdims)} does not match bottom 0 {list(dims)} at {axis}")
        if any(d is None for d in sdims):
            node.fail(f"bottom 1 {list(sdims)} must have a static shape")
        s = node.value(1)
        if trailing:
            shape = [int(d) for d in sdims if d is not None] + [1] * trailing
            s = node.build1("reshape", [s], {"shape": shape, "allowzero": 1})
        covered = [int(d) for d in sdims if d is not None]
    else:
        n = int(p.num_axes)
        n = len(dims) - axis if n == -1 else n
        if n < 0 or axis + n > len(dims):
            node.fail(f"num_axes {p.num_axes} from axis {axis} exceeds rank {len(dims)}")
        covered_d = dims[axis : axis + n]
        if any(d is None for d in covered_d):
            node.fail(f"the scaled axes of bottom 0 {list(dims)} must be static")
        covered = [int(d) for d in covered_d if d is not None]
        trailing = len(dims) - axis - n
        shape = covered + [1] * trailing
        s = node.constant(node.blob(0, covered, "scale").reshape(shape), "scale")
        blob_i = 1
    y = node.build1("mul", [x, s])
    if p.bias_term:
        bias = node.blob(blob_i, covered, "bias").reshape(covered + [1] * trailing)
        y = node.build1("add", [y, node.constant(np.ascontiguousarray(bias), "bias")])
    return [y]


@converter("PReLU", needs=["prelu"], category="activations", weighted=True)
def prelu(node: Node) -> Sequence[ir.Value]:
    p = node.layer.prelu_param
    dims = node.dims(0)
    if p.channel_shared:
        slope = node.blob(0, [1], "slope")
    else:
        if len(dims) < 2 or dims[1] is None:
            node.fail(f"bottom 0 {list(dims)} needs a static channel axis 1")
        c = int(dims[1])
        slope = node.blob(0, [c], "slopes").reshape([c] + [1] * (len(dims) - 2))
    return [node.build1("prelu", [node.value(0), node.constant(slope, "slope")])]
