// A tensor.empty size chosen by arith.select is read through arith.maxsi(size, 0), which
// value-bounds analysis cannot see through; other sizes stay as they are.
// RUN: strata-opt %s --strata-cpu-isolate-sizes | FileCheck %s

// CHECK-LABEL: func.func @broadcast_size
// CHECK: %[[SEL:.*]] = arith.select
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[MAX:.*]] = arith.maxsi %[[SEL]], %[[C0]] : index
// CHECK: tensor.empty(%[[MAX]], %{{.*}}) : tensor<?x?xf32>
// CHECK-NOT: arith.maxsi
// CHECK: return
func.func @broadcast_size(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %da = tensor.dim %a, %c0 : tensor<?x?xf32>
  %db = tensor.dim %b, %c0 : tensor<?x?xf32>
  %one = arith.cmpi eq, %da, %c1 : index
  %n = arith.select %one, %db, %da : index
  %m = tensor.dim %a, %c1 : tensor<?x?xf32>
  %e = tensor.empty(%n, %m) : tensor<?x?xf32>
  return %e : tensor<?x?xf32>
}

// Sizes inside nested regions are wrapped too.
// CHECK-LABEL: func.func @nested
// CHECK: scf.if
// CHECK: arith.maxsi
// CHECK: tensor.empty
func.func @nested(%c: i1, %x: index, %y: index) -> index {
  %r = scf.if %c -> index {
    %s = arith.select %c, %x, %y : index
    %e = tensor.empty(%s) : tensor<?xf32>
    %c0 = arith.constant 0 : index
    %d = tensor.dim %e, %c0 : tensor<?xf32>
    scf.yield %d : index
  } else {
    scf.yield %x : index
  }
  return %r : index
}
