"""Ops whose config inputs (axes, pads, split sizes, repeats, depth, target shapes, scales,
sizes, roi) are graph inputs, so their values arrive only at run time: each model compiles
once and runs with several config values (and, where the data has symbolic dims, several data
sizes), compared with ONNX's reference implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import strata

R = np.random.default_rng(21)
F, I64 = TensorProto.FLOAT, TensorProto.INT64
Shape = list[int | str | None]


def _model(
    op: str,
    inputs: list[tuple[str, int, Shape]],
    attrs: dict[str, Any],
    n_out: int = 1,
    opset: int = 19,
    input_names: list[str] | None = None,
) -> onnx.ModelProto:
    outs = [f"y{i}" for i in range(n_out)]
    names = input_names if input_names is not None else [n for n, _, _ in inputs]
    node = helper.make_node(op, names, outs, **attrs)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [onnx.ValueInfoProto(name=o) for o in outs],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


class _OnnxRuntime:
    """onnxruntime behind ReferenceEvaluator's `run` (for what the reference lacks, such as
    Pad's negative pads)."""

    def __init__(self, model: onnx.ModelProto) -> None:
        import onnxruntime as ort

        proto = onnx.ModelProto()
        proto.CopyFrom(model)
        proto.ir_version = min(proto.ir_version, 10)
        self.sess = ort.InferenceSession(
            proto.SerializeToString(), providers=["CPUExecutionProvider"]
        )

    def run(self, _: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        return list(self.sess.run(None, feeds))


def _check(
    model: onnx.ModelProto,
    feeds: list[list[np.ndarray]],
    tmp: Path,
    reference: str = "onnx",
    **tol: float,
) -> None:
    names = [i.name for i in model.graph.input]
    # declare the outputs as exporters do: element type and rank, every dim unknown
    first = ReferenceEvaluator(model).run(None, dict(zip(names, feeds[-1], strict=True)))
    del model.graph.output[:]
    for i, r in enumerate(first):
        r = np.asarray(r)
        elem = helper.np_dtype_to_tensor_dtype(r.dtype)
        model.graph.output.append(helper.make_tensor_value_info(f"y{i}", elem, [None] * r.ndim))
    compiled = strata.compile(model, cache_dir=tmp, num_threads=1)
    ref = ReferenceEvaluator(model) if reference == "onnx" else _OnnxRuntime(model)
    for arrays in feeds:
        got = compiled.run(arrays)
        want = ref.run(None, dict(zip(names, arrays, strict=True)))
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            w = np.asarray(w)
            assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype)
            np.testing.assert_allclose(g, w, rtol=tol.get("rtol", 1e-5), atol=tol.get("atol", 1e-6))


def f32(*shape: int) -> np.ndarray:
    return R.standard_normal(shape).astype(np.float32)


def i64(*values: int) -> np.ndarray:
    return np.array(values, np.int64)


def test_squeeze_and_unsqueeze_axes(tmp_path: Path) -> None:
    sq = _model("Squeeze", [("x", F, [1, 3, 1, 5]), ("a", I64, [1])], {}, opset=13)
    _check(sq, [[f32(1, 3, 1, 5), i64(0)], [f32(1, 3, 1, 5), i64(-2)]], tmp_path)
    un = _model("Unsqueeze", [("x", F, ["n", 4]), ("a", I64, [2])], {}, opset=13)
    _check(un, [[f32(2, 4), i64(0, 3)], [f32(5, 4), i64(-1, 1)]], tmp_path)


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
def test_pad_with_run_time_pads_and_axes(mode: str, tmp_path: Path) -> None:
    inputs: list[tuple[str, int, Shape]] = [("x", F, ["n", 5]), ("p", I64, [2])]
    names = ["x", "p", "v", "a"] if mode == "constant" else ["x", "p", "", "a"]
    if mode == "constant":
        inputs.append(("v", F, []))
    inputs.append(("a", I64, [1]))
    model = _model("Pad", inputs, {"mode": mode}, input_names=names)
    value = [np.array(2.5, np.float32)] if mode == "constant" else []
    _check(
        model,
        [
            [f32(4, 5), i64(-1, 2), *value, i64(0)],  # crop one row, pad two
            [f32(3, 5), i64(1, 2), *value, i64(-1)],  # pad the last axis
        ],
        tmp_path,
        reference="onnxruntime",  # the reference implementation refuses negative pads
    )


