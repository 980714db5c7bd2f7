// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// A one-sided forward DFT of a real signal: bins k reduce over samples m with the twiddle of
// the exact (k * m) mod L in f64, then real and imaginary parts interleave into the last dim.
// CHECK-LABEL: func.func @dft_rfft
// CHECK-SAME:    (%[[X:.*]]: tensor<2x8x1xf32>)
// CHECK:         %[[P:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]] : tensor<2x8x1xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x5xf64>, tensor<2x5xf64>)
// CHECK:           arith.extf {{.*}} f32 to f64
// CHECK:           arith.remui
// CHECK:           math.cos
// CHECK:           math.sin
// CHECK:         linalg.generic {{.*}} ins(%[[P]]#0, %[[P]]#1 : tensor<2x5xf64>, tensor<2x5xf64>) outs(%{{.*}} : tensor<2x5x2xf32>)
// CHECK:           arith.truncf {{.*}} f64 to f32
func.func @dft_rfft(%x: tensor<2x8x1xf32>) -> tensor<2x5x2xf32> {
  %0 = "nn.dft"(%x) {axis = 1 : i64, dft_length = 0 : i64, inverse = 0 : i64, onesided = 1 : i64} : (tensor<2x8x1xf32>) -> tensor<2x5x2xf32>
  return %0 : tensor<2x5x2xf32>
}

// -----

// An inverse one-sided DFT (real result) reads the 4 bins of a length-6 spectrum, weights
// them 1 (bins 0 and L/2) or 2, and scales by 1 / L.
// CHECK-LABEL: func.func @dft_irfft
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x2xf32>, tensor<1x4x2xf32>) outs(%{{.*}}, %{{.*}} : tensor<1x6xf64>, tensor<1x6xf64>)
// CHECK:           arith.select {{.*}} : f64
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x6x1xf32>)
// CHECK:           arith.divf
func.func @dft_irfft(%x: tensor<1x4x2xf32>) -> tensor<1x6x1xf32> {
  %0 = "nn.dft"(%x) {axis = 1 : i64, dft_length = 0 : i64, inverse = 1 : i64, onesided = 1 : i64} : (tensor<1x4x2xf32>) -> tensor<1x6x1xf32>
  return %0 : tensor<1x6x1xf32>
}

// -----

// A shorter dft_length crops the signal to the samples it uses.
// CHECK-LABEL: func.func @dft_length
// CHECK:         tensor.extract_slice %{{.*}}[0, 0, 0] [3, 4, 2] [1, 1, 1] : tensor<3x6x2xf64> to tensor<3x4x2xf64>
// CHECK:         outs(%{{.*}} : tensor<3x4x2xf64>)
func.func @dft_length(%x: tensor<3x6x2xf64>) -> tensor<3x4x2xf64> {
  %0 = "nn.dft"(%x) {axis = -2 : i64, dft_length = 4 : i64, inverse = 0 : i64, onesided = 0 : i64} : (tensor<3x6x2xf64>) -> tensor<3x4x2xf64>
  return %0 : tensor<3x4x2xf64>
}

// -----

// A run-time axis: an index_switch over the axes, each case the static transform.
// CHECK-LABEL: func.func @dynamic_dft
// CHECK-SAME:    (%[[X:.*]]: tensor<3x4x2xf32>, %[[A:.*]]: tensor<i64>)
// CHECK:         tensor.extract %[[A]]
// CHECK:         scf.index_switch %{{.*}} -> tensor<3x4x2xf32>
// CHECK:         case 0 {
// CHECK:           outs(%{{.*}}, %{{.*}} : tensor<3x4xf64>, tensor<3x4xf64>)
// CHECK:         default {
// CHECK:           outs(%{{.*}}, %{{.*}} : tensor<3x4xf64>, tensor<3x4xf64>)
func.func @dynamic_dft(%x: tensor<3x4x2xf32>, %a: tensor<i64>) -> tensor<3x4x2xf32> {
  %0 = "nn.dynamic_dft"(%x, %a) {dft_length = 0 : i64, inverse = 1 : i64, onesided = 0 : i64} : (tensor<3x4x2xf32>, tensor<i64>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

// NonMaxSuppression: loops over batches, classes and selection steps carrying the [B*C*N, 3]
// rows and their count; each step finds the best unvisited box, tests it against the class's
// selected boxes, and appends it under scf.if; the result is the first `count` rows.
// CHECK-LABEL: func.func @non_max_suppression
// CHECK:         %[[ROWS:.*]] = linalg.fill {{.*}} -> tensor<12x3xi64>
// CHECK:         %[[B:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[ROWS]], {{.*}}) -> (tensor<12x3xi64>, index)
// CHECK:           scf.for {{.*}} -> (tensor<12x3xi64>, index)
// CHECK:             scf.for {{.*}} -> (tensor<12x3xi64>, index, tensor<6xi8>)
// CHECK:               scf.for {{.*}} -> (index, f32)
// CHECK:                 arith.cmpf ogt
// CHECK:               scf.for {{.*}} -> (i1)
// CHECK:                 arith.divf
// CHECK:               scf.if %{{.*}} -> (tensor<12x3xi64>)
// CHECK:                 tensor.insert
// CHECK:         tensor.extract_slice %[[B]]#0[0, 0] [%[[B]]#1, 3] [1, 1] : tensor<12x3xi64> to tensor<?x3xi64>
func.func @non_max_suppression(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %k: tensor<1xi64>, %i: tensor<1xf32>) -> tensor<?x3xi64> {
  %0 = "nn.non_max_suppression"(%b, %s, %k, %i) {center_point_box = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// STFT with a run-time frame step: the frame count (64 - 16) / step + 1 is computed, the
// generic reduces over the window's 16 samples reading the signal at f * step + m.
// CHECK-LABEL: func.func @stft
// CHECK-SAME:    (%[[X:.*]]: tensor<2x64x1xf32>, %[[S:.*]]: tensor<i64>, %[[W:.*]]: tensor<16xf32>)
// CHECK:         tensor.extract %[[S]]
// CHECK:         arith.floordivsi
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[W]] : tensor<16xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x?x9xf64>, tensor<2x?x9xf64>)
// CHECK:           tensor.extract %[[X]]
// CHECK:           math.cos
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<2x?x9x2xf32>)
func.func @stft(%x: tensor<2x64x1xf32>, %s: tensor<i64>, %w: tensor<16xf32>) -> tensor<2x?x9x2xf32> {
  %0 = "nn.stft"(%x, %s, %w) {onesided = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0>} : (tensor<2x64x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<2x?x9x2xf32>
  return %0 : tensor<2x?x9x2xf32>
}
