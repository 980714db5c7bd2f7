"""Signal, training-optimizer and ai.onnx.ml ops through the CPU target, against onnx.reference:
DFT (axis attribute, axis computed at run time, one-sided, inverse, irfft, dft_length), the
window functions with a run-time size, Adagrad / Adam / Momentum, Binarizer and
ArrayFeatureExtractor.

Each test builds one ONNX model with several nodes, compiles it once and runs it on several
inputs, so the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import strata

R = np.random.default_rng(5)
_TYPES = {
    np.dtype("float32"): TensorProto.FLOAT,
    np.dtype("float64"): TensorProto.DOUBLE,
    np.dtype("int64"): TensorProto.INT64,
    np.dtype("int32"): TensorProto.INT32,
}
TRAINING = "ai.onnx.preview.training"
ML = "ai.onnx.ml"

Inputs = dict[str, tuple[Any, list[int | str | None]]]


def _model(
    nodes: list[onnx.NodeProto],
    inputs: Inputs,
    outputs: dict[str, tuple[Any, int]],
    opsets: dict[str, int],
) -> Any:
    ins = [helper.make_tensor_value_info(n, _TYPES[np.dtype(t)], s) for n, (t, s) in inputs.items()]
    outs = [
        helper.make_tensor_value_info(n, _TYPES[np.dtype(t)], [None] * rank)
        for n, (t, rank) in outputs.items()
    ]
    graph = helper.make_graph(nodes, "g", ins, outs)
    ids = [helper.make_opsetid(d, v) for d, v in opsets.items()]
    model = helper.make_model(graph, opset_imports=ids)
    model.ir_version = 10
    return model


def _check(
    tmp: Path,
    nodes: list[onnx.NodeProto],
    inputs: Inputs,
    outputs: dict[str, tuple[Any, int]],
    feeds: list[dict[str, np.ndarray]],
    opsets: dict[str, int],
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> None:
    model = _model(nodes, inputs, outputs, opsets)
    compiled = strata.compile(model, cache_dir=tmp, num_threads=1)
    ref = ReferenceEvaluator(model)
    names = list(outputs)
    for feed in feeds:
        got = compiled.run(feed)
        want = ref.run(names, feed)
        for name, g, w in zip(names, got, want, strict=True):
            w = np.asarray(w)
            # the declared type (onnx.reference's Adam returns f64 for one f32 tensor)
            want_t = np.dtype(outputs[name][0])
            assert g.shape == w.shape and g.dtype == want_t, (name, g.shape, w.shape, g.dtype)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=name)


def test_dft_with_axis_attributes(tmp_path: Path) -> None:
    """Opset 17: axis attribute; complex and real signals, inverse, one-sided, irfft, and a
    dft_length that pads or crops."""
    node = helper.make_node
    nodes = [
        node("Constant", [], ["n7"], value=helper.make_tensor("n7", TensorProto.INT64, [], [7])),
        node("Constant", [], ["n5"], value=helper.make_tensor("n5", TensorProto.INT64, [], [5])),
        node("DFT", ["c"], ["fwd"], axis=1),
        node("DFT", ["c"], ["inv"], axis=2, inverse=1),
        node("DFT", ["r"], ["rfft"], axis=1, onesided=1),
        node("DFT", ["h"], ["irfft"], axis=1, inverse=1, onesided=1),
        node("DFT", ["r", "n7"], ["pad"], axis=1),
        node("DFT", ["c", "n5"], ["crop"], axis=2, onesided=1),
        node("DFT", ["h", "n7"], ["irfft7"], axis=1, inverse=1, onesided=1),
    ]
    f8 = np.float64
    inputs: Inputs = {"c": (f8, [2, 6, 9, 2]), "r": (f8, [3, 6, 1]), "h": (f8, [2, 4, 2])}
    outputs = {
        "fwd": (f8, 4),
        "inv": (f8, 4),
        "rfft": (f8, 3),
        "irfft": (f8, 3),
        "pad": (f8, 3),
        "crop": (f8, 4),
        "irfft7": (f8, 3),
    }
    feeds = [
        {
            "c": R.standard_normal((2, 6, 9, 2)),
            "r": R.standard_normal((3, 6, 1)),
            "h": R.standard_normal((2, 4, 2)),
        }
    ]
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 17}, rtol=1e-9, atol=1e-9)


def test_dft_with_run_time_axis(tmp_path: Path) -> None:
    """Opset 20: the axis is a graph input (negative too); one artifact serves every axis,
    including one-sided transforms whose result shape depends on it."""
    node = helper.make_node
    nodes = [
        node("DFT", ["x", "", "axis"], ["full"]),
        node("DFT", ["x", "", "axis"], ["half"], onesided=1),
        node("DFT", ["x", "", "axis"], ["back"], inverse=1, onesided=1),
    ]
    inputs: Inputs = {"x": (np.float32, [2, 5, 6, 2]), "axis": (np.int64, [])}
    outputs = {"full": (np.float32, 4), "half": (np.float32, 4), "back": (np.float32, 4)}
    x = R.standard_normal((2, 5, 6, 2)).astype(np.float32)
    feeds = [{"x": x, "axis": np.array(a, np.int64)} for a in (1, 2, -2, -3)]
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 20}, rtol=1e-4, atol=1e-5)


def test_windows_of_run_time_size(tmp_path: Path) -> None:
    """Hann, Hamming and Blackman windows, periodic and symmetric, f32 and f64 results, for
    sizes given at run time."""
    node = helper.make_node
    nodes = [
        node("HannWindow", ["n"], ["hann"]),
        node("HammingWindow", ["n"], ["hamming"], periodic=0),
        node("BlackmanWindow", ["n"], ["blackman"], output_datatype=TensorProto.DOUBLE),
        node("BlackmanWindow", ["n"], ["blackman_sym"], periodic=0),
    ]
    inputs: Inputs = {"n": (np.int64, [])}
    outputs = {
        "hann": (np.float32, 1),
        "hamming": (np.float32, 1),
        "blackman": (np.float64, 1),
        "blackman_sym": (np.float32, 1),
    }
    feeds = [{"n": np.array(n, np.int64)} for n in (10, 3, 33)]
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 17}, rtol=1e-6, atol=1e-7)


def test_optimizers(tmp_path: Path) -> None:
    """Adagrad, Adam and Momentum (standard and Nesterov) on two tensors each, at T = 0 (no
    bias correction, first-step coefficient 1) and T > 0. (No two nodes compute one value:
    outputs that CSE into one value crash the CPU target, a separate known issue.)"""
    node = helper.make_node

    def train(op: str, ins: list[str], outs: list[str], **attrs: Any) -> onnx.NodeProto:
        return node(op, ["r", "t", *ins], outs, domain=TRAINING, **attrs)

    nodes = [
        train("Adagrad", ["x1", "x2", "g1", "g2", "h1", "h2"], ["ax1", "ax2", "ah1", "ah2"],
              decay_factor=0.1, epsilon=1e-5, norm_coefficient=0.01),
        train("Adam", ["x1", "g1", "v1", "h1"], ["dx", "dv", "dh"],
              alpha=0.9, beta=0.8, epsilon=1e-3, norm_coefficient=0.01, norm_coefficient_post=0.1),
        train("Momentum", ["x1", "x2", "g1", "g2", "v1", "v2"], ["mx1", "mx2", "mv1", "mv2"],
              alpha=0.9, beta=0.5, mode="standard", norm_coefficient=0.01),
        train("Momentum", ["x2", "g2", "v2"], ["nx", "nv"],
              alpha=0.8, beta=0.5, mode="nesterov", norm_coefficient=0.01),
    ]  # fmt: skip
    f4 = np.float32
    inputs: Inputs = {"r": (f4, []), "t": (np.int64, [])}
    shapes = {"x1": [3], "x2": [2, 2], "g1": [3], "g2": [2, 2], "v1": [3], "v2": [2, 2]}
    shapes |= {"h1": [3], "h2": [2, 2]}
    inputs |= {k: (f4, s) for k, s in shapes.items()}
    rank = {"ax1": 1, "ax2": 2, "ah1": 1, "ah2": 2, "dx": 1, "dv": 1, "dh": 1}
    rank |= {"mx1": 1, "mx2": 2, "mv1": 1, "mv2": 2, "nx": 2, "nv": 2}
    outputs = {n: (f4, r) for n, r in rank.items()}
    base = {k: R.standard_normal(s).astype(f4) for k, s in shapes.items()}
    base["h1"], base["h2"] = np.abs(base["h1"]), np.abs(base["h2"])
    feeds = [{**base, "r": np.array(0.1, f4), "t": np.array(t, np.int64)} for t in (0, 3)]
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 17, TRAINING: 1}, rtol=1e-5, atol=1e-6)


def test_binarizer_and_array_feature_extractor(tmp_path: Path) -> None:
    node = helper.make_node
    nodes = [
        node("Binarizer", ["x"], ["b"], domain=ML, threshold=0.25),
        node("ArrayFeatureExtractor", ["x", "i"], ["z"], domain=ML),
        node("ArrayFeatureExtractor", ["v", "i2"], ["zv"], domain=ML),
    ]
    inputs: Inputs = {
        "x": (np.float32, [2, 3, 4]),
        "i": (np.int64, [3]),
        "v": (np.float32, [5]),
        "i2": (np.int64, [1, 2]),
    }
    outputs = {"b": (np.float32, 3), "z": (np.float32, 3), "zv": (np.float32, 2)}
    feeds = [
        {
            "x": R.standard_normal((2, 3, 4)).astype(np.float32),
            "i": np.array([3, 0, 3], np.int64),
            "v": R.standard_normal(5).astype(np.float32),
            "i2": np.array([[4, 1]], np.int64),
        }
    ]
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 17, ML: 1})


def _boxes(b: int, n: int, center: bool) -> np.ndarray:
    """Random boxes on a small grid, so that overlaps, ties and flipped corners all occur."""
    lo = R.integers(0, 6, (b, n, 2)).astype(np.float32)
    size = R.integers(1, 5, (b, n, 2)).astype(np.float32)
    if center:
        return np.concatenate([lo + size / 2, size], axis=-1)
    corners = np.concatenate([lo, lo + size], axis=-1)
    flip = R.random((b, n)) < 0.3
    corners[flip] = corners[flip][:, [2, 3, 0, 1]]
    return corners


def test_non_max_suppression(tmp_path: Path) -> None:
    """Both box formats, with and without a score threshold, on two batches and three
    classes; max_output_boxes_per_class and the thresholds are run-time inputs (one artifact
    serves every setting), with tied scores."""
    node = helper.make_node
    nodes = [
        node("NonMaxSuppression", ["boxes", "scores", "k", "iou", "thr"], ["sel"]),
        node("NonMaxSuppression", ["centers", "scores", "k", "iou"], ["sel_c"], center_point_box=1),
    ]
    f4 = np.float32
    inputs: Inputs = {
        "boxes": (f4, [2, 9, 4]),
        "centers": (f4, [2, 9, 4]),
        "scores": (f4, [2, 3, 9]),
        "k": (np.int64, [1]),
        "iou": (f4, [1]),
        "thr": (f4, [1]),
    }
    outputs = {"sel": (np.int64, 2), "sel_c": (np.int64, 2)}
    feeds = []
    for k, iou, thr in ((3, 0.5, 0.2), (100, 0.0, 0.0), (0, 0.3, 0.5), (2, 0.9, -1.0)):
        feeds.append(
            {
                "boxes": _boxes(2, 9, False),
                "centers": _boxes(2, 9, True),
                "scores": R.integers(0, 5, (2, 3, 9)).astype(f4) / 4,
                "k": np.array([k], np.int64),
                "iou": np.array([iou], f4),
                "thr": np.array([thr], f4),
            }
        )
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 11})


def test_tfidf_vectorizer(tmp_path: Path) -> None:
    """TF / IDF / TFIDF with and without weights, unigrams to trigrams with skips, rows of a
    batch and a single row, int32 and int64 tokens. (onnx.reference cannot run IDF / TFIDF
    without weights: it takes len() of the absent attribute.)"""
    node = helper.make_node
    pool = {"pool_int64s": [2, 3, 5, 2, 3, 3, 5, 4, 5, 2, 3, 5], "ngram_counts": [0, 3, 9]}
    grams = {"ngram_indexes": [6, 0, 1, 2, 3, 4, 5], "min_gram_length": 1}
    w = [0.5, 1.0, 2.0, 0.25, 3.0, 1.5, 0.75]
    nodes = [
        node("TfIdfVectorizer", ["x"], ["tf"], mode="TF", max_gram_length=3,
             max_skip_count=2, **pool, **grams),
        node("TfIdfVectorizer", ["x"], ["idf"], mode="IDF", max_gram_length=2,
             max_skip_count=1, weights=w, **pool, **grams),
        node("TfIdfVectorizer", ["x"], ["tfidf"], mode="TFIDF", max_gram_length=3,
             max_skip_count=0, weights=w, **pool, **grams),
        node("TfIdfVectorizer", ["v"], ["row"], mode="TF", max_gram_length=3,
             max_skip_count=3, **pool, **{**grams, "min_gram_length": 2}),
    ]  # fmt: skip
    inputs: Inputs = {"x": (np.int32, [3, 9]), "v": (np.int64, [11])}
    outputs = {n: (np.float32, 2) for n in ("tf", "idf", "tfidf")} | {"row": (np.float32, 1)}
    feeds = [
        {
            "x": R.integers(2, 6, (3, 9)).astype(np.int32),
            "v": R.integers(2, 6, 11).astype(np.int64),
        }
        for _ in range(3)
    ]
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 17})


def test_stft(tmp_path: Path) -> None:
    """STFT with a run-time frame step: a window (one-sided and full), a run-time frame length
    without a window, and a complex signal; one artifact serves every step."""
    node = helper.make_node
    nodes = [
        node("STFT", ["x", "step", "w"], ["win"]),
        node("STFT", ["x", "step", "w"], ["full"], onesided=0),
        node("STFT", ["x", "step", "", "n"], ["rect"]),
        node("STFT", ["c", "step", "w"], ["cplx"], onesided=0),
    ]
    f8 = np.float64
    inputs: Inputs = {
        "x": (f8, [2, 40, 1]),
        "c": (f8, [1, 40, 2]),
        "w": (f8, [12]),
        "step": (np.int64, []),
        "n": (np.int64, []),
    }
    outputs = {k: (f8, 4) for k in ("win", "full", "rect", "cplx")}
    feeds = [
        {
            "x": R.standard_normal((2, 40, 1)),
            "c": R.standard_normal((1, 40, 2)),
            "w": np.hanning(12),
            "step": np.array(step, np.int64),
            "n": np.array(n, np.int64),
        }
        for step, n in ((4, 16), (7, 9), (1, 40))
    ]
    _check(tmp_path, nodes, inputs, outputs, feeds, {"": 17}, rtol=1e-9, atol=1e-9)


def test_training_dropout(tmp_path: Path) -> None:
    """Dropout with a run-time ratio and training_mode: ratio 0 and training_mode false are
    exact (against onnx.reference); ratio 0.5 keeps about half the elements, each scaled by 2,
    the same ones at every run (Strata's own generator, so not onnx.reference's draw)."""
    node = helper.make_node
    nodes = [node("Dropout", ["x", "r", "t"], ["y", "m"], seed=1)]
    model = _model(
        nodes,
        {"x": (np.float32, [40, 50]), "r": (np.float32, [])},
        {"y": (np.float32, 2)},
        {"": 13},
    )
    model.graph.input.append(helper.make_tensor_value_info("t", TensorProto.BOOL, []))
    model.graph.output.append(helper.make_tensor_value_info("m", TensorProto.BOOL, [None, None]))
    compiled = strata.compile(model, cache_dir=tmp_path, num_threads=1)
    ref = ReferenceEvaluator(model)
    x = R.standard_normal((40, 50)).astype(np.float32)
    for r, t in ((0.0, True), (0.7, False)):
        feed = {"x": x, "r": np.array(r, np.float32), "t": np.array(t)}
        got, want = compiled.run(feed), ref.run(None, feed)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    feed = {"x": x, "r": np.array(0.5, np.float32), "t": np.array(True)}
    y, m = compiled.run(feed)
    assert 0.4 < m.mean() < 0.6
    np.testing.assert_array_equal(y, np.where(m, x * 2, 0))
    _, m2 = compiled.run(feed)
    np.testing.assert_array_equal(m, m2)
