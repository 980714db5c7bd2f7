"""Reductions, normalisations and softmax -> reduction linalg.generics + elementwise generics.

`reduce_generic` reduces over a set of axes into a tensor without them; keepdims is a final
expand_shape. BatchNormalization folds scale / mean / var into a per-channel multiply-add;
Softmax reduces over one axis with a second pass.

Dependency contract: imports numpy, the `mlir` bindings and `strata.passes.lowering.{common,
approx}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, math

from strata.passes.lowering import approx
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    amap,
    attr_float,
    attr_int,
    attr_ints,
    cast_scalar,
    const,
    dim,
    elem,
    elementwise,
    empty,
    fill,
    generic,
    identity_map,
    is_float,
    lowest,
    norm_axis,
    reshape_to,
)
from strata.passes.lowering.sizes import Size

Combine = Callable[..., ir.Value]


def kept_map(n: int, axes: Sequence[int]) -> ir.AffineMap:
    """(d0..dn) -> the dims not in `axes`."""
    return amap(n, [dim(i) for i in range(n) if i not in axes])


def reduce_generic(
    x: ir.Value,
    axes: Sequence[int],
    init: float | int,
    combine: Combine,
    extra: Sequence[ir.Value] = (),
) -> ir.Value:
    """Reduce x over `axes` (result drops them). `extra` operands have the reduced shape and
    are passed to `combine(x, *extra, acc)` as scalars."""
    xs, t = sz.sizes_of(x), elem(x)
    n = len(xs)
    out_shape = [d for i, d in enumerate(xs) if i not in axes]
    km = kept_map(n, axes)
    kinds = "".join("r" if i in axes else "p" for i in range(n))
    maps = [identity_map(n), *([km] * len(extra)), km]
    return generic([x, *extra], [fill(out_shape, t, init)], maps, kinds, combine)[0]


def _add(t: ir.Type) -> Combine:
    return (lambda v, acc: arith.addf(v, acc)) if is_float(t) else arith.addi


def _max(t: ir.Type) -> Combine:
    return (lambda v, acc: arith.maximumf(v, acc)) if is_float(t) else arith.maxsi


def lower_reduce(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: "sum", "mean" or "max"."""
    kind = str(ir.StringAttr(args[0]).value)
    x = op.operands[0]
    xs, t = sz.sizes_of(x), elem(x)
    axes = sorted({norm_axis(a, len(xs)) for a in attr_ints(op, "axes")})
    if not axes:
        if attr_int(op, "noop_with_empty_axes"):
            return [x]
        axes = list(range(len(xs)))
    if kind == "max":
        y = reduce_generic(x, axes, lowest(t), _max(t))
    else:
        y = reduce_generic(x, axes, 0, _add(t))
        if kind == "mean":
            y = divide_by_count(y, sz.product([xs[a] for a in axes]))
    keep = attr_int(op, "keepdims")
    ys = sz.sizes_of(y)
    if keep and len(axes):  # put the reduced axes back as size 1
        it = iter(ys)
        out = [1 if i in axes else next(it) for i in range(len(xs))]
        return [reshape_to(y, out)]
    return [y]


def divide_by_count(y: ir.Value, count: Size) -> ir.Value:
    """y / count elementwise (float: times 1/count; integer: truncating division)."""
    t = elem(y)
    ys = sz.sizes_of(y)
    if isinstance(count, int):
        if is_float(t):
            return elementwise([y], ys, t, lambda v: arith.mulf(v, const(t, 1.0 / count)))
        return elementwise([y], ys, t, lambda v: arith.divsi(v, const(t, count)))

    def body(v: ir.Value) -> ir.Value:
        c = arith.index_cast(ir.IntegerType.get_signless(64), count)
        if is_float(t):
            return arith.divf(v, arith.sitofp(t, c))
        return arith.divsi(v, cast_scalar(c, t))

    return elementwise([y], ys, t, body)


def lower_batch_norm(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """y = x * a + c with a = scale / sqrt(var + eps), c = b - mean * a (per channel)."""
    x, scale, b, mean, var = (op.operands[i] for i in range(5))
    t = elem(x)
    eps = attr_float(op, "epsilon")
    cshape = sz.sizes_of(scale)

    def factor(s: ir.Value, v: ir.Value) -> ir.Value:
        return arith.divf(s, math.sqrt(arith.addf(v, const(t, eps))))

    a = elementwise([scale, var], cshape, t, factor)
    c = elementwise([b, mean, a], cshape, t, lambda bb, m, aa: arith.subf(bb, arith.mulf(m, aa)))
    shape = sz.sizes_of(x)
    n = len(shape)
    ch = amap(n, [dim(1)])
    return [
        generic(
            [x, a, c],
            [empty(shape, t)],
            [identity_map(n), ch, ch, identity_map(n)],
            "p" * n,
            lambda v, aa, cc, _: arith.addf(arith.mulf(v, aa), cc),
        )[0]
    ]


def lower_softmax(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: 0 for softmax, 1 for log_softmax (both subtract the max first)."""
    log = bool(ir.IntegerAttr(args[0]).value)
    x = op.operands[0]
    xs, t = sz.sizes_of(x), elem(x)
    n = len(xs)
    axis = norm_axis(attr_int(op, "axis"), n)
    m = reduce_generic(x, [axis], lowest(t), _max(t))
    km = kept_map(n, [axis])
    maps = [identity_map(n), km, identity_map(n)]
    if log:
        s = reduce_generic(
            x,
            [axis],
            0.0,
            lambda v, mm, acc: arith.addf(acc, approx.exp(arith.subf(v, mm))),
            extra=[m],
        )
        ls = elementwise([s], sz.sizes_of(s), t, lambda v: math.log(v))
        return [
            generic(
                [x, m, ls],
                [empty(xs, t)],
                [identity_map(n), km, km, identity_map(n)],
                "p" * n,
                lambda v, mm, lg, _: arith.subf(arith.subf(v, mm), lg),
            )[0]
        ]
    e = generic(
        [x, m], [empty(xs, t)], maps, "p" * n, lambda v, mm, _: approx.exp(arith.subf(v, mm))
    )[0]
    s = reduce_generic(e, [axis], 0.0, _add(t))
    inv = elementwise([s], sz.sizes_of(s), t, lambda v: arith.divf(const(t, 1.0), v))
    return [generic([e, inv], [empty(xs, t)], maps, "p" * n, lambda v, r, _: arith.mulf(v, r))[0]]


LOWERINGS = {
    "LowerReduce": lower_reduce,
    "LowerBatchNorm": lower_batch_norm,
    "LowerSoftmax": lower_softmax,
}
