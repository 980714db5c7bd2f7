"""Numeric tests of nn.attention's lowering against ONNX's reference Attention (opset 25).
(nn.linear_attention is checked end to end in test/pytest/frontends/test_onnx_nn_family.py.)"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
import pytest
from nn_jit import run_nn
from onnx import helper
from onnx.reference import ReferenceEvaluator

R = np.random.default_rng(23)
NAMES = ["Q", "K", "V", "attn_mask", "past_key", "past_value", "nonpad_kv_seqlen"]


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


def reference(inputs: list[np.ndarray[Any, Any] | None], attrs: dict[str, Any]) -> list[Any]:
    """All four outputs of ONNX Attention (reference implementation) on these inputs."""
    names = [n if a is not None else "" for n, a in zip(NAMES, inputs, strict=True)]
    while not names[-1]:
        names.pop()
    outs = ["Y", "present_key", "present_value", "qk"]
    node = helper.make_node("Attention", names, outs, **attrs)
    feeds = {n: a for n, a in zip(NAMES, inputs, strict=True) if a is not None}
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info(n, onnx.TensorProto.UNDEFINED, None) for n in feeds],
        [helper.make_tensor_value_info(o, onnx.TensorProto.UNDEFINED, None) for o in outs],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 25)])
    return list(ReferenceEvaluator(model).run(None, feeds))


PAST = [f32(2, 2, 4, 4), f32(2, 2, 4, 4)]
NONPAD = np.array([6, 2], np.int64)
CASES: list[tuple[str, list[Any], dict[str, Any]]] = [
    ("plain", [f32(2, 3, 4, 8), f32(2, 3, 6, 8), f32(2, 3, 6, 5)], {}),
    (
        "gqa_causal_bool_mask",
        [f32(1, 4, 3, 8), f32(1, 2, 5, 8), f32(1, 2, 5, 6), R.random((3, 5)) > 0.3],
        {"is_causal": 1},
    ),
    (
        "past_short_float_mask_bias_output",
        [*(f32(2, 2, 3, 4), f32(2, 2, 3, 4), f32(2, 2, 3, 4)), f32(2, 1, 3, 5), *PAST],
        {"qk_matmul_output_mode": 2, "scale": 0.3},
    ),
    (
        "nonpad_window_causal",
        [f32(2, 2, 3, 8), f32(2, 2, 6, 8), f32(2, 2, 6, 8), None, None, None, NONPAD],
        {"is_causal": 1, "left_window_size": 1},
    ),
    (
        "softcap_softmax_output_right_window",
        [f32(1, 2, 4, 8) * 4, f32(1, 2, 4, 8), f32(1, 2, 4, 8)],
        {"softcap": 2.0, "qk_matmul_output_mode": 3, "right_window_size": 1},
    ),
    (
        "softcap_output",
        [f32(1, 1, 4, 8) * 4, f32(1, 1, 4, 8), f32(1, 1, 4, 8)],
        {"softcap": 2.0, "qk_matmul_output_mode": 1},
    ),
]


@pytest.mark.parametrize(("name", "inputs", "attrs"), CASES, ids=[c[0] for c in CASES])
def test_attention_matches_reference(name: str, inputs: list[Any], attrs: dict[str, Any]) -> None:
    operands = inputs + [None] * (7 - len(inputs))
    nn_attrs = {
        "scale": attrs.get("scale", 1 / np.sqrt(inputs[0].shape[3])),
        "softmax_precision": 1,
        **{k: v for k, v in attrs.items() if k != "scale"},
    }
    got = run_nn("attention", operands, nn_attrs)
    want = reference(operands, attrs)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_fully_masked_rows_are_zero() -> None:
    """A query row whose mask allows no key gives zeros (y and the softmax output)."""
    mask = np.array([[True, False, True], [False, False, False]])
    q, k, v = f32(1, 1, 2, 4), f32(1, 1, 3, 4), f32(1, 1, 3, 4)
    attrs = {"scale": 0.5, "softmax_precision": 1, "qk_matmul_output_mode": 3}
    y, _, _, p = run_nn("attention", [q, k, v, mask, None, None, None], attrs)
    assert np.all(y[0, 0, 1] == 0) and np.all(p[0, 0, 1] == 0)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(p[0, 0, 0].sum(), 1.0, rtol=1e-6)
