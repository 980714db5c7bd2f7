"""What dynamic shapes cost: one model compiled with symbolic dims vs specialised to the shape.

    python benchmarks/bench_dynamic.py [--models bert_base,resnet50] [--repeats 10] [--threads 1]

Each model is exported once with dynamic axes (BERT: batch and sequence; ResNet-50: batch,
height and width). Strata compiles it twice: as given (one artifact for every size) and with
the input shape pinned (`input_shapes=`, which specialises every dim). Both run on the same
input, interleaved with ONNX Runtime (A B C A B C ...), after a warm-up. The table gives the
medians, each Strata build's ratio to ONNX Runtime and dynamic / specialised (the cost of
dynamic shapes). The machines are shared and noisy: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

import strata

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "pytest" / "models"))

import zoo  # noqa: E402

Case = tuple[bytes, dict[str, np.ndarray]]


def _export(
    build: Callable[[], torch.nn.Module], inputs: dict[str, np.ndarray], axes: dict
) -> bytes:
    torch.manual_seed(0)
    model = build().eval()
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            model,
            tuple(torch.from_numpy(v) for v in inputs.values()),
            buf,
            input_names=list(inputs),
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    return buf.getvalue()


def bert_base() -> Case:
    x = zoo.tokens(vocab=30000)
    return _export(zoo.bert_base, x, {"input_ids": {0: "batch", 1: "seq"}}), x


def resnet50() -> Case:
    x = zoo.image()
    return _export(zoo.resnet50, x, {"input": {0: "n", 2: "h", 3: "w"}}), x


MODELS: dict[str, Callable[[], Case]] = {"bert_base": bert_base, "resnet50": resnet50}


def _time(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench(name: str, repeats: int, threads: int) -> None:
    data, inputs = MODELS[name]()
    shapes = {k: list(v.shape) for k, v in inputs.items()}
    t0 = time.perf_counter()
    dynamic = strata.compile(data, num_threads=threads)
    t_dyn = time.perf_counter() - t0
    t0 = time.perf_counter()
    static = strata.compile(data, num_threads=threads, input_shapes=shapes)
    t_static = time.perf_counter() - t0
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
    (want,) = session.run(None, inputs)
    for m in (dynamic, static):
        (got,) = m.run(inputs)
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
    runs: dict[str, list[float]] = {"dynamic": [], "static": [], "ort": []}
    for _ in range(repeats):
        runs["dynamic"].append(_time(lambda: dynamic.run(inputs)))
        runs["static"].append(_time(lambda: static.run(inputs)))
        runs["ort"].append(_time(lambda: session.run(None, inputs)))
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(
        f"{name:10s} {shapes!s:28s} compile dyn {t_dyn:5.1f} s / static {t_static:5.1f} s  "
        f"dynamic {med['dynamic'] * 1e3:8.1f} ms  static {med['static'] * 1e3:8.1f} ms  "
        f"ort {med['ort'] * 1e3:8.1f} ms  dyn/ort {med['dynamic'] / med['ort']:5.2f}  "
        f"static/ort {med['static'] / med['ort']:5.2f}  dyn/static "
        f"{med['dynamic'] / med['static']:5.2f}",
        flush=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--models", default="bert_base,resnet50", help="comma-separated")
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
