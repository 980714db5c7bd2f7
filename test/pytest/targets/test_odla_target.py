"""The odla target end to end: nn -> odla -> ODLA C++ program -> each ODLA runtime
(libodla_ref, libodla_dnnl), against ONNX Runtime.

Models are built here with onnx.helper (small: each compiles and runs in about a second).
Tolerances are the project's for this path: rtol 1e-3, atol 1e-4.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.errors import StrataError
from strata.targets.odla import runtimes

ort = pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[3]
RTOL, ATOL = 1e-3, 1e-4
RUNTIMES = sorted(runtimes.RUNTIMES)  # every end-to-end test runs on each runtime
vi = helper.make_tensor_value_info
on_each_runtime = pytest.mark.parametrize("runtime", RUNTIMES)


def _save(graph: onnx.GraphProto, path: Path, opset: int = 17) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def _check(
    path: Path, feeds: dict[str, np.ndarray], tmp_path: Path, runtime: str = "ref", **kw: object
) -> strata.CompiledModel:
    """Compile for `runtime`, run, compare with ONNX Runtime; the (closed) model."""
    m = strata.compile(path, target="odla", odla_runtime=runtime, cache_dir=tmp_path / "c", **kw)
    assert m.meta.target == "odla" and m.meta.extra["odla_runtime"] == runtime
    want = ort.InferenceSession(str(path)).run(None, feeds)
    got = m.run(feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    m.close()
    return m


def _init(r: np.random.Generator, name: str, *shape: int) -> onnx.TensorProto:
    return numpy_helper.from_array(r.standard_normal(shape).astype(np.float32), name)


@on_each_runtime
def test_bundled_mlp_example_matches_onnxruntime(tmp_path: Path, runtime: str) -> None:
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    _check(ROOT / "examples" / "mlp.onnx", {"input": x}, tmp_path, runtime, batch_size=3)


def test_weights_compiled_in_with_emit_data_as_c(tmp_path: Path) -> None:
    mlp = ROOT / "examples" / "mlp.onnx"
    x = np.random.default_rng(9).random((1, 784), dtype=np.float32)
    m = strata.compile(mlp, target="odla", batch_size=1, emit_data_as_c=True, cache_dir=tmp_path)
    assert m.meta.weights is None and (m.directory / "model_data.c").is_file()
    assert not (m.directory / "model.bin").exists()
    want = ort.InferenceSession(str(mlp)).run(None, {"input": x})[0]
    with m:
        np.testing.assert_allclose(m.run([x])[0], want, rtol=RTOL, atol=ATOL)


@on_each_runtime
def test_threads_run_one_model_at_once(tmp_path: Path, runtime: str) -> None:
    """NAME() binds each call's buffers to a context of its own: concurrent calls (the GIL is
    released while the library runs) give each caller its own result."""
    from concurrent.futures import ThreadPoolExecutor

    mlp = ROOT / "examples" / "mlp.onnx"
    r = np.random.default_rng(8)
    xs = [r.random((2, 784), dtype=np.float32) for _ in range(8)]
    sess = ort.InferenceSession(str(mlp))
    want = [sess.run(None, {"input": x})[0] for x in xs]
    m = strata.compile(
        mlp, target="odla", odla_runtime=runtime, batch_size=2, cache_dir=tmp_path / "c"
    )
    with m, ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda x: m.run([x])[0], xs * 4))
    for i, g in enumerate(got):
        np.testing.assert_allclose(g, want[i % len(xs)], rtol=RTOL, atol=ATOL)


@on_each_runtime
def test_elementwise_and_activations_match_onnxruntime(tmp_path: Path, runtime: str) -> None:
    r = np.random.default_rng(1)
    nodes = [
        helper.make_node("Add", ["x", "b"], ["a"], name="add"),
        helper.make_node("Mul", ["a", "x"], ["m"], name="mul"),
        helper.make_node("Sub", ["m", "b"], ["s"], name="sub"),
        helper.make_node("Div", ["s", "d"], ["q"], name="div"),
        helper.make_node("Tanh", ["q"], ["t"], name="tanh"),
        helper.make_node("Sigmoid", ["t"], ["g"], name="sigmoid"),
        helper.make_node("Clip", ["x", "lo", "hi"], ["c"], name="clip"),
        helper.make_node("LeakyRelu", ["c"], ["l"], alpha=0.2, name="leaky"),
        helper.make_node("Max", ["l", "g"], ["mx"], name="max"),
        helper.make_node("Exp", ["mx"], ["e"], name="exp"),
        helper.make_node("Log", ["e"], ["lg"], name="log"),
        helper.make_node("Abs", ["lg"], ["ab"], name="abs"),
        helper.make_node("Sqrt", ["ab"], ["sq"], name="sqrt"),
        helper.make_node("Softmax", ["sq"], ["y"], axis=0, name="softmax"),
        helper.make_node("Erf", ["x"], ["z"], name="erf"),
    ]
    inits = [
        _init(r, "b", 5),
        numpy_helper.from_array(np.full((3, 1), 2.5, np.float32), "d"),
        numpy_helper.from_array(np.array(-0.5, np.float32), "lo"),
        numpy_helper.from_array(np.array(0.75, np.float32), "hi"),
    ]
    g = helper.make_graph(
        nodes,
        "ew",
        [vi("x", TensorProto.FLOAT, [3, 5])],
        [vi("y", TensorProto.FLOAT, [3, 5]), vi("z", TensorProto.FLOAT, [3, 5])],
        inits,
    )
    x = r.standard_normal((3, 5)).astype(np.float32)
    _check(_save(g, tmp_path / "ew.onnx"), {"x": x}, tmp_path, runtime)


@on_each_runtime
def test_resnet_style_model_matches_onnxruntime(tmp_path: Path, runtime: str) -> None:
    """Conv (strided, padded, grouped) + BatchNorm + Relu, a residual Add, MaxPool,
    AveragePool, GlobalAveragePool, Flatten, Gemm: the op classes of ResNet."""
    r = np.random.default_rng(2)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], strides=[2, 2],
                         name="conv1"),
        helper.make_node("BatchNormalization", ["c1", "s1", "o1", "m1", "v1"], ["n1"], name="bn1"),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[1, 1], name="pool1"),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], pads=[1, 1, 1, 1], group=2, name="conv2"),
        helper.make_node("Add", ["c2", "r1"], ["res"], name="residual"),
        helper.make_node("AveragePool", ["res"], ["ap"], kernel_shape=[2, 2], strides=[2, 2],
                         name="avgpool"),
        helper.make_node("GlobalAveragePool", ["ap"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], transB=1, name="fc"),
    ]  # fmt: skip
    inits = [
        _init(r, "w1", 8, 3, 3, 3), _init(r, "b1", 8), _init(r, "s1", 8), _init(r, "o1", 8),
        _init(r, "m1", 8), numpy_helper.from_array(r.random(8).astype(np.float32) + 0.5, "v1"),
        _init(r, "w2", 8, 4, 3, 3), _init(r, "wf", 10, 8), _init(r, "bf", 10),
    ]  # fmt: skip
    g = helper.make_graph(
        nodes, "resnetish", [vi("x", TensorProto.FLOAT, [2, 3, 16, 16])],
        [vi("y", TensorProto.FLOAT, [2, 10])], inits,
    )  # fmt: skip
    x = r.standard_normal((2, 3, 16, 16)).astype(np.float32)
    _check(_save(g, tmp_path / "resnetish.onnx"), {"x": x}, tmp_path, runtime)


@on_each_runtime
def test_conv_and_gemm_variants_match_onnxruntime(tmp_path: Path, runtime: str) -> None:
    """Depthwise and dilated 2-d convolutions with asymmetric pads, 1-d and 3-d ones, Gemm
    with transA / alpha / beta and a broadcast C, a batched MatMul broadcasting its batch dim,
    Softmax / LogSoftmax on an inner axis, ReduceMax / ReduceSum, Transpose."""
    r = np.random.default_rng(11)
    nodes = [
        helper.make_node("Conv", ["x", "wd"], ["d"], group=4, pads=[1, 0, 2, 1], strides=[2, 1],
                         name="depthwise"),
        helper.make_node("Conv", ["d", "wl", "bl"], ["dl"], dilations=[2, 2], pads=[2, 2, 2, 2],
                         name="dilated"),
        helper.make_node("Conv", ["s1", "w1d"], ["c1"], strides=[2], pads=[1, 1], name="conv1d"),
        helper.make_node("Conv", ["s3", "w3d"], ["c3"], pads=[1, 1, 1, 1, 1, 1], name="conv3d"),
        helper.make_node("Gemm", ["ga", "gb", "gc"], ["g"], transA=1, alpha=0.5, beta=2.0,
                         name="gemm"),
        helper.make_node("MatMul", ["ba", "bb"], ["bm"], name="bmm"),
        helper.make_node("Softmax", ["bm"], ["sm"], axis=1, name="softmax"),
        helper.make_node("LogSoftmax", ["bm"], ["lsm"], axis=-1, name="log_softmax"),
        helper.make_node("ReduceMax", ["dl", "axes"], ["rmax"], keepdims=1, name="rmax"),
        helper.make_node("ReduceSum", ["c3", "axes"], ["rsum"], keepdims=0, name="rsum"),
        helper.make_node("Transpose", ["lsm"], ["tr"], perm=[2, 0, 1], name="transpose"),
    ]  # fmt: skip
    inits = [
        _init(r, "wd", 4, 1, 3, 3), _init(r, "wl", 6, 4, 3, 3), _init(r, "bl", 6),
        _init(r, "w1d", 3, 2, 3), _init(r, "w3d", 2, 2, 3, 3, 3), _init(r, "gb", 5, 7),
        _init(r, "gc", 7), _init(r, "bb", 4, 6),
        numpy_helper.from_array(np.array([2, 3], np.int64), "axes"),
    ]  # fmt: skip
    inputs = {"x": (1, 4, 9, 8), "s1": (2, 2, 10), "s3": (1, 2, 4, 4, 4), "ga": (5, 3),
              "ba": (2, 3, 4)}  # fmt: skip
    g = helper.make_graph(
        nodes, "variants", [vi(k, TensorProto.FLOAT, list(v)) for k, v in inputs.items()],
        [vi("rmax", TensorProto.FLOAT, [1, 6, 1, 1]), vi("c1", TensorProto.FLOAT, [2, 3, 5]),
         vi("rsum", TensorProto.FLOAT, [1, 2, 4]), vi("g", TensorProto.FLOAT, [3, 7]),
         vi("sm", TensorProto.FLOAT, [2, 3, 6]), vi("tr", TensorProto.FLOAT, [6, 2, 3])],
        inits,
    )  # fmt: skip
    feeds = {k: r.standard_normal(v).astype(np.float32) for k, v in inputs.items()}
    _check(_save(g, tmp_path / "variants.onnx", opset=18), feeds, tmp_path, runtime)


@on_each_runtime
@pytest.mark.parametrize("exec_mode", ["compile", "interpret"])
def test_instance_normalization_matches_onnxruntime(
    tmp_path: Path, runtime: str, exec_mode: str
) -> None:
    """InstanceNormalization on 4-d and 3-d inputs: one odla_InstanceNormalization call each
    (libodla_dnnl: a layer normalisation and a binary primitive)."""
    r = np.random.default_rng(11)
    g = helper.make_graph(
        [
            helper.make_node(
                "InstanceNormalization", ["x", "s", "b"], ["y"], epsilon=0.001, name="i"
            ),
            helper.make_node("InstanceNormalization", ["t", "s2", "b2"], ["z"], name="in3"),
        ],
        "inorm",
        [vi("x", TensorProto.FLOAT, [2, 3, 4, 5]), vi("t", TensorProto.FLOAT, [2, 4, 6])],
        [vi("y", TensorProto.FLOAT, [2, 3, 4, 5]), vi("z", TensorProto.FLOAT, [2, 4, 6])],
        [_init(r, "s", 3), _init(r, "b", 3), _init(r, "s2", 4), _init(r, "b2", 4)],
    )
    feeds = {
        "x": (r.standard_normal((2, 3, 4, 5)) * 3 + 1).astype(np.float32),
        "t": r.standard_normal((2, 4, 6)).astype(np.float32),
    }
    m = _check(_save(g, tmp_path / "inorm.onnx"), feeds, tmp_path, runtime, exec_mode=exec_mode)
    src = (m.directory / "model.cc").read_text()
    assert src.count("odla_InstanceNormalization(") == 2 and "odla_ReduceMean(" not in src


@on_each_runtime
def test_bert_style_model_matches_onnxruntime(tmp_path: Path, runtime: str) -> None:
    """Embedding Gather, LayerNormalization, batched MatMul with Transpose / Reshape for
    the heads, scaled Softmax attention, Gelu MLP, Slice, ReduceMean: BERT's op classes."""
    r = np.random.default_rng(3)
    seq, hid, heads, vocab = 6, 8, 2, 20
    hd = hid // heads
    nodes = [
        helper.make_node("Gather", ["emb", "ids"], ["e"], axis=0, name="embed"),
        helper.make_node("LayerNormalization", ["e", "g1", "be1"], ["h"], axis=-1, name="ln1"),
        helper.make_node("MatMul", ["h", "wq"], ["q"], name="q_proj"),
        helper.make_node("MatMul", ["h", "wk"], ["k"], name="k_proj"),
        helper.make_node("Reshape", ["q", "heads_shape"], ["q4"], name="q_heads"),
        helper.make_node("Reshape", ["k", "heads_shape"], ["k4"], name="k_heads"),
        helper.make_node("Transpose", ["q4"], ["qt"], perm=[0, 2, 1, 3], name="q_t"),
        helper.make_node("Transpose", ["k4"], ["kt"], perm=[0, 2, 3, 1], name="k_t"),
        helper.make_node("MatMul", ["qt", "kt"], ["sc"], name="scores"),
        helper.make_node("Div", ["sc", "scale"], ["scs"], name="scale"),
        helper.make_node("Softmax", ["scs"], ["att"], axis=-1, name="softmax"),
        helper.make_node("MatMul", ["att", "qt"], ["ctx"], name="context"),
        helper.make_node("Transpose", ["ctx"], ["ctxt"], perm=[0, 2, 1, 3], name="ctx_t"),
        helper.make_node("Reshape", ["ctxt", "hid_shape"], ["c2"], name="merge"),
        helper.make_node("MatMul", ["c2", "w1"], ["f1"], name="ffn1"),
        helper.make_node("Add", ["f1", "bb1"], ["f1b"], name="ffn1_bias"),
        helper.make_node("Gelu", ["f1b"], ["f2"], name="gelu", domain=""),
        helper.make_node("Slice", ["f2", "st", "en", "ax"], ["cls"], name="cls"),
        helper.make_node("ReduceMean", ["f2", "ax"], ["pooled"], keepdims=0, name="pool"),
    ]
    inits = [
        _init(r, "emb", vocab, hid), _init(r, "g1", hid), _init(r, "be1", hid),
        _init(r, "wq", hid, hid), _init(r, "wk", hid, hid), _init(r, "w1", hid, 16),
        _init(r, "bb1", 16),
        numpy_helper.from_array(np.array([1, seq, heads, hd], np.int64), "heads_shape"),
        numpy_helper.from_array(np.array([1, seq, hid], np.int64), "hid_shape"),
        numpy_helper.from_array(np.array(np.sqrt(hd), np.float32), "scale"),
        numpy_helper.from_array(np.array([0], np.int64), "st"),
        numpy_helper.from_array(np.array([1], np.int64), "en"),
        numpy_helper.from_array(np.array([1], np.int64), "ax"),
    ]  # fmt: skip
    g = helper.make_graph(
        nodes, "bertish", [vi("ids", TensorProto.INT64, [1, seq])],
        [vi("cls", TensorProto.FLOAT, [1, 1, 16]), vi("pooled", TensorProto.FLOAT, [1, 16])],
        inits,
    )  # fmt: skip
    path = _save(g, tmp_path / "bertish.onnx", opset=20)  # Gelu is opset 20
    ids = r.integers(0, vocab, (1, seq)).astype(np.int64)
    _check(path, {"ids": ids}, tmp_path, runtime)


