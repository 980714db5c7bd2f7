# If / Loop / Scan import as upstream scf ops whose regions hold the sub-graphs' nn ops.
# The If branches yield different shapes, so its result dim is dynamic; the branch captures
# `x` and the constant `k` from the outer scope (the constant is materialised inside the
# region). The Loop has a condition, so it is an scf.while; its carried value is a block
# argument (nothing in the body folds), its scan output rows go into a growing buffer and the
# result is its first `count` rows. The Scan reads row `i` of `xs` per step.
# RUN: %PYTHON %s %t.onnx
# RUN: strata-translate --import-onnx %t.onnx | FileCheck %s

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
then_g = helper.make_graph(
    [helper.make_node("Mul", ["x", "k"], ["t"])],
    "then",
    [],
    [helper.make_tensor_value_info("t", F, [None])],
)
else_g = helper.make_graph(
    [helper.make_node("Concat", ["x", "x"], ["e"], axis=0)],
    "else",
    [],
    [helper.make_tensor_value_info("e", F, [None])],
)
body = helper.make_graph(
    [
        helper.make_node("Add", ["v_in", "k"], ["v_out"]),
        helper.make_node("ReduceSum", ["v_out"], ["s"], keepdims=0),
        helper.make_node("Less", ["s", "limit"], ["c_out"]),
        helper.make_node("Identity", ["v_out"], ["row"]),
    ],
    "body",
    [
        helper.make_tensor_value_info("i", I64, []),
        helper.make_tensor_value_info("c_in", B, []),
        helper.make_tensor_value_info("v_in", F, [3]),
    ],
    [
        helper.make_tensor_value_info("c_out", B, []),
        helper.make_tensor_value_info("v_out", F, [3]),
        helper.make_tensor_value_info("row", F, [3]),
    ],
)
scan_body = helper.make_graph(
    [helper.make_node("Add", ["acc", "elem"], ["acc2"])],
    "scan_body",
    [helper.make_tensor_value_info("acc", F, [3]), helper.make_tensor_value_info("elem", F, [3])],
    [helper.make_tensor_value_info("acc2", F, [3])],
)
nodes = [
    helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g, name="if0"),
    helper.make_node("Loop", ["", "c", "x"], ["v", "rows"], body=body, name="loop0"),
    helper.make_node("Scan", ["x", "xs"], ["total"], body=scan_body, num_scan_inputs=1),
]
graph = helper.make_graph(
    nodes,
    "control",
    [
        helper.make_tensor_value_info("c", B, []),
        helper.make_tensor_value_info("x", F, [3]),
        helper.make_tensor_value_info("xs", F, [4, 3]),
    ],
    [
        helper.make_tensor_value_info("y", F, [None]),
        helper.make_tensor_value_info("v", F, [3]),
        helper.make_tensor_value_info("rows", F, [None, 3]),
        helper.make_tensor_value_info("total", F, [3]),
    ],
    [
        numpy_helper.from_array(np.array(2.0, np.float32), "k"),
        numpy_helper.from_array(np.array(20.0, np.float32), "limit"),
    ],
)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])

# CHECK-LABEL: func.func @main
# CHECK-SAME:    (%[[C:.*]]: tensor<i1> {nn.name = "c"}, %[[X:.*]]: tensor<3xf32> {nn.name = "x"}, %[[XS:.*]]: tensor<4x3xf32> {nn.name = "xs"})
# CHECK-SAME:    -> (tensor<?xf32> {nn.name = "y"}, tensor<3xf32> {nn.name = "v"}, tensor<?x3xf32> {nn.name = "rows"}, tensor<3xf32> {nn.name = "total"})
# CHECK:         %[[COND:.*]] = tensor.extract %[[C]][] : tensor<i1>
# CHECK:         %[[Y:.*]] = scf.if %[[COND]] -> (tensor<?xf32>) {
# CHECK:           %[[K:.*]] = "nn.constant"() {value = dense<2.000000e+00> : tensor<f32>}
# CHECK:           %[[T:.*]] = "nn.mul"(%[[X]], %[[K]]) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
# CHECK:           %[[TC:.*]] = tensor.cast %[[T]] : tensor<3xf32> to tensor<?xf32>
# CHECK:           scf.yield %[[TC]]
# CHECK:         } else {
# CHECK:           "nn.concat"(%[[X]], %[[X]]) {axis = 0 : i64} : (tensor<3xf32>, tensor<3xf32>) -> tensor<6xf32>
# CHECK:         }
# CHECK:         %[[L:.*]]:4 = scf.while (%[[I:.*]] = %{{.*}}, %[[GO:.*]] = %{{.*}}, %[[V:.*]] = %[[X]], %[[BUF:.*]] = %{{.*}}) : (index, i1, tensor<3xf32>, tensor<?x3xf32>)
# CHECK:           scf.condition(%[[GO]])
# CHECK:         } do {
# CHECK:           "nn.add"
# CHECK:           "nn.reduce_sum"
# CHECK:           "nn.less"
# CHECK:           scf.if
# CHECK:           tensor.insert_slice
# CHECK:           scf.yield
# CHECK:         }
# CHECK:         tensor.extract_slice %[[L]]#3[0, 0] [%[[L]]#0, 3] [1, 1] : tensor<?x3xf32> to tensor<?x3xf32>
# CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[X]]) -> (tensor<3xf32>)
# CHECK:           tensor.extract_slice %[[XS]][%{{.*}}, 0] [1, 3] [1, 1] : tensor<4x3xf32> to tensor<3xf32>
# CHECK:           "nn.add"
