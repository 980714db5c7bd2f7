"""The `nn` dialect: Strata's high-level tensor ops, one per ONNX op type we support.

Each op is declared exactly once here (see `strata.dialects.opdef`); IRDL, builders, the
verifier and docs/dialects/nn.md derive from these declarations. The data-movement and
constant ops are declared in `strata.dialects.nn_movement`, reductions, sorting, scans and
ops with data-dependent sizes in `strata.dialects.nn_reduce`; shape rules live in
`strata.dialects.nn_rules` and `strata.dialects.nn_shape_rules`.

Conventions:
* ops work on ranked tensors (dims static or dynamic); ONNX inputs that are shape-like config
  values (Reshape's shape, Slice's starts/ends/axes/steps, axes of Squeeze/Unsqueeze/Reduce*,
  Split's sizes, Pad's pads, Resize's sizes, ...) are attributes named after the ONNX input
  when constant, so the importer normalises the differences between opsets once; computed at
  run time they are operands of the op's `dynamic_*` form (Clip's bounds are operands);
* every attribute is always present on the op (the builders fill in the ONNX defaults); the
  importer makes conv/pool `strides`, `pads`, `dilations` and Slice's `axes`/`steps` explicit;
* operand names are the ONNX input names lower-cased (`data`, `indices`, `scale`, ...), except
  that elementwise ops use `x` (unary) and `a`, `b` (binary); the result is `y` (Split:
  variadic `outputs`);
* ONNX bool is `i1`; signed integer tensors are signless (`i8`), unsigned ones `ui<N>`
  (`strata.dtypes`; lowerings erase the signedness once they have used it).

Ops that mirror an ONNX op one to one are derived from its schema in `onnx.defs`
(`strata.dialects.onnx_schema`); see `strata.dialects.nn_indexing`.

Dependency contract: imports only `strata.dialects.{opdef,onnx_schema,nn_rules,
nn_shape_rules,nn_movement,nn_dynamic,nn_indexing,nn_rearrange,nn_reduce,nn_rnn,nn_math,
nn_norm,nn_attention,nn_window}` (and through them numpy, `onnx.defs` and `mlir`).
"""

from __future__ import annotations

from strata.dialects.nn_attention import ATTENTION_OPS
from strata.dialects.nn_dynamic import DYNAMIC_CONFIG
from strata.dialects.nn_indexing import INDEXING_OPS
from strata.dialects.nn_lowp import LOWP_OPS
from strata.dialects.nn_math import MATH_OPS
from strata.dialects.nn_movement import CONSTANTS, DATA_MOVEMENT, DYNAMIC_SHAPES
from strata.dialects.nn_norm import NORM_OPS
from strata.dialects.nn_quant import QUANT_OPS
from strata.dialects.nn_random import RANDOM_OPS
from strata.dialects.nn_rearrange import REARRANGE_OPS
from strata.dialects.nn_reduce import REDUCE_FAMILY
from strata.dialects.nn_rnn import RECURRENT_OPS
from strata.dialects.nn_rules import (
    Rule,
    batch_norm_rule,
    bool_unary,
    broadcast_binary,
    broadcast_shapes,
    compare_binary,
    conv_rule,
    conv_transpose_rule,
    float_unary,
    gelu_rule,
    gemm_rule,
    global_pool_rule,
    logic_binary,
    matmul_rule,
    pool_rule,
    pow_rule,
    same_as_input,
    softmax_rule,
    where_rule,
)
from strata.dialects.nn_signal import SIGNAL_OPS
from strata.dialects.nn_strings import STRING_OPS
from strata.dialects.nn_window import WINDOW_OPS
from strata.dialects.opdef import Attr, AttrKind, Dialect, OpDef, Operand, Result

__all__ = ["DIALECT", "OPS", "broadcast_shapes", "build"]

INT, FLOAT, INTS, STRING = AttrKind.INT, AttrKind.FLOAT, AttrKind.INTS, AttrKind.STRING

