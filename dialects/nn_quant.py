"""`nn` dialect declarations: linear quantization (QuantizeLinear, DequantizeLinear).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). Both ops are derived from the ONNX schemas (`onnx_op`); what is Strata's own:

* `output_dtype` is an element type (ONNX: a TensorProto code, 0 = implied). The importer
  always sets it: QuantizeLinear's is the zero point's type, else ONNX's `output_dtype`,
  else uint8; DequantizeLinear's is ONNX's `output_dtype`, else the scale's type.
* `precision` (QuantizeLinear) is the element type `x / y_scale` is computed in; the importer
  sets it to ONNX's `precision`, else the type numpy gives `x / y_scale` (what
  onnx.reference computes).

The scale (and zero point, which has the scale's shape) is per tensor (rank 0, or one
element), per axis (1-d, `x.shape[axis]` elements) or blocked (`block_size` > 0: the rank of
`x`, `ceil(x.shape[axis] / block_size)` along `axis`, `x`'s dims elsewhere). The QLinear /
Integer ops (QLinearMatMul, QLinearConv, MatMulInteger, ConvInteger, DynamicQuantizeLinear)
import as compositions of these and integer matmul / conv accumulating in i32.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata import dtypes
from strata.dialects.nn_rules import Attrs, Specs, norm_axis, req, same_dim, show_shape
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import REQUIRED, Attr, AttrKind, OpVerifyError, TensorSpec

QUANT = "quantization"


def is_quantized_type(dtype: np.dtype[Any]) -> bool:
    """Whether `dtype` can hold quantized values: an integer of at most 16 bits, or a float
    of one byte or less (float8 / float4 kinds, once the element-type table has them)."""
    d = dtypes.lookup(dtype)
    if d is None:
        return False
    if d.kind in (dtypes.Kind.SIGNED, dtypes.Kind.UNSIGNED):
        return d.np.itemsize <= 2
    return d.kind is dtypes.Kind.FLOAT and d.np.itemsize == 1


def _element_type(attrs: Attrs, name: str) -> np.dtype[Any]:
    try:
        return np.dtype(attrs[name])
    except TypeError:
        raise OpVerifyError(
            f"attribute '{name}' = {attrs[name]!r} is not an element type"
        ) from None


def check_scale_shape(
    x: TensorSpec, scale: TensorSpec, what: str, axis: int, block_size: int
) -> None:
    """`scale` (or a zero point) is per tensor, per axis or blocked for `x` (module doc)."""
    if block_size < 0:
        raise OpVerifyError(f"attribute 'block_size' = {block_size} must be >= 0")
    if scale.rank == 0 or (scale.rank == 1 and scale.shape[0] == 1):
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
        raise OpVerifyError(
            f"attribute 'output_dtype' = {out} must be an integer type of at most 16 bits or "
            "an 8-bit (or narrower) float type"
        )
    axis, block = int(attrs["axis"]), int(attrs["block_size"])
    check_scale_shape(x, scale, "y_scale", axis, block)
    if zp is not None:
        if zp.dtype != out:
            raise OpVerifyError(
                f"operand 'y_zero_point' has element type {zp.dtype}; expected 'output_dtype' {out}"
            )
        if zp.rank != scale.rank or not all(
            same_dim(a, b) for a, b in zip(zp.shape, scale.shape, strict=True)
        ):
            raise OpVerifyError(
                f"operand 'y_zero_point' {show_shape(zp.shape)} must have the shape of "
                f"'y_scale' {show_shape(scale.shape)}"
            )
    if attrs["saturate"] not in (0, 1):
        raise OpVerifyError(f"attribute 'saturate' = {attrs['saturate']} must be 0 or 1")
    return [TensorSpec(x.shape, out)]


def dequantize_linear_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """y = (x - x_zero_point) * x_scale: `x`'s shape, type `output_dtype`."""
    x, scale = req(specs[0], "x"), req(specs[1], "x_scale")
    zp = specs[2] if len(specs) > 2 else None
    out = _element_type(attrs, "output_dtype")
    if not (is_quantized_type(x.dtype) or x.dtype == np.dtype("int32")):
        raise OpVerifyError(
            f"operand 'x' must be a quantized (integer of <= 16 bits, 8-bit float) or i32 "
            f"tensor, got {x.dtype}"
        )
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
        if zp.rank != scale.rank or not all(
            same_dim(a, b) for a, b in zip(zp.shape, scale.shape, strict=True)
        ):
            raise OpVerifyError(
                f"operand 'x_zero_point' {show_shape(zp.shape)} must have the shape of "
                f"'x_scale' {show_shape(scale.shape)}"
            )
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
        doc="Rounds half to even. Integer results saturate to the type's range; float8 ones "
        "with `saturate` clamp to the finite range (the zero point of float8 results is "
        "ignored, it must be 0). `output_dtype` and `precision` are element types, always "
        "set by the importer.",
    ),
    onnx_op(
        "DequantizeLinear",
        dequantize_linear_rule,
        category=QUANT,
        drop=("output_dtype",),
        extra_attrs=(Attr("output_dtype", AttrKind.TYPE, REQUIRED, _OUTPUT_DTYPE),),
        doc="Computes as onnx.reference does: x in f32 (f64 when the zero point is 32-bit), "
        "times the scale, rounded to `output_dtype`. The zero point of float inputs is ignored "
        "(it must be 0).",
    ),
)
