"""The reduction family through the CPU target, against onnxruntime: bool reductions, axes /
K / axis computed at run time, and results whose size depends on the data.

Each test builds one ONNX model with several nodes, compiles it once and runs it on several
inputs (one artifact serves every run-time value), so the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import strata

R = np.random.default_rng(11)
_TYPES = {
    np.dtype("float32"): TensorProto.FLOAT,
    np.dtype("float64"): TensorProto.DOUBLE,
    np.dtype("int64"): TensorProto.INT64,
    np.dtype("int32"): TensorProto.INT32,
    np.dtype("bool"): TensorProto.BOOL,
}

Inputs = dict[str, tuple[Any, list[int | str | None]]]


def _model(nodes: list[onnx.NodeProto], inputs: Inputs, outputs: list[str], opset: int) -> Any:
    """The model; the outputs' element types come from ONNX shape inference."""
    ins = [helper.make_tensor_value_info(n, _TYPES[np.dtype(t)], s) for n, (t, s) in inputs.items()]
    graph = helper.make_graph(nodes, "g", ins, [])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    inferred = {v.name: v for v in onnx.shape_inference.infer_shapes(model).graph.value_info}
    for o in outputs:
        t = inferred[o].type.tensor_type
        rank = len(t.shape.dim) if t.HasField("shape") else None
        model.graph.output.append(
            helper.make_tensor_value_info(o, t.elem_type, [None] * (rank or 0))
        )
    return model


def _check(
    tmp: Path,
    nodes: list[onnx.NodeProto],
    inputs: Inputs,
    outputs: list[str],
    feeds: list[dict[str, np.ndarray]],
    opset: int = 18,
    reference: str = "onnxruntime",
) -> None:
    """Compile once, then compare every output with onnxruntime (or onnx.reference, where
    onnxruntime refuses a case) for each feed."""
    model = _model(nodes, inputs, outputs, opset)
    compiled = strata.compile(model, cache_dir=tmp, num_threads=1)
    if reference == "onnxruntime":
        sess: Any = ort.InferenceSession(
            model.SerializeToString(), providers=["CPUExecutionProvider"]
        )
    else:
        sess = ReferenceEvaluator(model)
    for feed in feeds:
        got = compiled.run(feed)
        want = sess.run(outputs, feed)
        for name, g, w in zip(outputs, got, want, strict=True):
            assert g.shape == w.shape and g.dtype == w.dtype, (name, g.shape, w.shape, g.dtype)
            if g.dtype.kind == "f":
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=name)
            else:
                np.testing.assert_array_equal(g, w, err_msg=name)


def _axes(*values: int) -> np.ndarray:
    return np.array(values, np.int64)


def test_reductions_over_run_time_axes(tmp_path: Path) -> None:
    """One artifact reduces over whichever axes the inputs name (keepdims 0 and 1, negative
    axes, an axes vector of dynamic length, empty axes with and without noop)."""
    node = helper.make_node
    nodes = [
        node("ReduceSum", ["x", "a1"], ["sum"], keepdims=1),
        node("ReduceMean", ["x", "a2"], ["mean"], keepdims=0),
        node("ReduceMax", ["x", "a1"], ["max"], keepdims=0),
        node("ReduceLogSumExp", ["x", "a2"], ["lse"], keepdims=1),
        node("ReduceL2", ["x", "an"], ["l2"], keepdims=1),
        node("ReduceProd", ["x", "an"], ["prod"], keepdims=1, noop_with_empty_axes=1),
        node("ReduceMin", ["i", "a1"], ["imin"], keepdims=0),
    ]
    inputs: Inputs = {
        "x": (np.float32, [2, 3, 4]),
        "i": (np.int32, [3, 5]),
        "a1": (np.int64, [1]),
        "a2": (np.int64, [2]),
        "an": (np.int64, ["n"]),
    }
    x = R.standard_normal((2, 3, 4)).astype(np.float32)
    i = R.integers(-9, 9, (3, 5)).astype(np.int32)
    feeds = [
        {"x": x, "i": i, "a1": _axes(1), "a2": _axes(0, 2), "an": _axes(2)},
        {"x": x, "i": i, "a1": _axes(-1), "a2": _axes(2, -3), "an": _axes(0, 1, 2)},
        {"x": x, "i": i, "a1": _axes(0), "a2": _axes(1, 2), "an": _axes()},
    ]
    _check(tmp_path, nodes, inputs, ["sum", "mean", "max", "lse", "l2", "prod", "imin"], feeds)


def test_bool_reductions(tmp_path: Path) -> None:
    """ReduceMax / ReduceMin of bool (opset 20): any / all, identities false / true
    (onnxruntime refuses an empty bool ReduceMax; onnx.reference gives false)."""
    nodes = [
        helper.make_node("ReduceMax", ["b", "a"], ["any"], keepdims=0),
        helper.make_node("ReduceMin", ["b", "a"], ["all"], keepdims=1),
        helper.make_node("ReduceMax", ["e", "a"], ["none"], keepdims=1),
    ]
    inputs: Inputs = {"b": (np.bool_, [4, 3]), "e": (np.bool_, [2, 0]), "a": (np.int64, [1])}
    b = R.integers(0, 2, (4, 3)).astype(np.bool_)
    b[0] = True
    e = np.zeros((2, 0), np.bool_)
    feeds = [{"b": b, "e": e, "a": _axes(1)}, {"b": b, "e": e, "a": _axes(-1)}]
    _check(tmp_path, nodes, inputs, ["any", "all", "none"], feeds, 20, "onnx.reference")