def test_op_without_odla_form_runs_on_the_loop_path(tmp_path: Path) -> None:
    """ConvTranspose has no odla op: the CPU target compiles it into NAME_kernels.o and the
    ODLA program calls it (odla_CustomCall) between runtime ops."""
    r = np.random.default_rng(4)
    g = helper.make_graph(
        [
            helper.make_node("Conv", ["x", "w0"], ["c"], pads=[1, 1, 1, 1], name="conv"),
            helper.make_node("ConvTranspose", ["c", "w"], ["u"], strides=[2, 2], name="upsample"),
            helper.make_node("Relu", ["u"], ["y"], name="relu"),
        ],
        "up",
        [vi("x", TensorProto.FLOAT, [1, 2, 4, 4])],
        [vi("y", TensorProto.FLOAT, [1, 3, 9, 9])],
        [_init(r, "w0", 2, 2, 3, 3), _init(r, "w", 2, 3, 3, 3)],
    )
    path = _save(g, tmp_path / "up.onnx")
    x = r.standard_normal((1, 2, 4, 4)).astype(np.float32)
    _check(path, {"x": x}, tmp_path)
    m = strata.compile(path, target="odla", cache_dir=tmp_path / "c")
    program = (m.directory / "model.cc").read_text()
    assert "// node 'upsample' (nn.conv_transpose, on Strata's loop path" in program
    assert "odla_CustomCall(" in program and (m.directory / "model_kernels.o").is_file()


