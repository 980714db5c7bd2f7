// --pass-pipeline takes a textual pipeline, anchored or not; flags build the same pipeline.
// RUN: strata-opt %s --pass-pipeline='builtin.module(func.func(cse))' | FileCheck %s
// RUN: strata-opt %s --pass-pipeline='func.func(cse)' | FileCheck %s
// RUN: strata-opt %s --pass-pipeline 'builtin.module(cse)' | FileCheck %s
// RUN: strata-opt %s --cse | FileCheck %s
// Without passes the input is printed back unchanged.
// RUN: strata-opt %s | FileCheck %s --check-prefix=NOPASS

// CHECK-LABEL: func.func @dedup
// CHECK-NEXT:    %[[C:.*]] = arith.constant 1 : i32
// CHECK-NEXT:    %[[S:.*]] = arith.addi %[[C]], %[[C]] : i32
// CHECK-NEXT:    return %[[S]] : i32

// NOPASS-LABEL: func.func @dedup
// NOPASS-COUNT-2: arith.constant 1 : i32
func.func @dedup() -> i32 {
  %a = arith.constant 1 : i32
  %b = arith.constant 1 : i32
  %c = arith.addi %a, %b : i32
  return %c : i32
}
