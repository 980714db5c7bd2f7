"""The cxx target end to end: nn -> loops -> emitc -> NAME.cc (portable C++17) -> NAME.so,
run through the CPU target's loader, against ONNX Runtime.

Models are built here with onnx.helper (small: each compiles and runs in a few seconds).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.errors import StrataError, UnsupportedOpError

ort = pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[3]
RTOL, ATOL = 1e-4, 1e-5
WERROR = ["-std=c++17", "-Wall", "-Wextra", "-Werror"]
vi = helper.make_tensor_value_info


def _cxx() -> str:
    for cand in ("g++", "c++"):
        found = shutil.which(cand)
        if found:
            return found
    pytest.skip("no C++ compiler")


def _save(graph: onnx.GraphProto, path: Path, opset: int = 17) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def _init(r: np.random.Generator, name: str, *shape: int) -> onnx.TensorProto:
    return numpy_helper.from_array(r.standard_normal(shape).astype(np.float32), name)


def _check(path: Path, feeds: dict[str, np.ndarray], tmp_path: Path, **kw: object) -> Path:
    """Compile for cxx, run, compare with ONNX Runtime; the artifact directory."""
    m = strata.compile(path, target="cxx", cache_dir=tmp_path / "c", **kw)
    assert m.meta.target == "cxx"
    want = ort.InferenceSession(str(path)).run(None, feeds)
    with m:
        got = m.run(feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    return m.directory


def _conv_net(path: Path) -> Path:
    r = np.random.default_rng(2)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], "conv1", pads=[1, 1, 1, 1],
                         strides=[2, 2]),
        helper.make_node("BatchNormalization", ["c1", "g", "beta", "mu", "var"], ["bn"], "bn1"),
        helper.make_node("Relu", ["bn"], ["r1"], "relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], "pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], "conv2_dw", group=8, pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "p1"], ["res"], "residual"),
        helper.make_node("GlobalAveragePool", ["res"], ["gap"], "gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], "flatten"),
        helper.make_node("Gemm", ["flat", "fw", "fb"], ["y"], "fc", transB=1),
    ]  # fmt: skip
    var = numpy_helper.from_array(r.random(8).astype(np.float32) + 0.5, "var")
    inits = [
        _init(r, "w1", 8, 3, 3, 3), _init(r, "b1", 8), _init(r, "g", 8), _init(r, "beta", 8),
        _init(r, "mu", 8), var, _init(r, "w2", 8, 1, 3, 3), _init(r, "fw", 5, 8), _init(r, "fb", 5),
    ]  # fmt: skip
    g = helper.make_graph(
        nodes, "convnet", [vi("x", TensorProto.FLOAT, [2, 3, 16, 16])],
        [vi("y", TensorProto.FLOAT, [2, 5])], inits,
    )  # fmt: skip
    return _save(g, path)


def _norm_net(path: Path) -> Path:
    """Reductions, softmax, layer norm and transcendental functions."""
    r = np.random.default_rng(3)
    nodes = [
        helper.make_node("LayerNormalization", ["x", "s", "b"], ["ln"], "ln", axis=-1),
        helper.make_node("MatMul", ["ln", "w"], ["h"], "proj"),
        helper.make_node("Erf", ["h"], ["e"], "erf"),
        helper.make_node("Tanh", ["e"], ["t"], "tanh"),
        helper.make_node("Softmax", ["t"], ["sm"], "softmax", axis=-1),
        helper.make_node("ReduceMean", ["h"], ["rm"], "mean", axes=[1], keepdims=0),
        helper.make_node("ReduceMax", ["h"], ["rx"], "max", axes=[2], keepdims=1),
        helper.make_node("Exp", ["rx"], ["ex"], "exp"),
        helper.make_node("Sqrt", ["ex"], ["sq"], "sqrt"),
    ]
    inits = [_init(r, "s", 16), _init(r, "b", 16), _init(r, "w", 16, 12)]
    g = helper.make_graph(
        nodes, "norms", [vi("x", TensorProto.FLOAT, [2, 7, 16])],
        [vi("sm", TensorProto.FLOAT, [2, 7, 12]), vi("rm", TensorProto.FLOAT, [2, 12]),
         vi("sq", TensorProto.FLOAT, [2, 7, 1])], inits,
    )  # fmt: skip
    return _save(g, path, opset=17)


def test_bundled_mlp_example_matches_onnxruntime(tmp_path: Path) -> None:
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    d = _check(ROOT / "examples" / "mlp.onnx", {"input": x}, tmp_path, batch_size=3)
    for suffix in (".cc", ".h", ".bin", ".so", ".json"):
        assert (d / f"model{suffix}").is_file(), suffix
    meta = json.loads((d / "model.json").read_text())
    assert meta["target"] == "cxx" and meta["library"] == "model.so"


def test_conv_net_matches_onnxruntime(tmp_path: Path) -> None:
    x = np.random.default_rng(4).standard_normal((2, 3, 16, 16)).astype(np.float32)
    _check(_conv_net(tmp_path / "conv.onnx"), {"x": x}, tmp_path)


def test_reductions_softmax_layernorm_match_onnxruntime(tmp_path: Path) -> None:
    x = np.random.default_rng(5).standard_normal((2, 7, 16)).astype(np.float32)
    _check(_norm_net(tmp_path / "norms.onnx"), {"x": x}, tmp_path)


def test_source_is_readable_and_werror_clean(tmp_path: Path) -> None:
    """One function per kernel, named after its ONNX nodes; only standard headers; the exact
    `g++ -std=c++17 -Wall -Wextra -Werror` accepts it."""
    d = _check(
        _conv_net(tmp_path / "conv.onnx"),
        {"x": np.ones((2, 3, 16, 16), np.float32)},
        tmp_path,
    )
    src = (d / "model.cc").read_text()
    kernels = re.findall(r"^static void (k\d+_\w+)\(", src, re.M)
    assert len(kernels) >= 5
    for node in ("conv1", "relu1", "pool1", "conv2_dw", "gap", "fc"):
        assert any(node in k for k in kernels), (node, kernels)
    assert "// computes ONNX node" in src
    includes = set(re.findall(r"#include <([^>]+)>", src))
    assert includes <= {"cmath", "cstddef", "cstdint", "cstdio", "cstdlib", "cstring", "mutex",
                        "new", "utility", "dlfcn.h"}, includes  # fmt: skip
    for extra in ("-O0", "-O2"):
        proc = subprocess.run(
            [_cxx(), *WERROR, extra, "-I", str(d), "-c", str(d / "model.cc"), "-o",
             str(tmp_path / "m.o")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr


def test_norm_net_source_werror_clean(tmp_path: Path) -> None:
    d = _check(
        _norm_net(tmp_path / "norms.onnx"),
        {"x": np.ones((2, 7, 16), np.float32)},
        tmp_path,
    )
    proc = subprocess.run(
        [_cxx(), *WERROR, "-I", str(d), "-c", str(d / "model.cc"), "-o", str(tmp_path / "m.o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


_C_MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
#include "mlp.h"

int main(int argc, char** argv) {
  static float x[3 * 784], y[3 * 10];
  FILE* f = fopen(argv[2], "rb");
  if (!f || fread(x, sizeof x, 1, f) != 1) return 9;
  fclose(f);
  int rc = mlp(x, y);
  printf("early: %d\n", rc);
  rc = mlp_init(argv[1]);
  printf("init: %d\n", rc);
  if (rc) return 1;
  rc = mlp(x, y);
  printf("run: %d\n", rc);
  for (int i = 0; i < 30; ++i) printf("%.9g\n", y[i]);
  mlp_fini();
  return 0;
}
"""