@on_each_runtime
def test_ops_a_runtime_lacks_run_on_the_loop_path(tmp_path: Path, runtime: str) -> None:
    """libodla_dnnl has no Pow, Erf, comparisons, Not or Select (targets/odla/runtimes.py):
    for `dnnl` those nodes are compiled on the loop path and called between oneDNN ops; for
    `ref`, which implements them, the program calls the runtime."""
    r = np.random.default_rng(10)
    g = helper.make_graph(
        [
            helper.make_node("Relu", ["x"], ["a"], name="relu"),
            helper.make_node("Pow", ["a", "two"], ["p"], name="square"),
            helper.make_node("Erf", ["x"], ["e"], name="erf"),
            helper.make_node("Greater", ["x", "p"], ["gt"], name="greater"),
            helper.make_node("Not", ["gt"], ["ng"], name="not"),
            helper.make_node("Where", ["ng", "p", "e"], ["w"], name="where"),
            helper.make_node("Add", ["w", "x"], ["y"], name="add"),
        ],
        "lacks",
        [vi("x", TensorProto.FLOAT, [2, 6])],
        [vi("y", TensorProto.FLOAT, [2, 6])],
        [numpy_helper.from_array(np.array(2.0, np.float32), "two")],
    )
    x = r.standard_normal((2, 6)).astype(np.float32)
    m = _check(_save(g, tmp_path / "lacks.onnx"), {"x": x}, tmp_path, runtime)
    program = (m.directory / "model.cc").read_text()
    lacking = {"square": "nn.pow", "erf": "nn.erf", "greater": "nn.greater", "not": "nn.not",
               "where": "nn.where"}  # fmt: skip
    for node, op in lacking.items():
        on_loop_path = f"// node '{node}' ({op}, on Strata's loop path" in program
        assert on_loop_path == (runtime == "dnnl"), (node, runtime)
    assert "odla_Relu(" in program and "odla_Add(" in program
    assert ("odla_CustomCall(" in program) == (runtime == "dnnl")


