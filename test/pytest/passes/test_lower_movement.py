"""Numeric tests of shape / data movement / constant lowerings against onnxruntime."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from nn_jit import Const, check

from strata.dialects.nn import DIALECT

R = np.random.default_rng(9)
I64_MAX = 2**63 - 1


def f32(*shape: int) -> np.ndarray[Any, Any]:
    return R.standard_normal(shape).astype(np.float32)


def ints(*vals: int) -> Const:
    return Const(np.array(vals, np.int64))


@pytest.mark.parametrize(("src", "shape"), [
    ((2, 3, 4), [6, 4]), ((2, 3, 4), [2, 12]), ((6, 4), [2, 3, 4]), ((2, 3, 4), [4, 6]),
    ((2, 3, 4), [0, -1]), ((2, 1, 4), [8]), ((1, 1), [1]), ((24,), [2, 3, 4]),
    ((2, 3, 4), [3, 2, 4]),
])  # fmt: skip
def test_reshape(src: tuple[int, ...], shape: list[int]) -> None:
    x = f32(*src)
    check("reshape", [x], {"shape": shape}, "Reshape", onnx_inputs=[x, ints(*shape)])


@pytest.mark.parametrize(
    "axis",
    [
        0,
        1,
        2,
        -1,
    ],
)
def test_flatten(axis: int) -> None:
    check("flatten", [f32(2, 3, 4)], {"axis": axis}, "Flatten", {"axis": axis})


@pytest.mark.parametrize(("src", "axes"), [((1, 3, 1, 4), [0, 2]), ((1, 3, 1), []), ((3, 1), [-1])])
def test_squeeze(src: tuple[int, ...], axes: list[int]) -> None:
    x = f32(*src)
    check("squeeze", [x], {"axes": axes}, "Squeeze", onnx_inputs=[x, ints(*axes)] if axes else [x])


@pytest.mark.parametrize(("src", "axes"), [((3, 4), [0]), ((3, 4), [1, -1]), ((), [0, 1])])
def test_unsqueeze(src: tuple[int, ...], axes: list[int]) -> None:
    x = f32(*src)
    check("unsqueeze", [x], {"axes": axes}, "Unsqueeze", onnx_inputs=[x, ints(*axes)])


@pytest.mark.parametrize("perm", [[1, 0, 2], [2, 0, 1], [0, 1, 2], [3, 1, 0, 2]])
def test_transpose(perm: list[int]) -> None:
    x = f32(2, 3, 4) if len(perm) == 3 else f32(2, 3, 4, 5)
    check("transpose", [x], {"perm": perm}, "Transpose", {"perm": perm})


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis: int) -> None:
    shapes = [[2, 3, 4] for _ in range(2)]
    for i, s in enumerate(shapes):
        s[axis] = i + 1
    arrays = [f32(*s) for s in shapes]
    variadic = DIALECT.op("concat").operands[0].variadic
    check("concat", [arrays] if variadic else arrays, {"axis": axis}, "Concat", {"axis": axis})


@pytest.mark.parametrize(("axis", "split"), [(0, [2, 2]), (1, [1, 1, 1, 1, 1]), (-1, [3, 3])])
def test_split(axis: int, split: list[int]) -> None:
    shape = [4, 5, 6]
    x = f32(*shape)
    check(
        "split",
        [x],
        {"axis": axis, "split": split},
        "Split",
        {"axis": axis},
        onnx_inputs=[x, ints(*split)],
        opset=13,
    )


SLICES = [
    ([1], [3], [0], [1]),
    ([0, 1], [I64_MAX, -1], [1, 2], [2, 1]),
    ([-1], [-I64_MAX], [1], [-1]),  # full reverse
    ([4], [0], [2], [-2]),  # negative step, exclusive end
    ([-2, 5], [-10, 1], [0, 2], [-1, -3]),
    ([10], [20], [0], [1]),  # empty after clamping
    ([1, 0], [3, 6], [-1, 0], [1, 2]),
]


@pytest.mark.parametrize(("starts", "ends", "axes", "steps"), SLICES)
def test_slice(starts: list[int], ends: list[int], axes: list[int], steps: list[int]) -> None:
    x = f32(4, 5, 6)
    attrs = {"starts": starts, "ends": ends, "axes": axes, "steps": steps}
    ins = [x, ints(*starts), ints(*ends), ints(*axes), ints(*steps)]
    check("slice", [x], attrs, "Slice", onnx_inputs=ins)


GATHERS = [
    ((5, 4), 0, np.array([0, 4, -1, 2])),
    ((5, 4), 1, np.array([[3, -4], [0, 1]])),
    ((3, 5, 4), 1, np.array([-2, 0, 4])),
    ((3, 5, 4), -1, np.array(2)),
    ((10, 8), 0, np.array([[1, 2, 3], [-1, -2, -3]], np.int32)),
]


@pytest.mark.parametrize(("shape", "axis", "indices"), GATHERS)
def test_gather(shape: tuple[int, ...], axis: int, indices: np.ndarray[Any, Any]) -> None:
    idx = indices.astype(indices.dtype if indices.dtype == np.int32 else np.int64)
    check("gather", [f32(*shape), idx], {"axis": axis}, "Gather", {"axis": axis})


@pytest.mark.parametrize("k", [1, -2])
def test_gather_constant_scalar_index(k: int) -> None:
    x = f32(3, 5)
    idx = Const(np.array([k], np.int64).reshape(()))
    check("gather", [x, idx], {"axis": 1}, "Gather", {"axis": 1})


@pytest.mark.parametrize(("src", "shape"), [((3, 1), [2, 3, 4]), ((4,), [3, 1]), ((1, 1), [1])])
def test_expand(src: tuple[int, ...], shape: list[int]) -> None:
    x = f32(*src)
    check("expand", [x], {"shape": shape}, "Expand", onnx_inputs=[x, ints(*shape)])


PADS = [
    ("constant", [0, 1, 2, 0, 2, 1], 0.0),
    ("constant", [1, 0, 0, 1, 0, 2], 1.5),
    ("constant", [0, -1, 1, 0, 1, -2], 0.0),
    ("reflect", [0, 2, 1, 0, 1, 2], 0.0),
    ("edge", [1, 2, 0, 2, 0, 3], 0.0),
    ("wrap", [0, 2, 3, 0, 1, 2], 0.0),
    ("reflect", [0, -1, 2, 0, 1, 0], 0.0),
]


@pytest.mark.parametrize(("mode", "pads", "value"), PADS)
def test_pad(mode: str, pads: list[int], value: float) -> None:
    x = f32(2, 4, 5)
    attrs = {"pads": pads, "mode": mode, "constant_value": value}
    check(
        "pad",
        [x],
        attrs,
        "Pad",
        {"mode": mode},
        onnx_inputs=[x, ints(*pads), Const(np.array(value, np.float32))],
        opset=19,
    )


def test_pad_int() -> None:
    x = R.integers(-5, 5, (3, 4)).astype(np.int64)
    attrs = {"pads": [1, 0, 0, 2], "mode": "constant", "constant_value": 7.0}
    check("pad", [x], attrs, "Pad", onnx_inputs=[x, ints(1, 0, 0, 2), Const(np.array(7))])


RESIZES = [
    ("nearest", "asymmetric", "floor", (1, 2, 3, 4), [1, 2, 6, 8], None),
    ("nearest", "half_pixel", "round_prefer_floor", (1, 2, 4, 6), [1, 2, 7, 9], None),
    ("nearest", "pytorch_half_pixel", "round_prefer_ceil", (1, 1, 5, 5), [1, 1, 3, 2], None),
    ("nearest", "align_corners", "round_prefer_floor", (1, 2, 3, 4), [1, 2, 5, 7], None),
    ("nearest", "asymmetric", "ceil", (2, 1, 4, 4), [2, 1, 8, 8], None),
    ("nearest", "asymmetric", "floor", (1, 2, 3, 4), [1, 2, 6, 8], [1.0, 1.0, 2.0, 2.0]),
    ("linear", "half_pixel", "round_prefer_floor", (1, 2, 3, 4), [1, 2, 6, 8], None),
    ("linear", "pytorch_half_pixel", "round_prefer_floor", (1, 2, 5, 4), [1, 2, 3, 7], None),
    ("linear", "align_corners", "round_prefer_floor", (1, 2, 3, 4), [1, 2, 7, 5], None),
    ("linear", "asymmetric", "round_prefer_floor", (1, 2, 4, 4), [1, 2, 8, 6], None),
    (
        "linear",
        "half_pixel",
        "round_prefer_floor",
        (2, 3, 5, 5),
        [2, 3, 10, 10],
        [1.0, 1.0, 2.0, 2.0],
    ),
]


@pytest.mark.parametrize(("mode", "ctm", "nearest", "src", "sizes", "scales"), RESIZES)
def test_resize(
    mode: str,
    ctm: str,
    nearest: str,
    src: tuple[int, ...],
    sizes: list[int],
    scales: list[float] | None,
) -> None:
    x = f32(*src)
    attrs = {
        "sizes": sizes,
        "scales": scales or [],
        "mode": mode,
        "coordinate_transformation_mode": ctm,
        "nearest_mode": nearest,
    }
    onnx_attrs = {"mode": mode, "coordinate_transformation_mode": ctm, "nearest_mode": nearest}
    if scales:
        ins: list[Any] = [x, None, Const(np.array(scales, np.float32))]
    else:
        ins = [x, None, None, ints(*sizes)]
    check("resize", [x], attrs, "Resize", onnx_attrs, onnx_inputs=ins, opset=13)


def test_constant_and_identity() -> None:
    w = f32(3, 4)
    x = f32(3, 4)
    check("add", [x, Const(w)], {}, "Add")
    check("identity", [x], {}, "Identity")


@pytest.mark.parametrize(("shape", "value"), [
    ([2, 3], np.array([1.5], np.float32)), ([100, 3], np.array([0], np.int64)),
    ([4], np.array([7], np.int64))])  # fmt: skip
def test_constant_of_shape(shape: list[int], value: np.ndarray[Any, Any]) -> None:
    check("add", [np.ones(shape, value.dtype), Const(np.full(shape, value[0]))], {}, "Add")
    from nn_jit import run_nn

    (y,) = run_nn("constant_of_shape", [], {"shape": shape, "value": value})
    np.testing.assert_array_equal(y, np.full(shape, value[0]))


@pytest.mark.parametrize(("start", "end"), [(0, I64_MAX), (1, 3), (-2, I64_MAX), (0, -1)])
def test_shape(start: int, end: int) -> None:
    check(
        "shape",
        [f32(2, 3, 4, 5)],
        {"start": start, "end": end},
        "Shape",
        {"start": start, "end": end},
        opset=15,
    )