def test_c_program_builds_the_source_in(tmp_path: Path) -> None:
    """stratac --target cxx --emit cpp; a C program includes mlp.h and links mlp.cc (compiled
    with g++ on its own): the entry points have C linkage and the CPU target's ABI."""
    out = tmp_path / "out"
    stratac = Path(sys.executable).parent / "stratac"
    subprocess.run(
        [str(stratac), str(ROOT / "examples" / "mlp.onnx"), "-o", str(out / "mlp"),
         "--target", "cxx", "--emit", "cpp", "--batch-size", "3", "-q"],
        check=True,
    )  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["mlp.bin", "mlp.cc", "mlp.h"]
    x = np.random.default_rng(6).random((3, 784), dtype=np.float32)
    (tmp_path / "x.raw").write_bytes(x.tobytes())
    (tmp_path / "main.c").write_text(_C_MAIN)
    cxx = _cxx()
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    subprocess.run(
        [cxx, *WERROR, "-O2", "-I", str(out), "-c", str(out / "mlp.cc"), "-o",
         str(tmp_path / "mlp.o")],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [cc, "-std=c11", "-Wall", "-Werror", "-I", str(out), str(tmp_path / "main.c"),
         str(tmp_path / "mlp.o"), "-lstdc++", "-lm", "-o", str(tmp_path / "main")],
        check=True,
    )  # fmt: skip
    proc = subprocess.run(
        [str(tmp_path / "main"), str(out / "mlp.bin"), str(tmp_path / "x.raw")],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = proc.stdout.split()
    assert lines[:6] == ["early:", "1", "init:", "0", "run:", "0"]  # 1: not initialised
    got = np.array([float(v) for v in lines[6:]], np.float32).reshape(3, 10)
    sess = ort.InferenceSession(str(ROOT / "examples" / "mlp.onnx"))
    np.testing.assert_allclose(got, sess.run(None, {"input": x})[0], rtol=RTOL, atol=ATOL)
    # a weights file of another model is refused
    proc = subprocess.run(
        [str(tmp_path / "main"), str(tmp_path / "x.raw"), str(tmp_path / "x.raw")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "init: 3" in proc.stdout  # STRATA_ERR_FORMAT


def test_library_rebuilt_from_the_source_loads_unchanged(tmp_path: Path) -> None:
    """stratac --target cxx writes NAME.json too; NAME.so rebuilt by hand from NAME.cc with
    g++ is an artifact the existing loader (strata.load) runs."""
    model = _conv_net(tmp_path / "conv.onnx")
    out = tmp_path / "out"
    stratac = Path(sys.executable).parent / "stratac"
    subprocess.run(
        [str(stratac), str(model), "-o", str(out / "net"), "--target", "cxx", "-q"], check=True
    )
    so = out / "net.so"
    so.unlink()
    subprocess.run(
        [_cxx(), "-std=c++17", "-O1", "-fPIC", "-shared", "-I", str(out), str(out / "net.cc"),
         "-o", str(so)],
        check=True,
    )  # fmt: skip
    x = np.random.default_rng(7).standard_normal((2, 3, 16, 16)).astype(np.float32)
    with strata.load(out) as m:
        assert m.meta.target == "cxx"
        (got,) = m.run([x])
    (want,) = ort.InferenceSession(str(model)).run(None, {"x": x})
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def _werror_clean(d: Path, tmp_path: Path) -> None:
    for extra in ("-O0", "-O2"):
        proc = subprocess.run(
            [_cxx(), *WERROR, extra, "-I", str(d), "-c", str(d / "model.cc"), "-o",
             str(tmp_path / "m.o")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr


def test_dynamic_batch_uses_the_dynamic_abi(tmp_path: Path) -> None:
    """The bundled MLP without a batch size: one artifact for every batch, the CPU target's
    dynamic C ABI (input dims in, outputs allocated by the library), dynamic buffers."""
    mlp = ROOT / "examples" / "mlp.onnx"
    m = strata.compile(mlp, target="cxx", cache_dir=tmp_path / "c")
    assert m.meta.abi == "dynamic"
    sess = ort.InferenceSession(str(mlp))
    with m:
        for batch in (1, 5):
            x = np.random.default_rng(batch).random((batch, 784), dtype=np.float32)
            (got,) = m.run({"input": x})
            (want,) = sess.run(None, {"input": x})
            assert got.shape == want.shape == (batch, 10)
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
        with pytest.raises(StrataError, match="input"):
            m.run({"input": np.zeros((2, 783), np.float32)})  # a static dim that differs
    header = (m.directory / "model.h").read_text()
    assert "const int64_t input_shape[2]" in header and "float** out_" in header
    src = (m.directory / "model.cc").read_text()
    assert "strata_buf<float, 2>" in src and "model__strata_run_dynamic" in src
    _werror_clean(m.directory, tmp_path)


_C_DYNAMIC_MAIN = r"""
#include <stdio.h>
#include <stdlib.h>
#include "m.h"

int main(int argc, char** argv) {
  if (argc < 2 || m_init(argv[1]) != STRATA_OK) return 1;
  float x[12];
  for (int i = 0; i < 12; ++i) x[i] = (float)i - 5.0f;
  for (int n = 0; n <= 4; n += 2) {
    int64_t xs[2] = {n, 3}, ys[2], cs[2];
    float *y, *c;
    int rc = m(x, xs, &y, ys, &c, cs);
    printf("%d %lld %lld %lld %lld", rc, (long long)ys[0], (long long)ys[1],
           (long long)cs[0], (long long)cs[1]);
    for (int i = 0; i < n * 3; ++i) printf(" %g", y[i]);
    printf(" %g\n", c[5]);
    free(y);
    free(c);
  }
  int64_t bad[2] = {2, 4}, s[2];
  float *y, *c;
  printf("%d\n", m(x, bad, &y, s, &c, s));  /* the static dim differs */
  m_fini();
  return 0;
}
"""


def test_c_program_uses_the_dynamic_abi(tmp_path: Path) -> None:
    """A C program calls the dynamic entry of NAME.h: input dims in, outputs allocated by
    the library (released with free), a zero-size batch too, STRATA_ERR_SHAPE for a dim
    that does not fit."""
    const = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "k")
    g = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], "relu"),
         helper.make_node("Identity", ["k"], ["c"], "const")],
        "dyn", [vi("x", TensorProto.FLOAT, ["n", 3])],
        [vi("y", TensorProto.FLOAT, ["n", 3]), vi("c", TensorProto.FLOAT, [2, 3])], [const],
    )  # fmt: skip
    path = _save(g, tmp_path / "dyn.onnx")
    out = tmp_path / "out"
    stratac = Path(sys.executable).parent / "stratac"
    subprocess.run(
        [str(stratac), str(path), "-o", str(out / "m"), "--target", "cxx", "--emit", "cpp",
         "-q"],
        check=True,
    )  # fmt: skip
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    (tmp_path / "main.c").write_text(_C_DYNAMIC_MAIN)
    subprocess.run(
        [_cxx(), *WERROR, "-O1", "-I", str(out), "-c", str(out / "m.cc"), "-o",
         str(tmp_path / "m.o")],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [cc, "-std=c11", "-Wall", "-Werror", "-I", str(out), str(tmp_path / "main.c"),
         str(tmp_path / "m.o"), "-lstdc++", "-lm", "-o", str(tmp_path / "main")],
        check=True,
    )  # fmt: skip
    proc = subprocess.run(
        [str(tmp_path / "main"), str(out / "m.bin")], capture_output=True, text=True, check=True
    )
    lines = proc.stdout.splitlines()
    relu = [str(max(v, 0)) for v in range(-5, 1)]
    assert lines == [
        "0 0 3 2 3 5",
        "0 2 3 2 3 " + " ".join(relu) + " 5",
        "0 4 3 2 3 " + " ".join(relu + [str(v) for v in range(1, 7)]) + " 5",
        "6",
    ], lines


