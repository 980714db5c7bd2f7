"""Converters for tensor-creating ATen ops (full / full_like / zeros / ones / scalar_tensor /
arange), logical reductions (any / all) and the run-time checks torch.export inserts
(`_assert_tensor_metadata` ..., which produce nothing: the recorded shapes and dtypes were
already checked at import).

Dependency contract: numpy, the converter registry.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.frontends.torch.ops.elementwise import cast_to
from strata.frontends.torch.ops.registry import Node, Output, converter

CREATION = "creation"
CHECKS = "run-time checks (no-ops)"


def _fill(node: Node, value: float | int | bool) -> np.ndarray:
    return np.array([value], dtype=node.out_dtype())


@converter(
    [
        "aten.full.default",
        "aten.zeros.default",
        "aten.ones.default",
        "aten.scalar_tensor.default",
        "aten.empty.memory_format",
    ],
    needs=["constant_of_shape", "constant"],
    category=CREATION,
)
def full(node: Node) -> Sequence[Output]:
    dims = node.out_dims()
    if any(d is None for d in dims):
        node.fail(f"a tensor of symbolic size {list(dims)} without an input to take it from")
    # (an empty tensor's contents are unspecified: zeros)
    fill = {"aten.zeros.default": 0, "aten.ones.default": 1, "aten.empty.memory_format": 0}.get(
        node.op
    )
    if fill is None:
        fill = node.arg(0) if node.op == "aten.scalar_tensor.default" else node.arg(1)
    if not isinstance(fill, (bool, int, float)):
        node.fail(f"fill value {fill!r} is not a number")
    return [_filled(node, [int(d) for d in dims if d is not None], fill)]


def _filled(node: Node, shape: list[int], fill: float | int | bool) -> Output:
    if not shape:  # a 0-d result: a constant (nn.constant_of_shape makes 1-d ones)
        return node.constant(np.array(fill, dtype=node.out_dtype()), "value")
    return node.build1("constant_of_shape", [], {"shape": shape, "value": _fill(node, fill)})


@converter(
    [
        "aten.full_like.default",
        "aten.zeros_like.default",
        "aten.ones_like.default",
        "aten.fill.Scalar",
    ],
    needs=["constant_of_shape", "dynamic_constant_of_shape", "shape", "constant"],
    category=CREATION,
)
def full_like(node: Node) -> Sequence[Output]:
    fill = {"aten.zeros_like.default": 0, "aten.ones_like.default": 1}.get(node.op)
    if fill is None:
        fill = node.arg(1)
    if not isinstance(fill, (bool, int, float)):
        node.fail(f"fill value {fill!r} is not a number")
    dims = node.out_dims()
    if all(d is not None for d in dims):
        return [_filled(node, [int(d) for d in dims if d is not None], fill)]
    shape_v = node.build1("shape", [node.value(0)])
    return [node.build1("dynamic_constant_of_shape", [shape_v], {"value": _fill(node, fill)})]


@converter(
    ["aten.arange.start_step", "aten.arange.default", "aten.arange.start"],
    needs=["constant"],
    category=CREATION,
)
def arange(node: Node) -> Sequence[Output]:
    if node.op == "aten.arange.default":
        start, end, step = 0, node.arg(0), 1
    else:
        start, end = node.arg(0), node.arg(1)
        step = node.arg(2, 1) if node.op == "aten.arange.start_step" else 1
    for v in (start, end, step):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            node.fail(f"arange({start}, {end}, {step}): bounds must be static numbers")
    return [node.constant(np.arange(start, end, step, dtype=node.out_dtype()), "values")]


@converter(
    ["aten.any.dim", "aten.any.dims", "aten.any.default", "aten.all.dim", "aten.all.default"],
    needs=["reduce_max", "reduce_min", "cast"],
    category=CREATION,
)
def any_all(node: Node) -> Sequence[Output]:
    rank = node.spec(0).rank
    if node.op.endswith(".default"):
        axes, keep = list(range(rank)), False
    else:
        axes = [a % rank for a in node.ints(1)] if rank else []
        keep = bool(node.arg(2, False))
    # any = max over x != 0, all = min (as 0 / 1 integers)
    x = cast_to(node, cast_to(node, node.value(0), np.dtype(np.bool_)), np.dtype(np.int32))
    op = "reduce_max" if ".any." in node.op else "reduce_min"
    y = node.build1(op, [x], {"axes": sorted(set(axes)), "keepdims": int(keep)})
    return [cast_to(node, y, np.dtype(np.bool_))]


@converter(
    [
        "aten._assert_tensor_metadata.default",
        "aten._assert_scalar.default",
        "aten.sym_constrain_range_for_size.default",
        "aten._assert_async.msg",
    ],
    needs=[],
    category=CHECKS,
)
def no_op(node: Node) -> Sequence[Output]:
    return [None]
