// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// GatherND: a generic over the result reads its k = 2 data coordinates from the indices.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME:    (%[[D:.*]]: tensor<2x3x4xf32>, %[[I:.*]]: tensor<5x2xi64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<5x4xf32>)
// CHECK:           %[[R:.*]] = linalg.index 0 : index
// CHECK:           tensor.extract %[[I]][%[[R]], %{{.*}}] : tensor<5x2xi64>
// CHECK:           tensor.extract %[[I]][%[[R]], %{{.*}}] : tensor<5x2xi64>
// CHECK:           tensor.extract %[[D]][%{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x3x4xf32>
func.func @gather_nd(%d: tensor<2x3x4xf32>, %i: tensor<5x2xi64>) -> tensor<5x4xf32> {
  %0 = "nn.gather_nd"(%d, %i) {batch_dims = 0 : i64} : (tensor<2x3x4xf32>, tensor<5x2xi64>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

// OneHot: compare the position along the new axis with the wrapped index.
// CHECK-DAG:   #[[DROP:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @one_hot
// CHECK-SAME:    (%[[I:.*]]: tensor<3xi64>, %[[V:.*]]: tensor<2xf32>)
// CHECK-DAG:     %[[OFF:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xf32>
// CHECK-DAG:     %[[ON:.*]] = tensor.extract %[[V]][%{{.*}}] : tensor<2xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[DROP]], #{{.*}}]{{.*}} ins(%[[I]] : tensor<3xi64>) outs(%{{.*}} : tensor<3x5xf32>)
// CHECK:           %[[HOT:.*]] = arith.cmpi eq
// CHECK:           arith.select %[[HOT]], %[[ON]], %[[OFF]] : f32
func.func @one_hot(%i: tensor<3xi64>, %v: tensor<2xf32>) -> tensor<3x5xf32> {
  %0 = "nn.one_hot"(%i, %v) {depth = 5 : i64, axis = -1 : i64} : (tensor<3xi64>, tensor<2xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// ScatterElements: an scf.for nest over the updates carrying the result; add reads, combines
// and writes back.
// CHECK-LABEL: func.func @scatter_elements_add
// CHECK-SAME:    (%[[D:.*]]: tensor<3x3xf32>, %[[I:.*]]: tensor<2x3xi64>, %[[U:.*]]: tensor<2x3xf32>)
// CHECK:         scf.for %[[A:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %[[D]]) -> (tensor<3x3xf32>)
// CHECK:           scf.for %[[B:.*]] = {{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (tensor<3x3xf32>)
// CHECK:             tensor.extract %[[I]][%[[A]], %[[B]]]
// CHECK:             %[[NEW:.*]] = tensor.extract %[[U]][%[[A]], %[[B]]]
// CHECK:             %[[OLD:.*]] = tensor.extract %[[ACC2]]
// CHECK:             %[[SUM:.*]] = arith.addf %[[OLD]], %[[NEW]] : f32
// CHECK:             tensor.insert %[[SUM]] into %[[ACC2]]
func.func @scatter_elements_add(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %0 = "nn.scatter_elements"(%d, %i, %u) {axis = 0 : i64, reduction = "add"} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// ScatterND with reduction none: the update slice overwrites the indexed rows.
// CHECK-LABEL: func.func @scatter_nd
// CHECK-SAME:    (%[[D:.*]]: tensor<4x5xf32>, %[[I:.*]]: tensor<2x1xi64>, %[[U:.*]]: tensor<2x5xf32>)
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             %[[ROW:.*]] = tensor.extract %[[I]][%{{.*}}, %{{.*}}] : tensor<2x1xi64>
// CHECK:             %[[V:.*]] = tensor.extract %[[U]]
// CHECK-NOT:         arith.addf
// CHECK:             tensor.insert %[[V]]
func.func @scatter_nd(%d: tensor<4x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x5xf32>) -> tensor<4x5xf32> {
  %0 = "nn.scatter_nd"(%d, %i, %u) {reduction = "none"} : (tensor<4x5xf32>, tensor<2x1xi64>, tensor<2x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// TensorScatter: each result element picks the update inside the written run, else the cache.
// CHECK-LABEL: func.func @tensor_scatter
// CHECK-SAME:    (%[[C:.*]]: tensor<2x6x3xf32>, %[[U:.*]]: tensor<2x2x3xf32>, %[[W:.*]]: tensor<2xi64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<2x6x3xf32>)
// CHECK:           tensor.extract %[[W]]
// CHECK:           arith.remsi
// CHECK:           %[[NEW:.*]] = tensor.extract %[[U]]
// CHECK:           %[[OLD:.*]] = tensor.extract %[[C]]
// CHECK:           arith.select %{{.*}}, %[[NEW]], %[[OLD]] : f32
func.func @tensor_scatter(%c: tensor<2x6x3xf32>, %u: tensor<2x2x3xf32>, %w: tensor<2xi64>) -> tensor<2x6x3xf32> {
  %0 = "nn.tensor_scatter"(%c, %u, %w) {axis = -2 : i64, mode = "circular"} : (tensor<2x6x3xf32>, tensor<2x2x3xf32>, tensor<2xi64>) -> tensor<2x6x3xf32>
  return %0 : tensor<2x6x3xf32>
}
