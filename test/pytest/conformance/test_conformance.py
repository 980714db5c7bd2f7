"""The ONNX backend-test run on the CPU target, against its expected-failures file.

CI checks a fixed, op-stratified sample (`strata.conformance.cases.ci_sample`: every
model-suite case and, per node op type, one case of each combination of dtypes and plain /
expanded form; 717 of the 2,033 cases), because the whole run would take most of CI's time as
more cases compile (see the README). The test fails when a sampled case not listed in
test/conformance/expected_failures/cpu.txt does not pass, and when a listed sampled case passes
(the file only shrinks). `python -m strata.conformance --suite all --check` checks every case,
as does this test under STRATA_TEST_FULL=1.
`scripts/test.sh` runs this test as its own stage (`== conformance`, `pytest -s -m
conformance`), so its summary prints; the pytest stage deselects it. The JSON report of the
run is written to build/conformance/cpu.json.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from strata import conformance
from strata.conformance import report
from strata.conformance.cases import SUITES, ci_sample, load_cases

ROOT = Path(__file__).resolve().parents[3]
TARGET = "cpu"
# What CI checks: the `ci` sample; STRATA_TEST_FULL=1 (scripts/test.sh's full run): every
# case (None), about 2.5 times as long.
CI_SAMPLE: str | None = None if os.environ.get("STRATA_TEST_FULL") == "1" else "ci"


@pytest.mark.conformance
def test_conformance_agrees_with_expected_failures() -> None:
    expected_file = conformance.expected_path(TARGET, ROOT)
    expected = report.read_expected(expected_file)
    cases = load_cases(SUITES)
    if CI_SAMPLE == "ci":
        cases = ci_sample(cases)
    results = conformance.run(cases, target=TARGET, jobs=conformance.default_jobs())
    report.write_json(
        ROOT / "build" / "conformance" / f"{TARGET}.json",
        results,
        {"target": TARGET, "suites": list(SUITES), "sample": CI_SAMPLE},
    )
    print()
    print(report.suite_table(results))
    print(report.summary_line(results, TARGET) + (f" ({CI_SAMPLE} sample)" if CI_SAMPLE else ""))
    sampled = {c.key for c in cases}
    check = report.check_expected(expected, results, sampled.__contains__)
    assert check.ok, check.describe(expected_file, TARGET)
