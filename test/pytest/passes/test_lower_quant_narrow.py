"""QuantizeLinear / DequantizeLinear with the low-precision types (float8 e4m3fn / e4m3fnuz /
e5m2 / e5m2fnuz, float4 e2m1fn, int4 / uint4, int2 / uint2) compiled end to end (CPU target,
C ABI) and compared bit for bit with onnx.reference: per tensor, per axis and blocked, with
and without zero points, `saturate` on and off, a float16 input / `precision`, float16 scales
and `output_dtype`. Every model has a symbolic leading dim and runs with two sizes; each test
compiles one model holding many nodes (compiles dominate the time)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto as TP
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import strata
from strata.errors import ModelImportError

R = np.random.default_rng(11)
F8 = ["FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ"]
INTS = ["INT4", "UINT4", "INT2", "UINT2"]
ALL = [*F8, "FLOAT4E2M1", *INTS]
COLS = 8  # x is (n, 8); blocked scales are (n, 3): blocks of 3 along axis 1, the last short


def _np(t: str) -> np.dtype[Any]:
    return np.dtype(helper.tensor_dtype_to_np_dtype(getattr(TP, t)))


def _vi(name: str, t: str, shape: list[Any]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, getattr(TP, t), shape)


def _model(nodes: list[onnx.NodeProto], inputs: list[onnx.ValueInfoProto],
           outputs: list[onnx.ValueInfoProto], opset: int = 25,
           inits: list[onnx.TensorProto] | None = None) -> onnx.ModelProto:  # fmt: skip
    graph = helper.make_graph(nodes, "qdq", inputs, outputs, inits or [])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 11
    return model


def _bits(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Comparable bits: the storage byte of 1-byte types, NaNs of wider floats unified."""
    a = np.asarray(a)
    if a.dtype.itemsize == 1:
        return a.view(np.uint8)
    if a.dtype.kind == "f":
        return np.where(np.isnan(a), np.nan, a).view(np.dtype(f"uint{8 * a.dtype.itemsize}"))
    return a


def _check(model: onnx.ModelProto, feeds: list[dict[str, np.ndarray[Any, Any]]],
           tmp_path: Path) -> None:  # fmt: skip
    compiled = strata.compile(model, cache_dir=tmp_path, num_threads=1)
    ref = ReferenceEvaluator(model)
    for feed in feeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = ref.run(None, feed)
        got = compiled.run(feed)
        for o, g, w in zip(model.graph.output, got, want, strict=True):
            w = np.asarray(w)
            assert g.dtype == w.dtype and g.shape == w.shape, (o.name, g.dtype, w.dtype)
            np.testing.assert_array_equal(_bits(g), _bits(w), err_msg=o.name)


def _x(n: int, floats: bool, dtype: Any = np.float32) -> np.ndarray[Any, Any]:
    """(n, COLS) values around the types' range ends and rounding ties (after the scales
    below), with NaN and infinities only for float results (numpy's int32(NaN / inf) is
    platform-defined)."""
    special = [2.5, -2.5, 0.5, -0.5, 1.5, 7.5, -8.5, -0.0, 3.5, 1e4, -1e4, 449, 464, 480,
               57344, 61440, 6.5, 2.0**-9, 2.0**-17, 0.25, 0.75, -1.25, 5.0, -6.5]  # fmt: skip
    if floats:
        special += [np.nan, np.inf, -np.inf]
    x = R.uniform(-20, 20, (n, COLS))
    k = min(x.size, len(special))
    x.flat[:k] = special[:k]
    return x.astype(dtype)


def _zero_point(t: str, shape: tuple[int, ...]) -> np.ndarray[Any, Any]:
    d = _np(t)
    if t in INTS:
        info = np.iinfo(np.int8 if t.startswith("INT") else np.uint8)
        bits = 4 if t.endswith("4") else 2
        lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if info.min < 0 else (0, 2**bits - 1)
        return R.integers(lo, hi, shape, endpoint=True).astype(d)
    if t == "FLOAT4E2M1":  # onnx.reference adds float4 zero points
        return R.choice([0.0, -0.5, 1.0, 1.5, -3.0], shape).astype(d)
    return np.zeros(shape, d)  # float8 zero points must be 0


