// strata-translate --mlir-to-llvmir: LLVM dialect in, LLVM IR out; anything else is refused
// with a located error instead of crashing the translation.
// RUN: not strata-translate --mlir-to-llvmir %s --split-input-file 2>&1 | FileCheck %s --check-prefix=NOSPLIT
// RUN: split-file %s %t
// RUN: strata-translate --mlir-to-llvmir %t/llvm.mlir | FileCheck %s
// RUN: strata-translate --mlir-to-llvmir < %t/llvm.mlir | FileCheck %s
// RUN: not strata-translate --mlir-to-llvmir %t/func.mlir 2>&1 | FileCheck %s --check-prefix=NOTLLVM
// RUN: not strata-translate %t/llvm.mlir 2>&1 | FileCheck %s --check-prefix=NOMODE

// NOSPLIT: strata-translate: error: unrecognized arguments: --split-input-file
// CHECK: define i32 @add(i32 %0, i32 %1)
// CHECK-NEXT: %3 = add i32 %0, %1
// CHECK-NEXT: ret i32 %3
// NOTLLVM: func.mlir:1:1: error: 'func.func' op cannot be translated to LLVM IR: lower it to the llvm dialect first
// NOMODE: strata-translate: error: one of the arguments --import-onnx --import-torch --import-tf --import-tflite --import-caffe --mlir-to-llvmir --odla-to-cpp is required

//--- llvm.mlir
llvm.func @add(%a: i32, %b: i32) -> i32 {
  %0 = llvm.add %a, %b : i32
  llvm.return %0 : i32
}
//--- func.mlir
func.func @f(%a: i32) -> i32 {
  return %a : i32
}
