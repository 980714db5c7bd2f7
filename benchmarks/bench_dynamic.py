"""What dynamic shapes cost: one model compiled with symbolic dims vs specialised to the shape.

    python benchmarks/bench_dynamic.py [--models bert_base,resnet50] [--repeats 10] [--threads 1,2]

Each model is exported once with dynamic axes (BERT: batch and sequence; ResNet-50: batch,
height and width). Strata compiles it twice: as given (one artifact for every size) and with
the input shape pinned (`input_shapes=`, which specialises every dim). Both run on the same
input, interleaved with ONNX Runtime (blocks of A, B, C in turn, after a warm-up, each
block's first run dropped: benchmarks/common.py). The table gives the medians, each Strata
build's ratio to ONNX Runtime and dynamic / specialised (the cost of dynamic shapes). The
machines are shared and noisy: compare ratios from one run.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import strata

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

Case = tuple[bytes, dict[str, np.ndarray]]


def bert_base() -> Case:
    zoo = common.zoo()
    x = zoo.tokens(vocab=30000)
    return common.export(zoo.bert_base, x, axes={"input_ids": {0: "batch", 1: "seq"}}), x


def resnet50() -> Case:
    zoo = common.zoo()
    x = zoo.image()
    return common.export(zoo.resnet50, x, axes={"input": {0: "n", 2: "h", 3: "w"}}), x


MODELS: dict[str, Callable[[], Case]] = {"bert_base": bert_base, "resnet50": resnet50}


def bench(name: str, repeats: int, threads: int) -> None:
    data, inputs = MODELS[name]()
    shapes = {k: list(v.shape) for k, v in inputs.items()}
    t0 = time.perf_counter()
    dynamic = strata.compile(data, num_threads=threads)
    t_dyn = time.perf_counter() - t0
    t0 = time.perf_counter()
    static = strata.compile(data, num_threads=threads, input_shapes=shapes)
    t_static = time.perf_counter() - t0
    session = common.ort_session(data, threads)
    want = session.run(None, inputs)
    for m in (dynamic, static):
        mismatch = common.check_close(m.run(inputs), want)
        if mismatch is not None:
            raise SystemExit(f"{name}: Strata does not match ONNX Runtime: {mismatch}")
    runs = common.interleave(
        {
            "dynamic": lambda: dynamic.run(inputs),
            "static": lambda: static.run(inputs),
            "ort": lambda: session.run(None, inputs),
        },
        blocks=repeats,
        block_runs=2,
        discard=1,
        warmup=1,
    )
    med = {k: statistics.median(t for b in v for t in b) for k, v in runs.items()}
    print(
        f"{name:10s} {shapes!s:28s} compile dyn {t_dyn:5.1f} s / static {t_static:5.1f} s  "
        f"dynamic {med['dynamic'] * 1e3:8.1f} ms  static {med['static'] * 1e3:8.1f} ms  "
        f"ort {med['ort'] * 1e3:8.1f} ms  dyn/ort {med['dynamic'] / med['ort']:5.2f}  "
        f"static/ort {med['static'] / med['ort']:5.2f}  dyn/static "
        f"{med['dynamic'] / med['static']:5.2f}",
        flush=True,
    )


def main() -> int:
    ap = common.base_parser(__doc__, list(MODELS), "bert_base,resnet50")
    args = ap.parse_args()
    try:
        names = common.select(args.models, MODELS)
    except ValueError as e:
        ap.error(str(e))
    for name in names:
        for threads in args.threads:
            bench(name, args.repeats, threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
