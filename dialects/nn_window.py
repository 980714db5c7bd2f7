"""`nn` dialect declarations: window and sampling ops (MaxPool with indices, LpPool, MaxUnpool,
Col2Im, GridSample, RoiAlign, AffineGrid, DeformConv).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). The ops that mirror ONNX are derived from its schemas
(`strata.dialects.onnx_schema.onnx_op`); only the shape rules and Strata's normalisations are
written here:

* `auto_pad` is resolved by the importer: strides, pads and dilations are always explicit;
* GridSample's opset-16 mode names (bilinear, bicubic) are the opset-20 ones (linear, cubic);
* shape-like ONNX inputs (MaxUnpool's `output_shape`, Col2Im's `image_shape` and
  `block_shape`, AffineGrid's `size`) are attributes when the importer sees constants; values
  computed at run time use the `dynamic_*` ops declared by hand here, whose result dims the
  values decide are dynamic.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules,
nn_shape_rules}`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.dialects.nn_rules import (
    INDEX_DTYPES,
    Attrs,
    Specs,
    check_choice,
    check_list_len,
    check_positive,
    conv_rule,
    need_float,
    pool_rule,
    prod,
    req,
    same_dim,
    same_dtype,
    show_shape,
)
from strata.dialects.nn_shape_rules import shape_vector
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import (
    REQUIRED,
    AttrKind,
    Dim,
    OpDef,
    Operand,
    OpVerifyError,
    Result,
    TensorSpec,
)

WINDOW = "convolution and pooling"
SAMPLING = "sampling"
I64 = np.dtype("int64")
INTS = AttrKind.INTS


def _index_tensor(spec: TensorSpec, what: str) -> None:
    if spec.dtype not in INDEX_DTYPES:
        raise OpVerifyError(f"operand '{what}' must be an i32 or i64 tensor, got {spec.dtype}")


# ---- pooling ---------------------------------------------------------------------------------


def max_pool_indices_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """y as nn.max_pool; indices (i64, same shape) are flat positions in x."""
    (y,) = pool_rule(specs, attrs)
    check_choice(attrs["storage_order"], (0, 1), "storage_order")
    return [y, TensorSpec(y.shape, I64)]


def lp_pool_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    need_float(req(specs[0], "x"), "x")
    if attrs["p"] < 1:
        raise OpVerifyError(f"attribute 'p' = {attrs['p']} must be >= 1")
    return pool_rule(specs, attrs)


def _unpool_operands(specs: Specs, attrs: Attrs) -> tuple[TensorSpec, list[Dim]]:
    """x and the inferred spatial sizes (in - 1) * stride - pads + kernel."""
    x, idx = req(specs[0], "x"), req(specs[1], "indices")
    if x.rank < 3:
        raise OpVerifyError(f"operand 'x' must have rank >= 3 (N, C, spatial), got {x.rank}")
    _index_tensor(idx, "indices")
    if idx.rank != x.rank or not all(map(same_dim, x.shape, idx.shape)):
        raise OpVerifyError(
            f"operand 'indices' {show_shape(idx.shape)} must have the shape of 'x' "
            f"{show_shape(x.shape)}"
        )
    nsp = x.rank - 2
    kernel, strides, pads = list(attrs["kernel_shape"]), list(attrs["strides"]), list(attrs["pads"])
    check_list_len(kernel, nsp, "kernel_shape", "one per spatial axis")
    check_list_len(strides, nsp, "strides", "one per spatial axis")
    check_list_len(pads, 2 * nsp, "pads", "begins then ends of each spatial axis")
    check_positive(kernel, "kernel_shape")
    check_positive(strides, "strides")
    inferred: list[Dim] = []
    for i in range(nsp):
        d = x.shape[2 + i]
        inferred.append(
            None if d is None else (d - 1) * strides[i] - pads[i] - pads[nsp + i] + kernel[i]
        )
    return x, inferred


def max_unpool_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """The inferred shape, or `output_shape` (which must contain it: the unpooled values sit in
    its leading corner, as in ONNX's reference)."""
    x, inferred = _unpool_operands(specs, attrs)
    out = list(attrs["output_shape"])
    if not out:
        return [TensorSpec((*x.shape[:2], *inferred), x.dtype)]
    check_list_len(out, x.rank, "output_shape", "one per axis of 'x'")
    for i, (want, have) in enumerate(zip(out[2:], inferred, strict=True)):
        if have is not None and want < have:
            raise OpVerifyError(
                f"attribute 'output_shape' = {out}: spatial axis {i} must be at least the "
                f"unpooled size {have}"
            )
    return [TensorSpec((*x.shape[:2], *out[2:]), x.dtype)]


def dynamic_max_unpool_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, _ = _unpool_operands(specs, attrs)
    if shape_vector(specs[2], "output_shape") != x.rank:
        raise OpVerifyError(f"operand 'output_shape' must have {x.rank} entries (one per axis)")
    return [TensorSpec((*x.shape[:2], *([None] * (x.rank - 2))), x.dtype)]


# ---- Col2Im ---------------------------------------------------------------------------------


def _col2im_attrs(attrs: Attrs, nsp: int) -> None:
    for name in ("strides", "dilations"):
        check_list_len(list(attrs[name]), nsp, name, "one per spatial axis")
        check_positive(list(attrs[name]), name)
    check_list_len(list(attrs["pads"]), 2 * nsp, "pads", "begins then ends of each spatial axis")
    if any(p < 0 for p in attrs["pads"]):
        raise OpVerifyError(f"attribute 'pads' = {list(attrs['pads'])} must be all >= 0")


def _col2im_input(specs: Specs) -> TensorSpec:
    x = req(specs[0], "input")
    if x.rank != 3:
        raise OpVerifyError(
            f"operand 'input' must be 3-d [N, C * prod(block_shape), L], got {show_shape(x.shape)}"
        )
    return x


def blocks_of(image: Sequence[int], block: Sequence[int], attrs: Attrs) -> list[int]:
    """The number of sliding blocks along each spatial axis."""
    nsp = len(image)
    s, d, p = list(attrs["strides"]), list(attrs["dilations"]), list(attrs["pads"])
    return [
        (image[i] + p[i] + p[nsp + i] - d[i] * (block[i] - 1) - 1) // s[i] + 1 for i in range(nsp)
    ]


def col2im_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """[N, C * prod(block), L] -> [N, C, *image_shape] (L = the number of blocks)."""
    x = _col2im_input(specs)
    image, block = list(attrs["image_shape"]), list(attrs["block_shape"])
    nsp = len(image)
    if nsp < 1:
        raise OpVerifyError("attribute 'image_shape' must name at least one spatial axis")
    check_list_len(block, nsp, "block_shape", "one per entry of 'image_shape'")
    check_positive(image, "image_shape")
    check_positive(block, "block_shape")
    _col2im_attrs(attrs, nsp)
    blocks = blocks_of(image, block, attrs)
    if any(b < 1 for b in blocks):
        raise OpVerifyError(f"the blocks {block} do not fit the image {image} (pads included)")
    kernel = prod(block)
    assert kernel is not None
    if x.shape[1] is not None and x.shape[1] % kernel:
        raise OpVerifyError(
            f"operand 'input' {show_shape(x.shape)}: dim 1 must be a multiple of "
            f"prod(block_shape) = {kernel}"
        )
    if not same_dim(x.shape[2], prod(blocks)):
        raise OpVerifyError(
            f"operand 'input' {show_shape(x.shape)}: dim 2 must be the number of blocks "
            f"{prod(blocks)} ({' x '.join(map(str, blocks))})"
        )
    channels = None if x.shape[1] is None else x.shape[1] // kernel
    return [TensorSpec((x.shape[0], channels, *image), x.dtype)]


def dynamic_col2im_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x = _col2im_input(specs)
    nsp = shape_vector(specs[1], "image_shape")
    if shape_vector(specs[2], "block_shape") != nsp:
        raise OpVerifyError("operands 'image_shape' and 'block_shape' must have one length")
    _col2im_attrs(attrs, nsp)
    return [TensorSpec((x.shape[0], None, *([None] * nsp)), x.dtype)]


# ---- sampling ------------------------------------------------------------------------------

GRID_MODES = ("linear", "nearest", "cubic")
GRID_PADDING = ("zeros", "border", "reflection")


def grid_sample_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """x [N, C, D1..Dk], grid [N, O1..Ok, k] -> [N, C, O1..Ok]."""
    x, grid = req(specs[0], "x"), req(specs[1], "grid")
    need_float(x, "x")
    need_float(grid, "grid")
    k = x.rank - 2
    if k < 1 or grid.rank != x.rank or not same_dim(grid.shape[-1], k):
        raise OpVerifyError(
            f"operands 'x' {show_shape(x.shape)} and 'grid' {show_shape(grid.shape)}: grid must "
            f"be [N, O1..O{k}, {k}] for x [N, C, D1..D{k}]"
        )
    if not same_dim(x.shape[0], grid.shape[0]):
        raise OpVerifyError("operands 'x' and 'grid' must have one batch size")
    check_choice(attrs["mode"], GRID_MODES, "mode")
    check_choice(attrs["padding_mode"], GRID_PADDING, "padding_mode")
    check_choice(attrs["align_corners"], (0, 1), "align_corners")
    if attrs["mode"] == "cubic" and k != 2:
        raise OpVerifyError(f"attribute 'mode' = 'cubic' needs 2 spatial axes, 'x' has {k}")
    return [TensorSpec((x.shape[0], x.shape[1], *grid.shape[1:-1]), x.dtype)]


def roi_align_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """x [N, C, H, W], rois [R, 4], batch_indices [R] -> [R, C, output_height, output_width]."""
    x, rois, idx = req(specs[0], "x"), req(specs[1], "rois"), req(specs[2], "batch_indices")
    need_float(x, "x")
    same_dtype(x, "x", rois, "rois")
    _index_tensor(idx, "batch_indices")
    if x.rank != 4 or rois.rank != 2 or not same_dim(rois.shape[1], 4) or idx.rank != 1:
        raise OpVerifyError(
            f"operands 'x' {show_shape(x.shape)}, 'rois' {show_shape(rois.shape)} and "
            f"'batch_indices' {show_shape(idx.shape)} must be [N, C, H, W], [R, 4] and [R]"
        )
    if not same_dim(rois.shape[0], idx.shape[0]):
        raise OpVerifyError("operands 'rois' and 'batch_indices' must have one length")
    check_choice(attrs["mode"], ("avg", "max"), "mode")
    check_choice(
        attrs["coordinate_transformation_mode"],
        ("half_pixel", "output_half_pixel"),
        "coordinate_transformation_mode",
    )
    check_positive([attrs["output_height"], attrs["output_width"]], "output_height/width")
    if attrs["sampling_ratio"] < 0:
        raise OpVerifyError(f"attribute 'sampling_ratio' = {attrs['sampling_ratio']} must be >= 0")
    out = (rois.shape[0], x.shape[1], attrs["output_height"], attrs["output_width"])
    return [TensorSpec(out, x.dtype)]


def _theta(specs: Specs) -> tuple[TensorSpec, int]:
    theta = req(specs[0], "theta")
    need_float(theta, "theta")
    if theta.rank != 3 or (theta.shape[1:] != (2, 3) and theta.shape[1:] != (3, 4)):
        raise OpVerifyError(
            f"operand 'theta' must be [N, 2, 3] (2-d) or [N, 3, 4] (3-d), got "
            f"{show_shape(theta.shape)}"
        )
    return theta, int(theta.shape[1])  # type: ignore[arg-type]


def affine_grid_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """theta [N, k, k + 1] and size [N, C, (D,) H, W] -> grid [N, (D,) H, W, k]."""
    theta, k = _theta(specs)
    size = list(attrs["size"])
    check_list_len(size, k + 2, "size", f"[N, C, spatial] for {k}-d theta")
    check_positive(size, "size")
    check_choice(attrs["align_corners"], (0, 1), "align_corners")
    if not same_dim(theta.shape[0], size[0]):
        raise OpVerifyError(f"attribute 'size' = {size}: N must match 'theta' ({theta.shape[0]})")
    return [TensorSpec((size[0], *size[2:], k), theta.dtype)]


def dynamic_affine_grid_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    theta, k = _theta(specs)
    if shape_vector(specs[1], "size") != k + 2:
        raise OpVerifyError(f"operand 'size' must have {k + 2} entries for {k}-d theta")
    check_choice(attrs["align_corners"], (0, 1), "align_corners")
    return [TensorSpec((theta.shape[0], *([None] * k), k), theta.dtype)]


def deform_conv_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """As nn.conv (2-d); offset [N, offset_group * kh * kw * 2, oh, ow] and mask
    [N, offset_group * kh * kw, oh, ow] follow the output."""
    x, w, offset, mask = req(specs[0], "x"), req(specs[1], "w"), req(specs[2], "offset"), specs[4]
    need_float(x, "x")
    if x.rank != 4:
        raise OpVerifyError(f"operand 'x' must be 4-d [N, C, H, W], got {show_shape(x.shape)}")
    conv_attrs = {a: attrs[a] for a in ("strides", "pads", "dilations", "group")}
    (y,) = conv_rule([x, w, specs[3]], conv_attrs)
    if list(attrs["kernel_shape"]) != list(w.shape[2:]):
        raise OpVerifyError(
            f"attribute 'kernel_shape' = {list(attrs['kernel_shape'])} must be the weights' "
            f"kernel {list(w.shape[2:])}"
        )
    og = attrs["offset_group"]
    if og < 1 or (x.shape[1] is not None and x.shape[1] % og):
        raise OpVerifyError(
            f"attribute 'offset_group' = {og} must divide the input channels {x.shape[1]}"
        )
    kernel = prod(w.shape[2:])
    assert kernel is not None  # conv_rule checked the kernel dims are static
    taps = og * kernel
    for spec, name, n in ((offset, "offset", 2 * taps), (mask, "mask", taps)):
        if spec is None:
            continue
        same_dtype(x, "x", spec, name)
        want = (x.shape[0], n, *y.shape[2:])
        if spec.rank != 4 or not all(same_dim(a, b) for a, b in zip(spec.shape, want, strict=True)):
            raise OpVerifyError(
                f"operand '{name}' must have shape {show_shape(want)}, got {show_shape(spec.shape)}"
            )
    return [y]


WINDOW_OPS: tuple[OpDef, ...] = (
    onnx_op(
        "MaxPool",
        max_pool_indices_rule,
        name="max_pool_with_indices",
        category=WINDOW,
        drop=["auto_pad"],
        doc="nn.max_pool plus the flat index of each maximum in x (row-major over the whole "
        "tensor; `storage_order` = 1: column-major spatial dims); the first maximum wins.",
    ),
    onnx_op(
        "LpPool",
        lp_pool_rule,
        category=WINDOW,
        drop=["auto_pad"],
        doc="(sum over each window of |x|^p)^(1/p); padding contributes 0.",
    ),
    onnx_op(
        "MaxUnpool",
        max_unpool_rule,
        category=WINDOW,
        input_attrs={"output_shape": (INTS, [])},
        rename={"I": "indices", "output": "y"},
        doc="Scatters x into zeros of the inferred shape at `indices` (flat positions); a "
        "larger `output_shape` holds that result in its leading corner (ONNX's reference).",
    ),
    OpDef(
        "dynamic_max_unpool",
        "nn.max_unpool with `output_shape` computed at run time.",
        (
            Operand("x", "pooled values, N x C x D1..Dn"),
            Operand("indices", "flat positions of the values (as MaxPool's indices)"),
            Operand("output_shape", "1-d i64 [rank]: the result shape"),
        ),
        (Result("y", "unpooled tensor; its spatial dims are dynamic"),),
        dynamic_max_unpool_rule,
        attrs=tuple(
            a for a in onnx_op("MaxUnpool", max_unpool_rule).attrs if a.name != "output_shape"
        ),
        onnx="MaxUnpool",
        category=WINDOW,
    ),
    onnx_op(
        "Col2Im",
        col2im_rule,
        name="col2im",
        category=WINDOW,
        input_attrs={"image_shape": (INTS, REQUIRED), "block_shape": (INTS, REQUIRED)},
        doc="Sums each column of `input` back into its sliding block of the image.",
    ),
    OpDef(
        "dynamic_col2im",
        "nn.col2im with `image_shape` and `block_shape` computed at run time.",
        (
            Operand("input", "[N, C * prod(block_shape), L] columns"),
            Operand("image_shape", "1-d i64: the spatial sizes of the image"),
            Operand("block_shape", "1-d i64: the spatial sizes of a block"),
        ),
        (Result("output", "[N, C, *image_shape]; dims after N are dynamic"),),
        dynamic_col2im_rule,
        attrs=tuple(
            a
            for a in onnx_op("Col2Im", col2im_rule).attrs
            if a.name in ("strides", "pads", "dilations")
        ),
        onnx="Col2Im",
        category=WINDOW,
    ),
    onnx_op(
        "GridSample",
        grid_sample_rule,
        category=SAMPLING,
        doc="Modes are opset 20's names (the importer maps bilinear / bicubic).",
    ),
    onnx_op("RoiAlign", roi_align_rule, category=SAMPLING),
    onnx_op(
        "AffineGrid",
        affine_grid_rule,
        category=SAMPLING,
        input_attrs={"size": (INTS, REQUIRED)},
    ),
    OpDef(
        "dynamic_affine_grid",
        "nn.affine_grid with `size` computed at run time.",
        (
            Operand("theta", "[N, 2, 3] or [N, 3, 4] affine matrices"),
            Operand("size", "1-d i64 [N, C, (D,) H, W]"),
        ),
        (Result("grid", "[N, (D,) H, W, k]; the spatial dims are dynamic"),),
        dynamic_affine_grid_rule,
        attrs=tuple(a for a in onnx_op("AffineGrid", affine_grid_rule).attrs if a.name != "size"),
        onnx="AffineGrid",
        category=SAMPLING,
    ),
    onnx_op(
        "DeformConv",
        deform_conv_rule,
        category=WINDOW,
        doc="2-d: each tap samples x bilinearly (zeros outside) at its position plus `offset`, "
        "scaled by `mask`; strides, pads, dilations and kernel_shape are explicit.",
    ),
)

__all__ = ["WINDOW_OPS", "blocks_of"]
