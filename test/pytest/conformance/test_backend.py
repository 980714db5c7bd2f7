"""strata.backend: the onnx.backend.base.Backend API over strata.compile."""

from __future__ import annotations

import unittest
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnx.backend.test
import pytest
from onnx import helper

import strata
import strata.backend
from strata.backend import StrataBackend


def _relu_model(opset: int = 17) -> onnx.ModelProto:
    node = helper.make_node("Relu", ["x"], ["y"])
    graph = helper.make_graph(
        [node],
        "relu",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, 3])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


X = np.array([[-1.0, 0.5, 2.0], [3.0, -4.0, 0.0]], np.float32)


def test_devices() -> None:
    assert strata.backend.supports_device("CPU")
    assert strata.backend.supports_device("CPU:0")
    assert not strata.backend.supports_device("CUDA")
    assert not strata.backend.supports_device("CUDA:1")
    assert not strata.backend.supports_device("TPU")
    assert strata.backend.is_compatible(_relu_model())
    assert not strata.backend.is_compatible(_relu_model(), "CUDA")


def test_prepare_and_run(tmp_path: Path) -> None:
    rep = strata.backend.prepare(_relu_model(), "CPU", cache_dir=tmp_path)
    outs = rep.run([X])
    np.testing.assert_array_equal(outs[0], np.maximum(X, 0))
    np.testing.assert_array_equal(outs["y"], outs[0])  # onnx's namedtupledict: by name too
    np.testing.assert_array_equal(rep.run(X)[0], outs[0])  # one array for a one-input model
    np.testing.assert_array_equal(rep.run({"x": X}).y, outs[0])
    # the options went to strata.compile: the artifacts are in the given cache
    assert list(tmp_path.rglob("*.so"))
    # sequential generated code unless asked otherwise
    assert rep.compiled.meta.num_threads == 1
    two = StrataBackend.prepare(_relu_model(), num_threads=2, cache_dir=tmp_path)
    assert two.compiled.meta.num_threads == 2


def test_run_model_and_options_pass_through(tmp_path: Path) -> None:
    (y,) = strata.backend.run_model(_relu_model(), [X], cache_dir=tmp_path)
    np.testing.assert_array_equal(y, np.maximum(X, 0))
    with pytest.raises(strata.StrataError, match="unknown target 'nope'"):
        strata.backend.prepare(_relu_model(), target="nope", cache_dir=tmp_path)
    with pytest.raises(strata.StrataError, match="unknown compile option"):
        strata.backend.prepare(_relu_model(), bogus=1, cache_dir=tmp_path)
    with pytest.raises(strata.StrataError, match="device 'CUDA' is not supported"):
        strata.backend.prepare(_relu_model(), "CUDA")
    configured = StrataBackend.with_options(target="nope")
    with pytest.raises(strata.StrataError, match="unknown target 'nope'"):
        configured.prepare(_relu_model(), cache_dir=tmp_path)
    with pytest.raises(strata.InputMismatchError, match="expected shape"):
        strata.backend.prepare(_relu_model(), cache_dir=tmp_path).run([X[:1]])


def test_compile_errors_propagate(tmp_path: Path) -> None:
    with pytest.raises(strata.ModelImportError, match="opset 29"):
        strata.backend.prepare(_relu_model(opset=29), cache_dir=tmp_path)


def test_run_node(tmp_path: Path) -> None:
    node = helper.make_node("Add", ["a", "b"], ["c"])
    a, b = X, np.ones((3,), np.float32)
    (c,) = strata.backend.run_node(node, [a, b], cache_dir=tmp_path)
    np.testing.assert_allclose(c, a + b)
    info = [(np.dtype(np.float32), (2, 3))]
    (c2,) = strata.backend.run_node(node, {"a": a, "b": b}, outputs_info=info, cache_dir=tmp_path)
    np.testing.assert_allclose(c2, a + b)
    (r,) = strata.backend.run_node(
        helper.make_node("Relu", ["x"], ["y"]), [X], opset_version=14, cache_dir=tmp_path
    )
    np.testing.assert_array_equal(r, np.maximum(X, 0))
    with pytest.raises(strata.InputMismatchError, match="2 present input"):
        strata.backend.run_node(node, [a], cache_dir=tmp_path)
    with pytest.raises(strata.UnsupportedOpError, match="Bernoulli"):
        node = helper.make_node("Bernoulli", ["x"], ["y"])
        strata.backend.run_node(node, [X], cache_dir=tmp_path)


def test_supports_model() -> None:
    assert strata.backend.supports_model(_relu_model())
    assert strata.backend.supports_model(_relu_model(opset=6))  # opsets 1-28 import
    assert not strata.backend.supports_model(_relu_model(), "CUDA")
    m = _relu_model()
    m.graph.node[0].op_type = "Bernoulli"
    assert not strata.backend.supports_model(m)


def test_backend_test_runs_unmodified() -> None:
    """onnx's own generator over the module, as onnx documents it: a pass and a clean error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bt = onnx.backend.test.BackendTest(strata.backend, __name__)
    bt.include(r"^test_(abs|bernoulli)_(cpu|cuda)$")
    suite = unittest.TestSuite()
    cls = bt.test_cases["OnnxBackendNodeModelTest"]
    for name in ("test_abs_cpu", "test_bernoulli_cpu", "test_abs_cuda"):
        suite.addTest(cls(name))
    result = unittest.TestResult()
    suite.run(result)
    assert result.testsRun == 3
    assert not result.failures
    assert [t.id().rsplit(".", 1)[1] for t, _ in result.errors] == ["test_bernoulli_cpu"]
    assert "UnsupportedOpError" in result.errors[0][1]
    assert [(t.id().rsplit(".", 1)[1], why) for t, why in result.skipped] == [
        ("test_abs_cuda", "Backend doesn't support device CUDA")
    ]
