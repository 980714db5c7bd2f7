"""Shape values tracked symbolically during import: what `Shape(x)` and the arithmetic on it
computes, entry by entry.

Exporters compute reshape targets, slice bounds and expand shapes from `Shape` of a tensor
with dynamic dims (BERT: `Reshape(x, Concat(Shape(x)[0], Shape(x)[1], 12, 64))`). The entries
of such small integer vectors are tracked here as a static int, a :class:`DimOf` (dim `axis`
of the value `name`) or None (unknown). A vector whose entries are all static is a constant,
so it folds like any other; the converters use the rest to keep the static op forms (a dim
of the reshaped tensor itself is ONNX's 0, "copy") instead of the run-time ones.

Dependency contract: numpy and `onnx` only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import helper


@dataclass(frozen=True)
class DimOf:
    """Dim `axis` of the graph value `name`, known only at run time."""

    name: str
    axis: int


Entry = int | DimOf | None
# A tracked value: its shape (0-d or 1-d) and its entries in order.
Sym = tuple[tuple[int, ...], tuple[Entry, ...]]

MAX_ENTRIES = 16  # shape vectors are short; longer integer tensors are not tracked


def of_const(arr: np.ndarray) -> Sym | None:
    """The entries of a small constant integer vector or scalar."""
    if arr.dtype.kind not in "iu" or arr.ndim > 1 or arr.size > MAX_ENTRIES:
        return None
    return tuple(arr.shape), tuple(int(v) for v in arr.reshape(-1))


def of_shape(name: str, dims: Sequence[int | None], start: int, end: int) -> Sym:
    """Shape(name)[start:end] for a value with these dims (None: dynamic)."""
    r = len(dims)
    start = min(max(start + r if start < 0 else start, 0), r)
    end = min(max(end + r if end < 0 else end, 0), r)
    entries = tuple(d if d is not None else DimOf(name, i) for i, d in enumerate(dims))
    picked = entries[start:end]
    return (len(picked),), picked


def is_static(sym: Sym) -> bool:
    return all(isinstance(e, int) for e in sym[1])


def to_array(sym: Sym) -> np.ndarray:
    return np.array([int(e) for e in sym[1]], dtype=np.int64).reshape(sym[0])  # type: ignore[arg-type]


def _attr(node: onnx.NodeProto, name: str, default: object = None) -> object:
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def _binary(fn: Callable[[int, int], int], neutral: int | None) -> Callable[[Entry, Entry], Entry]:
    def combine(a: Entry, b: Entry) -> Entry:
        if isinstance(a, int) and isinstance(b, int):
            return fn(a, b)
        if neutral is not None and b == neutral:
            return a
        if neutral is not None and a == neutral and fn(neutral, 1) == 1:
            return b
        return None

    return combine


def _trunc_div(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


_ARITH = {
    "Add": _binary(lambda a, b: a + b, 0),
    "Sub": _binary(lambda a, b: a - b, 0),
    "Mul": _binary(lambda a, b: a * b, 1),
    "Div": _binary(_trunc_div, 1),
    "Max": _binary(max, None),
    "Min": _binary(min, None),
}


def propagate(
    node: onnx.NodeProto,
    ins: Sequence[Sym | None],
    consts: Sequence[np.ndarray | None],
    opset: int,
) -> Sym | None:
    """The tracked value of the node's first output, or None if it is not tracked."""
    op = node.op_type
    try:
        if op in ("Identity", "Cast", "CastLike"):
            if op == "Cast" and int(_attr(node, "to", 0)) not in _INT_TYPES:  # type: ignore[call-overload]
                return None
            return ins[0] if ins else None
        if op in ("Squeeze", "Unsqueeze", "Reshape", "Flatten"):
            return _reshape_like(node, ins, consts)
        if op == "Gather":
            return _gather(node, ins, consts)
        if op == "Concat":
            parts = [s for s in ins if s is not None and len(s[0]) == 1]
            if not ins or len(parts) != len(ins):
                return None
            entries = tuple(e for s in parts for e in s[1])
            return (len(entries),), entries
        if op == "Slice" and opset >= 10:
            return _slice(ins, consts)
        if op in _ARITH and len(ins) == 2:
            return _elementwise(_ARITH[op], ins[0], ins[1])
    except (ZeroDivisionError, ValueError, IndexError, TypeError):
        return None
    return None


_INT_TYPES = {
    onnx.TensorProto.INT64,
    onnx.TensorProto.INT32,
    onnx.TensorProto.INT16,
    onnx.TensorProto.INT8,
    onnx.TensorProto.UINT64,
    onnx.TensorProto.UINT32,
}


def _reshape_like(
    node: onnx.NodeProto, ins: Sequence[Sym | None], consts: Sequence[np.ndarray | None]
) -> Sym | None:
    """Squeeze / Unsqueeze / Reshape / Flatten of a tracked vector: same entries."""
    src = ins[0] if ins else None
    if src is None:
        return None
    n = len(src[1])
    if node.op_type == "Unsqueeze":
        shape: tuple[int, ...] = (n,) if len(src[0]) == 0 else (1, n)
        return (shape, src[1]) if len(shape) == 1 else None
    if node.op_type == "Reshape":
        target = consts[1] if len(consts) > 1 else None
        if target is None:
            return None
        dims = [int(d) for d in target.reshape(-1)]
        if dims in ([n], [-1]) or (dims == [] and n == 1):
            return (tuple(dims) if dims != [-1] else (n,)), src[1]
        return None
    if node.op_type == "Squeeze" and n == 1:
        return (), src[1]
    if node.op_type == "Flatten":
        return None
    return None


def _gather(
    node: onnx.NodeProto, ins: Sequence[Sym | None], consts: Sequence[np.ndarray | None]
) -> Sym | None:
    src, idx = ins[0], consts[1] if len(consts) > 1 else None
    if src is None or idx is None or len(src[0]) != 1 or int(_attr(node, "axis", 0)) != 0:  # type: ignore[call-overload]
        return None
    n = len(src[1])
    picked = tuple(src[1][int(i) + n if int(i) < 0 else int(i)] for i in idx.reshape(-1))
    return tuple(idx.shape), picked


def _slice(ins: Sequence[Sym | None], consts: Sequence[np.ndarray | None]) -> Sym | None:
    src = ins[0]
    if src is None or len(src[0]) != 1 or len(consts) < 3:
        return None
    starts, ends = consts[1], consts[2]
    axes = consts[3] if len(consts) > 3 else np.zeros(1, np.int64)
    steps = consts[4] if len(consts) > 4 else np.ones(1, np.int64)
    if starts is None or ends is None or axes is None or steps is None:
        return None
    if starts.size != 1 or [int(a) for a in axes.reshape(-1)] not in ([0], [-1]):
        return None
    picked = src[1][slice(int(starts.reshape(-1)[0]), _bound(ends), int(steps.reshape(-1)[0]))]
    return (len(picked),), picked


def _bound(ends: np.ndarray) -> int | None:
    e = int(ends.reshape(-1)[0])
    return None if e >= 2**31 else e


def _elementwise(fn: Callable[[Entry, Entry], Entry], a: Sym | None, b: Sym | None) -> Sym | None:
    if a is None or b is None:
        return None
    na, nb = len(a[1]), len(b[1])
    if na != nb and 1 not in (na, nb):
        return None
    n = max(na, nb)
    ea = a[1] * n if na == 1 else a[1]
    eb = b[1] * n if nb == 1 else b[1]
    shape = a[0] if len(a[0]) >= len(b[0]) and na == n else b[0]
    return shape, tuple(fn(x, y) for x, y in zip(ea, eb, strict=True))
