"""Numeric tests of the rearranging lowerings (Tile, DepthToSpace, SpaceToDepth,
ReverseSequence, Trilu, EyeLike) against onnxruntime, or `onnx.reference` where onnxruntime
lacks the variant."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check

R = np.random.default_rng(12)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


def i64(value: Any) -> np.ndarray[Any, Any]:
    return np.array(value, np.int64)


@pytest.mark.parametrize(("shape", "reps"), [((2, 3), [2, 3]), ((2, 1, 3), [1, 4, 1]), ((3,), [0])])
def test_tile(shape: tuple[int, ...], reps: list[int]) -> None:
    x = f32(*shape)
    check("tile", [x], {"repeats": reps}, "Tile", {}, onnx_inputs=[x, Const(i64(reps))])


@pytest.mark.parametrize("mode", ["DCR", "CRD"])
def test_depth_to_space(mode: str) -> None:
    attrs = {"blocksize": 3, "mode": mode}
    check("depth_to_space", [f32(2, 18, 2, 3)], attrs, "DepthToSpace", attrs)


def test_space_to_depth() -> None:
    check("space_to_depth", [f32(2, 3, 4, 6)], {"blocksize": 2}, "SpaceToDepth", {"blocksize": 2})


def test_space_to_depth_crd() -> None:
    attrs = {"blocksize": 2, "mode": "CRD"}  # opset 28
    check("space_to_depth", [f32(1, 3, 4, 2)], attrs, "SpaceToDepth", attrs, opset=28,
          reference="onnx")  # fmt: skip


@pytest.mark.parametrize(("batch", "time", "shape"), [(1, 0, (4, 3, 2)), (0, 1, (3, 4))])
def test_reverse_sequence(batch: int, time: int, shape: tuple[int, ...]) -> None:
    lens = i64([4, 1, 2])
    attrs = {"batch_axis": batch, "time_axis": time}
    check("reverse_sequence", [f32(*shape), lens], attrs, "ReverseSequence", attrs)


@pytest.mark.parametrize("upper", [0, 1])
@pytest.mark.parametrize("k", [None, -2, 1, 7])
def test_trilu(upper: int, k: int | None) -> None:
    x = f32(2, 3, 5)
    kk = None if k is None else i64(k)
    check("trilu", [x, kk], {"upper": upper}, "Trilu", {"upper": upper}, opset=14)


def test_trilu_int() -> None:
    x = np.arange(20, dtype=np.int64).reshape(4, 5)
    check("trilu", [x, i64(-1)], {"upper": 1}, "Trilu", {"upper": 1}, opset=14)


@pytest.mark.parametrize(
    ("k", "dtype", "onnx_dtype"), [(0, "float32", 1), (-2, "int64", 7), (3, "int32", 6)]
)
def test_eye_like(k: int, dtype: str, onnx_dtype: int) -> None:
    attrs = {"k": k, "dtype": np.dtype(dtype)}
    check("eye_like", [f32(4, 5)], attrs, "EyeLike", {"k": k, "dtype": onnx_dtype})
