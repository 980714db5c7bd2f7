// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// A pure merge of dims is one collapse_shape; a general reshape collapses then expands.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[A:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK:         %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK:         %[[B:.*]] = tensor.expand_shape %[[F]] {{\[\[}}0, 1]] output_shape [4, 6]
// CHECK:         %[[C:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1], [2], [3]] output_shape [1, 2, 3, 4]
// CHECK:         return %[[A]], %[[B]], %[[C]]
func.func @reshape(%x: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<4x6xf32>, tensor<1x2x3x4xf32>) {
  %0 = "nn.reshape"(%x) {shape = array<i64: 6, 4>, allowzero = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = "nn.reshape"(%x) {shape = array<i64: 4, 6>, allowzero = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  %2 = "nn.unsqueeze"(%x) {axes = array<i64: 0>} : (tensor<2x3x4xf32>) -> tensor<1x2x3x4xf32>
  return %0, %1, %2 : tensor<6x4xf32>, tensor<4x6xf32>, tensor<1x2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = "nn.transpose"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x5xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK:         %[[I:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK:         tensor.insert_slice %[[B]] into %[[I]][0, 3] [2, 5] [1, 1]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "nn.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @split
// CHECK:         %[[P0:.*]] = tensor.extract_slice %{{.*}}[0, 0] [2, 3] [1, 1]
// CHECK:         %[[P1:.*]] = tensor.extract_slice %{{.*}}[0, 3] [2, 3] [1, 1]
// CHECK:         return %[[P0]], %[[P1]]
func.func @split(%x: tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0:2 = "nn.split"(%x) {axis = 1 : i64, split = array<i64: 3, 3>} : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A negative step: a positive-stride slice from the lowest index, then a reversing generic.
// CHECK-DAG:   #[[REV:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, -d2 + 1)>
// CHECK-LABEL: func.func @slice_negative_step
// CHECK:         %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 0, 1] [2, 3, 2] [1, 1, 2]
// CHECK:         linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]{{.*}} ins(%[[S]] : tensor<2x3x2xf32>)
func.func @slice_negative_step(%x: tensor<2x3x4xf32>) -> tensor<2x3x2xf32> {
  %0 = "nn.slice"(%x) {starts = array<i64: -1>, ends = array<i64: 0>, axes = array<i64: 2>, steps = array<i64: -2>} : (tensor<2x3x4xf32>) -> tensor<2x3x2xf32>
  return %0 : tensor<2x3x2xf32>
}

// -----

// Gather: index_cast, wrap negative indices, tensor.extract.
// CHECK-LABEL: func.func @gather
// CHECK-SAME:    (%[[T:.*]]: tensor<10x4xf32>, %[[I:.*]]: tensor<5xi64>)
// CHECK:         linalg.generic {{.*}} ins(%[[I]] : tensor<5xi64>)
// CHECK:           %[[IDX:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:           %[[NEG:.*]] = arith.cmpi slt, %[[IDX]]
// CHECK:           %[[W:.*]] = arith.select %[[NEG]]
// CHECK:           %[[J:.*]] = linalg.index 1 : index
// CHECK:           tensor.extract %[[T]][%[[W]], %[[J]]] : tensor<10x4xf32>
func.func @gather(%t: tensor<10x4xf32>, %i: tensor<5xi64>) -> tensor<5x4xf32> {
  %0 = "nn.gather"(%t, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<5xi64>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

// A constant scalar index is a slice.
// CHECK-LABEL: func.func @gather_constant
// CHECK:         %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 2] [3, 1] [1, 1]
// CHECK:         tensor.collapse_shape %[[S]]
func.func @gather_constant(%t: tensor<3x4xf32>) -> tensor<3xf32> {
  %k = "nn.constant"() {value = dense<-2> : tensor<i64>} : () -> tensor<i64>
  %0 = "nn.gather"(%t, %k) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @pad
// CHECK:         %[[C:.*]] = arith.constant 1.500000e+00 : f32
// CHECK:         tensor.pad %{{.*}} low[0, 1] high[2, 0]
// CHECK:           tensor.yield %[[C]]
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<4x7xf32>)
// CHECK:           arith.remsi
// CHECK:           tensor.extract
func.func @pad(%x: tensor<2x4xf32>) -> (tensor<4x5xf32>, tensor<4x7xf32>) {
  %0 = "nn.pad"(%x) {pads = array<i64: 0, 1, 2, 0>, mode = "constant", constant_value = 1.5 : f32} : (tensor<2x4xf32>) -> tensor<4x5xf32>
  %1 = "nn.pad"(%x) {pads = array<i64: 1, 2, 1, 1>, mode = "reflect", constant_value = 0.0 : f32} : (tensor<2x4xf32>) -> tensor<4x7xf32>
  return %0, %1 : tensor<4x5xf32>, tensor<4x7xf32>
}

// -----

// CHECK-LABEL: func.func @shape_and_constant_of_shape
// CHECK-DAG:     arith.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-DAG:     arith.constant dense<7> : tensor<2x2xi64>
// CHECK-DAG:     linalg.fill {{.*}} -> tensor<10x10xf32>
func.func @shape_and_constant_of_shape(%x: tensor<2x3x4xf32>) -> (tensor<2xi64>, tensor<2x2xi64>, tensor<10x10xf32>) {
  %0 = "nn.shape"(%x) {start = 1 : i64, end = 9223372036854775807 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %1 = "nn.constant_of_shape"() {shape = array<i64: 2, 2>, value = dense<7> : tensor<1xi64>} : () -> tensor<2x2xi64>
  %2 = "nn.constant_of_shape"() {shape = array<i64: 10, 10>, value = dense<0.5> : tensor<1xf32>} : () -> tensor<10x10xf32>
  return %0, %1, %2 : tensor<2xi64>, tensor<2x2xi64>, tensor<10x10xf32>
}
