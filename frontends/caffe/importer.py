"""The Caffe import driver: a net (`deploy.prototxt`, protobuf text format) and its trained
weights (`.caffemodel`, a binary NetParameter) into an `nn` module.

The net's layers are those of Caffe's TEST phase (a layer's include / exclude rules are
checked against phase TEST, level 0, no stages). Blobs are named by tops; a layer whose top
is one of its bottoms (in-place, as ReLU and Dropout usually are) makes a new version of
that blob, so every use reads the version written last before it. The net's inputs are its
legacy net-level `input` fields (with `input_shape` or four `input_dim`s each), then its
Input layers (`input_param.shape`: one per top, or one for all) and Data layers (the first
top; `data_param.batch_size` is the only dim they know). `input_shapes` replaces an input's
shape (deploy files fix a batch, e.g. 10: any shape may be given), `batch_size` its first
dim. The outputs are `outputs` (blob names: the version the net ends with) or else the
blobs written and never read; only the layers they depend on are imported, and each of
those is checked against the converter table first (one UnsupportedOpError lists every
missing layer type with its layer names).

Weights: a caffemodel's layers (current or legacy V1 records) are matched to the net's by
name; their blobs are the trained parameters. A net with weighted layers and no caffemodel
is refused, naming those layers. Nets written in the legacy V1 format (`layers { ... }`)
are refused with the upgrade advice.

Dependency contract: numpy, `mlir`, protobuf (text format), the generated message classes
(`strata.frontends.caffe.schema`), `strata.context`, `strata.errors`,
`strata.frontends.base` / `common` and this package's converter table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mlir import ir
from mlir.dialects import func

from strata.context import ensure_dialects, make_context
from strata.dialects.opdef import OpVerifyError, TensorSpec, spec_of_type, type_of_spec
from strata.errors import ModelImportError, ModelLoadError
from strata.frontends import common
from strata.frontends.base import ImportedModel, InfoDim, TensorInfo
from strata.frontends.caffe import ops, schema
from strata.frontends.caffe.ops.registry import Node, blob_array
from strata.frontends.common import ConvertError

NetSource = Any  # a path to a prototxt, its text, or a NetParameter message
WeightsSource = Any  # a path to a caffemodel, its bytes, or a NetParameter message
# Layer types that are the net's inputs (handled here, not by converters) -> what they give
INPUT_LAYERS: dict[str, str] = {
    "Input": "one input per top, shaped by input_param.shape",
    "Data": "its first top is an input; data_param.batch_size is its first dim, the others "
    "come from --input-shape",
}
# What more can be said about an unsupported layer than "no converter"
NOTES: dict[str, str] = {
    "SoftmaxWithLoss": "a training loss: use the deploy net (Softmax)",
    "Accuracy": "a training / test metric: use the deploy net",
    "Python": "a Python layer runs user code",
}
_V1_ADVICE = (
    "upgrade it with Caffe's upgrade_net_proto_text (prototxt) / upgrade_net_proto_binary "
    "(caffemodel) tools"
)


def load_net(source: NetSource) -> Any:
    """A NetParameter from a prototxt path, its text or a message."""
    from google.protobuf import text_format

    cls = schema.net_parameter()
    if isinstance(source, cls):
        net = source
    elif hasattr(source, "SerializeToString") and hasattr(source, "layer"):
        net = cls.FromString(source.SerializeToString())
    else:
        if isinstance(source, (str, os.PathLike)) and not _looks_like_text(source):
            path = Path(source)
            if not path.is_file():
                raise ModelLoadError(f"Caffe net '{source}' does not exist or is not a file")
            try:
                text, what = path.read_text("utf-8"), f"'{source}'"
            except UnicodeDecodeError:
                raise ModelLoadError(
                    f"'{source}' is not a text prototxt (a .caffemodel? give it as the weights)"
                ) from None
        else:
            text = source.decode("utf-8") if isinstance(source, bytes) else str(source)
            what = "the given net text"
        net = cls()
        try:
            text_format.Parse(text, net)
        except text_format.ParseError as e:
            legacy = cls()
            try:
                text_format.Parse(text, legacy, allow_unknown_field=True)
            except text_format.ParseError:
                legacy = None
            if legacy is not None and legacy.layers:
                net = legacy
            else:
                raise ModelLoadError(f"{what} is not a Caffe prototxt: {e}") from None
    if net.layers:
        raise ModelLoadError(
            f"the net '{net.name}' uses the legacy V1 layer format (`layers`): {_V1_ADVICE}"
        )
    return net


def _looks_like_text(source: Any) -> bool:
    return isinstance(source, str) and ("{" in source or "\n" in source)


def load_weights(source: WeightsSource) -> dict[str, list[np.ndarray]]:
    """Layer name -> its trained blobs, from a caffemodel path, its bytes or a message."""
    from google.protobuf.message import DecodeError

    cls = schema.net_parameter()
    if hasattr(source, "SerializeToString") and hasattr(source, "layer"):
        model = source if isinstance(source, cls) else cls.FromString(source.SerializeToString())
        what = "the given weights"
    else:
        if isinstance(source, (bytes, bytearray)):
            data, what = bytes(source), "the given weights"
        else:
            path = Path(source)
            if not path.is_file():
                raise ModelLoadError(f"Caffe weights '{source}' do not exist or are not a file")
            data, what = path.read_bytes(), f"'{source}'"
        model = cls()
        try:
            model.ParseFromString(data)
        except DecodeError as e:
            raise ModelLoadError(f"{what} is not a caffemodel (binary NetParameter): {e}") from None
    out: dict[str, list[np.ndarray]] = {}
    for layer in [*model.layer, *model.layers]:  # current and legacy V1 records
        if layer.blobs:
            try:
                out[layer.name] = [blob_array(b) for b in layer.blobs]
            except ConvertError as e:
                raise ModelLoadError(f"{what}: layer '{layer.name}': {e}") from None
    if not model.layer and not model.layers:
        raise ModelLoadError(f"{what} holds no layers (not a caffemodel?)")
    return out


def unsupported_layers(layers: Sequence[Any]) -> dict[str, list[str]]:
    """Layer type -> the names of the given layers that no converter takes."""
    missing: dict[str, list[str]] = {}
    for layer in layers:
        if layer.type not in INPUT_LAYERS and ops.lookup(layer.type) is None:
            missing.setdefault(layer.type, []).append(layer.name)
    return missing


def import_net(
    net: NetSource,
    weights: WeightsSource | None = None,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    batch_size: int | None = None,
    outputs: Sequence[str] | None = None,
    inputs: Sequence[str] | None = None,
    entry_func_name: str = "main",
    context: ir.Context | None = None,
) -> ImportedModel:
    """Import a Caffe net and its weights (see the module docstring). With `weights=None`
    the net must have no weighted layers. With `context=None` a fresh context is made; the
    caller owns it either way."""
    param = load_net(net)
    graph = _Graph(param)
    out_versions = graph.output_versions(outputs)
    cuts: list[_Input] = []
    if inputs:
        common.check_names("inputs", list(inputs), list(graph.current), "blobs of the net")
        cuts = [_Input(n, graph.current[n], [], "a cut (inputs)") for n in inputs]
    needed = graph.needed(out_versions, stop={c.version for c in cuts})
    common.raise_unsupported(unsupported_layers([graph.layers[k].param for k in needed]), NOTES)
    weighted = [
        graph.layers[k].param
        for k in needed
        if (e := ops.lookup(graph.layers[k].param.type)) is not None and e.weighted
    ]
    blobs = load_weights(weights) if weights is not None else {}
    if weights is None and weighted:
        names = ", ".join(f"'{p.name}' ({p.type})" for p in weighted)
        raise ModelImportError(
            f"layers {names} carry trained weights, and no caffemodel was given (weights=... "
            "or `stratac NET.prototxt NET.caffemodel`; NET.caffemodel beside the prototxt is "
            "found by itself)"
        )
    absent = [p for p in weighted if p.name not in blobs]
    if absent:
        names = ", ".join(f"'{p.name}' ({p.type})" for p in absent)
        raise ModelImportError(f"the caffemodel has no blobs for layers {names}")
    ctx = context if context is not None else make_context()
    ensure_dialects(ctx)
    with ctx, ir.Location.unknown():
        shapes = {k: [int(d) for d in v] for k, v in (input_shapes or {}).items()}
        for c in cuts:
            c.shape = (
                list(shapes.pop(c.name))
                if c.name in shapes
                else _cut_shape(graph, blobs, shapes, batch_size, c)
            )
        emitter = _Emitter(graph, blobs, shapes, batch_size, cuts)
        module = emitter.emit(entry_func_name, needed, out_versions)
        common.verify(module)
        return ImportedModel(
            module=module,
            entry=entry_func_name,
            inputs=emitter.inputs,
            outputs=emitter.outputs,
            weights=emitter.consts.weights,
        )


@dataclass
class _Layer:
    param: Any
    bottoms: list[int]  # blob versions read
    tops: list[int]  # blob versions written


@dataclass
class _Input:
    name: str
    version: int
    shape: list[InfoDim]
    source: str  # where the shape comes from, for messages


@dataclass
class _Graph:
    """The TEST-phase layers with their blobs renamed to versions (in-place layers write
    new versions), the net's inputs and the producer of every version."""

    param: Any
    layers: list[_Layer] = field(default_factory=list)
    inputs: list[_Input] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # version -> blob name
    producer: dict[int, int] = field(default_factory=dict)  # version -> layer index
    current: dict[str, int] = field(default_factory=dict)  # blob name -> its last version
    read: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        net = self.param
        dims = [int(d) for d in net.input_dim]
        if net.input_shape and len(net.input_shape) != len(net.input):
            raise ModelImportError(
                f"the net has {len(net.input)} inputs and {len(net.input_shape)} input_shapes"
            )
        if not net.input_shape and net.input and len(dims) != 4 * len(net.input):
            raise ModelImportError(
                f"the net has {len(net.input)} inputs and {len(dims)} input_dims (4 per input)"
            )
        for k, name in enumerate(net.input):
            if net.input_shape:
                shape: list[InfoDim] = [int(d) for d in net.input_shape[k].dim]
            else:
                shape = list(dims[4 * k : 4 * k + 4])
            self.inputs.append(_Input(name, self._new(name), shape, "the net's input fields"))
        for layer in net.layer:
            if not _in_test_phase(layer):
                continue
            if layer.type in INPUT_LAYERS:
                self._input_layer(layer)
                continue
            bottoms = []
            for b in layer.bottom:
                if b not in self.current:
                    raise ModelImportError(
                        f"layer '{layer.name}' ({layer.type}) reads blob '{b}', which no "
                        "earlier layer or input gives"
                    )
                bottoms.append(self.current[b])
            self.read.update(bottoms)
            tops = [self._new(t) for t in layer.top]
            for t in tops:
                self.producer[t] = len(self.layers)
            self.layers.append(_Layer(layer, bottoms, tops))

    def _new(self, name: str) -> int:
        self.names.append(name)
        self.current[name] = len(self.names) - 1
        return len(self.names) - 1

    def _input_layer(self, layer: Any) -> None:
        tops = list(layer.top)
        what = f"{layer.type} layer '{layer.name}'"
        if layer.type == "Input":
            shapes = list(layer.input_param.shape)
            if len(shapes) not in (0, 1, len(tops)):
                raise ModelImportError(f"{what} has {len(tops)} tops and {len(shapes)} shapes")
            for k, top in enumerate(tops):
                # no shape: only --input-shape can tell
                picked = shapes[k if len(shapes) > 1 else 0].dim if shapes else []
                shape: list[InfoDim] = [int(d) for d in picked]
                self.inputs.append(_Input(top, self._new(top), shape, what))
            return
        batch = int(layer.data_param.batch_size) or None
        crop = int(layer.transform_param.crop_size) or None
        if tops:
            shape = [batch, None, crop, crop]
            self.inputs.append(_Input(tops[0], self._new(tops[0]), shape, what))
        for top in tops[1:]:  # labels: not imported; a reader is told so
            self._new(top)

    def output_versions(self, outputs: Sequence[str] | None) -> list[int]:
        if outputs:
            unknown = [o for o in outputs if o not in self.current]
            if unknown:
                raise ModelImportError(
                    f"outputs {', '.join(repr(u) for u in unknown)} are not blobs of the net; "
                    f"its blobs are {', '.join(repr(n) for n in self.current)}"
                )
            return [self.current[o] for o in outputs]
        inputs = {i.version for i in self.inputs}
        sinks = [v for v in range(len(self.names)) if v not in self.read and v in self.producer]
        sinks = [v for v in sinks if v not in inputs]
        if not sinks:
            raise ModelImportError("the net has no outputs (no layer writes a blob never read)")
        return sinks

    def needed(self, versions: Sequence[int], stop: set[int] | None = None) -> list[int]:
        """The indices of the layers that the blob `versions` depend on, in net order (not
        looking past the versions in `stop`: cut inputs)."""
        seen: set[int] = set()
        stack = list(versions)
        while stack:
            v = stack.pop()
            if stop and v in stop:
                continue
            k = self.producer.get(v)
            if k is None or k in seen:
                continue
            seen.add(k)
            stack.extend(self.layers[k].bottoms)
        return sorted(seen)


