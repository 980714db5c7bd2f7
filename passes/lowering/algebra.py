"""nn.mat_mul and nn.gemm -> linalg.matmul / batch_matmul / contraction generics.

MatMul follows numpy.matmul: 1-d operands are promoted (and the added dim dropped again),
batch dims broadcast. Batch dims only on `a` fold into matmul rows; equal batch dims fold into
one batch_matmul dim; anything else becomes a contraction linalg.generic with broadcasting maps.
Gemm expresses transA / transB as linalg.matmul indexing maps and puts beta * c into the
accumulator when alpha == 1.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.common`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg

from strata.passes.lowering.common import (
    amap,
    attr_float,
    attr_int,
    const,
    cst_expr,
    dim,
    elem,
    elementwise,
    fill,
    generic,
    is_float,
    reshape_to,
    result_shape,
    shape_of,
)


def _mul_add(t: ir.Type, x: ir.Value, y: ir.Value, acc: ir.Value) -> ir.Value:
    if is_float(t):
        return arith.addf(acc, arith.mulf(x, y))
    return arith.addi(acc, arith.muli(x, y))


def _batch_map(
    bshape: Sequence[int], batch: Sequence[int], n: int, tail: Sequence[int]
) -> ir.AffineMap:
    """Map of an operand with batch dims `bshape` (right-aligned into `batch`) + 2 tail dims."""
    nb = len(batch)
    exprs = []
    for i, d in enumerate(bshape):
        o = nb - len(bshape) + i
        exprs.append(cst_expr(0) if d == 1 and batch[o] != 1 else dim(o))
    return amap(n, [*exprs, *(dim(nb + k) for k in tail)])


def _contraction(a: ir.Value, b: ir.Value, batch: list[int], t: ir.Type) -> ir.Value:
    """Broadcasting batched matmul as one generic: dims (batch..., m, n, k)."""
    ash, bsh = shape_of(a), shape_of(b)
    m, n = ash[-2], bsh[-1]
    nd = len(batch) + 3
    maps = [
        _batch_map(ash[:-2], batch, nd, (0, 2)),
        _batch_map(bsh[:-2], batch, nd, (2, 1)),
        amap(nd, [dim(i) for i in range(len(batch) + 2)]),
    ]
    init = fill([*batch, m, n], t, 0)
    kinds = "p" * (len(batch) + 2) + "r"
    return generic([a, b], [init], maps, kinds, lambda x, y, acc: _mul_add(t, x, y, acc))[0]


def lower_matmul(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    a, b = op.operands[0], op.operands[1]
    t = elem(a)
    ash, bsh = shape_of(a), shape_of(b)
    a2 = a if len(ash) > 1 else reshape_to(a, [1, ash[0]])
    b2 = b if len(bsh) > 1 else reshape_to(b, [bsh[0], 1])
    ash, bsh = shape_of(a2), shape_of(b2)
    batch = list(np.broadcast_shapes(tuple(ash[:-2]), tuple(bsh[:-2])))
    m, k, n = ash[-2], ash[-1], bsh[-1]
    if len(bsh) == 2:  # rows of every batch of a share one b: one 2-d matmul
        rows = int(np.prod(ash[:-1]))
        y = linalg.matmul(reshape_to(a2, [rows, k]), b2, outs=[fill([rows, n], t, 0)])
    elif ash[:-2] == bsh[:-2]:  # same batch dims: one batch_matmul over the flattened batch
        nb = int(np.prod(batch))
        y = linalg.batch_matmul(
            reshape_to(a2, [nb, m, k]), reshape_to(b2, [nb, k, n]), outs=[fill([nb, m, n], t, 0)]
        )
    else:
        y = _contraction(a2, b2, batch, t)
    return [reshape_to(y, result_shape(op))]


def lower_gemm(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    a, b = op.operands[0], op.operands[1]
    c = op.operands[2] if len(op.operands) > 2 else None
    t = elem(a)
    shape = result_shape(op)
    alpha, beta = attr_float(op, "alpha"), attr_float(op, "beta")
    ta, tb = attr_int(op, "transA"), attr_int(op, "transB")
    if c is not None and beta == 0.0:
        c = None
    if c is not None and alpha == 1.0:  # accumulate onto beta * c
        init = elementwise(
            [c], shape, t, lambda x: x if beta == 1.0 else arith.mulf(x, const(t, beta))
        )
    else:
        init = fill(shape, t, 0)
    maps = None
    if ta or tb:
        maps = [
            amap(3, [dim(2), dim(0)] if ta else [dim(0), dim(2)]),
            amap(3, [dim(1), dim(2)] if tb else [dim(2), dim(1)]),
            amap(3, [dim(0), dim(1)]),
        ]
    y = linalg.matmul(a, b, outs=[init], indexing_maps=maps)
    if c is not None and alpha != 1.0:

        def epilogue(x: ir.Value, z: ir.Value) -> ir.Value:
            return arith.addf(arith.mulf(x, const(t, alpha)), arith.mulf(z, const(t, beta)))

        y = elementwise([y, c], shape, t, epilogue)
    elif alpha != 1.0:
        y = elementwise([y], shape, t, lambda x: arith.mulf(x, const(t, alpha)))
    return [y]


LOWERINGS = {"LowerMatMul": lower_matmul, "LowerGemm": lower_gemm}