def test_dnnl_reorders_constant_weights_once(tmp_path: Path) -> None:
    """libodla_dnnl reorders a convolution's constant weights into oneDNN's layout when the
    computation is built: with ONEDNN_VERBOSE=1 the reorders run at NAME_init, and more calls
    of NAME run more convolutions but no more reorders."""
    r = np.random.default_rng(12)
    g = helper.make_graph(
        [
            helper.make_node("Conv", ["x", "w1"], ["c"], pads=[1, 1, 1, 1], name="conv1"),
            helper.make_node("Relu", ["c"], ["a"], name="relu"),
            helper.make_node("Conv", ["a", "w2", "b2"], ["y"], pads=[1, 1, 1, 1], name="conv2"),
        ],
        "convs",
        [vi("x", TensorProto.FLOAT, [1, 16, 8, 8])],
        [vi("y", TensorProto.FLOAT, [1, 16, 8, 8])],
        [_init(r, "w1", 16, 16, 3, 3), _init(r, "w2", 16, 16, 3, 3), _init(r, "b2", 16)],
    )
    path = _save(g, tmp_path / "convs.onnx")
    m = strata.compile(path, target="odla", odla_runtime="dnnl", cache_dir=tmp_path / "c")
    m.close()
    script = (
        "import sys, numpy as np, strata\n"
        "m = strata.load(sys.argv[1])\n"
        "x = np.ones((1, 16, 8, 8), np.float32)\n"
        "for _ in range(int(sys.argv[2])): m.run([x])\n"
    )

    def counts(calls: int) -> tuple[int, list[str]]:
        """(weight reorders, the convolutions' verbose lines) of a process making `calls`."""
        env = dict(os.environ, ONEDNN_VERBOSE="1", OMP_NUM_THREADS="1")
        out = subprocess.run(
            [sys.executable, "-c", script, str(m.directory / "model"), str(calls)],
            capture_output=True, text=True, check=True, env=env,
        ).stdout  # fmt: skip
        execs = [line for line in out.splitlines() if ",exec," in line]
        # a weights reorder's problem is the kernel's dims (activations are 1x16x8x8)
        weights = sum(",reorder," in e and "16x16x3x3" in e for e in execs)
        return weights, [e for e in execs if ",convolution," in e]

    weights_1, convs_1 = counts(1)
    weights_3, convs_3 = counts(3)
    assert len(convs_1) == 2 and len(convs_3) == 6
    assert weights_3 == weights_1  # none per call
    blocked = not any("wei_f32:a:blocked:abcd:" in c for c in convs_1)
    assert weights_1 == (2 if blocked else 0), convs_1  # one per weight, where it is needed


