# A hand-written deploy prototxt (Inputs/tiny.prototxt, no weighted layers: no caffemodel)
# imports into nn: the Input layer is the argument, in-place ReLU (negative_slope) and
# Dropout rebind their blob, Pooling rounds up (5 -> 3 windows: ceil_mode), Flatten is a
# reshape, the never-read blob is the output; --batch-size replaces the deploy file's batch.
# With a convolution, the caffemodel this script writes gives the filter (a weights blob); without it the net
# is refused, naming the weighted layer.
# RUN: strata-translate --import-caffe %S/Inputs/tiny.prototxt --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
# RUN: strata-translate --import-caffe %S/Inputs/tiny.prototxt --batch-size 4 --outputs pool | FileCheck %s --check-prefix=CUT
# RUN: rm -rf %t && mkdir %t && %PYTHON %s %t
# RUN: strata-translate --import-caffe %t/conv.prototxt --weights %t/trained.caffemodel | FileCheck %s --check-prefix=CONV
# RUN: not strata-translate --import-caffe %t/conv.prototxt 2>&1 | FileCheck %s --check-prefix=NOWEIGHTS

import sys
from pathlib import Path

from google.protobuf import text_format

from strata.frontends.caffe import schema

out = Path(sys.argv[1])
net = schema.net_parameter()()
text_format.Parse(
    """
    name: "conv"
    layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 4 dim: 4 } } }
    layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
            convolution_param { num_output: 2 kernel_size: 3 pad: 1 bias_term: false } }
    """,
    net,
)
(out / "conv.prototxt").write_text(text_format.MessageToString(net))
blob = net.layer[1].blobs.add()
blob.shape.dim.extend([2, 1, 3, 3])
blob.data.extend(float(i) for i in range(18))
(out / "trained.caffemodel").write_bytes(net.SerializeToString())

# CHECK-LABEL: func.func @main
# CHECK-SAME:    (%[[X:[^:]*]]: tensor<1x2x5x5xf32> {nn.name = "data"}
# CHECK-SAME:    -> (tensor<1x18xf32> {nn.name = "prob"})
# CHECK:         %[[R:.*]] = "nn.leaky_relu"(%[[X]]) {alpha = 1.000000e-01 : f32}{{.*}} loc("relu")
# CHECK:         %[[P:.*]] = "nn.max_pool"(%[[R]]) {ceil_mode = 1 : i64{{.*}}-> tensor<1x2x3x3xf32> loc("pool")
# CHECK:         %[[F:.*]] = "nn.reshape"(%[[P]]) {{.*}}shape = array<i64: 1, 18>
# CHECK:         %[[S:.*]] = "nn.softmax"(%[[F]]) {axis = 1 : i64}
# CHECK:         return %[[S]]

# CUT:           func.func @main(%{{.*}}: tensor<4x2x5x5xf32> {nn.name = "data"}) -> (tensor<4x2x3x3xf32> {nn.name = "pool"})
# CUT-NOT:       "nn.softmax"

# CONV:          "nn.constant"() {value = dense_resource<conv.filter> : tensor<2x1x3x3xf32>}
# CONV:          "nn.conv"({{.*}}pads = array<i64: 1, 1, 1, 1>{{.*}} -> tensor<1x2x4x4xf32>

# NOWEIGHTS: strata-translate: error: layers 'conv' (Convolution) carry trained weights, and no caffemodel was given
