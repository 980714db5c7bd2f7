"""Shape rules of the `nn` dialect: data movement, constants, resize and pad.

Same contract as `strata.dialects.nn_rules` (operand specs + complete attributes -> result
specs, raising :class:`OpVerifyError`). ONNX semantics throughout (opset 17): Reshape's 0 / -1,
Slice's clamping, Squeeze without axes, multidirectional Expand, ...

Dependency contract: imports only numpy, `mlir`, `strata.dialects.opdef` and
`strata.dialects.nn_rules`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mlir import ir

from strata.dialects.nn_rules import (
    INDEX_DTYPES,
    Attrs,
    Specs,
    broadcast_shapes,
    check_choice,
    check_list_len,
    known,
    need_float,
    norm_axes,
    norm_axis,
    prod,
    req,
    same_dim,
    show_shape,
)
from strata.dialects.opdef import Dim, OpVerifyError, TensorSpec, dims_of_type, dtype_of

INT64_MAX = 2**63 - 1

# ---- shape and data movement ----------------------------------------------------------------


def reshape_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    shape, allowzero = list(attrs["shape"]), attrs["allowzero"]
    if shape.count(-1) > 1:
        raise OpVerifyError(f"attribute 'shape' = {shape} may contain at most one -1")
    if any(d < -1 for d in shape):
        raise OpVerifyError(f"attribute 'shape' = {shape} must be all >= -1")
    if allowzero and 0 in shape and -1 in shape:
        raise OpVerifyError(f"attribute 'shape' = {shape} mixes 0 and -1 with allowzero=1")
    out: list[Dim] = []
    for i, d in enumerate(shape):
        if d == 0 and not allowzero:
            if i >= x.rank:
                raise OpVerifyError(
                    f"attribute 'shape' = {shape}: entry {i} is 0 (copy) but 'data' has rank "
                    f"{x.rank}"
                )
            out.append(x.shape[i])
        else:
            out.append(d)
    total = prod(x.shape)
    if -1 in out:
        rest = prod([d for d in out if d != -1])
        # copied dims cancel: [?, ?, 768] -> [0, 0, -1, 64] infers 12 whatever the ?s are
        copied = {i for i, d in enumerate(shape) if d == 0 and not allowzero}
        kept = prod([d for i, d in enumerate(x.shape) if i not in copied])
        kept_rest = prod([d for i, d in enumerate(out) if d != -1 and i not in copied])
        if (total is None or rest is None) and kept and kept_rest and kept % kept_rest == 0:
            out[out.index(-1)] = kept // kept_rest
        elif total is None or rest is None:
            out[out.index(-1)] = None
        elif rest == 0 or total % rest:
            raise OpVerifyError(
                f"attribute 'shape' = {shape} cannot hold the {total} elements of "
                f"'data' {show_shape(x.shape)}"
            )
        else:
            out[out.index(-1)] = total // rest
    elements = prod(out)
    if total is not None and elements is not None and elements != total:
        raise OpVerifyError(
            f"attribute 'shape' = {shape} gives {elements} elements, 'data' "
            f"{show_shape(x.shape)} has {total}"
        )
    return [TensorSpec(tuple(out), x.dtype)]


def transpose_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    perm = list(attrs["perm"])
    if sorted(perm) != list(range(x.rank)):
        raise OpVerifyError(f"attribute 'perm' = {perm} must be a permutation of 0..{x.rank - 1}")
    return [TensorSpec(tuple(x.shape[p] for p in perm), x.dtype)]


def flatten_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    axis = attrs["axis"]
    if not -x.rank <= axis <= x.rank:  # ONNX: [-r, r]; a negative axis counts from r
        raise OpVerifyError(f"attribute 'axis' = {axis} is out of range [{-x.rank}, {x.rank}]")
    axis = axis + x.rank if axis < 0 else axis
    return [TensorSpec((prod(x.shape[:axis]), prod(x.shape[axis:])), x.dtype)]


def squeeze_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    axes = list(attrs["axes"])
    if not axes:
        if not x.is_static:
            raise OpVerifyError(
                f"'data' {show_shape(x.shape)} has dynamic dims, so which axes have size 1 is "
                "unknown: give 'axes'"
            )
        return [TensorSpec(tuple(d for d in x.shape if d != 1), x.dtype)]
    drop = norm_axes(axes, x.rank, "axes")
    for a in drop:
        if x.shape[a] not in (1, None):
            raise OpVerifyError(
                f"attribute 'axes' = {axes}: axis {a} of 'data' {list(x.shape)} has size "
                f"{x.shape[a]}, expected 1"
            )
    return [TensorSpec(tuple(d for i, d in enumerate(x.shape) if i not in drop), x.dtype)]


def unsqueeze_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    axes = list(attrs["axes"])
    if not axes:
        raise OpVerifyError("attribute 'axes' = [] must name at least one axis")
    out_rank = x.rank + len(axes)
    new = set(norm_axes(axes, out_rank, "axes"))
    dims = iter(x.shape)
    return [TensorSpec(tuple(1 if i in new else next(dims) for i in range(out_rank)), x.dtype)]


def concat_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    a, b = req(specs[0], "a"), req(specs[1], "b")
    if a.dtype != b.dtype:
        raise OpVerifyError(f"operand 'b' has element type {b.dtype}, expected {a.dtype} (as 'a')")
    axis = norm_axis(attrs["axis"], a.rank, "axis")
    if b.rank != a.rank or not all(
        same_dim(p, q) for i, (p, q) in enumerate(zip(a.shape, b.shape, strict=True)) if i != axis
    ):
        raise OpVerifyError(
            f"operand 'b' has shape {show_shape(b.shape)}; expected {show_shape(a.shape)} "
            f"(as 'a') except along axis {axis}"
        )
    shape = [p if p is not None else q for p, q in zip(a.shape, b.shape, strict=True)]
    pa, pb = a.shape[axis], b.shape[axis]
    shape[axis] = pa + pb if pa is not None and pb is not None else None
    return [TensorSpec(tuple(shape), a.dtype)]


def split_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    split = list(attrs["split"])
    if not split or any(s < 0 for s in split) or not same_dim(x.shape[axis], sum(split)):
        raise OpVerifyError(
            f"attribute 'split' = {split} must be non-empty sizes >= 0 summing to "
            f"{x.shape[axis]} (axis {axis} of 'input' {show_shape(x.shape)})"
        )
    if len(set(split)) != 1:
        raise OpVerifyError(
            f"attribute 'split' = {split} must be equal sizes (use nn.slice for uneven pieces)"
        )
    return [TensorSpec((*x.shape[:axis], s, *x.shape[axis + 1 :]), x.dtype) for s in split]


def slice_bounds(dim: int, start: int, end: int, step: int) -> tuple[int, int, int]:
    """ONNX Slice clamping for one axis: (start, end, length)."""
    if start < 0:
        start += dim
    if end < 0:
        end += dim
    if step > 0:
        start, end = min(max(start, 0), dim), min(max(end, 0), dim)
        n = max(0, -(-(end - start) // step))
    else:
        start, end = min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)
        n = max(0, -(-(start - end) // -step))
    return start, end, n


def slice_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    starts, ends = list(attrs["starts"]), list(attrs["ends"])
    axes, steps = list(attrs["axes"]), list(attrs["steps"])
    n = len(starts)
    for value, name in ((ends, "ends"), (axes, "axes"), (steps, "steps")):
        check_list_len(value, n, name, "one per entry of 'starts'")
    if 0 in steps:
        raise OpVerifyError(f"attribute 'steps' = {steps} must not contain 0")
    out = list(x.shape)
    for a, s, e, st in zip(norm_axes(axes, x.rank, "axes"), starts, ends, steps, strict=True):
        size = x.shape[a]
        out[a] = None if size is None else slice_bounds(size, s, e, st)[2]
    return [TensorSpec(tuple(out), x.dtype)]


def gather_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, idx = req(specs[0], "data"), req(specs[1], "indices")
    if idx.dtype not in INDEX_DTYPES:
        raise OpVerifyError(f"operand 'indices' must be an i32 or i64 tensor, got {idx.dtype}")
    axis = norm_axis(attrs["axis"], x.rank, "axis")
    return [TensorSpec((*x.shape[:axis], *idx.shape, *x.shape[axis + 1 :]), x.dtype)]


def expand_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    shape = list(attrs["shape"])
    if any(d < 0 for d in shape):
        raise OpVerifyError(f"attribute 'shape' = {shape} must be all >= 0")
    return [TensorSpec(broadcast_shapes(x.shape, shape), x.dtype)]


def cast_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    try:
        to = np.dtype(attrs["to"])
    except TypeError:
        raise OpVerifyError(f"attribute 'to' = {attrs['to']!r} is not an element type") from None
    if attrs.get("saturate", 1) not in (0, 1):
        raise OpVerifyError(f"attribute 'saturate' = {attrs['saturate']!r}: expected 0 or 1")
    if attrs.get("round_mode", "up") not in ("up", "down", "nearest"):
        raise OpVerifyError(
            f"attribute 'round_mode' = {attrs['round_mode']!r}: expected up, down or nearest"
        )
    return [TensorSpec(x.shape, to)]


def shape_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    start, end = attrs["start"], attrs["end"]
    start = min(max(start + x.rank if start < 0 else start, 0), x.rank)
    end = min(max(end + x.rank if end < 0 else end, 0), x.rank)
    return [TensorSpec((max(0, end - start),), np.dtype("int64"))]


def pad_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    pads = list(attrs["pads"])
    check_list_len(pads, 2 * x.rank, "pads", "begins then ends of every axis")
    check_choice(attrs["mode"], ("constant", "reflect", "edge", "wrap"), "mode")
    out = tuple(
        None if d is None else d + pads[i] + pads[i + x.rank] for i, d in enumerate(x.shape)
    )
    if any(d is not None and d < 0 for d in out):
        raise OpVerifyError(
            f"attribute 'pads' = {pads} crops 'data' {show_shape(x.shape)} below size 0"
        )
    if attrs["mode"] == "reflect":
        for i, d in enumerate(x.shape):
            if d is not None and max(pads[i], pads[i + x.rank]) >= d:
                raise OpVerifyError(
                    f"attribute 'pads' = {pads}: reflect padding of axis {i} (size {d}) "
                    f"must be < {d}"
                )
    return [TensorSpec(out, x.dtype)]


RESIZE_MODES = ("nearest", "linear", "cubic")
RESIZE_COORDS = (
    "half_pixel",
    "half_pixel_symmetric",
    "pytorch_half_pixel",
    "align_corners",
    "asymmetric",
    "tf_crop_and_resize",
)
NEAREST_MODES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")


def resize_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "x")
    if attrs["mode"] != "nearest":
        need_float(x, "x")
    sizes, scales = list(attrs["sizes"]), list(attrs["scales"])
    check_list_len(sizes, x.rank, "sizes", "the output size of every axis")
    if any(s < 1 for s in sizes):
        raise OpVerifyError(f"attribute 'sizes' = {sizes} must be all >= 1")
    if scales:
        check_list_len(scales, x.rank, "scales", "one per axis, or [] for sizes / input size")
        if any(s <= 0 for s in scales):
            raise OpVerifyError(f"attribute 'scales' = {scales} must be all > 0")
    check_choice(attrs["mode"], RESIZE_MODES, "mode")
    check_choice(
        attrs["coordinate_transformation_mode"], RESIZE_COORDS, "coordinate_transformation_mode"
    )
    check_choice(attrs["nearest_mode"], NEAREST_MODES, "nearest_mode")
    roi = list(attrs["roi"])
    if roi:
        check_list_len(roi, 2 * x.rank, "roi", "the start of every axis, then the ends")
    elif attrs["coordinate_transformation_mode"] == "tf_crop_and_resize":
        raise OpVerifyError("attribute 'roi' is required by tf_crop_and_resize")
    if attrs["antialias"] and attrs["mode"] == "nearest":
        raise OpVerifyError("attribute 'antialias' = 1 needs linear or cubic mode")
    return [TensorSpec(tuple(sizes), x.dtype)]


# ---- constants ------------------------------------------------------------------------------


def tensor_spec_of(value: Any, what: str) -> TensorSpec:
    """The spec of a TENSOR attribute value: a TensorSpec, numpy array or MLIR attribute."""
    if isinstance(value, TensorSpec):
        return value
    if isinstance(value, ir.Attribute):
        t = value.type
        if not isinstance(t, ir.RankedTensorType):
            raise OpVerifyError(f"attribute '{what}' must be a tensor, got {value}")
        return TensorSpec(tuple(dims_of_type(t)), dtype_of(t.element_type))
    if isinstance(value, np.ndarray | np.generic | float | int | bool):
        arr = np.asarray(value)
        return TensorSpec(tuple(arr.shape), arr.dtype)
    raise OpVerifyError(f"attribute '{what}' must be a tensor, got {type(value).__name__}")


def constant_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    return [tensor_spec_of(attrs["value"], "value")]


def constant_of_shape_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    shape = list(attrs["shape"])
    if any(d < 0 for d in shape):
        raise OpVerifyError(f"attribute 'shape' = {shape} must be all >= 0")
    value = tensor_spec_of(attrs["value"], "value")
    if not known(*value.shape) or prod(value.shape) != 1:
        raise OpVerifyError(
            f"attribute 'value' must hold exactly one element, got shape {list(value.shape)}"
        )
    return [TensorSpec(tuple(shape), value.dtype)]


# ---- ops whose shape operands are computed at run time ---------------------------------------


def shape_vector(spec: TensorSpec | None, what: str) -> int:
    """The (static) length of a 1-d integer shape-like operand."""
    s = req(spec, what)
    if s.rank != 1 or s.dtype not in INDEX_DTYPES:
        raise OpVerifyError(
            f"operand '{what}' must be a 1-d i64 / i32 tensor, got {show_shape(s.shape)} {s.dtype}"
        )
    if s.shape[0] is None:
        raise OpVerifyError(f"operand '{what}' must have a static length (it sets the rank)")
    return int(s.shape[0])


def dynamic_reshape_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    n = shape_vector(specs[1], "shape")
    return [TensorSpec((None,) * n, x.dtype)]


def dynamic_slice_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "data")
    names = ("starts", "ends", "axes", "steps")
    lengths = {shape_vector(s, w) for s, w in zip(specs[1:], names, strict=True)}
    if len(lengths) != 1:
        raise OpVerifyError("operands 'starts', 'ends', 'axes' and 'steps' must have one length")
    return [TensorSpec((None,) * x.rank, x.dtype)]


def dynamic_expand_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = req(specs[0], "input")
    n = shape_vector(specs[1], "shape")
    rank = max(n, x.rank)
    padded = (1,) * (rank - x.rank) + x.shape
    # a static input size > 1 is the result's size; anything else depends on `shape`
    return [TensorSpec(tuple(d if d is not None and d > 1 else None for d in padded), x.dtype)]


def dynamic_constant_of_shape_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    n = shape_vector(specs[0], "shape")
    value = tensor_spec_of(attrs["value"], "value")
    if not known(*value.shape) or prod(value.shape) != 1:
        raise OpVerifyError(
            f"attribute 'value' must hold exactly one element, got shape {list(value.shape)}"
        )
    return [TensorSpec((None,) * n, value.dtype)]


def range_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    names = ("start", "limit", "delta")
    vals = [req(s, w) for s, w in zip(specs, names, strict=True)]
    for v, w in zip(vals, names, strict=True):
        if v.rank != 0:
            raise OpVerifyError(f"operand '{w}' must be a scalar, got {show_shape(v.shape)}")
        if v.dtype != vals[0].dtype:
            raise OpVerifyError(
                f"operand '{w}' has element type {v.dtype}, 'start' {vals[0].dtype}"
            )
    return [TensorSpec((None,), vals[0].dtype)]


def size_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    req(specs[0], "data")
    return [TensorSpec((), np.dtype("int64"))]
