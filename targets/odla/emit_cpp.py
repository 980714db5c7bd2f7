"""odla-to-cpp: an odla module -> the ODLA C++ program NAME.cc, NAME.h and the weights NAME.bin.

The program has HALO's shape (docs/odla.md):

* `NAME_helper()` builds the computation: `odla_CreateArgument` per graph input,
  `odla_CreateConstant` per weight (a pointer into the mapped NAME.bin), one ODLA call per
  op, `odla_SetValueAsOutput` per graph output; a comment above each value names its ONNX
  node (the op's location) and its type;
* `NAME_init(weights_path)` maps NAME.bin (NULL: next to the library) and builds the
  computation once (reference counted); `NAME(inputs..., outputs...)` binds the buffers to a
  fresh context and executes; `NAME_fini()` releases everything. The entry points have C
  linkage and the signatures of the CPU target's NAME.h (targets/cpu/abi.py), plus
  `NAME__strata_run_packed` / `__strata_num_args` / `__strata_arg_nbytes` for Strata's own
  loader and `NAME__strata_last_error` (the runtime's message).

NAME.bin is the CPU target's weights format (targets/cpu/weights.py), one entry per constant
in the order of the program.

Dependency contract: numpy, the `mlir` bindings, `strata.dtypes`, `strata.errors`,
`strata.dialects.{odla,opdef}`, `strata.passes.nn_to_odla` (node names),
`strata.targets.cpu.{abi,weights,passes}`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from mlir import ir

from strata.dialects import odla
from strata.dialects.opdef import dtype_of, operand_groups
from strata.errors import CompilationError
from strata.passes.nn_to_odla import node_name
from strata.targets.cpu import abi, weights
from strata.targets.cpu.passes import public_funcs, resource_key

# numpy dtype name -> odla_element_type
ELEMENT_TYPES = {
    "float32": "ODLA_FLOAT32",
    "float16": "ODLA_FLOAT16",
    "float64": "ODLA_FLOAT64",
    "int8": "ODLA_INT8",
    "int16": "ODLA_INT16",
    "int32": "ODLA_INT32",
    "int64": "ODLA_INT64",
    "uint8": "ODLA_UINT8",
    "uint16": "ODLA_UINT16",
    "uint32": "ODLA_UINT32",
    "uint64": "ODLA_UINT64",
    "bool": "ODLA_BOOL",
}
LAYOUT_ENUMS = {
    "channels_first": "ODLA_CHANNELS_FIRST",
    "channels_last": "ODLA_CHANNELS_LAST",
    "ois": "ODLA_OIS",
    "sio": "ODLA_SIO",
}


@dataclass
class OdlaProgram:
    """The translated program: NAME.cc, NAME.h and the weights (arrays in file order)."""

    name: str
    source: str
    header: str
    arrays: list[np.ndarray]
    layout: weights.WeightLayout
    inputs: list[abi.Tensor]
    outputs: list[abi.Tensor]
    # ops on the loop path: (symbol of the private nn function, C name of its entry points)
    fallbacks: list[tuple[str, str]]


def fallback_c_name(name: str, symbol: str) -> str:
    """The C name of the CPU-compiled function `symbol` (@odla_fallback_K -> NAME_fallback_K)."""
    return f"{name}_{symbol.removeprefix('odla_')}"


def _spec(v: ir.Value) -> tuple[list[int], np.dtype]:
    t = ir.RankedTensorType(v.type)
    if not t.has_static_shape:
        raise CompilationError(f"value of type {t} has a dynamic dim (ODLA values are static)")
    return [int(d) for d in t.shape], np.dtype(dtype_of(t.element_type))


def _elem(dtype: np.dtype, what: str) -> str:
    if dtype.name not in ELEMENT_TYPES:
        raise CompilationError(f"{what}: element type {dtype.name} has no ODLA element type")
    return ELEMENT_TYPES[dtype.name]


def _shape(dims: Sequence[int]) -> str:
    """An odla_value_shape initialiser: {size, {dims...}}."""
    return "{" + f"{len(dims)}, {{{', '.join(str(int(d)) for d in dims)}}}" + "}"


def _f32(v: float) -> str:
    if math.isinf(v):
        return ("-" if v < 0 else "") + "std::numeric_limits<float>::infinity()"
    if math.isnan(v):
        return "std::numeric_limits<float>::quiet_NaN()"
    text = repr(float(v))
    return (text if ("." in text or "e" in text) else text + ".0") + "f"


def _c_string(s: str) -> str:
    out = []
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= ch < 127 and c != "?":  # '?' could start a trigraph
            out.append(c)
        else:
            out.append(f"\\{ch:03o}")
    return '"' + "".join(out) + '"'


def _vid(ident: str) -> str:
    return f"(odla_value_id){_c_string(ident)}"


def _dims_text(dims: Sequence[int]) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"


def _attr(op: ir.Operation, name: str) -> object:
    a = op.attributes[name]
    if isinstance(a, ir.IntegerAttr | ir.FloatAttr):
        return a.value
    if isinstance(a, ir.StringAttr):
        return a.value
    if isinstance(a, ir.DenseI64ArrayAttr):
        return [int(x) for x in a]
    if isinstance(a, ir.TypeAttr):
        return dtype_of(a.value)
    return a


class _Emitter:
    def __init__(self, weight_data: Callable[[str], np.ndarray], name: str) -> None:
        self.weight_data = weight_data
        self.name = name
        self.fallbacks: list[tuple[str, str]] = []
        self.fallback_defs: list[str] = []
        self.lines: list[str] = []
        self.names: dict[ir.Value, str] = {}  # value -> C++ variable
        # the helper's own names (`s`: its status), which value variables must not take
        self.taken: set[str] = {"g_comp", "weight", "ctx", "s"}
        self.ids: set[str] = set()
        self.arrays: list[np.ndarray] = []
        self.keys: list[str] = []
        self.weight_index: dict[str, int] = {}
        # value -> the graph output id it is computed under (the runtime binds outputs by id)
        self.claims: dict[ir.Value, str] = {}

    def unique_id(self, want: str) -> str:
        ident, i = want, 1
        while ident in self.ids:
            ident = f"{want}_{i}"
            i += 1
        self.ids.add(ident)
        return ident

    def var(self, ident: str) -> str:
        return abi.c_identifier(ident, self.taken)

    def array(self, var: str, what: str, ctype: str, values: Sequence[int]) -> str:
        name = abi.c_identifier(f"{var}_{what}", self.taken)
        body = ", ".join(str(int(v)) for v in values) or "0"
        self.lines.append(f"  static const {ctype} {name}[] = {{{body}}};")
        return name

    def emit(self, op: ir.Operation) -> None:
        short = op.name.removeprefix("odla.")
        result = op.results[0]
        dims, dtype = _spec(result)
        if short == "argument":
            ident = str(_attr(op, "id"))  # reserved: arguments are bound by this id
            comment = f"input {ident!r}: {dtype.name}{_dims_text(dims)}"
        elif short == "constant":
            ident = self.unique_id(str(_attr(op, "id")))
            comment = f"weight {ident!r}: {dtype.name}{_dims_text(dims)}"
        elif short == "output":
            src, out_id = op.operands[0], str(_attr(op, "id"))
            if self.claims.get(src) == out_id:
                self.names[result] = self.names[src]
                return
            # an input, a weight or a value returned twice: a copy under the output's id
            var = self.var(out_id)
            self.lines.append(f"  // output {out_id!r}: a copy of {self.names[src]}")
            self.lines.append(
                f"  odla_value {var} = odla_Reshape({self.names[src]}, {_shape(dims)}, "
                f"{_vid(out_id)});"
            )
            self.names[result] = var
            return
        else:
            node = node_name(op.location) or short
            ident = self.claims.get(result) or self.unique_id(node)
            what = f"node {node!r}" + (f", output {ident!r}" if result in self.claims else "")
            comment = f"{what}: {dtype.name}{_dims_text(dims)}"
        var = self.var(ident)
        self.lines.append(f"  // {comment}".replace("*/", "* /"))
        call = self.call(op, short, var, ident, dims, dtype)
        self.lines.append(f"  odla_value {var} = {call};")
        self.names[result] = var

    def emit_call(self, op: ir.Operation, callee: ir.Operation) -> None:
        """A func.call of an outlined nn op: odla_CustomCall of its CPU-compiled function."""
        symbol = ir.FlatSymbolRefAttr(op.attributes["callee"]).value
        if len(op.results) != 1:
            raise CompilationError(f"fallback call @{symbol} must have one result")
        c_name = fallback_c_name(self.name, symbol)
        if (symbol, c_name) not in self.fallbacks:
            self.fallbacks.append((symbol, c_name))
            n = len(op.operands)
            args = ", ".join([f"const_cast<void*>(in[{i}])" for i in range(n)] + ["out"])
            self.fallback_defs.append(
                f"""extern "C" int {c_name}_init(const char* weights_path);
