"""Converters of TF's structure, shape and data-movement ops: Const / Identity, reshapes,
transposes, concatenation, padding, slicing, gathering and the shape arithmetic Keras emits
(Shape, Pack, Fill, Range, ...). Most fold in numpy when their inputs are known.

A transpose of a value already held permuted costs nothing: the permutations compose
(`transpose`), so the NHWC <-> NCHW transposes a graph spells out meet the importer's own.

Dependency contract: numpy, `mlir`, the converter registry and `strata.frontends.tf.layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from strata.frontends.tf import layout
from strata.frontends.tf.ops.registry import (
    DTYPES,
    FOLD_LIMIT,
    Node,
    Output,
    Tensor,
    converter,
    numpy_dtype,
)

GRAPH = "graph structure"
SHAPE = "shape and data movement"
INDEX = "slicing and gathering"
INT64_MAX = 2**63 - 1

_VALUE_FIELDS = {
    np.float32: "float_val",
    np.float64: "double_val",
    np.int32: "int_val",
    np.uint8: "int_val",
    np.int16: "int_val",
    np.int8: "int_val",
    np.uint16: "int_val",
    np.int64: "int64_val",
    np.bool_: "bool_val",
    np.uint32: "uint32_val",
    np.uint64: "uint64_val",
}


def tensor_array(node: Node, proto: Any) -> np.ndarray:
    """The array of a TensorProto (packed `tensor_content`, or typed values repeated to fill
    the shape as TF does)."""
    dtype = numpy_dtype(int(proto.dtype), "the constant")
    shape = tuple(int(d.size) for d in proto.tensor_shape.dim)
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if proto.tensor_content:
        arr = np.frombuffer(proto.tensor_content, dtype=dtype.newbyteorder("<"))
        if arr.size != count:
            node.fail(f"tensor_content holds {arr.size} values for shape {list(shape)}")
        return arr.astype(dtype).reshape(shape)
    if dtype == np.float16:
        vals = np.array(list(proto.half_val), dtype=np.uint16).view(np.float16)
    else:
        vals = np.array(list(getattr(proto, _VALUE_FIELDS[dtype.type])), dtype=dtype)
    if vals.size == count:
        return vals.reshape(shape)
    if vals.size == 0:
        return np.zeros(shape, dtype=dtype)
    if vals.size > count:
        node.fail(f"holds {vals.size} values for shape {list(shape)}")
    return np.concatenate([vals, np.full(count - vals.size, vals[-1], dtype=dtype)]).reshape(shape)


@converter("Const", needs=[], category=GRAPH)
def const(node: Node) -> Sequence[Output]:
    proto = node.nodedef.attr["value"].tensor
    return [Tensor(array=tensor_array(node, proto))]


@converter(["Identity", "StopGradient", "Snapshot", "PreventGradient"], needs=[], category=GRAPH)
def identity(node: Node) -> Sequence[Output]:
    return [node.tensor(0)]


@converter("IdentityN", needs=[], category=GRAPH)
def identity_n(node: Node) -> Sequence[Output]:
    return list(node.inputs)


@converter("NoOp", needs=[], category=GRAPH)
def no_op(node: Node) -> Sequence[Output]:
    return []


# ---- shapes ----------------------------------------------------------------------------------
def _out_type(node: Node) -> np.dtype[Any]:
    return node.dtype_attr("out_type") if node.has_attr("out_type") else np.dtype(np.int32)


@converter("Shape", needs=["shape", "cast"], category=SHAPE)
def shape(node: Node) -> Sequence[Output]:
    s = node.spec(0)
    out = _out_type(node)
    if all(d is not None for d in s.shape):
        return [Tensor(array=np.array(s.shape, dtype=out))]
    y = node.build1("shape", [node.value(0)])
    y = y if out == np.int64 else node.build1("cast", [y], {"to": out})
    return [Tensor(value=y, partial=tuple(s.shape))]


def _element(t: Tensor) -> int | None:
    """A scalar's value if known (an int), else None."""
    if t.array is not None and t.array.size == 1 and np.issubdtype(t.array.dtype, np.integer):
        return int(t.array.reshape(()))
    return None


@converter("Size", needs=["size", "cast"], category=SHAPE)
def size(node: Node) -> Sequence[Output]:
    s = node.spec(0)
    out = _out_type(node)
    if all(d is not None for d in s.shape):
        return [Tensor(array=np.array(int(np.prod([int(d or 0) for d in s.shape])), dtype=out))]
    y = node.build1("size", [node.value(0)])
    return [y if out == np.int64 else node.build1("cast", [y], {"to": out})]


