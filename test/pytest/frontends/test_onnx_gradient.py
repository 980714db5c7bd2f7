"""Gradient (ai.onnx.preview.training), expanded at import time (`frontends/onnx/gradient.py`):
derivatives through every supported op, checked against central finite differences of the
forward graph (onnx.reference, float64); evaluation at other points than `xs`; errors."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import strata
from strata.errors import ModelImportError
from strata.frontends.onnx import import_model

D = TensorProto.DOUBLE
SHAPES = {"a": [3, 4], "b": [4], "w": [4, 2]}


def _forward() -> list[onnx.NodeProto]:
    """y = sum-free chain through every differentiable op; b broadcasts against a."""
    n = helper.make_node
    return [
        n("Mul", ["a", "b"], ["ab"]),
        n("Add", ["ab", "a"], ["s"]),
        n("Relu", ["s"], ["r"]),
        n("Sub", ["r", "b"], ["d"]),
        n("Tanh", ["d"], ["t"]),
        n("MatMul", ["t", "w"], ["m"]),
        n("Sigmoid", ["m"], ["g"]),
        n("Exp", ["g"], ["e"]),
        n("Log", ["e"], ["l"]),  # log(exp(g)) = g, but both rules run
        n("Sqrt", ["e"], ["q"]),
        n("Reciprocal", ["q"], ["rq"]),
        n("Div", ["l", "rq"], ["dv"]),
        n("Neg", ["dv"], ["ng"]),
        n("Identity", ["ng"], ["y"]),
    ]


def _model(nodes: list[onnx.NodeProto], outputs: dict[str, list[int]]) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes,
        "grad",
        [helper.make_tensor_value_info(k, D, s) for k, s in SHAPES.items()],
        [helper.make_tensor_value_info(k, D, s) for k, s in outputs.items()],
    )
    return helper.make_model(
        graph,
        opset_imports=[
            helper.make_opsetid("", 17),
            helper.make_opsetid("ai.onnx.preview.training", 1),
        ],
    )


def _numeric(
    f: Callable[[dict[str, np.ndarray]], float], feeds: dict[str, np.ndarray], x: str
) -> np.ndarray:
    out = np.zeros_like(feeds[x])
    eps = 1e-6
    for idx in np.ndindex(out.shape):
        hi, lo = dict(feeds), dict(feeds)
        hi[x], lo[x] = feeds[x].copy(), feeds[x].copy()
        hi[x][idx] += eps
        lo[x][idx] -= eps
        out[idx] = (f(hi) - f(lo)) / (2 * eps)
    return out


def _feeds() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {k: rng.random(s) - 0.3 for k, s in SHAPES.items()}


def test_gradient_matches_finite_differences() -> None:
    grad = helper.make_node(
        "Gradient",
        ["a", "b", "w"],
        ["da", "db", "dw"],
        domain="ai.onnx.preview.training",
        xs=["a", "b", "w"],
        y="y",
    )
    m = _model([*_forward(), grad], {"y": [3, 2], "da": [3, 4], "db": [4], "dw": [4, 2]})
    feeds = _feeds()
    got = strata.compile(m, num_threads=1).run(feeds)
    forward = ReferenceEvaluator(_model(_forward(), {"y": [3, 2]}))

    def total(f: dict[str, np.ndarray]) -> float:
        return float(forward.run(None, f)[0].sum())

    np.testing.assert_allclose(got[0], forward.run(None, feeds)[0], rtol=1e-12)
    for k, x in enumerate(["a", "b", "w"]):
        np.testing.assert_allclose(got[k + 1], _numeric(total, feeds, x), rtol=1e-6, atol=1e-9)


def test_gradient_at_other_inputs_and_of_unused_x() -> None:
    """Inputs that are not the `xs` values re-evaluate the function there; an x that y does
    not depend on gets zeros."""
    nodes = [
        helper.make_node("Mul", ["a", "a"], ["sq"]),
        helper.make_node("Add", ["a2", "a2"], ["a2x2"]),  # the point to differentiate at
        helper.make_node(
            "Gradient",
            ["a2x2", "b"],
            ["da", "db"],
            domain="ai.onnx.preview.training",
            xs=["a", "b"],
            y="sq",
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "grad",
        [helper.make_tensor_value_info(k, D, [3]) for k in ("a", "a2", "b")],
        [helper.make_tensor_value_info(k, D, [3]) for k in ("da", "db")],
    )
    m = helper.make_model(
        graph,
        opset_imports=[
            helper.make_opsetid("", 12),
            helper.make_opsetid("ai.onnx.preview.training", 1),
        ],
    )
    feeds = {"a": np.array([1.0, 2, 3]), "a2": np.array([0.5, -1, 4]), "b": np.ones(3)}
    da, db = strata.compile(m, num_threads=1).run(feeds)
    np.testing.assert_allclose(da, 2 * (2 * feeds["a2"]))  # d(a^2)/da at a = 2 * a2
    np.testing.assert_array_equal(db, np.zeros(3))


def test_gradient_through_an_unsupported_op_is_named() -> None:
    nodes = [
        helper.make_node("Softmax", ["a"], ["y"], name="sm"),
        helper.make_node(
            "Gradient", ["a"], ["da"], domain="ai.onnx.preview.training", xs=["a"], y="y"
        ),
    ]
    m = _model(nodes, {"da": [3, 4]})
    with pytest.raises(
        ModelImportError, match=r"cannot differentiate through node 'sm' \(Softmax\)"
    ):
        import_model(m)
