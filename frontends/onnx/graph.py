"""Facts about an ONNX graph before anything is emitted: inputs and their (overridden) shapes,
weights, the nodes the requested outputs need, and which nodes have no converter.

Dependency contract: numpy, `onnx`, `strata.dtypes`, `strata.errors` and
`strata.frontends.base`; no MLIR.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper

from strata import dtypes
from strata.errors import ModelImportError
from strata.frontends.base import TensorInfo

SUPPORTED_DTYPES = frozenset(d.np for d in dtypes.DTYPES)
# string tensors (numpy object arrays) are handled by the string ops and data movement only
STRING_DTYPE = dtypes.STRING.np
SHAPE_HINT = (
    "give it with --input-shape NAME:D0xD1x... or --batch-size N (Python: input_shapes="
    "{NAME: [...]} or batch_size=N)"
)


def numpy_dtype(elem_type: int, what: str) -> np.dtype[Any]:
    """The numpy dtype of an ONNX element type; ModelImportError if Strata cannot hold it."""
    try:
        dtype = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    except (KeyError, ValueError, TypeError):
        dtype = None
    if dtype is None or (dtype not in SUPPORTED_DTYPES and dtype != STRING_DTYPE):
        name = (
            onnx.TensorProto.DataType.Name(elem_type)
            if elem_type in onnx.TensorProto.DataType.values()
            else str(elem_type)
        )
        raise ModelImportError(f"{what} has element type {name}, which Strata does not support")
    return dtype


def weights(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    """Initializers as contiguous native-endian arrays, by name."""
    if len(graph.sparse_initializer):
        names = [s.values.name for s in graph.sparse_initializer]
        raise ModelImportError(f"sparse initializers are not supported: {names}")
    out: dict[str, np.ndarray] = {}
    for t in graph.initializer:
        numpy_dtype(t.data_type, f"initializer '{t.name}'")
        try:
            arr = numpy_helper.to_array(t)
        except ValueError as e:
            raise ModelImportError(
                f"initializer '{t.name}' declares dims {list(t.dims)}, but its data does not "
                f"fit them ({e})"
            ) from None
        out[t.name] = np.require(arr, dtype=arr.dtype.newbyteorder("="), requirements="C")
    return out


def resolve_inputs(
    graph: onnx.GraphProto,
    input_shapes: Mapping[str, Sequence[int]] | None,
    batch_size: int | None,
    skip: frozenset[str] = frozenset(),
) -> list[TensorInfo]:
    """The graph inputs that are not initializers, with their dims.

    A dim is static (an int), named symbolic (its `dim_param`) or unknown (None: no value, or
    a negative value such as the -1 some exporters write). `input_shapes` (name -> full shape)
    overrides any non-static dim and must agree with the static ones; `batch_size` fixes a
    non-static leading dim of every input. Inputs named in `skip` (sequences and optionals,
    see `structured`) are left out.
    """
    init_names = {t.name for t in graph.initializer}
    real = [i for i in graph.input if i.name not in init_names and i.name not in skip]
    overrides = dict(input_shapes or {})
    unknown = sorted(set(overrides) - {i.name for i in real})
    if unknown:
        valid = ", ".join(f"'{i.name}'" for i in real) or "(none)"
        raise ModelImportError(
            f"input shape given for {', '.join(repr(u) for u in unknown)}, which is not a graph "
            f"input; the inputs are: {valid}"
        )
    if batch_size is not None and batch_size < 1:
        raise ModelImportError(f"batch size must be >= 1, got {batch_size}")
    return [_resolve_one(i, overrides.get(i.name), batch_size) for i in real]


def model_dims(vi: onnx.ValueInfoProto) -> list[int | str | None] | None:
    """The dims a value info declares (None: no shape at all)."""
    tt = vi.type.tensor_type
    if not tt.HasField("shape"):
        return None
    out: list[int | str | None] = []
    for d in tt.shape.dim:
        if d.HasField("dim_value") and d.dim_value >= 0:
            out.append(int(d.dim_value))
        elif d.HasField("dim_param") and d.dim_param:
            out.append(d.dim_param)
        else:
            out.append(None)
    return out


def _resolve_one(
    vi: onnx.ValueInfoProto, override: Sequence[int] | None, batch_size: int | None
) -> TensorInfo:
    if not vi.type.HasField("tensor_type"):
        raise ModelImportError(f"graph input '{vi.name}' is not a tensor")
    dtype = numpy_dtype(vi.type.tensor_type.elem_type, f"graph input '{vi.name}'")
    dims = model_dims(vi)
    if override is not None:
        shape = [int(d) for d in override]
        if any(d < 0 for d in shape):
            raise ModelImportError(f"input shape for '{vi.name}' has a negative dim: {shape}")
        if dims is not None:
            if len(dims) != len(shape):
                raise ModelImportError(
                    f"input shape for '{vi.name}' has rank {len(shape)}, the model's input has "
                    f"rank {len(dims)} ({show_dims(dims)})"
                )
            for i, (m, g) in enumerate(zip(dims, shape, strict=True)):
                if isinstance(m, int) and m != g:
                    raise ModelImportError(
                        f"input shape for '{vi.name}' sets dim {i} to {g}, but the model fixes "
                        f"it to {m} ({show_dims(dims)})"
                    )
        return TensorInfo(vi.name, tuple(shape), dtype)
    if dims is None:
        raise ModelImportError(
            f"graph input '{vi.name}' has no shape (not even a rank); give it with "
            "--input-shape NAME:D0xD1x... (Python: input_shapes={NAME: [...]})"
        )
    if batch_size is not None and dims and not isinstance(dims[0], int):
        dims[0] = batch_size
    return TensorInfo(vi.name, tuple(dims), dtype)


def show_dims(dims: Sequence[int | str | None]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in dims) + "]"


def require_static(inputs: Sequence[TensorInfo], target: str) -> None:
    """For a target that needs static shapes: one error naming every input with a non-static
    dim, suggesting --batch-size only where the leading dim is the only one missing."""
    lacking = [i for i in inputs if not i.is_static]
    if not lacking:
        return
    parts = []
    for i in lacking:
        open_dims = [k for k, d in enumerate(i.shape) if not isinstance(d, int)]
        hint = " (or --batch-size N)" if open_dims == [0] else ""
        parts.append(f"'{i.name}' {show_dims(i.shape)}{hint}")
    raise ModelImportError(
        f"target '{target}' needs static input shapes; these inputs have dims that are not "
        f"fixed: {'; '.join(parts)}. {SHAPE_HINT}"
    )


def select_outputs(graph: onnx.GraphProto, outputs: Sequence[str] | None) -> list[str]:
    """Names of the values to return: the graph outputs, or the requested ones (any value)."""
    if outputs is None:
        if not graph.output:
            raise ModelImportError(
                "the graph has no outputs, so there is nothing to compute (select values with "
                "--outputs / outputs=[...])"
            )
        return [o.name for o in graph.output]
    known = {i.name for i in graph.input} | {t.name for t in graph.initializer}
    for n in graph.node:
        known.update(o for o in n.output if o)
    missing = [o for o in outputs if o not in known]
    if missing:
        declared = ", ".join(f"'{o.name}'" for o in graph.output)
        raise ModelImportError(
            f"requested output(s) {', '.join(repr(m) for m in missing)} are not values of the "
            f"graph (its declared outputs are {declared}; any node output may be selected)"
        )
    if not outputs:
        raise ModelImportError("the list of requested outputs is empty")
    return list(outputs)


def needed_nodes(
    graph: onnx.GraphProto, outputs: Sequence[str]
) -> list[tuple[int, onnx.NodeProto]]:
    """(index, node) of the nodes the outputs depend on, in graph (topological) order."""
    producer: dict[str, int] = {}
    for i, n in enumerate(graph.node):
        for o in n.output:
            if o:
                producer[o] = i
    keep: set[int] = set()
    stack = [producer[o] for o in outputs if o in producer]
    while stack:
        i = stack.pop()
        if i in keep:
            continue
        keep.add(i)
        stack.extend(producer[x] for x in node_reads(graph.node[i]) if x in producer)
    return [(i, n) for i, n in enumerate(graph.node) if i in keep]


def node_reads(node: onnx.NodeProto) -> list[str]:
    """Inputs of a node including values its subgraphs capture from the outer scope."""
    names = [x for x in node.input if x]
    for g in subgraphs(node):
        for n in g.node:
            names.extend(node_reads(n))
    return names


def subgraphs(node: onnx.NodeProto) -> list[onnx.GraphProto]:
    """The graphs held in the node's attributes (If branches, Loop / Scan bodies)."""
    out: list[onnx.GraphProto] = []
    for a in node.attribute:
        if a.type == onnx.AttributeProto.GRAPH:
            out.append(a.g)
        elif a.type == onnx.AttributeProto.GRAPHS:
            out.extend(a.graphs)
    return out


