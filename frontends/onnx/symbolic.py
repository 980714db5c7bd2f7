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


# ---- which run-time dims are equal ---------------------------------------------------------

Dims = tuple[int | None, ...]  # a value's dims as shape rules see them (None: dynamic)

_SAME_SHAPE = frozenset(
    [
        "Abs",
        "Acos",
        "Acosh",
        "Asin",
        "Asinh",
        "Atan",
        "Atanh",
        "BatchNormalization",
        "Cast",
        "CastLike",
        "Ceil",
        "Celu",
        "Clip",
        "Cos",
        "Cosh",
        "DequantizeLinear",
        "Dropout",
        "Elu",
        "Erf",
        "Exp",
        "Floor",
        "Gelu",
        "HardSigmoid",
        "HardSwish",
        "Hardmax",
        "Identity",
        "InstanceNormalization",
        "IsInf",
        "IsNaN",
        "LayerNormalization",
        "LeakyRelu",
        "Log",
        "LogSoftmax",
        "LpNormalization",
        "Mish",
        "Neg",
        "Not",
        "QuantizeLinear",
        "Reciprocal",
        "Relu",
        "Round",
        "RMSNormalization",
        "Selu",
        "Shrink",
        "Sigmoid",
        "Sign",
        "Sin",
        "Sinh",
        "Softmax",
        "Softplus",
        "Softsign",
        "Sqrt",
        "Tan",
        "Tanh",
        "ThresholdedRelu",
        "Trilu",
    ]
)
_BROADCAST = frozenset(
    [
        "Add",
        "And",
        "BitShift",
        "BitwiseAnd",
        "BitwiseOr",
        "BitwiseXor",
        "Div",
        "Equal",
        "Greater",
        "GreaterOrEqual",
        "Less",
        "LessOrEqual",
        "Max",
        "Mean",
        "Min",
        "Mod",
        "Mul",
        "Or",
        "PRelu",
        "Pow",
        "Sub",
        "Sum",
        "Where",
        "Xor",
    ]
)
_BATCH_FIRST = frozenset(
    [
        "AveragePool",
        "Conv",
        "ConvTranspose",
        "GlobalAveragePool",
        "GlobalMaxPool",
        "LpPool",
        "MaxPool",
    ]
)


class DimClasses:
    """Run-time dims known to be equal, as a union-find over :class:`DimOf`.

    `record` is told each node's input and output dims and joins an output's dynamic dim with
    the input dims it provably equals (a unary op keeps every dim; a broadcast keeps a dim
    that only one input, or inputs of one class, has; MatMul keeps rows and columns; ...).
    Graph inputs that name the same `dim_param` start in one class. Converters ask `same` to
    keep static op forms: `Reshape(x, [Shape(y)[0], Shape(y)[1], 12, 64])` copies x's first
    two dims when they equal y's.
    """

    def __init__(self) -> None:
        self._parent: dict[DimOf, DimOf] = {}

    def find(self, d: DimOf) -> DimOf:
        root = d
        while root in self._parent:
            root = self._parent[root]
        while d != root:  # path compression
            nxt = self._parent[d]
            self._parent[d] = root
            d = nxt
        return root

    def union(self, a: DimOf, b: DimOf) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[ra] = rb

    def same(self, a: DimOf, b: DimOf) -> bool:
        return a == b or self.find(a) == self.find(b)

    def record(
        self,
        node: onnx.NodeProto,
        ins: Sequence[Dims | None],
        out: Dims,
        target: Sym | None = None,
    ) -> None:
        """Join the dynamic dims of `node`'s first output (dims `out`) with the input dims
        they equal. `ins`: each input's dims (None: absent or not a tensor); `target`: the
        tracked value of Reshape's / Expand's shape input."""
        name = node.output[0]
        for k, src in _sources(node, ins, out, target, self).items():
            if k < len(out) and out[k] is None:
                for d in src:
                    self.union(DimOf(name, k), d)


