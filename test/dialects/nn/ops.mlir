// Round trip of every nn op through strata-opt (generic form; IRDL + shape rules verify).
// RUN: strata-opt %s | strata-opt | FileCheck %s
// The checked-in IRDL makes upstream mlir-opt accept the same file.
// RUN: mlir-opt --irdl-file=%nn_irdl %s | FileCheck %s

// CHECK-LABEL: func.func @add
// CHECK-NEXT:    %{{.*}} = "nn.add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @add(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.add"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sub
// CHECK-NEXT:    %{{.*}} = "nn.sub"(%{{.*}}, %{{.*}}) : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
func.func @sub(%arg0: tensor<2x1xf32>, %arg1: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.sub"(%arg0, %arg1) : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mul
// CHECK-NEXT:    %{{.*}} = "nn.mul"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
func.func @mul(%arg0: tensor<2x3xf32>, %arg1: tensor<f32>) -> tensor<2x3xf32> {
  %0 = "nn.mul"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @div
// CHECK-NEXT:    %{{.*}} = "nn.div"(%{{.*}}, %{{.*}}) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
func.func @div(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "nn.div"(%arg0, %arg1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @pow
// CHECK-NEXT:    %{{.*}} = "nn.pow"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
func.func @pow(%arg0: tensor<2x3xf32>, %arg1: tensor<i64>) -> tensor<2x3xf32> {
  %0 = "nn.pow"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @max
// CHECK-NEXT:    %{{.*}} = "nn.max"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @max(%arg0: tensor<2x3xf32>, %arg1: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.max"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @min
// CHECK-NEXT:    %{{.*}} = "nn.min"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @min(%arg0: tensor<2x3xf32>, %arg1: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.min"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sqrt
// CHECK-NEXT:    %{{.*}} = "nn.sqrt"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @sqrt(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.sqrt"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @erf
// CHECK-NEXT:    %{{.*}} = "nn.erf"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @erf(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.erf"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @exp
// CHECK-NEXT:    %{{.*}} = "nn.exp"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @exp(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.exp"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @log
// CHECK-NEXT:    %{{.*}} = "nn.log"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @log(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.log"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @reciprocal
// CHECK-NEXT:    %{{.*}} = "nn.reciprocal"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @reciprocal(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.reciprocal"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @neg
// CHECK-NEXT:    %{{.*}} = "nn.neg"(%{{.*}}) : (tensor<5xi64>) -> tensor<5xi64>
func.func @neg(%arg0: tensor<5xi64>) -> tensor<5xi64> {
  %0 = "nn.neg"(%arg0) : (tensor<5xi64>) -> tensor<5xi64>
  return %0 : tensor<5xi64>
}

// CHECK-LABEL: func.func @abs
// CHECK-NEXT:    %{{.*}} = "nn.abs"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @abs(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.abs"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @relu
// CHECK-NEXT:    %{{.*}} = "nn.relu"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @relu(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.relu"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// Dynamic dims: a dynamic dim broadcast against a static size takes that size.
// CHECK-LABEL: func.func @add_dynamic
// CHECK-NEXT:    %{{.*}} = "nn.add"(%{{.*}}, %{{.*}}) : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
func.func @add_dynamic(%arg0: tensor<?x4xf32>, %arg1: tensor<?x1xf32>) -> tensor<?x4xf32> {
  %0 = "nn.add"(%arg0, %arg1) : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @tanh
// CHECK-NEXT:    %{{.*}} = "nn.tanh"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @tanh(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.tanh"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @sigmoid
// CHECK-NEXT:    %{{.*}} = "nn.sigmoid"(%{{.*}}) : (tensor<5xf32>) -> tensor<5xf32>
func.func @sigmoid(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.sigmoid"(%arg0) : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// Optional bounds: operandSegmentSizes says which are present (here only max).
// CHECK-LABEL: func.func @clip
// CHECK-NEXT:    %{{.*}} = "nn.clip"(%{{.*}}, %{{.*}}) {operandSegmentSizes = array<i32: 1, 0, 1>} : (tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
func.func @clip(%arg0: tensor<5xf32>, %hi: tensor<f32>) -> tensor<5xf32> {
  %0 = "nn.clip"(%arg0, %hi) {operandSegmentSizes = array<i32: 1, 0, 1>} : (tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @hard_sigmoid
// CHECK-NEXT:    %{{.*}} = "nn.hard_sigmoid"(%{{.*}}) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<5xf32>) -> tensor<5xf32>
func.func @hard_sigmoid(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.hard_sigmoid"(%arg0) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @leaky_relu
// CHECK-NEXT:    %{{.*}} = "nn.leaky_relu"(%{{.*}}) {alpha = 1.000000e-01 : f32} : (tensor<5xf32>) -> tensor<5xf32>
func.func @leaky_relu(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.leaky_relu"(%arg0) {alpha = 1.000000e-01 : f32} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @gelu
// CHECK-NEXT:    %{{.*}} = "nn.gelu"(%{{.*}}) {approximate = "tanh"} : (tensor<5xf32>) -> tensor<5xf32>
func.func @gelu(%arg0: tensor<5xf32>) -> tensor<5xf32> {
  %0 = "nn.gelu"(%arg0) {approximate = "tanh"} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @softmax
// CHECK-NEXT:    %{{.*}} = "nn.softmax"(%{{.*}}) {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
func.func @softmax(%arg0: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "nn.softmax"(%arg0) {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @log_softmax
// CHECK-NEXT:    %{{.*}} = "nn.log_softmax"(%{{.*}}) {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
func.func @log_softmax(%arg0: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "nn.log_softmax"(%arg0) {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @gemm
// CHECK-NEXT:    %{{.*}} = "nn.gemm"(%{{.*}}, %{{.*}}, %{{.*}}) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
func.func @gemm(%arg0: tensor<3x4xf32>, %arg1: tensor<5x4xf32>, %arg2: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = "nn.gemm"(%arg0, %arg1, %arg2) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @mat_mul
// CHECK-NEXT:    %{{.*}} = "nn.mat_mul"(%{{.*}}, %{{.*}}) : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
func.func @mat_mul(%arg0: tensor<2x1x3x4xf32>, %arg1: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = "nn.mat_mul"(%arg0, %arg1) : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %0 : tensor<2x5x3x6xf32>
}

// CHECK-LABEL: func.func @conv
// CHECK-NEXT:    %{{.*}} = "nn.conv"(%{{.*}}, %{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
func.func @conv(%arg0: tensor<1x4x7x7xf32>, %arg1: tensor<4x1x3x3xf32>, %arg2: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = "nn.conv"(%arg0, %arg1, %arg2) {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// CHECK-LABEL: func.func @conv_transpose
// CHECK-NEXT:    %{{.*}} = "nn.conv_transpose"(%{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
func.func @conv_transpose(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32> {
  %0 = "nn.conv_transpose"(%arg0, %arg1) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return %0 : tensor<1x2x10x10xf32>
}

// CHECK-LABEL: func.func @max_pool
// CHECK-NEXT:    %{{.*}} = "nn.max_pool"(%{{.*}}) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
func.func @max_pool(%arg0: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "nn.max_pool"(%arg0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// CHECK-LABEL: func.func @average_pool
// CHECK-NEXT:    %{{.*}} = "nn.average_pool"(%{{.*}}) {ceil_mode = 1 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
func.func @average_pool(%arg0: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = "nn.average_pool"(%arg0) {ceil_mode = 1 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// CHECK-LABEL: func.func @global_average_pool
// CHECK-NEXT:    %{{.*}} = "nn.global_average_pool"(%{{.*}}) : (tensor<1x2x7x7xf32>) -> tensor<1x2x1x1xf32>
func.func @global_average_pool(%arg0: tensor<1x2x7x7xf32>) -> tensor<1x2x1x1xf32> {
  %0 = "nn.global_average_pool"(%arg0) : (tensor<1x2x7x7xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// CHECK-LABEL: func.func @batch_normalization
// CHECK-NEXT:    %{{.*}} = "nn.batch_normalization"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
func.func @batch_normalization(%arg0: tensor<2x3x4xf32>, %arg1: tensor<3xf32>, %arg2: tensor<3xf32>, %arg3: tensor<3xf32>, %arg4: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %0 = "nn.batch_normalization"(%arg0, %arg1, %arg2, %arg3, %arg4) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @layer_normalization
// CHECK-NEXT:    %{{.*}}:3 = "nn.layer_normalization"(%{{.*}}, %{{.*}}) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
func.func @layer_normalization(%arg0: tensor<2x3x4xf32>, %arg1: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0:3 = "nn.layer_normalization"(%arg0, %arg1) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  return %0#0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @rms_normalization
// CHECK-NEXT:    %{{.*}} = "nn.rms_normalization"(%{{.*}}, %{{.*}}) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<?x3x4xf32>, tensor<3x4xf32>) -> tensor<?x3x4xf32>
func.func @rms_normalization(%arg0: tensor<?x3x4xf32>, %arg1: tensor<3x4xf32>) -> tensor<?x3x4xf32> {
  %0 = "nn.rms_normalization"(%arg0, %arg1) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<?x3x4xf32>, tensor<3x4xf32>) -> tensor<?x3x4xf32>
  return %0 : tensor<?x3x4xf32>
}

// CHECK-LABEL: func.func @attention
// CHECK-NEXT:    %{{.*}}:4 = "nn.attention"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {is_causal = 1 : i64, left_window_size = -1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 1>, qk_matmul_output_mode = 0 : i64, right_window_size = -1 : i64, scale = 5.000000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<2xi64>) -> (tensor<2x4x3x6xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<2x4x3x5xf32>)
func.func @attention(%q: tensor<2x4x3x8xf32>, %k: tensor<2x2x5x8xf32>, %v: tensor<2x2x5x6xf32>, %n: tensor<2xi64>) -> tensor<2x4x3x6xf32> {
  %0:4 = "nn.attention"(%q, %k, %v, %n) {operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 1>, scale = 0.5 : f32, is_causal = 1 : i64, softcap = 0.0 : f32, softmax_precision = 1 : i64, qk_matmul_output_mode = 0 : i64, left_window_size = -1 : i64, right_window_size = -1 : i64} : (tensor<2x4x3x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<2xi64>) -> (tensor<2x4x3x6xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x6xf32>, tensor<2x4x3x5xf32>)
  return %0#0 : tensor<2x4x3x6xf32>
}

// CHECK-LABEL: func.func @max_pool_with_indices
// CHECK-NEXT:    %{{.*}}:2 = "nn.max_pool_with_indices"(%{{.*}}) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
func.func @max_pool_with_indices(%arg0: tensor<1x2x7x7xf32>) -> tensor<1x2x3x3xf32> {
  %0:2 = "nn.max_pool_with_indices"(%arg0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
  return %0#0 : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @lp_pool
// CHECK-NEXT:    %{{.*}} = "nn.lp_pool"(%{{.*}}) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x?x6xf32>) -> tensor<1x2x?x5xf32>
func.func @lp_pool(%arg0: tensor<1x2x?x6xf32>) -> tensor<1x2x?x5xf32> {
  %0 = "nn.lp_pool"(%arg0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x?x6xf32>) -> tensor<1x2x?x5xf32>
  return %0 : tensor<1x2x?x5xf32>
}

// CHECK-LABEL: func.func @max_unpool
// CHECK-NEXT:    %{{.*}} = "nn.max_unpool"(%{{.*}}, %{{.*}}) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 2, 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>) -> tensor<1x2x5x5xf32>
func.func @max_unpool(%arg0: tensor<1x2x2x2xf32>, %arg1: tensor<1x2x2x2xi64>) -> tensor<1x2x5x5xf32> {
  %0 = "nn.max_unpool"(%arg0, %arg1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 2, 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// CHECK-LABEL: func.func @dynamic_max_unpool
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_max_unpool"(%{{.*}}, %{{.*}}, %{{.*}}) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>, tensor<4xi64>) -> tensor<1x2x?x?xf32>
func.func @dynamic_max_unpool(%arg0: tensor<1x2x2x2xf32>, %arg1: tensor<1x2x2x2xi64>, %arg2: tensor<4xi64>) -> tensor<1x2x?x?xf32> {
  %0 = "nn.dynamic_max_unpool"(%arg0, %arg1, %arg2) {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>, tensor<4xi64>) -> tensor<1x2x?x?xf32>
  return %0 : tensor<1x2x?x?xf32>
}

// CHECK-LABEL: func.func @col2im
// CHECK-NEXT:    %{{.*}} = "nn.col2im"(%{{.*}}) {block_shape = array<i64: 3, 3>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x9x4xf32>) -> tensor<1x1x5x5xf32>
func.func @col2im(%arg0: tensor<1x9x4xf32>) -> tensor<1x1x5x5xf32> {
  %0 = "nn.col2im"(%arg0) {block_shape = array<i64: 3, 3>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x9x4xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// CHECK-LABEL: func.func @dynamic_col2im
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_col2im"(%{{.*}}, %{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x9x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x?x?xf32>
func.func @dynamic_col2im(%arg0: tensor<1x9x4xf32>, %arg1: tensor<2xi64>, %arg2: tensor<2xi64>) -> tensor<1x?x?x?xf32> {
  %0 = "nn.dynamic_col2im"(%arg0, %arg1, %arg2) {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x9x4xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x?x?xf32>
  return %0 : tensor<1x?x?x?xf32>
}

// CHECK-LABEL: func.func @grid_sample
// CHECK-NEXT:    %{{.*}} = "nn.grid_sample"(%{{.*}}, %{{.*}}) {align_corners = 0 : i64, mode = "cubic", padding_mode = "zeros"} : (tensor<1x3x4x4xf32>, tensor<1x6x5x2xf32>) -> tensor<1x3x6x5xf32>
func.func @grid_sample(%arg0: tensor<1x3x4x4xf32>, %arg1: tensor<1x6x5x2xf32>) -> tensor<1x3x6x5xf32> {
  %0 = "nn.grid_sample"(%arg0, %arg1) {align_corners = 0 : i64, mode = "cubic", padding_mode = "zeros"} : (tensor<1x3x4x4xf32>, tensor<1x6x5x2xf32>) -> tensor<1x3x6x5xf32>
  return %0 : tensor<1x3x6x5xf32>
}

// CHECK-LABEL: func.func @roi_align
// CHECK-NEXT:    %{{.*}} = "nn.roi_align"(%{{.*}}, %{{.*}}, %{{.*}}) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 3 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x3x8x8xf32>, tensor<5x4xf32>, tensor<5xi64>) -> tensor<5x3x2x3xf32>
func.func @roi_align(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<5x4xf32>, %arg2: tensor<5xi64>) -> tensor<5x3x2x3xf32> {
  %0 = "nn.roi_align"(%arg0, %arg1, %arg2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 2 : i64, output_width = 3 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x3x8x8xf32>, tensor<5x4xf32>, tensor<5xi64>) -> tensor<5x3x2x3xf32>
  return %0 : tensor<5x3x2x3xf32>
}

// CHECK-LABEL: func.func @affine_grid
// CHECK-NEXT:    %{{.*}} = "nn.affine_grid"(%{{.*}}) {align_corners = 0 : i64, size = array<i64: 2, 1, 4, 5, 6>} : (tensor<2x3x4xf32>) -> tensor<2x4x5x6x3xf32>
func.func @affine_grid(%arg0: tensor<2x3x4xf32>) -> tensor<2x4x5x6x3xf32> {
  %0 = "nn.affine_grid"(%arg0) {align_corners = 0 : i64, size = array<i64: 2, 1, 4, 5, 6>} : (tensor<2x3x4xf32>) -> tensor<2x4x5x6x3xf32>
  return %0 : tensor<2x4x5x6x3xf32>
}

// CHECK-LABEL: func.func @dynamic_affine_grid
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_affine_grid"(%{{.*}}, %{{.*}}) {align_corners = 0 : i64} : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x?x?x2xf32>
func.func @dynamic_affine_grid(%arg0: tensor<2x2x3xf32>, %arg1: tensor<4xi64>) -> tensor<2x?x?x2xf32> {
  %0 = "nn.dynamic_affine_grid"(%arg0, %arg1) {align_corners = 0 : i64} : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x?x?x2xf32>
  return %0 : tensor<2x?x?x2xf32>
}

// CHECK-LABEL: func.func @deform_conv
// CHECK-NEXT:    %{{.*}} = "nn.deform_conv"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, offset_group = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>, tensor<1x36x3x3xf32>, tensor<6xf32>, tensor<1x18x3x3xf32>) -> tensor<1x6x3x3xf32>
func.func @deform_conv(%arg0: tensor<1x4x5x5xf32>, %arg1: tensor<6x2x3x3xf32>, %arg2: tensor<1x36x3x3xf32>, %arg3: tensor<6xf32>, %arg4: tensor<1x18x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %0 = "nn.deform_conv"(%arg0, %arg1, %arg2, %arg3, %arg4) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, offset_group = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>, tensor<1x36x3x3xf32>, tensor<6xf32>, tensor<1x18x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}

// CHECK-LABEL: func.func @linear_attention
// CHECK-NEXT:    %{{.*}}:2 = "nn.linear_attention"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {kv_num_heads = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1>, q_num_heads = 4 : i64, scale = 0.000000e+00 : f32, update_rule = "gated_delta"} : (tensor<2x?x16xf32>, tensor<2x?x8xf32>, tensor<2x?x12xf32>, tensor<2x?x2xf32>, tensor<2x?x1xf32>) -> (tensor<2x?x24xf32>, tensor<2x2x4x6xf32>)
func.func @linear_attention(%q: tensor<2x?x16xf32>, %k: tensor<2x?x8xf32>, %v: tensor<2x?x12xf32>, %d: tensor<2x?x2xf32>, %b: tensor<2x?x1xf32>) -> tensor<2x?x24xf32> {
  %0:2 = "nn.linear_attention"(%q, %k, %v, %d, %b) {kv_num_heads = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1>, q_num_heads = 4 : i64, scale = 0.0 : f32, update_rule = "gated_delta"} : (tensor<2x?x16xf32>, tensor<2x?x8xf32>, tensor<2x?x12xf32>, tensor<2x?x2xf32>, tensor<2x?x1xf32>) -> (tensor<2x?x24xf32>, tensor<2x2x4x6xf32>)
  return %0#0 : tensor<2x?x24xf32>
}

// CHECK-LABEL: func.func @reduce_mean
// CHECK-NEXT:    %{{.*}} = "nn.reduce_mean"(%{{.*}}) {axes = array<i64: -1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
func.func @reduce_mean(%arg0: tensor<2x3x4xf32>) -> tensor<2x3x1xf32> {
  %0 = "nn.reduce_mean"(%arg0) {axes = array<i64: -1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// CHECK-LABEL: func.func @reduce_sum
// CHECK-NEXT:    %{{.*}} = "nn.reduce_sum"(%{{.*}}) {axes = array<i64: 0, 2>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<3xf32>
func.func @reduce_sum(%arg0: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = "nn.reduce_sum"(%arg0) {axes = array<i64: 0, 2>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @reduce_max
// CHECK-NEXT:    %{{.*}} = "nn.reduce_max"(%{{.*}}) {axes = array<i64>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
func.func @reduce_max(%arg0: tensor<2x3x4xf32>) -> tensor<1x1x1xf32> {
  %0 = "nn.reduce_max"(%arg0) {axes = array<i64>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// CHECK-LABEL: func.func @reduce_min
// CHECK-NEXT:    %{{.*}} = "nn.reduce_min"(%{{.*}}) {axes = array<i64: 1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xi1>) -> tensor<2x1xi1>
func.func @reduce_min(%arg0: tensor<2x3xi1>) -> tensor<2x1xi1> {
  %0 = "nn.reduce_min"(%arg0) {axes = array<i64: 1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xi1>) -> tensor<2x1xi1>
  return %0 : tensor<2x1xi1>
}

// CHECK-LABEL: func.func @reduce_prod
// CHECK-NEXT:    %{{.*}} = "nn.reduce_prod"(%{{.*}}) {axes = array<i64: 0>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xi32>) -> tensor<3xi32>
func.func @reduce_prod(%arg0: tensor<2x3xi32>) -> tensor<3xi32> {
  %0 = "nn.reduce_prod"(%arg0) {axes = array<i64: 0>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// CHECK-LABEL: func.func @reduce_l1
// CHECK-NEXT:    %{{.*}} = "nn.reduce_l1"(%{{.*}}) {axes = array<i64: 1, 2>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
func.func @reduce_l1(%arg0: tensor<2x3x4xf32>) -> tensor<2x1x1xf32> {
  %0 = "nn.reduce_l1"(%arg0) {axes = array<i64: 1, 2>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  return %0 : tensor<2x1x1xf32>
}

// CHECK-LABEL: func.func @reduce_l2
// CHECK-NEXT:    %{{.*}} = "nn.reduce_l2"(%{{.*}}) {axes = array<i64>, keepdims = 1 : i64, noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @reduce_l2(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.reduce_l2"(%arg0) {axes = array<i64>, keepdims = 1 : i64, noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reduce_log_sum
// CHECK-NEXT:    %{{.*}} = "nn.reduce_log_sum"(%{{.*}}) {axes = array<i64: 1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
func.func @reduce_log_sum(%arg0: tensor<2x0x4xf32>) -> tensor<2x1x4xf32> {
  %0 = "nn.reduce_log_sum"(%arg0) {axes = array<i64: 1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x0x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// CHECK-LABEL: func.func @reduce_log_sum_exp
// CHECK-NEXT:    %{{.*}} = "nn.reduce_log_sum_exp"(%{{.*}}) {axes = array<i64>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<f32>
func.func @reduce_log_sum_exp(%arg0: tensor<2x3xf32>) -> tensor<f32> {
  %0 = "nn.reduce_log_sum_exp"(%arg0) {axes = array<i64>, keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @reduce_sum_square
// CHECK-NEXT:    %{{.*}} = "nn.reduce_sum_square"(%{{.*}}) {axes = array<i64: -1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x1xf32>
func.func @reduce_sum_square(%arg0: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %0 = "nn.reduce_sum_square"(%arg0) {axes = array<i64: -1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_max
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_max"(%{{.*}}, %{{.*}}) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x1x4xf32>, tensor<1xi64>) -> tensor<?x1x?xf32>
func.func @dynamic_reduce_max(%arg0: tensor<2x1x4xf32>, %arg1: tensor<1xi64>) -> tensor<?x1x?xf32> {
  %0 = "nn.dynamic_reduce_max"(%arg0, %arg1) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x1x4xf32>, tensor<1xi64>) -> tensor<?x1x?xf32>
  return %0 : tensor<?x1x?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_min
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_min"(%{{.*}}, %{{.*}}) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?xf32>
func.func @dynamic_reduce_min(%arg0: tensor<2x3xf32>, %arg1: tensor<1xi64>) -> tensor<?xf32> {
  %0 = "nn.dynamic_reduce_min"(%arg0, %arg1) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_sum
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_sum"(%{{.*}}, %{{.*}}) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<f32>
func.func @dynamic_reduce_sum(%arg0: tensor<2x3xf32>, %arg1: tensor<0xi64>) -> tensor<f32> {
  %0 = "nn.dynamic_reduce_sum"(%arg0, %arg1) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @dynamic_reduce_mean
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_mean"(%{{.*}}, %{{.*}}) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?xf32>
func.func @dynamic_reduce_mean(%arg0: tensor<2x3x4xf32>, %arg1: tensor<2xi64>) -> tensor<?xf32> {
  %0 = "nn.dynamic_reduce_mean"(%arg0, %arg1) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_prod
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_prod"(%{{.*}}, %{{.*}}) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
func.func @dynamic_reduce_prod(%arg0: tensor<2x3xf32>, %arg1: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_reduce_prod"(%arg0, %arg1) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_l1
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_l1"(%{{.*}}, %{{.*}}) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
func.func @dynamic_reduce_l1(%arg0: tensor<2x3xf32>, %arg1: tensor<?xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_reduce_l1"(%arg0, %arg1) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_l2
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_l2"(%{{.*}}, %{{.*}}) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
func.func @dynamic_reduce_l2(%arg0: tensor<2x3xf32>, %arg1: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_reduce_l2"(%arg0, %arg1) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_log_sum
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_log_sum"(%{{.*}}, %{{.*}}) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
func.func @dynamic_reduce_log_sum(%arg0: tensor<2x3xf32>, %arg1: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_reduce_log_sum"(%arg0, %arg1) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_log_sum_exp
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_log_sum_exp"(%{{.*}}, %{{.*}}) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
func.func @dynamic_reduce_log_sum_exp(%arg0: tensor<2x3xf32>, %arg1: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_reduce_log_sum_exp"(%arg0, %arg1) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @dynamic_reduce_sum_square
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_reduce_sum_square"(%{{.*}}, %{{.*}}) {keepdims = 0 : i64, noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
func.func @dynamic_reduce_sum_square(%arg0: tensor<2x3xf32>, %arg1: tensor<0xi64>) -> tensor<2x3xf32> {
  %0 = "nn.dynamic_reduce_sum_square"(%arg0, %arg1) {keepdims = 0 : i64, noop_with_empty_axes = 1 : i64} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @arg_max
// CHECK-NEXT:    %{{.*}} = "nn.arg_max"(%{{.*}}) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
func.func @arg_max(%arg0: tensor<2x3x4xf32>) -> tensor<2x1x4xi64> {
  %0 = "nn.arg_max"(%arg0) {axis = 1 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %0 : tensor<2x1x4xi64>
}

// CHECK-LABEL: func.func @arg_min
// CHECK-NEXT:    %{{.*}} = "nn.arg_min"(%{{.*}}) {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x3x4xi32>) -> tensor<2x3xi64>
func.func @arg_min(%arg0: tensor<2x3x4xi32>) -> tensor<2x3xi64> {
  %0 = "nn.arg_min"(%arg0) {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<2x3x4xi32>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// CHECK-LABEL: func.func @hardmax
// CHECK-NEXT:    %{{.*}} = "nn.hardmax"(%{{.*}}) {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @hardmax(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.hardmax"(%arg0) {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @lp_normalization
// CHECK-NEXT:    %{{.*}} = "nn.lp_normalization"(%{{.*}}) {axis = -1 : i64, p = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @lp_normalization(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.lp_normalization"(%arg0) {axis = -1 : i64, p = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @det
// CHECK-NEXT:    %{{.*}} = "nn.det"(%{{.*}}) : (tensor<3x2x2xf32>) -> tensor<3xf32>
func.func @det(%arg0: tensor<3x2x2xf32>) -> tensor<3xf32> {
  %0 = "nn.det"(%arg0) : (tensor<3x2x2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// CHECK-LABEL: func.func @einsum
// CHECK-NEXT:    %{{.*}} = "nn.einsum"(%{{.*}}, %{{.*}}) {equation = "bij, bjk -> bik"} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
func.func @einsum(%arg0: tensor<5x2x3xf32>, %arg1: tensor<5x3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = "nn.einsum"(%arg0, %arg1) {equation = "bij, bjk -> bik"} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// CHECK-LABEL: func.func @top_k
// CHECK-NEXT:    %{{.*}}:2 = "nn.top_k"(%{{.*}}) {axis = -1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
func.func @top_k(%arg0: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = "nn.top_k"(%arg0) {axis = -1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

// CHECK-LABEL: func.func @dynamic_top_k
// CHECK-NEXT:    %{{.*}}:2 = "nn.dynamic_top_k"(%{{.*}}, %{{.*}}) {axis = 0 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<?x4xf32>, tensor<?x4xi64>)
func.func @dynamic_top_k(%arg0: tensor<3x4xf32>, %arg1: tensor<1xi64>) -> (tensor<?x4xf32>, tensor<?x4xi64>) {
  %0:2 = "nn.dynamic_top_k"(%arg0, %arg1) {axis = 0 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<?x4xf32>, tensor<?x4xi64>)
  return %0#0, %0#1 : tensor<?x4xf32>, tensor<?x4xi64>
}

// CHECK-LABEL: func.func @cum_sum
// CHECK-NEXT:    %{{.*}} = "nn.cum_sum"(%{{.*}}) {axis = 1 : i64, exclusive = 0 : i64, reverse = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @cum_sum(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.cum_sum"(%arg0) {axis = 1 : i64, exclusive = 0 : i64, reverse = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @cum_prod
// CHECK-NEXT:    %{{.*}} = "nn.cum_prod"(%{{.*}}) {axis = -2 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
func.func @cum_prod(%arg0: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = "nn.cum_prod"(%arg0) {axis = -2 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @dynamic_cum_sum
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_cum_sum"(%{{.*}}, %{{.*}}) {exclusive = 1 : i64, reverse = 0 : i64} : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
func.func @dynamic_cum_sum(%arg0: tensor<2x3xf32>, %arg1: tensor<i32>) -> tensor<2x3xf32> {
  %0 = "nn.dynamic_cum_sum"(%arg0, %arg1) {exclusive = 1 : i64, reverse = 0 : i64} : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @dynamic_cum_prod
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_cum_prod"(%{{.*}}, %{{.*}}) {exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x3xf32>
func.func @dynamic_cum_prod(%arg0: tensor<2x3xf32>, %arg1: tensor<1xi64>) -> tensor<2x3xf32> {
  %0 = "nn.dynamic_cum_prod"(%arg0, %arg1) {exclusive = 0 : i64, reverse = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @non_zero
// CHECK-NEXT:    %{{.*}} = "nn.non_zero"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x?xi64>
func.func @non_zero(%arg0: tensor<2x3xf32>) -> tensor<2x?xi64> {
  %0 = "nn.non_zero"(%arg0) : (tensor<2x3xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// CHECK-LABEL: func.func @compress
// CHECK-NEXT:    %{{.*}} = "nn.compress"(%{{.*}}, %{{.*}}) {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<?x2xf32>
func.func @compress(%arg0: tensor<3x2xf32>, %arg1: tensor<2xi1>) -> tensor<?x2xf32> {
  %0 = "nn.compress"(%arg0, %arg1) {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// CHECK-LABEL: func.func @unique
// CHECK-NEXT:    %{{.*}}:4 = "nn.unique"(%{{.*}}) {axis = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
func.func @unique(%arg0: tensor<3x4xf32>) -> (tensor<3x?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>) {
  %0:4 = "nn.unique"(%arg0) {axis = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<3x?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>
}

// CHECK-LABEL: func.func @reshape
// CHECK-NEXT:    %{{.*}} = "nn.reshape"(%{{.*}}) {allowzero = 0 : i64, shape = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
func.func @reshape(%arg0: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = "nn.reshape"(%arg0) {allowzero = 0 : i64, shape = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK-NEXT:    %{{.*}} = "nn.transpose"(%{{.*}}) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
func.func @transpose(%arg0: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = "nn.transpose"(%arg0) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// CHECK-LABEL: func.func @flatten
// CHECK-NEXT:    %{{.*}} = "nn.flatten"(%{{.*}}) {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
func.func @flatten(%arg0: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = "nn.flatten"(%arg0) {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// CHECK-LABEL: func.func @squeeze
// CHECK-NEXT:    %{{.*}} = "nn.squeeze"(%{{.*}}) {axes = array<i64: 2>} : (tensor<1x3x1xf32>) -> tensor<1x3xf32>
func.func @squeeze(%arg0: tensor<1x3x1xf32>) -> tensor<1x3xf32> {
  %0 = "nn.squeeze"(%arg0) {axes = array<i64: 2>} : (tensor<1x3x1xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// CHECK-LABEL: func.func @unsqueeze
// CHECK-NEXT:    %{{.*}} = "nn.unsqueeze"(%{{.*}}) {axes = array<i64: 0, -1>} : (tensor<3x4xf32>) -> tensor<1x3x4x1xf32>
func.func @unsqueeze(%arg0: tensor<3x4xf32>) -> tensor<1x3x4x1xf32> {
  %0 = "nn.unsqueeze"(%arg0) {axes = array<i64: 0, -1>} : (tensor<3x4xf32>) -> tensor<1x3x4x1xf32>
  return %0 : tensor<1x3x4x1xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK-NEXT:    %{{.*}} = "nn.concat"(%{{.*}}, %{{.*}}) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
func.func @concat(%arg0: tensor<2x3xf32>, %arg1: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "nn.concat"(%arg0, %arg1) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @split
// CHECK-NEXT:    %{{.*}} = "nn.split"(%{{.*}}) {axis = 0 : i64, split = array<i64: 2, 2, 2>} : (tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>)
func.func @split(%arg0: tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %0:3 = "nn.split"(%arg0) {axis = 0 : i64, split = array<i64: 2, 2, 2>} : (tensor<6x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>)
  return %0#0, %0#1, %0#2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}

// CHECK-LABEL: func.func @slice
// CHECK-NEXT:    %{{.*}} = "nn.slice"(%{{.*}}) {axes = array<i64: 0, 1>, ends = array<i64: -9223372036854775808, 9223372036854775807>, starts = array<i64: -1, 1>, steps = array<i64: -2, 2>} : (tensor<10x6xf32>) -> tensor<5x3xf32>
func.func @slice(%arg0: tensor<10x6xf32>) -> tensor<5x3xf32> {
  %0 = "nn.slice"(%arg0) {axes = array<i64: 0, 1>, ends = array<i64: -9223372036854775808, 9223372036854775807>, starts = array<i64: -1, 1>, steps = array<i64: -2, 2>} : (tensor<10x6xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK-NEXT:    %{{.*}} = "nn.gather"(%{{.*}}, %{{.*}}) {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
func.func @gather(%arg0: tensor<5x4xf32>, %arg1: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %0 = "nn.gather"(%arg0, %arg1) {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @expand
// CHECK-NEXT:    %{{.*}} = "nn.expand"(%{{.*}}) {shape = array<i64: 2, 1, 4>} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
func.func @expand(%arg0: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = "nn.expand"(%arg0) {shape = array<i64: 2, 1, 4>} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @pad
// CHECK-NEXT:    %{{.*}} = "nn.pad"(%{{.*}}) {constant_value = 0.000000e+00 : f32, mode = "constant", pads = array<i64: 1, 0, 1, 2>} : (tensor<2x3xf32>) -> tensor<4x5xf32>
func.func @pad(%arg0: tensor<2x3xf32>) -> tensor<4x5xf32> {
  %0 = "nn.pad"(%arg0) {constant_value = 0.000000e+00 : f32, mode = "constant", pads = array<i64: 1, 0, 1, 2>} : (tensor<2x3xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @resize
// CHECK-NEXT:    %{{.*}} = "nn.resize"(%{{.*}}) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "linear", nearest_mode = "round_prefer_floor", roi = array<f32>, scales = array<f32>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
func.func @resize(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32> {
  %0 = "nn.resize"(%arg0) {antialias = 0 : i64, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, mode = "linear", nearest_mode = "round_prefer_floor", roi = array<f32>, scales = array<f32>, sizes = array<i64: 1, 1, 8, 8>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// CHECK-LABEL: func.func @cast
// CHECK-NEXT:    %{{.*}} = "nn.cast"(%{{.*}}) {round_mode = "up", saturate = 1 : i64, to = i32} : (tensor<2x3xf32>) -> tensor<2x3xi32>
func.func @cast(%arg0: tensor<2x3xf32>) -> tensor<2x3xi32> {
  %0 = "nn.cast"(%arg0) {round_mode = "up", saturate = 1 : i64, to = i32} : (tensor<2x3xf32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @identity
// CHECK-NEXT:    %{{.*}} = "nn.identity"(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @identity(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "nn.identity"(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @shape
// CHECK-NEXT:    %{{.*}} = "nn.shape"(%{{.*}}) {end = 9223372036854775807 : i64, start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
func.func @shape(%arg0: tensor<2x3x4xf32>) -> tensor<2xi64> {
  %0 = "nn.shape"(%arg0) {end = 9223372036854775807 : i64, start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    %{{.*}} = "nn.constant"() {value = dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00, 5.000000e+00]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
func.func @constant() -> tensor<2x3xf32> {
  %0 = "nn.constant"() {value = dense<[[0.000000e+00, 1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00, 5.000000e+00]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @constant_of_shape
// CHECK-NEXT:    %{{.*}} = "nn.constant_of_shape"() {shape = array<i64: 3, 2>, value = dense<1> : tensor<1xi64>} : () -> tensor<3x2xi64>
func.func @constant_of_shape() -> tensor<3x2xi64> {
  %0 = "nn.constant_of_shape"() {shape = array<i64: 3, 2>, value = dense<1> : tensor<1xi64>} : () -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}

// CHECK-LABEL: func.func @equal
// CHECK-NEXT:    %{{.*}} = "nn.equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
func.func @equal(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "nn.equal"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @less
// CHECK-NEXT:    %{{.*}} = "nn.less"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
func.func @less(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "nn.less"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @greater
// CHECK-NEXT:    %{{.*}} = "nn.greater"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
func.func @greater(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "nn.greater"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @less_or_equal
// CHECK-NEXT:    %{{.*}} = "nn.less_or_equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
func.func @less_or_equal(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "nn.less_or_equal"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @greater_or_equal
// CHECK-NEXT:    %{{.*}} = "nn.greater_or_equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
func.func @greater_or_equal(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xi1> {
  %0 = "nn.greater_or_equal"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @and
// CHECK-NEXT:    %{{.*}} = "nn.and"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
func.func @and(%arg0: tensor<2x3xi1>, %arg1: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "nn.and"(%arg0, %arg1) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @or
// CHECK-NEXT:    %{{.*}} = "nn.or"(%{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
func.func @or(%arg0: tensor<2x3xi1>, %arg1: tensor<3xi1>) -> tensor<2x3xi1> {
  %0 = "nn.or"(%arg0, %arg1) : (tensor<2x3xi1>, tensor<3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @not
// CHECK-NEXT:    %{{.*}} = "nn.not"(%{{.*}}) : (tensor<2x3xi1>) -> tensor<2x3xi1>
func.func @not(%arg0: tensor<2x3xi1>) -> tensor<2x3xi1> {
  %0 = "nn.not"(%arg0) : (tensor<2x3xi1>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// CHECK-LABEL: func.func @where
// CHECK-NEXT:    %{{.*}} = "nn.where"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<3xi1>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<2x3xf32>
func.func @where(%arg0: tensor<3xi1>, %arg1: tensor<2x1xf32>, %arg2: tensor<1xf32>) -> tensor<2x3xf32> {
  %0 = "nn.where"(%arg0, %arg1, %arg2) : (tensor<3xi1>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @gather_nd
// CHECK-NEXT:    %{{.*}} = "nn.gather_nd"(%{{.*}}, %{{.*}}) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x1xi64>) -> tensor<2x5x4xf32>
func.func @gather_nd(%arg0: tensor<2x3x4xf32>, %arg1: tensor<2x5x1xi64>) -> tensor<2x5x4xf32> {
  %0 = "nn.gather_nd"(%arg0, %arg1) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x1xi64>) -> tensor<2x5x4xf32>
  return %0 : tensor<2x5x4xf32>
}

// CHECK-LABEL: func.func @scatter_elements
// CHECK-NEXT:    %{{.*}} = "nn.scatter_elements"(%{{.*}}, %{{.*}}, %{{.*}}) {axis = 0 : i64, reduction = "add"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
func.func @scatter_elements(%arg0: tensor<3x4xf32>, %arg1: tensor<2x4xi64>, %arg2: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %0 = "nn.scatter_elements"(%arg0, %arg1, %arg2) {axis = 0 : i64, reduction = "add"} : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @scatter_nd
// CHECK-NEXT:    %{{.*}} = "nn.scatter_nd"(%{{.*}}, %{{.*}}, %{{.*}}) {reduction = "none"} : (tensor<4x5x6xf32>, tensor<3x2xi64>, tensor<3x6xf32>) -> tensor<4x5x6xf32>
func.func @scatter_nd(%arg0: tensor<4x5x6xf32>, %arg1: tensor<3x2xi64>, %arg2: tensor<3x6xf32>) -> tensor<4x5x6xf32> {
  %0 = "nn.scatter_nd"(%arg0, %arg1, %arg2) {reduction = "none"} : (tensor<4x5x6xf32>, tensor<3x2xi64>, tensor<3x6xf32>) -> tensor<4x5x6xf32>
  return %0 : tensor<4x5x6xf32>
}

// CHECK-LABEL: func.func @tensor_scatter
// CHECK-NEXT:    %{{.*}} = "nn.tensor_scatter"(%{{.*}}, %{{.*}}, %{{.*}}) {axis = -2 : i64, mode = "linear"} : (tensor<2x3x8x4xf32>, tensor<2x3x2x4xf32>, tensor<2xi64>) -> tensor<2x3x8x4xf32>
func.func @tensor_scatter(%arg0: tensor<2x3x8x4xf32>, %arg1: tensor<2x3x2x4xf32>, %arg2: tensor<2xi64>) -> tensor<2x3x8x4xf32> {
  %0 = "nn.tensor_scatter"(%arg0, %arg1, %arg2) {axis = -2 : i64, mode = "linear"} : (tensor<2x3x8x4xf32>, tensor<2x3x2x4xf32>, tensor<2xi64>) -> tensor<2x3x8x4xf32>
  return %0 : tensor<2x3x8x4xf32>
}

// CHECK-LABEL: func.func @one_hot
// CHECK-NEXT:    %{{.*}} = "nn.one_hot"(%{{.*}}, %{{.*}}) {axis = 1 : i64, depth = 5 : i64} : (tensor<2x3xi64>, tensor<2xf32>) -> tensor<2x5x3xf32>
func.func @one_hot(%arg0: tensor<2x3xi64>, %arg1: tensor<2xf32>) -> tensor<2x5x3xf32> {
  %0 = "nn.one_hot"(%arg0, %arg1) {axis = 1 : i64, depth = 5 : i64} : (tensor<2x3xi64>, tensor<2xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// CHECK-LABEL: func.func @dynamic_one_hot
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_one_hot"(%{{.*}}, %{{.*}}, %{{.*}}) {axis = -1 : i64} : (tensor<4xi64>, tensor<i64>, tensor<2xf32>) -> tensor<4x?xf32>
func.func @dynamic_one_hot(%arg0: tensor<4xi64>, %arg1: tensor<i64>, %arg2: tensor<2xf32>) -> tensor<4x?xf32> {
  %0 = "nn.dynamic_one_hot"(%arg0, %arg1, %arg2) {axis = -1 : i64} : (tensor<4xi64>, tensor<i64>, tensor<2xf32>) -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// CHECK-LABEL: func.func @tile
// CHECK-NEXT:    %{{.*}} = "nn.tile"(%{{.*}}) {repeats = array<i64: 3, 1>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
func.func @tile(%arg0: tensor<2x3xf32>) -> tensor<6x3xf32> {
  %0 = "nn.tile"(%arg0) {repeats = array<i64: 3, 1>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}

// CHECK-LABEL: func.func @dynamic_tile
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_tile"(%{{.*}}, %{{.*}}) : (tensor<2x0xf32>, tensor<2xi64>) -> tensor<?x0xf32>
func.func @dynamic_tile(%arg0: tensor<2x0xf32>, %arg1: tensor<2xi64>) -> tensor<?x0xf32> {
  %0 = "nn.dynamic_tile"(%arg0, %arg1) : (tensor<2x0xf32>, tensor<2xi64>) -> tensor<?x0xf32>
  return %0 : tensor<?x0xf32>
}

// CHECK-LABEL: func.func @depth_to_space
// CHECK-NEXT:    %{{.*}} = "nn.depth_to_space"(%{{.*}}) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
func.func @depth_to_space(%arg0: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = "nn.depth_to_space"(%arg0) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// CHECK-LABEL: func.func @space_to_depth
// CHECK-NEXT:    %{{.*}} = "nn.space_to_depth"(%{{.*}}) {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
func.func @space_to_depth(%arg0: tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32> {
  %0 = "nn.space_to_depth"(%arg0) {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// CHECK-LABEL: func.func @reverse_sequence
// CHECK-NEXT:    %{{.*}} = "nn.reverse_sequence"(%{{.*}}, %{{.*}}) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<5x3x2xf32>, tensor<3xi64>) -> tensor<5x3x2xf32>
func.func @reverse_sequence(%arg0: tensor<5x3x2xf32>, %arg1: tensor<3xi64>) -> tensor<5x3x2xf32> {
  %0 = "nn.reverse_sequence"(%arg0, %arg1) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<5x3x2xf32>, tensor<3xi64>) -> tensor<5x3x2xf32>
  return %0 : tensor<5x3x2xf32>
}

// CHECK-LABEL: func.func @trilu
// CHECK-NEXT:    %{{.*}} = "nn.trilu"(%{{.*}}, %{{.*}}) {upper = 0 : i64} : (tensor<2x4x5xf32>, tensor<i64>) -> tensor<2x4x5xf32>
func.func @trilu(%arg0: tensor<2x4x5xf32>, %arg1: tensor<i64>) -> tensor<2x4x5xf32> {
  %0 = "nn.trilu"(%arg0, %arg1) {upper = 0 : i64} : (tensor<2x4x5xf32>, tensor<i64>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// CHECK-LABEL: func.func @eye_like
// CHECK-NEXT:    %{{.*}} = "nn.eye_like"(%{{.*}}) {dtype = i32, k = -1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xi32>
func.func @eye_like(%arg0: tensor<3x4xf32>) -> tensor<3x4xi32> {
  %0 = "nn.eye_like"(%arg0) {dtype = i32, k = -1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// CHECK-LABEL: func.func @center_crop_pad
// CHECK-NEXT:    %{{.*}} = "nn.center_crop_pad"(%{{.*}}, %{{.*}}) {axes = array<i64: 0, -2>} : (tensor<5x6x3xf32>, tensor<2xi64>) -> tensor<?x?x3xf32>
func.func @center_crop_pad(%arg0: tensor<5x6x3xf32>, %arg1: tensor<2xi64>) -> tensor<?x?x3xf32> {
  %0 = "nn.center_crop_pad"(%arg0, %arg1) {axes = array<i64: 0, -2>} : (tensor<5x6x3xf32>, tensor<2xi64>) -> tensor<?x?x3xf32>
  return %0 : tensor<?x?x3xf32>
}

// CHECK-LABEL: func.func @dynamic_squeeze
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_squeeze"(%{{.*}}, %{{.*}}) : (tensor<1x3x1x5xf32>, tensor<1xi64>) -> tensor<?x?x5xf32>
func.func @dynamic_squeeze(%arg0: tensor<1x3x1x5xf32>, %arg1: tensor<1xi64>) -> tensor<?x?x5xf32> {
  %0 = "nn.dynamic_squeeze"(%arg0, %arg1) : (tensor<1x3x1x5xf32>, tensor<1xi64>) -> tensor<?x?x5xf32>
  return %0 : tensor<?x?x5xf32>
}

// CHECK-LABEL: func.func @dynamic_unsqueeze
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_unsqueeze"(%{{.*}}, %{{.*}}) : (tensor<1x1xf32>, tensor<1xi64>) -> tensor<1x1x1xf32>
func.func @dynamic_unsqueeze(%arg0: tensor<1x1xf32>, %arg1: tensor<1xi64>) -> tensor<1x1x1xf32> {
  %0 = "nn.dynamic_unsqueeze"(%arg0, %arg1) : (tensor<1x1xf32>, tensor<1xi64>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// CHECK-LABEL: func.func @dynamic_pad
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_pad"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {mode = "constant", operandSegmentSizes = array<i32: 1, 1, 1, 1>} : (tensor<2x3xf32>, tensor<2xi64>, tensor<f32>, tensor<1xi64>) -> tensor<?x?xf32>
func.func @dynamic_pad(%arg0: tensor<2x3xf32>, %arg1: tensor<2xi64>, %arg2: tensor<f32>, %arg3: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_pad"(%arg0, %arg1, %arg2, %arg3) {mode = "constant", operandSegmentSizes = array<i32: 1, 1, 1, 1>} : (tensor<2x3xf32>, tensor<2xi64>, tensor<f32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @dynamic_split
// CHECK-NEXT:    %{{.*}}:3 = "nn.dynamic_split"(%{{.*}}, %{{.*}}) {axis = 1 : i64} : (tensor<4x6xf32>, tensor<3xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>)
func.func @dynamic_split(%arg0: tensor<4x6xf32>, %arg1: tensor<3xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>) {
  %0:3 = "nn.dynamic_split"(%arg0, %arg1) {axis = 1 : i64} : (tensor<4x6xf32>, tensor<3xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>)
  return %0#0, %0#1, %0#2 : tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>
}

// CHECK-LABEL: func.func @dynamic_resize
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_resize"(%{{.*}}, %{{.*}}) {antialias = 0 : i64, axes = array<i64: 2, 3>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "linear", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x2x4x4xf32>, tensor<2xf32>) -> tensor<1x2x?x?xf32>
func.func @dynamic_resize(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<2xf32>) -> tensor<1x2x?x?xf32> {
  %0 = "nn.dynamic_resize"(%arg0, %arg1) {antialias = 0 : i64, axes = array<i64: 2, 3>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "linear", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x2x4x4xf32>, tensor<2xf32>) -> tensor<1x2x?x?xf32>
  return %0 : tensor<1x2x?x?xf32>
}

// nn_math ops over unsigned, bf16 and f16 element types.
// CHECK-LABEL: func.func @math_types
// CHECK-NEXT:    %{{.*}} = "nn.mod"(%{{.*}}, %{{.*}}) {fmod = 0 : i64} : (tensor<3xui64>, tensor<3xui64>) -> tensor<3xui64>
// CHECK-NEXT:    %{{.*}} = "nn.bit_shift"(%{{.*}}, %{{.*}}) {direction = "LEFT"} : (tensor<3xui64>, tensor<3xui64>) -> tensor<3xui64>
// CHECK-NEXT:    %{{.*}} = "nn.cos"(%{{.*}}) : (tensor<2xbf16>) -> tensor<2xbf16>
// CHECK-NEXT:    %{{.*}} = "nn.is_inf"(%{{.*}}) {detect_negative = 1 : i64, detect_positive = 0 : i64} : (tensor<2xf16>) -> tensor<2xi1>
func.func @math_types(%arg0: tensor<3xui64>, %arg1: tensor<2xbf16>, %arg2: tensor<2xf16>) -> tensor<2xi1> {
  %0 = "nn.mod"(%arg0, %arg0) {fmod = 0 : i64} : (tensor<3xui64>, tensor<3xui64>) -> tensor<3xui64>
  %1 = "nn.bit_shift"(%0, %arg0) {direction = "LEFT"} : (tensor<3xui64>, tensor<3xui64>) -> tensor<3xui64>
  %2 = "nn.cos"(%arg1) : (tensor<2xbf16>) -> tensor<2xbf16>
  %3 = "nn.is_inf"(%arg2) {detect_negative = 1 : i64, detect_positive = 0 : i64} : (tensor<2xf16>) -> tensor<2xi1>
  return %3 : tensor<2xi1>
}

// Weights are dense_resource blobs.
// CHECK-LABEL: func.func @rnn
// CHECK-NEXT:    %{{.*}}:2 = "nn.rnn"(%{{.*}}, %{{.*}}, %{{.*}}) {{.*}}activations = ["Tanh"]{{.*}} -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
func.func @rnn(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  %0:2 = "nn.rnn"(%x, %w, %r) {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %0#1 : tensor<1x2x4xf32>
}

// CHECK-LABEL: func.func @gru
// CHECK-NEXT:    %{{.*}}:2 = "nn.gru"({{.*}}) {{.*}}direction = "bidirectional"{{.*}}layout = 1{{.*}} -> (tensor<2x?x2x4xf32>, tensor<2x2x4xf32>)
func.func @gru(%x: tensor<2x?x3xf32>, %w: tensor<2x12x3xf32>, %r: tensor<2x12x4xf32>, %b: tensor<2x24xf32>, %n: tensor<2xi32>, %h: tensor<2x2x4xf32>) -> tensor<2x2x4xf32> {
  %0:2 = "nn.gru"(%x, %w, %r, %b, %n, %h) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = [], clip = 0x7F800000 : f32, direction = "bidirectional", hidden_size = 4 : i64, layout = 1 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1>} : (tensor<2x?x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32>, tensor<2x24xf32>, tensor<2xi32>, tensor<2x2x4xf32>) -> (tensor<2x?x2x4xf32>, tensor<2x2x4xf32>)
  return %0#1 : tensor<2x2x4xf32>
}

// CHECK-LABEL: func.func @lstm
// CHECK-NEXT:    %{{.*}}:3 = "nn.lstm"({{.*}}) {{.*}}activations = ["Sigmoid", "Tanh", "Relu"], clip = 3.000000e+00 : f32{{.*}} -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
func.func @lstm(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %b: tensor<1x32xf32>, %h: tensor<1x2x4xf32>, %c: tensor<1x2x4xf32>, %p: tensor<1x12xf32>) -> tensor<1x2x4xf32> {
  %0:3 = "nn.lstm"(%x, %w, %r, %b, %h, %c, %p) {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Relu"], clip = 3.0 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1, 1, 1>} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x12xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %0#2 : tensor<1x2x4xf32>
}

// CHECK-LABEL: func.func @dft
// CHECK-NEXT:    %{{.*}} = "nn.dft"(%{{.*}}) {axis = 1 : i64, {{.*}}onesided = 1 : i64} : (tensor<2x8x1xf32>) -> tensor<2x5x2xf32>
func.func @dft(%x: tensor<2x8x1xf32>) -> tensor<2x5x2xf32> {
  %0 = "nn.dft"(%x) {axis = 1 : i64, dft_length = 0 : i64, inverse = 0 : i64, onesided = 1 : i64} : (tensor<2x8x1xf32>) -> tensor<2x5x2xf32>
  return %0 : tensor<2x5x2xf32>
}

// CHECK-LABEL: func.func @dynamic_dft
// CHECK-NEXT:    %{{.*}} = "nn.dynamic_dft"(%{{.*}}, %{{.*}}) {{.*}} -> tensor<1x?x?x2xf32>
func.func @dynamic_dft(%x: tensor<1x10x10x1xf32>, %a: tensor<i64>) -> tensor<1x?x?x2xf32> {
  %0 = "nn.dynamic_dft"(%x, %a) {dft_length = 0 : i64, inverse = 0 : i64, onesided = 1 : i64} : (tensor<1x10x10x1xf32>, tensor<i64>) -> tensor<1x?x?x2xf32>
  return %0 : tensor<1x?x?x2xf32>
}

// CHECK-LABEL: func.func @non_max_suppression
// CHECK-NEXT:    %{{.*}} = "nn.non_max_suppression"({{.*}}) {{.*}} -> tensor<?x3xi64>
func.func @non_max_suppression(%b: tensor<2x6x4xf32>, %s: tensor<2x3x6xf32>, %k: tensor<1xi64>) -> tensor<?x3xi64> {
  %0 = "nn.non_max_suppression"(%b, %s, %k) {center_point_box = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>} : (tensor<2x6x4xf32>, tensor<2x3x6xf32>, tensor<1xi64>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// CHECK-LABEL: func.func @stft
// CHECK-NEXT:    %{{.*}} = "nn.stft"({{.*}}) {{.*}} -> tensor<1x?x?x2xf32>
func.func @stft(%x: tensor<1x128x1xf32>, %s: tensor<i64>, %n: tensor<i64>) -> tensor<1x?x?x2xf32> {
  %0 = "nn.stft"(%x, %s, %n) {onesided = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 1>} : (tensor<1x128x1xf32>, tensor<i64>, tensor<i64>) -> tensor<1x?x?x2xf32>
  return %0 : tensor<1x?x?x2xf32>
}

// CHECK-LABEL: func.func @training_dropout
// CHECK-NEXT:    %{{.*}}:2 = "nn.training_dropout"({{.*}}) {{.*}}seed = 7 : i64{{.*}} -> (tensor<3x4xf32>, tensor<3x4xi1>)
func.func @training_dropout(%x: tensor<3x4xf32>, %r: tensor<f32>, %t: tensor<i1>) -> tensor<3x4xi1> {
  %0:2 = "nn.training_dropout"(%x, %r, %t) {seed = 7 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3x4xf32>, tensor<f32>, tensor<i1>) -> (tensor<3x4xf32>, tensor<3x4xi1>)
  return %0#1 : tensor<3x4xi1>
}

// CHECK-LABEL: func.func @bit_cast
// CHECK-NEXT:    %{{.*}} = "nn.bit_cast"(%{{.*}}) {to = ui8} : (tensor<2x?xf8E4M3FN>) -> tensor<2x?xui8>
// CHECK-NEXT:    %{{.*}} = "nn.cast"(%{{.*}}) {round_mode = "nearest", saturate = 0 : i64, to = f8E8M0FNU} : (tensor<3xf16>) -> tensor<3xf8E8M0FNU>
// CHECK-NEXT:    %{{.*}} = "nn.cast"(%{{.*}}) {round_mode = "up", saturate = 1 : i64, to = i4} : (tensor<3xf16>) -> tensor<3xi4>
func.func @bit_cast(%arg0: tensor<2x?xf8E4M3FN>, %arg1: tensor<3xf16>) -> tensor<2x?xui8> {
  %0 = "nn.bit_cast"(%arg0) {to = ui8} : (tensor<2x?xf8E4M3FN>) -> tensor<2x?xui8>
  %1 = "nn.cast"(%arg1) {round_mode = "nearest", saturate = 0 : i64, to = f8E8M0FNU} : (tensor<3xf16>) -> tensor<3xf8E8M0FNU>
  %2 = "nn.cast"(%arg1) {round_mode = "up", saturate = 1 : i64, to = i4} : (tensor<3xf16>) -> tensor<3xi4>
  return %0 : tensor<2x?xui8>
}

// String ops (`!nn.string` elements).
// CHECK-LABEL: func.func @string_ops
// CHECK:         "nn.string_concat"({{.*}}) : (tensor<2x3x!nn.string>, tensor<3x!nn.string>) -> tensor<2x3x!nn.string>
// CHECK:         "nn.string_normalizer"({{.*}}) {case_change_action = "UPPER", is_case_sensitive = 0 : i64, stopwords = ["a"]} : (tensor<1x3x!nn.string>) -> tensor<1x?x!nn.string>
// CHECK:         "nn.string_split"({{.*}}) -> (tensor<3x?x!nn.string>, tensor<3xi64>)
// CHECK:         "nn.regex_full_match"({{.*}}) {pattern = "a.*"} : (tensor<3x!nn.string>) -> tensor<3xi1>
// CHECK:         "nn.label_encoder"({{.*}}) -> tensor<3xi64>
// CHECK:         "nn.equal"({{.*}}) : (tensor<3x!nn.string>, tensor<3x!nn.string>) -> tensor<3xi1>
// CHECK:         "nn.string_constant"() {shape = array<i64: 2>, values = ["a", ""]} : () -> tensor<2x!nn.string>
func.func @string_ops(%x: tensor<2x3x!nn.string>, %y: tensor<3x!nn.string>, %r: tensor<1x3x!nn.string>) -> tensor<3xi1> {
  %0 = "nn.string_concat"(%x, %y) : (tensor<2x3x!nn.string>, tensor<3x!nn.string>) -> tensor<2x3x!nn.string>
  %1 = "nn.string_normalizer"(%r) {case_change_action = "UPPER", is_case_sensitive = 0 : i64, stopwords = ["a"]} : (tensor<1x3x!nn.string>) -> tensor<1x?x!nn.string>
  %2:2 = "nn.string_split"(%y) {delimiter = ",", maxsplit = -1 : i64} : (tensor<3x!nn.string>) -> (tensor<3x?x!nn.string>, tensor<3xi64>)
  %3 = "nn.regex_full_match"(%y) {pattern = "a.*"} : (tensor<3x!nn.string>) -> tensor<3xi1>
  %4 = "nn.label_encoder"(%y) {keys = ["a", "b"], values = dense<[1, 2]> : tensor<2xi64>, default = dense<-1> : tensor<1xi64>} : (tensor<3x!nn.string>) -> tensor<3xi64>
  %5 = "nn.equal"(%y, %y) : (tensor<3x!nn.string>, tensor<3x!nn.string>) -> tensor<3xi1>
  %6 = "nn.string_constant"() {shape = array<i64: 2>, values = ["a", ""]} : () -> tensor<2x!nn.string>
  return %5 : tensor<3xi1>
}

// CHECK-LABEL: func.func @quantize_linear
// CHECK-NEXT:    %{{.*}} = "nn.quantize_linear"({{.*}}) {{.*}}block_size = 4{{.*}}output_dtype = i8, precision = f32{{.*}} -> tensor<?x6xi8>
func.func @quantize_linear(%x: tensor<?x6xf32>, %s: tensor<?x2xf32>, %z: tensor<?x2xi8>) -> tensor<?x6xi8> {
  %0 = "nn.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 4 : i64, output_dtype = i8, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<?x6xf32>, tensor<?x2xf32>, tensor<?x2xi8>) -> tensor<?x6xi8>
  return %0 : tensor<?x6xi8>
}

// CHECK-LABEL: func.func @dequantize_linear
// CHECK-NEXT:    %{{.*}} = "nn.dequantize_linear"({{.*}}) {{.*}}output_dtype = f16{{.*}} -> tensor<3x4xf16>
func.func @dequantize_linear(%x: tensor<3x4xui8>, %s: tensor<3xf32>) -> tensor<3x4xf16> {
  %0 = "nn.dequantize_linear"(%x, %s) {axis = 0 : i64, block_size = 0 : i64, output_dtype = f16, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<3x4xui8>, tensor<3xf32>) -> tensor<3x4xf16>
  return %0 : tensor<3x4xf16>
}

// CHECK-LABEL: func.func @quantize_linear_int4
// CHECK-NEXT:    %{{.*}} = "nn.quantize_linear"({{.*}}) {{.*}}output_dtype = i4{{.*}} -> tensor<3x4xi4>
func.func @quantize_linear_int4(%x: tensor<3x4xf32>, %s: tensor<f32>, %z: tensor<1xi4>) -> tensor<3x4xi4> {
  %0 = "nn.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, output_dtype = i4, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3x4xf32>, tensor<f32>, tensor<1xi4>) -> tensor<3x4xi4>
  return %0 : tensor<3x4xi4>
}

// CHECK-LABEL: func.func @dequantize_linear_e5m2
// CHECK-NEXT:    %{{.*}} = "nn.dequantize_linear"({{.*}}) {{.*}} -> tensor<?x4xf16>
func.func @dequantize_linear_e5m2(%x: tensor<?x4xf8E5M2>, %s: tensor<4xf16>) -> tensor<?x4xf16> {
  %0 = "nn.dequantize_linear"(%x, %s) {axis = 1 : i64, block_size = 0 : i64, output_dtype = f16, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<?x4xf8E5M2>, tensor<4xf16>) -> tensor<?x4xf16>
  return %0 : tensor<?x4xf16>
}

// CHECK-LABEL: func.func @constant_resource
// CHECK-NEXT:    %{{.*}} = "nn.constant"() {value = dense_resource<w0> : tensor<2xf32>} : () -> tensor<2xf32>
func.func @constant_resource() -> tensor<2xf32> {
  %0 = "nn.constant"() {value = dense_resource<w0> : tensor<2xf32>} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
// CHECK: dialect_resources
// CHECK: w0: "0x040000000000803F00000040"

{-#
  dialect_resources: {
    builtin: {
      w0: "0x040000000000803F00000040"
    }
  }
#-}