def test_quantize_linear_narrow(tmp_path: Path) -> None:
    """Every narrow type per tensor (no zero point, and a [1] zero point with a scalar scale,
    as in the ONNX node tests), per axis and blocked (run-time scales and zero points of the
    symbolic shape); float8 with `saturate` 0 as well; an f16 input with `precision` f32 and
    an f32 input with `precision` f16."""
    nodes, outputs = [], []
    inputs = [_vi(x, "FLOAT", ["n", COLS]) for x in ("x", "xf")]
    inputs += [_vi(x, "FLOAT16", ["n", COLS]) for x in ("x16", "xf16")]
    inputs.append(_vi("bs", "FLOAT", ["n", 3]))
    feeds: list[dict[str, np.ndarray[Any, Any]]] = [
        {"x": _x(n, False), "xf": _x(n, True), "x16": _x(n, False, np.float16),
         "xf16": _x(n, True, np.float16),
         "bs": R.choice([0.5, 1.0, 2.0, 0.125], (n, 3)).astype(np.float32)}
        for n in (4, 2)
    ]  # fmt: skip
    inits = [
        numpy_helper.from_array(np.array(0.5, np.float32), "s"),
        numpy_helper.from_array(np.array(2.0, np.float32), "s2"),
        numpy_helper.from_array(np.array([1, 0.5, 2, 0.25, 4, 1, 0.125, 8], np.float32), "sa"),
    ]

    def const(name: str, value: np.ndarray[Any, Any]) -> str:
        inits.append(numpy_helper.from_array(value, name))
        return name

    def add(name: str, ins: list[str], t: str, **attrs: Any) -> None:
        nodes.append(helper.make_node("QuantizeLinear", ins, [name], **attrs))
        outputs.append(_vi(name, t, ["n", COLS]))

    for t in ALL:
        code = getattr(TP, t)
        low = t.lower()
        x, x16 = ("x", "x16") if t in INTS else ("xf", "xf16")
        add(f"{low}_tensor", [x, "s"], t, output_dtype=code)
        add(f"{low}_tensor_zp", [x, "s", const(f"{low}_z1", _zero_point(t, (1,)))], t)
        add(f"{low}_axis", [x, "sa", const(f"{low}_za", _zero_point(t, (COLS,)))], t, axis=1)
        add(f"{low}_f16", [x16, "s"], t, output_dtype=code, precision=TP.FLOAT)
        if t in F8:
            add(f"{low}_nosat", [x, "s"], t, output_dtype=code, saturate=0)
        # blocked: run-time scales of the symbolic shape (n, 3), blocks of 3 along axis 1
        add(f"{low}_blocked", [x, "bs"], t, output_dtype=code, axis=1, block_size=3)
        zb = f"zb_{low}"
        inputs.append(_vi(zb, t, ["n", 3]))
        for f in feeds:
            f[zb] = _zero_point(t, f["bs"].shape)
        add(f"{low}_blocked_zp", [x, "bs", zb], t, axis=1, block_size=3)
        # scale 2: no quotient overflows f16 (numpy's int32(inf) is platform-defined)
        add(f"{low}_f16_precision", [x, "s2"], t, output_dtype=code, precision=TP.FLOAT16)
    _check(_model(nodes, inputs, outputs, inits=inits), feeds, tmp_path)


def _patterns(t: str, n: int) -> np.ndarray[Any, Any]:
    """(n, COLS) of the type: every bit pattern in order, repeated (all 256 of a byte for
    n >= 32)."""
    bits = 8 if t in F8 else 4 if t.endswith("4") or t == "FLOAT4E2M1" else 2
    flat = np.arange(n * COLS) % (1 << bits)
    return flat.astype(np.uint8).view(_np(t)).reshape(n, COLS)


def test_dequantize_linear_narrow(tmp_path: Path) -> None:
    """Every bit pattern of each narrow type per tensor, per axis (with zero points of the
    integer types) and blocked (run-time scales and zero points of the symbolic shape);
    f16 scales (f16 results) and `output_dtype` f16 with f32 scales."""
    nodes, outputs, inputs = [], [], []
    inputs.append(_vi("bs", "FLOAT", ["n", 3]))
    inputs.append(_vi("s16", "FLOAT16", []))
    feeds: list[dict[str, np.ndarray[Any, Any]]] = [
        {"bs": R.choice([0.5, 1.0, 3.0, -0.125], (n, 3)).astype(np.float32),
         "s16": np.array(0.3, np.float16)}
        for n in (32, 3)
    ]  # fmt: skip

    def add(name: str, ins: list[str], t: str = "FLOAT", **attrs: Any) -> None:
        nodes.append(helper.make_node("DequantizeLinear", ins, [name], **attrs))
        outputs.append(_vi(name, t, ["n", COLS]))

    def feed(name: str, t: str, shape: list[Any], make: Any) -> str:
        inputs.append(_vi(name, t, shape))
        for f in feeds:
            n = f["bs"].shape[0]
            f[name] = make(tuple(n if d == "n" else d for d in shape))
        return name

    s = feed("s", "FLOAT", [], lambda _: np.array(0.37, np.float32))
    sa = feed("sa", "FLOAT", [COLS], lambda sh: R.uniform(-4, 4, sh).astype(np.float32))
    for t in ALL:
        low = t.lower()
        x = feed(f"x_{low}", t, ["n", COLS], lambda sh, t=t: _patterns(t, sh[0]))
        z1 = feed(f"z1_{low}", t, [1], lambda sh, t=t: _zero_point(t, sh))
        add(f"{low}_tensor", [x, s])
        add(f"{low}_tensor_zp", [x, s, z1])
        add(f"{low}_f16_scale", [x, "s16"], "FLOAT16")
        add(f"{low}_f16_out", [x, s], "FLOAT16", output_dtype=TP.FLOAT16)
        if t in INTS:  # float zero points are ignored by onnx.reference
            za = feed(f"za_{low}", t, [COLS], lambda sh, t=t: _zero_point(t, sh))
            zb = feed(f"zb_{low}", t, ["n", 3], lambda sh, t=t: _zero_point(t, sh))
            add(f"{low}_axis", [x, sa, za], axis=1)
            add(f"{low}_blocked", [x, "bs", zb], axis=1, block_size=3)
        else:
            add(f"{low}_axis", [x, sa], axis=1)
            add(f"{low}_blocked", [x, "bs"], axis=1, block_size=3)
    _check(_model(nodes, inputs, outputs), feeds, tmp_path)


def test_dequantize_float8_nonzero_zero_point_is_refused(tmp_path: Path) -> None:
    x = _vi("x", "FLOAT8E4M3FN", [3])
    z = helper.make_tensor("z", TP.FLOAT8E4M3FN, [1], [1.0])
    node = helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"])
    s = helper.make_tensor("s", TP.FLOAT, [], [0.5])
    graph = helper.make_graph([node], "g", [x], [_vi("y", "FLOAT", [3])], [s, z])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 25)])
    with pytest.raises(ModelImportError, match=r"x_zero_point of float8 input \S+ must be 0"):
        strata.compile(model, cache_dir=tmp_path)
