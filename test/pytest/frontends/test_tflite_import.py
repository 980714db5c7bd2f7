"""The TFLite frontend: Keras models converted with tf.lite.TFLiteConverter (float and int8
full-integer quantized), imported, compiled for the CPU and compared with LiteRT's outputs;
format detection, the command-line tools, unsupported ops, the NHWC/NCHW layout.

The models are built by `tflite_models.py` in a subprocess (TensorFlow must not be imported
into a process that uses the MLIR bindings; see there). References: float outputs within
rtol 1e-3 / atol 1e-4 of LiteRT (XNNPACK); int8 outputs within one quantization step of the
range that LiteRT's kernel sets give (XNNPACK, the builtin optimized kernels and, where they
run, the reference kernels), since those differ among themselves.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

if (
    importlib.util.find_spec("tensorflow") is None
    or importlib.util.find_spec("ai_edge_litert") is None
):
    pytest.skip("needs tensorflow and ai-edge-litert (the test extra)", allow_module_level=True)

import strata
from strata.errors import ModelImportError, ModelLoadError, UnsupportedOpError
from strata.frontends.formats import detect
from strata.frontends.tflite import import_model

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import tflite_models as tm  # noqa: E402

RTOL, ATOL = 1e-3, 1e-4
SMALL = [n for n in tm.MODELS if n not in tm.LARGE]


def _build(out: Path, names: list[str]) -> dict[str, Path]:
    r = subprocess.run(
        [sys.executable, str(HERE / "tflite_models.py"), str(out), *names],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-4000:]
    return {n: out / f"{n}.tflite" for n in names}


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(tmp_path_factory.mktemp("tflite"), SMALL)


@pytest.fixture(scope="session")
def large_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(tmp_path_factory.mktemp("tflite-large"), list(tm.LARGE))


def check_float(path: Path) -> None:
    data = path.read_bytes()
    xs = tm.random_inputs(data)
    got = strata.compile(path).run(xs)
    want = tm.run_litert(data, xs)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


def check_int8(path: Path, resolvers: tuple[str, ...] = tm.RESOLVERS) -> list[np.ndarray]:
    """Within one step of the range of LiteRT's kernel sets; returns the outputs."""
    data = path.read_bytes()
    xs = tm.random_inputs(data)
    got = strata.compile(path).run(xs)
    refs = [tm.run_litert(data, xs, r) for r in resolvers]
    for k, g in enumerate(got):
        ws = np.stack([r[k].astype(np.int64) for r in refs])
        assert g.shape == ws.shape[1:] and g.dtype == refs[0][k].dtype
        gi = g.astype(np.int64)
        outside = np.maximum(ws.min(0) - gi, gi - ws.max(0))
        assert outside.max() <= 1, f"output {k}: {outside.max()} steps outside LiteRT's range"
    return got


@pytest.mark.parametrize(
    "name", ["conv", "conv_float16", "pool", "elementwise", "shapes", "layouts", "dense"]
)
def test_float_ops(models: dict[str, Path], name: str) -> None:
    check_float(models[name])


def test_dynamic_batch(models: dict[str, Path]) -> None:
    """A batch left open by the model stays dynamic; --batch-size pins it."""
    path = models["flatten_dynamic"]
    data = path.read_bytes()
    x = np.random.default_rng(0).standard_normal((3, 5, 5, 2)).astype(np.float32)
    compiled = strata.compile(path)
    assert compiled.inputs[0].shape[0] is None
    np.testing.assert_allclose(
        compiled.run([x])[0], tm.run_litert(data, [x])[0], rtol=RTOL, atol=ATOL
    )
    pinned = strata.compile(path, batch_size=3)
    assert pinned.inputs[0].shape == (3, 5, 5, 2)
    np.testing.assert_allclose(
        pinned.run([x])[0], tm.run_litert(data, [x])[0], rtol=RTOL, atol=ATOL
    )


@pytest.mark.parametrize(
    ("name", "dtype"),
    [
        ("quant_block_int8", np.int8),  # per-channel filter scales
        ("quant_block_per_tensor", np.int8),
        ("quant_block_uint8_io", np.uint8),  # QUANTIZE requantizes uint8 <-> int8 at the ends
    ],
)
def test_int8_block(models: dict[str, Path], name: str, dtype: type) -> None:
    """Conv, depthwise conv, add, both pools, concatenation, mean, fully connected and
    softmax, quantized in and out."""
    (y,) = check_int8(models[name])
    assert y.dtype == dtype


