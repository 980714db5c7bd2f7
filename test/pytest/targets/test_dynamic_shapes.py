"""Models with symbolic / unknown dims compile once and run at any size (CPU target).

ONNX Runtime is the reference; each model runs at several sizes through one artifact.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper

import strata
from strata.errors import InputMismatchError


def _elementwise_model() -> onnx.ModelProto:
    """y = relu(x + b), z = -x, and x itself as a third output (aliases the input)."""
    nodes = [
        helper.make_node("Add", ["x", "b"], ["h"]),
        helper.make_node("Relu", ["h"], ["y"]),
        helper.make_node("Neg", ["x"], ["z"]),
        helper.make_node("Identity", ["x"], ["x2"]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [4]),
        ],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("z", TensorProto.FLOAT, [None, 4]),
            helper.make_tensor_value_info("x2", TensorProto.FLOAT, [None, 4]),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_elementwise_model_runs_at_every_batch_size(tmp_path: Path) -> None:
    model = strata.compile(_elementwise_model(), cache_dir=tmp_path, num_threads=1)
    assert model.meta.abi == "dynamic"
    assert [i.shape for i in model.inputs] == [("batch", 4), (4,)]
    assert model.outputs[0].shape == ("batch", 4)
    rng = np.random.default_rng(0)
    b = rng.standard_normal(4).astype(np.float32)
    for n in (1, 3, 17, 0):
        x = rng.standard_normal((n, 4)).astype(np.float32)
        y, z, x2 = model.run({"x": x, "b": b})
        assert y.shape == (n, 4)
        np.testing.assert_allclose(y, np.maximum(x + b, 0), rtol=1e-6)
        np.testing.assert_array_equal(z, -x)
        np.testing.assert_array_equal(x2, x)
        assert x2.ctypes.data != x.ctypes.data  # outputs own their buffers


def test_static_dims_are_still_checked(tmp_path: Path) -> None:
    model = strata.compile(_elementwise_model(), cache_dir=tmp_path, num_threads=1)
    x = np.zeros((2, 5), np.float32)
    with pytest.raises(InputMismatchError, match=r"'x': expected shape \[batch, 4\]"):
        model.run({"x": x, "b": np.zeros(4, np.float32)})


def test_dims_with_one_name_must_agree(tmp_path: Path) -> None:
    nodes = [helper.make_node("Add", ["a", "b"], ["c"])]
    graph = helper.make_graph(
        nodes,
        "g",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n"]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, ["n"]),
        ],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, ["n"])],
    )
    model = strata.compile(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
        cache_dir=tmp_path,
        num_threads=1,
    )
    (c,) = model.run([np.ones(3, np.float32), np.ones(3, np.float32)])
    np.testing.assert_array_equal(c, np.full(3, 2, np.float32))
    with pytest.raises(InputMismatchError, match=r"dim 'n' is 3 in input 'a'.*but 2 in input 'b'"):
        model.run([np.ones(3, np.float32), np.ones(2, np.float32)])


class _SmallCnn(torch.nn.Module):
    """Strided conv, BN, depthwise conv, ceil-mode max pool, padded average pool, global pool,
    linear, softmax: every window op with dynamic batch and spatial sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.c2 = torch.nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.pool = torch.nn.MaxPool2d(3, 2, ceil_mode=True)
        self.avg = torch.nn.AvgPool2d(3, 2, padding=1)
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn(self.c1(x)))
        y = self.avg(self.pool(self.c2(y)))
        y = torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return torch.softmax(self.fc(y), -1)


