"""Numeric tests of the indexing lowerings (GatherND, ScatterElements, ScatterND, TensorScatter,
OneHot) against onnxruntime, or `onnx.reference` where onnxruntime lacks the variant."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check

R = np.random.default_rng(11)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


def i64(value: Any) -> np.ndarray[Any, Any]:
    return np.array(value, np.int64)


@pytest.mark.parametrize(
    ("data", "indices", "batch"),
    [
        ((2, 3, 4), i64([[0, 1], [1, -1]]), 0),  # k = 2: one row of 4 per tuple
        ((2, 3, 4), i64([[[1, 2, 3]], [[0, 0, -1]]]), 0),  # k = rank: single elements
        ((2, 3, 4), i64([[1], [0]]), 1),  # batch_dims = 1
        ((2, 3, 4, 2), i64([[[2, 1]], [[0, 3]]]), 1),
    ],
)
def test_gather_nd(data: tuple[int, ...], indices: np.ndarray[Any, Any], batch: int) -> None:
    check("gather_nd", [f32(*data), indices], {"batch_dims": batch}, "GatherND",
          {"batch_dims": batch}, opset=13)  # fmt: skip


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
def test_scatter_elements(reduction: str) -> None:
    # duplicate and negative indices: updates apply in order (none: the last one wins)
    indices = i64([[1, -3, 2, 1], [0, 2, 2, 0]])
    attrs = {"axis": 1, "reduction": reduction}
    check("scatter_elements", [f32(2, 3), indices, f32(2, 4)], attrs, "ScatterElements",
          attrs, opset=18)  # fmt: skip


def test_scatter_elements_int_axis0() -> None:
    data = np.arange(12, dtype=np.int64).reshape(3, 4)
    attrs = {"axis": 0, "reduction": "add"}
    check("scatter_elements", [data, i64([[2, 0, 1, 0]]), i64([[5, 6, 7, 8]])], attrs,
          "ScatterElements", attrs, opset=18)  # fmt: skip


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
def test_scatter_nd(reduction: str) -> None:
    attrs = {"reduction": reduction}
    check("scatter_nd", [f32(4, 3, 2), i64([[0, 1], [-1, 2], [0, 1]]), f32(3, 2)], attrs,
          "ScatterND", attrs, opset=18)  # fmt: skip


def test_scatter_nd_rows_no_reduction() -> None:
    check("scatter_nd", [f32(5, 4), i64([[3], [0]]), f32(2, 4)], {}, "ScatterND", {}, opset=16)


@pytest.mark.parametrize(
    ("mode", "widx"), [("linear", [0, 2]), ("circular", [3, 1]), ("linear", None)]
)
def test_tensor_scatter(mode: str, widx: list[int] | None) -> None:
    cache, update = f32(2, 3, 5, 4), f32(2, 3, 2, 4)
    w = None if widx is None else np.array(widx, np.int64)
    attrs = {"mode": mode, "axis": -2}
    check("tensor_scatter", [cache, update, w], attrs, "TensorScatter", attrs, opset=24,
          reference="onnx")  # fmt: skip


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_one_hot(axis: int) -> None:
    idx = i64([[1, -1, 5], [0, -4, 3]])  # 5 and -4 are outside [-depth, depth): all off
    values = np.array([-1.0, 2.0], np.float32)
    check("one_hot", [idx, Const(values)], {"depth": 4, "axis": axis}, "OneHot",
          {"axis": axis}, onnx_inputs=[idx, Const(np.array(4, np.int64)), Const(values)],
          opset=11)  # fmt: skip


def test_one_hot_float_indices_int_values() -> None:
    idx = np.array([0.0, 2.0, -1.0], np.float32)
    values = np.array([0, 7], np.int64)
    check("one_hot", [idx, values], {"depth": 3}, "OneHot", {},
          onnx_inputs=[idx, Const(np.array(3.0, np.float32)), values], opset=11,
          reference="onnx")  # fmt: skip


def test_tensor_scatter_empty_update() -> None:
    cache, update = f32(2, 5, 3), f32(2, 0, 3)
    attrs = {"mode": "linear", "axis": 1}
    check("tensor_scatter", [cache, update, None], attrs, "TensorScatter", attrs, opset=24,
          reference="onnx")  # fmt: skip
