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

// AVX2-DAG: func.func private @strata_sgemm_avx2(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, f32, f32)
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

// Epilogue fusion: the bias broadcast before the convolution and the residual add + ReLU
// after it become the call's arguments (beta 0, the bias, the residual, clamp [0, inf]) and
// disappear; the call sits in an scf.execute_region, which strata-outline-kernels outlines
// as one kernel.
// AVX2-LABEL: func.func @conv_bias_add_relu
// AVX2-NOT: linalg.generic
// AVX2: scf.execute_region
// AVX2: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// AVX2: call @strata_conv2d_avx2({{.*}}, %c0_i64{{[_0-9]*}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %c1_i64{{[_0-9]*}}, %cst{{[_0-9]*}}, %[[INF]])
// AVX2-NOT: linalg.generic
// AVX2: return
#bias = affine_map<(n, f, h, w) -> (f)>
#id4 = affine_map<(n, f, h, w) -> (n, f, h, w)>
func.func @conv_bias_add_relu(%x: memref<1x8x6x6xf32>, %w: memref<16x8x1x1xf32>, %b: memref<16xf32>,
                              %r: memref<1x16x6x6xf32>, %y: memref<1x16x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#bias, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%b : memref<16xf32>) outs(%y : memref<1x16x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x6x6xf32>, memref<16x8x1x1xf32>) outs(%y : memref<1x16x6x6xf32>)
  linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%y, %r : memref<1x16x6x6xf32>, memref<1x16x6x6xf32>) outs(%y : memref<1x16x6x6xf32>) {
  ^bb0(%in: f32, %res: f32, %out: f32):
    %s = arith.addf %in, %res : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// An epilogue the library cannot apply (a sigmoid) stays a loop nest after the call.
// AVX2-LABEL: func.func @mm_sigmoid
// AVX2: linalg.fill
// AVX2: call @strata_sgemm_avx2({{.*}}, %c1_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %c0_i64{{[_0-9]*}}, %cst{{[_0-9]*}}, %cst{{[_0-9]*}})
// AVX2: linalg.generic
func.func @mm_sigmoid(%a: memref<6x8xf32>, %b: memref<8x16xf32>, %c: memref<6x16xf32>) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<6x16xf32>)
  linalg.matmul ins(%a, %b : memref<6x8xf32>, memref<8x16xf32>) outs(%c : memref<6x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%c : memref<6x16xf32>) outs(%c : memref<6x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}

// AVX512: call @strata_sgemm_avx512
// AVX512: call @strata_conv2d_avx512
// SSE-NOT: call @strata_
