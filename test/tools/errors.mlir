// User errors: one line `strata-opt: error: ...` (or a located diagnostic), exit code 1,
// never a Python traceback.

// RUN: not strata-opt %s --bogus-pass 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not strata-opt %s -bogus-pass 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: strata-opt: error: unknown option or pass '--bogus-pass' (see 'strata-opt --list-passes'
// UNKNOWN-NOT: Traceback

// RUN: not strata-opt %s --pass-pipeline='builtin.module(bogus-pass)' 2>&1 | FileCheck %s --check-prefix=BADPIPE
// BADPIPE: strata-opt: error: {{.*}}'bogus-pass' does not refer to a registered pass or pass pipeline

// RUN: not strata-opt %s --pass-pipeline='builtin.module(cse' 2>&1 | FileCheck %s --check-prefix=UNBALANCED
// UNBALANCED: strata-opt: error: {{.*}}unbalanced parentheses

// RUN: not strata-opt %s --canonicalize=no-such-option=1 2>&1 | FileCheck %s --check-prefix=BADOPT
// BADOPT: strata-opt: error: {{.*}}no such option no-such-option

// RUN: not strata-opt %s --cse --pass-pipeline='builtin.module(cse)' 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: strata-opt: error: --pass-pipeline cannot be combined with individual pass flags

// RUN: not strata-opt %t.does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: strata-opt: error: could not open input file '{{.*}}does-not-exist.mlir': no such file

// RUN: not strata-opt %s --verify-each=maybe 2>&1 | FileCheck %s --check-prefix=BADFLAG
// BADFLAG: strata-opt: error: argument --verify-each: expected true or false, got 'maybe'

// A parse error read from stdin is reported at <stdin> with the source line.
// RUN: echo 'func.func @f() -> i32 { return %nope : i32 }' | not strata-opt - 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: <stdin>:1:32: error: use of undeclared SSA value name
// PARSE-NEXT: func.func @f() -> i32 { return %nope : i32 }
// PARSE-NEXT: {{^}}                               ^{{$}}

// Unregistered ops need --allow-unregistered-dialect, as in mlir-opt.
// RUN: not strata-opt %s 2>&1 | FileCheck %s --check-prefix=UNREG
// RUN: strata-opt %s --allow-unregistered-dialect | FileCheck %s --check-prefix=ALLOW
// UNREG: errors.mlir:[[@LINE+3]]:12: error: operation being parsed with an unregistered dialect
// ALLOW: "foo.bar"() : () -> ()
func.func @f() {
  "foo.bar"() : () -> ()
  return
}
