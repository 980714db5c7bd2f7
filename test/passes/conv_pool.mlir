// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Pads become tensor.pad, the bias initialises the accumulator.
// CHECK-LABEL: func.func @conv_bias
// CHECK-SAME:    (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK:         %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>)
// CHECK:         %[[Y:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[W]] : tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x4x4xf32>)
// CHECK:         return %[[Y]]
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = "nn.conv"(%x, %w, %b) {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// group == C == M: depthwise with the weights collapsed to C x kh x kw.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK:         %[[W3:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK:         linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.*}}, %[[W3]] : tensor<1x4x10x10xf32>, tensor<4x3x3xf32>)
func.func @conv_depthwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %0 = "nn.conv"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// Other groups: expand to N x G x C/G and G x M/G x C/G, conv_2d_ngchw_gfchw, collapse.
// CHECK-LABEL: func.func @conv_grouped
// CHECK:         %[[XG:.*]] = tensor.expand_shape %{{.*}} output_shape [1, 2, 2, 8, 8]
// CHECK:         %[[WG:.*]] = tensor.expand_shape %{{.*}} output_shape [2, 3, 2, 3, 3]
// CHECK:         %[[Y:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[XG]], %[[WG]] :
// CHECK:         tensor.collapse_shape %[[Y]] {{.*}} into tensor<1x6x6x6xf32>
func.func @conv_grouped(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32> {
  %0 = "nn.conv"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// ConvTranspose: zeros interleaved by the strides, then a conv with flipped weights.
// CHECK-DAG:   #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, -d3 + 2, -d4 + 2)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK:         %[[Z:.*]] = linalg.fill {{.*}} -> tensor<1x3x7x7xf32>
// CHECK:         %[[D:.*]] = tensor.insert_slice %{{.*}} into %[[Z]][0, 0, 0, 0] [1, 3, 4, 4] [1, 1, 2, 2]
// CHECK:         linalg.generic {indexing_maps = [#[[FLIP]], #{{.*}}]
// CHECK:         tensor.pad %[[D]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         linalg.conv_2d_nchw_fchw
func.func @conv_transpose(%x: tensor<1x3x4x4xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  %0 = "nn.conv_transpose"(%x, %w) {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x3x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

// Max pool pads with -inf and starts from -inf.
// CHECK-LABEL: func.func @max_pool
// CHECK:         %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      tensor.yield %[[NINF]] : f32
// CHECK:         %[[K:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK:         linalg.pooling_nchw_max {{.*}} ins(%[[P]], %[[K]] : tensor<1x2x9x9xf32>, tensor<3x3xf32>)
func.func @max_pool(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "nn.max_pool"(%x) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = 0 : i64} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Average pool without count_include_pad: window counts differ at the border, so the sum is
// divided by a constant table indexed by the output position.
// CHECK-DAG:   #[[SP:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @average_pool
// CHECK:         %[[S:.*]] = linalg.pooling_nchw_sum
// CHECK:         %[[C:.*]] = arith.constant dense<{{.*}}> : tensor<4x4xf32>
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[SP]], #{{.*}}]{{.*}} ins(%[[S]], %[[C]] :
// CHECK:           arith.divf
func.func @average_pool(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "nn.average_pool"(%x) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = 0 : i64, count_include_pad = 0 : i64} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// CHECK-DAG:   #[[G:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-LABEL: func.func @global_average_pool
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[G]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
// CHECK:         arith.constant 0.0204081628 : f32
func.func @global_average_pool(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x1x1xf32> {
  %0 = "nn.global_average_pool"(%x) : (tensor<1x2x7x7xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}
