"""Ops drawing pseudo-random numbers -> linalg.generics: training-mode Dropout.

nn.training_dropout: one elementwise generic with two results. Element l (row-major linear
index) draws u = top 24 bits of splitmix64(seed * golden + l) / 2^24 in [0, 1); it is kept
when training_mode is false or u >= ratio, and a kept element is scaled by 1 / (1 - ratio) in
training mode (ONNX's Dropout). The generator is Strata's own (counter-based, the same
numbers at every call for one seed); ratio 0 keeps every element exactly.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    attr_int,
    cast_scalar,
    const,
    elem,
    empty,
    generic,
    i64,
    identity_map,
    index,
    optional_operands,
    rank,
    wrap_int,
)

GOLDEN = 0x9E3779B97F4A7C15
MIX1, MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def _c64(v: int) -> ir.Value:
    return const(i64(), wrap_int(v, 64))


def splitmix64(z: ir.Value) -> ir.Value:
    """The splitmix64 finaliser of an i64 (wrapping arithmetic, logical shifts)."""
    z = arith.addi(z, _c64(GOLDEN))
    z = arith.muli(arith.xori(z, arith.shrui(z, _c64(30))), _c64(MIX1))
    z = arith.muli(arith.xori(z, arith.shrui(z, _c64(27))), _c64(MIX2))
    return arith.xori(z, arith.shrui(z, _c64(31)))


def lower_training_dropout(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, ratio_v, train_v = optional_operands(op, 3)
    assert x is not None
    t = elem(x)
    f32 = ir.F32Type.get()
    i1 = ir.IntegerType.get_signless(1)
    r = rank(x)
    sizes = sz.sizes_of(x)
    ratio = const(f32, 0.5) if ratio_v is None else cast_scalar(tensor.extract(ratio_v, []), f32)
    training = const(i1, 0) if train_v is None else tensor.extract(train_v, [])
    seed = _c64(attr_int(op, "seed") * GOLDEN)
    scale = arith.divf(const(f32, 1.0), arith.subf(const(f32, 1.0), ratio))

    def body(v: ir.Value, _y: ir.Value, _m: ir.Value) -> list[ir.Value]:
        lin = sz.value(0)
        for d in range(r):
            lin = arith.addi(arith.muli(lin, sz.value(sizes[d])), index(d))
        bits = splitmix64(arith.addi(seed, arith.index_cast(i64(), lin)))
        u = arith.mulf(arith.uitofp(f32, arith.shrui(bits, _c64(40))), const(f32, 1.0 / (1 << 24)))
        drawn = arith.cmpf(CMPF["oge"], u, ratio)
        keep = arith.ori(arith.xori(training, const(i1, 1)), drawn)
        scaled = cast_scalar(arith.mulf(cast_scalar(v, f32), scale), t)
        y = arith.select(training, arith.select(keep, scaled, const(t, 0.0)), v)
        return [y, keep]

    maps = [identity_map(r)] * 3
    outs = [empty(sizes, t), empty(sizes, i1)]
    y, mask = generic([x], outs, maps, "p" * r, body)
    return [y, mask]


LOWERINGS = {"LowerTrainingDropout": lower_training_dropout}
