// --verify-diagnostics: every diagnostic matches an expected-* comment -> exit 0.
// RUN: strata-opt %s --split-input-file --verify-diagnostics
// The same file without the flag fails and prints the diagnostics.
// RUN: not strata-opt %s --split-input-file 2>&1 | FileCheck %s

func.func @nn_shape(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // CHECK: verify-diagnostics.mlir:[[@LINE+2]]:8: error: 'nn.relu' op result type(s) tensor<2x4xf32> do not match inferred tensor<2x3xf32>
  // expected-error @+1 {{'nn.relu' op result type(s) tensor<2x4xf32> do not match}}
  %y = "nn.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @same_line() -> i32 {
  %a = arith.constant 1 : i32
  return // expected-error {{has 0 operands, but enclosing function (@same_line) returns 1}}
}

// -----

func.func @above() -> i32 {
  %a = arith.constant 1 : i32
  return
  // expected-error @above {{'func.return' op has 0 operands}}
}

// -----

func.func @below() -> i32 {
  %a = arith.constant 1 : i32
  // expected-error @below {{'func.return' op has 0 operands}}
  return
}

// -----

// Parse errors are diagnostics too.
func.func @parse_error() -> i32 {
  // expected-error @+1 {{use of undeclared SSA value name}}
  return %nope : i32
}

// -----

// Notes are matched as well.
// expected-note @+1 {{see existing symbol definition here}}
func.func @twice() { return }
// expected-error @+1 {{redefinition of symbol named 'twice'}}
func.func @twice() { return }

// -----

// Regular expressions with expected-error-re.
func.func @re(%a: tensor<2xf32>) -> tensor<3xf32> {
  // expected-error-re @+1 {{'nn.relu' op {{.*}} do not match inferred tensor<{{[0-9]+}}xf32>}}
  %y = "nn.relu"(%a) : (tensor<2xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// A chunk without expectations must produce no diagnostics and is printed.
func.func @fine(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = "nn.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
