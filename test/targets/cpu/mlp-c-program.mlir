// A C program includes NAME.h, links NAME.so and checks the outputs of
// y = relu(x @ W + b) (see Inputs/mlp.mlir; expected values worked out by hand):
//   x = [[1,2,3,4],[-1,0,1,0]] -> x@W+b = [[1.5,4,10],[-0.5,0,2]] -> relu.
// RUN: rm -rf %t && mkdir -p %t
// RUN: stratac %S/Inputs/mlp.mlir -o %t/mlp
// RUN: cc -o %t/main %S/Inputs/mlp_main.c -I%t %t/mlp.so -Wl,-rpath,%t
// RUN: %t/main | FileCheck %s
// An explicit weights path works too; a file of another format is refused.
// RUN: %t/main %t/mlp.bin | FileCheck %s
// RUN: not %t/main %S/Inputs/mlp_main.c | FileCheck %s --check-prefix=BAD
// With --emit-data-as-c the weights live in the library and the path is ignored.
// RUN: stratac %S/Inputs/mlp.mlir -o %t/c/mlp --emit-data-as-c
// RUN: test -f %t/c/mlp_data.c && not test -f %t/c/mlp.bin
// RUN: cc -o %t/main_c %S/Inputs/mlp_main.c -I%t/c %t/c/mlp.so -Wl,-rpath,%t/c
// RUN: %t/main_c /nonexistent | FileCheck %s

// CHECK: early: 1
// CHECK: init: 0
// CHECK: run: 0
// CHECK-NEXT: y[0] = 1.5
// CHECK-NEXT: y[1] = 4
// CHECK-NEXT: y[2] = 10
// CHECK-NEXT: y[3] = 0
// CHECK-NEXT: y[4] = 0
// CHECK-NEXT: y[5] = 2
// CHECK: after fini: 1

// BAD: init: 3
