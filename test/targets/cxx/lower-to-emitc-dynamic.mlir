// strata-cxx-lower-to-emitc-dynamic then mlir-translate --mlir-to-cpp: a dim known only at
// run time makes every buffer a strata_buf<T, R> (pointer, offset, sizes, strides); loads,
// stores, dims and allocations are calls of the helpers source.py writes around the
// kernels, and the entry returns its result through a strata_buf<T, R>* argument.
// RUN: strata-opt %S/Inputs/dynamic_tanh.mlir --strata-cxx-lower-to-emitc-dynamic \
// RUN:   | FileCheck %s --check-prefix=EMITC
// RUN: strata-opt %S/Inputs/dynamic_tanh.mlir --strata-cxx-lower-to-emitc-dynamic \
// RUN:   | mlir-translate --mlir-to-cpp | FileCheck %s

// EMITC-NOT: memref.
// EMITC-NOT: unrealized_conversion_cast
// EMITC: emitc.func private @k0_act({{.*}}!emitc.opaque<"strata_buf<float, 2>">

// CHECK:      // computes ONNX node act
// CHECK-NEXT: static void k0_act(strata_buf<float, 2> [[X:v[0-9]+]], strata_buf<float, 2> [[Y:v[0-9]+]]) {
// CHECK:        size_t [[N:v[0-9]+]] = strata_dim([[X]], {{v[0-9]+}});
// CHECK:        for (size_t [[I:i[0-9]+]] = {{v[0-9]+}}; [[I]] < [[N]];
// CHECK:          for (size_t [[J:j[0-9]+]] =
// CHECK:            float [[A:v[0-9]+]] = strata_ld([[X]], [[I]], [[J]]);
// CHECK:            float [[T:v[0-9]+]] = std::tanh([[A]]);
// CHECK:            strata_st([[Y]], [[T]], [[I]], [[J]]);

// CHECK:      void main(strata_buf<float, 2> [[IN:v[0-9]+]], strata_buf<float, 2>* [[OUT:v[0-9]+]]) {
// CHECK:        size_t [[D:v[0-9]+]] = strata_dim([[IN]],
// CHECK-NEXT:   strata_buf<float, 2> [[B:v[0-9]+]] = strata_alloc<float, 2>([[D]], 4);
// CHECK-NEXT:   k0_act([[IN]], [[B]]);
// CHECK-NEXT:   strata_put([[OUT]], [[B]]);
