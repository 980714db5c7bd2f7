// convert-nn-to-odla on small graphs: arguments and outputs are bound by graph name, nn ops
// become odla op calls with ODLA's attribute spellings.
// RUN: strata-opt %s --convert-nn-to-odla --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @mlp
// CHECK-SAME:    (%[[X:.*]]: tensor<2x8xf32> {nn.name = "x"})
// CHECK:         %[[A:.*]] = "odla.argument"(%[[X]]) {id = "x"}
// CHECK:         %[[W:.*]] = "odla.constant"() {id = "fc.weight", value = dense_resource<fc.weight> : tensor<8x4xf32>}
// CHECK:         %[[MM:.*]] = "odla.gemm"(%[[A]], %[[W]]) {alpha = 1.000000e+00 : f32, beta = 0.000000e+00 : f32, transpose_a = 0 : i64, transpose_b = 0 : i64}
// CHECK:         %[[B:.*]] = "odla.constant"() {id = "fc.bias", value = dense<5.000000e-01> : tensor<4xf32>}
// CHECK:         %[[ADD:.*]] = "odla.add"(%[[MM]], %[[B]])
// CHECK:         %[[R:.*]] = "odla.relu"(%[[ADD]])
// CHECK:         %[[S:.*]] = "odla.softmax"(%[[R]]) {axis = -1 : i64}
// CHECK:         %[[Y:.*]] = "odla.output"(%[[S]]) {id = "y"}
// CHECK:         return %[[Y]]
func.func @mlp(%x: tensor<2x8xf32> {nn.name = "x"}) -> (tensor<2x4xf32> {nn.name = "y"}) {
  %w = "nn.constant"() {value = dense_resource<fc.weight> : tensor<8x4xf32>} : () -> tensor<8x4xf32>
  %0 = "nn.mat_mul"(%x, %w) : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %b = "nn.constant"() {value = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32> loc("fc.bias")
  %1 = "nn.add"(%0, %b) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = "nn.relu"(%1) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = "nn.softmax"(%2) {axis = -1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc.weight: "0x04000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    }
  }
#-}

// -----

// A ResNet-style block: ONNX pads split into front / back paddings, kernel_shape becomes the
// window, BN's operands are reordered (input, mean, var, scale, offset), the global pool is
// an average pool over the whole plane, flatten a reshape with explicit dims.
// CHECK-LABEL: func.func @block
// CHECK:         %[[C:.*]] = "odla.conv"(%{{.*}}, %{{.*}}, %{{.*}}) {dilations = array<i64: 1, 1>, group = 1 : i64, input_layout = "channels_first", kernel_layout = "ois", paddings_back = array<i64: 1, 1>, paddings_front = array<i64: 1, 0>, strides = array<i64: 1, 1>}
// CHECK-SAME:      -> tensor<1x4x8x8xf32>
// CHECK:         %[[BN:.*]] = "odla.batch_normalization"(%[[C]], %[[MEAN:.*]], %[[VAR:.*]], %[[SCALE:.*]], %[[BIAS:.*]]) {epsilon = 9.99999974E-6 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>
// CHECK:         "odla.clamp"(%[[BN]]) {hi = 6.000000e+00 : f32, lo = 0.000000e+00 : f32}
// CHECK:         "odla.max_pool"(%{{.*}}) {input_layout = "channels_first", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 2, 2>, window_dims = array<i64: 2, 2>}
// CHECK:         "odla.average_pool"(%{{.*}}) {input_layout = "channels_first", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 1, 1>, window_dims = array<i64: 4, 4>}
// CHECK:         "odla.reshape"(%{{.*}}) {output_dims = array<i64: 1, 4>}
func.func @block(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x2xf32>, %b: tensor<4xf32>, %s: tensor<4xf32>, %o: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4xf32> {
  %0 = "nn.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>, pads = array<i64: 1, 0, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = "nn.batch_normalization"(%0, %s, %o, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %lo = "nn.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %hi = "nn.constant"() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
  %2 = "nn.clip"(%1, %lo, %hi) {operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<f32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %3 = "nn.max_pool"(%2) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %4 = "nn.global_average_pool"(%3) : (tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32>
  %5 = "nn.flatten"(%4) {axis = 1 : i64} : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  return %5 : tensor<1x4xf32>
}

// -----

// Attention-style ops: batched matmul, transpose's perm as permutations, slice bounds made
// explicit for every dim, reduce axes explicit, layer norm decomposed (ODLA has none).
// CHECK-LABEL: func.func @attention
// CHECK:         "odla.batch_mat_mul"(%{{.*}}, %{{.*}}) {lhs_transpose = 0 : i64, rhs_transpose = 0 : i64} : (tensor<2x3x4xf32>, tensor<2x4x3xf32>) -> tensor<2x3x3xf32>
// CHECK:         "odla.transpose"(%{{.*}}) {permutations = array<i64: 0, 2, 1>}
// CHECK:         "odla.slice"(%{{.*}}) {end = array<i64: 2, 3, 3>, start = array<i64: 0, 0, 1>, stride = array<i64: 1, 1, 1>}
// CHECK:         "odla.reduce_mean"(%{{.*}}) {axes = array<i64: 2>, keep_dims = 1 : i64}
// CHECK:         "odla.sub"
// CHECK:         "odla.rsqrt"
// CHECK:         "odla.gelu"(%{{.*}}) {use_approx = 0 : i64}
func.func @attention(%q: tensor<2x3x4xf32>, %k: tensor<2x4x3xf32>, %g: tensor<2xf32>) -> tensor<2x3x2xf32> {
  %0 = "nn.mat_mul"(%q, %k) : (tensor<2x3x4xf32>, tensor<2x4x3xf32>) -> tensor<2x3x3xf32>
  %1 = "nn.transpose"(%0) {perm = array<i64: 0, 2, 1>} : (tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %2 = "nn.slice"(%1) {starts = array<i64: 1>, ends = array<i64: 9223372036854775807>, axes = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x3x3xf32>) -> tensor<2x3x2xf32>
  %3:3 = "nn.layer_normalization"(%2, %g) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32, stash_type = 1 : i64} : (tensor<2x3x2xf32>, tensor<2xf32>) -> (tensor<2x3x2xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  %4 = "nn.gelu"(%3#0) {approximate = "none"} : (tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %4 : tensor<2x3x2xf32>
}

// -----

// IsNaN as BERT's exporter writes it (x == x, not), Where as select, Split as slices.
// CHECK-LABEL: func.func @select_split
// CHECK:         %[[EQ:.*]] = "odla.equal"(%[[X:.*]], %[[X]])
// CHECK:         %[[NOT:.*]] = "odla.not"(%[[EQ]])
// CHECK:         "odla.select"(%[[NOT]], %{{.*}}, %[[X]])
// CHECK:         "odla.slice"(%{{.*}}) {end = array<i64: 2, 2>, start = array<i64: 0, 0>, stride = array<i64: 1, 1>}
// CHECK:         "odla.slice"(%{{.*}}) {end = array<i64: 2, 4>, start = array<i64: 0, 2>, stride = array<i64: 1, 1>}
func.func @select_split(%x: tensor<2x4xf32>, %z: tensor<f32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %0 = "nn.equal"(%x, %x) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xi1>
  %1 = "nn.not"(%0) : (tensor<2x4xi1>) -> tensor<2x4xi1>
  %2 = "nn.where"(%1, %z, %x) : (tensor<2x4xi1>, tensor<f32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %3:2 = "nn.split"(%2) {axis = 1 : i64, split = array<i64: 2, 2>} : (tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  return %3#0, %3#1 : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// An op without an odla form stays on the loop path: it moves into a private function of
// its own (compiled by the CPU target) and the computation calls it.
// CHECK-LABEL: func.func @fallback
// CHECK:         %[[X:.*]] = "odla.argument"
// CHECK:         %[[UP:.*]] = call @odla_fallback_0(%[[X]], %{{.*}}) : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
// CHECK:         "odla.relu"(%[[UP]])
// CHECK:         call @odla_fallback_1(%{{.*}}, %{{.*}}) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
// CHECK-LABEL: func.func private @odla_fallback_0
// CHECK-SAME:    attributes {odla.fallback_node = "up"}
// CHECK:         %[[Y:.*]] = "nn.conv_transpose"(%arg0, %arg1)
// CHECK:         return %[[Y]]
// Integer math: the reference runtime computes in float32 (the RuntimeFloat constraint).
// CHECK-LABEL: func.func private @odla_fallback_1
// CHECK-SAME:    attributes {odla.fallback_node = "int_add"}
// CHECK:         "nn.add"(%arg0, %arg1) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
func.func @fallback(%x: tensor<1x1x2x2xf32>, %i: tensor<3xi64>) -> (tensor<1x1x3x3xf32>, tensor<3xi64>) {
  %w = "nn.constant"() {value = dense<0.5> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %0 = "nn.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> loc("up")
  %1 = "nn.relu"(%0) : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %2 = "nn.add"(%i, %i) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64> loc("int_add")
  return %1, %2 : tensor<1x1x3x3xf32>, tensor<3xi64>
}

// -----

// An op with several results and no odla form moves to the loop path as a whole: its function
// returns every result (odla-to-cpp packs them, test/targets/odla/odla-to-cpp-fallback.mlir).
// CHECK-LABEL: func.func @several_results
// CHECK:         %[[R:.*]] = "odla.relu"
// CHECK:         %[[T:.*]]:2 = call @odla_fallback_0(%[[R]]) : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK:         "odla.output"(%[[T]]#0)
// CHECK:         "odla.output"(%[[T]]#1)
// CHECK-LABEL: func.func private @odla_fallback_0
// CHECK-SAME:    attributes {odla.fallback_node = "top2"}
// CHECK:         %[[V:.*]]:2 = "nn.top_k"(%arg0)
// CHECK:         return %[[V]]#0, %[[V]]#1
func.func @several_results(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %r = "nn.relu"(%x) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %0:2 = "nn.top_k"(%r) {axis = -1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) loc("top2")
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}
