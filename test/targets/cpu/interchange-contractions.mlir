// Matmul-like ops become generics whose reduction loops sit outside a unit-stride parallel loop.
// RUN: strata-opt %S/Inputs/contractions.mlir --strata-cpu-interchange-contractions | FileCheck %s

// CHECK-DAG: #[[CONV_IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d3 + d5, d4 + d6)>
// CHECK-DAG: #[[BMM_A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @main
// CHECK: linalg.generic {indexing_maps = [#[[CONV_IN]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]}
// CHECK: linalg.generic {indexing_maps = [#[[BMM_A]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK-NOT: linalg.conv_2d
// CHECK-NOT: linalg.batch_matmul
