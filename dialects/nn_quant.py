"""`nn` dialect declarations: linear quantization (QuantizeLinear, DequantizeLinear).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). Both ops are derived from the ONNX schemas (`onnx_op`); what is Strata's own:

* `output_dtype` is an element type (ONNX: a TensorProto code, 0 = implied). The importer
  always sets it: QuantizeLinear's is the zero point's type, else ONNX's `output_dtype`,
  else uint8; DequantizeLinear's is ONNX's `output_dtype`, else the scale's type.
* `precision` (QuantizeLinear) is the element type `x / y_scale` is computed in; the importer
  sets it to ONNX's `precision`, else the type numpy gives `x / y_scale` (what
  onnx.reference computes).
* Quantized types: integers of at most 16 bits, int4 / uint4 / int2 / uint2, float8 e4m3fn /
  e4m3fnuz / e5m2 / e5m2fnuz and float4 e2m1fn (`is_quantized_type`; float8e8m0 is refused).

The scale (and zero point, which has the scale's shape; a scalar and a one-element 1-d
tensor both count as per tensor) is per tensor (rank 0, or one element), per axis (1-d,
`x.shape[axis]` elements) or blocked (`block_size` > 0: the rank of `x`,
`ceil(x.shape[axis] / block_size)` along `axis`, `x`'s dims elsewhere). The QLinear /
Integer ops (QLinearMatMul, QLinearConv, MatMulInteger, ConvInteger, DynamicQuantizeLinear)
import as compositions of these and integer matmul / conv accumulating in i32.

Dependency contract: imports only numpy, `strata.dtypes` and
`strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata import dtypes
from strata.dialects.nn_rules import Attrs, Specs, norm_axis, req, same_dim, show_shape
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import REQUIRED, Attr, AttrKind, OpVerifyError, TensorSpec

QUANT = "quantization"


# float8 / float4 kinds ONNX quantizes to (float8e8m0 is a scale type, not a quantized one)
QUANTIZED_FLOATS = frozenset(
    {"float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float4_e2m1fn"}
)
_QUANTIZED_KINDS = (
    dtypes.Kind.SIGNED,
    dtypes.Kind.UNSIGNED,
    dtypes.Kind.NARROW_SIGNED,
    dtypes.Kind.NARROW_UNSIGNED,
)


def is_quantized_type(dtype: np.dtype[Any]) -> bool:
    """Whether `dtype` can hold quantized values: an integer of at most 16 bits (int4 / uint4
    / int2 / uint2 included) or a float8 / float4 kind of `QUANTIZED_FLOATS`."""
    d = dtypes.lookup(dtype)
    if d is None:
        return False
    if d.kind in _QUANTIZED_KINDS:
        return d.bits <= 16
    return d.kind is dtypes.Kind.NARROW_FLOAT and d.name in QUANTIZED_FLOATS


_QUANTIZED = (
    "an integer type of at most 16 bits (int4 / uint4 / int2 / uint2 included) or float8 "
    "e4m3fn / e4m3fnuz / e5m2 / e5m2fnuz or float4 e2m1fn"
)


def _element_type(attrs: Attrs, name: str) -> np.dtype[Any]:
    try:
        return np.dtype(attrs[name])
    except TypeError:
        raise OpVerifyError(
            f"attribute '{name}' = {attrs[name]!r} is not an element type"
        ) from None


def _per_tensor(t: TensorSpec) -> bool:
    return t.rank == 0 or (t.rank == 1 and t.shape[0] == 1)


def check_scale_shape(
    x: TensorSpec, scale: TensorSpec, what: str, axis: int, block_size: int
) -> None:
    """`scale` (or a zero point) is per tensor, per axis or blocked for `x` (module doc)."""
    if block_size < 0:
        raise OpVerifyError(f"attribute 'block_size' = {block_size} must be >= 0")
    if _per_tensor(scale):
        return
    if x.rank == 0:
        raise OpVerifyError(
            f"operand '{what}' {show_shape(scale.shape)} must be a scalar for a scalar input"
        )
    ax = norm_axis(axis, x.rank, "axis")
    if block_size == 0:
        if scale.rank != 1 or not same_dim(scale.shape[0], x.shape[ax]):
            raise OpVerifyError(
                f"operand '{what}' {show_shape(scale.shape)} must be a scalar or a 1-d tensor "
                f"of x.shape[{ax}] = {show_shape(x.shape[ax : ax + 1])} elements (per axis); "
                "blocked quantization needs 'block_size' > 0"
            )
        return
    want = tuple(
        None if d is None else (-(-d // block_size) if i == ax else d)
        for i, d in enumerate(x.shape)
    )
    if scale.rank != x.rank or not all(
        same_dim(a, b) for a, b in zip(scale.shape, want, strict=True)
    ):
        raise OpVerifyError(
            f"operand '{what}' {show_shape(scale.shape)} must have shape {show_shape(want)} "
            f"for x {show_shape(x.shape)} blocked by {block_size} along axis {ax}"
        )


def check_zero_point_shape(zp: TensorSpec, scale: TensorSpec, what: str, scale_name: str) -> None:
    """The zero point has the scale's shape; a scalar and a one-element 1-d tensor both mean
    per tensor (the ONNX node tests pair a [1] zero point with a scalar scale)."""
    if _per_tensor(zp) and _per_tensor(scale):
        return
    if zp.rank != scale.rank or not all(
        same_dim(a, b) for a, b in zip(zp.shape, scale.shape, strict=True)
    ):
        raise OpVerifyError(
            f"operand '{what}' {show_shape(zp.shape)} must have the shape of "
            f"'{scale_name}' {show_shape(scale.shape)}"
        )


def quantize_linear_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """y = saturate(round(x / y_scale) + y_zero_point): `x`'s shape, type `output_dtype`."""
    x, scale = req(specs[0], "x"), req(specs[1], "y_scale")
    zp = specs[2] if len(specs) > 2 else None
    out = _element_type(attrs, "output_dtype")
    precision = _element_type(attrs, "precision")
    if not (dtypes.is_float(x.dtype) or x.dtype == np.dtype("int32")):
        raise OpVerifyError(f"operand 'x' must be a float or i32 tensor, got {x.dtype}")
    if not dtypes.is_float(scale.dtype) and scale.dtype != np.dtype("int32"):
        raise OpVerifyError(f"operand 'y_scale' must be a float or i32 tensor, got {scale.dtype}")
    if not dtypes.is_float(precision):
        raise OpVerifyError(f"attribute 'precision' = {precision} must be a float type")
    if not is_quantized_type(out):
        raise OpVerifyError(f"attribute 'output_dtype' = {out} must be {_QUANTIZED}")
    axis, block = int(attrs["axis"]), int(attrs["block_size"])
    check_scale_shape(x, scale, "y_scale", axis, block)
    if zp is not None:
        if zp.dtype != out:
            raise OpVerifyError(
                f"operand 'y_zero_point' has element type {zp.dtype}; expected 'output_dtype' {out}"
            )
        check_zero_point_shape(zp, scale, "y_zero_point", "y_scale")
    if attrs["saturate"] not in (0, 1):
        raise OpVerifyError(f"attribute 'saturate' = {attrs['saturate']} must be 0 or 1")
    return [TensorSpec(x.shape, out)]


