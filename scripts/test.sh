#!/usr/bin/env bash
# Set up, then run every check CI runs: lint, format, type check, generated-file staleness,
# the lit suites, the pytest suites and the ONNX conformance run against its expected-failures
# file. Exits non-zero on the first failing stage.
#
# This is CI's run (.ci/run), kept under 30 minutes by fixed samples: the conformance stage
# checks the op-stratified `ci` sample of the ONNX backend tests, and the pytest matrices
# marked `ci_sample` run 1 case in N (test/pytest/conftest.py). `STRATA_TEST_FULL=1 bash
# scripts/test.sh` runs everything: every conformance case (about 2.5 times the sample's
# time) and every matrix case.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .

echo "== mypy"
bash scripts/typecheck.sh

echo "== lit"
lit -sv --time-tests test

echo "== pytest"
# Exit code 5 (no tests collected) is an error like any other non-zero code.
pytest -n 2 --durations=15 -m "not conformance" "$@" test/pytest

echo "== conformance"
# Every ONNX backend-test case through strata.backend, in its own worker processes (one per
# core), compared with test/conformance/expected_failures/cpu.txt; -s shows its summary.
pytest -s -m conformance test/pytest/conformance