extern "C" void {c_name}_fini(void);
extern "C" int {c_name}__strata_run_packed(void* const* args);
static int {c_name}_call(const void* const* in, void* out) {{
  void* args[] = {{{args}}};
  return {c_name}__strata_run_packed(args);
}}
"""
            )
        result = op.results[0]
        dims, dtype = _spec(result)
        node = node_name(op.location) or symbol
        ident = self.claims.get(result) or self.unique_id(node)
        inner = callee.regions[0].blocks[0].operations[0].operation.name
        self.lines.append(
            f"  // node {node!r} ({inner}, on Strata's loop path: {c_name}): "
            f"{dtype.name}{_dims_text(dims)}".replace("*/", "* /")
        )
        var = self.var(ident)
        ins = ", ".join(self.names[v] for v in op.operands)
        elem = _elem(dtype, f"value {ident!r}")
        self.lines.append(
            f"  odla_value {var} = odla_CustomCall({{{len(op.operands)}, {{{ins}}}}}, "
            f"{{{elem}, {_shape(dims)}}}, {c_name}_call, {_vid(ident)});"
        )
        self.names[result] = var

    def operand(self, v: ir.Value | None) -> str:
        return "nullptr" if v is None else self.names[v]

    def weight(self, op: ir.Operation, ident: str, dims: list[int], dtype: np.dtype) -> int:
        value = op.attributes["value"]
        key = resource_key(value)
        if key is not None and key in self.weight_index:
            return self.weight_index[key]
        if key is not None:
            arr = np.ascontiguousarray(self.weight_data(key))
        else:
            arr = np.ascontiguousarray(np.asarray(value))
        if arr.dtype != dtype or list(arr.shape) != dims:
            if arr.size != int(np.prod(dims)) or arr.dtype.kind != dtype.kind:
                raise CompilationError(
                    f"weight {ident!r}: data {arr.dtype.name}{list(arr.shape)} does not fit "
                    f"{dtype.name}{dims}"
                )
            arr = arr.astype(dtype).reshape(dims)
        self.arrays.append(arr)
        self.keys.append(key or ident)
        index = len(self.arrays) - 1
        if key is not None:
            self.weight_index[key] = index
        return index

    def call(
        self, op: ir.Operation, short: str, var: str, ident: str, dims: list[int], dtype: np.dtype
    ) -> str:
        vid = _vid(ident)
        elem = _elem(dtype, f"value {ident!r}")
        out_dims = _shape(dims)
        fn = odla.call_name(op.name)
        a = lambda n: _attr(op, n)  # noqa: E731
        if short == "argument":
            return f"odla_CreateArgument({{{elem}, {out_dims}}}, {vid})"
        if short == "constant":
            index = self.weight(op, ident, dims, dtype)
            return f"odla_CreateConstant({{{elem}, {out_dims}}}, weight({index}), {vid})"
        ins = [self.names[v] for v in op.operands]
        if short in _PLAIN:
            return f"{fn}({', '.join(ins)}, {vid})"
        if short == "select":
            return f"{fn}({ins[0]}, {ins[1]}, {ins[2]}, {out_dims}, {vid})"
        if short == "gelu":
            return f"{fn}({ins[0]}, {a('use_approx')}, {vid})"
        if short == "leaky_relu":
            return f"{fn}({ins[0]}, {_f32(a('alpha'))}, {vid})"  # type: ignore[arg-type]
        if short == "hard_sigmoid":
            return f"{fn}({ins[0]}, {_f32(a('alpha'))}, {_f32(a('beta'))}, {vid})"  # type: ignore[arg-type]
        if short == "clamp":
            return f"{fn}({ins[0]}, {_f32(a('lo'))}, {_f32(a('hi'))}, {vid})"  # type: ignore[arg-type]
        if short in ("softmax", "log_softmax"):
            return f"{fn}({ins[0]}, {a('axis')}, {vid})"
        if short == "gemm":
            c = ins[2] if len(ins) > 2 else "nullptr"
            return (
                f"{fn}({ins[0]}, {a('transpose_a')}, {ins[1]}, {a('transpose_b')}, "
                f"{_f32(a('alpha'))}, {_f32(a('beta'))}, {c}, {out_dims}, {vid})"  # type: ignore[arg-type]
            )
        if short == "batch_mat_mul":
            return (
                f"{fn}({ins[0]}, {a('lhs_transpose')}, {ins[1]}, {a('rhs_transpose')}, "
                f"{out_dims}, {vid})"
            )
        if short in ("reduce_mean", "reduce_sum", "reduce_max"):
            axes = list(a("axes"))  # type: ignore[call-overload]
            arr = self.array(var, "axes", "odla_uint32", axes)
            return f"{fn}({ins[0]}, {len(axes)}, {arr}, {a('keep_dims')}, {out_dims}, {vid})"
        if short == "conv":
            groups = operand_groups(op, odla.DIALECT.op(short))
            bias = self.operand(groups[2][0] if groups[2] else None)
            arrays = [
                self.array(var, n, "odla_uint32", a(n))  # type: ignore[arg-type]
                for n in ("strides", "dilations", "paddings_front", "paddings_back")
            ]
            return (
                f"{fn}({ins[0]}, {LAYOUT_ENUMS[str(a('input_layout'))]}, {a('group')}, "
                f"{ins[1]}, {LAYOUT_ENUMS[str(a('kernel_layout'))]}, {', '.join(arrays)}, "
                f"{bias}, {out_dims}, {vid})"
            )
        if short in ("max_pool", "average_pool"):
            arrays = [
                self.array(var, n, "odla_uint32", a(n))  # type: ignore[arg-type]
                for n in ("window_dims", "strides", "paddings_front", "paddings_back")
            ]
            return (
                f"{fn}({ins[0]}, {LAYOUT_ENUMS[str(a('input_layout'))]}, {', '.join(arrays)}, "
                f"{out_dims}, {vid})"
            )
        if short == "batch_normalization":
            groups = operand_groups(op, odla.DIALECT.op(short))
            x, mean, var_ = (self.operand(g[0]) for g in groups[:3])
            scale = self.operand(groups[3][0] if groups[3] else None)
            offset = self.operand(groups[4][0] if groups[4] else None)
            return (
                f"{fn}({x}, {LAYOUT_ENUMS[str(a('input_layout'))]}, {mean}, {var_}, "
                f"{_f32(a('epsilon'))}, {scale}, {offset}, {_f32(a('scalar_scale'))}, "  # type: ignore[arg-type]
                f"{_f32(a('scalar_offset'))}, {vid})"  # type: ignore[arg-type]
            )
        if short == "reshape":
            return f"{fn}({ins[0]}, {out_dims}, {vid})"
        if short == "transpose":
            return f"{fn}({ins[0]}, {_shape(a('permutations'))}, {out_dims}, {vid})"  # type: ignore[arg-type]
        if short == "concat":
            return f"{fn}({{2, {{{ins[0]}, {ins[1]}}}}}, {a('axis')}, {out_dims}, {vid})"
        if short == "gather":
            return f"{fn}({ins[0]}, {ins[1]}, {a('axis')}, {out_dims}, {vid})"
        if short == "slice":
            arrays = [
                self.array(var, n, "odla_int32", a(n))  # type: ignore[arg-type]
                for n in ("start", "end", "stride")
            ]
            return f"{fn}({ins[0]}, {', '.join(arrays)}, {out_dims}, {vid})"
        if short == "cast":
            target = _elem(np.dtype(a("target_type")), f"value {ident!r}")  # type: ignore[call-overload]
            return f"{fn}({ins[0]}, {target}, {vid})"
        raise CompilationError(f"odla-to-cpp has no printer for '{op.name}'")


# ops printed as odla_X(operands..., id)
_PLAIN = frozenset(
    {
        "add", "sub", "mul", "div", "max", "min", "pow", "abs", "neg", "exp", "log", "sqrt",
        "rsqrt", "reciprocal", "erf", "tanh", "relu", "sigmoid", "equal", "less", "greater",
        "less_or_equal", "greater_or_equal", "not",
    }
)  # fmt: skip


def _graph_names(func_op: ir.Operation, key: str, count: int, prefix: str) -> list[str]:
    names = [f"{prefix}{i}" for i in range(count)]
    if key in func_op.attributes:
        for i, d in enumerate(ir.ArrayAttr(func_op.attributes[key])):
            dic = ir.DictAttr(d)
            if "nn.name" in dic and i < count:
                names[i] = ir.StringAttr(dic["nn.name"]).value
    return names


def entry_function(module: ir.Module, entry: str | None = None) -> ir.Operation:
    funcs = public_funcs(module.operation)
    if entry is not None:
        funcs = [f for f in funcs if ir.StringAttr(f.attributes["sym_name"]).value == entry]
    if len(funcs) != 1:
        raise CompilationError(
            f"odla-to-cpp needs exactly one public function{f' @{entry}' if entry else ''}, "
            f"found {len(funcs)}"
        )
    return funcs[0]


def translate(
    module: ir.Module,
    name: str,
    weight_data: Mapping[str, np.ndarray] | Callable[[str], np.ndarray],
    version: str,
    entry: str | None = None,
    data_symbol: str | None = None,
) -> OdlaProgram:
    """Translate the odla function of `module` (its entry, or the only public function).

    `weight_data` gives the array of each `dense_resource` blob key. `data_symbol`: the
    weights are compiled in (NAME_data.c defines that symbol, `--emit-data-as-c`) rather
    than read from NAME.bin."""
    func_op = entry_function(module, entry)
    lookup = weight_data if callable(weight_data) else _lookup(weight_data)
    em = _Emitter(lookup, name)
    symbols = ir.SymbolTable(module.operation)
    block = func_op.regions[0].blocks[0]
    inputs: list[abi.Tensor] = []
    outputs: list[abi.Tensor] = []
    arg_names = _graph_names(func_op, "arg_attrs", len(block.arguments), "input_")
    bound: dict[ir.Value, str] = {}
    for op in block.operations:  # reserve the ids arguments and outputs are bound by
        o = op.operation
        if o.name == "odla.argument":
            em.ids.add(str(_attr(o, "id")))
        elif o.name == "odla.output":
            src, out_id = o.operands[0], str(_attr(o, "id"))
            em.ids.add(out_id)
            owner = getattr(src.owner, "operation", None)
            if owner is not None and owner.name not in ("odla.argument", "odla.constant"):
                em.claims.setdefault(src, out_id)
    for op in block.operations:
        o = op.operation
        if o.name == "func.return":
            ret = o
            continue
        if o.name == "func.call":
            symbol = ir.FlatSymbolRefAttr(o.attributes["callee"]).value
            if not symbol.startswith("odla_fallback_") or symbol not in symbols:
                raise CompilationError(f"odla-to-cpp: call of @{symbol} is not an odla fallback")
            em.emit_call(o, symbols[symbol].operation)
            continue
        if not o.name.startswith("odla."):
            raise CompilationError(
                f"odla-to-cpp: '{o.name}' at {o.location} is not an odla op "
                "(run convert-nn-to-odla first)"
            )
        if o.name == "odla.argument":
            bound[o.operands[0]] = str(_attr(o, "id"))
        em.emit(o)
    for i, arg in enumerate(block.arguments):
        dims, dtype = _spec(arg)
        if arg not in bound:
            raise CompilationError(f"argument {i} ('{arg_names[i]}') is not an odla.argument")
        inputs.append(abi.Tensor(bound[arg], tuple(dims), dtype.name))
    out_ids: list[str] = []
    for v in ret.operands:
        owner = getattr(v.owner, "operation", None)
        if owner is None or owner.name != "odla.output":
            raise CompilationError("every returned value must be an odla.output")
        dims, dtype = _spec(v)
        out_id = str(_attr(owner, "id"))
        outputs.append(abi.Tensor(out_id, tuple(dims), dtype.name))
        out_ids.append(out_id)
    layout = weights.plan_layout(em.arrays, em.keys)
    out_vars = [em.names[v] for v in ret.operands]
    source = _render(name, version, em, layout, inputs, outputs, out_vars, out_ids, data_symbol)
    header = abi.render_header(name, inputs, outputs, version)
    return OdlaProgram(name, source, header, em.arrays, layout, inputs, outputs, em.fallbacks)


def _lookup(table: Mapping[str, np.ndarray]) -> Callable[[str], np.ndarray]:
    def get(key: str) -> np.ndarray:
        if key not in table:
            raise CompilationError(f"weight blob '{key}' has no data")
        return table[key]

    return get


def _render(
    name: str,
    version: str,
    em: _Emitter,
    layout: weights.WeightLayout,
    inputs: list[abi.Tensor],
    outputs: list[abi.Tensor],
    out_vars: list[str],
    out_ids: list[str],
    data_symbol: str | None,
) -> str:
    params = abi.entry_params(name, inputs, outputs)
    idents = [ident for _, ident in params]
    in_ids = [t.name for t in inputs]
    # the entry function's locals, named apart from its parameters (graph names such as 's')
    local = set(idents)
    st, cx = abi.c_identifier("s", local), abi.c_identifier("ctx", local)
    binds = [
        f"  if ({st} == ODLA_SUCCESS) {st} = odla_BindToArgumentById({_vid(i)}, {p}, {cx});"
        for i, p in zip(in_ids, idents[: len(inputs)], strict=True)
    ] + [
        f"  if ({st} == ODLA_SUCCESS) {st} = odla_BindToOutputById({_vid(i)}, {p}, {cx});"
        for i, p in zip(out_ids, idents[len(inputs) :], strict=True)
    ]
    marks = [f"  if (s == ODLA_SUCCESS) s = odla_SetValueAsOutput({v});" for v in out_vars]
    io = inputs + outputs
    casts = ", ".join(
        f"({'const ' if i < len(inputs) else ''}{t.ctype}*)args[{i}]" for i, t in enumerate(io)
    )
    nbytes = "{" + ", ".join(f"{t.nbytes}ULL" for t in io) + "}"
    loader = abi.render_weights_loader(name, layout, data_symbol)
    load = "".join(f"  {line}\n" for line in abi.render_weights_load(data_symbol).splitlines())
    where = (
        f"the weights compiled in ({name}_data.c)"
        if data_symbol
        else f"the weights file {name}.bin\n// (NULL: the one next to the library)"
    )
    body = "\n".join(em.lines)
    fallback_defs = (
        "// Ops on Strata's loop path (the runtime lacks them), compiled by the CPU target into\n"
        f"// {name}_kernels.o; each has the CPU target's entry points.\n"
        + "\n".join(em.fallback_defs)
        + "\n"
        if em.fallbacks
        else ""
    )
    fb_init = "".join(
        f"    if (rc == STRATA_OK) rc = {c}_init(nullptr);\n" for _, c in em.fallbacks
    )
    fb_fini = "".join(f"    {c}_fini();\n" for _, c in em.fallbacks)
    return f"""// {name}.cc: the ODLA program of model '{name}', generated by Strata {version}.
