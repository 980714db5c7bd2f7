"""`nn` dialect declarations: indexing ops (gathers, scatters and one-hot by index tensors).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). Ops that mirror ONNX one to one have their operands, attributes and defaults
derived from the ONNX schemas (`strata.dialects.onnx_schema.onnx_op`); only the shape rules
and the run-time form `dynamic_one_hot` (OneHot whose depth is computed at run time) are
written here.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

from strata.dialects.nn_rules import (
    INDEX_DTYPES,
    Attrs,
    Specs,
    check_choice,
    norm_axis,
    req,
    same_dim,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import (
    REQUIRED,
    Attr,
    AttrKind,
    Dim,
    OpDef,
    Operand,
    OpVerifyError,
    Result,
    TensorSpec,
)

INDEXING = "indexing"
REDUCTIONS = ("none", "add", "mul", "max", "min")


def _index_operand(spec: TensorSpec, what: str) -> None:
    if spec.dtype not in INDEX_DTYPES:
        raise OpVerifyError(f"operand '{what}' must be an i32 or i64 tensor, got {spec.dtype}")


def _same_shape(a: TensorSpec, an: str, b: TensorSpec, bn: str) -> None:
    if a.rank != b.rank or not all(same_dim(p, q) for p, q in zip(a.shape, b.shape, strict=True)):
        raise OpVerifyError(
            f"operands '{an}' {show_shape(a.shape)} and '{bn}' {show_shape(b.shape)} "
            "must have one shape"
        )


def _same_dtype(a: TensorSpec, an: str, b: TensorSpec, bn: str) -> None:
    if a.dtype != b.dtype:
        raise OpVerifyError(
            f"operands '{an}' ({a.dtype}) and '{bn}' ({b.dtype}) must have one element type"
        )


def gather_elements_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """The result has the indices' shape and the data's element type."""
    x, idx = req(specs[0], "data"), req(specs[1], "indices")
    _index_operand(idx, "indices")
    if idx.rank != x.rank:
        raise OpVerifyError(
            f"operands 'data' {show_shape(x.shape)} and 'indices' {show_shape(idx.shape)} "
            "must have one rank"
        )
    norm_axis(attrs["axis"], x.rank, "axis")
    return [TensorSpec(idx.shape, x.dtype)]


def _tuple_length(data: TensorSpec, idx: TensorSpec, batch: int) -> int:
    """k = indices.shape[-1] of GatherND / ScatterND: static and in [1, rank(data) - batch]."""
    if idx.rank < 1:
        raise OpVerifyError("operand 'indices' must have rank >= 1")
    k = idx.shape[-1]
    if k is None:
        raise OpVerifyError(
            f"operand 'indices' {show_shape(idx.shape)} must have a static last dim "
            "(it sets the result's rank)"
        )
    if not 1 <= k <= data.rank - batch:
        raise OpVerifyError(
            f"operand 'indices' {show_shape(idx.shape)}: its last dim {k} must be in "
            f"[1, {data.rank - batch}] for 'data' {show_shape(data.shape)}"
        )
    return k


def gather_nd_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """indices.shape[:-1] + data.shape[batch_dims + k:], k = indices.shape[-1]."""
    x, idx = req(specs[0], "data"), req(specs[1], "indices")
    _index_operand(idx, "indices")
    b = attrs["batch_dims"]
    if not 0 <= b < min(x.rank, idx.rank):
        raise OpVerifyError(
            f"attribute 'batch_dims' = {b} must be in [0, {min(x.rank, idx.rank) - 1}]"
        )
    k = _tuple_length(x, idx, b)
    batch: list[Dim] = []
    for i in range(b):
        if not same_dim(x.shape[i], idx.shape[i]):
            raise OpVerifyError(
                f"batch dim {i} differs: 'data' {show_shape(x.shape)}, 'indices' "
                f"{show_shape(idx.shape)}"
            )
        batch.append(x.shape[i] if x.shape[i] is not None else idx.shape[i])
    return [TensorSpec((*batch, *idx.shape[b:-1], *x.shape[b + k :]), x.dtype)]


def scatter_elements_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """The result is `data` with `updates` written at `indices` along `axis`."""
    x, idx, upd = req(specs[0], "data"), req(specs[1], "indices"), req(specs[2], "updates")
    _index_operand(idx, "indices")
    _same_dtype(x, "data", upd, "updates")
    _same_shape(idx, "indices", upd, "updates")
    if idx.rank != x.rank:
        raise OpVerifyError(
            f"operands 'data' {show_shape(x.shape)} and 'indices' {show_shape(idx.shape)} "
            "must have one rank"
        )
    norm_axis(attrs["axis"], x.rank, "axis")
    check_choice(attrs["reduction"], REDUCTIONS, "reduction")
    return [x]


def scatter_nd_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """updates must have shape indices.shape[:-1] + data.shape[k:]; the result is `data`."""
    x, idx, upd = req(specs[0], "data"), req(specs[1], "indices"), req(specs[2], "updates")
    _index_operand(idx, "indices")
    _same_dtype(x, "data", upd, "updates")
    k = _tuple_length(x, idx, 0)
    want = TensorSpec((*idx.shape[:-1], *x.shape[k:]), x.dtype)
    _same_shape(upd, "updates", want, "indices.shape[:-1] + data.shape[k:]")
    check_choice(attrs["reduction"], REDUCTIONS, "reduction")
    return [x]


def tensor_scatter_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """`update` differs from `past_cache` only along `axis` (no longer there); the result
    has the cache's type."""
    cache, upd, widx = req(specs[0], "past_cache"), req(specs[1], "update"), specs[2]
    _same_dtype(cache, "past_cache", upd, "update")
    if cache.rank < 2 or upd.rank != cache.rank:
        raise OpVerifyError(
            f"operands 'past_cache' {show_shape(cache.shape)} and 'update' "
            f"{show_shape(upd.shape)} must have one rank >= 2"
        )
    axis = norm_axis(attrs["axis"], cache.rank, "axis")
    if axis == 0:
        raise OpVerifyError("attribute 'axis' must not be the batch axis 0")
    for i, (c, u) in enumerate(zip(cache.shape, upd.shape, strict=True)):
        bad = (c is not None and u is not None and u > c) if i == axis else not same_dim(c, u)
        if bad:
            raise OpVerifyError(
                f"operand 'update' {show_shape(upd.shape)} must match 'past_cache' "
                f"{show_shape(cache.shape)} except along axis {axis}, where it is not longer"
            )
    if widx is not None:
        _index_operand(widx, "write_indices")
        if widx.rank != 1 or not same_dim(widx.shape[0], cache.shape[0]):
            raise OpVerifyError(
                f"operand 'write_indices' {show_shape(widx.shape)} must be 1-d with one entry "
                "per batch"
            )
    check_choice(attrs["mode"], ("linear", "circular"), "mode")
    return [cache]