def test_split_sizes(tmp_path: Path) -> None:
    model = _model("Split", [("x", F, [2, 6]), ("s", I64, [2])], {"axis": 1}, n_out=2, opset=13)
    _check(model, [[f32(2, 6), i64(2, 4)], [f32(2, 6), i64(6, 0)]], tmp_path)


def test_tile_repeats(tmp_path: Path) -> None:
    model = _model("Tile", [("x", F, ["n", 3]), ("r", I64, [2])], {}, opset=13)
    _check(model, [[f32(2, 3), i64(2, 1)], [f32(1, 3), i64(3, 2)]], tmp_path)


def test_one_hot_depth(tmp_path: Path) -> None:
    model = _model(
        "OneHot",
        [("i", I64, ["n"]), ("d", I64, []), ("v", F, [2])],
        {"axis": 0},
        opset=11,
    )
    v = np.array([0.5, 3.0], np.float32)
    _check(model, [[i64(0, 3, -1), np.array(4, np.int64), v], [i64(1), np.array(2, np.int64), v]],
           tmp_path)  # fmt: skip


def test_center_crop_pad_target(tmp_path: Path) -> None:
    model = _model(
        "CenterCropPad", [("x", F, [6, 5, 3]), ("s", I64, [2])], {"axes": [0, 1]}, opset=18
    )
    _check(model, [[f32(6, 5, 3), i64(3, 8)], [f32(6, 5, 3), i64(9, 2)]], tmp_path)


def test_gather_nd_and_scatter_nd_with_symbolic_dims(tmp_path: Path) -> None:
    g = _model("GatherND", [("x", F, ["a", 3, 2]), ("i", I64, ["b", 2])], {}, opset=13)
    _check(g, [[f32(4, 3, 2), i64(0, 1, 3, -1).reshape(2, 2)], [f32(2, 3, 2), i64(1, 2).reshape(1, 2)]],
           tmp_path)  # fmt: skip
    s = _model(
        "ScatterND",
        [("x", F, ["a", 3]), ("i", I64, ["b", 1]), ("u", F, ["b", 3])],
        {"reduction": "add"},
        opset=18,
    )
    _check(s, [[f32(4, 3), i64(1, 1, 3).reshape(3, 1), f32(3, 3)]], tmp_path)


def test_resize_run_time_scales_and_sizes(tmp_path: Path) -> None:
    scales = _model(
        "Resize",
        [("x", F, [1, 1, "h", "w"]), ("s", F, [4])],
        {"mode": "linear", "coordinate_transformation_mode": "align_corners"},
        input_names=["x", "", "s"],
    )
    _check(
        scales,
        [
            [f32(1, 1, 3, 4), np.array([1, 1, 2.0, 0.6], np.float32)],
            [f32(1, 1, 5, 2), np.array([1, 1, 0.5, 3.0], np.float32)],
        ],
        tmp_path,
    )
    sizes = _model(
        "Resize",
        [("x", F, [1, 2, 4, 6]), ("n", I64, [2])],
        {"mode": "cubic", "antialias": 1, "axes": [2, 3], "keep_aspect_ratio_policy": "not_larger"},
        input_names=["x", "", "", "n"],
    )
    _check(sizes, [[f32(1, 2, 4, 6), i64(3, 3)], [f32(1, 2, 4, 6), i64(8, 9)]], tmp_path,
           rtol=1e-4, atol=1e-5)  # fmt: skip


def test_resize_run_time_roi(tmp_path: Path) -> None:
    model = _model(
        "Resize",
        [("x", F, [1, 1, 4, 4]), ("roi", F, [4]), ("n", I64, [2])],
        {
            "mode": "linear",
            "coordinate_transformation_mode": "tf_crop_and_resize",
            "axes": [2, 3],
            "extrapolation_value": -1.0,
        },
        input_names=["x", "roi", "", "n"],
    )
    roi_a = np.array([0.1, 0.3, 0.9, 1.2], np.float32)  # reaches past the right edge
    roi_b = np.array([0.0, 0.0, 1.0, 0.5], np.float32)
    _check(model, [[f32(1, 1, 4, 4), roi_a, i64(3, 5)], [f32(1, 1, 4, 4), roi_b, i64(2, 2)]],
           tmp_path)  # fmt: skip
