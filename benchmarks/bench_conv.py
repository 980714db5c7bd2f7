"""Convolution micro-benchmark: every distinct conv layer of ResNet-50 and MobileNetV2.

    python benchmarks/bench_conv.py [--models resnet50,mobilenet_v2] [--threads 1]
                                    [--mcpu native] [--rounds 5] [--no-ort] [--json out.json]

The layers are read from the models themselves (test/pytest/models/zoo.py, exported to ONNX
as benchmarks/bench_models.py does): each Conv node's input shape (ONNX shape inference),
kernel, strides, pads, dilations and groups. Layers with the same shape are benchmarked once
and counted. Each distinct layer becomes a one-Conv ONNX model (random weights and bias) that
Strata compiles (`strata.compile(..., num_threads, mcpu)`, private cache) and ONNX Runtime
opens with as many threads; both results are checked against each other (rtol 1e-3,
atol 1e-4), then both are timed interleaved (benchmarks/common.py: warm-up, rounds of one
block per engine, each block's first run discarded). The table gives Strata's median time,
GFLOP/s (2 x MACs / median) and % of the measured single-core peak (the FMA-chain probe of
bench_matmul.py, times the thread count), the same for ONNX Runtime, the median per-round
ratio strata / onnxruntime (below 1: Strata faster), and the schedule's kind; the last line
weighs each layer by how often the model uses it (the convs' share of a model run).
The machines are shared and noisy: compare numbers from one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from bench_matmul import cpu_model, measure_peak

import strata
from strata.targets.cpu import machine as machine_mod

MODELS = ("resnet50", "mobilenet_v2")


@dataclass(frozen=True)
class ConvShape:
    """One conv layer: NCHW input, F output channels, a KH x KW kernel."""

    n: int
    c: int
    h: int
    w: int
    f: int
    kh: int
    kw: int
    strides: tuple[int, int]
    pads: tuple[int, int, int, int]
    dilations: tuple[int, int]
    group: int

    @property
    def out_hw(self) -> tuple[int, int]:
        (sh, sw), (dh, dw), p = self.strides, self.dilations, self.pads
        oh = (self.h + p[0] + p[2] - dh * (self.kh - 1) - 1) // sh + 1
        ow = (self.w + p[1] + p[3] - dw * (self.kw - 1) - 1) // sw + 1
        return oh, ow

    @property
    def flops(self) -> int:
        oh, ow = self.out_hw
        return 2 * self.n * self.f * oh * ow * (self.c // self.group) * self.kh * self.kw

    def label(self) -> str:
        kind = "dw" if self.group == self.c and self.group > 1 else f"g{self.group}"
        kind = "" if self.group == 1 else f" {kind}"
        s = f" s{self.strides[0]}" if self.strides != (1, 1) else ""
        return f"{self.c}x{self.h}x{self.w} -> {self.f}, {self.kh}x{self.kw}{s}{kind}"


def _attr(node: onnx.NodeProto, name: str, default: list[int]) -> list[int]:
    for a in node.attribute:
        if a.name == name:
            return list(a.ints) if a.ints else [int(a.i)]
    return default


def conv_layers(model: onnx.ModelProto) -> list[tuple[ConvShape, int]]:
    """The model's distinct Conv layers, in first-use order, with how often each occurs."""
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes: dict[str, list[int]] = {}
    for vi in [*inferred.graph.input, *inferred.graph.value_info, *inferred.graph.output]:
        dims = vi.type.tensor_type.shape.dim
        shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else -1 for d in dims]
    for init in inferred.graph.initializer:
        shapes[init.name] = list(init.dims)
    counts: dict[ConvShape, int] = {}
    for node in inferred.graph.node:
        if node.op_type != "Conv":
            continue
        x, w = shapes.get(node.input[0]), shapes.get(node.input[1])
        if x is None or w is None or len(x) != 4 or min(x) <= 0:
            continue
        if any(a.name == "auto_pad" and a.s not in (b"", b"NOTSET") for a in node.attribute):
            continue  # only explicit pads are reproduced
        pads = _attr(node, "pads", [0, 0, 0, 0])
        shape = ConvShape(
            n=x[0], c=x[1], h=x[2], w=x[3], f=w[0], kh=w[2], kw=w[3],
            strides=tuple(_attr(node, "strides", [1, 1])),  # type: ignore[arg-type]
            pads=tuple(pads),  # type: ignore[arg-type]
            dilations=tuple(_attr(node, "dilations", [1, 1])),  # type: ignore[arg-type]
            group=_attr(node, "group", [1])[0],
        )  # fmt: skip
        counts[shape] = counts.get(shape, 0) + 1
    return list(counts.items())


