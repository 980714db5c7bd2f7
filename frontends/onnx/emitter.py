"""The values of a graph being imported, and how constants become `nn.constant` ops.

Each ONNX value name maps to a :class:`Tensor`: a constant (numpy array, materialised as an
`nn.constant` the first time an op needs it) or an MLIR value. Large constants become
`dense_resource` blobs whose arrays are kept in `weights` (MLIR does not copy them). A tensor
sequence (or optional value) whose structure is known at import time is a Tensor with `items`.

A sub-graph (an `If` branch, a `Loop` / `Scan` body) is imported into a region with a child
emitter (`child()`): its own names shadow the outer ones, outer names stay visible, and an
outer constant used inside the region is materialised there (in the child's table), so no
value defined inside a region is ever used outside it.

Dependency contract: numpy, `mlir`, `strata.dialects` (nn, opdef).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from mlir import ir

from strata import dtypes
from strata.dialects.nn import DIALECT
from strata.dialects.opdef import TensorSpec, element_type, spec_of_type, type_of_spec
from strata.frontends.onnx import symbolic

# Constants up to this many elements (and all bool constants) are printed inline as dense<...>.
INLINE_LIMIT = 16
_RESOURCE = re.compile(r"dense_resource<([^>]+)>")


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
        self.weights: dict[str, np.ndarray] = parent.weights if parent else {}
        self._keys: set[str] = parent._keys if parent else set()
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
        """An `nn.constant` holding `array` (located at `name`); strings: an
        `nn.string_constant` (dense attributes cannot hold them)."""
        if dtypes.is_string(array.dtype):
            values = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in array.flat]
            attrs = {"values": values, "shape": list(array.shape)}
            op = DIALECT.op("string_constant")
            (v,) = op.build([], attrs, loc=ir.Location.name(name))
            return v
        attr = self.tensor_attr(array, name)
        (v,) = DIALECT.op("constant").build([], {"value": attr}, loc=ir.Location.name(name))
        return v

    def tensor_attr(self, array: np.ndarray, name: str) -> ir.Attribute:
        """dense<...> for tiny or bool arrays, dense_resource<KEY> (kept in weights) otherwise."""
        arr = np.require(array, requirements="C")
        if arr.dtype.byteorder not in ("=", "|"):
            arr = arr.astype(arr.dtype.newbyteorder("="))
        ty = type_of_spec(TensorSpec.of(arr.shape, arr.dtype))  # raises for unsupported dtypes
        if arr.dtype == np.bool_:
            return ir.DenseElementsAttr.get(arr) if arr.size else _empty(ty)
        if dtypes.is_narrow(arr.dtype):
            # float8 / int4 ...: dense<...> from the storage bytes (signless.storage_bits reads
            # them back below nn; dense_resource blobs of these types are not handled)
            bits = np.ascontiguousarray(arr.view(np.uint8))
            return ir.DenseElementsAttr.get(bits, type=ty) if arr.size else _empty(ty)
        if arr.size <= INLINE_LIMIT:
            return ir.DenseElementsAttr.get(arr, type=ty) if arr.size else _empty(ty)
        assert ty.element_type == element_type(arr.dtype)
        key = self._key(name)
        attr = ir.DenseResourceElementsAttr.get_from_buffer(arr, key, ty)
        match = _RESOURCE.search(str(attr))
        actual = match.group(1).strip('"') if match else key  # MLIR renames clashing keys
        self._keys.add(actual)
        self.weights[actual] = arr
        return attr

    def _key(self, name: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_.]", "_", name) or "w"
        if not (base[0].isalpha() or base[0] == "_"):
            base = "w_" + base
        key, n = base, 0
        while key in self._keys:
            n += 1
            key = f"{base}_{n}"
        self._keys.add(key)
        return key


def _empty(ty: ir.RankedTensorType) -> ir.Attribute:
    return ir.Attribute.parse(f"dense<> : {ty}")
