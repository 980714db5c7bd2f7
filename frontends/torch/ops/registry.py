"""The converter table: ATen op overload (e.g. `aten.convolution.default`) -> function
building `nn` ops.

A converter receives a :class:`Node` (the FX node's arguments, operand values, the shapes
and dtypes torch.export recorded, and `build` for nn ops with the node's location) and returns
one entry per result of the ATen op: an MLIR value, or None for a result it does not produce
(a later use of it is an error naming the node). Converters name the nn ops they need, so a
converter whose ops are not declared counts as missing.

Dependency contract: numpy, `mlir`, `torch` (FX nodes and their recorded fake tensors),
`strata.dialects` (opdef), `strata.frontends.common`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol, TypeAlias

import numpy as np
import torch
from mlir import ir

from strata.dialects.opdef import TensorSpec, spec_of_type
from strata.frontends import common
from strata.frontends.common import ConvertError

Output: TypeAlias = ir.Value | None


def numpy_dtype(dtype: torch.dtype, what: str) -> np.dtype[Any]:
    """The numpy dtype of a torch dtype (`what`: the value, for the error)."""
    np_dtype = _DTYPES.get(dtype)
    if np_dtype is None:
        raise ConvertError(f"{what} has dtype {dtype}, which Strata does not import")
    return np.dtype(np_dtype)


_DTYPES: dict[torch.dtype, type] = {
    torch.float32: np.float32,
    torch.float64: np.float64,
    torch.float16: np.float16,
    torch.int64: np.int64,
    torch.int32: np.int32,
    torch.int16: np.int16,
    torch.int8: np.int8,
    torch.uint8: np.uint8,
    torch.bool: np.bool_,
}


# Python operators on SymInts in the graph -> the nn op computing them on i64 sizes
# (sizes are non-negative: nn.div's truncation is floor division)
_SIZE_ARITHMETIC: dict[Any, str] = {
    operator.add: "add",
    operator.sub: "sub",
    operator.mul: "mul",
    operator.floordiv: "div",
}


def fake_dims(t: torch.Tensor) -> tuple[int | None, ...]:
    """A recorded (fake) tensor's dims: ints, None for a symbolic one."""
    return tuple(int(d) if isinstance(d, int) else None for d in t.shape)


class Values(Protocol):
    """What gives a node its operands (the import driver's value table)."""

    def value(self, node: torch.fx.Node, user: str) -> ir.Value: ...

    def constant(self, array: np.ndarray, name: str) -> ir.Value: ...


