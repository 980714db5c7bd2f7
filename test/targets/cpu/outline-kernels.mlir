// RUN: strata-opt %s --strata-outline-kernels | FileCheck %s

// Each loop nest / linalg op of a public function moves into a private, noinline,
// internal-linkage function; constants and memref views are cloned into the kernel so that
// every argument keeps an identity layout (bare-pointer ABI).

// CHECK-LABEL: func.func private @main__kernel0
// CHECK-SAME:    (%[[T:.*]]: memref<4x8xf32>)
// CHECK-SAME:    attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK:         %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         linalg.fill ins(%[[Z]] : f32) outs(%[[T]] : memref<4x8xf32>)

// CHECK-LABEL: func.func private @main__kernel1
// CHECK:         scf.for

// CHECK-LABEL: func.func private @main__kernel2
// CHECK-SAME:    (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8xf32>, %[[O:.*]]: memref<4x8xf32>)
// CHECK:         %[[V:.*]] = memref.subview %[[A]][0, 0] [2, 8] [1, 1]
// CHECK:         %[[W:.*]] = memref.subview %[[O]][2, 0] [2, 8] [1, 1]
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[V]], %[[B]] : {{.*}}) outs(%[[W]] : {{.*}})

// CHECK-LABEL: func.func @main
// CHECK-SAME:    (%[[ARG0:.*]]: memref<4x8xf32>, %[[ARG1:.*]]: memref<8xf32>, %{{.*}}: memref<4x8xf32>)
// CHECK:         %[[ALLOC:.*]] = memref.alloc()
// CHECK:         call @main__kernel0(%[[ALLOC]])
// CHECK:         call @main__kernel1(%[[ARG0]], %[[ALLOC]])
// CHECK:         call @main__kernel2(%[[ARG0]], %[[ARG1]], %[[ALLOC]])
// CHECK:         memref.copy
// CHECK:         memref.dealloc %[[ALLOC]]
func.func @main(%a: memref<4x8xf32>, %b: memref<8xf32>, %out: memref<4x8xf32>) {
  %c0 = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%c0 : f32) outs(%t : memref<4x8xf32>)
  %v = memref.subview %a[0, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1]>>
  %w = memref.subview %t[2, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: 16>>
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c0i = arith.constant 0 : index
  scf.for %i = %c0i to %c4 step %c1 {
    %x = memref.load %a[%i, %c0i] : memref<4x8xf32>
    %y = arith.addf %x, %c0 : f32
    memref.store %y, %t[%i, %c0i] : memref<4x8xf32>
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%v, %b : memref<2x8xf32, strided<[8, 1]>>, memref<8xf32>) outs(%w : memref<2x8xf32, strided<[8, 1], offset: 16>>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  }
  memref.copy %t, %out : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %t : memref<4x8xf32>
  return
}
