"""The converter table: (ONNX op type, since_version) -> function building `nn` ops.

A converter receives a :class:`Node` (attribute access, operand values and constants, and
`build` for nn ops with the node's location) and returns one entry per ONNX output: an MLIR
value, or a numpy array for a value it computed at import time. The entry used for a model is
the one with the highest `since` not above the model's opset. Converters name the nn ops they
need, so a converter whose ops are not declared counts as missing.

Dependency contract: numpy, `onnx`, `mlir`, `strata.dialects`, the frontend's emitter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol, TypeAlias

import numpy as np
import onnx
from mlir import ir
from onnx import helper

from strata.dialects.nn import DIALECT
from strata.dialects.opdef import OpVerifyError, TensorSpec
from strata.frontends.onnx import symbolic
from strata.frontends.onnx.emitter import Emitter

Output: TypeAlias = ir.Value | np.ndarray


class ConvertError(Exception):
    """A node cannot be converted (message: what is wrong with it)."""


class Bodies(Protocol):
    """What imports a node's sub-graphs (the import driver's walker)."""

    def import_graph(
        self, body: onnx.GraphProto, args: Sequence[ir.Value], label: str
    ) -> list[Output]: ...


class Node:
    """A node as its converter sees it."""

    def __init__(
        self,
        proto: onnx.NodeProto,
        label: str,
        opset: int,
        em: Emitter,
        bodies: Bodies | None = None,
    ) -> None:
        self.proto = proto
        self.name = label
        self.op_type = proto.op_type
        self.opset = opset
        self.loc = ir.Location.name(label)
        self._em = em
        self._bodies = bodies
        self._attrs = {a.name: a for a in proto.attribute}

    # ---- attributes ------------------------------------------------------------------------
    def attr(self, name: str, default: Any = None) -> Any:
        """The attribute's Python value (bytes decoded to str), or `default`."""
        a = self._attrs.get(name)
        if a is None:
            return default
        v = helper.get_attribute_value(a)
        if isinstance(v, bytes):
            return v.decode("utf-8")
        if isinstance(v, onnx.TensorProto):
            return onnx.numpy_helper.to_array(v)
        if isinstance(v, list) and v and isinstance(v[0], bytes):
            return [x.decode("utf-8") for x in v]
        return v

    def has_attr(self, name: str) -> bool:
        return name in self._attrs

    def graph(self, name: str) -> onnx.GraphProto:
        """The sub-graph held in attribute `name` (If's branches, Loop's / Scan's body)."""
        a = self._attrs.get(name)
        if a is None or a.type != onnx.AttributeProto.GRAPH:
            raise ConvertError(f"needs a graph attribute '{name}'")
        return a.g

    def import_graph(self, body: onnx.GraphProto, args: Sequence[ir.Value]) -> list[Output]:
        """Import `body` at the current insertion point (a region of the op being built) with
        its inputs bound to `args`; one entry per body output (a value, or an import-time
        constant). Read the node's own inputs before entering the region."""
        if self._bodies is None:
            raise ConvertError("sub-graphs cannot be imported here")
        return self._bodies.import_graph(body, args, self.name)

    # ---- inputs ----------------------------------------------------------------------------
    @property
    def num_inputs(self) -> int:
        return len(self.proto.input)

    def has(self, i: int) -> bool:
        """Whether optional input `i` is given."""
        return i < len(self.proto.input) and self.proto.input[i] != ""

    def value(self, i: int) -> ir.Value:
        return self._em.value(self.proto.input[i])

    def opt_value(self, i: int) -> ir.Value | None:
        return self.value(i) if self.has(i) else None

    def values(self) -> list[ir.Value]:
        return [self.value(i) for i in range(self.num_inputs) if self.has(i)]

    def spec(self, i: int) -> TensorSpec:
        return self._em.get(self.proto.input[i]).spec

    def static_shape(self, i: int, why: str) -> tuple[int, ...]:
        """The shape of input `i`, which must be static here (`why`: what needs it)."""
        shape = self.spec(i).shape
        if any(d is None for d in shape):
            shown = "[" + ", ".join("?" if d is None else str(d) for d in shape) + "]"
            raise ConvertError(
                f"input {i} ('{self.proto.input[i]}') has dynamic dims {shown}, but {why} "
                "needs static ones; pin them with --input-shape / --batch-size"
            )
        return tuple(int(d) for d in shape)  # type: ignore[arg-type]

    def tracked(self, i: int) -> symbolic.Sym | None:
        """Input `i`'s entries as far as import-time shape tracking knows them."""
        return self._em.get(self.proto.input[i]).tracked if self.has(i) else None

    def input_name(self, i: int) -> str:
        return self.proto.input[i]

    def maybe_const(self, i: int) -> np.ndarray | None:
        return self._em.get(self.proto.input[i]).const if self.has(i) else None

    def const(self, i: int, what: str) -> np.ndarray:
        """Input `i`, which must be a compile-time constant."""
        arr = self.maybe_const(i)
        if arr is None:
            given = f"'{self.proto.input[i]}'" if self.has(i) else "nothing"
            raise ConvertError(
                f"input {i} ('{what}') must be a compile-time constant, got {given} "
                "computed at run time"
            )
        return arr

    def const_ints(self, i: int, what: str) -> list[int]:
        return [int(v) for v in np.asarray(self.const(i, what)).reshape(-1)]

    # ---- building --------------------------------------------------------------------------
    def build(
        self,
        op: str,
        operands: Sequence[ir.Value | Sequence[ir.Value] | None],
        attrs: Mapping[str, Any] | None = None,
    ) -> list[ir.Value]:
        """Create `nn.<op>` at this node's location; shape-rule failures become ConvertError."""
        try:
            return DIALECT.op(op).build(operands, attrs or {}, loc=self.loc)
        except OpVerifyError as e:
            raise ConvertError(f"nn.{op}: {e}") from None

    def build1(
        self,
        op: str,
        operands: Sequence[ir.Value | Sequence[ir.Value] | None],
        attrs: Mapping[str, Any] | None = None,
    ) -> ir.Value:
        return self.build(op, operands, attrs)[0]

    def constant(self, array: np.ndarray, suffix: str) -> ir.Value:
        """A new constant operand (for a value the converter synthesises)."""
        return self._em.constant(array, f"{self.name}.{suffix}")

    def fail(self, message: str) -> NoReturn:
        raise ConvertError(message)


Converter = Callable[[Node], Sequence[Output]]


@dataclass(frozen=True)
class Entry:
    op_type: str
    since: int
    fn: Converter
    needs: tuple[str, ...]

    def available(self) -> bool:
        try:
            for name in self.needs:
                DIALECT.op(name)
        except KeyError:
            return False
        return True


TABLE: dict[str, list[Entry]] = {}


def converter(
    op_types: str | Sequence[str], *, since: int = 1, needs: Sequence[str] = ()
) -> Callable[[Converter], Converter]:
    """Register `fn` for these op types from opset `since` on; `needs`: nn ops it builds."""
    names = [op_types] if isinstance(op_types, str) else list(op_types)

    def register(fn: Converter) -> Converter:
        for name in names:
            entries = TABLE.setdefault(name, [])
            entries.append(Entry(name, since, fn, tuple(needs)))
            entries.sort(key=lambda e: e.since)
        return fn

    return register


def lookup(op_type: str, opset: int) -> Entry | None:
    """The converter for `op_type` at `opset`, if one exists and its nn ops are declared."""
    best = None
    for e in TABLE.get(op_type, []):
        if e.since <= opset:
            best = e
    return best if best is not None and best.available() else None
