"""The values of a graph being imported, and how constants become `nn.constant` ops.

Each ONNX value name maps to a :class:`Tensor`: a constant (numpy array, materialised as an
`nn.constant` the first time an op needs it) or an MLIR value. Large constants become
`dense_resource` blobs whose arrays are kept in `weights` (MLIR does not copy them;
`strata.frontends.common.Constants` does this for every frontend). A tensor
sequence (or optional value) whose structure is known at import time is a Tensor with `items`.

A sub-graph (an `If` branch, a `Loop` / `Scan` body) is imported into a region with a child
emitter (`child()`): its own names shadow the outer ones, outer names stay visible, and an
outer constant used inside the region is materialised there (in the child's table), so no
value defined inside a region is ever used outside it.

Dependency contract: numpy, `mlir`, `strata.dialects` (opdef), `strata.frontends.common`
(constants and weights, shared with the other frontends).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mlir import ir

from strata.dialects.opdef import TensorSpec, spec_of_type
from strata.frontends.common import Constants
from strata.frontends.onnx import symbolic


class SequenceValueError(Exception):
    """A sequence or optional value is used where a tensor is needed (message: which)."""


@dataclass
class Tensor:
    """An ONNX value: a constant array, an MLIR value, or both once a constant is emitted; or
    a tensor sequence whose items are known at import time (`items`)."""

    name: str
    const: np.ndarray | None = None
    value: ir.Value | None = None
    sym: symbolic.Sym | None = None  # entries of a shape-like vector, as far as known
    items: list[Tensor] | None = None  # a sequence's tensors, in order (or an optional's)
    optional: bool = False  # `items` (none or one) are an optional value's

    @property
    def is_sequence(self) -> bool:
        """A sequence or optional value (not a tensor)."""
        return self.items is not None

    @property
    def kind(self) -> str:
        if self.items is None:
            return "tensor"
        return "optional value" if self.optional else "tensor sequence"

    @property
    def tracked(self) -> symbolic.Sym | None:
        """The symbolic entries of a small integer vector (a constant's are its values)."""
        if self.const is not None:
            return symbolic.of_const(self.const)
        return self.sym

    @property
    def spec(self) -> TensorSpec:
        if self.items is not None:
            raise SequenceValueError(f"'{self.name}' is a {self.kind}, not a tensor")
        if self.const is not None:
            return TensorSpec.of(self.const.shape, self.const.dtype)
        assert self.value is not None
        return spec_of_type(self.value.type)


class Emitter:
    """Value table plus constant materialisation; ops are created at the current insertion
    point (the caller holds the function body's InsertionPoint)."""

    def __init__(self, parent: Emitter | None = None) -> None:
        self.env: dict[str, Tensor] = {}
        self.parent = parent
        # constants and weights: one table for the model, shared with sub-graph scopes
        self.consts: Constants = parent.consts if parent else Constants()
        self.weights: dict[str, np.ndarray] = self.consts.weights
        # run-time dims known to be equal (one table for the model: value names are unique)
        self.dims: symbolic.DimClasses = parent.dims if parent else symbolic.DimClasses()

    def child(self) -> Emitter:
        """A scope for a sub-graph: sees this scope's names, shares the weights."""
        return Emitter(self)

    def define(self, tensor: Tensor) -> None:
        self.env[tensor.name] = tensor

    def has(self, name: str) -> bool:
        return name in self.env or (self.parent is not None and self.parent.has(name))

    def get(self, name: str) -> Tensor:
        """The tensor `name` of this scope or an enclosing one (KeyError if none)."""
        if name in self.env:
            return self.env[name]
        if self.parent is None:
            raise KeyError(name)
        return self.parent.get(name)

    def value(self, name: str) -> ir.Value:
        """The MLIR value of `name`, emitting an `nn.constant` for a constant on first use
        (an outer constant is emitted in this scope, whose region is being built)."""
        if name not in self.env:
            outer = self.get(name)
            if outer.items is not None or outer.value is not None:
                return self.materialise(outer)
            self.env[name] = Tensor(name, const=outer.const, sym=outer.sym)
        return self.materialise(self.env[name])

    def materialise(self, t: Tensor) -> ir.Value:
        """The MLIR value of `t` (a value table entry or a sequence item)."""
        if t.items is not None:
            raise SequenceValueError(f"'{t.name}' is a {t.kind}, not a tensor")
        if t.value is None:
            assert t.const is not None
            t.value = self.constant(t.const, t.name)
        return t.value

    def constant(self, array: np.ndarray, name: str) -> ir.Value:
        """An `nn.constant` holding `array` (located at `name`); see `common.Constants`."""
        return self.consts.constant(array, name)

    def tensor_attr(self, array: np.ndarray, name: str) -> ir.Attribute:
        """dense<...> for tiny or bool arrays, dense_resource<KEY> (kept in weights) otherwise."""
        return self.consts.tensor_attr(array, name)