X = (Operand("x", "input tensor"),)
Y = (Result("y", "result tensor"),)
AB = (Operand("a", "left operand"), Operand("b", "right operand"))


def _unary(name: str, onnx: str, summary: str, rule: Rule, cat: str = "elementwise") -> OpDef:
    return OpDef(name, summary, X, Y, rule, onnx=onnx, category=cat)


def _binary(name: str, onnx: str, summary: str, rule: Rule = broadcast_binary) -> OpDef:
    return OpDef(name, summary, AB, Y, rule, onnx=onnx, category="elementwise")


def _window_attrs(kernel: bool) -> tuple[Attr, ...]:
    k = (Attr("kernel_shape", INTS, doc="window size per spatial axis"),) if kernel else ()
    return (
        *k,
        Attr("strides", INTS, doc="stride per spatial axis (explicit)"),
        Attr("pads", INTS, doc="begin pads of each spatial axis, then end pads (explicit)"),
        Attr("dilations", INTS, doc="dilation per spatial axis (explicit)"),
    )


# ---- elementwise ----------------------------------------------------------------------------

ELEMENTWISE: tuple[OpDef, ...] = (
    _binary("add", "Add", "Elementwise a + b with broadcasting."),
    _binary("sub", "Sub", "Elementwise a - b with broadcasting."),
    _binary("mul", "Mul", "Elementwise a * b with broadcasting."),
    _binary("div", "Div", "Elementwise a / b with broadcasting (integer division truncates)."),
    _binary("pow", "Pow", "Elementwise a ** b; b may have another element type.", pow_rule),
    _binary("max", "Max", "Elementwise maximum of two tensors (ONNX's variadic Max, chained)."),
    _binary("min", "Min", "Elementwise minimum of two tensors (ONNX's variadic Min, chained)."),
    _unary("sqrt", "Sqrt", "Elementwise square root.", float_unary),
    _unary("erf", "Erf", "Elementwise Gauss error function.", float_unary),
    _unary("exp", "Exp", "Elementwise e ** x.", float_unary),
    _unary("log", "Log", "Elementwise natural logarithm.", float_unary),
    _unary("reciprocal", "Reciprocal", "Elementwise 1 / x.", float_unary),
    _unary("neg", "Neg", "Elementwise -x.", same_as_input),
    _unary("abs", "Abs", "Elementwise |x|.", same_as_input),
)

# ---- activations ----------------------------------------------------------------------------

ACTIVATIONS: tuple[OpDef, ...] = (
    _unary("relu", "Relu", "Elementwise max(x, 0).", same_as_input, "activation"),
    _unary("tanh", "Tanh", "Elementwise hyperbolic tangent.", float_unary, "activation"),
    _unary("sigmoid", "Sigmoid", "Elementwise 1 / (1 + exp(-x)).", float_unary, "activation"),
    OpDef(
        "hard_sigmoid",
        "Elementwise max(0, min(1, alpha * x + beta)).",
        X,
        Y,
        float_unary,
        attrs=(Attr("alpha", FLOAT, 0.2, "slope"), Attr("beta", FLOAT, 0.5, "offset")),
        onnx="HardSigmoid",
        category="activation",
    ),
    OpDef(
        "leaky_relu",
        "Elementwise x if x >= 0 else alpha * x.",
        X,
        Y,
        float_unary,
        attrs=(Attr("alpha", FLOAT, 0.01, "slope for x < 0"),),
        onnx="LeakyRelu",
        category="activation",
    ),
    OpDef(
        "gelu",
        "Elementwise Gaussian error linear unit.",
        X,
        Y,
        gelu_rule,
        attrs=(Attr("approximate", STRING, "none", '"none" (erf form) or "tanh"'),),
        onnx="Gelu",
        category="activation",
    ),
    OpDef(
        "softmax",
        "exp(x) / sum(exp(x)) along `axis`.",
        X,
        Y,
        softmax_rule,
        attrs=(Attr("axis", INT, -1, "axis to normalise along"),),
        onnx="Softmax",
        category="activation",
    ),
    OpDef(
        "log_softmax",
        "log(softmax(x)) along `axis`.",
        X,
        Y,
        softmax_rule,
        attrs=(Attr("axis", INT, -1, "axis to normalise along"),),
        onnx="LogSoftmax",
        category="activation",
    ),
)

