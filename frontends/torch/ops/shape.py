"""Converters for shape and data-movement ATen ops (view, permute, expand, cat, slice,
select, squeeze / unsqueeze, split), reductions and softmax.

Sizes come from what torch.export recorded: a symbolic (`torch.export.Dim`) size in a view's
target becomes nn.reshape's `0` (copy the input's dim) where it is the input's own dim at that
position, `-1` where it is the one other unknown entry; in an expand it becomes `1` (keep the
input's dim, ONNX Expand's broadcasting).

Dependency contract: `mlir`, the converter registry (sizes: the SymInts torch.export recorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strata.frontends.torch.ops.registry import Node, Output, converter, table_converter

SHAPE = "shape and data movement"
REDUCE = "reduction"

INT64_MAX = 2**63 - 1


def _sym(d: Any) -> str | None:
    """The expression of a symbolic size, None for a static one."""
    return None if isinstance(d, int) else str(d.node.expr)


def _axis(node: Node, axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        node.fail(f"dim {axis} is out of range for rank {rank}")
    return axis % rank if rank else 0


@converter(
    ["aten.view.default", "aten._unsafe_view.default", "aten.reshape.default"],
    needs=["reshape", "dynamic_reshape", "shape", "concat", "add", "sub", "mul", "div"],
    category=SHAPE,
)
def view(node: Node) -> Sequence[Output]:
    src = list(node.arg_meta(0).shape)
    out = list(node.result().shape)
    target: list[int] = []
    unknown = 0
    for k, d in enumerate(out):
        expr = _sym(d)
        if expr is None:
            target.append(int(d))
        elif k < len(src) and _sym(src[k]) == expr:
            target.append(0)
        else:
            target.append(-1)
            unknown += 1
    if unknown > 1:  # the target shape, computed at run time
        sizes = node.arg(1)
        if not isinstance(sizes, (list, tuple)) or len(sizes) != len(out):
            node.fail(f"view to {[str(d) for d in out]}: the target sizes are not a list")
        shape = node.shape_value(sizes)
        return [node.build1("dynamic_reshape", [node.value(0), shape])]
    allowzero = 0
    if any(t == 0 and _sym(out[k]) is None for k, t in enumerate(target)):
        if any(t == 0 and _sym(out[k]) is not None for k, t in enumerate(target)):
            node.fail("view with both empty and symbolic dims is not supported")
        allowzero = 1
    return [node.build1("reshape", [node.value(0)], {"shape": target, "allowzero": allowzero})]


@converter("aten.permute.default", needs=["transpose"], category=SHAPE)
def permute(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    perm = [_axis(node, d, rank) for d in node.ints(1)]
    return [node.build1("transpose", [node.value(0)], {"perm": perm})]


@converter(["aten.transpose.int", "aten.t.default"], needs=["transpose"], category=SHAPE)
def transpose(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    perm = list(range(rank))
    if node.op == "aten.t.default":
        perm.reverse()
    else:
        a, b = _axis(node, node.int_arg(1), rank), _axis(node, node.int_arg(2), rank)
        perm[a], perm[b] = perm[b], perm[a]
    return [node.build1("transpose", [node.value(0)], {"perm": perm})]


@converter(
    "aten.expand.default",
    needs=["expand", "dynamic_expand", "shape", "concat", "add", "sub", "mul", "div"],
    category=SHAPE,
)
def expand(node: Node) -> Sequence[Output]:
    src = list(node.arg_meta(0).shape)
    out = list(node.result().shape)
    shape: list[int] = []
    lead = len(out) - len(src)
    for k, d in enumerate(out):
        expr = _sym(d)
        if expr is None:
            shape.append(int(d))
        elif k >= lead and _sym(src[k - lead]) == expr:
            shape.append(1)  # the input's own (symbolic) dim: broadcasting keeps it
        else:  # another symbolic size: the target shape, computed at run time
            sizes = [1 if t == 1 else d for t, d in zip(shape, out, strict=False)]
            sizes += [
                1 if j >= lead and _sym(src[j - lead]) == _sym(d) else d
                for j, d in enumerate(out)
                if j >= len(sizes)
            ]
            target = node.shape_value(
                [d if isinstance(d, int) else _size_arg(node, j) for j, d in enumerate(sizes)]
            )
            return [node.build1("dynamic_expand", [node.value(0), target])]
    return [node.build1("expand", [node.value(0)], {"shape": shape})]


def _size_arg(node: Node, j: int) -> object:
    """Entry `j` of the size list argument 1 (an int or the FX node computing it)."""
    sizes = node.arg(1)
    if not isinstance(sizes, (list, tuple)) or j >= len(sizes):
        node.fail(f"size {j} is symbolic but not given in the size list")
    return sizes[j]


@converter("aten.cat.default", needs=["concat", "identity"], category=SHAPE)
def cat(node: Node) -> Sequence[Output]:
    items = node.arg(0)
    values = node.value_list(0)
    rank = node.result().dim()
    axis = _axis(node, node.int_arg(1, 0), rank)
    # torch.cat skips 1-d empty tensors (a legacy rule); nn.concat needs equal ranks
    values = [
        v
        for v, t in zip(values, items, strict=True)
        if tuple(t.meta["val"].shape) != (0,) or rank == 1
    ]
    y = values[0]
    if len(values) == 1:
        return [node.build1("identity", [y])]
    for v in values[1:]:
        y = node.build1("concat", [y, v], {"axis": axis})
    return [y]


@converter(
    "aten.slice.Tensor",
    needs=["slice", "dynamic_slice", "shape", "add", "sub", "mul", "div"],
    category=SHAPE,
)
def slice_(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    axis = _axis(node, node.int_arg(1, 0), rank)
    start = node.arg(2)
    end = node.arg(3)
    step = node.int_arg(4, 1)
    if any(v is not None and not isinstance(v, int) for v in (start, end)):
        # bounds computed at run time (sizes of other tensors)
        operands = [
            node.value(0),
            node.size_value(0 if start is None else start),
            node.size_value(INT64_MAX if end is None else end),
            node.size_value(axis),
            node.size_value(step),
        ]
        return [node.build1("dynamic_slice", operands)]
    attrs = {
        "starts": [0 if start is None else int(start)],
        "ends": [INT64_MAX if end is None else min(int(end), INT64_MAX)],
        "axes": [axis],
        "steps": [step],
    }
    return [node.build1("slice", [node.value(0)], attrs)]


@converter("aten.select.int", needs=["slice", "squeeze"], category=SHAPE)
def select(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    axis = _axis(node, node.int_arg(1), rank)
    index = node.int_arg(2)
    end = index + 1 if index != -1 else INT64_MAX
    attrs = {"starts": [index], "ends": [end], "axes": [axis], "steps": [1]}
    y = node.build1("slice", [node.value(0)], attrs)
    return [node.build1("squeeze", [y], {"axes": [axis]})]


@converter("aten.unsqueeze.default", needs=["unsqueeze"], category=SHAPE)
def unsqueeze(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank + 1
    return [
        node.build1("unsqueeze", [node.value(0)], {"axes": [_axis(node, node.int_arg(1), rank)]})
    ]


@converter(
    ["aten.squeeze.dim", "aten.squeeze.dims", "aten.squeeze.default"],
    needs=["squeeze", "identity"],
    category=SHAPE,
)
def squeeze(node: Node) -> Sequence[Output]:
    shape = list(node.arg_meta(0).shape)
    rank = len(shape)
    axes = list(range(rank)) if node.op == "aten.squeeze.default" else node.ints(1)
    # torch skips axes whose size is not 1 (nn.squeeze would reject them)
    keep = sorted(
        {
            _axis(node, a, rank)
            for a in axes
            if rank and _sym(shape[a]) is None and int(shape[a]) == 1
        }
    )
    if not keep:
        return [node.build1("identity", [node.value(0)])]
    return [node.build1("squeeze", [node.value(0)], {"axes": keep})]


@converter(["aten.split_with_sizes.default", "aten.split.Tensor"], needs=["slice"], category=SHAPE)
def split(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    axis = _axis(node, node.int_arg(2, 0), rank)
    sizes = [int(r.shape[axis]) for r in node.fx.meta["val"]]
    x = node.value(0)
    outs: list[Output] = []
    start = 0
    for s in sizes:
        attrs = {"starts": [start], "ends": [start + s], "axes": [axis], "steps": [1]}
        outs.append(node.build1("slice", [x], attrs))
        start += s
    return outs


@converter("aten.flatten.using_ints", needs=["reshape"], category=SHAPE)
def flatten(node: Node) -> Sequence[Output]:
    return view(node)


@converter(["aten._softmax.default", "aten.softmax.int"], needs=["softmax"], category=REDUCE)
def softmax(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    return [node.build1("softmax", [node.value(0)], {"axis": _axis(node, node.int_arg(1), rank)})]


@converter(
    ["aten._log_softmax.default", "aten.log_softmax.int"], needs=["log_softmax"], category=REDUCE
)
def log_softmax(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    return [
        node.build1("log_softmax", [node.value(0)], {"axis": _axis(node, node.int_arg(1), rank)})
    ]


_REDUCE = {
    "aten.mean.dim": "reduce_mean",
    "aten.sum.dim_IntList": "reduce_sum",
    "aten.amax.default": "reduce_max",
    "aten.amin.default": "reduce_min",
    "aten.prod.dim_int": "reduce_prod",
}


@table_converter(_REDUCE, category=REDUCE)
def reduce(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    dims = node.arg(1)
    axes = list(range(rank)) if dims is None or dims == [] else node.ints(1)
    if node.op == "aten.prod.dim_int":
        axes = [node.int_arg(1)]
    norm = sorted({_axis(node, a, rank) for a in axes})
    keep = bool(node.arg(2, False))
    if node.kwarg("dtype") is not None:
        node.fail(f"a reduction to dtype {node.kwarg('dtype')} is not supported")
    attrs = {"axes": norm, "keepdims": int(keep)}
    return [node.build1(_REDUCE[node.op], [node.value(0)], attrs)]


@converter(
    ["aten.var.correction", "aten.var.dim"],
    needs=["reduce_mean", "reduce_sum", "sub", "mul", "div"],
    category=REDUCE,
)
def var(node: Node) -> Sequence[Output]:
    shape = node.spec(0).shape
    rank = len(shape)
    dims = node.arg(1)
    axes = sorted({_axis(node, a, rank) for a in node.ints(1)}) if dims else list(range(rank))
    if node.op == "aten.var.dim":
        correction = 1.0 if node.arg(2, True) else 0.0
        keep = bool(node.arg(3, False))
    else:
        c = node.kwarg("correction")
        correction = 1.0 if c is None else float(c)
        keep = bool(node.kwarg("keepdim", False))
    sizes = [shape[a] for a in axes]
    if any(d is None for d in sizes):
        node.fail(f"variance over symbolic sizes {sizes}")
    count = 1
    for d in sizes:
        count *= int(d or 0)
    dtype = node.out_dtype()
    x = node.value(0)
    mean = node.build1("reduce_mean", [x], {"axes": axes, "keepdims": 1})
    d = node.build1("sub", [x, mean])
    attrs = {"axes": axes, "keepdims": int(keep)}
    total = node.build1("reduce_sum", [node.build1("mul", [d, d])], attrs)
    n = node.scalar(max(count - correction, 0.0), dtype, "n")
    return [node.build1("div", [total, n])]


@converter(
    ["aten.mean.default", "aten.sum.default", "aten.prod.default"],
    needs=["reduce_mean", "reduce_sum", "reduce_prod"],
    category=REDUCE,
)
def reduce_all(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    op = {"aten.mean.default": "reduce_mean", "aten.prod.default": "reduce_prod"}.get(
        node.op, "reduce_sum"
    )
    if node.kwarg("dtype") is not None:
        node.fail(f"a reduction to dtype {node.kwarg('dtype')} is not supported")
    return [node.build1(op, [node.value(0)], {"axes": list(range(rank)), "keepdims": 0})]
