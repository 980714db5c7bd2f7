// A dense layer with a tanh in linalg on tensors: y = tanh(x @ W + b), W and b as weights;
// the ops carry ONNX-style node locations (fc, and the fused bias_add + act).
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
func.func @main(%x: tensor<2x4xf32> {nn.name = "input:0"}) -> (tensor<2x3xf32> {nn.name = "y"}) {
  %w = arith.constant dense_resource<W> : tensor<4x3xf32>
  %b = arith.constant dense_resource<b> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc")
  %m = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc")
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %t = math.tanh %s : f32
    linalg.yield %t : f32
  } -> tensor<2x3xf32> loc(fused["bias_add", "act"])
  return %r : tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      W: "0x040000000000803F00000000000080BF000000400000803F00000000000000000000803F0000803F000080BF0000000000000040",
      b: "0x040000000000003F000080BF00000000"
    }
  }
#-}
