// RUN: strata-opt %s --strata-nn-fold-dynamic --split-input-file | FileCheck %s

// A constant target shape gives nn.reshape; the constant goes with the dynamic op.
// CHECK-LABEL: func.func @reshape
// CHECK-NOT:     nn.constant
// CHECK:         %[[R:.*]] = "nn.reshape"(%arg0) {allowzero = 0 : i64, shape = array<i64: 3, -1>} : (tensor<2x3x4xf32>) -> tensor<3x8xf32>
// CHECK-NEXT:    %[[C:.*]] = tensor.cast %[[R]] : tensor<3x8xf32> to tensor<?x?xf32>
// CHECK-NEXT:    return %[[C]]
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  %s = "nn.constant"() {value = dense<[3, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "nn.dynamic_reshape"(%x, %s) {allowzero = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Negative axes are normalised; absent optional operands take the static defaults.
// CHECK-LABEL: func.func @slice
// CHECK:         "nn.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<4x5xf32>) -> tensor<4x2xf32>
func.func @slice(%x: tensor<4x5xf32>) -> tensor<4x2xf32> {
  %b = "nn.constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "nn.constant"() {value = dense<3> : tensor<1xi64>} : () -> tensor<1xi64>
  %a = "nn.constant"() {value = dense<-1> : tensor<1xi64>} : () -> tensor<1xi64>
  %t = "nn.constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "nn.dynamic_slice"(%x, %b, %e, %a, %t) : (tensor<4x5xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A shape computed at run time stays dynamic.
// CHECK-LABEL: func.func @computed
// CHECK:         "nn.dynamic_expand"
func.func @computed(%x: tensor<3x1xf32>, %s: tensor<2xi64>) -> tensor<3x?xf32> {
  %0 = "nn.dynamic_expand"(%x, %s) : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

// Scalar operands (TopK's k) become integer attributes.
// CHECK-LABEL: func.func @top_k
// CHECK:         "nn.top_k"(%arg0) {axis = 1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64}
func.func @top_k(%x: tensor<3x4xf32>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  %k = "nn.constant"() {value = dense<2> : tensor<1xi64>} : () -> tensor<1xi64>
  %0:2 = "nn.dynamic_top_k"(%x, %k) {axis = 1 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %0#0, %0#1 : tensor<3x?xf32>, tensor<3x?xi64>
}

// -----

// One constant feeding several operands is folded into each and erased once.
// CHECK-LABEL: func.func @shared_constant
// CHECK-NOT:     nn.constant
// CHECK:         "nn.slice"(%arg0) {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>}
func.func @shared_constant(%x: tensor<4x5xf32>) -> tensor<4x1xf32> {
  %b = "nn.constant"() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "nn.constant"() {value = dense<2> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "nn.dynamic_slice"(%x, %b, %e, %b, %b) : (tensor<4x5xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}
