"""End to end (strata.compile, CPU target) for the normalisation, attention, loss and window
converters, on models with symbolic dims: one artifact runs at several sizes and matches ONNX's
reference implementation (onnx.reference) each time. Run-time config inputs (shapes passed as
graph inputs) are covered too."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import strata

F, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
R = np.random.default_rng(7)


def model(
    nodes: Sequence[onnx.NodeProto],
    inputs: Sequence[tuple[str, int, Sequence[int | str]]],
    outputs: Sequence[str | tuple[str, int, Sequence[int | str]]],
    opset: int,
) -> onnx.ModelProto:
    """A model of `nodes`; outputs are names (types from shape inference) or (name, type,
    shape) for ops that ONNX's shape inference does not cover."""
    outs = [
        helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None)
        if isinstance(o, str)
        else helper.make_tensor_value_info(*o)
        for o in outputs
    ]
    graph = helper.make_graph(
        list(nodes), "g", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs], outs
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return onnx.shape_inference.infer_shapes(m)


def check(
    m: onnx.ModelProto,
    feeds: Sequence[dict[str, np.ndarray[Any, Any]]],
    tmp: Path,
    rtol: float = 1e-5,
    atol: float = 1e-5,
) -> None:
    compiled = strata.compile(m, cache_dir=tmp, num_threads=1)
    ref = ReferenceEvaluator(m)
    for feed in feeds:
        got = compiled.run(feed)
        want = ref.run(None, feed)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            w = np.asarray(w)
            assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


def test_normalizations_with_dynamic_batch(tmp_path: Path) -> None:
    n = helper.make_node
    nodes = [
        n("InstanceNormalization", ["x", "s", "b"], ["inst"], epsilon=1e-3),
        n("GroupNormalization", ["x", "s", "b"], ["group"], num_groups=2),
        n("MeanVarianceNormalization", ["x"], ["mvn"], axes=[0, 2]),
        n("RMSNormalization", ["x", "g"], ["rms"], axis=2),
        n("LayerNormalization", ["x", "g"], ["ln", "mean", "inv"], axis=-2),
        n("BatchNormalization", ["x", "s", "b", "m", "v"], ["bn", "rm", "rv"], training_mode=1),
    ]
    inputs = [("x", F, ["n", 4, 3, 5]), ("s", F, [4]), ("b", F, [4]), ("g", F, [3, 5])]
    inputs += [("m", F, [4]), ("v", F, [4])]
    outs: list[Any] = ["inst", ("group", F, ["n", 4, 3, 5]), "mvn", "rms", "ln", "mean"]
    m = model(nodes, inputs, [*outs, "inv", "bn", "rm", "rv"], opset=23)
    common = {"s": f32(4), "b": f32(4), "g": f32(3, 5), "m": f32(4), "v": np.abs(f32(4))}
    check(m, [{"x": f32(b, 4, 3, 5) * 2 + 1, **common} for b in (1, 3)], tmp_path, atol=1e-4)


def lrn_reference(
    x: np.ndarray[Any, Any], size: int, alpha: float, beta: float, bias: float
) -> Any:
    """LRN as ONNX defines it (its backend test's formula; onnx.reference's LRN sums over the
    batch axis instead of the channels)."""
    lo, hi = (size - 1) // 2, -(-(size - 1) // 2)
    sq = np.zeros_like(x)
    for c in range(x.shape[1]):
        sq[:, c] = (x[:, max(0, c - lo) : min(x.shape[1], c + hi + 1)] ** 2).sum(axis=1)
    return x / (bias + alpha / size * sq) ** beta


