"""Signal ops -> linalg.generics: the discrete Fourier transform as a contraction, and the
short-time Fourier transform (the same contraction over frames read from the signal).

nn.dft: one generic over the result positions (last dim dropped) reducing over the signal
samples m along the axis, with two f64 results (real and imaginary part). The twiddle factor
of output bin k and sample m is computed in the body from the exact integer (k * m) mod L
(L: the DFT length), so its angle 2 pi ((k m) mod L) / L stays in [0, 2 pi) and loses no
precision for long signals; products and sums are in f64, rounded to the element type once at
the end, where a second generic interleaves the real and imaginary parts into the last dim.

* forward: X[k] = sum_m x[m] e^{-i theta}; one-sided keeps bins 0 .. L/2;
* inverse: x[t] = 1/L sum_k X[k] e^{+i theta};
* inverse one-sided (irfft, real result): bins 0 .. L/2 of a Hermitian spectrum,
  x[t] = 1/L sum_k w_k Re(X[k] e^{+i theta}) with w_k = 1 for k = 0 and (L even) k = L/2,
  else 2 (numpy.fft.irfft's convention, which ignores those two bins' imaginary parts).

The signal is cropped along the axis to the samples the transform uses (fewer when
dft_length is shorter); a longer dft_length zero-pads implicitly (absent samples add nothing).
nn.stft: frame f starts at f * frame_step (a run-time value); bin k of it sums the windowed
samples times the same twiddles (a rectangular window when none is given); the frame length is
frame_length, else the window's, else the signal's.
nn.dynamic_dft (axis computed at run time): an scf.index_switch over the possible axes, each
case the static transform, cast to the op's result type.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
loops}`.
"""

from __future__ import annotations

import math as pymath
from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, math, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    LoweringError,
    amap,
    attr_int,
    cast_scalar,
    const,
    cst_expr,
    dim,
    elem,
    empty,
    extract_slice,
    fill,
    generic,
    i64,
    identity_map,
    index,
    optional_operands,
    rank,
    to_index,
)
from strata.passes.lowering.loops import switch
from strata.passes.lowering.sizes import Size


def _f64() -> ir.F64Type:
    return ir.F64Type.get()


def _to_f64(i: ir.Value) -> ir.Value:
    return arith.sitofp(_f64(), arith.index_cast(i64(), i))


def dft(
    x: ir.Value, axis: int, inverse: bool, onesided: bool, length: int, out_t: ir.Type
) -> ir.Value:
    """The DFT of `x` (last dim 1: real, 2: complex) along `axis`; result of `out_t`."""
    r = rank(x)
    sizes = sz.sizes_of(x)
    n_in = sizes[axis]
    irfft = inverse and onesided
    size_l: Size = length if length else (sz.mul(sz.sub(n_in, 1), 2) if irfft else n_in)
    n_out: Size = sz.add(sz.floordiv(size_l, 2), 1) if onesided and not inverse else size_l
    # Samples (bins, for irfft) the sum runs over.
    used = sz.smin(n_in, sz.add(sz.floordiv(size_l, 2), 1) if irfft else size_l)
    crop = list(sizes)
    crop[axis] = used
    src = extract_slice(x, [0] * r, crop)
    complex_in = sz.static(sizes[-1]) == 2
    out_sizes = list(sizes[:-1])
    out_sizes[axis] = n_out
    nd = r  # r - 1 result dims, then the reduction dim m
    m_dim = r - 1

    def in_map(c: int) -> ir.AffineMap:
        exprs = [dim(m_dim) if j == axis else dim(j) for j in range(r - 1)]
        return amap(nd, [*exprs, cst_expr(c)])

    out_map = amap(nd, [dim(j) for j in range(r - 1)])
    f64 = _f64()
    sign = 1.0 if inverse else -1.0
    lv = sz.value(size_l)
    it = ir.IndexType.get()

    def body(*args: ir.Value) -> list[ir.Value]:
        xr = cast_scalar(args[0], f64)
        xi = cast_scalar(args[1], f64) if complex_in else const(f64, 0.0)
        acc_re, acc_im = args[-2], args[-1]
        k, m = index(axis), index(m_dim)
        c, s = _twiddle(k, m, lv, sign)
        if irfft:  # sample t = k, bin = m: w_m Re(X[m] e^{+i theta})
            re = arith.subf(arith.mulf(xr, c), arith.mulf(xi, s))
            half = arith.divui(lv, sz.value(2))
            even = arith.cmpi(CMPI["eq"], arith.remui(lv, sz.value(2)), const(it, 0))
            single = arith.ori(
                arith.cmpi(CMPI["eq"], m, const(it, 0)),
                arith.andi(even, arith.cmpi(CMPI["eq"], m, half)),
            )
            w = arith.select(single, const(f64, 1.0), const(f64, 2.0))
            return [arith.addf(acc_re, arith.mulf(w, re)), acc_im]
        # (xr + i xi)(c + i s) with s already signed
        re = arith.subf(arith.mulf(xr, c), arith.mulf(xi, s))
        im = arith.addf(arith.mulf(xr, s), arith.mulf(xi, c))
        return [arith.addf(acc_re, re), arith.addf(acc_im, im)]

    inputs = [src, src] if complex_in else [src]
    maps = [*[in_map(c) for c in range(len(inputs))], out_map, out_map]
    kinds = "p" * (r - 1) + "r"
    inits = [fill(out_sizes, f64, 0.0), fill(out_sizes, f64, 0.0)]
    re, im = generic(inputs, inits, maps, kinds, body)
    scale = _to_f64(lv) if inverse else None
    return _interleave(re, im, out_sizes, 1 if irfft else 2, scale, out_t)