class Node:
    """An FX `call_function` node as its converter sees it."""

    def __init__(self, fx: torch.fx.Node, key: str, values: Values) -> None:
        self.fx = fx
        self.name = fx.name
        self.op = key
        self.loc = ir.Location.name(fx.name)
        self._values = values
        schema = getattr(fx.target, "_schema", None)
        names = [a.name for a in schema.arguments] if schema is not None else []
        self._args: list[Any] = list(fx.args)
        self._names = names  # of the schema's arguments, for those passed by keyword

    # ---- arguments -------------------------------------------------------------------------
    def arg(self, i: int, default: Any = None) -> Any:
        """Argument `i` of the schema, given by position or keyword (an FX node for a tensor,
        else a Python value), or `default`."""
        if i < len(self._args):
            return self._args[i]
        if i < len(self._names) and self._names[i] in self.fx.kwargs:
            return self.fx.kwargs[self._names[i]]
        return default

    def kwarg(self, name: str, default: Any = None) -> Any:
        if name in self.fx.kwargs:
            return self.fx.kwargs[name]
        if name in self._names:
            return self.arg(self._names.index(name), default)
        return default

    def is_tensor(self, i: int) -> bool:
        a = self.arg(i)
        return isinstance(a, torch.fx.Node) and isinstance(a.meta.get("val"), torch.Tensor)

    def value(self, i: int) -> ir.Value:
        """The MLIR value of tensor argument `i`."""
        a = self.arg(i)
        if not isinstance(a, torch.fx.Node):
            self.fail(f"argument {i} is {a!r}; expected a tensor")
        return self._values.value(a, f"node '{self.name}' ({self.op})")

    def value_list(self, i: int) -> list[ir.Value]:
        """The MLIR values of argument `i`, a non-empty list of tensors."""
        items = self.arg(i)
        if not isinstance(items, (list, tuple)) or not items:
            self.fail(f"argument {i} is {items!r}; expected a non-empty list of tensors")
        user = f"node '{self.name}' ({self.op})"
        out = []
        for t in items:
            if not isinstance(t, torch.fx.Node):
                self.fail(f"argument {i} holds {t!r}; expected tensors")
            out.append(self._values.value(t, user))
        return out

    def value_of(self, arg: torch.fx.Node) -> ir.Value:
        """The MLIR value of an FX node found inside an argument (a list's item)."""
        return self._values.value(arg, f"node '{self.name}' ({self.op})")

    def opt_value(self, i: int) -> ir.Value | None:
        return self.value(i) if self.arg(i) is not None else None

    def spec(self, i: int) -> TensorSpec:
        return spec_of_type(self.value(i).type)

    def ints(self, i: int, default: Sequence[int] | None = None) -> list[int]:
        """Argument `i`, a list of ints (or one int) that must be static."""
        a = self.arg(i)
        if a is None:
            if default is None:
                self.fail(f"argument {i} is missing; expected a list of ints")
            return list(default)
        items = a if isinstance(a, (list, tuple)) else [a]
        out: list[int] = []
        for v in items:
            if isinstance(v, bool) or not isinstance(v, int):
                self.fail(f"argument {i} entry {v!r} is not a static int (a symbolic size?)")
            out.append(int(v))
        return out

    def int_arg(self, i: int, default: int | None = None) -> int:
        a = self.arg(i, default)
        if isinstance(a, bool) or not isinstance(a, int):
            self.fail(f"argument {i} is {a!r}; expected a static int")
        return int(a)

    def float_arg(self, i: int, default: float | None = None) -> float:
        a = self.arg(i, default)
        if isinstance(a, bool) or not isinstance(a, (int, float)):
            self.fail(f"argument {i} is {a!r}; expected a number")
        return float(a)

    def size_value(self, v: Any) -> ir.Value:
        """A size argument (an int, or an FX node computing a SymInt from `aten.sym_size.int`
        and + - * //) as a run-time 1-d i64 tensor of one element."""
        if isinstance(v, int) and not isinstance(v, bool):
            return self.constant(np.array([v], dtype=np.int64), "size")
        if not isinstance(v, torch.fx.Node):
            self.fail(f"size {v!r} is neither an int nor a computed size")
        if v.target is torch.ops.aten.sym_size.int:
            src, axis = v.args
            assert isinstance(src, torch.fx.Node) and isinstance(axis, int)
            x = self._values.value(src, f"node '{self.name}' ({self.op})")
            rank = spec_of_type(x.type).rank
            k = axis % rank
            return self.build1("shape", [x], {"start": k, "end": k + 1})
        op = _SIZE_ARITHMETIC.get(v.target)
        if op is None or len(v.args) != 2:
            self.fail(f"size '{v.name}' ({v.target}) cannot be computed at run time")
        a, b = (self.size_value(x) for x in v.args)
        return self.build1(op, [a, b])

    def shape_value(self, sizes: Sequence[Any]) -> ir.Value:
        """A list of sizes (ints / computed SymInts) as a run-time 1-d i64 shape tensor."""
        if all(isinstance(d, int) for d in sizes):
            return self.constant(np.array(sizes, dtype=np.int64), "shape")
        items = [self.size_value(d) for d in sizes]
        y = items[0]
        for item in items[1:]:
            y = self.build1("concat", [y, item], {"axis": 0})
        return y

    # ---- what torch.export recorded --------------------------------------------------------
    def result(self, k: int = 0) -> torch.Tensor:
        """The recorded (fake) tensor of result `k`."""
        val = self.fx.meta.get("val")
        if isinstance(val, (list, tuple)):
            val = val[k]
        if not isinstance(val, torch.Tensor):
            self.fail(f"result {k} has no recorded tensor")
        return val

    def out_dims(self, k: int = 0) -> tuple[int | None, ...]:
        return fake_dims(self.result(k))

    def out_dtype(self, k: int = 0) -> np.dtype[Any]:
        return numpy_dtype(self.result(k).dtype, f"result {k}")

    def arg_meta(self, i: int) -> Any:
        """What torch.export recorded for argument `i` (a fake tensor, SymInt, int, ...)."""
        a = self.arg(i)
        return a.meta.get("val") if isinstance(a, torch.fx.Node) else a

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
        return self._values.constant(array, f"{self.name}.{suffix}")

    def scalar(self, v: float | int | bool, dtype: np.dtype[Any], suffix: str) -> ir.Value:
        """A 0-d constant of `dtype`."""
        return self.constant(np.array(v, dtype=dtype), suffix)

    def fail(self, message: str) -> NoReturn:
        raise ConvertError(message)


Converter = Callable[[Node], Sequence[Output]]


@dataclass(frozen=True)
class Entry:
    op: str
    fn: Converter
    needs: tuple[str, ...]
    category: str

    def available(self) -> bool:
        return all(common.nn_op_declared(name) for name in self.needs)


TABLE: dict[str, Entry] = {}


def converter(
    ops: str | Sequence[str], *, needs: Sequence[str], category: str
) -> Callable[[Converter], Converter]:
    """Register `fn` for these ATen overloads (`aten.NAME.OVERLOAD`); `needs`: the nn ops it
    builds; `category`: its group on the coverage page."""
    names = [ops] if isinstance(ops, str) else list(ops)

    def register(fn: Converter) -> Converter:
        for name in names:
            if name in TABLE:
                raise ValueError(f"two converters for {name}")
            TABLE[name] = Entry(name, fn, tuple(needs), category)
        return fn

    return register


def table_converter(
    table: Mapping[str, str], *, extra: Sequence[str] = (), category: str
) -> Callable[[Converter], Converter]:
    """Register `fn` for each ATen overload of `table` (overload -> the nn op it maps to);
    each entry needs its own nn op plus `extra`."""

    def register(fn: Converter) -> Converter:
        for name, nn_op in table.items():
            converter(name, needs=[nn_op, *extra], category=category)(fn)
        return fn

    return register


def lookup(op: str) -> Entry | None:
    """The converter for ATen overload `op`, if one exists and its nn ops are declared."""
    e = TABLE.get(op)
    return e if e is not None and e.available() else None
