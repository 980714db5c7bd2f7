"""The TensorFlow frontend: frozen GraphDefs (Keras MobileNetV2, a BERT-style encoder and
one graph per op family) imported into nn, compiled for the CPU and compared with
TensorFlow's own outputs; layouts, dynamic dims, file formats, unsupported ops."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# strata (the MLIR bindings) must be loaded before TensorFlow: the other order crashes the
# process when MLIR loads (see docs/frontends/tf.md)
import strata
from strata.errors import ModelImportError, ModelLoadError, UnsupportedOpError
from strata.frontends.formats import detect, import_file
from strata.frontends.tf import import_graph_def, load_graph_def

tf = pytest.importorskip("tensorflow")

sys.path.insert(0, str(Path(__file__).parent))
from tf_models import bert_encoder, freeze, layer_zoo, mobilenet_v2  # noqa: E402

RTOL, ATOL = 1e-3, 1e-4


def _specs(inputs: Sequence[np.ndarray], dynamic_batch: bool = False) -> list[Any]:
    return [
        tf.TensorSpec((None, *x.shape[1:]) if dynamic_batch else x.shape, tf.as_dtype(x.dtype))
        for x in inputs
    ]


def _numpy(y: Any) -> list[np.ndarray]:
    items = y if isinstance(y, (list, tuple)) else [y]
    return [np.asarray(t) for t in items]


def check(
    fn: Callable[..., Any],
    *inputs: np.ndarray,
    dynamic_batch: bool = False,
    run_inputs: Sequence[np.ndarray] | None = None,
    **options: Any,
) -> strata.CompiledModel:
    """Freeze `fn`, compile the GraphDef with Strata and compare with TF on `run_inputs`
    (default: the example inputs)."""
    graph = freeze(fn, _specs(inputs, dynamic_batch))
    compiled = strata.compile(graph, **options)
    xs = list(run_inputs if run_inputs is not None else inputs)
    want = _numpy(tf.function(fn)(*xs))
    got = compiled.run(xs)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, g.dtype, w.shape, w.dtype)
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    return compiled


def _rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _nn_ops(graph: Any, **options: Any) -> str:
    m = import_graph_def(graph, **options)
    return str(m.module)


# ---- models --------------------------------------------------------------------------------
@pytest.mark.slow  # about 30 s: the compile of 52 convs
def test_mobilenet_v2() -> None:
    model = mobilenet_v2(96)
    x = _rand(1, 96, 96, 3)
    compiled = check(lambda x: model(x, training=False), x)
    assert [i.shape for i in compiled.inputs] == [(1, 96, 96, 3)]


def test_mobilenet_v2_imports_with_one_transpose() -> None:
    model = mobilenet_v2(96)
    graph = freeze(lambda x: model(x, training=False), [tf.TensorSpec((1, 96, 96, 3))])
    text = _nn_ops(graph)
    assert text.count('"nn.conv"') == 52
    assert text.count('"nn.transpose"') == 1  # at the input; none between the layers
    assert _nn_ops(graph, remove_input_transpose=True).count('"nn.transpose"') == 0
    # channel-last restores NHWC after every conv: a transpose pair around each
    assert _nn_ops(graph, reorder_data_layout="channel-last").count('"nn.transpose"') > 52


def test_bert_style_encoder_with_a_dynamic_batch() -> None:
    model = bert_encoder()
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 100, (2, 16)).astype(np.int32)
    # Keras computes reshape targets from tf.shape(x) at run time with a dynamic batch
    compiled = check(
        lambda ids: model(ids, training=False),
        ids,
        dynamic_batch=True,
        run_inputs=[rng.integers(0, 100, (3, 16)).astype(np.int32)],
    )
    assert compiled.inputs[0].shape[1] == 16


def test_keras_layer_zoo() -> None:
    model = layer_zoo(2)
    x = np.random.default_rng(0).uniform(0, 255, (2, 16, 16, 3)).astype(np.float32)
    check(lambda x: model(x, training=False), x)


def test_dynamic_batch_shapes_stay_static_where_they_can() -> None:
    # Keras computes Flatten's and Conv2DTranspose's target shapes from tf.shape(x): with a
    # dynamic batch the other entries are still known at import time
    model = layer_zoo(None)
    graph = freeze(lambda x: model(x, training=False), [tf.TensorSpec((None, 16, 16, 3))])
    text = _nn_ops(graph)
    assert '"nn.dynamic_reshape"' not in text
    assert "tensor<?x4x16x16xf32>" in text  # the transposed conv's result
    assert text.count('"nn.transpose"') == 3  # the input, Flatten's and UpSampling2D's input


# ---- op families ---------------------------------------------------------------------------
def test_conv_pool_batch_norm() -> None:
    w = _rand(3, 3, 4, 6, seed=1)
    dw = _rand(3, 3, 6, 2, seed=2)
    w1 = _rand(1, 1, 12, 5, seed=3)
    b = _rand(5, seed=4)
    scale, offset = np.abs(_rand(5, seed=5)) + 0.5, _rand(5, seed=6)
    mean, var = _rand(5, seed=7), np.abs(_rand(5, seed=8)) + 0.5

    def fn(x: Any) -> Any:
        y = tf.nn.conv2d(x, w, strides=2, padding="SAME")
        y = tf.nn.relu6(y)
        y = tf.nn.depthwise_conv2d(y, dw, strides=[1, 1, 1, 1], padding="SAME")
        y = tf.nn.elu(y)
        y = tf.nn.bias_add(tf.nn.conv2d(y, w1, strides=1, padding="VALID"), b)
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(
            y, scale, offset, mean, var, epsilon=1e-3, is_training=False
        )
        m = tf.nn.max_pool2d(y, 3, 2, "SAME")
        a = tf.nn.avg_pool2d(y, 3, 2, "SAME")  # TF divides by the in-image count
        d = tf.nn.conv2d(x, w, strides=1, padding="VALID", dilations=2)
        cat = tf.concat([m, a], axis=3)
        p = tf.pad(cat, [[0, 0], [1, 2], [0, 1], [0, 0]])
        g = tf.reduce_mean(p, axis=[1, 2], keepdims=True)
        return tf.nn.sigmoid(cat) * g, tf.reduce_max(d, axis=[1, 2]), tf.nn.tanh(p)

    check(fn, _rand(2, 17, 15, 4))


def test_resize() -> None:
    def fn(x: Any) -> Any:
        return (
            tf.compat.v1.image.resize_bilinear(x, [9, 7], half_pixel_centers=True),
            tf.compat.v1.image.resize_bilinear(x, [9, 7], align_corners=True),
            tf.compat.v1.image.resize_bilinear(x, [9, 7]),
            tf.compat.v1.image.resize_nearest_neighbor(x, [10, 12], half_pixel_centers=True),
            tf.compat.v1.image.resize_nearest_neighbor(x, [10, 12]),
            tf.compat.v1.image.resize_nearest_neighbor(x, [10, 12], align_corners=True),
        )

    check(fn, _rand(1, 5, 6, 3))


def test_transposed_conv_depth_space_split_scan() -> None:
    wt = _rand(3, 3, 5, 4, seed=1)  # H x W x out x in

    def fn(x: Any, ids: Any) -> Any:
        up_same = tf.nn.conv2d_transpose(x, wt, [2, 12, 8, 5], strides=2, padding="SAME")
        up_valid = tf.nn.conv2d_transpose(x, wt, [2, 13, 10, 5], strides=2, padding="VALID")
        d2s = tf.nn.depth_to_space(x, 2)
        s2d = tf.nn.space_to_depth(x, 2)
        a, b = tf.split(x, 2, axis=3)
        p, q, r = tf.split(x, [1, -1, 1], axis=1)
        values, indices = tf.math.top_k(tf.reshape(x, [2, -1]), k=3)
        return (
            up_same,
            up_valid,
            d2s,
            s2d,
            a * b,
            q,
            p + r,
            tf.math.cumsum(x, axis=2, exclusive=True, reverse=True),
            tf.one_hot(ids, 5, on_value=2.0, off_value=-1.0),
            values,
            indices,
        )

    ids = np.array([[0, 4, 2], [1, 1, 3]], dtype=np.int32)
    check(fn, _rand(2, 6, 4, 4), ids)


def test_graph_transposes_compose_with_the_layout() -> None:
    w = _rand(3, 3, 3, 4, seed=1)

    def fn(x: Any) -> Any:  # a graph that asks for NCHW itself
        return tf.transpose(tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME")), [0, 3, 1, 2])

    x = _rand(1, 6, 7, 3)
    graph = freeze(fn, _specs([x]))
    # the transpose of the channel-first conv result is the held value itself: only the
    # input's transpose remains
    assert _nn_ops(graph).count('"nn.transpose"') == 1
    check(fn, x)


def test_an_input_read_by_two_convs_is_transposed_once() -> None:
    w1, w2 = _rand(3, 3, 3, 4, seed=1), _rand(1, 1, 3, 4, seed=2)

    def fn(x: Any) -> Any:
        return tf.nn.conv2d(x, w1, 1, "SAME") + tf.nn.conv2d(x, w2, 1, "SAME")

    graph = freeze(fn, [tf.TensorSpec((1, 5, 5, 3))])
    assert _nn_ops(graph).count('"nn.transpose"') == 2  # x once, the sum once (the output)
    check(fn, _rand(1, 5, 5, 3))


def test_elementwise_and_comparisons() -> None:
    def fn(a: Any, b: Any) -> Any:
        pos = tf.abs(b) + 0.5
        return (
            a + b,
            a - b,
            a * b,
            a / pos,
            tf.maximum(a, b),
            tf.minimum(a, b),
            tf.pow(pos, a),
            tf.math.rsqrt(pos),
            tf.sqrt(pos),
            tf.square(a),
            tf.exp(a),
            tf.math.log(pos),
            tf.math.erf(a),
            tf.math.erfc(a),
            -a,
            tf.math.squared_difference(a, b),
            tf.math.floordiv(a, pos),
            tf.math.floormod(a, pos),
            tf.nn.leaky_relu(a, 0.1),
            tf.nn.softplus(a),
            tf.math.reciprocal(pos),
            tf.where(a > b, a, b),
            tf.cast(a >= b, tf.float32) + tf.cast(a < b, tf.float32) * 2,
            tf.cast(tf.equal(tf.round(a), tf.round(b)), tf.int32),
            tf.cast(tf.not_equal(tf.floor(a), tf.math.ceil(b)), tf.float32),
            tf.cast(tf.logical_and(a > 0, b <= 0), tf.float32),
            tf.clip_by_value(a, -0.5, 0.5),
            tf.add_n([a, a * 2, a]),
            tf.sign(a) * tf.sin(b) + tf.cos(a),
        )

    check(fn, _rand(3, 4, 5), _rand(4, 5, seed=1))


def test_integer_arithmetic() -> None:
    def fn(a: Any, b: Any) -> Any:
        return a // b, a % b, a * b - a, tf.cast(a, tf.float32) * 0.5

    a = np.array([[7, -7, 9, -9], [3, 5, -1, 0]], dtype=np.int32)
    b = np.array([[2, 2, -4, -4], [3, -2, 5, 1]], dtype=np.int32)
    check(fn, a, b)


def test_shape_ops_and_indexing() -> None:
    table = _rand(10, 6, seed=2)

    def fn(x: Any, idx: Any) -> Any:
        n = tf.shape(x)[0]  # folds: the shape is static
        flat = tf.reshape(x, [n, -1])
        t = tf.transpose(x, [0, 2, 1, 3])
        s = x[:, 1:3, ::2, -1]  # shrink axis, steps, negative index
        e = tf.expand_dims(s, 1)[..., tf.newaxis]
        sq = tf.squeeze(tf.reduce_sum(x, axis=3, keepdims=True), axis=3)
        g = tf.gather(table, idx)
        st = tf.stack([tf.reduce_min(x, axis=[1, 2, 3]), tf.reduce_prod(x[:, 0, 0, :2], 1)], 1)
        f = tf.fill([2, 3], 1.5) + tf.cast(tf.range(3), tf.float32)
        tl = tf.tile(x[:, :1, :1, :], [1, 2, 3, 1])
        sl = tf.slice(x, [0, 1, 0, 1], [-1, 2, 3, 2])
        u0, u1 = tf.unstack(x[:, :, 0, :2], axis=2)
        mp = tf.pad(x, [[0, 0], [1, 1], [2, 2], [0, 0]], mode="REFLECT")
        return flat, t, s, e, sq, g, st, f, tl, sl, u0 - u1, mp, tf.argmax(x, axis=2)

    idx = np.array([[1, 3, 9], [0, 0, 2]], dtype=np.int32)
    check(fn, _rand(2, 4, 5, 3), idx)


def test_large_known_values_stay_ops() -> None:
    graph = freeze(lambda x: x + tf.fill([512, 512], 1.5), [tf.TensorSpec((512, 512))])
    text = _nn_ops(graph)  # not folded into a 1 MB constant: an nn.expand of the scalar
    assert '"nn.expand"' in text and "tensor<512x512xf32>}" not in text


def test_linear_algebra_and_softmax() -> None:
    w = _rand(8, 6, seed=3)

    def fn(a: Any, b: Any) -> Any:
        m = tf.matmul(a[0], w, transpose_b=True)  # [5, 8] x [8, 6]^T
        bm = tf.matmul(a, b, adjoint_b=True)
        es = tf.einsum("bij,bkj->bik", a, b)
        return m, bm, es, tf.nn.softmax(bm), tf.nn.log_softmax(es, axis=-1)

    check(fn, _rand(2, 5, 6), _rand(2, 7, 6, seed=1))


def test_dynamic_batch() -> None:
    w = _rand(3, 3, 3, 4, seed=1)
    dense = _rand(4, 2, seed=2)

    def fn(x: Any) -> Any:
        y = tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME"))
        return tf.matmul(tf.reduce_mean(y, axis=[1, 2]), dense)

    compiled = check(fn, _rand(2, 6, 6, 3), dynamic_batch=True, run_inputs=[_rand(5, 6, 6, 3)])
    assert compiled.inputs[0].shape[0] is None or not isinstance(compiled.inputs[0].shape[0], int)
    pinned = import_graph_def(freeze(fn, [tf.TensorSpec((None, 6, 6, 3))]), batch_size=4)
    assert pinned.inputs[0].shape == (4, 6, 6, 3)


def test_layout_options_compile() -> None:
    w = _rand(3, 3, 3, 4, seed=1)

    def fn(x: Any) -> Any:
        return tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME"))

    x = _rand(1, 8, 8, 3)
    graph = freeze(fn, _specs([x]))
    want = fn(x).numpy()
    nchw = strata.compile(graph, remove_input_transpose=True, remove_output_transpose=True)
    assert nchw.inputs[0].shape == (1, 3, 8, 8)
    (got,) = nchw.run([x.transpose(0, 3, 1, 2).copy()])
    np.testing.assert_allclose(got, want.transpose(0, 3, 1, 2), rtol=RTOL, atol=ATOL)
    last = strata.compile(graph, reorder_data_layout="channel-last")
    np.testing.assert_allclose(last.run([x])[0], want, rtol=RTOL, atol=ATOL)
    with pytest.raises(strata.StrataError, match="reorder_data_layout must be one of"):
        strata.compile(graph, reorder_data_layout="nchw")


def _two_convs() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """conv -> relu (node 'mid') -> conv + 1: the whole and its second half."""
    w1, w2 = _rand(3, 3, 3, 4, seed=1), _rand(3, 3, 4, 5, seed=2)

    def tail(m: Any) -> Any:
        return tf.nn.conv2d(m, w2, 1, "SAME") + 1.0

    def fn(x: Any) -> Any:
        return tail(tf.identity(tf.nn.relu(tf.nn.conv2d(x, w1, 1, "SAME")), name="mid"))

    return fn, tail


def test_cut_at_a_middle_node() -> None:
    fn, tail = _two_convs()
    graph = freeze(fn, [tf.TensorSpec((None, 8, 8, 3))])
    # the dtype and shape of 'mid' come from the converters (the frozen graph records none)
    compiled = strata.compile(graph, inputs=["mid"], batch_size=2)
    assert [(i.name, i.shape) for i in compiled.inputs] == [("mid", (2, 8, 8, 4))]
    mid = np.maximum(_rand(2, 8, 8, 4, seed=3), 0)
    (got,) = compiled.run([mid])
    np.testing.assert_allclose(got, tail(mid).numpy(), rtol=RTOL, atol=ATOL)
    # the cut value takes the layout options like any input
    m = import_graph_def(graph, inputs=["mid:0"], batch_size=2, remove_input_transpose=True)
    assert m.inputs[0].shape == (2, 4, 8, 8)
    with pytest.raises(ModelImportError, match=r"'mdi' \(nearest: 'mid'\) not among the nodes"):
        import_graph_def(graph, inputs=["mdi"])


def test_cut_past_an_unsupported_op_needs_its_shape() -> None:
    """Lgamma has no converter: the graph up to the cut does not import, so the cut value's
    shape must be given (its dtype comes from the node's T attribute)."""

    def fn(x: Any) -> Any:
        return tf.nn.relu(tf.identity(tf.math.lgamma(x), name="lg")) * 2.0

    graph = freeze(fn, [tf.TensorSpec((2, 3))])
    with pytest.raises(ModelImportError, match=r"(?s)input .lg.: .*give it with --input-shape lg:"):
        import_graph_def(graph, inputs=["lg"])
    compiled = strata.compile(graph, inputs=["lg"], input_shapes={"lg": [2, 3]})
    v = _rand(2, 3, seed=4)
    np.testing.assert_allclose(compiled.run([v])[0], np.maximum(v, 0) * 2, rtol=RTOL)


# ---- files, options and errors ---------------------------------------------------------------
def _small_graph() -> Any:
    return freeze(lambda x: tf.nn.relu(x) * 2.0, [tf.TensorSpec((2, 3))])


def test_files_and_detection(tmp_path: Path) -> None:
    from google.protobuf import text_format

    graph = _small_graph()
    pb, pbtxt = tmp_path / "m.pb", tmp_path / "m.pbtxt"
    pb.write_bytes(graph.SerializeToString())
    pbtxt.write_text(text_format.MessageToString(graph))
    other = tmp_path / "m.bin"
    other.write_bytes(graph.SerializeToString())
    assert detect(pb) == detect(pbtxt) == "tf"
    assert detect(other, "tf") == "tf"
    x = _rand(2, 3)
    for path in (pb, pbtxt):
        (got,) = strata.compile(str(path)).run([x])
        np.testing.assert_allclose(got, np.maximum(x, 0) * 2, rtol=RTOL)
    assert import_file(other, "tf").outputs[0].name == "Identity"
    with pytest.raises(ModelImportError, match="not one of channel-first, channel-last"):
        import_file(other, "tf", reorder_data_layout="nhwc")


class _Net(tf.Module):
    def __init__(self) -> None:
        self.w = tf.Variable(_rand(3, 2, seed=4))

    @tf.function(input_signature=[tf.TensorSpec((4, 3), tf.float32)])
    def __call__(self, x: Any) -> Any:
        return tf.nn.tanh(tf.matmul(x, self.w))


def test_saved_model_directory(tmp_path: Path) -> None:
    net = _Net()
    tf.saved_model.save(net, str(tmp_path / "sm"))
    assert detect(tmp_path / "sm") == "tf"
    x = _rand(4, 3)
    (got,) = strata.compile(str(tmp_path / "sm")).run([x])
    np.testing.assert_allclose(got, net(x).numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.slow  # about 20 s: TensorFlow starts in the compile worker to freeze it
def test_stratac_compiles_a_saved_model(tmp_path: Path) -> None:
    net = _Net()
    tf.saved_model.save(net, str(tmp_path / "sm"))
    stratac = Path(sys.executable).parent / "stratac"
    out = tmp_path / "out" / "sm"
    r = subprocess.run([stratac, tmp_path / "sm", "-o", out, "-q"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    x = _rand(4, 3)
    (got,) = strata.load(out).run([x])
    np.testing.assert_allclose(got, net(x).numpy(), rtol=RTOL, atol=ATOL)


def test_outputs_and_input_shapes() -> None:
    def fn(x: Any) -> Any:
        h = tf.nn.relu(x)
        return tf.reduce_sum(h, axis=1)

    graph = freeze(fn, [tf.TensorSpec((None, 4))])
    relu = next(n.name for n in graph.node if n.op == "Relu")
    m = import_graph_def(graph, outputs=[relu], input_shapes={"x": [3, 4]})
    assert [o.name for o in m.outputs] == [relu] and m.outputs[0].shape == (3, 4)
    with pytest.raises(ModelImportError, match="not nodes of the graph"):
        import_graph_def(graph, outputs=["nope"])
    with pytest.raises(ModelImportError, match="dim 1 is 4 in the graph, 5 was given"):
        import_graph_def(graph, input_shapes={"x": [3, 5]})
    with pytest.raises(ModelImportError, match="'y', which is not an input"):
        import_graph_def(graph, input_shapes={"y": [3, 4]})


def test_unsupported_ops_are_listed_with_their_nodes() -> None:
    def fn(x: Any) -> Any:
        return tf.math.lgamma(x) + tf.math.lgamma(x * 2) + tf.linalg.det(x)

    graph = freeze(fn, [tf.TensorSpec((3, 3))])
    with pytest.raises(UnsupportedOpError) as err:
        import_graph_def(graph)
    assert set(err.value.unsupported) == {"Lgamma", "MatrixDeterminant"}
    assert len(err.value.unsupported["Lgamma"]) == 2
    assert "Lgamma: Lgamma, Lgamma_1" in str(err.value)


def test_converter_errors_name_the_node() -> None:
    def fn(x: Any) -> Any:
        return tf.nn.conv2d(x, _rand(3, 3, 2, 2), 1, "SAME")

    graph = freeze(fn, [tf.TensorSpec((1, None, None, 2))])
    with pytest.raises(ModelImportError, match=r"node 'Conv2D' \(Conv2D\): SAME padding needs"):
        import_graph_def(graph)


def test_bad_sources(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        load_graph_def(tmp_path / "missing.pb")
    junk = tmp_path / "junk.pb"
    junk.write_bytes(b"\xff\xff\xff not a graph")
    with pytest.raises(ModelLoadError, match="not a serialized GraphDef"):
        load_graph_def(junk)
    bad_text = tmp_path / "bad.pbtxt"
    bad_text.write_text("node { name: 'a' op: }")
    with pytest.raises(ModelLoadError, match="not a text GraphDef"):
        load_graph_def(bad_text)
    with pytest.raises(ModelLoadError, match="not a SavedModel"):
        load_graph_def(tmp_path)


def test_unfrozen_graph_says_what_to_do() -> None:
    v = tf.Variable(_rand(3, seed=1))
    graph = tf.function(lambda x: x * v).get_concrete_function(tf.TensorSpec((3,))).graph
    with pytest.raises(UnsupportedOpError, match="freeze the graph"):
        import_graph_def(graph.as_graph_def())


def test_stratac_and_translate(tmp_path: Path) -> None:
    pb = tmp_path / "m.pb"
    pb.write_bytes(_small_graph().SerializeToString())
    bin_dir = Path(sys.executable).parent
    r = subprocess.run(
        [bin_dir / "stratac", pb, "-o", tmp_path / "out" / "m", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "m.so").is_file()
    r = subprocess.run(
        [bin_dir / "strata-translate", "--import-tf", pb],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert '"nn.relu"' in r.stdout
    r = subprocess.run(
        [bin_dir / "strata-translate", "--mlir-to-llvmir", pb, "--remove-input-transpose"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 1 and "model import flags (--import-*)" in r.stderr


def test_import_strata_does_not_import_tensorflow(tmp_path: Path) -> None:
    from google.protobuf import text_format

    pbtxt = tmp_path / "m.pbtxt"
    pbtxt.write_text(text_format.MessageToString(_small_graph()))
    code = (
        "import sys, strata\n"
        "from strata.frontends.tf import import_graph_def\n"
        f"m = import_graph_def({str(pbtxt)!r})\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'\n"
        "print(m.outputs[0].shape)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "(2, 3)"


def test_import_strata_after_tensorflow_says_why_it_cannot() -> None:
    code = "import tensorflow\nimport strata\n"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 1  # an ImportError, not a crash (-11)
    assert "import strata before tensorflow" in r.stderr
