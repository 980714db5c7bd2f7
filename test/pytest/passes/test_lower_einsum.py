"""Numeric tests of Einsum (matrix products and general equations) and Det against
onnxruntime."""

from __future__ import annotations

import numpy as np
import pytest
from nn_jit import check

R = np.random.default_rng(3)


def f32(*shape: int) -> np.ndarray:
    return R.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize(
    ("equation", "shapes"),
    [
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),  # batch_matmul
        ("ij,kj->ik", [(3, 4), (5, 4)]),  # matmul with a transposed operand
        ("bhid,bhjd->bhij", [(2, 2, 3, 4), (2, 2, 5, 4)]),  # attention scores
        ("i,j->ij", [(3,), (4,)]),  # outer product (no contracted index)
        ("ij,jk", [(2, 3), (3, 4)]),  # implicit result
        ("...ij,...jk->...ik", [(2, 3, 4), (1, 4, 2)]),  # broadcast ellipsis: a generic
        ("ii->i", [(4, 4)]),  # diagonal
        ("ij->", [(3, 4)]),  # total sum
        ("ijk->kji", [(2, 3, 4)]),  # transpose
        ("ij,ij->i", [(3, 4), (3, 4)]),  # rowwise dot
    ],
)
def test_einsum(equation: str, shapes: list[tuple[int, ...]]) -> None:
    ins = [f32(*s) for s in shapes]
    operands = [ins[0], ins[1] if len(ins) > 1 else None]
    check("einsum", operands, {"equation": equation}, "Einsum", {"equation": equation}, ins, 1e-4)


def test_einsum_of_integers() -> None:
    a = R.integers(-5, 5, (2, 3)).astype(np.int64)
    b = R.integers(-5, 5, (3, 4)).astype(np.int64)
    check("einsum", [a, b], {"equation": "ij,jk->ik"}, "Einsum", {"equation": "ij,jk->ik"})


@pytest.mark.parametrize("shape", [(2, 2), (4, 3, 3), (2, 5, 5), (1, 1)])
def test_det(shape: tuple[int, ...]) -> None:
    x = f32(*shape)
    if len(shape) == 3:
        x[0, 1] = x[0, 0] * 2  # a singular matrix
    check("det", [x], {}, "Det", {}, rtol=1e-4, atol=1e-5, opset=11)
