// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// LSTM with a dynamic sequence length: the input projection of all steps is one matmul
// before the loop; each step multiplies h by R^T and computes the gates in one generic
// (h and c out), then writes h into row `step` of Y.
// CHECK-LABEL: func.func @lstm
// CHECK-SAME:    (%[[X:.*]]: tensor<?x2x3xf32>, %[[W:.*]]: tensor<1x16x3xf32>, %[[R:.*]]: tensor<1x16x4xf32>)
// CHECK:         %[[ROWS:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<?x2x3xf32> into tensor<?x3xf32>
// CHECK:         %[[XW:.*]] = linalg.matmul ins(%[[ROWS]], %{{.*}} : tensor<?x3xf32>, tensor<3x16xf32>)
// CHECK:         %[[RT:.*]] = linalg.transpose ins(%{{.*}} : tensor<16x4xf32>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK:         %[[LOOP:.*]]:3 = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %[[Y:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}) -> (tensor<2x4xf32>, tensor<?x2x4xf32>, tensor<2x4xf32>)
// CHECK:           tensor.extract_slice %[[XW]][%{{.*}}, 0] [2, 16] [1, 1] : tensor<?x16xf32> to tensor<2x16xf32>
// CHECK:           linalg.matmul ins(%[[H]], %[[RT]] : tensor<2x4xf32>, tensor<4x16xf32>)
// CHECK:           %[[G:.*]]:2 = linalg.generic {{.*}} ins(%[[C]], {{.*}}) outs({{.*}}) {
// CHECK:           } -> (tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK:           %[[YN:.*]] = tensor.insert_slice %[[G]]#0 into %[[Y]][%[[T]], 0, 0] [1, 2, 4] [1, 1, 1]
// CHECK:           scf.yield %[[G]]#0, %[[YN]], %[[G]]#1
// CHECK:         tensor.insert_slice %[[LOOP]]#1 into %{{.*}}[0, 0, 0, 0] [%{{.*}}, 1, 2, 4] [1, 1, 1, 1] : tensor<?x2x4xf32> into tensor<?x1x2x4xf32>
func.func @lstm(%x: tensor<?x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) -> (tensor<?x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) {
  %0:3 = "nn.lstm"(%x, %w, %r) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = [], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>} : (tensor<?x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<?x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %0#0, %0#1, %0#2 : tensor<?x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>
}

// -----

// GRU without linear_before_reset: per step h @ R_zr^T, then (r * h) @ R_h^T.
// CHECK-LABEL: func.func @gru
// CHECK:         scf.for
// CHECK:           linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x8xf32>)
// CHECK:           %[[RH:.*]] = linalg.generic
// CHECK:           linalg.matmul ins(%[[RH]], %{{.*}} : tensor<2x4xf32>, tensor<4x4xf32>)
// CHECK:           linalg.generic
// CHECK:           scf.yield
func.func @gru(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) -> tensor<1x2x4xf32> {
  %0:2 = "nn.gru"(%x, %w, %r) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = [], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %0#1 : tensor<1x2x4xf32>
}

// -----

// A reverse RNN with sequence_lens: each batch entry's steps are reversed before the loop
// (a gathering generic), the loop runs forward with a masking generic, and Y is reversed back.
// CHECK-LABEL: func.func @rnn_reverse_lens
// CHECK-SAME:    %[[N:[^:]*]]: tensor<2xi32>
// CHECK:         %[[XW:.*]] = linalg.matmul
// CHECK:         %[[REV:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<10x4xf32>)
// CHECK:           tensor.extract %[[N]]
// CHECK:           tensor.extract %[[XW]]
// CHECK:         scf.for
// CHECK:           tensor.extract_slice %[[REV]]
// CHECK:           linalg.generic {{.*}} ins(%[[N]], {{.*}})
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<10x4xf32>)
// CHECK:           tensor.extract %[[FLAT]]
func.func @rnn_reverse_lens(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %n: tensor<2xi32>) -> tensor<5x1x2x4xf32> {
  %0:2 = "nn.rnn"(%x, %w, %r, %n) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = [], clip = 0x7F800000 : f32, direction = "reverse", hidden_size = 4 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0>} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<2xi32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %0#0 : tensor<5x1x2x4xf32>
}
