// An op variant without a lowering fails the pass with a message naming the op and location.
// RUN: not strata-opt %s --convert-nn-to-linalg 2>&1 | FileCheck %s

// CHECK: convert-nn-to-linalg failed to lower
// CHECK: 'nn.scatter_elements' at loc("scatter_node"){{.*}}scatter reduction 'add' on unsigned ui8 is not supported
func.func @unsigned_scatter_add(%x: tensor<4xui8>, %i: tensor<2xi64>, %u: tensor<2xui8>) -> tensor<4xui8> {
  %0 = "nn.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "add"} : (tensor<4xui8>, tensor<2xi64>, tensor<2xui8>) -> tensor<4xui8> loc("scatter_node")
  return %0 : tensor<4xui8>
}