def _shape_ops(path: Path) -> Path:
    """Reshape, Slice, Range, Tile and ReduceSum whose shapes come from input values."""
    nodes = [
        helper.make_node("Reshape", ["x", "shape"], ["reshaped"], "reshape"),
        helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["sliced"], "slice"),
        helper.make_node("Range", ["start", "limit", "delta"], ["ramp"], "range"),
        helper.make_node("Tile", ["reshaped", "repeats"], ["tiled"], "tile"),
        helper.make_node("Relu", ["tiled"], ["y"], "relu"),
        helper.make_node("ReduceSum", ["x", "raxes"], ["summed"], "sum", keepdims=0),
    ]
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    g = helper.make_graph(
        nodes, "shape_ops",
        [vi("x", TensorProto.FLOAT, [2, 3, 4]), vi("shape", TensorProto.INT64, [2]),
         vi("starts", TensorProto.INT64, [1]), vi("ends", TensorProto.INT64, [1]),
         vi("start", TensorProto.FLOAT, []), vi("limit", TensorProto.FLOAT, []),
         vi("delta", TensorProto.FLOAT, []), vi("repeats", TensorProto.INT64, [2]),
         vi("raxes", TensorProto.INT64, [1])],
        [vi("sliced", TensorProto.FLOAT, [None] * 3), vi("ramp", TensorProto.FLOAT, [None]),
         vi("y", TensorProto.FLOAT, [None] * 2), vi("summed", TensorProto.FLOAT, [None] * 2)],
        [axes],
    )  # fmt: skip
    return _save(g, path, opset=13)


