"""nn ops for low-precision element types: BitCast (Cast itself is `nn.cast`).

`nn.bit_cast` reinterprets the bits of each element as another element type of the same bit
width (ONNX BitCast, opset 26), e.g. f32 <-> i32, i8 <-> ui8, f8E4M3FN <-> ui8, bool <-> ui8
(bool is one byte in ONNX and numpy). Bit widths are those of `strata.dtypes` (`DType.bits`,
with bool counted as its 8-bit storage).

Dependency contract: imports numpy, `strata.dtypes` and `strata.dialects.{opdef,nn_rules,
onnx_schema}`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from strata import dtypes
from strata.dialects.nn_rules import Attrs, Specs, req
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import Attr, AttrKind, OpDef, OpVerifyError, TensorSpec

CATEGORY = "shape and data movement"


def bit_width(dtype: Any) -> int | None:
    """The bits of one element as BitCast counts them (bool: its byte), None if unknown."""
    d = dtypes.lookup(dtype)
    if d is None:
        return None
    return 8 if d.kind is dtypes.Kind.BOOL else d.bits


def bitcast_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    try:
        to = np.dtype(attrs["to"])
    except TypeError:
        raise OpVerifyError(f"attribute 'to' = {attrs['to']!r} is not an element type") from None
    have, want = bit_width(x.dtype), bit_width(to)
    if have is None or want is None or have != want:
        raise OpVerifyError(
            f"attribute 'to' = {to.name} ({want} bits): expected an element type as wide as "
            f"the input's {x.dtype.name} ({have} bits)"
        )
    return [TensorSpec(x.shape, to)]


LOWP_OPS: tuple[OpDef, ...] = (
    onnx_op(
        "BitCast",
        bitcast_rule,
        category=CATEGORY,
        drop=["to"],
        extra_attrs=(Attr("to", AttrKind.TYPE, doc="result element type, as wide as the input's"),),
    ),
)
