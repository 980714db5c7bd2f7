func.func @main(%x: tensor<1x8x16x16xf32> {nn.name = "x"}, %w: tensor<16x8x3x3xf32> {nn.name = "w"}, %a: tensor<2x4x8xf32> {nn.name = "a"}, %b: tensor<2x8x5xf32> {nn.name = "b"}) -> (tensor<1x16x14x14xf32> {nn.name = "y"}, tensor<2x4x5xf32> {nn.name = "z"}) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x14x14xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x16x14x14xf32>) -> tensor<1x16x14x14xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x16x16xf32>, tensor<16x8x3x3xf32>) outs(%f : tensor<1x16x14x14xf32>) -> tensor<1x16x14x14xf32>
  %e2 = tensor.empty() : tensor<2x4x5xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  %bm = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x5xf32>) outs(%f2 : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %c, %bm : tensor<1x16x14x14xf32>, tensor<2x4x5xf32>
}