def _interleave(
    re: ir.Value,
    im: ir.Value,
    sizes: Sequence[Size],
    last: int,
    scale: ir.Value | None,
    out_t: ir.Type,
) -> ir.Value:
    """[*sizes, last] of `out_t`: the real part (last 1), or real and imaginary parts
    interleaved (last 2), divided by `scale` when given."""
    r = len(sizes) + 1
    it = ir.IndexType.get()

    def body(a: ir.Value, b: ir.Value, _o: ir.Value) -> ir.Value:
        if last == 1:
            v = a
        else:
            v = arith.select(arith.cmpi(CMPI["eq"], index(r - 1), const(it, 0)), a, b)
        if scale is not None:
            v = arith.divf(v, scale)
        return cast_scalar(v, out_t)

    part = amap(r, [dim(j) for j in range(r - 1)])
    out = empty([*sizes, last], out_t)
    return generic([re, im], [out], [part, part, identity_map(r)], "p" * r, body)[0]


def _twiddle(k: ir.Value, m: ir.Value, length: ir.Value, sign: float) -> tuple[ir.Value, ir.Value]:
    """cos and sin of sign * 2 pi ((k * m) mod length) / length, in f64."""
    km = arith.remui(arith.muli(k, m), length)
    theta = arith.mulf(
        arith.divf(_to_f64(km), _to_f64(length)), const(_f64(), sign * 2.0 * pymath.pi)
    )
    return math.cos(theta), math.sin(theta)


