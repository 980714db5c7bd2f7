"""The ONNX backend API over `strata.compile`: `onnx.backend.test.BackendTest(strata.backend)`.

Module-level `prepare`, `run_model`, `run_node`, `supports_device`, `is_compatible` and
`supports_model` are the classmethods of :class:`StrataBackend`, an
`onnx.backend.base.Backend`, so this module itself can be handed to onnx's backend test
generator. `prepare(model, device="CPU", **options)` compiles with `strata.compile` (options
such as `target=`, `num_threads=`, `cache_dir=`, `input_shapes=` pass straight through; the
default `num_threads` is 1) and returns a :class:`StrataBackendRep` whose `run(inputs)` returns
the outputs as onnx's namedtuple of numpy arrays. Compiled artifacts are cached as
`strata.compile` caches them ($STRATA_CACHE_DIR, default ~/.cache/strata).

Only the CPU device exists. Compile and run errors propagate as `strata.StrataError`
subclasses; `is_compatible` (which onnx's model-suite tests consult to *skip* a model) only
checks the device, so an unsupported model is reported as an error, never silently skipped.
`supports_model` answers the cheaper question "would the importer accept this?" without
compiling. A model with graph inputs of sequence or optional type cannot be compiled before its
inputs are seen: `prepare` returns a :class:`StrataStructuredRep`, which compiles on the first
run for the structure of the inputs it is given (lengths, item shapes, empty or full
optionals) and caches one specialisation per structure.

Dependency contract: numpy, `onnx` (backend base classes, helper, shape inference),
strata.api, strata.errors; `supports_model` also the ONNX frontend's pre-import checks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import onnx
from onnx import helper
from onnx.backend.base import Backend, BackendRep, Device, DeviceType, namedtupledict

from strata.api import CompiledModel
from strata.api import compile as strata_compile
from strata.errors import InputMismatchError, ModelImportError, ModelLoadError, StrataError
from strata.structure import structure_of

DEFAULT_NUM_THREADS = 1
# onnx's BackendTest forwards a case's comparison tolerances (its `test_kwargs`) to `prepare`
# together with the backend options; they are the harness's, not compile options.
_HARNESS_KWARGS = ("rtol", "atol")


class StrataBackendRep(BackendRep):
    """A compiled model, ready to run many times."""

    def __init__(self, compiled: CompiledModel) -> None:
        self.compiled = compiled
        if compiled.structure is not None:
            self.output_names = [n for n, _ in compiled.structure[1]]
        else:
            self.output_names = [o.name for o in compiled.outputs]

    def run(self, inputs: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Run on `inputs`: a list in graph-input order, a dict name -> array, or one array.

        Returns a namedtuple of the outputs in graph order (indexable by position or name).
        """
        if kwargs:
            raise StrataError(f"unknown run option(s): {', '.join(sorted(kwargs))}")
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        elif isinstance(inputs, tuple):
            inputs = list(inputs)
        outs = self.compiled.run(inputs)
        return namedtupledict("Outputs", self.output_names)(*outs)


