"""Scalar transcendental functions built from arith ops (no libm calls, vectorisable).

`math.erf` has no LLVM lowering and `math.exp` / `math.tanh` become scalar libm calls, so
f32 bodies use these approximations instead (measured max error against float64 references:
exp 8e-8 relative, tanh 3.3e-7 absolute, erf 4.2e-7 absolute). Other float types use the
`math` dialect ops.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.common`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, math

from strata.passes.lowering.common import CMPF, const

# Cephes expf: e^r on [-ln2/2, ln2/2], highest degree first.
_EXP_P = (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
          1.6666665459e-1, 5.0000001201e-1)  # fmt: skip
# Eigen's float tanh: odd numerator / even denominator polynomials in x^2.
_TANH_P = (-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11,
           5.12229709037114e-08, 1.48572235717979e-05, 6.37261928875436e-04,
           4.89352455891786e-03)  # fmt: skip
_TANH_Q = (1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03,
           4.89352518554385e-03)  # fmt: skip
# Eigen's float erf on [-4, 4].
_ERF_P = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
          -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
          -1.60960333262415e-02)  # fmt: skip
_ERF_Q = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
          -7.37332916720468e-03, -1.42647390514189e-02)  # fmt: skip


def _f32(t: ir.Type) -> bool:
    return isinstance(t, ir.F32Type)


def _poly(x: ir.Value, coeffs: Sequence[float]) -> ir.Value:
    """Horner evaluation, highest-degree coefficient first."""
    t = x.type
    acc = const(t, coeffs[0])
    for c in coeffs[1:]:
        acc = arith.addf(arith.mulf(acc, x), const(t, c))
    return acc


def _clamp(x: ir.Value, lo: float, hi: float) -> ir.Value:
    t = x.type
    return arith.minimumf(arith.maximumf(x, const(t, lo)), const(t, hi))


def _pow2(n: ir.Value) -> ir.Value:
    """2**n for an i32 n in [-126, 127], as f32 bits."""
    i32 = n.type
    bits = arith.shli(arith.addi(n, const(i32, 127)), const(i32, 23))
    return arith.bitcast(ir.F32Type.get(), bits)


def exp(x: ir.Value) -> ir.Value:
    t = x.type
    if not _f32(t):
        return math.exp(x)
    xc = _clamp(x, -104.0, 89.0)
    n = math.floor(arith.addf(arith.mulf(xc, const(t, 1.44269504088896341)), const(t, 0.5)))
    r = arith.subf(xc, arith.mulf(n, const(t, 0.693359375)))
    r = arith.subf(r, arith.mulf(n, const(t, -2.12194440e-4)))
    p = _poly(r, _EXP_P)
    p = arith.addf(arith.addf(arith.mulf(arith.mulf(p, r), r), r), const(t, 1.0))
    i32 = ir.IntegerType.get_signless(32)
    ni = arith.fptosi(i32, n)
    n1 = arith.shrsi(ni, const(i32, 1))  # split 2**n so that denormal results survive
    n2 = arith.subi(ni, n1)
    y = arith.mulf(arith.mulf(p, _pow2(n1)), _pow2(n2))
    return arith.select(arith.cmpf(CMPF["uno"], x, x), x, y)


def tanh(x: ir.Value) -> ir.Value:
    t = x.type
    if not _f32(t):
        return math.tanh(x)
    c = _clamp(x, -7.90531110763549805, 7.90531110763549805)
    x2 = arith.mulf(c, c)
    y = arith.divf(arith.mulf(_poly(x2, _TANH_P), c), _poly(x2, _TANH_Q))
    tiny = arith.cmpf(CMPF["olt"], math.absf(x), const(t, 0.0004))
    return arith.select(tiny, x, y)


def erf(x: ir.Value) -> ir.Value:
    t = x.type
    if not _f32(t):
        return math.erf(x)
    c = _clamp(x, -4.0, 4.0)
    x2 = arith.mulf(c, c)
    return arith.divf(arith.mulf(_poly(x2, _ERF_P), c), _poly(x2, _ERF_Q))


def sigmoid(x: ir.Value) -> ir.Value:
    t = x.type
    one = const(t, 1.0)
    return arith.divf(one, arith.addf(one, exp(arith.negf(x))))
