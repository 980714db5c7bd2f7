"""TopK, CumSum / CumProd and Unique -> scf loops and generics on tensors.

TopK moves `axis` last and collapses the other dims into rows; each row keeps its best k
(value, index) pairs sorted in the result tensors: an element that beats the k-th is written
at the end of the filled part and bubbled up past every strictly worse entry, so equal
values keep their input order (ONNX: the lower index first). O(n * k) per row at worst;
k may be a run-time value (`nn.dynamic_top_k`).

CumSum / CumProd loop over `axis`, carrying the running total of one slice (exclusive:
insert the total before adding, reverse: walk backwards). A run-time axis is an
`scf.index_switch` over the rank's possible axes, each case the static scan (the last axis
is the default case).

Unique moves `axis` first and compares whole slices lexicographically (an inner loop when a
slice has more than one element): per slice the index of its first equal slice (first
occurrences are the unique ones), its rank among the unique slices (by value when sorted, by
first occurrence otherwise) = the inverse index; the number of unique slices, counted at run
time, sizes the results, which are then filled by searching those ranks. O(n^2) compares.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
loops}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    attr_int,
    const,
    elem,
    empty,
    extract_slice,
    fill,
    generic,
    i64,
    identity_map,
    index,
    insert_slice,
    is_float,
    norm_axis,
    rank,
    reshape_to,
    to_index,
)
from strata.passes.lowering.loops import for_loop, if_else, switch
from strata.passes.lowering.sizes import Size


def _i1() -> ir.Type:
    return ir.IntegerType.get_signless(1)


def _i32() -> ir.Type:
    return ir.IntegerType.get_signless(32)


def _cmp(pred: str, a: ir.Value, b: ir.Value) -> ir.Value:
    """a <pred> b for "gt" / "lt" / "eq" (ordered float compares, signed integers)."""
    if is_float(a.type):
        return arith.cmpf(CMPF[f"o{pred}"], a, b)
    return arith.cmpi(CMPI[pred if pred == "eq" else f"s{pred}"], a, b)


def transpose(x: ir.Value, perm: Sequence[int]) -> ir.Value:
    if list(perm) == list(range(len(perm))):
        return x
    xs = sz.sizes_of(x)
    out = empty([xs[p] for p in perm], elem(x))
    return linalg.transpose(x, outs=[out], permutation=list(perm)).results[0]


def inverse(perm: Sequence[int]) -> list[int]:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


# ---- TopK -------------------------------------------------------------------------------------


def top_k_rows(x2: ir.Value, k: Size, largest: bool) -> list[ir.Value]:
    """(values, i64 indices) [M, k] of the k best entries of each row of x2 [M, n], sorted."""
    m_rows, n = sz.sizes_of(x2)
    t = elem(x2)
    types = [sz.tensor_type([m_rows, k], t), sz.tensor_type([m_rows, k], i64())]
    pred = "gt" if largest else "lt"
    # no step at all when k is 0 (there is no k-th entry to compare with)
    if isinstance(k, int):
        n_eff: Size = n if k else 0
    else:
        n_eff = arith.select(arith.cmpi(CMPI["eq"], k, sz.cindex(0)), sz.cindex(0), sz.value(n))
    last = sz.value(sz.sub(k, 1))

    def row(m: ir.Value, vals: ir.Value, idxs: ir.Value) -> list[ir.Value]:
        def step(i: ir.Value, vals: ir.Value, idxs: ir.Value) -> list[ir.Value]:
            v = tensor.extract(x2, [m, i])
            full = arith.cmpi(CMPI["sge"], i, sz.value(k))
            worst = tensor.extract(vals, [m, last])
            take = arith.ori(arith.xori(full, const(_i1(), True)), _cmp(pred, v, worst))
            slot = arith.minsi(i, last)

            def insert() -> list[ir.Value]:
                at = arith.index_cast(i64(), i)
                placed = [tensor.insert(v, vals, [m, slot]), tensor.insert(at, idxs, [m, slot])]

                def bubble(s: ir.Value, vals: ir.Value, idxs: ir.Value) -> list[ir.Value]:
                    j = arith.subi(slot, s)
                    above = arith.subi(j, sz.cindex(1))
                    a, b = tensor.extract(vals, [m, j]), tensor.extract(vals, [m, above])
                    ia, ib = tensor.extract(idxs, [m, j]), tensor.extract(idxs, [m, above])
                    up = _cmp(pred, a, b)  # strictly better: equal values keep their order
                    vals = tensor.insert(arith.select(up, b, a), vals, [m, j])
                    vals = tensor.insert(arith.select(up, a, b), vals, [m, above])
                    idxs = tensor.insert(arith.select(up, ib, ia), idxs, [m, j])
                    idxs = tensor.insert(arith.select(up, ia, ib), idxs, [m, above])
                    return [vals, idxs]

                return for_loop(0, slot, placed, bubble)

            return if_else(take, types, insert, lambda: [vals, idxs])

        return for_loop(0, n_eff, [vals, idxs], step)

    inits = [fill([m_rows, k], t, 0), fill([m_rows, k], i64(), 0)]
    return for_loop(0, m_rows, inits, row)


def lower_top_k(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """nn.top_k (k an attribute) and nn.dynamic_top_k (k a 1-element operand)."""
    x = op.operands[0]
    r = rank(x)
    axis = norm_axis(attr_int(op, "axis"), r)
    xs = sz.sizes_of(x)
    n = xs[axis]
    k: Size
    if len(op.operands) > 1:  # clamp a run-time k into [0, n]
        k = sz.clamp(to_index(tensor.extract(op.operands[1], [sz.cindex(0)])), 0, n)
    else:
        k = attr_int(op, "k")
    perm = [d for d in range(r) if d != axis] + [axis]
    lead = [xs[p] for p in perm[:-1]]
    x2 = reshape_to(transpose(x, perm), [sz.product(lead), n])
    vals, idxs = top_k_rows(x2, k, bool(attr_int(op, "largest")))
    back = inverse(perm)
    return [transpose(reshape_to(v, [*lead, k]), back) for v in (vals, idxs)]


# ---- CumSum / CumProd -------------------------------------------------------------------------


def scan(x: ir.Value, axis: int, kind: str, exclusive: bool, reverse: bool) -> ir.Value:
    """Running sum / product of x along `axis`."""
    xs, t = sz.sizes_of(x), elem(x)
    n = xs[axis]
    one: list[Size] = [1 if d == axis else s for d, s in enumerate(xs)]
    if kind == "sum":
        combine: Callable[[ir.Value, ir.Value], ir.Value] = (
            (lambda a, b: arith.addf(a, b)) if is_float(t) else arith.addi
        )
    else:
        combine = (lambda a, b: arith.mulf(a, b)) if is_float(t) else arith.muli

    r = len(xs)

    def step(j: ir.Value, out: ir.Value, run: ir.Value) -> list[ir.Value]:
        at = arith.subi(sz.value(sz.sub(n, 1)), j) if reverse else j
        offs: list[Size] = [at if d == axis else 0 for d in range(r)]
        if exclusive:
            out = insert_slice(run, out, offs)
        # updated in place: a loop-carried tensor must stay in its buffer
        maps = [identity_map(r), identity_map(r)]
        src = extract_slice(x, offs, one)
        run = generic([src], [run], maps, "p" * r, lambda v, acc: combine(acc, v))[0]
        return [out if exclusive else insert_slice(run, out, offs), run]

    run0 = fill(one, t, 0 if kind == "sum" else 1)
    return for_loop(0, n, [empty(xs, t), run0], step)[0]


def lower_cumulative(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: "sum" or "prod". nn.cum_* (axis attribute) and nn.dynamic_cum_* (axis operand:
    an index_switch over the possible axes)."""
    kind = str(ir.StringAttr(args[0]).value)
    x = op.operands[0]
    r = rank(x)
    flags = bool(attr_int(op, "exclusive")), bool(attr_int(op, "reverse"))
    if len(op.operands) == 1:
        return [scan(x, norm_axis(attr_int(op, "axis"), r), kind, *flags)]
    a = op.operands[1]
    coords = [sz.cindex(0)] if ir.RankedTensorType(a.type).rank else []
    axis = to_index(tensor.extract(a, coords))
    neg = arith.cmpi(CMPI["slt"], axis, sz.cindex(0))
    axis = arith.select(neg, arith.addi(axis, sz.cindex(r)), axis)
    # The last axis is the default case: an out-of-range axis (invalid ONNX) scans it, and
    # no branch yields `x` itself (a result that may alias an argument makes the buffer
    # deallocation fall back to run-time alias checks on i1 memrefs, which the CPU target
    # cannot lower).
    return switch(
        axis,
        [x.type],
        list(range(r - 1)),
        lambda d: [scan(x, d, kind, *flags)],
        lambda: [scan(x, r - 1, kind, *flags)],
    )