def _sources(
    node: onnx.NodeProto,
    ins: Sequence[Dims | None],
    out: Dims,
    target: Sym | None,
    classes: DimClasses,
) -> dict[int, list[DimOf]]:
    """Output dim -> the input dims it equals (only dynamic ones are named)."""
    op, names, r = node.op_type, list(node.input), len(out)
    first = ins[0] if ins else None

    def dyn(i: int, k: int) -> list[DimOf]:
        dims = ins[i] if i < len(ins) else None
        if dims is None or not 0 <= k < len(dims) or dims[k] is not None:
            return []
        return [DimOf(names[i], k)]

    if first is None:
        return {}
    if op in _SAME_SHAPE:
        return {k: dyn(0, k) for k in range(r)} if len(first) == r else {}
    if op in _BROADCAST:
        return {k: _broadcast_sources(ins, names, k - r, classes) for k in range(r)}
    if op in _BATCH_FIRST:
        return {0: dyn(0, 0)} if r and len(first) == r else {}
    if op == "Transpose":
        perm = [int(p) for p in _attr(node, "perm", list(reversed(range(r))))]  # type: ignore[attr-defined]
        return {k: dyn(0, p) for k, p in enumerate(perm)} if len(perm) == r else {}
    second = ins[1] if len(ins) > 1 else None
    if op == "MatMul" and second is not None:
        ra, rb = len(first), len(second)
        if ra < 2 or rb < 2:
            return {}
        found = {k: _broadcast_sources(ins, names, k - (r - 2), classes, 2) for k in range(r - 2)}
        found[r - 2] = dyn(0, ra - 2)
        found[r - 1] = dyn(1, rb - 1)
        return found
    if op == "Gemm" and r == 2 and second is not None:
        ta, tb = int(_attr(node, "transA", 0)), int(_attr(node, "transB", 0))  # type: ignore[call-overload]
        return {0: dyn(0, 1 if ta else 0), 1: dyn(1, 0 if tb else 1)}
    if op == "Gather" and second is not None:
        axis, q = int(_attr(node, "axis", 0)), len(second)  # type: ignore[call-overload]
        axis = axis + len(first) if axis < 0 else axis
        found = {k: dyn(0, k) for k in range(axis)}
        found.update({axis + j: dyn(1, j) for j in range(q)})
        found.update({axis + q + j: dyn(0, axis + 1 + j) for j in range(len(first) - axis - 1)})
        return found
    if op == "Reshape" and target is not None and len(target[1]) == r:
        allowzero = int(_attr(node, "allowzero", 0))  # type: ignore[call-overload]
        found = {}
        for k, e in enumerate(target[1]):
            if isinstance(e, DimOf):
                found[k] = [e]
            elif e == 0 and not allowzero:
                found[k] = dyn(0, k)
        return found
    if op == "Expand" and target is not None:
        return _expand_sources(first, r, target[1], dyn, classes)
    if op == "Concat":
        axis = int(_attr(node, "axis", 0))  # type: ignore[call-overload]
        axis = axis + r if axis < 0 else axis
        # every input has the output's dims off the axis (valid models)
        return {k: [d for i in range(len(ins)) for d in dyn(i, k)] for k in range(r) if k != axis}
    if op in ("Unsqueeze", "Squeeze"):
        return _squeeze_sources(first, out, dyn)
    return {}


def _broadcast_sources(
    ins: Sequence[Dims | None],
    names: Sequence[str],
    k: int,
    classes: DimClasses,
    matrix: int = 0,
) -> list[DimOf]:
    """The input dims an output dim equals under broadcasting (`k` counts from the right;
    `matrix`: trailing dims of each input outside the broadcast, as MatMul's two)."""
    dyns: list[DimOf] = []
    for i, dims in enumerate(ins):
        if dims is None:
            continue
        j = len(dims) - matrix + k
        if not 0 <= j < len(dims) - matrix:
            continue
        if dims[j] is None:
            dyns.append(DimOf(names[i], j))
        elif dims[j] != 1:
            return []  # the output dim is static
    if dyns and all(classes.same(dyns[0], d) for d in dyns[1:]):
        return dyns
    return []


def _expand_sources(
    first: Dims,
    r: int,
    entries: tuple[Entry, ...],
    dyn: Callable[[int, int], list[DimOf]],
    classes: DimClasses,
) -> dict[int, list[DimOf]]:
    """Expand's output dims: the input's where the target entry is 1, the entry's where the
    input's dim is 1 (or absent), both where they are known equal."""
    n, lead = len(entries), r - len(first)
    found: dict[int, list[DimOf]] = {}
    for k in range(r):
        e = entries[k - (r - n)] if k >= r - n else 1
        here = dyn(0, k - lead) if k >= lead else []
        own = first[k - lead] if k >= lead else 1
        if e == 1:
            found[k] = here
        elif isinstance(e, DimOf) and own == 1:
            found[k] = [e]
        elif isinstance(e, DimOf) and here and classes.same(e, here[0]):
            found[k] = [e, *here]
    return found


def _squeeze_sources(
    first: Dims, out: Dims, dyn: Callable[[int, int], list[DimOf]]
) -> dict[int, list[DimOf]]:
    """Unsqueeze / Squeeze only add or drop dims of size 1 and keep the others in order, so
    when no dynamic dim was dropped, the k-th dynamic output dim is the k-th dynamic input
    dim."""
    dyn_in = [i for i, d in enumerate(first) if d is None]
    dyn_out = [k for k, d in enumerate(out) if d is None]
    if len(dyn_in) != len(dyn_out):
        return {}
    return {k: dyn(0, i) for i, k in zip(dyn_in, dyn_out, strict=True)}
