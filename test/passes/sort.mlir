// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// TopK: per row, a new element that beats the k-th is written at the end and bubbled up
// past strictly worse entries (equal values keep the lower index first).
// CHECK-LABEL: func.func @top_k
// CHECK:         scf.for {{.*}} -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK:           scf.for
// CHECK:             arith.cmpf ogt
// CHECK:             scf.if
// CHECK:               tensor.insert
// CHECK:               scf.for
// CHECK:                 arith.cmpf ogt
func.func @top_k(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = "nn.top_k"(%x) {axis = -1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// A run-time k sizes the results (clamped to the axis); axis 0 is moved last first.
// CHECK-LABEL: func.func @dynamic_top_k
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xi64>, %[[K:.*]]: tensor<1xi64>)
// CHECK:         tensor.extract %[[K]]
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<4x3xi64>)
// CHECK:         scf.for {{.*}} -> (tensor<3x?xi64>, tensor<3x?xi64>)
// CHECK:           arith.cmpi slt
// CHECK:         linalg.transpose {{.*}} outs(%{{.*}} : tensor<?x3xi64>)
func.func @dynamic_top_k(%x: tensor<4x3xi64>, %k: tensor<1xi64>) -> (tensor<?x3xi64>, tensor<?x3xi64>) {
  %0:2 = "nn.dynamic_top_k"(%x, %k) {axis = 0 : i64, largest = 0 : i64, sorted = 1 : i64} : (tensor<4x3xi64>, tensor<1xi64>) -> (tensor<?x3xi64>, tensor<?x3xi64>)
  return %0#0, %0#1 : tensor<?x3xi64>, tensor<?x3xi64>
}

// -----

// CumSum (exclusive, reverse): walk the axis backwards, insert the running slice, then add.
// CHECK-LABEL: func.func @cum_sum
// CHECK:         scf.for {{.*}} iter_args(%[[OUT:.*]] = %{{.*}}, %[[ACC:.*]] = %{{.*}}) -> (tensor<2x3xf64>, tensor<2x1xf64>)
// CHECK:           arith.subi
// CHECK:           tensor.insert_slice %[[ACC]] into %[[OUT]]
// CHECK:           tensor.extract_slice
// CHECK:           linalg.generic {{.*}} outs(%[[ACC]] : tensor<2x1xf64>)
// CHECK:             arith.addf
func.func @cum_sum(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = "nn.cum_sum"(%x) {axis = 1 : i64, exclusive = 1 : i64, reverse = 1 : i64} : (tensor<2x3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// A run-time axis switches between the static scans (the last axis is the default).
// CHECK-LABEL: func.func @dynamic_cum_prod
// CHECK:         scf.index_switch %{{.*}} -> tensor<2x3xi32>
// CHECK:         case 0 {
// CHECK:           tensor.extract_slice {{.*}} to tensor<1x3xi32>
// CHECK:             arith.muli
// CHECK:         default {
// CHECK:           tensor.extract_slice {{.*}} to tensor<2x1xi32>
func.func @dynamic_cum_prod(%x: tensor<2x3xi32>, %a: tensor<i32>) -> tensor<2x3xi32> {
  %0 = "nn.dynamic_cum_prod"(%x, %a) {exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Unique: first equal element, rank among the first occurrences, count, then results sized
// by the count.
// CHECK-LABEL: func.func @unique
// CHECK:         %[[FIRST:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<6xi64>)
// CHECK:           scf.for
// CHECK:             arith.cmpf olt
// CHECK:         %[[RANK:.*]] = linalg.generic {{.*}} ins(%[[FIRST]] : tensor<6xi64>)
// CHECK:         %[[IDX:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi64>)
// CHECK:         %[[CNT:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi64>)
// CHECK:         linalg.generic {{.*}} ins(%[[IDX]] : tensor<?xi64>) outs(%{{.*}} : tensor<?x1xf32>)
// CHECK:         return %{{.*}}, %[[IDX]], %[[RANK]], %[[CNT]]
func.func @unique(%x: tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>) {
  %0:4 = "nn.unique"(%x) {axis = 0 : i64, sorted = 1 : i64} : (tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>
}

// -----

// NonZero: count, then write the coordinates of each non-zero element.
// CHECK-LABEL: func.func @non_zero
// CHECK:         %[[C:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK:           arith.cmpf une
// CHECK:         %[[N:.*]] = tensor.extract %[[C]][] : tensor<i64>
// CHECK:         %[[COUNT:.*]] = arith.index_cast %[[N]] : i64 to index
// CHECK:         %[[OUT:.*]] = tensor.empty(%[[COUNT]]) : tensor<2x?xi64>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[OUT]], %{{.*}} = %{{.*}}) -> (tensor<2x?xi64>, index)
// CHECK:           scf.if
// CHECK:             tensor.insert
func.func @non_zero(%x: tensor<2x3xf32>) -> tensor<2x?xi64> {
  %0 = "nn.non_zero"(%x) : (tensor<2x3xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

// Compress: count the true conditions, then copy the selected slices in order.
// CHECK-LABEL: func.func @compress
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<2xi1>)
// CHECK:         tensor.empty(%{{.*}}) : tensor<?x2xf32>
// CHECK:         scf.for
// CHECK:           scf.if
// CHECK:             tensor.extract_slice {{.*}} to tensor<1x2xf32>
// CHECK:             tensor.insert_slice
func.func @compress(%x: tensor<3x2xf32>, %c: tensor<2xi1>) -> tensor<?x2xf32> {
  %0 = "nn.compress"(%x, %c) {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
