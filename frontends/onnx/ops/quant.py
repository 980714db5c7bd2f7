"""Converters for quantization: QuantizeLinear, DequantizeLinear (nn ops of their own) and the
ops composed of them: QLinearMatMul, QLinearConv, MatMulInteger, ConvInteger,
DynamicQuantizeLinear.

QuantizeLinear's and DequantizeLinear's implied types are resolved here (see
`strata.dialects.nn_quant`): `output_dtype` and `precision` are always element types. The
composed ops follow onnx.reference step by step, in numpy's types:

* integer products: operands cast to i32, zero points subtracted in i32 (numpy broadcasting;
  a 1-d weight zero point of a conv is per output channel), `nn.mat_mul` / `nn.conv` in i32;
* QLinear*: the i32 result times `a_scale * b_scale / y_scale` (computed in the scales' type)
  in f64 (numpy promotes int32 * float32 to float64), plus the output zero point, then
  `nn.quantize_linear` with scale 1 rounds half to even and saturates to the output type.

Dependency contract: numpy, the converter registry and the conv converters' window helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from mlir import ir

from strata.frontends.onnx.ops.conv import window_attrs
from strata.frontends.onnx.ops.registry import Node, Output, converter

_I32 = np.dtype("int32")
_F64 = np.dtype("float64")


def _onnx_dtype(node: Node, code: int, what: str) -> np.dtype[Any]:
    from strata.frontends.onnx.graph import numpy_dtype

    return numpy_dtype(code, f"{what} of node '{node.name}'")


def _quant_attrs(node: Node) -> dict[str, Any]:
    return {
        "axis": node.attr("axis", 1),
        "block_size": node.attr("block_size", 0),
    }


@converter("QuantizeLinear", since=10, needs=["quantize_linear"])
def quantize_linear(node: Node) -> Sequence[Output]:
    """All versions (10, 13, 19, 21, 23, 25): later ones only add attributes and types."""
    xs, ss = node.spec(0), node.spec(1)
    code = int(node.attr("output_dtype", 0))
    if node.has(2):
        out = node.spec(2).dtype
        if code and _onnx_dtype(node, code, "output_dtype") != out:
            node.fail(
                f"output_dtype {_onnx_dtype(node, code, 'output_dtype')} differs from the "
                f"zero point's element type {out}"
            )
    elif code:
        out = _onnx_dtype(node, code, "output_dtype")
    else:
        out = np.dtype("uint8")
    prec_code = int(node.attr("precision", 0))
    if prec_code:
        precision = _onnx_dtype(node, prec_code, "precision")
    else:
        try:
            precision = np.result_type(xs.dtype, ss.dtype)
        except TypeError:
            node.fail(f"x ({xs.dtype}) and y_scale ({ss.dtype}) have no common type")
    attrs = {
        **_quant_attrs(node),
        "saturate": node.attr("saturate", 1),
        "output_dtype": out,
        "precision": precision,
    }
    return [
        node.build1("quantize_linear", [node.value(0), node.value(1), node.opt_value(2)], attrs)
    ]


@converter("DequantizeLinear", since=10, needs=["dequantize_linear"])
def dequantize_linear(node: Node) -> Sequence[Output]:
    """All versions (10, 13, 19, 21, 23, 25): later ones only add attributes and types."""
    code = int(node.attr("output_dtype", 0))
    out = _onnx_dtype(node, code, "output_dtype") if code else node.spec(1).dtype
    zp = node.maybe_const(2) if node.has(2) else None
    if (
        zp is not None
        and node.spec(0).dtype.name.startswith("float8")
        and (zp.astype(np.float32) != 0).any()
    ):
        # onnx.reference refuses these; a zero point computed at run time is ignored
        node.fail(f"x_zero_point of float8 input {node.spec(0).dtype} must be 0")
    attrs = {**_quant_attrs(node), "output_dtype": out}
    return [
        node.build1("dequantize_linear", [node.value(0), node.value(1), node.opt_value(2)], attrs)
    ]


def _cast(node: Node, v: ir.Value, dtype: np.dtype[Any], have: np.dtype[Any]) -> ir.Value:
    return v if have == dtype else node.build1("cast", [v], {"to": dtype})


def _shifted(node: Node, i: int, zp: int | None, *, per_channel: bool = False) -> ir.Value:
    """Input `i` in i32 minus zero point input `zp` (absent: nothing subtracted). With
    `per_channel`, a 1-d zero point of the weights' first dim's length applies per output
    channel (onnx.reference's ConvInteger / QLinearConv)."""
    v = _cast(node, node.value(i), _I32, node.spec(i).dtype)
    if zp is None or not node.has(zp):
        return v
    z = _cast(node, node.value(zp), _I32, node.spec(zp).dtype)
    zs = node.spec(zp)
    rank = node.spec(i).rank
    if per_channel and zs.rank == 1 and rank > 1:
        z = node.build1("reshape", [z], {"shape": [-1] + [1] * (rank - 1)})
    return node.build1("sub", [v, z])


def _requantize(
    node: Node, acc: ir.Value, scale: ir.Value, scale_dtype: np.dtype[Any], y_zp: int, like: int
) -> ir.Value:
    """quantize(f64(acc) * f64(scale) + y_zero_point): onnx.reference's QLinear tail."""
    d = node.build1("mul", [_cast(node, acc, _F64, _I32), _cast(node, scale, _F64, scale_dtype)])
    if node.has(y_zp):
        zs = node.spec(y_zp)
        d = node.build1("add", [d, _cast(node, node.value(y_zp), _F64, zs.dtype)])
        out = zs.dtype
    else:
        out = node.spec(like).dtype
    one = node.constant(np.array(1.0, dtype=_F64), "one")
    attrs = {"axis": 1, "block_size": 0, "saturate": 1, "output_dtype": out, "precision": _F64}
    return node.build1("quantize_linear", [d, one, None], attrs)


def _scale_ratio(node: Node, a: int, b: int, y: int) -> ir.Value:
    """a_scale * b_scale / y_scale in the scales' type (numpy broadcasting)."""
    ab = node.build1("mul", [node.value(a), node.value(b)])
    return node.build1("div", [ab, node.value(y)])


@converter("MatMulInteger", since=10, needs=["cast", "sub", "mat_mul"])
def mat_mul_integer(node: Node) -> Sequence[Output]:
    a, b = _shifted(node, 0, 2), _shifted(node, 1, 3)
    return [node.build1("mat_mul", [a, b])]


@converter(
    "QLinearMatMul",
    since=10,
    needs=["cast", "sub", "mat_mul", "mul", "div", "add", "constant", "quantize_linear"],
)
def qlinear_mat_mul(node: Node) -> Sequence[Output]:
    """Opsets 10 and 21 (21 adds float16 / bfloat16 scales)."""
    acc = node.build1("mat_mul", [_shifted(node, 0, 2), _shifted(node, 3, 5)])
    ratio = _scale_ratio(node, 1, 4, 6)
    ratio_dtype = np.result_type(node.spec(1).dtype, node.spec(4).dtype, node.spec(6).dtype)
    return [_requantize(node, acc, ratio, ratio_dtype, 7, 0)]


def _conv_attrs(node: Node, w: int) -> dict[str, Any]:
    w_shape = node.spec(w).shape
    kernel = list(node.attr("kernel_shape", w_shape[2:]))
    if kernel != list(w_shape[2:]):
        node.fail(f"kernel_shape {kernel} does not match the weights' shape {list(w_shape)}")
    attrs: dict[str, Any] = dict(window_attrs(node, kernel))
    attrs["group"] = node.attr("group", 1)
    return attrs


@converter("ConvInteger", since=10, needs=["cast", "sub", "reshape", "conv"])
def conv_integer(node: Node) -> Sequence[Output]:
    attrs = _conv_attrs(node, 1)
    x, w = _shifted(node, 0, 2), _shifted(node, 1, 3, per_channel=True)
    return [node.build1("conv", [x, w, None], attrs)]


@converter(
    "QLinearConv",
    since=10,
    needs=["cast", "sub", "reshape", "conv", "mul", "div", "add", "constant", "quantize_linear"],
)
def qlinear_conv(node: Node) -> Sequence[Output]:
    attrs = _conv_attrs(node, 3)
    x, w = _shifted(node, 0, 2), _shifted(node, 3, 5, per_channel=True)
    bias = _cast(node, node.value(8), _I32, node.spec(8).dtype) if node.has(8) else None
    acc = node.build1("conv", [x, w, bias], attrs)
    w_scale = node.value(4)
    ws = node.spec(4)
    if ws.rank == 1 and ws.shape[0] != 1:  # per output channel: (1, M, 1, ...)
        w_scale = node.build1(
            "reshape", [w_scale], {"shape": [1, -1] + [1] * (node.spec(0).rank - 2)}
        )
    ab = node.build1("mul", [node.value(1), w_scale])
    ratio = node.build1("div", [ab, node.value(6)])
    ratio_dtype = np.result_type(node.spec(1).dtype, ws.dtype, node.spec(6).dtype)
    return [_requantize(node, acc, ratio, ratio_dtype, 7, 0)]


_DQL_NEEDS = ["reduce_max", "reduce_min", "max", "min", "sub", "div", "equal", "where", "round"]


@converter(
    "DynamicQuantizeLinear",
    since=11,
    needs=[*_DQL_NEEDS, "cast", "constant", "quantize_linear"],
)
def dynamic_quantize_linear(node: Node) -> Sequence[Output]:
    """uint8 quantization with scale and zero point from the data's range (onnx.reference:
    the range always includes 0; a zero range gives scale 1 / 255)."""
    xs = node.spec(0)
    x = node.value(0)
    f32 = np.dtype("float32")
    if xs.dtype != f32:
        node.fail(f"input has element type {xs.dtype}; DynamicQuantizeLinear takes float32")
    axes = list(range(xs.rank))

    def scalar(v: float, name: str) -> ir.Value:
        return node.constant(np.array(v, dtype=f32), name)

    zero = scalar(0.0, "zero")
    red = {"axes": axes, "keepdims": 0}
    hi = node.build1("max", [zero, node.build1("reduce_max", [x], red)])
    lo = node.build1("min", [zero, node.build1("reduce_min", [x], red)])
    span = node.build1(
        "where", [node.build1("equal", [hi, lo]), scalar(1.0, "one"), node.build1("sub", [hi, lo])]
    )
    scale = node.build1("div", [span, scalar(255.0, "qmax")])
    initial = node.build1("sub", [zero, node.build1("div", [lo, scale])])
    clipped = node.build1("max", [zero, node.build1("min", [scalar(255.0, "qmax"), initial])])
    zp = node.build1("cast", [node.build1("round", [clipped])], {"to": np.dtype("uint8")})
    attrs = {
        "axis": 1,
        "block_size": 0,
        "saturate": 1,
        "output_dtype": np.dtype("uint8"),
        "precision": f32,
    }
    y = node.build1("quantize_linear", [x, scale, zp], attrs)
    return [y, scale, zp]
