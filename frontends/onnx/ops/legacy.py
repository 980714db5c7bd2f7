"""Converters for the meaning ops had in opsets 1-10, where a later opset changed it.

Each entry's `since` is the schema version whose semantics it implements and `until` the
version that changed them, where the family module's converter starts (e.g. `Add` here for
opsets 1-6, in `elementwise` from 7): without that converter, the later opsets are refused,
not imported with the old meaning. Schema versions that only dropped the legacy
`consumed_inputs` attribute (an optimisation hint without meaning), widened the types or
allowed negative axes share the newer converter: converters read attributes by name, so
`consumed_inputs` is ignored everywhere.

* Add Sub Mul Div Pow And Or Xor Equal Greater Less, 1-6: with `broadcast=1`, B is broadcast
  to A with its dims aligned at `axis` (default: A's trailing dims).
* Cast 1-5: `to` is a type *name* ("FLOAT").
* Clip 1-10: `min` / `max` are attributes.
* PRelu 1-6: a slope of C values (C = dim 1) is per channel, not numpy-broadcast.
* Tile 1-5: `tiles` copies along one `axis` (inputs), not per-axis `repeats`.
* Concat 1-3: `axis` defaults to 1.
* Reshape 1-4: `shape` is an attribute.
* Pad 1 (`paddings`), 2-10 (`pads`): pads and `value` are attributes.
* Split 1: the sizes may come from a second input.
* BatchNormalization 1-8: `is_test` (1-6), `spatial` (1-8), training-mode outputs (also 9-13).
* Dropout 1-6, 7-9, 10-11: `is_test` (1-6); the mask has the input's type before 10.
* Upsample 1, 7, 9: height/width scales (1), a `scales` attribute (7), an input (9).
* Resize 10: only `mode`, with asymmetric coordinates.

Semantics follow the schema docs (`onnx.defs.get_schema(op, max_inclusive_version=N).doc`)
and `onnx.reference` where it implements the old version. Where the old rule was narrower than
the new one (shapes that had to be equal without `broadcast=1`), the model is accepted under
numpy broadcasting, as `onnx.reference` does.

Dependency contract: numpy, `onnx`, `mlir`, the converter registry and the family modules'
helpers that a legacy form reuses (`shape.split`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import onnx
from mlir import ir

from strata.frontends.onnx.ops.registry import Converter, Node, Output, converter

# Binary ops whose opset-1..6 forms have `broadcast` / `axis` (numpy broadcasting from 7 on).
LEGACY_BROADCAST = {
    "Add": "add",
    "Sub": "sub",
    "Mul": "mul",
    "Div": "div",
    "Pow": "pow",
    "And": "and",
    "Or": "or",
    "Xor": "xor",
    "Equal": "equal",
    "Greater": "greater",
    "Less": "less",
}
NUMPY_BROADCAST_SINCE = 7


# ---- elementwise with `broadcast` / `axis` ------------------------------------------------------


def aligned_rhs(node: Node) -> ir.Value:
    """Input 1 reshaped so that numpy broadcasting gives the opset-1..6 rule: with
    `broadcast=1`, B's dims line up with A's from `axis` (default: the trailing dims)."""
    rank_a, rank_b = node.spec(0).rank, node.spec(1).rank
    if not node.attr("broadcast", 0) or rank_b >= rank_a:
        return node.value(1)
    axis = int(node.attr("axis", rank_a - rank_b))
    axis = axis + rank_a if axis < 0 else axis
    if not 0 <= axis <= rank_a - rank_b:
        node.fail(
            f"broadcast axis {node.attr('axis')} does not fit B's rank {rank_b} into A's rank "
            f"{rank_a} (valid: 0 to {rank_a - rank_b})"
        )
    trailing = rank_a - axis - rank_b
    if trailing == 0:
        return node.value(1)
    const = node.maybe_const(1)
    if const is not None:
        return node.constant(const.reshape(const.shape + (1,) * trailing), "aligned")
    axes = list(range(rank_b, rank_b + trailing))
    return node.build1("unsqueeze", [node.value(1)], {"axes": axes})


def _legacy_binary(op: str) -> Converter:
    def convert(node: Node) -> Sequence[Output]:
        return [node.build1(op, [node.value(0), aligned_rhs(node)])]

    return convert


for _onnx, _op in LEGACY_BROADCAST.items():
    _until = NUMPY_BROADCAST_SINCE
    converter(_onnx, since=1, until=_until, needs=[_op, "unsqueeze"])(_legacy_binary(_op))


# ---- Cast, Clip -------------------------------------------------------------------------------


@converter("Cast", since=1, until=6, needs=["cast"])
def cast_v1(node: Node) -> Sequence[Output]:
    """Cast-1: `to` names the type ("FLOAT", "INT64", ...)."""
    from strata.frontends.onnx.graph import numpy_dtype

    name = str(node.attr("to", "")).upper()
    if name not in onnx.TensorProto.DataType.keys():  # noqa: SIM118 (a protobuf enum)
        node.fail(f"attribute 'to' is '{name}', which is not an ONNX element type name")
    to = numpy_dtype(onnx.TensorProto.DataType.Value(name), f"Cast target of node '{node.name}'")
    if to == node.spec(0).dtype:
        return [node.value(0)]
    return [node.build1("cast", [node.value(0)], {"to": to})]


def _scalar(node: Node, value: float, what: str) -> ir.Value:
    """A 0-d constant of input 0's element type."""
    return node.constant(np.array(value, dtype=node.spec(0).dtype), what)


