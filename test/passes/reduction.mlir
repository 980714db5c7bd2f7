// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// keepdims: reduce into a tensor without the axis, then expand_shape.
// CHECK-DAG:   #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @reduce_mean
// CHECK:         %[[Z:.*]] = linalg.fill {{.*}} -> tensor<2x4xf32>
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]} {{.*}} outs(%[[Z]] : tensor<2x4xf32>)
// CHECK:           arith.addf
// CHECK:         %[[M:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<2x4xf32>)
// CHECK:           arith.mulf
// CHECK:         tensor.expand_shape %[[M]] {{.*}} into tensor<2x1x4xf32>
func.func @reduce_mean(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = "nn.reduce_mean"(%x) {axes = array<i64: 1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_max_all
// CHECK:         %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:         linalg.fill ins(%[[NINF]] : f32) {{.*}} -> tensor<f32>
// CHECK:         iterator_types = ["reduction", "reduction"]
// CHECK:           arith.maximumf
func.func @reduce_max_all(%x: tensor<2x3xf32>) -> tensor<f32> {
  %0 = "nn.reduce_max"(%x) {axes = array<i64>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Softmax: max reduction, exp(x - max), sum reduction, multiply by the reciprocal.
// CHECK-LABEL: func.func @softmax
// CHECK:         %[[M:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:           arith.maximumf
// CHECK:         %[[E:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[M]] : tensor<4x10xf32>, tensor<4xf32>)
// CHECK:           arith.subf
// CHECK-NOT:       math.exp
// CHECK:         %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[E]] : tensor<4x10xf32>)
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<4xf32>)
// CHECK:           arith.divf
// CHECK:         linalg.generic {{.*}} ins(%[[E]], %[[R]] : tensor<4x10xf32>, tensor<4xf32>)
// CHECK:           arith.mulf
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = "nn.softmax"(%x) {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// BatchNorm: per-channel factor and shift on [C], then x * a + c with channel maps.
// CHECK-DAG:   #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
// CHECK:         %[[A:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<3xf32>)
// CHECK:         %[[C:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<3xf32>)
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #[[CH]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[A]], %[[C]] :
func.func @batch_norm(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = "nn.batch_normalization"(%x, %s, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}
