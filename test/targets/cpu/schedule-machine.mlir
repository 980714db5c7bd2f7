// strata-cpu-schedule derives its sizes from the target CPU (`mcpu`, machine.py):
// * register tile: 14 x 32 on AVX-512 (32 registers of 16 lanes), 6 x 16 on AVX2 (16 of 8),
//   with fewer rows where those divide m (28 rows: 14 on AVX-512, 4 on AVX2);
// * reduction block kc: an mr x kc panel of A (at most 14 / 6 rows) fills half of L1
//   (32 KiB): kc <= 292 on AVX-512 -> 256 divides K = 1024; kc <= 682 on AVX2 -> 512;
// * column block nc: a kc x nc block of B fills half of L2: 1 MiB (skylake-avx512) holds
//   256 x 512, so N = 512 is not split; 256 KiB (haswell) holds 512 x 64.
// RUN: strata-opt %s --strata-cpu-schedule="schedule=tiled mcpu=skylake-avx512" | FileCheck %s --check-prefix=AVX512
// RUN: strata-opt %s --strata-cpu-schedule="schedule=tiled mcpu=haswell" | FileCheck %s --check-prefix=AVX2
// RUN: not strata-opt %s --strata-cpu-schedule="schedule=tiled mcpu=pentium9000" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD

// AVX512-LABEL: func.func @blocked
// AVX512-DAG:  %[[C256:.*]] = arith.constant 256 : index
// AVX512-DAG:  %[[C1024:.*]] = arith.constant 1024 : index
// AVX512-DAG:  %[[C14:.*]] = arith.constant 14 : index
// AVX512-DAG:  %[[C28:.*]] = arith.constant 28 : index
// AVX512:      scf.for %{{.*}} = %{{.*}} to %[[C1024]] step %[[C256]]
// AVX512-NEXT: scf.for %{{.*}} = %{{.*}} to %[[C28]] step %[[C14]]
// AVX512:      vector.outerproduct {{.*}} : vector<14xf32>, vector<32xf32>

// AVX2-LABEL: func.func @blocked
// AVX2-DAG:   %[[C64:.*]] = arith.constant 64 : index
// AVX2-DAG:   %[[C512:.*]] = arith.constant 512 : index
// AVX2-DAG:   %[[C1024:.*]] = arith.constant 1024 : index
// AVX2:       scf.for %{{.*}} = %{{.*}} to %[[C512]] step %[[C64]]
// AVX2:       scf.for %{{.*}} = %{{.*}} to %[[C1024]] step %[[C512]]
// AVX2:       scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4
// AVX2:       vector.outerproduct {{.*}} : vector<4xf32>, vector<16xf32>
// AVX2-NOT:   vector.outerproduct {{.*}} : vector<6xf32>
func.func @blocked(%a: tensor<28x1024xf32>, %b: tensor<1024x512xf32>) -> tensor<28x512xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<28x512xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<28x512xf32>) -> tensor<28x512xf32>
  %y = linalg.matmul ins(%a, %b : tensor<28x1024xf32>, tensor<1024x512xf32>)
    outs(%f : tensor<28x512xf32>) -> tensor<28x512xf32>
  return %y : tensor<28x512xf32>
}

// BAD: unknown CPU 'pentium9000' for mcpu: LLVM does not know it
