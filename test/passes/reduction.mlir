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

// f16 Softmax rounds as numpy does: exp stored as f16, summed in f32 and rounded once, each
// quotient divided in f32 and rounded once.
// CHECK-LABEL: func.func @softmax_f16
// CHECK:         %[[E:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4x10xf16>)
// CHECK:         %[[S32:.*]] = linalg.generic {{.*}} ins(%[[E]] : tensor<4x10xf16>) outs(%{{.*}} : tensor<4xf32>)
// CHECK:           arith.extf
// CHECK:           arith.addf %{{.*}} : f32
// CHECK:         %[[S:.*]] = linalg.generic {{.*}} ins(%[[S32]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xf16>)
// CHECK:         linalg.generic {{.*}} ins(%[[E]], %[[S]] : tensor<4x10xf16>, tensor<4xf16>)
// CHECK:           arith.divf %{{.*}} : f32
// CHECK:           arith.truncf
func.func @softmax_f16(%x: tensor<4x10xf16>) -> tensor<4x10xf16> {
  %0 = "nn.softmax"(%x) {axis = -1 : i64} : (tensor<4x10xf16>) -> tensor<4x10xf16>
  return %0 : tensor<4x10xf16>
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

// -----

// The kinds share one lowering: prod starts from 1 and multiplies.
// CHECK-LABEL: func.func @reduce_prod
// CHECK:         %[[ONE:.*]] = arith.constant 1 : i32
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ONE]] : i32) {{.*}} -> tensor<3xi32>
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} {{.*}} outs(%[[INIT]] : tensor<3xi32>)
// CHECK:           arith.muli
func.func @reduce_prod(%x: tensor<2x3xi32>) -> tensor<3xi32> {
  %0 = "nn.reduce_prod"(%x) {axes = array<i64: 0>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// LogSumExp: max, then the sum of exp(x - max) (max taken as 0 where infinite), log + max.
// CHECK-LABEL: func.func @reduce_log_sum_exp
// CHECK:         %[[M:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:           arith.maximumf
// CHECK:         %[[S:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[M]] : tensor<2x3xf64>, tensor<2xf64>)
// CHECK:           arith.select
// CHECK:           math.exp
// CHECK:         linalg.generic {{.*}} ins(%[[S]], %[[M]] : tensor<2xf64>, tensor<2xf64>)
// CHECK:           math.log
// CHECK:           arith.addf
func.func @reduce_log_sum_exp(%x: tensor<2x3xf64>) -> tensor<2xf64> {
  %0 = "nn.reduce_log_sum_exp"(%x) {axes = array<i64: 1>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

// Run-time axes: a flag per dim, a generic over the keepdims result whose body loops over
// the reduced elements, then a reshape to the kept dims.
// CHECK-LABEL: func.func @dynamic_reduce_sum
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[A:.*]]: tensor<1xi64>)
// CHECK:         tensor.extract %[[A]]
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:           scf.for
// CHECK:             tensor.extract %[[X]]
// CHECK:             arith.addf
// CHECK:         tensor.reshape %[[R]]({{.*}}) : (tensor<?x?xf32>, tensor<1xindex>) -> tensor<?xf32>
func.func @dynamic_reduce_sum(%x: tensor<2x3xf32>, %a: tensor<1xi64>) -> tensor<?xf32> {
  %0 = "nn.dynamic_reduce_sum"(%x, %a) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// ArgMax carries (best, index); select_last_index takes ties (>=).
// CHECK-LABEL: func.func @arg_max
// CHECK:         %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} {{.*}} outs(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK:           linalg.index 1
// CHECK:           arith.cmpf oge
// CHECK:         tensor.expand_shape %[[R]]#1 {{.*}} into tensor<2x1xi64>
func.func @arg_max(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  %0 = "nn.arg_max"(%x) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// Hardmax: the first maximum's index (strict >), then 1 where the index matches.
// CHECK-LABEL: func.func @hardmax
// CHECK:         %[[I:.*]]:2 = linalg.generic
// CHECK:           arith.cmpf ogt
// CHECK:         linalg.generic {{.*}} ins(%[[I]]#1 : tensor<2xi64>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK:           arith.cmpi eq
func.func @hardmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.hardmax"(%x) {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// LpNormalization (p = 2): sum of squares, sqrt, divide (0 where the norm is 0).
// CHECK-LABEL: func.func @lp_normalization
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:           arith.mulf
// CHECK:         %[[N:.*]] = linalg.generic
// CHECK:           math.sqrt
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %[[N]] : tensor<2x3xf32>, tensor<2xf32>)
// CHECK:           arith.cmpf oeq
// CHECK:           arith.divf
// CHECK:           arith.select
func.func @lp_normalization(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.lp_normalization"(%x) {axis = -1 : i64, p = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// An Einsum that is a batched matrix product becomes linalg.batch_matmul.
// CHECK-LABEL: func.func @einsum_batch_matmul
// CHECK:         linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<5x2x3xf32>, tensor<5x3x4xf32>)
func.func @einsum_batch_matmul(%a: tensor<5x2x3xf32>, %b: tensor<5x3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = "nn.einsum"(%a, %b) {equation = "bij,bjk->bik"} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// -----

// Other equations are one generic: a diagonal reads one loop twice.
// CHECK-DAG:   #[[DIAG:.*]] = affine_map<(d0, d1) -> (d0, d1, d1)>
// CHECK-LABEL: func.func @einsum_diagonal
// CHECK:         linalg.generic {indexing_maps = [#[[DIAG]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK:           arith.addf
func.func @einsum_diagonal(%a: tensor<3x5x5xf64>) -> tensor<3x5xf64> {
  %0 = "nn.einsum"(%a) {equation = "...ii->...i"} : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
  return %0 : tensor<3x5xf64>
}

// -----

// Det: per matrix, pivot search, row swap (sign flip), elimination below the pivot.
// CHECK-LABEL: func.func @det
// CHECK:         scf.for {{.*}} -> (tensor<3xf32>)
// CHECK:           tensor.extract_slice {{.*}} to tensor<1x2x2xf32>
// CHECK:           scf.for {{.*}} -> (tensor<1x2x2xf32>, f32)
// CHECK:             math.absf
// CHECK:             arith.negf
// CHECK:             arith.divf
// CHECK:           tensor.insert
func.func @det(%x: tensor<3x2x2xf32>) -> tensor<3xf32> {
  %0 = "nn.det"(%x) : (tensor<3x2x2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
