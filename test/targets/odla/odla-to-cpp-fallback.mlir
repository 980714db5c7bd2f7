// A loop-path fallback with several results (TopK: values and indices): the CPU-compiled
// function writes both into one byte value, each result at a 64-byte aligned offset, and one
// odla_CustomCall per result copies its part out (with value reset, the byte value is
// released after the last part).
// RUN: strata-translate --odla-to-cpp %s --entry-func-name topk | FileCheck %s
// RUN: strata-translate --odla-to-cpp %s --entry-func-name topk --exec-mode=interpret --emit-value-reset | FileCheck %s --check-prefix=RESET

// CHECK:       extern "C" int topk_fallback_0__strata_run_packed(void* const* args);
// CHECK-NEXT:  static int topk_fallback_0_call(const void* const* in, void* out) {
// CHECK-NEXT:    void* args[] = {const_cast<void*>(in[0]), static_cast<char*>(out) + 0, static_cast<char*>(out) + 64};
// CHECK:       // result 0 of topk_fallback_0: its part of the results' buffer
// CHECK-NEXT:  static int topk_fallback_0_part0(const void* const* in, void* out) {
// CHECK-NEXT:    memcpy(out, static_cast<const char*>(in[0]) + 0, 24);
// CHECK:       static int topk_fallback_0_part1(const void* const* in, void* out) {
// CHECK-NEXT:    memcpy(out, static_cast<const char*>(in[0]) + 64, 48);
// CHECK:       // node 'top2' (nn.top_k, on Strata's loop path: topk_fallback_0): its 2 results in one buffer: uint8[128]
// CHECK-NEXT:  odla_value top2__results = odla_CustomCall({1, {relu}}, {ODLA_UINT8, {1, {128}}}, topk_fallback_0_call, (odla_value_id)"top2__results");
// CHECK-NEXT:  // result 0 of node 'top2': float32[3, 2]
// CHECK-NEXT:  odla_value values = odla_CustomCall({1, {top2__results}}, {ODLA_FLOAT32, {2, {3, 2}}}, topk_fallback_0_part0, (odla_value_id)"values");
// CHECK-NEXT:  // result 1 of node 'top2': int64[3, 2]
// CHECK-NEXT:  odla_value indices = odla_CustomCall({1, {top2__results}}, {ODLA_INT64, {2, {3, 2}}}, topk_fallback_0_part1, (odla_value_id)"indices");

// RESET:       odla_value indices = odla_CustomCall(
// RESET-NEXT:  if (s == ODLA_SUCCESS) s = odla_ReleaseValue(top2__results);

func.func @topk(%arg0: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0 = "odla.argument"(%arg0) {id = "x"} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %1 = "odla.relu"(%0) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("relu")
  %2:2 = call @odla_fallback_0(%1) : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) loc("top2")
  %3 = "odla.output"(%2#0) {id = "values"} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %4 = "odla.output"(%2#1) {id = "indices"} : (tensor<3x2xi64>) -> tensor<3x2xi64>
  return %3, %4 : tensor<3x2xf32>, tensor<3x2xi64>
}
func.func private @odla_fallback_0(%arg0: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) attributes {odla.fallback_node = "top2"} {
  %0:2 = "nn.top_k"(%arg0) {axis = -1 : i64, k = 2 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}
