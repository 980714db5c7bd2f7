"""Every frontend's coverage page (docs/<name>-coverage.md, frontends/pages.py) is generated
from its converter table and must not be stale; `--check` notices a stale page and a plain run
rewrites it. The rows each page must hold are tested beside each frontend
(test_<name>_coverage.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# frontend -> (a row of its page, the same row made stale, the package its generator needs)
PAGES = {
    "torch": ("| `aten.relu.default` |", "| `aten.relu.old` |", "torch"),
    "tf": ("| `Relu` |", "| `Relu_old` |", None),  # tensorboard's protobuf classes, no TF
    "tflite": ("| `CONV_2D` |", "| `CONV_3D` |", None),
    "caffe": ("| `Convolution` |", "| `Convolution_old` |", None),
}


def _coverage(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    if PAGES[name][2]:
        pytest.importorskip(PAGES[name][2])
    return subprocess.run(
        [sys.executable, "-m", f"strata.frontends.{name}.coverage", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_coverage_page_is_current(name: str) -> None:
    r = _coverage(name, "--check")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("name", sorted(PAGES))
def test_coverage_check_detects_a_stale_page(name: str, tmp_path: Path) -> None:
    row, stale_row, _ = PAGES[name]
    current = (ROOT / "docs" / f"{name}-coverage.md").read_text()
    assert row in current
    page = tmp_path / f"{name}-coverage.md"
    page.write_text(current.replace(row, stale_row, 1))
    stale = _coverage(name, "--check", "--output", str(page))
    assert stale.returncode == 1 and "stale" in stale.stderr
    assert f"python -m strata.frontends.{name}.coverage" in stale.stderr
    assert _coverage(name, "--output", str(page)).returncode == 0
    assert page.read_text() == current
