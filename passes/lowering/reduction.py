"""Reductions, normalisations and softmax -> reduction linalg.generics + elementwise generics.

`reduce_generic` reduces over a set of axes into a tensor without them; keepdims is a final
expand_shape. The Reduce* kinds share one table (`accumulate`: identity and combiner,
`finish`: the final scalar step), so a reduction over an empty set gives ONNX's identity
(sum 0, prod 1, max -inf / the smallest integer, log_sum -inf, mean NaN). ArgMax / ArgMin
carry the best value and its index through one generic (ties: the first index, or the last
with select_last_index); Hardmax compares with that index, LpNormalization divides by the
L1 / L2 reduction. BatchNormalization folds scale / mean / var into a per-channel multiply-add;
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
    CMPF,
    CMPI,
    LoweringError,
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
    highest,
    i64,
    identity_map,
    index,
    is_16bit_float,
    is_bool,
    is_float,
    lowest,
    norm_axis,
    rank,
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


def _mul(t: ir.Type) -> Combine:
    return (lambda v, acc: arith.mulf(v, acc)) if is_float(t) else arith.muli


def _max(t: ir.Type) -> Combine:
    if is_float(t):
        return lambda v, acc: arith.maximumf(v, acc)
    return arith.maxui if is_bool(t) else arith.maxsi


def _min(t: ir.Type) -> Combine:
    if is_float(t):
        return lambda v, acc: arith.minimumf(v, acc)
    return arith.minui if is_bool(t) else arith.minsi


def _abs(v: ir.Value) -> ir.Value:
    return math.absf(v) if is_float(v.type) else math.absi(v)


def _square(v: ir.Value) -> ir.Value:
    return arith.mulf(v, v) if is_float(v.type) else arith.muli(v, v)


def accumulate(kind: str, t: ir.Type) -> tuple[float | int, Combine]:
    """The identity and `combine(element, acc)` of reduction `kind` (log_sum_exp: its sum of
    shifted exponentials is built by the caller; this gives the max pass)."""
    add = _add(t)
    if kind in ("sum", "mean", "log_sum"):
        return 0, add
    if kind in ("max", "log_sum_exp"):
        return lowest(t), _max(t)
    if kind == "min":
        return highest(t), _min(t)
    if kind == "prod":
        return 1, _mul(t)
    if kind == "l1":
        return 0, lambda v, acc: add(_abs(v), acc)
    if kind in ("l2", "sum_square"):
        return 0, lambda v, acc: add(_square(v), acc)
    raise LoweringError(f"unknown reduction kind '{kind}'")


def lse_shift(m: ir.Value) -> ir.Value:
    """The max that log-sum-exp subtracts, or 0 where it is infinite (empty / all -inf)."""
    t = m.type
    inf = arith.cmpf(CMPF["oeq"], math.absf(m), const(t, float("inf")))
    return arith.select(inf, const(t, 0.0), m)


def finish(kind: str, acc: ir.Value, count: Size, shift: ir.Value | None = None) -> ir.Value:
    """The reduction's result from its accumulator (`shift`: log_sum_exp's max)."""
    if kind == "mean":
        return div_count(acc, count)
    if kind == "l2":
        return math.sqrt(acc)
    if kind == "log_sum":
        return math.log(acc)
    if kind == "log_sum_exp":
        assert shift is not None
        return arith.addf(math.log(acc), lse_shift(shift))
    return acc


def div_count(v: ir.Value, count: Size) -> ir.Value:
    """v / count (float: an empty count gives NaN for 0 / 0; integer: truncating, and v for an
    empty count, as integer division by zero would trap)."""
    t = v.type
    if isinstance(count, int):
        if is_float(t):
            return arith.mulf(v, const(t, 1.0 / count)) if count else arith.divf(v, const(t, 0))
        return arith.divsi(v, const(t, count)) if count else v
    c = arith.index_cast(ir.IntegerType.get_signless(64), count)
    if is_float(t):
        return arith.divf(v, arith.sitofp(t, c))
    return arith.divsi(v, cast_scalar(arith.maxsi(c, const(c.type, 1)), t))


def reduce_axes(x: ir.Value, axes: Sequence[int], kind: str) -> ir.Value:
    """x reduced by `kind` over `axes` (the result drops them)."""
    xs, t = sz.sizes_of(x), elem(x)
    if kind in ("l2", "log_sum", "log_sum_exp") and not is_float(t):
        raise LoweringError(f"reduce {kind} needs a floating-point input, got {t}")
    count = sz.product([xs[a] for a in axes])
    init, combine = accumulate(kind, t)
    y = reduce_generic(x, axes, init, combine)
    if kind == "log_sum_exp":

        def add_exp(v: ir.Value, m: ir.Value, acc: ir.Value) -> ir.Value:
            return arith.addf(acc, approx.exp(arith.subf(v, lse_shift(m))))

        s = reduce_generic(x, axes, 0.0, add_exp, extra=[y])
        return elementwise([s, y], sz.sizes_of(s), t, lambda a, m: finish(kind, a, count, m))
    if kind in ("mean", "l2", "log_sum"):
        return elementwise([y], sz.sizes_of(y), t, lambda v: finish(kind, v, count))
    return y


def keep_dims(y: ir.Value, axes: Sequence[int], rank: int) -> ir.Value:
    """y (reduced over `axes`) with those axes put back as size 1."""
    it = iter(sz.sizes_of(y))
    return reshape_to(y, [1 if i in axes else next(it) for i in range(rank)])


def lower_reduce(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: the reduction kind (sum, mean, max, min, prod, l1, l2, log_sum, log_sum_exp,
    sum_square)."""
    kind = str(ir.StringAttr(args[0]).value)
    x = op.operands[0]
    n = rank(x)
    axes = sorted({norm_axis(a, n) for a in attr_ints(op, "axes")})
    if not axes:
        if attr_int(op, "noop_with_empty_axes"):
            return [x]
        axes = list(range(n))
    y = reduce_axes(x, axes, kind)
    return [keep_dims(y, axes, n) if attr_int(op, "keepdims") and axes else y]


