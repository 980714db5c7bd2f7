"""The converter table: TFLite builtin operator (e.g. `CONV_2D`) -> function building `nn` ops.

A converter receives a :class:`Node` (the operator's tensors as the loader read them, their
values, its options and `build` for nn ops at the operator's location) and returns one
:data:`Output` per operator output.

Layout: TFLite is NHWC and `nn.conv` / the pools are NCHW. A rank-4 value may be held in
either layout; the driver materialises the other one (one `nn.transpose`, cached) only where
a converter asks for it. Conv and pool converters take their input with `value_nchw` and
return `Nchw(y)`; layout-agnostic ops (elementwise, per-tensor (de)quantize, reductions and
concatenation with remapped axes) keep whatever layout their inputs have; everything else
takes the model's (NHWC) layout with `value`. A chain of convs, activations, adds and pools
therefore runs in NCHW with one transpose at its start and one where it ends.

Quantized tensors: an entry's `quantized` says how the op treats int8 / uint8 inputs:
"integer" (the converter handles the integer arithmetic itself: convs, fully connected,
(de)quantize), "same" (data movement: the raw integers pass through when input 0 and output
0 have the same scale and zero point), or "float" (the driver dequantizes the inputs, the
converter computes in float32, the outputs are quantized with their own parameters).

Dependency contract: numpy, `mlir`, `strata.dialects` (opdef), `strata.frontends.common`,
the loader's records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NoReturn, Protocol, TypeAlias

import numpy as np
from mlir import ir

from strata.dialects.opdef import TensorSpec, spec_of_type
from strata.frontends import common
from strata.frontends.common import ConvertError
from strata.frontends.tflite.loader import Operator, Quant, Tensor

# NHWC -> NCHW and back
TO_NCHW = (0, 3, 1, 2)
TO_NHWC = (0, 2, 3, 1)


@dataclass(frozen=True)
class Nchw:
    """A converter's rank-4 result given in NCHW layout (the model's tensor is NHWC)."""

    value: ir.Value


Output: TypeAlias = ir.Value | Nchw
Quantized = Literal["integer", "same", "float"]


def nchw_axis(axis: int) -> int:
    """The NCHW position of NHWC axis `axis` (0..3)."""
    return TO_NCHW.index(axis)


class Values(Protocol):
    """What gives an operator its operands (the import driver's value table)."""

    def value(self, t: int, nchw: bool, dequantized: bool) -> ir.Value: ...

    def is_nchw(self, t: int) -> bool: ...

    def constant(self, array: np.ndarray, name: str) -> ir.Value: ...


class Node:
    """A TFLite operator as its converter sees it."""

    def __init__(
        self, op: Operator, tensors: Sequence[Tensor], values: Values, dequantized: bool
    ) -> None:
        self.op = op
        self.name = op.op
        self.options = op.options
        self._tensors = tensors
        self._values = values
        self.dequantized = dequantized  # quantized inputs arrive as float32 ("float" entries)
        out = tensors[op.outputs[0]].name if op.outputs else "?"
        self.label = f"operator {op.index} ({op.op}, output '{out}')"
        self.loc = ir.Location.name(out)

    # ---- tensors ---------------------------------------------------------------------------
    def has(self, i: int) -> bool:
        return i < len(self.op.inputs) and self.op.inputs[i] >= 0

    def tensor(self, i: int) -> Tensor:
        if not self.has(i):
            self.fail(f"input {i} is missing")
        return self._tensors[self.op.inputs[i]]

    def output(self, k: int = 0) -> Tensor:
        return self._tensors[self.op.outputs[k]]

    def const(self, i: int) -> np.ndarray:
        """The constant data of input `i` (shapes, axes, weights)."""
        data = self.tensor(i).data
        if data is None:
            self.fail(f"input {i} ('{self.tensor(i).name}') must be a constant")
        return data

    def ints(self, i: int) -> list[int]:
        return [int(v) for v in self.const(i).reshape(-1)]

    def quant(self, i: int) -> Quant | None:
        return self.tensor(i).quant if is_quantized(self.tensor(i)) else None

    def out_quant(self, k: int = 0) -> Quant | None:
        t = self.output(k)
        return t.quant if is_quantized(t) else None

    def rank(self, i: int) -> int:
        return len(self.tensor(i).shape)

    # ---- values ----------------------------------------------------------------------------
    def value(self, i: int) -> ir.Value:
        """Input `i` in the model's layout."""
        return self._values.value(self.op.inputs[i], False, self.dequantized)

    def value_nchw(self, i: int) -> ir.Value:
        """Rank-4 input `i` in NCHW layout."""
        if self.rank(i) != 4:
            self.fail(f"input {i} {self.tensor(i).describe()} must have rank 4 (NHWC)")
        return self._values.value(self.op.inputs[i], True, self.dequantized)

    def is_nchw(self, i: int) -> bool:
        return self._values.is_nchw(self.op.inputs[i])

    def spec(self, v: ir.Value) -> TensorSpec:
        return spec_of_type(v.type)

    def aligned(self, indices: Sequence[int]) -> tuple[list[ir.Value], bool]:
        """Inputs `indices` in one layout for a broadcasting elementwise op: NCHW when a
        rank-4 input already is and every other is rank 4 or a constant (reshaped and
        permuted here), else the model's layout. Returns the values and whether NCHW."""
        nchw = any(self.rank(i) == 4 and self.is_nchw(i) for i in indices) and all(
            self.rank(i) == 4 or self.tensor(i).data is not None for i in indices
        )
        if not nchw:
            return [self.value(i) for i in indices], False
        out = []
        for i in indices:
            if self.rank(i) == 4:
                out.append(self.value_nchw(i))
                continue
            t = self.tensor(i)
            data = self.const(i)
            if self.dequantized and t.quant is not None and is_quantized(t):
                data = dequantize_array(data, t.quant)
            data = data.reshape((1,) * (4 - data.ndim) + data.shape).transpose(TO_NCHW)
            out.append(self.constant(data, f"in{i}"))
        return out, True

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
        return self._values.constant(array, f"{self.output().name}.{suffix}")

    def scalar(self, v: float | int, dtype: Any, suffix: str) -> ir.Value:
        return self.constant(np.array(v, dtype=dtype), suffix)

    def fail(self, message: str) -> NoReturn:
        raise ConvertError(message)


def is_quantized(t: Tensor) -> bool:
    """An integer tensor carrying affine quantization (int32 biases count too)."""
    return t.quant is not None and t.dtype.kind in "iu"


def dequantize_array(data: np.ndarray, q: Quant) -> np.ndarray:
    """scale * (q - zero_point) in float32 (per axis along `q.axis`)."""
    shape = [1] * data.ndim
    if not q.per_tensor:
        shape[q.axis] = -1
    zp = q.zero_point.reshape(shape) if not q.per_tensor else q.zero_point[0]
    s = q.scale.reshape(shape) if not q.per_tensor else q.scale[0]
    return ((data.astype(np.int64) - zp).astype(np.float32) * s).astype(np.float32)


Converter = Callable[[Node], Sequence[Output]]


@dataclass(frozen=True)
class Entry:
    op: str
    fn: Converter
    needs: tuple[str, ...]
    category: str
    versions: tuple[int, int] | None  # operator versions it reads (inclusive); None: all
    quantized: Quantized

    def available(self) -> bool:
        return all(common.nn_op_declared(name) for name in self.needs)


TABLE: dict[str, Entry] = {}


def converter(
    ops: str | Sequence[str],
    *,
    needs: Sequence[str],
    category: str,
    versions: tuple[int, int] | None = None,
    quantized: Quantized = "float",
) -> Callable[[Converter], Converter]:
    """Register `fn` for these builtin operators; `needs`: the nn ops it builds; `versions`:
    the operator versions whose meaning it implements (None: all of them — later versions of
    most builtins only add element types); `quantized`: see the module doc."""
    names = [ops] if isinstance(ops, str) else list(ops)

    def register(fn: Converter) -> Converter:
        for name in names:
            if name in TABLE:
                raise ValueError(f"two converters for {name}")
            TABLE[name] = Entry(name, fn, tuple(needs), category, versions, quantized)
        return fn

    return register


def lookup(op: str, version: int) -> Entry | None:
    """The converter for builtin `op` at `version`, if one exists and its nn ops are declared."""
    e = TABLE.get(op)
    if e is None or not e.available():
        return None
    if e.versions is not None and not e.versions[0] <= version <= e.versions[1]:
        return None
    return e