def _shape_feeds(starts: int, ends: int, limit: float, axis: int) -> dict[str, np.ndarray]:
    x = np.random.default_rng(9).standard_normal((2, 3, 4)).astype(np.float32)
    return {
        "x": x, "shape": np.array([4, -1], np.int64),
        "starts": np.array([starts], np.int64), "ends": np.array([ends], np.int64),
        "start": np.array(0.5, np.float32), "limit": np.array(limit, np.float32),
        "delta": np.array(1.5, np.float32), "repeats": np.array([2, 3], np.int64),
        "raxes": np.array([axis], np.int64),
    }  # fmt: skip


def test_shapes_from_input_values_match_onnxruntime(tmp_path: Path) -> None:
    """Result shapes that depend on input values: dynamic buffers, allocated at run time;
    the same library runs any values (one compile, several shapes)."""
    path = _shape_ops(tmp_path / "shape_ops.onnx")
    m = strata.compile(path, target="cxx", cache_dir=tmp_path / "c")
    assert m.meta.abi == "dynamic"
    sess = ort.InferenceSession(str(path))
    with m:
        for starts, ends, limit, axis in ((1, 3, 5.0, 0), (0, -1, 9.0, 2), (-2, 100, 0.6, -2)):
            feeds = _shape_feeds(starts, ends, limit, axis)
            got = m.run(feeds)
            want = sess.run(None, feeds)
            for g, w in zip(got, want, strict=True):
                assert g.shape == w.shape and g.dtype == w.dtype
                np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    src = (m.directory / "model.cc").read_text()
    assert "strata_alloc<float, " in src and "strata_free(" in src
    _werror_clean(m.directory, tmp_path)


