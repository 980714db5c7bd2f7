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

// A size computed from a select (here through a multiplication) that shapes an expand_shape
// result is wrapped as well; sizes read with tensor.dim are left alone.
// CHECK-LABEL: func.func @expand_size
// CHECK: %[[SEL:.*]] = arith.select
// CHECK: %[[MUL:.*]] = arith.muli %[[SEL]]
// CHECK: %[[MAX:.*]] = arith.maxsi %[[MUL]], %{{.*}} : index
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [%[[MAX]], 4]
// CHECK: %[[D:.*]] = tensor.dim
// CHECK-NOT: arith.maxsi
// CHECK: tensor.empty(%[[D]])
func.func @expand_size(%x: tensor<?xf32>, %c: i1, %n: index) -> (tensor<?x4xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %d = tensor.dim %x, %c0 : tensor<?xf32>
  %s = arith.select %c, %n, %d : index
  %m = arith.muli %s, %c2 : index
  %e = tensor.expand_shape %x [[0, 1]] output_shape [%m, 4] : tensor<?xf32> into tensor<?x4xf32>
  %d2 = tensor.dim %x, %c0 : tensor<?xf32>
  %f = tensor.empty(%d2) : tensor<?xf32>
  return %e, %f : tensor<?x4xf32>, tensor<?xf32>
}
