"""Converters for convolution, pooling and the linear ops: CONV_2D (OHWI filters),
DEPTHWISE_CONV_2D ([1, H, W, C*M] filters), FULLY_CONNECTED, BATCH_MATMUL, AVERAGE_POOL_2D,
MAX_POOL_2D.

Convs and pools run on NCHW values (`nn.conv` / the pools are NCHW; filters are permuted
once, at import). TF's SAME padding becomes explicit pads (the odd pixel at the end).

Quantized convs and FULLY_CONNECTED compute as TFLite's integer kernels do: inputs and
filters minus their zero points in i32, an i32 conv / matmul plus the i32 bias, then the
accumulator times `input_scale * filter_scale[c] / output_scale` (in f64, as TFLite derives
its fixed-point multiplier), plus the output zero point, rounded and saturated by
`nn.quantize_linear`, then the fused activation clamped in the quantized domain. TFLite
rounds with a 31-bit fixed-point multiplier (ties away from zero), `nn.quantize_linear`
exactly (ties to even): results can differ by one step at ties.

Dependency contract: numpy, `mlir`, the converter registry and the fused activations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from mlir import ir

from strata.frontends.tflite.loader import Quant
from strata.frontends.tflite.ops import activation
from strata.frontends.tflite.ops.registry import TO_NCHW, Nchw, Node, Output, converter

_I32, _F64 = np.dtype("int32"), np.dtype("float64")
_SAME, _VALID = 0, 1  # tflite.Padding
_QUANT_NEEDS = ("cast", "sub", "mul", "add", "quantize_linear", "constant")


def _pads(
    node: Node,
    size: Sequence[int | None],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> list[int]:
    """Explicit [begin..., end...] pads for the operator's padding (SAME or VALID)."""
    padding = int(node.options.Padding())
    if padding == _VALID:
        return [0] * (2 * len(kernel))
    if padding != _SAME:
        node.fail(f"padding {padding} is neither SAME nor VALID")
    begins, ends = [], []
    for n, k, s, d in zip(size, kernel, strides, dilations, strict=True):
        if n is None:
            node.fail("SAME padding needs static spatial dims")
        assert n is not None
        out = -(-n // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return begins + ends


def _window(node: Node, kernel: Sequence[int], dilations: Sequence[int]) -> dict[str, Any]:
    o = node.options
    strides = [int(o.StrideH()), int(o.StrideW())]
    hw = node.tensor(0).shape[1:3]
    return {
        "strides": strides,
        "pads": _pads(node, hw, kernel, strides, dilations),
        "dilations": list(dilations),
    }


def _dilations(node: Node) -> list[int]:
    o = node.options
    return [int(o.DilationHFactor()), int(o.DilationWFactor())]


def _float_weight(node: Node, i: int) -> np.ndarray:
    """Constant input `i` as float32 (dequantized for hybrid models' int8 filters)."""
    data = node.const(i)
    q = node.tensor(i).quant
    if data.dtype.kind in "iu" and q is not None:
        from strata.frontends.tflite.ops.registry import dequantize_array

        return dequantize_array(data, q)
    return data


def _per_channel(values: np.ndarray, q: Quant, n: int, what: str, node: Node) -> np.ndarray:
    if q.per_tensor:
        return np.full(n, values[0])
    if values.size != n:
        node.fail(f"{what} has {values.size} quantization entries; expected {n}")
    return values


def _integer_input(node: Node, x: ir.Value) -> ir.Value:
    """Quantized input 0 in i32 minus its zero point."""
    q = node.quant(0)
    assert q is not None
    if not q.per_tensor:
        node.fail("input 0 must be quantized per tensor")
    x32 = node.build1("cast", [x], {"to": _I32})
    return node.build1("sub", [x32, node.scalar(int(q.zero_point[0]), _I32, "input_zero_point")])


def _requantize(
    node: Node, acc: ir.Value, filter_scale: np.ndarray, shape: Sequence[int]
) -> ir.Value:
    """The i32 accumulator to the output's quantized type (module docstring)."""
    qx, qy = node.quant(0), node.out_quant()
    if qx is None or qy is None or not qy.per_tensor:
        node.fail("a quantized input needs a per-tensor quantized output")
    ratio = (float(qx.scale[0]) * filter_scale.astype(_F64)) / float(qy.scale[0])
    ratio_v = node.constant(ratio.reshape(shape), "multiplier")
    y = node.build1("mul", [node.build1("cast", [acc], {"to": _F64}), ratio_v])
    y = node.build1("add", [y, node.scalar(float(qy.zero_point[0]), _F64, "output_zero_point")])
    one = node.scalar(1.0, _F64, "one")
    attrs = {
        "axis": 1,
        "block_size": 0,
        "saturate": 1,
        "output_dtype": node.output().dtype,
        "precision": _F64,
    }
    y = node.build1("quantize_linear", [y, one, None], attrs)
    return activation.apply(node, y, qy)


def _bias(node: Node, i: int, integer: bool) -> ir.Value | None:
    if not node.has(i):
        return None
    if integer:
        b = node.const(i)
        if b.dtype != _I32:
            node.fail(f"the bias of a quantized op must be int32, got {b.dtype}")
        return node.constant(b, "bias")
    return node.constant(_float_weight(node, i), "bias")


def _conv(node: Node, w_oihw: np.ndarray, group: int) -> Sequence[Output]:
    """nn.conv of NCHW input 0 with OIHW filter `w_oihw` (input 1, permuted; a per-channel
    quantization is along its output channels)."""
    kernel = list(w_oihw.shape[2:])
    attrs = {**_window(node, kernel, _dilations(node)), "group": group}
    x = node.value_nchw(0)
    if node.quant(0) is None:
        w = node.constant(w_oihw.astype(np.float32), "filter")
        y = node.build1("conv", [x, w, _bias(node, 2, False)], attrs)
        return [Nchw(activation.apply(node, y))]
    qw = node.quant(1)
    if qw is None:
        node.fail("a quantized input needs a quantized filter")
    m = w_oihw.shape[0]
    zp = _per_channel(qw.zero_point, qw, m, "the filter", node)
    w32 = w_oihw.astype(np.int64) - zp.reshape(-1, 1, 1, 1)
    w = node.constant(w32.astype(_I32), "filter")
    acc = node.build1("conv", [_integer_input(node, x), w, _bias(node, 2, True)], attrs)
    scale = _per_channel(qw.scale, qw, m, "the filter", node)
    return [Nchw(_requantize(node, acc, scale, [1, -1, 1, 1]))]


@converter(
    "CONV_2D",
    needs=["conv", "transpose", *activation.NEEDS, *_QUANT_NEEDS],
    category="convolution and pooling",
    quantized="integer",
)
def conv_2d(node: Node) -> Sequence[Output]:
    w = node.const(1) if node.quant(0) is not None else _float_weight(node, 1)
    if w.ndim != 4:
        node.fail(f"filter {node.tensor(1).describe()} must be OHWI")
    cin = node.tensor(0).shape[3]
    if cin is None or cin % w.shape[3]:
        node.fail(f"input channels {cin} are not a multiple of the filter's {w.shape[3]}")
    return _conv(node, w.transpose(TO_NCHW), cin // w.shape[3])


@converter(
    "DEPTHWISE_CONV_2D",
    needs=["conv", "transpose", *activation.NEEDS, *_QUANT_NEEDS],
    category="convolution and pooling",
    quantized="integer",
)
def depthwise_conv_2d(node: Node) -> Sequence[Output]:
    w = node.const(1) if node.quant(0) is not None else _float_weight(node, 1)
    cin = node.tensor(0).shape[3]
    if w.ndim != 4 or w.shape[0] != 1 or cin is None or w.shape[3] % cin:
        node.fail(
            f"filter {node.tensor(1).describe()} must be [1, H, W, C * multiplier] for "
            f"{cin} input channels"
        )
    # [1, H, W, C*M] -> [C*M, 1, H, W]: group C, M outputs per group (channel c*M + m)
    return _conv(node, w.transpose(3, 0, 1, 2), cin)


@converter(
    "FULLY_CONNECTED",
    needs=["reshape", "gemm", "mat_mul", *activation.NEEDS, *_QUANT_NEEDS],
    category="linear algebra",
    quantized="integer",
)
def fully_connected(node: Node) -> Sequence[Output]:
    o = node.options
    if o is not None and int(o.WeightsFormat()) != 0:
        node.fail("only the DEFAULT weights format is supported (not shuffled weights)")
    integer = node.quant(0) is not None
    w = node.const(1) if integer else _float_weight(node, 1)
    if w.ndim != 2:
        node.fail(f"weights {node.tensor(1).describe()} must be [outputs, inputs]")
    n, k = w.shape
    x = node.value(0)
    if node.rank(0) != 2:
        x = node.build1("reshape", [x], {"shape": [-1, k], "allowzero": 1})
    if not integer:
        wv = node.constant(w.astype(np.float32), "weights")
        y = node.build1("gemm", [x, wv, _bias(node, 2, False)], {"transB": 1})
        y = activation.apply(node, y)
    else:
        qw = node.quant(1)
        if qw is None:
            node.fail("a quantized input needs quantized weights")
        zp = _per_channel(qw.zero_point, qw, n, "the weights", node)
        w32 = (w.astype(np.int64) - zp.reshape(-1, 1)).T.astype(_I32)
        acc = node.build1(
            "mat_mul",
            [_integer_input(node, x), node.constant(w32, "weights")],
        )
        b = _bias(node, 2, True)
        if b is not None:
            acc = node.build1("add", [acc, b])
        y = _requantize(node, acc, _per_channel(qw.scale, qw, n, "the weights", node), [-1])
    out = node.output().shape
    if len(out) != 2:
        y = node.build1(
            "reshape", [y], {"shape": [-1 if d is None else d for d in out], "allowzero": 1}
        )
    return [y]


@converter("BATCH_MATMUL", needs=["transpose", "mat_mul"], category="linear algebra")
def batch_matmul(node: Node) -> Sequence[Output]:
    o = node.options
    a, b = node.value(0), node.value(1)

    def adjoint(v: ir.Value, rank: int) -> ir.Value:
        perm = [*range(rank - 2), rank - 1, rank - 2]
        return node.build1("transpose", [v], {"perm": perm})

    if o is not None and o.AdjX():
        a = adjoint(a, node.rank(0))
    if o is not None and o.AdjY():
        b = adjoint(b, node.rank(1))
    return [node.build1("mat_mul", [a, b])]


def _pool(node: Node, op: str) -> Sequence[Output]:
    o = node.options
    kernel = [int(o.FilterHeight()), int(o.FilterWidth())]
    attrs = {**_window(node, kernel, [1, 1]), "kernel_shape": kernel, "ceil_mode": 0}
    if op == "average_pool":
        attrs["count_include_pad"] = 0  # TF averages over the valid pixels only
    y = node.build1(op, [node.value_nchw(0)], attrs)
    return [Nchw(activation.apply(node, y))]


@converter(
    "AVERAGE_POOL_2D",
    needs=["average_pool", "transpose", *activation.NEEDS],
    category="convolution and pooling",
)
def average_pool_2d(node: Node) -> Sequence[Output]:
    return _pool(node, "average_pool")


@converter(
    "MAX_POOL_2D",
    needs=["max_pool", "transpose", *activation.NEEDS],
    category="convolution and pooling",
)
def max_pool_2d(node: Node) -> Sequence[Output]:
    return _pool(node, "max_pool")
