"""TFLite models for the frontend's tests and LiteRT as their reference.

    python tflite_models.py OUT_DIR   # writes OUT_DIR/NAME.tflite for every model of MODELS

Models are built at test time: Keras models converted with tf.lite.TFLiteConverter, float or
int8 full-integer quantized (a representative data set of standard-normal inputs). They are
built in a subprocess: importing TensorFlow before the MLIR bindings crashes the process
(TF 2.21 and the MLIR 22 bindings load clashing native libraries), so a test process never
imports TensorFlow. LiteRT's interpreter (ai-edge-litert) loads fine beside MLIR.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

# ---- building (in the subprocess: imports TensorFlow) ------------------------------------


def _tf() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    return tf


def convert(
    model: Any,
    *,
    int8: bool = False,
    float_io: bool = False,
    io_type: str = "int8",
    per_tensor: bool = False,
    float16: bool = False,
    samples: int = 16,
) -> bytes:
    """`model` (a Keras model) as a .tflite flatbuffer; `int8`: full-integer quantized with
    `io_type` ("int8" or "uint8") inputs and outputs (float ones with `float_io`: QUANTIZE /
    DEQUANTIZE at the ends), per-channel filter scales unless `per_tensor`, calibrated on
    `samples` standard-normal inputs; `float16`: float16 weights (DEQUANTIZE ops to
    float32)."""
    tf = _tf()
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    if float16:
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.target_spec.supported_types = [tf.float16]
    if int8:
        rng = np.random.default_rng(0)
        shapes = [tuple(d or 1 for d in t.shape) for t in model.inputs]

        def dataset() -> Any:
            for _ in range(samples):
                yield [rng.standard_normal(s).astype(np.float32) for s in shapes]

        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = dataset
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if per_tensor:
            conv._experimental_disable_per_channel = True
        if not float_io:
            conv.inference_input_type = getattr(tf, io_type)
            conv.inference_output_type = getattr(tf, io_type)
    return bytes(conv.convert())


def _model(fn: Callable[..., Any], *shapes: tuple[int, ...], batch: int | None = 1) -> Any:
    """A Keras model of `fn` on inputs of `shapes` (`batch`: None leaves it open)."""
    keras = _tf().keras
    keras.utils.set_random_seed(0)
    inputs = [keras.Input(s, batch_size=batch) for s in shapes]
    return keras.Model(inputs, fn(keras, *inputs))


def mobilenet_v2() -> Any:
    """Keras MobileNetV2: random weights, 96 x 96 RGB input, width 0.35, 1000 classes; the
    logits are the output (a softmax over 1000 random classes puts nearly every int8 output
    at its zero point, which would compare nothing)."""
    keras = _tf().keras
    keras.utils.set_random_seed(0)
    model = keras.applications.MobileNetV2(
        input_shape=(96, 96, 3), weights=None, alpha=0.35, classifier_activation=None
    )
    # Freshly initialised batch norms (mean 0, variance 1) let the activations of the 52
    # random layers vanish (logits ~1e-10). One training-mode pass with momentum 0 sets
    # each batch norm's statistics to those of its input on a random batch, so every
    # layer's output is normalised and the logits are of order 1.
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.0
    x = np.random.default_rng(1).standard_normal((8, 96, 96, 3)).astype(np.float32)
    model(x, training=True)
    return model


def _conv(k: Any, x: Any) -> Any:
    # 9 x 9 with stride 2: SAME pads the odd pixel at the end
    y = k.layers.Conv2D(6, 3, strides=2, padding="same", activation="relu")(x)
    y = k.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="valid", activation="relu6")(y)
    return k.layers.Conv2D(4, 1, dilation_rate=1, activation="tanh")(y)


def _pool(k: Any, x: Any) -> Any:
    a = k.layers.MaxPooling2D(3, 2, padding="same")(x)
    b = k.layers.AveragePooling2D(3, 2, padding="same")(x)
    return k.layers.Add()([a, b])


def _elementwise(k: Any, x: Any, y: Any) -> Any:
    o = k.ops
    bias = np.linspace(-1, 1, 6, dtype=np.float32)
    z = o.subtract(o.multiply(x, y), o.divide(x, o.add(o.abs(y), 1.0))) + bias
    z = o.maximum(z, o.minimum(x, y))
    return [
        o.sigmoid(z),
        o.tanh(z),
        o.hard_silu(z),
        o.softmax(z, axis=-1),
        k.layers.LeakyReLU(0.2)(z),
        o.relu6(z),
    ]


def _shapes(k: Any, x: Any) -> Any:
    o = k.ops
    t = o.transpose(x, (0, 3, 1, 2))  # 1 x 6 x 4 x 5
    r = o.reshape(t, (1, 6, 20))
    c = o.concatenate([x, o.square(x)], axis=-1)  # 1 x 4 x 5 x 12
    p = k.layers.ZeroPadding2D(((1, 0), (2, 1)))(c)
    s = p[:, 1:4:2, ::-1, 3:9]
    g = o.take(r, np.array([5, 0, 2], np.int32), axis=1)
    e = o.expand_dims(o.squeeze(o.mean(x, axis=(1, 2), keepdims=True), axis=(1, 2)), 1)
    return [r, s, g, e]


def _layouts(k: Any, x: Any, v: Any) -> Any:
    """Ops on a conv's result, which the importer holds in NCHW: unary ops, reductions whose
    kept dims come out in NHWC order or not, pad, transpose, squeeze / expand_dims."""
    o = k.ops
    c = k.layers.Conv2D(3, 1)(x)  # 1 x 4 x 5 x 3, held NCHW
    u = o.sqrt(o.abs(c)) + o.exp(o.negative(o.abs(c))) + o.rsqrt(o.abs(c) + 1.0)
    u = o.relu(u) + o.gelu(c, approximate=True)
    d = o.square(o.subtract(c, v))  # v: 1 x 1 x 1 x 3, broadcast
    r1 = o.sum(u, axis=(1, 2))  # keeps N, C: in order
    r2 = o.max(d, axis=1)  # keeps N, W, C: not NCHW's order
    r3 = o.min(u, axis=3, keepdims=True)
    p = k.layers.ZeroPadding2D(((0, 1), (1, 1)))(u)
    t = o.transpose(d, (0, 2, 1, 3))
    e = o.expand_dims(o.squeeze(r3, axis=3), 1)
    return [r1, r2, r3, p, t, e]


def _dense(k: Any, x: Any, y: Any) -> Any:
    d = k.layers.Dense(7, activation="relu")(x)  # 1 x 3 x 8 -> 1 x 3 x 7
    return [d, k.ops.matmul(x, y)]


def _quant_block(k: Any, x: Any) -> Any:
    """The int8 paths of MobileNetV2's ops, small: conv, depthwise, add, pools, mean, dense."""
    y = k.layers.Conv2D(8, 3, padding="same", activation="relu6")(x)
    z = k.layers.DepthwiseConv2D(3, padding="same")(y)
    y = k.layers.Add()([y, z])
    y = k.layers.Concatenate()([k.layers.AveragePooling2D(2)(y), k.layers.MaxPooling2D(2)(y)])
    y = k.layers.GlobalAveragePooling2D()(y)
    return k.layers.Dense(5, activation="softmax")(y)


