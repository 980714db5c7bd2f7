"""Strata against ONNX Runtime on whole models, interleaved in one process, at each thread count.

    python benchmarks/bench_models.py [--models resnet50,mobilenet_v2,...] [--threads 1,2]
                                      [--targets cpu,odla-dnnl,cxx] [--repeats 10]
                                      [--json out.json] [--chart out.png]

Each model is built from its PyTorch / transformers definition (test/pytest/models/zoo.py)
with random weights and exported to ONNX; its FLOPs are counted from the ONNX graph
(benchmarks/flops.py). Then, for each thread count: Strata compiles it (fresh cache; the wall
time and the compiling process's peak RSS are reported), ONNX Runtime opens it with as many
intra-op threads, both outputs are checked against each other (rtol 1e-3, atol 1e-4; a model
that does not match is reported and not timed), and the two are timed interleaved (see
benchmarks/common.py: warm-up, then rounds of one block per engine, each at least
--block-runs runs and --min-block-s long, its first run discarded). Peak run memory is
measured in a fresh process per engine.

`--targets` picks Strata's back ends (default `cpu`): `cpu` (the loop path as a shared
library), `odla-dnnl` / `odla-ref` (ODLA C++ linked against libodla_dnnl / libodla_ref) and
`cxx` (the loop path as portable C++). Each target of a model is compiled and timed in its
own interleaved run against ONNX Runtime (ORT is timed again beside each one, so every ratio
pairs rounds of the same minutes). The thread count reaches `cpu` as `num_threads` and
`odla-dnnl` as oneDNN's OpenMP thread count (libgomp's omp_set_num_threads in the timing
thread); `odla-ref` and `cxx` are sequential and are timed at 1 thread only. A target whose
runs are slow (cxx's whole models take seconds to a minute per run) gets fewer rounds: the
rounds are cut so that its timing takes about --max-target-s (at least 2 rounds of 2 runs).

The table gives median and p10 latency of both, the median of the per-round ratios
strata / onnxruntime (below 1: Strata is faster), GFLOP/s of both, compile time and memory,
and the run memory of both; the CPU model and ISA are printed above it. The machines are
shared and noisy: compare ratios from one run, not absolute times across runs.
Needs the test extra (torch, transformers, onnxruntime); --chart needs the benchmarks extra
(matplotlib). The default run (5 models, 1 and 2 threads) takes about 10 minutes on 2 cores.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from flops import count_flops


@dataclass(frozen=True)
class ModelSpec:
    build: str  # the zoo function
    inputs: Callable[[Any], dict[str, np.ndarray]]
    opset: int = 17
    dynamo: bool = False
    label: str = ""


MODELS: dict[str, ModelSpec] = {
    "resnet50": ModelSpec("resnet50", lambda z: z.image(), label="ResNet-50"),
    "mobilenet_v2": ModelSpec("MobileNetV2", lambda z: z.image(), label="MobileNetV2"),
    "bert_base": ModelSpec(
        "bert_base", lambda z: z.tokens(vocab=30000), dynamo=True, label="BERT-base, seq 128"
    ),
    "gpt2_small": ModelSpec(
        "gpt2_small",
        lambda z: z.tokens(vocab=50000),
        opset=18,  # see zoo.export: the dynamo exporter's GPT-2 needs opset 18
        dynamo=True,
        label="GPT-2 small, seq 128",
    ),
    "mlp": ModelSpec("mlp", lambda z: z.features(), label="MLP 784-1024-1024-10, batch 32"),
    "small_resnet": ModelSpec(
        "small_resnet", lambda z: z.image(size=32), label="small ResNet, 32x32"
    ),
}
DEFAULT = "resnet50,mobilenet_v2,bert_base,gpt2_small,mlp"
MIB = 1 << 20


@dataclass(frozen=True)
class TargetSpec:
    options: dict[str, str]  # strata.compile keywords
    threaded: bool  # honours the thread count (else timed at 1 thread only)
    label: str


TARGETS: dict[str, TargetSpec] = {
    "cpu": TargetSpec({}, True, "cpu"),
    "odla-dnnl": TargetSpec({"target": "odla", "odla_runtime": "dnnl"}, True, "odla (oneDNN)"),
    "odla-ref": TargetSpec({"target": "odla", "odla_runtime": "ref"}, False, "odla (ref)"),
    "cxx": TargetSpec({"target": "cxx"}, False, "cxx"),
}


def build(name: str) -> tuple[bytes, dict[str, np.ndarray]]:
    spec = MODELS[name]
    zoo = common.zoo()
    inputs = spec.inputs(zoo)
    with contextlib.redirect_stdout(sys.stderr):  # the exporter's chatter stays off the table
        data = common.export(getattr(zoo, spec.build), inputs, opset=spec.opset, dynamo=spec.dynamo)
    return data, inputs


def bench_one(
    name: str,
    path: Path,
    inputs: dict[str, np.ndarray],
    flops: int,
    threads: int,
    args: Any,
    cache: Path,
    target: str = "cpu",
    compiles: dict[tuple[str, str], Any] | None = None,
) -> dict[str, Any]:
    """One model on one target at one thread count. `compiles` remembers each (model,
    target)'s compile stats: a target whose build does not depend on the thread count
    (odla-dnnl) hits the cache at the second count and reports the first build's."""
    import strata

    spec = TARGETS[target]
    row: dict[str, Any] = {"model": name, "threads": threads, "flops": flops, "target": target}
    options: dict[str, Any] = dict(spec.options)
    if target == "cpu":
        options["num_threads"] = threads
    if target == "odla-dnnl":  # before loading: oneDNN sizes its primitives at creation
        common.gomp_threads(threads)
    try:
        compiled = strata.compile(path, cache_dir=cache, progress=args.progress, **options)
    except strata.StrataError as e:
        row["error"] = f"does not compile: {type(e).__name__}: {str(e).splitlines()[0]}"
        return row
    memo = compiles if compiles is not None else {}
    stats = compiled.compile_stats or memo.get((name, target))
    assert stats is not None  # a fresh cache: it compiled, or an earlier count did
    memo[(name, target)] = stats
    row["compile_s"] = stats.seconds
    row["compile_peak_bytes"] = stats.peak_rss_bytes
    session = common.ort_session(str(path), threads)
    feeds = dict(inputs)
    t0 = time.perf_counter()
    got = compiled.run(feeds)
    once = time.perf_counter() - t0
    mismatch = common.check_close(got, session.run(None, feeds))
    if mismatch is not None:
        row["error"] = f"does not match ONNX Runtime: {mismatch}"
        compiled.close()
        return row
    blocks, block_runs, warmup = args.repeats, args.block_runs, args.warmup
    if once * blocks * block_runs > args.max_target_s:  # a slow target: fewer, shorter rounds
        block_runs, warmup = 2, 1
        blocks = max(2, min(blocks, int(args.max_target_s / (once * block_runs))))
    times = common.interleave(
        {"strata": lambda: compiled.run(feeds), "ort": lambda: session.run(None, feeds)},
        blocks=blocks,
        block_runs=block_runs,
        discard=1,
        warmup=warmup,
        min_block_s=args.min_block_s,
    )
    for engine in ("strata", "ort"):
        summary = common.latency_summary(times[engine])
        row[engine] = {
            **summary,
            "gflops": flops / summary["median_s"] / 1e9 if flops else None,
        }
    ratios = common.round_ratios(times["strata"], times["ort"])
    row["ratio"] = float(np.median(ratios))
    row["round_ratios"] = ratios
    directory = compiled.directory
    compiled.close()
    if not args.no_memory:
        runs = 3 if once < 1.0 else 1
        row["strata"]["run_peak_bytes"] = common.peak_run_memory(
            "strata", directory, inputs, threads, runs
        )
        row["ort"]["run_peak_bytes"] = common.peak_run_memory("ort", path, inputs, threads, runs)
    return row


