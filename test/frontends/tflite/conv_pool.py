# A Keras model converted to TFLite imports into nn: the subgraph's inputs and outputs are the
# entry function's (named after their tensors), NHWC values run through the convs and the pool
# in NCHW with one transpose in and one out, OHWI filters become OIHW weights, fused RELU6 a
# clip, SAME padding explicit pads; --batch-size pins the open batch dim; a file that is not a
# flatbuffer is refused by name.
# REQUIRES: tensorflow
# RUN: %PYTHON %s %t.tflite
# RUN: strata-translate --import-tflite %t.tflite | FileCheck %s
# RUN: strata-translate --import-tflite %t.tflite --batch-size 2 | FileCheck %s --check-prefix=PINNED
# RUN: not strata-translate --import-tflite %s 2>&1 | FileCheck %s --check-prefix=NOTFLITE

import os
import sys

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf

keras = tf.keras
keras.utils.set_random_seed(0)
x = keras.Input((8, 8, 3), name="image")
y = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu6")(x)
y = keras.layers.MaxPooling2D(2)(y)
y = keras.layers.Flatten()(y)
y = keras.layers.Dense(2)(y)
model = keras.Model(x, y)
with open(sys.argv[1], "wb") as f:
    f.write(tf.lite.TFLiteConverter.from_keras_model(model).convert())

# CHECK-LABEL: func.func @main
# CHECK-SAME:    (%[[X:[^:]*]]: tensor<?x8x8x3xf32> {nn.name = "serving_default_image:0"})
# CHECK-SAME:    -> (tensor<?x2xf32>
# CHECK:         %[[T:.*]] = "nn.transpose"(%[[X]]) {perm = array<i64: 0, 3, 1, 2>}
# CHECK:         %[[W:.*]] = "nn.constant"() {value = dense_resource<{{.*}}> : tensor<4x3x3x3xf32>}
# CHECK:         %[[C:.*]] = "nn.conv"(%[[T]], %[[W]], %{{.*}}) {{.*}}pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>
# CHECK:         %[[R:.*]] = "nn.clip"(%[[C]]
# CHECK:         %[[P:.*]] = "nn.max_pool"(%[[R]]) {{.*}}kernel_shape = array<i64: 2, 2>
# CHECK:         "nn.transpose"(%[[P]]) {perm = array<i64: 0, 2, 3, 1>}
# CHECK:         "nn.reshape"
# CHECK:         "nn.gemm"{{.*}}transB = 1
# CHECK-NOT:     "nn.transpose"
# CHECK:         return

# PINNED-LABEL: func.func @main
# PINNED-SAME:    tensor<2x8x8x3xf32>
# PINNED-SAME:    -> (tensor<2x2xf32>

# NOTFLITE: strata-translate: error: '{{.*}}conv_pool.py' is not a TFLite flatbuffer (no 'TFL3' file identifier at bytes 4..8)