@converter("Clip", since=1, until=11, needs=["max", "min"])
def clip_v1(node: Node) -> Sequence[Output]:
    """Clip-1/6: `min` and `max` attributes; an absent bound does not clip."""
    y = node.value(0)
    if node.has_attr("min"):
        y = node.build1("max", [y, _scalar(node, float(node.attr("min")), "min")])
    if node.has_attr("max"):
        y = node.build1("min", [y, _scalar(node, float(node.attr("max")), "max")])
    return [y]


@converter("PRelu", since=1, until=7, needs=["less", "mul", "where", "reshape"])
def prelu_v1(node: Node) -> Sequence[Output]:
    """PRelu-1/6: x < 0 ? slope * x : x, where a slope of C values (C = dim 1) is per
    channel; other slope shapes broadcast as from opset 7."""
    x, slope = node.value(0), node.value(1)
    rank, s_shape = node.spec(0).rank, node.spec(1).shape
    channels = node.spec(0).shape[1] if rank >= 2 else None
    if rank > 2 and len(s_shape) == 1 and s_shape[0] == channels and s_shape[0] != 1:
        shape = [int(s_shape[0])] + [1] * (rank - 2)  # type: ignore[arg-type]
        slope = node.build1("reshape", [slope], {"shape": shape, "allowzero": 0})
    negative = node.build1("less", [x, _scalar(node, 0.0, "zero")])
    return [node.build1("where", [negative, node.build1("mul", [x, slope]), x])]


# ---- shape and data movement ------------------------------------------------------------------


@converter("Concat", since=1, until=4, needs=["concat"])
def concat_v1(node: Node) -> Sequence[Output]:
    """Concat-1: `axis` defaults to 1; chained binary nn.concat, empty pieces dropped."""
    rank = node.spec(0).rank
    axis = int(node.attr("axis", 1))
    if not -rank <= axis < rank:
        node.fail(f"axis {axis} is out of range for rank {rank}")
    from strata.frontends.onnx.ops.shape import concat_along

    return concat_along(node, axis + rank if axis < 0 else axis)


@converter("Tile", since=1, until=6, needs=["concat"])
def tile_v1(node: Node) -> Sequence[Output]:
    """Tile-1: `tiles` copies of the input along `axis` (both inputs, compile-time constants)."""
    tiles = int(np.asarray(node.const(1, "tiles")).reshape(-1)[0])
    rank = node.spec(0).rank
    axis = int(np.asarray(node.const(2, "axis")).reshape(-1)[0])
    if not -rank <= axis < rank:
        node.fail(f"axis {axis} is out of range for rank {rank}")
    if tiles < 1:
        node.fail(f"tiles {tiles} must be at least 1")
    x = node.value(0)
    acc = x
    for _ in range(tiles - 1):
        acc = node.build1("concat", [acc, x], {"axis": axis + rank if axis < 0 else axis})
    return [acc]


@converter("Reshape", since=1, until=5, needs=["reshape"])
def reshape_v1(node: Node) -> Sequence[Output]:
    """Reshape-1: the target is the `shape` attribute (0 copies a dim, -1 is inferred)."""
    if not node.has_attr("shape"):
        node.fail("attribute 'shape' is required before opset 5")
    shape = [int(d) for d in node.attr("shape")]
    return [node.build1("reshape", [node.value(0)], {"shape": shape, "allowzero": 0})]


