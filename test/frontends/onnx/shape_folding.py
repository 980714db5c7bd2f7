# The Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain of BERT/GPT-2 exports folds to
# a constant reshape once the batch dim is known (--batch-size); no nn.shape is left.
# RUN: %PYTHON %s %t.onnx
# RUN: strata-translate --import-onnx %t.onnx --batch-size 3 | FileCheck %s

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

nodes = [
    helper.make_node("Shape", ["x"], ["shape"]),
    helper.make_node("Gather", ["shape", "zero"], ["batch"], axis=0),
    helper.make_node("Gather", ["shape", "one"], ["seq"], axis=0),
    helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"]),
    helper.make_node("Unsqueeze", ["seq", "axes0"], ["seq1"]),
    helper.make_node("Concat", ["batch1", "seq1", "heads", "head_dim"], ["new_shape"], axis=0),
    helper.make_node("Reshape", ["x", "new_shape"], ["y"], name="split_heads"),
]
inits = [
    numpy_helper.from_array(np.array(0, np.int64), "zero"),
    numpy_helper.from_array(np.array(1, np.int64), "one"),
    numpy_helper.from_array(np.array([0], np.int64), "axes0"),
    numpy_helper.from_array(np.array([2], np.int64), "heads"),
    numpy_helper.from_array(np.array([4], np.int64), "head_dim"),
]
graph = helper.make_graph(
    nodes,
    "fold",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 5, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 5, 2, 4])],
    inits,
)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])

# CHECK-LABEL: func.func @main
# CHECK-SAME:    (%[[X:.*]]: tensor<3x5x8xf32> {nn.name = "x"}) -> (tensor<3x5x2x4xf32> {nn.name = "y"})
# CHECK-NOT:     nn.shape
# CHECK-NOT:     nn.gather
# CHECK-NOT:     nn.concat
# CHECK:         %[[Y:.*]] = "nn.reshape"(%[[X]]) {allowzero = 0 : i64, shape = array<i64: 3, 5, 2, 4>}
# CHECK-NEXT:    return %[[Y]]
