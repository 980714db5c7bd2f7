"""`nn` dialect declarations: signal-processing ops (the discrete Fourier transform).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). Operands, attributes and defaults are derived from the ONNX schemas
(`strata.dialects.onnx_schema.onnx_op`); only the shape rules are written here.

* `nn.dft`: DFT with `dft_length` and `axis` as attributes (`dft_length` 0: ONNX's default,
  the axis length, or 2 * (length - 1) for an inverse one-sided transform).
* `nn.dynamic_dft`: the form whose axis is computed at run time (operand `axis`); the result
  dims the axis may select are dynamic where they would change with it.

The signal's last dim is 1 (real) or 2 (real, imaginary); the result's last dim is 2, or 1 for
an inverse one-sided transform (a real signal).

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from strata.dialects.nn_rules import (
    INDEX_DTYPES,
    Attrs,
    Specs,
    need_float,
    req,
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
)