def _pad(node: Node, pads_attr: str) -> Sequence[Output]:
    rank = node.spec(0).rank
    if not node.has_attr(pads_attr):
        node.fail(f"attribute '{pads_attr}' is required")
    pads = [int(p) for p in node.attr(pads_attr)]
    if len(pads) != 2 * rank:
        node.fail(f"{pads_attr} {pads} needs {2 * rank} entries (begins, then ends)")
    mode = node.attr("mode", "constant")
    attrs = {"pads": pads, "mode": mode, "constant_value": float(node.attr("value", 0.0))}
    return [node.build1("pad", [node.value(0)], attrs)]


@converter("Pad", since=1, until=2, needs=["pad"])
def pad_v1(node: Node) -> Sequence[Output]:
    """Pad-1: `paddings`, `mode` and `value` attributes."""
    return _pad(node, "paddings")


@converter("Pad", since=2, until=11, needs=["pad"])
def pad_v2(node: Node) -> Sequence[Output]:
    """Pad-2: `pads`, `mode` and `value` attributes."""
    return _pad(node, "pads")


@converter("Split", since=1, until=2, needs=["split", "slice"])
def split_v1(node: Node) -> Sequence[Output]:
    """Split-1: sizes from the optional second input, else the `split` attribute (as Split-2)."""
    from strata.frontends.onnx.ops import shape

    if not node.has(1):
        return shape.split(node)
    sizes = node.const_ints(1, "split")
    rank = node.spec(0).rank
    axis = int(node.attr("axis", 0))
    axis = axis + rank if axis < 0 else axis
    dim = node.static_shape(0, f"Split along axis {axis}")[axis]
    if sum(sizes) != dim or any(s < 0 for s in sizes) or len(sizes) != len(node.proto.output):
        node.fail(
            f"split sizes {sizes} do not cut axis {axis} of size {dim} into "
            f"{len(node.proto.output)} outputs"
        )
    outs: list[Output] = []
    start = 0
    for s in sizes:
        attrs = {"starts": [start], "ends": [start + s], "axes": [axis], "steps": [1]}
        outs.append(node.build1("slice", [node.value(0)], attrs))
        start += s
    return outs


# ---- BatchNormalization, Dropout --------------------------------------------------------------

BN_OPS = [
    "batch_normalization",
    *("add", "sub", "mul", "div", "sqrt", "reduce_mean", "unsqueeze", "reshape"),
]


@converter("BatchNormalization", since=1, until=9, needs=BN_OPS)
def batch_normalization_v1(node: Node) -> Sequence[Output]:
    """BatchNormalization-1..8 (and 9-13 with training outputs). Test mode (`is_test=1`
    before opset 7; only `Y` used from 7 on) normalises with the given mean / var; training
    mode with the batch's statistics, and then also gives the running mean / var
    (momentum-weighted) and the batch mean / var. `spatial=0` (opsets 1-8): scale, B, mean and
    var have shape (C, D1, ...) instead of (C)."""
    rank = node.spec(0).rank
    if rank < 2:
        node.fail(f"input has rank {rank}; expected (N, C, ...)")
    spatial = int(node.attr("spatial", 1))
    extra = any(o for o in node.proto.output[1:])
    training = extra or (node.opset < 7 and not node.attr("is_test", 0))
    eps = float(node.attr("epsilon", 1e-5))
    x = node.value(0)
    if not training and spatial:
        operands = [node.value(i) for i in range(5)]
        return [node.build1("batch_normalization", operands, {"epsilon": eps})]
    dtype = node.spec(0).dtype

    def scalar(v: float, what: str) -> ir.Value:
        return node.constant(np.array(v, dtype=dtype), what)

    def per_channel(i: int) -> ir.Value:
        """Parameter `i` shaped to broadcast against x (N, C, D1, ...)."""
        if not spatial:
            return node.value(i)  # (C, D1, ...) lines up with x's trailing dims
        axes = list(range(1, rank - 1))
        return node.build1("unsqueeze", [node.value(i)], {"axes": axes}) if axes else node.value(i)

    if training:
        axes = [0, *range(2, rank)] if spatial else [0]
        mean = node.build1("reduce_mean", [x], {"axes": axes, "keepdims": 1})
        centred = node.build1("sub", [x, mean])
        var = node.build1(
            "reduce_mean", [node.build1("mul", [centred, centred])], {"axes": axes, "keepdims": 1}
        )
    else:
        mean, var = per_channel(3), per_channel(4)
        centred = node.build1("sub", [x, mean])
    std = node.build1("sqrt", [node.build1("add", [var, scalar(eps, "epsilon")])])
    scaled = node.build1("mul", [node.build1("div", [centred, std]), per_channel(1)])
    y = node.build1("add", [scaled, per_channel(2)])
    if not training:
        return [y]
    # Batch statistics in the parameters' shape, then the running averages.
    param_shape = list(node.spec(3).shape)
    batch_mean = node.build1("reshape", [mean], {"shape": param_shape, "allowzero": 0})
    batch_var = node.build1("reshape", [var], {"shape": param_shape, "allowzero": 0})
    momentum = float(node.attr("momentum", 0.9))

    def running(i: int, batch: ir.Value, what: str) -> ir.Value:
        kept = node.build1("mul", [node.value(i), scalar(momentum, "momentum")])
        new = node.build1("mul", [batch, scalar(1.0 - momentum, "one_minus_momentum")])
        return node.build1("add", [kept, new])

    return [
        y,
        running(3, batch_mean, "mean"),
        running(4, batch_var, "var"),
        batch_mean,
        batch_var,
    ]


