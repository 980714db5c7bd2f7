"""CPU target end to end: contractions (interchanged loop schedule) and ONNX models vs references."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata

ROOT = Path(__file__).resolve().parents[3]
CONTRACTIONS = ROOT / "test" / "targets" / "cpu" / "Inputs" / "contractions.mlir"


def test_conv_and_batch_matmul_match_numpy(tmp_path: Path) -> None:
    m = strata.compile(CONTRACTIONS, cache_dir=tmp_path)
    r = np.random.default_rng(0)
    x = r.random((1, 8, 16, 16), dtype=np.float32)
    w = r.random((16, 8, 3, 3), dtype=np.float32)
    a = r.random((2, 4, 8), dtype=np.float32)
    b = r.random((2, 8, 5), dtype=np.float32)
    y, z = m.run({"x": x, "w": w, "a": a, "b": b})
    ref = np.zeros((1, 16, 14, 14), np.float32)
    for kh in range(3):
        for kw in range(3):
            ref += np.einsum("nchw,fc->nfhw", x[:, :, kh : kh + 14, kw : kw + 14], w[:, :, kh, kw])
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(z, a @ b, rtol=1e-5, atol=1e-6)


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.save(model, path)
    return path


def _ort(path: Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    ort = pytest.importorskip("onnxruntime")
    return list(ort.InferenceSession(str(path)).run(None, feeds))


def test_onnx_elementwise_with_weights_matches_onnxruntime(tmp_path: Path) -> None:
    r = np.random.default_rng(0)
    b1 = r.standard_normal((3, 5)).astype(np.float32)
    nodes = [
        helper.make_node("Add", ["x", "b1"], ["h"], name="add1"),
        helper.make_node("Relu", ["h"], ["y"], name="relu"),
        helper.make_node("Sigmoid", ["x"], ["z"], name="sig"),
    ]
    vi = helper.make_tensor_value_info
    g = helper.make_graph(
        nodes,
        "ew",
        [vi("x", TensorProto.FLOAT, [3, 5])],
        [vi("y", TensorProto.FLOAT, [3, 5]), vi("z", TensorProto.FLOAT, [3, 5])],
        [numpy_helper.from_array(b1, "b1")],
    )
    path = _save(g, tmp_path / "ew.onnx")
    m = strata.compile(path, cache_dir=tmp_path / "c")
    x = r.standard_normal((3, 5)).astype(np.float32)
    for got, ref in zip(m.run({"x": x}), _ort(path, {"x": x}), strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)


def test_onnx_mlp_matches_onnxruntime(tmp_path: Path) -> None:
    r = np.random.default_rng(0)
    w1 = r.standard_normal((16, 32)).astype(np.float32)
    b1 = r.standard_normal(32).astype(np.float32)
    w2 = r.standard_normal((32, 10)).astype(np.float32)
    b2 = r.standard_normal(10).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm1"),
        helper.make_node("Add", ["h", "b1"], ["h2"], name="add1"),
        helper.make_node("Relu", ["h2"], ["h3"], name="relu"),
        helper.make_node("Gemm", ["h3", "w2", "b2"], ["y"], name="gemm"),
    ]
    vi = helper.make_tensor_value_info
    inits = [
        numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))
    ]
    g = helper.make_graph(
        nodes,
        "mlp",
        [vi("x", TensorProto.FLOAT, [4, 16])],
        [vi("y", TensorProto.FLOAT, [4, 10])],
        inits,
    )
    path = _save(g, tmp_path / "mlp.onnx")
    m = strata.compile(path, cache_dir=tmp_path / "c")
    x = r.standard_normal((4, 16)).astype(np.float32)
    np.testing.assert_allclose(m.run([x])[0], _ort(path, {"x": x})[0], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("batch", [2, "n"])
def test_outputs_computing_one_value_and_an_input_as_output(batch: int | str) -> None:
    """Two outputs CSE merges into one value, plus the input returned as an output, with a
    static and a dynamic dim (a repeated result crashed buffer-results-to-out-params)."""
    nodes = [helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Relu", ["x"], ["b"])]
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes,
        "dup",
        [vi("x", TensorProto.FLOAT, [batch, 3])],
        [vi(n, TensorProto.FLOAT, [batch, 3]) for n in ("a", "b", "x")],
    )
    model = strata.compile(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    a, b, same = model.run({"x": x})
    np.testing.assert_array_equal(a, np.maximum(x, 0))
    np.testing.assert_array_equal(b, np.maximum(x, 0))
    np.testing.assert_array_equal(same, x)