def dequantize_linear_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """y = (x - x_zero_point) * x_scale: `x`'s shape, type `output_dtype`."""
    x, scale = req(specs[0], "x"), req(specs[1], "x_scale")
    zp = specs[2] if len(specs) > 2 else None
    out = _element_type(attrs, "output_dtype")
    if not (is_quantized_type(x.dtype) or x.dtype == np.dtype("int32")):
        raise OpVerifyError(f"operand 'x' must be i32 or {_QUANTIZED}, got {x.dtype}")
    if not dtypes.is_float(scale.dtype):
        raise OpVerifyError(f"operand 'x_scale' must be a float tensor, got {scale.dtype}")
    if not dtypes.is_float(out):
        raise OpVerifyError(f"attribute 'output_dtype' = {out} must be a float type")
    check_scale_shape(x, scale, "x_scale", int(attrs["axis"]), int(attrs["block_size"]))
    if zp is not None:
        if zp.dtype != x.dtype:
            raise OpVerifyError(
                f"operand 'x_zero_point' has element type {zp.dtype}; expected x's {x.dtype}"
            )
        check_zero_point_shape(zp, scale, "x_zero_point", "x_scale")
    return [TensorSpec(x.shape, out)]


_OUTPUT_DTYPE = "element type of the result (the importer resolves ONNX's implied default)"

QUANT_OPS = (
    onnx_op(
        "QuantizeLinear",
        quantize_linear_rule,
        category=QUANT,
        drop=("output_dtype", "precision"),
        extra_attrs=(
            Attr("output_dtype", AttrKind.TYPE, REQUIRED, _OUTPUT_DTYPE),
            Attr("precision", AttrKind.TYPE, REQUIRED, "element type of x / y_scale"),
        ),
        doc="Rounds half to even. Integer results (int4 / int2 too) saturate to the type's "
        "range; float8 ones with `saturate` clamp to the finite range, without it overflow to "
        "inf / NaN; float4 results always saturate. The zero point of float8 results is "
        "ignored (it must be 0), that of float4 ones is added (as onnx.reference does). "
        "`output_dtype` and `precision` are element types, always set by the importer.",
    ),
    onnx_op(
        "DequantizeLinear",
        dequantize_linear_rule,
        category=QUANT,
        drop=("output_dtype",),
        extra_attrs=(Attr("output_dtype", AttrKind.TYPE, REQUIRED, _OUTPUT_DTYPE),),
        doc="Computes as onnx.reference does: x in f32 (f64 when the zero point is 32-bit; "
        "float8 / float4 / int4 / int2 decoded exactly), times the scale, rounded to "
        "`output_dtype`. The zero point of float8 / float4 inputs is ignored (it must be 0).",
    ),
)
