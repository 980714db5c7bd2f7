"""Sequence and optional values as graph inputs and outputs, flattened to tensors.

A compiled Strata model takes and returns tensors only. A graph input of sequence or optional
type is therefore *specialised on its structure*: the caller gives its length and item shapes
(`input_structures`, specs as `strata.structure.structure_of` makes them), and each item
becomes one tensor argument of the compiled function, named `NAME[i]` (an optional's element
is `NAME[0]`). Inside the graph the value is an import-time sequence (`ops/sequence.py`), so
every sequence op works on it. A graph output of sequence or optional type must have a
structure known at import time; its items become tensor results named the same way. The
structure of every graph input and output is recorded (`strata.structure.GraphValue`) for
`CompiledModel`, which flattens structured inputs and rebuilds lists / optionals.

Dependency contract: numpy, `onnx`, `strata.errors`, `strata.structure`,
`strata.frontends.base` and `strata.frontends.onnx.graph`; no MLIR.
"""

from __future__ import annotations

import numpy as np
import onnx

from strata.errors import ModelImportError
from strata.frontends.base import TensorInfo
from strata.frontends.onnx import graph
from strata.structure import GraphValue, Spec, tensor_leaf

__all__ = ["GraphValue", "Spec", "is_structured", "kind_of", "resolve_structured", "tensor_leaf"]


STRUCTURE_HINT = (
    "give its structure (length and item shapes) with input_structures={NAME: ...} "
    "(strata.structure_of(value) makes one from a value; strata.backend does this from the "
    "inputs it runs on)"
)


def is_structured(vi: onnx.ValueInfoProto) -> bool:
    """Whether a graph value is of sequence or optional type."""
    return vi.type.HasField("sequence_type") or vi.type.HasField("optional_type")


def kind_of(tp: onnx.TypeProto) -> str:
    if tp.HasField("sequence_type"):
        return "sequence"
    if tp.HasField("optional_type"):
        return "optional"
    if tp.HasField("tensor_type"):
        return "tensor"
    return tp.WhichOneof("value") or "unknown"


def resolve_structured(
    vi: onnx.ValueInfoProto, spec: Spec, first_leaf: int
) -> tuple[GraphValue, list[TensorInfo]]:
    """The structure of structured graph input `vi` given `spec`, and its flat tensors (their
    indices start at `first_leaf`)."""
    leaves: list[TensorInfo] = []

    def walk(tp: onnx.TypeProto, s: Spec, path: str) -> GraphValue:
        kind = kind_of(tp)
        what = f"graph input '{vi.name}'" + (f" item {path}" if path != vi.name else "")
        if kind == "tensor":
            if not isinstance(s, dict) or "shape" not in s or "dtype" not in s:
                raise ModelImportError(f"{what} is a tensor; its structure gives {s!r}")
            dtype = graph.numpy_dtype(tp.tensor_type.elem_type, what)
            if np.dtype(s["dtype"]) != dtype:
                raise ModelImportError(
                    f"{what} has element type {dtype.name}, the structure gives {s['dtype']}"
                )
            shape = tuple(int(d) for d in s["shape"])
            declared = _declared(tp)
            if declared is not None and (
                len(declared) != len(shape)
                or any(isinstance(m, int) and m != g for m, g in zip(declared, shape, strict=True))
            ):
                raise ModelImportError(
                    f"{what} has shape {list(shape)}, but the model declares "
                    f"{graph.show_dims(declared)}"
                )
            leaves.append(TensorInfo(path, shape, dtype))
            return tensor_leaf(first_leaf + len(leaves) - 1)
        if kind == "sequence":
            if not isinstance(s, list):
                raise ModelImportError(f"{what} is a sequence; its structure gives {s!r}")
            elem = tp.sequence_type.elem_type
            return GraphValue(
                "sequence", -1, tuple(walk(elem, x, f"{path}[{k}]") for k, x in enumerate(s))
            )
        if kind == "optional":
            elem = tp.optional_type.elem_type
            if s is None:
                return GraphValue("optional")
            return GraphValue("optional", -1, (walk(elem, s, f"{path}[0]"),))
        raise ModelImportError(f"{what} is of {kind} type, which Strata does not support")

    tree = walk(vi.type, spec, vi.name)
    return tree, leaves


def _declared(tp: onnx.TypeProto) -> list[int | str | None] | None:
    vi = onnx.ValueInfoProto(name="_", type=tp)
    return graph.model_dims(vi)
