// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Tile: broadcast over (repeat, dim) pairs, then merge each pair.
// CHECK-DAG:   #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-LABEL: func.func @tile
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK:         %[[B:.*]] = linalg.generic {indexing_maps = [#[[IN]], #{{.*}}]{{.*}} ins(%[[X]] : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x2x1x3xf32>)
// CHECK:         tensor.collapse_shape %[[B]] {{\[\[}}0, 1], [2, 3]] : tensor<2x2x1x3xf32> into tensor<4x3xf32>
func.func @tile(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %0 = "nn.tile"(%x) {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Run-time repeats: the broadcast dims are read from the repeats tensor.
// CHECK-LABEL: func.func @dynamic_tile
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>, %[[R:.*]]: tensor<2xi64>)
// CHECK:         tensor.extract %[[R]]
// CHECK:         tensor.extract %[[R]]
// CHECK:         %[[B:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x2x?x3xf32>)
// CHECK:         tensor.collapse_shape %[[B]] {{\[\[}}0, 1], [2, 3]] : tensor<?x2x?x3xf32> into tensor<?x?xf32>
func.func @dynamic_tile(%x: tensor<2x3xf32>, %r: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = "nn.dynamic_tile"(%x, %r) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// DepthToSpace (DCR): split the channels, transpose, merge the blocks into H and W.
// CHECK-LABEL: func.func @depth_to_space
// CHECK:         %[[E:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4], [5]] output_shape [1, 2, 2, 2, 2, 3]
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[E]] : tensor<1x2x2x2x2x3xf32>) outs(%{{.*}} : tensor<1x2x2x2x3x2xf32>) permutation = [0, 3, 4, 1, 5, 2]
// CHECK:         tensor.collapse_shape %[[T]] {{\[\[}}0], [1], [2, 3], [4, 5]] : tensor<1x2x2x2x3x2xf32> into tensor<1x2x4x6xf32>
func.func @depth_to_space(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = "nn.depth_to_space"(%x) {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// -----

// SpaceToDepth (CRD): the block offsets go after the channel.
// CHECK-LABEL: func.func @space_to_depth
// CHECK:         linalg.transpose {{.*}} permutation = [0, 1, 3, 5, 2, 4]
// CHECK:         tensor.collapse_shape {{.*}} into tensor<1x8x2x3xf32>
func.func @space_to_depth(%x: tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32> {
  %0 = "nn.space_to_depth"(%x) {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// -----

// ReverseSequence: read the mirrored time index inside the batch's length.
// CHECK-LABEL: func.func @reverse_sequence
// CHECK-SAME:    (%[[X:.*]]: tensor<4x3xf32>, %[[L:.*]]: tensor<3xi64>)
// CHECK:         linalg.generic
// CHECK:           %[[T:.*]] = linalg.index 0 : index
// CHECK:           tensor.extract %[[L]]
// CHECK:           %[[IN:.*]] = arith.cmpi slt, %[[T]]
// CHECK:           %[[SRC:.*]] = arith.select %[[IN]]
// CHECK:           tensor.extract %[[X]][%[[SRC]], %{{.*}}]
func.func @reverse_sequence(%x: tensor<4x3xf32>, %l: tensor<3xi64>) -> tensor<4x3xf32> {
  %0 = "nn.reverse_sequence"(%x, %l) {batch_axis = 1 : i64, time_axis = 0 : i64} : (tensor<4x3xf32>, tensor<3xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Trilu (lower, k read at run time): keep where col - row <= k.
// CHECK-LABEL: func.func @trilu
// CHECK-SAME:    (%[[X:.*]]: tensor<4x5xf32>, %[[K:.*]]: tensor<i64>)
// CHECK:         %[[KV:.*]] = tensor.extract %[[K]][] : tensor<i64>
// CHECK:         linalg.generic {{.*}} ins(%[[X]] : tensor<4x5xf32>)
// CHECK:           %[[R:.*]] = linalg.index 0 : index
// CHECK:           %[[C:.*]] = linalg.index 1 : index
// CHECK:           arith.subi %[[C]], %[[R]] : index
// CHECK:           arith.cmpi sle, %{{.*}}, %[[KV]] : i64
func.func @trilu(%x: tensor<4x5xf32>, %k: tensor<i64>) -> tensor<4x5xf32> {
  %0 = "nn.trilu"(%x, %k) {upper = 0 : i64} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// EyeLike: ones where col - row == k, in the requested element type.
// CHECK-LABEL: func.func @eye_like
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<3x4xi32>)
// CHECK:           arith.cmpi eq, %{{.*}}, %c1_i64 : i64
func.func @eye_like(%x: tensor<3x4xf32>) -> tensor<3x4xi32> {
  %0 = "nn.eye_like"(%x) {dtype = i32, k = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// -----

// CenterCropPad with a run-time target: slice the centred window, pad the rest.
// CHECK-LABEL: func.func @center_crop_pad
// CHECK-SAME:    (%[[X:.*]]: tensor<5x6x3xf32>, %[[S:.*]]: tensor<2xi64>)
// CHECK:         %[[W:.*]] = tensor.extract_slice %[[X]][%{{.*}}, %{{.*}}, 0] [%{{.*}}, %{{.*}}, 3] [1, 1, 1]
// CHECK:         tensor.pad %[[W]] low[%{{.*}}, %{{.*}}, 0] high[%{{.*}}, %{{.*}}, 0]
func.func @center_crop_pad(%x: tensor<5x6x3xf32>, %s: tensor<2xi64>) -> tensor<?x?x3xf32> {
  %0 = "nn.center_crop_pad"(%x, %s) {axes = array<i64: 0, 1>} : (tensor<5x6x3xf32>, tensor<2xi64>) -> tensor<?x?x3xf32>
  return %0 : tensor<?x?x3xf32>
}