def test_graph_names_of_the_programs_locals(tmp_path: Path) -> None:
    """Graph inputs named like NAME.cc's locals (`s`, its status; `ctx`, its context) are
    renamed apart in the program (ONNX's BatchNormalization node test names its scale `s`)."""
    g = helper.make_graph(
        [helper.make_node("Add", ["s", "ctx"], ["y"], name="add")],
        "locals",
        [vi("s", TensorProto.FLOAT, [3]), vi("ctx", TensorProto.FLOAT, [3])],
        [vi("y", TensorProto.FLOAT, [3])],
    )
    feeds = {"s": np.array([1, 2, 3], np.float32), "ctx": np.array([4, 5, 6], np.float32)}
    _check(_save(g, tmp_path / "locals.onnx"), feeds, tmp_path)


@on_each_runtime
def test_integer_math_runs_on_the_loop_path(tmp_path: Path, runtime: str) -> None:
    """The runtimes compute in float32: integer Add / Mul run on the loop path."""
    g = helper.make_graph(
        [
            helper.make_node("Add", ["i", "i"], ["s"], name="int_add"),
            helper.make_node("Mul", ["s", "i"], ["j"], name="int_mul"),
            helper.make_node("Relu", ["x"], ["y"], name="relu"),
        ],
        "imath",
        [vi("i", TensorProto.INT64, [3]), vi("x", TensorProto.FLOAT, [3])],
        [vi("j", TensorProto.INT64, [3]), vi("y", TensorProto.FLOAT, [3])],
    )
    feeds = {"i": np.array([1, -2, 3], np.int64), "x": np.array([-1, 0.5, 2], np.float32)}
    _check(_save(g, tmp_path / "imath.onnx"), feeds, tmp_path, runtime)


@on_each_runtime
@pytest.mark.parametrize("mode", ["compile", "interpret"])
def test_op_with_several_results_runs_on_the_loop_path(
    tmp_path: Path, runtime: str, mode: str
) -> None:
    """TopK has no odla form and two results: its loop-path function writes both into one
    byte value (64-byte aligned parts) and one odla_CustomCall per result copies its part
    out; the runtime's measured peak (interpret mode, value reset) is still the printed one."""
    g = helper.make_graph(
        [
            helper.make_node("Relu", ["x"], ["r"], name="relu"),
            helper.make_node("TopK", ["r", "k"], ["v", "i"], name="top3", axis=1),
            helper.make_node("Neg", ["v"], ["y"], name="neg"),
            helper.make_node("Cast", ["i"], ["f"], to=TensorProto.FLOAT, name="cast"),
            helper.make_node("Add", ["y", "f"], ["z"], name="add"),
        ],
        "topk",
        [vi("x", TensorProto.FLOAT, [4, 7])],
        [vi("z", TensorProto.FLOAT, [4, 3]), vi("i", TensorProto.INT64, [4, 3])],
        [numpy_helper.from_array(np.array([3], np.int64), "k")],
    )
    x = np.random.default_rng(2).permutation(28).reshape(4, 7).astype(np.float32) - 10
    path = _save(g, tmp_path / "topk.onnx")
    kw = {"exec_mode": mode, "emit_value_reset": mode == "interpret"}
    m = _check(path, {"x": x}, tmp_path, runtime, **kw)
    program = (m.directory / "model.cc").read_text()
    assert "// node 'top3' (nn.top_k, on Strata's loop path" in program
    assert "its 2 results in one buffer" in program and "ODLA_UINT8, {1, {192}}" in program
    assert "static_cast<char*>(out) + 64" in program  # the indices' part
    assert program.count("odla_CustomCall(") == 3
    assert ("odla_ReleaseValue(top3__results)" in program) == (mode == "interpret")


