// strata-cpu-schedule with dynamic dims: the dynamic m dim of a matmul is tiled by the
// register tile (14 rows for the pinned AVX-512 CPU) and the loop peeled, so the main loop's
// tiles are static and vectorised like static shapes; the remainder (< 14 rows) stays a
// plain loop nest. A conv whose only dynamic dim is the batch is tiled per image and gets
// the static (im2col) schedule.
// RUN: strata-opt %s --strata-cpu-schedule="schedule=tiled mcpu=skylake-avx512" | FileCheck %s

// CHECK-LABEL: func.func @rows
// CHECK-NOT: strata.sched
// CHECK: scf.for
// CHECK: vector.outerproduct {{.*}} : vector<14xf32>, vector<32xf32>
// CHECK: scf.for
// CHECK: linalg.matmul {{.*}} tensor<?x64xf32>
func.func @rows(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x64xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x64xf32>) -> tensor<?x64xf32>
  %y = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x64xf32>)
    outs(%f : tensor<?x64xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// CHECK-LABEL: func.func @images
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: scf.for
// CHECK: vector.outerproduct
func.func @images(%x: tensor<?x8x10x10xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<?x16x8x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8x10x10xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x16x8x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<?x8x10x10xf32>, tensor<16x8x3x3xf32>)
    outs(%f : tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
  return %y : tensor<?x16x8x8xf32>
}
