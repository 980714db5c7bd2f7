"""Converters for shape and data-movement ops: Reshape, Transpose, Flatten, Squeeze, Unsqueeze,
Concat, Split, Slice, Gather, Expand, Pad, ConstantOfShape, Shape, Size, Range.

ONNX inputs that are shape-like config values (shapes, axes, starts/ends, pads, split sizes)
become nn attributes here when they are constants, with the opset differences (attribute
before opset 13 or 18, input after) resolved once; computed at run time, they are operands of
the `nn.dynamic_*` form of the op.

Dependency contract: numpy, `mlir`, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata.frontends.onnx import symbolic
from strata.frontends.onnx.ops.registry import Node, Output, converter


def axes_of(node: Node, input_since: int, default: list[int] | None = None) -> list[int] | None:
    """`axes` as an attribute before opset `input_since`, as optional input 1 from then on."""
    if node.opset < input_since:
        value = node.attr("axes")
        return default if value is None else [int(a) for a in value]
    if not node.has(1):
        return default
    return node.const_ints(1, "axes")


def _norm(axis: int, rank: int, node: Node, what: str = "axis") -> int:
    if not -rank <= axis < rank:
        node.fail(f"{what} {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def static_reshape_target(node: Node) -> list[int] | None:
    """Reshape's target as nn.reshape's attribute, when shape tracking makes it static: a
    run-time dim known to equal the reshaped tensor's own dim at that position (its own, or
    one `DimClasses` has joined with it) is ONNX's 0 (copy), and a single unknown entry
    becomes -1 (inferred)."""
    tracked = node.tracked(1)
    if tracked is None or len(tracked[0]) != 1:
        return None
    allowzero = bool(node.attr("allowzero", 0))
    out: list[int | None] = []
    for i, e in enumerate(tracked[1]):
        if isinstance(e, int):
            out.append(e)
        elif (
            isinstance(e, symbolic.DimOf)
            and not allowzero
            and i < node.spec(0).rank
            and node.same_dim(e, 0, i)
        ):
            out.append(0)
        else:
            out.append(None)
    unknown = [i for i, e in enumerate(out) if e is None]
    if len(unknown) == 1 and -1 not in out and not (allowzero and 0 in out):
        out[unknown[0]] = -1
    if any(e is None for e in out):
        return None
    return [int(e) for e in out]  # type: ignore[arg-type]


@converter("Reshape", since=5, needs=["reshape", "dynamic_reshape"])
def reshape(node: Node) -> Sequence[Output]:
    """Static nn.reshape when the target is known at import time, else nn.dynamic_reshape."""
    allowzero = node.attr("allowzero", 0)
    shape = static_reshape_target(node)
    if shape is not None:
        attrs = {"shape": shape, "allowzero": allowzero}
        return [node.build1("reshape", [node.value(0)], attrs)]
    return [
        node.build1("dynamic_reshape", [node.value(0), node.value(1)], {"allowzero": allowzero})
    ]


@converter("Transpose", needs=["transpose"])
def transpose(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    perm = list(node.attr("perm", list(reversed(range(rank)))))
    return [node.build1("transpose", [node.value(0)], {"perm": perm})]


@converter("Flatten", needs=["flatten"])
def flatten(node: Node) -> Sequence[Output]:
    return [node.build1("flatten", [node.value(0)], {"axis": node.attr("axis", 1)})]


def _show(shape: Sequence[int | None]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in shape) + "]"


def _run_time_axes(node: Node) -> bool:
    """Whether `axes` is a non-empty input (opset 13+) whose value is computed at run time."""
    return (
        node.opset >= 13
        and node.has(1)
        and node.maybe_const(1) is None
        and node.spec(1).shape != (0,)
    )


@converter("Squeeze", needs=["squeeze", "dynamic_squeeze"])
def squeeze(node: Node) -> Sequence[Output]:
    """Axes: attribute before opset 13, input after; absent means every size-1 axis. Axes
    computed at run time give nn.dynamic_squeeze."""
    if _run_time_axes(node):
        return [node.build1("dynamic_squeeze", [node.value(0), node.value(1)])]
    shape = node.spec(0).shape
    empty = node.opset >= 13 and node.has(1) and node.spec(1).shape == (0,)
    axes = None if empty else axes_of(node, 13)
    if not axes:
        if any(d is None for d in shape):
            node.fail(
                f"without 'axes' every size-1 axis goes, but input {_show(shape)} has dynamic "
                "dims, so the result's rank is known only at run time; give 'axes' or pin "
                "the shapes"
            )
        axes = [i for i, d in enumerate(shape) if d == 1]
    if not axes:
        return [node.value(0)]
    return [node.build1("squeeze", [node.value(0)], {"axes": axes})]


@converter("Unsqueeze", needs=["unsqueeze", "dynamic_unsqueeze"])
def unsqueeze(node: Node) -> Sequence[Output]:
    """Axes: attribute before opset 13, required input after (nn.dynamic_unsqueeze when it
    is computed at run time)."""
    if _run_time_axes(node):
        return [node.build1("dynamic_unsqueeze", [node.value(0), node.value(1)])]
    axes = axes_of(node, 13)
    if not axes:
        node.fail("needs 'axes'")
    return [node.build1("unsqueeze", [node.value(0)], {"axes": axes})]


@converter("Concat", since=4, needs=["concat"])
def concat(node: Node) -> Sequence[Output]:
    """n-ary Concat as a chain of binary nn.concat; empty pieces are dropped."""
    if not node.has_attr("axis"):
        node.fail("attribute 'axis' is required")
    return concat_along(node, _norm(int(node.attr("axis")), node.spec(0).rank, node))


def concat_along(node: Node, axis: int) -> Sequence[Output]:
    """The node's inputs joined along `axis` (non-negative) by a chain of binary
    nn.concat, empty pieces dropped (shared with the Concat-1 converter)."""
    pieces = [
        node.value(i)
        for i in range(node.num_inputs)
        if node.has(i) and node.spec(i).shape[axis] != 0
    ]
    if not pieces:
        return [node.value(0)]
    acc = pieces[0]
    for v in pieces[1:]:
        acc = node.build1("concat", [acc, v], {"axis": axis})
    return [acc]


def _split_sizes(node: Node, dim: int) -> list[int]:
    n_out = len(node.proto.output)
    if node.opset < 13:
        given = node.attr("split")
        sizes = None if given is None else [int(s) for s in given]
    else:
        sizes = node.const_ints(1, "split") if node.has(1) else None
    if sizes is not None:
        return sizes
    if node.opset >= 18 and node.has_attr("num_outputs"):
        n = int(node.attr("num_outputs"))
        chunk = -(-dim // n)
        return [min(chunk, dim - i * chunk) for i in range(n)]
    if dim % n_out:
        node.fail(f"axis size {dim} does not split evenly into {n_out} outputs")
    return [dim // n_out] * n_out


@converter("Split", since=2, needs=["split", "slice", "dynamic_split"])
def split(node: Node) -> Sequence[Output]:
    """Equal pieces -> nn.split; uneven pieces -> one nn.slice each; sizes computed at run
    time -> nn.dynamic_split."""
    rank = node.spec(0).rank
    axis = _norm(int(node.attr("axis", 0)), rank, node)
    if node.opset >= 13 and node.has(1) and node.maybe_const(1) is None:
        n_out = len(node.proto.output)
        if node.spec(1).shape != (n_out,):
            node.fail(f"'split' must have one entry per output ({n_out}), got {node.spec(1).shape}")
        return node.build("dynamic_split", [node.value(0), node.value(1)], {"axis": axis})
    dim = node.spec(0).shape[axis]
    if dim is None:
        dim = node.static_shape(0, f"Split along axis {axis}")[axis]
    sizes = _split_sizes(node, dim)
    if sum(sizes) != dim or any(s < 0 for s in sizes):
        node.fail(f"split sizes {sizes} do not add up to axis {axis} of size {dim}")
    x = node.value(0)
    if len(set(sizes)) == 1:
        return node.build("split", [x], {"axis": axis, "split": sizes})
    outs: list[Output] = []
    start = 0
    for s in sizes:
        attrs = {"starts": [start], "ends": [start + s], "axes": [axis], "steps": [1]}
        outs.append(node.build1("slice", [x], attrs))
        start += s
    return outs


@converter("Slice", since=10, needs=["slice", "dynamic_slice"])
def slice_(node: Node) -> Sequence[Output]:
    """Slice-10+: starts, ends, axes, steps inputs; axes/steps filled in. Constant bounds give
    nn.slice, computed ones nn.dynamic_slice."""
    n = node.spec(1).shape[0] if node.spec(1).rank == 1 else None
    if n is None:
        node.fail("'starts' must be a 1-d tensor of static length")
    if all(node.maybe_const(i) is not None for i in range(1, 5) if node.has(i)):
        starts = node.const_ints(1, "starts")
        ends = node.const_ints(2, "ends")
        axes = node.const_ints(3, "axes") if node.has(3) else list(range(len(starts)))
        steps = node.const_ints(4, "steps") if node.has(4) else [1] * len(starts)
        rank = node.spec(0).rank
        axes = [_norm(a, rank, node, "axes entry") for a in axes]
        attrs = {"starts": starts, "ends": ends, "axes": axes, "steps": steps}
        return [node.build1("slice", [node.value(0)], attrs)]
    axes_v = node.value(3) if node.has(3) else node.constant(np.arange(n, dtype=np.int64), "axes")
    steps_v = node.value(4) if node.has(4) else node.constant(np.ones(n, np.int64), "steps")
    operands = [node.value(0), node.value(1), node.value(2), axes_v, steps_v]
    return [node.build1("dynamic_slice", operands)]


@converter("Slice", since=1, needs=["slice"])
def slice_v1(node: Node) -> Sequence[Output]:
    """Slice-1: starts, ends and axes are attributes."""
    starts = [int(v) for v in node.attr("starts", [])]
    ends = [int(v) for v in node.attr("ends", [])]
    rank = node.spec(0).rank
    axes = [int(v) for v in node.attr("axes", list(range(len(starts))))]
    axes = [_norm(a, rank, node, "axes entry") for a in axes]
    attrs = {"starts": starts, "ends": ends, "axes": axes, "steps": [1] * len(starts)}
    return [node.build1("slice", [node.value(0)], attrs)]


@converter("Gather", needs=["gather"])
def gather(node: Node) -> Sequence[Output]:
    """Constant indices are normalised to be non-negative."""
    shape = node.spec(0).shape
    axis = _norm(int(node.attr("axis", 0)), len(shape), node)
    idx = node.maybe_const(1)
    indices: ir.Value
    dim = shape[axis]
    if idx is not None and dim is not None:
        if np.any((idx < -dim) | (idx >= dim)):
            node.fail(f"indices {idx.reshape(-1).tolist()[:8]} out of range for axis size {dim}")
        indices = node.constant(np.where(idx < 0, idx + dim, idx).astype(idx.dtype), "indices")
    else:
        indices = node.value(1)
    return [node.build1("gather", [node.value(0), indices], {"axis": axis})]


@converter("Expand", needs=["expand", "dynamic_expand"])
def expand(node: Node) -> Sequence[Output]:
    """nn.expand when the target is known at import time (a run-time dim known to equal the
    input's own aligned dim is 1: keep it), else nn.dynamic_expand."""
    tracked = node.tracked(1)
    if tracked is not None and len(tracked[0]) == 1:
        n, rank = len(tracked[1]), node.spec(0).rank
        shape: list[int] = []
        for i, e in enumerate(tracked[1]):
            j = i - (n - rank)
            if isinstance(e, int):
                shape.append(e)
            elif isinstance(e, symbolic.DimOf) and j >= 0 and node.same_dim(e, 0, j):
                shape.append(1)
            else:
                break
        else:
            return [node.build1("expand", [node.value(0)], {"shape": shape})]
    return [node.build1("dynamic_expand", [node.value(0), node.value(1)])]


@converter("Pad", since=11, needs=["pad", "dynamic_pad"])
def pad(node: Node) -> Sequence[Output]:
    """Pad-11+: pads (and, from 18, axes) inputs; constant_value is an optional scalar input.
    Constant inputs give nn.pad; any computed at run time, nn.dynamic_pad."""
    axes_input = node.opset >= 18 and node.has(3)
    config = [1, 2, 3] if axes_input else [1, 2]
    if any(node.has(i) and node.maybe_const(i) is None for i in config):
        operands = [
            node.value(0),
            node.value(1),
            node.opt_value(2),
            node.value(3) if axes_input else None,
        ]
        return [node.build1("dynamic_pad", operands, {"mode": node.attr("mode", "constant")})]
    rank = node.spec(0).rank
    given = node.const_ints(1, "pads")
    value = 0.0
    if node.has(2):
        value = float(np.asarray(node.const(2, "constant_value")).reshape(-1)[0])
    axes = list(range(rank))
    if node.opset >= 18 and node.has(3):
        axes = [_norm(a, rank, node, "axes entry") for a in node.const_ints(3, "axes")]
    if len(given) != 2 * len(axes):
        node.fail(f"pads {given} needs {2 * len(axes)} entries for axes {axes}")
    pads = [0] * (2 * rank)
    for k, a in enumerate(axes):
        pads[a], pads[a + rank] = given[k], given[k + len(axes)]
    attrs = {"pads": pads, "mode": node.attr("mode", "constant"), "constant_value": value}
    return [node.build1("pad", [node.value(0)], attrs)]


@converter("ConstantOfShape", needs=["constant_of_shape", "dynamic_constant_of_shape"])
def constant_of_shape(node: Node) -> Sequence[Output]:
    """Reached when the result is too large to fold, or its shape is computed at run time."""
    value = node.attr("value")
    if value is None:
        value = np.zeros([1], dtype=np.float32)
    if node.maybe_const(0) is not None:
        shape = node.const_ints(0, "shape")
        return [node.build1("constant_of_shape", [], {"shape": shape, "value": value})]
    return [node.build1("dynamic_constant_of_shape", [node.value(0)], {"value": value})]


@converter("Shape", needs=["shape"])
def shape_(node: Node) -> Sequence[Output]:
    """Reached when some dim is dynamic (static shapes fold at import)."""
    attrs = {"start": node.attr("start", 0), "end": node.attr("end", 2**63 - 1)}
    return [node.build1("shape", [node.value(0)], attrs)]


@converter("Size", needs=["size"])
def size_(node: Node) -> Sequence[Output]:
    return [node.build1("size", [node.value(0)])]


@converter("Range", needs=["range", "reshape"])
def range_(node: Node) -> Sequence[Output]:
    """start, limit and delta are scalars; a one-element tensor is taken as its scalar (as
    ONNX Runtime and the reference evaluator take it)."""
    args = []
    for i, what in enumerate(("start", "limit", "delta")):
        spec = node.spec(i)
        if spec.rank == 0:
            args.append(node.value(i))
        elif all(d == 1 for d in spec.shape):
            args.append(node.build1("reshape", [node.value(i)], {"shape": []}))
        else:
            node.fail(f"'{what}' must be a scalar (or hold one element), got {list(spec.shape)}")
    return [node.build1("range", args)]