def test_zero_size_tensors(tmp_path: Path) -> None:
    """An empty slice (a zero-size result) and a reduction over it (all zeros)."""
    g = helper.make_graph(
        [helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["empty"], "slice"),
         helper.make_node("ReduceSum", ["empty", "axes"], ["total"], "total", keepdims=0)],
        "zero_size",
        [vi("x", TensorProto.FLOAT, [2, 3, 4]), vi("starts", TensorProto.INT64, [1]),
         vi("ends", TensorProto.INT64, [1])],
        [vi("empty", TensorProto.FLOAT, [None] * 3), vi("total", TensorProto.FLOAT, [None] * 2)],
        [numpy_helper.from_array(np.array([1], np.int64), "axes")],
    )  # fmt: skip
    path = _save(g, tmp_path / "zero.onnx", opset=13)
    x = np.random.default_rng(10).standard_normal((2, 3, 4)).astype(np.float32)
    feeds = {"x": x, "starts": np.array([2], np.int64), "ends": np.array([2], np.int64)}
    d = _check(path, feeds, tmp_path)
    with strata.load(d) as m:
        empty, total = m.run(feeds)
    assert empty.shape == (2, 0, 4) and total.shape == (2, 4)
    assert not total.any()


def test_options_of_other_targets_are_refused(tmp_path: Path) -> None:
    mlp = ROOT / "examples" / "mlp.onnx"
    with pytest.raises(StrataError, match=r"unknown compile option\(s\) schedule"):
        strata.compile(mlp, target="cxx", batch_size=1, schedule="tiled", cache_dir=tmp_path)
    with pytest.raises(StrataError, match="num_threads=2"):
        strata.compile(mlp, target="cxx", batch_size=1, num_threads=2, cache_dir=tmp_path)
    with pytest.raises(StrataError, match="profile"):
        strata.compile(mlp, target="cxx", batch_size=1, profile=True, cache_dir=tmp_path)


