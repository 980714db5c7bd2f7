"""Low-precision element types end to end (CPU target, through the C ABI): Cast / CastLike
between f32 / f16 and float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz, e8m0), float4 e2m1, int4 /
uint4, int2 / uint2, with and without `saturate`, every `round_mode`; every bit pattern of
each type decoded; BitCast; constants and data movement of these types. onnx's reference
implementation is the reference, compared bit for bit. Each test compiles one model holding
many nodes (compiles dominate the time)."""

from __future__ import annotations

import warnings
from pathlib import Path

import ml_dtypes
import numpy as np
import onnx
import pytest
from onnx import TensorProto as TP
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import strata
from strata import dtypes

F8 = ["FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ"]
NARROW = [*F8, "FLOAT4E2M1", "INT4", "UINT4", "INT2", "UINT2"]
ALL_NARROW = [*NARROW, "FLOAT8E8M0"]

# values around every format's rounding ties, range ends, subnormals and specials
VALUES = np.array(
    [0.47892547, 1e6, 1e-7, np.nan, np.inf, -np.inf, -1e-7, -1e6, 0.0, -0.0, 3.5, -448, 449,
     464, 480, 2**-9, 2**-10, 1.5 * 2**-10, 57344, 61440, 2.5, -2.5, 6.5, 0.25, 0.75, 1.25,
     1.75, 2**-127, 2**-10, 5.0, -9.0, 15.0, 17.5, -3.0, 2**-17, 3 * 2**-18, 240, 2**120,
     2**127 * 1.5, -0.1],
    dtype=np.float32,
)  # fmt: skip


def _np(t: str) -> np.dtype:
    return np.dtype(helper.tensor_dtype_to_np_dtype(getattr(TP, t)))


def _vi(name: str, t: str, shape: list[object]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, getattr(TP, t), shape)


