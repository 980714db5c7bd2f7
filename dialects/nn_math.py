"""`nn` dialect declarations: math, rounding, bitwise and further activation ops, and Clip.

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). These ops mirror ONNX one to one, so their operands, attributes and defaults are
derived from the ONNX schemas (`strata.dialects.onnx_schema.onnx_op`); what is written here is
the shape / element-type rule of each, and renames to the dialect's names (`x` for a unary
operand, `a`, `b` for binary ones, `y` for the result).

Element types: floating-point ops take f16, bf16, f32 and f64; integer ops take signed (`i<N>`)
and unsigned (`ui<N>`) integers (`strata.dtypes`); none takes bool unless stated.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`
(and through them `strata.dtypes`, `onnx.defs` and `mlir`).
"""

from __future__ import annotations

from strata import dtypes
from strata.dialects.nn_rules import (
    BOOL,
    Attrs,
    Specs,
    broadcast_binary,
    broadcasts_to,
    check_choice,
    float_unary,
    logic_binary,
    need_float,
    req,
    same_dtype,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import OpDef, OpVerifyError, TensorSpec

ELEMENTWISE, ACTIVATION, BITWISE, LOGIC = (
    "elementwise",
    "activation",
    "bitwise",
    "comparison and logic",
)

# ONNX operand / result names -> the dialect's elementwise names.
_NAMES = {"X": "x", "input": "x", "Y": "y", "output": "y", "A": "a", "B": "b", "C": "y"}


def need_numeric(spec: TensorSpec, what: str) -> None:
    if spec.dtype == BOOL or dtypes.lookup(spec.dtype) is None:
        raise OpVerifyError(f"operand '{what}' must be a numeric tensor, got {spec.dtype}")


def need_integer(spec: TensorSpec, what: str) -> None:
    if not dtypes.is_integer(spec.dtype):
        raise OpVerifyError(f"operand '{what}' must be an integer tensor, got {spec.dtype}")


def numeric_unary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise unary op on any numeric tensor; the result has the operand's type."""
    x = req(specs[0], "x")
    need_numeric(x, "x")
    return [x]


def integer_unary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    need_integer(x, "x")
    return [x]


def integer_binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise binary op on integer tensors of one element type, with broadcasting."""
    (r,) = broadcast_binary(specs, attrs)
    need_integer(req(specs[0], "a"), "a")
    return [r]


def numeric_binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    (r,) = broadcast_binary(specs, attrs)
    need_numeric(req(specs[0], "a"), "a")
    return [r]


def mod_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Mod: numeric operands of one type; `fmod` is 0 (floored, sign of b) or 1 (truncated)."""
    (r,) = numeric_binary(specs, attrs)
    check_choice(attrs["fmod"], (0, 1), "fmod")
    return [r]


def bit_shift_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    check_choice(attrs["direction"], ("LEFT", "RIGHT"), "direction")
    return integer_binary(specs, attrs)


def is_inf_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    need_float(x, "x")
    return [TensorSpec(x.shape, BOOL)]


def prelu_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """PRelu: `slope` broadcasts unidirectionally to `x`; the result has x's shape."""
    x, slope = req(specs[0], "x"), req(specs[1], "slope")
    need_numeric(x, "x")
    same_dtype(x, "x", slope, "slope")
    if not broadcasts_to(slope.shape, x.shape):
        raise OpVerifyError(
            f"operand 'slope' {show_shape(slope.shape)} must broadcast to 'x' {show_shape(x.shape)}"
        )
    return [x]


def clip_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Clip: optional 0-d bounds of x's element type."""
    x = req(specs[0], "x")
    need_numeric(x, "x")
    for spec, name in ((specs[1], "min"), (specs[2], "max")):
        if spec is None:
            continue
        same_dtype(x, "x", spec, name)
        if spec.rank != 0:
            raise OpVerifyError(
                f"operand '{name}' must be a scalar (0-d) tensor, got {show_shape(spec.shape)}"
            )
    return [x]


def _op(op_type: str, rule: object, category: str, **kw: object) -> OpDef:
    return onnx_op(op_type, rule, category=category, rename=_NAMES, **kw)  # type: ignore[arg-type]


_FLOAT_MATH = ("Cos", "Sin", "Tan", "Acos", "Asin", "Atan", "Cosh", "Sinh", "Acosh", "Asinh",
               "Atanh", "Ceil", "Floor", "Round")  # fmt: skip
_FLOAT_ACTIVATIONS = ("Elu", "Celu", "Selu", "Softplus", "Softsign", "ThresholdedRelu",
                      "HardSwish", "Mish", "Swish")  # fmt: skip

MATH_OPS: tuple[OpDef, ...] = (
    *(_op(t, float_unary, ELEMENTWISE) for t in _FLOAT_MATH),
    _op("Sign", numeric_unary, ELEMENTWISE),
    _op("IsInf", is_inf_rule, ELEMENTWISE),
    _op("Mod", mod_rule, ELEMENTWISE),
    _op("Clip", clip_rule, ACTIVATION),
    *(_op(t, float_unary, ACTIVATION) for t in _FLOAT_ACTIVATIONS),
    _op("Shrink", numeric_unary, ACTIVATION),
    _op("PRelu", prelu_rule, ACTIVATION, name="prelu"),
    onnx_op(
        "BitShift",
        bit_shift_rule,
        category=BITWISE,
        rename={"X": "a", "Y": "b", "Z": "y"},
        doc="A shift by at least the bit width (or by a negative amount, read as unsigned) "
        "gives 0, or -1 for a negative value shifted right.",
    ),
    _op("BitwiseAnd", integer_binary, BITWISE),
    _op("BitwiseOr", integer_binary, BITWISE),
    _op("BitwiseXor", integer_binary, BITWISE),
    _op("BitwiseNot", integer_unary, BITWISE),
    _op("Xor", logic_binary, LOGIC),
)
