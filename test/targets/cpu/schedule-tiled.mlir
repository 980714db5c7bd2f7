// strata-cpu-schedule: conv (im2col) and batch_matmul become register-tiled vector code;
// remainders (14*14 = 196 = 6*32 + 4 columns) get their own static tiles. The register tile
// follows the target CPU (pinned here): at most 14 x 32 for AVX-512, 6 x 16 for AVX2.
// RUN: strata-opt %S/Inputs/contractions.mlir --strata-cpu-schedule="schedule=tiled mcpu=skylake-avx512" \
// RUN:   | FileCheck %s
// RUN: strata-opt %s --strata-cpu-schedule="schedule=tiled num-threads=2 mcpu=skylake-avx512" \
// RUN:   | FileCheck %s --check-prefix=PAR
// RUN: strata-opt %s --strata-cpu-schedule="schedule=tiled num-threads=2 mcpu=haswell" \
// RUN:   | FileCheck %s --check-prefix=AVX2
// RUN: strata-opt %S/Inputs/contractions.mlir --strata-cpu-schedule="schedule=none" \
// RUN:   | FileCheck %s --check-prefix=NONE
// RUN: not strata-opt %S/Inputs/contractions.mlir --strata-cpu-schedule="schedule=fastest" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: func.func @main
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.batch_matmul
// CHECK-NOT: scf.forall
// CHECK: scf.for
// CHECK: vector.outerproduct {{.*}} : vector<32xf32>, f32
// CHECK: vector.outerproduct {{.*}} : vector<4xf32>, f32
// CHECK-NOT: strata.sched

// Threads: contractions of >= 4 MFLOP get an scf.forall over register tiles (-> OpenMP).
// 128 rows take the largest row tile dividing them (no remainder kernel): 8 of at most 14
// (AVX-512), 4 of at most 6 (AVX2).
// PAR-LABEL: func.func @big
// PAR: scf.forall ({{.*}}) in (16, 4)
// PAR: vector.outerproduct {{.*}} : vector<8xf32>, vector<32xf32>
// AVX2-LABEL: func.func @big
// AVX2: scf.forall ({{.*}}) in (32, 8)
// AVX2: vector.outerproduct {{.*}} : vector<4xf32>, vector<16xf32>
func.func @big(%a: tensor<128x128xf32>, %b: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x128xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<128x128xf32>) -> tensor<128x128xf32>
  %y = linalg.matmul ins(%a, %b : tensor<128x128xf32>, tensor<128x128xf32>)
    outs(%f : tensor<128x128xf32>) -> tensor<128x128xf32>
  return %y : tensor<128x128xf32>
}

// NONE: linalg.conv_2d_nchw_fchw
// NONE-NOT: vector.outerproduct

// BAD: unknown CPU schedule 'fastest'; known schedules: default, none, tiled
