"""The `tuned` schedule (targets/cpu/tuner.py): measured cache blocks of the library's calls.

The tuner times the library on the host, so these tests need a CPU with one of its variants
(AVX2 + FMA or AVX-512F; every machine of the project has one). Budgets are kept to a few
seconds; what is checked is the search's bookkeeping (candidates, the on-disk results and
their reuse, the budget running out) and that tuned models still match ONNX Runtime, never
how fast anything ran.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.errors import StrataError
from strata.targets.cpu import machine, tuner, ukernels

HOST = machine.describe("native")
ISA = ukernels.isa_of(HOST)
needs_library = pytest.mark.skipif(ISA is None, reason="the host has no micro-kernel variant")


@pytest.fixture()
def tuning_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "tuning"
    monkeypatch.setenv("STRATA_TUNING_DIR", str(d))
    return d


def test_candidates() -> None:
    assert tuner.candidates_kc(100, 96) == [32, 64, 96, 100]
    assert tuner.candidates_kc(4096, 256) == list(tuner.KC_LADDER)
    ncs = tuner.candidates_nc(49, 256, 16, 64, 1 << 20)
    assert ncs == [16, 32, 64]  # NR multiples up to 49 rounded up, the default among them
    # a block of kc x nc floats must fit L2
    assert max(tuner.candidates_nc(100_000, 512, 16, 256, 1 << 20)) * 512 * 4 <= 1 << 20


@needs_library
def test_choose_stores_and_reuses(tuning_dir: Path) -> None:
    assert ISA is not None
    problems = [
        tuner.Problem("sgemm", (24, 70, 150, 150, 1, 70, 1)),
        tuner.Problem("sgemm", (6, 40, 33, 1, 6, 1, 33)),  # transposed A and B
        tuner.Problem("conv2d", (8, 12, 3, 3, 9, 11, 1, 1, 1, 1)),
    ]
    t = tuner.Tuner(HOST, ISA, budget_s=30.0)
    got = t.choose(problems)
    assert t.measured == 3
    nr = ukernels.TILES[ISA][1]
    for p in problems:
        kc, nc = got[p]
        k = p.mnk[2]
        assert kc in tuner.candidates_kc(k, t.default(p)[0])
        assert nc % nr == 0 or nc == t.default(p)[1]
    data = json.loads(tuner.cache_file(HOST, ISA).read_text())
    assert set(data) == {p.key for p in problems}
    for p in problems:
        entry = data[p.key]
        assert (entry["kc"], entry["nc"]) == got[p]
        assert entry["seconds"] <= entry["default_seconds"]
    again = tuner.Tuner(HOST, ISA, budget_s=30.0)
    assert again.choose(problems) == got
    assert again.measured == 0  # every shape came from disk


@needs_library
def test_budget_spent_keeps_defaults(tuning_dir: Path) -> None:
    assert ISA is not None
    notes: list[str] = []
    tuner.set_report(notes.append)
    try:
        p = tuner.Problem("sgemm", (16, 64, 64, 64, 1, 64, 1))
        t = tuner.Tuner(HOST, ISA, budget_s=1e-9)
        assert t.choose([p]) == {p: t.default(p)}
    finally:
        tuner.set_report(None)
    assert any("budget spent" in n for n in notes)
    assert not tuner.cache_file(HOST, ISA).exists()  # nothing measured, nothing stored


def _conv_mlp(path: Path) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """conv 3x3 + relu -> flatten -> gemm: one library conv and one library matmul."""
    r = np.random.default_rng(7)
    w = r.standard_normal((16, 3, 3, 3)).astype(np.float32) * 0.3
    b = r.standard_normal(16).astype(np.float32)
    fc = r.standard_normal((16 * 10 * 10, 24)).astype(np.float32) * 0.05
    graph = helper.make_graph(
        [
            helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
            helper.make_node("Relu", ["c"], ["r"], name="relu"),
            helper.make_node("Flatten", ["r"], ["f"], name="flatten"),
            helper.make_node("MatMul", ["f", "fc"], ["y"], name="fc"),
        ],
        "convmlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 10, 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 24])],
        [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (b, "b"), (fc, "fc"))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    feeds = {"x": r.standard_normal((2, 3, 10, 10)).astype(np.float32)}
    want = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feeds)
    return feeds, [np.asarray(v) for v in want]


@needs_library
@pytest.mark.parametrize("threads", [1, 2])
def test_tuned_model_matches_ort(tmp_path: Path, tuning_dir: Path, threads: int) -> None:
    path = tmp_path / "m.onnx"
    feeds, want = _conv_mlp(path)
    model = strata.compile(
        path, schedule="tuned", tune_seconds=10, num_threads=threads, cache_dir=tmp_path / "c"
    )
    (got,) = model.run(feeds)
    np.testing.assert_allclose(got, want[0], rtol=1e-3, atol=1e-4)
    data = json.loads(tuner.cache_file(HOST, ukernels.isa_of(HOST) or "").read_text())
    kinds = {key.split(":")[0] for key in data}
    assert kinds == {"sgemm", "conv2d"}


@needs_library
def test_stratac_tuned_reports_progress(tmp_path: Path, tuning_dir: Path) -> None:
    path = tmp_path / "m.onnx"
    feeds, want = _conv_mlp(path)
    out = tmp_path / "out" / "m"
    run = subprocess.run(
        [sys.executable, "-m", "strata.tools.stratac", str(path), "-o", str(out),
         "--schedule", "tuned", "--tune-seconds", "6", "-v"],
        capture_output=True, text=True, env={**__import__("os").environ, "STRATA_PROGRESS": "1"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "tuning [1/2]" in run.stderr and "GFLOP/s" in run.stderr
    (got,) = strata.load(out).run(feeds)
    np.testing.assert_allclose(got, want[0], rtol=1e-3, atol=1e-4)


def test_tune_seconds_errors(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    _conv_mlp(path)
    with pytest.raises(StrataError, match="applies to schedule 'tuned' only"):
        strata.compile(path, tune_seconds=5)
    with pytest.raises(StrataError, match="positive number of seconds"):
        strata.compile(path, schedule="tuned", tune_seconds=0)
    run = subprocess.run(
        [sys.executable, "-m", "strata.tools.stratac", str(path), "-o", str(tmp_path / "o"),
         "--tune-seconds", "5"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode != 0 and "applies to schedule 'tuned' only" in run.stderr
