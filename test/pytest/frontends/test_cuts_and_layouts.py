"""Sub-graph cuts (`inputs=` / `--inputs`) and the graph-level layout options
(`strata.frontends.layout`) on ONNX models, against ONNX Runtime on
`onnx.utils.extract_model`'s sub-model; the shared contract of `strata.frontends.formats`
(unknown names, missing shapes, --batch-size); `stratac --inputs --outputs` end to end through
`strata.load`. The TF, TFLite and PyTorch cases live beside their frontends' tests (PyTorch's
in test_torch_import.py, whose compile server has torch imported already)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.errors import ModelImportError
from strata.frontends.formats import import_file

RTOL, ATOL = 1e-4, 1e-5
NHWC, NCHW = (0, 2, 3, 1), (0, 3, 1, 2)


def _rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _conv_net(path: Path) -> Path:
    """x[N,3,8,8] -conv1-> c1 -relu-> r1 -conv2-> c2 (+ y) -> out; r1 also feeds a pool output."""
    w1 = numpy_helper.from_array(_rand(4, 3, 3, 3, seed=1), "w1")
    w2 = numpy_helper.from_array(_rand(5, 4, 3, 3, seed=2), "w2")
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], pads=[1, 1, 1, 1], name="conv2"),
        helper.make_node("Add", ["c2", "y"], ["out"], name="add"),
        helper.make_node("MaxPool", ["r1"], ["pool"], kernel_shape=[2, 2], strides=[2, 2]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8]),
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5, 8, 8]),
        ],
        [
            helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N", 5, 8, 8]),
            helper.make_tensor_value_info("pool", TensorProto.FLOAT, ["N", 4, 4, 4]),
        ],
        [w1, w2],
    )
    onnx.save(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=10), path
    )
    return path


def _tf2onnx_style(path: Path) -> Path:
    """An NHWC interface around an NCHW body, as tf2onnx exports TF models."""
    w = numpy_helper.from_array(_rand(4, 3, 3, 3, seed=3), "w")
    nodes = [
        helper.make_node("Transpose", ["x"], ["x_nchw"], perm=list(NCHW)),
        helper.make_node("Conv", ["x_nchw", "w"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("Transpose", ["r"], ["y"], perm=list(NHWC)),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 8, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 8, 4])],
        [w],
    )
    onnx.save(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=10), path
    )
    return path


def _ort(path: Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [np.asarray(v) for v in sess.run(None, feeds)]


# ---- ONNX ----------------------------------------------------------------------------------
def test_onnx_cut_matches_ort_on_the_extracted_model(tmp_path: Path) -> None:
    model = _conv_net(tmp_path / "m.onnx")
    compiled = strata.compile(
        str(model), inputs=["r1"], outputs="out", batch_size=2, cache_dir=tmp_path / "c"
    )
    # x and what only it fed (conv1, relu1) are gone; y is still read
    assert [(i.name, i.shape) for i in compiled.inputs] == [
        ("y", (1, 5, 8, 8)),
        ("r1", (2, 4, 8, 8)),
    ]
    sub = tmp_path / "sub.onnx"
    onnx.utils.extract_model(str(model), str(sub), ["y", "r1"], ["out"])
    r1, y = np.maximum(_rand(2, 4, 8, 8, seed=4), 0), _rand(1, 5, 8, 8, seed=5)
    (want,) = _ort(sub, {"y": y, "r1": r1})
    (got,) = compiled.run([y, r1])
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_onnx_cut_names_and_shapes(tmp_path: Path) -> None:
    model = _conv_net(tmp_path / "m.onnx")
    with pytest.raises(ModelImportError, match=r"'r2' \(nearest: 'r1'.*not among the values"):
        import_file(model, inputs=["r2"])
    with pytest.raises(ModelImportError, match=r"'w1'.* weights"):
        import_file(model, inputs=["w1"])
    # without the batch the cut value has a symbolic leading dim; a shape pins it
    m = import_file(model, inputs=["c1"], outputs=["pool"], input_shapes={"c1": [3, 4, 8, 8]})
    assert [(i.name, i.shape) for i in m.inputs] == [("c1", (3, 4, 8, 8))]
    with pytest.raises(ModelImportError, match="fixes it to 4"):
        import_file(model, inputs=["c1"], input_shapes={"c1": [3, 5, 8, 8]})
    # a shape given for the input the cut drops still shapes the cut value
    m = import_file(model, inputs=["c1"], outputs=["pool"], input_shapes={"x": [6, 3, 8, 8]})
    assert m.inputs[0].shape == (6, 4, 8, 8)
    with pytest.raises(ModelImportError, match=r"'z' .*not among the inputs"):
        import_file(model, inputs=["c1"], input_shapes={"z": [1]})


def test_onnx_cut_without_shape_information(tmp_path: Path) -> None:
    """A value of a custom-domain op has no inferred type: a clear error, not a crash."""
    nodes = [
        helper.make_node("Mystery", ["x"], ["m"], domain="com.example"),
        helper.make_node("Relu", ["m"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)]
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=opsets), path)
    with pytest.raises(ModelImportError, match=r"input 'm': .*no tensor element type"):
        import_file(path, inputs=["m"])


def test_onnx_channel_last_interface(tmp_path: Path) -> None:
    """HALO's YOLO recipe: an NCHW model with an NHWC interface."""
    model = _conv_net(tmp_path / "m.onnx")
    compiled = strata.compile(
        str(model),
        batch_size=2,
        reorder_data_layout="channel-last",
        remove_input_transpose=True,
        remove_output_transpose=True,
        cache_dir=tmp_path / "c",
    )
    assert [i.shape for i in compiled.inputs] == [(2, 8, 8, 3), (1, 8, 8, 5)]
    assert [o.shape for o in compiled.outputs] == [(2, 8, 8, 5), (2, 4, 4, 4)]
    x, y = _rand(2, 3, 8, 8, seed=6), _rand(1, 5, 8, 8, seed=7)
    want = _ort(model, {"x": x, "y": y})
    got = compiled.run([x.transpose(NHWC).copy(), y.transpose(NHWC).copy()])
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w.transpose(NHWC), rtol=RTOL, atol=ATOL)
    # without the remove flags nothing changes (nn's conv / pool are channel-first)
    plain = import_file(model, reorder_data_layout="channel-last")
    assert str(plain.module).count("nn.transpose") == 0
    with pytest.raises(ModelImportError, match="not one of channel-first, channel-last"):
        import_file(model, reorder_data_layout="nhwc")


