irdl.dialect @odla {
  irdl.operation @argument {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.string"
    irdl.operands(value: %1)
    irdl.results(result: %2)
    irdl.attributes {"id" = %3}
  }
  irdl.operation @constant {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "#builtin.string"
    %3 = irdl.any
    irdl.results(result: %1)
    irdl.attributes {"id" = %2, "value" = %3}
  }
  irdl.operation @output {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.string"
    irdl.operands(value: %1)
    irdl.results(result: %2)
    irdl.attributes {"id" = %3}
  }
  irdl.operation @add {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @sub {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @mul {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @div {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @max {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @min {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @pow {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @abs {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @neg {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @exp {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @log {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @sqrt {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @rsqrt {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @reciprocal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @erf {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @tanh {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @equal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @less {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @greater {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @less_or_equal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @greater_or_equal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
  }
  irdl.operation @not {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @select {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    irdl.operands(condition: %1, a: %2, b: %3)
    irdl.results(result: %4)
  }
  irdl.operation @gemm {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.integer"
    %6 = irdl.base "#builtin.integer"
    %7 = irdl.base "#builtin.float"
    %8 = irdl.base "#builtin.float"
    irdl.operands(a: %1, b: %2, c: optional %3)
    irdl.results(result: %4)
    irdl.attributes {"transpose_a" = %5, "transpose_b" = %6, "alpha" = %7, "beta" = %8}
  }
  irdl.operation @batch_mat_mul {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    %5 = irdl.base "#builtin.integer"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
    irdl.attributes {"lhs_transpose" = %4, "rhs_transpose" = %5}
  }
  irdl.operation @reduce_mean {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"axes" = %3, "keep_dims" = %4}
  }
  irdl.operation @reduce_sum {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"axes" = %3, "keep_dims" = %4}
  }
  irdl.operation @reduce_max {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"axes" = %3, "keep_dims" = %4}
  }
  irdl.operation @relu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @sigmoid {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(input: %1)
    irdl.results(result: %2)
  }
  irdl.operation @gelu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"use_approx" = %3}
  }
  irdl.operation @leaky_relu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"alpha" = %3}
  }
  irdl.operation @hard_sigmoid {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    %4 = irdl.base "#builtin.float"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"alpha" = %3, "beta" = %4}
  }
  irdl.operation @clamp {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.float"
    %4 = irdl.base "#builtin.float"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"lo" = %3, "hi" = %4}
  }
  irdl.operation @softmax {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"axis" = %3}
  }
  irdl.operation @log_softmax {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.integer"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"axis" = %3}
  }
  irdl.operation @conv {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.string"
    %6 = irdl.base "#builtin.string"
    %7 = irdl.base "#builtin.integer"
    %8 = irdl.base "#builtin.dense_array"
    %9 = irdl.base "#builtin.dense_array"
    %10 = irdl.base "#builtin.dense_array"
    %11 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1, kernel: %2, bias: optional %3)
    irdl.results(result: %4)
    irdl.attributes {"input_layout" = %5, "kernel_layout" = %6, "group" = %7, "strides" = %8, "dilations" = %9, "paddings_front" = %10, "paddings_back" = %11}
  }
  irdl.operation @max_pool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.string"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"input_layout" = %3, "window_dims" = %4, "strides" = %5, "paddings_front" = %6, "paddings_back" = %7}
  }
  irdl.operation @average_pool {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.string"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"input_layout" = %3, "window_dims" = %4, "strides" = %5, "paddings_front" = %6, "paddings_back" = %7}
  }
  irdl.operation @batch_normalization {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "!builtin.tensor"
    %6 = irdl.base "!builtin.tensor"
    %7 = irdl.base "#builtin.string"
    %8 = irdl.base "#builtin.float"
    %9 = irdl.base "#builtin.float"
    %10 = irdl.base "#builtin.float"
    irdl.operands(input: %1, mean: %2, var: %3, scale: optional %4, offset: optional %5)
    irdl.results(result: %6)
    irdl.attributes {"input_layout" = %7, "epsilon" = %8, "scalar_scale" = %9, "scalar_offset" = %10}
  }
  irdl.operation @instance_normalization {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.string"
    %6 = irdl.base "#builtin.float"
    %7 = irdl.base "#builtin.float"
    %8 = irdl.base "#builtin.float"
    irdl.operands(input: %1, scale: optional %2, offset: optional %3)
    irdl.results(result: %4)
    irdl.attributes {"input_layout" = %5, "epsilon" = %6, "scalar_scale" = %7, "scalar_offset" = %8}
  }
  irdl.operation @reshape {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"output_dims" = %3}
  }
  irdl.operation @transpose {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"permutations" = %3}
  }
  irdl.operation @concat {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(lhs: %1, rhs: %2)
    irdl.results(result: %3)
    irdl.attributes {"axis" = %4}
  }
  irdl.operation @gather {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "#builtin.integer"
    irdl.operands(input: %1, indices: %2)
    irdl.results(result: %3)
    irdl.attributes {"axis" = %4}
  }
  irdl.operation @slice {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.dense_array"
    %4 = irdl.base "#builtin.dense_array"
    %5 = irdl.base "#builtin.dense_array"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"start" = %3, "end" = %4, "stride" = %5}
  }
  irdl.operation @cast {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "#builtin.type"
    irdl.operands(input: %1)
    irdl.results(result: %2)
    irdl.attributes {"target_type" = %3}
  }
}
