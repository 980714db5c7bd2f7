"""The converter table: Caffe layer type (`Convolution`, `Pooling`, ...) -> function building
`nn` ops, and the view of a layer that converters work on.

A converter receives a :class:`Node` (the LayerParameter, its bottoms' values, its trained
blobs from the caffemodel, `build` for nn ops at the layer's location) and returns one value
per top. Entries say which nn ops they build (an entry whose ops are not declared counts as
missing) and whether the layer carries trained blobs (`weighted`: such a layer cannot be
imported without a caffemodel).

Dependency contract: numpy, `mlir`, `strata.dialects` (opdef), `strata.frontends.common`,
the LayerParameter message (duck-typed: only fields are read).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
from mlir import ir

from strata.dialects.opdef import TensorSpec, spec_of_type
from strata.frontends import common
from strata.frontends.common import ConvertError


def blob_array(blob: Any) -> np.ndarray:
    """A BlobProto's values as float32, in its shape (`shape`, else the legacy 4-d
    num / channels / height / width, trimmed of leading 1s only when that is all there is)."""
    data = np.asarray(blob.double_data if len(blob.double_data) else blob.data, np.float32)
    if blob.HasField("shape"):
        shape = [int(d) for d in blob.shape.dim]
    else:
        shape = [int(blob.num), int(blob.channels), int(blob.height), int(blob.width)]
        if int(np.prod(shape)) != data.size:
            shape = [data.size]
    if int(np.prod(shape)) != data.size:
        raise ConvertError(f"a blob of shape {shape} holds {data.size} values")
    return data.reshape(shape)


class Node:
    """A LayerParameter as its converter sees it."""

    def __init__(
        self,
        layer: Any,
        inputs: Sequence[ir.Value],
        blobs: Sequence[np.ndarray],
        consts: common.Constants,
    ) -> None:
        self.layer = layer
        self.name: str = layer.name
        self.type: str = layer.type
        self.loc = ir.Location.name(self.name)
        self.inputs = list(inputs)
        self.blobs = list(blobs)
        self._consts = consts

    # ---- bottoms ---------------------------------------------------------------------------
    def value(self, i: int) -> ir.Value:
        if i >= len(self.inputs):
            self.fail(f"has {len(self.inputs)} bottoms; bottom {i} is needed")
        return self.inputs[i]

    def spec(self, i: int) -> TensorSpec:
        return spec_of_type(self.value(i).type)

    def spec_of(self, v: ir.Value) -> TensorSpec:
        return spec_of_type(v.type)

    def dims(self, i: int) -> tuple[int | None, ...]:
        return tuple(self.spec(i).shape)

    def static_dims(self, i: int, what: str) -> tuple[int, ...]:
        dims = self.dims(i)
        if any(d is None for d in dims):
            self.fail(f"{what} needs the static shape of bottom {i}, which is {_shown(dims)} "
                      "(give --input-shape)")  # fmt: skip
        return tuple(int(d) for d in dims if d is not None)

    def axis(self, axis: int, rank: int, what: str = "axis") -> int:
        if not -rank <= axis < rank:
            self.fail(f"{what} {axis} is out of range for a rank-{rank} bottom")
        return axis % rank

    # ---- trained blobs ---------------------------------------------------------------------
    def blob(self, i: int, shape: Sequence[int], what: str) -> np.ndarray:
        """Blob `i` (`what`: its role) in `shape` (a blob stored with another shape of the
        same size, as old caffemodels store them, is reshaped)."""
        if i >= len(self.blobs):
            self.fail(f"the caffemodel gives {len(self.blobs)} blobs; blob {i} ({what}) is needed")
        b = self.blobs[i]
        want = [int(d) for d in shape]
        if list(b.shape) != want:
            if b.size != int(np.prod(want)):
                self.fail(f"blob {i} ({what}) has shape {list(b.shape)}; expected {want}")
            b = b.reshape(want)
        return np.ascontiguousarray(b, np.float32)

    # ---- building --------------------------------------------------------------------------
    def build(
        self,
        op: str,
        operands: Sequence[ir.Value | Sequence[ir.Value] | None],
        attrs: Mapping[str, Any] | None = None,
    ) -> list[ir.Value]:
        return common.build(op, operands, attrs, self.loc)

    def build1(
        self,
        op: str,
        operands: Sequence[ir.Value | Sequence[ir.Value] | None],
        attrs: Mapping[str, Any] | None = None,
    ) -> ir.Value:
        return self.build(op, operands, attrs)[0]

    def constant(self, array: np.ndarray, suffix: str) -> ir.Value:
        return self._consts.constant(array, f"{self.name}.{suffix}")

    def scalar(self, v: float, suffix: str) -> ir.Value:
        return self.constant(np.array(v, np.float32), suffix)

    def fail(self, message: str) -> NoReturn:
        raise ConvertError(message)


def _shown(dims: Sequence[int | None]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in dims) + "]"


Converter = Callable[[Node], Sequence[ir.Value]]


@dataclass(frozen=True)
class Entry:
    type: str
    fn: Converter
    needs: tuple[str, ...]
    category: str
    weighted: bool

    def available(self) -> bool:
        return all(common.nn_op_declared(name) for name in self.needs)


TABLE: dict[str, Entry] = {}


def converter(
    types: str | Sequence[str], *, needs: Sequence[str], category: str, weighted: bool = False
) -> Callable[[Converter], Converter]:
    """Register `fn` for these layer types; `needs`: the nn ops it builds; `category`: its
    group on the coverage page; `weighted`: the layer reads trained blobs."""
    names = [types] if isinstance(types, str) else list(types)

    def register(fn: Converter) -> Converter:
        for name in names:
            if name in TABLE:
                raise ValueError(f"two converters for {name}")
            TABLE[name] = Entry(name, fn, tuple(needs), category, weighted)
        return fn

    return register


def lookup(layer_type: str) -> Entry | None:
    """The converter for layer type `layer_type`, if one exists and its nn ops are declared."""
    e = TABLE.get(layer_type)
    return e if e is not None and e.available() else None
