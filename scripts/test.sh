#!/usr/bin/env bash
# Set up, then run every check CI runs: lint, format, type check, generated-file staleness,
# the lit suites, the pytest suites and the ONNX conformance run against its expected-failures
# file. Exits non-zero on the first failing stage.
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