def test_cnn_with_dynamic_batch_and_image_size_matches_onnxruntime(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = _SmallCnn().eval()
    buf = io.BytesIO()
    torch.onnx.export(
        net,
        (torch.randn(1, 3, 32, 32),),
        buf,
        input_names=["x"],
        output_names=["y"],
        dynamic_axes={"x": {0: "n", 2: "h", 3: "w"}},
        opset_version=17,
        dynamo=False,
    )
    data = buf.getvalue()
    model = strata.compile(data, cache_dir=tmp_path, num_threads=1)
    assert model.inputs[0].shape == ("n", 3, "h", "w")
    ref = ort.InferenceSession(data)
    rng = np.random.default_rng(1)
    for shape in [(1, 3, 32, 32), (2, 3, 45, 37), (3, 3, 17, 64)]:
        x = rng.standard_normal(shape).astype(np.float32)
        (y,) = model.run([x])
        (want,) = ref.run(None, {"x": x})
        np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-5)


def test_bert_with_dynamic_batch_and_sequence_matches_onnxruntime(tmp_path: Path) -> None:
    """A 2-layer BERT exported with dynamic batch / sequence axes: its reshape targets,
    position-id slice and token-type expand are computed from Shape at run time, and the
    position embeddings ([1, seq, h]) broadcast against the word embeddings ([batch, seq, h])
    at run time."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "models"))
    import zoo

    torch.manual_seed(0)
    net = zoo.bert().eval()
    buf = io.BytesIO()
    ids = torch.from_numpy(zoo.tokens(1, 16)["input_ids"])
    with torch.no_grad():
        torch.onnx.export(
            net,
            (ids,),
            buf,
            input_names=["input_ids"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}},
            opset_version=17,
            dynamo=False,
        )
    data = buf.getvalue()
    model = strata.compile(data, cache_dir=tmp_path, num_threads=1)
    assert model.inputs[0].shape == ("batch", "seq")
    ref = ort.InferenceSession(data)
    for batch, seq in [(1, 16), (2, 7), (3, 33)]:
        x = zoo.tokens(batch, seq)["input_ids"]
        (y,) = model.run([x])
        (want,) = ref.run(None, {"input_ids": x})
        np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-5)


def test_scheduled_dynamic_contractions_match_onnxruntime(tmp_path: Path) -> None:
    """MatMul + Gelu with dynamic rows (tiled by 8 and peeled: full tiles vectorised, a
    remainder loop for the rest) and a Conv with a dynamic batch (one image per tile)."""
    rng = np.random.default_rng(2)
    w = rng.standard_normal((48, 40)).astype(np.float32)
    k = rng.standard_normal((6, 3, 3, 3)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["y"]),
        helper.make_node("Gelu", ["y"], ["z"]),
        helper.make_node("Conv", ["img", "k"], ["c"], pads=[1, 1, 1, 1]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "s", 48]),
            helper.make_tensor_value_info("img", TensorProto.FLOAT, ["n", 3, 12, 12]),
        ],
        [
            helper.make_tensor_value_info("z", TensorProto.FLOAT, ["b", "s", 40]),
            helper.make_tensor_value_info("c", TensorProto.FLOAT, ["n", 6, 12, 12]),
        ],
        [onnx.numpy_helper.from_array(w, "w"), onnx.numpy_helper.from_array(k, "k")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9)
    compiled = strata.compile(model, cache_dir=tmp_path, num_threads=1)
    ref = ort.InferenceSession(model.SerializeToString())
    for (b, s), n in [((1, 16), 1), ((2, 37), 3), ((1, 5), 2)]:
        feeds = {
            "x": rng.standard_normal((b, s, 48)).astype(np.float32),
            "img": rng.standard_normal((n, 3, 12, 12)).astype(np.float32),
        }
        got = compiled.run(feeds)
        want = ref.run(None, feeds)
        for g, r in zip(got, want, strict=True):
            np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)


def test_zero_size_static_dims_compile_and_run(tmp_path: Path) -> None:
    """A static [3, 0, 5] tensor: the kernel takes memref descriptors (bare pointers cannot
    describe it), the interface stays static."""
    graph = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 0, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 0, 5])],
    )
    model = strata.compile(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
        cache_dir=tmp_path,
        num_threads=1,
    )
    assert model.meta.abi == "static"
    (y,) = model.run([np.zeros((3, 0, 5), np.float32)])
    assert y.shape == (3, 0, 5)
