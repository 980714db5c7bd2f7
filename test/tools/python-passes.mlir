// Strata's Python passes and upstream passes mix in one pipeline, as flags or as text.
// RUN: strata-opt %s --strata-memref-copy-to-linalg --canonicalize | FileCheck %s
// RUN: strata-opt %s --pass-pipeline='builtin.module(strata-memref-copy-to-linalg,func.func(canonicalize))' | FileCheck %s
// Every pass is printed with --mlir-print-ir-after-all (on stderr).
// RUN: strata-opt %s --strata-memref-copy-to-linalg --cse --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=DUMP

// CHECK-LABEL: func.func @copy
// CHECK-NOT:   memref.copy
// CHECK:       linalg.copy {{.*}} ins(%arg0 : memref<4xf32>) outs(%arg1 : memref<4xf32>)

// DUMP: IR Dump After strata-memref-copy-to-linalg
// DUMP: linalg.copy
// DUMP: IR Dump After CSE (cse)
func.func @copy(%a: memref<4xf32>, %b: memref<4xf32>) {
  memref.copy %a, %b : memref<4xf32> to memref<4xf32>
  return
}