def _cut_shape(
    graph: _Graph,
    blobs: Mapping[str, list[np.ndarray]],
    shapes: Mapping[str, Sequence[int]],
    batch_size: int | None,
    cut: _Input,
) -> list[InfoDim]:
    """The shape of cut blob `cut`, from the layers before it (emitted into a scratch
    module, with the net's inputs shaped as given)."""
    needed = graph.needed([cut.version])
    params = [graph.layers[k].param for k in needed]
    entries = [ops.lookup(p.type) for p in params]
    missing = [p.name for p, e in zip(params, entries, strict=True)
               if e is not None and e.weighted and p.name not in blobs]  # fmt: skip
    if missing or any(e is None for e in entries):
        raise ModelImportError(
            f"inputs: the shape of blob '{cut.name}' cannot be worked out from the layers before "
            "it; give it (--input-shape / input_shapes)"
        )
    probe = _Emitter(graph, blobs, shapes, batch_size)
    try:
        probe.emit("__strata_cut_shape", needed, [cut.version])
    except ModelImportError as e:
        raise ModelImportError(
            f"inputs: the shape of blob '{cut.name}' cannot be worked out ({e}); give it "
            "(--input-shape / input_shapes)"
        ) from None
    return list(probe.outputs[0].shape)


def _in_test_phase(layer: Any) -> bool:
    """Caffe's StateMeetsRule for the state (phase TEST, level 0, no stages)."""

    def meets(rule: Any) -> bool:
        if rule.HasField("phase") and int(rule.phase) != 1:
            return False
        if rule.HasField("min_level") and int(rule.min_level) > 0:
            return False
        if rule.HasField("max_level") and int(rule.max_level) < 0:
            return False
        return not rule.stage  # every required stage must be in the (empty) state

    if layer.include:
        return any(meets(r) for r in layer.include)
    return not any(meets(r) for r in layer.exclude)


