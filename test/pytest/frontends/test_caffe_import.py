"""The Caffe frontend: nets written at test time as a deploy prototxt + caffemodel (with the
message classes generated from Strata's caffe.proto), imported, compiled for the CPU and
compared with ONNX Runtime running the same net built with onnx.helper from the same
weights (`caffe_models.Twin`), or with numpy where ONNX cannot say Caffe's semantics (the
ceil-rounded pooling whose last window is dropped, LRN within a channel). Also: in-place
layers, --outputs, input shapes, unsupported layers, missing weights, legacy nets, format
detection and the command-line tools.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("grpc_tools", reason="the Caffe frontend needs grpcio-tools (protoc)")
ort = pytest.importorskip("onnxruntime")

import strata  # noqa: E402
from strata.errors import ModelImportError, ModelLoadError, UnsupportedOpError  # noqa: E402
from strata.frontends.caffe import import_net  # noqa: E402
from strata.frontends.formats import detect, weights_file  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from caffe_models import Twin, caffe_pool, run_onnx  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def _check(twin: Twin, tmp: Path, outputs: list[str], shape: tuple[int, ...]) -> None:
    proto, model = twin.write(tmp)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    name = twin.net.layer[0].top[0]
    want = run_onnx(twin, outputs, {name: x})
    got = strata.compile(proto, weights=model).run({name: x})
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


def lenet() -> Twin:
    t = Twin("lenet")
    t.input("data", (2, 1, 16, 16))
    t.conv("conv1", "data", "conv1", 1, 4, 5)
    t.pool("pool1", "conv1", "pool1", "MAX", 2, 2)
    t.conv("conv2", "pool1", "conv2", 4, 6, 3)
    t.pool("pool2", "conv2", "pool2", "MAX", 2, 2)
    t.inner_product("ip1", "pool2", "ip1", 6 * 2 * 2, 12)
    t.relu("relu1", "ip1", "ip1")  # in place
    t.inner_product("ip2", "ip1", "ip2", 12, 5)
    t.softmax("prob", "ip2", "prob")
    return t


def test_lenet(tmp_path: Path) -> None:
    _check(lenet(), tmp_path, ["prob"], (2, 1, 16, 16))


def test_caffenet_style(tmp_path: Path) -> None:
    """Grouped convs, LRN, ceil-rounded pooling (10 -> 5 windows, floor would give 4),
    InnerProduct, in-place ReLU / Dropout, Softmax."""
    t = Twin("caffenet")
    t.input("data", (1, 3, 23, 23))
    t.conv("conv1", "data", "conv1", 3, 8, 5, stride=2)
    t.relu("relu1", "conv1", "conv1")
    t.pool("pool1", "conv1", "pool1", "MAX", 3, 2)
    t.lrn("norm1", "pool1", "norm1", 5, 1e-2, 0.75, k=2.0)
    t.conv("conv2", "norm1", "conv2", 8, 8, 5, pad=2, group=2)
    t.relu("relu2", "conv2", "conv2")
    t.pool("pool2", "conv2", "pool2", "MAX", 3, 2)
    t.inner_product("fc6", "pool2", "fc6", 8 * 2 * 2, 16)
    t.relu("relu6", "fc6", "fc6")
    t.dropout("drop6", "fc6")
    t.inner_product("fc7", "fc6", "fc7", 16, 10, transpose=True)
    t.softmax("prob", "fc7", "prob")
    _check(t, tmp_path, ["prob"], (1, 3, 23, 23))


def test_batchnorm_scale_in_place(tmp_path: Path) -> None:
    t = Twin("bn")
    t.input("data", (2, 3, 6, 6))
    t.conv("conv", "data", "conv", 3, 4, 3, pad=1, bias=False)
    t.batch_norm_scale("bn", "scale", "conv", 4)
    t.relu("relu", "conv", "conv", slope=0.1)
    t.global_ave("gap", "conv", "gap")
    _check(t, tmp_path, ["gap"], (2, 3, 6, 6))


def test_eltwise_concat_slice(tmp_path: Path) -> None:
    t = Twin("branches")
    t.input("data", (1, 2, 5, 5))
    t.conv("a", "data", "a", 2, 3, 3, pad=1)
    t.conv("b", "data", "b", 2, 3, 1)
    t.eltwise("sum", ["a", "b"], "sum", "SUM", coeff=[1.0, -0.5])
    t.eltwise("prod", ["a", "b", "sum"], "prod", "PROD")
    t.eltwise("max", ["a", "b"], "max", "MAX")
    t.concat("cat", ["sum", "prod", "max"], "cat")
    t.slice("slice", "cat", ["s1", "s2", "s3"], [2, 7], 9)
    _check(t, tmp_path, ["s1", "s2", "s3"], (1, 2, 5, 5))


def test_deconvolution_prelu_reshape(tmp_path: Path) -> None:
    t = Twin("deconv")
    t.input("data", (1, 4, 3, 3))
    t.deconv("up", "data", "up", 4, 4, 4, stride=2, pad=1, group=2)
    t.prelu("prelu", "up", "up", 4)  # in place
    t.prelu("prelu2", "up", "up2", 4, shared=True)
    t.unary("sig", "Sigmoid", "Sigmoid", "up2", "sig")
    t.unary("tanh", "TanH", "Tanh", "sig", "tanh")
    t.reshape("r", "tanh", "r", [0, -1, 6], [1, -1, 6])
    t.softmax("sm", "r", "sm", axis=2)
    _check(t, tmp_path, ["sm"], (1, 4, 3, 3))


@pytest.mark.parametrize(
    ("size", "k", "s", "pad"),
    [(4, 3, 2, 2), (6, 3, 2, 1)],
    ids=["last-window-dropped", "window-clipped-to-padding"],
)
def test_ceil_pooling_matches_caffe(tmp_path: Path, size: int, k: int, s: int, pad: int) -> None:
    """Caffe's ceil rounding with its clip rule and AVE's divisor (the window clipped to the
    padded input), against Caffe's loops in numpy; one net has both pools."""
    t = Twin("pools")
    t.input("data", (1, 2, size, size))
    t.pool("max", "data", "max", "MAX", k, s, pad)
    t.pool("ave", "data", "ave", "AVE", k, s, pad)
    proto, _ = t.write(tmp_path)
    x = np.random.default_rng(2).standard_normal((1, 2, size, size)).astype(np.float32)
    got = strata.compile(proto).run({"data": x})  # no weighted layers: no caffemodel needed
    for g, method in zip(got, ["MAX", "AVE"], strict=True):
        np.testing.assert_allclose(g, caffe_pool(x, method, k, s, pad), rtol=RTOL, atol=ATOL)


