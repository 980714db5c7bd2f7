// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Gemm with transB: the transpose is an indexing map of linalg.matmul; beta * c (beta = 1)
// is broadcast into the accumulator.
// CHECK-DAG:   #[[MA:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[MBT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:   #[[MC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-SAME:    (%[[A:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<5x4xf32>, %[[C:.*]]: tensor<5xf32>)
// CHECK:         %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<5xf32>) outs(%{{.*}} : tensor<3x5xf32>)
// CHECK:         %[[Y:.*]] = linalg.matmul indexing_maps = [#[[MA]], #[[MBT]], #[[MC]]] ins(%[[A]], %[[B]] : {{.*}}) outs(%[[INIT]] : tensor<3x5xf32>)
// CHECK:         return %[[Y]]
func.func @gemm_trans_b(%a: tensor<3x4xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = "nn.gemm"(%a, %b, %c) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// alpha != 1: zero accumulator, then one epilogue generic alpha * y + beta * c.
// CHECK-LABEL: func.func @gemm_alpha
// CHECK:         %[[Z:.*]] = linalg.fill
// CHECK:         %[[Y:.*]] = linalg.matmul ins({{.*}}) outs(%[[Z]] : tensor<3x5xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[Y]], %{{.*}} : tensor<3x5xf32>, tensor<3x5xf32>)
// CHECK-COUNT-2:   arith.mulf
// CHECK:           arith.addf
func.func @gemm_alpha(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = "nn.gemm"(%a, %b, %c) {alpha = 0.5 : f32, beta = 2.0 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Batch dims only on the left operand fold into the rows of one 2-d matmul.
// CHECK-LABEL: func.func @matmul_rows
// CHECK-SAME:    (%[[A:.*]]: tensor<2x8x16xf32>, %[[B:.*]]: tensor<16x4xf32>)
// CHECK:         %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2]] : tensor<2x8x16xf32> into tensor<16x16xf32>
// CHECK:         %[[Y:.*]] = linalg.matmul ins(%[[A2]], %[[B]] : tensor<16x16xf32>, tensor<16x4xf32>)
// CHECK:         %[[R:.*]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2]] output_shape [2, 8, 4]
// CHECK:         return %[[R]]
func.func @matmul_rows(%a: tensor<2x8x16xf32>, %b: tensor<16x4xf32>) -> tensor<2x8x4xf32> {
  %0 = "nn.mat_mul"(%a, %b) : (tensor<2x8x16xf32>, tensor<16x4xf32>) -> tensor<2x8x4xf32>
  return %0 : tensor<2x8x4xf32>
}

// -----

// Equal batch dims: collapsed into one batch_matmul dim.
// CHECK-LABEL: func.func @matmul_batched
// CHECK:         tensor.collapse_shape {{.*}} into tensor<6x8x16xf32>
// CHECK:         tensor.collapse_shape {{.*}} into tensor<6x16x4xf32>
// CHECK:         %[[Y:.*]] = linalg.batch_matmul
// CHECK:         tensor.expand_shape %[[Y]] {{.*}} into tensor<2x3x8x4xf32>
func.func @matmul_batched(%a: tensor<2x3x8x16xf32>, %b: tensor<2x3x16x4xf32>) -> tensor<2x3x8x4xf32> {
  %0 = "nn.mat_mul"(%a, %b) : (tensor<2x3x8x16xf32>, tensor<2x3x16x4xf32>) -> tensor<2x3x8x4xf32>
  return %0 : tensor<2x3x8x4xf32>
}

// -----

// Broadcast batch dims: a contraction generic whose maps pin size-1 batch dims to 0.
// CHECK-DAG:   #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG:   #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK:           arith.mulf
// CHECK:           arith.addf
func.func @matmul_broadcast(%a: tensor<2x1x8x16xf32>, %b: tensor<3x16x4xf32>) -> tensor<2x3x8x4xf32> {
  %0 = "nn.mat_mul"(%a, %b) : (tensor<2x1x8x16xf32>, tensor<3x16x4xf32>) -> tensor<2x3x8x4xf32>
  return %0 : tensor<2x3x8x4xf32>
}

// -----

// f16 MatMul sums the products in f32 and rounds the result once (numpy's float16 matmul).
// CHECK-LABEL: func.func @matmul_f16
// CHECK:         %[[Z:.*]] = linalg.fill {{.*}} -> tensor<3x5xf32>
// CHECK:         %[[Y:.*]] = linalg.matmul ins({{.*}} : tensor<3x4xf16>, tensor<4x5xf16>) outs(%[[Z]] : tensor<3x5xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[Y]] : tensor<3x5xf32>)
// CHECK:           arith.truncf %{{.*}} : f32 to f16
func.func @matmul_f16(%a: tensor<3x4xf16>, %b: tensor<4x5xf16>) -> tensor<3x5xf16> {
  %0 = "nn.mat_mul"(%a, %b) : (tensor<3x4xf16>, tensor<4x5xf16>) -> tensor<3x5xf16>
  return %0 : tensor<3x5xf16>
}
