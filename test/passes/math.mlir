// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Unsigned operands pick the unsigned arith op; the pass output is signless throughout.
// CHECK-LABEL: func.func @div_unsigned
// CHECK-SAME:    (%[[A:.*]]: tensor<4xi8>, %[[B:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NOT:     ui8
// CHECK:         linalg.generic
// CHECK:           arith.divui
// CHECK-NOT:     ui8
func.func @div_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = "nn.div"(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @compare_max_unsigned
// CHECK:         arith.cmpi ult
// CHECK:         arith.maxui
func.func @compare_max_unsigned(%a: tensor<4xui32>, %b: tensor<4xui32>) -> (tensor<4xi1>, tensor<4xui32>) {
  %0 = "nn.less"(%a, %b) : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xi1>
  %1 = "nn.max"(%a, %b) : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %0, %1 : tensor<4xi1>, tensor<4xui32>
}

// -----

// An unsigned constant keeps its bits in a signless type (200 : ui8 is -56 : i8).
// CHECK-LABEL: func.func @cast_unsigned_constant
// CHECK:         arith.constant dense<[1, -56]> : tensor<2xi8>
// CHECK:           arith.uitofp %{{.*}} : i8 to f32
func.func @cast_unsigned_constant() -> tensor<2xf32> {
  %c = "nn.constant"() {value = dense<[1, 200]> : tensor<2xui8>} : () -> tensor<2xui8>
  %0 = "nn.cast"(%c) {round_mode = "up", saturate = 1 : i64, to = f32} : (tensor<2xui8>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Integer division guards its divisor: no trap on 0 (result 0) or on INT_MIN / -1.
// CHECK-LABEL: func.func @div_signed_guarded
// CHECK:           %[[ZERO:.*]] = arith.cmpi eq
// CHECK:           %[[D:.*]] = arith.select
// CHECK:           %[[Q:.*]] = arith.divsi %{{.*}}, %[[D]] : i32
// CHECK:           arith.select %[[ZERO]], %{{.*}}, %[[Q]]
func.func @div_signed_guarded(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "nn.div"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// fmod = 0: the remainder takes the divisor's sign.
// CHECK-LABEL: func.func @mod_floored
// CHECK:           %[[R:.*]] = arith.remsi
// CHECK:           arith.addi %[[R]]
// CHECK:         linalg.generic
// CHECK:           arith.remf
// CHECK:           arith.addf
func.func @mod_floored(%a: tensor<4xi16>, %b: tensor<4xi16>, %x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xi16>, tensor<4xf32>) {
  %0 = "nn.mod"(%a, %b) {fmod = 0 : i64} : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  %1 = "nn.mod"(%x, %y) {fmod = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi16>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @shifts
// CHECK:           arith.cmpi uge
// CHECK:           arith.shrsi
// CHECK:         linalg.generic
// CHECK:           arith.shrui
// CHECK:         linalg.generic
// CHECK:           arith.shli
func.func @shifts(%a: tensor<4xi8>, %u: tensor<4xui8>) -> (tensor<4xi8>, tensor<4xui8>, tensor<4xui8>) {
  %0 = "nn.bit_shift"(%a, %a) {direction = "RIGHT"} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = "nn.bit_shift"(%u, %u) {direction = "RIGHT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %2 = "nn.bit_shift"(%u, %u) {direction = "LEFT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2 : tensor<4xi8>, tensor<4xui8>, tensor<4xui8>
}

// -----

// f16 / bf16 bodies compute in f32.
// CHECK-LABEL: func.func @sin_f16
// CHECK:           %[[E:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK:           %[[S:.*]] = math.sin %[[E]] : f32
// CHECK:           arith.truncf %[[S]] : f32 to f16
func.func @sin_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = "nn.sin"(%x) : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// A run-time Clip bound is a 0-d operand of the generic, read through a map with no results.
// CHECK-DAG:   #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @clip_run_time
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #{{.*}}]
// CHECK:           arith.maxsi
func.func @clip_run_time(%x: tensor<2x3xi64>, %lo: tensor<i64>) -> tensor<2x3xi64> {
  %0 = "nn.clip"(%x, %lo) {operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<2x3xi64>, tensor<i64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// Integer ** integer squares and multiplies in an scf.while.
// CHECK-LABEL: func.func @pow_int
// CHECK:         linalg.generic
// CHECK:           scf.while
// CHECK:             arith.muli
func.func @pow_int(%x: tensor<4xi32>, %e: tensor<4xi64>) -> tensor<4xi32> {
  %0 = "nn.pow"(%x, %e) : (tensor<4xi32>, tensor<4xi64>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @activations
// CHECK:         arith.cmpf oeq
// CHECK:         linalg.generic
// CHECK:           arith.cmpf olt
// CHECK:           arith.mulf
// CHECK:           arith.select
func.func @activations(%x: tensor<4xf32>, %s: tensor<1xf32>) -> (tensor<4xi1>, tensor<4xf32>) {
  %0 = "nn.is_inf"(%x) {detect_negative = 1 : i64, detect_positive = 0 : i64} : (tensor<4xf32>) -> tensor<4xi1>
  %1 = "nn.prelu"(%x, %s) : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi1>, tensor<4xf32>
}

// -----

// An unsigned dense_resource constant becomes a signless dense constant with the same bits.
// CHECK-LABEL: func.func @unsigned_resource
// CHECK:         arith.constant dense<[1, -56, -1, 3]> : tensor<4xi8>
// CHECK:           arith.cmpi ult
func.func @unsigned_resource(%x: tensor<4xui8>) -> tensor<4xi1> {
  %c = "nn.constant"() {value = dense_resource<w0> : tensor<4xui8>} : () -> tensor<4xui8>
  %0 = "nn.less"(%x, %c) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

{-#
  dialect_resources: {
    builtin: {
      w0: "0x0100000001C8FF03"
    }
  }
#-}
