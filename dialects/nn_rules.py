"""Shape rules of the `nn` dialect: elementwise, linear algebra, convolution, normalization.

A rule maps operand :class:`TensorSpec` s (None for an absent optional operand) and the complete
attribute dict to result specs, raising :class:`OpVerifyError` naming the operand or attribute,
its value and what was expected. Data-movement rules live in `strata.dialects.nn_shape_rules`.

Dependency contract: imports only numpy, `mlir`, `strata.dtypes` and `strata.dialects.opdef`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from strata import dtypes
from strata.dialects.opdef import Dim, OpVerifyError, TensorSpec

Specs = Sequence[TensorSpec | None]
Attrs = Mapping[str, Any]
Rule = Any  # Callable[[Specs, Attrs], list[TensorSpec]]

FLOAT_DTYPES = tuple(d.np for d in dtypes.DTYPES if d.kind is dtypes.Kind.FLOAT)
INDEX_DTYPES = (np.dtype("int64"), np.dtype("int32"))
BOOL = np.dtype("bool")


# ---- shared helpers ------------------------------------------------------------------------


def req(spec: TensorSpec | None, what: str) -> TensorSpec:
    """`spec`, or an error saying operand `what` is missing."""
    if spec is None:
        raise OpVerifyError(f"operand '{what}' is required")
    return spec


def need_float(spec: TensorSpec, what: str) -> None:
    if spec.dtype not in FLOAT_DTYPES:
        raise OpVerifyError(f"operand '{what}' must be a floating-point tensor, got {spec.dtype}")


def need_bool(spec: TensorSpec, what: str) -> None:
    if spec.dtype != BOOL:
        raise OpVerifyError(f"operand '{what}' must be a bool (i1) tensor, got {spec.dtype}")


def same_dtype(a: TensorSpec, an: str, b: TensorSpec, bn: str) -> None:
    if a.dtype != b.dtype:
        raise OpVerifyError(
            f"operands '{an}' ({a.dtype}) and '{bn}' ({b.dtype}) must have one element type"
        )


def norm_axis(axis: int, rank: int, what: str, *, extra: int = 0) -> int:
    """Normalise a possibly negative axis into [0, rank + extra)."""
    n = rank + extra
    if not -n <= axis < n:
        raise OpVerifyError(f"attribute '{what}' = {axis} is out of range [{-n}, {n - 1}]")
    return axis + n if axis < 0 else axis


def norm_axes(axes: Sequence[int], rank: int, what: str) -> list[int]:
    """Normalise a list of axes into [0, rank); duplicates raise."""
    out = [norm_axis(a, rank, what) for a in axes]
    if len(set(out)) != len(out):
        raise OpVerifyError(f"attribute '{what}' = {list(axes)} repeats an axis")
    return out


def broadcast_shapes(*shapes: Sequence[Dim]) -> tuple[Dim, ...]:
    """Numpy / ONNX multidirectional broadcasting; None is a dynamic dim.

    A dynamic dim is taken not to broadcast (as in IREE and torch-mlir): facing a static size
    N > 1 it is N at run time, facing 1 or another dynamic dim the result is dynamic.
    """
    rank = max((len(s) for s in shapes), default=0)
    out: list[Dim] = []
    for i in range(rank):
        dims = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        fixed = {d for d in dims if d is not None and d != 1}
        if len(fixed) > 1:
            shown = " and ".join(show_shape(s) for s in shapes)
            raise OpVerifyError(f"shapes {shown} are not broadcastable")
        if fixed:
            out.append(fixed.pop())
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def broadcasts_to(shape: Sequence[Dim], target: Sequence[Dim]) -> bool:
    """Whether `shape` broadcasts unidirectionally to `target` (dynamic dims: as far as known)."""
    if len(shape) > len(target):
        return False
    tail = target[len(target) - len(shape) :]
    return all(s in (1, t) or s is None or t is None for s, t in zip(shape, tail, strict=True))


def show_shape(shape: Sequence[Dim]) -> str:
    """[2, ?, 4]: a shape in messages, '?' for dynamic dims."""
    return "[" + ", ".join("?" if d is None else str(d) for d in shape) + "]"


def same_dim(a: Dim, b: Dim) -> bool:
    """Whether two dims can be equal (a dynamic dim matches anything)."""
    return a is None or b is None or a == b


def known(*dims: Dim) -> bool:
    return all(d is not None for d in dims)


def check_list_len(value: Sequence[Any], n: int, what: str, meaning: str) -> None:
    if len(value) != n:
        raise OpVerifyError(f"attribute '{what}' = {list(value)} must have {n} entries ({meaning})")


def check_positive(value: Sequence[int], what: str) -> None:
    if any(v < 1 for v in value):
        raise OpVerifyError(f"attribute '{what}' = {list(value)} must be all >= 1")


def check_choice(value: Any, choices: Sequence[Any], what: str) -> None:
    if value not in choices:
        raise OpVerifyError(f"attribute '{what}' = {value!r} must be one of {list(choices)}")


# ---- elementwise ----------------------------------------------------------------------------


def same_as_input(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise unary op: the result has the operand's type."""
    return [req(specs[0], "x")]