def divide_by_count(y: ir.Value, count: Size) -> ir.Value:
    """y / count elementwise (see `div_count`)."""
    return elementwise([y], sz.sizes_of(y), elem(y), lambda v: div_count(v, count))


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
    if is_16bit_float(t):
        return [_normalise_16bit(e, axis)]
    s = reduce_generic(e, [axis], 0.0, _add(t))
    inv = elementwise([s], sz.sizes_of(s), t, lambda v: arith.divf(const(t, 1.0), v))
    return [generic([e, inv], [empty(xs, t)], maps, "p" * n, lambda v, r, _: arith.mulf(v, r))[0]]


def _normalise_16bit(e: ir.Value, axis: int) -> ir.Value:
    """e / sum(e) along `axis` for f16 / bf16 `e`, rounded as numpy rounds it: the sum is
    accumulated in f32 and rounded once, each quotient computed in f32 and rounded once."""
    xs, t = sz.sizes_of(e), elem(e)
    n, f32 = len(xs), ir.F32Type.get()
    km = kept_map(n, [axis])
    kinds = "".join("r" if i == axis else "p" for i in range(n))
    out_shape = [d for i, d in enumerate(xs) if i != axis]
    s32 = generic(
        [e],
        [fill(out_shape, f32, 0.0)],
        [identity_map(n), km],
        kinds,
        lambda v, acc: arith.addf(arith.extf(f32, v), acc),
    )[0]
    s = elementwise([s32], out_shape, t, lambda v: arith.truncf(t, v))
    return generic(
        [e, s],
        [empty(xs, t)],
        [identity_map(n), km, identity_map(n)],
        "p" * n,
        lambda v, d, _: arith.truncf(t, arith.divf(arith.extf(f32, v), arith.extf(f32, d))),
    )[0]


def arg_reduce(x: ir.Value, axis: int, largest: bool, last: bool) -> ir.Value:
    """i64 index of the max (min) along `axis` (the result drops it): the first one, or the
    last with `last` (a generic carrying the best value and its index)."""
    xs, t = sz.sizes_of(x), elem(x)
    n = len(xs)
    out = [d for i, d in enumerate(xs) if i != axis]
    km = kept_map(n, [axis])
    kinds = "".join("r" if i == axis else "p" for i in range(n))
    if is_float(t):
        pred = CMPF[("oge" if last else "ogt") if largest else ("ole" if last else "olt")]
    else:
        pred = CMPI[("sge" if last else "sgt") if largest else ("sle" if last else "slt")]

    def body(v: ir.Value, best: ir.Value, at: ir.Value) -> list[ir.Value]:
        i = arith.index_cast(i64(), index(axis))
        take = arith.cmpf(pred, v, best) if is_float(t) else arith.cmpi(pred, v, best)
        return [arith.select(take, v, best), arith.select(take, i, at)]

    init = fill(out, t, lowest(t) if largest else highest(t))
    _, idx = generic([x], [init, fill(out, i64(), 0)], [identity_map(n), km, km], kinds, body)
    return idx


def lower_arg_reduce(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """args: 1 for arg_max, 0 for arg_min."""
    x = op.operands[0]
    n = rank(x)
    axis = norm_axis(attr_int(op, "axis"), n)
    largest = bool(ir.IntegerAttr(args[0]).value)
    y = arg_reduce(x, axis, largest, bool(attr_int(op, "select_last_index")))
    return [keep_dims(y, [axis], n) if attr_int(op, "keepdims") else y]


def lower_hardmax(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """1 at the first maximum along `axis`, 0 elsewhere."""
    x = op.operands[0]
    xs, t = sz.sizes_of(x), elem(x)
    n = len(xs)
    axis = norm_axis(attr_int(op, "axis"), n)
    idx = arg_reduce(x, axis, largest=True, last=False)

    def body(at: ir.Value, _: ir.Value) -> ir.Value:
        hit = arith.cmpi(CMPI["eq"], arith.index_cast(i64(), index(axis)), at)
        return arith.select(hit, const(t, 1.0), const(t, 0.0))

    maps = [kept_map(n, [axis]), identity_map(n)]
    return [generic([idx], [empty(xs, t)], maps, "p" * n, body)[0]]


def lower_lp_normalization(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """x / ||x||_p along `axis` (p = 1 or 2); 0 where the norm is 0."""
    x = op.operands[0]
    xs, t = sz.sizes_of(x), elem(x)
    n = len(xs)
    axis = norm_axis(attr_int(op, "axis"), n)
    norm = reduce_axes(x, [axis], "l1" if attr_int(op, "p") == 1 else "l2")

    def body(v: ir.Value, nv: ir.Value, _: ir.Value) -> ir.Value:
        zero = arith.cmpf(CMPF["oeq"], nv, const(t, 0.0))
        return arith.select(zero, const(t, 0.0), arith.divf(v, nv))

    maps = [identity_map(n), kept_map(n, [axis]), identity_map(n)]
    return [generic([x, norm], [empty(xs, t)], maps, "p" * n, body)[0]]


LOWERINGS = {
    "LowerReduce": lower_reduce,
    "LowerArgReduce": lower_arg_reduce,
    "LowerHardmax": lower_hardmax,
    "LowerLpNormalization": lower_lp_normalization,
    "LowerBatchNorm": lower_batch_norm,
    "LowerSoftmax": lower_softmax,
}
