"""Sizes for lowering ops whose dims may be dynamic: a Python int or an `index` SSA value.

A `Size` is static (int) or dynamic (an `index` Value). The helpers fold when every argument
is static and emit `arith` ops on `index` otherwise, so one lowering serves static and dynamic
shapes: static shapes produce exactly the IR they did before, dynamic ones read dims with
`tensor.dim` and compute the result sizes at run time.

Dependency contract: imports only the upstream `mlir` bindings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from mlir import ir
from mlir.dialects import arith, tensor

Size: TypeAlias = int | ir.Value


def dynamic() -> int:
    """MLIR's marker for a dynamic dim in a shape list."""
    return int(ir.ShapedType.get_dynamic_size())


def index_type() -> ir.IndexType:
    return ir.IndexType.get()


def cindex(v: int) -> ir.Value:
    return arith.constant(index_type(), int(v))


def value(s: Size) -> ir.Value:
    """`s` as an index Value (a constant for a static size)."""
    return cindex(s) if isinstance(s, int) else s


def static(s: Size) -> int:
    """The MLIR shape entry of a size: the int, or the dynamic marker."""
    return s if isinstance(s, int) else dynamic()


def statics(sizes: Sequence[Size]) -> list[int]:
    return [static(s) for s in sizes]


def dynamics(sizes: Sequence[Size]) -> list[ir.Value]:
    """The Values of the dynamic sizes, in order (what tensor.empty takes)."""
    return [s for s in sizes if not isinstance(s, int)]


def is_static(sizes: Sequence[Size]) -> bool:
    return all(isinstance(s, int) for s in sizes)


def sizes_of(v: ir.Value) -> list[Size]:
    """The dims of a ranked tensor: ints for static dims, `tensor.dim` for dynamic ones."""
    t = ir.RankedTensorType(v.type)
    return [
        tensor.dim(v, cindex(i)) if t.is_dynamic_dim(i) else int(t.shape[i]) for i in range(t.rank)
    ]


def dim_of(v: ir.Value, i: int) -> Size:
    t = ir.RankedTensorType(v.type)
    return tensor.dim(v, cindex(i)) if t.is_dynamic_dim(i) else int(t.shape[i])


def add(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if isinstance(b, int) and b == 0:
        return a
    if isinstance(a, int) and a == 0:
        return b
    return arith.addi(value(a), value(b))


def sub(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    if isinstance(b, int) and b == 0:
        return a
    return arith.subi(value(a), value(b))


def mul(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if isinstance(b, int) and b == 1:
        return a
    if isinstance(a, int) and a == 1:
        return b
    return arith.muli(value(a), value(b))


def product(sizes: Sequence[Size]) -> Size:
    out: Size = 1
    for s in sizes:
        out = mul(out, s)
    return out


def floordiv(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return a // b
    if isinstance(b, int) and b == 1:
        return a
    return arith.floordivsi(value(a), value(b))


def ceildiv(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return -(-a // b)
    if isinstance(b, int) and b == 1:
        return a
    return arith.ceildivsi(value(a), value(b))


def smax(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return max(a, b)
    return arith.maxsi(value(a), value(b))


def smin(a: Size, b: Size) -> Size:
    if isinstance(a, int) and isinstance(b, int):
        return min(a, b)
    return arith.minsi(value(a), value(b))


def clamp(a: Size, lo: Size, hi: Size) -> Size:
    return smin(smax(a, lo), hi)


def select_lt(a: Size, b: Size, then: Size, other: Size) -> Size:
    """`then` if a < b else `other` (signed)."""
    if isinstance(a, int) and isinstance(b, int):
        return then if a < b else other
    cond = arith.cmpi(arith.CmpIPredicate.slt, value(a), value(b))
    return arith.select(cond, value(then), value(other))


def tensor_type(sizes: Sequence[Size], t: ir.Type) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(statics(sizes), t)
