"""`nn` dialect declarations: run-time-config forms of Squeeze, Unsqueeze, Pad, Split, Resize.

ONNX passes these ops' axes / pads / split sizes / scales as inputs; when the importer sees a
constant it builds the static op (`nn.squeeze`, `nn.pad`, ...), otherwise the `dynamic_*` form
declared here, whose shape-like operands are read at run time. Result ranks stay static: they
follow from the static *length* of the config vector. Result dims the values decide are
dynamic, except where every valid value gives the same dim (a squeeze of [1, 3, 4] by one axis
is [3, 4] whichever axis is named).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`).

Dependency contract: imports only `strata.dialects.{opdef,onnx_schema,nn_rules,nn_shape_rules}`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

from strata.dialects.nn_rules import (
    FLOAT_DTYPES,
    Attrs,
    Specs,
    check_choice,
    norm_axes,
    req,
    show_shape,
)
from strata.dialects.nn_shape_rules import (
    NEAREST_MODES,
    RESIZE_COORDS,
    RESIZE_MODES,
    shape_vector,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import (
    Attr,
    AttrKind,
    Dim,
    OpDef,
    Operand,
    OpVerifyError,
    Result,
    TensorSpec,
)

MOVE = "shape and data movement"
I64_VECTOR = "1-d i64 (or i32) tensor"
# Above this many possibilities the static dims of a run-time squeeze/unsqueeze are not
# enumerated (every dim is then dynamic).
ENUMERATION_LIMIT = 4096


def _agree(candidates: Iterable[Sequence[Dim]], rank: int) -> tuple[Dim, ...]:
    """Per position, the dim all candidate shapes agree on (None where they differ)."""
    out: list[Dim] | None = None
    for shape in candidates:
        if out is None:
            out = list(shape)
            continue
        out = [a if a == b else None for a, b in zip(out, shape, strict=True)]
    return tuple(out) if out is not None else (None,) * rank


def dynamic_squeeze_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Rank: rank(data) - len(axes). A named axis must have size 1, so only dims that are 1
    or dynamic can go; a dim is static where every such choice leaves the same dim there."""
    x = req(specs[0], "data")
    n = shape_vector(specs[1], "axes")
    if n < 1:
        raise OpVerifyError(
            "operand 'axes' must name at least one axis (ONNX's empty axes, every size-1 "
            "axis, is nn.squeeze with axes [])"
        )
    if n > x.rank:
        raise OpVerifyError(f"operand 'axes' has {n} entries, 'data' has rank {x.rank}")
    candidates = [i for i, d in enumerate(x.shape) if d in (1, None)]
    if len(candidates) < n:
        raise OpVerifyError(
            f"'data' {show_shape(x.shape)} has fewer than {n} axes that can have size 1"
        )
    rank = x.rank - n
    if math.comb(len(candidates), n) > ENUMERATION_LIMIT:
        return [TensorSpec((None,) * rank, x.dtype)]
    shapes = (
        [d for i, d in enumerate(x.shape) if i not in drop]
        for drop in map(set, itertools.combinations(candidates, n))
    )
    return [TensorSpec(_agree(shapes, rank), x.dtype)]


def dynamic_unsqueeze_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Rank: rank(data) + len(axes); a dim is static where every placement of the new axes
    puts the same dim there."""
    x = req(specs[0], "data")
    n = shape_vector(specs[1], "axes")
    if n < 1:
        raise OpVerifyError("operand 'axes' must name at least one axis")
    rank = x.rank + n
    if math.comb(rank, n) > ENUMERATION_LIMIT:
        return [TensorSpec((None,) * rank, x.dtype)]

    def placed(new: set[int]) -> list[Dim]:
        it = iter(x.shape)
        return [1 if i in new else next(it) for i in range(rank)]

    shapes = (placed(set(c)) for c in itertools.combinations(range(rank), n))
    return [TensorSpec(_agree(shapes, rank), x.dtype)]


def dynamic_pad_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Every dim may change (the pads, and the axes they apply to, are run-time values)."""
    x = req(specs[0], "data")
    n = shape_vector(specs[1], "pads")
    value, axes = specs[2], specs[3]
    if value is not None and (value.shape not in ((), (1,)) or value.dtype != x.dtype):
        raise OpVerifyError(
            f"operand 'constant_value' {show_shape(value.shape)} {value.dtype} must be a "
            f"scalar of 'data''s element type {x.dtype}"
        )
    naxes = x.rank if axes is None else shape_vector(axes, "axes")
    if n != 2 * naxes:
        raise OpVerifyError(f"operand 'pads' has {n} entries, expected {2 * naxes} (2 per axis)")
    check_choice(attrs["mode"], ("constant", "reflect", "edge", "wrap"), "mode")
    return [TensorSpec((None,) * x.rank, x.dtype)]


