# A hand-written frozen NHWC graph (Inputs/conv_relu.pbtxt) imports into nn without
# TensorFlow: the Placeholder is the argument (its -1 dim dynamic), the HWIO filter becomes an
# OIHW constant, the conv result stays channel-first through bias add and relu (one transpose,
# at the input), the mean over H, W reduces the channel-first axes 2, 3; the sink is the
# output; node names become locations. --remove-input-transpose takes the image NCHW.
# --inputs relu cuts there: relu's value (its type from the converters) is the only input.
# RUN: strata-translate --import-tf %S/Inputs/conv_relu.pbtxt --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
# RUN: strata-translate --import-tf %S/Inputs/conv_relu.pbtxt --remove-input-transpose --batch-size 2 | FileCheck %s --check-prefix=NCHW
# RUN: strata-translate --import-tf %S/Inputs/conv_relu.pbtxt --outputs relu --reorder-data-layout channel-last | FileCheck %s --check-prefix=LAST
# RUN: strata-translate --import-tf %S/Inputs/conv_relu.pbtxt --inputs relu | FileCheck %s --check-prefix=CUT
# RUN: not strata-translate --import-tf %S/Inputs/conv_relu.pbtxt --inputs rleu 2>&1 | FileCheck %s --check-prefix=UNKNOWN
# RUN: not strata-translate --import-tf %S/Inputs/missing.pbtxt 2>&1 | FileCheck %s --check-prefix=MISSING

# CHECK-LABEL: func.func @main
# CHECK-SAME:    (%[[X:[^:]*]]: tensor<?x4x4x2xf32> {nn.name = "image"}
# CHECK-SAME:    -> (tensor<?x3xf32> {nn.name = "Identity"})
# CHECK:         %[[T:.*]] = "nn.transpose"(%[[X]]) {perm = array<i64: 0, 3, 1, 2>}
# CHECK:         %[[W:.*]] = "nn.constant"() {value = dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}4.000000e+00]]]{{.*}} : tensor<3x2x1x1xf32>}
# CHECK:         %[[C:.*]] = "nn.conv"(%[[T]], %[[W]]) {{.*}}pads = array<i64: 0, 0, 0, 0>{{.*}} loc("conv")
# CHECK:         "nn.constant"() {value = dense<{{.*}}> : tensor<1x3x1x1xf32>}
# CHECK:         "nn.add"
# CHECK:         %[[R:.*]] = "nn.relu"({{.*}}) : (tensor<?x3x4x4xf32>) -> tensor<?x3x4x4xf32> loc("relu")
# CHECK:         %[[M:.*]] = "nn.reduce_mean"(%[[R]]) {axes = array<i64: 2, 3>, keepdims = 0 : i64
# CHECK-NOT:     "nn.transpose"
# CHECK:         return %[[M]]

# NCHW:          func.func @main(%[[X:[^:]*]]: tensor<2x2x4x4xf32> {nn.name = "image"})
# NCHW-NOT:      "nn.transpose"
# NCHW:          "nn.conv"(%[[X]]

# LAST:          -> (tensor<?x4x4x3xf32> {nn.name = "relu"})
# LAST:          "nn.conv"
# LAST-NEXT:     "nn.transpose"{{.*}}perm = array<i64: 0, 2, 3, 1>

# CUT:           func.func @main(%[[R:[^:]*]]: tensor<?x4x4x3xf32> {nn.name = "relu"}) -> (tensor<?x3xf32> {nn.name = "Identity"})
# CUT-NEXT:      "nn.reduce_mean"(%[[R]]) {axes = array<i64: 1, 2>

# UNKNOWN: strata-translate: error: inputs: 'rleu' (nearest: 'relu') not among the nodes of the graph

# MISSING: strata-translate: error: model file '{{.*}}missing.pbtxt' does not exist or is not a file
