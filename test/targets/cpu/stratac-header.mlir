// NAME.h declares the C entry points with the real element types and sanitised graph names.
// RUN: rm -rf %t && mkdir -p %t
// RUN: stratac %S/Inputs/mlp.mlir -o %t/net --save-temps
// RUN: FileCheck %s < %t/net.h
// RUN: ls %t | FileCheck %s --check-prefix=FILES
// RUN: stratac %S/Inputs/mlp.mlir -o %t/e/net --emit llvm && FileCheck %s --check-prefix=LL < %t/e/net.ll
// RUN: not stratac %S/Inputs/mlp.mlir -o %t/x/net --target cuda 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not stratac %t/missing.onnx -o %t/x/net 2>&1 | FileCheck %s --check-prefix=MISSING

// CHECK: #include <stdint.h>
// CHECK: int net_init(const char* weights_path);
// CHECK: int net(
// CHECK-NEXT: const float input_0[2 * 4],
// CHECK-NEXT: float out_y[2 * 3]);
// CHECK: void net_fini(void);

// FILES: net.bin
// FILES: net.h
// FILES: net.json
// FILES: net.linalg.mlir
// FILES: net.ll
// FILES: net.llvm.mlir
// FILES: net.nn.mlir
// FILES: net.so

// LL: define void @net__strata_kernel(ptr

// TARGET: stratac: error: unknown target 'cuda' ('cuda' is planned but not built yet); available targets: cpu, odla
// MISSING: stratac: error: model file '{{.*}}missing.onnx' does not exist
