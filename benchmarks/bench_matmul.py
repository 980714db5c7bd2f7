"""Matmul micro-benchmark against the measured peak of one core.

    python benchmarks/bench_matmul.py [--mcpu native|haswell|...] [--threads 1]
                                      [--shapes 512x512x512,...] [--repeats 20] [--ort]

1. Machine probe: the practical f32 peak of one core, measured with a compiled FMA-chain
   kernel (LLVM IR: `chains` independent vector accumulators, each updated by one FMA per
   loop trip, compiled by the same llc with the same `-mcpu` as the models), best over a few
   chain counts and runs. This is what % of peak below refers to: it differs by machine and by
   ISA (compiling for `--mcpu haswell` on an AVX-512 host measures the AVX2 peak).
2. Each shape M x K x N is a one-MatMul ONNX model (A: input [M, K], B: a constant weight
   [K, N]) compiled by `strata.compile(..., mcpu=...)` into a private cache; the table gives
   the median time of `--repeats` runs after warm-up, GFLOP/s (2 M N K / t) of the median
   and of the best run, and the best run's % of peak (on a shared machine the best run is
   the one least disturbed by other processes).
   With `--ort`, ONNX Runtime runs the same model interleaved (A B A B ...), same thread
   count, and the median per-pair ratio strata / onnxruntime is printed (below 1: Strata
   faster).

The CPU model and the target's ISA, register file and caches (strata.targets.cpu.machine) are
printed above the table. The machines are shared and noisy: compare numbers from one run.
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.targets.cpu import machine as machine_mod
from strata.targets.cpu import schedules, toolchain

DEFAULT_SHAPES = "512x512x512,1024x1024x1024,128x768x768,128x768x3072,128x3072x768"


# ---- the peak probe ---------------------------------------------------------------------------


def _fma_chain_ir(lanes: int, chains: int) -> str:
    """`float peak(i64 n, float x)`: n trips of `chains` independent vector FMAs."""
    vt = f"<{lanes} x float>"
    fma = f"@llvm.fma.v{lanes}f32"
    lines = [
        f"declare {vt} {fma}({vt}, {vt}, {vt})",
        "define float @peak(i64 %n, float %x) {",
        "entry:",
        f"  %x0 = insertelement {vt} poison, float %x, i64 0",
        f"  %b = shufflevector {vt} %x0, {vt} poison, <{lanes} x i32> zeroinitializer",
        "  br label %loop",
        "loop:",
        "  %i = phi i64 [0, %entry], [%i1, %loop]",
    ]
    lines += [f"  %a{c} = phi {vt} [%b, %entry], [%n{c}, %loop]" for c in range(chains)]
    lines += [f"  %n{c} = call {vt} {fma}({vt} %a{c}, {vt} %b, {vt} %b)" for c in range(chains)]
    lines += [
        "  %i1 = add i64 %i, 1",
        "  %more = icmp ult i64 %i1, %n",
        "  br i1 %more, label %loop, label %exit",
        "exit:",
    ]
    acc = "%n0"
    for c in range(1, chains):
        lines.append(f"  %s{c} = fadd {vt} {acc}, %n{c}")
        acc = f"%s{c}"
    lines += [f"  %r = extractelement {vt} {acc}, i64 0", "  ret float %r", "}"]
    return "\n".join(lines) + "\n"


def measure_peak(m: machine_mod.Machine, seconds: float = 1.0) -> float:
    """Practical single-core f32 peak in GFLOP/s of machine `m` (best over chain counts)."""
    best = 0.0
    with tempfile.TemporaryDirectory(prefix="strata-peak-") as tmp_s:
        tmp = Path(tmp_s)
        for chains in sorted({8, 12, m.vector_registers - 2}):
            ll, obj, so = tmp / f"p{chains}.ll", tmp / f"p{chains}.o", tmp / f"p{chains}.so"
            ll.write_text(_fma_chain_ir(m.vector_lanes, chains))
            subprocess.run(
                [toolchain.llvm_bin("llc"), "-O3", f"-mtriple={toolchain.TRIPLE}",
                 f"-mcpu={m.mcpu}", "-filetype=obj", "-relocation-model=pic", str(ll),
                 "-o", str(obj)],
                check=True,
            )  # fmt: skip
            subprocess.run([toolchain.c_compiler(), "-shared", "-o", str(so), str(obj)],
                           check=True)  # fmt: skip
            fn = ctypes.CDLL(str(so)).peak
            fn.argtypes, fn.restype = [ctypes.c_int64, ctypes.c_float], ctypes.c_float
            flops_per_trip = 2 * chains * m.vector_lanes
            trips = 1 << 12
            while True:  # grow the trip count until one call takes ~seconds / 200
                t = time.perf_counter()
                fn(trips, 0.999)
                dt = time.perf_counter() - t
                if dt > seconds / 200:
                    break
                trips *= 2
            for _ in range(200):  # short calls, best of many: some run without preemption
                t = time.perf_counter()
                fn(trips, 0.999)
                dt = time.perf_counter() - t
                best = max(best, flops_per_trip * trips / dt / 1e9)
    return best


# ---- the matmul benchmark ----------------------------------------------------------------------


def matmul_model(m: int, k: int, n: int) -> bytes:
    rng = np.random.default_rng(0)
    b = rng.standard_normal((k, n)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"])],
        f"matmul_{m}x{k}x{n}",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _time(fn: Callable[[dict[str, np.ndarray]], object], x: dict[str, np.ndarray]) -> float:
    t = time.perf_counter()
    fn(x)
    return time.perf_counter() - t


def bench_shape(shape: tuple[int, int, int], args: argparse.Namespace, cache: Path,
                peak: float) -> str:  # fmt: skip
    m, k, n = shape
    data = matmul_model(m, k, n)
    t0 = time.perf_counter()
    compiled = strata.compile(data, num_threads=args.threads, mcpu=args.mcpu, cache_dir=cache)
    compile_s = time.perf_counter() - t0
    x = {"a": np.random.default_rng(1).standard_normal((m, k)).astype(np.float32)}
    ours = compiled.run
    session = None
    if args.ort:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = args.threads
        session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
        want = session.run(None, x)[0]
        np.testing.assert_allclose(ours(x)[0], want, rtol=1e-3, atol=1e-3)
    for _ in range(3):  # warm up
        ours(x)
        if session is not None:
            session.run(None, x)
    times, theirs = [], []
    for _ in range(args.repeats):
        times.append(_time(ours, x))
        if session is not None:
            theirs.append(_time(lambda v: session.run(None, v), x))
    flop = 2 * m * n * k / 1e9
    med, best = flop / statistics.median(times), flop / min(times)
    line = (f"{m:5d} x {k:5d} x {n:5d}  {statistics.median(times) * 1e3:8.3f} ms  "
            f"{med:6.1f} {best:6.1f} {100 * best / peak:5.1f} %  {compile_s:5.1f} s")  # fmt: skip
    if theirs:
        ratio = statistics.median(a / b for a, b in zip(times, theirs, strict=True))
        ort_med, ort_best = flop / statistics.median(theirs), flop / min(theirs)
        line += f"  | {ort_med:6.1f} {ort_best:6.1f} {100 * ort_best / peak:5.1f} %  {ratio:5.2f}"
    return line


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mcpu", default="native", help="LLVM CPU name to compile for")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--shapes", default=DEFAULT_SHAPES, help="comma-separated MxKxN")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--ort", action="store_true", help="interleave ONNX Runtime")
    args = ap.parse_args()
    target = machine_mod.describe(args.mcpu)
    print(f"CPU: {cpu_model()} (LLVM host CPU {machine_mod.host_cpu()})")
    print(f"target: -mcpu={args.mcpu}: {target.summary()}")
    tile = schedules.TileParams.for_machine(target)
    print(f"register tile: at most {tile.mr} x {tile.nr} (rows: the largest divisor of M from "
          f"{(tile.mr + 1) // 2} to {tile.mr}, else {tile.mr}), kr {tile.kr}; "
          f"threads {args.threads}")  # fmt: skip
    peak = measure_peak(target)
    print(f"measured peak of one core: {peak:.1f} GFLOP/s (FMA chains, {target.isa})")
    header = "    M x     K x     N    median   GFLOP/s (median best) %peak  compile"
    if args.ort:
        header += "  | onnxruntime GFLOP/s (median best) %peak  ratio"
    print(header)
    with tempfile.TemporaryDirectory(prefix="strata-bench-cache-") as cache:
        for s in args.shapes.split(","):
            m, k, n = (int(d) for d in s.split("x"))
            print(bench_shape((m, k, n), args, Path(cache), peak), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