@pytest.mark.parametrize("size", [3, 4])
def test_lrn_with_dynamic_batch(tmp_path: Path, size: int) -> None:
    node = helper.make_node("LRN", ["x"], ["y"], size=size, alpha=1e-2, beta=0.6, bias=1.5)
    m = model([node], [("x", F, ["n", 6, 3, 2])], ["y"], opset=13)
    compiled = strata.compile(m, cache_dir=tmp_path, num_threads=1)
    for b in (1, 2):
        x = f32(b, 6, 3, 2) * 3
        (got,) = compiled.run({"x": x})
        want = lrn_reference(x, size, 1e-2, 0.6, 1.5)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_attention_3d_with_dynamic_batch_and_sequence(tmp_path: Path) -> None:
    """GQA, causal, a float mask, past key / value (present outputs), dims symbolic."""
    node = helper.make_node(
        "Attention",
        ["q", "k", "v", "mask", "pk", "pv"],
        ["y", "present_k", "present_v"],
        q_num_heads=4,
        kv_num_heads=2,
        is_causal=1,
    )
    inputs = [
        ("q", F, ["b", "s", 32]),
        ("k", F, ["b", "s", 16]),
        ("v", F, ["b", "s", 12]),
        ("mask", F, ["s", "t"]),
        ("pk", F, ["b", 2, "p", 8]),
        ("pv", F, ["b", 2, "p", 6]),
    ]
    outs = [("y", F, ["b", "s", 24]), ("present_k", F, ["b", 2, "t", 8])]
    m = model([node], inputs, [*outs, ("present_v", F, ["b", 2, "t", 6])], opset=23)
    feeds = []
    for b, s, p in ((1, 3, 2), (2, 5, 4)):
        feeds.append(
            {
                "q": f32(b, s, 32),
                "k": f32(b, s, 16),
                "v": f32(b, s, 12),
                "mask": f32(s, s + p),
                "pk": f32(b, 2, p, 8),
                "pv": f32(b, 2, p, 6),
            }
        )
    check(m, feeds, tmp_path)


def test_losses_with_dynamic_dims(tmp_path: Path) -> None:
    n = helper.make_node
    nodes = [
        n("NegativeLogLikelihoodLoss", ["x", "t", "w"], ["nll"], ignore_index=2),
        n("NegativeLogLikelihoodLoss", ["x", "t"], ["nll_none"], reduction="none"),
        n("SoftmaxCrossEntropyLoss", ["x", "t"], ["sce", "logp"], reduction="sum"),
        n("SoftmaxCrossEntropyLoss", ["x", "t", "w"], ["sce_mean"], ignore_index=0),
    ]
    inputs = [("x", F, ["n", 5, "d"]), ("t", I64, ["n", "d"]), ("w", F, [5])]
    m = model(nodes, inputs, ["nll", "nll_none", "sce", "logp", "sce_mean"], opset=13)
    feeds = [
        {"x": f32(b, 5, d), "t": R.integers(0, 5, (b, d)).astype(np.int64), "w": np.abs(f32(5))}
        for b, d in ((2, 3), (4, 1))
    ]
    check(m, feeds, tmp_path)


@pytest.mark.parametrize("opset", [17])
def test_layer_norm_statistics_only_used(tmp_path: Path, opset: int) -> None:
    """Mean / InvStdDev alone as graph outputs (the normalised result is dead)."""
    node = helper.make_node("LayerNormalization", ["x", "g"], ["y", "mean", "inv"], axis=1)
    m = model([node], [("x", F, [3, 4, 2]), ("g", F, [4, 2])], ["mean", "inv"], opset=opset)
    check(m, [{"x": f32(3, 4, 2), "g": f32(4, 2)}], tmp_path)


def test_rotary_swiglu_causal_conv_with_dynamic_batch_and_sequence(tmp_path: Path) -> None:
    n = helper.make_node
    nodes = [
        n("RotaryEmbedding", ["x3", "cos", "sin", "ids"], ["r3"], num_heads=2, interleaved=1),
        n("RotaryEmbedding", ["x4", "cos2", "sin2", "ids"], ["r4"], rotary_embedding_dim=4),
        n("SwiGLU", ["a", "b"], ["sw"], alpha=1.5),
        n("CausalConvWithState", ["a3", "cw", "cb", "past"], ["cc", "state"], activation="silu"),
        n("CausalConvWithState", ["a3", "cw"], ["cc0", "state0"]),
    ]
    inputs = [
        ("x3", F, ["b", "s", 16]),
        ("x4", F, ["b", 3, "s", 6]),
        ("cos", F, [10, 4]),
        ("sin", F, [10, 4]),
        ("cos2", F, [10, 2]),
        ("sin2", F, [10, 2]),
        ("ids", I64, ["b", "s"]),
        ("a", F, ["b", 5]),
        ("b", F, ["b", 5]),
        ("a3", F, ["b", 2, "s"]),
        ("cw", F, [2, 1, 3]),
        ("cb", F, [2]),
        ("past", F, ["b", 2, 2]),
    ]
    outs = [("r3", F, ["b", "s", 16]), ("r4", F, ["b", 3, "s", 6]), ("sw", F, ["b", 5])]
    outs += [("cc", F, ["b", 2, "s"]), ("state", F, ["b", 2, 2])]
    outs += [("cc0", F, ["b", 2, "s"]), ("state0", F, ["b", 2, 2])]
    m = model(nodes, inputs, outs, opset=28)
    feeds = []
    for b, s in ((1, 2), (3, 4)):
        angles = R.random((10, 4)).astype(np.float32) * 6
        feeds.append(
            {
                "x3": f32(b, s, 16),
                "x4": f32(b, 3, s, 6),
                "cos": np.cos(angles),
                "sin": np.sin(angles),
                "cos2": np.cos(angles[:, :2]),
                "sin2": np.sin(angles[:, :2]),
                "ids": R.integers(0, 10, (b, s)).astype(np.int64),
                "a": f32(b, 5),
                "b": f32(b, 5),
                "a3": f32(b, 2, s),
                "cw": f32(2, 1, 3),
                "cb": f32(2),
                "past": f32(b, 2, 2),
            }
        )
    check(m, feeds, tmp_path)