# ---- Unique -----------------------------------------------------------------------------------


def _sign(a: ir.Value, b: ir.Value) -> ir.Value:
    """-1, 0 or 1 (i32) as a < b, a == b, a > b; NaN is above every number and equal to
    NaN (numpy.unique's order)."""
    i32 = _i32()
    lt = arith.select(_cmp("lt", a, b), const(i32, -1), const(i32, 0))
    sign = arith.select(_cmp("gt", a, b), const(i32, 1), lt)
    if not is_float(a.type):
        return sign
    a_nan, b_nan = arith.cmpf(CMPF["uno"], a, a), arith.cmpf(CMPF["uno"], b, b)
    sign = arith.select(a_nan, const(i32, 1), sign)
    sign = arith.select(b_nan, const(i32, -1), sign)
    return arith.select(arith.andi(a_nan, b_nan), const(i32, 0), sign)


def _compare(x2: ir.Value, i: ir.Value, j: ir.Value) -> ir.Value:
    """Lexicographic -1 / 0 / 1 of rows i and j of x2 [n, R]."""
    width = sz.dim_of(x2, 1)
    if width == 1:
        c0 = sz.cindex(0)
        return _sign(tensor.extract(x2, [i, c0]), tensor.extract(x2, [j, c0]))

    def step(r: ir.Value, acc: ir.Value) -> list[ir.Value]:
        s = _sign(tensor.extract(x2, [i, r]), tensor.extract(x2, [j, r]))
        decided = arith.cmpi(CMPI["ne"], acc, const(acc.type, 0))
        return [arith.select(decided, acc, s)]

    return for_loop(0, width, [const(_i32(), 0)], step)[0]


