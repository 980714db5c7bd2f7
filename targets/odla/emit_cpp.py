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

Options (`EmitOptions`, HALO's flags): `exec_mode="interpret"` prints `NAME_run()` instead of
the helper, which `NAME()` calls on a fresh interpret-mode computation: inputs are
`odla_CreateValue` + `odla_SetValueData`, each op computes at once, results are read with
`odla_GetValueData`; `value_reset` (interpret only) adds `odla_ReleaseValue(v)` after the last
use of each input / result; `value_id_as_int` prints ids as integers
`(odla_value_id)(uintptr_t)N` and tells the runtime (`ODLA_VALUE_ID_AS_INT`). Every
translation measures the program's memory (`MemStats`: HALO's `--print-mem-stats`).

Dependency contract: numpy, the `mlir` bindings, `strata.dtypes`, `strata.errors`,
`strata.dialects.{odla,opdef}`, `strata.passes.nn_to_odla` (node names), `.signless`,
`strata.targets.cpu.{abi,weights,passes}`, `strata.targets.odla.{options,runtimes}`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from mlir import ir

from strata.dialects import odla
from strata.dialects.opdef import dtype_of, operand_groups
from strata.errors import CompilationError
from strata.passes import signless
from strata.passes.nn_to_odla import node_name
from strata.targets.cpu import abi, weights
from strata.targets.cpu.passes import public_funcs, resource_key
from strata.targets.odla.options import EmitOptions, MemStats
from strata.targets.odla.runtimes import ELEMENT_TYPES, STORAGE_TYPES

# numpy dtype name -> odla_element_type
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
    mem_stats: MemStats


def fallback_c_name(name: str, symbol: str) -> str:
    """The C name of the CPU-compiled function `symbol` (@odla_fallback_K -> NAME_fallback_K)."""
    return f"{name}_{symbol.removeprefix('odla_')}"


def _spec(v: ir.Value) -> tuple[list[int], np.dtype]:
    t = ir.RankedTensorType(v.type)
    if not t.has_static_shape:
        raise CompilationError(f"value of type {t} has a dynamic dim (ODLA values are static)")
    return [int(d) for d in t.shape], np.dtype(dtype_of(t.element_type))


def _elem(dtype: np.dtype, what: str) -> str:
    name = ELEMENT_TYPES.get(dtype.name) or STORAGE_TYPES.get(dtype.name)
    if name is None:
        raise CompilationError(f"{what}: element type {dtype.name} has no ODLA element type")
    return name


_DENSE = re.compile(r"^dense<(.*)> : ", re.S)


def _dense_array(value: ir.Attribute, dtype: np.dtype) -> np.ndarray:
    """The elements of an inline `dense<...>` constant. numpy's buffer protocol has no format
    for bfloat16 or the narrow types: those are read from the printed elements (decimals, or
    `0x..` bit patterns for NaN / inf), as signless.storage_bits does for the narrow ones."""
    try:
        return np.asarray(value)
    except TypeError:
        pass
    t = ir.RankedTensorType(value.type)
    if signless.is_narrow(t.element_type):
        return signless.storage_bits(value).view(dtype)
    m = _DENSE.match(str(value))
    if m is None or dtype.itemsize != 2:
        raise CompilationError(f"cannot read the elements of {str(value)[:80]}")
    bits = []
    for tok in (x for x in re.split(r"[\s,\[\]]+", m.group(1)) if x):
        if tok.lower().startswith("0x"):
            bits.append(int(tok, 16))
        else:
            bits.append(int(np.array([float(tok)]).astype(dtype).view(np.uint16)[0]))
    n = int(np.prod(t.shape)) if t.rank else 1
    arr = np.array(bits, np.uint16)
    if arr.size == 1 and n != 1:  # a splat
        arr = np.full(n, arr[0], np.uint16)
    return arr.view(dtype).reshape(t.shape)


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


