// RUN: strata-opt --list-passes | FileCheck %s
// CHECK: Strata passes:
// CHECK: --strata-memref-copy-to-linalg {{.*}}linalg.copy
// CHECK: Named pipelines:
// CHECK: Every upstream MLIR pass and pass pipeline is accepted as well