def float_unary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise unary op on floating-point tensors."""
    x = req(specs[0], "x")
    need_float(x, "x")
    return [x]


def bool_unary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    need_bool(x, "x")
    return [x]


def broadcast_binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise binary op with broadcasting; both operands share one element type."""
    a, b = req(specs[0], "a"), req(specs[1], "b")
    same_dtype(a, "a", b, "b")
    return [TensorSpec(broadcast_shapes(a.shape, b.shape), a.dtype)]


def pow_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Pow: the exponent may have another element type; the result has the base's."""
    a, b = req(specs[0], "a"), req(specs[1], "b")
    return [TensorSpec(broadcast_shapes(a.shape, b.shape), a.dtype)]


def compare_binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise comparison with broadcasting; the result is bool."""
    (r,) = broadcast_binary(specs, attrs)
    return [TensorSpec(r.shape, BOOL)]


def logic_binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b = req(specs[0], "a"), req(specs[1], "b")
    need_bool(a, "a")
    need_bool(b, "b")
    return [TensorSpec(broadcast_shapes(a.shape, b.shape), BOOL)]


def where_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    c, x, y = req(specs[0], "condition"), req(specs[1], "x"), req(specs[2], "y")
    need_bool(c, "condition")
    same_dtype(x, "x", y, "y")
    return [TensorSpec(broadcast_shapes(c.shape, x.shape, y.shape), x.dtype)]


def gelu_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    check_choice(attrs["approximate"], ("none", "tanh"), "approximate")
    return float_unary(specs, attrs)


def softmax_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    need_float(x, "x")
    norm_axis(attrs["axis"], x.rank, "axis")
    return [x]


# ---- linear algebra -------------------------------------------------------------------------


def gemm_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b, c = req(specs[0], "a"), req(specs[1], "b"), specs[2]
    for spec, name in ((a, "a"), (b, "b")):
        if spec.rank != 2:
            raise OpVerifyError(f"operand '{name}' must be 2-d, got shape {show_shape(spec.shape)}")
    same_dtype(a, "a", b, "b")
    m, k = a.shape[::-1] if attrs["transA"] else a.shape
    kb, n = b.shape[::-1] if attrs["transB"] else b.shape
    if not same_dim(k, kb):
        raise OpVerifyError(
            f"contracted dims differ: 'a' {show_shape(a.shape)} (transA={attrs['transA']}) "
            f"gives K={k}, 'b' {show_shape(b.shape)} (transB={attrs['transB']}) gives K={kb}"
        )
    if c is not None:
        same_dtype(a, "a", c, "c")
        if not broadcasts_to(c.shape, (m, n)):
            raise OpVerifyError(
                f"operand 'c' {show_shape(c.shape)} must broadcast to the result shape "
                f"{show_shape((m, n))}"
            )
    return [TensorSpec((m, n), a.dtype)]


def matmul_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """numpy.matmul: 1-d operands are promoted then squeezed; batch dims broadcast."""
    a, b = req(specs[0], "a"), req(specs[1], "b")
    same_dtype(a, "a", b, "b")
    if a.rank == 0 or b.rank == 0:
        raise OpVerifyError(f"operands 'a' {list(a.shape)} and 'b' {list(b.shape)} must be >= 1-d")
    sa = (1, *a.shape) if a.rank == 1 else a.shape
    sb = (*b.shape, 1) if b.rank == 1 else b.shape
    if not same_dim(sa[-1], sb[-2]):
        raise OpVerifyError(
            f"contracted dims differ: 'a' {show_shape(a.shape)} has K={sa[-1]}, "
            f"'b' {show_shape(b.shape)} has K={sb[-2]}"
        )
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    out = [*batch]
    if a.rank > 1:
        out.append(sa[-2])
    if b.rank > 1:
        out.append(sb[-1])
    return [TensorSpec(tuple(out), a.dtype)]


# ---- convolution and pooling ----------------------------------------------------------------


def _window_attrs(
    attrs: Attrs, nsp: int, kernel: Sequence[int], negative_pads: bool = False
) -> tuple[list[int], list[int], list[int]]:
    strides, pads, dil = list(attrs["strides"]), list(attrs["pads"]), list(attrs["dilations"])
    check_list_len(strides, nsp, "strides", "one per spatial axis")
    check_list_len(dil, nsp, "dilations", "one per spatial axis")
    check_list_len(pads, 2 * nsp, "pads", "begins then ends of each spatial axis")
    check_positive(strides, "strides")
    check_positive(dil, "dilations")
    check_positive(kernel, "kernel_shape")
    if not negative_pads and any(p < 0 for p in pads):
        raise OpVerifyError(f"attribute 'pads' = {pads} must be all >= 0")
    return strides, pads, dil


def _windows(
    size: Dim, k: Dim, s: int, d: int, pb: int, pe: int, ceil_mode: bool, axis: int
) -> Dim:
    if size is None or k is None:
        return None
    extent = (k - 1) * d + 1
    span = size + pb + pe - extent
    if span < 0:
        raise OpVerifyError(
            f"kernel extent {extent} exceeds the padded input {size + pb + pe} "
            f"in spatial axis {axis}"
        )
    if not ceil_mode:
        return span // s + 1
    n = -(-span // s) + 1
    if (n - 1) * s >= size + pb:  # the last window would start in the end padding
        n -= 1
    return n


def _conv_operands(
    specs: Specs, attrs: Attrs, negative_pads: bool = False
) -> tuple[TensorSpec, TensorSpec, TensorSpec | None, int, tuple[list[int], list[int], list[int]]]:
    """Conv / ConvTranspose: x, w, optional b, spatial rank, (strides, pads, dilations)."""
    x, w, b = req(specs[0], "x"), req(specs[1], "w"), specs[2]
    if x.rank < 3 or w.rank != x.rank:
        raise OpVerifyError(
            f"operands 'x' {list(x.shape)} and 'w' {list(w.shape)} must have one rank >= 3"
        )
    same_dtype(x, "x", w, "w")
    nsp = x.rank - 2
    if not known(*w.shape[2:]):
        raise OpVerifyError(f"operand 'w' {show_shape(w.shape)} must have static kernel dims")
    kernel = w.shape[2:]
    return x, w, b, nsp, _window_attrs(attrs, nsp, kernel, negative_pads)  # type: ignore[arg-type]


def conv_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, w, b, nsp, (strides, pads, dil) = _conv_operands(specs, attrs)
    group = attrs["group"]
    cin, cw, m = x.shape[1], w.shape[1], w.shape[0]
    if group < 1 or not known(cw, m) or not same_dim(cin, cw * group) or m % group:
        raise OpVerifyError(
            f"attribute 'group' = {group}: input channels {cin} must equal w.shape[1] "
            f"({cw}) x group, and output channels {m} must divide by group"
        )
    if b is not None and (b.rank != 1 or not same_dim(b.shape[0], m)):
        raise OpVerifyError(f"operand 'b' must have shape [{m}], got {show_shape(b.shape)}")
    spatial = [
        _windows(
            x.shape[2 + i], w.shape[2 + i], strides[i], dil[i], pads[i], pads[i + nsp], False, i
        )
        for i in range(nsp)
    ]
    return [TensorSpec((x.shape[0], w.shape[0], *spatial), x.dtype)]


def conv_transpose_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Negative pads extend the output (ONNX's output_shape beyond the full result)."""
    x, w, b, nsp, (strides, pads, dil) = _conv_operands(specs, attrs, negative_pads=True)
    outpad = list(attrs["output_padding"])
    check_list_len(outpad, nsp, "output_padding", "one per spatial axis")
    for i, (op, s, d) in enumerate(zip(outpad, strides, dil, strict=True)):
        if not 0 <= op < max(s, d):
            raise OpVerifyError(
                f"attribute 'output_padding' = {outpad}: entry {i} must be in [0, "
                f"max(stride, dilation)) = [0, {max(s, d)})"
            )
    group = attrs["group"]
    if group < 1 or not known(*w.shape[:2]) or not same_dim(x.shape[1], w.shape[0]):
        raise OpVerifyError(
            f"attribute 'group' = {group}: input channels {x.shape[1]} must equal w.shape[0] "
            f"({w.shape[0]}) and divide by group"
        )
    if w.shape[0] % group:
        raise OpVerifyError(
            f"attribute 'group' = {group}: w.shape[0] ({w.shape[0]}) must divide by group"
        )
    m = w.shape[1] * group
    if b is not None and (b.rank != 1 or not same_dim(b.shape[0], m)):
        raise OpVerifyError(f"operand 'b' must have shape [{m}], got {show_shape(b.shape)}")
    spatial: list[Dim] = []
    for i in range(nsp):
        size = x.shape[2 + i]
        if size is None:
            spatial.append(None)
            continue
        n = (
            strides[i] * (size - 1)
            + outpad[i]
            + (w.shape[2 + i] - 1) * dil[i]  # type: ignore[operator]
            + 1
            - pads[i]
            - pads[i + nsp]
        )
        if n < 1:
            raise OpVerifyError(f"attribute 'pads' = {pads} leaves no output in spatial axis {i}")
        spatial.append(n)
    return [TensorSpec((x.shape[0], m, *spatial), x.dtype)]