def _over(
    shape: Sequence[Size], inputs: Sequence[ir.Value], body: Callable[..., ir.Value]
) -> ir.Value:
    """An i64 tensor of `shape` whose element is `body(*indices, *input scalars)` (1-d inputs
    indexed like the first dim)."""
    n = len(shape)
    maps = [_first_dim_map(n) for _ in inputs] + [identity_map(n)]

    def wrapped(*vals: ir.Value) -> ir.Value:
        here = [index(d) for d in range(n)]
        return body(*here, *vals[: len(inputs)])

    return generic(list(inputs), [empty(shape, i64())], maps, "p" * n, wrapped)[0]


def _first_dim_map(n: int) -> ir.AffineMap:
    return ir.AffineMap.get(n, 0, [ir.AffineDimExpr.get(0)])


def _count(n: Size, pred: Callable[[ir.Value], ir.Value]) -> ir.Value:
    """#{j in [0, n) : pred(j)} as i64."""
    one, zero = const(i64(), 1), const(i64(), 0)

    def step(j: ir.Value, acc: ir.Value) -> list[ir.Value]:
        return [arith.addi(acc, arith.select(pred(j), one, zero))]

    return for_loop(0, n, [zero], step)[0]


def lower_unique(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    r = rank(x)
    axis = norm_axis(attr_int(op, "axis"), r)
    ordered = bool(attr_int(op, "sorted"))
    xs = sz.sizes_of(x)
    perm = [axis] + [d for d in range(r) if d != axis]
    rest = [xs[p] for p in perm[1:]]
    n = xs[axis]
    x2 = reshape_to(transpose(x, perm), [n, sz.product(rest)])
    big = arith.index_cast(i64(), sz.value(n))

    def first_equal(i: ir.Value) -> ir.Value:
        def step(j: ir.Value, acc: ir.Value) -> list[ir.Value]:
            same = arith.cmpi(CMPI["eq"], _compare(x2, i, j), const(_i32(), 0))
            return [arith.select(same, arith.minsi(acc, arith.index_cast(i64(), j)), acc)]

        return for_loop(0, n, [big], step)[0]

    fo = _over([n], [], first_equal)

    def is_first(j: ir.Value) -> ir.Value:
        return arith.cmpi(CMPI["eq"], tensor.extract(fo, [j]), arith.index_cast(i64(), j))

    def rank_of(i: ir.Value, fo_i: ir.Value) -> ir.Value:
        def before(j: ir.Value) -> ir.Value:
            if ordered:
                key = arith.cmpi(CMPI["slt"], _compare(x2, j, i), const(_i32(), 0))
            else:
                key = arith.cmpi(CMPI["slt"], arith.index_cast(i64(), j), fo_i)
            return arith.andi(is_first(j), key)

        return _count(n, before)

    pos = _over([n], [fo], rank_of)
    n_unique = to_index(_count(n, is_first))

    def first_index(u: ir.Value) -> ir.Value:
        want = arith.index_cast(i64(), u)

        def step(i: ir.Value, acc: ir.Value) -> list[ir.Value]:
            hit = arith.andi(is_first(i), arith.cmpi(CMPI["eq"], tensor.extract(pos, [i]), want))
            return [arith.select(hit, arith.index_cast(i64(), i), acc)]

        return for_loop(0, n, [const(i64(), 0)], step)[0]

    indices = _over([n_unique], [], first_index)

    def count(u: ir.Value) -> ir.Value:
        want = arith.index_cast(i64(), u)
        return _count(n, lambda i: arith.cmpi(CMPI["eq"], tensor.extract(pos, [i]), want))

    counts = _over([n_unique], [], count)
    width = sz.dim_of(x2, 1)

    def gather(at: ir.Value, _: ir.Value) -> ir.Value:
        return tensor.extract(x2, [to_index(at), index(1)])

    maps = [_first_dim_map(2), identity_map(2)]
    y2 = generic([indices], [empty([n_unique, width], elem(x))], maps, "pp", gather)[0]
    y = transpose(reshape_to(y2, [n_unique, *rest]), inverse(perm))
    return [y, indices, pos, counts]


LOWERINGS = {
    "LowerTopK": lower_top_k,
    "LowerCumulative": lower_cumulative,
    "LowerUnique": lower_unique,
}
