"""docs/torch-coverage.md is generated from the PyTorch frontend's table and must not be stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "torch-coverage.md"


def _coverage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "strata.frontends.torch.coverage", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_coverage_page_is_current() -> None:
    r = _coverage("--check")
    assert r.returncode == 0, r.stderr


def test_coverage_check_detects_a_stale_page(tmp_path: Path) -> None:
    page = tmp_path / "torch-coverage.md"
    page.write_text(PAGE.read_text().replace("| `aten.relu.default` |", "| `aten.relu.old` |", 1))
    stale = _coverage("--check", "--output", str(page))
    assert stale.returncode == 1 and "stale" in stale.stderr
    assert _coverage("--output", str(page)).returncode == 0
    assert page.read_text() == PAGE.read_text()


def test_coverage_rows() -> None:
    from strata.frontends.torch import coverage, ops

    text = coverage.render()
    for op in ("aten.convolution.default", "aten.native_layer_norm.default", "aten.addmm.default"):
        assert f"| `{op}` | yes |" in text
    assert "| `aten.relu.default` | yes | `nn.relu`, `nn.cast` |" in text
    missing = text.split("## core ATen ops without a converter")[1]
    assert "`aten.sort.default`" in missing and "`aten.relu.default`" not in missing
    assert all(f"`{op}`" in text for op, e in ops.TABLE.items() if e.available())
