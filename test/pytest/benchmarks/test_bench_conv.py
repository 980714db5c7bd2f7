"""benchmarks/bench_conv.py: the layer list it reads from a model, the one-layer models it
builds from it (checked against the layer's own output shape and FLOPs), and one layer
timed end to end against ONNX Runtime."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_conv  # noqa: E402


def _net() -> onnx.ModelProto:
    """Two identical 3x3 convs, a strided depthwise one and a 1x1 one, with a Relu between."""
    r = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(r.standard_normal((8, 8, 3, 3)).astype(np.float32), "w1"),
        numpy_helper.from_array(r.standard_normal((8, 1, 3, 3)).astype(np.float32), "w2"),
        numpy_helper.from_array(r.standard_normal((16, 8, 1, 1)).astype(np.float32), "w3"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["a"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["b"]),
        helper.make_node("Conv", ["b", "w1"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["c", "w2"], ["d"], pads=[1, 1, 1, 1], strides=[2, 2], group=8),
        helper.make_node("Conv", ["d", "w3"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 10, 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 5, 5])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def test_conv_layers_are_distinct_and_counted() -> None:
    layers = bench_conv.conv_layers(_net())
    assert [(s.label(), n) for s, n in layers] == [
        ("8x10x10 -> 8, 3x3", 2),
        ("8x10x10 -> 8, 3x3 s2 dw", 1),
        ("8x5x5 -> 16, 1x1", 1),
    ]
    dw = layers[1][0]
    assert dw.out_hw == (5, 5) and dw.flops == 2 * 8 * 5 * 5 * 9


def test_layer_model_matches_the_layer() -> None:
    for shape, _ in bench_conv.conv_layers(_net()):
        model = onnx.load_from_string(bench_conv.conv_model(shape))
        session = ort.InferenceSession(model.SerializeToString())
        x = np.zeros((shape.n, shape.c, shape.h, shape.w), np.float32)
        (y,) = session.run(None, {"x": x})
        assert y.shape == (shape.n, shape.f, *shape.out_hw)


def test_one_layer_is_timed_against_onnxruntime(tmp_path: Path) -> None:
    shape = bench_conv.conv_layers(_net())[1][0]
    args = argparse.Namespace(threads=1, mcpu="native", rounds=2, block_runs=2, no_ort=False)
    row = bench_conv.bench_layer(shape, args, tmp_path, peak=100.0)
    assert row["layer"] == shape.label()
    for key in ("strata_ms", "onnxruntime_ms", "strata_gflops", "ratio"):
        assert float(row[key]) > 0  # type: ignore[arg-type]
