"""Einsum -> linalg.(batch_)matmul or one linalg.generic; Det -> LU elimination in scf loops.

Einsum: a two-operand equation that is a matrix product (every index a batch, row, column or
contracted index; static shapes) becomes transposes and reshapes around linalg.matmul /
batch_matmul, which the CPU target's schedules tile. Any other equation is one generic: the
result's indices are the parallel loops, every other index a reduction loop; each operand is
read through the map of its indices (a repeated index, e.g. a diagonal "ii->i", reads one
loop twice; an ellipsis dim of size 1 facing a larger one broadcasts) and the body adds the
product of the operands to the accumulator. The equation is parsed by the dialect's own
parser (`strata.dialects.nn_reduce.einsum_terms`), so the verifier and the lowering agree.

Det: each matrix of [*, M, M] is copied and reduced by Gaussian elimination with partial
pivoting (the row with the largest |a[i, k]| is swapped up, which flips the sign), as
LAPACK's getrf does; the determinant is the signed product of the pivots (0 once a pivot is).

Dependency contract: imports the `mlir` bindings, `strata.dialects.nn_reduce` and
`strata.passes.lowering.{common,sizes,loops,sort}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, linalg, math, tensor

from strata.dialects.nn_reduce import ELLIPSIS, einsum_terms
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    amap,
    attr_str,
    const,
    cst_expr,
    dim,
    elem,
    empty,
    extract_slice,
    fill,
    generic,
    is_float,
    rank,
    reshape_to,
)
from strata.passes.lowering.loops import for_loop
from strata.passes.lowering.sizes import Size
from strata.passes.lowering.sort import transpose


def _as_matmul(
    a: ir.Value, b: ir.Value, ta: list[str], tb: list[str], out: list[str]
) -> ir.Value | None:
    """A two-operand Einsum that is a (batched) matrix product, as transposes and reshapes
    around linalg.matmul / batch_matmul (which the CPU schedules tile); None if it is not one
    (an index repeated in one operand, summed in one operand only, broadcast, or dynamic)."""
    sa, sb = ir.RankedTensorType(a.type), ir.RankedTensorType(b.type)
    if not (sa.has_static_shape and sb.has_static_shape):
        return None
    if len(set(ta)) != len(ta) or len(set(tb)) != len(tb):
        return None
    if any(c not in tb and c not in out for c in ta) or any(
        c not in ta and c not in out for c in tb
    ):
        return None
    size = {c: int(sa.shape[i]) for i, c in enumerate(ta)}
    for i, c in enumerate(tb):
        if size.setdefault(c, int(sb.shape[i])) != int(sb.shape[i]):
            return None  # a broadcast ellipsis dim
    batch = [c for c in out if c in ta and c in tb]
    rows = [c for c in out if c in ta and c not in tb]
    cols = [c for c in out if c in tb and c not in ta]
    inner = [c for c in ta if c in tb and c not in out]

    def prod(cs: list[str]) -> int:
        p = 1
        for c in cs:
            p *= size[c]
        return p

    def operand(v: ir.Value, term: list[str], order: list[str], shape: list[int]) -> ir.Value:
        return reshape_to(transpose(v, [term.index(c) for c in order]), shape)

    nb, m, n, k = prod(batch), prod(rows), prod(cols), prod(inner)
    t = elem(a)
    if batch:
        a3 = operand(a, ta, [*batch, *rows, *inner], [nb, m, k])
        b3 = operand(b, tb, [*batch, *inner, *cols], [nb, k, n])
        y = linalg.batch_matmul(a3, b3, outs=[fill([nb, m, n], t, 0)])
    else:
        a2 = operand(a, ta, [*rows, *inner], [m, k])
        b2 = operand(b, tb, [*inner, *cols], [k, n])
        y = linalg.matmul(a2, b2, outs=[fill([m, n], t, 0)])
    got = [*batch, *rows, *cols]
    y = reshape_to(y, [size[c] for c in got])
    return transpose(y, [got.index(c) for c in out])


def lower_einsum(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    operands = list(op.operands)
    t = elem(operands[0])
    ins, out = einsum_terms(attr_str(op, "equation"), [rank(v) for v in operands])
    if len(operands) == 2:
        product = _as_matmul(operands[0], operands[1], ins[0], ins[1], out)
        if product is not None:
            return [product]
    loops = list(dict.fromkeys([*out, *(c for term in ins for c in term)]))
    pos = {c: i for i, c in enumerate(loops)}
    sizes: dict[str, Size] = {}
    for v, term in zip(operands, ins, strict=True):
        for d, c in enumerate(term):
            s = sz.dim_of(v, d)
            if c not in sizes or sizes[c] == 1:  # a broadcast ellipsis dim of 1 gives way
                sizes[c] = s
    n = len(loops)
    maps = []
    for v, term in zip(operands, ins, strict=True):
        shape = ir.RankedTensorType(v.type).shape
        exprs = [
            cst_expr(0) if c[0] == ELLIPSIS and shape[d] == 1 and sizes[c] != 1 else dim(pos[c])
            for d, c in enumerate(term)
        ]
        maps.append(amap(n, exprs))
    maps.append(amap(n, [dim(pos[c]) for c in out]))
    kinds = "p" * len(out) + "r" * (n - len(out))
    mul = (lambda a, b: arith.mulf(a, b)) if is_float(t) else arith.muli
    add = (lambda a, b: arith.addf(a, b)) if is_float(t) else arith.addi

    def body(*vals: ir.Value) -> ir.Value:
        term = vals[0]
        for v in vals[1:-1]:
            term = mul(term, v)
        return add(vals[-1], term)

    init = fill([sizes[c] for c in out], t, 0)
    return [generic(operands, [init], maps, kinds, body)[0]]


def lower_det(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs, t = sz.sizes_of(x), elem(x)
    batch, m = xs[:-2], xs[-1]
    count = sz.product(batch)
    x3 = reshape_to(x, [count, m, m])
    c0, c1 = sz.cindex(0), sz.cindex(1)

    def at(a: ir.Value, i: ir.Value, j: ir.Value) -> ir.Value:
        return tensor.extract(a, [c0, i, j])

    def eliminate(k: ir.Value, a: ir.Value, det: ir.Value) -> list[ir.Value]:
        def search(i: ir.Value, p: ir.Value, best: ir.Value) -> list[ir.Value]:
            v = math.absf(at(a, i, k))
            better = arith.cmpf(CMPF["ogt"], v, best)
            return [arith.select(better, i, p), arith.select(better, v, best)]

        p, _ = for_loop(k, m, [k, const(t, -1.0)], search)

        def swap(j: ir.Value, a: ir.Value) -> list[ir.Value]:
            top, other = at(a, k, j), at(a, p, j)
            a = tensor.insert(other, a, [c0, k, j])
            return [tensor.insert(top, a, [c0, p, j])]

        (a,) = for_loop(0, m, [a], swap)
        swapped = arith.cmpi(arith.CmpIPredicate.ne, p, k)
        det = arith.select(swapped, arith.negf(det), det)
        pivot = at(a, k, k)
        det = arith.mulf(det, pivot)
        singular = arith.cmpf(CMPF["oeq"], pivot, const(t, 0.0))
        below = arith.addi(k, c1)

        def row(i: ir.Value, a: ir.Value) -> list[ir.Value]:
            f = arith.select(singular, const(t, 0.0), arith.divf(at(a, i, k), pivot))

            def col(j: ir.Value, a: ir.Value) -> list[ir.Value]:
                v = arith.subf(at(a, i, j), arith.mulf(f, at(a, k, j)))
                return [tensor.insert(v, a, [c0, i, j])]

            return for_loop(below, m, [a], col)

        (a,) = for_loop(below, m, [a], row)
        return [a, det]

    def matrix(b: ir.Value, out: ir.Value) -> list[ir.Value]:
        a = extract_slice(x3, [b, 0, 0], [1, m, m])
        _, det = for_loop(0, m, [a, const(t, 1.0)], eliminate)
        return [tensor.insert(det, out, [b])]

    dets = for_loop(0, count, [empty([count], t)], matrix)[0]
    return [reshape_to(dets, batch)]


LOWERINGS = {"LowerEinsum": lower_einsum, "LowerDet": lower_det}
