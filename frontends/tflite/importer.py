"""The TFLite import driver: a `.tflite` flatbuffer into an `nn` module.

Every operator of subgraph 0 is checked against the converter table
(`strata.frontends.tflite.ops`) first — all missing ops are reported in one
UnsupportedOpError naming each operator by index and output tensor — then the operators are
converted in order (TFLite stores them topologically sorted). The subgraph's inputs become
the entry function's arguments (dims that the model's shape signature leaves open are
dynamic unless `input_shapes` / `batch_size` pin them), its outputs the results; constant
tensors become weights (`nn.constant`, materialised where first used, in the layout the user
needs). Rank-4 activations are kept in NCHW between convs and pools and transposed back to
NHWC only where an op needs the model's layout (see `ops.registry`).

Dependency contract: numpy, `mlir`, `tflite` (through the loader), `strata.context`,
`strata.errors`, `strata.frontends.{base,common}` and this package's converter table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import func

from strata.context import ensure_dialects, make_context
from strata.dialects.opdef import OpVerifyError, TensorSpec, spec_of_type, type_of_spec
from strata.errors import ModelImportError, UnsupportedOpError
from strata.frontends import common
from strata.frontends.base import ImportedModel, TensorInfo
from strata.frontends.common import ConvertError
from strata.frontends.formats import LAYOUTS
from strata.frontends.tflite import loader, ops
from strata.frontends.tflite.ops.registry import (
    TO_NCHW,
    TO_NHWC,
    Nchw,
    Node,
    dequantize_array,
    is_quantized,
    nchw_axis,
)


def unsupported_ops(graph: loader.Graph, needed: set[int] | None = None) -> dict[str, list[str]]:
    """Builtin op (with version) -> the operators using it that no converter takes (of the
    operators `needed`, by index; default all)."""
    missing: dict[str, list[str]] = {}
    for op in graph.operators:
        if needed is not None and op.index not in needed:
            continue
        if ops.lookup(op.op, op.version) is None:
            known = ops.TABLE.get(op.op)
            key = op.op if known is None else f"{op.op} version {op.version}"
            out = graph.tensors[op.outputs[0]].name if op.outputs else "?"
            missing.setdefault(key, []).append(f"#{op.index} ('{out}')")
    return missing


def import_model(
    source: str | os.PathLike[str] | bytes,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    batch_size: int | None = None,
    outputs: Sequence[str] | None = None,
    inputs: Sequence[str] | None = None,
    entry_func_name: str = "main",
    reorder_data_layout: str = "channel-first",
    remove_input_transpose: bool = False,
    remove_output_transpose: bool = False,
    context: ir.Context | None = None,
) -> ImportedModel:
    """Import a `.tflite` model (a path or the file's bytes).

    `input_shapes` (input tensor name -> full shape) and `batch_size` (first dim) give
    static values to the dims the model leaves open (a static dim must match). `outputs`: the
    tensors to return, by name (default: the subgraph's outputs). `inputs`: tensors that
    become inputs, cutting the graph there (their recorded dtype and shape; `input_shapes`
    may name them). Layout (as the TF frontend's): `reorder_data_layout="channel-first"`
    holds rank-4 conv / pool values NCHW between layers, `"channel-last"` restores NHWC
    after each; `remove_input_transpose` declares rank-4 inputs NCHW,
    `remove_output_transpose` returns rank-4 results held NCHW as they are (both only with
    channel-first). With `context=None` a fresh context is made; the caller owns it either
    way.
    """
    if reorder_data_layout not in LAYOUTS:
        raise ModelImportError(
            f"reorder_data_layout '{reorder_data_layout}' is not one of {', '.join(LAYOUTS)}"
        )
    graph = loader.read(source)
    walker = _Walker(graph, input_shapes or {}, batch_size, outputs)
    walker.channel_last = reorder_data_layout == "channel-last"
    walker.nchw_inputs = remove_input_transpose and not walker.channel_last
    walker.nchw_outputs = remove_output_transpose and not walker.channel_last
    walker.select(inputs or [])
    missing = unsupported_ops(graph, walker.needed)
    if missing:
        raise UnsupportedOpError(missing)
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


class _Walker:
    """Emits the entry function operator by operator; holds the value table."""

    def __init__(
        self,
        graph: loader.Graph,
        input_shapes: Mapping[str, Sequence[int]],
        batch_size: int | None,
        outputs: Sequence[str] | None,
    ) -> None:
        self.graph = graph
        self.tensors = graph.tensors
        self.input_shapes = {k: [int(d) for d in v] for k, v in input_shapes.items()}
        self.batch_size = batch_size
        self.selected = list(outputs) if outputs else None
        self.consts = common.Constants()
        self.inputs: list[TensorInfo] = []
        self.outputs: list[TensorInfo] = []
        # tensor index -> its value in each layout it has been needed in ("nhwc" is the
        # model's layout for every rank); dequantized copies under ("deq", layout)
        self.env: dict[int, dict[Any, ir.Value]] = {}
        self.channel_last = False
        self.nchw_inputs = False
        self.nchw_outputs = False
        self.results: list[int] = []
        self.input_tensors: list[int] = list(graph.inputs)
        self.needed: set[int] = {op.index for op in graph.operators}

    def select(self, cuts: Sequence[str]) -> None:
        """The result tensors, the input tensors (the graph inputs still read, then the cut
        tensors) and the operators between them."""
        self.results = self._result_tensors()
        by_name = {t.name: t.index for t in self.tensors}
        common.check_names("inputs", cuts, list(by_name), "tensors of the model")
        cut = [by_name[c] for c in cuts]
        consts = [by_name[c] for c in cuts if self.tensors[by_name[c]].data is not None]
        if consts:
            names = ", ".join(repr(self.tensors[t].name) for t in consts)
            raise ModelImportError(f"inputs {names} are constant tensors (weights), not values")
        producer = {o: op for op in self.graph.operators for o in op.outputs}
        needed: set[int] = set()
        read: set[int] = set()
        stack = list(self.results)
        while stack:
            t = stack.pop()
            if t in read:
                continue
            read.add(t)
            if t in cut or t not in producer or producer[t].index in needed:
                continue
            needed.add(producer[t].index)
            stack.extend(i for i in producer[t].inputs if i >= 0)
        self.needed = needed
        kept = [i for i in self.graph.inputs if i in read and i not in cut]
        self.input_tensors = kept + cut

    # ---- the value table (registry.Values) -------------------------------------------------
    def is_nchw(self, t: int) -> bool:
        held = self.env.get(t, {})
        return "nchw" in held and "nhwc" not in held

    def value(self, t: int, nchw: bool, dequantized: bool) -> ir.Value:
        tensor = self.tensors[t]
        want = "nchw" if nchw else "nhwc"
        if dequantized and is_quantized(tensor):
            return self._dequantized(t, want)
        held = self.env.setdefault(t, {})
        if want in held:
            return held[want]
        loc = ir.Location.name(tensor.name)
        if tensor.data is not None:
            data = tensor.data.transpose(TO_NCHW) if nchw else tensor.data
            v = self.consts.constant(data, tensor.name)
        elif not held:
            raise ModelImportError(
                f"tensor {t} ('{tensor.name}') is used before any operator produces it"
            )
        else:
            src = held["nhwc" if nchw else "nchw"]
            perm = list(TO_NCHW if nchw else TO_NHWC)
            v = common.build("transpose", [src], {"perm": perm}, loc)[0]
        held[want] = v
        return v

    def _dequantized(self, t: int, layout: str) -> ir.Value:
        held = self.env.setdefault(t, {})
        key = ("deq", layout)
        if key in held:
            return held[key]
        tensor = self.tensors[t]
        q = tensor.quant
        assert q is not None
        nchw = layout == "nchw"
        if tensor.data is not None:
            data = dequantize_array(tensor.data, q)
            data = data.transpose(TO_NCHW) if nchw else data
            v = self.consts.constant(data, f"{tensor.name}.dequantized")
        else:
            x = self.value(t, nchw, False)
            axis = q.axis if not (nchw and not q.per_tensor) else nchw_axis(q.axis)
            scale, zp = (
                (q.scale, q.zero_point) if not q.per_tensor else (q.scale[0], q.zero_point[0])
            )
            s = self.consts.constant(np.asarray(scale, np.float32), f"{tensor.name}.scale")
            z = self.consts.constant(np.asarray(zp, tensor.dtype), f"{tensor.name}.zero_point")
            attrs = {"axis": axis, "block_size": 0, "output_dtype": np.dtype(np.float32)}
            loc = ir.Location.name(tensor.name)
            v = common.build("dequantize_linear", [x, s, z], attrs, loc)[0]
        held[key] = v
        return v

    def constant(self, array: np.ndarray, name: str) -> ir.Value:
        return self.consts.constant(array, name)

    # ---- the function ----------------------------------------------------------------------
    def emit(self, name: str) -> ir.Module:
        # shapes may name any graph input (also one the cut drops) or cut tensor
        names = {self.tensors[i].name for i in [*self.graph.inputs, *self.input_tensors]}
        unknown = sorted(set(self.input_shapes) - names)
        if unknown:
            raise ModelImportError(
                f"input shape given for {', '.join(repr(u) for u in unknown)}, which is not an "
                f"input; the inputs are {', '.join(repr(n) for n in sorted(names))}"
            )
        for i in self.input_tensors:
            info = self._input_info(self.tensors[i])
            if self.nchw_inputs and len(info.shape) == 4:
                info = TensorInfo(info.name, tuple(info.shape[p] for p in TO_NCHW), info.dtype)
            self.inputs.append(info)
        arg_types = [type_of_spec(TensorSpec.of(i.dims, i.dtype)) for i in self.inputs]
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            f = func.FuncOp(name, (arg_types, []))
        block = f.add_entry_block()
        for i, arg, info in zip(self.input_tensors, block.arguments, self.inputs, strict=True):
            nchw = self.nchw_inputs and len(info.shape) == 4
            self.env[i] = {"nchw" if nchw else "nhwc": arg}
        results = self.results
        with ir.InsertionPoint(block):
            for op in self.graph.operators:
                if op.index in self.needed:
                    self._operator(op)
            values = []
            for t in results:
                if t not in self.env:
                    raise ModelImportError(
                        f"output '{self.tensors[t].name}' is not computed by any operator"
                    )
                keep = self.nchw_outputs and self.is_nchw(t)
                values.append(self.env[t]["nchw"] if keep else self.value(t, False, False))
            func.ReturnOp(values)
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [v.type for v in values])
        )
        for t, v in zip(results, values, strict=True):
            s = spec_of_type(v.type)
            self.outputs.append(TensorInfo(self.tensors[t].name, tuple(s.shape), s.dtype))
        f.arg_attrs = common.name_attrs([i.name for i in self.inputs])
        f.res_attrs = common.name_attrs([o.name for o in self.outputs])
        return module

    def _result_tensors(self) -> list[int]:
        if self.selected is None:
            return list(self.graph.outputs)
        by_name = {t.name: t.index for t in self.tensors}
        produced = {o for op in self.graph.operators for o in op.outputs} | set(self.graph.inputs)
        out = []
        for n in self.selected:
            if n not in by_name or by_name[n] not in produced:
                raise ModelImportError(
                    f"--outputs names '{n}', which is not a tensor computed by the model"
                )
            out.append(by_name[n])
        return out

    def _input_info(self, t: loader.Tensor) -> TensorInfo:
        given = self.input_shapes.get(t.name)
        dims = list(t.shape)
        if given is not None and len(given) != len(dims):
            raise ModelImportError(
                f"input shape {given} for '{t.name}' has rank {len(given)}; the input is "
                f"{t.describe()}"
            )
        for k, d in enumerate(dims):
            if given is not None:
                want: int | None = given[k]
            else:  # the batch size fixes a leading dim the model leaves open
                want = self.batch_size if k == 0 and d is None else None
            if want is None:
                continue
            if want < 1:
                raise ModelImportError(f"input '{t.name}' dim {k} must be positive, got {want}")
            if d is not None and d != want:
                raise ModelImportError(
                    f"input '{t.name}' dim {k} is {d} in the model, {want} was given"
                )
            dims[k] = want
        return TensorInfo(t.name, tuple(dims), t.dtype)

    def _operator(self, op: loader.Operator) -> None:
        entry = ops.lookup(op.op, op.version)
        assert entry is not None  # unsupported_ops checked every operator
        if self._fold(op):
            return
        ins = [self.tensors[i] for i in op.inputs if i >= 0]
        outs = [self.tensors[i] for i in op.outputs]
        mode = entry.quantized
        if mode == "same" and ins and outs and is_quantized(ins[0]):
            same = ins[0].quant is not None and ins[0].quant.same_as(outs[0].quant)
            mode = "integer" if same else "float"
        dequantized = mode == "float" and any(is_quantized(t) for t in ins)
        node = Node(op, self.tensors, self, dequantized)
        try:
            results = list(entry.fn(node))
            if len(results) != len(op.outputs):
                raise ConvertError(f"the converter made {len(results)} results (a Strata bug)")
            if mode == "float":
                results = [self._requantized(node, k, r) for k, r in enumerate(results)]
        except (ConvertError, OpVerifyError) as e:
            raise ModelImportError(f"{node.label}: {e}") from None
        for k, (t, r) in enumerate(zip(op.outputs, results, strict=True)):
            layout, v = ("nchw", r.value) if isinstance(r, Nchw) else ("nhwc", r)
            self._check(node, k, v, layout)
            self.env[t] = {layout: v}
            if self.channel_last and layout == "nchw":  # back to the model's NHWC at once
                self.env[t] = {"nhwc": self.value(t, False, False)}

    def _fold(self, op: loader.Operator) -> bool:
        """DEQUANTIZE of a constant (float16 or int8 weights) makes a constant: the ops using
        it read it as weights (a conv's filter must be a constant)."""
        if op.op != "DEQUANTIZE" or len(op.inputs) != 1 or len(op.outputs) != 1:
            return False
        src, out = self.tensors[op.inputs[0]], self.tensors[op.outputs[0]]
        if src.data is None:
            return False
        if src.quant is not None and is_quantized(src):
            data = dequantize_array(src.data, src.quant)
        elif src.dtype.kind == "f":
            data = src.data
        else:
            return False
        self.tensors[out.index] = replace(out, data=data.astype(out.dtype))
        return True

    def _requantized(self, node: Node, k: int, r: Any) -> Any:
        """Result `k` of a float-computed op, quantized to its tensor's type and parameters."""
        q = node.out_quant(k)
        if q is None:
            return r
        nchw = isinstance(r, Nchw)
        v = r.value if nchw else r
        if not q.per_tensor:
            node.fail("a per-axis quantized result of an op computed in float is not supported")
        out = node.output(k)
        s = node.scalar(float(q.scale[0]), np.float32, f"out{k}.scale")
        z = node.scalar(int(q.zero_point[0]), out.dtype, f"out{k}.zero_point")
        attrs = {
            "axis": 1,
            "block_size": 0,
            "saturate": 1,
            "output_dtype": out.dtype,
            "precision": np.dtype(np.float32),
        }
        y = node.build1("quantize_linear", [v, s, z], attrs)
        return Nchw(y) if nchw else y

    def _check(self, node: Node, k: int, v: ir.Value, layout: str) -> None:
        """The converter's result must have the shape and type the model records."""
        t = node.output(k)
        s = spec_of_type(v.type)
        want = list(t.shape)
        if layout == "nchw":
            want = [want[p] for p in TO_NCHW] if len(want) == 4 else want
        ok = s.rank == len(want) and all(
            a is None or b is None or a == b for a, b in zip(s.shape, want, strict=True)
        )
        if not ok or s.dtype != t.dtype:
            raise ModelImportError(
                f"{node.label}: the converter made {s.dtype.name}{list(s.shape)} ({layout}), "
                f"the model records {t.describe()} (a Strata bug)"
            )
