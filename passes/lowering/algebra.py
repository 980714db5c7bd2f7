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

from mlir import ir
from mlir.dialects import arith, linalg

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.broadcast import dim_origin
from strata.passes.lowering.common import (
    amap,
    attr_float,
    attr_int,
    collapse,
    const,
    cst_expr,
    dim,
    elem,
    elementwise,
    expand,
    fill,
    generic,
    is_16bit_float,
    is_float,
    rank,
    reshape_to,
    type_shape,
)
from strata.passes.lowering.sizes import Size


def _mul_add(t: ir.Type, x: ir.Value, y: ir.Value, acc: ir.Value) -> ir.Value:
    if is_float(t):
        if x.type != acc.type:  # 16-bit floats accumulate in f32
            x, y = arith.extf(acc.type, x), arith.extf(acc.type, y)
        return arith.addf(acc, arith.mulf(x, y))
    return arith.addi(acc, arith.muli(x, y))


def _batch_map(
    bshape: Sequence[int], batch: Sequence[int], n: int, tail: Sequence[int]
) -> ir.AffineMap:
    """Map of an operand with batch dims `bshape` (right-aligned into `batch`) + 2 tail dims.

    Shapes as MLIR types hold them: a static 1 facing another size broadcasts."""
    nb = len(batch)
    exprs = []
    for i, d in enumerate(bshape):
        o = nb - len(bshape) + i
        exprs.append(cst_expr(0) if d == 1 and batch[o] != 1 else dim(o))
    return amap(n, [*exprs, *(dim(nb + k) for k in tail)])


def _contraction(a: ir.Value, b: ir.Value, batch: list[Size], t: ir.Type) -> ir.Value:
    """Broadcasting batched matmul as one generic: dims (batch..., m, n, k)."""
    ash, bsh = type_shape(a), type_shape(b)
    m, n = sz.dim_of(a, len(ash) - 2), sz.dim_of(b, len(bsh) - 1)
    nd = len(batch) + 3
    bt = sz.statics(batch)
    maps = [
        _batch_map(ash[:-2], bt, nd, (0, 2)),
        _batch_map(bsh[:-2], bt, nd, (2, 1)),
        amap(nd, [dim(i) for i in range(len(batch) + 2)]),
    ]
    init = fill([*batch, m, n], _acc_type(t), 0)
    kinds = "p" * (len(batch) + 2) + "r"
    return generic([a, b], [init], maps, kinds, lambda x, y, acc: _mul_add(t, x, y, acc))[0]


def _acc_type(t: ir.Type) -> ir.Type:
    """The accumulator of a contraction over `t`: f32 for f16 / bf16 (numpy's float16 matmul
    sums in f32 and rounds once), `t` otherwise."""
    return ir.F32Type.get() if is_16bit_float(t) else t


def _batch_sizes(a: ir.Value, b: ir.Value) -> list[Size]:
    """Broadcast batch dims of two rank >= 2 operands (a dynamic dim is the size)."""
    ash, bsh = sz.sizes_of(a)[:-2], sz.sizes_of(b)[:-2]
    n = max(len(ash), len(bsh))
    ash = [1] * (n - len(ash)) + ash
    bsh = [1] * (n - len(bsh)) + bsh
    out: list[Size] = []
    for x, y in zip(ash, bsh, strict=True):
        if isinstance(x, int) and x == 1:
            out.append(y)
        elif isinstance(y, int) and y == 1:
            out.append(x)
        else:
            out.append(x if not isinstance(x, int) else y)
    return out


def lower_matmul(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """16-bit floats: the products are summed in f32 and the result rounded once."""
    a, b = op.operands[0], op.operands[1]
    out_t = elem(a)
    t = _acc_type(out_t)
    ra, rb = rank(a), rank(b)
    a2 = a if ra > 1 else reshape_to(a, [1, sz.dim_of(a, 0)])
    b2 = b if rb > 1 else reshape_to(b, [sz.dim_of(b, 0), 1])
    asz, bsz = sz.sizes_of(a2), sz.sizes_of(b2)
    m, n = asz[-2], bsz[-1]
    ra2, rb2 = len(asz), len(bsz)
    if rb2 == 2:  # rows of every batch of a share one b: one 2-d matmul
        lead = list(range(ra2 - 1))
        a_rows = collapse(a2, [lead, [ra2 - 1]]) if ra2 > 2 else a2
        rows = sz.product(asz[:-1])
        y = linalg.matmul(a_rows, b2, outs=[fill([rows, n], t, 0)])
        full = [*asz[:-1], n]
        if ra2 > 2:
            y = expand(y, [lead, [ra2 - 1]], full)
    elif type_shape(a2)[:-2] == type_shape(b2)[:-2] and (
        not _dynamic_batch(a2, b2) or _same_batch_origins(a2, b2)
    ):
        # same batch dims (dynamic ones of provably one origin): one batch_matmul over the
        # flattened batch
        nb = ra2 - 2
        groups = [list(range(nb)), [nb], [nb + 1]]
        batch = asz[:-2]
        a3 = collapse(a2, groups) if nb != 1 else a2
        b3 = collapse(b2, groups) if nb != 1 else b2
        y = linalg.batch_matmul(a3, b3, outs=[fill([sz.product(batch), m, n], t, 0)])
        full = [*batch, m, n]
        if nb != 1:
            y = expand(y, groups, full)
    else:
        y = _contraction(a2, b2, _batch_sizes(a2, b2), t)
    # drop the dims added for 1-d operands
    ysz = sz.sizes_of(y)
    drop = set()
    if rb == 1:
        drop.add(len(ysz) - 1)
    if ra == 1:
        drop.add(len(ysz) - 2)
    if drop:
        y = reshape_to(y, [d for i, d in enumerate(ysz) if i not in drop])
    if t != out_t:
        y = elementwise([y], sz.sizes_of(y), out_t, lambda v: arith.truncf(out_t, v))
    return [y]


def _same_batch_origins(a: ir.Value, b: ir.Value) -> bool:
    """Whether every batch dim of a and b provably has one size (see broadcast.dim_origin)."""
    n = rank(a) - 2
    return all(dim_origin(a, i) == dim_origin(b, i) for i in range(n))


def _dynamic_batch(a: ir.Value, b: ir.Value) -> bool:
    ta, tb = ir.RankedTensorType(a.type), ir.RankedTensorType(b.type)
    return any(ta.is_dynamic_dim(i) for i in range(ta.rank - 2)) or any(
        tb.is_dynamic_dim(i) for i in range(tb.rank - 2)
    )


def lower_gemm(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    a, b = op.operands[0], op.operands[1]
    c = op.operands[2] if len(op.operands) > 2 else None
    t = elem(a)
    ta_, tb_ = attr_int(op, "transA"), attr_int(op, "transB")
    shape: list[Size] = [
        sz.dim_of(a, 1 if ta_ else 0),
        sz.dim_of(b, 0 if tb_ else 1),
    ]
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
