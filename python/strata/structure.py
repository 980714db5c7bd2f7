"""Graph values of sequence or optional type, flattened to the tensors a compiled model takes
and returns: the structure record and the flatten / rebuild steps `CompiledModel` runs.

A structure (`GraphValue`) is a tensor (its index among the flat arguments or results), a
sequence of values, or an optional of none or one value. As JSON (in NAME.json's
`extra.structure`): a tensor is its index, a sequence `{"sequence": [...]}`, an optional
`{"optional": [...]}` with none or one entry. Python values: a sequence is a list, an empty
optional None, a full optional its element (as onnx's `numpy_helper.to_optional` gives it).

A structure *spec* describes an input before compiling (what `input_structures=` maps a
graph input to): `{"shape": [...], "dtype": "float32"}` for a tensor, a list of specs for a
sequence, None for an empty optional, the element's spec for a full one; `structure_of(value)`
makes it from a value.

Dependency contract: numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# A structure spec (JSON-able): tensor {"shape", "dtype"}, list (a sequence), None (empty).
Spec = dict[str, Any] | list[Any] | None


def structure_of(value: Any) -> Spec:
    """The structure spec of a Python value: an array -> its shape and dtype, a list / tuple
    -> a list of its items' specs, None -> None (an empty optional)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [structure_of(v) for v in value]
    arr = np.asarray(value)
    return {"shape": [int(d) for d in arr.shape], "dtype": arr.dtype.name}


@dataclass(frozen=True)
class GraphValue:
    """The structure of one graph input or output: a tensor (its index among the flat
    arguments / results), a sequence of values, or an optional of none or one value."""

    kind: str  # "tensor" | "sequence" | "optional"
    leaf: int = -1
    items: tuple[GraphValue, ...] = ()

    def to_json(self) -> Any:
        if self.kind == "tensor":
            return self.leaf
        return {self.kind: [i.to_json() for i in self.items]}


def tensor_leaf(index: int) -> GraphValue:
    return GraphValue("tensor", index)


def from_json(d: Any) -> GraphValue:
    """The inverse of `GraphValue.to_json` (ValueError on anything else)."""
    if isinstance(d, int):
        return GraphValue("tensor", d)
    if isinstance(d, dict) and len(d) == 1:
        ((kind, items),) = d.items()
        if kind in ("sequence", "optional") and isinstance(items, list):
            return GraphValue(kind, -1, tuple(from_json(i) for i in items))
    raise ValueError(f"malformed structure entry {d!r}")


def leaf_names(tree: GraphValue, name: str) -> list[tuple[int, str]]:
    """(flat index, item name) of every tensor in `tree` (the value named `name`)."""
    if tree.kind == "tensor":
        return [(tree.leaf, name)]
    out: list[tuple[int, str]] = []
    for k, item in enumerate(tree.items):
        out += leaf_names(item, f"{name}[{k}]")
    return out


def flatten(trees: Sequence[GraphValue], values: Sequence[Any], names: Sequence[str]) -> list[Any]:
    """The flat tensors of structured `values` (one per tree), by leaf index; ValueError
    naming the value when a value does not have its tree's structure."""
    n = sum(len(leaf_names(t, "")) for t in trees)
    flat: list[Any] = [None] * n

    def walk(tree: GraphValue, v: Any, path: str) -> None:
        if tree.kind == "tensor":
            if v is None or isinstance(v, (list, tuple)):
                raise ValueError(f"'{path}' must be a tensor, got {_show(v)}")
            flat[tree.leaf] = v
            return
        items = list(tree.items)
        if tree.kind == "optional":
            if items and v is None:
                raise ValueError(f"'{path}' was compiled as a full optional; got None")
            if not items and v is not None:
                raise ValueError(f"'{path}' was compiled as an empty optional (None)")
            if items:
                walk(items[0], v, f"{path}[0]")
            return
        if not isinstance(v, (list, tuple)) or len(v) != len(items):
            raise ValueError(
                f"'{path}' was compiled as a sequence of {len(items)} tensors; got {_show(v)}"
            )
        for k, (t, x) in enumerate(zip(items, v, strict=True)):
            walk(t, x, f"{path}[{k}]")

    for tree, v, name in zip(trees, values, names, strict=True):
        walk(tree, v, name)
    return flat


def rebuild(tree: GraphValue, flat: Sequence[Any]) -> Any:
    """A structured value from flat results: a list for a sequence, None or the element for
    an optional, the array for a tensor."""
    if tree.kind == "tensor":
        return flat[tree.leaf]
    if tree.kind == "optional":
        return rebuild(tree.items[0], flat) if tree.items else None
    return [rebuild(t, flat) for t in tree.items]


def _show(v: Any) -> str:
    if v is None:
        return "None"
    if isinstance(v, (list, tuple)):
        return f"a list of {len(v)}"
    return f"a {type(v).__name__}"
