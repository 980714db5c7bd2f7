// RUN: strata-opt %s --strata-profile-kernels=prefix=m__strata | FileCheck %s

// Every kernel call and every loop nest left inline is bracketed by timer calls with its slot;
// the whole entry function is the last slot. The kernel table (a JSON string attribute on the
// module) counts the floating-point ops of the loops: 4 x 8 iterations of one mulf and one
// addf in the kernel, 4 iterations of a vector<8xf32> fma inline; bytes are the buffers the units touch.

// CHECK: module attributes {strata.profile = "{\22version\22: 1, \22units\22: [{\22name\22: \22main__kernel0\22, \22kind\22: \22kernel\22, \22nodes\22: [\22mul_node\22, \22add_node\22], \22schedule\22: null, \22flops\22: 64, \22bytes\22: 256
// CHECK-SAME: \22name\22: \22main:inline0\22, \22kind\22: \22inline\22, \22nodes\22: [\22fma_node\22], \22schedule\22: \22tiled matmul\22, \22flops\22: 64, \22bytes\22: 128
// CHECK-SAME: \22totals\22: [{\22slot\22: 2, \22function\22: \22main\22}], \22slots\22: 3}"}
// CHECK-DAG: func.func private @m__strata_prof_begin(i64)
// CHECK-DAG: func.func private @m__strata_prof_end(i64)
// CHECK-LABEL: func.func @main
// CHECK: %[[S2:.*]] = arith.constant 2 : i64
// CHECK-NEXT: call @m__strata_prof_begin(%[[S2]])
// CHECK: %[[S0:.*]] = arith.constant 0 : i64
// CHECK-NEXT: call @m__strata_prof_begin(%[[S0]])
// CHECK-NEXT: call @main__kernel0
// CHECK-NEXT: %[[E0:.*]] = arith.constant 0 : i64
// CHECK-NEXT: call @m__strata_prof_end(%[[E0]])
// CHECK: %[[S1:.*]] = arith.constant 1 : i64
// CHECK-NEXT: call @m__strata_prof_begin(%[[S1]])
// CHECK-NEXT: scf.for
// CHECK: %[[E1:.*]] = arith.constant 1 : i64
// CHECK-NEXT: call @m__strata_prof_end(%[[E1]])
// CHECK: %[[E2:.*]] = arith.constant 2 : i64
// CHECK-NEXT: call @m__strata_prof_end(%[[E2]])
// CHECK-NEXT: return
func.func private @main__kernel0(%a: memref<4x8xf32>, %o: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i, %j] : memref<4x8xf32>
      %y = arith.mulf %x, %x : f32 loc("mul_node")
      %z = arith.addf %y, %x : f32 loc("add_node")
      memref.store %z, %o[%i, %j] : memref<4x8xf32>
    } loc("mul_node")
  } loc("mul_node")
  return
}
func.func @main(%a: memref<4x8xf32>, %out: memref<4x8xf32>, %v: memref<8xf32>) {
  call @main__kernel0(%a, %out) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %pad = arith.constant 0.0 : f32
  %init = vector.transfer_read %v[%c0], %pad : memref<8xf32>, vector<8xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %init) -> (vector<8xf32>) {
    %row = vector.transfer_read %a[%i, %c0], %pad : memref<4x8xf32>, vector<8xf32>
    %f = vector.fma %row, %row, %acc : vector<8xf32> loc("fma_node")
    scf.yield %f : vector<8xf32>
  } loc("strata.sched: tiled matmul"("fma_node"))
  vector.transfer_write %r, %v[%c0] : vector<8xf32>, memref<8xf32>
  return
}
