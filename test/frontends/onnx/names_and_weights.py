# Graph input/output names become nn.name attributes, node names become locations, and
# initializers become dense_resource blobs (tiny ones stay inline).
# RUN: %PYTHON %s %t.onnx
# RUN: strata-translate --import-onnx %t.onnx --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
# RUN: strata-translate --import-onnx %t.onnx | FileCheck %s --check-prefix=BLOB

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
nodes = [
    helper.make_node("Conv", ["image", "conv.weight", "conv.bias"], ["c"], name="stem/conv"),
    helper.make_node("Relu", ["c"], ["probabilities"], name="stem/relu"),
]
inits = [
    numpy_helper.from_array(rng.random((4, 3, 3, 3), dtype=np.float32), "conv.weight"),
    numpy_helper.from_array(rng.random(4, dtype=np.float32), "conv.bias"),
]
graph = helper.make_graph(
    nodes,
    "names",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 8, 8])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 4, 6, 6])],
    inits,
)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])

# CHECK-LABEL: func.func @main
# CHECK-SAME:    (%[[X:.*]]: tensor<1x3x8x8xf32> {nn.name = "image"}
# CHECK-SAME:    -> (tensor<1x4x6x6xf32> {nn.name = "probabilities"})
# CHECK:         %[[W:.*]] = "nn.constant"() {value = dense_resource<conv.weight> : tensor<4x3x3x3xf32>} {{.*}} loc("conv.weight")
# CHECK:         %[[B:.*]] = "nn.constant"() {value = dense<[{{.*}}]> : tensor<4xf32>}
# CHECK:         %[[C:.*]] = "nn.conv"(%[[X]], %[[W]], %[[B]])
# CHECK-SAME:      dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>
# CHECK-SAME:      loc("stem/conv")
# CHECK:         %[[R:.*]] = "nn.relu"(%[[C]]) {{.*}} loc("stem/relu")
# CHECK:         return %[[R]]

# The blob itself is printed in the resource section (not with --mlir-print-local-scope).
# BLOB:       dense_resource<conv.weight> : tensor<4x3x3x3xf32>
# BLOB:       dialect_resources: {
# BLOB-NEXT:    builtin: {
# BLOB-NEXT:      conv.weight: "0x04000000
