// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// MaxPool with indices: one windowed reduction with two results (value, flat i64 index).
// CHECK-LABEL: func.func @max_pool_indices
// CHECK:         %[[Y:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
// CHECK:           arith.cmpf ogt
// CHECK:           arith.index_cast %{{.*}} : index to i64
// CHECK:           linalg.yield
// CHECK:         return %[[Y]]#0, %[[Y]]#1
func.func @max_pool_indices(%x: tensor<1x1x5x5xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %0:2 = "nn.max_pool_with_indices"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %0#0, %0#1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

// LpPool p = 2: squares, a sum pool, square roots.
// CHECK-LABEL: func.func @lp_pool
// CHECK:         %[[SQ:.*]] = linalg.generic
// CHECK:           arith.mulf
// CHECK:         %[[S:.*]] = linalg.pooling_nchw_sum {{.*}} ins(%[[SQ]], %{{.*}} : tensor<1x2x4x4xf32>, tensor<2x2xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[S]] : tensor<1x2x3x3xf32>)
// CHECK:           math.sqrt
func.func @lp_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "nn.lp_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// MaxUnpool with a run-time output shape: scatter loop into the inferred 4x4, then pad to it.
// CHECK-LABEL: func.func @dynamic_max_unpool
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1x2x2xf32>, %[[I:.*]]: tensor<1x1x2x2xi64>, %[[S:.*]]: tensor<4xi64>)
// CHECK:         tensor.extract %[[S]]
// CHECK:         %[[LOOP:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<16xf32>)
// CHECK:           tensor.insert %{{.*}} into %[[ACC]]
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[LOOP]] {{.*}} into tensor<1x1x4x4xf32>
// CHECK:         tensor.pad %[[E]] low[0, 0, 0, 0] high[0, 0, %{{.*}}, %{{.*}}]
func.func @dynamic_max_unpool(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>, %s: tensor<4xi64>) -> tensor<1x1x?x?xf32> {
  %0 = "nn.dynamic_max_unpool"(%x, %i, %s) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<4xi64>) -> tensor<1x1x?x?xf32>
  return %0 : tensor<1x1x?x?xf32>
}

// -----

// Col2Im: a gather over the image reducing over the 3x3 block taps.
// CHECK-LABEL: func.func @col2im
// CHECK-SAME:    (%[[X:.*]]: tensor<1x9x4xf32>)
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<3x3xf32>) outs(%{{.*}} : tensor<1x1x5x5xf32>)
// CHECK:           arith.floordivsi
// CHECK:           tensor.extract %[[X]]
// CHECK:           arith.select
func.func @col2im(%x: tensor<1x9x4xf32>) -> tensor<1x1x5x5xf32> {
  %0 = "nn.col2im"(%x) {block_shape = array<i64: 3, 3>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x9x4xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}
