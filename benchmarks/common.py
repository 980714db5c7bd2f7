"""Shared parts of the benchmarks: argument parsing, interleaved timing and its statistics,
ONNX export of the reference models, the machine's description and memory probes.

Timing protocol (`interleave`): every engine first runs `warmup` times; then `blocks` rounds,
each running every engine in turn for `block_runs` consecutive runs (A A A B B B A A A ...),
or more until the block has lasted `min_block_s` (so that fast models get enough samples), of
which the first `discard` of each block are dropped (they pay for the switch: cold caches,
thread pools still spinning or asleep). A round's ratio pairs the two engines' block
medians; the reported ratio is the median of those per-round ratios, so slow drifts of a
shared machine cancel.

Peak run memory (`peak_run_memory`): a fresh interpreter imports the engine, resets its peak
RSS (Linux: `5 > /proc/self/clear_refs`), loads the model (a Strata artifact directory or an
ONNX file for ONNX Runtime) and runs it; reported is that peak (VmHWM) minus the resident
memory at the reset, i.e. what loading and running the model cost beyond the interpreter.

Dependency contract: numpy and the standard library at import; torch, onnxruntime, strata and
test/pytest/models/zoo.py only inside the functions that need them.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "test" / "pytest" / "models"

# ISA features worth printing beside a CPU benchmark (names as in /proc/cpuinfo)
ISA_FLAGS = (
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "f16c",
    "avx_vnni",
    "avx512f",
    "avx512dq",
    "avx512bw",
    "avx512vl",
    "avx512_vnni",
    "avx512_bf16",
    "avx512_fp16",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
)

# ---- arguments -------------------------------------------------------------------------------


def names_arg(text: str) -> list[str]:
    """'a,b, c' -> ['a', 'b', 'c'] (empty items dropped)."""
    return [t.strip() for t in text.split(",") if t.strip()]


def threads_arg(text: str) -> list[int]:
    """'1,2' -> [1, 2]; every count a positive integer (argparse type=)."""
    try:
        counts = [int(t) for t in names_arg(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got '{text}'"
        ) from None
    if not counts or any(c < 1 for c in counts):
        raise argparse.ArgumentTypeError(f"thread counts must be positive, got '{text}'")
    return counts


def select(names: Sequence[str], known: Iterable[str], what: str = "model") -> list[str]:
    """`names` in order, each checked against `known` (ValueError naming the unknown ones)."""
    known = list(known)
    bad = [n for n in names if n not in known]
    if bad:
        raise ValueError(f"unknown {what}(s) {', '.join(bad)}; known: {', '.join(known)}")
    return list(dict.fromkeys(names))


def base_parser(doc: str | None, models: Sequence[str], default: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--models", type=names_arg, default=names_arg(default), help=f"of: {', '.join(models)}"
    )
    ap.add_argument("--threads", type=threads_arg, default=[1], help="e.g. 1,2")
    ap.add_argument("--repeats", type=int, default=10, help="timed rounds per model")
    ap.add_argument("--json", type=Path, help="write the results here")
    return ap


# ---- timing ----------------------------------------------------------------------------------


def interleave(
    runners: Mapping[str, Callable[[], object]],
    *,
    blocks: int,
    block_runs: int = 3,
    discard: int = 1,
    warmup: int = 2,
    min_block_s: float = 0.0,
    max_block_runs: int = 1000,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[list[float]]]:
    """Times of each engine: one list per block of the kept runs (see the module doc)."""
    if block_runs <= discard:
        raise ValueError(f"block_runs ({block_runs}) must exceed discard ({discard})")
    for run in runners.values():
        for _ in range(warmup):
            run()
    times: dict[str, list[list[float]]] = {name: [] for name in runners}
    for _ in range(blocks):
        for name, run in runners.items():
            block: list[float] = []
            while len(block) < block_runs or (
                sum(block) < min_block_s and len(block) < max_block_runs
            ):
                t = clock()
                run()
                block.append(clock() - t)
            times[name].append(block[discard:])
    return times


def round_ratios(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> list[float]:
    """median(a's block i) / median(b's block i) for each round i."""
    if len(a) != len(b):
        raise ValueError(f"{len(a)} blocks against {len(b)}")
    return [statistics.median(x) / statistics.median(y) for x, y in zip(a, b, strict=True)]


def percentile(xs: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between order statistics."""
    if not xs:
        raise ValueError("percentile of no values")
    return float(np.percentile(np.asarray(xs, dtype=np.float64), q))


def latency_summary(blocks: Sequence[Sequence[float]]) -> dict[str, float]:
    flat = [t for b in blocks for t in b]
    return {"median_s": statistics.median(flat), "p10_s": percentile(flat, 10), "n": len(flat)}


