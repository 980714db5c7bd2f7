// odla-to-cpp prints the ODLA C++ program in HALO's shape: a helper building the computation
// (one ODLA call per op, a comment naming each value's node and type), NAME_init / NAME /
// NAME_fini with C linkage, NAME.h and the weights NAME.bin.
// RUN: strata-translate --odla-to-cpp %s --entry-func-name tiny | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t && strata-translate --odla-to-cpp %s -o %t/tiny.cc
// RUN: FileCheck %s --check-prefix=HEADER < %t/tiny.h
// RUN: od -A n -c -N 8 %t/tiny.bin | FileCheck %s --check-prefix=BIN
// An nn module must go through convert-nn-to-odla first.
// RUN: not strata-translate --odla-to-cpp %S/Inputs/relu.nn.mlir 2>&1 | FileCheck %s --check-prefix=NN

// NN: strata-translate: error: odla-to-cpp: 'nn.relu' at loc("relu") is not an odla op (run convert-nn-to-odla first)

// CHECK:       #include <odla.h>
// CHECK:       #include "tiny.h"
// CHECK-LABEL: static odla_status tiny_helper() {
// CHECK:         // input 'x': float32[1, 2, 4, 4]
// CHECK-NEXT:    odla_value x = odla_CreateArgument({ODLA_FLOAT32, {4, {1, 2, 4, 4}}}, (odla_value_id)"x");
// CHECK:         // weight 'conv.w': float32[3, 2, 3, 3]
// CHECK-NEXT:    odla_value conv_w = odla_CreateConstant({ODLA_FLOAT32, {4, {3, 2, 3, 3}}}, weight(0), (odla_value_id)"conv.w");
// CHECK:         // node 'conv1': float32[1, 3, 4, 4]
// CHECK-NEXT:    static const odla_uint32 conv1_strides[] = {1, 1};
// CHECK-NEXT:    static const odla_uint32 conv1_dilations[] = {1, 1};
// CHECK-NEXT:    static const odla_uint32 conv1_paddings_front[] = {1, 1};
// CHECK-NEXT:    static const odla_uint32 conv1_paddings_back[] = {1, 1};
// CHECK-NEXT:    odla_value conv1 = odla_Conv(x, ODLA_CHANNELS_FIRST, 1, conv_w, ODLA_OIS, conv1_strides, conv1_dilations, conv1_paddings_front, conv1_paddings_back, nullptr, {4, {1, 3, 4, 4}}, (odla_value_id)"conv1");
// CHECK:         odla_value relu1 = odla_Relu(conv1, (odla_value_id)"relu1");
// CHECK:         odla_value pool1 = odla_MaxPool(relu1, ODLA_CHANNELS_FIRST, pool1_window_dims, pool1_strides, pool1_paddings_front, pool1_paddings_back, {4, {1, 3, 2, 2}}, (odla_value_id)"pool1");
// CHECK:         odla_value flat = odla_Reshape(pool1, {2, {1, 12}}, (odla_value_id)"flat");
// CHECK:         // weight 'fc.w': float32[12, 5]
// CHECK-NEXT:    odla_value fc_w = odla_CreateConstant({ODLA_FLOAT32, {2, {12, 5}}}, weight(1), (odla_value_id)"fc.w");
// CHECK:         // node 'fc', output 'y': float32[1, 5]
// CHECK-NEXT:    odla_value y = odla_Gemm(flat, 0, fc_w, 0, 1.0f, 0.0f, nullptr, {2, {1, 5}}, (odla_value_id)"y");
// CHECK:         // output 'x_copy': a copy of x
// CHECK-NEXT:    odla_value x_copy = odla_Reshape(x, {4, {1, 2, 4, 4}}, (odla_value_id)"x_copy");
// CHECK:         if (s == ODLA_SUCCESS) s = odla_SetValueAsOutput(y);
// CHECK-NEXT:    if (s == ODLA_SUCCESS) s = odla_SetValueAsOutput(x_copy);
// CHECK-LABEL: int tiny_init(const char* weights_path) {
// CHECK:         rc = map_file(weights_path);
// CHECK:         odla_CreateComputation(&g_comp) != ODLA_SUCCESS || tiny_helper() != ODLA_SUCCESS
// CHECK-LABEL: void tiny_fini(void) {
// CHECK:         odla_DestroyComputation(g_comp);
// CHECK-LABEL: int tiny(const float x[1 * 2 * 4 * 4], float out_y[1 * 5], float out_x_copy[1 * 2 * 4 * 4]) {
// CHECK:         s = odla_BindToArgumentById((odla_value_id)"x", x, ctx);
// CHECK-NEXT:    s = odla_BindToOutputById((odla_value_id)"y", out_y, ctx);
// CHECK-NEXT:    s = odla_BindToOutputById((odla_value_id)"x_copy", out_x_copy, ctx);
// CHECK-NEXT:    if (s == ODLA_SUCCESS)
// CHECK-NEXT:      s = odla_ExecuteComputation(g_comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr);
// CHECK:       extern "C" int tiny__strata_run_packed(void* const* args) {

// HEADER:      extern "C" {
// HEADER:      int tiny_init(const char* weights_path);
// HEADER-NEXT: int tiny(
// HEADER-NEXT:     const float x[1 * 2 * 4 * 4],
// HEADER-NEXT:     float out_y[1 * 5],
// HEADER-NEXT:     float out_x_copy[1 * 2 * 4 * 4]);
// HEADER-NEXT: void tiny_fini(void);

// BIN: S T R A T A W T

func.func @main(%arg0: tensor<1x2x4x4xf32> {nn.name = "x"}) -> (tensor<1x5xf32> {nn.name = "y"}, tensor<1x2x4x4xf32> {nn.name = "x_copy"}) {
  %x = "odla.argument"(%arg0) {id = "x"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %w = "odla.constant"() {id = "conv.w", value = dense<0.5> : tensor<3x2x3x3xf32>} : () -> tensor<3x2x3x3xf32>
  %c = "odla.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, input_layout = "channels_first", kernel_layout = "ois", paddings_back = array<i64: 1, 1>, paddings_front = array<i64: 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x4x4xf32> loc("conv1")
  %r = "odla.relu"(%c) : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> loc("relu1")
  %p = "odla.max_pool"(%r) {input_layout = "channels_first", paddings_back = array<i64: 0, 0>, paddings_front = array<i64: 0, 0>, strides = array<i64: 2, 2>, window_dims = array<i64: 2, 2>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x2x2xf32> loc("pool1")
  %f = "odla.reshape"(%p) {output_dims = array<i64: 1, 12>} : (tensor<1x3x2x2xf32>) -> tensor<1x12xf32> loc("flat")
  %fw = "odla.constant"() {id = "fc.w", value = dense<0.25> : tensor<12x5xf32>} : () -> tensor<12x5xf32>
  %g = "odla.gemm"(%f, %fw) {alpha = 1.0 : f32, beta = 0.0 : f32, transpose_a = 0 : i64, transpose_b = 0 : i64} : (tensor<1x12xf32>, tensor<12x5xf32>) -> tensor<1x5xf32> loc("fc")
  %y = "odla.output"(%g) {id = "y"} : (tensor<1x5xf32>) -> tensor<1x5xf32>
  %xc = "odla.output"(%x) {id = "x_copy"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y, %xc : tensor<1x5xf32>, tensor<1x2x4x4xf32>
}
