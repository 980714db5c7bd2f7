"""`nn` dialect declarations: shape / data movement ops and constants.

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`); conventions are in that module's docstring.

Dependency contract: imports only numpy and `strata.dialects.{opdef,nn_rules,nn_shape_rules}`.
"""

from __future__ import annotations

import numpy as np

from strata.dialects import nn_shape_rules as shp
from strata.dialects.nn_rules import same_as_input
from strata.dialects.opdef import Attr, AttrKind, OpDef, Operand, Result

INT, FLOAT, INTS, STRING = AttrKind.INT, AttrKind.FLOAT, AttrKind.INTS, AttrKind.STRING
X = (Operand("x", "input tensor"),)
Y = (Result("y", "result tensor"),)

# ---- shape and data movement ----------------------------------------------------------------

DATA = (Operand("data", "input tensor"),)
INPUT = (Operand("input", "input tensor"),)
MOVE = "shape and data movement"

DATA_MOVEMENT: tuple[OpDef, ...] = (
    OpDef(
        "reshape",
        "Same elements, new shape (0 copies the input dim, -1 is inferred).",
        DATA,
        Y,
        shp.reshape_rule,
        attrs=(
            Attr("shape", INTS, doc="target shape, ONNX semantics for 0 and -1"),
            Attr("allowzero", INT, 0, "1: a 0 in `shape` means size 0, not copy"),
        ),
        onnx="Reshape",
        category=MOVE,
    ),
    OpDef(
        "transpose",
        "Permute axes: y.shape[i] = data.shape[perm[i]].",
        DATA,
        Y,
        shp.transpose_rule,
        attrs=(Attr("perm", INTS, doc="permutation (the importer fills ONNX's reversed default)"),),
        onnx="Transpose",
        category=MOVE,
    ),
    OpDef(
        "flatten",
        "Reshape to 2-d: (prod(shape[:axis]), prod(shape[axis:])).",
        INPUT,
        Y,
        shp.flatten_rule,
        attrs=(Attr("axis", INT, 1, "split point, in [-rank, rank]"),),
        onnx="Flatten",
        category=MOVE,
    ),
    OpDef(
        "squeeze",
        "Drop size-1 axes (`axes` [] drops all of them).",
        DATA,
        Y,
        shp.squeeze_rule,
        attrs=(Attr("axes", INTS, [], "axes to drop, each of size 1; [] means every size-1 axis"),),
        onnx="Squeeze",
        category=MOVE,
    ),
    OpDef(
        "unsqueeze",
        "Insert size-1 axes at `axes` (positions in the result).",
        DATA,
        Y,
        shp.unsqueeze_rule,
        attrs=(Attr("axes", INTS, doc="positions of the new axes in the result"),),
        onnx="Unsqueeze",
        category=MOVE,
    ),
    OpDef(
        "concat",
        "Concatenate two tensors along `axis`.",
        (Operand("a", "first tensor"), Operand("b", "second tensor, same rank and type")),
        Y,
        shp.concat_rule,
        attrs=(Attr("axis", INT, doc="concatenation axis"),),
        doc="Binary: IRDL forces every value of a variadic operand to one type, so ONNX's "
        "n-ary Concat is imported as a left-to-right chain (one input: identity).",
        onnx="Concat",
        category=MOVE,
    ),
    OpDef(
        "split",
        "Split along `axis` into equal pieces, one result per entry of `split`.",
        INPUT,
        (Result("outputs", "one tensor per entry of `split`", variadic=True),),
        shp.split_rule,
        attrs=(
            Attr("axis", INT, 0, "split axis"),
            Attr("split", INTS, doc="explicit sizes, all equal"),
        ),
        doc="IRDL forces every value of a variadic result to one type, so the pieces must be "
        "equal; the importer turns an uneven ONNX Split into `nn.slice` ops.",
        onnx="Split",
        category=MOVE,
    ),
    OpDef(
        "slice",
        "Strided slice with ONNX clamping (negative indices and steps allowed).",
        DATA,
        Y,
        shp.slice_rule,
        attrs=(
            Attr("starts", INTS, doc="start per sliced axis"),
            Attr("ends", INTS, doc="end (exclusive) per sliced axis; INT64_MAX means to the end"),
            Attr("axes", INTS, doc="sliced axes (explicit)"),
            Attr("steps", INTS, doc="step per sliced axis, non-zero (explicit)"),
        ),
        onnx="Slice",
        category=MOVE,
    ),
    OpDef(
        "gather",
        "Take entries of `data` along `axis` at `indices` (negative indices count from the end).",
        (Operand("data", "tensor to gather from"), Operand("indices", "i32/i64 indices")),
        Y,
        shp.gather_rule,
        attrs=(Attr("axis", INT, 0, "gathered axis"),),
        onnx="Gather",
        category=MOVE,
    ),
    OpDef(
        "expand",
        "Broadcast `input` against `shape` (multidirectional, as ONNX Expand).",
        INPUT,
        Y,
        shp.expand_rule,
        attrs=(Attr("shape", INTS, doc="shape to broadcast with"),),
        onnx="Expand",
        category=MOVE,
    ),
    OpDef(
        "pad",
        "Pad (or crop, with negative pads) each axis.",
        DATA,
        Y,
        shp.pad_rule,
        attrs=(
            Attr("pads", INTS, doc="begin pads of every axis, then end pads"),
            Attr("mode", STRING, "constant", "constant, reflect, edge or wrap"),
            Attr("constant_value", FLOAT, 0.0, "fill value of constant mode"),
        ),
        doc="The importer resolves ONNX's `axes` input into full-rank `pads`.",
        onnx="Pad",
        category=MOVE,
    ),
    OpDef(
        "resize",
        "Resize to explicit `sizes` by nearest / linear / cubic interpolation (ONNX semantics).",
        X,
        Y,
        shp.resize_rule,
        attrs=(
            Attr("sizes", INTS, doc="output shape (the importer computes it from scales)"),
            Attr("scales", AttrKind.FLOATS, [], "ONNX scales if given; [] means sizes / input"),
            Attr("mode", STRING, "nearest", "nearest, linear or cubic"),
            Attr("coordinate_transformation_mode", STRING, "half_pixel", "ONNX's modes"),
            Attr("nearest_mode", STRING, "round_prefer_floor", "rounding of nearest mode"),
            Attr("cubic_coeff_a", FLOAT, -0.75, "cubic interpolation coefficient"),
            Attr("exclude_outside", INT, 0, "zero the weights of samples outside the input"),
            Attr("extrapolation_value", FLOAT, 0.0, "fill value of tf_crop_and_resize"),
            Attr("antialias", INT, 0, "1: widen linear / cubic filters when downsampling"),
            Attr(
                "roi",
                AttrKind.FLOATS,
                [],
                "tf_crop_and_resize region: starts of every axis, then ends ([]: none)",
            ),
        ),
        doc="`scales` is kept because the coordinate transforms divide by the given scale. "
        "The importer resolves ONNX's `axes` and `keep_aspect_ratio_policy` into full-rank "
        "`sizes` / `scales` / `roi`.",
        onnx="Resize",
        category=MOVE,
    ),
    OpDef(
        "cast",
        "Convert elements to the element type `to`.",
        INPUT,
        Y,
        shp.cast_rule,
        attrs=(
            Attr("to", AttrKind.TYPE, doc="result element type"),
            Attr(
                "saturate",
                AttrKind.INT,
                1,
                "float8 targets (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz, e8m0): 1 clamps out-of-range "
                "values (and infinities) to the largest finite value; 0 gives inf or NaN",
            ),
            Attr(
                "round_mode",
                AttrKind.STRING,
                "up",
                "float8e8m0 targets: `up`, `down` or `nearest` (ties up)",
            ),
        ),
        doc="Low-precision types (float8 / float4 / int4 / int2) convert with ONNX's (and "
        "ml_dtypes') rules: round to nearest even; int4 / int2 wrap around like other "
        "integers.",
        onnx="Cast",
        category=MOVE,
    ),
    OpDef(
        "identity",
        "The input, unchanged.",
        INPUT,
        Y,
        same_as_input,
        onnx="Identity",
        category=MOVE,
    ),
    OpDef(
        "shape",
        "The input's shape (dims start..end) as a 1-d i64 tensor.",
        DATA,
        Y,
        shp.shape_rule,
        attrs=(
            Attr("start", INT, 0, "first dim (clamped)"),
            Attr("end", INT, shp.INT64_MAX, "end dim, exclusive (clamped; default: rank)"),
        ),
        onnx="Shape",
        category=MOVE,
    ),
)

