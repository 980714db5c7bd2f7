irdl.dialect @nn {
  irdl.operation @add {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @sub {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @mul {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @div {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @pow {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @max {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @min {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @sqrt {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @erf {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @exp {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @log {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @reciprocal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @neg {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @abs {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @relu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @tanh {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @sigmoid {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @clip {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    %4 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"min" = %3, "max" = %4}
  }
  irdl.operation @hard_sigmoid {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    %4 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"alpha" = %3, "beta" = %4}
  }
  irdl.operation @leaky_relu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"alpha" = %3}
  }
  irdl.operation @gelu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.string"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"approximate" = %3}
  }
  irdl.operation @softmax {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"axis" = %3}
  }
  irdl.operation @log_softmax {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"axis" = %3}
  }
  irdl.operation @gemm {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.float"
    %6 = irdl.base "#builtin.float"
    %7 = irdl.base "#builtin.integer"
    %8 = irdl.base "#builtin.integer"
    irdl.operands(a: %1, b: %2, c: optional %3)
    irdl.results(y: %4)
    irdl.attributes {"alpha" = %5, "beta" = %6, "transA" = %7, "transB" = %8}
  }
  irdl.operation @mat_mul {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @conv {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    %8 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, w: %2, b: optional %3)
    irdl.results(y: %4)
    irdl.attributes {"strides" = %5, "pads" = %6, "dilations" = %7, "group" = %8}
  }
  irdl.operation @conv_transpose {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    %8 = irdl.base "#builtin.dense_array"
    %9 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, w: %2, b: optional %3)
    irdl.results(y: %4)
    irdl.attributes {"strides" = %5, "pads" = %6, "dilations" = %7, "output_padding" = %8, "group" = %9}
  }
  irdl.operation @max_pool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"kernel_shape" = %3, "strides" = %4, "pads" = %5, "dilations" = %6, "ceil_mode" = %7}
  }
  irdl.operation @average_pool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.integer"
    %8 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"kernel_shape" = %3, "strides" = %4, "pads" = %5, "dilations" = %6, "ceil_mode" = %7, "count_include_pad" = %8}
  }
  irdl.operation @global_average_pool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @batch_normalization {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "#builtin.float"
    irdl.operands(x: %1, scale: %2, b: %3, input_mean: %4, input_var: %5)
    irdl.results(y: %6)
    irdl.attributes {"epsilon" = %7}
  }
  irdl.operation @layer_normalization {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "#builtin.integer"
    %8 = irdl.base "#builtin.float"
    %9 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, scale: %2, b: optional %3)
    irdl.results(y: %4, mean: %5, inv_std_dev: %6)
    irdl.attributes {"axis" = %7, "epsilon" = %8, "stash_type" = %9}
  }
  irdl.operation @rms_normalization {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.float"
    %6 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, scale: %2)
    irdl.results(y: %3)
    irdl.attributes {"axis" = %4, "epsilon" = %5, "stash_type" = %6}
  }
  irdl.operation @attention {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "!builtin.tensor"
    %8 = irdl.base "!builtin.tensor"
    %9 = irdl.base "!builtin.tensor"
    %10 = irdl.base "!builtin.tensor"
    %11 = irdl.base "!builtin.tensor"
    %12 = irdl.base "#builtin.integer"
    %13 = irdl.base "#builtin.integer"
    %14 = irdl.base "#builtin.integer"
    %15 = irdl.base "#builtin.integer"
    %16 = irdl.base "#builtin.float"
    %17 = irdl.base "#builtin.float"
    %18 = irdl.base "#builtin.integer"
    irdl.operands(q: %1, k: %2, v: %3, attn_mask: optional %4, past_key: optional %5, past_value: optional %6, nonpad_kv_seqlen: optional %7)
    irdl.results(y: %8, present_key: %9, present_value: %10, qk_matmul_output: %11)
    irdl.attributes {"is_causal" = %12, "left_window_size" = %13, "qk_matmul_output_mode" = %14, "right_window_size" = %15, "scale" = %16, "softcap" = %17, "softmax_precision" = %18}
  }
  irdl.operation @linear_attention {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "!builtin.tensor"
    %8 = irdl.base "!builtin.tensor"
    %9 = irdl.base "#builtin.integer"
    %10 = irdl.base "#builtin.integer"
    %11 = irdl.base "#builtin.float"
    %12 = irdl.base "#builtin.string"
    irdl.operands(query: %1, key: %2, value: %3, past_state: optional %4, decay: optional %5, beta: optional %6)
    irdl.results(output: %7, present_state: %8)
    irdl.attributes {"kv_num_heads" = %9, "q_num_heads" = %10, "scale" = %11, "update_rule" = %12}
  }
  irdl.operation @max_pool_with_indices {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    %8 = irdl.base "#builtin.integer"
    %9 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %1)
    irdl.results(y: %2, indices: %3)
    irdl.attributes {"ceil_mode" = %4, "dilations" = %5, "kernel_shape" = %6, "pads" = %7, "storage_order" = %8, "strides" = %9}
  }
  irdl.operation @lp_pool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.dense_array"
    %8 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"ceil_mode" = %3, "dilations" = %4, "kernel_shape" = %5, "p" = %6, "pads" = %7, "strides" = %8}
  }
  irdl.operation @max_unpool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %1, indices: %2)
    irdl.results(y: %3)
    irdl.attributes {"output_shape" = %4, "kernel_shape" = %5, "pads" = %6, "strides" = %7}
  }
  irdl.operation @dynamic_max_unpool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %1, indices: %2, output_shape: %3)
    irdl.results(y: %4)
    irdl.attributes {"kernel_shape" = %5, "pads" = %6, "strides" = %7}
  }
  irdl.operation @col2im {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"image_shape" = %3, "block_shape" = %4, "dilations" = %5, "pads" = %6, "strides" = %7}
  }
  irdl.operation @dynamic_col2im {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1, image_shape: %2, block_shape: %3)
    irdl.results(output: %4)
    irdl.attributes {"dilations" = %5, "pads" = %6, "strides" = %7}
  }
  irdl.operation @grid_sample {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.string"
    %6 = irdl.base "#builtin.string"
    irdl.operands(x: %1, grid: %2)
    irdl.results(y: %3)
    irdl.attributes {"align_corners" = %4, "mode" = %5, "padding_mode" = %6}
  }
  irdl.operation @roi_align {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.string"
    %6 = irdl.base "#builtin.string"
    %7 = irdl.base "#builtin.integer"
    %8 = irdl.base "#builtin.integer"
    %9 = irdl.base "#builtin.integer"
    %10 = irdl.base "#builtin.float"
    irdl.operands(x: %1, rois: %2, batch_indices: %3)
    irdl.results(y: %4)
    irdl.attributes {"coordinate_transformation_mode" = %5, "mode" = %6, "output_height" = %7, "output_width" = %8, "sampling_ratio" = %9, "spatial_scale" = %10}
  }
  irdl.operation @affine_grid {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(theta: %1)
    irdl.results(grid: %2)
    irdl.attributes {"size" = %3, "align_corners" = %4}
  }
  irdl.operation @dynamic_affine_grid {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(theta: %1, size: %2)
    irdl.results(grid: %3)
    irdl.attributes {"align_corners" = %4}
  }
  irdl.operation @deform_conv {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "#builtin.dense_array"
    %8 = irdl.base "#builtin.integer"
    %9 = irdl.base "#builtin.dense_array"
    %10 = irdl.base "#builtin.integer"
    %11 = irdl.base "#builtin.dense_array"
    %12 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %1, w: %2, offset: %3, b: optional %4, mask: optional %5)
    irdl.results(y: %6)
    irdl.attributes {"dilations" = %7, "group" = %8, "kernel_shape" = %9, "offset_group" = %10, "pads" = %11, "strides" = %12}
  }
  irdl.operation @reduce_mean {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_max {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reshape {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"shape" = %3, "allowzero" = %4}
  }
  irdl.operation @transpose {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"perm" = %3}
  }
  irdl.operation @flatten {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(y: %2)
    irdl.attributes {"axis" = %3}
  }
  irdl.operation @squeeze {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"axes" = %3}
  }
  irdl.operation @unsqueeze {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"axes" = %3}
  }
  irdl.operation @concat {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
    irdl.attributes {"axis" = %4}
  }
  irdl.operation @split {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(outputs: variadic %2)
    irdl.attributes {"axis" = %3, "split" = %4}
  }
  irdl.operation @slice {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"starts" = %3, "ends" = %4, "axes" = %5, "steps" = %6}
  }
  irdl.operation @gather {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, indices: %2)
    irdl.results(y: %3)
    irdl.attributes {"axis" = %4}
  }
  irdl.operation @expand {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(y: %2)
    irdl.attributes {"shape" = %3}
  }
  irdl.operation @pad {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.string"
    %5 = irdl.base "#builtin.float"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"pads" = %3, "mode" = %4, "constant_value" = %5}
  }
  irdl.operation @resize {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.string"
    %6 = irdl.base "#builtin.string"
    %7 = irdl.base "#builtin.string"
    %8 = irdl.base "#builtin.float"
    %9 = irdl.base "#builtin.integer"
    %10 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"sizes" = %3, "scales" = %4, "mode" = %5, "coordinate_transformation_mode" = %6, "nearest_mode" = %7, "cubic_coeff_a" = %8, "exclude_outside" = %9, "extrapolation_value" = %10}
  }
  irdl.operation @cast {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.type"
    irdl.operands(input: %1)
    irdl.results(y: %2)
    irdl.attributes {"to" = %3}
  }
  irdl.operation @identity {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(y: %2)
  }
  irdl.operation @shape {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(y: %2)
    irdl.attributes {"start" = %3, "end" = %4}
  }
  irdl.operation @dynamic_reshape {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, shape: %2)
    irdl.results(y: %3)
    irdl.attributes {"allowzero" = %4}
  }
  irdl.operation @dynamic_slice {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    irdl.operands(data: %1, starts: %2, ends: %3, axes: %4, steps: %5)
    irdl.results(y: %6)
  }
  irdl.operation @dynamic_expand {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1, shape: %2)
    irdl.results(y: %3)
  }
  irdl.operation @dynamic_constant_of_shape {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.any
    irdl.operands(shape: %1)
    irdl.results(y: %2)
    irdl.attributes {"value" = %3}
  }
  irdl.operation @range {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    irdl.operands(start: %1, limit: %2, delta: %3)
    irdl.results(y: %4)
  }
  irdl.operation @size {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(data: %1)
    irdl.results(y: %2)
  }
  irdl.operation @gather_elements {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, indices: %2)
    irdl.results(output: %3)
    irdl.attributes {"axis" = %4}
  }
  irdl.operation @constant {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.any
    irdl.results(y: %1)
    irdl.attributes {"value" = %2}
  }
  irdl.operation @constant_of_shape {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "#builtin.dense_array"
    %3 = irdl.any
    irdl.results(y: %1)
    irdl.attributes {"shape" = %2, "value" = %3}
  }
  irdl.operation @equal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @less {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @greater {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @less_or_equal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @greater_or_equal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @and {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @or {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @not {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @where {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    irdl.operands(condition: %1, x: %2, y: %3)
    irdl.results(output: %4)
  }
}