def test_top_k_and_scans_with_run_time_k_and_axis(tmp_path: Path) -> None:
    """TopK with K an input (largest and smallest, ties by index), CumSum with the axis an
    input (exclusive, reverse), over a dynamic dim."""
    node = helper.make_node
    nodes = [
        node("TopK", ["x", "k"], ["v", "i"], axis=-1),
        node("TopK", ["t", "k"], ["tv", "ti"], axis=0, largest=0),
        node("CumSum", ["x", "ax"], ["cs"]),
        node("CumSum", ["x", "ax"], ["cse"], exclusive=1, reverse=1),
        node("CumSum", ["t", "ax"], ["cst"], exclusive=1),
        # GPT-2's position ids: cumsum of the attention mask over a dynamic sequence
        node("Constant", [], ["last"], value=helper.make_tensor("v", TensorProto.INT64, [], [-1])),
        node("CumSum", ["mask", "last"], ["pos"]),
    ]
    inputs: Inputs = {
        "x": (np.float32, ["n", 6]),
        "t": (np.int64, [7, 3]),
        "k": (np.int64, [1]),
        "ax": (np.int32, []),
        "mask": (np.int64, ["batch", "seq"]),
    }
    t = R.integers(0, 3, (7, 3)).astype(np.int64)  # many ties
    feeds = []
    for n, k, ax in ((3, 2, 1), (1, 6, 0), (4, 0, -1), (2, 3, -2)):
        x = R.standard_normal((n, 6)).astype(np.float32)
        x[:, 3] = x[:, 1]  # a tie in every row
        mask = (R.random((n, 2 * n + 1)) > 0.3).astype(np.int64)
        feeds.append({"x": x, "t": t, "k": _axes(k), "ax": np.array(ax, np.int32), "mask": mask})
    outputs = ["v", "i", "tv", "ti", "cs", "cse", "cst", "pos"]
    _check(tmp_path, nodes, inputs, outputs, feeds)


def test_data_dependent_result_sizes(tmp_path: Path) -> None:
    """NonZero, Compress (with and without axis) and Unique (sorted, first-occurrence order,
    along an axis): result sizes follow the data, on dynamic input dims."""
    node = helper.make_node
    nodes = [
        node("NonZero", ["x"], ["nz"]),
        node("NonZero", ["b"], ["nzb"]),
        node("Compress", ["x", "c"], ["cx"], axis=0),
        node("Compress", ["x", "c"], ["cf"]),
        node("Unique", ["u"], ["uy", "ui", "uv", "uc"]),
        node("Unique", ["u"], ["sy", "si", "sv", "sc"], sorted=0),
        node("Unique", ["m"], ["my", "mi", "mv", "mc"], axis=1),
    ]
    inputs: Inputs = {
        "x": (np.float32, ["n", 3]),
        "b": (np.bool_, [2, 2, 3]),
        "c": (np.bool_, ["k"]),
        "u": (np.int64, ["l"]),
        "m": (np.float32, [2, "w"]),
    }
    outputs = ["nz", "nzb", "cx", "cf", "uy", "ui", "uv", "uc"]
    outputs += ["sy", "si", "sv", "sc", "my", "mi", "mv", "mc"]
    feeds = []
    for n, k, length, w in ((4, 3, 9, 5), (2, 2, 1, 1), (3, 0, 4, 3)):
        x = R.standard_normal((n, 3)).astype(np.float32) * (R.random((n, 3)) > 0.4)
        m = R.integers(0, 2, (2, w)).astype(np.float32)
        feeds.append(
            {
                "x": x,
                "b": R.random((2, 2, 3)) > 0.5,
                "c": R.random(k) > 0.5,
                "u": R.integers(-3, 3, length).astype(np.int64),
                "m": m,
            }
        )
    _check(tmp_path, nodes, inputs, outputs, feeds, opset=13)


def test_arg_reductions_einsum_and_det_on_dynamic_dims(tmp_path: Path) -> None:
    node = helper.make_node
    nodes = [
        node("ArgMax", ["x"], ["amax"], axis=1, keepdims=0, select_last_index=1),
        node("ArgMin", ["x"], ["amin"], axis=-1),
        node("Hardmax", ["x"], ["hard"], axis=1),
        node("LpNormalization", ["x"], ["lp1"], axis=0, p=1),
        node("ReduceLogSumExp", ["x"], ["lse"], keepdims=0),
        node("ReduceMean", ["x"], ["mean"], axes=[0, 2], keepdims=1),
        node("Einsum", ["x", "y"], ["mm"], equation="bij,bjk->bik"),
        node("Einsum", ["x", "y", "y"], ["chain"], equation="bij,bjk,bkl->bil"),
        node("Einsum", ["x"], ["tr"], equation="bii->b"),
        node("Det", ["x"], ["det"]),
    ]
    inputs: Inputs = {"x": (np.float32, ["b", 3, 3]), "y": (np.float32, ["b", 3, 3])}
    outputs = ["amax", "amin", "hard", "lp1", "lse", "mean", "mm", "chain", "tr", "det"]
    feeds = []
    for b in (1, 4):
        x = R.integers(-2, 3, (b, 3, 3)).astype(np.float32)  # ties for the arg-reductions
        feeds.append({"x": x, "y": R.standard_normal((b, 3, 3)).astype(np.float32)})
    _check(tmp_path, nodes, inputs, outputs, feeds, opset=13)


def test_unique_treats_nan_as_numpy_does(tmp_path: Path) -> None:
    """NaNs are one unique value, sorted last (numpy.unique, which onnx.reference uses;
    onnxruntime drops them)."""
    nodes = [helper.make_node("Unique", ["x"], ["y", "i", "v", "c"])]
    x = np.array([2.0, np.nan, 1.0, np.nan, 2.0, -1.0], np.float32)
    inputs: Inputs = {"x": (np.float32, [6])}
    _check(tmp_path, nodes, inputs, ["y", "i", "v", "c"], [{"x": x}], 13, "onnx.reference")