def test_onnx_tf2onnx_transposes_removed(tmp_path: Path) -> None:
    model = _tf2onnx_style(tmp_path / "m.onnx")
    m = import_file(model, remove_input_transpose=True, remove_output_transpose=True)
    assert "nn.transpose" not in str(m.module)
    assert m.inputs[0].shape == (1, 3, 8, 8) and m.outputs[0].shape == (1, 4, 8, 8)
    # channel-last: the interface is NHWC already, the model stays as it is
    m = import_file(model, reorder_data_layout="channel-last", remove_input_transpose=True)
    assert str(m.module).count("nn.transpose") == 2 and m.inputs[0].shape == (1, 8, 8, 3)
    compiled = strata.compile(
        str(model),
        remove_input_transpose=True,
        remove_output_transpose=True,
        cache_dir=tmp_path / "c",
    )
    x = _rand(1, 8, 8, 3, seed=8)
    (want,) = _ort(model, {"x": x})
    (got,) = compiled.run([x.transpose(NCHW).copy()])
    np.testing.assert_allclose(got, want.transpose(NCHW), rtol=RTOL, atol=ATOL)


def test_stratac_inputs_outputs_end_to_end(tmp_path: Path) -> None:
    model = _conv_net(tmp_path / "m.onnx")
    out = tmp_path / "out" / "cut"
    r = subprocess.run(
        [
            "stratac",
            str(model),
            "-o",
            str(out),
            "-q",
            "--inputs",
            "r1",
            "--outputs",
            "out",
            "--outputs",
            "pool",
            "--input-shape",
            "r1:2x4x8x8",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    loaded = strata.load(str(out))
    assert [i.name for i in loaded.inputs] == ["y", "r1"]
    sub = tmp_path / "sub.onnx"
    onnx.utils.extract_model(str(model), str(sub), ["y", "r1"], ["out", "pool"])
    r1, y = np.maximum(_rand(2, 4, 8, 8, seed=9), 0), _rand(1, 5, 8, 8, seed=10)
    want = _ort(sub, {"y": y, "r1": r1})
    for g, w in zip(loaded.run([y, r1]), want, strict=True):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    r = subprocess.run(
        [
            "strata-translate",
            "--import-onnx",
            str(model),
            "--inputs",
            "r1,y",
            "--outputs",
            "out",
            "--reorder-data-layout",
            "channel-last",
            "--remove-input-transpose",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert 'tensor<?x8x8x4xf32> {nn.name = "r1"}' in r.stdout
    r = subprocess.run(
        ["stratac", str(model), "-o", str(tmp_path / "bad" / "m"), "--inputs", "rl"],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "'rl' (nearest: 'r1'" in r.stderr
    assert "Traceback" not in r.stderr


# ---- the shared contract -------------------------------------------------------------------
def test_batch_size_fixes_open_leading_dims_only(tmp_path: Path) -> None:
    """Every format: --batch-size sets the leading dims the model leaves open, a static one
    stays (here y's 1)."""
    model = _conv_net(tmp_path / "m.onnx")
    m = import_file(model, batch_size=3)
    assert [i.shape for i in m.inputs] == [(3, 3, 8, 8), (1, 5, 8, 8)]
    with pytest.raises(ModelImportError, match="batch size must be a positive integer"):
        import_file(model, batch_size=0)
    with pytest.raises(ModelImportError, match="MLIR module"):
        mlir = tmp_path / "m.mlir"
        mlir.write_text("module {}")
        import_file(mlir, inputs=["x"])
