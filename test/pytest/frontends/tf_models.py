"""Keras / TF models of the TensorFlow frontend tests, frozen to GraphDefs at test time.

`freeze(fn, specs)` traces `fn` as a tf.function and freezes it with
`convert_variables_to_constants_v2` (variables become Const nodes), as a deployment does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2


def freeze(fn: Callable[..., Any], specs: Sequence[tf.TensorSpec]) -> Any:
    """The frozen GraphDef (TF's class) of `fn` traced for `specs`."""
    concrete = tf.function(fn).get_concrete_function(*specs)
    return convert_variables_to_constants_v2(concrete).graph.as_graph_def()


def mobilenet_v2(size: int = 96) -> tf.keras.Model:
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.applications.MobileNetV2(
        input_shape=(size, size, 3), weights=None, alpha=0.35, classes=10
    )
    _randomize_batch_norm(model)
    return model


def _randomize_batch_norm(model: tf.keras.Model) -> None:
    """Non-trivial moving statistics, so batch norm's folding is exercised."""
    rng = np.random.default_rng(0)
    for layer in model.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            c = layer.moving_mean.shape[0]
            layer.moving_mean.assign(rng.normal(0, 0.1, c).astype(np.float32))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, c).astype(np.float32))
            layer.gamma.assign(rng.uniform(0.5, 1.5, c).astype(np.float32))
            layer.beta.assign(rng.normal(0, 0.1, c).astype(np.float32))


def bert_encoder(
    vocab: int = 100, seq: int = 16, dim: int = 32, heads: int = 4, layers: int = 2
) -> tf.keras.Model:
    """A small BERT-style encoder: token + position embeddings, post-norm transformer
    blocks (multi-head self-attention, GELU feed-forward), a pooled tanh head."""
    tf.keras.utils.set_random_seed(0)
    ids = tf.keras.Input((seq,), dtype="int32", name="input_ids")
    x = tf.keras.layers.Embedding(vocab, dim)(ids)
    pos = tf.keras.layers.Embedding(seq, dim)(tf.range(seq))
    x = tf.keras.layers.LayerNormalization(epsilon=1e-12)(x + pos)
    for _ in range(layers):
        att = tf.keras.layers.MultiHeadAttention(heads, dim // heads)(x, x)
        x = tf.keras.layers.LayerNormalization(epsilon=1e-12)(x + att)
        h = tf.keras.layers.Dense(dim * 4, activation="gelu")(x)
        x = tf.keras.layers.LayerNormalization(epsilon=1e-12)(x + tf.keras.layers.Dense(dim)(h))
    pooled = tf.keras.layers.Dense(dim, activation="tanh")(x[:, 0])
    return tf.keras.Model(ids, [x, pooled])


def layer_zoo(batch: int | None = 2) -> tf.keras.Model:
    """Common Keras 3 image layers in one small model (each freezes to its own TF ops:
    Rescaling, ZeroPadding2D, SeparableConv2D, UpSampling2D, Conv2DTranspose, Flatten, ...)."""
    tf.keras.utils.set_random_seed(0)
    L = tf.keras.layers
    inp = tf.keras.Input((16, 16, 3), batch_size=batch)
    x = L.Rescaling(1 / 127.5, offset=-1)(inp)
    x = L.ZeroPadding2D(1)(x)
    x = L.Conv2D(8, 3, strides=2, activation="swish")(x)
    x = L.SeparableConv2D(8, 3, padding="same", activation="hard_swish")(x)
    c = L.Concatenate()([L.MaxPooling2D()(x), L.AveragePooling2D(2)(x)])
    u = L.UpSampling2D()(c)
    u = L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="gelu")(u)
    u = L.BatchNormalization()(u)
    f = L.Dropout(0.5)(L.Flatten()(c))
    d = L.Dense(6, activation="softmax")(L.LayerNormalization()(f))
    pooled = [L.GlobalAveragePooling2D()(u), d, L.GlobalMaxPooling2D()(u)]
    return tf.keras.Model(inp, L.Concatenate()(pooled))