# ---- run-time shapes --------------------------------------------------------------------------
# The forms of Reshape, Slice, Expand and ConstantOfShape whose shape-like inputs are computed
# at run time (StableHLO's dynamic_* ops are the precedent). With constant operands each folds
# to its static op (the importer picks that form; `strata-nn-fold-dynamic` in
# `passes/fold_dynamic.py` rewrites later ones).

I64_VECTOR = "1-d i64 (or i32) tensor"

DYNAMIC_SHAPES: tuple[OpDef, ...] = (
    OpDef(
        "dynamic_reshape",
        "Reshape to a target shape computed at run time (0 copies, -1 is inferred).",
        (Operand("data", "input tensor"), Operand("shape", f"target shape, {I64_VECTOR}")),
        Y,
        shp.dynamic_reshape_rule,
        attrs=(Attr("allowzero", INT, 0, "1: a 0 in `shape` means size 0, not copy"),),
        doc="Folds to `nn.reshape` when `shape` is a constant.",
        onnx="Reshape",
        category=MOVE,
    ),
    OpDef(
        "dynamic_slice",
        "Strided slice with bounds, axes and steps computed at run time (ONNX clamping).",
        (
            Operand("data", "input tensor"),
            Operand("starts", I64_VECTOR),
            Operand("ends", I64_VECTOR),
            Operand("axes", f"{I64_VECTOR} (the importer fills in 0..n-1)"),
            Operand("steps", f"{I64_VECTOR} (the importer fills in ones)"),
        ),
        Y,
        shp.dynamic_slice_rule,
        doc="Folds to `nn.slice` when every operand but `data` is a constant.",
        onnx="Slice",
        category=MOVE,
    ),
    OpDef(
        "dynamic_expand",
        "Broadcast `input` against a shape computed at run time (as ONNX Expand).",
        (Operand("input", "input tensor"), Operand("shape", I64_VECTOR)),
        Y,
        shp.dynamic_expand_rule,
        doc="Folds to `nn.expand` when `shape` is a constant.",
        onnx="Expand",
        category=MOVE,
    ),
    OpDef(
        "dynamic_constant_of_shape",
        "A tensor of a run-time shape filled with the single element of `value`.",
        (Operand("shape", I64_VECTOR),),
        Y,
        shp.dynamic_constant_of_shape_rule,
        attrs=(Attr("value", AttrKind.TENSOR, np.zeros((1,), np.float32), "one-element tensor"),),
        doc="Folds to `nn.constant_of_shape` when `shape` is a constant.",
        onnx="ConstantOfShape",
        category=MOVE,
    ),
    OpDef(
        "range",
        "start, start + delta, ... up to (excluding) limit; its length is known at run time.",
        (
            Operand("start", "scalar"),
            Operand("limit", "scalar, same type"),
            Operand("delta", "scalar, same type, non-zero"),
        ),
        Y,
        shp.range_rule,
        onnx="Range",
        category=MOVE,
    ),
    OpDef(
        "size",
        "The number of elements of the input, as an i64 scalar.",
        DATA,
        Y,
        shp.size_rule,
        onnx="Size",
        category=MOVE,
    ),
)

# ---- constants ------------------------------------------------------------------------------

CONSTANTS: tuple[OpDef, ...] = (
    OpDef(
        "constant",
        "A constant tensor (weights use dense_resource blobs).",
        (),
        Y,
        shp.constant_rule,
        attrs=(Attr("value", AttrKind.TENSOR, doc="dense<...> or dense_resource<...>"),),
        onnx="Constant",
        category="constants",
    ),
    OpDef(
        "constant_of_shape",
        "A tensor of shape `shape` filled with the single element of `value`.",
        (),
        Y,
        shp.constant_of_shape_rule,
        attrs=(
            Attr("shape", INTS, doc="result shape (ONNX's input, folded)"),
            Attr("value", AttrKind.TENSOR, np.zeros((1,), np.float32), "one-element tensor"),
        ),
        onnx="ConstantOfShape",
        category="constants",
    ),
)
