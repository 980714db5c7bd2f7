// strata-opt runs upstream passes given as flags, in mlir-opt's spellings, and keeps nn ops.
// RUN: strata-opt %s --canonicalize | FileCheck %s
// RUN: strata-opt %s -canonicalize | FileCheck %s
// RUN: strata-opt %s --canonicalize=max-iterations=2 | FileCheck %s
// RUN: strata-opt %s '--canonicalize{max-iterations=2}' | FileCheck %s

// CHECK-LABEL: func.func @fold
// CHECK-NEXT:    %[[C:.*]] = arith.constant 3 : i32
// CHECK-NEXT:    return %[[C]] : i32
func.func @fold() -> i32 {
  %a = arith.constant 1 : i32
  %b = arith.constant 2 : i32
  %c = arith.addi %a, %b : i32
  return %c : i32
}

// CHECK-LABEL: func.func @keeps_nn
// CHECK-NEXT:    %[[Y:.*]] = "nn.relu"(%arg0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @keeps_nn(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = "nn.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
