"""Converters for tensor sequences and optional values whose structure is known at import time:
SequenceEmpty, SequenceConstruct, SequenceInsert, SequenceErase, SequenceAt, SequenceLength,
SplitToSequence, ConcatFromSequence; Optional, OptionalHasElement, OptionalGetElement.

A sequence is an import-time list of tensors (`SequenceValue`): its length and the positions
used on it must be compile-time constants, and each item is an ordinary `nn` value, so no
sequence reaches the generated code. An optional value is such a list of none or one item.
Positions computed at run time are refused with the node named. Sequences and optionals as
graph inputs and outputs are flattened at the graph boundary (`structured.py`); SequenceMap
and Loops over sequences are unrolled (`sequence_control.py`).

Dependency contract: numpy, `mlir`, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata.frontends.onnx.emitter import Tensor
from strata.frontends.onnx.ops.registry import Node, Output, SequenceValue, converter


def _position(node: Node, i: int, n: int, *, insert: bool) -> int:
    """Constant position input `i` in [-n, n] (insert) or [-n, n-1], made non-negative."""
    pos = int(np.asarray(node.const(i, "position")).reshape(-1)[0])
    hi = n if insert else n - 1
    if not -n <= pos <= hi:
        node.fail(f"position {pos} is out of range [{-n}, {hi}] for a sequence of {n} tensors")
    return pos + n if pos < 0 else pos


def _output(t: Tensor) -> Output:
    """A sequence item as a converter result (constants stay constants)."""
    if t.items is not None:
        return SequenceValue(list(t.items), t.optional)
    if t.const is not None:
        return t.const
    assert t.value is not None
    return t.value


@converter("SequenceEmpty")
def sequence_empty(node: Node) -> Sequence[Output]:
    return [SequenceValue([])]


@converter("SequenceConstruct")
def sequence_construct(node: Node) -> Sequence[Output]:
    return [SequenceValue([node.tensor(i) for i in range(node.num_inputs)])]


@converter("SequenceInsert")
def sequence_insert(node: Node) -> Sequence[Output]:
    items = node.sequence(0)
    tensor = node.tensor(1)
    pos = _position(node, 2, len(items), insert=True) if node.has(2) else len(items)
    return [SequenceValue([*items[:pos], tensor, *items[pos:]])]


@converter("SequenceErase")
def sequence_erase(node: Node) -> Sequence[Output]:
    items = node.sequence(0)
    if not items:
        node.fail("cannot erase from an empty sequence")
    pos = _position(node, 1, len(items), insert=False) if node.has(1) else len(items) - 1
    return [SequenceValue(items[:pos] + items[pos + 1 :])]


@converter("SequenceAt")
def sequence_at(node: Node) -> Sequence[Output]:
    items = node.sequence(0)
    if not items:
        node.fail("cannot take an element of an empty sequence")
    return [_output(items[_position(node, 1, len(items), insert=False)])]


@converter("SequenceLength")
def sequence_length(node: Node) -> Sequence[Output]:
    return [np.array(len(node.sequence(0)), dtype=np.int64)]


def _run_time_bounds(node: Node, n: int) -> list[tuple[ir.Value, ir.Value]]:
    """(start, end) 1-element vectors of each piece for split sizes computed at run time."""
    sizes = node.value(1)
    if node.spec(1).dtype != np.int64:
        sizes = node.build1("cast", [sizes], {"to": np.dtype(np.int64)})
    start: ir.Value = node.constant(np.zeros(1, np.int64), "start0")
    bounds = []
    for k in range(n):
        attrs = {"starts": [k], "ends": [k + 1], "axes": [0], "steps": [1]}
        end = node.build1("add", [start, node.build1("slice", [sizes], attrs)])
        bounds.append((start, end))
        start = end
    return bounds


@converter("SplitToSequence", needs=["slice", "squeeze", "dynamic_slice", "add", "cast"])
def split_to_sequence(node: Node) -> Sequence[Output]:
    """Pieces along `axis`: of size 1 (no `split`; `keepdims=0` drops the axis), of a scalar
    `split`'s size (the last one smaller), or of a 1-d `split`'s sizes (which may be computed
    at run time when its length is static)."""
    rank = node.spec(0).rank
    axis = int(node.attr("axis", 0))
    if not -rank <= axis < rank:
        node.fail(f"axis {axis} is out of range for rank {rank}")
    axis = axis + rank if axis < 0 else axis
    x = node.value(0)
    if node.has(1) and node.maybe_const(1) is None:
        if node.spec(1).rank != 1 or node.spec(1).shape[0] is None:
            node.fail(
                "a 'split' computed at run time must be a 1-d tensor of static length: "
                "otherwise the number of pieces (the sequence's length) is known only at run "
                "time, and Strata's sequences have an import-time length"
            )
        n = int(node.spec(1).shape[0])  # type: ignore[arg-type]
        axes = node.constant(np.array([axis], np.int64), "axes")
        steps = node.constant(np.ones(1, np.int64), "steps")
        pieces = [
            node.build1("dynamic_slice", [x, s, e, axes, steps])
            for s, e in _run_time_bounds(node, n)
        ]
        return [SequenceValue([node.item(p, k) for k, p in enumerate(pieces)])]
    dim = node.spec(0).shape[axis]
    if dim is None:
        dim = node.static_shape(0, f"SplitToSequence along axis {axis}")[axis]
    squeeze = False
    if not node.has(1):
        sizes, squeeze = [1] * dim, not node.attr("keepdims", 1)
    else:
        given = np.asarray(node.const(1, "split"))
        if given.ndim == 0:
            chunk = int(given)
            if chunk <= 0:
                node.fail(f"split {chunk} must be positive")
            sizes = [min(chunk, dim - start) for start in range(0, dim, chunk)]
        else:
            sizes = [int(s) for s in given.reshape(-1)]
            if sum(sizes) != dim or any(s < 0 for s in sizes):
                node.fail(f"split sizes {sizes} do not add up to axis {axis} of size {dim}")
    items = []
    start = 0
    for k, s in enumerate(sizes):
        attrs = {"starts": [start], "ends": [start + s], "axes": [axis], "steps": [1]}
        piece = node.build1("slice", [x], attrs)
        if squeeze:
            piece = node.build1("squeeze", [piece], {"axes": [axis]})
        items.append(node.item(piece, k))
        start += s
    return [SequenceValue(items)]


@converter("ConcatFromSequence", needs=["concat", "unsqueeze"])
def concat_from_sequence(node: Node) -> Sequence[Output]:
    """Concatenate the items along `axis`; `new_axis=1` stacks them (numpy.stack)."""
    items = node.sequence(0)
    if not items:
        node.fail("cannot concatenate an empty sequence")
    new_axis = int(node.attr("new_axis", 0))
    if not node.has_attr("axis"):
        node.fail("attribute 'axis' is required")
    rank = items[0].spec.rank + (1 if new_axis else 0)
    axis = int(node.attr("axis"))
    if not -rank <= axis < rank:
        node.fail(f"axis {axis} is out of range [{-rank}, {rank - 1}]")
    axis = axis + rank if axis < 0 else axis
    values = [node.value_of(t) for t in items]
    if new_axis:
        values = [node.build1("unsqueeze", [v], {"axes": [axis]}) for v in values]
    acc = values[0]
    for v in values[1:]:
        acc = node.build1("concat", [acc, v], {"axis": axis})
    return [acc]


# ---- optional values --------------------------------------------------------------------------


@converter("Optional")
def optional(node: Node) -> Sequence[Output]:
    """An optional holding input 0 (a tensor or sequence), or empty without one."""
    return [SequenceValue([node.input_tensor(0)] if node.has(0) else [], optional=True)]


@converter("OptionalHasElement")
def optional_has_element(node: Node) -> Sequence[Output]:
    """False for an empty optional or no input; true for a full one, a tensor or a sequence."""
    if not node.has(0):
        return [np.array(False)]
    t = node.input_tensor(0)
    return [np.array(not t.optional or bool(t.items))]


@converter("OptionalGetElement")
def optional_get_element(node: Node) -> Sequence[Output]:
    """An optional's item; a tensor or sequence (opset 18) is returned as it is."""
    t = node.input_tensor(0)
    if not t.optional:
        return [_output(t)]
    if not t.items:
        node.fail(f"optional '{node.input_name(0)}' is empty")
    return [_output(t.items[0])]
