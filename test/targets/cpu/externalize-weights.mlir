// dense_resource constants become entry arguments after the graph inputs, in first-use order,
// marked {nn.weight = KEY}; one argument per blob; dense<...> constants stay in the code.
// RUN: strata-opt %s --strata-externalize-weights | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32> {nn.name = "x"}, %[[W:.*]]: tensor<2x3xf32> {nn.weight = "w0"}, %[[B:.*]]: tensor<3xf32> {nn.weight = "b.0"})
// CHECK-NOT:     dense_resource
// CHECK:         %[[S:.*]] = "nn.add"(%[[X]], %[[W]])
// CHECK:         %[[T:.*]] = "nn.add"(%[[S]], %[[W]])
// CHECK:         %[[C:.*]] = "nn.constant"() {value = dense<1.000000e+00> : tensor<3xf32>}
// CHECK:         "nn.add"(%[[T]], %[[B]])
func.func @main(%x: tensor<2x3xf32> {nn.name = "x"}) -> (tensor<2x3xf32> {nn.name = "y"}) {
  %w = "nn.constant"() {value = dense_resource<w0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %w2 = "nn.constant"() {value = dense_resource<w0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %s = "nn.add"(%x, %w) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = "nn.add"(%s, %w2) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = "nn.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %b = "nn.constant"() {value = dense_resource<"b.0"> : tensor<3xf32>} : () -> tensor<3xf32>
  %u = "nn.add"(%t, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %v = "nn.add"(%u, %c) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %v : tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w0: "0x04000000000000000000803F0000004000004040000080400000A040",
      "b.0": "0x040000000000803F0000803F0000803F"
    }
  }
#-}