def _flatten(k: Any, x: Any) -> Any:
    y = k.layers.Conv2D(4, 3, padding="same", activation="relu")(x)
    return k.layers.Dense(3)(k.layers.Flatten()(y))


def _unsupported(k: Any, x: Any) -> Any:
    return k.ops.floor(k.ops.cumsum(x, axis=1))  # CUMSUM and FLOOR have no converter


# name -> the .tflite model's bytes
MODELS: dict[str, Callable[[], bytes]] = {
    "conv": lambda: convert(_model(_conv, (9, 9, 4))),
    "conv_float16": lambda: convert(_model(_conv, (9, 9, 4)), float16=True),
    "pool": lambda: convert(_model(_pool, (7, 8, 3))),
    "elementwise": lambda: convert(_model(_elementwise, (3, 6), (3, 6))),
    "shapes": lambda: convert(_model(_shapes, (4, 5, 6))),
    "layouts": lambda: convert(_model(_layouts, (4, 5, 3), (1, 1, 3))),
    "dense": lambda: convert(_model(_dense, (3, 8), (8, 2))),
    "quant_block_int8": lambda: convert(_model(_quant_block, (8, 8, 3)), int8=True),
    "quant_block_uint8_io": lambda: convert(
        _model(_quant_block, (8, 8, 3)), int8=True, io_type="uint8"
    ),
    "quant_block_per_tensor": lambda: convert(
        _model(_quant_block, (8, 8, 3)), int8=True, per_tensor=True
    ),
    "quant_block_float_io": lambda: convert(
        _model(_quant_block, (8, 8, 3)), int8=True, float_io=True
    ),
    "flatten_dynamic": lambda: convert(_model(_flatten, (5, 5, 2), batch=None)),
    "unsupported": lambda: convert(_model(_unsupported, (5,))),
    "mobilenet_v2": lambda: convert(mobilenet_v2()),
    "mobilenet_v2_int8": lambda: convert(mobilenet_v2(), int8=True),
}


# the full-size models (slow tests)
LARGE = ("mobilenet_v2", "mobilenet_v2_int8")


def main(out_dir: str, names: list[str]) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in names or list(MODELS):
        (out / f"{name}.tflite").write_bytes(MODELS[name]())


# ---- the reference (in the test process: LiteRT only) -----------------------------------

RESOLVERS = ("xnnpack", "optimized", "reference")


def run_litert(
    model: bytes, inputs: list[np.ndarray], resolver: str = "xnnpack"
) -> list[np.ndarray]:
    """The model's outputs under LiteRT: its XNNPACK delegate (the default), its builtin
    optimized kernels, or its reference kernels."""
    from ai_edge_litert import interpreter as litert

    kinds = {
        "xnnpack": litert.OpResolverType.AUTO,
        "optimized": litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        "reference": litert.OpResolverType.BUILTIN_REF,
    }
    it = litert.Interpreter(model_content=model, experimental_op_resolver_type=kinds[resolver])
    for d, x in zip(it.get_input_details(), inputs, strict=True):
        if tuple(d["shape"]) != x.shape:  # an open dim (shape_signature -1) given a size
            it.resize_tensor_input(d["index"], list(x.shape))
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), inputs, strict=True):
        it.set_tensor(d["index"], x)
    it.invoke()
    return [np.array(it.get_tensor(d["index"])) for d in it.get_output_details()]


def output_names(model: bytes) -> list[str]:
    from ai_edge_litert import interpreter as litert

    return [d["name"] for d in litert.Interpreter(model_content=model).get_output_details()]


def random_inputs(model: bytes, seed: int = 0) -> list[np.ndarray]:
    """Inputs for the model: standard-normal floats, quantized for int8 / uint8 inputs."""
    from ai_edge_litert import interpreter as litert

    rng = np.random.default_rng(seed)
    out = []
    for d in litert.Interpreter(model_content=model).get_input_details():
        x = rng.standard_normal(d["shape"]).astype(np.float32)
        if d["dtype"] != np.float32:
            scale, zp = d["quantization"]
            info = np.iinfo(d["dtype"])
            x = np.clip(np.round(x / scale) + zp, info.min, info.max).astype(d["dtype"])
        out.append(x)
    return out


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
