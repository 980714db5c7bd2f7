"""Numeric tests of the quantization lowerings (nn.quantize_linear / nn.dequantize_linear)
against `onnx.reference` (the ONNX node tests' oracle; onnxruntime lacks blocked forms and
`precision`), and of the composed ONNX ops (QLinearMatMul, QLinearConv, MatMulInteger,
ConvInteger, DynamicQuantizeLinear) compiled end to end, with symbolic dims."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from nn_jit import check
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import strata

R = np.random.default_rng(5)
F32 = np.dtype("float32")


def _x(*shape: int, dtype: Any = F32) -> np.ndarray[Any, Any]:
    """Wide-ranging values (saturating both ends) with exact ties at x.5 after scaling."""
    x = R.uniform(-300, 300, shape)
    x.flat[: min(x.size, 8)] = [2.5, -2.5, 0.5, -0.5, 1.5, 3.5, -0.0, 1e4][: min(x.size, 8)]
    return x.astype(dtype)


def _qattrs(out: np.dtype[Any], precision: np.dtype[Any], **kw: int) -> dict[str, Any]:
    return {"axis": kw.get("axis", 1), "block_size": kw.get("block_size", 0),
            "saturate": 1, "output_dtype": out, "precision": precision}  # fmt: skip


def _code(d: Any) -> int:
    return int(helper.np_dtype_to_tensor_dtype(np.dtype(d)))


@pytest.mark.parametrize("out", ["uint8", "int8", "int16", "uint16"])
@pytest.mark.parametrize("mode", ["tensor", "axis", "blocked"])
def test_quantize_linear(out: str, mode: str) -> None:
    x = _x(3, 6)
    if mode == "tensor":
        scale = np.array(1.0, F32)
    elif mode == "axis":
        scale = np.array([1.0, 0.5, 2.0], F32)
    else:  # blocks of 4 along axis 1: 6 -> 2 blocks, the last one short
        scale = np.array([[1.0, 0.25], [2.0, 0.5], [1.0, 4.0]], F32)
    axis = 0 if mode == "axis" else 1
    block = 4 if mode == "blocked" else 0
    zp = np.asarray(R.integers(0, 60, scale.shape) - (30 if out.startswith("i") else 0)).astype(out)
    attrs = _qattrs(np.dtype(out), F32, axis=axis, block_size=block)
    check("quantize_linear", [x, scale, zp], attrs, "QuantizeLinear",
          {"axis": axis, "block_size": block}, opset=21, reference="onnx")  # fmt: skip


def test_quantize_linear_no_zero_point_is_uint8_or_output_dtype() -> None:
    x = _x(2, 5)
    scale = np.array(0.5, F32)
    check("quantize_linear", [x, scale, None], _qattrs(np.dtype("uint8"), F32),
          "QuantizeLinear", {}, opset=21, reference="onnx")  # fmt: skip
    check("quantize_linear", [x, scale, None], _qattrs(np.dtype("int16"), F32),
          "QuantizeLinear", {"output_dtype": TensorProto.INT16}, opset=21,
          reference="onnx")  # fmt: skip


def test_quantize_linear_float16_input_and_precision() -> None:
    # f16 / f16 divides in f16 (numpy rounds the f32 quotient); `precision` = f16 rounds an
    # f32 input first
    x16 = _x(4, 4, dtype=np.float16)
    s16 = np.array(0.3, np.float16)
    zp = np.array(3, np.int8)
    check("quantize_linear", [x16, s16, zp], _qattrs(np.dtype("int8"), np.dtype("float16")),
          "QuantizeLinear", {}, opset=21, reference="onnx")  # fmt: skip
    x = _x(4, 4) / 100
    s = np.array(0.0037, F32)
    check("quantize_linear", [x, s, zp], _qattrs(np.dtype("int8"), np.dtype("float16")),
          "QuantizeLinear", {"precision": TensorProto.FLOAT16}, opset=23,
          reference="onnx")  # fmt: skip


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "uint16", "int32"])
@pytest.mark.parametrize("mode", ["tensor", "axis", "blocked"])
def test_dequantize_linear(dtype: str, mode: str) -> None:
    info = np.iinfo(dtype)
    x = R.integers(info.min, info.max, (2, 5), endpoint=True).astype(dtype)
    if mode == "tensor":
        scale = np.array(0.37, F32)
    elif mode == "axis":
        scale = np.array([0.5, 0.013, 3.0, 1.7, 0.25], F32)
    else:  # blocks of 2 along axis 1: 5 -> 3 blocks
        scale = np.array([[0.5, 0.013, 3.0], [1.7, 0.25, 9.0]], F32)
    zp = np.asarray(R.integers(max(info.min, -100), min(info.max, 100), scale.shape)).astype(dtype)
    block = 2 if mode == "blocked" else 0
    attrs = {"axis": 1, "block_size": block, "output_dtype": F32}
    check("dequantize_linear", [x, scale, zp], attrs, "DequantizeLinear",
          {"axis": 1, "block_size": block}, opset=21, reference="onnx",
          rtol=0, atol=0)  # fmt: skip


def test_dequantize_linear_float16_scale_and_output_dtype() -> None:
    x = R.integers(-128, 127, (3, 4)).astype(np.int8)
    s16 = np.array([0.1, 0.2, 0.7], np.float16)
    attrs = {"axis": 0, "block_size": 0, "output_dtype": np.dtype("float16")}
    check("dequantize_linear", [x, s16, None], attrs, "DequantizeLinear", {"axis": 0},
          opset=21, reference="onnx", rtol=0, atol=0)  # fmt: skip
    s = np.array(0.1, F32)
    attrs = {"axis": 1, "block_size": 0, "output_dtype": np.dtype("float16")}
    check("dequantize_linear", [x, s, None], attrs, "DequantizeLinear",
          {"output_dtype": TensorProto.FLOAT16}, opset=23, reference="onnx",
          rtol=0, atol=0)  # fmt: skip


# ---- composed ops, compiled end to end --------------------------------------------------------

Inputs = list[tuple[str, np.ndarray[Any, Any], list[int | str] | None]]


def _compile_and_compare(
    op: str, inputs: Inputs, attrs: dict[str, Any], n_out: int, opset: int, tmp: Path,
    feeds: list[list[np.ndarray[Any, Any]]] | None = None,
) -> None:  # fmt: skip
    """One-node model (inputs with their declared shapes: None = the array's) compiled once,
    run on `feeds` (default: the given arrays) and compared exactly with onnx.reference."""
    names = [n for n, _, _ in inputs]
    infos = [
        helper.make_tensor_value_info(n, _code(a.dtype), list(a.shape) if s is None else s)
        for n, a, s in inputs
    ]
    outs = [f"y{i}" for i in range(n_out)]
    node = helper.make_node(op, names, outs, **attrs)
    graph = helper.make_graph([node], "g", infos, [onnx.ValueInfoProto(name=o) for o in outs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    ref = ReferenceEvaluator(model)
    runs = feeds or [[a for _, a, _ in inputs]]
    first = ref.run(None, dict(zip(names, runs[0], strict=True)))
    for i, r in enumerate(first):
        r = np.asarray(r)
        shape = [None] * r.ndim
        model.graph.output[i].CopyFrom(
            helper.make_tensor_value_info(outs[i], _code(r.dtype), shape)
        )
    compiled = strata.compile(model, cache_dir=tmp, num_threads=1)
    for arrays in runs:
        got = compiled.run(arrays)
        want = ref.run(None, dict(zip(names, arrays, strict=True)))
        for g, w in zip(got, want, strict=True):
            w = np.asarray(w)
            assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
            np.testing.assert_array_equal(g, w)


def _u8(*shape: int) -> np.ndarray[Any, Any]:
    return R.integers(0, 255, shape, endpoint=True).astype(np.uint8)


def _i8(*shape: int) -> np.ndarray[Any, Any]:
    return R.integers(-128, 127, shape, endpoint=True).astype(np.int8)


def test_quantize_dequantize_symbolic_dims(tmp_path: Path) -> None:
    """QuantizeLinear per axis on a tensor with a symbolic batch, two batch sizes."""
    scale = np.array([0.5, 2.0, 0.1], F32)
    zp = np.array([3, -7, 0], np.int8)
    a, b = _x(2, 3, 4), _x(5, 3, 4)
    _compile_and_compare("QuantizeLinear",
                         [("x", a, ["n", 3, 4]), ("s", scale, None), ("z", zp, None)],
                         {"axis": 1}, 1, 21, tmp_path,
                         feeds=[[a, scale, zp], [b, scale, zp]])  # fmt: skip
    q = _i8(2, 6)
    _compile_and_compare("DequantizeLinear",
                         [("x", q, ["n", "m"]), ("s", scale[:1], None), ("z", zp[:1], None)],
                         {}, 1, 21, tmp_path,
                         feeds=[[q, scale[:1], zp[:1]], [_i8(3, 1), scale[:1], zp[:1]]])  # fmt: skip


def test_matmul_integer_symbolic_rows(tmp_path: Path) -> None:
    a, b = _u8(4, 3), _i8(3, 5)
    az, bz = np.array(12, np.uint8), np.array(-3, np.int8)
    _compile_and_compare("MatMulInteger",
                         [("a", a, ["m", 3]), ("b", b, None), ("az", az, None), ("bz", bz, None)],
                         {}, 1, 10, tmp_path,
                         feeds=[[a, b, az, bz], [_u8(7, 3), b, az, bz]])  # fmt: skip


@pytest.mark.parametrize("dtype", ["uint8", "int8"])
def test_qlinear_matmul(dtype: str, tmp_path: Path) -> None:
    q = _u8 if dtype == "uint8" else _i8
    a, b = q(2, 3, 4), q(4, 2)
    s = [np.array(v, F32) for v in (0.02, 0.013, 0.05)]
    z = [np.array(v, dtype) for v in (7, 100, 1)] if dtype == "uint8" else [
        np.array(v, dtype) for v in (-7, 10, 1)]  # fmt: skip
    _compile_and_compare("QLinearMatMul",
                         [("a", a, None), ("as", s[0], None), ("az", z[0], None),
                          ("b", b, None), ("bs", s[1], None), ("bz", z[1], None),
                          ("ys", s[2], None), ("yz", z[2], None)], {}, 1, 21, tmp_path)  # fmt: skip


def test_qlinear_conv_per_channel_with_bias(tmp_path: Path) -> None:
    x, w = _u8(1, 2, 5, 5), _u8(3, 2, 3, 3)
    ins: Inputs = [
        ("x", x, None), ("xs", np.array(0.01, F32), None), ("xz", np.array(120, np.uint8), None),
        ("w", w, None), ("ws", np.array([0.02, 0.005, 0.03], F32), None),
        ("wz", np.array(130, np.uint8), None),
        ("ys", np.array(0.2, F32), None), ("yz", np.array(30, np.uint8), None),
        ("b", np.array([100, -2000, 5], np.int32), None),
    ]  # fmt: skip
    _compile_and_compare("QLinearConv", ins, {"pads": [1, 0, 1, 2], "strides": [2, 1]}, 1, 10,
                         tmp_path)  # fmt: skip


def test_conv_integer_per_channel_zero_point(tmp_path: Path) -> None:
    x, w = _i8(2, 2, 4, 4), _i8(2, 2, 2, 2)
    _compile_and_compare("ConvInteger",
                         [("x", x, ["n", 2, 4, 4]), ("w", w, None),
                          ("xz", np.array(-4, np.int8), None),
                          ("wz", np.array([3, -1], np.int8), None)],
                         {"pads": [1, 1, 1, 1]}, 1, 10, tmp_path)  # fmt: skip


def test_dynamic_quantize_linear_symbolic(tmp_path: Path) -> None:
    a = _x(3, 4) / 50
    pos = np.abs(a) + 1  # range [0, max]: zero point 0
    zeros = np.zeros((2, 4), F32)  # zero range: scale 1 / 255
    _compile_and_compare("DynamicQuantizeLinear", [("x", a, ["n", 4])], {}, 3, 11, tmp_path,
                         feeds=[[a], [pos], [zeros]])  # fmt: skip
