"""Indexing ops -> gathering linalg.generics (`tensor.extract` at computed coordinates).

GatherElements iterates over the indices' shape and reads the data at the same coordinates
except along `axis`, where the (wrapped) index is used.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    attr_int,
    const,
    elem,
    empty,
    generic,
    identity_map,
    index,
    index_type,
    norm_axis,
    rank,
    to_index,
)
from strata.passes.lowering.sizes import Size


def wrap_index(i: ir.Value, size: Size) -> ir.Value:
    """An index value, negative ones counted from the end (i + size)."""
    i = to_index(i)
    neg = arith.cmpi(CMPI["slt"], i, const(index_type(), 0))
    return arith.select(neg, arith.addi(i, sz.value(size)), i)


def lower_gather_elements(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    data, indices = op.operands[0], op.operands[1]
    n = rank(data)
    axis = norm_axis(attr_int(op, "axis"), n)
    axis_size = sz.dim_of(data, axis)

    def body(idx: ir.Value, _: ir.Value) -> ir.Value:
        coords = [index(d) for d in range(n)]
        coords[axis] = wrap_index(idx, axis_size)
        return tensor.extract(data, coords)

    out = empty(sz.sizes_of(indices), elem(data))
    maps = [identity_map(n), identity_map(n)]
    return [generic([indices], [out], maps, "p" * n, body)[0]]


LOWERINGS = {"LowerGatherElements": lower_gather_elements}
