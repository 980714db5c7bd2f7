# Squeeze/Unsqueeze/ReduceMean take `axes` as an attribute in early opsets and as an input
# later; Clip's bounds are inputs (0-d operands). Both forms import to the same nn ops.
# RUN: %PYTHON %s %t 11
# RUN: strata-translate --import-onnx %t.11.onnx | FileCheck %s
# RUN: %PYTHON %s %t 18
# RUN: strata-translate --import-onnx %t.18.onnx | FileCheck %s

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

opset = int(sys.argv[2])
inits = [
    numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
    numpy_helper.from_array(np.array(6.0, np.float32), "hi"),
]
if opset < 13:
    squeeze = helper.make_node("Squeeze", ["x"], ["s"], axes=[1])
    unsqueeze = helper.make_node("Unsqueeze", ["c"], ["u"], axes=[0])
    reduce = helper.make_node("ReduceMean", ["u"], ["y"], axes=[-1], keepdims=0)
else:
    inits += [
        numpy_helper.from_array(np.array([1], np.int64), "sq_axes"),
        numpy_helper.from_array(np.array([0], np.int64), "unsq_axes"),
        numpy_helper.from_array(np.array([-1], np.int64), "red_axes"),
    ]
    squeeze = helper.make_node("Squeeze", ["x", "sq_axes"], ["s"])
    unsqueeze = helper.make_node("Unsqueeze", ["c", "unsq_axes"], ["u"])
    reduce = helper.make_node("ReduceMean", ["u", "red_axes"], ["y"], keepdims=0)
nodes = [squeeze, helper.make_node("Clip", ["s", "lo", "hi"], ["c"]), unsqueeze, reduce]
graph = helper.make_graph(
    nodes,
    "axes",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 1, 7])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
    inits,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
onnx.save(model, f"{sys.argv[1]}.{opset}.onnx")

# CHECK-LABEL: func.func @main
# CHECK:         %[[S:.*]] = "nn.squeeze"(%{{.*}}) {axes = array<i64: 1>} : (tensor<2x1x7xf32>) -> tensor<2x7xf32>
# CHECK:         %[[LO:.*]] = "nn.constant"() {value = dense<0.000000e+00> : tensor<f32>}
# CHECK:         %[[HI:.*]] = "nn.constant"() {value = dense<6.000000e+00> : tensor<f32>}
# CHECK:         %[[C:.*]] = "nn.clip"(%[[S]], %[[LO]], %[[HI]]) {operandSegmentSizes = array<i32: 1, 1, 1>}
# CHECK:         %[[U:.*]] = "nn.unsqueeze"(%[[C]]) {axes = array<i64: 0>} : (tensor<2x7xf32>) -> tensor<1x2x7xf32>
# CHECK:         "nn.reduce_mean"(%[[U]]) {axes = array<i64: 2>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<1x2x7xf32>) -> tensor<1x2xf32>