def _ms(row: dict[str, Any], engine: str, key: str) -> str:
    return f"{row[engine][key] * 1e3:.2f}"


def _mib(value: int | None) -> str:
    return "-" if value is None else f"{value / MIB:.0f}"


def _gf(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


HEADER = (
    "| model | target | thr | Strata median ms | Strata p10 ms | ORT median ms | ORT p10 ms | "
    "Strata/ORT | Strata GFLOP/s | ORT GFLOP/s | compile s | compile peak MiB | "
    "Strata run MiB | ORT run MiB |"
)


def _target(row: dict[str, Any]) -> str:
    return str(row.get("target", "cpu"))


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a Markdown table, with a geometric-mean row per target and thread count."""
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    for r in rows:
        label = MODELS[r["model"]].label if r["model"] in MODELS else r["model"]
        head = f"| {label} | {_target(r)} | {r['threads']} |"
        if "error" in r:
            lines.append(f"{head} {r['error']} |")
            continue
        lines.append(
            f"{head} {_ms(r, 'strata', 'median_s')} | "
            f"{_ms(r, 'strata', 'p10_s')} | {_ms(r, 'ort', 'median_s')} | "
            f"{_ms(r, 'ort', 'p10_s')} | {r['ratio']:.2f} | {_gf(r['strata']['gflops'])} | "
            f"{_gf(r['ort']['gflops'])} | {r['compile_s']:.1f} | "
            f"{_mib(r['compile_peak_bytes'])} | {_mib(r['strata'].get('run_peak_bytes'))} | "
            f"{_mib(r['ort'].get('run_peak_bytes'))} |"
        )
    for (target, threads), g in geomeans(rows).items():
        lines.append(f"| geometric mean | {target} | {threads} | | | | | {g:.2f} | | | | | | |")
    return "\n".join(lines)


def geomeans(rows: list[dict[str, Any]]) -> dict[tuple[str, int], float]:
    """Geometric mean of the ratios per target and thread count, over the rows that were timed
    (targets in the order they first appear)."""
    groups: dict[tuple[str, int], list[float]] = {}
    for r in rows:
        if "ratio" in r:
            groups.setdefault((_target(r), int(r["threads"])), []).append(float(r["ratio"]))
    order = list(dict.fromkeys(_target(r) for r in rows))
    keys = sorted(groups, key=lambda k: (order.index(k[0]), k[1]))
    return {k: common.geomean(groups[k]) for k in keys}


def chart(rows: list[dict[str, Any]], path: Path, title: str) -> None:
    """Grouped bars of Strata/ORT per model and thread count, a line at 1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    timed = [r for r in rows if "ratio" in r]
    models = list(dict.fromkeys(r["model"] for r in timed))
    groups = list(dict.fromkeys((_target(r), int(r["threads"])) for r in timed))
    groups.sort(key=lambda g: (list(TARGETS).index(g[0]) if g[0] in TARGETS else 99, g[1]))
    width = 0.8 / max(1, len(groups))
    fig, ax = plt.subplots(figsize=(max(7.0, 0.5 * len(groups) * len(models) + 2), 4.5))
    for i, (target, t) in enumerate(groups):
        xs, ys = [], []
        for j, m in enumerate(models):
            for r in timed:
                if r["model"] == m and _target(r) == target and int(r["threads"]) == t:
                    xs.append(j + (i - (len(groups) - 1) / 2) * width)
                    ys.append(r["ratio"])
        shown = "" if target == "cpu" and len(groups) <= 2 else f"{TARGETS[target].label}, "
        bars = ax.bar(xs, ys, width, label=f"{shown}{t} thread{'s' if t > 1 else ''}")
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.axhline(1.0, color="black", linewidth=0.8)
    if max(r["ratio"] for r in timed) > 8:  # cxx's loops next to the library: a log axis
        ax.set_yscale("log")
    # short labels on two lines ("MLP 784-1024-1024-10" -> "MLP\n784-1024-1024-10")
    labels = [MODELS[m].label.split(",")[0].replace(" ", "\n", 1) for m in models]
    ax.set_xticks(range(len(models)), labels, fontsize=8)
    ax.set_ylabel("Strata / ONNX Runtime latency (lower is better)")
    ax.set_title("\n".join(textwrap.fill(line, 110) for line in title.split("\n")), fontsize=7)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = common.base_parser(__doc__, list(MODELS), DEFAULT)
    ap.set_defaults(threads=[1, 2])
    ap.add_argument("--chart", type=Path, help="draw the ratios as a PNG here")
    ap.add_argument("--block-runs", type=int, default=3, help="runs per block (first dropped)")
    ap.add_argument(
        "--min-block-s",
        type=float,
        default=0.25,
        help="keep running a block until it lasted this long (fast models get more samples)",
    )
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs of each engine first")
    ap.add_argument("--no-memory", action="store_true", help="skip the run-memory probes")
    ap.add_argument(
        "--targets",
        type=common.names_arg,
        default=["cpu"],
        help=f"Strata back ends to time, of: {', '.join(TARGETS)} (default cpu)",
    )
    ap.add_argument(
        "--max-target-s",
        type=float,
        default=120.0,
        help="a target slower than this per model (repeats x block-runs runs) gets fewer rounds",
    )
    ap.add_argument(
        "--progress",
        action="store_true",
        default=None,
        help="show compile progress even when stderr is not a terminal",
    )
    args = ap.parse_args(argv)
    try:
        names = common.select(args.models, MODELS)
        targets = common.select(args.targets, TARGETS, "target")
    except ValueError as e:
        ap.error(str(e))
    if args.repeats < 1 or args.block_runs < 2:
        ap.error("--repeats must be >= 1 and --block-runs >= 2")
    start = time.perf_counter()
    info = common.cpu_info()
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"machine: {common.describe_machine(info)}", flush=True)
    rows: list[dict[str, Any]] = []
    compiles: dict[tuple[str, str], Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-models-") as tmp:
        for name in names:
            t0 = time.perf_counter()
            data, inputs = build(name)
            path = Path(tmp) / f"{name}.onnx"
            path.write_bytes(data)
            import onnx

            count = count_flops(onnx.load(path), {k: v.shape for k, v in inputs.items()})
            print(
                f"{name}: exported in {time.perf_counter() - t0:.1f} s, "
                f"{count.total / 1e9:.3g} GFLOP per run"
                + (f" ({len(count.uncounted)} nodes without shapes)" if count.uncounted else ""),
                file=sys.stderr,
                flush=True,
            )
            for target in targets:
                counts = args.threads if TARGETS[target].threaded else [1]
                for threads in counts:
                    cache = Path(tmp) / "cache"
                    row = bench_one(
                        name, path, inputs, count.total, threads, args, cache, target, compiles
                    )
                    rows.append(row)
                    shown = f"ratio {row['ratio']:.2f}" if "ratio" in row else row["error"]
                    print(f"  {target}, {threads} thread(s): {shown}", file=sys.stderr, flush=True)
            path.unlink()
    duration = time.perf_counter() - start
    print(f"\n{date}; {common.describe_machine(info)}")
    print(table(rows))
    print(f"\nbenchmark took {duration / 60:.1f} min")
    if args.json:
        report = {
            "date": date,
            "machine": info,
            "versions": _versions(),
            "args": {
                "models": names,
                "targets": targets,
                "threads": args.threads,
                "repeats": args.repeats,
            },
            "duration_s": duration,
            "results": rows,
            "geomean": {f"{k[0]}/{k[1]}": g for k, g in geomeans(rows).items()},
        }
        args.json.write_text(json.dumps(report, indent=1))
    if args.chart:
        chart(rows, args.chart, f"Strata / ONNX Runtime, {date}\n{common.describe_machine(info)}")
    return 1 if any("error" in r for r in rows) else 0


def _versions() -> dict[str, str]:
    import onnxruntime
    import torch

    import strata

    return {
        "strata": strata.__version__,
        "onnxruntime": onnxruntime.__version__,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    sys.exit(main())
