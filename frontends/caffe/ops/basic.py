"""Converters of Caffe's weightless layers: activations, Eltwise, Concat, Slice, Split,
Flatten, Reshape, Softmax and Dropout.

Dependency contract: numpy, the converter registry.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from mlir import ir

from strata.frontends.caffe.ops.registry import Node, converter

ACT = "activations"
ELTWISE = "elementwise"
SHAPE = "shape"
_INT64_MAX = 2**63 - 1


@converter("ReLU", needs=["relu", "leaky_relu"], category=ACT)
def relu(node: Node) -> Sequence[ir.Value]:
    slope = float(node.layer.relu_param.negative_slope)
    if slope == 0.0:
        return [node.build1("relu", [node.value(0)])]
    return [node.build1("leaky_relu", [node.value(0)], {"alpha": slope})]


@converter("Sigmoid", needs=["sigmoid"], category=ACT)
def sigmoid(node: Node) -> Sequence[ir.Value]:
    return [node.build1("sigmoid", [node.value(0)])]


@converter("TanH", needs=["tanh"], category=ACT)
def tanh(node: Node) -> Sequence[ir.Value]:
    return [node.build1("tanh", [node.value(0)])]


@converter("Softmax", needs=["softmax"], category=ACT)
def softmax(node: Node) -> Sequence[ir.Value]:
    rank = node.spec(0).rank
    axis = node.axis(int(node.layer.softmax_param.axis), rank)
    return [node.build1("softmax", [node.value(0)], {"axis": axis})]


@converter("Dropout", needs=[], category=ACT)
def dropout(node: Node) -> Sequence[ir.Value]:
    """The identity at inference (Caffe scales by 1 / (1 - ratio) while training)."""
    return [node.value(0)]


@converter("Eltwise", needs=["add", "mul", "max"], category=ELTWISE)
def eltwise(node: Node) -> Sequence[ir.Value]:
    """SUM (each bottom times its coeff, when given), PROD or MAX of same-shape bottoms."""
    p = node.layer.eltwise_param
    n = len(node.inputs)
    if n < 2:
        node.fail(f"has {n} bottom; Eltwise needs at least 2")
    shape = node.dims(0)
    for i in range(1, n):
        if node.spec(i).rank != len(shape) or any(
            a is not None and b is not None and a != b
            for a, b in zip(node.dims(i), shape, strict=True)
        ):
            node.fail(f"bottom {i} {list(node.dims(i))} differs from bottom 0 {list(shape)}")
    op = {0: "mul", 1: "add", 2: "max"}[int(p.operation)]
    coeffs = [float(c) for c in p.coeff]
    if coeffs and (op != "add" or len(coeffs) != n):
        node.fail(f"coeff needs operation SUM and one value per bottom ({n}), got {len(coeffs)}")
    values = list(node.inputs)
    if coeffs:
        values = [
            v if c == 1.0 else node.build1("mul", [v, node.scalar(c, f"coeff{i}")])
            for i, (v, c) in enumerate(zip(values, coeffs, strict=True))
        ]
    y = values[0]
    for v in values[1:]:
        y = node.build1(op, [y, v])
    return [y]


@converter("Concat", needs=["concat"], category=SHAPE)
def concat(node: Node) -> Sequence[ir.Value]:
    p = node.layer.concat_param
    rank = node.spec(0).rank
    axis = int(p.concat_dim) if p.HasField("concat_dim") else int(p.axis)
    axis = node.axis(axis, rank)
    y = node.value(0)
    for v in node.inputs[1:]:
        y = node.build1("concat", [y, v], {"axis": axis})
    return [y]


@converter("Slice", needs=["slice"], category=SHAPE)
def slice_layer(node: Node) -> Sequence[ir.Value]:
    """Tops are consecutive pieces along `axis`: cut at `slice_point`s, else equal parts."""
    p = node.layer.slice_param
    dims = node.dims(0)
    axis = node.axis(int(p.slice_dim) if p.HasField("slice_dim") else int(p.axis), len(dims))
    tops = len(node.layer.top)
    size = dims[axis]
    points = [int(v) for v in p.slice_point]
    if points:
        if len(points) != tops - 1:
            node.fail(f"{len(points)} slice_points for {tops} tops (needs {tops - 1})")
        if points != sorted(points) or points[0] <= 0 or (size is not None and points[-1] >= size):
            node.fail(f"slice_point {points} must increase strictly inside (0, {size})")
    else:
        if size is None or size % tops:
            node.fail(f"axis {axis} of size {size} does not split into {tops} equal parts")
        points = [size // tops * k for k in range(1, tops)]
    bounds = [0, *points, _INT64_MAX]
    return [
        node.build1(
            "slice",
            [node.value(0)],
            {"starts": [lo], "ends": [hi], "axes": [axis], "steps": [1]},
        )
        for lo, hi in itertools.pairwise(bounds)
    ]


@converter("Split", needs=[], category=SHAPE)
def split(node: Node) -> Sequence[ir.Value]:
    """Every top is the bottom (Caffe's copy for several readers)."""
    return [node.value(0)] * len(node.layer.top)


def _reshaped(node: Node, out: Sequence[int | None], infer: int | None) -> ir.Value:
    """Bottom 0 reshaped to `out`: position `infer` is inferred (-1); any other None is a
    dim only known at run time, copied from the same position of the input (0)."""
    dims = node.dims(0)
    shape = []
    for j, d in enumerate(out):
        if d is not None:
            shape.append(d)
        elif j == infer:
            shape.append(-1)
        elif j < len(dims) and dims[j] is None:
            shape.append(0)
        else:
            node.fail(f"the result {_shown(out)} has a dim that cannot be told at import time")
    return node.build1("reshape", [node.value(0)], {"shape": shape, "allowzero": 0})


def _shown(dims: Sequence[int | None]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in dims) + "]"


@converter("Flatten", needs=["reshape"], category=SHAPE)
def flatten(node: Node) -> Sequence[ir.Value]:
    """Axes [axis, end_axis] merged into one."""
    p = node.layer.flatten_param
    dims = node.dims(0)
    a = node.axis(int(p.axis), len(dims))
    e = node.axis(int(p.end_axis), len(dims), "end_axis")
    if e < a:
        node.fail(f"end_axis {p.end_axis} comes before axis {p.axis}")
    merged = dims[a : e + 1]
    known = None if any(d is None for d in merged) else _product(merged)
    return [_reshaped(node, [*dims[:a], known, *dims[e + 1 :]], a if known is None else None)]


def _product(dims: Sequence[int | None]) -> int:
    n = 1
    for d in dims:
        assert d is not None
        n *= d
    return n


@converter("Reshape", needs=["reshape"], category=SHAPE)
def reshape(node: Node) -> Sequence[ir.Value]:
    """Axes [axis, axis + num_axes) replaced by `shape` (0: copy that input dim, -1: infer)."""
    p = node.layer.reshape_param
    dims = node.dims(0)
    rank = len(dims)
    axis = int(p.axis)
    if not -rank - 1 <= axis <= rank:
        node.fail(f"axis {axis} is out of range for a rank-{rank} bottom")
    axis = axis + rank + 1 if axis < 0 else axis
    n = int(p.num_axes)
    end = rank if n == -1 else axis + n
    if n < -1 or end > rank:
        node.fail(f"num_axes {n} from axis {axis} exceeds rank {rank}")
    spec = [int(d) for d in p.shape.dim]
    if spec.count(-1) > 1:
        node.fail(f"shape {spec} has more than one -1")
    middle: list[int | None] = []
    for i, d in enumerate(spec):
        if d == 0:
            if axis + i >= rank:
                node.fail(f"shape {spec}: dim {i} copies input axis {axis + i}, past rank {rank}")
            middle.append(dims[axis + i])
        elif d == -1:
            middle.append(None)
        elif d < 0:
            node.fail(f"shape {spec}: dim {d} is neither positive, 0 nor -1")
        else:
            middle.append(d)
    out = [*dims[:axis], *middle, *dims[end:]]
    infer = axis + spec.index(-1) if -1 in spec else None
    others = [d for j, d in enumerate(out) if j != infer]
    if (
        infer is not None
        and all(d is not None for d in dims)
        and all(d is not None for d in others)
    ):
        total, rest = _product(dims), _product(others)
        if rest == 0 or total % rest:
            node.fail(f"shape {spec} does not divide the bottom's {total} elements")
        out[infer] = total // rest
    return [_reshaped(node, out, infer)]