@pytest.mark.parametrize("name", ["conv", "quant_block_int8"])
def test_odla_target(models: dict[str, Path], name: str) -> None:
    """The odla target compiles the same imported models (i32 convs included)."""
    data = models[name].read_bytes()
    xs = tm.random_inputs(data)
    (got,) = strata.compile(models[name], target="odla").run(xs)
    (want,) = tm.run_litert(data, xs)
    if want.dtype.kind == "f":
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    else:
        assert np.abs(got.astype(np.int64) - want).max() <= 1


def test_int8_float_io(models: dict[str, Path]) -> None:
    """Float inputs and outputs: QUANTIZE / DEQUANTIZE at the ends."""
    path = models["quant_block_float_io"]
    data = path.read_bytes()
    xs = tm.random_inputs(data)
    (got,) = strata.compile(path).run(xs)
    (want,) = tm.run_litert(data, xs)
    # one int8 step of the softmax output (scale 1/256)
    np.testing.assert_allclose(got, want, rtol=0, atol=1 / 256 + 1e-7)


def test_layout_transposes(models: dict[str, Path]) -> None:
    """The conv chain runs in NCHW with one transpose in and one out (not one per op)."""
    m = import_model(models["conv"])
    with m.module.context:
        text = str(m.module)
    assert text.count('"nn.transpose"') == 2
    assert text.count('"nn.conv"') == 3


@pytest.fixture(scope="module")
def conv_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the conv chain (the cut and layout tests need no other model)."""
    return _build(tmp_path_factory.mktemp("tflite-conv"), ["conv"])["conv"]


def _litert_tensors(data: bytes, xs: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Every tensor of one LiteRT run (XNNPACK off, so that intermediates are kept)."""
    from ai_edge_litert import interpreter as litert

    it = litert.Interpreter(
        model_content=data,
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), xs, strict=True):
        it.set_tensor(d["index"], x)
    it.invoke()
    out = {}
    for d in it.get_tensor_details():
        try:
            out[d["name"]] = np.array(it.get_tensor(d["index"]))
        except ValueError:  # a tensor LiteRT has no data for
            continue
    return out


def test_cut_at_a_middle_tensor(conv_model: Path) -> None:
    """The depthwise conv's result as the input: compare with LiteRT's own run, fed the value
    LiteRT computed for that tensor."""
    data = conv_model.read_bytes()
    from strata.frontends.tflite import loader

    graph = loader.read(conv_model)
    mid = graph.tensors[graph.operators[1].outputs[0]].name  # DEPTHWISE_CONV_2D's result
    compiled = strata.compile(conv_model, inputs=[mid])
    assert [(i.name, i.shape) for i in compiled.inputs] == [(mid, (1, 3, 3, 12))]
    xs = tm.random_inputs(data)
    tensors = _litert_tensors(data, xs)
    (got,) = compiled.run([tensors[mid]])
    (want,) = tm.run_litert(data, xs, "optimized")
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    with pytest.raises(ModelImportError, match="not among the tensors of the model"):
        import_model(conv_model, inputs=[mid + "x"])


def test_layout_options(conv_model: Path) -> None:
    """As TF's: NCHW in and out with the remove flags; channel-last restores NHWC after
    each conv."""
    data = conv_model.read_bytes()
    xs = tm.random_inputs(data)
    (want,) = tm.run_litert(data, xs)
    nchw = strata.compile(conv_model, remove_input_transpose=True, remove_output_transpose=True)
    assert nchw.inputs[0].shape == (1, 4, 9, 9) and nchw.outputs[0].shape == (1, 4, 3, 3)
    (got,) = nchw.run([xs[0].transpose(0, 3, 1, 2).copy()])
    np.testing.assert_allclose(got, want.transpose(0, 3, 1, 2), rtol=RTOL, atol=ATOL)
    m = import_model(conv_model, remove_input_transpose=True, remove_output_transpose=True)
    assert '"nn.transpose"' not in str(m.module)
    last = import_model(conv_model, reorder_data_layout="channel-last")
    assert str(last.module).count('"nn.transpose"') == 6  # a pair around each of 3 convs
    (got,) = strata.compile(conv_model, reorder_data_layout="channel-last").run(xs)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_detect(models: dict[str, Path], tmp_path: Path) -> None:
    assert detect(models["conv"]) == "tflite"
    bare = tmp_path / "model.bin"
    bare.write_bytes(models["conv"].read_bytes())
    assert detect(bare) == "tflite"  # by the TFL3 identifier
    assert detect(bare, "tflite") == "tflite"
    # bytes compile too
    data = models["dense"].read_bytes()
    xs = tm.random_inputs(data)
    np.testing.assert_allclose(
        strata.compile(data).run(xs)[0], tm.run_litert(data, xs)[0], rtol=RTOL, atol=ATOL
    )