def test_an_op_the_emitc_path_cannot_lower_is_named(tmp_path: Path) -> None:
    """bfloat16: C++17 has no such type (the translator's __bf16 is not portable)."""
    g = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["h"], "to_bf16", to=TensorProto.BFLOAT16),
         helper.make_node("Cast", ["h"], ["y"], "from_bf16", to=TensorProto.FLOAT)],
        "bf16", [vi("x", TensorProto.FLOAT, [4])], [vi("y", TensorProto.FLOAT, [4])],
    )  # fmt: skip
    path = _save(g, tmp_path / "bf16.onnx")
    with pytest.raises(UnsupportedOpError) as info:
        strata.compile(path, target="cxx", cache_dir=tmp_path)
    assert "bfloat16 values" in info.value.unsupported
    assert set(info.value.unsupported["bfloat16 values"]) == {"to_bf16", "from_bf16"}
    assert "cxx target" in str(info.value)


def test_scalar_inputs_and_outputs(tmp_path: Path) -> None:
    """0-d tensors (Clip's bounds, a full reduction's result) become one-element arrays."""
    g = helper.make_graph(
        [helper.make_node("Clip", ["x", "lo", "hi"], ["c"], "clip"),
         helper.make_node("ReduceSum", ["c"], ["s"], "total", keepdims=0)],
        "scalars",
        [vi("x", TensorProto.FLOAT, [3, 4]), vi("lo", TensorProto.FLOAT, []),
         vi("hi", TensorProto.FLOAT, [])],
        [vi("c", TensorProto.FLOAT, [3, 4]), vi("s", TensorProto.FLOAT, [])],
    )  # fmt: skip
    x = np.random.default_rng(8).standard_normal((3, 4)).astype(np.float32)
    feeds = {"x": x, "lo": np.array(-0.5, np.float32), "hi": np.array(0.7, np.float32)}
    _check(_save(g, tmp_path / "scalars.onnx", opset=13), feeds, tmp_path)