// Do not edit.
//
// {name}_helper() builds the computation with ODLA calls, one per op; the comment above each
// value names its ONNX node and its type. {name}_init() maps {where}
// and builds the computation once; {name}() binds the caller's buffers and executes it;
// {name}_fini() releases both. Build it against any ODLA
// runtime, e.g.  c++ -std=c++17 -shared -fPIC {name}.cc -I<odla include> -lodla_ref
#include <odla.h>

#include <limits>

{abi.WEIGHTS_INCLUDES}
#include "{name}.h"

{loader}
static odla_computation g_comp = nullptr;

{fallback_defs}// The start of constant i in the mapped weights file.
static const void* weight(int i) {{ return g_base + kOffsets[i]; }}

// Graph building: the computation of model '{name}'.
static odla_status {name}_helper() {{
{body}
  odla_status s = ODLA_SUCCESS;
{chr(10).join(marks)}
  return s;
}}

int {name}_init(const char* weights_path) {{
  int rc = STRATA_OK;
  pthread_mutex_lock(&g_lock);
  if (g_refs == 0) {{
{load}{fb_init}    if (rc == STRATA_OK &&
        (odla_CreateComputation(&g_comp) != ODLA_SUCCESS || {name}_helper() != ODLA_SUCCESS))
      rc = STRATA_ERR_RUNTIME;
    if (rc != STRATA_OK) {{
      if (g_comp) odla_DestroyComputation(g_comp);
      if (g_map) munmap(g_map, g_map_size);
      g_comp = nullptr;
      g_map = nullptr;
      g_base = nullptr;
    }}
  }}
  if (rc == STRATA_OK) ++g_refs;
  pthread_mutex_unlock(&g_lock);
  return rc;
}}

