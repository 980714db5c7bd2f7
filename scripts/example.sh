#!/usr/bin/env bash
# Set up, compile the bundled example model (examples/mlp.onnx) ahead of time with stratac,
# then load the artifacts from Python, run them and print the outputs next to ONNX Runtime's.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
rm -rf out/mlp && mkdir -p out
.venv/bin/stratac examples/mlp.onnx -o out/mlp --target cpu --input-shape input:4x784
ls -l out/mlp.*
.venv/bin/python examples/run_example.py out/mlp examples/mlp.onnx
