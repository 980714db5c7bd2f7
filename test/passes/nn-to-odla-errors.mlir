// convert-nn-to-odla refuses what ODLA (or the chosen runtime) cannot express, naming the node
// (with the loop-path fallback off: with it, the first three cases run on the loop path).
// RUN: not strata-opt %s --convert-nn-to-odla{fallback=false} --split-input-file 2>&1 | FileCheck %s
// RUN: not strata-opt %s --convert-nn-to-odla{runtime=tpu} 2>&1 | FileCheck %s --check-prefix=RUNTIME

// RUNTIME: unknown ODLA runtime 'tpu'; available: dnnl, ref

// An nn op without an odla form.
// CHECK: node 'up' (nn.conv_transpose): no conversion to odla
func.func @no_conversion(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %0 = "nn.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> loc("up")
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// Math on integers: the runtime computes in float32 (RuntimeFloat), so the rule does not apply.
// CHECK: node 'int_add' (nn.add): no conversion to odla
func.func @int_add(%a: tensor<2xi64>, %b: tensor<2xi64>) -> tensor<2xi64> {
  %0 = "nn.add"(%a, %b) : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64> loc("int_add")
  return %0 : tensor<2xi64>
}

// -----

// Attribute translation that has no ODLA equivalent.
// CHECK: node 'pool' (nn.max_pool): not expressible in odla: ceil_mode=1 gives tensor<1x1x2x2xf32>; ODLA's pooling gives tensor<1x1x1x1xf32>
func.func @ceil_pool(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %0 = "nn.max_pool"(%x) {ceil_mode = 1 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> loc("pool")
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// ODLA values have static types.
// CHECK: graph input 'x' has type tensor<?x4xf32>: the ODLA path needs static shapes
func.func @dynamic(%x: tensor<?x4xf32> {nn.name = "x"}) -> tensor<?x4xf32> {
  %0 = "nn.relu"(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
