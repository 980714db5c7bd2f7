"""The converter table: (ONNX op type, since_version) -> function building `nn` ops.

A converter receives a :class:`Node` (attribute access, operand values and constants, and
`build` for nn ops with the node's location) and returns one entry per ONNX output: an MLIR
value, or a numpy array for a value it computed at import time. The entry used for a model is
the one with the highest `since` not above the opset the model imports for the node's domain;
`since` defaults to the op's first schema version in `onnx.defs`, so an entry claims exactly the
versions it was written for (a later schema version with other semantics gets its own entry).
Converters name the nn ops they need, so a converter whose ops are not declared counts as missing.
Default-domain entries are in `TABLE`; other domains (`ai.onnx.ml`, ...) in `TABLES[domain]`.

Dependency contract: numpy, `onnx`, `mlir`, `strata.dialects`, the frontend's emitter and
loader (for the domain names).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn, Protocol, TypeAlias

import numpy as np
import onnx
from mlir import ir
from onnx import helper

from strata.dialects.opdef import TensorSpec
from strata.frontends import common
from strata.frontends.common import ConvertError
from strata.frontends.onnx import symbolic
from strata.frontends.onnx.emitter import Emitter, SequenceValueError, Tensor
from strata.frontends.onnx.loader import DEFAULT_DOMAINS


@dataclass
class SequenceValue:
    """A converter's tensor-sequence result: its items, in order (import-time structure); with
    `optional`, an optional value (no item: empty)."""

    items: list[Tensor]
    optional: bool = False


Output: TypeAlias = ir.Value | np.ndarray | SequenceValue


class Bodies(Protocol):
    """What imports a node's sub-graphs (the import driver's walker)."""

    def import_graph(
        self, body: onnx.GraphProto, args: Sequence[ir.Value | Tensor], label: str
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

    def import_graph(
        self, body: onnx.GraphProto, args: Sequence[ir.Value | Tensor]
    ) -> list[Output]:
        """Import `body` at the current insertion point (a region of the op being built) with
        its inputs bound to `args` (values, or table entries: constants, sequences); one entry
        per body output (a value, an import-time constant or a sequence). Read the node's own
        inputs before entering the region."""
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
        try:
            return self._em.value(self.proto.input[i])
        except SequenceValueError:
            kind = self._em.get(self.proto.input[i]).kind
            self.fail(f"input {i} ('{self.proto.input[i]}') is a {kind}; expected a tensor")

    def opt_value(self, i: int) -> ir.Value | None:
        return self.value(i) if self.has(i) else None

    def values(self) -> list[ir.Value]:
        return [self.value(i) for i in range(self.num_inputs) if self.has(i)]

    def spec(self, i: int) -> TensorSpec:
        try:
            return self._em.get(self.proto.input[i]).spec
        except SequenceValueError:
            kind = self._em.get(self.proto.input[i]).kind
            self.fail(f"input {i} ('{self.proto.input[i]}') is a {kind}; expected a tensor")

    def tensor(self, i: int) -> Tensor:
        """Input `i`'s table entry, which must be a tensor (for sequence items)."""
        self.spec(i)
        return self._em.get(self.proto.input[i])

    def value_of(self, t: Tensor) -> ir.Value:
        """The MLIR value of a sequence item."""
        return self._em.materialise(t)

    def sequence(self, i: int) -> list[Tensor]:
        """The items of input `i`, which must be a tensor sequence."""
        t = self.input_tensor(i)
        if t.items is None or t.optional:
            self.fail(f"input {i} ('{self.proto.input[i]}') is a {t.kind}; expected a sequence")
        return list(t.items)

    def lookup(self, name: str) -> Tensor | None:
        """The table entry of value `name` visible here (None if there is none)."""
        return self._em.get(name) if self._em.has(name) else None

    def input_tensor(self, i: int) -> Tensor:
        """Input `i`'s table entry, whatever it holds (tensor, sequence or optional)."""
        return self._em.get(self.proto.input[i])

    def item(self, out: ir.Value | np.ndarray, k: int) -> Tensor:
        """A new sequence item (the `k`-th this node makes) holding `out`."""
        name = f"{self.name}[{k}]"
        if isinstance(out, np.ndarray):
            return Tensor(name, const=out)
        return Tensor(name, value=out)

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

    def same_dim(self, d: symbolic.DimOf, i: int, axis: int) -> bool:
        """Whether the run-time dim `d` provably equals dim `axis` of input `i`."""
        return self._em.dims.same(d, symbolic.DimOf(self.proto.input[i], axis))

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
        return common.build(op, operands, attrs, self.loc)

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
    until: int | None = None  # first opset it does not cover (None: every later one)

    def covers(self, opset: int) -> bool:
        return self.since <= opset and (self.until is None or opset < self.until)

    def available(self) -> bool:
        return all(common.nn_op_declared(name) for name in self.needs)


TABLES: dict[str, dict[str, list[Entry]]] = {"": {}}
TABLE = TABLES[""]  # the default ('ai.onnx') domain


def _domain(domain: str) -> str:
    return "" if domain in DEFAULT_DOMAINS else domain


@lru_cache(maxsize=1)
def _schema_versions() -> dict[tuple[str, str], tuple[int, ...]]:
    out: dict[tuple[str, str], list[int]] = {}
    for s in onnx.defs.get_all_schemas_with_history():
        out.setdefault((_domain(s.domain), s.name), []).append(s.since_version)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def schema_versions(op_type: str, domain: str = "") -> tuple[int, ...]:
    """The `since_version`s of the op's schemas in `onnx.defs` (empty: not an ONNX op)."""
    return _schema_versions().get((_domain(domain), op_type), ())


def converter(
    op_types: str | Sequence[str],
    *,
    since: int | None = None,
    until: int | None = None,
    needs: Sequence[str] = (),
    domain: str = "",
) -> Callable[[Converter], Converter]:
    """Register `fn` for these op types from opset `since` on (default: the op's first schema
    version) up to, not including, `until` (default: every later opset without an entry of
    its own: give it when a later version changed the meaning); `needs`: nn ops it builds;
    `domain`: the ONNX domain (default: 'ai.onnx')."""
    names = [op_types] if isinstance(op_types, str) else list(op_types)
    table = TABLES.setdefault(_domain(domain), {})

    def register(fn: Converter) -> Converter:
        for name in names:
            first = since if since is not None else (schema_versions(name, domain) or (1,))[0]
            entries = table.setdefault(name, [])
            if any(e.since == first for e in entries):
                raise ValueError(f"two converters for {name} since opset {first}")
            entries.append(Entry(name, first, fn, tuple(needs), until))
            entries.sort(key=lambda e: e.since)
        return fn

    return register


def lookup(op_type: str, opset: int, domain: str = "") -> Entry | None:
    """The converter for `op_type` at `opset` of its domain, if one exists and its nn ops are
    declared: the entry with the highest `since` not above `opset`, if it covers `opset`."""
    best = None
    for e in TABLES.get(_domain(domain), {}).get(op_type, []):
        if e.since <= opset:
            best = e
    return best if best is not None and best.covers(opset) and best.available() else None


def converted_opsets(op_type: str, last: int, domain: str = "") -> list[int]:
    """The opsets up to `last` at which `op_type` has an available converter."""
    return [v for v in range(1, last + 1) if lookup(op_type, v, domain) is not None]
