"""`nn` dialect declarations: indexing ops (gathers and scatters by index tensors).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). These ops mirror ONNX one to one, so their operands, attributes and defaults are
derived from the ONNX schemas (`strata.dialects.onnx_schema.onnx_op`); only the shape rules
are written here.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from strata.dialects.nn_rules import INDEX_DTYPES, Attrs, Specs, norm_axis, req, show_shape
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import OpDef, OpVerifyError, TensorSpec

INDEXING = "indexing"


def _index_operand(spec: TensorSpec, what: str) -> None:
    if spec.dtype not in INDEX_DTYPES:
        raise OpVerifyError(f"operand '{what}' must be an i32 or i64 tensor, got {spec.dtype}")


def gather_elements_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """The result has the indices' shape and the data's element type."""
    x, idx = req(specs[0], "data"), req(specs[1], "indices")
    _index_operand(idx, "indices")
    if idx.rank != x.rank:
        raise OpVerifyError(
            f"operands 'data' {show_shape(x.shape)} and 'indices' {show_shape(idx.shape)} "
            "must have one rank"
        )
    norm_axis(attrs["axis"], x.rank, "axis")
    return [TensorSpec(idx.shape, x.dtype)]


INDEXING_OPS: tuple[OpDef, ...] = (
    onnx_op("GatherElements", gather_elements_rule, category=INDEXING),
)
