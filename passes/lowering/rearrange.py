"""Rearranging / masking ops -> linalg: Tile, DepthToSpace, SpaceToDepth, ReverseSequence,
Trilu, EyeLike, CenterCropPad.

Tile broadcasts the input over one new axis per dim (size: the repeat count, an attribute or
read at run time) and collapses each (repeat, dim) pair, so y[r * d + j] = x[j]. DepthToSpace
and SpaceToDepth are expand_shape -> linalg.transpose -> collapse_shape (ONNX's own
definition; with dynamic dims the reshapes become `tensor.reshape`). ReverseSequence reads
each element from its mirrored time position when it lies inside its batch's length; Trilu
and EyeLike are generics over `linalg.index` comparisons; CenterCropPad (target read at run
time) is an extract_slice of the centred window followed by a tensor.pad.

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
dynamic}`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPI,
    amap,
    attr_int,
    attr_ints,
    attr_str,
    collapse,
    const,
    dim,
    elem,
    empty,
    extract_slice,
    generic,
    i64,
    identity_map,
    index,
    norm_axis,
    pad_const,
    rank,
    reshape_to,
    to_index,
)
from strata.passes.lowering.dynamic import read_vector
from strata.passes.lowering.sizes import Size


def _tile(x: ir.Value, repeats: Sequence[Size]) -> ir.Value:
    """y.shape[i] = repeats[i] * x.shape[i]; y[r * d + j] = x[j] along each axis."""
    xs = sz.sizes_of(x)
    n = len(xs)
    wide: list[Size] = [s for r, d in zip(repeats, xs, strict=True) for s in (r, d)]
    imap = amap(2 * n, [dim(2 * i + 1) for i in range(n)])
    b = generic(
        [x], [empty(wide, elem(x))], [imap, identity_map(2 * n)], "p" * (2 * n), lambda v, _: v
    )[0]
    return collapse(b, [[2 * i, 2 * i + 1] for i in range(n)])


def lower_tile(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    reps = attr_ints(op, "repeats")
    if all(r == 1 for r in reps):
        return [x]
    return [_tile(x, list(reps))]


def lower_dynamic_tile(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    reps = [sz.smax(r, 0) for r in read_vector(op.operands[1])]
    y = _tile(op.operands[0], reps)
    t = op.results[0].type
    return [y if y.type == t else tensor.cast(t, y)]


def _rearrange(
    x: ir.Value, split: Sequence[Size], perm: Sequence[int], merged: Sequence[Size]
) -> ir.Value:
    """reshape to `split`, transpose by `perm`, reshape to `merged`."""
    s = reshape_to(x, split)
    out = empty([split[p] for p in perm], elem(x))
    t = linalg.transpose(s, outs=[out], permutation=list(perm)).results[0]
    return reshape_to(t, merged)


def lower_depth_to_space(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    b = attr_int(op, "blocksize")
    n, c, h, w = sz.sizes_of(x)
    c2 = sz.floordiv(c, b * b)
    merged = [n, c2, sz.mul(h, b), sz.mul(w, b)]
    if attr_str(op, "mode") == "DCR":
        return [_rearrange(x, [n, b, b, c2, h, w], [0, 3, 4, 1, 5, 2], merged)]
    return [_rearrange(x, [n, c2, b, b, h, w], [0, 1, 4, 2, 5, 3], merged)]


def lower_space_to_depth(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = op.operands[0]
    b = attr_int(op, "blocksize")
    n, c, h, w = sz.sizes_of(x)
    h2, w2 = sz.floordiv(h, b), sz.floordiv(w, b)
    split = [n, c, h2, b, w2, b]
    merged = [n, sz.mul(c, b * b), h2, w2]
    perm = [0, 3, 5, 1, 2, 4] if attr_str(op, "mode") == "DCR" else [0, 1, 3, 5, 2, 4]
    return [_rearrange(x, split, perm, merged)]


def lower_reverse_sequence(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """y[t, b] = x[len[b] - 1 - t, b] for t < len[b], else x[t, b] (time / batch: axes 0, 1)."""
    x, lens = op.operands[0], op.operands[1]
    n = rank(x)
    bat, tim = attr_int(op, "batch_axis"), attr_int(op, "time_axis")
    xs = sz.sizes_of(x)
    steps = sz.value(xs[tim])

    def body(_: ir.Value) -> ir.Value:
        t = index(tim)
        length = arith.minsi(to_index(tensor.extract(lens, [index(bat)])), steps)
        inside = arith.cmpi(CMPI["slt"], t, length)
        mirrored = arith.subi(arith.subi(length, sz.cindex(1)), t)
        coords = [index(d) for d in range(n)]
        coords[tim] = arith.select(inside, mirrored, t)
        return tensor.extract(x, coords)

    return [generic([], [empty(xs, elem(x))], [identity_map(n)], "p" * n, body)[0]]


def _diagonal_offset(i: ir.Value, j: ir.Value) -> ir.Value:
    """j - i as an i64 (the diagonal an element lies on)."""
    return arith.index_cast(i64(), arith.subi(j, i))


def lower_trilu(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """Keep x where col - row >= k (upper) / <= k (lower), zero elsewhere."""
    x = op.operands[0]
    n = rank(x)
    k = (
        tensor.extract(op.operands[1], [sz.cindex(0)] * rank(op.operands[1]))
        if len(op.operands) > 1
        else const(i64(), 0)
    )
    if k.type != i64():
        k = arith.extsi(i64(), k)
    pred = CMPI["sge"] if attr_int(op, "upper") else CMPI["sle"]
    zero = const(elem(x), 0)

    def body(v: ir.Value, _: ir.Value) -> ir.Value:
        keep = arith.cmpi(pred, _diagonal_offset(index(n - 2), index(n - 1)), k)
        return arith.select(keep, v, zero)

    xs = sz.sizes_of(x)
    maps = [identity_map(n), identity_map(n)]
    return [generic([x], [empty(xs, elem(x))], maps, "p" * n, body)[0]]


def lower_eye_like(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    t = elem(op.results[0])
    k = const(i64(), attr_int(op, "k"))
    one, zero = const(t, 1), const(t, 0)

    def body(_: ir.Value) -> ir.Value:
        on = arith.cmpi(CMPI["eq"], _diagonal_offset(index(0), index(1)), k)
        return arith.select(on, one, zero)

    out = empty(sz.sizes_of(op.operands[0]), t)
    return [generic([], [out], [identity_map(2)], "pp", body)[0]]


def lower_center_crop_pad(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """Crop offset floor((d - t) / 2); pad floor((t - d) / 2) before, the rest after."""
    x = op.operands[0]
    xs = sz.sizes_of(x)
    n = len(xs)
    axes = [norm_axis(a, n) for a in attr_ints(op, "axes")] or list(range(n))
    target = [sz.smax(t, 0) for t in read_vector(op.operands[1])]
    offs: list[Size] = [0] * n
    kept: list[Size] = list(xs)
    low: list[Size] = [0] * n
    high: list[Size] = [0] * n
    for a, t in zip(axes, target, strict=True):
        d = xs[a]
        offs[a] = sz.floordiv(sz.smax(sz.sub(d, t), 0), 2)
        kept[a] = sz.smin(d, t)
        low[a] = sz.floordiv(sz.smax(sz.sub(t, d), 0), 2)
        high[a] = sz.sub(sz.smax(sz.sub(t, d), 0), low[a])
    y = pad_const(extract_slice(x, offs, kept), low, high, 0)
    t = op.results[0].type
    return [y if y.type == t else tensor.cast(t, y)]


LOWERINGS = {
    "LowerTile": lower_tile,
    "LowerDynamicTile": lower_dynamic_tile,
    "LowerDepthToSpace": lower_depth_to_space,
    "LowerSpaceToDepth": lower_space_to_depth,
    "LowerReverseSequence": lower_reverse_sequence,
    "LowerTrilu": lower_trilu,
    "LowerEyeLike": lower_eye_like,
    "LowerCenterCropPad": lower_center_crop_pad,
}