def test_lrn_within_channel(tmp_path: Path) -> None:
    t = Twin("lrn")
    t.input("data", (1, 2, 5, 5))
    layer = t.net.layer.add()
    layer.name, layer.type = "norm", "LRN"
    layer.bottom.append("data")
    layer.top.append("norm")
    p = layer.lrn_param
    p.local_size, p.alpha, p.beta, p.norm_region = 3, 0.5, 0.75, 1
    proto, _ = t.write(tmp_path)
    x = np.random.default_rng(3).standard_normal((1, 2, 5, 5)).astype(np.float32)
    (got,) = strata.compile(proto).run({"data": x})
    sq = np.pad(x * x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    window = sum(sq[:, :, i : i + 5, j : j + 5] for i in range(3) for j in range(3)) / 9
    np.testing.assert_allclose(got, x * (1 + 0.5 * window) ** -0.75, rtol=RTOL, atol=ATOL)


def test_outputs_inputs_and_legacy_input_fields(tmp_path: Path) -> None:
    t = lenet()
    proto, model = t.write(tmp_path)
    # --outputs picks blobs by name; an in-place blob is its last version (ip1 after ReLU)
    m = import_net(proto, model, outputs=["pool1", "ip1"])
    assert [o.name for o in m.outputs] == ["pool1", "ip1"]
    assert '"nn.relu"' in str(m.module) and '"nn.softmax"' not in str(m.module)
    with pytest.raises(ModelImportError, match="'nope' are not blobs"):
        import_net(proto, model, outputs=["nope"])
    # batch_size and input shapes replace the deploy file's shape
    assert import_net(proto, model, batch_size=3).inputs[0].shape == (3, 1, 16, 16)
    m = import_net(proto, model, input_shapes={"data": [1, 1, 16, 16]})
    assert m.outputs[0].shape == (1, 5)
    with pytest.raises(ModelImportError, match="not an input"):
        import_net(proto, model, input_shapes={"image": [1, 1, 16, 16]})
    # the legacy net-level input / input_dim fields instead of an Input layer
    text = proto.read_text()
    start = text.index("layer {")
    end = text.index("layer {", start + 1)
    legacy = tmp_path / "legacy.prototxt"
    dims = "".join(f"input_dim: {d}\n" for d in (2, 1, 16, 16))
    legacy.write_text(f'input: "data"\n{dims}' + text[:start] + text[end:])
    m = import_net(legacy, model)
    assert m.inputs[0].name == "data" and m.inputs[0].shape == (2, 1, 16, 16)


def test_unsupported_layers_are_listed(tmp_path: Path) -> None:
    t = lenet()
    for name, type_, bottoms in [
        ("loss", "SoftmaxWithLoss", ["ip2", "label"]),
        ("acc", "Accuracy", ["ip2", "label"]),
        ("acc5", "Accuracy", ["ip2", "label"]),
        ("mvn", "MVN", ["ip2"]),
    ]:
        layer = t.net.layer.add()
        layer.name, layer.type = name, type_
        layer.bottom.extend(bottoms)
        layer.top.append(name)
    label = t.net.layer[0]
    label.top.append("label")
    label.input_param.shape.add().dim.extend([2])
    proto, model = t.write(tmp_path)
    with pytest.raises(UnsupportedOpError) as e:
        import_net(proto, model)
    assert e.value.unsupported == {
        "Accuracy": ["acc", "acc5"],
        "MVN": ["mvn"],
        "SoftmaxWithLoss": ["loss"],
    }
    assert "use the deploy net" in str(e.value)
    # the layers the chosen outputs need are all supported: those after them do not matter
    assert [o.name for o in import_net(proto, model, outputs=["prob"]).outputs] == ["prob"]


def test_missing_weights(tmp_path: Path) -> None:
    proto, _ = lenet().write(tmp_path, weights=False)
    with pytest.raises(ModelImportError, match=r"'conv1' \(Convolution\).*no caffemodel"):
        import_net(proto)
    with pytest.raises(ModelImportError, match="no caffemodel"):
        strata.compile(proto)
    other = Twin("other")
    other.input("data", (1, 1, 4, 4))
    other.conv("convX", "data", "convX", 1, 1, 1)
    _, wrong = other.write(tmp_path / "other")
    with pytest.raises(ModelImportError, match="no blobs for layers 'conv1'"):
        import_net(proto, wrong)
    bad = tmp_path / "bad.caffemodel"
    bad.write_bytes(b"\xff\xff\xff")
    with pytest.raises(ModelLoadError, match="not a caffemodel"):
        import_net(proto, bad)
    with pytest.raises(ModelLoadError, match="do not exist"):
        strata.compile(proto, weights=tmp_path / "missing.caffemodel")


def test_bad_and_legacy_nets(tmp_path: Path) -> None:
    bad = tmp_path / "bad.prototxt"
    bad.write_text('layer { name: "a" type: "ReLU" bogus_field: 1 }')
    with pytest.raises(ModelLoadError, match="bogus_field"):
        import_net(bad)
    v1 = tmp_path / "v1.prototxt"
    v1.write_text(
        'name: "old"\ninput: "data"\nlayers { name: "conv" type: CONVOLUTION bottom: "data" '
        'top: "conv" convolution_param { num_output: 2 kernel_size: 1 } }'
    )
    with pytest.raises(ModelLoadError, match=r"legacy V1 layer format.*upgrade_net_proto_text"):
        import_net(v1)
    reads = tmp_path / "reads.prototxt"
    reads.write_text('layer { name: "r" type: "ReLU" bottom: "x" top: "y" }')
    with pytest.raises(ModelImportError, match="reads blob 'x', which no earlier layer"):
        import_net(reads)


def test_weights_file_and_detection(tmp_path: Path) -> None:
    proto, model = lenet().write(tmp_path)
    assert detect(proto) == "caffe"
    assert weights_file(proto) == model.resolve()  # the sibling NAME.caffemodel
    x = np.random.default_rng(4).standard_normal((2, 1, 16, 16)).astype(np.float32)
    (by_sibling,) = strata.compile(proto).run({"data": x})
    (want,) = run_onnx(lenet(), ["prob"], {"data": x})
    np.testing.assert_allclose(by_sibling, want, rtol=RTOL, atol=ATOL)
    with pytest.raises(ModelLoadError, match="only Caffe nets"):
        weights_file(tmp_path / "m.onnx", "onnx", model)


def test_tools(tmp_path: Path) -> None:
    t = lenet()
    proto, model = t.write(tmp_path / "net")
    weights = tmp_path / "trained.caffemodel"  # not the sibling name: given explicitly
    model.rename(weights)
    r = subprocess.run(
        ["strata-translate", "--import-caffe", str(proto), "--weights", str(weights)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert '"nn.conv"' in r.stdout and "func.func @main" in r.stdout
    r = subprocess.run(["strata-translate", "--import-caffe", str(proto)], capture_output=True,
                       text=True)  # fmt: skip
    assert r.returncode == 1 and "no caffemodel" in r.stderr and "Traceback" not in r.stderr
    out = tmp_path / "out" / "lenet"
    r = subprocess.run(
        ["stratac", str(proto), str(weights), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    x = np.random.default_rng(5).standard_normal((2, 1, 16, 16)).astype(np.float32)
    (got,) = strata.load(out).run({"data": x})
    (want,) = run_onnx(lenet(), ["prob"], {"data": x})
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_data_layer_phases_and_legacy_caffemodel(tmp_path: Path) -> None:
    """A train/val-style net: a Data layer (data + label), layers only for phase TRAIN (left
    out), and weights from an old caffemodel of V1 `layers` records with 4-d blob shapes."""
    t = lenet()
    proto, _ = t.write(tmp_path)
    text = proto.read_text()
    start = text.index("layer {")
    end = text.index("layer {", start + 1)
    data = (
        'layer { name: "mnist" type: "Data" top: "data" top: "label" '
        "data_param { batch_size: 2 } transform_param { crop_size: 16 } }\n"
    )
    training = (
        'layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip2" bottom: "label" top: "loss" '
        "include { phase: TRAIN } }\n"
        'layer { name: "acc" type: "Accuracy" bottom: "ip2" bottom: "label" top: "acc" '
        "exclude { phase: TEST } }\n"
    )
    net = tmp_path / "train_val.prototxt"
    net.write_text(text[:start] + data + text[end:] + training)
    old = type(t.net)()
    for layer in t.net.layer:
        if layer.blobs:
            v1 = old.layers.add()
            v1.name = layer.name
            for b in layer.blobs:
                dims = [int(d) for d in b.shape.dim]
                legacy = v1.blobs.add()
                n, c, h, w = [1] * (4 - len(dims)) + dims  # e.g. 1 x 1 x N x K
                legacy.num, legacy.channels, legacy.height, legacy.width = n, c, h, w
                legacy.data.extend(b.data)
    weights = tmp_path / "old.caffemodel"
    weights.write_bytes(old.SerializeToString())
    with pytest.raises(ModelImportError, match="channel dim of bottom 0 must be static"):
        import_net(net, weights)  # the Data layer knows only N (and H, W from crop_size)
    m = import_net(net, weights, input_shapes={"data": [2, 1, 16, 16]})
    assert [i.name for i in m.inputs] == ["data"] and [o.name for o in m.outputs] == ["prob"]
    x = np.random.default_rng(6).standard_normal((2, 1, 16, 16)).astype(np.float32)
    (got,) = strata.compile(net, weights=weights, input_shapes={"data": [2, 1, 16, 16]}).run([x])
    (want,) = run_onnx(t, ["prob"], {"data": x})
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_schema_cache_is_rebuilt_when_damaged() -> None:
    from strata.frontends.caffe import schema

    schema.net_parameter()
    path = schema._descriptor_set_path()
    assert path.is_file()  # the descriptor set protoc made, in the (test session's) cache
    path.write_bytes(b"not a descriptor set")
    schema._pool.cache_clear()
    try:
        net = schema.net_parameter()()
        net.layer.add().convolution_param.kernel_size.append(3)
        assert path.read_bytes() != b"not a descriptor set"
    finally:
        schema._pool.cache_clear()


def test_cut_and_layout(tmp_path: Path) -> None:
    """inputs= cuts the net at a blob (its shape worked out from the layers before it) and
    the layout options give a channel-first net an NHWC interface (the import contract of
    every graph format, strata.frontends.formats)."""
    twin = lenet()
    proto, model = twin.write(tmp_path)
    x = np.random.default_rng(3).standard_normal((2, 1, 16, 16)).astype(np.float32)
    pool1, conv2, prob = run_onnx(twin, ["pool1", "conv2", "prob"], {"data": x})
    cut = strata.compile(proto, weights=model, inputs=["pool1"], outputs=["prob"])
    assert [i.name for i in cut.inputs] == ["pool1"] and cut.inputs[0].shape == (2, 4, 6, 6)
    (got,) = cut.run({"pool1": pool1})
    np.testing.assert_allclose(got, prob, rtol=RTOL, atol=ATOL)
    nhwc = strata.compile(
        proto,
        weights=model,
        outputs=["conv2"],
        reorder_data_layout="channel-last",
        remove_input_transpose=True,
        remove_output_transpose=True,
    )
    assert nhwc.inputs[0].shape == (2, 16, 16, 1)
    (got,) = nhwc.run({"data": x.transpose(0, 2, 3, 1)})
    np.testing.assert_allclose(got, conv2.transpose(0, 2, 3, 1), rtol=RTOL, atol=ATOL)
    with pytest.raises(ModelImportError, match=r"'pool9' \(nearest: .*'pool1'"):
        import_net(proto, model, inputs=["pool9"])
