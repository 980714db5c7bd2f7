// Every nn verifier rule, one case each: strata-opt reports the rule's message at the op.
// RUN: strata-opt %s --split-input-file --verify-diagnostics

func.func @add_0(%a0: tensor<2xf32>, %a1: tensor<2xi64>) {
  // expected-error @+1 {{'nn.add' op operands 'a' (float32) and 'b' (int64) must have one element type}}
  %0 = "nn.add"(%a0, %a1) : (tensor<2xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @add_1(%a0: tensor<2xf32>, %a1: tensor<3xf32>) {
  // expected-error @+1 {{'nn.add' op shapes [2] and [3] are not broadcastable}}
  %0 = "nn.add"(%a0, %a1) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @sqrt_2(%a0: tensor<2xi64>) {
  // expected-error @+1 {{'nn.sqrt' op operand 'x' must be a floating-point tensor, got int64}}
  %0 = "nn.sqrt"(%a0) : (tensor<2xi64>) -> tensor<2xi64>
  return
}

// -----

func.func @not_3(%a0: tensor<2xf32>) {
  // expected-error @+1 {{'nn.not' op operand 'x' must be a bool (i1) tensor, got float32}}
  %0 = "nn.not"(%a0) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @and_4(%a0: tensor<2xi1>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'nn.and' op operand 'b' must be a bool (i1) tensor, got float32}}
  %0 = "nn.and"(%a0, %a1) : (tensor<2xi1>, tensor<2xf32>) -> tensor<2xi1>
  return
}

// -----

func.func @where_5(%a0: tensor<2xf32>, %a1: tensor<2xf32>, %a2: tensor<2xf32>) {
  // expected-error @+1 {{'nn.where' op operand 'condition' must be a bool (i1) tensor, got float32}}
  %0 = "nn.where"(%a0, %a1, %a2) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @where_6(%a0: tensor<2xi1>, %a1: tensor<2xf32>, %a2: tensor<2xi64>) {
  // expected-error @+1 {{'nn.where' op operands 'x' (float32) and 'y' (int64) must have one element type}}
  %0 = "nn.where"(%a0, %a1, %a2) : (tensor<2xi1>, tensor<2xf32>, tensor<2xi64>) -> tensor<2xi1>
  return
}

// -----

func.func @clip_7(%a0: tensor<2xi1>) {
  // expected-error @+1 {{'nn.clip' op operand 'x' must be a numeric tensor, got bool}}
  %0 = "nn.clip"(%a0) {operandSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @gelu_8(%a0: tensor<2xf32>) {
  // expected-error @+1 {{'nn.gelu' op attribute 'approximate' = 'fast' must be one of ['none', 'tanh']}}
  %0 = "nn.gelu"(%a0) {approximate = "fast"} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @softmax_9(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.softmax' op attribute 'axis' = 2 is out of range [-2, 1]}}
  %0 = "nn.softmax"(%a0) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gemm_13(%a0: tensor<2x3x4xf32>, %a1: tensor<4x5xf32>) {
  // expected-error @+1 {{'nn.gemm' op operand 'a' must be 2-d, got shape [2, 3, 4]}}
  %0 = "nn.gemm"(%a0, %a1) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @gemm_14(%a0: tensor<2x3xf32>, %a1: tensor<4x5xf32>) {
  // expected-error @+1 {{'nn.gemm' op contracted dims differ: 'a' [2, 3] (transA=0) gives K=3, 'b' [4, 5] (transB=0) gives K=4}}
  %0 = "nn.gemm"(%a0, %a1) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gemm_15(%a0: tensor<2x3xf32>, %a1: tensor<3x5xf32>, %a2: tensor<2x4xf32>) {
  // expected-error @+1 {{'nn.gemm' op operand 'c' [2, 4] must broadcast to the result shape [2, 5]}}
  %0 = "nn.gemm"(%a0, %a1, %a2) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, transA = 0 : i64, transB = 0 : i64} : (tensor<2x3xf32>, tensor<3x5xf32>, tensor<2x4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mat_mul_16(%a0: tensor<2x3xf32>, %a1: tensor<4x5xf32>) {
  // expected-error @+1 {{'nn.mat_mul' op contracted dims differ: 'a' [2, 3] has K=3, 'b' [4, 5] has K=4}}
  %0 = "nn.mat_mul"(%a0, %a1) : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mat_mul_17(%a0: tensor<f32>, %a1: tensor<4xf32>) {
  // expected-error @+1 {{'nn.mat_mul' op operands 'a' [] and 'b' [4] must be >= 1-d}}
  %0 = "nn.mat_mul"(%a0, %a1) : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @mat_mul_18(%a0: tensor<2x2x3xf32>, %a1: tensor<3x3x4xf32>) {
  // expected-error @+1 {{'nn.mat_mul' op shapes [2] and [3] are not broadcastable}}
  %0 = "nn.mat_mul"(%a0, %a1) : (tensor<2x2x3xf32>, tensor<3x3x4xf32>) -> tensor<2x2x3xf32>
  return
}

// -----

func.func @conv_19(%a0: tensor<1x3x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'nn.conv' op operands 'x' [1, 3, 8] and 'w' [4, 3, 3, 3] must have one rank >= 3}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, group = 1 : i64} : (tensor<1x3x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8xf32>
  return
}

// -----

func.func @conv_20(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'nn.conv' op attribute 'strides' = [1] must have 2 entries (one per spatial axis)}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv_21(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'nn.conv' op attribute 'pads' = [0, 0] must have 4 entries (begins then ends of each spatial axis)}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv_22(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'nn.conv' op attribute 'strides' = [0, 1] must be all >= 1}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv_23(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'nn.conv' op attribute 'pads' = [0, -1, 0, 0] must be all >= 0}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 1, 1>, pads = array<i64: 0, -1, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv_24(%a0: tensor<1x4x8x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'nn.conv' op attribute 'group' = 1: input channels 4 must equal w.shape[1] (3) x group, and output channels 4 must divide by group}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_25(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf32>, %a2: tensor<3xf32>) {
  // expected-error @+1 {{'nn.conv' op operand 'b' must have shape [4], got [3]}}
  %0 = "nn.conv"(%a0, %a1, %a2) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv_26(%a0: tensor<1x3x2x8xf32>, %a1: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'nn.conv' op kernel extent 3 exceeds the padded input 2 in spatial axis 0}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x2x8xf32>
  return
}

// -----

func.func @conv_27(%a0: tensor<1x3x8x8xf32>, %a1: tensor<4x3x3x3xf64>) {
  // expected-error @+1 {{'nn.conv' op operands 'x' (float32) and 'w' (float64) must have one element type}}
  %0 = "nn.conv"(%a0, %a1) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf64>) -> tensor<1x3x8x8xf32>
  return
}

// -----

func.func @conv_transpose_28(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'nn.conv_transpose' op attribute 'output_padding' = [2, 0]: entry 0 must be in [0, max(stride, dilation)) = [0, 2)}}
  %0 = "nn.conv_transpose"(%a0, %a1) {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 2, 0>, group = 1 : i64} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @conv_transpose_29(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'nn.conv_transpose' op attribute 'output_padding' = [0] must have 2 entries (one per spatial axis)}}
  %0 = "nn.conv_transpose"(%a0, %a1) {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0>, group = 1 : i64} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @conv_transpose_30(%a0: tensor<1x3x5x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'nn.conv_transpose' op attribute 'group' = 1: input channels 3 must equal w.shape[0] (4) and divide by group}}
  %0 = "nn.conv_transpose"(%a0, %a1) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x3x5x5xf32>
  return
}

// -----

func.func @conv_transpose_31(%a0: tensor<1x4x5x5xf32>, %a1: tensor<4x2x3x3xf32>, %a2: tensor<2xf32>) {
  // expected-error @+1 {{'nn.conv_transpose' op operand 'b' must have shape [4], got [2]}}
  %0 = "nn.conv_transpose"(%a0, %a1, %a2) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>, tensor<2xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @conv_transpose_32(%a0: tensor<1x4x1x1xf32>, %a1: tensor<4x2x1x1xf32>) {
  // expected-error @+1 {{'nn.conv_transpose' op attribute 'pads' = [1, 0, 0, 0] leaves no output in spatial axis 0}}
  %0 = "nn.conv_transpose"(%a0, %a1) {strides = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x4x1x1xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_transpose_33(%a0: tensor<1x4x5xf32>, %a1: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'nn.conv_transpose' op operands 'x' [1, 4, 5] and 'w' [4, 2, 3, 3] must have one rank >= 3}}
  %0 = "nn.conv_transpose"(%a0, %a1) {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, output_padding = array<i64: 0>, group = 1 : i64} : (tensor<1x4x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5xf32>
  return
}

// -----

func.func @max_pool_34(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.max_pool' op operand 'x' must have rank >= 3 (N, C, spatial), got 2}}
  %0 = "nn.max_pool"(%a0) {kernel_shape = array<i64: 2>, strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, ceil_mode = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @max_pool_35(%a0: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'nn.max_pool' op attribute 'kernel_shape' = [2] must have 2 entries (one per spatial axis)}}
  %0 = "nn.max_pool"(%a0) {kernel_shape = array<i64: 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = 0 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool_36(%a0: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'nn.max_pool' op attribute 'kernel_shape' = [2, 0] must be all >= 1}}
  %0 = "nn.max_pool"(%a0) {kernel_shape = array<i64: 2, 0>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = 0 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @average_pool_37(%a0: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'nn.average_pool' op attribute 'pads' = [2, 0, 0, 0] must be smaller than the kernel extent in axis 0}}
  %0 = "nn.average_pool"(%a0) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 2, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = 0 : i64, count_include_pad = 0 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @max_pool_38(%a0: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'nn.max_pool' op attribute 'dilations' = [1, 0] must be all >= 1}}
  %0 = "nn.max_pool"(%a0) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 0>, ceil_mode = 0 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @global_average_pool_39(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.global_average_pool' op operand 'x' must have rank >= 3 (N, C, spatial), got 2}}
  %0 = "nn.global_average_pool"(%a0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_normalization_40(%a0: tensor<4xf32>, %a1: tensor<4xf32>, %a2: tensor<4xf32>, %a3: tensor<4xf32>, %a4: tensor<4xf32>) {
  // expected-error @+1 {{'nn.batch_normalization' op operand 'x' must have rank >= 2 (N, C, ...), got 1}}
  %0 = "nn.batch_normalization"(%a0, %a1, %a2, %a3, %a4) {epsilon = 9.99999974E-6 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @batch_normalization_41(%a0: tensor<2x3xf32>, %a1: tensor<3xf32>, %a2: tensor<3xf32>, %a3: tensor<2xf32>, %a4: tensor<3xf32>) {
  // expected-error @+1 {{'nn.batch_normalization' op operand 'input_mean' must have shape [3] (channels), got [2]}}
  %0 = "nn.batch_normalization"(%a0, %a1, %a2, %a3, %a4) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_normalization_42(%a0: tensor<2x3xf32>, %a1: tensor<3xf32>, %a2: tensor<3xf64>, %a3: tensor<3xf32>, %a4: tensor<3xf32>) {
  // expected-error @+1 {{'nn.batch_normalization' op operands 'x' (float32) and 'b' (float64) must have one element type}}
  %0 = "nn.batch_normalization"(%a0, %a1, %a2, %a3, %a4) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf64>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_normalization_43(%a0: tensor<2x3xi64>, %a1: tensor<3xf32>, %a2: tensor<3xf32>, %a3: tensor<3xf32>, %a4: tensor<3xf32>) {
  // expected-error @+1 {{'nn.batch_normalization' op operand 'x' must be a floating-point tensor, got int64}}
  %0 = "nn.batch_normalization"(%a0, %a1, %a2, %a3, %a4) {epsilon = 9.99999974E-6 : f32} : (tensor<2x3xi64>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xi64>
  return
}

// -----

func.func @layer_normalization_44(%a0: tensor<2x3xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'nn.layer_normalization' op operand 'scale' [2] must broadcast to the normalized shape [3] (axis=-1)}}
  %0:3 = "nn.layer_normalization"(%a0, %a1) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_normalization_45(%a0: tensor<2x3xf32>, %a1: tensor<3xf32>, %a2: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.layer_normalization' op operand 'b' [2, 3] must broadcast to the normalized shape [3] (axis=1)}}
  %0:3 = "nn.layer_normalization"(%a0, %a1, %a2) {axis = 1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_normalization_46(%a0: tensor<2x3xf32>, %a1: tensor<3xf32>) {
  // expected-error @+1 {{'nn.layer_normalization' op attribute 'axis' = -3 is out of range [-2, 1]}}
  %0:3 = "nn.layer_normalization"(%a0, %a1) {axis = -3 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @reduce_mean_47(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.reduce_mean' op attribute 'axes' = 2 is out of range [-2, 1]}}
  %0 = "nn.reduce_mean"(%a0) {axes = array<i64: 2>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_sum_48(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.reduce_sum' op attribute 'axes' = [1, -1] repeats an axis}}
  %0 = "nn.reduce_sum"(%a0) {axes = array<i64: 1, -1>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_sum_r0(%a0: tensor<2x3xi1>) {
  // expected-error @+1 {{'nn.reduce_sum' op operand 'data' must be a numeric tensor, got bool}}
  %0 = "nn.reduce_sum"(%a0) {axes = array<i64>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xi1>) -> tensor<2x3xi1>
  return
}

// -----

func.func @reduce_l2_r1(%a0: tensor<2x3xi64>) {
  // expected-error @+1 {{'nn.reduce_l2' op operand 'data' must be a floating-point tensor, got int64}}
  %0 = "nn.reduce_l2"(%a0) {axes = array<i64>, keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xi64>) -> tensor<2x3xi64>
  return
}

// -----

func.func @dynamic_reduce_sum_r2(%a0: tensor<2x3xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'nn.dynamic_reduce_sum' op operand 'axes' must be a 1-d i32 or i64 tensor, got float32 [2]}}
  %0 = "nn.dynamic_reduce_sum"(%a0, %a1) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @dynamic_reduce_mean_r3(%a0: tensor<2x3xf32>, %a1: tensor<?xi64>) {
  // expected-error @+1 {{'nn.dynamic_reduce_mean' op operand 'axes' has a dynamic length, which leaves the result's rank unknown with keepdims = 0}}
  %0 = "nn.dynamic_reduce_mean"(%a0, %a1) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @dynamic_reduce_max_r4(%a0: tensor<2x3xf32>, %a1: tensor<3xi64>) {
  // expected-error @+1 {{'nn.dynamic_reduce_max' op operand 'axes' has 3 entries, more than the rank 2 of 'data'}}
  %0 = "nn.dynamic_reduce_max"(%a0, %a1) {keepdims = 0 : i64, noop_with_empty_axes = 0 : i64} : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @arg_max_r5(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.arg_max' op attribute 'axis' = 2 is out of range [-2, 1]}}
  %0 = "nn.arg_max"(%a0) {axis = 2 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @arg_min_r6(%a0: tensor<2xi1>) {
  // expected-error @+1 {{'nn.arg_min' op operand 'data' must be a numeric tensor, got bool}}
  %0 = "nn.arg_min"(%a0) {axis = 0 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<2xi1>) -> tensor<2xi1>
  return
}

// -----

func.func @hardmax_r7(%a0: tensor<2x3xi32>) {
  // expected-error @+1 {{'nn.hardmax' op operand 'input' must be a floating-point tensor, got int32}}
  %0 = "nn.hardmax"(%a0) {axis = -1 : i64} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @lp_normalization_r8(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.lp_normalization' op attribute 'p' = 3 must be one of [1, 2]}}
  %0 = "nn.lp_normalization"(%a0) {axis = -1 : i64, p = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @det_r9(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.det' op operand 'x' must be square matrices [*, M, M], got [2, 3]}}
  %0 = "nn.det"(%a0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_r10(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.einsum' op attribute 'equation' = 'ij,jk->ik': names 2 operand(s), got 1}}
  %0 = "nn.einsum"(%a0) {equation = "ij,jk->ik"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_r11(%a0: tensor<2x3xf32>, %a1: tensor<4x5xf32>) {
  // expected-error @+1 {{'nn.einsum' op operand 1 [4, 5]: index 'j' has size 4, elsewhere 3}}
  %0 = "nn.einsum"(%a0, %a1) {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_r12(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.einsum' op attribute 'equation' = 'ij->iq': result indices must be distinct and appear in an operand}}
  %0 = "nn.einsum"(%a0) {equation = "ij->iq"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @einsum_r13(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.einsum' op attribute 'equation' = 'i->i': term 'i' has 1 indices for an operand of rank 2}}
  %0 = "nn.einsum"(%a0) {equation = "i->i"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @top_k_r14(%a0: tensor<3x4xf32>) {
  // expected-error @+1 {{'nn.top_k' op attribute 'k' = 5 is out of range [0, 4] (axis -1 of 'x' [3, 4])}}
  %0:2 = "nn.top_k"(%a0) {k = 5 : i64, axis = -1 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>)
  return
}

// -----

func.func @dynamic_top_k_r15(%a0: tensor<3x4xf32>, %a1: tensor<1xi32>) {
  // expected-error @+1 {{'nn.dynamic_top_k' op operand 'k' must be a 1-element i64 tensor, got int32 [1]}}
  %0:2 = "nn.dynamic_top_k"(%a0, %a1) {axis = -1 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>, tensor<1xi32>) -> (tensor<3x4xf32>, tensor<3x4xf32>)
  return
}

// -----

func.func @cum_sum_r16(%a0: tensor<3xi1>) {
  // expected-error @+1 {{'nn.cum_sum' op operand 'x' must be a numeric tensor, got bool}}
  %0 = "nn.cum_sum"(%a0) {axis = 0 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<3xi1>) -> tensor<3xi1>
  return
}

// -----

func.func @cum_prod_r17(%a0: tensor<3xf32>) {
  // expected-error @+1 {{'nn.cum_prod' op attribute 'axis' = 1 is out of range [-1, 0]}}
  %0 = "nn.cum_prod"(%a0) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @dynamic_cum_sum_r18(%a0: tensor<3xf32>, %a1: tensor<f32>) {
  // expected-error @+1 {{'nn.dynamic_cum_sum' op operand 'axis' must be an i32 or i64 scalar (or 1-element vector), got float32 []}}
  %0 = "nn.dynamic_cum_sum"(%a0, %a1) {exclusive = 0 : i64, reverse = 0 : i64} : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return
}

// -----

func.func @dynamic_cum_prod_r19(%a0: tensor<f32>, %a1: tensor<i64>) {
  // expected-error @+1 {{'nn.dynamic_cum_prod' op operand 'x' must have rank >= 1}}
  %0 = "nn.dynamic_cum_prod"(%a0, %a1) {exclusive = 0 : i64, reverse = 0 : i64} : (tensor<f32>, tensor<i64>) -> tensor<f32>
  return
}

// -----

func.func @compress_r20(%a0: tensor<3x2xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'nn.compress' op operand 'condition' must be a 1-d bool tensor, got float32 [2]}}
  %0 = "nn.compress"(%a0, %a1) {axis = 0 : i64} : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @compress_r21(%a0: tensor<3x2xf32>, %a1: tensor<4xi1>) {
  // expected-error @+1 {{'nn.compress' op operand 'condition' has 4 entries, more than axis 0 of 'input' [3, 2]}}
  %0 = "nn.compress"(%a0, %a1) {axis = 0 : i64} : (tensor<3x2xf32>, tensor<4xi1>) -> tensor<3x2xf32>
  return
}

// -----

func.func @compress_r22(%a0: tensor<f32>, %a1: tensor<1xi1>) {
  // expected-error @+1 {{'nn.compress' op operand 'input' must have rank >= 1 (the importer flattens)}}
  %0 = "nn.compress"(%a0, %a1) {axis = 0 : i64} : (tensor<f32>, tensor<1xi1>) -> tensor<f32>
  return
}

// -----

func.func @unique_r23(%a0: tensor<f32>) {
  // expected-error @+1 {{'nn.unique' op operand 'x' must have rank >= 1 (the importer flattens)}}
  %0:4 = "nn.unique"(%a0) {axis = 0 : i64, sorted = 1 : i64} : (tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>)
  return
}

// -----

func.func @unique_r24(%a0: tensor<3xf32>) {
  // expected-error @+1 {{'nn.unique' op attribute 'sorted' = 2 must be one of [0, 1]}}
  %0:4 = "nn.unique"(%a0) {axis = 0 : i64, sorted = 2 : i64} : (tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @reshape_49(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.reshape' op attribute 'shape' = [-1, -1] may contain at most one -1}}
  %0 = "nn.reshape"(%a0) {shape = array<i64: -1, -1>, allowzero = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_50(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.reshape' op attribute 'shape' = [-2, 3] must be all >= -1}}
  %0 = "nn.reshape"(%a0) {shape = array<i64: -2, 3>, allowzero = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_51(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.reshape' op attribute 'shape' = [0, -1] mixes 0 and -1 with allowzero=1}}
  %0 = "nn.reshape"(%a0) {shape = array<i64: 0, -1>, allowzero = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_52(%a0: tensor<6xf32>) {
  // expected-error @+1 {{'nn.reshape' op attribute 'shape' = [2, 0]: entry 1 is 0 (copy) but 'data' has rank 1}}
  %0 = "nn.reshape"(%a0) {shape = array<i64: 2, 0>, allowzero = 0 : i64} : (tensor<6xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @reshape_53(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.reshape' op attribute 'shape' = [4, -1] cannot hold the 6 elements of 'data' [2, 3]}}
  %0 = "nn.reshape"(%a0) {shape = array<i64: 4, -1>, allowzero = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_54(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.reshape' op attribute 'shape' = [4, 2] gives 8 elements, 'data' [2, 3] has 6}}
  %0 = "nn.reshape"(%a0) {shape = array<i64: 4, 2>, allowzero = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_55(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.transpose' op attribute 'perm' = [0, 0] must be a permutation of 0..1}}
  %0 = "nn.transpose"(%a0) {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @flatten_56(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.flatten' op attribute 'axis' = 3 is out of range [-2, 2]}}
  %0 = "nn.flatten"(%a0) {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @squeeze_57(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.squeeze' op attribute 'axes' = [0]: axis 0 of 'data' [2, 3] has size 2, expected 1}}
  %0 = "nn.squeeze"(%a0) {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @unsqueeze_58(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.unsqueeze' op attribute 'axes' = [] must name at least one axis}}
  %0 = "nn.unsqueeze"(%a0) {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @unsqueeze_59(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.unsqueeze' op attribute 'axes' = 3 is out of range [-3, 2]}}
  %0 = "nn.unsqueeze"(%a0) {axes = array<i64: 3>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_60(%a0: tensor<2x3xf32>, %a1: tensor<2x3xi64>) {
  // expected-error @+1 {{'nn.concat' op operand 'b' has element type int64, expected float32 (as 'a')}}
  %0 = "nn.concat"(%a0, %a1) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_61(%a0: tensor<2x3xf32>, %a1: tensor<3x4xf32>) {
  // expected-error @+1 {{'nn.concat' op operand 'b' has shape [3, 4]; expected [2, 3] (as 'a') except along axis 0}}
  %0 = "nn.concat"(%a0, %a1) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @split_62(%a0: tensor<6xf32>) {
  // expected-error @+1 {{'nn.split' op attribute 'split' = [2, 3] must be non-empty sizes >= 0 summing to 6 (axis 0 of 'input' [6])}}
  %0 = "nn.split"(%a0) {axis = 0 : i64, split = array<i64: 2, 3>} : (tensor<6xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @split_63(%a0: tensor<6xf32>) {
  // expected-error @+1 {{'nn.split' op attribute 'split' = [2, 4] must be equal sizes (use nn.slice for uneven pieces)}}
  %0 = "nn.split"(%a0) {axis = 0 : i64, split = array<i64: 2, 4>} : (tensor<6xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @slice_64(%a0: tensor<6xf32>) {
  // expected-error @+1 {{'nn.slice' op attribute 'ends' = [1, 2] must have 1 entries (one per entry of 'starts')}}
  %0 = "nn.slice"(%a0) {starts = array<i64: 0>, ends = array<i64: 1, 2>, axes = array<i64: 0>, steps = array<i64: 1>} : (tensor<6xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @slice_65(%a0: tensor<6xf32>) {
  // expected-error @+1 {{'nn.slice' op attribute 'steps' = [0] must not contain 0}}
  %0 = "nn.slice"(%a0) {starts = array<i64: 0>, ends = array<i64: 1>, axes = array<i64: 0>, steps = array<i64: 0>} : (tensor<6xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @slice_66(%a0: tensor<6xf32>) {
  // expected-error @+1 {{'nn.slice' op attribute 'axes' = 1 is out of range [-1, 0]}}
  %0 = "nn.slice"(%a0) {starts = array<i64: 0>, ends = array<i64: 1>, axes = array<i64: 1>, steps = array<i64: 1>} : (tensor<6xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @gather_67(%a0: tensor<6xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'nn.gather' op operand 'indices' must be an i32 or i64 tensor, got float32}}
  %0 = "nn.gather"(%a0, %a1) {axis = 0 : i64} : (tensor<6xf32>, tensor<2xf32>) -> tensor<6xf32>
  return
}

// -----

func.func @gather_68(%a0: tensor<6xf32>, %a1: tensor<2xi64>) {
  // expected-error @+1 {{'nn.gather' op attribute 'axis' = 1 is out of range [-1, 0]}}
  %0 = "nn.gather"(%a0, %a1) {axis = 1 : i64} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6xf32>
  return
}

// -----

func.func @expand_69(%a0: tensor<3xf32>) {
  // expected-error @+1 {{'nn.expand' op attribute 'shape' = [-1] must be all >= 0}}
  %0 = "nn.expand"(%a0) {shape = array<i64: -1>} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @expand_70(%a0: tensor<3xf32>) {
  // expected-error @+1 {{'nn.expand' op shapes [3] and [2] are not broadcastable}}
  %0 = "nn.expand"(%a0) {shape = array<i64: 2>} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @pad_71(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.pad' op attribute 'pads' = [1, 1] must have 4 entries (begins then ends of every axis)}}
  %0 = "nn.pad"(%a0) {pads = array<i64: 1, 1>, mode = "constant", constant_value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @pad_72(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.pad' op attribute 'mode' = 'mirror' must be one of ['constant', 'reflect', 'edge', 'wrap']}}
  %0 = "nn.pad"(%a0) {pads = array<i64: 0, 0, 0, 0>, mode = "mirror", constant_value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @pad_73(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.pad' op attribute 'pads' = [-3, 0, 0, 0] crops 'data' [2, 3] below size 0}}
  %0 = "nn.pad"(%a0) {pads = array<i64: -3, 0, 0, 0>, mode = "constant", constant_value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @pad_74(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.pad' op attribute 'pads' = [2, 0, 0, 0]: reflect padding of axis 0 (size 2) must be < 2}}
  %0 = "nn.pad"(%a0) {pads = array<i64: 2, 0, 0, 0>, mode = "reflect", constant_value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @resize_75(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'sizes' = [1] must have 2 entries (the output size of every axis)}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1>, scales = array<f32>, mode = "nearest", coordinate_transformation_mode = "half_pixel", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @resize_76(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'sizes' = [1, 0] must be all >= 1}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 0>, scales = array<f32>, mode = "nearest", coordinate_transformation_mode = "half_pixel", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @resize_77(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'scales' = [1.0] must have 2 entries (one per axis, or [] for sizes / input size)}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 8>, scales = array<f32: 1.000000e+00>, mode = "nearest", coordinate_transformation_mode = "half_pixel", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @resize_78(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'scales' = [1.0, 0.0] must be all > 0}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 8>, scales = array<f32: 1.000000e+00, 0.000000e+00>, mode = "nearest", coordinate_transformation_mode = "half_pixel", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @resize_79(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'mode' = 'area' must be one of ['nearest', 'linear', 'cubic']}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 8>, scales = array<f32>, mode = "area", coordinate_transformation_mode = "half_pixel", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @resize_80(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'coordinate_transformation_mode' = 'x' must be one of ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize']}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 8>, scales = array<f32>, mode = "nearest", coordinate_transformation_mode = "x", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @resize_81(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'nearest_mode' = 'up' must be one of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 8>, scales = array<f32>, mode = "nearest", coordinate_transformation_mode = "half_pixel", nearest_mode = "up", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @resize_82(%a0: tensor<1x4xi64>) {
  // expected-error @+1 {{'nn.resize' op operand 'x' must be a floating-point tensor, got int64}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 8>, scales = array<f32>, mode = "linear", coordinate_transformation_mode = "half_pixel", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>} : (tensor<1x4xi64>) -> tensor<1x4xi64>
  return
}

// -----

func.func @constant_83() {
  // expected-error @+1 {{'nn.constant' op attribute 'value' = "zero" is not of kind tensor}}
  %0 = "nn.constant"() {value = "zero"} : () -> tensor<1xf32>
  return
}

// -----

func.func @constant_of_shape_84() {
  // expected-error @+1 {{'nn.constant_of_shape' op attribute 'shape' = [-1] must be all >= 0}}
  %0 = "nn.constant_of_shape"() {shape = array<i64: -1>, value = dense<0.000000e+00> : tensor<1xf32>} : () -> tensor<1xf32>
  return
}

// -----

func.func @constant_of_shape_85() {
  // expected-error @+1 {{'nn.constant_of_shape' op attribute 'value' must hold exactly one element, got shape [2]}}
  %0 = "nn.constant_of_shape"() {shape = array<i64: 2>, value = dense<0.000000e+00> : tensor<2xf32>} : () -> tensor<1xf32>
  return
}

// -----

func.func @layer_normalization_stash(%a0: tensor<2x3xf32>, %a1: tensor<3xf32>) {
  // expected-error @+1 {{'nn.layer_normalization' op attribute 'stash_type' = 7 must be one of [1, 10, 11]}}
  %0:3 = "nn.layer_normalization"(%a0, %a1) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 7 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @rms_normalization_scale(%a0: tensor<2x3xf32>, %a1: tensor<2xf32>) {
  // expected-error @+1 {{'nn.rms_normalization' op operand 'scale' [2] must broadcast to the normalized shape [3] (axis=-1)}}
  %0 = "nn.rms_normalization"(%a0, %a1) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @rms_normalization_int(%a0: tensor<2x3xi64>, %a1: tensor<3xi64>) {
  // expected-error @+1 {{'nn.rms_normalization' op operand 'x' must be a floating-point tensor, got int64}}
  %0 = "nn.rms_normalization"(%a0, %a1) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  return
}

// -----

func.func @attention_heads(%q: tensor<1x3x3x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x8xf32>) {
  // expected-error @+1 {{'nn.attention' op the query heads (3) must be a multiple of the key / value heads (2)}}
  %0:4 = "nn.attention"(%q, %k, %v) {operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0>, scale = 0.5 : f32, is_causal = 0 : i64, softcap = 0.0 : f32, softmax_precision = 1 : i64, qk_matmul_output_mode = 0 : i64, left_window_size = -1 : i64, right_window_size = -1 : i64} : (tensor<1x3x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x3x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x3x3x5xf32>)
  return
}

// -----

func.func @attention_mask_length(%q: tensor<1x2x3x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x8xf32>, %m: tensor<3x6xi1>) {
  // expected-error @+1 {{'nn.attention' op operand 'attn_mask' [3, 6] covers 6 keys, more than the 5 there are}}
  %0:4 = "nn.attention"(%q, %k, %v, %m) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0, 0>, scale = 0.5 : f32, is_causal = 0 : i64, softcap = 0.0 : f32, softmax_precision = 1 : i64, qk_matmul_output_mode = 0 : i64, left_window_size = -1 : i64, right_window_size = -1 : i64} : (tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<3x6xi1>) -> (tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x3x5xf32>)
  return
}

// -----

func.func @attention_mode(%q: tensor<1x2x3x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x8xf32>) {
  // expected-error @+1 {{'nn.attention' op attribute 'qk_matmul_output_mode' = 4 must be one of [0, 1, 2, 3]}}
  %0:4 = "nn.attention"(%q, %k, %v) {operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0>, scale = 0.5 : f32, is_causal = 0 : i64, softcap = 0.0 : f32, softmax_precision = 1 : i64, qk_matmul_output_mode = 4 : i64, left_window_size = -1 : i64, right_window_size = -1 : i64} : (tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>) -> (tensor<1x2x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x3x5xf32>)
  return
}

// -----

func.func @max_unpool_output_shape(%a0: tensor<1x1x2x2xf32>, %a1: tensor<1x1x2x2xi64>) {
  // expected-error @+1 {{'nn.max_unpool' op attribute 'output_shape' = [1, 1, 3, 4]: spatial axis 0 must be at least the unpooled size 4}}
  %0 = "nn.max_unpool"(%a0, %a1) {kernel_shape = array<i64: 2, 2>, output_shape = array<i64: 1, 1, 3, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x3x4xf32>
  return
}

// -----

func.func @col2im_blocks(%a0: tensor<1x9x5xf32>) {
  // expected-error @+1 {{'nn.col2im' op operand 'input' [1, 9, 5]: dim 2 must be the number of blocks 4 (2 x 2)}}
  %0 = "nn.col2im"(%a0) {block_shape = array<i64: 3, 3>, dilations = array<i64: 1, 1>, image_shape = array<i64: 5, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x9x5xf32>) -> tensor<1x1x5x5xf32>
  return
}

// -----

func.func @grid_sample_cubic_3d(%a0: tensor<1x1x4x4x4xf32>, %a1: tensor<1x2x2x2x3xf32>) {
  // expected-error @+1 {{'nn.grid_sample' op attribute 'mode' = 'cubic' needs 2 spatial axes, 'x' has 3}}
  %0 = "nn.grid_sample"(%a0, %a1) {align_corners = 0 : i64, mode = "cubic", padding_mode = "zeros"} : (tensor<1x1x4x4x4xf32>, tensor<1x2x2x2x3xf32>) -> tensor<1x1x2x2x2xf32>
  return
}

// -----

func.func @roi_align_rois(%a0: tensor<1x1x4x4xf32>, %a1: tensor<2x5xf32>, %a2: tensor<2xi64>) {
  // expected-error @+1 {{'nn.roi_align' op operands 'x' [1, 1, 4, 4], 'rois' [2, 5] and 'batch_indices' [2] must be [N, C, H, W], [R, 4] and [R]}}
  %0 = "nn.roi_align"(%a0, %a1, %a2) {coordinate_transformation_mode = "half_pixel", mode = "avg", output_height = 1 : i64, output_width = 1 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f32} : (tensor<1x1x4x4xf32>, tensor<2x5xf32>, tensor<2xi64>) -> tensor<2x1x1x1xf32>
  return
}

// -----

func.func @affine_grid_theta(%a0: tensor<2x2x4xf32>) {
  // expected-error @+1 {{'nn.affine_grid' op operand 'theta' must be [N, 2, 3] (2-d) or [N, 3, 4] (3-d), got [2, 2, 4]}}
  %0 = "nn.affine_grid"(%a0) {align_corners = 0 : i64, size = array<i64: 2, 1, 3, 3>} : (tensor<2x2x4xf32>) -> tensor<2x3x3x2xf32>
  return
}

// -----

func.func @deform_conv_offset(%a0: tensor<1x2x5x5xf32>, %a1: tensor<3x2x3x3xf32>, %a2: tensor<1x17x3x3xf32>) {
  // expected-error @+1 {{'nn.deform_conv' op operand 'offset' must have shape [1, 18, 3, 3], got [1, 17, 3, 3]}}
  %0 = "nn.deform_conv"(%a0, %a1, %a2) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, offset_group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<1x17x3x3xf32>) -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @lp_pool_p(%a0: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'nn.lp_pool' op attribute 'p' = 0 must be >= 1}}
  %0 = "nn.lp_pool"(%a0) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @linear_attention_rule(%q: tensor<2x3x16xf32>, %k: tensor<2x3x8xf32>, %v: tensor<2x3x12xf32>) {
  // expected-error @+1 {{'nn.linear_attention' op attribute 'update_rule' = 'gated_delta' requires operand 'decay'}}
  %0:2 = "nn.linear_attention"(%q, %k, %v) {kv_num_heads = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>, q_num_heads = 4 : i64, scale = 0.0 : f32, update_rule = "gated_delta"} : (tensor<2x3x16xf32>, tensor<2x3x8xf32>, tensor<2x3x12xf32>) -> (tensor<2x3x24xf32>, tensor<2x2x4x6xf32>)
  return
}

// -----

// The inferred result type must match the written one.
func.func @relu_result(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.relu' op result type(s) tensor<3x2xf32> do not match inferred tensor<2x3xf32>}}
  %0 = "nn.relu"(%a0) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @split_result_count(%a0: tensor<6xf32>) {
  // expected-error @+1 {{'nn.split' op result type(s) tensor<3xf32>, tensor<3xf32> do not match inferred tensor<2xf32>, tensor<2xf32>, tensor<2xf32>}}
  %0:2 = "nn.split"(%a0) {axis = 0 : i64, split = array<i64: 2, 2, 2>} : (tensor<6xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @unranked(%a0: tensor<*xf32>) {
  // expected-error @+1 {{expected base type 'builtin.tensor' but got 'builtin.unranked_tensor'}}
  %0 = "nn.relu"(%a0) : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// A dynamic dim may be refined to a static one, but not to another static size.
func.func @dynamic_mismatch(%a0: tensor<?x4xf32>, %a1: tensor<4xf32>) {
  // expected-error @+1 {{'nn.add' op result type(s) tensor<?x5xf32> do not match inferred tensor<?x4xf32>}}
  %0 = "nn.add"(%a0, %a1) : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x5xf32>
  return
}

// -----

// An INTS attribute where FLOATS is declared (IRDL only checks `array<...>`).
func.func @resize_scales_kind(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'scales' = array<i64: 1, 2> is not of kind floats}}
  %0 = "nn.resize"(%a0) {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 0 : i64, roi = array<f32>, mode = "nearest", nearest_mode = "round_prefer_floor", scales = array<i64: 1, 2>, sizes = array<i64: 1, 8>} : (tensor<1x4xf32>) -> tensor<1x8xf32>
  return
}

// -----

// IRDL: every declared attribute is present.
func.func @missing_attribute(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{attribute "perm" is expected but not provided}}
  %0 = "nn.transpose"(%a0) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

// IRDL: operand count.
func.func @missing_operand(%a0: tensor<2xf32>) {
  // expected-error @+1 {{op expects exactly 2 operands, but got 1}}
  %0 = "nn.add"(%a0) : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_tuple(%a0: tensor<2x3xf32>, %a1: tensor<1x3xi64>) {
  // expected-error @+1 {{'nn.gather_nd' op operand 'indices' [1, 3]: its last dim 3 must be in [1, 2] for 'data' [2, 3]}}
  %0 = "nn.gather_nd"(%a0, %a1) {batch_dims = 0 : i64} : (tensor<2x3xf32>, tensor<1x3xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @scatter_elements_reduction(%a0: tensor<3xf32>, %a1: tensor<2xi64>, %a2: tensor<2xf32>) {
  // expected-error @+1 {{'nn.scatter_elements' op attribute 'reduction' = 'sum' must be one of ['none', 'add', 'mul', 'max', 'min']}}
  %0 = "nn.scatter_elements"(%a0, %a1, %a2) {axis = 0 : i64, reduction = "sum"} : (tensor<3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_nd_updates(%a0: tensor<4x5xf32>, %a1: tensor<2x1xi64>, %a2: tensor<2x4xf32>) {
  // expected-error @+1 {{'nn.scatter_nd' op operands 'updates' [2, 4] and 'indices.shape[:-1] + data.shape[k:]' [2, 5] must have one shape}}
  %0 = "nn.scatter_nd"(%a0, %a1, %a2) {reduction = "none"} : (tensor<4x5xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @tensor_scatter_longer(%a0: tensor<2x4xf32>, %a1: tensor<2x5xf32>) {
  // expected-error @+1 {{'nn.tensor_scatter' op operand 'update' [2, 5] must match 'past_cache' [2, 4] except along axis 1, where it is not longer}}
  %0 = "nn.tensor_scatter"(%a0, %a1) {axis = 1 : i64, mode = "linear"} : (tensor<2x4xf32>, tensor<2x5xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @one_hot_values(%a0: tensor<3xi64>, %a1: tensor<3xf32>) {
  // expected-error @+1 {{'nn.one_hot' op operand 'values' [3] must be [off_value, on_value]}}
  %0 = "nn.one_hot"(%a0, %a1) {axis = -1 : i64, depth = 4 : i64} : (tensor<3xi64>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @dynamic_one_hot_depth(%a0: tensor<3xi64>, %a1: tensor<2xi64>, %a2: tensor<2xf32>) {
  // expected-error @+1 {{'nn.dynamic_one_hot' op operand 'depth' [2] must be a scalar}}
  %0 = "nn.dynamic_one_hot"(%a0, %a1, %a2) {axis = -1 : i64} : (tensor<3xi64>, tensor<2xi64>, tensor<2xf32>) -> tensor<3x?xf32>
  return
}

// -----

func.func @tile_repeats(%a0: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.tile' op attribute 'repeats' = [2] must have 2 entries (one per axis of 'input')}}
  %0 = "nn.tile"(%a0) {repeats = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @dynamic_tile_repeats(%a0: tensor<2x3xf32>, %a1: tensor<3xi64>) {
  // expected-error @+1 {{'nn.dynamic_tile' op operand 'repeats' has 3 entries, 'input' [2, 3] needs 2}}
  %0 = "nn.dynamic_tile"(%a0, %a1) : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @depth_to_space_channels(%a0: tensor<1x6x2x3xf32>) {
  // expected-error @+1 {{'nn.depth_to_space' op channels 6 of 'input' [1, 6, 2, 3] must divide by blocksize^2 = 4}}
  %0 = "nn.depth_to_space"(%a0) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x6x2x3xf32>) -> tensor<1x1x4x6xf32>
  return
}

// -----

func.func @space_to_depth_height(%a0: tensor<1x2x3x4xf32>) {
  // expected-error @+1 {{'nn.space_to_depth' op height 3 of 'input' [1, 2, 3, 4] must divide by blocksize 2}}
  %0 = "nn.space_to_depth"(%a0) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x2x3x4xf32>) -> tensor<1x8x1x2xf32>
  return
}

// -----

func.func @reverse_sequence_lens(%a0: tensor<4x3xf32>, %a1: tensor<4xi64>) {
  // expected-error @+1 {{'nn.reverse_sequence' op operand 'sequence_lens' has 4 entries, 'input' [4, 3] has 3 batches (axis 1)}}
  %0 = "nn.reverse_sequence"(%a0, %a1) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4x3xf32>
  return
}

// -----

func.func @trilu_rank(%a0: tensor<4xf32>) {
  // expected-error @+1 {{'nn.trilu' op operand 'input' [4] must have rank >= 2}}
  %0 = "nn.trilu"(%a0) {upper = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @eye_like_rank(%a0: tensor<4xf32>) {
  // expected-error @+1 {{'nn.eye_like' op operand 'input' [4] must be 2-d}}
  %0 = "nn.eye_like"(%a0) {dtype = f32, k = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @center_crop_pad_shape(%a0: tensor<4x4xf32>, %a1: tensor<1xi64>) {
  // expected-error @+1 {{'nn.center_crop_pad' op operand 'shape' has 1 entries, 'axes' 2}}
  %0 = "nn.center_crop_pad"(%a0, %a1) {axes = array<i64>} : (tensor<4x4xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_squeeze_candidates(%a0: tensor<1x3xf32>, %a1: tensor<2xi64>) {
  // expected-error @+1 {{'nn.dynamic_squeeze' op 'data' [1, 3] has fewer than 2 axes that can have size 1}}
  %0 = "nn.dynamic_squeeze"(%a0, %a1) : (tensor<1x3xf32>, tensor<2xi64>) -> tensor<f32>
  return
}

// -----

// The static dims of a run-time squeeze are checked: [1, 3, 4] minus one size-1 axis is [3, 4].
func.func @dynamic_squeeze_result(%a0: tensor<1x3x4xf32>, %a1: tensor<1xi64>) {
  // expected-error @+1 {{'nn.dynamic_squeeze' op result type(s) tensor<4x3xf32> do not match inferred tensor<3x4xf32>}}
  %0 = "nn.dynamic_squeeze"(%a0, %a1) : (tensor<1x3x4xf32>, tensor<1xi64>) -> tensor<4x3xf32>
  return
}

// -----

func.func @dynamic_unsqueeze_axes(%a0: tensor<3xf32>, %a1: tensor<0xi64>) {
  // expected-error @+1 {{'nn.dynamic_unsqueeze' op operand 'axes' must name at least one axis}}
  %0 = "nn.dynamic_unsqueeze"(%a0, %a1) : (tensor<3xf32>, tensor<0xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @dynamic_pad_pads(%a0: tensor<2x3xf32>, %a1: tensor<2xi64>) {
  // expected-error @+1 {{'nn.dynamic_pad' op operand 'pads' has 2 entries, expected 4 (2 per axis)}}
  %0 = "nn.dynamic_pad"(%a0, %a1) {mode = "constant", operandSegmentSizes = array<i32: 1, 1, 0, 0>} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_split_empty(%a0: tensor<4xf32>, %a1: tensor<0xi64>) {
  // expected-error @+1 {{'nn.dynamic_split' op operand 'split' must have at least one entry}}
  %0 = "nn.dynamic_split"(%a0, %a1) {axis = 0 : i64} : (tensor<4xf32>, tensor<0xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @dynamic_resize_both(%a0: tensor<1x4xf32>, %a1: tensor<2xf32>, %a2: tensor<2xi64>) {
  // expected-error @+1 {{'nn.dynamic_resize' op exactly one of the operands 'scales' and 'sizes' must be given}}
  %0 = "nn.dynamic_resize"(%a0, %a1, %a2) {antialias = 0 : i64, axes = array<i64>, coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, keep_aspect_ratio_policy = "stretch", mode = "nearest", nearest_mode = "round_prefer_floor", operandSegmentSizes = array<i32: 1, 0, 1, 1>} : (tensor<1x4xf32>, tensor<2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @resize_antialias_nearest(%a0: tensor<1x4xf32>) {
  // expected-error @+1 {{'nn.resize' op attribute 'antialias' = 1 needs linear or cubic mode}}
  %0 = "nn.resize"(%a0) {sizes = array<i64: 1, 2>, scales = array<f32>, mode = "nearest", coordinate_transformation_mode = "half_pixel", nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = 0 : i64, extrapolation_value = 0.000000e+00 : f32, antialias = 1 : i64, roi = array<f32>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
  return
}


// -----

func.func @rnn_w(%x: tensor<5x2x3xf32>, %w: tensor<1x4x2xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{'nn.rnn' op operand 'w' has shape [1, 4, 2], expected [1, 4, 3] ([directions, gates * hidden, input])}}
  %0:2 = "nn.rnn"(%x, %w, %r) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = [], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x2x3xf32>, tensor<1x4x2xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @gru_activations(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) {
  // expected-error @+1 {{'nn.gru' op attribute 'activations' = ['Sigmoid', 'Swish'] must list 2 of}}
  %0:2 = "nn.gru"(%x, %w, %r) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = ["Sigmoid", "Swish"], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @lstm_lens(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %n: tensor<3xi32>) {
  // expected-error @+1 {{'nn.lstm' op operand 'sequence_lens' has shape [3], expected [2] ([batch])}}
  %0:3 = "nn.lstm"(%x, %w, %r, %n) {activation_alpha = array<f32>, activation_beta = array<f32>, activations = [], clip = 0x7F800000 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = 0 : i64, layout = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<3xi32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// nn_math: element types and attributes.
func.func @mod_fmod(%a0: tensor<2xui8>) {
  // expected-error @+1 {{'nn.mod' op attribute 'fmod' = 2 must be one of [0, 1]}}
  %0 = "nn.mod"(%a0, %a0) {fmod = 2 : i64} : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return
}

// -----

func.func @mod_mixed_signedness(%a0: tensor<2xui8>, %a1: tensor<2xi8>) {
  // expected-error @+1 {{'nn.mod' op operands 'a' (uint8) and 'b' (int8) must have one element type}}
  %0 = "nn.mod"(%a0, %a1) {fmod = 0 : i64} : (tensor<2xui8>, tensor<2xi8>) -> tensor<2xui8>
  return
}

// -----

func.func @bit_shift_direction(%a0: tensor<2xui16>) {
  // expected-error @+1 {{'nn.bit_shift' op attribute 'direction' = 'UP' must be one of ['LEFT', 'RIGHT']}}
  %0 = "nn.bit_shift"(%a0, %a0) {direction = "UP"} : (tensor<2xui16>, tensor<2xui16>) -> tensor<2xui16>
  return
}

// -----

func.func @bitwise_float(%a0: tensor<2xbf16>) {
  // expected-error @+1 {{'nn.bitwise_not' op operand 'x' must be an integer tensor, got bfloat16}}
  %0 = "nn.bitwise_not"(%a0) : (tensor<2xbf16>) -> tensor<2xbf16>
  return
}

// -----

func.func @prelu_slope(%a0: tensor<3xf32>, %a1: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.prelu' op operand 'slope' [2, 3] must broadcast to 'x' [3]}}
  %0 = "nn.prelu"(%a0, %a1) : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @clip_bound_rank(%a0: tensor<3xf32>, %a1: tensor<1xf32>) {
  // expected-error @+1 {{'nn.clip' op operand 'min' must be a scalar (0-d) tensor, got [1]}}
  %0 = "nn.clip"(%a0, %a1) {operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<3xf32>, tensor<1xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @is_inf_result(%a0: tensor<3xf16>) {
  // expected-error @+1 {{'nn.is_inf' op result type(s) tensor<3xf16> do not match inferred tensor<3xi1>}}
  %0 = "nn.is_inf"(%a0) {detect_negative = 1 : i64, detect_positive = 1 : i64} : (tensor<3xf16>) -> tensor<3xf16>
  return
}

// -----

func.func @dft_last_dim(%a0: tensor<2x8x3xf32>) {
  // expected-error @+1 {{'nn.dft' op operand 'input' [2, 8, 3] must have rank >= 2 and a last dim of 1 (real) or 2 (complex)}}
  %0 = "nn.dft"(%a0) {axis = 1 : i64, dft_length = 0 : i64, inverse = 0 : i64, onesided = 0 : i64} : (tensor<2x8x3xf32>) -> tensor<2x8x2xf32>
  return
}

// -----

func.func @dft_axis(%a0: tensor<2x8x1xf32>) {
  // expected-error @+1 {{'nn.dft' op attribute 'axis' = 2 is out of range [-3, -2] or [0, 1]}}
  %0 = "nn.dft"(%a0) {axis = 2 : i64, dft_length = 0 : i64, inverse = 0 : i64, onesided = 0 : i64} : (tensor<2x8x1xf32>) -> tensor<2x8x2xf32>
  return
}

// -----

func.func @dynamic_dft_axis(%a0: tensor<2x8x1xf32>, %a1: tensor<f32>) {
  // expected-error @+1 {{'nn.dynamic_dft' op operand 'axis' must be an i32 or i64 scalar, got float32}}
  %0 = "nn.dynamic_dft"(%a0, %a1) {dft_length = 0 : i64, inverse = 0 : i64, onesided = 0 : i64} : (tensor<2x8x1xf32>, tensor<f32>) -> tensor<2x8x2xf32>
  return
}

// -----

func.func @non_max_suppression_n(%a0: tensor<2x6x4xf32>, %a1: tensor<2x1x5xf32>) {
  // expected-error @+1 {{'nn.non_max_suppression' op operands 'boxes' [2, 6, 4] and 'scores' [2, 1, 5] disagree on N}}
  %0 = "nn.non_max_suppression"(%a0, %a1) {center_point_box = 0 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0>} : (tensor<2x6x4xf32>, tensor<2x1x5xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @bit_cast_width(%a0: tensor<3xf32>) {
  // expected-error @+1 {{'nn.bit_cast' op attribute 'to' = float16 (16 bits): expected an element type as wide as the input's float32 (32 bits)}}
  %0 = "nn.bit_cast"(%a0) {to = f16} : (tensor<3xf32>) -> tensor<3xf16>
  return
}

// -----

func.func @cast_round_mode(%a0: tensor<3xf32>) {
  // expected-error @+1 {{'nn.cast' op attribute 'round_mode' = 'odd': expected up, down or nearest}}
  %0 = "nn.cast"(%a0) {round_mode = "odd", saturate = 1 : i64, to = f8E8M0FNU} : (tensor<3xf32>) -> tensor<3xf8E8M0FNU>
  return
}

// -----

func.func @string_concat_not_strings(%a0: tensor<2xf32>, %a1: tensor<2x!nn.string>) {
  // expected-error @+1 {{'nn.string_concat' op operand 'x' must be a string tensor, got float32}}
  %0 = "nn.string_concat"(%a0, %a1) : (tensor<2xf32>, tensor<2x!nn.string>) -> tensor<2x!nn.string>
  return
}

// -----

func.func @string_normalizer_rank(%a0: tensor<2x3x!nn.string>) {
  // expected-error @+1 {{'nn.string_normalizer' op operand 'x' [2, 3] must have shape [C] or [1, C]}}
  %0 = "nn.string_normalizer"(%a0) {case_change_action = "NONE", is_case_sensitive = 0 : i64, stopwords = []} : (tensor<2x3x!nn.string>) -> tensor<1x?x!nn.string>
  return
}

// -----

func.func @string_split_maxsplit(%a0: tensor<2x!nn.string>) {
  // expected-error @+1 {{'nn.string_split' op attribute 'maxsplit' = -2 must be >= -1 (-1: no limit)}}
  %0:2 = "nn.string_split"(%a0) {delimiter = "", maxsplit = -2 : i64} : (tensor<2x!nn.string>) -> (tensor<2x?x!nn.string>, tensor<2xi64>)
  return
}

// -----

func.func @regex_empty_pattern(%a0: tensor<2x!nn.string>) {
  // expected-error @+1 {{'nn.regex_full_match' op attribute 'pattern' must not be empty}}
  %0 = "nn.regex_full_match"(%a0) {pattern = ""} : (tensor<2x!nn.string>) -> tensor<2xi1>
  return
}

// -----

func.func @label_encoder_values(%a0: tensor<2x!nn.string>) {
  // expected-error @+1 {{'nn.label_encoder' op attribute 'values' [3] must be 1-d with one value per key (2)}}
  %0 = "nn.label_encoder"(%a0) {keys = ["a", "b"], values = dense<[1, 2, 3]> : tensor<3xi64>, default = dense<-1> : tensor<1xi64>} : (tensor<2x!nn.string>) -> tensor<2xi64>
  return
}

// -----

func.func @quantize_axis_scale_length(%x: tensor<3x4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'nn.quantize_linear' op operand 'y_scale' [4] must be a scalar or a 1-d tensor of x.shape[0] = [3] elements (per axis); blocked quantization needs 'block_size' > 0}}
  %0 = "nn.quantize_linear"(%x, %s) {axis = 0 : i64, block_size = 0 : i64, output_dtype = ui8, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xui8>
  return
}

// -----

func.func @quantize_blocked_scale_shape(%x: tensor<2x6xf32>, %s: tensor<2x3xf32>) {
  // expected-error @+1 {{'nn.quantize_linear' op operand 'y_scale' [2, 3] must have shape [2, 2] for x [2, 6] blocked by 4 along axis 1}}
  %0 = "nn.quantize_linear"(%x, %s) {axis = 1 : i64, block_size = 4 : i64, output_dtype = i8, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<2x6xf32>, tensor<2x3xf32>) -> tensor<2x6xi8>
  return
}

// -----

func.func @quantize_zero_point_type(%x: tensor<3xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{'nn.quantize_linear' op operand 'y_zero_point' has element type int8; expected 'output_dtype' uint8}}
  %0 = "nn.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, output_dtype = ui8, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3xf32>, tensor<f32>, tensor<i8>) -> tensor<3xui8>
  return
}

// -----

func.func @quantize_output_type(%x: tensor<3xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'nn.quantize_linear' op attribute 'output_dtype' = int32 must be an integer type of at most 16 bits (int4 / uint4 / int2 / uint2 included) or float8 e4m3fn / e4m3fnuz / e5m2 / e5m2fnuz or float4 e2m1fn}}
  %0 = "nn.quantize_linear"(%x, %s) {axis = 1 : i64, block_size = 0 : i64, output_dtype = i32, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<3xf32>, tensor<f32>) -> tensor<3xi32>
  return
}

// -----

func.func @dequantize_zero_point_type(%x: tensor<3xi8>, %s: tensor<f32>, %z: tensor<ui8>) {
  // expected-error @+1 {{'nn.dequantize_linear' op operand 'x_zero_point' has element type uint8; expected x's int8}}
  %0 = "nn.dequantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, output_dtype = f32, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3xi8>, tensor<f32>, tensor<ui8>) -> tensor<3xf32>
  return
}

// -----

func.func @quantize_output_e8m0(%x: tensor<3xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'nn.quantize_linear' op attribute 'output_dtype' = float8_e8m0fnu must be an integer type of at most 16 bits (int4 / uint4 / int2 / uint2 included) or float8 e4m3fn / e4m3fnuz / e5m2 / e5m2fnuz or float4 e2m1fn}}
  %0 = "nn.quantize_linear"(%x, %s) {axis = 1 : i64, block_size = 0 : i64, output_dtype = f8E8M0FNU, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<3xf32>, tensor<f32>) -> tensor<3xf8E8M0FNU>
  return
}

// -----

func.func @dequantize_narrow_zero_point_shape(%x: tensor<3x4xi4>, %s: tensor<f32>, %z: tensor<3xi4>) {
  // expected-error @+1 {{'nn.dequantize_linear' op operand 'x_zero_point' [3] must have the shape of 'x_scale' []}}
  %0 = "nn.dequantize_linear"(%x, %s, %z) {axis = 0 : i64, block_size = 0 : i64, output_dtype = f32, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3x4xi4>, tensor<f32>, tensor<3xi4>) -> tensor<3x4xf32>
  return
}
