"""Each converter on a one- or few-node model: the imported function's result types must equal
the shapes and dtypes ONNX Runtime produces for the same model (values are checked end to end
once lowering exists)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from strata.frontends.onnx import import_model

ort = pytest.importorskip("onnxruntime")

F = TensorProto.FLOAT
I64 = TensorProto.INT64
BOOL = TensorProto.BOOL


@dataclass
class Case:
    name: str
    nodes: list[onnx.NodeProto]
    inputs: list[tuple[str, int, list[int]]]
    outputs: list[str]
    inits: dict[str, np.ndarray] = field(default_factory=dict)
    opset: int = 17

    def model(self) -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes,
            self.name,
            [helper.make_tensor_value_info(n, t, s) for n, t, s in self.inputs],
            [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None) for o in self.outputs],
            [numpy_helper.from_array(v, k) for k, v in self.inits.items()],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)])
        model.ir_version = min(model.ir_version, 10)  # what this onnxruntime accepts
        return onnx.shape_inference.infer_shapes(model)


def n(op: str, ins: Sequence[str], outs: Sequence[str] = ("y",), **attrs: object) -> onnx.NodeProto:
    return helper.make_node(op, list(ins), list(outs), **attrs)


def w(*shape: int) -> np.ndarray:
    return np.random.default_rng(1).random(shape, dtype=np.float32)


def i64(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


X4 = [("x", F, [1, 4, 9, 9])]
CASES = [
    Case(
        "conv_group_dilation",
        [n("Conv", ["x", "w", "b"], group=2, dilations=[2, 2], pads=[1, 0, 2, 1], strides=[2, 1])],
        X4,
        ["y"],
        {"w": w(6, 2, 3, 3), "b": w(6)},
    ),
    Case(
        "conv_same_lower",
        [n("Conv", ["x", "w"], auto_pad="SAME_LOWER", strides=[2, 3])],
        X4,
        ["y"],
        {"w": w(4, 4, 4, 2)},
    ),
    Case(
        "conv_depthwise",
        [n("Conv", ["x", "w"], group=4, pads=[1, 1, 1, 1])],
        X4,
        ["y"],
        {"w": w(4, 1, 3, 3)},
    ),
    Case(
        "conv_1d",
        [n("Conv", ["x", "w"], auto_pad="VALID")],
        [("x", F, [2, 3, 10])],
        ["y"],
        {"w": w(5, 3, 4)},
    ),
    Case(
        "conv_transpose",
        [n("ConvTranspose", ["x", "w"], strides=[2, 2], pads=[1, 1, 0, 0], output_padding=[1, 0])],
        X4,
        ["y"],
        {"w": w(4, 3, 3, 3)},
    ),
    Case(
        "conv_transpose_output_shape",
        [n("ConvTranspose", ["x", "w"], strides=[2, 2], output_shape=[18, 19])],
        X4,
        ["y"],
        {"w": w(4, 2, 3, 3)},
    ),
    Case(
        "conv_transpose_same_upper",
        [n("ConvTranspose", ["x", "w"], strides=[2, 2], auto_pad="SAME_UPPER")],
        X4,
        ["y"],
        {"w": w(4, 2, 3, 3)},
    ),
    Case(
        "max_pool_ceil",
        [n("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)],
        X4,
        ["y"],
    ),
    Case(
        "max_pool_same",
        [n("MaxPool", ["x"], kernel_shape=[2, 2], strides=[2, 2], auto_pad="SAME_UPPER")],
        X4,
        ["y"],
    ),
    Case(
        "average_pool_pads",
        [n("AveragePool", ["x"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)],
        X4,
        ["y"],
    ),
    Case(
        "global_pools",
        [n("GlobalAveragePool", ["x"], ["a"]), n("GlobalMaxPool", ["x"], ["b"])],
        X4,
        ["a", "b"],
    ),
    Case(
        "gemm_trans",
        [n("Gemm", ["a", "b", "c"], transA=1, transB=1, alpha=0.5)],
        [("a", F, [3, 2])],
        ["y"],
        {"b": w(4, 3), "c": w(4)},
    ),
    Case("gemm_no_c", [n("Gemm", ["a", "b"])], [("a", F, [2, 3])], ["y"], {"b": w(3, 5)}),
    Case(
        "matmul_batched",
        [n("MatMul", ["a", "b"])],
        [("a", F, [2, 1, 3, 4]), ("b", F, [5, 4, 6])],
        ["y"],
    ),
    Case("matmul_vector", [n("MatMul", ["a", "b"])], [("a", F, [4]), ("b", F, [2, 4, 3])], ["y"]),
    Case(
        "batch_norm",
        [n("BatchNormalization", ["x", "s", "b", "m", "v"])],
        X4,
        ["y"],
        {"s": w(4), "b": w(4), "m": w(4), "v": w(4)},
    ),
    Case(
        "layer_norm",
        [n("LayerNormalization", ["x", "s", "b"], axis=-2)],
        X4,
        ["y"],
        {"s": w(9, 9), "b": w(9, 9)},
    ),
    Case("softmax_11_axis1", [n("Softmax", ["x"])], X4, ["y"], opset=11),
    Case("log_softmax_13", [n("LogSoftmax", ["x"], axis=1)], X4, ["y"], opset=13),
    Case("reshape_zero_minus1", [n("Reshape", ["x", "s"])], X4, ["y"], {"s": i64(0, -1, 3)}),
    Case("transpose_default", [n("Transpose", ["x"])], X4, ["y"]),
    Case("flatten_0", [n("Flatten", ["x"], axis=0)], X4, ["y"]),
    Case("squeeze_all", [n("Squeeze", ["x"])], [("x", F, [1, 3, 1, 2])], ["y"]),
    Case("unsqueeze_neg", [n("Unsqueeze", ["x", "a"])], X4, ["y"], {"a": i64(-1, 1)}),
    Case(
        "concat_three",
        [n("Concat", ["a", "b", "c"], axis=-1)],
        [("a", F, [2, 3]), ("b", F, [2, 1]), ("c", F, [2, 4])],
        ["y"],
    ),
    Case(
        "split_uneven_13",
        [n("Split", ["x", "s"], ["p", "q", "r"], axis=1)],
        [("x", F, [2, 7])],
        ["p", "q", "r"],
        {"s": i64(2, 4, 1)},
        opset=13,
    ),
    Case(
        "split_num_outputs_18",
        [n("Split", ["x"], ["p", "q", "r"], axis=1, num_outputs=3)],
        [("x", F, [2, 7])],
        ["p", "q", "r"],
        opset=18,
    ),
    Case(
        "split_equal_11",
        [n("Split", ["x"], ["p", "q"], axis=0)],
        [("x", F, [4, 7])],
        ["p", "q"],
        opset=11,
    ),
    Case(
        "slice_negative_steps",
        [n("Slice", ["x", "st", "en", "ax", "sp"])],
        X4,
        ["y"],
        {"st": i64(-1, 1), "en": i64(-(2**63), 100), "ax": i64(3, 1), "sp": i64(-2, 2)},
    ),
    Case(
        "slice_defaults",
        [n("Slice", ["x", "st", "en"])],
        X4,
        ["y"],
        {"st": i64(0, 1), "en": i64(1, -1)},
    ),
    Case(
        "gather_runtime_indices",
        [n("Gather", ["e", "ids"], axis=0)],
        [("ids", I64, [2, 5])],
        ["y"],
        {"e": w(10, 6)},
    ),
    Case(
        "gather_negative_const", [n("Gather", ["x", "ids"], axis=1)], X4, ["y"], {"ids": i64(-1, 0)}
    ),
    Case("expand", [n("Expand", ["x", "s"])], [("x", F, [3, 1])], ["y"], {"s": i64(2, 1, 4)}),
    Case(
        "pad_11",
        [n("Pad", ["x", "p", "v"], mode="constant")],
        X4,
        ["y"],
        {"p": i64(0, 0, 1, 2, 0, 0, 3, 0), "v": np.array(1.5, np.float32)},
        opset=11,
    ),
    Case(
        "pad_18_axes_reflect",
        [n("Pad", ["x", "p", "", "a"], mode="reflect")],
        X4,
        ["y"],
        {"p": i64(1, 2, 2, 1), "a": i64(-1, 2)},
        opset=18,
    ),
    Case(
        "resize_scales",
        [n("Resize", ["x", "", "sc"], mode="nearest")],
        X4,
        ["y"],
        {"sc": np.array([1, 1, 2, 2], np.float32)},
        opset=13,
    ),
    Case(
        "resize_sizes_linear",
        [n("Resize", ["x", "", "", "sz"], mode="linear")],
        X4,
        ["y"],
        {"sz": i64(1, 4, 5, 12)},
        opset=13,
    ),
    Case(
        "resize_11_empty_scales",
        [n("Resize", ["x", "roi", "sc", "sz"])],
        X4,
        ["y"],
        {"roi": np.zeros(0, np.float32), "sc": np.zeros(0, np.float32), "sz": i64(1, 4, 18, 18)},
        opset=11,
    ),
    Case(
        "where_compare",
        [n("Greater", ["a", "b"], ["c"]), n("Where", ["c", "a", "b"])],
        [("a", F, [2, 3]), ("b", F, [3])],
        ["y"],
    ),
    Case(
        "logic",
        [
            n("Less", ["a", "b"], ["l"]),
            n("Equal", ["a", "b"], ["e"]),
            n("Or", ["l", "e"], ["o"]),
            n("Not", ["o"], ["y"]),
        ],
        [("a", F, [2, 3]), ("b", F, [2, 1])],
        ["y"],
    ),
    Case("cast_bool", [n("Cast", ["x"], to=BOOL)], X4, ["y"]),
    Case("pow_int_exponent", [n("Pow", ["x", "e"])], X4, ["y"], {"e": np.array(2, np.int64)}),
    Case("clip_max_only", [n("Clip", ["x", "", "hi"])], X4, ["y"], {"hi": np.array(6, np.float32)}),
    Case("clip_runtime_min", [n("Clip", ["x", "lo"])], [("x", F, [3]), ("lo", F, [])], ["y"]),
    Case("clip_bound_1", [n("Clip", ["x", "lo"])], [("x", F, [3]), ("lo", F, [1])], ["y"]),
    Case(
        "cast_like_mod_bitshift",
        [
            n("CastLike", ["x", "like"], ["u"]),
            n("Mod", ["u", "m"], ["r"]),
            n("BitShift", ["r", "s"], ["y"], direction="LEFT"),
        ],
        [("x", F, [2, 3]), ("like", TensorProto.UINT32, [1])],
        ["y"],
        {"m": np.array([7, 3, 2], np.uint32), "s": np.array(2, np.uint32)},
    ),
    Case(
        "math_and_activations",
        [
            n("Cos", ["x"], ["a"]),
            n("Round", ["a"], ["b"]),
            n("Softplus", ["b"], ["c"]),
            n("PRelu", ["c", "slope"], ["d"]),
            n("IsInf", ["d"], ["y"], detect_negative=0),
        ],
        X4,
        ["y"],
        {"slope": w(9)},
    ),
    Case(
        "bitwise_unsigned",
        [n("BitwiseAnd", ["a", "b"], ["c"]), n("BitwiseNot", ["c"], ["y"])],
        [("a", TensorProto.UINT64, [2, 3]), ("b", TensorProto.UINT64, [3])],
        ["y"],
        opset=18,
    ),
    Case(
        "variadic",
        [
            n("Max", ["a", "b", "c"], ["m"]),
            n("Sum", ["a", "m"], ["s"]),
            n("Mean", ["s", "b"], ["y"]),
        ],
        [("a", F, [2, 3]), ("b", F, [3]), ("c", F, [1, 3])],
        ["y"],
    ),
    Case(
        "reduce_mean_18",
        [n("ReduceMean", ["x", "a"], keepdims=0)],
        X4,
        ["y"],
        {"a": i64(-1, 1)},
        opset=18,
    ),
    Case("reduce_max_all", [n("ReduceMax", ["x"])], X4, ["y"], opset=18),
    Case(
        "reduce_sum_13_noop", [n("ReduceSum", ["x"], noop_with_empty_axes=1)], X4, ["y"], opset=13
    ),
    Case("reduce_sum_11", [n("ReduceSum", ["x"], axes=[0, 2], keepdims=0)], X4, ["y"], opset=11),
    Case("reduce_l2_11", [n("ReduceL2", ["x"], axes=[-1], keepdims=0)], X4, ["y"], opset=11),
    Case(
        "reduce_kinds_18",
        [
            n("ReduceLogSumExp", ["x", "a"], ["l"]),
            n("ReduceProd", ["l", "a"], ["p"], keepdims=0),
            n("ReduceMin", ["p"], ["y"]),
        ],
        X4,
        ["y"],
        {"a": i64(1)},
        opset=18,
    ),
    Case(
        "arg_max_min",
        [n("ArgMax", ["x"], ["a"], axis=2), n("ArgMin", ["x"], ["b"], keepdims=0)],
        X4,
        ["a", "b"],
        opset=13,
    ),
    Case("hardmax_11", [n("Hardmax", ["x"], axis=2)], X4, ["y"], opset=11),
    Case("hardmax_13", [n("Hardmax", ["x"], axis=2)], X4, ["y"], opset=13),
    Case("lp_normalization", [n("LpNormalization", ["x"], axis=1, p=1)], X4, ["y"]),
    Case(
        "top_k_constant_k",
        [n("TopK", ["x", "k"], ["v", "i"], axis=1, largest=0)],
        X4,
        ["v", "i"],
        {"k": i64(3)},
        opset=11,
    ),
    Case("cum_sum_constant_axis", [n("CumSum", ["x", "a"], reverse=1)], X4, ["y"], {"a": i64(2)}),
    Case(
        "einsum_chain",
        [n("Einsum", ["a", "b", "c"], equation="ij,jk,kl->li")],
        [("a", F, [2, 3]), ("b", F, [3, 4]), ("c", F, [4, 5])],
        ["y"],
        opset=12,
    ),
    Case("det", [n("Det", ["x"])], X4, ["y"], opset=11),
    Case(
        "activations",
        [
            n("HardSigmoid", ["x"], ["a"], alpha=0.3),
            n("LeakyRelu", ["a"], ["b"]),
            n("Erf", ["b"], ["c"]),
            n("Tanh", ["c"], ["d"]),
            n("Sigmoid", ["d"], ["e"]),
            n("Gelu", ["e"], ["y"], approximate="tanh"),
        ],
        X4,
        ["y"],
        opset=20,
    ),
    Case(
        "constant_of_shape_big",
        [
            n("ConstantOfShape", ["s"], ["c"], value=helper.make_tensor("v", F, [1], [2.0])),
            n("Add", ["x", "c"]),
        ],
        [("x", F, [1])],
        ["y"],
        {"s": i64(256, 512)},
    ),
    Case(
        "dropout_mask", [n("Dropout", ["x"], ["y", "m"])], [("x", F, [2, 3])], ["y", "m"], opset=13
    ),
    Case(
        "grid_sample_16_bicubic",
        [n("GridSample", ["x", "g"], mode="bicubic", padding_mode="border")],
        [("x", F, [1, 2, 5, 6]), ("g", F, [1, 3, 4, 2])],
        ["y"],
        opset=16,
    ),
    Case(
        "max_pool_indices_ceil",
        [n("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)],
        X4,
        ["y", "i"],
    ),
    Case(
        "col2im_constant_shapes",
        [n("Col2Im", ["x", "img", "blk"], strides=[2, 1])],
        [("x", F, [1, 12, 6])],
        ["y"],
        {"img": i64(5, 4), "blk": i64(2, 2)},
        opset=18,
    ),
    Case(
        "affine_grid_constant_size",
        [n("AffineGrid", ["t", "s"])],
        [("t", F, [2, 3, 4])],
        ["y"],
        {"s": i64(2, 1, 3, 4, 5)},
        opset=20,
    ),
    # indexing and rearranging ops; constant config inputs give the static op forms
    Case(
        "gather_nd",
        [n("GatherND", ["x", "i"], batch_dims=1)],
        X4,
        ["y"],
        {"i": np.array([[[1, 2]]], np.int64)},
        opset=13,
    ),
    Case(
        "scatter_nd",
        [n("ScatterND", ["x", "i", "u"])],
        [("x", F, [4, 3]), ("u", F, [2, 3])],
        ["y"],
        {"i": np.array([[1], [3]], np.int64)},
        opset=16,
    ),
    Case(
        "one_hot_const_depth",
        [n("OneHot", ["i", "d", "v"], axis=0)],
        [("v", F, [2])],
        ["y"],
        {"i": i64(0, 2, 1), "d": np.array(5, np.int64)},
        opset=11,
    ),
    Case("tile_const", [n("Tile", ["x", "r"])], X4, ["y"], {"r": i64(1, 2, 1, 3)}, opset=13),
    Case("depth_to_space_crd", [n("DepthToSpace", ["x"], blocksize=2, mode="CRD")], X4, ["y"]),
    Case("space_to_depth", [n("SpaceToDepth", ["x"], blocksize=3)], X4, ["y"]),
    Case(
        "trilu_k",
        [n("Trilu", ["x", "k"], upper=0)],
        X4,
        ["y"],
        {"k": np.array(2, np.int64)},
        opset=14,
    ),
    Case("eye_like_int", [n("EyeLike", ["x"], dtype=I64, k=-1)], [("x", F, [3, 5])], ["y"]),
    Case(
        "reverse_sequence",
        [n("ReverseSequence", ["x", "l"], batch_axis=0, time_axis=1)],
        [("x", F, [3, 4, 2])],
        ["y"],
        {"l": i64(4, 1, 3)},
    ),
    Case(
        "center_crop_pad_const",
        [n("CenterCropPad", ["x", "s"], axes=[2, -1])],
        X4,
        ["y"],
        {"s": i64(4, 12)},
        opset=18,
    ),
    Case(
        "resize_tf_crop_const_roi",
        [
            n(
                "Resize",
                ["x", "roi", "", "sz"],
                mode="linear",
                coordinate_transformation_mode="tf_crop_and_resize",
                axes=[2, 3],
            )
        ],
        X4,
        ["y"],
        {"roi": np.array([0.1, 0.2, 0.9, 1.1], np.float32), "sz": i64(5, 7)},
        opset=19,
    ),
    Case(
        "resize_antialias_not_smaller",
        [
            n(
                "Resize",
                ["x", "", "", "sz"],
                mode="cubic",
                antialias=1,
                axes=[2, 3],
                keep_aspect_ratio_policy="not_smaller",
            )
        ],
        X4,
        ["y"],
        {"sz": i64(4, 3)},
        opset=19,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_result_types_match_onnxruntime(case: Case) -> None:
    model = case.model()
    rng = np.random.default_rng(0)
    feeds = {}
    for name, elem, shape in case.inputs:
        dtype = helper.tensor_dtype_to_np_dtype(elem)
        feeds[name] = np.asarray(rng.random(shape) * 5).astype(dtype)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    expected = session.run(case.outputs, feeds)
    imported = import_model(model)
    got = [(o.shape, o.dtype) for o in imported.outputs]
    assert got == [(tuple(e.shape), e.dtype) for e in expected]


def test_upsample_and_scatter_convert_at_their_opsets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Upsample-9 is Resize with asymmetric coordinates and floor rounding; Scatter-10 is
    ScatterElements. (Opsets below 11 do not import yet; the converters are checked here.)"""
    from strata.frontends.onnx import loader

    monkeypatch.setattr(loader, "MIN_OPSET", 7)
    scales = np.array([1, 1, 2, 3], np.float32)
    cases = [
        Case("upsample_9", [n("Upsample", ["x", "s"])], [("x", F, [1, 2, 3, 4])], ["y"],
             {"s": scales}, opset=9),
        Case("upsample_9_run_time", [n("Upsample", ["x", "s"], mode="linear")],
             [("x", F, [1, 2, 3, 4]), ("s", F, [4])], ["y"], opset=9),
        Case("upsample_7", [n("Upsample", ["x"], scales=[1.0, 1.0, 2.0, 2.0])],
             [("x", F, [1, 1, 2, 2])], ["y"], opset=7),
        Case("scatter_10", [n("Scatter", ["x", "i", "u"], axis=1)],
             [("x", F, [2, 5]), ("u", F, [2, 2])], ["y"], {"i": i64(1, 3, 0, 4).reshape(2, 2)},
             opset=10),
    ]  # fmt: skip
    seen = []  # (op name, coordinate mode, nearest mode, result type), read while alive
    for case in cases:
        imported = import_model(case.model())
        body = imported.module.body.operations[0].regions[0].blocks[0]
        for op in body.operations:
            o = op.operation
            if o.name in ("func.return", "nn.constant"):
                continue
            attrs = {k: str(o.attributes[k]) for k in o.attributes}
            seen.append(
                (
                    o.name,
                    attrs.get("coordinate_transformation_mode"),
                    attrs.get("nearest_mode"),
                    str(o.results[0].type),
                )
            )
        del body, imported
    resize = ('"asymmetric"', '"floor"')
    assert seen == [
        ("nn.resize", *resize, "tensor<1x2x6x12xf32>"),
        ("nn.dynamic_resize", *resize, "tensor<?x?x?x?xf32>"),
        ("nn.resize", *resize, "tensor<1x1x4x4xf32>"),
        ("nn.scatter_elements", None, None, "tensor<2x5xf32>"),
    ]
