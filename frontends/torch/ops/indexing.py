"""Converters for indexing ATen ops: index_select, gather, argmax / argmin, max / min along a
dim (values and indices), constant padding.

Dependency contract: numpy, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.frontends.torch.ops.elementwise import cast_to
from strata.frontends.torch.ops.registry import Node, Output, converter

INDEXING = "indexing"
I64 = np.dtype(np.int64)


def _axis(node: Node, axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        node.fail(f"dim {axis} is out of range for rank {rank}")
    return axis % rank if rank else 0


@converter("aten.index_select.default", needs=["gather", "cast"], category=INDEXING)
def index_select(node: Node) -> Sequence[Output]:
    axis = _axis(node, node.int_arg(1), node.spec(0).rank)
    idx = cast_to(node, node.value(2), I64)
    return [node.build1("gather", [node.value(0), idx], {"axis": axis})]


@converter("aten.gather.default", needs=["gather_elements", "cast"], category=INDEXING)
def gather(node: Node) -> Sequence[Output]:
    axis = _axis(node, node.int_arg(1), node.spec(0).rank)
    idx = cast_to(node, node.value(2), I64)
    return [node.build1("gather_elements", [node.value(0), idx], {"axis": axis})]


@converter(
    ["aten.argmax.default", "aten.argmin.default"],
    needs=["arg_max", "arg_min", "reshape"],
    category=INDEXING,
)
def argmax(node: Node) -> Sequence[Output]:
    op = "arg_max" if node.op == "aten.argmax.default" else "arg_min"
    x = node.value(0)
    keep = int(bool(node.arg(2, False)))
    if node.arg(1) is None:  # over the flattened tensor
        x = node.build1("reshape", [x], {"shape": [-1]})
        y = node.build1(op, [x], {"axis": 0, "keepdims": 0})
        if keep:
            y = node.build1("reshape", [y], {"shape": [1] * node.spec(0).rank})
        return [y]
    axis = _axis(node, node.int_arg(1), node.spec(0).rank)
    return [node.build1(op, [x], {"axis": axis, "keepdims": keep})]


@converter(
    ["aten.max.dim", "aten.min.dim"],
    needs=["reduce_max", "reduce_min", "arg_max", "arg_min"],
    category=INDEXING,
)
def max_dim(node: Node) -> Sequence[Output]:
    largest = node.op == "aten.max.dim"
    x = node.value(0)
    axis = _axis(node, node.int_arg(1), node.spec(0).rank)
    keep = int(bool(node.arg(2, False)))
    values = node.build1(
        "reduce_max" if largest else "reduce_min", [x], {"axes": [axis], "keepdims": keep}
    )
    index = node.build1("arg_max" if largest else "arg_min", [x], {"axis": axis, "keepdims": keep})
    return [values, index]


@converter("aten.constant_pad_nd.default", needs=["pad"], category=INDEXING)
def constant_pad(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    pad = node.ints(1)
    if len(pad) % 2 or len(pad) // 2 > rank:
        node.fail(f"pad {pad} needs pairs (begin, end) for at most {rank} axes")
    begins, ends = [0] * rank, [0] * rank
    for k in range(len(pad) // 2):  # pairs from the last axis backwards
        begins[rank - 1 - k], ends[rank - 1 - k] = pad[2 * k], pad[2 * k + 1]
    value = node.float_arg(2, 0.0)
    attrs = {"pads": begins + ends, "mode": "constant", "constant_value": value}
    return [node.build1("pad", [node.value(0)], attrs)]


@converter(
    "aten.index.Tensor",
    needs=["gather", "gather_nd", "expand", "unsqueeze", "concat", "cast"],
    category=INDEXING,
)
def index(node: Node) -> Sequence[Output]:
    """Advanced indexing: one index tensor (at any dim: a gather), or index tensors for the
    leading dims (broadcast together: a gather_nd)."""
    indices = node.arg(1)
    if not isinstance(indices, (list, tuple)):
        node.fail(f"indices {indices!r} are not a list")
    given = [k for k, t in enumerate(indices) if t is not None]
    metas = [indices[k].meta.get("val") for k in given]
    if any(m is None or m.dtype.is_floating_point or str(m.dtype) == "torch.bool" for m in metas):
        node.fail("boolean (mask) or non-integer indices are not supported")
    x = node.value(0)
    values = [cast_to(node, node.value_of(indices[k]), I64) for k in given]
    if len(given) == 1:
        return [node.build1("gather", [x, values[0]], {"axis": given[0]})]
    if given != list(range(len(given))):
        node.fail(f"index tensors at dims {given}: only the leading dims together are supported")
    lead = node.out_dims()[: len(node.out_dims()) - (node.spec(0).rank - len(given))]
    if any(d is None for d in lead):
        node.fail(f"index tensors broadcast to symbolic sizes {list(lead)}")
    shape = [int(d) for d in lead if d is not None]
    stacked = None
    for v in values:
        item = node.build1(
            "unsqueeze", [node.build1("expand", [v], {"shape": shape})], {"axes": [len(shape)]}
        )
        stacked = (
            item
            if stacked is None
            else node.build1("concat", [stacked, item], {"axis": len(shape)})
        )
    return [node.build1("gather_nd", [x, stacked])]
