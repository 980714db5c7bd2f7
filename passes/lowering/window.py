"""Window ops -> linalg.generics (and one scf.for): MaxPool with indices, LpPool, MaxUnpool,
Col2Im.

* max_pool_with_indices: one windowed reduction generic with two results, the running maximum
  and its flat index (computed from the iteration indices; padding taps never win, the first
  real tap always does, later ones only when strictly greater — ONNX's reference order);
* lp_pool: |x|^p, zero padding, a sum pool (conv.py's), then the p-th root;
* max_unpool: an scf.for over the flattened input that inserts each value at its index into
  zeros of the inferred shape (out-of-range indices are skipped), then zero padding at the
  end up to `output_shape`;
* col2im: a generic over the image reducing over the block taps: tap k of output position p
  reads column block (p + pad - k * dilation) / stride where that divides evenly and is in
  range (a gather, so there are no write conflicts).

Sizes may be dynamic; the dynamic_* forms read their shape operands with tensor.extract.

Dependency contract: imports numpy, the `mlir` bindings and `strata.passes.lowering.{common,
sizes,conv}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, math, scf, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    LoweringError,
    amap,
    attr_int,
    attr_ints,
    const,
    dim,
    elem,
    elementwise,
    empty,
    fill,
    generic,
    i64,
    index,
    index_type,
    is_float,
    lowest,
    pad_const,
    reshape_to,
    to_index,
)
from strata.passes.lowering.conv import _pad_for_windows, _pool, _window, out_sizes
from strata.passes.lowering.sizes import Size


def _in_range(i: ir.Value, size: Size) -> ir.Value:
    """0 <= i < size for an index value."""
    it = index_type()
    lo = arith.cmpi(CMPI["sge"], i, const(it, 0))
    return arith.andi(lo, arith.cmpi(CMPI["slt"], i, sz.value(size)))


def _all(conds: Sequence[ir.Value]) -> ir.Value:
    acc = conds[0]
    for c in conds[1:]:
        acc = arith.andi(acc, c)
    return acc


def _flat(coords: Sequence[ir.Value], sizes: Sequence[Size]) -> ir.Value:
    """Row-major flat index of index values in a box of these sizes."""
    acc = coords[0]
    for c, s in zip(coords[1:], sizes[1:], strict=True):
        acc = arith.addi(arith.muli(acc, sz.value(s)), c)
    return acc


# ---- MaxPool with indices ------------------------------------------------------------------


def lower_max_pool_indices(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    k = attr_ints(op, "kernel_shape")
    out = out_sizes(op, x, sz.dim_of(x, 1), k)
    nsp = len(out) - 2
    s, d, pads = _window(op, nsp)
    t = elem(x)
    column_major = bool(attr_int(op, "storage_order"))
    xp = _pad_for_windows(x, out[2:], k, s, d, pads, lowest(t), bool(attr_int(op, "ceil_mode")))
    xs = sz.sizes_of(x)
    nd = 2 + 2 * nsp
    kd = [2 + nsp + i for i in range(nsp)]
    maps = [
        amap(nd, [dim(0), dim(1), *(dim(2 + i) * s[i] + dim(kd[i]) * d[i] for i in range(nsp))]),
        amap(nd, [dim(j) for j in kd]),
        amap(nd, [dim(i) for i in range(2 + nsp)]),
        amap(nd, [dim(i) for i in range(2 + nsp)]),
    ]
    it = index_type()

    def body(v: ir.Value, _w: ir.Value, best: ir.Value, where: ir.Value) -> list[ir.Value]:
        taps = []
        for i in range(nsp):
            start = arith.muli(index(2 + i), const(it, s[i]))
            tap = arith.addi(start, arith.muli(index(kd[i]), const(it, d[i])))
            taps.append(arith.subi(tap, const(it, pads[i])))
        inside = _all([_in_range(h, xs[2 + i]) for i, h in enumerate(taps)])
        if is_float(t):
            better = arith.cmpf(CMPF["ogt"], v, best)
        else:
            better = arith.cmpi(CMPI["sgt"], v, best)
        first = arith.cmpi(CMPI["slt"], where, const(i64(), 0))
        take = arith.andi(inside, arith.ori(first, better))
        spatial = xs[2:]
        if column_major:
            pos = _flat(list(reversed(taps)), list(reversed(spatial)))
        else:
            pos = _flat(taps, spatial)
        plane = arith.addi(arith.muli(index(0), sz.value(xs[1])), index(1))
        flat = arith.addi(arith.muli(plane, sz.value(sz.product(spatial))), pos)
        flat64 = arith.index_cast(i64(), flat)
        return [arith.select(take, v, best), arith.select(take, flat64, where)]

    kinds = "p" * (2 + nsp) + "r" * nsp
    inits = [fill(out, t, lowest(t)), fill(out, i64(), -1)]
    y, idx = generic([xp, empty(k, t)], inits, maps, kinds, body)
    return [y, idx]


# ---- LpPool ----------------------------------------------------------------------------------


def lower_lp_pool(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    t = elem(x)
    p = attr_int(op, "p")
    k = attr_ints(op, "kernel_shape")
    out = out_sizes(op, x, sz.dim_of(x, 1), k)
    s, d, pads = _window(op, len(out) - 2)

    def power(v: ir.Value) -> ir.Value:
        if p == 2:
            return arith.mulf(v, v)
        if p == 1:
            return math.absf(v)
        return math.powf(math.absf(v), const(t, float(p)))

    def root(v: ir.Value) -> ir.Value:
        if p == 1:
            return v
        if p == 2:
            return math.sqrt(v)
        return math.powf(v, const(t, 1.0 / p))

    powered = elementwise([x], sz.sizes_of(x), t, power)
    xp = _pad_for_windows(powered, out[2:], k, s, d, pads, 0, bool(attr_int(op, "ceil_mode")))
    summed = _pool(xp, out, k, s, d, fill(out, t, 0), "sum")
    return [elementwise([summed], out, t, root)]


# ---- MaxUnpool -------------------------------------------------------------------------------


def _unpool(op: ir.Operation, target: Sequence[Size] | None) -> ir.Value:
    """Scatter into the inferred shape, then pad at the end up to `target` (all dims)."""
    x, indices = op.operands[0], op.operands[1]
    t = elem(x)
    xs = sz.sizes_of(x)
    nsp = len(xs) - 2
    k, s, pads = attr_ints(op, "kernel_shape"), attr_ints(op, "strides"), attr_ints(op, "pads")
    inferred: list[Size] = [xs[0], xs[1]]
    for i in range(nsp):
        grown = sz.add(sz.mul(sz.sub(xs[2 + i], 1), s[i]), k[i] - pads[i] - pads[nsp + i])
        inferred.append(grown)
    count = sz.product(xs)
    total = sz.product(inferred)
    flat_x = reshape_to(x, [count])
    flat_i = reshape_to(indices, [count])
    it = index_type()
    loop = scf.ForOp(const(it, 0), sz.value(count), const(it, 1), [fill([total], t, 0)])
    with ir.InsertionPoint(loop.body):
        i = loop.induction_variable
        acc = loop.inner_iter_args[0]
        v = tensor.extract(flat_x, [i])
        j = to_index(tensor.extract(flat_i, [i]))
        valid = _in_range(j, total)
        safe = arith.select(valid, j, const(it, 0))
        kept = arith.select(valid, v, tensor.extract(acc, [safe]))
        scf.YieldOp([tensor.insert(kept, acc, [safe])])
    y = reshape_to(loop.results[0], inferred)
    if target is None:
        return y
    grow = [sz.sub(want, have) for want, have in zip(target, inferred, strict=True)]
    return pad_const(y, [0] * len(xs), [0, 0, *grow[2:]], 0)


def lower_max_unpool(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    given = attr_ints(op, "output_shape")
    return [_unpool(op, given or None)]


def shape_operand(v: ir.Value) -> list[Size]:
    """The entries of a 1-d integer tensor of static length as index Values."""
    n = sz.dim_of(v, 0)
    if not isinstance(n, int):
        raise LoweringError("a shape operand must have a static length")
    return [to_index(tensor.extract(v, [const(index_type(), i)])) for i in range(n)]


def lower_dynamic_max_unpool(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return [_unpool(op, shape_operand(op.operands[2]))]


# ---- Col2Im ----------------------------------------------------------------------------------


def _col2im(op: ir.Operation, image: Sequence[Size], block: Sequence[Size]) -> ir.Value:
    cols = op.operands[0]
    t = elem(cols)
    n_, ck, _ = sz.sizes_of(cols)
    nsp = len(image)
    s, d, pads = attr_ints(op, "strides"), attr_ints(op, "dilations"), attr_ints(op, "pads")
    kernel = sz.product(block)
    channels = sz.floordiv(ck, kernel)
    blocks: list[Size] = []
    for i in range(nsp):
        span = sz.add(image[i], pads[i] + pads[nsp + i] - 1)
        span = sz.sub(span, sz.mul(sz.sub(block[i], 1), d[i]))
        blocks.append(sz.add(sz.floordiv(span, s[i]), 1))
    out = [n_, channels, *image]
    nd = 2 + 2 * nsp
    kd = [2 + nsp + i for i in range(nsp)]
    it = index_type()

    def body(_w: ir.Value, acc: ir.Value) -> ir.Value:
        conds, bidx = [], []
        for i in range(nsp):
            q = arith.subi(
                arith.addi(index(2 + i), const(it, pads[i])),
                arith.muli(index(kd[i]), const(it, d[i])),
            )
            b = arith.floordivsi(q, const(it, s[i]))
            exact = arith.cmpi(CMPI["eq"], arith.muli(b, const(it, s[i])), q)
            conds += [exact, _in_range(b, blocks[i])]
            bidx.append(b)
        valid = _all(conds)
        taps = [index(j) for j in kd]
        row = arith.addi(arith.muli(index(1), sz.value(kernel)), _flat(taps, block))
        col = _flat(bidx, blocks)
        col = arith.select(valid, col, const(it, 0))
        v = tensor.extract(cols, [index(0), row, col])
        return arith.addf(acc, arith.select(valid, v, const(t, 0.0)))

    maps = [amap(nd, [dim(j) for j in kd]), amap(nd, [dim(i) for i in range(2 + nsp)])]
    kinds = "p" * (2 + nsp) + "r" * nsp
    return generic([empty(block, t)], [fill(out, t, 0.0)], maps, kinds, body)[0]


def lower_col2im(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    image, block = attr_ints(op, "image_shape"), attr_ints(op, "block_shape")
    return [_col2im(op, list(image), list(block))]


def lower_dynamic_col2im(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    image, block = shape_operand(op.operands[1]), shape_operand(op.operands[2])
    return [_col2im(op, image, block)]


LOWERINGS = {
    "LowerMaxPoolWithIndices": lower_max_pool_indices,
    "LowerLpPool": lower_lp_pool,
    "LowerMaxUnpool": lower_max_unpool,
    "LowerDynamicMaxUnpool": lower_dynamic_max_unpool,
    "LowerCol2Im": lower_col2im,
    "LowerDynamicCol2Im": lower_dynamic_col2im,
}
