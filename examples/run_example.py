"""Load artifacts written by `stratac` and run them on numpy arrays; compare with ONNX Runtime.

python examples/run_example.py out/mlp examples/mlp.onnx
"""

from __future__ import annotations

import sys

import numpy as np
import onnxruntime as ort

import strata


def main(artifacts: str, model_path: str) -> int:
    model = strata.load(artifacts)
    spec = model.inputs[0]
    x = np.random.default_rng(0).standard_normal(spec.shape).astype(spec.dtype)
    (probs,) = model.run({spec.name: x})

    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    (reference,) = session.run(None, {spec.name: x})

    np.set_printoptions(precision=4, suppress=True)
    print(f"input  {spec.describe()}")
    print(f"output {model.outputs[0].describe()} from {artifacts}.so:")
    print(probs)
    print("predicted classes:", probs.argmax(axis=-1).tolist())
    err = float(np.max(np.abs(probs - reference)))
    print(f"max |strata - onnxruntime| = {err:.2e}")
    return 0 if np.allclose(probs, reference, rtol=1e-4, atol=1e-5) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
