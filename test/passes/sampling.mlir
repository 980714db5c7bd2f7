// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// GridSample, linear with reflection: one generic over the output reading the grid and four
// taps of x with tensor.extract.
// CHECK-LABEL: func.func @grid_sample
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[G:.*]]: tensor<1x3x5x2xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<1x2x3x5xf32>)
// CHECK:           tensor.extract %[[G]][%{{.*}}, %{{.*}}, %{{.*}}, %c1]
// CHECK:           math.floor
// CHECK:           tensor.extract %[[G]][%{{.*}}, %{{.*}}, %{{.*}}, %c0]
// CHECK-COUNT-4:   tensor.extract %[[X]]
func.func @grid_sample(%x: tensor<1x2x4x4xf32>, %g: tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32> {
  %0 = "nn.grid_sample"(%x, %g) {align_corners = 0 : i64, mode = "linear", padding_mode = "reflection"} : (tensor<1x2x4x4xf32>, tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32>
  return %0 : tensor<1x2x3x5xf32>
}

// -----

// RoiAlign with an adaptive sampling grid: loops with run-time bounds inside the generic.
// CHECK-LABEL: func.func @roi_align
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<3x2x2x2xf32>)
// CHECK:           math.ceil
// CHECK:           scf.for {{.*}} -> (f32, i1)
// CHECK:             scf.for {{.*}} -> (f32, i1)
// CHECK-COUNT-4:       tensor.extract %arg0
func.func @roi_align(%x: tensor<1x2x8x8xf32>, %r: tensor<3x4xf32>, %b: tensor<3xi64>) -> tensor<3x2x2x2xf32> {
  %0 = "nn.roi_align"(%x, %r, %b) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 0.5 : f32} : (tensor<1x2x8x8xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x2x2x2xf32>
  return %0 : tensor<3x2x2x2xf32>
}

// -----

// AffineGrid with a run-time size: the output sizes come from the size operand.
// CHECK-LABEL: func.func @dynamic_affine_grid
// CHECK-SAME:    (%[[T:.*]]: tensor<?x2x3xf32>, %[[S:.*]]: tensor<4xi64>)
// CHECK:         %[[H:.*]] = tensor.extract %[[S]][%c2]
// CHECK:         %[[W:.*]] = tensor.extract %[[S]][%c3]
// CHECK:         tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x?x?x2xf32>
// CHECK:         linalg.generic
// CHECK:           arith.extf {{.*}} : f32 to f64
// CHECK:           arith.truncf {{.*}} : f64 to f32
func.func @dynamic_affine_grid(%t: tensor<?x2x3xf32>, %s: tensor<4xi64>) -> tensor<?x?x?x2xf32> {
  %0 = "nn.dynamic_affine_grid"(%t, %s) {align_corners = 1 : i64} : (tensor<?x2x3xf32>, tensor<4xi64>) -> tensor<?x?x?x2xf32>
  return %0 : tensor<?x?x?x2xf32>
}

// -----

// DeformConv: a sampling generic into [N, C, kh, kw, oh, ow], then a grouped contraction
// (dims n, g, m, oh, ow | c, kh, kw) accumulating onto the bias.
// CHECK-LABEL: func.func @deform_conv
// CHECK:         %[[COLS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x3x3x3x3xf32>)
// CHECK:           math.floor
// CHECK:         %[[CG:.*]] = tensor.expand_shape %[[COLS]] {{.*}} into tensor<1x2x2x3x3x3x3xf32>
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[CG]], %{{.*}} :
// CHECK:         tensor.collapse_shape %[[Y]] {{.*}} into tensor<1x6x3x3xf32>
func.func @deform_conv(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>, %o: tensor<1x36x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x3x3xf32> {
  %0 = "nn.deform_conv"(%x, %w, %o, %b) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, offset_group = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>, tensor<1x36x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}