def test_a_buffer_chosen_at_run_time(tmp_path: Path) -> None:
    """CumSum over an axis given as an input: the loop path picks the result buffer at run
    time (scf.index_switch over memrefs), which C arrays cannot express: static shapes,
    but dynamic buffers inside a static interface (caller-allocated outputs)."""
    g = helper.make_graph(
        [helper.make_node("CumSum", ["x", "axis"], ["y"], "running_sum")],
        "cumsum", [vi("x", TensorProto.FLOAT, [3, 5]), vi("axis", TensorProto.INT32, [])],
        [vi("y", TensorProto.FLOAT, [3, 5])],
    )  # fmt: skip
    path = _save(g, tmp_path / "cumsum.onnx")
    x = np.random.default_rng(11).standard_normal((3, 5)).astype(np.float32)
    d = _check(path, {"x": x, "axis": np.array(1, np.int32)}, tmp_path)
    with strata.load(d) as m:
        assert m.meta.abi == "static"
        for axis in (0, -1):
            (got,) = m.run({"x": x, "axis": np.array(axis, np.int32)})
            np.testing.assert_allclose(got, np.cumsum(x, axis=axis), rtol=RTOL, atol=ATOL)
    src = (d / "model.cc").read_text()
    assert "strata_buf<float, 2>" in src and "model__strata_run_packed" in src
    _werror_clean(d, tmp_path)


def test_string_tensors_are_refused(tmp_path: Path) -> None:
    g = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"], "id")],
        "strings", [vi("x", TensorProto.STRING, [3])], [vi("y", TensorProto.STRING, [3])],
    )  # fmt: skip
    with pytest.raises(StrataError, match="no string tensors: 'x'"):
        strata.compile(_save(g, tmp_path / "s.onnx"), target="cxx", cache_dir=tmp_path)


def test_stratac_refuses_cpu_only_flags(tmp_path: Path) -> None:
    stratac = Path(sys.executable).parent / "stratac"
    proc = subprocess.run(
        [str(stratac), str(ROOT / "examples" / "mlp.onnx"), "-o", str(tmp_path / "m"),
         "--target", "cxx", "--batch-size", "1", "--num-threads", "2"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "--num-threads is not supported with --target cxx" in proc.stderr
    proc = subprocess.run(
        [str(stratac), str(ROOT / "examples" / "mlp.onnx"), "-o", str(tmp_path / "m"),
         "--target", "cxx", "--batch-size", "1", "--emit", "llvm"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1 and "--target cxx emits cpp or so" in proc.stderr


def test_a_buffer_op_dynamic_buffers_do_not_lower_is_named() -> None:
    """strata-cxx-lower-buffers names a memref op it has no strata_buf form for (an
    alloca here) with its node, before the emitc conversion could trip over it."""
    from mlir import ir

    from strata.context import make_context
    from strata.passes.registry import run_pipeline

    text = """
    func.func @main(%n: index) -> f32 {
      %c0 = arith.constant 0 : index
      %a = memref.alloca(%n) : memref<?xf32> loc("scratch")
      %v = memref.load %a[%c0] : memref<?xf32> loc("scratch")
      return %v : f32
    }"""
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        with pytest.raises(UnsupportedOpError) as info:
            run_pipeline(module, "strata-cxx-lower-buffers")
    assert info.value.unsupported == {"memref.alloca": ["scratch"]}
    assert "strata_buf" in str(info.value)


def test_reflect_pad_with_run_time_pads(tmp_path: Path) -> None:
    """Pad (reflect) with the pads as an input: the source index is computed with a signed
    remainder of negative index values (written in int64_t, not size_t)."""
    g = helper.make_graph(
        [helper.make_node("Pad", ["x", "pads"], ["y"], "pad", mode="reflect")],
        "reflect", [vi("x", TensorProto.FLOAT, [2, 3, 4]), vi("pads", TensorProto.INT64, [6])],
        [vi("y", TensorProto.FLOAT, [None] * 3)],
    )  # fmt: skip
    path = _save(g, tmp_path / "reflect.onnx", opset=13)
    x = np.random.default_rng(12).standard_normal((2, 3, 4)).astype(np.float32)
    _check(path, {"x": x, "pads": np.array([0, 2, 3, 1, 0, 2], np.int64)}, tmp_path)