def geomean(xs: Sequence[float]) -> float:
    if not xs or any(x <= 0 for x in xs):
        raise ValueError("geometric mean needs positive values")
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def check_close(
    got: Sequence[np.ndarray], want: Sequence[np.ndarray], rtol: float = 1e-3, atol: float = 1e-4
) -> str | None:
    """None when every output matches (numpy's allclose rule), else what differs."""
    if len(got) != len(want):
        return f"{len(got)} outputs, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape:
            return f"output {i}: shape {g.shape}, expected {w.shape}"
        if not np.allclose(g, w, rtol=rtol, atol=atol):
            err = np.abs(g.astype(np.float64) - w.astype(np.float64))
            bad = int((err > atol + rtol * np.abs(w.astype(np.float64))).sum())
            return f"output {i}: {bad} of {w.size} elements differ, max abs error {err.max():.3g}"
    return None


# ---- models ----------------------------------------------------------------------------------


def zoo() -> Any:
    """test/pytest/models/zoo.py, the reference model definitions."""
    if str(MODELS_DIR) not in sys.path:
        sys.path.insert(0, str(MODELS_DIR))
    import zoo as module

    return module


def export(
    build: Callable[[], Any],
    inputs: Mapping[str, np.ndarray],
    *,
    axes: Mapping[str, Mapping[int, str]] | None = None,
    opset: int = 17,
    dynamo: bool = False,
    seed: int = 0,
) -> bytes:
    """ONNX bytes of `build()` (random weights from `seed`, eval mode) traced on `inputs`.

    `dynamo=True` is PyTorch's torch.export-based exporter (zoo.export, no dynamic axes);
    otherwise the TorchScript exporter, with `axes` as its dynamic_axes."""
    import torch

    if dynamo:
        if axes:
            raise ValueError("dynamic axes are only supported with the TorchScript exporter")
        return bytes(zoo().export(build, dict(inputs), seed=seed, opset=opset, dynamo=True))
    torch.manual_seed(seed)
    model = build().eval()
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            model,
            tuple(torch.from_numpy(v) for v in inputs.values()),
            buf,
            input_names=list(inputs),
            dynamic_axes={k: dict(v) for k, v in (axes or {}).items()} or None,
            opset_version=opset,
            dynamo=False,
        )
    return buf.getvalue()


def ort_session(model: bytes | str, threads: int) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


def gomp_threads(count: int) -> None:
    """Set GNU OpenMP's thread count for the parallel regions the calling thread starts next
    (oneDNN's in libodla_dnnl; it reads OMP_NUM_THREADS only once, at start-up). The other
    engines are untouched: ONNX Runtime has its own pool, Strata's cpu target links libiomp5."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("gomp") or "libgomp.so.1"
    ctypes.CDLL(name).omp_set_num_threads(ctypes.c_int(count))


# ---- the machine -----------------------------------------------------------------------------


def cpu_info(cpuinfo: str | None = None) -> dict[str, Any]:
    """CPU model name, logical CPU count and the ISA_FLAGS present (from /proc/cpuinfo text)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    model: str | None = None
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model is None:
            model = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = set(value.split())
    return {
        "model": model or platform.processor() or platform.machine(),
        "cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "isa": [f for f in ISA_FLAGS if f in flags],
    }


def describe_machine(info: Mapping[str, Any]) -> str:
    return f"{info['model']}, {info['cpus']} CPUs, ISA: {' '.join(info['isa']) or 'unknown'}"


# ---- memory ----------------------------------------------------------------------------------


def peak_run_memory(
    engine: str, model: Path, inputs: Mapping[str, np.ndarray], threads: int, runs: int = 3
) -> int:
    """Bytes of peak resident memory that loading `model` and running it `runs` times adds to
    a fresh interpreter (engine 'strata': an artifact directory; 'ort': an ONNX file)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
        npz = Path(tmp) / "inputs.npz"
        np.savez(npz, **inputs)  # type: ignore[arg-type]
        args = [str(threads), str(runs)]
        proc = subprocess.run(
            [sys.executable, __file__, "--probe", engine, str(model), str(npz), *args],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"memory probe of {engine} failed:\n{proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return int(result["peak"]) - int(result["baseline"])


def _status_bytes(field: str) -> int:
    """A `VmRSS` / `VmHWM` line of /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> int:
    """Reset this process's peak RSS; returns the resident bytes now."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_bytes("VmRSS")


def _probe(engine: str, model: str, npz: str, threads: int, runs: int) -> None:
    with np.load(npz) as f:
        inputs = {k: f[k] for k in f.files}
    if engine == "strata":
        import strata

        baseline = _reset_peak()
        compiled = strata.load(model)
        for _ in range(runs):
            compiled.run(inputs)
    elif engine == "ort":
        import onnxruntime  # noqa: F401  (its import is not part of the measure)

        baseline = _reset_peak()
        session = ort_session(model, threads)
        for _ in range(runs):
            session.run(None, inputs)
    else:
        raise SystemExit(f"unknown engine '{engine}'")
    print(json.dumps({"baseline": baseline, "peak": _status_bytes("VmHWM")}))


if __name__ == "__main__" and len(sys.argv) == 7 and sys.argv[1] == "--probe":
    _probe(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
