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
    entry_func_name: str = "main",
    context: ir.Context | None = None,
) -> ImportedModel:
    """Import an ExportedProgram (or a `.pt2` file written by `torch.export.save`).

    With `context=None` a fresh context is made; the caller owns it either way.
    """
    program = load_program(source)
    try:
        program = program.run_decompositions()
    except Exception as e:
        raise ModelImportError(
            f"torch.export's run_decompositions() failed: {type(e).__name__}: {e}"
        ) from None
    graph = program.graph_module.graph
    missing: dict[str, list[str]] = {}
    for n in graph.nodes:
        if n.op == "call_function" and not _is_size_arithmetic(n) and n.target is not getitem:
            key = op_key(n)
            if ops.lookup(key) is None:
                missing.setdefault(key, []).append(n.name)
    if missing:
        raise UnsupportedOpError(missing, {k: v for k, v in NOTES.items() if k in missing})
    ctx = context if context is not None else make_context()
    ensure_dialects(ctx)
    with ctx, ir.Location.unknown():
        walker = _Walker(program)
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


def _weight_array(t: torch.Tensor, name: str) -> np.ndarray:
    dtype = numpy_dtype(t.dtype, f"weight '{name}'")
    return np.array(t.detach().cpu().contiguous().numpy(), dtype=dtype, copy=True)


class _Walker:
    """Emits the entry function, node by node."""

    def __init__(self, program: torch.export.ExportedProgram) -> None:
        self.program = program
        self.consts = common.Constants()
        self.inputs: list[TensorInfo] = []
        self.outputs: list[TensorInfo] = []
        # FX node name -> its value(s): an MLIR value, a weight array (emitted on first use),
        # a list for a node with several results, or None where a result is not produced
        self.env: dict[str, Any] = {}
        self.dropped: dict[str, str] = {}  # FX node name -> why it has no value
        self.weight_names: dict[str, str] = {}  # placeholder -> state_dict key ("fc.weight")

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
        for n in graph.nodes:
            if n.op != "placeholder":
                continue
            spec = specs.get(n.name)
            if spec is None or spec.kind == kinds.USER_INPUT:
                user_nodes.append(n)
                continue
            if spec.kind in (kinds.PARAMETER, kinds.BUFFER, kinds.CONSTANT_TENSOR):
                self.env[n.name] = _weight_array(self._state(spec.target, n.name), n.name)
                self.weight_names[n.name] = spec.target or n.name
            else:
                raise ModelImportError(
                    f"input '{n.name}' is a {spec.kind.name.lower()}, which Strata does not import"
                )
        for n in user_nodes:
            self.inputs.append(self._input_info(n))
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
                if n.op == "call_function":
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
                f"input '{n.name}' is {type(val).__name__}; Strata imports tensor inputs only"
            )
        try:
            dtype = numpy_dtype(val.dtype, f"input '{n.name}'")
        except ConvertError as e:
            raise ModelImportError(str(e)) from None
        dims: list[InfoDim] = [
            int(d) if isinstance(d, int) else str(d.node.expr) for d in val.shape
        ]
        return TensorInfo(n.name, tuple(dims), dtype)

    def _results(self, out_node: torch.fx.Node) -> tuple[list[ir.Value], list[str]]:
        sig = self.program.graph_signature
        kinds = torch.export.graph_signature.OutputKind
        returned = out_node.args[0]
        items = list(returned) if isinstance(returned, (list, tuple)) else [returned]
        specs = list(sig.output_specs)
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
            v = self.value(item, f"output {k}")
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
