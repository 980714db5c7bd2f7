// Input from a file or stdin ('-' or no argument), output to stdout or -o FILE.
// RUN: strata-opt < %s | FileCheck %s
// RUN: cat %s | strata-opt - | FileCheck %s
// RUN: strata-opt %s -o %t.out && FileCheck %s < %t.out
// RUN: strata-opt %s --output %t.out2 && FileCheck %s < %t.out2
// Output goes to the file only: stdout stays empty.
// RUN: strata-opt %s -o %t.out3 | count 0

// CHECK: module {
// CHECK-NEXT: func.func @id(%arg0: tensor<4xf32>) -> tensor<4xf32>
func.func @id(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
