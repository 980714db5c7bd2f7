// An op variant without a lowering fails the pass with a message naming the op and location.
// RUN: not strata-opt %s --convert-nn-to-linalg 2>&1 | FileCheck %s

// CHECK: convert-nn-to-linalg failed to lower
// CHECK: 'nn.resize' at loc("upsample_node"){{.*}}resize mode 'cubic' is not supported
func.func @cubic(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %0 = "nn.resize"(%x) {sizes = array<i64: 1, 1, 4, 4>, scales = array<f32>, mode = "cubic", coordinate_transformation_mode = "half_pixel", nearest_mode = "floor", cubic_coeff_a = -0.75 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.0 : f32} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> loc("upsample_node")
  return %0 : tensor<1x1x4x4xf32>
}
