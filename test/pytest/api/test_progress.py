"""Compile progress: the stage events the worker streams, their display (strata.progress),
`strata.compile(progress=...)`, `stratac -q`, and the compile statistics (time, peak RSS)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import strata
from strata import progress
from strata.worker import run_isolated

ROOT = Path(__file__).resolve().parents[3]
MLP = ROOT / "test" / "targets" / "cpu" / "Inputs" / "mlp.mlir"
STAGES = [
    "importing the model",
    "lowering nn to linalg",
    "lowering linalg to LLVM",
    "translating to LLVM IR",
    "optimising LLVM IR (opt -O3)",
    "generating machine code (llc)",
    "writing the weights and the C shim",
    "linking model.so",
]


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def event(step: int, total: int = 8, stage: str = "x", elapsed: float = 0.5) -> dict[str, Any]:
    return {"stage": stage, "step": step, "total": total, "elapsed": elapsed}


def test_choose_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRATA_PROGRESS", raising=False)
    tty, pipe = FakeTTY(), io.StringIO()
    assert progress.choose_mode(None, tty) == "bar"
    assert progress.choose_mode(None, pipe) is None  # scripts and logs stay quiet by default
    assert progress.choose_mode(True, tty) == "bar"
    assert progress.choose_mode(True, pipe) == "lines"
    assert progress.choose_mode(False, tty) is None
    monkeypatch.setenv("STRATA_PROGRESS", "1")
    assert progress.choose_mode(None, pipe) == "lines"
    assert progress.choose_mode(False, pipe) is None  # an explicit argument wins
    monkeypatch.setenv("STRATA_PROGRESS", "0")
    assert progress.choose_mode(None, tty) is None
    assert progress.choose_mode(True, tty) == "bar"


def test_lines_display() -> None:
    out = io.StringIO()
    display = progress.Progress("lines", "stratac", out)
    display.update(event(1, stage="importing the model", elapsed=0.04))
    display.update(event(2, stage="lowering nn to linalg", elapsed=1.26))
    display.close(ok=False)
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "stratac: [1/8] importing the model (t=0.0 s)",
        "stratac: [2/8] lowering nn to linalg (t=1.3 s)",
    ]
    assert lines[2].startswith("stratac: failed in ") and len(lines) == 3


def test_bar_display_ends_complete() -> None:
    out = FakeTTY()
    display = progress.Progress("bar", "strata", out)
    for i, stage in enumerate(STAGES, 1):
        display.update(event(i, stage=stage))
    display.close(ok=True)
    final = out.getvalue().split("\r")[-1]
    assert "strata: compiled" in final and "8/8" in final


def test_no_display_writes_nothing() -> None:
    display = progress.Progress(None, "strata", FakeTTY())
    display.update(event(1))
    display.close()
    assert display.stream.getvalue() == ""  # type: ignore[attr-defined]


@pytest.mark.parametrize("server", ["1", "0"])
def test_worker_streams_every_stage_in_order(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the compile server and through a one-shot worker process alike."""
    monkeypatch.setenv("STRATA_COMPILE_SERVER", server)
    events: list[dict[str, Any]] = []
    out = tmp_path / "out"
    out.mkdir()
    request = {"model": str(MLP), "out_dir": str(out), "cpu": {"name": "model"}}
    stats = run_isolated(request, on_progress=events.append)
    assert [e["stage"] for e in events] == STAGES
    assert [e["step"] for e in events] == list(range(1, 9))
    assert {e["total"] for e in events} == {8}
    elapsed = [e["elapsed"] for e in events]
    assert elapsed == sorted(elapsed)
    assert (out / "model.so").is_file()
    # the compiling process's own peak RSS: at least the MLIR bindings it has loaded
    assert stats.seconds > 0 and stats.peak_rss_bytes > 20 << 20


def test_a_failing_progress_callback_leaves_no_broken_server(tmp_path: Path) -> None:
    """An exception out of the callback ends the request mid-stream; the server, whose pipe
    still holds that request's lines, is retired and the next compile gets a fresh one."""
    from strata import worker

    def boom(event: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    def request(name: str) -> dict[str, Any]:
        (tmp_path / name).mkdir()
        return {"model": str(MLP), "out_dir": str(tmp_path / name), "cpu": {"name": "model"}}

    with pytest.raises(RuntimeError, match="boom"):
        run_isolated(request("a"), on_progress=boom)
    first = worker._SERVER
    assert first is not None and not first.alive()
    events: list[dict[str, Any]] = []
    run_isolated(request("b"), on_progress=events.append)
    assert len(events) == 8 and worker._SERVER is not first


def test_compile_progress_argument(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRATA_PROGRESS", raising=False)
    m = strata.compile(MLP, cache_dir=tmp_path / "a", progress=True)
    err = capfd.readouterr().err.splitlines()
    assert [line.split("] ", 1)[1].rsplit(" (t=", 1)[0] for line in err[:-1]] == STAGES
    assert err[-1].startswith("strata: compiled in ")
    assert m.compile_stats is not None and m.compile_stats.peak_rss_bytes > 0
    again = strata.compile(MLP, cache_dir=tmp_path / "a", progress=True)
    assert again.compile_stats is None  # a cache hit: nothing compiled, nothing shown
    strata.compile(MLP, cache_dir=tmp_path / "b")  # default: stderr is no terminal here
    strata.compile(MLP, cache_dir=tmp_path / "c", progress=False)
    assert capfd.readouterr().err == ""


def test_stratac_progress_and_quiet(tmp_path: Path) -> None:
    stratac = str(Path(sys.executable).parent / "stratac")
    loud = subprocess.run(
        [stratac, str(MLP), "-o", str(tmp_path / "a" / "net")], capture_output=True, text=True
    )
    assert loud.returncode == 0, loud.stderr
    lines = loud.stderr.splitlines()
    assert lines[0] == "stratac: [1/8] importing the model (t=0.0 s)"
    assert lines[-2].startswith("stratac: [8/8] linking net.so")
    assert lines[-1].startswith("stratac: compiled in ")
    quiet = subprocess.run(
        [stratac, "-q", str(MLP), "-o", str(tmp_path / "b" / "net")], capture_output=True, text=True
    )
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""
    both = subprocess.run(
        [stratac, "-q", "-v", str(MLP), "-o", str(tmp_path / "c" / "net")],
        capture_output=True,
        text=True,
    )
    assert both.returncode == 1 and "not allowed with" in both.stderr