def _one_hot(idx: TensorSpec, values: TensorSpec, depth: Dim, attrs: Attrs) -> list[TensorSpec]:
    _index_or_float(idx, "indices")
    if values.rank != 1 or values.shape[0] not in (2, None):
        raise OpVerifyError(
            f"operand 'values' {show_shape(values.shape)} must be [off_value, on_value]"
        )
    axis = norm_axis(attrs["axis"], idx.rank + 1, "axis")
    return [TensorSpec((*idx.shape[:axis], depth, *idx.shape[axis:]), values.dtype)]


def _index_or_float(spec: TensorSpec, what: str) -> None:
    if spec.dtype.kind not in "iuf":
        raise OpVerifyError(f"operand '{what}' must be a numeric tensor, got {spec.dtype}")


def one_hot_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """indices.shape with `depth` inserted at `axis`; the element type of `values`."""
    depth = attrs["depth"]
    if depth < 1:
        raise OpVerifyError(f"attribute 'depth' = {depth} must be >= 1")
    return _one_hot(req(specs[0], "indices"), req(specs[1], "values"), depth, attrs)


def dynamic_one_hot_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """As one_hot, with the depth dim dynamic."""
    d = req(specs[1], "depth")
    if d.rank > 1 or d.shape not in ((), (1,)):
        raise OpVerifyError(f"operand 'depth' {show_shape(d.shape)} must be a scalar")
    return _one_hot(req(specs[0], "indices"), req(specs[2], "values"), None, attrs)


INDEXING_OPS: tuple[OpDef, ...] = (
    onnx_op("GatherElements", gather_elements_rule, category=INDEXING),
    onnx_op("GatherND", gather_nd_rule, category=INDEXING),
    onnx_op(
        "ScatterElements",
        scatter_elements_rule,
        category=INDEXING,
        doc="Updates are applied in order (with `reduction` none, the last write to an "
        "element wins). ONNX's deprecated Scatter imports as this op.",
    ),
    onnx_op(
        "ScatterND",
        scatter_nd_rule,
        category=INDEXING,
        doc="Update slices are applied in order of the indices' leading dims.",
    ),
    onnx_op("TensorScatter", tensor_scatter_rule, category=INDEXING),
    onnx_op(
        "OneHot",
        one_hot_rule,
        category=INDEXING,
        input_attrs={"depth": (AttrKind.INT, REQUIRED)},
        doc="`depth` is ONNX's input, folded; `nn.dynamic_one_hot` takes it at run time.",
    ),
    OpDef(
        "dynamic_one_hot",
        "One-hot encoding whose depth is computed at run time.",
        (
            Operand("indices", "positions of the on values (negative: from the end)"),
            Operand("depth", "scalar: size of the one-hot axis"),
            Operand("values", "[off_value, on_value]"),
        ),
        (Result("output", "one-hot tensor"),),
        dynamic_one_hot_rule,
        attrs=(Attr("axis", AttrKind.INT, -1, "position of the one-hot axis in the result"),),
        doc="Folds to `nn.one_hot` when `depth` is a constant.",
        onnx="OneHot",
        category=INDEXING,
    ),
)
