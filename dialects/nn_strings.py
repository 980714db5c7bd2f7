"""`nn` dialect declarations: ops on UTF-8 string tensors (`tensor<...x!nn.string>`).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). A string element is `!nn.string` (`strata.dtypes.STRING`); below nn it is a
handle (the address of a NUL-terminated UTF-8 string, an `i64`), and these ops lower to calls
of the string runtime (`targets/cpu/runtime/strings.cpp`, see `passes/lowering/strings.py`).
Data movement (Identity, Reshape, Gather, Concat, ...) and `nn.equal` accept string tensors
as they are.

StringConcat, StringNormalizer, StringSplit and RegexFullMatch mirror ONNX and are derived
from its schemas; `label_encoder` is ai.onnx.ml's LabelEncoder in a normal form (string keys,
the values and the default as tensors of the result's element type), which the importer
builds from whichever of the `keys_*` / `values_*` / `default_*` attributes a model uses;
`string_constant` (no ONNX op of its own) holds a constant string tensor, which the importer
emits for string initializers and Constants.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`,
`strata.dtypes`.
"""

from __future__ import annotations

import numpy as np

from strata import dtypes
from strata.dialects.nn_rules import (
    BOOL,
    Attrs,
    Specs,
    broadcast_shapes,
    check_choice,
    req,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import (
    REQUIRED,
    Attr,
    AttrKind,
    OpDef,
    OpVerifyError,
    Result,
    TensorSpec,
)

STRINGS = "strings"
STRING = dtypes.STRING.np
I64 = np.dtype("int64")
CASE_ACTIONS = ("NONE", "LOWER", "UPPER")


def _tensor_spec(v: object) -> TensorSpec:
    """A TENSOR attribute as a spec (builders hand the rule the numpy array itself)."""
    if isinstance(v, TensorSpec):
        return v
    arr = np.asarray(v)
    return TensorSpec(tuple(int(d) for d in arr.shape), arr.dtype)


def need_string(spec: TensorSpec, what: str) -> None:
    if spec.dtype != STRING:
        raise OpVerifyError(f"operand '{what}' must be a string tensor, got {spec.dtype}")


def string_concat_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise x + y with broadcasting; both strings."""
    x, y = req(specs[0], "x"), req(specs[1], "y")
    need_string(x, "x")
    need_string(y, "y")
    return [TensorSpec(broadcast_shapes(x.shape, y.shape), STRING)]


def string_normalizer_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """[C] -> [?] or [1, C] -> [1, ?]: how many strings stay is known at run time."""
    x = req(specs[0], "x")
    need_string(x, "x")
    check_choice(attrs["case_change_action"], CASE_ACTIONS, "case_change_action")
    if x.rank == 1:
        return [TensorSpec((None,), STRING)]
    if x.rank == 2 and x.shape[0] in (1, None):
        return [TensorSpec((1, None), STRING)]
    raise OpVerifyError(f"operand 'x' {show_shape(x.shape)} must have shape [C] or [1, C]")


def string_split_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """substrings: x's shape + [?] (the most pieces of any element); length: x's shape."""
    x = req(specs[0], "x")
    need_string(x, "x")
    maxsplit = attrs["maxsplit"]
    if maxsplit < -1:
        raise OpVerifyError(f"attribute 'maxsplit' = {maxsplit} must be >= -1 (-1: no limit)")
    return [TensorSpec((*x.shape, None), STRING), TensorSpec(x.shape, I64)]


def regex_full_match_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise: whether the whole string matches `pattern`; the result is bool."""
    x = req(specs[0], "x")
    need_string(x, "x")
    if not attrs["pattern"]:
        raise OpVerifyError("attribute 'pattern' must not be empty")
    return [TensorSpec(x.shape, BOOL)]


def label_encoder_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise lookup of string keys; the result has the values' element type."""
    x = req(specs[0], "x")
    need_string(x, "x")
    keys = attrs["keys"]
    values, default = _tensor_spec(attrs["values"]), _tensor_spec(attrs["default"])
    if values.rank != 1 or values.shape[0] != len(keys):
        raise OpVerifyError(
            f"attribute 'values' {show_shape(values.shape)} must be 1-d with one value per "
            f"key ({len(keys)})"
        )
    if default.shape != (1,) or default.dtype != values.dtype:
        raise OpVerifyError(
            f"attribute 'default' ({default.dtype}{show_shape(default.shape)}) must be one "
            f"{values.dtype} value"
        )
    if values.dtype == STRING:
        raise OpVerifyError("attribute 'values' must be numeric (string values are not lowered)")
    return [TensorSpec(x.shape, values.dtype)]


def string_constant_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """A constant of `shape` holding `values` in row-major order."""
    shape, values = list(attrs["shape"]), attrs["values"]
    if any(d < 0 for d in shape):
        raise OpVerifyError(f"attribute 'shape' = {shape} must be all >= 0")
    n = int(np.prod(shape, dtype=np.int64))
    if n != len(values):
        raise OpVerifyError(
            f"attribute 'values' holds {len(values)} strings; shape {shape} needs {n}"
        )
    return [TensorSpec(tuple(shape), STRING)]


STRING_OPS: tuple[OpDef, ...] = (
    onnx_op("StringConcat", string_concat_rule, category=STRINGS),
    onnx_op(
        "StringNormalizer",
        string_normalizer_rule,
        category=STRINGS,
        # Strata's case mapping is ASCII-only and locale-independent (see the lowering)
        drop=["locale"],
        defaults={"stopwords": []},
    ),
    onnx_op(
        "StringSplit",
        string_split_rule,
        category=STRINGS,
        # delimiter "": split on runs of whitespace; maxsplit -1: no limit (ONNX: absent)
        defaults={"delimiter": "", "maxsplit": -1},
    ),
    onnx_op("RegexFullMatch", regex_full_match_rule, category=STRINGS, defaults={"pattern": ""}),
    onnx_op(
        "LabelEncoder",
        label_encoder_rule,
        category=STRINGS,
        domain="ai.onnx.ml",
        drop=[
            *(f"{p}_{t}" for p in ("keys", "values") for t in ("floats", "int64s", "strings")),
            *(f"{p}_tensor" for p in ("keys", "values", "default")),
            "default_float",
            "default_int64",
            "default_string",
        ],
        extra_attrs=(
            Attr("keys", AttrKind.STRINGS, REQUIRED, "the string keys"),
            Attr("values", AttrKind.TENSOR, REQUIRED, "1-d: the value of each key"),
            Attr("default", AttrKind.TENSOR, REQUIRED, "one value: for a string not in keys"),
        ),
    ),
    OpDef(
        "string_constant",
        "A constant string tensor (string initializers and Constants; MLIR's dense "
        "attributes hold no `!nn.string` elements).",
        (),
        (Result("output", "the strings"),),
        string_constant_rule,
        attrs=(
            Attr("values", AttrKind.STRINGS, REQUIRED, "the strings, row-major"),
            Attr("shape", AttrKind.INTS, REQUIRED, "the tensor's dims"),
        ),
        onnx="Constant",
        category=STRINGS,
    ),
)
