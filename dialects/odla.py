"""The `odla` dialect: a computation in the shape of the ODLA 0.5 API, one op per API call.

Strata's second way down from `nn` (docs/odla.md): `convert-nn-to-odla` rewrites `nn` ops
into these, and `odla-to-cpp` prints each op as the ODLA call of the same name
(`odla.conv` -> `odla_Conv`, `odla.batch_mat_mul` -> `odla_BatchMatMul`, ...), so an op's
operands and attributes are the arguments of its call, in the call's terms: layouts,
`paddings_front` / `paddings_back` rather than ONNX's `pads`, `transpose_a` rather than
`transA`. The `output_dims` argument every ODLA op call takes is the op's result type.

Values:
* `odla.argument` binds an argument of the entry function as an ODLA argument (its `id` is
  the graph input's name); `odla.constant` is a weight (`odla_CreateConstant`), its value a
  `dense<...>` or `dense_resource<...>` attribute; `odla.output` marks a value as a graph
  output (`odla_SetValueAsOutput`) and yields it, and the entry function returns the
  outputs in graph-output order;
* every other op is an ODLA op call; the value id the generated code gives its result comes
  from the op's location (the ONNX node).

Conventions: operands are named after ODLA's parameters (`lhs`/`rhs`, `input`, `kernel`,
...); layouts are ODLA's `odla_memory_layout` names in lower case (`channels_first`, `ois`);
element-wise math and normalisation are float ops (ODLA's runtimes are), data movement takes
any element type.

Dependency contract: imports only `strata.dialects.{opdef,nn_rules,nn_shape_rules}` (and
through them numpy and `mlir`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from strata.dialects.nn_rules import (
    BOOL,
    INDEX_DTYPES,
    Rule,
    broadcast_shapes,
    broadcasts_to,
    check_choice,
    check_list_len,
    check_positive,
    need_bool,
    need_float,
    norm_axes,
    norm_axis,
    prod,
    req,
    same_dim,
    same_dtype,
    show_shape,
)
from strata.dialects.nn_shape_rules import constant_rule
from strata.dialects.opdef import (
    Attr,
    AttrKind,
    Dialect,
    Dim,
    OpDef,
    Operand,
    OpVerifyError,
    Result,
    TensorSpec,
)

__all__ = ["DIALECT", "LAYOUTS", "OPS", "build", "call_name"]

INT, FLOAT, INTS, STRING, TYPE, TENSOR = (
    AttrKind.INT,
    AttrKind.FLOAT,
    AttrKind.INTS,
    AttrKind.STRING,
    AttrKind.TYPE,
    AttrKind.TENSOR,
)
Specs = Sequence[TensorSpec | None]
Attrs = Mapping[str, Any]

# `odla_memory_layout` values the dialect takes (data layouts, then kernel layouts).
LAYOUTS = ("channels_first", "channels_last")
KERNEL_LAYOUTS = ("ois", "sio")

Y = (Result("result", "the op's value"),)
INPUT = (Operand("input", "input value"),)
LHS_RHS = (Operand("lhs", "left operand"), Operand("rhs", "right operand"))


def _op(
    name: str,
    summary: str,
    operands: tuple[Operand, ...],
    rule: Rule,
    attrs: tuple[Attr, ...] = (),
    *,
    category: str,
    doc: str = "",
    call: str = "",
) -> OpDef:
    text = doc + (f" Printed as `{call}`." if call else "")
    return OpDef(
        name, summary, operands, Y, rule, attrs, text.strip(), category=category, dialect="odla"
    )


# ---- shape rules -----------------------------------------------------------------------------


def _same(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    return [req(specs[0], "input")]


def _float_same(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    need_float(x, "input")
    return [x]


def _binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b = req(specs[0], "lhs"), req(specs[1], "rhs")
    need_float(a, "lhs")
    same_dtype(a, "lhs", b, "rhs")
    return [TensorSpec(broadcast_shapes(a.shape, b.shape), a.dtype)]


def _compare(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b = req(specs[0], "lhs"), req(specs[1], "rhs")
    same_dtype(a, "lhs", b, "rhs")
    if a.dtype == BOOL:
        raise OpVerifyError("operands 'lhs' and 'rhs' must be numbers, got bool")
    return [TensorSpec(broadcast_shapes(a.shape, b.shape), BOOL)]


def _not(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    need_bool(x, "input")
    return [x]


def _select(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    c, a, b = req(specs[0], "condition"), req(specs[1], "a"), req(specs[2], "b")
    need_bool(c, "condition")
    same_dtype(a, "a", b, "b")
    return [TensorSpec(broadcast_shapes(c.shape, a.shape, b.shape), a.dtype)]


def _gelu(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    check_choice(attrs["use_approx"], (0, 1), "use_approx")
    return _float_same(specs, attrs)


def _clamp(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    if attrs["lo"] > attrs["hi"]:
        raise OpVerifyError(f"attribute 'lo' = {attrs['lo']} exceeds 'hi' = {attrs['hi']}")
    return _float_same(specs, attrs)


def _softmax(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    need_float(x, "input")
    norm_axis(attrs["axis"], x.rank, "axis")
    return [x]


def _gemm(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b, c = req(specs[0], "a"), req(specs[1], "b"), specs[2]
    for spec, name in ((a, "a"), (b, "b")):
        if spec.rank != 2:
            raise OpVerifyError(f"operand '{name}' must be 2-d, got shape {show_shape(spec.shape)}")
    need_float(a, "a")
    same_dtype(a, "a", b, "b")
    m, k = a.shape[::-1] if attrs["transpose_a"] else a.shape
    kb, n = b.shape[::-1] if attrs["transpose_b"] else b.shape
    if not same_dim(k, kb):
        raise OpVerifyError(
            f"contracted dims differ: 'a' {show_shape(a.shape)} gives K={k}, "
            f"'b' {show_shape(b.shape)} gives K={kb}"
        )
    if c is not None:
        same_dtype(a, "a", c, "c")
        if not broadcasts_to(c.shape, (m, n)):
            raise OpVerifyError(
                f"operand 'c' {show_shape(c.shape)} must broadcast to {show_shape((m, n))}"
            )
    return [TensorSpec((m, n), a.dtype)]


def _batch_mat_mul(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b = req(specs[0], "lhs"), req(specs[1], "rhs")
    need_float(a, "lhs")
    same_dtype(a, "lhs", b, "rhs")
    for spec, name in ((a, "lhs"), (b, "rhs")):
        if spec.rank < 2:
            raise OpVerifyError(
                f"operand '{name}' must be at least 2-d, got shape {show_shape(spec.shape)}"
            )
    m, k = a.shape[-2:][::-1] if attrs["lhs_transpose"] else a.shape[-2:]
    kb, n = b.shape[-2:][::-1] if attrs["rhs_transpose"] else b.shape[-2:]
    if not same_dim(k, kb):
        raise OpVerifyError(
            f"contracted dims differ: 'lhs' {show_shape(a.shape)} gives K={k}, "
            f"'rhs' {show_shape(b.shape)} gives K={kb}"
        )
    return [TensorSpec((*broadcast_shapes(a.shape[:-2], b.shape[:-2]), m, n), a.dtype)]


def _channels_first(attrs: Attrs) -> None:
    check_choice(attrs["input_layout"], ("channels_first",), "input_layout")


def _window_out(size: Dim, extent: int, stride: int, front: int, back: int, axis: int) -> Dim:
    if size is None:
        return None
    span = size + front + back - extent
    if span < 0:
        raise OpVerifyError(
            f"window extent {extent} exceeds the padded input {size + front + back} "
            f"in spatial axis {axis}"
        )
    return span // stride + 1


def _window_lists(attrs: Attrs, nsp: int, names: Sequence[str]) -> list[list[int]]:
    out = []
    for name in names:
        value = list(attrs[name])
        check_list_len(value, nsp, name, "one per spatial axis")
        out.append(value)
    for name, value in zip(names, out, strict=True):
        if name.startswith("paddings"):
            if any(p < 0 for p in value):
                raise OpVerifyError(f"attribute '{name}' = {value} must be all >= 0")
        else:
            check_positive(value, name)
    return out


def _conv(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, w, bias = req(specs[0], "input"), req(specs[1], "kernel"), specs[2]
    _channels_first(attrs)
    check_choice(attrs["kernel_layout"], ("ois",), "kernel_layout")
    need_float(x, "input")
    same_dtype(x, "input", w, "kernel")
    if x.rank < 3 or w.rank != x.rank:
        raise OpVerifyError(
            f"operands 'input' {show_shape(x.shape)} and 'kernel' {show_shape(w.shape)} must "
            "have one rank >= 3"
        )
    nsp = x.rank - 2
    if not all(d is not None for d in w.shape):
        raise OpVerifyError(f"operand 'kernel' {show_shape(w.shape)} must have a static shape")
    strides, dil, front, back = _window_lists(
        attrs, nsp, ("strides", "dilations", "paddings_front", "paddings_back")
    )
    group, cin, cw, m = attrs["group"], x.shape[1], int(w.shape[1] or 0), int(w.shape[0] or 0)
    if group < 1 or not same_dim(cin, cw * group) or m % group:
        raise OpVerifyError(
            f"attribute 'group' = {group}: input channels {cin} must equal kernel.shape[1] "
            f"({cw}) x group, and output channels {m} must divide by group"
        )
    if bias is not None:
        same_dtype(x, "input", bias, "bias")
        if bias.rank != 1 or not same_dim(bias.shape[0], m):
            raise OpVerifyError(
                f"operand 'bias' must have shape [{m}], got {show_shape(bias.shape)}"
            )
    spatial = [
        _window_out(
            x.shape[2 + i], (int(w.shape[2 + i] or 0) - 1) * dil[i] + 1, strides[i], front[i],
            back[i], i,
        )
        for i in range(nsp)
    ]  # fmt: skip
    return [TensorSpec((x.shape[0], m, *spatial), x.dtype)]


def _pool(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    _channels_first(attrs)
    need_float(x, "input")
    if x.rank < 3:
        raise OpVerifyError(f"operand 'input' must have rank >= 3 (N, C, spatial), got {x.rank}")
    nsp = x.rank - 2
    window, strides, front, back = _window_lists(
        attrs, nsp, ("window_dims", "strides", "paddings_front", "paddings_back")
    )
    for i in range(nsp):
        if front[i] >= window[i] or back[i] >= window[i]:
            raise OpVerifyError(
                f"paddings {front} / {back} must be smaller than the window {window} in axis {i}"
            )
    spatial = [
        _window_out(x.shape[2 + i], window[i], strides[i], front[i], back[i], i) for i in range(nsp)
    ]
    return [TensorSpec((*x.shape[:2], *spatial), x.dtype)]


def _batch_norm(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    _channels_first(attrs)
    need_float(x, "input")
    if x.rank < 2:
        raise OpVerifyError(f"operand 'input' must have rank >= 2 (N, C, ...), got {x.rank}")
    for spec, name in zip(specs[1:], ("mean", "var", "scale", "offset"), strict=True):
        if spec is None:
            if name in ("mean", "var"):
                raise OpVerifyError(f"operand '{name}' is required")
            continue
        if spec.rank != 1 or not same_dim(spec.shape[0], x.shape[1]):
            raise OpVerifyError(
                f"operand '{name}' must have shape [{x.shape[1]}] (channels), got "
                f"{show_shape(spec.shape)}"
            )
        same_dtype(x, "input", spec, name)
    return [x]


def _instance_norm(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    _channels_first(attrs)
    need_float(x, "input")
    if x.rank < 3:
        raise OpVerifyError(f"operand 'input' must have rank >= 3 (N, C, spatial...), got {x.rank}")
    for spec, name in zip(specs[1:], ("scale", "offset"), strict=True):
        if spec is None:
            continue
        if spec.rank != 1 or not same_dim(spec.shape[0], x.shape[1]):
            raise OpVerifyError(
                f"operand '{name}' must have shape [{x.shape[1]}] (channels), got "
                f"{show_shape(spec.shape)}"
            )
        same_dtype(x, "input", spec, name)
    return [x]


def _reshape(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    dims = list(attrs["output_dims"])
    if any(d < 0 for d in dims):
        raise OpVerifyError(f"attribute 'output_dims' = {dims} must be all >= 0 (explicit)")
    total = prod(x.shape)
    if total is not None and prod(dims) != total:
        raise OpVerifyError(
            f"attribute 'output_dims' = {dims} holds {prod(dims)} elements, 'input' "
            f"{show_shape(x.shape)} has {total}"
        )
    return [TensorSpec(tuple(dims), x.dtype)]


def _transpose(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    perm = list(attrs["permutations"])
    if sorted(perm) != list(range(x.rank)):
        raise OpVerifyError(
            f"attribute 'permutations' = {perm} must be a permutation of 0..{x.rank - 1}"
        )
    return [TensorSpec(tuple(x.shape[p] for p in perm), x.dtype)]


def _concat(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b = req(specs[0], "lhs"), req(specs[1], "rhs")
    same_dtype(a, "lhs", b, "rhs")
    axis = norm_axis(attrs["axis"], a.rank, "axis")
    if b.rank != a.rank or not all(
        same_dim(p, q) for i, (p, q) in enumerate(zip(a.shape, b.shape, strict=True)) if i != axis
    ):
        raise OpVerifyError(
            f"operand 'rhs' has shape {show_shape(b.shape)}; expected {show_shape(a.shape)} "
            f"(as 'lhs') except along axis {axis}"
        )
    shape = [p if p is not None else q for p, q in zip(a.shape, b.shape, strict=True)]
    pa, pb = a.shape[axis], b.shape[axis]
    shape[axis] = pa + pb if pa is not None and pb is not None else None
    return [TensorSpec(tuple(shape), a.dtype)]


def _gather(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, idx = req(specs[0], "input"), req(specs[1], "indices")
    if idx.dtype not in INDEX_DTYPES:
        raise OpVerifyError(f"operand 'indices' must be an i32 or i64 tensor, got {idx.dtype}")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    return [TensorSpec((*x.shape[:axis], *idx.shape, *x.shape[axis + 1 :]), x.dtype)]


def _slice(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    start, end, stride = list(attrs["start"]), list(attrs["end"]), list(attrs["stride"])
    for value, name in ((start, "start"), (end, "end"), (stride, "stride")):
        check_list_len(value, x.rank, name, "one per dim of 'input'")
    out: list[Dim] = []
    for i, (s, e, st) in enumerate(zip(start, end, stride, strict=True)):
        size = x.shape[i]
        if st == 0:
            raise OpVerifyError(f"attribute 'stride' = {stride} must not contain 0")
        lo, hi = (0, size) if st > 0 else (-1, None if size is None else size - 1)
        if s < max(lo, 0) or (hi is not None and (s > hi or e > hi)) or e < lo:
            raise OpVerifyError(
                f"dim {i}: start {s} / end {e} (stride {st}) are not within the dim's size "
                f"{'?' if size is None else size} (explicit, clamped bounds)"
            )
        out.append(max(0, -(-(e - s) // st)))
    return [TensorSpec(tuple(out), x.dtype)]


def _reduce(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    need_float(x, "input")
    axes = list(attrs["axes"])
    if not axes:
        raise OpVerifyError("attribute 'axes' must name at least one axis (explicit)")
    red = set(norm_axes(axes, x.rank, "axes"))
    check_choice(attrs["keep_dims"], (0, 1), "keep_dims")
    if attrs["keep_dims"]:
        shape = tuple(1 if i in red else d for i, d in enumerate(x.shape))
    else:
        shape = tuple(d for i, d in enumerate(x.shape) if i not in red)
    return [TensorSpec(shape, x.dtype)]


def _cast(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    return [TensorSpec(x.shape, attrs["target_type"])]


# ---- declarations ----------------------------------------------------------------------------

_ID = Attr("id", STRING, doc="the value id (`odla_value_id`): the graph name of the value")

VALUES: tuple[OpDef, ...] = (
    _op(
        "argument",
        "A graph input: binds an entry-function argument as an ODLA argument.",
        (Operand("value", "the entry function's argument"),),
        lambda specs, attrs: [req(specs[0], "value")],
        (_ID,),
        category="values",
        call="odla_CreateArgument",
    ),
    _op(
        "constant",
        "A weight or other constant value.",
        (),
        constant_rule,
        (_ID, Attr("value", TENSOR, doc="dense<...> or dense_resource<...>")),
        category="values",
        doc="The data lives in NAME.bin; the generated code passes a pointer into it.",
        call="odla_CreateConstant",
    ),
    _op(
        "output",
        "Marks a value as a graph output and yields it.",
        (Operand("value", "the value to return"),),
        lambda specs, attrs: [req(specs[0], "value")],
        (_ID,),
        category="values",
        call="odla_SetValueAsOutput",
    ),
)


def _binary_op(name: str, call: str, what: str) -> OpDef:
    return _op(
        name, f"Element-wise {what} with broadcasting.", LHS_RHS, _binary,
        category="math", call=call,
    )  # fmt: skip


def _unary_op(name: str, call: str, what: str, category: str = "math") -> OpDef:
    return _op(name, f"Element-wise {what}.", INPUT, _float_same, category=category, call=call)


MATH: tuple[OpDef, ...] = (
    _binary_op("add", "odla_Add", "lhs + rhs"),
    _binary_op("sub", "odla_Sub", "lhs - rhs"),
    _binary_op("mul", "odla_Mul", "lhs * rhs"),
    _binary_op("div", "odla_Div", "lhs / rhs"),
    _binary_op("max", "odla_Max", "maximum"),
    _binary_op("min", "odla_Min", "minimum"),
    _binary_op("pow", "odla_Pow", "lhs ** rhs"),
    _unary_op("abs", "odla_Abs", "|x|"),
    _unary_op("neg", "odla_Neg", "-x"),
    _unary_op("exp", "odla_Exp", "e ** x"),
    _unary_op("log", "odla_Log", "natural logarithm"),
    _unary_op("sqrt", "odla_Sqrt", "square root"),
    _unary_op("rsqrt", "odla_Rsqrt", "1 / sqrt(x)"),
    _unary_op("reciprocal", "odla_Reciprocal", "1 / x"),
    _unary_op("erf", "odla_Erf", "Gauss error function"),
    _unary_op("tanh", "odla_Tanh", "hyperbolic tangent"),
    *(
        _op(
            name,
            f"Element-wise lhs {sign} rhs with broadcasting; bool result.",
            LHS_RHS,
            _compare,
            category="math",
            call=call,
        )
        for name, sign, call in (
            ("equal", "==", "odla_Equal"),
            ("less", "<", "odla_Less"),
            ("greater", ">", "odla_Greater"),
            ("less_or_equal", "<=", "odla_LessOrEqual"),
            ("greater_or_equal", ">=", "odla_GreaterOrEqual"),
        )
    ),
    _op(
        "not",
        "Element-wise logical not of a bool value.",
        INPUT,
        _not,
        category="math",
        call="odla_Not",
    ),
    _op(
        "select",
        "Element-wise condition ? a : b with 3-way broadcasting.",
        (
            Operand("condition", "bool selector"),
            Operand("a", "taken where true"),
            Operand("b", "taken where false"),
        ),
        _select,
        category="math",
        call="odla_Select",
    ),
    _op(
        "gemm",
        "alpha * op(a) @ op(b) + beta * c for 2-d a, b (op: optional transpose).",
        (
            Operand("a", "M x K (K x M with transpose_a)"),
            Operand("b", "K x N (N x K with transpose_b)"),
            Operand("c", "bias, unidirectionally broadcastable to M x N", optional=True),
        ),
        _gemm,
        (
            Attr("transpose_a", INT, 0, "use a's transpose"),
            Attr("transpose_b", INT, 0, "use b's transpose"),
            Attr("alpha", FLOAT, 1.0, "scale of a @ b"),
            Attr("beta", FLOAT, 1.0, "scale of c"),
        ),
        category="math",
        call="odla_Gemm",
    ),
    _op(
        "batch_mat_mul",
        "Batched matrix product over the last two dims; batch dims broadcast.",
        LHS_RHS,
        _batch_mat_mul,
        (
            Attr("lhs_transpose", INT, 0, "transpose lhs's last two dims"),
            Attr("rhs_transpose", INT, 0, "transpose rhs's last two dims"),
        ),
        category="math",
        call="odla_BatchMatMul",
    ),
    _op(
        "reduce_mean",
        "Mean over `axes`.",
        INPUT,
        _reduce,
        (
            Attr("axes", INTS, doc="reduced axes (explicit)"),
            Attr("keep_dims", INT, 1, "keep reduced axes as size 1"),
        ),
        category="math",
        call="odla_ReduceMean",
    ),
    _op(
        "reduce_sum",
        "Sum over `axes`.",
        INPUT,
        _reduce,
        (
            Attr("axes", INTS, doc="reduced axes (explicit)"),
            Attr("keep_dims", INT, 1, "keep reduced axes as size 1"),
        ),
        category="math",
        call="odla_ReduceSum",
    ),
    _op(
        "reduce_max",
        "Maximum over `axes`.",
        INPUT,
        _reduce,
        (
            Attr("axes", INTS, doc="reduced axes (explicit)"),
            Attr("keep_dims", INT, 1, "keep reduced axes as size 1"),
        ),
        category="math",
        call="odla_ReduceMax",
    ),
)

_LAYOUT = Attr("input_layout", STRING, "channels_first", "data layout (channels_first: NC...)")

NN: tuple[OpDef, ...] = (
    _unary_op("relu", "odla_Relu", "max(x, 0)", "nn"),
    _unary_op("sigmoid", "odla_Sigmoid", "1 / (1 + exp(-x))", "nn"),
    _op(
        "gelu",
        "Element-wise Gaussian error linear unit.",
        INPUT,
        _gelu,
        (Attr("use_approx", INT, 0, "1: the tanh approximation; 0: the erf form"),),
        category="nn",
        call="odla_Gelu",
    ),
    _op(
        "leaky_relu",
        "Element-wise x if x >= 0 else alpha * x.",
        INPUT,
        _float_same,
        (Attr("alpha", FLOAT, 0.01, "slope for x < 0"),),
        category="nn",
        call="odla_LeakyRelu",
    ),
    _op(
        "hard_sigmoid",
        "Element-wise max(0, min(1, alpha * x + beta)).",
        INPUT,
        _float_same,
        (Attr("alpha", FLOAT, 0.2, "slope"), Attr("beta", FLOAT, 0.5, "offset")),
        category="nn",
        call="odla_HardSigmoid",
    ),
    _op(
        "clamp",
        "Element-wise min(max(x, lo), hi).",
        INPUT,
        _clamp,
        (Attr("lo", FLOAT, doc="lower bound"), Attr("hi", FLOAT, doc="upper bound")),
        category="nn",
        call="odla_Clamp",
    ),
    _op(
        "softmax",
        "exp(x) / sum(exp(x)) along `axis`.",
        INPUT,
        _softmax,
        (Attr("axis", INT, -1, "normalised axis"),),
        category="nn",
        call="odla_Softmax",
    ),
    _op(
        "log_softmax",
        "log(softmax(x)) along `axis`.",
        INPUT,
        _softmax,
        (Attr("axis", INT, -1, "normalised axis"),),
        category="nn",
        call="odla_LogSoftmax",
    ),
    _op(
        "conv",
        "N-d convolution (cross-correlation), explicit front and back paddings.",
        (
            Operand("input", "N x C x D1..Dn (channels_first)"),
            Operand("kernel", "M x C/group x k1..kn (ois)"),
            Operand("bias", "M", optional=True),
        ),
        _conv,
        (
            _LAYOUT,
            Attr("kernel_layout", STRING, "ois", "kernel layout (ois: out, in, spatial)"),
            Attr("group", INT, 1, "number of groups"),
            Attr("strides", INTS, doc="stride per spatial axis"),
            Attr("dilations", INTS, doc="dilation per spatial axis"),
            Attr("paddings_front", INTS, doc="padding before each spatial axis"),
            Attr("paddings_back", INTS, doc="padding after each spatial axis"),
        ),
        category="nn",
        call="odla_Conv",
    ),
    *(
        _op(
            name,
            f"{what} over sliding windows (padding excluded).",
            INPUT,
            _pool,
            (
                _LAYOUT,
                Attr("window_dims", INTS, doc="window size per spatial axis"),
                Attr("strides", INTS, doc="stride per spatial axis"),
                Attr("paddings_front", INTS, doc="padding before each spatial axis"),
                Attr("paddings_back", INTS, doc="padding after each spatial axis"),
            ),
            category="nn",
            call=call,
        )
        for name, what, call in (
            ("max_pool", "Maximum", "odla_MaxPool"),
            ("average_pool", "Mean", "odla_AveragePool"),
        )
    ),
    _op(
        "batch_normalization",
        "Inference batch norm: (x - mean) / sqrt(var + epsilon) * scale + offset per channel.",
        (
            Operand("input", "N x C x ... (channels_first)"),
            Operand("mean", "running mean, C"),
            Operand("var", "running variance, C"),
            Operand("scale", "per-channel scale, C (absent: scalar_scale)", optional=True),
            Operand("offset", "per-channel offset, C (absent: scalar_offset)", optional=True),
        ),
        _batch_norm,
        (
            _LAYOUT,
            Attr("epsilon", FLOAT, 1e-5, "added to the variance"),
            Attr("scalar_scale", FLOAT, 1.0, "the scale when `scale` is absent"),
            Attr("scalar_offset", FLOAT, 0.0, "the offset when `offset` is absent"),
        ),
        category="nn",
        call="odla_BatchNormalization",
    ),
    _op(
        "instance_normalization",
        "Instance norm: (x - mean) / sqrt(var + epsilon) * scale + offset, mean and variance "
        "over the spatial dims of each (n, c), scale and offset per channel.",
        (
            Operand("input", "N x C x spatial... (channels_first)"),
            Operand("scale", "per-channel scale, C (absent: scalar_scale)", optional=True),
            Operand("offset", "per-channel offset, C (absent: scalar_offset)", optional=True),
        ),
        _instance_norm,
        (
            _LAYOUT,
            Attr("epsilon", FLOAT, 1e-5, "added to the variance"),
            Attr("scalar_scale", FLOAT, 1.0, "the scale when `scale` is absent"),
            Attr("scalar_offset", FLOAT, 0.0, "the offset when `offset` is absent"),
        ),
        category="nn",
        call="odla_InstanceNormalization",
    ),
)

PROCESS: tuple[OpDef, ...] = (
    _op(
        "reshape",
        "The same elements in a new shape.",
        INPUT,
        _reshape,
        (Attr("output_dims", INTS, doc="the new shape (explicit)"),),
        category="process",
        call="odla_Reshape",
    ),
    _op(
        "transpose",
        "Permute dims: result.shape[i] = input.shape[permutations[i]].",
        INPUT,
        _transpose,
        (Attr("permutations", INTS, doc="the permutation"),),
        category="process",
        call="odla_Transpose",
    ),
    _op(
        "concat",
        "Concatenate two values along `axis`.",
        LHS_RHS,
        _concat,
        (Attr("axis", INT, doc="concatenation axis"),),
        category="process",
        doc="Binary, like nn.concat; an n-ary concatenation is a chain.",
        call="odla_Concat",
    ),
    _op(
        "gather",
        "Entries of `input` along `axis` at `indices` (negative indices count from the end).",
        (Operand("input", "value to gather from"), Operand("indices", "i32/i64 indices")),
        _gather,
        (Attr("axis", INT, 0, "gathered axis"),),
        category="process",
        call="odla_Gather",
    ),
    _op(
        "slice",
        "Strided slice with explicit, clamped bounds for every dim.",
        INPUT,
        _slice,
        (
            Attr("start", INTS, doc="first index per dim"),
            Attr("end", INTS, doc="end (exclusive) per dim; -1 with a negative stride: past 0"),
            Attr("stride", INTS, doc="step per dim, non-zero"),
        ),
        category="process",
        call="odla_Slice",
    ),
    _op(
        "cast",
        "Convert elements to `target_type`.",
        INPUT,
        _cast,
        (Attr("target_type", TYPE, doc="result element type"),),
        category="process",
        call="odla_Cast",
    ),
)

OPS: tuple[OpDef, ...] = (*VALUES, *MATH, *NN, *PROCESS)

DIALECT = Dialect(
    "odla",
    "A computation in the shape of the ODLA 0.5 API: one op per API call "
    "(see docs/odla.md). Generated from `dialects/odla.py`.",
    OPS,
)

# Builder functions, one per op: `build.conv(x, w, b, strides=[1, 1], ...)` -> Value.
build = DIALECT.builders()

# ODLA's CamelCase names where they are not the op name in CamelCase.
_CALL_NAMES = {"batch_mat_mul": "BatchMatMul", "rsqrt": "Rsqrt"}


def call_name(op_name: str) -> str:
    """The ODLA function an op prints as (`odla.max_pool` -> `odla_MaxPool`)."""
    short = op_name.removeprefix("odla.")
    camel = _CALL_NAMES.get(short) or "".join(p.capitalize() for p in short.split("_"))
    return f"odla_{camel}"
