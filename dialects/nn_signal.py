"""`nn` dialect declarations: signal-processing ops (the discrete Fourier transform) and
non-maximum suppression of detection boxes.

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). Operands, attributes and defaults are derived from the ONNX schemas
(`strata.dialects.onnx_schema.onnx_op`); only the shape rules are written here.

* `nn.dft`: DFT with `dft_length` and `axis` as attributes (`dft_length` 0: ONNX's default,
  the axis length, or 2 * (length - 1) for an inverse one-sided transform).
* `nn.dynamic_dft`: the form whose axis is computed at run time (operand `axis`); the result
  dims the axis may select are dynamic where they would change with it.

* `nn.stft`: the short-time transform; frame_step (and frame_length) are run-time operands.
* `nn.non_max_suppression`: the selected [batch, class, box] triples; how many there are is
  known at run time only (a dynamic first result dim).

The signal's last dim is 1 (real) or 2 (real, imaginary); the result's last dim is 2, or 1 for
an inverse one-sided transform (a real signal).

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.dialects.nn_rules import (
    INDEX_DTYPES,
    Attrs,
    Specs,
    check_choice,
    need_float,
    req,
    same_dim,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import AttrKind, Dim, OpDef, OpVerifyError, TensorSpec

SIGNAL = "signal"


def _signal(x: TensorSpec) -> None:
    need_float(x, "input")
    if x.rank < 2 or x.shape[-1] not in (1, 2):
        raise OpVerifyError(
            f"operand 'input' {show_shape(x.shape)} must have rank >= 2 and a last dim of 1 "
            "(real) or 2 (complex)"
        )


def _flags(attrs: Attrs) -> tuple[bool, bool, int]:
    inverse, onesided, length = int(attrs["inverse"]), int(attrs["onesided"]), attrs["dft_length"]
    for name, v in (("inverse", inverse), ("onesided", onesided)):
        if v not in (0, 1):
            raise OpVerifyError(f"attribute '{name}' = {v} must be 0 or 1")
    if length < 0:
        raise OpVerifyError(f"attribute 'dft_length' = {length} must be >= 0 (0: the default)")
    return bool(inverse), bool(onesided), int(length)


def dft_axis(axis: int, rank: int) -> int:
    """ONNX's DFT axis in [-rank, -2] or [0, rank - 2], normalised to [0, rank - 2]."""
    if not (-rank <= axis <= -2 or 0 <= axis <= rank - 2):
        raise OpVerifyError(
            f"attribute 'axis' = {axis} is out of range [{-rank}, -2] or [0, {rank - 2}]"
        )
    return axis % rank


def dft_dim(n: Dim, inverse: bool, onesided: bool, length: int) -> Dim:
    """The transformed axis' result size for an input size `n` (None: dynamic)."""
    if length == 0:
        if n is None:
            return None
        length = 2 * (n - 1) if inverse and onesided else n
    if length < 1:
        raise OpVerifyError(f"the DFT length {length} must be >= 1")
    return length // 2 + 1 if onesided and not inverse else length


def _last(inverse: bool, onesided: bool) -> int:
    return 1 if inverse and onesided else 2


def dft_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """The signal's shape with the transformed axis resized and the last dim 2 (1: irfft)."""
    x = req(specs[0], "input")
    _signal(x)
    inverse, onesided, length = _flags(attrs)
    a = dft_axis(int(attrs["axis"]), x.rank)
    shape = list(x.shape)
    shape[a] = dft_dim(shape[a], inverse, onesided, length)
    shape[-1] = _last(inverse, onesided)
    return [TensorSpec(tuple(shape), x.dtype)]


def dynamic_dft_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """As nn.dft; a dim the run-time axis may select is dynamic unless the transform keeps it."""
    x = req(specs[0], "input")
    _signal(x)
    a = req(specs[1], "axis")
    if a.dtype not in INDEX_DTYPES or a.rank != 0:
        raise OpVerifyError(f"operand 'axis' must be an i32 or i64 scalar, got {a.dtype}")
    inverse, onesided, length = _flags(attrs)
    shape = list(x.shape)
    for d in range(x.rank - 1):
        try:
            new = dft_dim(shape[d], inverse, onesided, length)
        except OpVerifyError:  # the axis cannot select this dim (the lowering excludes it)
            new = None
        shape[d] = shape[d] if new == shape[d] else None
    shape[-1] = _last(inverse, onesided)
    return [TensorSpec(tuple(shape), x.dtype)]