@converter("Rank", needs=[], category=SHAPE)
def rank(node: Node) -> Sequence[Output]:
    return [Tensor(array=np.array(node.spec(0).rank, dtype=np.int32))]


def _fold_reshape(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    return [a[0].reshape([int(d) for d in a[1].reshape(-1)])]


@converter("Reshape", needs=["reshape", "dynamic_reshape"], category=SHAPE, fold=_fold_reshape)
def reshape(node: Node) -> Sequence[Output]:
    t = node.tensor(1)
    shape = node.partial_ints(1) if t.known or t.partial is not None else None
    if shape is not None and shape.count(None) + shape.count(-1) <= 1:
        # one entry known only at run time is the one to infer (Keras' dynamic batch)
        target = [-1 if d is None else d for d in shape]
        return [node.build1("reshape", [node.value(0)], {"shape": target, "allowzero": 1})]
    return [node.build1("dynamic_reshape", [node.value(0), node.value(1)], {"allowzero": 1})]


def _fold_transpose(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    return [np.transpose(a[0], [int(p) for p in a[1].reshape(-1)])]


@converter("Transpose", needs=["transpose"], category=SHAPE, fold=_fold_transpose)
def transpose(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    rank = t.spec().rank
    p = [node.axis(v, rank) for v in node.ints(1)]
    if sorted(p) != list(range(rank)):
        node.fail(f"perm {p} is not a permutation of {rank} axes")
    if t.perm is None:
        return [node.build1("transpose", [node.value(0)], {"perm": p})]
    # t's MLIR value holds TF axis t.perm[k] at k; the result's TF axis i is t's axis p[i], so
    # the same MLIR value holds the result permuted by [p.index(t.perm[k])]: nothing to emit
    assert t.value is not None
    held = tuple(p.index(q) for q in t.perm)
    return [Tensor(value=t.value, perm=None if held == tuple(range(rank)) else held)]


def _fold_expand_dims(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    return [np.expand_dims(a[0], int(a[1].reshape(-1)[0]))]


@converter("ExpandDims", needs=["unsqueeze"], category=SHAPE, fold=_fold_expand_dims)
def expand_dims(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    (axis,) = node.ints(1)
    return [node.build1("unsqueeze", [node.value(0)], {"axes": [node.axis(axis, rank + 1)]})]


def _squeeze_axes(node: Node, rank: int) -> list[int]:
    return sorted(node.axis(int(a), rank) for a in node.attr("squeeze_dims", []) or [])


def _fold_squeeze(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    axes = _squeeze_axes(node, a[0].ndim)
    return [np.squeeze(a[0], axis=tuple(axes)) if axes else np.squeeze(a[0])]


@converter("Squeeze", needs=["squeeze"], category=SHAPE, fold=_fold_squeeze)
def squeeze(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    s = t.spec()
    axes = _squeeze_axes(node, s.rank)
    if not axes:
        if any(d is None for d in s.shape):
            node.fail("squeezing every size-1 axis needs static dims")
        axes = [k for k, d in enumerate(s.shape) if d == 1]
    stored = sorted(layout.storage_axis(t.perm, a) for a in axes)
    y = node.build1("squeeze", [node.value_as(0, t.perm)], {"axes": stored})
    return [Tensor(value=y, perm=layout.after_removing(t.perm, axes))]


def _concat(node: Node, inputs: list[Tensor], axis_value: np.ndarray) -> Tensor:
    rank = inputs[0].spec().rank
    axis = node.axis(int(axis_value.reshape(-1)[0]), rank)
    perm = layout.common_perm(inputs)
    sub = Node(node.nodedef, inputs, node._values)  # the data inputs only
    vals = layout.operands_as(sub, perm)
    y = vals[0]
    for v in vals[1:]:
        y = node.build1("concat", [y, v], {"axis": layout.storage_axis(perm, axis)})
    return Tensor(value=y, perm=perm)


@converter(
    "ConcatV2",
    needs=["concat"],
    category=SHAPE,
    fold=lambda node, a: [np.concatenate(a[:-1], axis=int(a[-1]))],
)
def concat_v2(node: Node) -> Sequence[Output]:
    y = _concat(node, node.inputs[:-1], node.known(len(node.inputs) - 1))
    parts = node.inputs[:-1]
    if all(p.spec().rank == 1 and (p.known or p.partial is not None) for p in parts):
        y.partial = tuple(e for k in range(len(parts)) for e in node.partial_ints(k))
    return [y]


@converter(
    "Concat",
    needs=["concat"],
    category=SHAPE,
    fold=lambda node, a: [np.concatenate(a[1:], axis=int(a[0]))],
)
def concat_v1(node: Node) -> Sequence[Output]:
    return [_concat(node, node.inputs[1:], node.known(0))]


@converter(
    "Pack",
    needs=["unsqueeze", "concat"],
    category=SHAPE,
    fold=lambda node, a: [np.stack(a, axis=int(node.attr("axis", 0)))],
)
def pack(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    axis = node.axis(int(node.attr("axis", 0)), rank + 1)
    vals = [
        node.build1("unsqueeze", [node.value(i)], {"axes": [axis]}) for i in range(len(node.inputs))
    ]
    y = vals[0]
    for v in vals[1:]:
        y = node.build1("concat", [y, v], {"axis": axis})
    partial = tuple(_element(t) for t in node.inputs) if rank == 0 else None
    return [Tensor(value=y, partial=partial)]


@converter(
    "Unpack",
    needs=["slice", "squeeze"],
    category=SHAPE,
    fold=lambda node, a: list(np.moveaxis(a[0], int(node.attr("axis", 0)), 0)),
)
def unpack(node: Node) -> Sequence[Output]:
    s = node.spec(0)
    axis = node.axis(int(node.attr("axis", 0)), s.rank)
    n = s.shape[axis]
    if n is None:
        node.fail("unpacking a dynamic axis")
    outs: list[Output] = []
    for k in range(n):
        part = node.build1(
            "slice", [node.value(0)], {"starts": [k], "ends": [k + 1], "axes": [axis], "steps": [1]}
        )
        outs.append(node.build1("squeeze", [part], {"axes": [axis]}))
    return outs


def _fold_pad(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    pads = [(int(b), int(e)) for b, e in a[1].reshape(-1, 2)]
    if node.op == "MirrorPad":
        mode = str(node.attr("mode")).lower()
        return [np.pad(a[0], pads, mode=mode)]  # type: ignore[call-overload]
    value = a[2].reshape(()) if len(a) > 2 else 0
    return [np.pad(a[0], pads, constant_values=value)]


@converter(["Pad", "PadV2", "MirrorPad"], needs=["pad"], category=SHAPE, fold=_fold_pad)
def pad(node: Node) -> Sequence[Output]:
    t = node.tensor(0)
    rank = t.spec().rank
    pairs = np.asarray(node.known(1)).reshape(-1, 2)
    if pairs.shape[0] != rank:
        node.fail(f"paddings have {pairs.shape[0]} rows for a rank-{rank} input")
    order = t.perm if t.perm is not None else tuple(range(rank))
    pads = [int(pairs[a][0]) for a in order] + [int(pairs[a][1]) for a in order]
    attrs: dict[str, Any] = {"pads": pads}
    if node.op == "MirrorPad":
        mode = node.attr("mode")
        if mode != "REFLECT":
            node.fail(f"mode '{mode}' is not supported (REFLECT)")
        attrs["mode"] = "reflect"
    elif node.op == "PadV2":
        attrs["constant_value"] = float(np.asarray(node.known(2)).reshape(()))
    return [Tensor(value=node.build1("pad", [node.value_as(0, t.perm)], attrs), perm=t.perm)]


# ---- slicing and gathering -----------------------------------------------------------------
def _strided_slice_plan(
    node: Node, rank: int
) -> tuple[list[int], list[int], list[int], list[int], list[int | None]]:
    """TF's StridedSlice masks -> (starts, ends, axes, steps) on the input and the result's
    shape recipe: for each result axis, the input axis it keeps, or None for a new axis.
    Shrunk axes are sliced to one element and dropped."""
    begin, end, strides = node.ints(1), node.ints(2), node.ints(3)
    bm, em = int(node.attr("begin_mask", 0)), int(node.attr("end_mask", 0))
    ell, new, shrink = (
        int(node.attr(k, 0)) for k in ("ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
    )
    n = len(begin)
    specs_real = sum(1 for i in range(n) if not (new >> i) & 1 and not (ell >> i) & 1)
    starts, ends, axes, steps = [], [], [], []
    keep: list[int | None] = []
    axis = 0
    for i in range(n):
        if (ell >> i) & 1:
            span = rank - specs_real
            keep.extend(range(axis, axis + span))
            axis += span
            continue
        if (new >> i) & 1:
            keep.append(None)
            continue
        s = strides[i]
        if s == 0:
            node.fail("stride 0")
        if (shrink >> i) & 1:
            b = begin[i]
            starts.append(b)
            ends.append(b + 1 if b != -1 else INT64_MAX)
            axes.append(axis)
            steps.append(1)
            axis += 1
            continue
        lo_end = -INT64_MAX - 1
        starts.append((0 if s > 0 else INT64_MAX) if (bm >> i) & 1 else begin[i])
        ends.append((INT64_MAX if s > 0 else lo_end) if (em >> i) & 1 else end[i])
        axes.append(axis)
        steps.append(s)
        keep.append(axis)
        axis += 1
    keep.extend(range(axis, rank))
    return starts, ends, axes, steps, keep


def _fold_strided_slice(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    x = a[0]
    starts, ends, axes, steps, keep = _strided_slice_plan(node, x.ndim)
    index: list[Any] = [slice(None)] * x.ndim
    for s, e, ax, st in zip(starts, ends, axes, steps, strict=True):
        index[ax] = slice(s, None if abs(e) >= INT64_MAX else e, st)
    y = x[tuple(index)]
    return [y.reshape(_result_shape(y.shape, keep))]


def _result_shape(sliced: Sequence[int | None], keep: Sequence[int | None]) -> list[int]:
    return [1 if k is None else (-1 if sliced[k] is None else int(sliced[k])) for k in keep]  # type: ignore[arg-type]


@converter("StridedSlice", needs=["slice", "reshape"], category=INDEX, fold=_fold_strided_slice)
def strided_slice(node: Node) -> Sequence[Output]:
    s = node.spec(0)
    t = node.tensor(0)
    partial = None
    if t.partial is not None:  # slicing a shape being computed: its known entries stay known
        (sl,) = _fold_strided_slice(node, [np.array(t.partial, dtype=object)])
        entries = list(sl.reshape(-1))
        if all(e is not None for e in entries):
            return [Tensor(array=np.array(entries, dtype=s.dtype).reshape(sl.shape))]
        partial = tuple(entries) if sl.ndim == 1 else None
    starts, ends, axes, steps, keep = _strided_slice_plan(node, s.rank)
    y = node.value(0)
    if axes:
        y = node.build1(
            "slice", [y], {"starts": starts, "ends": ends, "axes": axes, "steps": steps}
        )
    from strata.dialects.opdef import spec_of_type

    sliced = spec_of_type(y.type).shape
    if list(keep) != list(range(s.rank)):
        target = _result_shape(sliced, keep)
        if target.count(-1) > 1:
            node.fail("new / shrunk axes beside more than one dynamic dim")
        y = node.build1("reshape", [y], {"shape": target})
    return [Tensor(value=y, partial=partial)]


def _fold_slice(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    x, begin, sizes = a[0], a[1].reshape(-1), a[2].reshape(-1)
    index = tuple(
        slice(int(b), None if int(n) == -1 else int(b) + int(n))
        for b, n in zip(begin, sizes, strict=True)
    )
    return [x[index]]


@converter("Slice", needs=["slice"], category=INDEX, fold=_fold_slice)
def slice_(node: Node) -> Sequence[Output]:
    begin, sizes = node.ints(1), node.ints(2)
    ends = [INT64_MAX if n == -1 else b + n for b, n in zip(begin, sizes, strict=True)]
    attrs = {
        "starts": begin,
        "ends": ends,
        "axes": list(range(len(begin))),
        "steps": [1] * len(begin),
    }
    return [node.build1("slice", [node.value(0)], attrs)]


def _fold_gather(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    axis = int(a[2].reshape(-1)[0]) if len(a) > 2 else 0
    return [np.take(a[0], a[1].astype(np.int64), axis=axis)]


@converter(["GatherV2", "Gather"], needs=["gather"], category=INDEX, fold=_fold_gather)
def gather(node: Node) -> Sequence[Output]:
    if int(node.attr("batch_dims", 0) or 0) != 0:
        node.fail(f"batch_dims {node.attr('batch_dims')} is not supported (0)")
    rank = node.spec(0).rank
    axis = node.ints(2)[0] if node.op == "GatherV2" else 0
    return [node.build1("gather", [node.value(0), node.value(1)], {"axis": node.axis(axis, rank)})]


def _bounded(dims: Sequence[int], make: Any) -> list[np.ndarray] | None:
    """`[make(dims)]`, or None (do not fold: the op stays) for a result of more than
    FOLD_LIMIT elements, before allocating it."""
    if int(np.prod(dims, dtype=np.int64)) > FOLD_LIMIT:
        return None
    return [make(list(dims))]


# ---- creation ----------------------------------------------------------------------------------
@converter(
    "Fill",
    needs=["expand"],
    category=SHAPE,
    fold=lambda node, a: _bounded(
        [int(d) for d in a[0].reshape(-1)],
        lambda dims: np.full(dims, a[1].reshape(()), dtype=a[1].dtype),
    ),
)
def fill(node: Node) -> Sequence[Output]:
    return [node.build1("expand", [node.value(1)], {"shape": node.ints(0)})]


@converter(
    "BroadcastTo",
    needs=["expand"],
    category=SHAPE,
    fold=lambda node, a: _bounded(
        list(np.broadcast_shapes(a[0].shape, tuple(int(d) for d in a[1].reshape(-1)))),
        lambda dims: np.broadcast_to(a[0], dims).copy(),
    ),
)
def broadcast_to(node: Node) -> Sequence[Output]:
    return [node.build1("expand", [node.value(0)], {"shape": node.ints(1)})]


@converter(
    ["ZerosLike", "OnesLike"],
    needs=["expand"],
    category=SHAPE,
    fold=lambda node, a: [(np.zeros_like if node.op == "ZerosLike" else np.ones_like)(a[0])],
)
def zeros_like(node: Node) -> Sequence[Output]:
    s = node.spec(0)
    if any(d is None for d in s.shape):
        node.fail("needs static dims")
    v = np.full(
        tuple(int(d) for d in s.shape if d is not None),
        0 if node.op == "ZerosLike" else 1,
        dtype=s.dtype,
    )
    return [Tensor(array=v)]


def _fold_range(node: Node, a: list[np.ndarray]) -> list[np.ndarray]:
    start, limit, delta = (v.reshape(()) for v in a)
    dtype = node.dtype_attr("Tidx") if node.has_attr("Tidx") else start.dtype
    return [np.arange(start.item(), limit.item(), delta.item(), dtype=dtype)]


@converter("Range", needs=["range"], category=SHAPE, fold=_fold_range)
def range_(node: Node) -> Sequence[Output]:
    return [node.build1("range", [node.value(0), node.value(1), node.value(2)])]


@converter(
    "Tile",
    needs=["tile"],
    category=SHAPE,
    fold=lambda node, a: _bounded(
        [d * int(m) for d, m in zip(a[0].shape, a[1].reshape(-1), strict=False)],
        lambda _: np.tile(a[0], [int(m) for m in a[1].reshape(-1)]),
    ),
)
def tile(node: Node) -> Sequence[Output]:
    return [node.build1("tile", [node.value(0)], {"repeats": node.ints(1)})]


__all__ = ["DTYPES", "tensor_array"]


def _split_parts(
    node: Node, rank: int, dim: int | None, sizes: list[int] | None
) -> list[tuple[int, int]]:
    if sizes is None:
        n = int(node.attr("num_split"))
        if dim is None or dim % n:
            node.fail(f"axis of size {dim} does not split into {n} equal parts")
        sizes = [dim // n] * n
    if -1 in sizes:
        if dim is None:
            node.fail("a -1 split size needs a static axis")
        sizes[sizes.index(-1)] = dim - (sum(sizes) + 1)  # the -1 itself is in the sum
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    return bounds


def _split(node: Node, data: int, axis: int, sizes: list[int] | None) -> list[Output]:
    s = node.spec(data)
    ax = node.axis(axis, s.rank)
    outs: list[Output] = []
    for b, e in _split_parts(node, s.rank, s.shape[ax], sizes):
        attrs = {"starts": [b], "ends": [e], "axes": [ax], "steps": [1]}
        outs.append(node.build1("slice", [node.value(data)], attrs))
    return outs


@converter("Split", needs=["slice"], category=SHAPE)
def split(node: Node) -> Sequence[Output]:
    return _split(node, 1, node.ints(0)[0], None)  # Split(axis, value)


@converter("SplitV", needs=["slice"], category=SHAPE)
def split_v(node: Node) -> Sequence[Output]:
    return _split(node, 0, node.ints(2)[0], node.ints(1))  # SplitV(value, sizes, axis)


@converter("Cumsum", needs=["cum_sum"], category=SHAPE)
def cumsum(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    (axis,) = node.ints(1)
    attrs = {
        "axis": node.axis(axis, rank),
        "exclusive": int(bool(node.attr("exclusive", False))),
        "reverse": int(bool(node.attr("reverse", False))),
    }
    return [node.build1("cum_sum", [node.value(0)], attrs)]


@converter("OneHot", needs=["one_hot"], category=INDEX)
def one_hot(node: Node) -> Sequence[Output]:
    (depth,) = node.ints(1)
    on, off = node.known(2), node.known(3)
    values = node.constant(np.array([off.reshape(()), on.reshape(())], dtype=on.dtype), "values")
    rank = node.spec(0).rank
    axis = int(node.attr("axis", -1))
    attrs = {"depth": depth, "axis": node.axis(axis, rank + 1)}
    return [node.build1("one_hot", [node.value(0), values], attrs)]
