// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// Grouped-query attention with a causal frontier and a boolean mask: the key / value heads
// are read through a floordiv map, the bias comes from the mask and the iteration indices,
// the softmax guards rows that are masked everywhere.
// CHECK-DAG:   #[[KV:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d3, d4)>
// CHECK-DAG:   #[[MASK:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @gqa_causal
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x4x3x8xf32>, %[[K:.*]]: tensor<1x2x5x8xf32>, %[[V:.*]]: tensor<1x2x5x6xf32>, %[[M:.*]]: tensor<3x5xi1>)
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[KV]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[Q]], %[[K]] :
// CHECK:         %[[B:.*]] = linalg.generic {indexing_maps = [#[[MASK]], #{{.*}}]{{.*}} ins(%[[M]] : tensor<3x5xi1>)
// CHECK:           linalg.index 2
// CHECK:           linalg.index 3
// CHECK:           arith.cmpi sle
// CHECK:         %[[L:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[B]] :
// CHECK:         %[[MAX:.*]] = linalg.generic {{.*}} ins(%[[L]] : tensor<1x4x3x5xf32>) outs(%{{.*}} : tensor<1x4x3xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[E:.*]] = linalg.generic {{.*}} ins(%[[L]], %[[MAX]] :
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[E]] :
// CHECK:         %[[BMAX:.*]] = linalg.generic {{.*}} ins(%[[B]] :
// CHECK:         %[[P:.*]] = linalg.generic {{.*}} ins(%[[E]], %[[SUM]], %[[BMAX]] :
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[KV]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[P]], %[[V]] :
func.func @gqa_causal(%q: tensor<1x4x3x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x6xf32>, %m: tensor<3x5xi1>) -> tensor<1x4x3x6xf32> {
  %0:4 = "nn.attention"(%q, %k, %v, %m) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0, 0>, scale = 0.35355339 : f32, is_causal = 1 : i64, softcap = 0.0 : f32, softmax_precision = 1 : i64, qk_matmul_output_mode = 0 : i64, left_window_size = -1 : i64, right_window_size = -1 : i64} : (tensor<1x4x3x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x6xf32>, tensor<3x5xi1>) -> (tensor<1x4x3x6xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x6xf32>, tensor<1x4x3x5xf32>)
  return %0#0 : tensor<1x4x3x6xf32>
}

// -----

// A past is concatenated in front of the new keys (present_key); a short float mask is padded
// with -inf up to the total length; dynamic batch and sequence sizes.
// CHECK-LABEL: func.func @past_dynamic
// CHECK-SAME:    (%[[Q:.*]]: tensor<?x2x?x4xf32>, %[[K:.*]]: tensor<?x2x?x4xf32>, %[[V:.*]]: tensor<?x2x?x4xf32>, %[[M:.*]]: tensor<?x3xf32>, %[[PK:.*]]: tensor<?x2x?x4xf32>, %[[PV:.*]]: tensor<?x2x?x4xf32>)
// CHECK:         %[[E:.*]] = tensor.empty({{.*}}) : tensor<?x2x?x4xf32>
// CHECK:         %[[K1:.*]] = tensor.insert_slice %[[PK]] into %[[E]]
// CHECK:         %[[KEYS:.*]] = tensor.insert_slice %[[K]] into %[[K1]]
// CHECK:         tensor.pad %[[M]] low[0, 0] high[0, %{{.*}}]
// CHECK:           tensor.yield %{{.*}} : f32
// CHECK:         return %{{.*}}, %[[KEYS]]
func.func @past_dynamic(%q: tensor<?x2x?x4xf32>, %k: tensor<?x2x?x4xf32>, %v: tensor<?x2x?x4xf32>, %m: tensor<?x3xf32>, %pk: tensor<?x2x?x4xf32>, %pv: tensor<?x2x?x4xf32>) -> (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) {
  %0:4 = "nn.attention"(%q, %k, %v, %m, %pk, %pv) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 0>, scale = 0.5 : f32, is_causal = 0 : i64, softcap = 0.0 : f32, softmax_precision = 1 : i64, qk_matmul_output_mode = 0 : i64, left_window_size = -1 : i64, right_window_size = -1 : i64} : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x3xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x?xf32>)
  return %0#0, %0#1 : tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>
}

// -----

// Linear attention (gated delta rule) over a dynamic time axis: one scf.for over time carries
// the f32 state and the output; the state updates write in place into the carried tensor.
// CHECK-LABEL: func.func @linear_attention
// CHECK:         %[[T:.*]] = tensor.dim %arg0, %{{.*}} : tensor<2x?x16xf32>
// CHECK:         %[[LOOP:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %[[T]] step %{{.*}} iter_args(%[[S:.*]] = %{{.*}}, %[[O:.*]] = %{{.*}}) -> (tensor<2x2x4x6xf32>, tensor<2x?x4x6xf32>)
// CHECK:           tensor.extract_slice %{{.*}}[0, %[[I]], 0, 0]
// CHECK:           %[[D:.*]] = linalg.generic {{.*}} outs(%[[S]] : tensor<2x2x4x6xf32>)
// CHECK:           %[[U:.*]] = linalg.generic {{.*}} outs(%[[D]] : tensor<2x2x4x6xf32>)
// CHECK:           %[[INS:.*]] = tensor.insert_slice %{{.*}} into %[[O]][0, %[[I]], 0, 0]
// CHECK:           scf.yield %[[U]], %[[INS]]
func.func @linear_attention(%q: tensor<2x?x16xf32>, %k: tensor<2x?x8xf32>, %v: tensor<2x?x12xf32>, %d: tensor<2x?x2xf32>, %b: tensor<2x?x1xf32>) -> (tensor<2x?x24xf32>, tensor<2x2x4x6xf32>) {
  %0:2 = "nn.linear_attention"(%q, %k, %v, %d, %b) {kv_num_heads = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1>, q_num_heads = 4 : i64, scale = 0.0 : f32, update_rule = "gated_delta"} : (tensor<2x?x16xf32>, tensor<2x?x8xf32>, tensor<2x?x12xf32>, tensor<2x?x2xf32>, tensor<2x?x1xf32>) -> (tensor<2x?x24xf32>, tensor<2x2x4x6xf32>)
  return %0#0, %0#1 : tensor<2x?x24xf32>, tensor<2x2x4x6xf32>
}