def _scalar_input(spec: TensorSpec | None, what: str, dtypes: Sequence[object]) -> None:
    if spec is None:
        return
    if spec.dtype not in dtypes or spec.rank > 1 or (spec.rank == 1 and spec.shape[0] != 1):
        names = ", ".join(map(str, dtypes))
        raise OpVerifyError(
            f"operand '{what}' must be a scalar or 1-element tensor of {names}, "
            f"got {spec.dtype} {show_shape(spec.shape)}"
        )


def non_max_suppression_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """boxes [B, N, 4], scores [B, C, N] -> selected_indices [?, 3] (i64)."""
    boxes, scores = req(specs[0], "boxes"), req(specs[1], "scores")
    need_float(boxes, "boxes")
    if boxes.rank != 3 or boxes.shape[2] not in (4, None):
        raise OpVerifyError(f"operand 'boxes' {show_shape(boxes.shape)} must be [B, N, 4]")
    if scores.dtype != boxes.dtype or scores.rank != 3:
        raise OpVerifyError(
            f"operand 'scores' ({scores.dtype} {show_shape(scores.shape)}) must be a [B, C, N] "
            f"tensor of the boxes' type {boxes.dtype}"
        )
    for a, b, what in (
        (boxes.shape[0], scores.shape[0], "B"),
        (boxes.shape[1], scores.shape[2], "N"),
    ):
        if not same_dim(a, b):
            raise OpVerifyError(
                f"operands 'boxes' {show_shape(boxes.shape)} and 'scores' "
                f"{show_shape(scores.shape)} disagree on {what}"
            )
    _scalar_input(specs[2], "max_output_boxes_per_class", INDEX_DTYPES)
    _scalar_input(specs[3], "iou_threshold", (boxes.dtype,))
    _scalar_input(specs[4], "score_threshold", (boxes.dtype,))
    check_choice(attrs["center_point_box"], (0, 1), "center_point_box")
    return [TensorSpec((None, 3), np.dtype("int64"))]


def stft_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """signal [B, S, 1 or 2] -> [B, frames, bins, 2]; frames depend on the run-time step."""
    x = req(specs[0], "signal")
    _signal(x)
    if x.rank != 3:
        raise OpVerifyError(f"operand 'signal' {show_shape(x.shape)} must be [B, S, 1 or 2]")
    _scalar_input(req(specs[1], "frame_step"), "frame_step", INDEX_DTYPES)
    window, length = specs[2], specs[3]
    if window is not None and (window.rank != 1 or window.dtype != x.dtype):
        raise OpVerifyError(
            f"operand 'window' ({window.dtype} {show_shape(window.shape)}) must be a 1-d tensor "
            f"of the signal's type {x.dtype}"
        )
    _scalar_input(length, "frame_length", INDEX_DTYPES)
    onesided = int(attrs["onesided"])
    check_choice(onesided, (0, 1), "onesided")
    n: Dim = None
    if length is None:
        n = window.shape[0] if window is not None else x.shape[1]
    bins = None if n is None else (n // 2 + 1 if onesided else n)
    return [TensorSpec((x.shape[0], None, bins, 2), x.dtype)]


SIGNAL_OPS: tuple[OpDef, ...] = (
    onnx_op(
        "DFT",
        dft_rule,
        category=SIGNAL,
        input_attrs={"dft_length": (AttrKind.INT, 0), "axis": (AttrKind.INT, -2)},
        doc="`dft_length` 0: the default length; a run-time axis: `nn.dynamic_dft`.",
    ),
    onnx_op(
        "DFT",
        dynamic_dft_rule,
        name="dynamic_dft",
        category=SIGNAL,
        input_attrs={"dft_length": (AttrKind.INT, 0)},
        doc="The form whose axis is computed at run time (a constant axis gives `nn.dft`).",
    ),
    onnx_op(
        "NonMaxSuppression",
        non_max_suppression_rule,
        category=SIGNAL,
        doc="Greedy per (batch, class) in descending score order (ties: lower box first).",
    ),
    onnx_op(
        "STFT",
        stft_rule,
        category=SIGNAL,
        doc="The frame count depends on the run-time `frame_step` (a dynamic dim).",
    ),
)
