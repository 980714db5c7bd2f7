// stratac --target cxx --emit cpp writes mlp.cc / mlp.h / mlp.bin; the source compiles
// warning-free under g++ -Wall -Wextra -Werror, and a C program built with it (no shared
// library: mlp.o is linked into the program) runs y = relu(x @ W + b) of
// ../cpu/Inputs/mlp.mlir, finding mlp.bin next to the program when given no path.
// RUN: rm -rf %t && mkdir -p %t
// RUN: stratac %S/../cpu/Inputs/mlp.mlir -o %t/mlp --target cxx --emit cpp -q
// RUN: ls %t | FileCheck %s --check-prefix=FILES
// RUN: c++ -std=c++17 -Wall -Wextra -Werror -O2 -I%t -c %t/mlp.cc -o %t/mlp.o
// RUN: cc -std=c11 -o %t/main %S/../cpu/Inputs/mlp_main.c -I%t %t/mlp.o -lstdc++ -lm
// RUN: %t/main | FileCheck %s
// RUN: %t/main %t/mlp.bin | FileCheck %s
// RUN: not %t/main %S/../cpu/Inputs/mlp_main.c | FileCheck %s --check-prefix=BAD

// FILES:      mlp.bin
// FILES-NEXT: mlp.cc
// FILES-NEXT: mlp.h
// FILES-NOT:  mlp.so

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