def conv_model(s: ConvShape) -> bytes:
    """A one-Conv model (with bias) of layer `s`, weights scaled so outputs stay ~N(0, 1)."""
    r = np.random.default_rng(0)
    fan_in = (s.c // s.group) * s.kh * s.kw
    w = (r.standard_normal((s.f, s.c // s.group, s.kh, s.kw)) / np.sqrt(fan_in)).astype(np.float32)
    b = r.standard_normal(s.f).astype(np.float32)
    oh, ow = s.out_hw
    node = helper.make_node(
        "Conv", ["x", "w", "b"], ["y"], kernel_shape=[s.kh, s.kw], strides=list(s.strides),
        pads=list(s.pads), dilations=list(s.dilations), group=s.group,
    )  # fmt: skip
    graph = helper.make_graph(
        [node],
        "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [s.n, s.c, s.h, s.w])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [s.n, s.f, oh, ow])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def bench_layer(
    s: ConvShape, args: argparse.Namespace, cache: Path, peak: float
) -> dict[str, object]:
    """Compile, check and time one layer (Strata interleaved with ONNX Runtime)."""
    data = conv_model(s)
    t0 = time.perf_counter()
    compiled = strata.compile(data, num_threads=args.threads, mcpu=args.mcpu, cache_dir=cache)
    compile_s = time.perf_counter() - t0
    feeds = {"x": np.random.default_rng(1).standard_normal((s.n, s.c, s.h, s.w), np.float32)}
    runners = {"strata": lambda: compiled.run(feeds)}
    if not args.no_ort:
        session = common.ort_session(data, args.threads)
        bad = common.check_close(compiled.run(feeds), session.run(None, feeds))
        if bad is not None:
            raise SystemExit(f"layer {s.label()}: Strata and ONNX Runtime differ: {bad}")
        runners["onnxruntime"] = lambda: session.run(None, feeds)
    times = common.interleave(
        runners, blocks=args.rounds, block_runs=args.block_runs, min_block_s=0.05
    )
    row: dict[str, object] = {"layer": s.label(), "compile_s": compile_s}
    for engine, blocks in times.items():
        med = common.latency_summary(blocks)["median_s"]
        row[f"{engine}_ms"] = med * 1e3
        row[f"{engine}_gflops"] = s.flops / med / 1e9
        row[f"{engine}_pct_peak"] = 100 * s.flops / med / 1e9 / (peak * args.threads)
    if "onnxruntime" in times:
        row["ratio"] = statistics.median(common.round_ratios(times["strata"], times["onnxruntime"]))
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--models", type=common.names_arg, default=list(MODELS))
    ap.add_argument("--mcpu", default="native", help="LLVM CPU name to compile for")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds per layer")
    ap.add_argument("--block-runs", type=int, default=4, help="runs per block (first discarded)")
    ap.add_argument("--no-ort", action="store_true", help="time Strata only")
    ap.add_argument("--json", type=Path, help="write the rows as JSON")
    args = ap.parse_args()
    common.select(args.models, MODELS)
    import bench_models

    target = machine_mod.describe(args.mcpu)
    print(f"CPU: {cpu_model()} (LLVM host CPU {machine_mod.host_cpu()})")
    print(f"target: -mcpu={args.mcpu}: {target.summary()}; threads {args.threads}")
    peak = measure_peak(target)
    print(f"measured peak of one core: {peak:.1f} GFLOP/s (FMA chains, {target.isa})")
    results: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory(prefix="strata-bench-cache-") as cache:
        for name in args.models:
            data, _ = bench_models.build(name)
            layers = conv_layers(onnx.load_from_string(data))
            print(f"\n{name}: {sum(n for _, n in layers)} conv layers, {len(layers)} distinct")
            print("| layer | count | Strata ms | GFLOP/s | % peak | ORT ms | GFLOP/s | % peak "
                  "| Strata/ORT |")  # fmt: skip
            print("|---|---|---|---|---|---|---|---|---|")
            rows = []
            for shape, count in layers:
                row = bench_layer(shape, args, Path(cache), peak)
                row |= {"count": count, "shape": asdict(shape), "gflop": shape.flops / 1e9}
                rows.append(row)
                ort = (
                    f"{row['onnxruntime_ms']:.3f} | {row['onnxruntime_gflops']:.1f} | "
                    f"{row['onnxruntime_pct_peak']:.1f} | {row['ratio']:.2f}"
                    if "ratio" in row
                    else "| | |"
                )
                print(f"| {row['layer']} | {count} | {row['strata_ms']:.3f} | "
                      f"{row['strata_gflops']:.1f} | {row['strata_pct_peak']:.1f} | {ort} |",
                      flush=True)  # fmt: skip
            total = {e: sum(float(r[f"{e}_ms"]) * int(r["count"]) for r in rows)  # type: ignore[arg-type]
                     for e in ("strata", "onnxruntime") if f"{e}_ms" in rows[0]}  # fmt: skip
            flop = sum(float(r["gflop"]) * int(r["count"]) for r in rows)  # type: ignore[arg-type]
            line = f"all convs of {name}, weighted by count: Strata {total['strata']:.2f} ms"
            line += f" ({flop / total['strata'] * 1e3:.1f} GFLOP/s)"
            if "onnxruntime" in total:
                line += (f", ORT {total['onnxruntime']:.2f} ms "
                         f"({flop / total['onnxruntime'] * 1e3:.1f} GFLOP/s), "
                         f"ratio {total['strata'] / total['onnxruntime']:.2f}")  # fmt: skip
            print(line)
            results[name] = rows
    if args.json:
        args.json.write_text(json.dumps({"peak_gflops": peak, "models": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
