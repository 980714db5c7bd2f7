// RUN: strata-opt %s --convert-nn-to-linalg --canonicalize --split-input-file | FileCheck %s

// Squeeze by a run-time axis: each result dim is picked among the input dims, then a reshape.
// CHECK-LABEL: func.func @dynamic_squeeze
// CHECK-SAME:    (%[[X:.*]]: tensor<1x3x1x5xf32>, %[[A:.*]]: tensor<1xi64>)
// CHECK:         tensor.extract %[[A]]
// CHECK:         %[[SHAPE:.*]] = tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xindex>
// CHECK:         tensor.reshape %[[X]](%[[SHAPE]]) : (tensor<1x3x1x5xf32>, tensor<3xindex>) -> tensor<?x?x5xf32>
func.func @dynamic_squeeze(%x: tensor<1x3x1x5xf32>, %a: tensor<1xi64>) -> tensor<?x?x5xf32> {
  %0 = "nn.dynamic_squeeze"(%x, %a) : (tensor<1x3x1x5xf32>, tensor<1xi64>) -> tensor<?x?x5xf32>
  return %0 : tensor<?x?x5xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic_unsqueeze
// CHECK:         %[[SHAPE:.*]] = tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xindex>
// CHECK:         tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<3x4xf32>, tensor<3xindex>) -> tensor<?x?x?xf32>
func.func @dynamic_unsqueeze(%x: tensor<3x4xf32>, %a: tensor<1xi64>) -> tensor<?x?x?xf32> {
  %0 = "nn.dynamic_unsqueeze"(%x, %a) : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// Split by run-time sizes: extract_slices at the prefix sums (sizes cut to what is left).
// CHECK-LABEL: func.func @dynamic_split
// CHECK-SAME:    (%[[X:.*]]: tensor<4x6xf32>, %[[S:.*]]: tensor<2xi64>)
// CHECK:         %[[N0:.*]] = arith.minsi %{{.*}}, %c6 : index
// CHECK:         %[[P0:.*]] = tensor.extract_slice %[[X]][0, 0] [4, %[[N0]]] [1, 1]
// CHECK:         %[[LEFT:.*]] = arith.subi %c6, %[[N0]] : index
// CHECK:         %[[N1:.*]] = arith.minsi %{{.*}}, %[[LEFT]] : index
// CHECK:         %[[P1:.*]] = tensor.extract_slice %[[X]][0, %[[N0]]] [4, %[[N1]]] [1, 1]
// CHECK:         return %[[P0]], %[[P1]]
func.func @dynamic_split(%x: tensor<4x6xf32>, %s: tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>) {
  %0:2 = "nn.dynamic_split"(%x, %s) {axis = 1 : i64} : (tensor<4x6xf32>, tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>)
  return %0#0, %0#1 : tensor<4x?xf32>, tensor<4x?xf32>
}

// -----

// Constant-mode pad by run-time pads: crop the negative parts, tensor.pad the positive ones
// with the run-time constant.
// CHECK-LABEL: func.func @dynamic_pad
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[P:.*]]: tensor<4xi64>, %[[V:.*]]: tensor<f32>)
// CHECK:         %[[C:.*]] = tensor.extract_slice %[[X]]
// CHECK:         %[[F:.*]] = tensor.extract %[[V]][] : tensor<f32>
// CHECK:         tensor.pad %[[C]] low[%{{.*}}, %{{.*}}] high[%{{.*}}, %{{.*}}]
// CHECK:           tensor.yield %[[F]] : f32
func.func @dynamic_pad(%x: tensor<2x3xf32>, %p: tensor<4xi64>, %v: tensor<f32>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_pad"(%x, %p, %v) {operandSegmentSizes = array<i32: 1, 1, 1, 0>, mode = "constant"} : (tensor<2x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Reflect mode with pads for the named axes only: a generic reading reflected positions.
// CHECK-LABEL: func.func @dynamic_pad_reflect_axes
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[P:.*]]: tensor<2xi64>, %[[A:.*]]: tensor<1xi64>)
// CHECK:         tensor.extract %[[A]]
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:           arith.remsi
// CHECK:           tensor.extract
func.func @dynamic_pad_reflect_axes(%x: tensor<2x3xf32>, %p: tensor<2xi64>, %a: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_pad"(%x, %p, %a) {operandSegmentSizes = array<i32: 1, 1, 0, 1>, mode = "reflect"} : (tensor<2x3xf32>, tensor<2xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
