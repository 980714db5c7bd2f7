func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "nn.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32> loc("relu")
  return %0 : tensor<4xf32>
}
