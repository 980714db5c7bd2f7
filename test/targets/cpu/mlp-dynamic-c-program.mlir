// A model with a dynamic batch dim: NAME.h takes each input's dims and returns outputs in
// buffers the library allocates (released with free()); a C program runs it at two sizes.
// Rows 0-1 as in mlp-c-program.mlir; row 2 = [0,0,0,1] -> [-1,0,2] + b = [-0.5,-1,2] -> relu.
// RUN: rm -rf %t && mkdir -p %t
// RUN: stratac %S/Inputs/mlp_dynamic.mlir -o %t/mlp
// RUN: FileCheck %s --check-prefix=HEADER < %t/mlp.h
// RUN: cc -Wall -Werror -o %t/main %S/Inputs/mlp_dynamic_main.c -I%t %t/mlp.so -Wl,-rpath,%t
// RUN: %t/main | FileCheck %s

// HEADER: int mlp(
// HEADER-NEXT: const float* input_0,
// HEADER-NEXT: const int64_t input_0_shape[2],
// HEADER-NEXT: float** out_y,
// HEADER-NEXT: int64_t out_y_shape[2]);

// CHECK: run(2): 0 shape 2x3
// CHECK-NEXT: y[0] = 1.5
// CHECK-NEXT: y[1] = 4
// CHECK-NEXT: y[2] = 10
// CHECK-NEXT: y[3] = 0
// CHECK-NEXT: y[4] = 0
// CHECK-NEXT: y[5] = 2
// CHECK: run(3): 0 shape 3x3
// CHECK: y[8] = 2
// CHECK-NEXT: bad: 6 null