def _nbytes(v: ir.Value) -> int:
    dims, dtype = _spec(v)
    return int(np.prod(dims, dtype=np.int64)) * dtype.itemsize


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
    def __init__(
        self, weight_data: Callable[[str], np.ndarray], name: str, options: EmitOptions
    ) -> None:
        self.weight_data = weight_data
        self.name = name
        self.options = options
        self.int_ids: dict[str, int] = {}  # value_id_as_int: id text -> its number (from 1)
        self.fallbacks: list[tuple[str, str]] = []
        self.fallback_defs: list[str] = []
        self.lines: list[str] = []
        self.names: dict[ir.Value, str] = {}  # value -> C++ variable
        # the helper's own names (`s`: its status), which value variables must not take
        self.taken: set[str] = {"g_comp", "weight", "ctx", "s", "inputs", "outputs"}
        self.ids: set[str] = set()
        self.arrays: list[np.ndarray] = []
        self.keys: list[str] = []
        self.weight_index: dict[str, int] = {}
        # value -> the graph output id it is computed under (the runtime binds outputs by id)
        self.claims: dict[ir.Value, str] = {}
        # liveness, for MemStats and value_reset: the position (in the block) of each value's
        # last use, the values that live to the end (outputs), and who dies where
        self.position = 0
        self.last_use: dict[ir.Value, int] = {}
        self.keep: set[ir.Value] = set()
        self.dies: dict[int, list[ir.Value]] = {}
        self.live = self.writable = self.peak = 0

    def vid(self, ident: str) -> str:
        """The value id argument of `ident`: its text, or its number (value_id_as_int)."""
        if not self.options.value_id_as_int:
            return _vid(ident)
        number = self.int_ids.setdefault(ident, len(self.int_ids) + 1)
        return f"(odla_value_id)(uintptr_t){number}"

    def id_note(self, ident: str) -> str:
        """` (id N)` in a value's comment when ids are integers."""
        if not self.options.value_id_as_int:
            return ""
        self.vid(ident)
        return f" (id {self.int_ids[ident]})"

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
            comment = f"input {ident!r}{self.id_note(ident)}: {dtype.name}{_dims_text(dims)}"
        elif short == "constant":
            ident = self.unique_id(str(_attr(op, "id")))
            comment = f"weight {ident!r}{self.id_note(ident)}: {dtype.name}{_dims_text(dims)}"
        elif short == "output":
            src, out_id = op.operands[0], str(_attr(op, "id"))
            if self.claims.get(src) == out_id or self.options.interpret:
                # interpret mode reads each result by its handle: no copy needed
                self.names[result] = self.names[src]
                return
            # an input, a weight or a value returned twice: a copy under the output's id
            var = self.var(out_id)
            self.lines.append(f"  // output {out_id!r}: a copy of {self.names[src]}")
            self.lines.append(
                f"  odla_value {var} = odla_Reshape({self.names[src]}, {_shape(dims)}, "
                f"{self.vid(out_id)});"
            )
            self.names[result] = var
            self.created(result)
            return
        else:
            node = node_name(op.location) or short
            ident = self.claims.get(result) or self.unique_id(node)
            what = f"node {node!r}" + (f", output {ident!r}" if result in self.claims else "")
            comment = f"{what}{self.id_note(ident)}: {dtype.name}{_dims_text(dims)}"
        var = self.var(ident)
        self.lines.append(f"  // {comment}".replace("*/", "* /"))
        call = self.call(op, short, var, ident, dims, dtype)
        self.lines.append(f"  odla_value {var} = {call};")
        self.names[result] = var
        if short == "argument" and self.options.interpret:
            index = ir.BlockArgument(op.operands[0]).arg_number  # the entry's parameter
            set_data = f"odla_SetValueData({var}, inputs[{index}])"
            self.lines.append(f"  if (s == ODLA_SUCCESS) s = {set_data};")
        if short != "constant":
            self.created(result)

    def created(self, v: ir.Value) -> None:
        """`v` now holds memory of its own: count it (MemStats) and note when it dies."""
        n = _nbytes(v)
        self.live += n
        self.writable += n
        self.peak = max(self.peak, self.live)
        if v not in self.keep:  # a graph output lives to the end
            self.dies.setdefault(self.last_use.get(v, self.position), []).append(v)

    def used(self, position: int) -> None:
        """After the op at `position`: free the values whose last use it was (and its own
        result if nothing uses it); with value_reset the program releases them here."""
        for v in self.dies.pop(position, []):
            self.live -= _nbytes(v)
            if self.options.value_reset:
                self.lines.append(
                    f"  if (s == ODLA_SUCCESS) s = odla_ReleaseValue({self.names[v]});"
                )

    def emit_call(self, op: ir.Operation, callee: ir.Operation) -> None:
        """A func.call of an outlined nn op: odla_CustomCall of its CPU-compiled function.
        An op with several results computes them into one byte value (each result at a
        64-byte aligned offset), and one odla_CustomCall per result copies its part out."""
        symbol = ir.FlatSymbolRefAttr(op.attributes["callee"]).value
        results = list(op.results)
        if not results:
            raise CompilationError(f"fallback call @{symbol} has no result")
        offsets, total = [], 0
        for r in results:
            offsets.append(total)
            total += -(-_nbytes(r) // 64) * 64
        c_name = fallback_c_name(self.name, symbol)
        if (symbol, c_name) not in self.fallbacks:
            self.fallbacks.append((symbol, c_name))
            sizes = [_nbytes(r) for r in results]
            self.fallback_defs.append(self._fallback_def(c_name, len(op.operands), offsets, sizes))
        node = node_name(op.location) or symbol
        inner = callee.regions[0].blocks[0].operations[0].operation.name
        ins = ", ".join(self.names[v] for v in op.operands)
        operands = f"{{{len(op.operands)}, {{{ins}}}}}"
        if len(results) == 1:
            where = f"node {node!r} ({inner}, on Strata's loop path: {c_name})"
            self._custom_value(results[0], node, where, operands, f"{c_name}_call")
            return
        packed = self.unique_id(f"{node}__results")
        self.lines.append(
            f"  // node {node!r} ({inner}, on Strata's loop path: {c_name}): its "
            f"{len(results)} results in one buffer{self.id_note(packed)}: uint8[{total}]"
            .replace("*/", "* /")
        )  # fmt: skip
        pvar = self.var(packed)
        self.lines.append(
            f"  odla_value {pvar} = odla_CustomCall({operands}, "
            f"{{ODLA_UINT8, {{1, {{{total}}}}}}}, {c_name}_call, {self.vid(packed)});"
        )
        self.live += total  # counted as a value of its own (MemStats), freed after the parts
        self.writable += total
        self.peak = max(self.peak, self.live)
        for i, result in enumerate(results):
            where = f"result {i} of node {node!r}"
            self._custom_value(
                result, f"{node}:{i}", where, f"{{1, {{{pvar}}}}}", f"{c_name}_part{i}"
            )
        self.live -= total
        if self.options.value_reset:
            self.lines.append(f"  if (s == ODLA_SUCCESS) s = odla_ReleaseValue({pvar});")

    def _custom_value(
        self, result: ir.Value, want_id: str, where: str, operands: str, function: str
    ) -> None:
        """`result` as the odla_CustomCall of `function` over `operands` (an odla_values
        initialiser), with a comment `where` and its dtype and dims."""
        dims, dtype = _spec(result)
        ident = self.claims.get(result) or self.unique_id(want_id)
        self.lines.append(
            f"  // {where}{self.id_note(ident)}: {dtype.name}{_dims_text(dims)}".replace(
                "*/", "* /"
            )
        )
        var = self.var(ident)
        elem = _elem(dtype, f"value {ident!r}")
        self.lines.append(
            f"  odla_value {var} = odla_CustomCall({operands}, {{{elem}, {_shape(dims)}}}, "
            f"{function}, {self.vid(ident)});"
        )
        self.names[result] = var
        self.created(result)

    @staticmethod
    def _fallback_def(c_name: str, n_in: int, offsets: list[int], sizes: list[int]) -> str:
        """The declarations of a loop-path function and the odla_custom_fn(s) calling it."""
        ins = [f"const_cast<void*>(in[{i}])" for i in range(n_in)]
        if len(offsets) == 1:
            outs = ["out"]
        else:
            outs = [f"static_cast<char*>(out) + {off}" for off in offsets]
        text = f"""extern "C" int {c_name}_init(const char* weights_path);
extern "C" void {c_name}_fini(void);
extern "C" int {c_name}__strata_run_packed(void* const* args);
static int {c_name}_call(const void* const* in, void* out) {{
  void* args[] = {{{", ".join(ins + outs)}}};
  return {c_name}__strata_run_packed(args);
}}
"""
        if len(offsets) == 1:
            return text
        for i, (off, size) in enumerate(zip(offsets, sizes, strict=True)):
            text += f"""// result {i} of {c_name}: its part of the results' buffer
static int {c_name}_part{i}(const void* const* in, void* out) {{
  memcpy(out, static_cast<const char*>(in[0]) + {off}, {size});
  return 0;
}}
"""
        return text

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
            arr = np.ascontiguousarray(_dense_array(value, dtype))
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
        vid = self.vid(ident)
        elem = _elem(dtype, f"value {ident!r}")
        out_dims = _shape(dims)
        fn = odla.call_name(op.name)
        a = lambda n: _attr(op, n)  # noqa: E731
        if short == "argument":
            create = "odla_CreateValue" if self.options.interpret else "odla_CreateArgument"
            return f"{create}({{{elem}, {out_dims}}}, {vid})"
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
        if short == "instance_normalization":
            groups = operand_groups(op, odla.DIALECT.op(short))
            x = self.operand(groups[0][0])
            scale = self.operand(groups[1][0] if groups[1] else None)
            offset = self.operand(groups[2][0] if groups[2] else None)
            return (
                f"{fn}({x}, {LAYOUT_ENUMS[str(a('input_layout'))]}, {_f32(a('epsilon'))}, "  # type: ignore[arg-type]
                f"{scale}, {offset}, {_f32(a('scalar_scale'))}, {_f32(a('scalar_offset'))}, "  # type: ignore[arg-type]
                f"{vid})"
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
    options: EmitOptions | None = None,
) -> OdlaProgram:
    """Translate the odla function of `module` (its entry, or the only public function).

    `weight_data` gives the array of each `dense_resource` blob key. `data_symbol`: the
    weights are compiled in (NAME_data.c defines that symbol, `--emit-data-as-c`) rather
    than read from NAME.bin. `options`: HALO's code generation options (EmitOptions)."""
    options = options or EmitOptions()
    func_op = entry_function(module, entry)
    lookup = weight_data if callable(weight_data) else _lookup(weight_data)
    em = _Emitter(lookup, name, options)
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
    _liveness(block, em)
    for position, op in enumerate(block.operations):
        o = op.operation
        em.position = position
        if o.name == "func.return":
            ret = o
            continue
        if o.name == "func.call":
            symbol = ir.FlatSymbolRefAttr(o.attributes["callee"]).value
            if not symbol.startswith("odla_fallback_") or symbol not in symbols:
                raise CompilationError(f"odla-to-cpp: call of @{symbol} is not an odla fallback")
            em.emit_call(o, symbols[symbol].operation)
            em.used(position)
            continue
        if not o.name.startswith("odla."):
            raise CompilationError(
                f"odla-to-cpp: '{o.name}' at {o.location} is not an odla op "
                "(run convert-nn-to-odla first)"
            )
        if o.name == "odla.argument":
            bound[o.operands[0]] = str(_attr(o, "id"))
        em.emit(o)
        em.used(position)
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
    stats = MemStats(sum(a.nbytes for a in em.arrays), em.writable, em.peak)
    return OdlaProgram(
        name, source, header, em.arrays, layout, inputs, outputs, em.fallbacks, stats
    )


def _liveness(block: ir.Block, em: _Emitter) -> None:
    """The position of each value's last use in `block`, and the values that live to the end:
    the graph outputs (in interpret mode each output's source is read at the end; in compile
    mode an input or weight returned as an output is copied where its odla.output is)."""
    for position, op in enumerate(block.operations):
        o = op.operation
        if o.name == "odla.output":
            src = o.operands[0]
            if em.options.interpret or em.claims.get(src) == str(_attr(o, "id")):
                em.keep.add(src)
            else:
                em.last_use[src] = position
                em.keep.add(o.results[0])
            continue
        if o.name == "func.return":
            continue
        for v in o.operands:
            em.last_use[v] = position


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
    opts = em.options
    as_int = (
        "// Value ids are integers (ODLA_VALUE_ID_AS_INT); each value's comment gives its id.\n"
        "static odla_bool g_ids_as_int = 1;\n"
        if opts.value_id_as_int
        else ""
    )
    if opts.interpret:
        program, init_build, fini_destroy, entry = _render_interpret(
            name, em, params, idents, inputs, outputs, out_vars, body
        )
        about = (
            f"// {name}_run() computes the model with ODLA calls in interpret mode: each call\n"
            "// computes its value at once (the comment above each value names its ONNX node and\n"
            f"// its type). {name}_init() maps {where}\n"
            f"// once; each {name}() call runs {name}_run() on a fresh interpret-mode\n"
            f"// computation; {name}_fini() releases the weights."
        )
    else:
        program, init_build, fini_destroy, entry = _render_compile(
            name, em, params, idents, inputs, out_vars, out_ids, body
        )
        about = (
            f"// {name}_helper() builds the computation with ODLA calls, one per op; the comment\n"
            f"// above each value names its ONNX node and its type. {name}_init() maps {where}\n"
            f"// and builds the computation once; {name}() binds the caller's buffers and\n"
            f"// executes it; {name}_fini() releases both."
        )
    return f"""// {name}.cc: the ODLA program of model '{name}', generated by Strata {version}.
// Do not edit.
//
{about} Build it against any ODLA
// runtime, e.g.  c++ -std=c++17 -shared -fPIC {name}.cc -I<odla include> -lodla_ref
#include <odla.h>

#include <limits>

{abi.WEIGHTS_INCLUDES}
#include "{name}.h"

{loader}
{as_int}{fallback_defs}// The start of constant i in the mapped weights file.
static const void* weight(int i) {{ return g_base + kOffsets[i]; }}

{program}
int {name}_init(const char* weights_path) {{
  int rc = STRATA_OK;
  pthread_mutex_lock(&g_lock);
  if (g_refs == 0) {{
{load}{fb_init}{init_build}    if (rc != STRATA_OK) {{
{fini_destroy}      if (g_map) munmap(g_map, g_map_size);
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
{fb_fini}{fini_destroy}    if (g_map) munmap(g_map, g_map_size);
    g_map = nullptr;
    g_map_size = 0;
    g_base = nullptr;
  }}
  pthread_mutex_unlock(&g_lock);
}}

{entry}
// For Strata's loader (strata._runtime): the same entry over an array of pointers.
extern "C" int {name}__strata_run_packed(void* const* args) {{
  return {name}({casts});
}}
extern "C" const int {name}__strata_num_args = {len(io)};
extern "C" const uint64_t {name}__strata_arg_nbytes[] = {nbytes};
extern "C" const char* {name}__strata_last_error(void) {{ return odla_GetLastError(); }}
"""


def _render_compile(
    name: str,
    em: _Emitter,
    params: list[tuple[str, str]],
    idents: list[str],
    inputs: list[abi.Tensor],
    out_vars: list[str],
    out_ids: list[str],
    body: str,
) -> tuple[str, str, str, str]:
    """Compile mode: the helper building the computation, NAME_init's and NAME_fini's parts
    for it, and NAME() binding the buffers and executing."""
    in_ids = [t.name for t in inputs]
    # the entry function's locals, named apart from its parameters (graph names such as 's')
    local = set(idents)
    st, cx = abi.c_identifier("s", local), abi.c_identifier("ctx", local)
    binds = [
        f"  if ({st} == ODLA_SUCCESS) {st} = odla_BindToArgumentById({em.vid(i)}, {p}, {cx});"
        for i, p in zip(in_ids, idents[: len(inputs)], strict=True)
    ] + [
        f"  if ({st} == ODLA_SUCCESS) {st} = odla_BindToOutputById({em.vid(i)}, {p}, {cx});"
        for i, p in zip(out_ids, idents[len(inputs) :], strict=True)
    ]
    marks = [f"  if (s == ODLA_SUCCESS) s = odla_SetValueAsOutput({v});" for v in out_vars]
    item = "(odla_item_value)&g_ids_as_int"
    comp_item = (
        f"odla_SetComputationItem(g_comp, ODLA_VALUE_ID_AS_INT, {item}) != ODLA_SUCCESS ||\n"
        "         "
        if em.options.value_id_as_int
        else ""
    )
    ctx_item = (
        f"  if ({st} == ODLA_SUCCESS)\n"
        f"    {st} = odla_SetContextItem({cx}, ODLA_VALUE_ID_AS_INT, {item});\n"
        if em.options.value_id_as_int
        else ""
    )
    program = f"""static odla_computation g_comp = nullptr;

// Graph building: the computation of model '{name}'.
static odla_status {name}_helper() {{
  odla_status s = ODLA_SUCCESS;
{body}
{chr(10).join(marks)}
  return s;
}}
"""
    helper = f"{comp_item}{name}_helper() != ODLA_SUCCESS"
    init_build = f"""    if (rc == STRATA_OK &&
        (odla_CreateComputation(&g_comp) != ODLA_SUCCESS || {helper}))
      rc = STRATA_ERR_RUNTIME;
"""
    fini_destroy = """    if (g_comp) odla_DestroyComputation(g_comp);
    g_comp = nullptr;
"""
    entry = f"""// Entry function: binds the buffers to a context of their own (so that threads
// may call it at once) and executes the computation.
int {name}({", ".join(d for d, _ in params) or "void"}) {{
  if (!g_comp) return STRATA_ERR_NOT_INITIALIZED;
  odla_context {cx} = nullptr;
  if (odla_CreateContext(&{cx}) != ODLA_SUCCESS) return STRATA_ERR_RUNTIME;
  odla_status {st} = ODLA_SUCCESS;
{ctx_item}{chr(10).join(binds)}
  if ({st} == ODLA_SUCCESS)
    {st} = odla_ExecuteComputation(g_comp, {cx}, ODLA_COMPUTE_INFERENCE, nullptr);
  odla_DestroyContext({cx});
  return {st} == ODLA_SUCCESS ? STRATA_OK : STRATA_ERR_RUNTIME;
}}
"""
    return program, init_build, fini_destroy, entry


def _render_interpret(
    name: str,
    em: _Emitter,
    params: list[tuple[str, str]],
    idents: list[str],
    inputs: list[abi.Tensor],
    outputs: list[abi.Tensor],
    out_vars: list[str],
    body: str,
) -> tuple[str, str, str, str]:
    """Interpret mode: NAME_run (the ODLA calls, each computing at once; `inputs[i]` /
    `outputs[i]` are the entry's buffers), NAME_init's and NAME_fini's parts, and NAME() running
    NAME_run on a fresh interpret-mode computation."""
    gets = [
        f"  if (s == ODLA_SUCCESS) s = odla_GetValueData({v}, outputs[{i}]);"
        for i, v in enumerate(out_vars)
    ]
    local = set(idents)
    st, cp, md = (abi.c_identifier(n, local) for n in ("s", "comp", "mode"))
    ins = ", ".join(idents[: len(inputs)]) or "nullptr"
    outs = ", ".join(idents[len(inputs) :]) or "nullptr"
    a_in, a_out = abi.c_identifier("inputs", local), abi.c_identifier("outputs", local)
    item = (
        f"  if ({st} == ODLA_SUCCESS)\n    {st} = odla_SetComputationItem({cp}, "
        "ODLA_VALUE_ID_AS_INT, (odla_item_value)&g_ids_as_int);\n"
        if em.options.value_id_as_int
        else ""
    )
    released = " Values are released after their last use." if em.options.value_reset else ""
    program = f"""static bool g_ready = false;

// Interpret mode: the computation of model '{name}', each call computing its value at once
// from its operands' data (inputs[i], outputs[i]: the entry's buffers).{released}
static odla_status {name}_run(const void* const* inputs, void* const* outputs) {{
  (void)inputs;
  (void)outputs;
  odla_status s = ODLA_SUCCESS;
{body}
{chr(10).join(gets)}
  return s;
}}
"""
    init_build = "    g_ready = rc == STRATA_OK;\n"
    fini_destroy = "    g_ready = false;\n"
    entry = f"""// Entry function: runs {name}_run on an interpret-mode computation of its own (so
// that threads may call it at once), which frees the values left when it is destroyed.
int {name}({", ".join(d for d, _ in params) or "void"}) {{
  if (!g_ready) return STRATA_ERR_NOT_INITIALIZED;
  odla_computation {cp} = nullptr;
  if (odla_CreateComputation(&{cp}) != ODLA_SUCCESS) return STRATA_ERR_RUNTIME;
  odla_execution_mode {md} = ODLA_INTERPRET;
  odla_status {st} = odla_SetComputationItem({cp}, ODLA_EXECUTION_MODE, (odla_item_value)&{md});
{item}  const void* {a_in}[] = {{{ins}}};
  void* {a_out}[] = {{{outs}}};
  if ({st} == ODLA_SUCCESS) {st} = {name}_run({a_in}, {a_out});
  odla_DestroyComputation({cp});
  return {st} == ODLA_SUCCESS ? STRATA_OK : STRATA_ERR_RUNTIME;
}}
"""
    return program, init_build, fini_destroy, entry


__all__ = ["OdlaProgram", "entry_function", "translate"]
