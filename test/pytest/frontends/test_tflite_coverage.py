"""docs/tflite-coverage.md is generated from the TFLite frontend's table and must not be stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "tflite-coverage.md"


def _coverage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "strata.frontends.tflite.coverage", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_coverage_page_is_current() -> None:
    r = _coverage("--check")
    assert r.returncode == 0, r.stderr


def test_coverage_check_detects_a_stale_page(tmp_path: Path) -> None:
    page = tmp_path / "tflite-coverage.md"
    page.write_text(PAGE.read_text().replace("| `CONV_2D` |", "| `CONV_3D` |", 1))
    stale = _coverage("--check", "--output", str(page))
    assert stale.returncode == 1 and "stale" in stale.stderr
    assert _coverage("--output", str(page)).returncode == 0
    assert page.read_text() == PAGE.read_text()


def test_coverage_rows() -> None:
    from strata.frontends.tflite import coverage, ops

    text = coverage.render()
    assert "| `CONV_2D` | all | integer kernel | `nn.conv`," in text
    assert "| `RESHAPE` | all | integers pass through | `nn.reshape` |" in text
    missing = text.split("## builtin operators without a converter")[1]
    assert "`CUMSUM`" in missing and "`CONV_2D`" not in missing
    assert all(f"| `{op}` |" in text for op, e in ops.TABLE.items() if e.available())