def pool_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    if x.rank < 3:
        raise OpVerifyError(f"operand 'x' must have rank >= 3 (N, C, spatial), got {x.rank}")
    nsp = x.rank - 2
    kernel = list(attrs["kernel_shape"])
    check_list_len(kernel, nsp, "kernel_shape", "one per spatial axis")
    strides, pads, dil = _window_attrs(attrs, nsp, kernel)
    for i in range(nsp):
        if pads[i] >= (kernel[i] - 1) * dil[i] + 1 or pads[i + nsp] >= (kernel[i] - 1) * dil[i] + 1:
            raise OpVerifyError(
                f"attribute 'pads' = {pads} must be smaller than the kernel extent in axis {i}"
            )
    ceil = bool(attrs["ceil_mode"])
    spatial = [
        _windows(x.shape[2 + i], kernel[i], strides[i], dil[i], pads[i], pads[i + nsp], ceil, i)
        for i in range(nsp)
    ]
    return [TensorSpec((*x.shape[:2], *spatial), x.dtype)]


def global_pool_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    if x.rank < 3:
        raise OpVerifyError(f"operand 'x' must have rank >= 3 (N, C, spatial), got {x.rank}")
    return [TensorSpec((*x.shape[:2], *([1] * (x.rank - 2))), x.dtype)]


# ---- normalization --------------------------------------------------------------------------


def batch_norm_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    need_float(x, "x")
    if x.rank < 2:
        raise OpVerifyError(f"operand 'x' must have rank >= 2 (N, C, ...), got {x.rank}")
    for spec, name in zip(specs[1:], ("scale", "b", "input_mean", "input_var"), strict=True):
        s = req(spec, name)
        if s.rank != 1 or not same_dim(s.shape[0], x.shape[1]):
            raise OpVerifyError(
                f"operand '{name}' must have shape [{x.shape[1]}] (channels), got "
                f"{show_shape(s.shape)}"
            )
        same_dtype(x, "x", s, name)
    return [x]


def prod(dims: Sequence[Dim]) -> Dim:
    """The product of dims; None if any is dynamic (0 if any is a static 0)."""
    if any(d == 0 for d in dims):
        return 0
    if not known(*dims):
        return None
    total = 1
    for d in dims:
        total *= int(d)  # type: ignore[arg-type]
    return total
