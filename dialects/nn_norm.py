"""`nn` dialect declarations: normalisations over trailing axes (LayerNormalization,
RMSNormalization).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). Both ops mirror ONNX one to one, so their operands, results, attributes and
defaults are derived from the ONNX schemas (`strata.dialects.onnx_schema.onnx_op`); only the
shape rules are written here. The statistics results (LayerNormalization's `mean` and
`inv_std_dev`) have the input's element type, as in ONNX's reference implementation; they are
computed in f32 for f16 inputs. Batch, instance and group normalisation, LRN and
MeanVarianceNormalization are composed of other nn ops by the importer.

Dependency contract: imports only `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from strata.dialects.nn_rules import (
    Attrs,
    Specs,
    broadcasts_to,
    need_float,
    norm_axis,
    req,
    same_dtype,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import OpDef, OpVerifyError, TensorSpec

NORMALIZATION = "normalization"

# ONNX element types a `stash_type` may name (the precision of the statistics).
STASH_TYPES = (1, 10, 11)  # float, float16, double


def _normalized(specs: Specs, attrs: Attrs, operands: tuple[str, ...]) -> tuple[TensorSpec, int]:
    """x and the first normalised axis; every named operand must broadcast to x.shape[axis:]."""
    x = req(specs[0], "x")
    need_float(x, "x")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    if attrs["stash_type"] not in STASH_TYPES:
        raise OpVerifyError(
            f"attribute 'stash_type' = {attrs['stash_type']} must be one of {list(STASH_TYPES)}"
        )
    norm_shape = x.shape[axis:]
    for spec, name in zip(specs[1:], operands, strict=True):
        if spec is None:
            if name == "scale":
                raise OpVerifyError("operand 'scale' is required")
            continue
        same_dtype(x, "x", spec, name)
        if not broadcasts_to(spec.shape, norm_shape):
            raise OpVerifyError(
                f"operand '{name}' {show_shape(spec.shape)} must broadcast to the normalized "
                f"shape {show_shape(norm_shape)} (axis={attrs['axis']})"
            )
    return x, axis


def layer_norm_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """y has x's type; mean and inv_std_dev keep the leading axes and are 1 from `axis` on."""
    x, axis = _normalized(specs, attrs, ("scale", "b"))
    stats = TensorSpec((*x.shape[:axis], *([1] * (x.rank - axis))), x.dtype)
    return [x, stats, stats]


def rms_norm_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, _ = _normalized(specs, attrs, ("scale",))
    return [x]


NORM_OPS: tuple[OpDef, ...] = (
    onnx_op(
        "LayerNormalization",
        layer_norm_rule,
        category=NORMALIZATION,
        rename={"InvStdDev": "inv_std_dev"},
        doc="(x - mean) / sqrt(var + epsilon) * scale + b over the axes [axis, rank).",
    ),
    onnx_op(
        "RMSNormalization",
        rms_norm_rule,
        category=NORMALIZATION,
        doc="x / sqrt(mean(x^2) + epsilon) * scale over the axes [axis, rank).",
    ),
)
