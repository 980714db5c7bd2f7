"""Convolution and pooling -> tensor.pad + linalg conv / pooling named ops (or generics).

Padding is explicit: the input is padded (zeros for conv and average pool, the lowest value
for max pool) and cropped / extended at the end so that it holds exactly the rows the windows
read (this also covers ceil_mode). 2-d convolutions use conv_2d_nchw_fchw (group 1),
depthwise_conv_2d_nchw_chw (group == C == M) or conv_2d_ngchw_gfchw (other groups, after
expand_shape); 1-d / 3-d ungrouped use conv_1d_ncw_fcw / conv_3d_ncdhw_fcdhw; everything
else a windowed linalg.generic. The bias initialises the accumulator (f32 for 16-bit floats,
rounded once at the end). ConvTranspose interleaves zeros into the input (insert_slice with
strides) and convolves with the flipped, channel-swapped weights. Average pool divides by
window counts computed at compile time.

Dependency contract: imports numpy, the `mlir` bindings and `strata.passes.lowering.common`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    amap,
    attr_int,
    attr_ints,
    cast_scalar,
    const,
    dense_const,
    dim,
    elem,
    elementwise,
    empty,
    fill,
    generic,
    i64,
    identity_map,
    index,
    insert_slice,
    is_float,
    lowest,
    pad_const,
    reshape_to,
    result_shape,
    shape_of,
)
from strata.passes.lowering.reduction import divide_by_count
from strata.passes.lowering.sizes import Size


def _window(op: ir.Operation, nsp: int) -> tuple[list[int], list[int], list[int]]:
    strides = attr_ints(op, "strides") or [1] * nsp
    dil = attr_ints(op, "dilations") or [1] * nsp
    pads = attr_ints(op, "pads") or [0] * (2 * nsp)
    return strides, dil, pads


def _pad_for_windows(
    x: ir.Value,
    out: Sequence[Size],
    k: Sequence[int],
    s: Sequence[int],
    d: Sequence[int],
    pads: Sequence[int],
    value: float | int,
    ceil_mode: bool = False,
) -> ir.Value:
    """Pad (or crop) the spatial dims of x so it holds exactly the rows the windows read.

    With a dynamic spatial size the end padding cannot crop, so x is padded by the model's
    end pads (plus a stride for ceil_mode): the windows read a prefix of that."""
    nsp = len(out)
    shape = sz.sizes_of(x)
    begin: list[Size] = list(pads[:nsp])
    end: list[Size] = []
    for i in range(nsp):
        size, o = shape[2 + i], out[i]
        if isinstance(size, int) and isinstance(o, int):
            end.append((o - 1) * s[i] + (k[i] - 1) * d[i] + 1 - size - pads[i])
        else:
            end.append(pads[nsp + i] + (s[i] if ceil_mode else 0))
    return pad_const(x, [0, 0, *begin], [0, 0, *end], value)


def window_count(size: Size, k: int, s: int, d: int, pb: int, pe: int, ceil: bool) -> Size:
    """Number of windows along an axis of `size` (the rule of nn_rules._windows)."""
    if isinstance(size, int):
        span = size + pb + pe - (k - 1) * d - 1
        if not ceil:
            return span // s + 1
        n = -(-span // s) + 1
        return n - 1 if (n - 1) * s >= size + pb else n
    span = sz.sub(sz.add(size, pb + pe), (k - 1) * d + 1)
    if not ceil:
        return sz.add(sz.floordiv(span, s), 1)
    n = sz.add(sz.ceildiv(span, s), 1)
    # the last window must start inside the input or its begin padding
    last_start = sz.mul(sz.sub(n, 1), s)
    return sz.select_lt(last_start, sz.add(size, pb), n, sz.sub(n, 1))


def out_sizes(op: ir.Operation, x: ir.Value, channels: Size, k: Sequence[int]) -> list[Size]:
    """Result sizes of a conv / pool op: static dims from its type, dynamic ones computed."""
    rt = ir.RankedTensorType(op.results[0].type)
    if rt.has_static_shape:
        return [int(v) for v in rt.shape]
    nsp = rt.rank - 2
    s, d, pads = _window(op, nsp)
    ceil = "ceil_mode" in op.attributes and bool(attr_int(op, "ceil_mode"))
    xs = sz.sizes_of(x)
    out: list[Size] = [xs[0], channels]
    for i in range(nsp):
        if not rt.is_dynamic_dim(2 + i):
            out.append(int(rt.shape[2 + i]))
        else:
            out.append(window_count(xs[2 + i], k[i], s[i], d[i], pads[i], pads[nsp + i], ceil))
    if not rt.is_dynamic_dim(0):
        out[0] = int(rt.shape[0])
    if not rt.is_dynamic_dim(1):
        out[1] = int(rt.shape[1])
    return out


def _bias_init(b: ir.Value | None, shape: Sequence[Size], t: ir.Type) -> ir.Value:
    if b is None:
        return fill(shape, t, 0)
    n = len(shape)
    return generic(
        [b],
        [empty(shape, t)],
        [amap(n, [dim(1)]), identity_map(n)],
        "p" * n,
        lambda v, _: cast_scalar(v, t),
    )[0]


def _accumulator(t: ir.Type) -> ir.Type:
    """16-bit float convolutions accumulate in f32 (and round once at the end)."""
    return ir.F32Type.get() if isinstance(t, ir.F16Type | ir.BF16Type) else t


def _mul_add(t: ir.Type) -> Callable[[ir.Value, ir.Value, ir.Value], ir.Value]:
    if is_float(t):
        return lambda x, w, acc: arith.addf(
            acc, arith.mulf(cast_scalar(x, acc.type), cast_scalar(w, acc.type))
        )
    return lambda x, w, acc: arith.addi(acc, arith.muli(x, w))


def _generic_conv(
    xp: ir.Value, w: ir.Value, init: ir.Value, group: int, s: Sequence[int], d: Sequence[int]
) -> ir.Value:
    """Grouped N-d convolution as one generic: dims (n, g, m, o..., c, k...)."""
    xs, ws, ys = sz.sizes_of(xp), shape_of(w), sz.sizes_of(init)
    nsp = len(xs) - 2
    g, cg, mg = group, ws[1], ws[0] // group
    xg = reshape_to(xp, [xs[0], g, cg, *xs[2:]])
    wg = reshape_to(w, [g, mg, cg, *ws[2:]])
    yg = reshape_to(init, [ys[0], g, mg, *ys[2:]])
    nd = 4 + 2 * nsp
    o = [3 + i for i in range(nsp)]
    c = 3 + nsp
    kd = [4 + nsp + i for i in range(nsp)]
    maps = [
        amap(
            nd,
            [dim(0), dim(1), dim(c), *(dim(o[i]) * s[i] + dim(kd[i]) * d[i] for i in range(nsp))],
        ),
        amap(nd, [dim(1), dim(2), dim(c), *(dim(k) for k in kd)]),
        amap(nd, [dim(0), dim(1), dim(2), *(dim(i) for i in o)]),
    ]
    kinds = "p" * (3 + nsp) + "r" * (1 + nsp)
    y = generic([xg, wg], [yg], maps, kinds, _mul_add(elem(xp)))[0]
    yy = sz.sizes_of(y)
    return reshape_to(y, [yy[0], sz.mul(yy[1], yy[2]), *yy[3:]])


def conv(
    x: ir.Value,
    w: ir.Value,
    b: ir.Value | None,
    out: list[Size],
    group: int,
    s: list[int],
    d: list[int],
    pads: list[int],
) -> ir.Value:
    """N-d convolution with explicit parameters (shared with ConvTranspose)."""
    t = elem(x)
    y = _conv(x, w, b, out, group, s, d, pads, _accumulator(t))
    if elem(y) == t:
        return y
    return elementwise([y], sz.sizes_of(y), t, lambda v: cast_scalar(v, t))


def _conv(
    x: ir.Value,
    w: ir.Value,
    b: ir.Value | None,
    out: list[Size],
    group: int,
    s: list[int],
    d: list[int],
    pads: list[int],
    acc: ir.Type,
) -> ir.Value:
    """conv() accumulating in `acc` (linalg's named convs extend their operands to it)."""
    ws = shape_of(w)
    nsp = len(out) - 2
    xp = _pad_for_windows(x, out[2:], ws[2:], s, d, pads, 0)
    init = _bias_init(b, out, acc)
    c, m = ws[1] * group, ws[0]
    kw = {"strides": s, "dilations": d}
    if nsp == 2 and group == 1:
        return linalg.conv_2d_nchw_fchw(xp, w, outs=[init], **kw)
    if nsp == 2 and group == c == m and ws[1] == 1:
        w3 = reshape_to(w, [c, *ws[2:]])
        return linalg.depthwise_conv_2d_nchw_chw(xp, w3, outs=[init], **kw)
    if nsp == 2:
        xs, ys = sz.sizes_of(xp), sz.sizes_of(init)
        xg = reshape_to(xp, [xs[0], group, c // group, *xs[2:]])
        wg = reshape_to(w, [group, m // group, *ws[1:]])
        yg = reshape_to(init, [ys[0], group, m // group, *ys[2:]])
        y = linalg.conv_2d_ngchw_gfchw(xg, wg, outs=[yg], **kw)
        yy = sz.sizes_of(y)
        return reshape_to(y, [yy[0], m, *yy[3:]])
    if nsp == 1 and group == 1:
        return linalg.conv_1d_ncw_fcw(xp, w, outs=[init], **kw)
    if nsp == 3 and group == 1:
        return linalg.conv_3d_ncdhw_fcdhw(xp, w, outs=[init], **kw)
    return _generic_conv(xp, w, init, group, s, d)


def lower_conv(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, w = op.operands[0], op.operands[1]
    b = op.operands[2] if len(op.operands) > 2 else None
    ws = shape_of(w)
    out = out_sizes(op, x, ws[0], ws[2:])
    s, d, pads = _window(op, len(out) - 2)
    return [conv(x, w, b, out, attr_int(op, "group"), s, d, pads)]


def lower_conv_transpose(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """Zero-interleave x by the strides, then a stride-1 conv with flipped, swapped weights."""
    x, w = op.operands[0], op.operands[1]
    b = op.operands[2] if len(op.operands) > 2 else None
    out = result_shape(op)
    nsp = len(out) - 2
    s, d, pads = _window(op, nsp)
    group = attr_int(op, "group")
    xs, ws, t = shape_of(x), shape_of(w), elem(x)
    if any(v != 1 for v in s):
        dil_shape = [xs[0], xs[1], *((xs[2 + i] - 1) * s[i] + 1 for i in range(nsp))]
        x = insert_slice(x, fill(dil_shape, t, 0), [0] * len(xs), [1, 1, *s])
    # w: [C, M/g, k...] -> w': [M, C/g, k...] with w'[g*mg + m, c] = w[g*cg + c, m] flipped.
    c, mg = ws[0], ws[1]
    cg = c // group
    nd = 2 + nsp
    wt_shape = [group * mg, cg, *ws[2:]]
    # w' viewed as [g, mg, cg, k...]; w viewed as [g, cg, mg, k...]
    w5 = reshape_to(w, [group, cg, mg, *ws[2:]])
    ksz = ws[2:]
    rev = [ir.AffineConstantExpr.get(ksz[i] - 1) - dim(3 + i) for i in range(nsp)]
    wt = generic(
        [w5],
        [empty([group, mg, cg, *ksz], t)],
        [amap(nd + 1, [dim(0), dim(2), dim(1), *rev]), identity_map(nd + 1)],
        "p" * (nd + 1),
        lambda v, _: v,
    )[0]
    wt = reshape_to(wt, wt_shape)
    # Full-correlation padding: (k - 1) * d - pad on each side (negative crops).
    cpads = [(ksz[i] - 1) * d[i] - pads[i] for i in range(nsp)]
    cpads += [(ksz[i] - 1) * d[i] - pads[nsp + i] for i in range(nsp)]
    return [conv(x, wt, b, out, group, [1] * nsp, d, cpads)]


# ---- pooling ------------------------------------------------------------------------------


def _pool(
    x: ir.Value,
    out: list[Size],
    k: list[int],
    s: list[int],
    d: list[int],
    init: ir.Value,
    kind: str,
) -> ir.Value:
    nsp = len(out) - 2
    t = elem(x)
    kw = {"strides": s, "dilations": d}
    if nsp == 2:
        window = empty(k, t)
        named = linalg.pooling_nchw_max if kind == "max" else linalg.pooling_nchw_sum
        return named(x, window, outs=[init], **kw)
    nd = 2 + 2 * nsp
    kd = [2 + nsp + i for i in range(nsp)]
    maps = [
        amap(nd, [dim(0), dim(1), *(dim(2 + i) * s[i] + dim(kd[i]) * d[i] for i in range(nsp))]),
        amap(nd, [dim(k) for k in kd]),  # the window's shape bounds the reduction dims
        amap(nd, [dim(i) for i in range(2 + nsp)]),
    ]
    flt = is_float(t)
    if kind == "max":
        combine = (lambda v, acc: arith.maximumf(v, acc)) if flt else arith.maxsi
    else:
        combine = (lambda v, acc: arith.addf(v, acc)) if flt else arith.addi
    return generic(
        [x, empty(k, t)],
        [init],
        maps,
        "p" * (2 + nsp) + "r" * nsp,
        lambda v, _w, acc: combine(v, acc),
    )[0]


def lower_max_pool(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    k = attr_ints(op, "kernel_shape")
    out = out_sizes(op, x, sz.dim_of(x, 1), k)
    s, d, pads = _window(op, len(out) - 2)
    t = elem(x)
    ceil = bool(attr_int(op, "ceil_mode"))
    xp = _pad_for_windows(x, out[2:], k, s, d, pads, lowest(t), ceil)
    return [_pool(xp, out, k, s, d, fill(out, t, lowest(t)), "max")]


def _counts(
    n_out: int, size: int, k: int, s: int, d: int, pb: int, pe: int, include_pad: bool
) -> np.ndarray:
    """Number of window taps per output position that divide the sum (ONNX / ORT rule)."""
    hi = size + pe if include_pad else size
    lo = -pb if include_pad else 0
    out = np.zeros(n_out, np.int64)
    for o in range(n_out):
        taps = o * s - pb + d * np.arange(k)
        out[o] = int(np.count_nonzero((taps >= lo) & (taps < hi)))
    return out


def lower_average_pool(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    k = attr_ints(op, "kernel_shape")
    out = out_sizes(op, x, sz.dim_of(x, 1), k)
    nsp = len(out) - 2
    s, d, pads = _window(op, nsp)
    include = bool(attr_int(op, "count_include_pad"))
    t = elem(x)
    ceil = bool(attr_int(op, "ceil_mode"))
    xp = _pad_for_windows(x, out[2:], k, s, d, pads, 0, ceil)
    summed = _pool(xp, out, k, s, d, fill(out, t, 0), "sum")
    xsz = sz.sizes_of(x)
    if not sz.is_static([*xsz[2:], *out[2:]]):
        return [_divide_by_runtime_counts(summed, xsz, k, s, d, pads, include)]
    xs = [int(v) for v in xsz[2:]]  # spatial dims are static here (batch may not be)
    osp = [int(v) for v in out[2:]]
    counts = np.ones((), np.int64)
    for i in range(nsp):
        ci = _counts(osp[i], xs[i], k[i], s[i], d[i], pads[i], pads[nsp + i], include)
        counts = np.multiply.outer(counts, ci)
    if np.all(counts == counts.flat[0]):
        inv = 1.0 / float(counts.flat[0])
        return [elementwise([summed], out, t, lambda v: arith.mulf(v, const(t, inv)))]
    div = dense_const(counts.astype(np.float32), t)
    n = len(out)
    maps = [identity_map(n), amap(n, [dim(2 + i) for i in range(nsp)]), identity_map(n)]
    return [
        generic([summed, div], [empty(out, t)], maps, "p" * n, lambda v, c, _: arith.divf(v, c))[0]
    ]


def _divide_by_runtime_counts(
    summed: ir.Value,
    xs: Sequence[Size],
    k: Sequence[int],
    s: Sequence[int],
    d: Sequence[int],
    pads: Sequence[int],
    include_pad: bool,
) -> ir.Value:
    """summed / (taps of each window inside the counted range), counted at run time along
    every spatial axis (dynamic spatial sizes)."""
    t = elem(summed)
    nsp = len(k)
    ys = sz.sizes_of(summed)
    n = len(ys)
    it = ir.IndexType.get()
    his = [
        sz.value(sz.add(xs[2 + i], pads[nsp + i]) if include_pad else xs[2 + i]) for i in range(nsp)
    ]

    def body(v: ir.Value, _: ir.Value) -> ir.Value:
        total = None
        for i in range(nsp):
            lo = -pads[i] if include_pad else 0
            start = arith.subi(arith.muli(index(2 + i), const(it, s[i])), const(it, pads[i]))
            cnt = const(it, 0)
            for j in range(k[i]):
                tap = arith.addi(start, const(it, j * d[i]))
                inside = arith.andi(
                    arith.cmpi(arith.CmpIPredicate.sge, tap, const(it, lo)),
                    arith.cmpi(arith.CmpIPredicate.slt, tap, his[i]),
                )
                cnt = arith.addi(cnt, arith.index_cast(it, arith.extui(i64(), inside)))
            total = cnt if total is None else arith.muli(total, cnt)
        assert total is not None
        c = arith.sitofp(t, arith.index_cast(ir.IntegerType.get_signless(64), total))
        return arith.divf(v, c)

    return generic([summed], [empty(ys, t)], [identity_map(n)] * 2, "p" * n, body)[0]


def lower_global_average_pool(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs, t = sz.sizes_of(x), elem(x)
    n = len(xs)
    out = [xs[0], xs[1], *([1] * (n - 2))]
    maps = [identity_map(n), amap(n, [dim(0), dim(1), *([ir.AffineConstantExpr.get(0)] * (n - 2))])]
    summed = generic(
        [x], [fill(out, t, 0)], maps, "pp" + "r" * (n - 2), lambda v, acc: arith.addf(v, acc)
    )[0]
    return [divide_by_count(summed, sz.product(xs[2:]))]


LOWERINGS = {
    "LowerConv": lower_conv,
    "LowerConvTranspose": lower_conv_transpose,
    "LowerMaxPool": lower_max_pool,
    "LowerAveragePool": lower_average_pool,
    "LowerGlobalAveragePool": lower_global_average_pool,
}