void {name}_fini(void) {{
  pthread_mutex_lock(&g_lock);
  if (g_refs > 0 && --g_refs == 0) {{
{fb_fini}    odla_DestroyComputation(g_comp);
    if (g_map) munmap(g_map, g_map_size);
    g_comp = nullptr;
    g_map = nullptr;
    g_map_size = 0;
    g_base = nullptr;
  }}
  pthread_mutex_unlock(&g_lock);
}}

// Entry function: binds the buffers to a context of their own (so that threads may call it
// at once) and executes the computation.
int {name}({", ".join(d for d, _ in params) or "void"}) {{
  if (!g_comp) return STRATA_ERR_NOT_INITIALIZED;
  odla_context {cx} = nullptr;
  if (odla_CreateContext(&{cx}) != ODLA_SUCCESS) return STRATA_ERR_RUNTIME;
  odla_status {st} = ODLA_SUCCESS;
{chr(10).join(binds)}
  if ({st} == ODLA_SUCCESS)
    {st} = odla_ExecuteComputation(g_comp, {cx}, ODLA_COMPUTE_INFERENCE, nullptr);
  odla_DestroyContext({cx});
  return {st} == ODLA_SUCCESS ? STRATA_OK : STRATA_ERR_RUNTIME;
}}

// For Strata's loader (strata._runtime): the same entry over an array of pointers.
extern "C" int {name}__strata_run_packed(void* const* args) {{
  return {name}({casts});
}}
extern "C" const int {name}__strata_num_args = {len(io)};
extern "C" const uint64_t {name}__strata_arg_nbytes[] = {nbytes};
extern "C" const char* {name}__strata_last_error(void) {{ return odla_GetLastError(); }}
"""


__all__ = ["OdlaProgram", "entry_function", "translate"]
