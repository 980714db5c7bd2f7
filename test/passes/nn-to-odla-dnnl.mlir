// convert-nn-to-odla{runtime=dnnl}: the nn ops whose odla form uses an op libodla_dnnl lacks
// (targets/odla/runtimes.py: pow, erf, the comparisons, not, select) move to the loop path
// with the ops that have no odla form; the rest call the runtime. Without the fallback, the
// missing op is an error naming the node.
// RUN: strata-opt %s --convert-nn-to-odla{runtime=dnnl} --split-input-file | FileCheck %s
// RUN: not strata-opt %s '--convert-nn-to-odla{runtime=dnnl fallback=false}' --split-input-file 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: strata-opt %s --convert-nn-to-odla{runtime=ref} --split-input-file | FileCheck %s --check-prefix=REF

// CHECK-LABEL: func.func @mixed
// CHECK:         %[[X:.*]] = "odla.argument"
// CHECK:         %[[R:.*]] = "odla.relu"(%[[X]])
// CHECK:         %[[P:.*]] = call @odla_fallback_0(%[[R]], %{{.*}}) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// CHECK:         %[[E:.*]] = call @odla_fallback_1(%[[P]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK:         "odla.add"(%[[E]], %[[X]])
// CHECK:         call @odla_fallback_2(%{{.*}}, %{{.*}}) : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
// CHECK-NOT:     "nn.
// CHECK-LABEL: func.func private @odla_fallback_0
// CHECK-SAME:    attributes {odla.fallback_node = "square"}
// CHECK:         "nn.pow"(%arg0, %arg1)
// CHECK-LABEL: func.func private @odla_fallback_1
// CHECK-SAME:    attributes {odla.fallback_node = "erf"}
// CHECK:         "nn.erf"(%arg0)
// CHECK-LABEL: func.func private @odla_fallback_2
// CHECK-SAME:    attributes {odla.fallback_node = "up"}
// CHECK:         "nn.conv_transpose"
// ERR: node 'square' (odla.pow): the ODLA runtime 'dnnl' does not implement odla_Pow
// ERR: node 'erf' (odla.erf): the ODLA runtime 'dnnl' does not implement odla_Erf
// REF-LABEL: func.func @mixed
// REF:         "odla.pow"
// REF:         "odla.erf"
// REF:         call @odla_fallback_0
// REF-NOT:     call @odla_fallback_1
func.func @mixed(%x: tensor<4xf32> {nn.name = "x"}, %u: tensor<1x1x2x2xf32> {nn.name = "u"}) -> (tensor<4xf32>, tensor<1x1x3x3xf32>) {
  %two = "nn.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %w = "nn.constant"() {value = dense<0.5> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %0 = "nn.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32> loc("relu")
  %1 = "nn.pow"(%0, %two) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("square")
  %2 = "nn.erf"(%1) : (tensor<4xf32>) -> tensor<4xf32> loc("erf")
  %3 = "nn.add"(%2, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("add")
  %4 = "nn.conv_transpose"(%u, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> loc("up")
  return %3, %4 : tensor<4xf32>, tensor<1x1x3x3xf32>
}
