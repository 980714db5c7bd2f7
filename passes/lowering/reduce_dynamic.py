"""Reductions whose axes are computed at run time (`nn.dynamic_reduce_*`) -> one generic over
the keepdims-shaped result whose body loops over the reduced elements.

Which dims are reduced is known only at run time, so the iteration space cannot say it: the
axes are read into one i1 flag per dim (an `scf.for` over the axes vector when its length is
dynamic; an empty vector means all dims, or none with noop_with_empty_axes), the result has
size 1 in flagged dims, and each result element is a `scf.for` over the product of the
flagged sizes, decomposing the counter into coordinates and reading the input with
`tensor.extract`. keepdims = 0 then reshapes to the unflagged dims (a `tensor.reshape` by
run-time sizes). Slower than the static form's linalg reduction, which constant axes get.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
loops,reduction,approx}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import approx
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    LoweringError,
    attr_int,
    const,
    dynamic_reshape,
    elem,
    empty,
    generic,
    identity_map,
    index,
    index_type,
    is_float,
    to_index,
)
from strata.passes.lowering.loops import for_loop
from strata.passes.lowering.reduction import Combine, accumulate, finish, lse_shift
from strata.passes.lowering.sizes import Size


def _bool(v: bool) -> ir.Value:
    return const(ir.IntegerType.get_signless(1), v)


def reduced_flags(axes: ir.Value, rank: int, noop: bool) -> list[ir.Value]:
    """One i1 per dim: whether a (possibly negative) entry of `axes` names it."""
    n = sz.dim_of(axes, 0)

    def mark(k: ir.Value, flags: Sequence[ir.Value]) -> list[ir.Value]:
        a = to_index(tensor.extract(axes, [k]))
        neg = arith.cmpi(CMPI["slt"], a, sz.cindex(0))
        a = arith.select(neg, arith.addi(a, sz.cindex(rank)), a)
        return [arith.ori(f, arith.cmpi(CMPI["eq"], a, sz.cindex(d))) for d, f in enumerate(flags)]

    flags = [_bool(False)] * rank
    if isinstance(n, int):
        for k in range(n):
            flags = mark(sz.cindex(k), flags)
        return flags if n else [_bool(not noop)] * rank
    flags = for_loop(0, n, flags, lambda k, *fs: mark(k, fs))
    empty_axes = arith.cmpi(CMPI["eq"], n, sz.cindex(0))
    return [arith.select(empty_axes, _bool(not noop), f) for f in flags]


def lower_dynamic_reduce(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the reduction kind, as for the static form (`reduction.lower_reduce`)."""
    kind = str(ir.StringAttr(args[0]).value)
    x, axes = op.operands[0], op.operands[1]
    xs, t = sz.sizes_of(x), elem(x)
    r = len(xs)
    if kind in ("l2", "log_sum", "log_sum_exp") and not is_float(t):
        raise LoweringError(f"reduce {kind} needs a floating-point input, got {t}")
    red = reduced_flags(axes, r, bool(attr_int(op, "noop_with_empty_axes")))
    one = sz.cindex(1)
    pairs = list(zip(red, xs, strict=True))
    keep: list[Size] = [arith.select(f, one, sz.value(d)) for f, d in pairs]
    count = sz.value(sz.product([arith.select(f, sz.value(d), one) for f, d in pairs]))
    init, combine = accumulate(kind, t)

    def element(j: ir.Value, here: Sequence[ir.Value]) -> ir.Value:
        """x at the j-th reduced element of result position `here`."""
        coords: list[ir.Value] = [sz.cindex(0)] * r
        rest = j
        for d in reversed(range(r)):
            size = sz.value(sz.smax(xs[d], 1))  # a zero size never divides (count is 0 then)
            coords[d] = arith.select(red[d], arith.remui(rest, size), here[d])
            rest = arith.select(red[d], arith.divui(rest, size), rest)
        return tensor.extract(x, coords)

    def body(_: ir.Value) -> ir.Value:
        here = [index(d) for d in range(r)]  # linalg.index must sit in the generic's body

        def fold(fn: Combine, start: ir.Value) -> ir.Value:
            return for_loop(0, count, [start], lambda j, acc: [fn(element(j, here), acc)])[0]

        acc = fold(combine, const(t, init))
        if kind != "log_sum_exp":
            return finish(kind, acc, count)
        shift = lse_shift(acc)
        total = fold(lambda v, a: arith.addf(a, approx.exp(arith.subf(v, shift))), const(t, 0.0))
        return finish(kind, total, count, acc)

    y = generic([], [empty(keep, t)], [identity_map(r)], "p" * r, body)[0]
    if attr_int(op, "keepdims"):
        return [y]
    return [dynamic_reshape(y, kept_sizes(red, xs, ir.RankedTensorType(op.results[0].type).rank))]


def kept_sizes(red: Sequence[ir.Value], xs: Sequence[Size], n_out: int) -> list[Size]:
    """The sizes of the unflagged dims, in order (n_out of them)."""
    it = index_type()
    out: list[ir.Value] = [sz.cindex(0)] * n_out
    pos = sz.cindex(0)
    for f, d in zip(red, xs, strict=True):
        for j in range(n_out):
            here = arith.andi(arith.xori(f, _bool(True)), arith.cmpi(CMPI["eq"], pos, const(it, j)))
            out[j] = arith.select(here, sz.value(d), out[j])
        pos = arith.select(f, pos, arith.addi(pos, sz.cindex(1)))
    return list(out)


LOWERINGS = {"LowerDynamicReduce": lower_dynamic_reduce}
