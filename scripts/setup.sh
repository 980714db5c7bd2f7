#!/usr/bin/env bash
# Create .venv (Python 3.11) and install Strata, editable, with its test and benchmark
# dependencies.
# Everything the project needs is pinned in pyproject.toml; nothing else is installed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,benchmarks]'
echo "setup: .venv ready ($(.venv/bin/python --version))"
