// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Nearest with static sizes: one constant index table per resized axis, one gathering generic.
// CHECK-DAG:   #[[H:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG:   #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @resize_nearest
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x3x4xf32>)
// CHECK:         %[[TH:.*]] = arith.constant dense<[0, 0, 1, 1, 2, 2]> : tensor<6xi64>
// CHECK:         %[[TW:.*]] = arith.constant dense<[0, 0, 1, 1, 2, 2, 3, 3]> : tensor<8xi64>
// CHECK:         linalg.generic {indexing_maps = [#[[H]], #[[W]], #{{.*}}]{{.*}} ins(%[[TH]], %[[TW]] :
// CHECK:           tensor.extract %[[X]]
func.func @resize_nearest(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x6x8xf32> {
  %0 = "nn.resize"(%x) {sizes = array<i64: 1, 2, 6, 8>, scales = array<f32>, mode = "nearest", coordinate_transformation_mode = "asymmetric", nearest_mode = "floor", cubic_coeff_a = -0.75 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.0 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x6x8xf32>
  return %0 : tensor<1x2x6x8xf32>
}

// -----

// Linear is separable: per resized axis (only H here; W is unchanged) a generic reducing over
// the taps, with constant (edge-clamped) tap indices and half_pixel weights.
// CHECK-DAG:   #[[TAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
// CHECK-LABEL: func.func @resize_linear
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1x2x4xf32>)
// CHECK:         %[[I:.*]] = arith.constant dense<{{\[\[}}0, 0], [0, 1], [0, 1], [1, 1]]> : tensor<4x2xi64>
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01],
// CHECK:         linalg.generic {indexing_maps = [#[[TAP]], #[[TAP]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[I]], %[[W]] :
// CHECK:           tensor.extract %[[X]]
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK-NOT:     linalg.generic
func.func @resize_linear(%x: tensor<1x1x2x4xf32>) -> tensor<1x1x4x4xf32> {
  %0 = "nn.resize"(%x) {sizes = array<i64: 1, 1, 4, 4>, scales = array<f32>, mode = "linear", coordinate_transformation_mode = "half_pixel", nearest_mode = "floor", cubic_coeff_a = -0.75 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.0 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x1x2x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Run-time scales: output sizes floor(W * scale) and the index tables are computed at run time.
// CHECK-LABEL: func.func @dynamic_resize_nearest
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1x?x4xf32>, %[[S:.*]]: tensor<2xf32>)
// CHECK:         %[[S0:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<2xf32>
// CHECK:         %[[F:.*]] = arith.extf %[[S0]] : f32 to f64
// CHECK:         math.floor
// CHECK:         %[[TH:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi64>)
// CHECK:           arith.divf %{{.*}}, %[[F]] : f64
// CHECK:         %[[TW:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?xi64>)
// CHECK:         linalg.generic {{.*}} ins(%[[TH]], %[[TW]] : tensor<?xi64>, tensor<?xi64>) outs(%{{.*}} : tensor<1x1x?x?xf32>)
// CHECK:           tensor.extract %[[X]]
func.func @dynamic_resize_nearest(%x: tensor<1x1x?x4xf32>, %s: tensor<2xf32>) -> tensor<1x1x?x?xf32> {
  %0 = "nn.dynamic_resize"(%x, %s) {operandSegmentSizes = array<i32: 1, 0, 1, 0>, antialias = 0 : i64, axes = array<i64: 2, 3>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.0 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<1x1x?x4xf32>, tensor<2xf32>) -> tensor<1x1x?x?xf32>
  return %0 : tensor<1x1x?x?xf32>
}

// -----

// Antialiased linear with run-time sizes: the tap count depends on the scale, so the tables
// have a dynamic tap dim, and each row of weights is divided by its sum.
// CHECK-LABEL: func.func @dynamic_resize_antialias
// CHECK:         %[[T:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x?xi64>, tensor<?x?xf64>)
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[T]]#1 : tensor<?x?xf64>)
// CHECK:         linalg.generic {{.*}} ins(%[[T]]#1, %[[SUM]] : tensor<?x?xf64>, tensor<?xf64>)
// CHECK:           arith.divf
// CHECK:           arith.truncf
func.func @dynamic_resize_antialias(%x: tensor<1x8xf32>, %n: tensor<1xi64>) -> tensor<1x?xf32> {
  %0 = "nn.dynamic_resize"(%x, %n) {operandSegmentSizes = array<i32: 1, 0, 0, 1>, antialias = 1 : i64, axes = array<i64: 1>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.0 : f32, keep_aspect_ratio_policy = "stretch", mode = "linear", nearest_mode = "round_prefer_floor"} : (tensor<1x8xf32>, tensor<1xi64>) -> tensor<1x?xf32>
  return %0 : tensor<1x?xf32>
}
