"""Converters for QUANTIZE and DEQUANTIZE, onto `nn.quantize_linear` / `nn.dequantize_linear`.

QUANTIZE of a float tensor is round(x / scale) + zero_point, saturated (TFLite rounds ties
away from zero, `nn.quantize_linear` to even: they differ by one step at exact ties); of a
quantized tensor it requantizes (dequantize, then quantize with the output's parameters).
DEQUANTIZE of an int8 / uint8 / int16 tensor is scale * (q - zero_point); of a float16 one (a
float16-weights model) a cast to float32. Per-tensor parameters keep an NCHW input NCHW;
per-axis ones take the model's layout.

Dependency contract: numpy, `mlir`, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata.frontends.tflite.loader import Quant
from strata.frontends.tflite.ops.registry import Nchw, Node, Output, converter, is_quantized

_F32 = np.dtype("float32")


def _params(node: Node, q: Quant, dtype: np.dtype, what: str) -> tuple[ir.Value, ir.Value]:
    if q.per_tensor:
        s, z = np.asarray(q.scale[0], _F32), np.asarray(q.zero_point[0], dtype)
    else:
        s, z = q.scale.astype(_F32), q.zero_point.astype(dtype)
    return node.constant(s, f"{what}.scale"), node.constant(z, f"{what}.zero_point")


def _input(node: Node, q: Quant | None) -> tuple[ir.Value, bool]:
    nchw = node.rank(0) == 4 and node.is_nchw(0) and (q is None or q.per_tensor)
    return (node.value_nchw(0) if nchw else node.value(0)), nchw


def _dequantize(node: Node, x: ir.Value, q: Quant) -> ir.Value:
    s, z = _params(node, q, node.tensor(0).dtype, "input")
    attrs = {"axis": q.axis, "block_size": 0, "output_dtype": _F32}
    return node.build1("dequantize_linear", [x, s, z], attrs)


@converter(
    "QUANTIZE",
    needs=["quantize_linear", "dequantize_linear", "constant"],
    category="quantization",
    quantized="integer",
)
def quantize(node: Node) -> Sequence[Output]:
    qy = node.out_quant()
    if qy is None:
        node.fail(f"output {node.output().describe()} has no quantization parameters")
    qx = node.quant(0)
    x, nchw = _input(node, qy if qx is None else qx)
    if nchw and not qy.per_tensor:
        x, nchw = node.value(0), False
    if qx is not None:
        x = _dequantize(node, x, qx)
    elif node.tensor(0).dtype != _F32:
        x = node.build1("cast", [x], {"to": _F32})
    out = node.output().dtype
    s, z = _params(node, qy, out, "output")
    attrs = {
        "axis": qy.axis,
        "block_size": 0,
        "saturate": 1,
        "output_dtype": out,
        "precision": _F32,
    }
    y = node.build1("quantize_linear", [x, s, z], attrs)
    return [Nchw(y) if nchw else y]


@converter(
    "DEQUANTIZE",
    needs=["dequantize_linear", "cast", "constant"],
    category="quantization",
    quantized="integer",
)
def dequantize(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    q = t.quant if is_quantized(t) else None
    x, nchw = _input(node, q)
    if q is None:
        if t.dtype.kind != "f":
            node.fail(f"input {t.describe()} is neither quantized nor float")
        y = node.build1("cast", [x], {"to": node.output().dtype})
    else:
        y = _dequantize(node, x, q)
    return [Nchw(y) if nchw else y]
