irdl.dialect @nn {
  irdl.type @string {
    irdl.parameters()
  }
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
  irdl.operation @reduce_max {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_min {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_mean {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_prod {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_l1 {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_l2 {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_log_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_log_sum_exp {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @reduce_sum_square {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axes" = %3, "keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_max {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_min {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_mean {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_prod {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_l1 {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_l2 {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_log_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_log_sum_exp {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @dynamic_reduce_sum_square {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, axes: optional %2)
    irdl.results(reduced: %3)
    irdl.attributes {"keepdims" = %4, "noop_with_empty_axes" = %5}
  }
  irdl.operation @arg_max {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axis" = %3, "keepdims" = %4, "select_last_index" = %5}
  }
  irdl.operation @arg_min {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(data: %1)
    irdl.results(reduced: %2)
    irdl.attributes {"axis" = %3, "keepdims" = %4, "select_last_index" = %5}
  }
  irdl.operation @hardmax {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"axis" = %3}
  }
  irdl.operation @lp_normalization {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"axis" = %3, "p" = %4}
  }
  irdl.operation @det {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @einsum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.string"
    irdl.operands(a: %1, b: optional %2)
    irdl.results(output: %3)
    irdl.attributes {"equation" = %4}
  }
  irdl.operation @top_k {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(values: %2, indices: %3)
    irdl.attributes {"k" = %4, "axis" = %5, "largest" = %6, "sorted" = %7}
  }
  irdl.operation @dynamic_top_k {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, k: %2)
    irdl.results(values: %3, indices: %4)
    irdl.attributes {"axis" = %5, "largest" = %6, "sorted" = %7}
  }
  irdl.operation @cum_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"axis" = %3, "exclusive" = %4, "reverse" = %5}
  }
  irdl.operation @cum_prod {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"axis" = %3, "exclusive" = %4, "reverse" = %5}
  }
  irdl.operation @dynamic_cum_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, axis: %2)
    irdl.results(y: %3)
    irdl.attributes {"exclusive" = %4, "reverse" = %5}
  }
  irdl.operation @dynamic_cum_prod {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, axis: %2)
    irdl.results(y: %3)
    irdl.attributes {"exclusive" = %4, "reverse" = %5}
  }
  irdl.operation @non_zero {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @compress {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1, condition: %2)
    irdl.results(output: %3)
    irdl.attributes {"axis" = %4}
  }
  irdl.operation @unique {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2, indices: %3, inverse_indices: %4, counts: %5)
    irdl.attributes {"axis" = %6, "sorted" = %7}
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
    %11 = irdl.base "#builtin.integer"
    %12 = irdl.base "#builtin.dense_array"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"sizes" = %3, "scales" = %4, "mode" = %5, "coordinate_transformation_mode" = %6, "nearest_mode" = %7, "cubic_coeff_a" = %8, "exclude_outside" = %9, "extrapolation_value" = %10, "antialias" = %11, "roi" = %12}
  }
  irdl.operation @cast {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.type"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.string"
    irdl.operands(input: %1)
    irdl.results(y: %2)
    irdl.attributes {"to" = %3, "saturate" = %4, "round_mode" = %5}
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
  irdl.operation @dynamic_squeeze {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(data: %1, axes: %2)
    irdl.results(y: %3)
  }
  irdl.operation @dynamic_unsqueeze {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(data: %1, axes: %2)
    irdl.results(y: %3)
  }
  irdl.operation @dynamic_pad {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "#builtin.string"
    irdl.operands(data: %1, pads: %2, constant_value: optional %3, axes: optional %4)
    irdl.results(output: %5)
    irdl.attributes {"mode" = %6}
  }
  irdl.operation @dynamic_split {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1, split: %2)
    irdl.results(outputs: variadic %3)
    irdl.attributes {"axis" = %4}
  }
  irdl.operation @dynamic_resize {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.dense_array"
    %8 = irdl.base "#builtin.string"
    %9 = irdl.base "#builtin.float"
    %10 = irdl.base "#builtin.integer"
    %11 = irdl.base "#builtin.float"
    %12 = irdl.base "#builtin.string"
    %13 = irdl.base "#builtin.string"
    %14 = irdl.base "#builtin.string"
    irdl.operands(x: %1, roi: optional %2, scales: optional %3, sizes: optional %4)
    irdl.results(y: %5)
    irdl.attributes {"antialias" = %6, "axes" = %7, "coordinate_transformation_mode" = %8, "cubic_coeff_a" = %9, "exclude_outside" = %10, "extrapolation_value" = %11, "keep_aspect_ratio_policy" = %12, "mode" = %13, "nearest_mode" = %14}
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
  irdl.operation @gather_nd {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, indices: %2)
    irdl.results(output: %3)
    irdl.attributes {"batch_dims" = %4}
  }
  irdl.operation @scatter_elements {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.string"
    irdl.operands(data: %1, indices: %2, updates: %3)
    irdl.results(output: %4)
    irdl.attributes {"axis" = %5, "reduction" = %6}
  }
  irdl.operation @scatter_nd {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.string"
    irdl.operands(data: %1, indices: %2, updates: %3)
    irdl.results(output: %4)
    irdl.attributes {"reduction" = %5}
  }
  irdl.operation @tensor_scatter {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.string"
    irdl.operands(past_cache: %1, update: %2, write_indices: optional %3)
    irdl.results(present_cache: %4)
    irdl.attributes {"axis" = %5, "mode" = %6}
  }
  irdl.operation @one_hot {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(indices: %1, values: %2)
    irdl.results(output: %3)
    irdl.attributes {"depth" = %4, "axis" = %5}
  }
  irdl.operation @dynamic_one_hot {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(indices: %1, depth: %2, values: %3)
    irdl.results(output: %4)
    irdl.attributes {"axis" = %5}
  }
  irdl.operation @tile {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"repeats" = %3}
  }
  irdl.operation @dynamic_tile {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1, repeats: %2)
    irdl.results(output: %3)
  }
  irdl.operation @depth_to_space {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.string"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"blocksize" = %3, "mode" = %4}
  }
  irdl.operation @space_to_depth {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.string"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"blocksize" = %3, "mode" = %4}
  }
  irdl.operation @reverse_sequence {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(input: %1, sequence_lens: %2)
    irdl.results(y: %3)
    irdl.attributes {"batch_axis" = %4, "time_axis" = %5}
  }
  irdl.operation @trilu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1, k: optional %2)
    irdl.results(output: %3)
    irdl.attributes {"upper" = %4}
  }
  irdl.operation @eye_like {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.type"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"k" = %3, "dtype" = %4}
  }
  irdl.operation @center_crop_pad {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.dense_array"
    irdl.operands(input_data: %1, shape: %2)
    irdl.results(output_data: %3)
    irdl.attributes {"axes" = %4}
  }
  irdl.operation @rnn {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "!builtin.tensor"
    %8 = irdl.base "!builtin.tensor"
    %9 = irdl.base "#builtin.dense_array"
    %10 = irdl.base "#builtin.dense_array"
    %11 = irdl.base "#builtin.array"
    %12 = irdl.base "#builtin.float"
    %13 = irdl.base "#builtin.string"
    %14 = irdl.base "#builtin.integer"
    %15 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, w: %2, r: %3, b: optional %4, sequence_lens: optional %5, initial_h: optional %6)
    irdl.results(y: %7, y_h: %8)
    irdl.attributes {"activation_alpha" = %9, "activation_beta" = %10, "activations" = %11, "clip" = %12, "direction" = %13, "hidden_size" = %14, "layout" = %15}
  }
  irdl.operation @gru {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "!builtin.tensor"
    %8 = irdl.base "!builtin.tensor"
    %9 = irdl.base "#builtin.dense_array"
    %10 = irdl.base "#builtin.dense_array"
    %11 = irdl.base "#builtin.array"
    %12 = irdl.base "#builtin.float"
    %13 = irdl.base "#builtin.string"
    %14 = irdl.base "#builtin.integer"
    %15 = irdl.base "#builtin.integer"
    %16 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, w: %2, r: %3, b: optional %4, sequence_lens: optional %5, initial_h: optional %6)
    irdl.results(y: %7, y_h: %8)
    irdl.attributes {"activation_alpha" = %9, "activation_beta" = %10, "activations" = %11, "clip" = %12, "direction" = %13, "hidden_size" = %14, "layout" = %15, "linear_before_reset" = %16}
  }
  irdl.operation @lstm {
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
    %12 = irdl.base "#builtin.dense_array"
    %13 = irdl.base "#builtin.dense_array"
    %14 = irdl.base "#builtin.array"
    %15 = irdl.base "#builtin.float"
    %16 = irdl.base "#builtin.string"
    %17 = irdl.base "#builtin.integer"
    %18 = irdl.base "#builtin.integer"
    %19 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, w: %2, r: %3, b: optional %4, sequence_lens: optional %5, initial_h: optional %6, initial_c: optional %7, p: optional %8)
    irdl.results(y: %9, y_h: %10, y_c: %11)
    irdl.attributes {"activation_alpha" = %12, "activation_beta" = %13, "activations" = %14, "clip" = %15, "direction" = %16, "hidden_size" = %17, "input_forget" = %18, "layout" = %19}
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
  irdl.operation @cos {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @sin {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @tan {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @acos {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @asin {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @atan {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @cosh {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @sinh {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @acosh {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @asinh {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @atanh {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @ceil {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @floor {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @round {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @sign {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @is_inf {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"detect_negative" = %3, "detect_positive" = %4}
  }
  irdl.operation @mod {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
    irdl.attributes {"fmod" = %4}
  }
  irdl.operation @clip {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1, min: optional %2, max: optional %3)
    irdl.results(y: %4)
  }
  irdl.operation @elu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"alpha" = %3}
  }
  irdl.operation @celu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"alpha" = %3}
  }
  irdl.operation @selu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    %4 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"alpha" = %3, "gamma" = %4}
  }
  irdl.operation @softplus {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @softsign {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @thresholded_relu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"alpha" = %3}
  }
  irdl.operation @hard_swish {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @mish {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @swish {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"alpha" = %3}
  }
  irdl.operation @shrink {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    %4 = irdl.base "#builtin.float"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"bias" = %3, "lambd" = %4}
  }
  irdl.operation @prelu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1, slope: %2)
    irdl.results(y: %3)
  }
  irdl.operation @bit_shift {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.string"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
    irdl.attributes {"direction" = %4}
  }
  irdl.operation @bitwise_and {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @bitwise_or {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @bitwise_xor {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @bitwise_not {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @xor {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @dft {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"dft_length" = %3, "axis" = %4, "inverse" = %5, "onesided" = %6}
  }
  irdl.operation @dynamic_dft {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.integer"
    irdl.operands(input: %1, axis: optional %2)
    irdl.results(output: %3)
    irdl.attributes {"dft_length" = %4, "inverse" = %5, "onesided" = %6}
  }
  irdl.operation @non_max_suppression {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "#builtin.integer"
    irdl.operands(boxes: %1, scores: %2, max_output_boxes_per_class: optional %3, iou_threshold: optional %4, score_threshold: optional %5)
    irdl.results(selected_indices: %6)
    irdl.attributes {"center_point_box" = %7}
  }
  irdl.operation @stft {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "#builtin.integer"
    irdl.operands(signal: %1, frame_step: %2, window: optional %3, frame_length: optional %4)
    irdl.results(output: %5)
    irdl.attributes {"onesided" = %6}
  }
  irdl.operation @training_dropout {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "#builtin.integer"
    irdl.operands(data: %1, ratio: optional %2, training_mode: optional %3)
    irdl.results(output: %4, mask: %5)
    irdl.attributes {"seed" = %6}
  }
  irdl.operation @bit_cast {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.type"
    irdl.operands(input: %1)
    irdl.results(output: %2)
    irdl.attributes {"to" = %3}
  }
  irdl.operation @string_concat {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1, y: %2)
    irdl.results(z: %3)
  }
  irdl.operation @string_normalizer {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.string"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.array"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"case_change_action" = %3, "is_case_sensitive" = %4, "stopwords" = %5}
  }
  irdl.operation @string_split {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.string"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(x: %1)
    irdl.results(y: %2, z: %3)
    irdl.attributes {"delimiter" = %4, "maxsplit" = %5}
  }
  irdl.operation @regex_full_match {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.string"
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"pattern" = %3}
  }
  irdl.operation @label_encoder {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.array"
    %4 = irdl.any
    %5 = irdl.any
    irdl.operands(x: %1)
    irdl.results(y: %2)
    irdl.attributes {"keys" = %3, "values" = %4, "default" = %5}
  }
  irdl.operation @string_constant {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "#builtin.array"
    %3 = irdl.base "#builtin.dense_array"
    irdl.results(output: %1)
    irdl.attributes {"values" = %2, "shape" = %3}
  }
  irdl.operation @quantize_linear {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.integer"
    %8 = irdl.base "#builtin.type"
    %9 = irdl.base "#builtin.type"
    irdl.operands(x: %1, y_scale: %2, y_zero_point: optional %3)
    irdl.results(y: %4)
    irdl.attributes {"axis" = %5, "block_size" = %6, "saturate" = %7, "output_dtype" = %8, "precision" = %9}
  }
  irdl.operation @dequantize_linear {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.type"
    irdl.operands(x: %1, x_scale: %2, x_zero_point: optional %3)
    irdl.results(y: %4)
    irdl.attributes {"axis" = %5, "block_size" = %6, "output_dtype" = %7}
  }
}
