// strata-cxx-lower-to-emitc then mlir-translate --mlir-to-cpp: one static function per
// kernel, named after the ONNX nodes it computes (with a comment listing them), plain loops
// over C arrays, <cmath> calls for the math ops, and the entry function calling the kernels.
// RUN: strata-opt %S/Inputs/dense_tanh.mlir --strata-externalize-weights --strata-cxx-lower-to-emitc \
// RUN:   | FileCheck %s --check-prefix=EMITC
// RUN: strata-opt %S/Inputs/dense_tanh.mlir --strata-externalize-weights --strata-cxx-lower-to-emitc \
// RUN:   | mlir-translate --mlir-to-cpp | FileCheck %s

// EMITC-NOT: memref.
// EMITC-NOT: arith.
// EMITC-NOT: scf.
// EMITC: emitc.func private @k0_fc({{.*}}) attributes {{{.*}}strata.nodes = ["fc"]}

// CHECK:      // computes ONNX node fc
// CHECK-NEXT: static void k0_fc(float [[Y:v[0-9]+]][2][3]) {
// CHECK:        for (size_t
// CHECK:          for (size_t
// CHECK:            [[Y]][{{.*}}][{{.*}}] = {{.*}};

// The matmul's loops run i, k, j: the innermost loop walks a row of W and of y.
// CHECK:      // computes ONNX node fc
// CHECK-NEXT: static void k1_fc(float [[X:v[0-9]+]][2][4], float [[W:v[0-9]+]][4][3], float [[O:v[0-9]+]][2][3]) {
// CHECK:        for (size_t [[I:i[0-9]+]] =
// CHECK:          for (size_t [[K:j[0-9]+]] =
// CHECK:            for (size_t [[J:k[0-9]+]] =
// CHECK:              float {{v[0-9]+}} = [[X]][[[I]]][[[K]]];
// CHECK:              float {{v[0-9]+}} = [[W]][[[K]]][[[J]]];
// CHECK:              [[O]][[[I]]][[[J]]] = {{v[0-9]+}};

// CHECK:      // computes ONNX nodes bias_add, act
// CHECK-NEXT: static void k2_bias_add__act(float {{v[0-9]+}}[2][3], float {{v[0-9]+}}[3]) {
// CHECK:        std::tanh(

// The entry: inputs, weights (W, b), outputs.
// CHECK:      void main(float [[A0:v[0-9]+]][2][4], float [[A1:v[0-9]+]][4][3], float [[A2:v[0-9]+]][3], float [[A3:v[0-9]+]][2][3]) {
// CHECK-NEXT:   k0_fc([[A3]]);
// CHECK-NEXT:   k1_fc([[A0]], [[A1]], [[A3]]);
// CHECK-NEXT:   k2_bias_add__act([[A3]], [[A2]]);