# ---- linear algebra -------------------------------------------------------------------------

LINALG: tuple[OpDef, ...] = (
    OpDef(
        "gemm",
        "alpha * op(a) @ op(b) + beta * c for 2-d a, b (op: optional transpose).",
        (
            Operand("a", "M x K (K x M with transA)"),
            Operand("b", "K x N (N x K with transB)"),
            Operand("c", "bias, unidirectionally broadcastable to M x N", optional=True),
        ),
        Y,
        gemm_rule,
        attrs=(
            Attr("alpha", FLOAT, 1.0, "scale of a @ b"),
            Attr("beta", FLOAT, 1.0, "scale of c"),
            Attr("transA", INT, 0, "transpose a first"),
            Attr("transB", INT, 0, "transpose b first"),
        ),
        onnx="Gemm",
        category="linear algebra",
    ),
    OpDef(
        "mat_mul",
        "numpy.matmul: batched, broadcasting over leading dims, 1-d operands promoted.",
        AB,
        Y,
        matmul_rule,
        onnx="MatMul",
        category="linear algebra",
    ),
)

# ---- convolution and pooling ----------------------------------------------------------------

CONV_OPERANDS = (
    Operand("x", "input, N x C x D1..Dn"),
    Operand("w", "weights, M x C/group x k1..kn"),
    Operand("b", "bias, M", optional=True),
)

CONVOLUTION: tuple[OpDef, ...] = (
    OpDef(
        "conv",
        "N-d convolution (cross-correlation) in NC[spatial] layout.",
        CONV_OPERANDS,
        Y,
        conv_rule,
        attrs=(*_window_attrs(False), Attr("group", INT, 1, "number of groups (C: depthwise)")),
        doc="The importer resolves `auto_pad` into explicit `pads`.",
        onnx="Conv",
        category="convolution and pooling",
    ),
    OpDef(
        "conv_transpose",
        "N-d transposed convolution (gradient of conv) in NC[spatial] layout.",
        (
            Operand("x", "input, N x C x D1..Dn"),
            Operand("w", "weights, C x M/group x k1..kn"),
            Operand("b", "bias, M", optional=True),
        ),
        Y,
        conv_transpose_rule,
        attrs=(
            *_window_attrs(False),
            Attr("output_padding", INTS, doc="extra size at the end of each spatial axis"),
            Attr("group", INT, 1, "number of groups"),
        ),
        doc="Output size per axis: stride * (in - 1) + output_padding + (k - 1) * dilation + 1"
        " - pad_begin - pad_end. The importer turns `output_shape` and `auto_pad` into `pads`;"
        " negative pads (an `output_shape` beyond the full result) extend it with zeros (+ b).",
        onnx="ConvTranspose",
        category="convolution and pooling",
    ),
    OpDef(
        "max_pool",
        "Max over sliding windows (padding never wins).",
        X,
        Y,
        pool_rule,
        attrs=(*_window_attrs(True), Attr("ceil_mode", INT, 0, "round output sizes up")),
        doc="Only ONNX's first result; a used `Indices` output selects nn.max_pool_with_indices.",
        onnx="MaxPool",
        category="convolution and pooling",
    ),
    OpDef(
        "average_pool",
        "Mean over sliding windows.",
        X,
        Y,
        pool_rule,
        attrs=(
            *_window_attrs(True),
            Attr("ceil_mode", INT, 0, "round output sizes up"),
            Attr("count_include_pad", INT, 0, "divide by the full window, padding included"),
        ),
        onnx="AveragePool",
        category="convolution and pooling",
    ),
    OpDef(
        "global_average_pool",
        "Mean over all spatial axes; spatial sizes become 1.",
        X,
        Y,
        global_pool_rule,
        onnx="GlobalAveragePool",
        category="convolution and pooling",
    ),
)

