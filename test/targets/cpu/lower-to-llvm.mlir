// strata-cpu-lower-to-llvm: bufferized, results become out-params, bare pointers at the ABI,
// no memrefCopy / runtime-library calls left.
// RUN: strata-opt %S/Inputs/mlp.mlir --strata-externalize-weights --strata-cpu-lower-to-llvm | FileCheck %s

// CHECK-NOT: memrefCopy
// CHECK-LABEL: llvm.func @main(
// CHECK-SAME: %{{.*}}: !llvm.ptr {nn.name = "input:0"
// CHECK-SAME: %{{.*}}: !llvm.ptr {{{.*}}nn.weight = "W"
// CHECK-SAME: %{{.*}}: !llvm.ptr {{{.*}}nn.weight = "b"
// CHECK-SAME: %{{.*}}: !llvm.ptr {nn.name = "y"})
// CHECK-NOT: memrefCopy
// CHECK: llvm.return
