// Each chunk is processed on its own; outputs are joined with the split marker and
// diagnostics keep the line numbers of the whole file.
// RUN: not strata-opt %s --split-input-file 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// The flag takes no separate value: this reads the file (as in mlir-opt).
// RUN: not strata-opt --split-input-file %s 2>/dev/null | FileCheck %s
// Without --split-input-file nothing is printed: the broken function fails the whole file.
// RUN: not strata-opt %s 2>&1 >%t.out | FileCheck %s --check-prefix=WHOLE
// RUN: count 0 < %t.out

// CHECK:      func.func @first
// CHECK-NEXT:   arith.constant 1 : i32
// CHECK:      // -----
// CHECK-NEXT: module {
// CHECK-NEXT:   func.func @first
// CHECK-NEXT:   arith.constant 2 : i32
// CHECK-NOT:  // -----
// CHECK-NOT:  func.func
func.func @first() -> i32 {
  %a = arith.constant 1 : i32
  return %a : i32
}

// -----

func.func @first() -> i32 {
  %a = arith.constant 2 : i32
  return %a : i32
}

// -----

func.func @broken() -> i32 {
  %a = arith.constant 3 : i32
  // ERR: split-input-file.mlir:[[@LINE+2]]:3: error: 'func.return' op has 0 operands, but enclosing function (@broken) returns 1
  // WHOLE: split-input-file.mlir:[[@LINE+1]]:3: error: 'func.return' op has 0 operands
  return
}
