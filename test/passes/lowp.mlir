// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// float -> float8: the f32 bits are rounded to nearest even as integers (normal results) or
// the value scaled to the subnormal step and rounded (math.roundeven); the result is the
// i8 storage byte. No f8 type is left below nn.
// CHECK-LABEL: func.func @cast_to_e4m3fn
// CHECK-SAME:    (%{{.*}}: tensor<?x3xf32>) -> tensor<?x3xi8>
// CHECK-NOT:     f8E4M3FN
// CHECK:         linalg.generic
// CHECK:           arith.bitcast %{{.*}} : f32 to i32
// CHECK:           math.roundeven
// CHECK:           arith.trunci %{{.*}} : i32 to i8
// CHECK-NOT:     f8E4M3FN
func.func @cast_to_e4m3fn(%x: tensor<?x3xf32>) -> tensor<?x3xf8E4M3FN> {
  %0 = "nn.cast"(%x) {round_mode = "up", saturate = 0 : i64, to = f8E4M3FN} : (tensor<?x3xf32>) -> tensor<?x3xf8E4M3FN>
  return %0 : tensor<?x3xf8E4M3FN>
}

// -----

// float8 -> f16: decoded to f32 bits exactly, then rounded once to f16.
// CHECK-LABEL: func.func @cast_from_e5m2
// CHECK-SAME:    (%{{.*}}: tensor<4xi8>) -> tensor<4xf16>
// CHECK:         linalg.generic
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:           arith.bitcast %{{.*}} : i32 to f32
// CHECK:           arith.truncf %{{.*}} : f32 to f16
func.func @cast_from_e5m2(%x: tensor<4xf8E5M2>) -> tensor<4xf16> {
  %0 = "nn.cast"(%x) {round_mode = "up", saturate = 1 : i64, to = f16} : (tensor<4xf8E5M2>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// int4 is the low nibble of its byte: sign-extended by shifts, results masked to 4 bits.
// CHECK-LABEL: func.func @cast_int4_to_uint2
// CHECK-SAME:    (%{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK:         linalg.generic
// CHECK:           %[[C4:.*]] = arith.constant 4 : i8
// CHECK:           %[[S:.*]] = arith.shli %{{.*}}, %[[C4]] : i8
// CHECK:           arith.shrsi %[[S]], %[[C4]] : i8
// CHECK:           %[[M:.*]] = arith.constant 3 : i8
// CHECK:           arith.andi %{{.*}}, %[[M]] : i8
func.func @cast_int4_to_uint2(%x: tensor<4xi4>) -> tensor<4xui2> {
  %0 = "nn.cast"(%x) {round_mode = "up", saturate = 1 : i64, to = ui2} : (tensor<4xi4>) -> tensor<4xui2>
  return %0 : tensor<4xui2>
}

// -----

// A float8 constant becomes its storage bytes (1.0 in e4m3fn is 0x38; NaN 0x7F).
// CHECK-LABEL: func.func @constant_e4m3fn
// CHECK:         arith.constant dense<[56, 127]> : tensor<2xi8>
func.func @constant_e4m3fn() -> tensor<2xf32> {
  %c = "nn.constant"() {value = dense<[1.0, 0x7F]> : tensor<2xf8E4M3FN>} : () -> tensor<2xf8E4M3FN>
  %0 = "nn.cast"(%c) {round_mode = "up", saturate = 1 : i64, to = f32} : (tensor<2xf8E4M3FN>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// nn.bit_cast: arith.bitcast between equally wide types; float8 <-> ui8 keeps the byte.
// CHECK-LABEL: func.func @bit_cast
// CHECK-SAME:    (%[[X:.*]]: tensor<2x?xf32>, %[[Y:.*]]: tensor<3xi8>) -> (tensor<2x?xi32>, tensor<3xi8>)
// CHECK:         linalg.generic
// CHECK:           arith.bitcast %{{.*}} : f32 to i32
// CHECK-NOT:     linalg.generic
// CHECK:         return %{{.*}}, %[[Y]] : tensor<2x?xi32>, tensor<3xi8>
func.func @bit_cast(%x: tensor<2x?xf32>, %y: tensor<3xf8E4M3FN>) -> (tensor<2x?xi32>, tensor<3xui8>) {
  %0 = "nn.bit_cast"(%x) {to = i32} : (tensor<2x?xf32>) -> tensor<2x?xi32>
  %1 = "nn.bit_cast"(%y) {to = ui8} : (tensor<3xf8E4M3FN>) -> tensor<3xui8>
  return %0, %1 : tensor<2x?xi32>, tensor<3xui8>
}
