// The micro-kernel library's calls (targets/cpu/ukernels.py): the `default` schedule tags the
// contractions it leaves to the library, and after bufferization strata-cpu-ukernel-calls
// turns every f32 matrix product / NCHW convolution on memrefs into a call of the variant
// for the target CPU, with the operands' strides and the cache blocks as i64 arguments.
// RUN: strata-opt %S/Inputs/contractions.mlir --strata-cpu-schedule="schedule=default mcpu=haswell" \
// RUN:   | FileCheck %s --check-prefix=TAG
// RUN: strata-opt %s --strata-cpu-ukernel-calls="mcpu=haswell" | FileCheck %s --check-prefix=AVX2
// RUN: strata-opt %s --strata-cpu-ukernel-calls="mcpu=skylake-avx512" | FileCheck %s --check-prefix=AVX512
// RUN: strata-opt %s --strata-cpu-ukernel-calls="mcpu=x86-64" | FileCheck %s --check-prefix=SSE

// The convolution stays whole (the library packs its im2col matrix from the image); the
// batch_matmul's batch is tiled by 1 (the library multiplies matrices).
// TAG: linalg.conv_2d_nchw_fchw {{.*}}strata.ukernel
// TAG: scf.for
// TAG: linalg.batch_matmul {strata.ukernel} {{.*}} tensor<1x4x8xf32>, tensor<1x8x5xf32>

// AVX2-DAG: func.func private @strata_sgemm_avx2(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// AVX2-DAG: func.func private @strata_conv2d_avx2(
// AVX2-LABEL: func.func @mm
// AVX2: memref.alloc() {alignment = 64 : i64} : memref<{{[0-9]+}}xf32>
// AVX2: call @strata_sgemm_avx2({{.*}}) {strata.flops = 19600 : i64}
// AVX2-NOT: linalg.matmul
// AVX2: memref.dealloc
func.func @mm(%a: memref<10x20xf32>, %b: memref<20x49xf32>, %c: memref<10x49xf32>) {
  linalg.matmul ins(%a, %b : memref<10x20xf32>, memref<20x49xf32>) outs(%c : memref<10x49xf32>)
  return
}

// A transposed B (Gemm transB) is a stride, not a copy.
// AVX2-LABEL: func.func @mm_tb
// AVX2: call @strata_sgemm_avx2
func.func @mm_tb(%a: memref<4x8xf32>, %b: memref<6x8xf32>, %c: memref<4x6xf32>) {
  linalg.matmul indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (j, k)>,
                                 affine_map<(i, j, k) -> (i, j)>]
    ins(%a, %b : memref<4x8xf32>, memref<6x8xf32>) outs(%c : memref<4x6xf32>)
  return
}

// Integer products are not the library's: they stay linalg.
// AVX2-LABEL: func.func @mm_i32
// AVX2: linalg.matmul
func.func @mm_i32(%a: memref<4x8xi32>, %b: memref<8x6xi32>, %c: memref<4x6xi32>) {
  linalg.matmul ins(%a, %b : memref<4x8xi32>, memref<8x6xi32>) outs(%c : memref<4x6xi32>)
  return
}

// AVX2-LABEL: func.func @conv
// AVX2: call @strata_conv2d_avx2({{.*}}) {strata.flops = 82944 : i64}
// AVX2-NOT: linalg.conv_2d_nchw_fchw
func.func @conv(%x: memref<1x8x14x14xf32>, %w: memref<16x8x3x3xf32>, %y: memref<1x16x6x6xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x14x14xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x6x6xf32>)
  return
}

// AVX512: call @strata_sgemm_avx512
// AVX512: call @strata_conv2d_avx512
// SSE-NOT: call @strata_
