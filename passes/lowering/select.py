"""NonZero and Compress: results whose size is known only after reading the data.

Both count first (a reduction generic) and size the result with that count, then fill it in
an `scf.for` on tensors that carries the result and the next free position: NonZero walks
the flattened input in row-major order and writes the coordinates of each non-zero element
into the next column of a [rank, count] i64 tensor; Compress copies the slices along `axis`
whose condition is true into consecutive positions. On the CPU target these results are
allocated at run time (the dynamic ABI).

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
loops}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    amap,
    attr_int,
    const,
    elem,
    empty,
    extract_slice,
    fill,
    generic,
    i64,
    identity_map,
    insert_slice,
    is_bool,
    is_float,
    norm_axis,
    rank,
    reshape_to,
    to_index,
)
from strata.passes.lowering.loops import for_loop, if_else
from strata.passes.lowering.sizes import Size


def _truthy(v: ir.Value) -> ir.Value:
    """v != 0 as i1."""
    t = v.type
    if is_bool(t):
        return v
    if is_float(t):
        return arith.cmpf(CMPF["une"], v, const(t, 0.0))
    return arith.cmpi(CMPI["ne"], v, const(t, 0))


def count_true(x: ir.Value) -> ir.Value:
    """The number of non-zero elements of x, as an index value."""
    n = rank(x)
    one, zero = const(i64(), 1), const(i64(), 0)

    def body(v: ir.Value, acc: ir.Value) -> ir.Value:
        return arith.addi(acc, arith.select(_truthy(v), one, zero))

    total = generic([x], [fill([], i64(), 0)], [identity_map(n), amap(n, [])], "r" * n, body)[0]
    return to_index(tensor.extract(total, []))


def lower_non_zero(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    xs = sz.sizes_of(x)
    r = len(xs)
    total = sz.product(xs)
    flat = reshape_to(x, [total])
    count = count_true(x)
    out0 = empty([r, count], i64())

    def step(i: ir.Value, out: ir.Value, at: ir.Value) -> list[ir.Value]:
        def write() -> list[ir.Value]:
            res, rest = out, i
            for d in reversed(range(r)):  # row-major coordinates of flat index i
                size = sz.value(sz.smax(xs[d], 1))
                coord = arith.index_cast(i64(), arith.remui(rest, size))
                res = tensor.insert(coord, res, [sz.cindex(d), at])
                rest = arith.divui(rest, size)
            return [res, arith.addi(at, sz.cindex(1))]

        hit = _truthy(tensor.extract(flat, [i]))
        return if_else(hit, [out.type, at.type], write, lambda: [out, at])

    return [for_loop(0, total, [out0, sz.cindex(0)], step)[0]]


def lower_compress(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x, cond = op.operands[0], op.operands[1]
    xs = sz.sizes_of(x)
    axis = norm_axis(attr_int(op, "axis"), len(xs))
    m = sz.smin(sz.dim_of(cond, 0), xs[axis])  # entries past the axis' size select nothing
    count = count_true(extract_slice(cond, [0], [m]))
    out_sizes: list[Size] = [count if d == axis else s for d, s in enumerate(xs)]
    one: list[Size] = [1 if d == axis else s for d, s in enumerate(xs)]
    out0 = empty(out_sizes, elem(x))

    def step(i: ir.Value, out: ir.Value, at: ir.Value) -> list[ir.Value]:
        def copy() -> list[ir.Value]:
            src = extract_slice(x, [i if d == axis else 0 for d in range(len(xs))], one)
            dst = [at if d == axis else 0 for d in range(len(xs))]
            return [insert_slice(src, out, dst), arith.addi(at, sz.cindex(1))]

        hit = tensor.extract(cond, [i])
        return if_else(hit, [out.type, at.type], copy, lambda: [out, at])

    return [for_loop(0, m, [out0, sz.cindex(0)], step)[0]]


LOWERINGS = {"LowerNonZero": lower_non_zero, "LowerCompress": lower_compress}
