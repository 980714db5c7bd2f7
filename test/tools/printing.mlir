// Printing flags: resources are printed in full unless elided; locations on request.
// RUN: strata-opt %s | FileCheck %s --check-prefix=FULL
// RUN: strata-opt %s --mlir-elide-resource-strings-if-larger=4 | FileCheck %s --check-prefix=ELIDED
// RUN: strata-opt %s --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// RUN: strata-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// FULL: blob1: "0x040000000000803F000000400000404000008040"
// ELIDED-NOT: 0x0400
// LOC: #loc{{[0-9]*}} = loc("{{.*}}printing.mlir":[[@LINE+4]]:3)
// GENERIC: "func.return"
func.func @w() -> tensor<4xf32> {
  %0 = arith.constant dense_resource<blob1> : tensor<4xf32>
  return %0 : tensor<4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
