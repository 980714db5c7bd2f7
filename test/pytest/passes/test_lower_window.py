"""Numeric tests of the window and sampling lowerings (MaxPool with indices, LpPool,
MaxUnpool, Col2Im, GridSample, RoiAlign, AffineGrid, DeformConv) against ONNX's reference
implementation (onnx.reference)."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
import pytest
from nn_jit import run_nn
from onnx import helper
from onnx.reference import ReferenceEvaluator

R = np.random.default_rng(31)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


def reference(
    op_type: str,
    inputs: list[np.ndarray[Any, Any] | None],
    attrs: dict[str, Any],
    opset: int,
    ort: bool = False,
) -> list[Any]:
    """The output(s) of one ONNX node, evaluated by onnx.reference (or onnxruntime)."""
    names = [f"in{i}" if a is not None else "" for i, a in enumerate(inputs)]
    while names and not names[-1]:
        names.pop()
    feeds = {n: a for n, a in zip(names, inputs, strict=False) if n and a is not None}
    n_out = 2 if attrs.pop("_two_outputs", False) else 1
    outs = [f"out{i}" for i in range(n_out)]
    node = helper.make_node(op_type, names, outs, **attrs)
    graph = helper.make_graph(
        [node],
        "g",
        [
            helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
            for n, a in feeds.items()
        ],
        [onnx.ValueInfoProto(name=o) for o in outs],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if ort:
        import onnxruntime

        model.ir_version = 8  # what this onnxruntime accepts
        session = onnxruntime.InferenceSession(
            model.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        return list(session.run(None, feeds))
    return list(ReferenceEvaluator(model).run(None, feeds))


def compare(got: list[Any], want: list[Any], rtol: float = 1e-5, atol: float = 1e-5) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        w = np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def window(nsp: int, **given: Any) -> dict[str, Any]:
    out = {"strides": [1] * nsp, "pads": [0] * (2 * nsp), "dilations": [1] * nsp}
    out.update(given)
    return out


POOLS = [
    ((1, 2, 5, 5), {"kernel_shape": [2, 2], "strides": [2, 2]}),
    ((1, 1, 5, 6), {"kernel_shape": [3, 2], "pads": [1, 0, 1, 1], "storage_order": 1}),
    ((2, 1, 7), {"kernel_shape": [3], "dilations": [2], "strides": [2]}),
    ((1, 1, 3, 4, 5), {"kernel_shape": [2, 2, 2], "storage_order": 1, "ceil_mode": 1}),
]


@pytest.mark.parametrize(("shape", "attrs"), POOLS)
def test_max_pool_with_indices(shape: tuple[int, ...], attrs: dict[str, Any]) -> None:
    nsp = len(shape) - 2
    x = f32(*shape)
    nn_attrs = window(nsp, **attrs)
    got = run_nn("max_pool_with_indices", [x], nn_attrs)
    # onnx.reference's MaxPool misreads asymmetric pads; onnxruntime is the reference here
    compare(got, reference("MaxPool", [x], {**attrs, "_two_outputs": True}, 22, ort=True))


@pytest.mark.parametrize(
    ("p", "attrs"),
    [(1, {"strides": [2, 2]}), (2, {"pads": [1, 1, 0, 1]}), (3, {"dilations": [2, 1]})],
)
def test_lp_pool(p: int, attrs: dict[str, Any]) -> None:
    x = f32(1, 2, 6, 5)
    onnx_attrs = {"kernel_shape": [2, 3], "p": p, **attrs}
    got = run_nn("lp_pool", [x], window(2, kernel_shape=[2, 3], p=p, **attrs))
    compare(got, reference("LpPool", [x], onnx_attrs, 22), rtol=1e-4)


@pytest.mark.parametrize("output_shape", [[], [1, 2, 5, 6]])
def test_max_unpool(output_shape: list[int]) -> None:
    x = f32(1, 2, 3, 4)
    pooled, idx = reference("MaxPool", [x], {"kernel_shape": [2, 2], "_two_outputs": True}, 22)
    attrs = {"kernel_shape": [2, 2], "strides": [1, 1], "pads": [0, 0, 0, 0]}
    got = run_nn("max_unpool", [pooled, idx], {**attrs, "output_shape": output_shape})
    shape_in = np.array(output_shape, np.int64) if output_shape else None
    onnx_attrs = {"kernel_shape": [2, 2], "strides": [1, 1]}
    compare(got, reference("MaxUnpool", [pooled, idx, shape_in], onnx_attrs, 22))


@pytest.mark.parametrize(
    ("image", "block", "attrs"),
    [
        ([5, 5], [2, 3], {}),
        ([6, 5], [3, 2], {"strides": [2, 1], "pads": [1, 0, 1, 2], "dilations": [1, 2]}),
        ([3, 4, 5], [2, 2, 2], {"strides": [1, 2, 1]}),
    ],
)
def test_col2im(image: list[int], block: list[int], attrs: dict[str, Any]) -> None:
    from strata.dialects.nn_window import blocks_of

    nsp = len(image)
    full = window(nsp, **attrs)
    count = int(np.prod(blocks_of(image, block, full)))
    x = f32(2, 3 * int(np.prod(block)), count)
    got = run_nn("col2im", [x], {**full, "image_shape": image, "block_shape": block})
    consts = [np.array(image, np.int64), np.array(block, np.int64)]
    compare(got, reference("Col2Im", [x, *consts], dict(attrs), 18))


GRIDS = [
    (mode, padding, align)
    for mode in ("linear", "nearest", "cubic")
    for padding in ("zeros", "border", "reflection")
    for align in (0, 1)
]


@pytest.mark.parametrize(("mode", "padding", "align"), GRIDS)
def test_grid_sample_2d(mode: str, padding: str, align: int) -> None:
    x = f32(2, 2, 4, 5)
    grid = (R.random((2, 3, 6, 2)) * 2.8 - 1.4).astype(np.float32)  # some points outside
    attrs = {"mode": mode, "padding_mode": padding, "align_corners": align}
    compare(run_nn("grid_sample", [x, grid], attrs), reference("GridSample", [x, grid], attrs, 22))


@pytest.mark.parametrize("mode", ["linear", "nearest"])
def test_grid_sample_3d(mode: str) -> None:
    x = f32(1, 2, 3, 4, 5)
    grid = (R.random((1, 2, 3, 4, 3)) * 2.4 - 1.2).astype(np.float32)
    attrs = {"mode": mode, "padding_mode": "border", "align_corners": 0}
    compare(run_nn("grid_sample", [x, grid], attrs), reference("GridSample", [x, grid], attrs, 22))


@pytest.mark.parametrize(
    ("mode", "ratio", "ctm"),
    [("avg", 2, "half_pixel"), ("max", 2, "output_half_pixel"), ("avg", 0, "half_pixel")],
)
def test_roi_align(mode: str, ratio: int, ctm: str) -> None:
    x = f32(2, 3, 10, 9)
    rois = np.array([[0, 0, 8, 8], [1.5, 2.2, 7.3, 9.5], [-2, 3, 4, 4.5], [5, 1, 6, 2]], np.float32)
    batch = np.array([0, 1, 1, 0], np.int64)
    attrs = {
        "mode": mode,
        "sampling_ratio": ratio,
        "coordinate_transformation_mode": ctm,
        "output_height": 3,
        "output_width": 2,
        "spatial_scale": 0.9,
    }
    got = run_nn("roi_align", [x, rois, batch], attrs)
    compare(got, reference("RoiAlign", [x, rois, batch], attrs, 22), rtol=1e-4)


@pytest.mark.parametrize(("size", "align"), [([2, 1, 4, 5], 0), ([2, 3, 3, 4, 2], 1)])
def test_affine_grid(size: list[int], align: int) -> None:
    k = len(size) - 2
    theta = f32(2, k, k + 1)
    got = run_nn("affine_grid", [theta], {"size": size, "align_corners": align})
    want = reference("AffineGrid", [theta, np.array(size, np.int64)], {"align_corners": align}, 20)
    compare(got, want)


@pytest.mark.parametrize(
    ("group", "og", "attrs"),
    [
        (1, 1, {}),
        (2, 2, {"strides": [2, 1], "pads": [1, 1, 0, 1]}),
        (1, 2, {"dilations": [2, 1]}),
    ],
)
@pytest.mark.parametrize("extras", [False, True])
def test_deform_conv(group: int, og: int, attrs: dict[str, Any], extras: bool) -> None:
    x = f32(1, 4, 6, 5)
    w = f32(4, 4 // group, 2, 2)
    full = window(2, **attrs)
    s, p, d = full["strides"], full["pads"], full["dilations"]
    oh, ow = ((n + p[i] + p[i + 2] - d[i] - 1) // s[i] + 1 for i, n in enumerate((6, 5)))
    offset = (f32(1, og * 4 * 2, oh, ow) * 1.5).astype(np.float32)
    b = f32(4) if extras else None
    mask = R.random((1, og * 4, oh, ow)).astype(np.float32) if extras else None
    nn_attrs = {**full, "kernel_shape": [2, 2], "group": group, "offset_group": og}
    got = run_nn("deform_conv", [x, w, offset, b, mask], nn_attrs)
    onnx_attrs = {**attrs, "group": group, "offset_group": og, "kernel_shape": [2, 2]}
    compare(got, reference("DeformConv", [x, w, offset, b, mask], onnx_attrs, 22), rtol=1e-4)
