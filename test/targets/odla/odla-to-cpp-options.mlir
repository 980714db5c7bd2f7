// HALO's code generation options of odla-to-cpp: interpret mode, value reset, integer value ids,
// memory statistics, and the combinations refused.
// RUN: strata-translate --odla-to-cpp %s --entry-func-name m --exec-mode=interpret --emit-value-reset --print-mem-stats 2>%t.stats | FileCheck %s --check-prefix=INTERP
// RUN: FileCheck %s --check-prefix=STATS < %t.stats
// RUN: strata-translate --odla-to-cpp %s --entry-func-name m --exec-mode=interpret | FileCheck %s --check-prefix=NORESET
// RUN: strata-translate --odla-to-cpp %s --entry-func-name m --emit-value-id-as-int | FileCheck %s --check-prefix=INTIDS
// RUN: strata-translate --odla-to-cpp %s --entry-func-name m --exec-mode=interpret --emit-value-id-as-int | FileCheck %s --check-prefix=INTERP-INTIDS
// RUN: strata-translate --odla-to-cpp %s --print-mem-stats 2>&1 >/dev/null | FileCheck %s --check-prefix=COMPILE-STATS
// RUN: not strata-translate --odla-to-cpp %s --emit-value-reset 2>&1 | FileCheck %s --check-prefix=RESET-NEEDS-INTERP
// RUN: not strata-translate --odla-to-cpp %s --exec-mode=jit 2>&1 | FileCheck %s --check-prefix=BAD-MODE

// INTERP-LABEL: static odla_status m_run(const void* const* inputs, void* const* outputs) {
// INTERP:         // input 'x': float32[2, 4]
// INTERP-NEXT:    odla_value x = odla_CreateValue({ODLA_FLOAT32, {2, {2, 4}}}, (odla_value_id)"x");
// INTERP-NEXT:    if (s == ODLA_SUCCESS) s = odla_SetValueData(x, inputs[0]);
// INTERP:         odla_value a = odla_Relu(x, (odla_value_id)"a");
// INTERP:         odla_value b = odla_Add(a, w, (odla_value_id)"b");
// INTERP-NEXT:    if (s == ODLA_SUCCESS) s = odla_ReleaseValue(a);
// INTERP:         odla_value y = odla_Mul(b, x, (odla_value_id)"y");
// INTERP-NEXT:    if (s == ODLA_SUCCESS) s = odla_ReleaseValue(b);
// INTERP-NOT:     odla_ReleaseValue(x)
// INTERP:         if (s == ODLA_SUCCESS) s = odla_GetValueData(y, outputs[0]);
// INTERP-NEXT:    if (s == ODLA_SUCCESS) s = odla_GetValueData(x, outputs[1]);
// INTERP-LABEL: int m(const float x[2 * 4], float out_y[2 * 4], float out_x_copy[2 * 4]) {
// INTERP:         odla_CreateComputation(&comp)
// INTERP:         odla_execution_mode mode = ODLA_INTERPRET;
// INTERP-NEXT:    odla_status s = odla_SetComputationItem(comp, ODLA_EXECUTION_MODE, (odla_item_value)&mode);
// INTERP-NEXT:    const void* inputs[] = {x};
// INTERP-NEXT:    void* outputs[] = {out_y, out_x_copy};
// INTERP-NEXT:    if (s == ODLA_SUCCESS) s = m_run(inputs, outputs);
// INTERP-NEXT:    odla_DestroyComputation(comp);
// INTERP-NOT:     odla_ExecuteComputation

// Inputs and op results: x, a, b, y of 32 bytes; at most x, a and b at once.
// STATS:      Total Read-only Memory: 32 bytes
// STATS-NEXT: Total Writable Memory: 128 bytes
// STATS-NEXT: Total Peak Memory: 96 bytes

// NORESET:     odla_value y = odla_Mul(b, x, (odla_value_id)"y");
// NORESET-NOT: odla_ReleaseValue

// INTIDS:         // input 'x' (id 1): float32[2, 4]
// INTIDS-NEXT:    odla_value x = odla_CreateArgument({ODLA_FLOAT32, {2, {2, 4}}}, (odla_value_id)(uintptr_t)1);
// INTIDS:         // node 'a' (id [[A:[0-9]+]]): float32[2, 4]
// INTIDS-NEXT:    odla_value a = odla_Relu(x, (odla_value_id)(uintptr_t)[[A]]);
// INTIDS:         odla_value y = odla_Mul(b, x, (odla_value_id)(uintptr_t)[[Y:[0-9]+]]);
// INTIDS:         odla_SetComputationItem(g_comp, ODLA_VALUE_ID_AS_INT, (odla_item_value)&g_ids_as_int) != ODLA_SUCCESS ||
// INTIDS:         s = odla_SetContextItem(ctx, ODLA_VALUE_ID_AS_INT, (odla_item_value)&g_ids_as_int);
// INTIDS-NEXT:    s = odla_BindToArgumentById((odla_value_id)(uintptr_t)1, x, ctx);
// INTIDS-NEXT:    s = odla_BindToOutputById((odla_value_id)(uintptr_t)[[Y]], out_y, ctx);
// INTIDS-NOT:     (odla_value_id)"

// INTERP-INTIDS:      odla_value x = odla_CreateValue({ODLA_FLOAT32, {2, {2, 4}}}, (odla_value_id)(uintptr_t)1);
// INTERP-INTIDS:      s = odla_SetComputationItem(comp, ODLA_EXECUTION_MODE, (odla_item_value)&mode);
// INTERP-INTIDS-NEXT: if (s == ODLA_SUCCESS)
// INTERP-INTIDS-NEXT:   s = odla_SetComputationItem(comp, ODLA_VALUE_ID_AS_INT, (odla_item_value)&g_ids_as_int);

// Compile mode copies the input returned as an output (x_copy): one more value.
// COMPILE-STATS:      Total Read-only Memory: 32 bytes
// COMPILE-STATS-NEXT: Total Writable Memory: 160 bytes
// COMPILE-STATS-NEXT: Total Peak Memory: 96 bytes

// RESET-NEEDS-INTERP: strata-translate: error: --emit-value-reset releases values as the program runs, which only interpret mode does: add --exec-mode=interpret
// BAD-MODE: strata-translate: error: --exec-mode must be one of compile, interpret, got 'jit'

func.func @main(%arg0: tensor<2x4xf32> {nn.name = "x"}) -> (tensor<2x4xf32> {nn.name = "y"}, tensor<2x4xf32> {nn.name = "x_copy"}) {
  %x = "odla.argument"(%arg0) {id = "x"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %w = "odla.constant"() {id = "w", value = dense<0.5> : tensor<2x4xf32>} : () -> tensor<2x4xf32>
  %a = "odla.relu"(%x) : (tensor<2x4xf32>) -> tensor<2x4xf32> loc("a")
  %b = "odla.add"(%a, %w) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("b")
  %c = "odla.mul"(%b, %x) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("c")
  %y = "odla.output"(%c) {id = "y"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %xc = "odla.output"(%x) {id = "x_copy"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y, %xc : tensor<2x4xf32>, tensor<2x4xf32>
}
