# strata-translate --import-onnx prints the nn module of an ONNX model built here.
# REQUIRES: onnx
# RUN: %PYTHON %s %t.onnx
# RUN: strata-translate --import-onnx %t.onnx --batch-size 2 | FileCheck %s
# RUN: strata-translate --import-onnx %t.onnx --input-shape input:4x64 --entry-func-name net | FileCheck %s --check-prefix=SHAPE
# RUN: strata-translate --import-onnx - --batch-size 1 --outputs s < %t.onnx | FileCheck %s --check-prefix=OUTPUTS
# RUN: strata-translate --import-onnx %t.onnx --batch-size 1 --mlir-elide-resource-strings-if-larger=16 | FileCheck %s --check-prefix=ELIDED
# RUN: strata-translate --import-onnx %t.onnx --batch-size 1 -o %t.mlir && strata-opt %t.mlir | FileCheck %s --check-prefix=ROUNDTRIP
# RUN: strata-translate --import-onnx %t.onnx 2>&1 | FileCheck %s --check-prefix=SYMBOLIC
# RUN: not strata-translate --import-onnx %t.onnx --input-shape input:1xq 2>&1 | FileCheck %s --check-prefix=BADSHAPE
# RUN: not strata-translate --import-onnx %s 2>&1 | FileCheck %s --check-prefix=NOTONNX
# RUN: not strata-translate --import-onnx %t.missing.onnx 2>&1 | FileCheck %s --check-prefix=MISSING

# CHECK: func.func @main(%arg0: tensor<2x64xf32> {nn.name = "input"}) -> (tensor<2x64xf32> {nn.name = "out"})
# CHECK: "nn.constant"() {value = dense_resource<{{.*}}> : tensor<64xf32>}
# CHECK: "nn.add"
# CHECK: "nn.relu"
# CHECK: dialect_resources
# CHECK-NEXT: builtin
# CHECK-NEXT: "0x04000000{{[0-9A-F]+}}"

# SHAPE: func.func @net(%arg0: tensor<4x64xf32> {nn.name = "input"}) -> (tensor<4x64xf32> {nn.name = "out"})

# OUTPUTS: -> (tensor<1x64xf32> {nn.name = "s"})
# OUTPUTS-NOT: nn.relu

# ELIDED-NOT: 0x04000000

# ROUNDTRIP: func.func @main(%arg0: tensor<1x64xf32> {nn.name = "input"})

# SYMBOLIC: func.func @main(%arg0: tensor<?x64xf32> {nn.name = "input"}) -> (tensor<?x64xf32> {nn.name = "out"})
# BADSHAPE: strata-translate: error: --input-shape 'input:1xq': dims must be integers
# NOTONNX: strata-translate: error: {{.*}}translate-onnx.py' is not a valid ONNX model
# MISSING: strata-translate: error: {{.*}}missing.onnx' does not exist

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 64])
y = helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N", 64])
bias = numpy_helper.from_array(np.arange(64, dtype=np.float32), "bias")
graph = helper.make_graph(
    [
        helper.make_node("Add", ["input", "bias"], ["s"], name="add0"),
        helper.make_node("Relu", ["s"], ["out"], name="relu0"),
    ],
    "g",
    [x],
    [y],
    [bias],
)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])