@on_each_runtime
def test_storage_only_element_types_run_on_the_loop_path(tmp_path: Path, runtime: str) -> None:
    """bfloat16, float8 and int4 values are ODLA values of Strata's storage-only element
    types (odla.h): a weight and the values between the casts are ODLA values like any other,
    and the ops on them (the casts) are computed on the loop path, around oneDNN / ref ops
    (ONNX Runtime gives no bfloat16 / float8 / int4 outputs to numpy: the outputs are f32 and
    int8)."""
    r = np.random.default_rng(8)
    bf16 = TensorProto.BFLOAT16
    g = helper.make_graph(
        [
            helper.make_node("Cast", ["x"], ["xb"], to=bf16, name="to_bf16"),
            helper.make_node("Cast", ["xb"], ["xf"], to=TensorProto.FLOAT, name="back"),
            helper.make_node("Cast", ["s"], ["sf"], to=TensorProto.FLOAT, name="s_float"),
            helper.make_node("Mul", ["xf", "sf"], ["m"], name="scale"),
            helper.make_node("Relu", ["m"], ["y"], name="relu"),
            helper.make_node("Cast", ["y"], ["q8"], to=TensorProto.FLOAT8E4M3FN, name="to_f8"),
            helper.make_node("Cast", ["q8"], ["q"], to=TensorProto.FLOAT, name="from_f8"),
            helper.make_node("Cast", ["i"], ["j4"], to=TensorProto.INT4, name="to_i4"),
            helper.make_node("Cast", ["j4"], ["j"], to=TensorProto.INT8, name="from_i4"),
        ],
        "lowp",
        [vi("x", TensorProto.FLOAT, [2, 5]), vi("i", TensorProto.INT8, [6])],
        [
            vi("y", TensorProto.FLOAT, [2, 5]),
            vi("q", TensorProto.FLOAT, [2, 5]),
            vi("j", TensorProto.INT8, [6]),
        ],
        [helper.make_tensor("s", bf16, [5], [0.5, -1.0, 2.0, 1.5, -0.25])],
    )
    path = _save(g, tmp_path / "lowp.onnx", opset=21)
    feeds = {
        "x": r.standard_normal((2, 5)).astype(np.float32),
        "i": np.array([-8, -3, 0, 1, 7, 5], np.int8),
    }
    m = _check(path, feeds, tmp_path, runtime)
    program = (m.directory / "model.cc").read_text()
    assert "{ODLA_BFLOAT16, {2, {2, 5}}}" in program
    assert "{ODLA_FLOAT8_E4M3FN, {2, {2, 5}}}" in program and "{ODLA_INT4, {1, {6}}}" in program
    for node in ("to_bf16", "back", "to_f8", "from_f8", "to_i4", "from_i4"):
        assert f"// node '{node}' (" in program and "on Strata's loop path" in program, node
    assert "odla_Relu(" in program and "odla_Mul(" in program


def test_declared_shapes_of_an_op_with_several_results(tmp_path: Path) -> None:
    """TopK with k an input: both results have dims k decides; the graph declares both, so
    one specialised loop-path function returns the two (packed into one ODLA value)."""
    g = helper.make_graph(
        [helper.make_node("TopK", ["x", "k"], ["v", "i"], name="topk", axis=1)],
        "topk_k",
        [vi("x", TensorProto.FLOAT, [3, 5]), vi("k", TensorProto.INT64, [1])],
        [vi("v", TensorProto.FLOAT, [3, 2]), vi("i", TensorProto.INT64, [3, 2])],
    )
    path = _save(g, tmp_path / "topk_k.onnx")
    x = np.random.default_rng(9).permutation(15).reshape(3, 5).astype(np.float32)
    m = _check(path, {"x": x, "k": np.array([2], np.int64)}, tmp_path, "dnnl")
    program = (m.directory / "model.cc").read_text()
    assert "model_fallback_s0): its 2 results in one buffer" in program
    with strata.load(m.directory) as again, pytest.raises(StrataError, match="status 6"):
        again.run({"x": x, "k": np.array([3], np.int64)})


def test_inline_constants_of_types_numpy_cannot_buffer() -> None:
    """A small bfloat16 / float8 weight is an inline dense<...> attribute that numpy's buffer
    protocol cannot read: odla-to-cpp reads its printed elements (NaN as a bit pattern)."""
    import ml_dtypes
    from mlir import ir

    from strata.targets.odla.emit_cpp import _dense_array

    bf16, f8 = np.dtype(ml_dtypes.bfloat16), np.dtype(ml_dtypes.float8_e4m3fn)
    with ir.Context():
        a = ir.Attribute.parse("dense<[[0.5, -1.0], [0x7FC0, 3.0e+38]]> : tensor<2x2xbf16>")
        got = _dense_array(a, bf16)
        assert got.dtype == bf16 and got.shape == (2, 2)
        want = np.array([[0.5, -1.0], [np.nan, 3.0e38]]).astype(bf16)
        np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))
        splat = _dense_array(ir.Attribute.parse("dense<0.25> : tensor<3xbf16>"), bf16)
        assert splat.astype(np.float32).tolist() == [0.25, 0.25, 0.25]
        f = _dense_array(ir.Attribute.parse("dense<[1.5, -448.0]> : tensor<2xf8E4M3FN>"), f8)
        assert f.astype(np.float32).tolist() == [1.5, -448.0]


@on_each_runtime
def test_declared_output_shapes_specialise_value_dependent_ops(
    tmp_path: Path, runtime: str
) -> None:
    """A Reshape to a shape given as an input and a ReduceSum over axes given as an input have
    results whose dims depend on input values; the graph declares those outputs static, so the
    odla target computes each on the loop path behind the declared type, and a run whose
    values give other dims is a StrataError, not a write out of bounds."""
    r = np.random.default_rng(5)
    g = helper.make_graph(
        [
            helper.make_node("Relu", ["x"], ["a"], name="relu"),
            helper.make_node("Reshape", ["a", "shape"], ["y"], name="reshape"),
            helper.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=1, name="rsum"),
            helper.make_node("Sigmoid", ["x"], ["z"], name="sigmoid"),
        ],
        "declared",
        [
            vi("x", TensorProto.FLOAT, [2, 3, 4]),
            vi("shape", TensorProto.INT64, [2]),
            vi("axes", TensorProto.INT64, [1]),
        ],
        [
            vi("y", TensorProto.FLOAT, [6, 4]),
            vi("s", TensorProto.FLOAT, [2, 1, 4]),
            vi("z", TensorProto.FLOAT, [2, 3, 4]),
        ],
    )
    path = _save(g, tmp_path / "declared.onnx", opset=18)
    feeds = {
        "x": r.standard_normal((2, 3, 4)).astype(np.float32),
        "shape": np.array([6, 4], np.int64),
        "axes": np.array([1], np.int64),
    }
    m = _check(path, feeds, tmp_path, runtime)
    assert [o.shape for o in m.meta.outputs] == [(6, 4), (2, 1, 4), (2, 3, 4)]
    program = (m.directory / "model.cc").read_text()
    assert "on Strata's loop path: model_fallback_s0" in program
    assert "on Strata's loop path: model_fallback_s1" in program
    with strata.load(m.directory) as again:
        for bad in ({"shape": np.array([4, 6], np.int64)}, {"axes": np.array([2], np.int64)}):
            with pytest.raises(StrataError):
                again.run({**feeds, **bad})
        again.run(feeds)  # still usable after a refused run


