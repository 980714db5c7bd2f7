"""Bool tensors end to end: graph inputs, outputs, constants and casts (stored as i8)."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

import strata


def test_bool_inputs_outputs_constants_and_casts() -> None:
    mask = numpy_helper.from_array(np.array([True, False, True]), "mask")
    nodes = [
        helper.make_node("Less", ["x", "y"], ["lt"]),
        helper.make_node("Not", ["lt"], ["ge"]),
        helper.make_node("And", ["ge", "b"], ["both"]),
        helper.make_node("And", ["both", "mask"], ["masked"]),
        helper.make_node("Where", ["masked", "x", "y"], ["picked"]),
        helper.make_node("Cast", ["masked"], ["as_float"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["x"], ["nonzero"], to=TensorProto.BOOL),
    ]
    f32 = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [2, 3]) for n in ("x", "y")]
    graph = helper.make_graph(
        nodes,
        "bools",
        [*f32, helper.make_tensor_value_info("b", TensorProto.BOOL, [2, 3])],
        [
            helper.make_tensor_value_info("masked", TensorProto.BOOL, [2, 3]),
            helper.make_tensor_value_info("picked", TensorProto.FLOAT, [2, 3]),
            helper.make_tensor_value_info("as_float", TensorProto.FLOAT, [2, 3]),
            helper.make_tensor_value_info("nonzero", TensorProto.BOOL, [2, 3]),
        ],
        [mask],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    x[0, 1] = 0.0
    inputs = {
        "x": x,
        "y": rng.standard_normal((2, 3)).astype(np.float32),
        "b": rng.random((2, 3)) > 0.3,
    }

    got = strata.compile(model).run(inputs)
    want = ort.InferenceSession(model.SerializeToString()).run(None, inputs)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