def _model(nodes, inputs, outputs, opset: int = 25, inits=()) -> onnx.ModelProto:  # type: ignore[no-untyped-def]
    graph = helper.make_graph(nodes, "lowp", inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 11
    return model


def _bits(a: np.ndarray) -> np.ndarray:
    """Comparable bits: the storage byte of 1-byte types, NaNs of wider floats unified."""
    a = np.asarray(a)
    if a.dtype.itemsize == 1:
        return a.view(np.uint8)
    if a.dtype.kind == "f":
        return np.where(np.isnan(a), np.nan, a).view(np.dtype(f"uint{8 * a.dtype.itemsize}"))
    return a


def _check(model: onnx.ModelProto, feeds: dict[str, np.ndarray], tmp_path: Path) -> None:
    compiled = strata.compile(model, cache_dir=tmp_path, num_threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = ReferenceEvaluator(model).run(None, feeds)
    got = compiled.run(feeds)
    for o, g, w in zip(model.graph.output, got, want, strict=True):
        w = np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, o.name
        np.testing.assert_array_equal(_bits(g), _bits(w), err_msg=o.name)


def test_cast_float_to_narrow_types(tmp_path: Path) -> None:
    """f32 and f16 to every narrow type, saturating and not, e8m0 in every round mode; a
    dynamic leading dim; Cast and CastLike."""
    nodes, outputs = [], []
    for src in ("x32", "x16"):
        for t in NARROW:
            for sat in (1, 0):
                out = f"{src}_{t}_{sat}"
                nodes.append(
                    helper.make_node("Cast", [src], [out], to=getattr(TP, t), saturate=sat)
                )
                outputs.append(_vi(out, t, ["n", 5]))
        for mode in ("up", "down", "nearest"):
            for sat in (1, 0):
                out = f"{src}_e8m0_{mode}_{sat}"
                attrs = {"to": TP.FLOAT8E8M0, "saturate": sat, "round_mode": mode}
                nodes.append(helper.make_node("Cast", [src], [out], **attrs))
                outputs.append(_vi(out, "FLOAT8E8M0", ["n", 5]))
    nodes.append(helper.make_node("CastLike", ["x32", "like"], ["cl"], saturate=0))
    outputs.append(_vi("cl", "FLOAT8E5M2", ["n", 5]))
    inputs = [_vi("x32", "FLOAT", ["n", 5]), _vi("x16", "FLOAT16", ["n", 5])]
    inputs.append(_vi("like", "FLOAT8E5M2", [1]))
    model = _model(nodes, inputs, outputs)
    x = VALUES.reshape(8, 5)
    with np.errstate(over="ignore"):
        x16 = x.astype(np.float16)
    _check(model, {"x32": x, "x16": x16, "like": np.zeros(1, _np("FLOAT8E5M2"))}, tmp_path)


def test_cast_every_narrow_bit_pattern(tmp_path: Path) -> None:
    """Every storage value of every narrow type to f32, f16, f64, int32, uint8 and bool, and
    to another narrow type."""
    nodes, inputs, outputs, feeds = [], [], [], {}
    for t in ALL_NARROW:
        dt = _np(t)
        count = 256 if dtypes.lookup(dt).bits == 8 else 1 << dtypes.lookup(dt).bits  # type: ignore[union-attr]
        feeds[t] = np.arange(count, dtype=np.uint8).view(dt)
        inputs.append(_vi(t, t, [count]))
        targets = ["FLOAT", "FLOAT16", "DOUBLE", "BOOL"]
        if t in ("INT4", "UINT4", "INT2", "UINT2", "FLOAT4E2M1", "FLOAT8E4M3FN"):
            targets += ["INT32", "UINT8"]  # no inf: float -> int agrees with ml_dtypes
        # (ml_dtypes has no e8m0 -> int4 conversion; inf -> int is left unspecified)
        if t not in ("FLOAT8E8M0", "FLOAT8E5M2"):
            targets.append("INT4" if t.startswith("FLOAT") else "FLOAT8E4M3FN")
        for to in targets:
            nodes.append(helper.make_node("Cast", [t], [f"{t}_{to}"], to=getattr(TP, to)))
            outputs.append(_vi(f"{t}_{to}", to, [count]))
    _check(_model(nodes, inputs, outputs), feeds, tmp_path)


def test_cast_integers_to_narrow_types(tmp_path: Path) -> None:
    """int32 / uint8 / bool into int4 / uint2 (wrap-around) and float8 / float4."""
    nodes, outputs = [], []
    for src in ("i32", "u8", "b"):
        for t in ("INT4", "UINT2", "FLOAT8E4M3FN", "FLOAT4E2M1", "FLOAT8E8M0"):
            nodes.append(helper.make_node("Cast", [src], [f"{src}_{t}"], to=getattr(TP, t)))
            outputs.append(_vi(f"{src}_{t}", t, [6]))
    inputs = [_vi("i32", "INT32", [6]), _vi("u8", "UINT8", [6]), _vi("b", "BOOL", [6])]
    feeds = {
        "i32": np.array([-9, -1, 0, 7, 17, 1000], np.int32),
        "u8": np.array([0, 1, 5, 15, 16, 255], np.uint8),
        "b": np.array([True, False, True, True, False, False]),
    }
    _check(_model(nodes, inputs, outputs), feeds, tmp_path)


def test_bitcast(tmp_path: Path) -> None:
    pairs = [
        ("FLOAT", "INT32"),
        ("INT64", "DOUBLE"),
        ("UINT16", "FLOAT16"),
        ("FLOAT16", "BFLOAT16"),
        ("BOOL", "UINT8"),
        ("INT8", "UINT8"),
        ("FLOAT8E4M3FN", "UINT8"),
        ("UINT8", "FLOAT8E5M2"),
        ("FLOAT4E2M1", "UINT4"),
    ]
    rng = np.random.default_rng(0)
    nodes, inputs, outputs, feeds = [], [], [], {}
    for i, (src, dst) in enumerate(pairs):
        dt = _np(src)
        if src == "BOOL":
            x = rng.integers(0, 2, (2, 3)).astype(bool)
        elif src == "FLOAT4E2M1":
            x = rng.integers(0, 16, (2, 3), dtype=np.uint8).view(dt)
        else:
            x = rng.integers(0, 256, (2, 3 * dt.itemsize), dtype=np.uint8).view(dt)
        feeds[f"x{i}"] = x
        inputs.append(_vi(f"x{i}", src, ["n", 3]))
        nodes.append(helper.make_node("BitCast", [f"x{i}"], [f"y{i}"], to=getattr(TP, dst)))
        outputs.append(_vi(f"y{i}", dst, ["n", 3]))
    _check(_model(nodes, inputs, outputs, opset=26), feeds, tmp_path)


def test_constants_and_data_movement(tmp_path: Path) -> None:
    """Initializers of narrow types (inline dense<...> constants) through Concat / Transpose /
    Reshape / Gather / Where, then Cast to f32."""
    c8 = numpy_helper.from_array(
        np.array([[1.0, -0.5, 448.0], [np.nan, 0.0, -(2.0**-9)]], ml_dtypes.float8_e4m3fn), "c8"
    )
    c4 = numpy_helper.from_array(np.array([[-8, 7, -1], [0, 3, -2]], ml_dtypes.int4), "c4")
    idx = numpy_helper.from_array(np.array([2, 0], np.int64), "idx")
    shape = numpy_helper.from_array(np.array([3, -1], np.int64), "shape")
    nodes = [
        helper.make_node("Concat", ["x8", "c8"], ["cat8"], axis=0),
        helper.make_node("Transpose", ["cat8"], ["t8"], perm=[1, 0]),
        helper.make_node("Cast", ["t8"], ["y8"], to=TP.FLOAT),
        helper.make_node("Concat", ["x4", "c4"], ["cat4"], axis=0),
        helper.make_node("Reshape", ["cat4", "shape"], ["r4"]),
        helper.make_node("Gather", ["r4", "idx"], ["g4"], axis=0),
        helper.make_node("Where", ["m", "g4", "g4"], ["w4"]),
        helper.make_node("Cast", ["w4"], ["y4"], to=TP.FLOAT),
        helper.make_node("Identity", ["cat8"], ["id8"]),
    ]
    inputs = [_vi("x8", "FLOAT8E4M3FN", [2, 3]), _vi("x4", "INT4", [1, 3]), _vi("m", "BOOL", [])]
    outputs = [
        _vi("y8", "FLOAT", [3, 4]),
        _vi("y4", "FLOAT", [2, 3]),
        _vi("id8", "FLOAT8E4M3FN", [4, 3]),
    ]
    model = _model(nodes, inputs, outputs, inits=[c8, c4, idx, shape])
    feeds = {
        "x8": np.array([[0.25, 3.0, -6.0], [240.0, 1e-3, -0.0]], np.float32).astype(
            ml_dtypes.float8_e4m3fn
        ),
        "x4": np.array([[5, -3, 1]], ml_dtypes.int4),
        "m": np.array(True),
    }
    _check(model, feeds, tmp_path)


def test_c_header_and_load(tmp_path: Path) -> None:
    """float8 / int4 buffers are uint8_t in NAME.h; strata.load runs the built library."""
    nodes = [helper.make_node("Cast", ["x"], ["y"], to=TP.INT4)]
    model = _model(nodes, [_vi("x", "FLOAT8E5M2", [4])], [_vi("y", "INT4", [4])])
    compiled = strata.compile(model, cache_dir=tmp_path, num_threads=1)
    header = (compiled.directory / f"{compiled.name}.h").read_text()
    assert "const uint8_t x[4]," in header and "uint8_t out_y[4]" in header
    x = np.array([1.5, -7.0, 20.0, -0.25], ml_dtypes.float8_e5m2)
    loaded = strata.load(compiled.directory)
    (y,) = loaded.run({"x": x})
    assert y.dtype == np.dtype(ml_dtypes.int4)
    np.testing.assert_array_equal(y.astype(np.int8), [1, -7, 4, 0])


def test_narrow_dtype_rows() -> None:
    for name in ("float8_e4m3fn", "float4_e2m1fn", "int4", "uint2", "float8_e8m0fnu"):
        d = dtypes.lookup(np.dtype(getattr(ml_dtypes, name)))
        assert d is not None and d.storage == "i8" and d.ctype == "uint8_t"
        assert dtypes.is_narrow(d.np) and not dtypes.is_float(d.np) and not dtypes.is_integer(d.np)
    assert dtypes.lookup("int4").bits == 4 and dtypes.lookup("uint2").bits == 2  # type: ignore[union-attr]


def test_arithmetic_on_narrow_types_is_refused(tmp_path: Path) -> None:
    model = _model(
        [helper.make_node("Relu", ["x"], ["y"])],
        [_vi("x", "FLOAT8E4M3FN", [3])],
        [_vi("y", "FLOAT8E4M3FN", [3])],
    )
    with pytest.raises(strata.StrataError, match="f8E4M3FN supports only Cast / BitCast"):
        strata.compile(model, cache_dir=tmp_path)