def _shown(dims: Sequence[InfoDim]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in dims) + "]"


class _Emitter:
    """Emits the entry function layer by layer."""

    def __init__(
        self,
        graph: _Graph,
        blobs: Mapping[str, list[np.ndarray]],
        input_shapes: Mapping[str, Sequence[int]],
        batch_size: int | None,
        cuts: Sequence[_Input] = (),
    ) -> None:
        self.graph = graph
        self.cuts = list(cuts)
        self.blobs = blobs
        self.input_shapes = {k: [int(d) for d in v] for k, v in input_shapes.items()}
        self.batch_size = batch_size
        self.consts = common.Constants()
        self.inputs: list[TensorInfo] = []
        self.outputs: list[TensorInfo] = []
        self.env: dict[int, ir.Value] = {}

    def _input_info(self, i: _Input) -> TensorInfo:
        given = self.input_shapes.get(i.name)
        dims: list[InfoDim] = list(given) if given is not None else list(i.shape)
        if not dims:
            raise ModelImportError(
                f"input '{i.name}' ({i.source}) has no shape: give it (--input-shape / "
                "input_shapes)"
            )
        if self.batch_size is not None:
            dims[0] = self.batch_size
        for k, d in enumerate(dims):
            if d is not None and int(d) < 1:
                raise ModelImportError(
                    f"input '{i.name}' dim {k} must be positive, got {d} {_shown(dims)}"
                )
        return TensorInfo(i.name, tuple(dims), np.dtype(np.float32))

    def emit(self, name: str, needed: list[int], out_versions: list[int]) -> ir.Module:
        g = self.graph
        used = {v for k in needed for v in g.layers[k].bottoms} | set(out_versions)
        unknown = sorted(set(self.input_shapes) - {i.name for i in g.inputs})
        if unknown:
            raise ModelImportError(
                f"input shape given for {', '.join(repr(u) for u in unknown)}, which is not an "
                f"input; the inputs are {', '.join(repr(i.name) for i in g.inputs)}"
            )
        inputs = [i for i in g.inputs if i.version in used] + self.cuts
        self.inputs = [self._input_info(i) for i in inputs]
        arg_types = [type_of_spec(TensorSpec.of(i.dims, i.dtype)) for i in self.inputs]
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            f = func.FuncOp(name, (arg_types, []))
        block = f.add_entry_block()
        for i, arg in zip(inputs, block.arguments, strict=True):
            self.env[i.version] = arg
        with ir.InsertionPoint(block):
            for k in needed:
                self._layer(g.layers[k])
            values = []
            for v in out_versions:
                if v not in self.env:
                    raise ModelImportError(
                        f"output '{g.names[v]}' is not computed by the net (a Data layer's label?)"
                    )
                values.append(self.env[v])
            func.ReturnOp(values)
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [v.type for v in values])
        )
        names = [g.names[v] for v in out_versions]
        for n, v in zip(names, values, strict=True):
            s = spec_of_type(v.type)
            self.outputs.append(TensorInfo(n, tuple(s.shape), s.dtype))
        f.arg_attrs = common.name_attrs([i.name for i in self.inputs])
        f.res_attrs = common.name_attrs(names)
        return module

    def _layer(self, layer: _Layer) -> None:
        p = layer.param
        user = f"layer '{p.name}' ({p.type})"
        entry = ops.lookup(p.type)
        assert entry is not None  # checked before emitting
        inputs = []
        for v in layer.bottoms:
            if v not in self.env:
                raise ModelImportError(
                    f"{user} reads blob '{self.graph.names[v]}', which Strata does not import "
                    "(a Data layer's label)"
                )
            inputs.append(self.env[v])
        node = Node(p, inputs, self.blobs.get(p.name, []), self.consts)
        try:
            results = list(entry.fn(node))
        except (ConvertError, OpVerifyError) as e:
            raise ModelImportError(f"{user}: {e}") from None
        if len(results) != len(layer.tops):
            raise ModelImportError(
                f"{user} has {len(layer.tops)} tops; Strata computes {len(results)} for it"
            )
        for v, r in zip(layer.tops, results, strict=True):
            self.env[v] = r
