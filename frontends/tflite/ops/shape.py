"""Converters for shape and data movement: RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE,
CONCATENATION, PACK, PAD / PADV2, GATHER, STRIDED_SLICE, SHAPE.

RESHAPE takes its target from the output tensor's recorded shape (its shape signature, one
open dim allowed), not from its shape input: the SHAPE / STRIDED_SLICE / PACK chain that a
dynamic-batch Keras Flatten computes that input with is converted too, and is dead code.

The shape-changing ones work in the model's (NHWC) layout; CONCATENATION and PAD keep NCHW
inputs NCHW (their axis / pads remapped). On quantized tensors whose scale and zero point do
not change (`quantized="same"`) the integers pass through unchanged.

Dependency contract: numpy, `mlir`, the converter registry and the fused activations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.frontends.tflite.ops import activation
from strata.frontends.tflite.ops.registry import TO_NCHW, Nchw, Node, Output, converter, nchw_axis

_INT64_MAX = 2**63 - 1
_INT64_MIN = -(2**63)


def _out_shape(node: Node) -> list[int]:
    """The output tensor's shape as an `nn.reshape` target (-1 for one open dim)."""
    dims = node.output().shape
    if sum(d is None for d in dims) > 1:
        node.fail(f"output {node.output().describe()} has more than one open dim")
    return [-1 if d is None else d for d in dims]


@converter("RESHAPE", needs=["reshape"], category="shape", quantized="same")
def reshape(node: Node) -> Sequence[Output]:
    return [node.build1("reshape", [node.value(0)], {"shape": _out_shape(node), "allowzero": 1})]


@converter("SQUEEZE", needs=["squeeze"], category="shape", quantized="same")
def squeeze(node: Node) -> Sequence[Output]:
    rank = node.rank(0)
    dims = (
        [int(d) for d in node.options.SqueezeDimsAsNumpy()]
        if (node.options is not None and node.options.SqueezeDimsLength())
        else []
    )
    axes = sorted({d % rank for d in dims})
    return [node.build1("squeeze", [node.value(0)], {"axes": axes})]


@converter("EXPAND_DIMS", needs=["unsqueeze"], category="shape", quantized="same")
def expand_dims(node: Node) -> Sequence[Output]:
    (axis,) = node.ints(1)
    axis = axis % (node.rank(0) + 1)
    return [node.build1("unsqueeze", [node.value(0)], {"axes": [axis]})]


@converter("TRANSPOSE", needs=["transpose"], category="shape", quantized="same")
def transpose(node: Node) -> Sequence[Output]:
    perm = node.ints(1)
    if node.rank(0) == 4 and node.is_nchw(0):
        # the model's perm on an NHWC tensor, applied to the NCHW one
        phys = [TO_NCHW.index(p) for p in perm]
        return [node.build1("transpose", [node.value_nchw(0)], {"perm": phys})]
    return [node.build1("transpose", [node.value(0)], {"perm": perm})]


@converter("CONCATENATION", needs=["concat", *activation.NEEDS], category="shape")
def concatenation(node: Node) -> Sequence[Output]:
    n = len(node.op.inputs)
    rank = node.rank(0)
    axis = int(node.options.Axis()) % rank
    values, nchw = node.aligned(list(range(n)))
    if nchw:
        axis = nchw_axis(axis)
    y = values[0]
    for v in values[1:]:
        y = node.build1("concat", [y, v], {"axis": axis})
    y = activation.apply(node, y)
    return [Nchw(y) if nchw else y]


@converter("PACK", needs=["unsqueeze", "concat"], category="shape")
def pack(node: Node) -> Sequence[Output]:
    axis = int(node.options.Axis()) % (node.rank(0) + 1)
    items = [
        node.build1("unsqueeze", [node.value(i)], {"axes": [axis]})
        for i in range(len(node.op.inputs))
    ]
    y = items[0]
    for v in items[1:]:
        y = node.build1("concat", [y, v], {"axis": axis})
    return [y]


@converter("SHAPE", needs=["shape", "cast"], category="shape", quantized="integer")
def shape(node: Node) -> Sequence[Output]:
    y = node.build1("shape", [node.value(0)])
    out = node.output().dtype
    return [y if out == np.dtype("int64") else node.build1("cast", [y], {"to": out})]


@converter(["PAD", "PADV2"], needs=["pad"], category="shape")
def pad(node: Node) -> Sequence[Output]:
    rank = node.rank(0)
    pads = node.const(1).reshape(-1, 2).tolist()
    if len(pads) != rank:
        node.fail(f"paddings {pads} do not have one [begin, end] pair per axis ({rank})")
    value = 0.0
    if node.name == "PADV2" and node.has(2):
        value = float(node.const(2).reshape(-1)[0])
    nchw = rank == 4 and node.is_nchw(0)
    if nchw:
        pads = [pads[p] for p in TO_NCHW]
    x = node.value_nchw(0) if nchw else node.value(0)
    attrs = {
        "pads": [int(p[0]) for p in pads] + [int(p[1]) for p in pads],
        "mode": "constant",
        "constant_value": value,
    }
    y = node.build1("pad", [x], attrs)
    return [Nchw(y) if nchw else y]


@converter("GATHER", needs=["gather"], category="shape", quantized="same")
def gather(node: Node) -> Sequence[Output]:
    o = node.options
    if o is not None and int(o.BatchDims()) != 0:
        node.fail(f"batch_dims {int(o.BatchDims())} is not supported (only 0)")
    axis = int(o.Axis()) % node.rank(0) if o is not None else 0
    return [node.build1("gather", [node.value(0), node.value(1)], {"axis": axis})]


@converter("STRIDED_SLICE", needs=["slice", "reshape"], category="shape", quantized="same")
def strided_slice(node: Node) -> Sequence[Output]:
    o = node.options
    if o is not None and (int(o.EllipsisMask()) or int(o.NewAxisMask())):
        node.fail("ellipsis_mask and new_axis_mask are not supported")
    begin, end, strides = node.ints(1), node.ints(2), node.ints(3)
    bmask = int(o.BeginMask()) if o is not None else 0
    emask = int(o.EndMask()) if o is not None else 0
    shrink = int(o.ShrinkAxisMask()) if o is not None else 0
    offset = bool(o.Offset()) if o is not None else False
    starts, ends, steps = [], [], []
    for i, (b, e, s) in enumerate(zip(begin, end, strides, strict=True)):
        if s == 0:
            node.fail(f"stride of axis {i} is 0")
        if offset:
            e = b + e
        if shrink >> i & 1:
            starts.append(b)
            ends.append(_INT64_MAX if b == -1 else b + 1)
            steps.append(1)
            continue
        if bmask >> i & 1:
            b = 0 if s > 0 else _INT64_MAX
        if emask >> i & 1:
            e = _INT64_MAX if s > 0 else _INT64_MIN
        starts.append(b)
        ends.append(e)
        steps.append(s)
    attrs = {"starts": starts, "ends": ends, "axes": list(range(len(starts))), "steps": steps}
    y = node.build1("slice", [node.value(0)], attrs)
    if shrink:
        y = node.build1("reshape", [y], {"shape": _out_shape(node), "allowzero": 1})
    return [y]
