// Round trip of every odla op through strata-opt (generic form; IRDL + shape rules verify).
// RUN: strata-opt %s | strata-opt | FileCheck %s
// The checked-in IRDL makes upstream mlir-opt accept the same file.
// RUN: mlir-opt --irdl-file=%odla_irdl %s | FileCheck %s

// CHECK-LABEL: func.func @argument_output
// CHECK:         %{{.*}} = "odla.argument"(%{{.*}}) {id = "x"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         %{{.*}} = "odla.output"(%{{.*}}) {id = "y"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @argument_output(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.argument"(%arg0) {id = "x"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = "odla.output"(%0) {id = "y"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @constant
// CHECK:         %{{.*}} = "odla.constant"() {id = "w", value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>} : () -> tensor<2xf32>
func.func @constant() -> tensor<2xf32> {
  %0 = "odla.constant"() {id = "w", value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @add
// CHECK:         %{{.*}} = "odla.add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @add(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.add"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @sub
// CHECK:         %{{.*}} = "odla.sub"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @sub(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.sub"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @mul
// CHECK:         %{{.*}} = "odla.mul"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @mul(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.mul"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @div
// CHECK:         %{{.*}} = "odla.div"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @div(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.div"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @max
// CHECK:         %{{.*}} = "odla.max"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @max(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.max"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @min
// CHECK:         %{{.*}} = "odla.min"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @min(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.min"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @pow
// CHECK:         %{{.*}} = "odla.pow"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @pow(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.pow"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @abs
// CHECK:         %{{.*}} = "odla.abs"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @abs(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.abs"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @neg
// CHECK:         %{{.*}} = "odla.neg"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @neg(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.neg"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @exp
// CHECK:         %{{.*}} = "odla.exp"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @exp(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.exp"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @log
// CHECK:         %{{.*}} = "odla.log"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @log(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.log"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @sqrt
// CHECK:         %{{.*}} = "odla.sqrt"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @sqrt(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.sqrt"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @rsqrt
// CHECK:         %{{.*}} = "odla.rsqrt"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @rsqrt(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.rsqrt"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @reciprocal
// CHECK:         %{{.*}} = "odla.reciprocal"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @reciprocal(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.reciprocal"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @erf
// CHECK:         %{{.*}} = "odla.erf"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @erf(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.erf"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @tanh
// CHECK:         %{{.*}} = "odla.tanh"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @tanh(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.tanh"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @relu
// CHECK:         %{{.*}} = "odla.relu"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @relu(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.relu"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @sigmoid
// CHECK:         %{{.*}} = "odla.sigmoid"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
func.func @sigmoid(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.sigmoid"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @gelu
// CHECK:         %{{.*}} = "odla.gelu"(%{{.*}}) {use_approx = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
func.func @gelu(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.gelu"(%arg0) {use_approx = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @leaky_relu
// CHECK:         %{{.*}} = "odla.leaky_relu"(%{{.*}}) {alpha = 1.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
func.func @leaky_relu(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.leaky_relu"(%arg0) {alpha = 1.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @hard_sigmoid
// CHECK:         %{{.*}} = "odla.hard_sigmoid"(%{{.*}}) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
func.func @hard_sigmoid(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.hard_sigmoid"(%arg0) {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @clamp
// CHECK:         %{{.*}} = "odla.clamp"(%{{.*}}) {hi = 6.000000e+00 : f32, lo = 0.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
func.func @clamp(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "odla.clamp"(%arg0) {hi = 6.000000e+00 : f32, lo = 0.000000e+00 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @softmax
// CHECK:         %{{.*}} = "odla.softmax"(%{{.*}}) {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
func.func @softmax(%arg0: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "odla.softmax"(%arg0) {axis = -1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @log_softmax
// CHECK:         %{{.*}} = "odla.log_softmax"(%{{.*}}) {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
func.func @log_softmax(%arg0: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "odla.log_softmax"(%arg0) {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @gemm
// CHECK:         %{{.*}} = "odla.gemm"(%{{.*}}, %{{.*}}, %{{.*}}) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transpose_a = 0 : i64, transpose_b = 1 : i64} : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
func.func @gemm(%arg0: tensor<2x8xf32>, %arg1: tensor<4x8xf32>, %arg2: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = "odla.gemm"(%arg0, %arg1, %arg2) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transpose_a = 0 : i64, transpose_b = 1 : i64} : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @batch_mat_mul
// CHECK:         %{{.*}} = "odla.batch_mat_mul"(%{{.*}}, %{{.*}}) {lhs_transpose = 0 : i64, rhs_transpose = 0 : i64} : (tensor<3x2x8xf32>, tensor<8x4xf32>) -> tensor<3x2x4xf32>
func.func @batch_mat_mul(%arg0: tensor<3x2x8xf32>, %arg1: tensor<8x4xf32>) -> tensor<3x2x4xf32> {
  %0 = "odla.batch_mat_mul"(%arg0, %arg1) {lhs_transpose = 0 : i64, rhs_transpose = 0 : i64} : (tensor<3x2x8xf32>, tensor<8x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// CHECK-LABEL: func.func @reduce_mean
// CHECK:         %{{.*}} = "odla.reduce_mean"(%{{.*}}) {axes = array<i64: 1>, keep_dims = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x1xf32>
func.func @reduce_mean(%arg0: tensor<2x5xf32>) -> tensor<2x1xf32> {
  %0 = "odla.reduce_mean"(%arg0) {axes = array<i64: 1>, keep_dims = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// CHECK-LABEL: func.func @reduce_sum
// CHECK:         %{{.*}} = "odla.reduce_sum"(%{{.*}}) {axes = array<i64: 0, 1>, keep_dims = 0 : i64} : (tensor<2x5xf32>) -> tensor<f32>
func.func @reduce_sum(%arg0: tensor<2x5xf32>) -> tensor<f32> {
  %0 = "odla.reduce_sum"(%arg0) {axes = array<i64: 0, 1>, keep_dims = 0 : i64} : (tensor<2x5xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @reduce_max
// CHECK:         %{{.*}} = "odla.reduce_max"(%{{.*}}) {axes = array<i64: 0>, keep_dims = 0 : i64} : (tensor<2x5xf32>) -> tensor<5xf32>
func.func @reduce_max(%arg0: tensor<2x5xf32>) -> tensor<5xf32> {
  %0 = "odla.reduce_max"(%arg0) {axes = array<i64: 0>, keep_dims = 0 : i64} : (tensor<2x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// CHECK-LABEL: func.func @conv
// CHECK:         %{{.*}} = "odla.conv"(%{{.*}}, %{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, input_layout = "channels_first", kernel_layout = "ois", paddings_back = array<i64: 1, 1>, paddings_front = array<i64: 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
func.func @conv(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<4x3x3x3xf32>, %arg2: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = "odla.conv"(%arg0, %arg1, %arg2) {dilations = array<i64: 1, 1>, group = 1 : i64, input_layout = "channels_first", kernel_layout = "ois", paddings_back = array<i64: 1, 1>, paddings_front = array<i64: 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// CHECK-LABEL: func.func @max_pool
// CHECK:         %{{.*}} = "odla.max_pool"(%{{.*}}) {input_layout = "channels_first", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 2, 2>, window_dims = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
func.func @max_pool(%arg0: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %0 = "odla.max_pool"(%arg0) {input_layout = "channels_first", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 2, 2>, window_dims = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @average_pool
// CHECK:         %{{.*}} = "odla.average_pool"(%{{.*}}) {input_layout = "channels_first", paddings_back = array<i64: 1, 1>, paddings_front = array<i64: 1, 1>, strides = array<i64: 1, 1>, window_dims = array<i64: 3, 3>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
func.func @average_pool(%arg0: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
  %0 = "odla.average_pool"(%arg0) {input_layout = "channels_first", paddings_back = array<i64: 1, 1>, paddings_front = array<i64: 1, 1>, strides = array<i64: 1, 1>, window_dims = array<i64: 3, 3>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  return %0 : tensor<1x3x8x8xf32>
}

// CHECK-LABEL: func.func @batch_normalization
// CHECK:         %{{.*}} = "odla.batch_normalization"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {epsilon = 9.99999974E-6 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>, scalar_offset = 0.000000e+00 : f32, scalar_scale = 1.000000e+00 : f32} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
func.func @batch_normalization(%arg0: tensor<1x3x4x4xf32>, %arg1: tensor<3xf32>, %arg2: tensor<3xf32>, %arg3: tensor<3xf32>, %arg4: tensor<3xf32>) -> tensor<1x3x4x4xf32> {
  %0 = "odla.batch_normalization"(%arg0, %arg1, %arg2, %arg3, %arg4) {epsilon = 9.99999974E-6 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>, scalar_offset = 0.000000e+00 : f32, scalar_scale = 1.000000e+00 : f32} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @instance_normalization
// CHECK:         %{{.*}} = "odla.instance_normalization"(%{{.*}}, %{{.*}}, %{{.*}}) {epsilon = 9.99999974E-6 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1>, scalar_offset = 0.000000e+00 : f32, scalar_scale = 1.000000e+00 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
func.func @instance_normalization(%arg0: tensor<2x3x4x4xf32>, %arg1: tensor<3xf32>, %arg2: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = "odla.instance_normalization"(%arg0, %arg1, %arg2) {epsilon = 9.99999974E-6 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1>, scalar_offset = 0.000000e+00 : f32, scalar_scale = 1.000000e+00 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// CHECK-LABEL: func.func @reshape
// CHECK:         %{{.*}} = "odla.reshape"(%{{.*}}) {output_dims = array<i64: 6>} : (tensor<2x3xf32>) -> tensor<6xf32>
func.func @reshape(%arg0: tensor<2x3xf32>) -> tensor<6xf32> {
  %0 = "odla.reshape"(%arg0) {output_dims = array<i64: 6>} : (tensor<2x3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK:         %{{.*}} = "odla.transpose"(%{{.*}}) {permutations = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
func.func @transpose(%arg0: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = "odla.transpose"(%arg0) {permutations = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK:         %{{.*}} = "odla.concat"(%{{.*}}, %{{.*}}) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
func.func @concat(%arg0: tensor<2x3xf32>, %arg1: tensor<2x2xf32>) -> tensor<2x5xf32> {
  %0 = "odla.concat"(%arg0, %arg1) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK:         %{{.*}} = "odla.gather"(%{{.*}}, %{{.*}}) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
func.func @gather(%arg0: tensor<10x4xf32>, %arg1: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %0 = "odla.gather"(%arg0, %arg1) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @slice
// CHECK:         %{{.*}} = "odla.slice"(%{{.*}}) {end = array<i64: 2, 5>, start = array<i64: 0, 1>, stride = array<i64: 1, 2>} : (tensor<2x6xf32>) -> tensor<2x2xf32>
func.func @slice(%arg0: tensor<2x6xf32>) -> tensor<2x2xf32> {
  %0 = "odla.slice"(%arg0) {end = array<i64: 2, 5>, start = array<i64: 0, 1>, stride = array<i64: 1, 2>} : (tensor<2x6xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @cast
// CHECK:         %{{.*}} = "odla.cast"(%{{.*}}) {target_type = i64} : (tensor<4xf32>) -> tensor<4xi64>
func.func @cast(%arg0: tensor<4xf32>) -> tensor<4xi64> {
  %0 = "odla.cast"(%arg0) {target_type = i64} : (tensor<4xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
// CHECK-LABEL: func.func @compare_select
// CHECK:         "odla.equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         "odla.less"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         "odla.greater"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         "odla.less_or_equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         "odla.greater_or_equal"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         "odla.not"(%{{.*}}) : (tensor<2x3xi1>) -> tensor<2x3xi1>
// CHECK:         "odla.select"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @compare_select(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = "odla.equal"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %1 = "odla.less"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %2 = "odla.greater"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %3 = "odla.less_or_equal"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %4 = "odla.greater_or_equal"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %5 = "odla.not"(%0) : (tensor<2x3xi1>) -> tensor<2x3xi1>
  %6 = "odla.select"(%5, %arg0, %arg1) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}
