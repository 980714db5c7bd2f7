"""The PyTorch import driver: an `ExportedProgram` (or a `.pt2` file) into an `nn` module.

The program is lowered to the core ATen op set (`run_decompositions()`), every op is checked
against the converter table (`strata.frontends.torch.ops`) — all missing ops are reported in
one UnsupportedOpError — then the FX graph is walked in order. Parameters, buffers and lifted
constants become weights (`nn.constant` of `dense_resource` blobs, materialised where first
used); the user inputs become the entry function's arguments, in the program's order, with
`torch.export.Dim` dims as dynamic dims named after their symbol (`s0`, ...: inputs whose
dims share a symbol must agree at run time). FX nodes that compute sizes (`aten.sym_size`,
arithmetic on SymInts) emit nothing: converters read the sizes torch.export recorded.

Dependency contract: numpy, `torch`, `mlir`, `strata.context`, `strata.errors`,
`strata.frontends.base`, `strata.frontends.common` and this package's converter table.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from mlir import ir
from mlir.dialects import func

from strata.context import ensure_dialects, make_context
from strata.dialects.opdef import OpVerifyError, TensorSpec, spec_of_type, type_of_spec
from strata.errors import ModelImportError, ModelLoadError, UnsupportedOpError
from strata.frontends import common
from strata.frontends.base import ImportedModel, InfoDim, TensorInfo
from strata.frontends.common import ConvertError
from strata.frontends.torch import ops
from strata.frontends.torch.ops.registry import Node, Output, fake_dims, numpy_dtype

ProgramSource = torch.export.ExportedProgram | str | os.PathLike[str]


def load_program(source: ProgramSource) -> torch.export.ExportedProgram:
    """An ExportedProgram as given, or loaded from a `torch.export.save` file."""
    if isinstance(source, torch.export.ExportedProgram):
        return source
    path = Path(source)
    if not path.is_file():
        raise ModelLoadError(f"model file '{source}' does not exist or is not a file")
    try:
        return torch.export.load(str(path))
    except Exception as e:  # torch raises many kinds for a file that is not a .pt2 archive
        raise ModelLoadError(
            f"'{source}' is not a program saved by torch.export.save: {type(e).__name__}: {e}"
        ) from None


def import_program(
    source: ProgramSource,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    batch_size: int | None = None,
    outputs: Sequence[str] | None = None,
    inputs: Sequence[str] | None = None,
    entry_func_name: str = "main",
    context: ir.Context | None = None,
) -> ImportedModel:
    """Import an ExportedProgram (or a `.pt2` file written by `torch.export.save`).

    `input_shapes` (input name -> full shape) and `batch_size` (first dim) give static values
    to the symbolic (`torch.export.Dim`) dims of the inputs: one symbol gets one value, within
    the range torch.export recorded for it. `outputs`: the FX nodes whose values to return
    (default: the program's outputs). `inputs`: FX nodes that become inputs, cutting the
    program there (their dtype and shape as torch.export recorded them). With
    `context=None` a fresh context is made; the caller owns it either way.
    """
    program = load_program(source)
    try:
        program = program.run_decompositions()
    except Exception as e:
        raise ModelImportError(
            f"torch.export's run_decompositions() failed: {type(e).__name__}: {e}"
        ) from None
    graph = program.graph_module.graph
    walker = _Walker(program, input_shapes or {}, batch_size, outputs)
    walker.select(inputs or [])
    missing: dict[str, list[str]] = {}
    for n in graph.nodes:
        if n.name not in walker.needed:
            continue
        if n.op == "call_function" and not _is_size_arithmetic(n) and n.target is not getitem:
            key = op_key(n)
            if ops.lookup(key) is None:
                missing.setdefault(key, []).append(n.name)
    common.raise_unsupported(missing, NOTES)
    ctx = context if context is not None else make_context()
    ensure_dialects(ctx)
    with ctx, ir.Location.unknown():
        module = walker.emit(entry_func_name)
        common.verify(module)
        return ImportedModel(
            module=module,
            entry=entry_func_name,
            inputs=walker.inputs,
            outputs=walker.outputs,
            weights=walker.consts.weights,
        )


getitem = operator.getitem
_TRAINING = "{} in training mode: call module.eval() before exporting"
# What more can be said about an unsupported op than "no converter"
NOTES: dict[str, str] = {
    "aten._native_batch_norm_legit_functional.default": _TRAINING.format("batch norm"),
    "aten._native_batch_norm_legit.default": _TRAINING.format("batch norm"),
    "aten.native_batch_norm.default": _TRAINING.format("batch norm"),
    "aten.native_dropout.default": _TRAINING.format("dropout"),
}


def op_key(n: torch.fx.Node) -> str:
    """The table key of a call: `aten.NAME.OVERLOAD` for an ATen op, else the callable's name."""
    target = n.target
    if isinstance(target, torch._ops.OpOverload):
        return str(target)
    return getattr(target, "__name__", str(target))


def _is_size_arithmetic(n: torch.fx.Node) -> bool:
    """A node computing a size (SymInt / int / float), not a tensor."""
    return isinstance(n.meta.get("val"), (torch.SymInt, torch.SymFloat, torch.SymBool, int))


def _bound(v: Any) -> int | None:
    """A range bound torch.export recorded (a sympy number; None for an infinite one)."""
    try:
        return int(v)
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None


def _shown(dims: Sequence[InfoDim]) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"


def _weight_array(t: torch.Tensor, name: str) -> np.ndarray:
    try:
        dtype = numpy_dtype(t.dtype, f"weight '{name}'")
    except ConvertError as e:
        raise ModelImportError(str(e)) from None
    return np.array(t.detach().cpu().contiguous().numpy(), dtype=dtype, copy=True)


class _Walker:
    """Emits the entry function, node by node."""

    def __init__(
        self,
        program: torch.export.ExportedProgram,
        input_shapes: Mapping[str, Sequence[int]],
        batch_size: int | None,
        outputs: Sequence[str] | None,
    ) -> None:
        self.program = program
        self.input_shapes = {k: [int(d) for d in v] for k, v in input_shapes.items()}
        self.batch_size = batch_size
        self.selected = list(outputs) if outputs else None
        self.pinned: dict[str, tuple[int, str]] = {}  # symbol -> (value, where it was set)
        self.consts = common.Constants()
        self.inputs: list[TensorInfo] = []
        self.outputs: list[TensorInfo] = []
        # FX node name -> its value(s): an MLIR value, a weight array (emitted on first use),
        # a list for a node with several results, or None where a result is not produced
        self.env: dict[str, Any] = {}
        self.dropped: dict[str, str] = {}  # FX node name -> why it has no value
        self.weight_names: dict[str, str] = {}  # placeholder -> state_dict key ("fc.weight")
        self.cuts: list[torch.fx.Node] = []
        self.needed: set[str] = {n.name for n in program.graph_module.graph.nodes}

    def select(self, cuts: Sequence[str]) -> None:
        """The nodes the outputs need, not looking past the nodes `cuts` names (nor past
        size computations, which emit nothing)."""
        graph = self.program.graph_module.graph
        by_name = {n.name: n for n in graph.nodes}
        valid = [n.name for n in graph.nodes if n.op in ("placeholder", "call_function")]
        common.check_names("inputs", cuts, valid, "FX nodes of the program")
        self.cuts = [by_name[c] for c in cuts]
        if not cuts:
            return
        out_node = next(n for n in graph.nodes if n.op == "output")
        roots = [by_name[o] for o in self.selected if o in by_name] if self.selected else [out_node]
        stop = set(cuts)
        needed: set[str] = set()
        stack = list(roots)
        while stack:
            n = stack.pop()
            if n.name in needed:
                continue
            needed.add(n.name)
            if n.name in stop or (n.op == "call_function" and _is_size_arithmetic(n)):
                continue
            stack.extend(n.all_input_nodes)
        needed.add(out_node.name)
        self.needed = needed

    # ---- the value table (registry.Values) -------------------------------------------------
    def value(self, node: torch.fx.Node, user: str) -> ir.Value:
        if node.name not in self.env:
            raise ModelImportError(f"{user} uses '{node.name}', which has no value")
        v = self.env[node.name]
        if isinstance(v, np.ndarray):
            label = self.weight_names.get(node.name, node.name)
            v = self.env[node.name] = self.consts.constant(v, label)
        if not isinstance(v, ir.Value):
            what = self.dropped.get(node.name, "not a tensor") if v is None else type(v).__name__
            raise ModelImportError(f"{user} uses '{node.name}', which is {what}")
        return v

    def constant(self, array: np.ndarray, name: str) -> ir.Value:
        return self.consts.constant(array, name)

    # ---- the function ----------------------------------------------------------------------
    def emit(self, name: str) -> ir.Module:
        sig = self.program.graph_signature
        kinds = torch.export.graph_signature.InputKind
        specs = {s.arg.name: s for s in sig.input_specs if hasattr(s.arg, "name")}
        graph = self.program.graph_module.graph
        user_nodes: list[torch.fx.Node] = []
        cut_names = {c.name for c in self.cuts}
        for n in graph.nodes:
            if n.op != "placeholder":
                continue
            spec = specs.get(n.name)
            if spec is None or spec.kind == kinds.USER_INPUT:
                if n.name in self.needed and n.name not in cut_names:
                    user_nodes.append(n)
                continue
            if spec.kind in (kinds.PARAMETER, kinds.BUFFER, kinds.CONSTANT_TENSOR):
                self.env[n.name] = _weight_array(self._state(spec.target, n.name), n.name)
                self.weight_names[n.name] = spec.target or n.name
            else:
                raise ModelImportError(
                    f"input '{n.name}' is a {spec.kind.name.lower()}, which Strata does not import"
                )
        # shapes may name any user input (one the cut drops still pins its symbols) or cut
        everyone = [
            n
            for n in graph.nodes
            if n.op == "placeholder"
            and (specs.get(n.name) is None or specs[n.name].kind == kinds.USER_INPUT)
        ]
        known = [n.name for n in everyone] + [c.name for c in self.cuts if c not in everyone]
        unknown = sorted(set(self.input_shapes) - set(known))
        if unknown:
            raise ModelImportError(
                f"input shape given for {', '.join(repr(u) for u in unknown)}, which is not an "
                f"input; the inputs are {', '.join(repr(n) for n in known)}"
            )
        for n in everyone:  # pins the symbols of the dropped inputs too
            if n not in user_nodes and n.name not in cut_names and n.name in self.input_shapes:
                self._input_info(n)
        user_nodes += [c for c in self.cuts if c not in user_nodes]
        infos = [self._input_info(n) for n in user_nodes]
        for info in infos:  # a symbol pinned in one input is pinned in all
            dims = [
                self.pinned[d][0] if isinstance(d, str) and d in self.pinned else d
                for d in info.shape
            ]
            self.inputs.append(TensorInfo(info.name, tuple(dims), info.dtype))
        arg_types = [type_of_spec(TensorSpec.of(i.dims, i.dtype)) for i in self.inputs]
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            f = func.FuncOp(name, (arg_types, []))
        block = f.add_entry_block()
        for n, arg in zip(user_nodes, block.arguments, strict=True):
            self.env[n.name] = arg
        out_node = next(n for n in graph.nodes if n.op == "output")
        with ir.InsertionPoint(block):
            for n in graph.nodes:
                if n.op == "call_function" and n.name in self.needed and n.name not in cut_names:
                    self._node(n)
                elif n.op == "get_attr":
                    self.env[n.name] = _weight_array(
                        getattr(self.program.graph_module, str(n.target)), n.name
                    )
            values, names = self._results(out_node)
            func.ReturnOp(values)
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [v.type for v in values])
        )
        f.arg_attrs = common.name_attrs([i.name for i in self.inputs])
        f.res_attrs = common.name_attrs(names)
        return module

    def _state(self, target: str | None, name: str) -> torch.Tensor:
        p = self.program
        if target is not None and target in p.state_dict:
            t = p.state_dict[target]
        elif target is not None and target in p.constants:
            t = p.constants[target]
        else:
            raise ModelImportError(f"weight '{name}' ('{target}') is not in the program's state")
        if not isinstance(t, torch.Tensor):
            raise ModelImportError(f"weight '{name}' ('{target}') is not a tensor")
        return t

    def _input_info(self, n: torch.fx.Node) -> TensorInfo:
        val = n.meta.get("val")
        if not isinstance(val, torch.Tensor):
            raise ModelImportError(
                f"input '{n.name}' is {type(val).__name__} (torch.export recorded no tensor "
                "for it); Strata imports tensor inputs only"
            )
        try:
            dtype = numpy_dtype(val.dtype, f"input '{n.name}'")
        except ConvertError as e:
            raise ModelImportError(str(e)) from None
        dims: list[InfoDim] = [
            int(d) if isinstance(d, int) else str(d.node.expr) for d in val.shape
        ]
        given = self.input_shapes.get(n.name)
        if given is not None and len(given) != len(dims):
            raise ModelImportError(
                f"input shape {given} for '{n.name}' has rank {len(given)}; the input has "
                f"rank {len(dims)} {_shown(dims)}"
            )
        for k, d in enumerate(dims):
            if given is not None:
                want: int | None = given[k]
            else:  # the batch size fixes a leading dim the program leaves open
                want = self.batch_size if k == 0 and not isinstance(d, int) else None
            if want is None:
                continue
            if isinstance(d, int):
                if d != want:
                    raise ModelImportError(
                        f"input '{n.name}' dim {k} is {d} in the program, {want} was given "
                        f"{_shown(dims)}"
                    )
                continue
            dims[k] = self._pin(str(d), want, f"input '{n.name}' dim {k}")
        return TensorInfo(n.name, tuple(dims), dtype)

    def _pin(self, symbol: str, value: int, where: str) -> int:
        """Give `symbol` the static `value` (the same in every input that has it)."""
        if value < 1:
            raise ModelImportError(f"{where} must be positive, got {value}")
        if symbol in self.pinned and self.pinned[symbol][0] != value:
            first, at = self.pinned[symbol]
            raise ModelImportError(
                f"{where} is the same dim ({symbol}) as {at}, but {value} was given there "
                f"and {first} here"
            )
        for sym, vr in self.program.range_constraints.items():
            if str(sym) == symbol:
                lo, hi = _bound(vr.lower), _bound(vr.upper)
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    raise ModelImportError(
                        f"{where} ({symbol}) = {value} is outside the range [{lo}, "
                        f"{'inf' if hi is None else hi}] the program was exported for"
                    )
        self.pinned.setdefault(symbol, (value, where))
        return value

    def _results(self, out_node: torch.fx.Node) -> tuple[list[ir.Value], list[str]]:
        sig = self.program.graph_signature
        kinds = torch.export.graph_signature.OutputKind
        returned = out_node.args[0]
        items = list(returned) if isinstance(returned, (list, tuple)) else [returned]
        specs = list(sig.output_specs)
        if self.selected is not None:
            by_name = {n.name: n for n in self.program.graph_module.graph.nodes}
            unknown = [o for o in self.selected if o not in by_name]
            if unknown:
                raise ModelImportError(
                    f"outputs {', '.join(repr(u) for u in unknown)} are not nodes of the "
                    "program (outputs are FX node names, as `strata-translate --import-torch` "
                    "prints them in locations)"
                )
            items, specs = [by_name[o] for o in self.selected], []
        values: list[ir.Value] = []
        names: list[str] = []
        for k, item in enumerate(items):
            spec = specs[k] if k < len(specs) else None
            if spec is not None and spec.kind != kinds.USER_OUTPUT:
                continue  # buffer mutations (eval-mode programs have none that matter)
            if not isinstance(item, torch.fx.Node):
                raise ModelImportError(
                    f"output {k} is {item!r}; Strata returns tensor outputs only"
                )
            v = self.value(item, f"output {k} ('{item.name}')")
            values.append(v)
            names.append(item.name)
            s = spec_of_type(v.type)
            val = item.meta.get("val")
            dims: list[InfoDim] = list(s.shape)
            if isinstance(val, torch.Tensor) and len(val.shape) == s.rank:
                dims = [
                    str(d.node.expr)
                    if not isinstance(d, int) and s.shape[j] is None
                    else s.shape[j]
                    for j, d in enumerate(val.shape)
                ]
            self.outputs.append(TensorInfo(item.name, tuple(dims), s.dtype))
        return values, names

    def _node(self, n: torch.fx.Node) -> None:
        if _is_size_arithmetic(n):
            self.env[n.name] = None
            return
        if n.target is getitem:
            src, k = cast(tuple[Any, Any], n.args)
            got = self.env.get(src.name) if isinstance(src, torch.fx.Node) else None
            if not isinstance(got, list) or not isinstance(k, int) or not 0 <= k < len(got):
                raise ModelImportError(f"node '{n.name}' takes item {k} of '{src}', which has none")
            self.env[n.name] = got[k]
            if got[k] is None:
                self.dropped[n.name] = f"result {k} of '{src.name}', which Strata does not compute"
            return
        key = op_key(n)
        entry = ops.lookup(key)
        if entry is None:
            raise UnsupportedOpError({key: [n.name]})
        node = Node(n, key, self)
        try:
            outs = list(entry.fn(node))
        except (ConvertError, OpVerifyError) as e:
            raise ModelImportError(f"node '{n.name}' ({key}): {e}") from None
        val = n.meta.get("val")
        if isinstance(val, (list, tuple)):
            self.env[n.name] = outs + [None] * (len(val) - len(outs))
        else:
            self.env[n.name] = outs[0]
            self._check_result(n, node, outs[0])

    def _check_result(self, n: torch.fx.Node, node: Node, v: Output) -> None:
        """The converter's result must have the shape and dtype torch.export recorded."""
        val = n.meta.get("val")
        if v is None or not isinstance(val, torch.Tensor):
            return
        s = spec_of_type(v.type)
        want = fake_dims(val)
        dtype = numpy_dtype(val.dtype, f"node '{n.name}'")
        ok = s.rank == len(want) and all(
            a is None or b is None or a == b for a, b in zip(s.shape, want, strict=True)
        )
        if not ok or s.dtype != dtype:
            raise ModelImportError(
                f"node '{n.name}' ({node.op}): the converter made {s.dtype.name}"
                f"{list(s.shape)}, torch.export recorded {dtype.name}{list(want)} (a Strata bug)"
            )