def node_label(node: onnx.NodeProto, index: int) -> str:
    """The name used for a node in messages and locations."""
    return node.name or f"{node.op_type}_{index}"


def all_nodes(
    nodes: Sequence[tuple[int, onnx.NodeProto]], prefix: str = ""
) -> list[tuple[int, onnx.NodeProto, str]]:
    """(index, node, label) of these nodes and of every node of their sub-graphs, depth
    first; a sub-graph node's label is prefixed with its parent's ("If_3/Add_0")."""
    out: list[tuple[int, onnx.NodeProto, str]] = []
    for i, n in nodes:
        label = prefix + node_label(n, i)
        out.append((i, n, label))
        for g in subgraphs(n):
            out.extend(all_nodes(list(enumerate(g.node)), f"{label}/"))
    return out


def unsupported_nodes(
    nodes: Sequence[tuple[int, onnx.NodeProto]],
    constants: set[str],
    has_converter: Callable[[onnx.NodeProto], bool],
    foldable: Callable[[onnx.NodeProto], bool],
) -> dict[str, list[str]]:
    """{op type: [node names]} of nodes that neither fold to constants nor have a converter,
    sub-graphs included (their nodes named "<parent>/<node>").

    A node folds when every input is constant (initializers, Constant, folded values) or it
    only reads its input's shape (Shape, Size) -- shapes are static after input resolution.
    A sub-graph sees the outer constants and its own initializers; its inputs are not constant.
    """
    out: dict[str, list[str]] = {}
    _unsupported(nodes, set(constants), has_converter, foldable, "", out)
    return out


def _unsupported(
    nodes: Sequence[tuple[int, onnx.NodeProto]],
    const: set[str],
    has_converter: Callable[[onnx.NodeProto], bool],
    foldable: Callable[[onnx.NodeProto], bool],
    prefix: str,
    out: dict[str, list[str]],
) -> None:
    for i, n in nodes:
        label = prefix + node_label(n, i)
        ins = [x for x in n.input if x]
        if foldable(n) and (n.op_type in ("Shape", "Size") or all(x in const for x in ins)):
            const.update(o for o in n.output if o)
            continue
        if not has_converter(n):
            out.setdefault(op_key(n), []).append(label)
        for g in subgraphs(n):
            inner = (const | {t.name for t in g.initializer}) - {v.name for v in g.input}
            _unsupported(list(enumerate(g.node)), inner, has_converter, foldable, f"{label}/", out)


def op_key(node: onnx.NodeProto) -> str:
    """The node's op type as messages name it: `Op`, or `domain.Op` outside 'ai.onnx'."""
    return node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"
