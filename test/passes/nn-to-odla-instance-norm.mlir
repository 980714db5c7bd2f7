// convert-nn-to-odla: the nn ops an ONNX InstanceNormalization imports as (layer norm over the
// spatial axes, then per-channel scale and offset through unsqueezes) become one
// odla.instance_normalization on the runtimes that implement it (both). A layer norm whose mean
// is used elsewhere is not an instance norm.
// RUN: strata-opt %s --convert-nn-to-odla --split-input-file | FileCheck %s
// RUN: strata-opt %s --convert-nn-to-odla{runtime=dnnl} --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @instance_norm
// CHECK:         %[[X:.*]] = "odla.argument"
// CHECK-DAG:     %[[S:.*]] = "odla.constant"() {id = "s"
// CHECK-DAG:     %[[B:.*]] = "odla.constant"() {id = "b"
// CHECK:         %[[Y:.*]] = "odla.instance_normalization"(%[[X]], %[[S]], %[[B]]) {epsilon = 1.000000e-03 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1>
// CHECK-NEXT:    "odla.output"(%[[Y]]) {id = "y"}
// CHECK-NOT:     odla.reduce_mean
func.func @instance_norm(%x: tensor<2x3x4x5xf32> {nn.name = "x"}) -> (tensor<2x3x4x5xf32> {nn.name = "y"}) {
  %ones = "nn.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("inorm")
  %ln:3 = "nn.layer_normalization"(%x, %ones) {axis = 2 : i64, epsilon = 1.0e-3 : f32, stash_type = 1 : i64} : (tensor<2x3x4x5xf32>, tensor<1xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>) loc("inorm")
  %s = "nn.constant"() {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32> loc("s")
  %b = "nn.constant"() {value = dense<[0.5, 0.0, -0.5]> : tensor<3xf32>} : () -> tensor<3xf32> loc("b")
  %su = "nn.unsqueeze"(%s) {axes = array<i64: 1, 2>} : (tensor<3xf32>) -> tensor<3x1x1xf32> loc("inorm")
  %m = "nn.mul"(%ln#0, %su) : (tensor<2x3x4x5xf32>, tensor<3x1x1xf32>) -> tensor<2x3x4x5xf32> loc("inorm")
  %bu = "nn.unsqueeze"(%b) {axes = array<i64: 1, 2>} : (tensor<3xf32>) -> tensor<3x1x1xf32> loc("inorm")
  %y = "nn.add"(%m, %bu) : (tensor<2x3x4x5xf32>, tensor<3x1x1xf32>) -> tensor<2x3x4x5xf32> loc("inorm")
  return %y : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @mean_used
// CHECK-NOT:     odla.instance_normalization
// CHECK:         odla.reduce_mean
func.func @mean_used(%x: tensor<2x3x4xf32> {nn.name = "x"}) -> (tensor<2x3x4xf32> {nn.name = "y"}, tensor<2x3x1xf32> {nn.name = "mean"}) {
  %ones = "nn.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %ln:3 = "nn.layer_normalization"(%x, %ones) {axis = 2 : i64, epsilon = 1.0e-5 : f32, stash_type = 1 : i64} : (tensor<2x3x4xf32>, tensor<1xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  %s = "nn.constant"() {value = dense<2.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %su = "nn.unsqueeze"(%s) {axes = array<i64: 1>} : (tensor<3xf32>) -> tensor<3x1xf32>
  %m = "nn.mul"(%ln#0, %su) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %y = "nn.add"(%m, %su) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %y, %ln#1 : tensor<2x3x4xf32>, tensor<2x3x1xf32>
}
