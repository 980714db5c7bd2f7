"""HALO's code generation options of the odla target, end to end on each runtime:
`exec_mode="interpret"`, `emit_value_id_as_int`, `emit_value_reset`, `print_mem_stats`
(and `entry_func_name` / `emit_data_as_c` with them), against ONNX Runtime.

The memory statistics are checked against what the runtime measures: each runtime counts the
bytes its interpret-mode values hold (`odla_GetMemoryStats`), read here through ctypes from the
very library the model's NAME.so is linked with.

Models are built here with onnx.helper and are small (a compile takes about a second).
"""

from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.errors import StrataError
from strata.targets.odla import runtimes

ort = pytest.importorskip("onnxruntime")

RTOL, ATOL = 1e-3, 1e-4
RUNTIMES = sorted(runtimes.RUNTIMES)
vi = helper.make_tensor_value_info
on_each_runtime = pytest.mark.parametrize("runtime", RUNTIMES)
# the option sets every end-to-end test runs with
OPTION_SETS = {
    "compile": {},
    "compile-int-ids": {"emit_value_id_as_int": True},
    "interpret": {"exec_mode": "interpret"},
    "interpret-reset": {"exec_mode": "interpret", "emit_value_reset": True},
    "interpret-reset-int-ids": {
        "exec_mode": "interpret",
        "emit_value_reset": True,
        "emit_value_id_as_int": True,
    },
}
each_option_set = pytest.mark.parametrize("opts", sorted(OPTION_SETS))


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def _small_cnn(path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    """Conv + Relu, a residual Add (the input read again late), MaxPool, Flatten, Gemm,
    Softmax, and the input returned as a second output."""
    r = np.random.default_rng(3)
    f32 = lambda name, *shape: numpy_helper.from_array(  # noqa: E731
        r.standard_normal(shape).astype(np.float32), name
    )
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Add", ["r", "x"], ["a"], name="residual"),
        helper.make_node("MaxPool", ["a"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["g"], transB=1, name="fc"),
        helper.make_node("Softmax", ["g"], ["y"], axis=1, name="softmax"),
        helper.make_node("Identity", ["x"], ["x_out"], name="copy"),
    ]
    g = helper.make_graph(
        nodes,
        "cnn",
        [vi("x", TensorProto.FLOAT, [2, 3, 8, 8])],
        [vi("y", TensorProto.FLOAT, [2, 5]), vi("x_out", TensorProto.FLOAT, [2, 3, 8, 8])],
        [f32("w", 3, 3, 3, 3), f32("b", 3), f32("wf", 5, 48), f32("bf", 5)],
    )
    return _save(g, path), {"x": r.standard_normal((2, 3, 8, 8)).astype(np.float32)}


def _check(path: Path, feeds: dict[str, np.ndarray], model: strata.CompiledModel) -> None:
    want = ort.InferenceSession(str(path)).run(None, feeds)
    got = model.run(feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


def _compile(path: Path, tmp_path: Path, runtime: str, **kw: object) -> strata.CompiledModel:
    return strata.compile(
        path, target="odla", odla_runtime=runtime, cache_dir=tmp_path / "cache", **kw
    )


def _source(m: strata.CompiledModel) -> str:
    return (m.directory / f"{m.meta.name}.cc").read_text()


@on_each_runtime
@each_option_set
def test_options_match_onnxruntime(tmp_path: Path, runtime: str, opts: str) -> None:
    path, feeds = _small_cnn(tmp_path / "cnn.onnx")
    with _compile(path, tmp_path, runtime, **OPTION_SETS[opts]) as m:
        assert m.meta.extra["odla_exec_mode"] == OPTION_SETS[opts].get("exec_mode", "compile")
        _check(path, feeds, m)
        _check(path, feeds, m)  # a second call computes afresh
        src = _source(m)
    interpret = "interpret" in opts
    assert ("odla_ExecuteComputation(" in src) != interpret
    assert ("odla_CreateValue(" in src) == interpret
    assert ("odla_ReleaseValue(" in src) == ("reset" in opts)
    assert ('(odla_value_id)"' in src) != ("int-ids" in opts)


@on_each_runtime
def test_interpret_mode_calls_loop_path_ops(tmp_path: Path, runtime: str) -> None:
    """An op with no odla form (ConvTranspose) and one dnnl lacks (Erf) run through
    odla_CustomCall in interpret mode too, values released around them."""
    r = np.random.default_rng(4)
    g = helper.make_graph(
        [
            helper.make_node("ConvTranspose", ["x", "w"], ["u"], strides=[2, 2], name="up"),
            helper.make_node("Erf", ["u"], ["e"], name="erf"),
            helper.make_node("Sigmoid", ["e"], ["y"], name="sig"),
        ],
        "up",
        [vi("x", TensorProto.FLOAT, [1, 2, 3, 3])],
        [vi("y", TensorProto.FLOAT, [1, 1, 7, 7])],
        [numpy_helper.from_array(r.standard_normal((2, 1, 3, 3)).astype(np.float32), "w")],
    )
    path = _save(g, tmp_path / "up.onnx")
    feeds = {"x": r.standard_normal((1, 2, 3, 3)).astype(np.float32)}
    with _compile(path, tmp_path, runtime, exec_mode="interpret", emit_value_reset=True) as m:
        _check(path, feeds, m)
        src = _source(m)
    assert "odla_CustomCall(" in src and "odla_ReleaseValue(up)" in src


class _MemStats(ctypes.Structure):
    _fields_ = [("current", ctypes.c_size_t), ("peak", ctypes.c_size_t)]


def _measure(runtime: str, m: strata.CompiledModel, feeds: dict[str, np.ndarray]) -> _MemStats:
    """Run `m` once; the runtime's count of interpret-mode value bytes after it (current, and
    the peak during the call)."""
    lib = ctypes.CDLL(
        str(runtimes.library_dir(runtime) / f"lib{runtimes.runtime(runtime).library}.so")
    )
    stats = _MemStats()
    assert lib.odla_GetMemoryStats(ctypes.byref(stats), 1) == 0  # reset the peak
    base = stats.current
    m.run(feeds)
    assert lib.odla_GetMemoryStats(ctypes.byref(stats), 1) == 0
    stats.current -= base
    stats.peak -= base
    return stats


@on_each_runtime
def test_value_reset_frees_memory_as_the_stats_say(
    tmp_path: Path, runtime: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """print_mem_stats prints HALO's three lines; with emit_value_reset the runtime's measured
    peak is the printed peak, without it the values all stay until the end (the writable
    total); either way nothing is held after the call."""
    path, feeds = _small_cnn(tmp_path / "cnn.onnx")
    printed = {}
    for reset in (True, False):
        m = _compile(path, tmp_path, runtime, exec_mode="interpret", emit_value_reset=reset,
                     print_mem_stats=True)  # fmt: skip
        lines = capsys.readouterr().out.splitlines()
        assert [line.split(":")[0] for line in lines] == [
            "Total Read-only Memory", "Total Writable Memory", "Total Peak Memory",
        ]  # fmt: skip
        printed[reset] = [int(line.split()[-2]) for line in lines]
        assert printed[reset] == list(m.meta.extra["mem_stats"].values())
        with m:
            measured = _measure(runtime, m, feeds)
        read_only, writable, peak = printed[reset]
        assert measured.current == 0
        assert measured.peak == (peak if reset else writable)
    assert printed[True] == printed[False]  # the statistics describe the model's values
    read_only, writable, peak = printed[True]
    # weights: w 3*3*3*3, b 3, wf 5*48, bf 5 floats; peak below the total
    assert read_only == 4 * (81 + 3 + 240 + 5)
    assert 0 < peak < writable
    # a cache hit prints them too
    _compile(path, tmp_path, runtime, exec_mode="interpret", emit_value_reset=True,
             print_mem_stats=True).close()  # fmt: skip
    assert capsys.readouterr().out.splitlines()[2] == f"Total Peak Memory: {peak} bytes"


@on_each_runtime
def test_value_reset_counts_a_several_results_fallback(tmp_path: Path, runtime: str) -> None:
    """TopK's two results come out of one byte value (emit_cpp.emit_call): the printed peak
    counts it while its parts are made, and the runtime measures the same."""
    g = helper.make_graph(
        [
            helper.make_node("TopK", ["x", "k"], ["v", "i"], name="top2", axis=1),
            helper.make_node("Cast", ["i"], ["f"], to=TensorProto.FLOAT, name="cast"),
            helper.make_node("Mul", ["v", "f"], ["y"], name="mul"),
        ],
        "topk",
        [vi("x", TensorProto.FLOAT, [8, 50])],
        [vi("y", TensorProto.FLOAT, [8, 2])],
        [numpy_helper.from_array(np.array([2], np.int64), "k")],
    )
    path = _save(g, tmp_path / "topk.onnx")
    feeds = {"x": np.random.default_rng(3).standard_normal((8, 50)).astype(np.float32)}
    m = _compile(path, tmp_path, runtime, exec_mode="interpret", emit_value_reset=True)
    with m:
        _check(path, feeds, m)
        measured = _measure(runtime, m, feeds)
    stats = m.meta.extra["mem_stats"]
    writable, peak = stats["writable"], stats["peak"]
    # the packed results: 64 (values, 8 x 2 floats) + 128 (indices, 8 x 2 int64)
    assert writable == 8 * 50 * 4 + (64 + 128) + (64 + 128) + 64 + 64
    assert measured.current == 0 and measured.peak == peak


def test_interpret_mode_threads_run_one_model_at_once(tmp_path: Path) -> None:
    """Each call runs on an interpret-mode computation of its own: concurrent calls each get
    their own result."""
    from concurrent.futures import ThreadPoolExecutor

    path, _ = _small_cnn(tmp_path / "cnn.onnx")
    r = np.random.default_rng(5)
    xs = [r.standard_normal((2, 3, 8, 8)).astype(np.float32) for _ in range(6)]
    sess = ort.InferenceSession(str(path))
    want = [sess.run(None, {"x": x})[0] for x in xs]
    for runtime in RUNTIMES:
        m = _compile(path, tmp_path, runtime, exec_mode="interpret", emit_value_reset=True)
        with m, ThreadPoolExecutor(3) as pool:
            got = list(pool.map(lambda x, m=m: m.run([x])[0], xs * 3))
        for i, y in enumerate(got):
            np.testing.assert_allclose(y, want[i % len(xs)], rtol=RTOL, atol=ATOL)


def test_interpret_mode_reports_the_failing_call(tmp_path: Path) -> None:
    """A program compiled for ref calls odla_Erf; linked against libodla_dnnl in interpret
    mode, the call itself fails (NAME_init builds nothing), with the message naming it."""
    g = helper.make_graph(
        [
            helper.make_node("Relu", ["x"], ["r"], name="relu"),
            helper.make_node("Erf", ["r"], ["y"], name="erf"),
        ],
        "e",
        [vi("x", TensorProto.FLOAT, [4])],
        [vi("y", TensorProto.FLOAT, [4])],
    )
    path = _save(g, tmp_path / "e.onnx")
    subprocess.run(
        ["stratac", str(path), "-o", str(tmp_path / "e"), "--target", "odla", "--emit", "cpp",
         "--exec-mode", "interpret", "--emit-value-reset", "-q"], check=True,
    )  # fmt: skip
    lib = runtimes.library_dir("dnnl")
    subprocess.run(
        ["c++", "-std=c++17", "-shared", "-fPIC", "e.cc", "-I", str(runtimes.include_dir()),
         "-I", ".", f"-L{lib}", "-lodla_dnnl", f"-Wl,-rpath,{lib}", "-o", "e.so"],
        cwd=tmp_path, check=True,
    )  # fmt: skip
    so = ctypes.CDLL(str(tmp_path / "e.so"))
    so.e__strata_last_error.restype = ctypes.c_char_p
    assert so.e_init(str(tmp_path / "e.bin").encode()) == 0
    x = (ctypes.c_float * 4)(-1, 0, 1, 2)
    y = (ctypes.c_float * 4)()
    assert so.e(x, y) == 8  # STRATA_ERR_RUNTIME
    assert "'y': odla_Erf is not implemented by libodla_dnnl" in so.e__strata_last_error().decode()
    so.e_fini()


def test_stratac_options_entry_name_and_data_as_c(tmp_path: Path) -> None:
    """stratac passes the options on; --entry-func-name and --emit-data-as-c work with them;
    --print-mem-stats prints the statistics, with --emit cpp too."""
    path, feeds = _small_cnn(tmp_path / "cnn.onnx")
    out = tmp_path / "out" / "cnn"
    cmd = ["stratac", str(path), "-o", str(out), "--target", "odla", "--odla-runtime", "dnnl",
           "--exec-mode=interpret", "--emit-value-reset", "--emit-value-id-as-int",
           "--entry-func-name", "net", "--emit-data-as-c", "--print-mem-stats", "-q"]  # fmt: skip
    run = subprocess.run(cmd, check=True, capture_output=True, text=True)
    assert run.stdout.splitlines()[0].startswith("Total Read-only Memory: 1316 bytes")
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == ["net.cc", "net.h", "net.json", "net.so", "net_data.c"]
    src = (out.parent / "net.cc").read_text()
    assert "static odla_status net_run(" in src and "odla_ReleaseValue(" in src
    with strata.load(out.parent / "net.json") as m:
        assert m.meta.weights is None
        _check(path, feeds, m)
    cpp = subprocess.run([*cmd[:3], str(tmp_path / "cpp" / "c"), *cmd[4:], "--emit", "cpp"],
                         check=True, capture_output=True, text=True)  # fmt: skip
    assert cpp.stdout == run.stdout


def test_bad_option_combinations_are_refused(tmp_path: Path) -> None:
    path, _ = _small_cnn(tmp_path / "cnn.onnx")
    with pytest.raises(StrataError, match=r"--emit-value-reset .* add --exec-mode=interpret"):
        _compile(path, tmp_path, "ref", emit_value_reset=True)
    with pytest.raises(StrataError, match="--exec-mode must be one of compile, interpret"):
        _compile(path, tmp_path, "ref", exec_mode="eager")
    with pytest.raises(StrataError, match="unknown compile option"):
        strata.compile(path, target="cpu", exec_mode="interpret")
    bad = subprocess.run(
        ["stratac", str(path), "-o", str(tmp_path / "m"), "--exec-mode", "interpret"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "--exec-mode is an option of --target odla" in bad.stderr
    bad = subprocess.run(
        ["stratac", str(path), "-o", str(tmp_path / "m"), "--target", "odla",
         "--emit-value-reset"], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 1 and "add --exec-mode=interpret" in bad.stderr
