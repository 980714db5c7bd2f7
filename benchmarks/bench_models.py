"""Speed of compiled models relative to ONNX Runtime, measured interleaved in one process.

    python benchmarks/bench_models.py [--models mlp,small_resnet,...] [--repeats 20]

For each model: compile with Strata (compile time reported), then alternate Strata and ONNX
Runtime runs on the same inputs (A B A B ...), and report each side's median and the ratio
strata / onnxruntime (below 1 means Strata is faster). Both sides use the same thread count.
These machines are shared and noisy: compare ratios from one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

import strata

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "pytest" / "models"))
sys.path.insert(0, str(ROOT / "examples"))

import zoo  # noqa: E402
from make_mlp import make_mlp  # noqa: E402


def mlp() -> tuple[bytes, dict[str, np.ndarray]]:
    model = make_mlp()
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 8
    return model.SerializeToString(), {
        "input": np.random.default_rng(0).standard_normal((8, 784)).astype(np.float32)
    }


MODELS = {
    "mlp": mlp,
    "small_resnet": lambda: (zoo.export(zoo.small_resnet, x := zoo.image(size=32)), x),
    "resnet50": lambda: (zoo.export(zoo.resnet50, x := zoo.image(), dynamo=False), x),
    "mobilenet_v2": lambda: (zoo.export(zoo.MobileNetV2, x := zoo.image(), dynamo=False), x),
    "bert_base": lambda: (zoo.export(zoo.bert_base, x := zoo.tokens(vocab=30000)), x),
    "gpt2_small": lambda: (zoo.export(zoo.gpt2_small, x := zoo.tokens(vocab=50000), opset=18), x),
}


def bench(name: str, repeats: int, threads: int) -> None:
    data, inputs = MODELS[name]()
    t0 = time.perf_counter()
    compiled = strata.compile(data, target="cpu", num_threads=threads, cache_dir=None)
    compile_s = time.perf_counter() - t0
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
    compiled.run(inputs), session.run(None, inputs)  # warm up both
    ours, theirs = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        compiled.run(inputs)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        session.run(None, inputs)
        theirs.append(time.perf_counter() - t)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"{name:14s} compile {compile_s:6.1f} s   strata {a * 1e3:9.2f} ms   "
        f"onnxruntime {b * 1e3:9.2f} ms   ratio {a / b:6.2f}",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--models", default="mlp,small_resnet,resnet50", help="comma-separated")
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    for name in args.models.split(","):
        if name not in MODELS:
            ap.error(f"unknown model '{name}'; known: {', '.join(MODELS)}")
        bench(name, args.repeats, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
