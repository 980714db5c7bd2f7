"""`nn` dialect declarations: ops that rearrange or mask elements without arithmetic.

Tile (and its run-time form `dynamic_tile`), DepthToSpace / SpaceToDepth, ReverseSequence,
Trilu, EyeLike and CenterCropPad. Part of the `nn` dialect's single declaration
(`strata.dialects.nn` collects these into `DIALECT`). Ops that mirror ONNX are derived from
the ONNX schemas (`strata.dialects.onnx_schema.onnx_op`); the shape rules and the run-time
form are written here.

Dependency contract: imports only `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from strata.dialects.nn_rules import (
    INDEX_DTYPES,
    Attrs,
    Specs,
    check_choice,
    check_list_len,
    norm_axes,
    req,
    same_dim,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import (
    REQUIRED,
    Attr,
    AttrKind,
    Dim,
    OpDef,
    Operand,
    OpVerifyError,
    Result,
    TensorSpec,
)

REARRANGE = "rearrangement"


def _vector(spec: TensorSpec | None, what: str) -> int:
    """The static length of a 1-d i64 / i32 operand."""
    s = req(spec, what)
    if s.rank != 1 or s.dtype not in INDEX_DTYPES:
        raise OpVerifyError(
            f"operand '{what}' must be a 1-d i64 / i32 tensor, got {show_shape(s.shape)} {s.dtype}"
        )
    if s.shape[0] is None:
        raise OpVerifyError(f"operand '{what}' must have a static length")
    return int(s.shape[0])


def _scalar_int(spec: TensorSpec, what: str) -> None:
    if spec.shape not in ((), (1,)) or spec.dtype not in INDEX_DTYPES:
        raise OpVerifyError(
            f"operand '{what}' must be an i64 scalar, got {show_shape(spec.shape)} {spec.dtype}"
        )


def tile_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    reps = list(attrs["repeats"])
    check_list_len(reps, x.rank, "repeats", "one per axis of 'input'")
    if any(r < 0 for r in reps):
        raise OpVerifyError(f"attribute 'repeats' = {reps} must be all >= 0")
    out = tuple(None if d is None else d * r for d, r in zip(x.shape, reps, strict=True))
    return [TensorSpec(out, x.dtype)]


def dynamic_tile_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    n = _vector(specs[1], "repeats")
    if n != x.rank:
        raise OpVerifyError(
            f"operand 'repeats' has {n} entries, 'input' {show_shape(x.shape)} needs {x.rank}"
        )
    return [TensorSpec(tuple(0 if d == 0 else None for d in x.shape), x.dtype)]


def _blocks(specs: Specs, attrs: Attrs) -> tuple[TensorSpec, int]:
    x = req(specs[0], "input")
    if x.rank != 4:
        raise OpVerifyError(f"operand 'input' {show_shape(x.shape)} must be 4-d (N, C, H, W)")
    b = attrs["blocksize"]
    if b < 1:
        raise OpVerifyError(f"attribute 'blocksize' = {b} must be >= 1")
    check_choice(attrs["mode"], ("DCR", "CRD"), "mode")
    return x, b


def depth_to_space_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """(N, C, H, W) -> (N, C / b^2, H * b, W * b)."""
    x, b = _blocks(specs, attrs)
    n, c, h, w = x.shape
    if c is not None and c % (b * b):
        raise OpVerifyError(
            f"channels {c} of 'input' {show_shape(x.shape)} must divide by blocksize^2 = {b * b}"
        )
    return [TensorSpec((n, _div(c, b * b), _mul(h, b), _mul(w, b)), x.dtype)]


def space_to_depth_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """(N, C, H, W) -> (N, C * b^2, H / b, W / b)."""
    x, b = _blocks(specs, attrs)
    n, c, h, w = x.shape
    for d, what in ((h, "height"), (w, "width")):
        if d is not None and d % b:
            raise OpVerifyError(
                f"{what} {d} of 'input' {show_shape(x.shape)} must divide by blocksize {b}"
            )
    return [TensorSpec((n, _mul(c, b * b), _div(h, b), _div(w, b)), x.dtype)]


def _mul(d: Dim, k: int) -> Dim:
    return None if d is None else d * k


def _div(d: Dim, k: int) -> Dim:
    return None if d is None else d // k


def reverse_sequence_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, lens = req(specs[0], "input"), req(specs[1], "sequence_lens")
    if x.rank < 2:
        raise OpVerifyError(f"operand 'input' {show_shape(x.shape)} must have rank >= 2")
    b, t = attrs["batch_axis"], attrs["time_axis"]
    if {b, t} != {0, 1}:
        raise OpVerifyError(
            f"attributes 'batch_axis' = {b} and 'time_axis' = {t} must be 0 and 1, in some order"
        )
    n = _vector(lens, "sequence_lens")
    if not same_dim(n, x.shape[b]):
        raise OpVerifyError(
            f"operand 'sequence_lens' has {n} entries, 'input' {show_shape(x.shape)} has "
            f"{x.shape[b]} batches (axis {b})"
        )
    return [x]


def trilu_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    if x.rank < 2:
        raise OpVerifyError(f"operand 'input' {show_shape(x.shape)} must have rank >= 2")
    if specs[1] is not None:
        _scalar_int(specs[1], "k")
    return [x]


def eye_like_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    if x.rank != 2:
        raise OpVerifyError(f"operand 'input' {show_shape(x.shape)} must be 2-d")
    return [TensorSpec(x.shape, attrs["dtype"])]


def center_crop_pad_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """The dims of `axes` (default: all) take the run-time values of `shape`."""
    x = req(specs[0], "input_data")
    axes = list(attrs["axes"]) or list(range(x.rank))
    axes = norm_axes(axes, x.rank, "axes")
    n = _vector(specs[1], "shape")
    if n != len(axes):
        raise OpVerifyError(f"operand 'shape' has {n} entries, 'axes' {len(axes)}")
    return [TensorSpec(tuple(None if i in axes else d for i, d in enumerate(x.shape)), x.dtype)]


REARRANGE_OPS: tuple[OpDef, ...] = (
    onnx_op(
        "Tile",
        tile_rule,
        category=REARRANGE,
        input_attrs={"repeats": (AttrKind.INTS, REQUIRED)},
        doc="`repeats` is ONNX's input, folded; `nn.dynamic_tile` takes it at run time.",
    ),
    OpDef(
        "dynamic_tile",
        "Repeat the input along each axis a number of times computed at run time.",
        (
            Operand("input", "input tensor"),
            Operand("repeats", "1-d i64 tensor, one entry per axis"),
        ),
        (Result("output", "tiled tensor"),),
        dynamic_tile_rule,
        doc="Folds to `nn.tile` when `repeats` is a constant.",
        onnx="Tile",
        category=REARRANGE,
    ),
    onnx_op("DepthToSpace", depth_to_space_rule, category=REARRANGE),
    onnx_op("SpaceToDepth", space_to_depth_rule, category=REARRANGE),
    onnx_op("ReverseSequence", reverse_sequence_rule, category=REARRANGE),
    onnx_op(
        "Trilu",
        trilu_rule,
        category=REARRANGE,
        doc="`k` stays an operand: it does not change the result's shape.",
    ),
    onnx_op(
        "EyeLike",
        eye_like_rule,
        category=REARRANGE,
        drop=["dtype"],
        extra_attrs=[
            Attr("dtype", AttrKind.TYPE, doc="result element type (the importer fills in ONNX's)")
        ],
    ),
    onnx_op(
        "CenterCropPad",
        center_crop_pad_rule,
        category=REARRANGE,
        defaults={"axes": []},
        doc="The importer turns a constant `shape` into `nn.slice` + `nn.pad`; this op is "
        "the run-time form. `axes` [] means every axis.",
    ),
)
