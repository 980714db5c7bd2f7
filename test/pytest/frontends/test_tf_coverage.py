"""docs/tf-coverage.md is generated from the TensorFlow frontend's table and must not be
stale (the generator needs tensorboard's protobuf classes only, not TensorFlow)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "tf-coverage.md"


def _coverage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "strata.frontends.tf.coverage", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_coverage_page_is_current() -> None:
    r = _coverage("--check")
    assert r.returncode == 0, r.stderr


def test_coverage_check_detects_a_stale_page(tmp_path: Path) -> None:
    page = tmp_path / "tf-coverage.md"
    page.write_text(PAGE.read_text().replace("| `Relu` |", "| `Relu_old` |", 1))
    stale = _coverage("--check", "--output", str(page))
    assert stale.returncode == 1 and "stale" in stale.stderr
    assert _coverage("--output", str(page)).returncode == 0
    assert page.read_text() == PAGE.read_text()


def test_coverage_rows() -> None:
    from strata.frontends.tf import coverage, ops

    text = coverage.render()
    assert "| `Conv2D` | `nn.conv`, `nn.transpose` |  |" in text
    assert "| `AddV2` | `nn.add` | yes |" in text
    assert "| `VarHandleOp` | variables: freeze the graph" in text
    assert all(f"| `{op}` |" in text for op, e in ops.TABLE.items() if e.available())
