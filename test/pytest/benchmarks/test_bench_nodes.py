"""benchmarks/bench_nodes.py: ONNX Runtime's per-node times mapped back to the model's nodes
(through fused and NCHWc nodes) and set beside Strata's kernels."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_nodes  # noqa: E402


def _net() -> bytes:
    """Conv+Relu (ORT fuses them), a Clip, a 1x1 conv and a MaxPool."""
    r = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(r.standard_normal((16, 8, 3, 3)).astype(np.float32), "w1"),
        numpy_helper.from_array(r.standard_normal((16, 16, 1, 1)).astype(np.float32), "w2"),
        numpy_helper.from_array(np.float32(0.0), "lo"),
        numpy_helper.from_array(np.float32(6.0), "hi"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["a"], "conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["b"], "relu1"),
        helper.make_node("Conv", ["b", "w2"], ["c"], "conv2"),
        helper.make_node("Clip", ["c", "lo", "hi"], ["d"], "clip2"),
        helper.make_node("MaxPool", ["d"], ["y"], "pool", kernel_shape=[2, 2], strides=[2, 2]),
    ]
    graph = helper.make_graph(
        nodes,
        "net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 32, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 16, 16])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return model.SerializeToString()


def test_ort_nodes_map_back_to_the_model() -> None:
    x = np.random.default_rng(1).standard_normal((1, 8, 32, 32)).astype(np.float32)
    times, covers = bench_nodes.ort_node_times(_net(), {"x": x}, threads=1, runs=3)
    assert times and all(t >= 0 for t in times.values())
    mapped = {n for names in covers.values() for n in names}
    # every node ORT runs stands for some of ours, fused ones for their last node
    assert {"relu1", "clip2", "pool"} <= mapped, covers


def test_rows_pair_kernels_with_ort_nodes() -> None:
    x = np.random.default_rng(1).standard_normal((1, 8, 32, 32)).astype(np.float32)
    rows = bench_nodes.run_model(_net(), {"x": x}, threads=1, runs=3)
    kernels = [r for r in rows if r.kernel]
    assert kernels and all(r.strata_us > 0 for r in kernels)
    # the ORT time is all counted somewhere, and the convs' against Strata's kernels
    assert sum(r.ort_us for r in kernels) > 0
    owners = {n: r.kernel for r in kernels for n in r.nodes}
    assert "relu1" in owners and "clip2" in owners
    assert [r.diff_us for r in kernels] == sorted((r.diff_us for r in kernels), reverse=True)
    text = bench_nodes.table(rows, top=10)
    assert "Strata us" in text and owners["relu1"] in text