def test_dynamic_shapes_and_bad_options_are_refused(tmp_path: Path) -> None:
    mlp = ROOT / "examples" / "mlp.onnx"
    with pytest.raises(StrataError, match="needs static shapes"):
        strata.compile(mlp, target="odla", cache_dir=tmp_path / "c")
    with pytest.raises(StrataError, match="unknown ODLA runtime 'tpu'; available: dnnl, ref"):
        strata.compile(mlp, target="odla", odla_runtime="tpu", batch_size=1)
    with pytest.raises(StrataError, match="unknown compile option"):
        strata.compile(mlp, target="odla", mcpu="haswell", batch_size=1)
    with pytest.raises(StrataError, match="unknown compile option"):
        strata.compile(mlp, target="cpu", odla_runtime="ref", batch_size=1)


@on_each_runtime
def test_stratac_odla_artifacts_load_and_emit_cpp(tmp_path: Path, runtime: str) -> None:
    mlp = ROOT / "examples" / "mlp.onnx"
    out = tmp_path / "out" / "mlp"
    cmd = ["stratac", str(mlp), "-o", str(out), "--target", "odla", "--odla-runtime", runtime,
           "--batch-size", "2", "-q"]  # fmt: skip
    subprocess.run(cmd, check=True)
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == ["mlp.bin", "mlp.cc", "mlp.h", "mlp.json", "mlp.so"]
    meta = json.loads((out.parent / "mlp.json").read_text())
    assert meta["target"] == "odla" and meta["extra"]["odla_runtime"] == runtime
    needed = subprocess.run(["readelf", "-d", str(out.parent / "mlp.so")], capture_output=True,
                            text=True, check=False).stdout  # fmt: skip
    if needed:  # binutils is there: NAME.so links the runtime asked for
        assert f"lib{runtimes.runtime(runtime).library}.so" in needed
    x = np.random.default_rng(5).random((2, 784), dtype=np.float32)
    want = ort.InferenceSession(str(mlp)).run(None, {"input": x})[0]
    with strata.load(out) as m:
        np.testing.assert_allclose(m.run([x])[0], want, rtol=RTOL, atol=ATOL)
    cpp = tmp_path / "cpp" / "m"
    subprocess.run([*cmd[:3], str(cpp), *cmd[4:], "--emit", "cpp"], check=True)
    assert sorted(p.name for p in cpp.parent.iterdir()) == ["m.bin", "m.cc", "m.h"]


MAIN_C = r"""
#include <stdio.h>
#include "NAME.h"

int main(int argc, char** argv) {
  static float x[NX], y[NY];
  FILE* f = fopen(argv[1], "rb");
  if (argc != 3 || !f || fread(x, sizeof x, 1, f) != 1) return 2;
  fclose(f);
  int rc = NAME_init(argv[2]);
  if (rc != STRATA_OK) return 10 + rc;
  rc = NAME(x, y);
  if (rc != STRATA_OK) return 20 + rc;
  NAME_fini();
  for (int i = 0; i < NY; ++i) printf("%.9g\n", y[i]);
  return 0;
}
"""


