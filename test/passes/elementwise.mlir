// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Broadcasting: the [4] operand is read through a map that drops the leading dims.
// CHECK-DAG:   #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME:    (%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[LAST]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:      ins(%[[A]], %[[B]] : tensor<2x3x4xf32>, tensor<4xf32>) outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK:           arith.addf
// CHECK:         return %[[R]]
func.func @add_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = "nn.add"(%a, %b) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// A size-1 dim that broadcasts is read at constant index 0.
// CHECK-DAG:   #[[ONE:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @sub_int_size_one
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[ONE]], #{{.*}}]
// CHECK:           arith.subi
func.func @sub_int_size_one(%a: tensor<3x4xi64>, %b: tensor<1x4xi64>) -> tensor<3x4xi64> {
  %0 = "nn.sub"(%a, %b) : (tensor<3x4xi64>, tensor<1x4xi64>) -> tensor<3x4xi64>
  return %0 : tensor<3x4xi64>
}

// -----

// CHECK-LABEL: func.func @div_int_is_signed
// CHECK:         arith.divsi
func.func @div_int_is_signed(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = "nn.div"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @compare
// CHECK:         linalg.generic
// CHECK:           arith.cmpf olt
// CHECK:         } -> tensor<2x4xi1>
// CHECK:         linalg.generic
// CHECK:           arith.cmpi sge
func.func @compare(%a: tensor<2x4xf32>, %b: tensor<4xf32>, %c: tensor<4xi64>) -> (tensor<2x4xi1>, tensor<4xi1>) {
  %0 = "nn.less"(%a, %b) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %1 = "nn.greater_or_equal"(%c, %c) : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  return %0, %1 : tensor<2x4xi1>, tensor<4xi1>
}

// -----

// erf, tanh and exp are arith-only approximations: no math.erf / math.tanh / math.exp.
// CHECK-LABEL: func.func @transcendental
// CHECK-NOT:     math.erf
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.exp
// CHECK:         arith.divf
// CHECK:         return
func.func @transcendental(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = "nn.erf"(%x) : (tensor<8xf32>) -> tensor<8xf32>
  %1 = "nn.tanh"(%0) : (tensor<8xf32>) -> tensor<8xf32>
  %2 = "nn.sigmoid"(%1) : (tensor<8xf32>) -> tensor<8xf32>
  return %2 : tensor<8xf32>
}

// -----

// Constant Clip bounds become scalar constants of the body.
// CHECK-LABEL: func.func @relu_clip
// CHECK:         linalg.generic
// CHECK:           %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:           arith.maximumf %{{.*}}, %[[Z]]
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{[^ ]*}} : tensor<8xf32>)
// CHECK:           arith.maximumf
// CHECK:           arith.minimumf
func.func @relu_clip(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = "nn.relu"(%x) : (tensor<8xf32>) -> tensor<8xf32>
  %lo = "nn.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %hi = "nn.constant"() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
  %1 = "nn.clip"(%0, %lo, %hi) {operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<8xf32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// A constant exponent 2 becomes a multiplication.
// CHECK-LABEL: func.func @pow_square
// CHECK-NOT:     math.powf
// CHECK:         arith.mulf %[[IN:.*]], %[[IN]] : f32
func.func @pow_square(%x: tensor<8xf32>) -> tensor<8xf32> {
  %e = "nn.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %0 = "nn.pow"(%x, %e) : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @where_and_cast
// CHECK:         arith.select
// CHECK:         arith.fptosi %{{.*}} : f32 to i64
// CHECK:         arith.uitofp %{{.*}} : i1 to f32
func.func @where_and_cast(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<1xf32>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xf32>) {
  %0 = "nn.where"(%c, %x, %y) : (tensor<4xi1>, tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %1 = "nn.cast"(%0) {round_mode = "up", saturate = 1 : i64, to = i64} : (tensor<4xf32>) -> tensor<4xi64>
  %2 = "nn.cast"(%c) {round_mode = "up", saturate = 1 : i64, to = f32} : (tensor<4xi1>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xi64>, tensor<4xf32>
}

// -----

// Pure PDL rules: identity forwards its operand, constant becomes arith.constant.
// CHECK-LABEL: func.func @identity_constant
// CHECK-SAME:    (%[[X:.*]]: tensor<2xf32>)
// CHECK:         %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK:         return %[[X]], %[[C]]
func.func @identity_constant(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = "nn.identity"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  %1 = "nn.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}
