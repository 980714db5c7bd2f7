// tanh over a tensor whose first dim is known only at run time (node "act").
#id = affine_map<(i, j) -> (i, j)>
func.func @main(%x: tensor<?x4xf32> {nn.name = "x"}) -> (tensor<?x4xf32> {nn.name = "y"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = math.tanh %a : f32
    linalg.yield %t : f32
  } -> tensor<?x4xf32> loc("act")
  return %r : tensor<?x4xf32>
}
