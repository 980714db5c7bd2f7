// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// QuantizeLinear, blocked (4 along axis 1), dynamic rows: the scale and zero point are read
// at (i, j floordiv 4); round half to even, + zero point in i32, clamp to i8's range.
// CHECK-LABEL: func.func @quantize_blocked
// CHECK-SAME:    (%[[X:.*]]: tensor<?x6xf32>, %[[S:.*]]: tensor<?x2xf32>, %[[Z:.*]]: tensor<?x2xi8>)
// CHECK:         linalg.generic {{.*}} ins(%[[X]] : tensor<?x6xf32>) outs(%{{.*}} : tensor<?x6xi8>)
// CHECK:           %[[J:.*]] = linalg.index 1 : index
// CHECK:           %[[B:.*]] = arith.divui %[[J]], %{{.*}} : index
// CHECK:           %[[SC:.*]] = tensor.extract %[[S]][%{{.*}}, %[[B]]] : tensor<?x2xf32>
// CHECK:           %[[ZP:.*]] = tensor.extract %[[Z]]
// CHECK:           %[[Q:.*]] = arith.divf %{{.*}}, %[[SC]] : f32
// CHECK:           math.roundeven %[[Q]] : f32
// CHECK:           %[[I:.*]] = arith.fptosi %{{.*}} : f32 to i32
// CHECK:           %[[ZI:.*]] = arith.extsi %[[ZP]] : i8 to i32
// CHECK:           %[[SUM:.*]] = arith.addi %[[I]], %[[ZI]] : i32
// CHECK:           arith.maxsi %[[SUM]], %{{.*}} : i32
// CHECK:           arith.trunci %{{.*}} : i32 to i8
func.func @quantize_blocked(%x: tensor<?x6xf32>, %s: tensor<?x2xf32>, %z: tensor<?x2xi8>) -> tensor<?x6xi8> {
  %0 = "nn.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 4 : i64, output_dtype = i8, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<?x6xf32>, tensor<?x2xf32>, tensor<?x2xi8>) -> tensor<?x6xi8>
  return %0 : tensor<?x6xi8>
}

// -----

// QuantizeLinear per axis in f16: the scale is read at d0, the quotient rounds to f16 (numpy's
// f16 division), the unsigned zero point widens with extui and the range is [0, 255].
// CHECK-DAG:   #[[AXIS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @quantize_axis
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS]], #[[AXIS]], #{{.*}}]
// CHECK:           %[[D:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK:           arith.truncf %[[D]] : f32 to f16
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:           %[[C255:.*]] = arith.constant 255 : i32
// CHECK:           arith.minsi %{{.*}}, %[[C255]] : i32
func.func @quantize_axis(%x: tensor<3x4xf16>, %s: tensor<3xf16>, %z: tensor<3xui8>) -> tensor<3x4xui8> {
  %0 = "nn.quantize_linear"(%x, %s, %z) {axis = 0 : i64, block_size = 0 : i64, output_dtype = ui8, precision = f16, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3x4xf16>, tensor<3xf16>, tensor<3xui8>) -> tensor<3x4xui8>
  return %0 : tensor<3x4xui8>
}

// -----

// DequantizeLinear of i32 with an i32 zero point: x in f32, then f64 (numpy promotes
// float32 - int32 to float64), times the scale, rounded to f32.
// CHECK-DAG:   #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @dequantize_tensor
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #[[SCALAR]], #{{.*}}]
// CHECK:           %[[XF:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK:           %[[XD:.*]] = arith.extf %[[XF]] : f32 to f64
// CHECK:           %[[ZD:.*]] = arith.sitofp %{{.*}} : i32 to f64
// CHECK:           %[[DIFF:.*]] = arith.subf %[[XD]], %[[ZD]] : f64
// CHECK:           %[[P:.*]] = arith.mulf %[[DIFF]], %{{.*}} : f64
// CHECK:           arith.truncf %[[P]] : f64 to f32
func.func @dequantize_tensor(%x: tensor<2x5xi32>, %s: tensor<f32>, %z: tensor<i32>) -> tensor<2x5xf32> {
  %0 = "nn.dequantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, output_dtype = f32, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<2x5xi32>, tensor<f32>, tensor<i32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}
