// RUN: strata-opt %s --strata-widen-bool-tensors --split-input-file | FileCheck %s

// Bool arguments and results are stored as i8; the generic computes on i1 inside.
// CHECK-LABEL: func.func @less_not
// CHECK-SAME:    (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[A]], %[[B]], %[[M]] : tensor<4xf32>, tensor<4xf32>, tensor<4xi8>)
// CHECK:         ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[MI:.*]]: i8, %{{.*}}: i8):
// CHECK:           %[[MB:.*]] = arith.trunci %[[MI]] : i8 to i1
// CHECK:           %[[R:.*]] = arith.andi %{{.*}}, %[[MB]] : i1
// CHECK:           %[[W:.*]] = arith.extui %[[R]] : i1 to i8
// CHECK:           linalg.yield %[[W]] : i8
// CHECK:         } -> tensor<4xi8>
#map = affine_map<(d0) -> (d0)>
func.func @less_not(%a: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xi1>) -> tensor<4xi1> {
  %e = tensor.empty() : tensor<4xi1>
  %r = linalg.generic {indexing_maps = [#map, #map, #map, #map], iterator_types = ["parallel"]}
      ins(%a, %b, %m : tensor<4xf32>, tensor<4xf32>, tensor<4xi1>) outs(%e : tensor<4xi1>) {
  ^bb0(%x: f32, %y: f32, %mm: i1, %o: i1):
    %c = arith.cmpf olt, %x, %y : f32
    %n = arith.andi %c, %mm : i1
    linalg.yield %n : i1
  } -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// Bool constants become i8 constants; extracted elements are truncated back to i1.
// CHECK-LABEL: func.func @const_extract
// CHECK:         %[[C:.*]] = arith.constant dense<[1, 0, 1]> : tensor<3xi8>
// CHECK:         %[[E:.*]] = tensor.extract %[[C]][%{{.*}}] : tensor<3xi8>
// CHECK:         %[[T:.*]] = arith.trunci %[[E]] : i8 to i1
// CHECK:         return %[[T]] : i1
func.func @const_extract(%i: index) -> i1 {
  %c = arith.constant dense<[true, false, true]> : tensor<3xi1>
  %e = tensor.extract %c[%i] : tensor<3xi1>
  return %e : i1
}

// -----

// A pass-through named op only changes its types.
// CHECK-LABEL: func.func @transpose
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<2x3xi8>) outs(%{{.*}} : tensor<3x2xi8>) permutation = [1, 0]
func.func @transpose(%m: tensor<2x3xi1>) -> tensor<3x2xi1> {
  %e = tensor.empty() : tensor<3x2xi1>
  %t = linalg.transpose ins(%m : tensor<2x3xi1>) outs(%e : tensor<3x2xi1>) permutation = [1, 0]
  return %t : tensor<3x2xi1>
}

// -----

// scf ops carry bool tensors through their regions: results and block arguments become i8.
// CHECK-LABEL: func.func @loop_carried_flag
// CHECK-SAME:    (%[[F:.*]]: tensor<i8>, %[[N:.*]]: index) -> tensor<i8>
// CHECK:         %[[R:.*]] = scf.for %{{.*}} = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[A:.*]] = %[[F]]) -> (tensor<i8>)
// CHECK:           %[[E:.*]] = tensor.extract %[[A]][] : tensor<i8>
// CHECK:           %[[B:.*]] = arith.trunci %[[E]] : i8 to i1
// CHECK:           %[[T:.*]] = arith.xori %[[B]], %{{.*}} : i1
// CHECK:           %[[W:.*]] = arith.extui %[[T]] : i1 to i8
// CHECK:           %[[V:.*]] = tensor.from_elements %[[W]] : tensor<i8>
// CHECK:           scf.yield %[[V]] : tensor<i8>
// CHECK:         return %[[R]] : tensor<i8>
func.func @loop_carried_flag(%f: tensor<i1>, %n: index) -> tensor<i1> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %true = arith.constant true
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %f) -> (tensor<i1>) {
    %e = tensor.extract %a[] : tensor<i1>
    %t = arith.xori %e, %true : i1
    %v = tensor.from_elements %t : tensor<i1>
    scf.yield %v : tensor<i1>
  }
  return %r : tensor<i1>
}