def _c_program(model: Path, tmp_path: Path, x: np.ndarray, out_shape: tuple[int, ...],
               flags: tuple[str, ...] = (), **opts: str) -> dict[str, np.ndarray]:  # fmt: skip
    """Build NAME.cc (+ NAME_kernels.o) + main.c once, link the objects against each runtime in
    turn and run each program on x: {runtime: output}. `flags`: more stratac flags."""
    name = model.stem
    extra = [a for k, v in opts.items() for a in (f"--{k.replace('_', '-')}", v)] + list(flags)
    subprocess.run(
        ["stratac", str(model), "-o", str(tmp_path / name), "--target", "odla", "--emit", "cpp",
         "-q", *extra], check=True,
    )  # fmt: skip
    main = MAIN_C.replace("NAME", name).replace("NX", str(x.size))
    (tmp_path / "main.c").write_text(main.replace("NY", str(int(np.prod(out_shape)))))
    inc = runtimes.include_dir()
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-c", "main.c", "-o", "main.o"],
                   cwd=tmp_path, check=True)  # fmt: skip
    subprocess.run(
        ["c++", "-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-I", str(inc), "-I", ".",
         "-c", f"{name}.cc", "-o", f"{name}.o"], cwd=tmp_path, check=True,
    )  # fmt: skip
    kernels = [f"{name}_kernels.o"] if (tmp_path / f"{name}_kernels.o").exists() else []
    (tmp_path / "x.raw").write_bytes(np.ascontiguousarray(x).tobytes())
    results = {}
    for rt in RUNTIMES:  # switching runtime is relinking the same objects
        lib, library = runtimes.library_dir(rt), runtimes.runtime(rt).library
        subprocess.run(
            ["c++", "main.o", f"{name}.o", *kernels, f"-L{lib}", f"-l{library}",
             f"-Wl,-rpath,{lib}", "-lm", "-o", f"demo_{rt}"], cwd=tmp_path, check=True,
        )  # fmt: skip
        run = subprocess.run(
            [str(tmp_path / f"demo_{rt}"), "x.raw", f"{name}.bin"], cwd=tmp_path,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results[rt] = np.array([float(v) for v in run.stdout.split()], np.float32)
    return {rt: y.reshape(out_shape) for rt, y in results.items()}


# compile mode, and HALO's interpret mode (with values released, with integer value ids)
C_PROGRAM_MODES = {
    "compile": (),
    "interpret-reset": ("--exec-mode=interpret", "--emit-value-reset"),
    "interpret-int-ids": ("--exec-mode=interpret", "--emit-value-id-as-int"),
}


@pytest.mark.skipif(shutil.which("cc") is None or shutil.which("c++") is None, reason="no cc")
@pytest.mark.parametrize("mode", sorted(C_PROGRAM_MODES))
def test_c_program_links_the_program_against_each_runtime(tmp_path: Path, mode: str) -> None:
    """A C program built from NAME.cc + NAME.bin + main.c, linked against libodla_ref and then
    against libodla_dnnl; in each exec mode."""
    mlp = tmp_path / "mlp.onnx"
    shutil.copy(ROOT / "examples" / "mlp.onnx", mlp)
    x = np.random.default_rng(6).random((2, 784), dtype=np.float32)
    got = _c_program(mlp, tmp_path, x, (2, 10), C_PROGRAM_MODES[mode], batch_size="2")
    src = (tmp_path / "mlp.cc").read_text()
    assert ("odla_SetValueData(" in src) == mode.startswith("interpret")
    want = ort.InferenceSession(str(mlp)).run(None, {"input": x})[0]
    assert sorted(got) == RUNTIMES
    for y in got.values():
        np.testing.assert_allclose(y, want, rtol=RTOL, atol=ATOL)


@pytest.mark.skipif(shutil.which("cc") is None or shutil.which("c++") is None, reason="no cc")
@pytest.mark.parametrize("mode", ["compile", "interpret-reset"])
def test_c_program_with_loop_path_ops(tmp_path: Path, mode: str) -> None:
    """The same with ops on the loop path: NAME_kernels.o links in beside NAME.cc. The program
    is compiled for dnnl (Erf, which libodla_dnnl lacks, on the loop path too) and links
    against either runtime."""
    r = np.random.default_rng(7)
    g = helper.make_graph(
        [
            helper.make_node("ConvTranspose", ["x", "w"], ["u"], strides=[2, 2], name="up"),
            helper.make_node("Erf", ["u"], ["e"], name="erf"),
            helper.make_node("Sigmoid", ["e"], ["y"], name="sig"),
        ],
        "up",
        [vi("x", TensorProto.FLOAT, [1, 2, 3, 3])],
        [vi("y", TensorProto.FLOAT, [1, 1, 7, 7])],
        [_init(r, "w", 2, 1, 3, 3)],
    )
    path = _save(g, tmp_path / "up.onnx")
    x = r.standard_normal((1, 2, 3, 3)).astype(np.float32)
    got = _c_program(path, tmp_path, x, (1, 1, 7, 7), C_PROGRAM_MODES[mode], odla_runtime="dnnl")
    assert "odla_Erf(" not in (tmp_path / "up.cc").read_text()
    want = ort.InferenceSession(str(path)).run(None, {"x": x})[0]
    assert sorted(got) == RUNTIMES
    for y in got.values():
        np.testing.assert_allclose(y, want, rtol=RTOL, atol=ATOL)


@pytest.mark.skipif(shutil.which("c++") is None, reason="no c++")
def test_program_for_ref_linked_against_dnnl_names_the_missing_call(tmp_path: Path) -> None:
    """A program compiled for `ref` may call an op libodla_dnnl lacks (odla_Erf): it links
    against libodla_dnnl, and NAME_init fails with STRATA_ERR_RUNTIME and a message naming
    the call."""
    import ctypes

    g = helper.make_graph(
        [helper.make_node("Erf", ["x"], ["y"], name="erf")],
        "e",
        [vi("x", TensorProto.FLOAT, [4])],
        [vi("y", TensorProto.FLOAT, [4])],
    )
    path = _save(g, tmp_path / "e.onnx")
    subprocess.run(
        ["stratac", str(path), "-o", str(tmp_path / "e"), "--target", "odla", "--odla-runtime",
         "ref", "--emit", "cpp", "-q"], check=True,
    )  # fmt: skip
    assert "odla_Erf(" in (tmp_path / "e.cc").read_text()
    lib = runtimes.library_dir("dnnl")
    subprocess.run(
        ["c++", "-std=c++17", "-shared", "-fPIC", "e.cc", "-I", str(runtimes.include_dir()),
         "-I", ".", f"-L{lib}", "-lodla_dnnl", f"-Wl,-rpath,{lib}", "-o", "e.so"],
        cwd=tmp_path, check=True,
    )  # fmt: skip
    so = ctypes.CDLL(str(tmp_path / "e.so"))
    so.e__strata_last_error.restype = ctypes.c_char_p
    assert so.e_init(str(tmp_path / "e.bin").encode()) == 8  # STRATA_ERR_RUNTIME
    message = so.e__strata_last_error().decode()
    assert "'y': odla_Erf is not implemented by libodla_dnnl" in message