def test_window_ops_with_run_time_shapes(tmp_path: Path) -> None:
    """Col2Im, AffineGrid and MaxUnpool with their shape inputs computed at run time (graph
    inputs), MaxPool's indices and LpPool with a dynamic batch."""
    n = helper.make_node
    nodes = [
        n("Col2Im", ["cols", "image", "block"], ["img"], strides=[1, 2]),
        n("AffineGrid", ["theta", "size"], ["grid"], align_corners=1),
        n("MaxPool", ["x"], ["pooled", "where"], kernel_shape=[2, 2], strides=[2, 2]),
        n(
            "MaxUnpool",
            ["pooled", "where", "target"],
            ["unpooled"],
            kernel_shape=[2, 2],
            strides=[2, 2],
        ),
        n("LpPool", ["x"], ["lp"], kernel_shape=[3, 2], p=3, pads=[1, 0, 1, 1]),
    ]
    inputs = [
        ("cols", F, ["n", 12, 6]),
        ("image", I64, [2]),
        ("block", I64, [2]),
        ("theta", F, ["n", 2, 3]),
        ("size", I64, [4]),
        ("x", F, ["n", 2, 4, 6]),
        ("target", I64, [4]),
    ]
    outs = [
        ("img", F, ["n", "c", "h", "w"]),
        ("grid", F, ["n", "h", "w", 2]),
        ("pooled", F, ["n", 2, 2, 3]),
        ("where", I64, ["n", 2, 2, 3]),
        ("unpooled", F, ["n", 2, "h", "w"]),
        ("lp", F, ["n", 2, 4, 6]),
    ]
    m = model(nodes, inputs, outs, opset=22)
    feeds = []
    for b, (img, blk) in ((1, ((4, 7), (2, 3))), (2, ((3, 5), (2, 2)))):
        blocks = (img[0] - blk[0] + 1) * ((img[1] - blk[1]) // 2 + 1)
        cols = f32(b, 3 * blk[0] * blk[1], blocks)
        feeds.append(
            {
                "cols": cols,
                "image": np.array(img, np.int64),
                "block": np.array(blk, np.int64),
                "theta": f32(b, 2, 3),
                "size": np.array([b, 1, 3 + b, 5], np.int64),
                "x": f32(b, 2, 4, 6),
                "target": np.array([b, 2, 5, 6 + b], np.int64),
            }
        )
    # the columns' static shape must fit both cases: give each case its own model
    for feed in feeds:
        shaped = onnx.ModelProto()
        shaped.CopyFrom(m)
        for vi in shaped.graph.input:
            if vi.name == "cols":
                dims = vi.type.tensor_type.shape.dim
                dims[1].dim_value, dims[2].dim_value = feed["cols"].shape[1:]
        check(shaped, [feed], tmp_path, atol=1e-5)


def test_sampling_ops_with_dynamic_dims(tmp_path: Path) -> None:
    n = helper.make_node
    nodes = [
        n("GridSample", ["x", "grid"], ["gs"], mode="cubic", padding_mode="reflection"),
        n("RoiAlign", ["x", "rois", "idx"], ["ra"], output_height=2, output_width=3),
        n("DeformConv", ["x", "w", "offset"], ["dc"], pads=[1, 1, 1, 1]),
    ]
    inputs = [
        ("x", F, ["n", 2, "h", "w"]),
        ("grid", F, ["n", "gh", "gw", 2]),
        ("rois", F, ["r", 4]),
        ("idx", I64, ["r"]),
        ("w", F, [3, 2, 2, 2]),
        ("offset", F, ["n", 8, "oh", "ow"]),
    ]
    outs = [
        ("gs", F, ["n", 2, "gh", "gw"]),
        ("ra", F, ["r", 2, 2, 3]),
        ("dc", F, ["n", 3, "oh", "ow"]),
    ]
    m = model(nodes, inputs, outs, opset=22)
    feeds = []
    for b, h, w, r in ((1, 5, 6, 2), (2, 4, 4, 3)):
        feeds.append(
            {
                "x": f32(b, 2, h, w),
                "grid": (R.random((b, 3, 4, 2)) * 2.4 - 1.2).astype(np.float32),
                "rois": (R.random((r, 4)) * 4).astype(np.float32),
                "idx": R.integers(0, b, r).astype(np.int64),
                "w": f32(3, 2, 2, 2),
                "offset": f32(b, 8, h + 1, w + 1),
            }
        )
    check(m, feeds, tmp_path, rtol=1e-4, atol=1e-5)


def test_linear_and_flex_attention_with_dynamic_time(tmp_path: Path) -> None:
    """Every LinearAttention update rule (grouped heads, per-key / per-head / scalar decay and
    beta, a past state) and FlexAttention (preview domain) with symbolic batch and time."""
    n = helper.make_node
    heads = {"q_num_heads": 4, "kv_num_heads": 2}
    nodes = [
        n("LinearAttention", ["q", "k", "v"], ["lin", "lin_s"], update_rule="linear", **heads),
        n(
            "LinearAttention",
            ["q", "k", "v", "past", "dk"],
            ["g", "g_s"],
            update_rule="gated",
            **heads,
        ),
        n(
            "LinearAttention",
            ["q", "k", "v", "", "", "b1"],
            ["d", "d_s"],
            update_rule="delta",
            **heads,
        ),
        n(
            "LinearAttention",
            ["q", "k", "v", "past", "dh", "bh"],
            ["gd", "gd_s"],
            scale=0.3,
            **heads,
        ),
        n("FlexAttention", ["q4", "k4", "v4"], ["flex"], domain="ai.onnx.preview"),
    ]
    inputs = [
        ("q", F, ["b", "t", 16]),
        ("k", F, ["b", "t", 8]),
        ("v", F, ["b", "t", 6]),
        ("past", F, ["b", 2, 4, 3]),
        ("dk", F, ["b", "t", 8]),
        ("dh", F, ["b", "t", 2]),
        ("b1", F, ["b", "t", 1]),
        ("bh", F, ["b", "t", 2]),
        ("q4", F, ["b", 4, "t", 8]),
        ("k4", F, ["b", 2, "s", 8]),
        ("v4", F, ["b", 2, "s", 5]),
    ]
    outs: list[Any] = [("flex", F, ["b", 4, "t", 5])]
    for name in ("lin", "g", "d", "gd"):
        outs += [(name, F, ["b", "t", 12]), (f"{name}_s", F, ["b", 2, 4, 3])]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info(*i) for i in inputs],
        [helper.make_tensor_value_info(*o) for o in outs],
    )
    m = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 27), helper.make_opsetid("ai.onnx.preview", 1)],
    )
    feeds = []
    for b, t, s in ((1, 3, 2), (2, 5, 4)):
        key = f32(b, t, 8)
        key /= np.repeat(np.linalg.norm(key.reshape(b, t, 2, 4), axis=-1), 4, axis=-1)
        sig = lambda a: (1 / (1 + np.exp(-a))).astype(np.float32)  # noqa: E731
        feeds.append(
            {
                "q": f32(b, t, 16),
                "k": key,
                "v": f32(b, t, 6),
                "past": f32(b, 2, 4, 3),
                "dk": -np.abs(f32(b, t, 8)),
                "dh": -np.abs(f32(b, t, 2)),
                "b1": sig(f32(b, t, 1)),
                "bh": sig(f32(b, t, 2)),
                "q4": f32(b, 4, t, 8),
                "k4": f32(b, 2, s, 8),
                "v4": f32(b, 2, s, 5),
            }
        )
    check(m, feeds, tmp_path)
