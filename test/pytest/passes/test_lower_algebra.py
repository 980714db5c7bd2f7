"""Numeric tests of the MatMul / Gemm lowerings against onnxruntime."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import check

R = np.random.default_rng(11)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


MATMUL_SHAPES = [
    ((3, 4), (4, 5)),  # 2-d: linalg.matmul
    ((2, 3, 4), (4, 5)),  # batch on a only: rows folded into one matmul
    ((2, 3, 4), (2, 4, 5)),  # equal batch: batch_matmul
    ((2, 2, 3, 4), (2, 2, 4, 5)),  # two batch dims collapsed into one
    ((2, 1, 3, 4), (3, 4, 5)),  # broadcast batch: contraction generic
    ((3, 4), (2, 4, 5)),  # batch on b only
    ((4,), (2, 4, 5)),  # 1-d a
    ((3, 4), (4,)),  # 1-d b
    ((4,), (4,)),  # dot product -> rank 0
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES)
def test_matmul(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    check("mat_mul", [f32(*sa), f32(*sb)], {}, "MatMul")


def test_matmul_int() -> None:
    a = R.integers(-5, 5, (2, 3, 4)).astype(np.int64)
    b = R.integers(-5, 5, (2, 4, 2)).astype(np.int64)
    check("mat_mul", [a, b], {}, "MatMul")


GEMMS = [
    ({}, (3, 4), (4, 5), (5,)),
    ({"transA": 1}, (4, 3), (4, 5), (3, 5)),
    ({"transB": 1}, (3, 4), (5, 4), (1, 5)),
    ({"transA": 1, "transB": 1}, (4, 3), (5, 4), (3, 1)),
    ({"alpha": 0.5, "beta": 2.0}, (3, 4), (4, 5), (5,)),
    ({"alpha": 1.5}, (3, 4), (4, 5), None),
    ({"beta": 0.0}, (3, 4), (4, 5), (3, 5)),
    ({"beta": 3.0}, (3, 4), (4, 5), ()),
]


@pytest.mark.parametrize(("attrs", "sa", "sb", "sc"), GEMMS)
def test_gemm(
    attrs: dict[str, Any], sa: tuple[int, ...], sb: tuple[int, ...], sc: tuple[int, ...] | None
) -> None:
    c = None if sc is None else f32(*sc)
    check("gemm", [f32(*sa), f32(*sb), c], attrs, "Gemm", attrs)
