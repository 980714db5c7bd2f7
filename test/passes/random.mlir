// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Training-mode Dropout: one generic with the output and the keep mask; each element hashes
// its linear index (splitmix64) into u in [0, 1) and is kept where u >= ratio or not training.
// CHECK-LABEL: func.func @training_dropout
// CHECK-SAME:    (%[[X:.*]]: tensor<3x4xf32>, %[[R:.*]]: tensor<f32>, %[[T:.*]]: tensor<i1>)
// CHECK:         tensor.extract %[[R]]
// CHECK:         tensor.extract %[[T]]
// CHECK:         linalg.generic {{.*}} ins(%[[X]] : tensor<3x4xf32>) outs(%{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<3x4xi1>)
// CHECK:           arith.shrui
// CHECK:           arith.muli
// CHECK:           arith.uitofp
// CHECK:           arith.cmpf oge
// CHECK:           linalg.yield
func.func @training_dropout(%x: tensor<3x4xf32>, %r: tensor<f32>, %t: tensor<i1>) -> (tensor<3x4xf32>, tensor<3x4xi1>) {
  %0:2 = "nn.training_dropout"(%x, %r, %t) {seed = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3x4xf32>, tensor<f32>, tensor<i1>) -> (tensor<3x4xf32>, tensor<3x4xi1>)
  return %0#0, %0#1 : tensor<3x4xf32>, tensor<3x4xi1>
}
