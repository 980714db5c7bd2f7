"""Numeric tests of the convolution and pooling lowerings against onnxruntime."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import check

R = np.random.default_rng(3)


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


def full(attrs: dict[str, Any], nsp: int) -> dict[str, Any]:
    """nn attributes are explicit: fill ONNX's defaults for strides / pads / dilations."""
    out = dict(attrs)
    out.setdefault("strides", [1] * nsp)
    out.setdefault("pads", [0] * (2 * nsp))
    out.setdefault("dilations", [1] * nsp)
    return out


CONVS = [
    # (x shape, w shape, bias, attrs)
    ((1, 3, 8, 8), (4, 3, 3, 3), True, {}),
    ((2, 3, 9, 9), (4, 3, 3, 3), True, {"strides": [2, 2], "pads": [1, 1, 1, 1]}),
    ((1, 3, 9, 10), (4, 3, 3, 2), False, {"pads": [0, 1, 2, 1], "dilations": [2, 1]}),
    ((1, 4, 8, 8), (6, 2, 3, 3), True, {"group": 2, "pads": [1, 1, 1, 1]}),  # grouped
    ((1, 4, 8, 8), (4, 1, 3, 3), True, {"group": 4, "pads": [1, 1, 1, 1]}),  # depthwise
    ((1, 4, 8, 8), (4, 1, 3, 3), False, {"group": 4, "strides": [2, 2], "pads": [1, 1, 1, 1]}),
    ((1, 2, 6, 6), (4, 1, 3, 3), True, {"group": 2}),  # depthwise with multiplier 2
    ((1, 3, 8, 8), (5, 3, 1, 1), True, {"strides": [2, 2]}),  # 1x1, stride drops a row
    ((2, 3, 10), (4, 3, 3), True, {"pads": [1, 2], "strides": [2]}),  # 1-d
    ((1, 4, 10), (4, 2, 3), False, {"group": 2}),  # 1-d grouped: generic
    ((1, 2, 5, 6, 6), (3, 2, 2, 3, 3), True, {"pads": [0, 1, 1, 1, 1, 0]}),  # 3-d
]


@pytest.mark.parametrize(("xs", "ws", "bias", "attrs"), CONVS)
def test_conv(xs: tuple[int, ...], ws: tuple[int, ...], bias: bool, attrs: dict[str, Any]) -> None:
    b = f32(ws[0]) if bias else None
    check("conv", [f32(*xs), f32(*ws), b], full(attrs, len(xs) - 2), "Conv", attrs)


CONV_TRANSPOSES = [
    ((1, 3, 4, 4), (3, 2, 3, 3), True, {}),
    ((1, 3, 4, 5), (3, 2, 3, 3), True, {"strides": [2, 2], "pads": [1, 1, 1, 1]}),
    ((1, 2, 4, 4), (2, 3, 4, 4), False, {"strides": [2, 2], "pads": [1, 1, 1, 1]}),
    (
        (1, 2, 3, 3),
        (2, 2, 3, 3),
        True,
        {"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]},
    ),
    ((1, 4, 3, 3), (4, 1, 3, 3), True, {"group": 2, "strides": [2, 1]}),
    ((1, 2, 4, 4), (2, 2, 2, 2), False, {"dilations": [2, 2], "pads": [0, 1, 1, 0]}),
    ((1, 2, 5), (2, 3, 3), True, {"strides": [3]}),  # 1-d
]


@pytest.mark.parametrize(("xs", "ws", "bias", "attrs"), CONV_TRANSPOSES)
def test_conv_transpose(
    xs: tuple[int, ...], ws: tuple[int, ...], bias: bool, attrs: dict[str, Any]
) -> None:
    nsp = len(xs) - 2
    b = f32(ws[1] * attrs.get("group", 1)) if bias else None
    nn_attrs = full(attrs, nsp)
    nn_attrs.setdefault("output_padding", [0] * nsp)
    check("conv_transpose", [f32(*xs), f32(*ws), b], nn_attrs, "ConvTranspose", attrs)


def test_conv_transpose_negative_pads_extend_the_output() -> None:
    """ONNX's output_shape beyond the full result: the importer's negative end pads."""
    x, w, b = f32(1, 1, 3, 3), f32(1, 2, 3, 3), f32(2)
    nn_attrs = full({"strides": [3, 2], "pads": [0, 0, -1, -1]}, 2)
    nn_attrs["output_padding"] = [0, 0]
    onnx_attrs = {"strides": [3, 2], "output_shape": [10, 8]}
    check("conv_transpose", [x, w, b], nn_attrs, "ConvTranspose", onnx_attrs)


@pytest.mark.parametrize("group", [1, 3])
def test_conv_f16_accumulates_in_f32(group: int) -> None:
    """f16 in and out, one rounding: the f32 result (ORT on the same values) rounded to f16."""
    from nn_jit import run_nn, run_onnx

    x, w = f32(1, 3, 6, 6).astype(np.float16), f32(6, 3 // group, 3, 3).astype(np.float16)
    attrs = full({"group": group}, 2)
    (got,) = run_nn("conv", [x, w, None], attrs)
    (want,) = run_onnx("Conv", [x.astype(np.float32), w.astype(np.float32)], {"group": group}, 1)
    assert got.dtype == np.float16
    np.testing.assert_array_equal(got, want.astype(np.float16))


POOLS = [
    ((1, 2, 8, 8), {"kernel_shape": [2, 2], "strides": [2, 2]}),
    ((1, 2, 7, 7), {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}),
    (
        (1, 2, 7, 7),
        {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1},
    ),
    ((1, 2, 8, 7), {"kernel_shape": [3, 2], "strides": [2, 2], "ceil_mode": 1}),
    ((2, 3, 9, 9), {"kernel_shape": [3, 3], "pads": [0, 1, 2, 1], "dilations": [2, 1]}),
    ((1, 2, 10), {"kernel_shape": [3], "strides": [2], "pads": [1, 1]}),  # 1-d: generic
    ((1, 2, 4, 5, 5), {"kernel_shape": [2, 2, 2], "strides": [2, 2, 2], "ceil_mode": 1}),
]


@pytest.mark.parametrize(("xs", "attrs"), POOLS)
def test_max_pool(xs: tuple[int, ...], attrs: dict[str, Any]) -> None:
    nn_attrs = full(attrs, len(xs) - 2)
    nn_attrs.setdefault("ceil_mode", 0)
    check("max_pool", [f32(*xs)], nn_attrs, "MaxPool", attrs, opset=12)


@pytest.mark.parametrize("include_pad", [0, 1])
@pytest.mark.parametrize(("xs", "attrs"), POOLS)
def test_average_pool(xs: tuple[int, ...], attrs: dict[str, Any], include_pad: int) -> None:
    nn_attrs = full(attrs, len(xs) - 2)
    nn_attrs.setdefault("ceil_mode", 0)
    nn_attrs["count_include_pad"] = include_pad
    onnx_attrs = {**attrs, "count_include_pad": include_pad}
    opset = 19 if "dilations" in attrs else 17  # AveragePool gained dilations in opset 19
    check("average_pool", [f32(*xs)], nn_attrs, "AveragePool", onnx_attrs, opset=opset)


@pytest.mark.parametrize("xs", [(1, 3, 7, 7), (2, 4, 5), (1, 2, 3, 4, 5)])
def test_global_average_pool(xs: tuple[int, ...]) -> None:
    check("global_average_pool", [f32(*xs)], {}, "GlobalAveragePool")
