"""Broadcasting with dynamic dims: which dims are provably equal, and run-time broadcasts.

ONNX broadcasts at run time: a dynamic dim may turn out to be 1 and broadcast against the
other operand. A linalg.generic's indexing maps fix that at compile time, so before an
elementwise op is built, every pair of operands that meet with dynamic dims at one position
is checked: if both dims provably have one origin (`dim_origin`: the same function argument's
dim, the same `tensor.empty` size, ... traced back through linalg results, casts and
reshapes), they are equal and the maps stay plain. Otherwise the operand is broadcast at run
time first (a gathering generic that reads index 0 where its dim is 1), so the result is
right whichever way the sizes turn out.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.sizes`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.sizes import Size

Origin = tuple[object, int] | int


def _op_of(v: ir.Value) -> ir.Operation | None:
    owner = v.owner
    if isinstance(owner, ir.OpView):
        return owner.operation
    if isinstance(owner, ir.Operation):
        return owner
    return None


def _const_index(v: ir.Value) -> int | None:
    op = _op_of(v)
    if op is not None and op.name == "arith.constant":
        a = op.attributes["value"]
        if isinstance(a, ir.IntegerAttr):
            return int(a.value)
    return None


def size_origin(s: Size, depth: int = 0) -> Origin:
    """A key for a size: equal keys mean equal sizes (an int, or the origin of an index)."""
    if isinstance(s, int):
        return s
    c = _const_index(s)
    if c is not None:
        return c
    op = _op_of(s)
    if op is not None and op.name == "tensor.dim" and depth < 64:
        k = _const_index(op.operands[1])
        if k is not None:
            return dim_origin(op.operands[0], k, depth + 1)
    return (s, -1)


def dim_origin(v: ir.Value, k: int, depth: int = 0) -> Origin:
    """Where dim `k` of tensor `v` comes from, traced back as far as it provably equals."""
    t = ir.RankedTensorType(v.type)
    if not t.is_dynamic_dim(k):
        return int(t.shape[k])
    op = _op_of(v)
    if op is None or depth >= 64:
        return (v, k)
    name = op.name
    if name == "tensor.empty":
        dyn = [i for i in range(t.rank) if t.is_dynamic_dim(i)]
        return size_origin(op.operands[dyn.index(k)], depth + 1)
    if name == "tensor.cast":
        return dim_origin(op.operands[0], k, depth + 1)
    if name.startswith("linalg.") and "operandSegmentSizes" in op.attributes:
        seg = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
        n_in = seg[0]
        result = next(i for i, r in enumerate(op.results) if r == v)
        return dim_origin(op.operands[n_in + result], k, depth + 1)
    if name in ("tensor.collapse_shape", "tensor.expand_shape"):
        groups = [
            [int(ir.IntegerAttr(i).value) for i in ir.ArrayAttr(g)]
            for g in ir.ArrayAttr(op.attributes["reassociation"])
        ]
        src = op.operands[0]
        st = ir.RankedTensorType(src.type)
        if name == "tensor.collapse_shape":
            g = groups[k]
            dyn = [j for j in g if st.is_dynamic_dim(j)]
            if len(dyn) == 1 and all(st.shape[j] == 1 for j in g if j != dyn[0]):
                return dim_origin(src, dyn[0], depth + 1)
        else:
            for j, g in enumerate(groups):
                if k in g and all(t.shape[i] == 1 for i in g if i != k):
                    return dim_origin(src, j, depth + 1)
    return (v, k)


def broadcast_inputs(
    inputs: Sequence[ir.Value], out_type: ir.RankedTensorType
) -> tuple[list[ir.Value], list[Size]]:
    """The operands of a broadcasting elementwise op and the result sizes, with operands
    whose dynamic dims might broadcast at run time broadcast explicitly first."""
    n = out_type.rank
    types = [ir.RankedTensorType(v.type) for v in inputs]
    out: list[Size] = []
    risky: set[int] = set()  # operands to broadcast at run time
    for d in range(n):
        if not out_type.is_dynamic_dim(d):
            fixed = int(out_type.shape[d])
            out.append(fixed)
            if fixed != 1:
                for j, t in enumerate(types):
                    k = d - (n - t.rank)
                    if k >= 0 and t.is_dynamic_dim(k):
                        risky.add(j)  # might be 1 at run time
            continue
        dyn = [
            j for j, t in enumerate(types) if (k := d - (n - t.rank)) >= 0 and t.is_dynamic_dim(k)
        ]
        origins = {dim_origin(inputs[j], d - (n - types[j].rank)) for j in dyn}
        first = inputs[dyn[0]]
        if len(origins) <= 1:
            out.append(sz.dim_of(first, d - (n - types[dyn[0]].rank)))
            continue
        # several origins: the size is the one that is not 1 (all equal or 1 in valid models)
        size: Size = 1
        for j in dyn:
            dj = sz.dim_of(inputs[j], d - (n - types[j].rank))
            size = (
                sz.value(dj)
                if size == 1
                else arith.select(
                    arith.cmpi(arith.CmpIPredicate.eq, sz.value(size), sz.cindex(1)), dj, size
                )
            )
            risky.add(j)
        out.append(size)
    if not risky:
        return list(inputs), out
    return [broadcast_to(v, out) if j in risky else v for j, v in enumerate(inputs)], out


def broadcast_to(v: ir.Value, out: Sequence[Size]) -> ir.Value:
    """`v` broadcast to sizes `out` at run time: a dim of `v` that is 1 is read at index 0."""
    n = len(out)
    t = ir.RankedTensorType(v.type)
    lead = n - t.rank
    vs = sz.sizes_of(v)
    rt = ir.RankedTensorType.get(sz.statics(out), t.element_type)
    init = tensor.EmptyOp(list(out), t.element_type).result
    op = linalg.GenericOp(
        [rt],
        [],
        [init],
        ir.ArrayAttr.get([ir.AffineMapAttr.get(ir.AffineMap.get_identity(n))]),
        ir.ArrayAttr.get([ir.Attribute.parse("#linalg.iterator_type<parallel>")] * n),
    )
    block = op.regions[0].blocks.append(t.element_type)
    with ir.InsertionPoint(block):
        coords = []
        for k in range(t.rank):
            i = linalg.IndexOp(lead + k).result
            size = vs[k]
            if isinstance(size, int):
                coords.append(sz.cindex(0) if size == 1 and out[lead + k] != 1 else i)
            else:
                one = arith.cmpi(arith.CmpIPredicate.eq, size, sz.cindex(1))
                coords.append(arith.select(one, sz.cindex(0), i))
        linalg.YieldOp([tensor.extract(v, coords)])
    return op.results[0]
