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

// -----

// QuantizeLinear to int4 per axis: the zero point's storage byte is sign-extended from its
// low 4 bits, the sum clamps to [-8, 7] and the result keeps the low 4 bits of its byte.
// CHECK-LABEL: func.func @quantize_int4_axis
// CHECK-SAME:    (%{{.*}}: tensor<3x4xf32>, %{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xi8>) -> tensor<3x4xi8>
// CHECK:         linalg.generic
// CHECK:         ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[Z:.*]]: i8, %{{.*}}: i8):
// CHECK:           %[[Q:.*]] = arith.fptosi %{{.*}} : f32 to i32
// CHECK:           %[[C4:.*]] = arith.constant 4 : i8
// CHECK:           %[[ZL:.*]] = arith.shli %[[Z]], %[[C4]] : i8
// CHECK:           %[[ZS:.*]] = arith.shrsi %[[ZL]], %[[C4]] : i8
// CHECK:           %[[ZI:.*]] = arith.extsi %[[ZS]] : i8 to i32
// CHECK:           %[[SUM:.*]] = arith.addi %[[Q]], %[[ZI]] : i32
// CHECK:           %[[LO:.*]] = arith.constant -8 : i32
// CHECK:           %[[MAX:.*]] = arith.maxsi %[[SUM]], %[[LO]] : i32
// CHECK:           %[[HI:.*]] = arith.constant 7 : i32
// CHECK:           %[[MIN:.*]] = arith.minsi %[[MAX]], %[[HI]] : i32
// CHECK:           %[[T:.*]] = arith.trunci %[[MIN]] : i32 to i8
// CHECK:           %[[M:.*]] = arith.constant 15 : i8
// CHECK:           %[[Y:.*]] = arith.andi %[[T]], %[[M]] : i8
// CHECK:           linalg.yield %[[Y]] : i8
func.func @quantize_int4_axis(%x: tensor<3x4xf32>, %s: tensor<3xf32>, %z: tensor<3xi4>) -> tensor<3x4xi4> {
  %0 = "nn.quantize_linear"(%x, %s, %z) {axis = 0 : i64, block_size = 0 : i64, output_dtype = i4, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<3x4xf32>, tensor<3xf32>, tensor<3xi4>) -> tensor<3x4xi4>
  return %0 : tensor<3x4xi4>
}

// -----

// QuantizeLinear to float8 e4m3fn, saturating: the quotient's f32 bits are rounded to 3
// mantissa bits; overflow gives the largest finite 0x7E, NaN 0x7F. The float8 zero point is
// not read (onnx.reference ignores it).
// CHECK-LABEL: func.func @quantize_e4m3fn
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}}, %{{.*}} : tensor<5xf32>, tensor<f32>) outs(%{{.*}} : tensor<5xi8>)
// CHECK:           %[[Q:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK:           arith.bitcast %[[Q]] : f32 to i32
// CHECK:           %[[MAXE:.*]] = arith.constant 126 : i32
// CHECK:           %[[OVER:.*]] = arith.cmpi ugt, %{{.*}}, %[[MAXE]] : i32
// CHECK:           arith.select %[[OVER]], %{{.*}}, %{{.*}} : i32
// CHECK:           %[[NAN:.*]] = arith.constant 127 : i32
// CHECK:           arith.select %{{.*}}, %[[NAN]], %{{.*}} : i32
// CHECK:           %[[Y:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK:           linalg.yield %[[Y]] : i8
func.func @quantize_e4m3fn(%x: tensor<5xf32>, %s: tensor<f32>, %z: tensor<1xf8E4M3FN>) -> tensor<5xf8E4M3FN> {
  %0 = "nn.quantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 0 : i64, output_dtype = f8E4M3FN, precision = f32, saturate = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<5xf32>, tensor<f32>, tensor<1xf8E4M3FN>) -> tensor<5xf8E4M3FN>
  return %0 : tensor<5xf8E4M3FN>
}

// -----

// DequantizeLinear of uint4, blocked (4 along axis 1), dynamic rows: x and the zero point
// (read at (i, j floordiv 4) from its storage tensor) keep their low 4 bits.
// CHECK-LABEL: func.func @dequantize_uint4_blocked
// CHECK-SAME:    (%[[X:.*]]: tensor<?x6xi8>, %[[S:.*]]: tensor<?x2xf32>, %[[Z:.*]]: tensor<?x2xi8>) -> tensor<?x6xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[X]] : tensor<?x6xi8>) outs(%{{.*}} : tensor<?x6xf32>)
// CHECK:         ^bb0(%[[XV:.*]]: i8, %{{.*}}: f32):
// CHECK:           %[[SC:.*]] = tensor.extract %[[S]]
// CHECK:           %[[ZP:.*]] = tensor.extract %[[Z]][%{{.*}}, %{{.*}}] : tensor<?x2xi8>
// CHECK:           %[[XL:.*]] = arith.andi %[[XV]], %{{.*}} : i8
// CHECK:           %[[XF:.*]] = arith.sitofp %[[XL]] : i8 to f32
// CHECK:           %[[ZL:.*]] = arith.andi %[[ZP]], %{{.*}} : i8
// CHECK:           %[[ZF:.*]] = arith.sitofp %[[ZL]] : i8 to f32
// CHECK:           %[[D:.*]] = arith.subf %[[XF]], %[[ZF]] : f32
// CHECK:           arith.mulf %[[D]], %[[SC]] : f32
func.func @dequantize_uint4_blocked(%x: tensor<?x6xui4>, %s: tensor<?x2xf32>, %z: tensor<?x2xui4>) -> tensor<?x6xf32> {
  %0 = "nn.dequantize_linear"(%x, %s, %z) {axis = 1 : i64, block_size = 4 : i64, output_dtype = f32, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<?x6xui4>, tensor<?x2xf32>, tensor<?x2xui4>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

// DequantizeLinear of float4 e2m1 to f16: x decodes exactly to f32 (the zero point is not
// read), times the scale, rounded to f16.
// CHECK-LABEL: func.func @dequantize_float4
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}}, %{{.*}} : tensor<5xi8>, tensor<f32>) outs(%{{.*}} : tensor<5xf16>)
// CHECK:         ^bb0(%{{.*}}: i8, %[[SC:.*]]: f32, %{{.*}}: f16):
// CHECK:           %[[XF:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK:           %[[P:.*]] = arith.mulf %[[XF]], %[[SC]] : f32
// CHECK:           arith.truncf %[[P]] : f32 to f16
func.func @dequantize_float4(%x: tensor<5xf4E2M1FN>, %s: tensor<f32>, %z: tensor<1xf4E2M1FN>) -> tensor<5xf16> {
  %0 = "nn.dequantize_linear"(%x, %s, %z) {axis = 0 : i64, block_size = 0 : i64, output_dtype = f16, operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<5xf4E2M1FN>, tensor<f32>, tensor<1xf4E2M1FN>) -> tensor<5xf16>
  return %0 : tensor<5xf16>
}
