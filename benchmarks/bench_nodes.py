"""Where a model's time goes, kernel by kernel, in Strata and in ONNX Runtime side by side.

    python benchmarks/bench_nodes.py [--models mobilenet_v2,resnet50] [--threads 1,2]
                                     [--repeats 10] [--top 30] [--json out.json]

Strata's side is `CompiledModel.profile` (each kernel: one fused op group, with the ONNX nodes
it computes); ONNX Runtime's is its own per-node profiler (SessionOptions.enable_profiling),
on the graph it runs after its optimisations (fused Conv+Clip, NCHWc convolutions, layout
reorders). Each ORT node is mapped back to the model's nodes through the tensors it writes
(a fused node writes its last original node's output; an NCHWc node's output name carries a
`_nchwc` suffix), and is counted against the Strata kernel that computes that node. The table
lists kernels by how much slower Strata is on them (Strata - ORT, microseconds per run); ORT
nodes that match no kernel (its layout reorders) are summed on a line of their own.

Strata's times are the mean of the faster half of `--repeats` runs, ORT's the median of
as many, measured under their profilers (which add
a little per kernel), in one process; the machines are noisy, so read the large gaps, not
the last microsecond. The bench_models table is the speed measure; this says where to look.
Needs the test extra (torch, transformers, onnxruntime).
"""

from __future__ import annotations

import collections
import json
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

NCHWC_SUFFIX = "_nchwc"


@dataclass
class Row:
    kernel: str  # Strata's kernel (short name), or "" for ORT nodes no kernel computes
    ops: str  # the kernel's nn ops, joined with +
    nodes: list[str]  # the ONNX nodes it computes
    strata_us: float
    ort_us: float
    ort_nodes: list[str]  # the ORT nodes counted against it (optimised graph names)

    @property
    def diff_us(self) -> float:
        return self.strata_us - self.ort_us


def ort_node_times(
    model: bytes, inputs: Mapping[str, np.ndarray], threads: int, runs: int
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """ORT's per-node kernel time (microseconds per run, median over `runs` after a few
    warm-up runs) on its optimised graph, and for each of those nodes the model's own nodes
    it computes (possibly none: a layout reorder)."""
    import onnx
    import onnxruntime as ort

    original = onnx.load_from_string(model)
    producer = {out: node.name for node in original.graph.node for out in node.output}
    with tempfile.TemporaryDirectory() as tmp:
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.enable_profiling = True
        so.profile_file_prefix = str(Path(tmp) / "ort")
        so.optimized_model_filepath = str(Path(tmp) / "optimized.onnx")
        so.log_severity_level = 3  # its warning about saving an NCHWc graph is expected
        session = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
        warmup = 3
        for _ in range(warmup + runs):
            session.run(None, dict(inputs))
        events = json.loads(Path(session.end_profiling()).read_text())
        optimized = onnx.load(str(Path(tmp) / "optimized.onnx"))
    originals = set(producer.values())
    outputs = {node.name: list(node.output) for node in optimized.graph.node}

    def covered(name: str) -> list[str]:
        # a node of its own, or one named after the tensor it writes (ORT's NCHWc nodes)
        names = [name] if name in originals else []
        for out in [name, *outputs.get(name, [])]:
            base = out.removesuffix(NCHWC_SUFFIX)
            if base in producer and producer[base] not in names:
                names.append(producer[base])
        return names

    samples: dict[str, list[float]] = collections.defaultdict(list)
    for e in events:
        if e.get("cat") == "Node" and e.get("name", "").endswith("_kernel_time"):
            samples[e["name"].removesuffix("_kernel_time")].append(float(e["dur"]))
    # the first runs of each node are the session's warm-up
    times = {n: float(np.median(v[warmup:] if len(v) > warmup else v)) for n, v in samples.items()}
    return times, {n: covered(n) for n in times}


def compare(
    kernels: list[Any], ort_times: Mapping[str, float], ort_covers: Mapping[str, list[str]]
) -> list[Row]:
    """One row per Strata kernel (`strata.profile.KernelProfile`s) with the ORT nodes that
    compute any of its ONNX nodes, plus one row of the ORT nodes that match none; sorted
    by Strata - ORT, largest first."""
    owner: dict[str, int] = {}
    for i, k in enumerate(kernels):
        for node in k.nodes:
            owner.setdefault(node, i)
    rows = [
        Row(k.short_name, "+".join(k.ops), list(k.nodes), k.seconds * 1e6, 0.0, []) for k in kernels
    ]
    rest = Row("", "", [], 0.0, 0.0, [])
    for name, us in ort_times.items():
        hits = [owner[n] for n in ort_covers.get(name, []) if n in owner]
        row = rows[hits[0]] if hits else rest
        row.ort_us += us
        row.ort_nodes.append(name)
    out = sorted(rows, key=lambda r: -r.diff_us)
    return [*out, rest] if rest.ort_nodes else out


def table(rows: list[Row], top: int | None = 30) -> str:
    strata_total = sum(r.strata_us for r in rows)
    ort_total = sum(r.ort_us for r in rows)
    lines = [
        f"kernel time per run: Strata {strata_total / 1e3:.2f} ms, ORT {ort_total / 1e3:.2f} ms",
        f"{'kernel':<10} {'ops':<22} {'Strata us':>10} {'ORT us':>9} {'diff':>9} {'ratio':>6}"
        "  first ONNX node",
    ]
    kernels = [r for r in rows if r.kernel]
    for r in kernels[:top] if top is not None else kernels:
        ratio = f"{r.strata_us / r.ort_us:6.2f}" if r.ort_us > 0 else "     -"
        lines.append(
            f"{r.kernel:<10} {r.ops[:22]:<22} {r.strata_us:10.0f} {r.ort_us:9.0f} "
            f"{r.diff_us:9.0f} {ratio}  {r.nodes[0] if r.nodes else ''}"
        )
    for r in rows:
        if not r.kernel:
            lines.append(
                f"ORT nodes no Strata kernel computes ({len(r.ort_nodes)}): {r.ort_us:.0f} us"
            )
    if top is not None and len(kernels) > top:
        lines.append(f"... {len(kernels) - top} more kernels")
    return "\n".join(lines)


def run_model(model: bytes, inputs: dict[str, np.ndarray], threads: int, runs: int) -> list[Row]:
    import strata

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        path.write_bytes(model)
        compiled = strata.compile(
            path, num_threads=threads, cache_dir=Path(tmp) / "cache", progress=False
        )
        profile = compiled.profile(inputs, repeats=runs)
    times, covers = ort_node_times(model, inputs, threads, runs)
    return compare(profile.kernels, times, covers)


def main(argv: list[str] | None = None) -> int:
    import bench_models

    parser = common.base_parser(__doc__, list(bench_models.MODELS), "mobilenet_v2")
    parser.add_argument("--top", type=int, default=30, help="kernels listed per model")
    args = parser.parse_args(argv)
    print(common.describe_machine(common.cpu_info()))
    out: dict[str, Any] = {}
    for name in common.select(args.models, bench_models.MODELS):
        model, inputs = bench_models.build(name)
        for threads in args.threads:
            rows = run_model(model, inputs, threads, args.repeats)
            print(f"\n{name}, {threads} thread(s)")
            print(table(rows, args.top))
            out[f"{name}/{threads}"] = [asdict(r) | {"diff_us": r.diff_us} for r in rows]
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
