"""The TensorFlow import driver: a frozen GraphDef (`.pb`, `.pbtxt`, or a SavedModel directory
frozen on import) into an `nn` module.

Parsing uses the GraphDef protobuf classes shipped in `tensorboard`
(`tensorboard.compat.proto`), not TensorFlow; only freezing a SavedModel imports TensorFlow.
The outputs are `outputs` (`node` or `node:k`) or else the graph's sinks (nodes whose results
no other node reads, other than Const / NoOp / Placeholder); only the nodes they depend on
through data inputs are imported (control inputs `^name` order side effects, which frozen
inference graphs do not have, and are ignored). Every op is checked against the converter
table first (one UnsupportedOpError lists each missing op with its nodes). Placeholders
become the entry function's arguments, in graph order, with unknown (-1) dims dynamic.
Nodes whose inputs are all known at import time are evaluated in numpy where their converter
has a `fold` (shape arithmetic, constant subgraphs).

Layout: NHWC conv / pool results stay channel-first (`strata.frontends.tf.layout`);
`reorder_data_layout="channel-last"` instead restores TF's order after every such op (a
transpose pair per conv, for comparison); `remove_input_transpose` declares 4-d inputs as
NCHW arguments, `remove_output_transpose` returns permuted 4-d results as they are (NCHW).

Dependency contract: numpy, `mlir`, `tensorboard.compat.proto` (protobuf classes),
`strata.context`, `strata.errors`, `strata.frontends.base` / `common` and this package's
converter table; `tensorflow` only for a SavedModel directory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import func

from strata.context import ensure_dialects, make_context
from strata.dialects.opdef import OpVerifyError, TensorSpec, spec_of_type, type_of_spec
from strata.errors import ModelImportError, ModelLoadError, StrataError
from strata.frontends import common
from strata.frontends.base import ImportedModel, InfoDim, TensorInfo
from strata.frontends.common import ConvertError
from strata.frontends.formats import LAYOUTS
from strata.frontends.tf import layout, ops
from strata.frontends.tf.ops.registry import FOLD_LIMIT, Node, Tensor, numpy_dtype

GraphSource = Any  # a GraphDef message, its bytes, or a path (.pb, .pbtxt, SavedModel dir)
# ops that are graph structure, not computation: never outputs by default
_NOT_SINKS = frozenset({"NoOp", "Const", "Placeholder"})
# What more can be said about an unsupported op than "no converter"
NOTES: dict[str, str] = {
    "VarHandleOp": "variables: freeze the graph (convert_variables_to_constants_v2)",
    "VariableV2": "variables: freeze the graph (convert_variables_to_constants_v2)",
    "ReadVariableOp": "variables: freeze the graph (convert_variables_to_constants_v2)",
    "StatefulPartitionedCall": "a function call: freeze the graph with inlining",
    "PartitionedCall": "a function call: freeze the graph with inlining",
}


def load_graph_def(source: GraphSource) -> Any:
    """A GraphDef message from a message, serialized bytes, a `.pb` / `.pbtxt` file or a
    SavedModel directory (frozen with TensorFlow)."""
    graph_pb2 = _graph_pb2()
    if isinstance(source, graph_pb2.GraphDef):
        return source
    if hasattr(source, "SerializeToString") and hasattr(source, "node"):
        return graph_pb2.GraphDef.FromString(source.SerializeToString())  # TF's own class
    graph = graph_pb2.GraphDef()
    if isinstance(source, bytes):
        return _parse(graph, source, "the given bytes")
    path = Path(source)
    if path.is_dir():
        return freeze_saved_model(path)
    if not path.is_file():
        raise ModelLoadError(f"model file '{source}' does not exist or is not a file")
    data = path.read_bytes()
    if path.suffix.lower() == ".pbtxt":
        from google.protobuf import text_format

        try:
            text_format.Parse(data.decode("utf-8"), graph)
        except (text_format.ParseError, UnicodeDecodeError) as e:
            raise ModelLoadError(f"'{source}' is not a text GraphDef: {e}") from None
        return graph
    return _parse(graph, data, f"'{source}'")


def _graph_pb2() -> Any:
    try:
        from tensorboard.compat.proto import graph_pb2
    except ImportError:
        raise ModelLoadError(
            "reading TensorFlow graphs needs the tensorboard package (its protobuf classes): "
            "pip install 'strata[tf]'"
        ) from None
    return graph_pb2


def _parse(graph: Any, data: bytes, what: str) -> Any:
    from google.protobuf.message import DecodeError

    try:
        graph.ParseFromString(data)
    except DecodeError as e:
        raise ModelLoadError(f"{what} is not a serialized GraphDef: {e}") from None
    if not graph.node:
        raise ModelLoadError(f"{what} holds no GraphDef nodes (not a frozen TF graph?)")
    return graph


def freeze_saved_model(path: Path, signature: str = "serving_default") -> Any:
    """The frozen GraphDef of a SavedModel's signature (needs TensorFlow)."""
    try:
        import tensorflow as tf
        from tensorflow.python.framework.convert_to_constants import (
            convert_variables_to_constants_v2,
        )
    except ImportError:
        raise ModelLoadError(
            f"'{path}' is a directory (a SavedModel?): freezing it needs TensorFlow, which is "
            "not installed; give a frozen GraphDef (.pb) instead"
        ) from None
    try:
        loaded = tf.saved_model.load(str(path))
        fn = loaded.signatures[signature]
    except Exception as e:  # TF raises many kinds for a directory that is not a SavedModel
        raise ModelLoadError(
            f"'{path}' is not a SavedModel with a '{signature}' signature: {type(e).__name__}: {e}"
        ) from None
    frozen = convert_variables_to_constants_v2(fn)
    return _graph_pb2().GraphDef.FromString(frozen.graph.as_graph_def().SerializeToString())