def _dropout(node: Node, mask_dtype: np.dtype | None) -> Sequence[Output]:
    """Inference Dropout: the data unchanged, the mask all ones (of `mask_dtype`, default the
    input's type)."""
    x = node.value(0)
    if len(node.proto.output) < 2 or not node.proto.output[1]:
        return [x]
    dtype = node.spec(0).dtype if mask_dtype is None else mask_dtype
    return [x, np.ones(node.static_shape(0, "Dropout's mask output"), dtype=dtype)]


@converter("Dropout", since=1, until=7)
def dropout_v1(node: Node) -> Sequence[Output]:
    """Dropout-1/6: `is_test=0` (the default) is training mode, which drops at random."""
    ratio = float(node.attr("ratio", 0.5))
    if not node.attr("is_test", 0) and ratio != 0.0:
        node.fail(
            f"is_test=0 asks for training-mode dropout (random, ratio {ratio}); Strata compiles "
            "inference graphs: set is_test=1"
        )
    return _dropout(node, None)


@converter("Dropout", since=7, until=10)
def dropout_v7(node: Node) -> Sequence[Output]:
    """Dropout-7: inference only; the mask has the input's type."""
    return _dropout(node, None)


@converter("Dropout", since=10, until=12)
def dropout_v10(node: Node) -> Sequence[Output]:
    """Dropout-10: inference only; the mask is bool."""
    return _dropout(node, np.dtype(np.bool_))


# ---- Upsample, Resize-10 ----------------------------------------------------------------------


@converter("Upsample", since=1, until=7, needs=["resize", "dynamic_resize"])
def upsample_v1(node: Node) -> Sequence[Output]:
    """Upsample-1: `height_scale` / `width_scale` of an NCHW input; mode nearest or bilinear
    (Upsample-7 and -9 are in `resize`)."""
    from strata.frontends.onnx.ops.resize import upsample

    if node.spec(0).rank != 4:
        node.fail(f"input has rank {node.spec(0).rank}; Upsample-1 scales NCHW (rank 4)")
    scales = [1.0, 1.0, float(node.attr("height_scale", 1.0)), float(node.attr("width_scale", 1.0))]
    return upsample(node, np.asarray(scales, np.float32))


@converter("Resize", since=10, until=11, needs=["resize", "dynamic_resize"])
def resize_v10(node: Node) -> Sequence[Output]:
    """Resize-10: `scales` input and `mode` only, with Upsample's asymmetric coordinates.
    Nearest rounds x_in down when enlarging, up when shrinking (ONNX Runtime's rule for this
    version)."""
    from strata.frontends.onnx.ops.resize import upsample

    scales = node.maybe_const(1)
    shrinks = scales is not None and bool(np.any(np.asarray(scales) < 1))
    return upsample(node, scales, nearest_mode="ceil" if shrinks else "floor")