class StrataStructuredRep(BackendRep):
    """A model with graph inputs of sequence or optional type: compiled when it first runs,
    once per input structure (the sequences' lengths and item shapes, which optionals are
    empty), each specialisation kept for later runs with that structure."""

    def __init__(self, model: Any, names: Sequence[str], nested: Sequence[str], **options: Any):
        self.model = model
        self.names = list(names)  # the graph inputs, in order
        self.nested = set(nested)  # those of sequence / optional type
        self.options = options
        self.reps: dict[str, StrataBackendRep] = {}

    def run(self, inputs: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Run on `inputs` (a list in graph-input order or a dict; sequences as lists,
        optionals as None or their element); compiles for a structure not seen before."""
        if kwargs:
            raise StrataError(f"unknown run option(s): {', '.join(sorted(kwargs))}")
        if isinstance(inputs, Mapping):
            values = dict(inputs)
        elif isinstance(inputs, (list, tuple)) and len(inputs) == len(self.names):
            values = dict(zip(self.names, inputs, strict=True))
        else:
            raise InputMismatchError(
                f"expected {len(self.names)} input(s) ({', '.join(self.names)}) as a list or dict"
            )
        specs = {n: structure_of(values[n]) for n in self.names if n in self.nested and n in values}
        key = json.dumps(specs, sort_keys=True)
        if key not in self.reps:
            compiled = strata_compile(self.model, input_structures=specs, **self.options)
            self.reps[key] = StrataBackendRep(compiled)
        return self.reps[key].run(values)


class StrataBackend(Backend):
    """`onnx.backend.base.Backend` compiling with Strata; options are `strata.compile`'s."""

    # Options merged under each call's own (see `with_options`).
    defaults: Mapping[str, Any] = {}

    @classmethod
    def with_options(cls, **defaults: Any) -> type[StrataBackend]:
        """A backend class whose `prepare` uses these options unless a call gives its own
        (e.g. `BackendTest(StrataBackend.with_options(target="cpu", cache_dir=d))`)."""
        merged = {**cls.defaults, **defaults}
        return type(cls.__name__, (cls,), {"defaults": merged})

    @classmethod
    def supports_device(cls, device: str) -> bool:
        """Only the CPU (`"CPU"`, `"CPU:0"`) is supported."""
        try:
            return Device(device).type == DeviceType.CPU
        except (AttributeError, ValueError, TypeError):
            return False

    @classmethod
    def is_compatible(cls, model: onnx.ModelProto, device: str = "CPU", **kwargs: Any) -> bool:
        """Whether `device` is supported; models are not pre-screened (see the module doc)."""
        return cls.supports_device(device)

    @classmethod
    def supports_model(cls, model: Any, device: str = "CPU", **kwargs: Any) -> bool:
        """Whether the importer would accept the model: the device, the model's default opset
        and a converter (or import-time folding) for every node. Compiles nothing, so a model
        can still fail later, e.g. for a dtype or an attribute value."""
        from strata.frontends.onnx import folding, graph, ops
        from strata.frontends.onnx.loader import default_opset, load_model

        if not cls.supports_device(device):
            return False
        try:
            proto = load_model(model, check=False)
            opset = default_opset(proto)
        except StrataError:
            return False
        g = proto.graph
        if any(n.domain not in ("", "ai.onnx") for n in g.node):
            return False
        missing = graph.unsupported_nodes(
            graph.needed_nodes(g, [o.name for o in g.output]),
            {t.name for t in g.initializer},
            lambda n: ops.lookup(n.op_type, opset) is not None,
            folding.can_fold,
        )
        return not missing

    @classmethod
    def prepare(
        cls, model: Any, device: str = "CPU", **kwargs: Any
    ) -> StrataBackendRep | StrataStructuredRep:
        """Compile `model` (a ModelProto, path or bytes) for `device` with `strata.compile`
        (a model with sequence / optional inputs: when it first runs, per input structure)."""
        _check_device(cls, device)
        options = {"num_threads": DEFAULT_NUM_THREADS, **cls.defaults, **kwargs}
        for k in _HARNESS_KWARGS:
            options.pop(k, None)
        nested = _structured_inputs(model)
        if nested is not None:
            names, seqs = nested
            return StrataStructuredRep(model, names, seqs, **options)
        return StrataBackendRep(strata_compile(model, **options))

    @classmethod
    def run_model(
        cls, model: Any, inputs: Any, device: str = "CPU", **kwargs: Any
    ) -> tuple[Any, ...]:
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def run_node(
        cls,
        node: onnx.NodeProto,
        inputs: Any,
        device: str = "CPU",
        outputs_info: Sequence[tuple[Any, tuple[int, ...]]] | None = None,
        **kwargs: Any,
    ) -> tuple[Any, ...]:
        """Run one node on `inputs` (arrays for its present inputs, in order, or a dict).

        `outputs_info`: (dtype, shape) per output; without it, ONNX shape inference gives them.
        `opset_version`: the default-domain opset (default: the newest one Strata imports).
        """
        _check_device(cls, device)
        opset = kwargs.pop("opset_version", None)
        model = node_model(node, inputs, outputs_info, opset)
        feeds = dict(inputs) if isinstance(inputs, Mapping) else list(inputs)
        return cls.prepare(model, device, **kwargs).run(feeds)


def _structured_inputs(model: Any) -> tuple[list[str], list[str]] | None:
    """(graph input names, those of sequence / optional type) of an ONNX model that has
    any; None for a model whose inputs are all tensors (or that is not ONNX)."""
    from strata.frontends.onnx.loader import load_model

    if isinstance(model, (str, os.PathLike)) and str(model).endswith(".mlir"):
        return None
    try:
        proto = load_model(model, check=False)
    except StrataError:
        return None
    inits = {t.name for t in proto.graph.initializer}
    real = [i for i in proto.graph.input if i.name not in inits]
    nested = [i.name for i in real if i.type.WhichOneof("value") != "tensor_type"]
    return ([i.name for i in real], nested) if nested else None


def _check_device(cls: type[StrataBackend], device: str) -> None:
    if not cls.supports_device(device):
        raise StrataError(f"device '{device}' is not supported by Strata; supported: CPU")


def newest_opset() -> int:
    """The newest default-domain opset both onnx and Strata's importer know."""
    from strata.frontends.onnx.loader import MAX_OPSET

    return min(onnx.defs.onnx_opset_version(), MAX_OPSET)


def node_model(
    node: onnx.NodeProto,
    inputs: Any,
    outputs_info: Sequence[tuple[Any, tuple[int, ...]]] | None = None,
    opset: int | None = None,
) -> onnx.ModelProto:
    """A one-node model with the node's present inputs as graph inputs (typed from `inputs`)."""
    names = [x for x in node.input if x]
    if isinstance(inputs, Mapping):
        unknown = sorted(set(inputs) - set(names))
        if unknown:
            raise InputMismatchError(
                f"node '{node.name or node.op_type}' has no input(s) {', '.join(unknown)}"
            )
        arrays = [inputs.get(n) for n in names]
    else:
        arrays = list(inputs)
        if len(arrays) != len(names):
            raise InputMismatchError(
                f"node '{node.name or node.op_type}' has {len(names)} present input(s), "
                f"got {len(arrays)} array(s)"
            )
    ins = []
    for name, arr in zip(names, arrays, strict=True):
        if arr is None:
            raise InputMismatchError(f"no value given for input '{name}'")
        a = np.asarray(arr)
        ins.append(helper.make_tensor_value_info(name, _elem_type(a.dtype, name), a.shape))
    outs = [o for o in node.output if o]
    domain_opsets = [helper.make_opsetid("", opset if opset is not None else newest_opset())]
    if node.domain not in ("", "ai.onnx"):
        domain_opsets.append(helper.make_opsetid(node.domain, 1))
    if outputs_info is not None:
        if len(outputs_info) != len(outs):
            raise ModelImportError(
                f"outputs_info gives {len(outputs_info)} output(s); node "
                f"'{node.name or node.op_type}' has {len(outs)}"
            )
        out_vis = [
            helper.make_tensor_value_info(n, _elem_type(np.dtype(dt), n), shape)
            for n, (dt, shape) in zip(outs, outputs_info, strict=True)
        ]
        graph = helper.make_graph([node], "run_node", ins, out_vis)
        return helper.make_model(graph, opset_imports=domain_opsets)
    graph = helper.make_graph([node], "run_node", ins, [onnx.ValueInfoProto(name=n) for n in outs])
    model = helper.make_model(graph, opset_imports=domain_opsets)
    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    except (onnx.shape_inference.InferenceError, onnx.checker.ValidationError) as e:
        raise ModelLoadError(f"ONNX shape inference fails on the node: {e}") from None
    known = {vi.name: vi for vi in inferred.graph.value_info}
    known.update({vi.name: vi for vi in inferred.graph.output if vi.type.HasField("tensor_type")})
    missing = [n for n in outs if n not in known]
    if missing:
        raise ModelImportError(
            f"cannot infer the type of node output(s) {', '.join(missing)}; pass outputs_info"
        )
    del model.graph.output[:]
    model.graph.output.extend(known[n] for n in outs)
    return model


def _elem_type(dtype: np.dtype[Any], name: str) -> int:
    try:
        return helper.np_dtype_to_tensor_dtype(dtype)
    except (KeyError, ValueError, TypeError):
        raise InputMismatchError(
            f"value '{name}' has dtype {dtype}, which ONNX cannot hold"
        ) from None


prepare = StrataBackend.prepare
run_model = StrataBackend.run_model
run_node = StrataBackend.run_node
supports_device = StrataBackend.supports_device
is_compatible = StrataBackend.is_compatible
supports_model = StrataBackend.supports_model
with_options = StrataBackend.with_options

__all__ = [
    "StrataBackend",
    "StrataBackendRep",
    "StrataStructuredRep",
    "is_compatible",
    "node_model",
    "prepare",
    "run_model",
    "run_node",
    "supports_device",
    "supports_model",
    "with_options",
]
