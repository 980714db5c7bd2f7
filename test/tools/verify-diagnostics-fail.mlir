// --verify-diagnostics reports, in mlir-opt's words, expectations that were not met and
// diagnostics nobody expected, and exits with 1. Chunks that were processed are still
// printed, as mlir-opt does.
// RUN: not strata-opt %s --split-input-file --verify-diagnostics 2>%t.err | FileCheck %s --check-prefix=OUT
// RUN: FileCheck %s < %t.err

// OUT: func.func @nothing_wrong
// OUT-NEXT: return
// OUT: // -----
// OUT-NEXT: module
// OUT-NEXT: func.func @passes
// OUT-NOT: func.func

func.func @nothing_wrong() {
  // CHECK: verify-diagnostics-fail.mlir:[[@LINE+1]]:6: error: expected error "this never happens" was not produced
  // expected-error @+1 {{this never happens}}
  return
}

// -----

func.func @unexpected() -> i32 {
  %a = arith.constant 1 : i32
  // CHECK: verify-diagnostics-fail.mlir:[[@LINE+3]]:3: error: unexpected error: 'func.return' op has 0 operands, but enclosing function (@unexpected) returns 1
  // CHECK-NEXT: {{^}}  return{{$}}
  // CHECK-NEXT: {{^}}  ^{{$}}
  return
}

// -----

func.func @wrong_severity(%x: tensor<2xf32>) -> tensor<3xf32> {
  // CHECK: verify-diagnostics-fail.mlir:[[@LINE+3]]:8: error: 'error' diagnostic emitted when expecting a 'warning'
  // CHECK: verify-diagnostics-fail.mlir:[[@LINE+1]]:6: error: expected warning "'nn.relu' op result type(s)" was not produced
  // expected-warning @+1 {{'nn.relu' op result type(s)}}
  %y = "nn.relu"(%x) : (tensor<2xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// CHECK-NOT: error
func.func @passes() {
  return
}