# ---- normalization --------------------------------------------------------------------------

NORMALIZATION: tuple[OpDef, ...] = (
    OpDef(
        "batch_normalization",
        "Inference batch norm: (x - mean) / sqrt(var + epsilon) * scale + b per channel.",
        (
            Operand("x", "input, N x C x ..."),
            Operand("scale", "per-channel scale, C"),
            Operand("b", "per-channel bias, C"),
            Operand("input_mean", "running mean, C"),
            Operand("input_var", "running variance, C"),
        ),
        Y,
        batch_norm_rule,
        attrs=(Attr("epsilon", FLOAT, 1e-5, "added to the variance"),),
        doc="Inference form (training_mode = 0, one result); the importer composes training "
        "mode of reductions and this op.",
        onnx="BatchNormalization",
        category="normalization",
    ),
)

# ---- comparison and logic -------------------------------------------------------------------


def _compare(name: str, onnx: str, op: str) -> OpDef:
    return OpDef(
        name,
        f"Elementwise a {op} b with broadcasting; bool result.",
        AB,
        Y,
        compare_binary,
        onnx=onnx,
        category="comparison and logic",
    )


LOGIC: tuple[OpDef, ...] = (
    _compare("equal", "Equal", "=="),
    _compare("less", "Less", "<"),
    _compare("greater", "Greater", ">"),
    _compare("less_or_equal", "LessOrEqual", "<="),
    _compare("greater_or_equal", "GreaterOrEqual", ">="),
    OpDef(
        "and",
        "Elementwise logical and of bool tensors.",
        AB,
        Y,
        logic_binary,
        onnx="And",
        category="comparison and logic",
    ),
    OpDef(
        "or",
        "Elementwise logical or of bool tensors.",
        AB,
        Y,
        logic_binary,
        onnx="Or",
        category="comparison and logic",
    ),
    OpDef(
        "not",
        "Elementwise logical not of a bool tensor.",
        X,
        Y,
        bool_unary,
        onnx="Not",
        category="comparison and logic",
    ),
    OpDef(
        "where",
        "Elementwise condition ? x : y with 3-way broadcasting.",
        (
            Operand("condition", "bool selector"),
            Operand("x", "taken where true"),
            Operand("y", "taken where false"),
        ),
        (Result("output", "result tensor (ONNX's name: `y` is an operand)"),),
        where_rule,
        onnx="Where",
        category="comparison and logic",
    ),
)

OPS: tuple[OpDef, ...] = (
    *ELEMENTWISE,
    *ACTIVATIONS,
    *LINALG,
    *CONVOLUTION,
    *NORMALIZATION,
    *NORM_OPS,
    *ATTENTION_OPS,
    *WINDOW_OPS,
    *REDUCE_FAMILY,
    *DATA_MOVEMENT,
    *DYNAMIC_SHAPES,
    *DYNAMIC_CONFIG,
    *INDEXING_OPS,
    *REARRANGE_OPS,
    *RECURRENT_OPS,
    *CONSTANTS,
    *LOGIC,
    *MATH_OPS,
    *SIGNAL_OPS,
    *RANDOM_OPS,
    *LOWP_OPS,
    *STRING_OPS,
    *QUANT_OPS,
)

DIALECT = Dialect(
    "nn",
    "High-level neural-network ops on static tensors, modelled on ONNX.",
    OPS,
    types=("string",),  # UTF-8 string elements (`strata.dtypes.STRING`)
)

# Builder functions, one per op: `build.conv(x, w, b, strides=[1, 1], ...)` -> Value.
build = DIALECT.builders()
