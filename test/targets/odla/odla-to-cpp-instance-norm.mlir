// odla.instance_normalization prints as ODLA's odla_InstanceNormalization(input, layout,
// epsilon, scale, offset, scalar_scale, scalar_offset, id); an absent scale or offset is NULL
// (the graph name 's' is the helper's status variable: the weight's variable is s_1).
// RUN: strata-translate --odla-to-cpp %s --entry-func-name inorm | FileCheck %s

// CHECK:      odla_value y = odla_InstanceNormalization(x, ODLA_CHANNELS_FIRST, 0.0010000000474974513f, s_1, b, 1.0f, 0.0f, (odla_value_id)"y");
// CHECK:      odla_value y2 = odla_InstanceNormalization(x, ODLA_CHANNELS_FIRST, 9.999999747378752e-06f, nullptr, nullptr, 2.0f, 0.5f, (odla_value_id)"y2");

func.func @main(%arg0: tensor<2x3x4xf32> {nn.name = "x"}) -> (tensor<2x3x4xf32> {nn.name = "y"}, tensor<2x3x4xf32> {nn.name = "y2"}) {
  %x = "odla.argument"(%arg0) {id = "x"} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %s = "odla.constant"() {id = "s", value = dense<2.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %b = "odla.constant"() {id = "b", value = dense<0.5> : tensor<3xf32>} : () -> tensor<3xf32>
  %n = "odla.instance_normalization"(%x, %s, %b) {epsilon = 1.0e-3 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 1, 1>, scalar_offset = 0.0 : f32, scalar_scale = 1.0 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32> loc("n")
  %n2 = "odla.instance_normalization"(%x) {epsilon = 1.0e-5 : f32, input_layout = "channels_first", operandSegmentSizes = array<i32: 1, 0, 0>, scalar_offset = 0.5 : f32, scalar_scale = 2.0 : f32} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("n2")
  %y = "odla.output"(%n) {id = "y"} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %y2 = "odla.output"(%n2) {id = "y2"} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %y, %y2 : tensor<2x3x4xf32>, tensor<2x3x4xf32>
}
