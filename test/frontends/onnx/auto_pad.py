# auto_pad is resolved into explicit pads (SAME_UPPER puts the odd pad at the end, SAME_LOWER
# at the beginning, VALID pads nothing); strides and dilations are always explicit.
# RUN: %PYTHON %s %t.onnx
# RUN: strata-translate --import-onnx %t.onnx | FileCheck %s

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

w = numpy_helper.from_array(np.ones((2, 2, 3, 3), np.float32), "w")
nodes = [
    helper.make_node("Conv", ["x", "w"], ["a"], auto_pad="SAME_UPPER", strides=[2, 2]),
    helper.make_node("Conv", ["a", "w"], ["b"], auto_pad="SAME_LOWER", strides=[2, 1]),
    helper.make_node("MaxPool", ["b"], ["c"], auto_pad="VALID", kernel_shape=[2, 2]),
    helper.make_node("AveragePool", ["c"], ["y"], auto_pad="SAME_UPPER", kernel_shape=[2, 2]),
]
graph = helper.make_graph(
    nodes,
    "pads",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 10, 10])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 2, 4])],
    [w],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.save(model, sys.argv[1])

# CHECK-LABEL: func.func @main
# CHECK:       "nn.conv"({{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x10x10xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x5x5xf32>
# CHECK:       "nn.conv"({{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 1>} : (tensor<1x2x5x5xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x3x5xf32>
# CHECK:       "nn.max_pool"({{.*}}) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x5xf32>) -> tensor<1x2x2x4xf32>
# CHECK:       "nn.average_pool"({{.*}}) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