def test_unsupported_ops_listed(models: dict[str, Path]) -> None:
    with pytest.raises(UnsupportedOpError) as e:
        import_model(models["unsupported"])
    assert set(e.value.unsupported) == {"CUMSUM", "FLOOR"}
    msg = str(e.value)
    assert "CUMSUM: #0 (" in msg and "FLOOR: #1 (" in msg


def test_bad_inputs(models: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="TFL3"):
        import_model(b"\0" * 64)
    with pytest.raises(ModelLoadError, match="not a readable TFLite model"):
        import_model(models["conv"].read_bytes()[:1000])  # truncated
    with pytest.raises(ModelLoadError, match="does not exist"):
        import_model(tmp_path / "missing.tflite")
    # the batch size fixes open leading dims only (this model's is 1); a given shape must
    # keep a static dim
    assert import_model(models["conv"], batch_size=2).inputs[0].shape == (1, 9, 9, 4)
    m = import_model(models["conv"])
    name = m.inputs[0].name
    with pytest.raises(ModelImportError, match="dim 0 is 1 in the model, 2 was given"):
        import_model(models["conv"], input_shapes={name: [2, 9, 9, 4]})
    with pytest.raises(ModelImportError, match="not an input"):
        import_model(models["conv"], input_shapes={"nope": [1]})
    assert import_model(models["conv"], input_shapes={name: [1, 9, 9, 4]}).inputs[0].shape == (
        1,
        9,
        9,
        4,
    )


def test_outputs_cut(models: dict[str, Path]) -> None:
    m = import_model(models["dense"])
    first = m.outputs[0].name
    cut = import_model(models["dense"], outputs=[first])
    assert [o.name for o in cut.outputs] == [first]
    with pytest.raises(ModelImportError, match="not a tensor computed"):
        import_model(models["dense"], outputs=["nope"])


def test_tools(models: dict[str, Path], tmp_path: Path) -> None:
    path = models["conv"]
    r = subprocess.run(
        ["strata-translate", "--import-tflite", str(path)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert '"nn.conv"' in r.stdout and "func.func @main" in r.stdout
    out = tmp_path / "out" / "m"
    r = subprocess.run(
        ["stratac", str(path), "-o", str(out)], capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "m.so").is_file() and (tmp_path / "out" / "m.h").is_file()
    bare = tmp_path / "model.bin"  # no extension: --framework (or the identifier) decides
    bare.write_bytes(path.read_bytes())
    r = subprocess.run(
        ["stratac", str(bare), "-o", str(tmp_path / "out2" / "m"), "--framework", "tflite"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    r = subprocess.run(
        ["stratac", str(models["unsupported"]), "-o", str(tmp_path / "u" / "m")],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "CUMSUM" in r.stderr and "Traceback" not in r.stderr


def test_import_strata_needs_no_tensorflow() -> None:
    code = (
        "import sys, strata, strata.frontends.tflite, strata.frontends.formats; "
        "assert 'tensorflow' not in sys.modules and 'ai_edge_litert' not in sys.modules"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.slow
def test_mobilenet_v2_float(large_models: dict[str, Path]) -> None:
    check_float(large_models["mobilenet_v2"])
    m = import_model(large_models["mobilenet_v2"])
    with m.module.context:
        assert str(m.module).count('"nn.transpose"') == 1  # after the input, nowhere else


@pytest.mark.slow
def test_mobilenet_v2_int8(large_models: dict[str, Path]) -> None:
    """LiteRT's reference kernels abort on this model (allocate_tensors), so the range is
    XNNPACK's and the builtin optimized kernels' (they differ by up to ~20 steps here)."""
    check_int8(large_models["mobilenet_v2_int8"], ("xnnpack", "optimized"))
