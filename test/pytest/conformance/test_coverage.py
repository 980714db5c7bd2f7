"""docs/onnx-coverage.md is generated and must not be stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from strata.conformance import coverage, report
from strata.conformance.cases import SUITES, load_cases

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "onnx-coverage.md"
EXPECTED = ROOT / "test" / "conformance" / "expected_failures" / "cpu.txt"


def _coverage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "strata.conformance.coverage", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_coverage_page_is_current() -> None:
    r = _coverage("--check")
    assert r.returncode == 0, r.stderr


def test_coverage_check_detects_a_stale_page(tmp_path: Path) -> None:
    page = tmp_path / "onnx-coverage.md"
    page.write_text(PAGE.read_text().replace("| Abs |", "| Abs_old |", 1))
    stale = _coverage("--check", "--output", str(page))
    assert stale.returncode == 1 and "stale" in stale.stderr
    assert _coverage("--output", str(page)).returncode == 0
    assert page.read_text() == PAGE.read_text()


def test_coverage_rows() -> None:
    cases = load_cases(SUITES)
    expected = report.read_expected(EXPECTED)
    rows = {r.key: r for r in coverage.op_rows([c for c in cases if c.suite == "node"], expected)}
    # every op of every domain
    some = {"Abs", "Attention", "ai.onnx.ml.ZipMap", "ai.onnx.preview.training.Adagrad"}
    assert some <= set(rows)
    abs_ = rows["Abs"]
    assert abs_.status == coverage.CONVERTER and abs_.converter_since == [1]
    softmax = rows["Softmax"]
    of_softmax = [c for c in cases if c.suite == "node" and c.op_types == ("Softmax",)]
    plain = [c for c in of_softmax if not c.expanded]
    expanded = [c for c in of_softmax if c.expanded]
    assert plain and expanded
    assert (softmax.node_pass, softmax.node_total) == (
        sum(c.key not in expected for c in plain),
        len(plain),
    )
    assert (softmax.expanded_pass, softmax.expanded_total) == (
        sum(c.key not in expected for c in expanded),
        len(expanded),
    )
    assert rows["Shape"].status == coverage.CONVERTER  # nn.shape where dims are dynamic
    assert rows["If"].status == coverage.CONVERTER  # scf.if around the imported branches
    assert rows["SequenceMap"].status == coverage.CONVERTER  # unrolled over its sequence
    assert rows["ai.onnx.ml.ZipMap"].status == coverage.NO
    assert rows["Attention"].status == coverage.CONVERTER
    # no converter: constant inputs only
    assert rows["ImageDecoder"].status == coverage.FOLD_ONLY
    assert rows["HardSwish"].status == coverage.CONVERTER
    assert rows["RandomNormal"].status == coverage.NO  # never folded
