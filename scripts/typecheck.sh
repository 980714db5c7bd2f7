#!/usr/bin/env bash
# Type-check the package as it is imported: `strata` maps several top-level folders
# (pyproject's [tool.scikit-build.wheel.packages]), so build a symlink tree of that mapping
# and point mypy at it.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=build/typecheck/strata
rm -rf build/typecheck && mkdir -p "$tree"
for f in python/strata/*; do ln -s "$PWD/$f" "$tree/"; done
for d in dialects passes frontends targets; do ln -s "$PWD/$d" "$tree/$d"; done
MYPYPATH=build/typecheck .venv/bin/mypy --no-incremental -p strata
