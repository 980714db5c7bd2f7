"""Converters for indexing and rearranging ATen ops: index_select, gather, advanced indexing,
argmax / argmin, max / min along a dim (values and indices), topk, cumsum, flip, repeat and
padding (constant, reflection, replication).

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


@converter("aten.flip.default", needs=["slice", "identity"], category=INDEXING)
def flip(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    axes = sorted({_axis(node, a, rank) for a in node.ints(1)})
    if not axes:
        return [node.build1("identity", [node.value(0)])]
    attrs = {
        "starts": [-1] * len(axes),
        "ends": [-(2**63)] * len(axes),  # clamped to "before the first element"
        "axes": axes,
        "steps": [-1] * len(axes),
    }
    return [node.build1("slice", [node.value(0)], attrs)]


@converter("aten.cumsum.default", needs=["cum_sum", "cast"], category=INDEXING)
def cumsum(node: Node) -> Sequence[Output]:
    axis = _axis(node, node.int_arg(1), node.spec(0).rank)
    x = cast_to(node, node.value(0), node.out_dtype())
    return [node.build1("cum_sum", [x], {"axis": axis})]


@converter("aten.topk.default", needs=["top_k"], category=INDEXING)
def topk(node: Node) -> Sequence[Output]:
    axis = _axis(node, node.int_arg(2, -1), node.spec(0).rank)
    attrs = {
        "k": node.int_arg(1),
        "axis": axis,
        "largest": int(bool(node.arg(3, True))),
        "sorted": int(bool(node.arg(4, True))),
    }
    return node.build("top_k", [node.value(0)], attrs)


@converter("aten.repeat.default", needs=["tile", "unsqueeze"], category=INDEXING)
def repeat(node: Node) -> Sequence[Output]:
    repeats = node.ints(1)
    x = node.value(0)
    rank = node.spec(0).rank
    if len(repeats) < rank:
        node.fail(f"repeats {repeats} has fewer entries than the input's rank {rank}")
    if len(repeats) > rank:  # torch prepends size-1 dims
        x = node.build1("unsqueeze", [x], {"axes": list(range(len(repeats) - rank))})
    return [node.build1("tile", [x], {"repeats": repeats})]


_PAD_MODES = {
    "aten.reflection_pad1d.default": "reflect",
    "aten.reflection_pad2d.default": "reflect",
    "aten.reflection_pad3d.default": "reflect",
    "aten.replication_pad1d.default": "edge",
    "aten.replication_pad2d.default": "edge",
    "aten.replication_pad3d.default": "edge",
}


@converter([*_PAD_MODES, "aten.constant_pad_nd.default"], needs=["pad"], category=INDEXING)
def pad(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    widths = node.ints(1)
    if len(widths) % 2 or len(widths) // 2 > rank:
        node.fail(f"pad {widths} needs pairs (begin, end) for at most {rank} axes")
    begins, ends = [0] * rank, [0] * rank
    for k in range(len(widths) // 2):  # pairs from the last axis backwards
        begins[rank - 1 - k], ends[rank - 1 - k] = widths[2 * k], widths[2 * k + 1]
    mode = _PAD_MODES.get(node.op, "constant")
    attrs: dict[str, object] = {"pads": begins + ends, "mode": mode}
    if mode == "constant":
        attrs["constant_value"] = node.float_arg(2, 0.0)
    return [node.build1("pad", [node.value(0)], attrs)]