def lower_stft(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """Frame f of the signal starts at f * frame_step; bin k of it sums
    x[f * step + m] * window[m] * e^{-2 pi i k m / L} over m < L (one generic, reading the
    signal with tensor.extract, the window an input), then the parts interleave."""
    sig, step_v, window, length_v = optional_operands(op, 4)
    assert sig is not None and step_v is not None
    t = elem(sig)
    it = ir.IndexType.get()
    f64 = _f64()

    def scalar(v: ir.Value) -> ir.Value:
        x = tensor.extract(v, [sz.cindex(0)] if rank(v) else [])
        return arith.index_cast(it, cast_scalar(x, i64()))

    n_b, n_s = sz.dim_of(sig, 0), sz.dim_of(sig, 1)
    step = scalar(step_v)
    size_l: Size
    if length_v is not None:
        size_l = scalar(length_v)
    elif window is not None:
        size_l = sz.dim_of(window, 0)
    else:
        size_l = n_s
    if window is None:
        window = fill([size_l], t, 1.0)
    frames = sz.add(sz.floordiv(sz.sub(n_s, size_l), step), 1)
    onesided = bool(attr_int(op, "onesided"))
    bins = sz.add(sz.floordiv(size_l, 2), 1) if onesided else size_l
    complex_in = sz.static(sz.dim_of(sig, 2)) == 2
    lv, sv = sz.value(size_l), sz.value(step)

    def body(w: ir.Value, acc_re: ir.Value, acc_im: ir.Value) -> list[ir.Value]:
        b, f, k, m = index(0), index(1), index(2), index(3)
        pos = arith.addi(arith.muli(f, sv), m)
        wv = cast_scalar(w, f64)
        xr = arith.mulf(cast_scalar(tensor.extract(sig, [b, pos, sz.cindex(0)]), f64), wv)
        xi = const(f64, 0.0)
        if complex_in:
            xi = arith.mulf(cast_scalar(tensor.extract(sig, [b, pos, sz.cindex(1)]), f64), wv)
        c, s = _twiddle(k, m, lv, -1.0)
        re = arith.subf(arith.mulf(xr, c), arith.mulf(xi, s))
        im = arith.addf(arith.mulf(xr, s), arith.mulf(xi, c))
        return [arith.addf(acc_re, re), arith.addf(acc_im, im)]

    out_sizes = [n_b, frames, bins]
    inits = [fill(out_sizes, f64, 0.0), fill(out_sizes, f64, 0.0)]
    maps = [amap(4, [dim(3)]), amap(4, [dim(0), dim(1), dim(2)]), amap(4, [dim(0), dim(1), dim(2)])]
    re, im = generic([window], inits, maps, "pppr", body)
    y = _interleave(re, im, out_sizes, 2, None, elem(op.results[0]))
    res_t = op.results[0].type
    return [tensor.cast(res_t, y) if y.type != res_t else y]


def _flags(op: ir.Operation) -> tuple[bool, bool, int]:
    return bool(attr_int(op, "inverse")), bool(attr_int(op, "onesided")), attr_int(op, "dft_length")


def lower_dft(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    r = rank(x)
    axis = attr_int(op, "axis") % r
    out_t = elem(op.results[0])
    y = dft(x, axis, *_flags(op), out_t)
    return [tensor.cast(op.results[0].type, y) if y.type != op.results[0].type else y]


def lower_dynamic_dft(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, a = op.operands[0], op.operands[1]
    r = rank(x)
    if r < 2:
        raise LoweringError(f"nn.dynamic_dft needs a signal of rank >= 2, got rank {r}")
    axis = to_index(tensor.extract(a, []))
    neg = arith.cmpi(CMPI["slt"], axis, sz.cindex(0))
    axis = arith.select(neg, arith.addi(axis, sz.cindex(r)), axis)
    res_t = op.results[0].type
    out_t = elem(op.results[0])
    flags = _flags(op)

    def case(d: int) -> list[ir.Value]:
        y = dft(x, d, *flags, out_t)
        return [tensor.cast(res_t, y) if y.type != res_t else y]

    # Axes whose static length admits no transform (an irfft of one bin) get no case; the
    # last admissible axis is the default (an out-of-range axis is invalid ONNX).
    valid = [d for d in range(r - 1) if _admissible(sz.dim_of(x, d), *flags)]
    if not valid:
        raise LoweringError(f"nn.dynamic_dft: no axis of {x.type} admits the transform")
    return switch(axis, [res_t], valid[:-1], case, lambda: case(valid[-1]))


def _admissible(n: Size, inverse: bool, onesided: bool, length: int) -> bool:
    return bool(length) or not (inverse and onesided) or not isinstance(n, int) or n >= 2


LOWERINGS = {
    "LowerDFT": lower_dft,
    "LowerDynamicDFT": lower_dynamic_dft,
    "LowerSTFT": lower_stft,
}
