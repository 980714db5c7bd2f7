// Inputs/mlp.mlir with a dynamic batch dim: y = relu(x @ W + b), W and b as weights.
// W = [[1,0,-1],[2,1,0],[0,1,1],[-1,0,2]], b = [0.5,-1,0]  (Inputs of mlp-c-program.mlir)
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (j)>
func.func @main(%x: tensor<?x4xf32> {nn.name = "input:0"}) -> (tensor<?x3xf32> {nn.name = "y"}) {
  %w = arith.constant dense_resource<W> : tensor<4x3xf32>
  %b = arith.constant dense_resource<b> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x3xf32>) outs(%f : tensor<?x3xf32>) -> tensor<?x3xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<?x3xf32>, tensor<3xf32>) outs(%e : tensor<?x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %t = arith.maximumf %s, %zero : f32
    linalg.yield %t : f32
  } -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      W: "0x040000000000803F00000000000080BF000000400000803F00000000000000000000803F0000803F000080BF0000000000000040",
      b: "0x040000000000003F000080BF00000000"
    }
  }
#-}
