// Every odla verifier rule, one case each: strata-opt reports the rule's message at the op.
// RUN: strata-opt %s --split-input-file --verify-diagnostics
func.func @add_dtype(%a0: tensor<2xf32>, %a1: tensor<2xf64>) {
  // expected-error @+1 {{'odla.add' op operands 'lhs' (float32) and 'rhs' (float64) must have one element type}}
  %0 = "odla.add"(%a0, %a1) : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  return
}

// -----

func.func @add_broadcast(%a0: tensor<2xf32>, %a1: tensor<3xf32>) {
  // expected-error @+1 {{'odla.add' op shapes [2] and [3] are not broadcastable}}
  %0 = "odla.add"(%a0, %a1) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @relu_int(%a0: tensor<2xi64>) {
  // expected-error @+1 {{'odla.relu' op operand 'input' must be a floating-point tensor, got int64}}
  %0 = "odla.relu"(%a0) : (tensor<2xi64>) -> tensor<2xi64>
  return
}

// -----

func.func @result_type(%a0: tensor<2xf32>) {
  // expected-error @+1 {{'odla.exp' op result type(s) tensor<3xf32> do not match inferred tensor<2xf32>}}
  %0 = "odla.exp"(%a0) : (tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @gelu_approx(%a0: tensor<2xf32>) {
  // expected-error @+1 {{'odla.gelu' op attribute 'use_approx' = 2}}
  %0 = "odla.gelu"(%a0) {use_approx = 2 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @clamp_bounds(%a0: tensor<2xf32>) {
  // expected-error @+1 {{'odla.clamp' op attribute 'lo' = 1.0 exceeds 'hi' = 0.0}}
  %0 = "odla.clamp"(%a0) {hi = 0.0 : f32, lo = 1.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @softmax_axis(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'odla.softmax' op attribute 'axis' = 2 is out of range [-2, 1]}}
  %0 = "odla.softmax"(%a0) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gemm_rank(%a0: tensor<2x3x4xf32>, %a1: tensor<4x5xf32>) {
  // expected-error @+1 {{'odla.gemm' op operand 'a' must be 2-d, got shape [2, 3, 4]}}
  %0 = "odla.gemm"(%a0, %a1) {alpha = 1.0 : f32, beta = 1.0 : f32, transpose_a = 0 : i64, transpose_b = 0 : i64} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gemm_k(%a0: tensor<2x3xf32>, %a1: tensor<4x5xf32>) {
  // expected-error @+1 {{'odla.gemm' op contracted dims differ: 'a' [2, 3] gives K=3, 'b' [4, 5] gives K=4}}
  %0 = "odla.gemm"(%a0, %a1) {alpha = 1.0 : f32, beta = 1.0 : f32, transpose_a = 0 : i64, transpose_b = 0 : i64} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gemm_c(%a0: tensor<2x3xf32>, %a1: tensor<3x5xf32>, %a2: tensor<3xf32>) {
  // expected-error @+1 {{'odla.gemm' op operand 'c' [3] must broadcast to [2, 5]}}
  %0 = "odla.gemm"(%a0, %a1, %a2) {alpha = 1.0 : f32, beta = 1.0 : f32, transpose_a = 0 : i64, transpose_b = 0 : i64} : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @bmm_rank(%a0: tensor<3xf32>, %a1: tensor<3x5xf32>) {
  // expected-error @+1 {{'odla.batch_mat_mul' op operand 'lhs' must be at least 2-d, got shape [3]}}
  %0 = "odla.batch_mat_mul"(%a0, %a1) {lhs_transpose = 0 : i64, rhs_transpose = 0 : i64} : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @bmm_k(%a0: tensor<2x2x3xf32>, %a1: tensor<4x5xf32>) {
  // expected-error @+1 {{'odla.batch_mat_mul' op contracted dims differ: 'lhs' [2, 2, 3] gives K=3, 'rhs' [4, 5] gives K=4}}
  %0 = "odla.batch_mat_mul"(%a0, %a1) {lhs_transpose = 0 : i64, rhs_transpose = 0 : i64} : (tensor<2x2x3xf32>, tensor<4x5xf32>) -> tensor<2x2x5xf32>
  return
}

// -----

func.func @conv_layout(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'odla.conv' op attribute 'input_layout'}}
  %0 = "odla.conv"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, input_layout = "channels_last", kernel_layout = "ois", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_group(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'odla.conv' op attribute 'group' = 2: input channels 3 must equal kernel.shape[1] (3) x group}}
  %0 = "odla.conv"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 2 : i64, input_layout = "channels_first", kernel_layout = "ois", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'odla.conv' op attribute 'paddings_front' = [-1, 0] must be all >= 0}}
  %0 = "odla.conv"(%a0, %a1) {dilations = array<i64: 1, 1>, group = 1 : i64, input_layout = "channels_first", kernel_layout = "ois", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: -1, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>, %a2: tensor<3xf32>) {
  // expected-error @+1 {{'odla.conv' op operand 'bias' must have shape [4], got [3]}}
  %0 = "odla.conv"(%a0, %a1, %a2) {dilations = array<i64: 1, 1>, group = 1 : i64, input_layout = "channels_first", kernel_layout = "ois", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @pool_window(%a0: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{'odla.max_pool' op window extent 5 exceeds the padded input 4 in spatial axis 0}}
  %0 = "odla.max_pool"(%a0) {input_layout = "channels_first", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 1, 1>, window_dims = array<i64: 5, 5>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
  return
}

// -----

func.func @pool_len(%a0: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{'odla.average_pool' op attribute 'strides' = [1] must have 2 entries (one per spatial axis)}}
  %0 = "odla.average_pool"(%a0) {input_layout = "channels_first", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 1>, window_dims = array<i64: 4, 4>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
  return
}

// -----

func.func @bn_channels(%a0: tensor<1x3x4x4xf32>, %a1: tensor<2xf32>, %a2: tensor<3xf32>) {
  // expected-error @+1 {{'odla.batch_normalization' op operand 'mean' must have shape [3] (channels), got [2]}}
  %0 = "odla.batch_normalization"(%a0, %a1, %a2) {epsilon = 1.0E-5 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, scalar_offset = 0.0 : f32, scalar_scale = 1.0 : f32} : (tensor<1x3x4x4xf32>, tensor<2xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @reshape_count(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'odla.reshape' op attribute 'output_dims' = [5] holds 5 elements, 'input' [2, 3] has 6}}
  %0 = "odla.reshape"(%a0) {output_dims = array<i64: 5>} : (tensor<2x3xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @transpose_perm(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'odla.transpose' op attribute 'permutations' = [1, 1] must be a permutation of 0..1}}
  %0 = "odla.transpose"(%a0) {permutations = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @concat_shape(%a0: tensor<2x3xf32>, %a1: tensor<3x3xf32>) {
  // expected-error @+1 {{'odla.concat' op operand 'rhs' has shape [3, 3]; expected [2, 3] (as 'lhs') except along axis 1}}
  %0 = "odla.concat"(%a0, %a1) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @gather_indices(%a0: tensor<4x3xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'odla.gather' op operand 'indices' must be an i32 or i64 tensor, got float32}}
  %0 = "odla.gather"(%a0, %a1) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_bounds(%a0: tensor<4xf32>) {
  // expected-error @+1 {{'odla.slice' op dim 0: start 0 / end 6 (stride 3) are not within the dim's size 4}}
  %0 = "odla.slice"(%a0) {end = array<i64: 6>, start = array<i64: 0>, stride = array<i64: 3>} : (tensor<4xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @slice_stride(%a0: tensor<4xf32>) {
  // expected-error @+1 {{'odla.slice' op attribute 'stride' = [0] must not contain 0}}
  %0 = "odla.slice"(%a0) {end = array<i64: 2>, start = array<i64: 0>, stride = array<i64: 0>} : (tensor<4xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @reduce_axes(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'odla.reduce_mean' op attribute 'axes' must name at least one axis (explicit)}}
  %0 = "odla.reduce_mean"(%a0) {axes = array<i64>, keep_dims = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_axis(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'odla.reduce_sum' op attribute 'axes' = 2 is out of range [-2, 1]}}
  %0 = "odla.reduce_sum"(%a0) {axes = array<i64: 2>, keep_dims = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @constant_type() {
  // expected-error @+1 {{'odla.constant' op result type(s) tensor<3xf32> do not match inferred tensor<2xf32>}}
  %0 = "odla.constant"() {id = "w", value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @missing_id(%a0: tensor<2xf32>) {
  // expected-error @+1 {{'odla.output' op attribute "id" is expected but not provided}}
  %0 = "odla.output"(%a0) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @equal_bool(%a0: tensor<2xi1>, %a1: tensor<2xi1>) {
  // expected-error @+1 {{'odla.equal' op operands 'lhs' and 'rhs' must be numbers, got bool}}
  %0 = "odla.equal"(%a0, %a1) : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @not_float(%a0: tensor<2xf32>) {
  // expected-error @+1 {{'odla.not' op operand 'input' must be a bool (i1) tensor, got float32}}
  %0 = "odla.not"(%a0) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @select_condition(%a0: tensor<2xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'odla.select' op operand 'condition' must be a bool (i1) tensor, got float32}}
  %0 = "odla.select"(%a0, %a1, %a1) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @instance_norm_rank(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'odla.instance_normalization' op operand 'input' must have rank >= 3 (N, C, spatial...), got 2}}
  %0 = "odla.instance_normalization"(%a0) {epsilon = 1.0E-5 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 0, 0>, scalar_offset = 0.0 : f32, scalar_scale = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @instance_norm_scale(%a0: tensor<2x3x4xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'odla.instance_normalization' op operand 'scale' must have shape [3] (channels), got [2]}}
  %0 = "odla.instance_normalization"(%a0, %a1) {epsilon = 1.0E-5 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 0>, scalar_offset = 0.0 : f32, scalar_scale = 1.0 : f32} : (tensor<2x3x4xf32>, tensor<2xf32>) -> tensor<2x3x4xf32>
  return
}
