"""Normalisations over trailing axes -> reduction linalg.generics + one normalising generic.

LayerNormalization: mean, variance (of x - mean), inv_std_dev = 1 / sqrt(var + epsilon), then
y = (x - mean) * inv_std_dev * scale (+ b); `mean` and `inv_std_dev` are also results (keepdims
shape). RMSNormalization: inv_rms = 1 / sqrt(mean(x^2) + epsilon), y = x * inv_rms * scale.
Statistics are accumulated in f32 for f16 inputs (in the input type otherwise) and results are
cast back. Every size may be dynamic.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
reduction}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import arith, math

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    attr_float,
    attr_int,
    broadcast_map,
    cast_scalar,
    const,
    elem,
    elementwise,
    empty,
    fill,
    generic,
    identity_map,
    norm_axis,
    reshape_to,
    type_shape,
)
from strata.passes.lowering.reduction import kept_map
from strata.passes.lowering.sizes import Size


def compute_type(t: ir.Type) -> ir.Type:
    """The type statistics are accumulated in: f32 for 16-bit floats, else the type itself."""
    return ir.F32Type.get() if isinstance(t, ir.F16Type | ir.BF16Type) else t


def reduce_to(
    x: ir.Value,
    axes: Sequence[int],
    ct: ir.Type,
    term: Callable[..., ir.Value],
    extra: Sequence[ir.Value] = (),
) -> ir.Value:
    """sum over `axes` of term(x as ct, *extra) into a ct tensor without those axes; `extra`
    operands have the reduced shape."""
    xs = sz.sizes_of(x)
    n = len(xs)
    km = kept_map(n, axes)
    kinds = "".join("r" if i in axes else "p" for i in range(n))
    out = fill([d for i, d in enumerate(xs) if i not in axes], ct, 0.0)

    def body(v: ir.Value, *rest: ir.Value) -> ir.Value:
        *others, acc = rest
        return arith.addf(acc, term(cast_scalar(v, ct), *others))

    maps = [identity_map(n), *([km] * len(extra)), km]
    return generic([x, *extra], [out], maps, kinds, body)[0]


def scale_by(v: ir.Value, factor: float) -> ir.Value:
    """v * factor (elementwise, v's type)."""
    t = elem(v)
    return elementwise([v], sz.sizes_of(v), t, lambda a: arith.mulf(a, const(t, factor)))


def scale_by_count(v: ir.Value, count: Size) -> ir.Value:
    """v / count for a float tensor v and a static or run-time element count."""
    t = elem(v)
    if isinstance(count, int):
        return scale_by(v, 1.0 / count)

    def body(a: ir.Value) -> ir.Value:
        c = arith.index_cast(ir.IntegerType.get_signless(64), count)
        return arith.divf(a, arith.sitofp(t, c))

    return elementwise([v], sz.sizes_of(v), t, body)


def inv_sqrt(v: ir.Value, eps: float) -> ir.Value:
    """1 / sqrt(v + eps) elementwise."""
    t = elem(v)

    def body(a: ir.Value) -> ir.Value:
        return arith.divf(const(t, 1.0), math.sqrt(arith.addf(a, const(t, eps))))

    return elementwise([v], sz.sizes_of(v), t, body)


def _keepdims(v: ir.Value, n: int, axis: int, t: ir.Type) -> ir.Value:
    """v (the leading `axis` dims) cast to t and reshaped to rank n with trailing 1s."""
    vs = sz.sizes_of(v)
    if elem(v) != t:
        v = elementwise([v], vs, t, lambda a: cast_scalar(a, t))
    return reshape_to(v, [*vs, *([1] * (n - axis))])


def lower_layer_norm(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, scale = op.operands[0], op.operands[1]
    b = op.operands[2] if len(op.operands) > 2 else None
    xs, t = sz.sizes_of(x), elem(x)
    ct = compute_type(t)
    n = len(xs)
    axis = norm_axis(attr_int(op, "axis"), n)
    axes = list(range(axis, n))
    count = sz.product(xs[axis:])
    mean = scale_by_count(reduce_to(x, axes, ct, lambda v: v), count)

    def sq_dev(v: ir.Value, m: ir.Value) -> ir.Value:
        d = arith.subf(v, m)
        return arith.mulf(d, d)

    var = scale_by_count(reduce_to(x, axes, ct, sq_dev, extra=[mean]), count)
    inv = inv_sqrt(var, attr_float(op, "epsilon"))
    km = kept_map(n, axes)
    xt = type_shape(x)
    ins = [x, mean, inv, scale] + ([b] if b is not None else [])
    maps = [identity_map(n), km, km, broadcast_map(type_shape(scale), xt)]
    if b is not None:
        maps.append(broadcast_map(type_shape(b), xt))

    def body(*vals: ir.Value) -> ir.Value:
        v, m, s, g = vals[:4]
        y = arith.mulf(arith.mulf(arith.subf(cast_scalar(v, ct), m), s), cast_scalar(g, ct))
        if b is not None:
            y = arith.addf(y, cast_scalar(vals[4], ct))
        return cast_scalar(y, t)

    y = generic(ins, [empty(xs, t)], [*maps, identity_map(n)], "p" * n, lambda *a: body(*a[:-1]))
    return [y[0], _keepdims(mean, n, axis, t), _keepdims(inv, n, axis, t)]


def lower_rms_norm(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, scale = op.operands[0], op.operands[1]
    xs, t = sz.sizes_of(x), elem(x)
    ct = compute_type(t)
    n = len(xs)
    axis = norm_axis(attr_int(op, "axis"), n)
    axes = list(range(axis, n))
    ms = scale_by_count(reduce_to(x, axes, ct, lambda v: arith.mulf(v, v)), sz.product(xs[axis:]))
    inv = inv_sqrt(ms, attr_float(op, "epsilon"))
    km = kept_map(n, axes)
    maps = [identity_map(n), km, broadcast_map(type_shape(scale), type_shape(x)), identity_map(n)]

    def body(v: ir.Value, r: ir.Value, g: ir.Value, _: ir.Value) -> ir.Value:
        return cast_scalar(arith.mulf(arith.mulf(cast_scalar(v, ct), r), cast_scalar(g, ct)), t)

    return [generic([x, inv, scale], [empty(xs, t)], maps, "p" * n, body)[0]]


LOWERINGS = {"LowerLayerNorm": lower_layer_norm, "LowerRMSNorm": lower_rms_norm}
