"""The converter table: TensorFlow op name (`Conv2D`, `AddV2`, ...) -> function building `nn`
ops, and the values converters work on.

A TF value is a :class:`Tensor`: a known array (a `Const`, or a value folded at import time),
an MLIR value, or both. Its MLIR value may hold the TF value with its axes permuted
(`perm`: MLIR value = transpose(TF value, perm)); that is how NHWC graphs run on nn's
channel-first conv / pool ops with transposes only where the layout changes (see
`strata.frontends.tf.layout`).

A converter receives a :class:`Node` (the NodeDef's attributes, its data inputs as
Tensors, `build` for nn ops with the node's location) and returns one entry per output of the
TF op: a Tensor, an MLIR value (TF layout) or None for an output it does not produce (a later
use is an error naming the node). Converters name the nn ops they need, so a converter whose
ops are not declared counts as missing. A 1-d integer Tensor being computed at run time may
carry its entries known at import time (`partial`: Keras' shape arithmetic with a dynamic
batch). An entry may also give `fold`, numpy evaluation of
the op used when every data input is a known array (shape arithmetic, constant subgraphs).

Dependency contract: numpy, `mlir`, `strata.dialects` (opdef), `strata.frontends.common`,
the NodeDef / AttrValue protobuf classes (duck-typed: only fields are read).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol, TypeAlias

import numpy as np
from mlir import ir

from strata.dialects.opdef import TensorSpec, spec_of_type
from strata.frontends import common
from strata.frontends.common import ConvertError

# TF DataType enum (tensorflow/core/framework/types.proto) -> numpy dtype
DTYPES: dict[int, type] = {
    1: np.float32,
    2: np.float64,
    3: np.int32,
    4: np.uint8,
    5: np.int16,
    6: np.int8,
    9: np.int64,
    10: np.bool_,
    17: np.uint16,
    19: np.float16,
    22: np.uint32,
    23: np.uint64,
}
DTYPE_NAMES: dict[int, str] = {7: "string", 8: "complex64", 14: "bfloat16", 18: "complex128"}


def numpy_dtype(enum: int, what: str) -> np.dtype[Any]:
    """The numpy dtype of TF DataType `enum` (`what`: whose, for the error)."""
    t = DTYPES.get(enum)
    if t is None:
        name = DTYPE_NAMES.get(enum, f"DataType {enum}")
        raise ConvertError(f"{what} has dtype {name}, which Strata does not import")
    return np.dtype(t)


@dataclass
class Tensor:
    """One TF value: `array` when known at import time, `value` once materialised in MLIR
    (with the TF axes permuted by `perm`, None for TF's own order)."""

    array: np.ndarray | None = None
    value: ir.Value | None = None
    perm: tuple[int, ...] | None = None
    name: str = ""
    # a 1-d integer value (a shape being computed) whose entries are partly known: the known
    # ones as ints, None for those only known at run time
    partial: tuple[int | None, ...] | None = None
    # the TF-order MLIR value of a permuted tensor, made on first use
    _plain: ir.Value | None = field(default=None, repr=False)
    # its MLIR value under other permutations, made on first use
    _views: dict[tuple[int, ...], ir.Value] = field(default_factory=dict, repr=False)

    @property
    def known(self) -> bool:
        return self.array is not None

    def spec(self) -> TensorSpec:
        """Shape and dtype in TF's axis order."""
        if self.array is not None:
            return TensorSpec.of(self.array.shape, self.array.dtype)
        assert self.value is not None
        s = spec_of_type(self.value.type)
        if self.perm is None:
            return s
        dims: list[int | None] = [None] * s.rank
        for k, p in enumerate(self.perm):
            dims[p] = s.shape[k]
        return TensorSpec(tuple(dims), s.dtype)


Output: TypeAlias = Tensor | ir.Value | None


class Values(Protocol):
    """What gives a node its operands (the import driver)."""

    def constant(self, array: np.ndarray, name: str) -> ir.Value: ...

    def plain(self, t: Tensor) -> ir.Value: ...

    def permuted(self, t: Tensor, perm: tuple[int, ...]) -> ir.Value: ...


class Node:
    """A NodeDef as its converter sees it."""

    def __init__(self, nodedef: Any, inputs: Sequence[Tensor], values: Values) -> None:
        self.nodedef = nodedef
        self.name: str = nodedef.name
        self.op: str = nodedef.op
        self.loc = ir.Location.name(self.name)
        self.inputs = list(inputs)
        self._values = values

    # ---- attributes ------------------------------------------------------------------------
    def has_attr(self, name: str) -> bool:
        return name in self.nodedef.attr

    def attr(self, name: str, default: Any = None) -> Any:
        """Attribute `name` as a Python value (int, float, bool, str, list, dtype enum)."""
        if name not in self.nodedef.attr:
            if default is None:
                self.fail(f"attribute '{name}' is missing")
            return default
        a = self.nodedef.attr[name]
        kind = a.WhichOneof("value")
        if kind == "list":
            lst = a.list
            for f in ("i", "f", "s", "b", "type"):
                items = list(getattr(lst, f))
                if items:
                    return [v.decode() if isinstance(v, bytes) else v for v in items]
            return []
        v = getattr(a, kind) if kind else default
        return v.decode() if isinstance(v, bytes) else v

    def dtype_attr(self, name: str) -> np.dtype[Any]:
        return numpy_dtype(int(self.attr(name)), f"attribute '{name}'")

    # ---- inputs ----------------------------------------------------------------------------
    def tensor(self, i: int) -> Tensor:
        if i >= len(self.inputs):
            self.fail(f"has {len(self.inputs)} inputs; input {i} is needed")
        return self.inputs[i]

    def value(self, i: int) -> ir.Value:
        """The MLIR value of input `i` in TF's axis order."""
        return self._values.plain(self.tensor(i))

    def value_as(self, i: int, perm: tuple[int, ...] | None) -> ir.Value:
        """The MLIR value of input `i` with its axes permuted by `perm` (None: TF order)."""
        t = self.tensor(i)
        return self._values.plain(t) if perm is None else self._values.permuted(t, perm)

    def spec(self, i: int) -> TensorSpec:
        return self.tensor(i).spec()

    def known(self, i: int) -> np.ndarray:
        """Input `i`, which must be known at import time (a Const or a folded value)."""
        a = self.tensor(i).array
        if a is None:
            self.fail(f"input {i} must be a constant (or computable at import time)")
        return a

    def partial_ints(self, i: int) -> list[int | None]:
        """Input `i`, a 1-d integer vector, with None for entries known only at run time."""
        t = self.tensor(i)
        if t.array is not None:
            return [int(v) for v in np.asarray(t.array).reshape(-1)]
        if t.partial is None:
            self.fail(f"input {i} must be a constant (or computable at import time)")
        return list(t.partial)

    def ints(self, i: int) -> list[int]:
        return [int(v) for v in np.asarray(self.known(i)).reshape(-1)]

    def axis(self, v: int, rank: int) -> int:
        if not -rank <= v < max(rank, 1):
            self.fail(f"axis {v} is out of range for rank {rank}")
        return v % rank if rank else 0

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
        return self._values.constant(array, f"{self.name}.{suffix}")

    def scalar(self, v: float | int | bool, dtype: np.dtype[Any], suffix: str) -> ir.Value:
        return self.constant(np.array(v, dtype=dtype), suffix)

    def fail(self, message: str) -> NoReturn:
        raise ConvertError(message)


Converter = Callable[[Node], Sequence[Output]]
# A folded value may grow beyond its inputs only up to this many elements
FOLD_LIMIT = 65536
# numpy evaluation of an op; None declines (the converter runs), e.g. for a huge result
Folder = Callable[[Node, list[np.ndarray]], list[np.ndarray] | None]


@dataclass(frozen=True)
class Entry:
    op: str
    fn: Converter
    needs: tuple[str, ...]
    category: str
    fold: Folder | None = None

    def available(self) -> bool:
        return all(common.nn_op_declared(name) for name in self.needs)


TABLE: dict[str, Entry] = {}


def converter(
    ops: str | Sequence[str],
    *,
    needs: Sequence[str],
    category: str,
    fold: Folder | None = None,
) -> Callable[[Converter], Converter]:
    """Register `fn` for these TF ops; `needs`: the nn ops it builds; `category`: its group on
    the coverage page; `fold`: numpy evaluation when every data input is known."""
    names = [ops] if isinstance(ops, str) else list(ops)

    def register(fn: Converter) -> Converter:
        for name in names:
            if name in TABLE:
                raise ValueError(f"two converters for {name}")
            TABLE[name] = Entry(name, fn, tuple(needs), category, fold)
        return fn

    return register


def lookup(op: str) -> Entry | None:
    """The converter for TF op `op`, if one exists and its nn ops are declared."""
    e = TABLE.get(op)
    return e if e is not None and e.available() else None