def import_graph_def(
    source: GraphSource,
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
    """Import a frozen TF graph (see the module docstring).

    `input_shapes` (Placeholder name -> full shape) and `batch_size` (first dim) give static
    values to unknown dims (a known dim must be given as it is). `outputs`: the node outputs
    to return (`name` or `name:k`) instead of the graph's sinks. `inputs`: node outputs
    (`name` / `name:k`) that become inputs, cutting the graph there (their dtype and shape
    from `input_shapes`, the node's `_output_shapes` or the converters' own specs for them).
    With `context=None` a fresh context is made; the caller owns it either way.
    """
    if reorder_data_layout not in LAYOUTS:
        raise ModelImportError(
            f"reorder_data_layout '{reorder_data_layout}' is not one of {', '.join(LAYOUTS)}"
        )
    graph = load_graph_def(source)
    walker = _Graph(graph)
    out_refs = walker.output_refs(outputs)
    cuts = _cut_inputs(graph, walker, inputs or [], input_shapes or {}, batch_size)
    walker.cuts = {ref: label for label, ref, _, _ in cuts}
    order = walker.order([r[0] for r in out_refs if r not in walker.cuts])
    missing: dict[str, list[str]] = {}
    for n in order:
        if n.op != "Placeholder" and ops.lookup(n.op) is None:
            missing.setdefault(n.op, []).append(n.name)
    common.raise_unsupported(missing, NOTES)
    ctx = context if context is not None else make_context()
    ensure_dialects(ctx)
    with ctx, ir.Location.unknown():
        emitter = _Emitter(
            order,
            input_shapes or {},
            batch_size,
            channel_last=reorder_data_layout == "channel-last",
            remove_input_transpose=remove_input_transpose,
            remove_output_transpose=remove_output_transpose,
        )
        emitter.cuts = cuts
        module = emitter.emit(entry_func_name, out_refs, walker)
        common.verify(module)
        return ImportedModel(
            module=module,
            entry=entry_func_name,
            inputs=emitter.inputs,
            outputs=emitter.outputs,
            weights=emitter.consts.weights,
        )


def parse_ref(ref: str) -> tuple[str, int]:
    """`name` / `name:k` -> (name, k)."""
    name, sep, k = ref.rpartition(":")
    if sep and k.isdigit():
        return name, int(k)
    return ref, 0


# attributes that give a node's result dtype (the converters' own specs come first)
_DTYPE_ATTRS = ("out_type", "output_type", "DstT", "Tout", "dtype", "T")
_BOOL_RESULTS = frozenset(
    {
        "Equal",
        "NotEqual",
        "Less",
        "LessEqual",
        "Greater",
        "GreaterEqual",
        "IsNan",
        "IsInf",
        "IsFinite",
        "LogicalAnd",
        "LogicalOr",
        "LogicalNot",
    }
)
# (label, (node, k), dtype, dims or None for an unknown rank) of one cut input
CutInput = tuple[str, tuple[str, int], Any, list[InfoDim] | None]


def _cut_inputs(
    graph: Any,
    walker: _Graph,
    inputs: Sequence[str],
    input_shapes: Mapping[str, Sequence[int]],
    batch_size: int | None,
) -> list[CutInput]:
    """The values `inputs` names, with their dtypes and TF-order dims: what the converters
    make of the graph up to them (imported once for that, with the original inputs' shapes),
    else the node's attributes (`_output_shapes`, its dtype attribute); `input_shapes` gives
    the shape of a value neither gives one for."""
    if not inputs:
        return []
    refs = [parse_ref(i) for i in inputs]
    common.check_names("inputs", [r[0] for r in refs], list(walker.nodes), "nodes of the graph")
    labels = [name if idx == 0 else f"{name}:{idx}" for name, idx in refs]
    inferred = _inferred_specs(graph, labels, input_shapes, batch_size)
    found: list[CutInput] = []
    for given, label, (name, idx) in zip(inputs, labels, refs, strict=True):
        n = walker.nodes[name]
        spec = inferred.get(label)
        dtype = spec.dtype if spec is not None else _attr_dtype(n, label)
        dims: list[InfoDim] | None = list(spec.shape) if spec is not None else None
        if dims is None and "_output_shapes" in n.attr:
            shapes = n.attr["_output_shapes"].list.shape
            if idx < len(shapes) and not shapes[idx].unknown_rank:
                dims = [None if d.size < 0 else int(d.size) for d in shapes[idx].dim]
        if dtype is None or (dims is None and given not in input_shapes):
            raise ModelImportError(
                f"input '{label}': neither the converters (the graph up to it does not import: "
                f"{inferred.get('', '?')}) nor the node's attributes give its "
                f"{'dtype' if dtype is None else 'shape'}"
                + (
                    ""
                    if dtype is None
                    else f"; give it with --input-shape {label}:D0xD1x... "
                    f"(Python: input_shapes={{'{label}': [...]}})"
                )
            )
        if given != label and given in input_shapes:
            raise ModelImportError(f"give the input shape of '{given}' as '{label}'")
        found.append((label, (name, idx), dtype, dims))
    return found


def _attr_dtype(n: Any, label: str) -> Any:
    if n.op in _BOOL_RESULTS:
        return np.dtype(np.bool_)
    for a in _DTYPE_ATTRS:
        if a in n.attr and n.attr[a].type:
            try:
                return numpy_dtype(int(n.attr[a].type), f"input '{label}'")
            except ConvertError as e:
                raise ModelImportError(str(e)) from None
    return None


def _inferred_specs(
    graph: Any,
    labels: Sequence[str],
    input_shapes: Mapping[str, Sequence[int]],
    batch_size: int | None,
) -> dict[str, Any]:
    """label -> TensorSpec (TF order) of the values `labels` as the converters make them (the graph
    imported up to them, in a context of its own); {"": why} when that import fails."""
    placeholders = {n.name for n in graph.node if n.op == "Placeholder"}
    try:
        m = import_graph_def(
            graph,
            input_shapes={k: v for k, v in input_shapes.items() if k in placeholders},
            batch_size=batch_size,
            outputs=list(labels),
        )
    except StrataError as e:
        return {"": str(e)}
    return {o.name: TensorSpec(o.dims, o.dtype) for o in m.outputs}


class _Graph:
    """The GraphDef's nodes by name, its data edges and the order to import them in."""

    def __init__(self, graph: Any) -> None:
        self.nodes: dict[str, Any] = {}
        for n in graph.node:
            if n.name in self.nodes:
                raise ModelImportError(f"two nodes are named '{n.name}'")
            self.nodes[n.name] = n
        self.position = {name: k for k, name in enumerate(self.nodes)}
        self.cuts: dict[tuple[str, int], str] = {}  # cut value -> its input's label

    def data_inputs(self, n: Any) -> list[tuple[str, int]]:
        refs = []
        for s in n.input:
            if s.startswith("^"):
                continue  # a control input
            name, k = parse_ref(s)
            if name not in self.nodes:
                raise ModelImportError(f"node '{n.name}' ({n.op}) reads '{s}', which is no node")
            refs.append((name, k))
        return refs

    def output_refs(self, outputs: Sequence[str] | None) -> list[tuple[str, int]]:
        if outputs:
            refs = [parse_ref(o) for o in outputs]
            unknown = [
                o for o, (name, _) in zip(outputs, refs, strict=True) if name not in self.nodes
            ]
            if unknown:
                raise ModelImportError(
                    f"outputs {', '.join(repr(u) for u in unknown)} are not nodes of the graph"
                )
            return refs
        read = {name for n in self.nodes.values() for name, _ in self.data_inputs(n)}
        sinks = [
            (name, 0)
            for name, n in self.nodes.items()
            if name not in read and n.op not in _NOT_SINKS
        ]
        if not sinks:
            raise ModelImportError(
                "the graph has no outputs (no node other than Const / NoOp / Placeholder is a sink)"
            )
        return sinks

    def order(self, roots: Sequence[str]) -> list[Any]:
        """The nodes `roots` depend on through data inputs, each after its inputs (an
        iterative depth-first walk; a cycle is an error)."""
        done: set[str] = set()
        active: set[str] = set()
        out: list[Any] = []
        for root in roots:
            stack: list[tuple[str, bool]] = [(root, False)]
            while stack:
                name, expanded = stack.pop()
                if expanded:
                    active.discard(name)
                    if name not in done:
                        done.add(name)
                        out.append(self.nodes[name])
                    continue
                if name in done:
                    continue
                if name in active:
                    raise ModelImportError(
                        f"the graph has a cycle through node '{name}' (control flow is not "
                        "supported)"
                    )
                active.add(name)
                stack.append((name, True))
                for dep, k in reversed(self.data_inputs(self.nodes[name])):
                    if dep not in done and (dep, k) not in self.cuts:
                        stack.append((dep, False))
        return out


def _shown(dims: Sequence[InfoDim]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in dims) + "]"


class _Emitter:
    """Emits the entry function, node by node (also the converters' value table)."""

    def __init__(
        self,
        order: list[Any],
        input_shapes: Mapping[str, Sequence[int]],
        batch_size: int | None,
        *,
        channel_last: bool,
        remove_input_transpose: bool,
        remove_output_transpose: bool,
    ) -> None:
        self.order = order
        self.input_shapes = {k: [int(d) for d in v] for k, v in input_shapes.items()}
        self.batch_size = batch_size
        self.channel_last = channel_last
        self.remove_input_transpose = remove_input_transpose
        self.remove_output_transpose = remove_output_transpose
        self.consts = common.Constants()
        self.inputs: list[TensorInfo] = []
        self.outputs: list[TensorInfo] = []
        self.env: dict[str, list[Tensor | None]] = {}
        self.cuts: list[CutInput] = []
        self.cut_values: dict[tuple[str, int], Tensor] = {}

    # ---- the value table (registry.Values) -------------------------------------------------
    def constant(self, array: np.ndarray, name: str) -> ir.Value:
        return self.consts.constant(array, name)

    def plain(self, t: Tensor) -> ir.Value:
        if t.value is None:
            assert t.array is not None
            t.value = self.consts.constant(t.array, t.name)
        if t.perm is None:
            return t.value
        if t._plain is None:
            perm = list(layout.inverse(t.perm))
            loc = ir.Location.name(t.name)
            t._plain = common.build("transpose", [t.value], {"perm": perm}, loc)[0]
        return t._plain

    def permuted(self, t: Tensor, perm: tuple[int, ...]) -> ir.Value:
        if t.perm == perm:
            assert t.value is not None
            return t.value
        view = t._views.get(perm)
        if view is None:  # made once per value and permutation
            if t.array is not None:
                view = self.consts.constant(np.ascontiguousarray(t.array.transpose(perm)), t.name)
            else:
                loc = ir.Location.name(t.name)
                view = common.build("transpose", [self.plain(t)], {"perm": list(perm)}, loc)[0]
            t._views[perm] = view
        return view

    # ---- the function ----------------------------------------------------------------------
    def emit(self, name: str, out_refs: list[tuple[str, int]], graph: _Graph) -> ir.Module:
        placeholders = [n for n in self.order if n.op == "Placeholder"]
        placeholders.sort(key=lambda n: graph.position[n.name])
        # shapes may name any Placeholder (one the cut drops shaped the cut values) or cut
        known_names = [n.name for n in graph.nodes.values() if n.op == "Placeholder"]
        known_names += [c[0] for c in self.cuts]
        unknown = sorted(set(self.input_shapes) - set(known_names))
        if unknown:
            raise ModelImportError(
                f"input shape given for {', '.join(repr(u) for u in unknown)}, which is not an "
                f"input; the inputs are {', '.join(repr(n) for n in sorted(known_names))}"
            )
        self.inputs = [self._input_info(n) for n in placeholders]
        self.inputs += [self._resolve(label, dtype, dims) for label, _, dtype, dims in self.cuts]
        channel_first = self._channel_first_inputs()
        arg_types = []
        for info in self.inputs:
            dims = info.dims
            if info.name in channel_first:
                dims = tuple(dims[p] for p in layout.NCHW)
            arg_types.append(type_of_spec(TensorSpec.of(dims, info.dtype)))
        if channel_first:
            self.inputs = [
                TensorInfo(i.name, tuple(i.shape[p] for p in layout.NCHW), i.dtype)
                if i.name in channel_first
                else i
                for i in self.inputs
            ]
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            f = func.FuncOp(name, (arg_types, []))
        block = f.add_entry_block()
        sources = [n.name for n in placeholders] + [c[0] for c in self.cuts]
        refs: list[tuple[str, int] | None] = [None] * len(placeholders)
        refs += [c[1] for c in self.cuts]
        for label, ref, arg in zip(sources, refs, block.arguments, strict=True):
            perm = layout.NCHW if label in channel_first else None
            t = Tensor(value=arg, perm=perm, name=label)
            if ref is None:
                self.env[label] = [t]
            else:
                self.cut_values[ref] = t
        with ir.InsertionPoint(block):
            for n in self.order:
                if n.op != "Placeholder":
                    self._node(n, graph)
            values, names = self._results(out_refs)
            func.ReturnOp(values)
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [v.type for v in values])
        )
        f.arg_attrs = common.name_attrs([i.name for i in self.inputs])
        f.res_attrs = common.name_attrs(names)
        return module

    def _channel_first_inputs(self) -> set[str]:
        """With remove_input_transpose: the 4-d inputs, which the caller then passes NCHW
        (held permuted from the start: a reader that needs NHWC gets a transpose)."""
        if not self.remove_input_transpose or self.channel_last:
            return set()  # channel-last: the interface is NHWC, the layout asked for
        return {i.name for i in self.inputs if len(i.shape) == 4}

    def _input_info(self, n: Any) -> TensorInfo:
        try:
            dtype = numpy_dtype(int(n.attr["dtype"].type), f"input '{n.name}'")
        except ConvertError as e:
            raise ModelImportError(str(e)) from None
        shape = n.attr["shape"].shape if "shape" in n.attr else None
        if shape is None or shape.unknown_rank:
            return self._resolve(n.name, dtype, None)
        return self._resolve(
            n.name, dtype, [None if d.size < 0 else int(d.size) for d in shape.dim]
        )

    def _resolve(self, name: str, dtype: Any, model_dims: Sequence[InfoDim] | None) -> TensorInfo:
        """An input's info: the graph's dims (None: unknown rank) with `input_shapes` and
        `batch_size` applied (the contract of `strata.frontends.formats`)."""
        given = self.input_shapes.get(name)
        if model_dims is None:
            if given is None:
                raise ModelImportError(
                    f"input '{name}' has an unknown rank: give its shape (input_shapes / "
                    "--input-shape)"
                )
            dims: list[InfoDim] = list(given)
        else:
            dims = list(model_dims)
        if given is not None and len(given) != len(dims):
            raise ModelImportError(
                f"input shape {list(given)} for '{name}' has rank {len(given)}; the input has "
                f"rank {len(dims)} {_shown(dims)}"
            )
        for k, d in enumerate(dims):
            if given is not None:
                want: int | None = int(given[k])
            else:  # the batch size fixes a leading dim the graph leaves open
                want = self.batch_size if k == 0 and d is None else None
            if want is None:
                continue
            if want < 1:
                raise ModelImportError(f"input '{name}' dim {k} must be positive, got {want}")
            if d is not None and d != want:
                raise ModelImportError(
                    f"input '{name}' dim {k} is {d} in the graph, {want} was given {_shown(dims)}"
                )
            dims[k] = want
        return TensorInfo(name, tuple(dims), dtype)

    def _results(self, out_refs: list[tuple[str, int]]) -> tuple[list[ir.Value], list[str]]:
        values: list[ir.Value] = []
        names: list[str] = []
        for name, k in out_refs:
            label = name if k == 0 else f"{name}:{k}"
            t = self._get(name, k, f"output '{label}'")
            if self.remove_output_transpose and t.perm is not None and t.value is not None:
                v = t.value
            else:
                v = self.plain(t)
            values.append(v)
            names.append(label)
            s = spec_of_type(v.type)
            self.outputs.append(TensorInfo(label, s.shape, s.dtype))
        return values, names

    def _get(self, name: str, k: int, user: str) -> Tensor:
        cut = self.cut_values.get((name, k))
        if cut is not None:
            return cut
        outs = self.env.get(name)
        if outs is None:
            raise ModelImportError(f"{user} reads node '{name}', which has no value")
        if k >= len(outs) or outs[k] is None:
            raise ModelImportError(
                f"{user} reads output {k} of node '{name}', which Strata does not compute"
            )
        t = outs[k]
        assert t is not None
        return t

    def _node(self, n: Any, graph: _Graph) -> None:
        entry = ops.lookup(n.op)
        assert entry is not None  # checked before emitting
        user = f"node '{n.name}' ({n.op})"
        inputs = [self._get(dep, k, user) for dep, k in graph.data_inputs(n)]
        node = Node(n, inputs, self)
        try:
            if entry.fold is not None and inputs and all(t.known for t in inputs):
                arrays = [t.array for t in inputs if t.array is not None]
                folded = entry.fold(node, arrays)
                limit = max(FOLD_LIMIT, *(a.size for a in arrays))
                if folded is not None and all(a.size <= limit for a in folded):
                    self.env[n.name] = [Tensor(array=np.asarray(a), name=n.name) for a in folded]
                    return
            outs = list(entry.fn(node))
        except (ConvertError, OpVerifyError) as e:
            raise ModelImportError(f"{user}: {e}") from None
        result: list[Tensor | None] = []
        for k, o in enumerate(outs):
            if o is None:
                result.append(None)
                continue
            t = o if isinstance(o, Tensor) else Tensor(value=o)
            if not t.name:  # an input passed through (Identity) keeps its producer's name
                t.name = n.name if k == 0 else f"{n.name}:{k}"
            if self.channel_last and t.perm is not None and t.value is not None:
                t = Tensor(value=self.plain(t), name=t.name)
            result.append(t)
        self.env[n.name] = result
