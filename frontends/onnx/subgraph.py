"""Cutting an ONNX graph at named values (`inputs=`, HALO's `-inputs`): the named values
become graph inputs and only the nodes between the inputs and the outputs stay.

The cut is `onnx.utils.Extractor` on the model after ONNX shape inference, which gives each
cut value its element type and shape (`input_shapes[name]` gives or overrides the shape).
Shapes given for the original graph inputs (and `batch_size`) are applied before inference,
so they reach the cut values even where the cut drops those inputs. The new inputs are the
original graph inputs the outputs still need, in graph order, then the cut values in the
order given; the contract is `strata.frontends.formats`'.

Limit: Extractor follows node inputs only, so a cut must not separate an `If` / `Loop` /
`Scan` body from an outer value it captures (the importer then reports the value as unknown).

Dependency contract: `onnx`, `strata.errors`, `strata.frontends.common` and this package's
`graph` module; no MLIR.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

import onnx
from onnx.utils import Extractor

from strata.errors import ModelImportError
from strata.frontends import common
from strata.frontends.onnx import graph


def cut(
    proto: onnx.ModelProto,
    inputs: Sequence[str],
    outputs: Sequence[str],
    input_shapes: Mapping[str, Sequence[int]] | None,
    batch_size: int | None,
) -> onnx.ModelProto:
    """The sub-model computing `outputs` from `inputs` (see the module docstring)."""
    g = proto.graph
    init_names = {t.name for t in g.initializer}
    originals = [i.name for i in g.input if i.name not in init_names]
    produced = [o for n in g.node for o in n.output if o]
    weights = [n for n in inputs if n in init_names]
    if weights:
        raise ModelImportError(
            f"inputs {', '.join(repr(w) for w in weights)} are weights (initializers), not "
            "computed values; a cut input must be a graph input or a node output"
        )
    common.check_names("inputs", inputs, [*originals, *produced], "values of the graph")
    shapes = dict(input_shapes or {})
    given_originals = {k: v for k, v in shapes.items() if k in originals and k not in inputs}
    common.check_names(
        "input shapes",
        [k for k in shapes if k not in given_originals and k not in inputs],
        [*originals, *inputs],
        "inputs of the graph or of the cut",
    )
    # validate the original inputs' shapes (also those the cut drops) and write them in
    resolved = {
        i.name: i for i in graph.resolve_inputs(g, given_originals, batch_size, _structured(g))
    }
    model = onnx.ModelProto()
    model.CopyFrom(proto)
    for vi in model.graph.input:
        if vi.name in resolved and vi.name not in inputs:
            _set_dims(vi, resolved[vi.name].shape)
    # a best effort: the model's own value_info may suffice
    with contextlib.suppress(onnx.shape_inference.InferenceError, ValueError):
        model = onnx.shape_inference.infer_shapes(model, data_prop=True)
    infos = {vi.name: vi for vi in (*model.graph.value_info, *model.graph.input)}
    infos.update({vi.name: vi for vi in model.graph.output})
    cut_infos = [_cut_info(name, infos.get(name), shapes.get(name)) for name in inputs]
    del model.graph.value_info[:]
    model.graph.value_info.extend(
        [vi for vi in infos.values() if vi.name not in set(inputs) and vi.name not in originals]
    )
    model.graph.value_info.extend(cut_infos)
    for o in outputs:  # Extractor needs an entry for every output, typed or not
        if o not in infos:
            model.graph.value_info.append(onnx.ValueInfoProto(name=o))
    kept = [n for n in originals if n in _reads(g, outputs, set(inputs)) and n not in inputs]
    return Extractor(model).extract_model([*kept, *inputs], list(outputs))


def _structured(g: onnx.GraphProto) -> frozenset[str]:
    return frozenset(i.name for i in g.input if not i.type.HasField("tensor_type"))


def _set_dims(vi: onnx.ValueInfoProto, dims: Sequence[int | str | None]) -> None:
    shape = vi.type.tensor_type.shape
    shape.Clear()
    for d in dims:
        dim = shape.dim.add()
        if isinstance(d, int):
            dim.dim_value = d
        elif isinstance(d, str):
            dim.dim_param = d


def _cut_info(
    name: str, vi: onnx.ValueInfoProto | None, given: Sequence[int] | None
) -> onnx.ValueInfoProto:
    """The graph-input entry of cut value `name`: its type from shape inference / value_info,
    its shape from there or from `given`."""
    if vi is None or not vi.type.HasField("tensor_type") or not vi.type.tensor_type.elem_type:
        held = vi.type.WhichOneof("value") if vi is not None else None
        kind = f" (it is a {held})" if held and held != "tensor_type" else ""
        raise ModelImportError(
            f"input '{name}': the model's shape information gives no tensor element type for "
            f"this value{kind} (ONNX shape inference could not infer it and the model has no "
            "value_info for it), so it cannot become a graph input"
        )
    out = onnx.ValueInfoProto()
    out.CopyFrom(vi)
    if given is not None:
        dims = graph.model_dims(vi)
        if dims is not None and len(dims) != len(given):
            raise ModelImportError(
                f"input shape for '{name}' has rank {len(given)}; the value has rank "
                f"{len(dims)} {graph.show_dims(dims)}"
            )
        for k, (m, d) in enumerate(zip(dims or [], given, strict=False)):
            if isinstance(m, int) and m != d:
                raise ModelImportError(
                    f"input shape for '{name}' sets dim {k} to {d}, but the model's shape "
                    f"information fixes it to {m} {graph.show_dims(dims or [])}"
                )
        _set_dims(out, [int(d) for d in given])
    elif graph.model_dims(vi) is None:
        raise ModelImportError(
            f"input '{name}': the model's shape information gives no shape for this value; "
            + graph.SHAPE_HINT
        )
    return out


def _reads(g: onnx.GraphProto, outputs: Sequence[str], stop: set[str]) -> set[str]:
    """The values the nodes computing `outputs` read, not looking past the values in `stop`
    (sub-graph captures included)."""
    producer = {o: n for n in g.node for o in n.output if o}
    seen: set[str] = set()
    stack = list(outputs)
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        if v in stop or v not in producer:
            continue
        stack.extend(graph.node_reads(producer[v]))
    return seen
