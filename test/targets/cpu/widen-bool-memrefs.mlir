// RUN: strata-opt %s --strata-widen-bool-memrefs | FileCheck %s

// Buffer deallocation keeps ownership flags of loop-carried buffers in i1 memrefs, which
// memref-to-LLVM cannot load or store: they become i8, with conversions at each access and
// the function signature following its arguments.
// CHECK-LABEL: func.func private @flags
// CHECK-SAME:    (%[[M:.*]]: memref<?xi8>, %[[B:.*]]: i1) -> i1
// CHECK:         %[[W:.*]] = arith.extui %[[B]] : i1 to i8
// CHECK:         memref.store %[[W]], %[[M]][%{{.*}}] : memref<?xi8>
// CHECK:         %[[L:.*]] = memref.load %[[M]][%{{.*}}] : memref<?xi8>
// CHECK:         %[[T:.*]] = arith.trunci %[[L]] : i8 to i1
// CHECK:         return %[[T]] : i1
func.func private @flags(%m: memref<?xi1>, %b: i1) -> i1 {
  %c0 = arith.constant 0 : index
  memref.store %b, %m[%c0] : memref<?xi1>
  %l = memref.load %m[%c0] : memref<?xi1>
  return %l : i1
}

// CHECK-LABEL: func.func @caller
// CHECK:         %[[A:.*]] = memref.alloc() : memref<2xi8>
// CHECK:         %[[C:.*]] = memref.cast %[[A]] : memref<2xi8> to memref<?xi8>
// CHECK:         call @flags(%[[C]], %{{.*}}) : (memref<?xi8>, i1) -> i1
func.func @caller(%b: i1) -> i1 {
  %a = memref.alloc() : memref<2xi1>
  %c = memref.cast %a : memref<2xi1> to memref<?xi1>
  %r = call @flags(%c, %b) : (memref<?xi1>, i1) -> i1
  memref.dealloc %a : memref<2xi1>
  return %r : i1
}
