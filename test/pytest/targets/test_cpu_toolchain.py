"""The native tool chain (targets/cpu/toolchain.py): a big module is split by llvm-split and
its parts optimised and compiled at once; the result must be the same model."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.errors import CompilationError
from strata.frontends.onnx import import_model
from strata.targets.cpu import toolchain
from strata.targets.cpu.compiler import CpuOptions, compile_imported


def _model() -> bytes:
    """Three Gemm + activation layers and a softmax: a handful of kernels and globals."""
    rng = np.random.default_rng(7)
    nodes, inits, x = [], [], "x"
    for i, (k, n) in enumerate([(24, 40), (40, 40), (40, 8)]):
        w = numpy_helper.from_array(rng.standard_normal((k, n)).astype(np.float32), f"w{i}")
        b = numpy_helper.from_array(rng.standard_normal(n).astype(np.float32), f"b{i}")
        inits += [w, b]
        nodes.append(helper.make_node("Gemm", [x, f"w{i}", f"b{i}"], [f"g{i}"], name=f"fc{i}"))
        act = "Tanh" if i % 2 else "Relu"
        nodes.append(helper.make_node(act, [f"g{i}"], [f"a{i}"], name=f"act{i}"))
        x = f"a{i}"
    nodes.append(helper.make_node("Softmax", [x], ["y"], name="softmax", axis=1))
    g = helper.make_graph(
        nodes,
        "mlp3",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [5, 24])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [5, 8])],
        inits,
    )
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m.SerializeToString()


def _exports(library: Path) -> set[str]:
    nm = subprocess.run(
        ["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True, check=True
    ).stdout
    return {line.split()[-1] for line in nm.splitlines() if line.strip()}


def test_split_module_gives_the_same_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toolchain, "SPLIT_MIN_BYTES", 0)  # split even this small module
    data = _model()
    feed = {"x": np.random.default_rng(1).standard_normal((5, 24)).astype(np.float32)}
    want = ort.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, feed)
    exports = {}
    for jobs in (1, 3):
        monkeypatch.setenv("STRATA_COMPILE_JOBS", str(jobs))
        out = tmp_path / f"j{jobs}"
        out.mkdir()
        lines: list[str] = []
        opts = CpuOptions(name="mlp3", num_threads=1, log=lines.append)
        meta = compile_imported(import_model(data), out, opts)
        split = [line for line in lines if "parts at once" in line]
        assert split == [] if jobs == 1 else len(split) == 2, lines  # opt, then llc
        assert all("(3 parts at once)" in line for line in split)
        exports[jobs] = _exports(out / meta.library)
        got = strata.load(out).run(feed)
        np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    # the locals llvm-split made global are hidden: the library exports what it did unsplit
    assert exports[3] == exports[1] and "mlp3" in exports[1]


def test_small_modules_are_not_split(tmp_path: Path) -> None:
    ll = tmp_path / "m.ll"
    ll.write_text("define void @f() {\n  ret void\n}\n")
    assert toolchain.split_module(ll, tmp_path, 4) == [ll]


def test_compile_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRATA_COMPILE_JOBS", raising=False)
    assert 1 <= toolchain.compile_jobs() <= 8
    monkeypatch.setenv("STRATA_COMPILE_JOBS", "3")
    assert toolchain.compile_jobs() == 3
    for bad in ("0", "two"):
        monkeypatch.setenv("STRATA_COMPILE_JOBS", bad)
        with pytest.raises(CompilationError, match="STRATA_COMPILE_JOBS must be a positive"):
            toolchain.compile_jobs()
