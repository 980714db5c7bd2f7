#!/usr/bin/env bash
# Set up, then run every check CI runs: lint, format, type check, generated-file staleness,
# the lit suites and the pytest suites. Exits non-zero on the first failing stage.
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
pytest -n 2 --durations=15 "$@" test/pytest