def dynamic_split_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """One result per entry of `split`; their sizes along `axis` are run-time values."""
    x = req(specs[0], "input")
    n = shape_vector(specs[1], "split")
    if n < 1:
        raise OpVerifyError("operand 'split' must have at least one entry")
    (axis,) = norm_axes([attrs["axis"]], x.rank, "axis")
    piece = TensorSpec(tuple(None if i == axis else d for i, d in enumerate(x.shape)), x.dtype)
    return [piece] * n


def dynamic_resize_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """The dims of `axes` (default: all) are computed at run time from scales or sizes."""
    x, roi, scales, sizes = req(specs[0], "x"), specs[1], specs[2], specs[3]
    mode = attrs["mode"]
    check_choice(mode, RESIZE_MODES, "mode")
    if mode != "nearest" and x.dtype not in FLOAT_DTYPES:
        raise OpVerifyError(f"operand 'x' must be floating-point for {mode} mode, got {x.dtype}")
    ctm = attrs["coordinate_transformation_mode"]
    check_choice(ctm, RESIZE_COORDS, "coordinate_transformation_mode")
    check_choice(attrs["nearest_mode"], NEAREST_MODES, "nearest_mode")
    policy = attrs["keep_aspect_ratio_policy"]
    check_choice(policy, ("stretch", "not_larger", "not_smaller"), "keep_aspect_ratio_policy")
    axes = norm_axes(list(attrs["axes"]) or list(range(x.rank)), x.rank, "axes")
    if (scales is None) == (sizes is None):
        raise OpVerifyError("exactly one of the operands 'scales' and 'sizes' must be given")
    if scales is not None:
        if scales.rank != 1 or scales.dtype not in FLOAT_DTYPES:
            raise OpVerifyError(f"operand 'scales' must be a 1-d float tensor, got {scales.dtype}")
        if scales.shape[0] not in (len(axes), None):
            raise OpVerifyError(f"operand 'scales' must have {len(axes)} entries (one per axis)")
    if sizes is not None and shape_vector(sizes, "sizes") != len(axes):
        raise OpVerifyError(f"operand 'sizes' must have {len(axes)} entries (one per axis)")
    if ctm == "tf_crop_and_resize":
        if roi is None or roi.rank != 1 or roi.dtype not in FLOAT_DTYPES:
            raise OpVerifyError("operand 'roi' (1-d float) is required by tf_crop_and_resize")
        if roi.shape[0] not in (2 * len(axes), None):
            raise OpVerifyError(f"operand 'roi' must have {2 * len(axes)} entries")
    if attrs["antialias"] and mode == "nearest":
        raise OpVerifyError("attribute 'antialias' = 1 needs linear or cubic mode")
    return [TensorSpec(tuple(None if i in axes else d for i, d in enumerate(x.shape)), x.dtype)]


DYNAMIC_CONFIG: tuple[OpDef, ...] = (
    OpDef(
        "dynamic_squeeze",
        "Drop the size-1 axes named by a tensor computed at run time.",
        (Operand("data", "input tensor"), Operand("axes", f"axes to drop, {I64_VECTOR}")),
        (Result("y", "result tensor"),),
        dynamic_squeeze_rule,
        doc="Folds to `nn.squeeze` when `axes` is a constant. ONNX's absent `axes` (drop "
        "every size-1 axis) is not this op: its rank depends on the input's dims.",
        onnx="Squeeze",
        category=MOVE,
    ),
    OpDef(
        "dynamic_unsqueeze",
        "Insert size-1 axes at positions computed at run time.",
        (
            Operand("data", "input tensor"),
            Operand("axes", f"positions in the result, {I64_VECTOR}"),
        ),
        (Result("y", "result tensor"),),
        dynamic_unsqueeze_rule,
        doc="Folds to `nn.unsqueeze` when `axes` is a constant.",
        onnx="Unsqueeze",
        category=MOVE,
    ),
    onnx_op(
        "Pad",
        dynamic_pad_rule,
        name="dynamic_pad",
        category=MOVE,
        doc="The run-time form of `nn.pad`: pads (and the axes they apply to, and the "
        "constant) are read at run time; negative pads crop.",
    ),
    OpDef(
        "dynamic_split",
        "Split along `axis` into pieces whose sizes are computed at run time.",
        (Operand("input", "input tensor"), Operand("split", f"piece sizes, {I64_VECTOR}")),
        (Result("outputs", "one tensor per entry of `split`", variadic=True),),
        dynamic_split_rule,
        attrs=(Attr("axis", AttrKind.INT, 0, "split axis"),),
        doc="Every piece has a dynamic size along `axis`, so all results share one type "
        "(as IRDL requires of a variadic result).",
        onnx="Split",
        category=MOVE,
    ),
    onnx_op(
        "Resize",
        dynamic_resize_rule,
        name="dynamic_resize",
        category=MOVE,
        defaults={"axes": []},
        doc="The run-time form of `nn.resize`: roi, scales or sizes are read at run time, "
        "and the output size of every resized axis is computed from them. `axes` [] means "
        "every axis.",
    ),
)
