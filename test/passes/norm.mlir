// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// LayerNorm over the last axis: mean, variance, 1/sqrt(var + eps), one normalising generic;
// the mean and inv_std_dev results are the statistics with the reduced axis kept as 1.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME:    (%[[X:.*]]: tensor<2x5x16xf32>, %[[G:.*]]: tensor<16xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK:         %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x5xf32>)
// CHECK:         %[[VSUM:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[MEAN]] : tensor<2x5x16xf32>, tensor<2x5xf32>)
// CHECK:         %[[VAR:.*]] = linalg.generic {{.*}} ins(%[[VSUM]] : tensor<2x5xf32>)
// CHECK:         %[[INV:.*]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<2x5xf32>)
// CHECK:           math.sqrt
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[MEAN]], %[[INV]], %[[G]], %[[B]] :
// CHECK:         %[[M1:.*]] = tensor.expand_shape %[[MEAN]] {{.*}} into tensor<2x5x1xf32>
// CHECK:         %[[I1:.*]] = tensor.expand_shape %[[INV]] {{.*}} into tensor<2x5x1xf32>
// CHECK:         return %[[Y]], %[[M1]], %[[I1]]
func.func @layer_norm(%x: tensor<2x5x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> (tensor<2x5x16xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>) {
  %0:3 = "nn.layer_normalization"(%x, %g, %b) {axis = -1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<2x5x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x16xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x5x16xf32>, tensor<2x5x1xf32>, tensor<2x5x1xf32>
}

// -----

// RMSNorm of f16 with a dynamic batch: the mean of squares is accumulated in f32.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4x8xf16>, %[[G:.*]]: tensor<8xf16>)
// CHECK:         %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4x8xf16>
// CHECK:         %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<?x4x8xf16>) outs(%{{.*}} : tensor<?xf32>)
// CHECK:           arith.extf
// CHECK:         %[[MS:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<?xf32>)
// CHECK:           arith.constant 3.125000e-02 : f32
// CHECK:         %[[INV:.*]] = linalg.generic {{.*}} ins(%[[MS]] : tensor<?xf32>)
// CHECK:           math.sqrt
// CHECK:         %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x4x8xf16>
// CHECK:         linalg.generic {{.*}} ins(%[[X]], %[[INV]], %[[G]] : tensor<?x4x8xf16>, tensor<?xf32>, tensor<8xf16>) outs(%[[E]] : tensor<?x4x8xf16>)
// CHECK:           arith.truncf
func.func @rms_norm(%x: tensor<?x4x8xf16>, %g: tensor<8xf16>) -> tensor<?x4x8xf16> {
  %0 = "nn.rms_normalization"(%x, %g) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<?x4x8xf16>, tensor<8xf16>) -> tensor<?x4x8xf16>
  return %0 : tensor<?x4x8xf16>
}
