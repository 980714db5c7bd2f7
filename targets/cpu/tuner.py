"""The `tuned` schedule's autotuner: the micro-kernel library's cache blocks, measured.

The `default` schedule derives each library call's cache blocks (`kc` x `nc`, ukernels.blocks)
from the machine's cache sizes. Which blocks are fastest also depends on the shape, the
operands' strides and the memory system, so `tuned` measures: for each distinct call (a
matrix product by its m, n, k and operand strides, a convolution by its channels, kernel,
output size, strides and dilations) it times the library on operands of that shape with
candidate blocks and keeps the fastest.

    tuner = Tuner(machine, isa, budget_s)
    blocks = tuner.choose([Problem("sgemm", (m, n, k, rsa, csa, rsb, csb)), ...])
    blocks[problem] -> (kc, nc)

Search, per problem, biggest first (by FLOPs), each given an equal share of what is left of
the budget: the default blocks, then kc over a ladder with the default nc, then nc over a
ladder with the best kc. A measurement is the fastest of several calls (the library's own
timer, `libstrata_kernel_bench`, built by CMake beside `strata._runtime`), so load on a
shared machine biases it less than a mean would. Results are kept on disk, one JSON file per
CPU (its LLVM name, ISA and cache sizes) under `$STRATA_TUNING_DIR` (default
`$STRATA_CACHE_DIR/tuning`, i.e. `~/.cache/strata/tuning`), keyed by the problem, so the next
compile of any model with the same shapes reuses them without measuring. A problem whose
share of the budget ran out before its search finished keeps the best blocks found but is
not stored. Tuning needs the host to run the target's instruction set (`--mcpu` for another
CPU cannot be measured here: those calls get the default blocks).

What is tuned today is the library's cache blocking only; register tiles are the library's
fixed ones, and choosing between the library and generated loops, im2col and direct
convolution, or layouts per shape is not searched yet.

Dependency contract: the standard library, `strata.cache` (the default directory),
`strata.targets.cpu.machine` and `.ukernels` (blocks, tiles, the library's location).
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from strata.errors import CompilationError
from strata.targets.cpu import ukernels
from strata.targets.cpu.machine import Machine

BENCH_LIBRARY = "libstrata_kernel_bench.so"
ISA_CODES = {"avx2": 0, "avx512": 1}
# Default budget of a `tuned` compile (--tune-seconds); a ResNet-50 has ~20 distinct calls.
DEFAULT_SECONDS = 120.0
# Each candidate is timed for about this long in all (the fastest of its calls counts).
SAMPLE_S = 0.02
MIN_REPS, MAX_REPS = 3, 50
KC_LADDER = (32, 64, 96, 128, 192, 256, 320, 384, 512, 768)
NC_PANELS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)  # nc = NR x this

# Where the tuner's progress goes (compiler.py points it at the compile's progress display)
# and the directory of its results when the compile names one (`configure`).
_report: Callable[[str], None] | None = None
_directory: Path | None = None


def set_report(fn: Callable[[str], None] | None) -> None:
    global _report
    _report = fn


def configure(report: Callable[[str], None] | None, directory: str | None) -> None:
    """Set (or, with None, None, reset) where progress goes and where results are kept
    (None: `tuning_dir()`). The compile worker serves many compiles: the parent resolves the
    directory from its own environment and passes it with each request."""
    global _directory
    set_report(report)
    _directory = Path(directory) if directory else None


def report(text: str) -> None:
    if _report is not None:
        _report(text)


@dataclass(frozen=True)
class Problem:
    """One distinct library call: "sgemm" with dims (m, n, k, rsa, csa, rsb, csb), or
    "conv2d" with (c, f, kh, kw, oh, ow, sh, sw, dh, dw)."""

    kind: str
    dims: tuple[int, ...]

    @property
    def key(self) -> str:
        return f"{self.kind}:{'x'.join(str(d) for d in self.dims)}"

    @property
    def mnk(self) -> tuple[int, int, int]:
        """The product's (rows, columns, reduction) as the library blocks it."""
        if self.kind == "sgemm":
            return self.dims[0], self.dims[1], self.dims[2]
        c, f, kh, kw, oh, ow = self.dims[:6]
        return f, oh * ow, c * kh * kw

    @property
    def flops(self) -> int:
        m, n, k = self.mnk
        return 2 * m * n * k

    def describe(self) -> str:
        m, n, k = self.mnk
        return f"{self.kind} {m}x{n}x{k}"


def tuning_dir(cache_dir: Path | None = None) -> Path:
    """$STRATA_TUNING_DIR, else `cache_dir`/tuning (default: the compile cache's)."""
    env = os.environ.get("STRATA_TUNING_DIR")
    if env:
        return Path(env).expanduser()
    from strata.cache import default_dir

    return (cache_dir if cache_dir is not None else default_dir()) / "tuning"


def cache_file(target: Machine, isa: str) -> Path:
    """The tuning results for CPU `target` running library variant `isa`."""
    where = _directory if _directory is not None else tuning_dir()
    return where / f"{target.name}-{isa}-l1d{target.l1d}-l2{target.l2}.json"


def load_results(path: Path) -> dict[str, dict[str, float]]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _store(path: Path, new: dict[str, dict[str, float]]) -> None:
    """Merge `new` into the file (re-read first: another compile may have written it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**load_results(path), **new}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tuning-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


class _Bench:
    """ctypes view of libstrata_kernel_bench."""

    def __init__(self) -> None:
        path = ukernels.archive().parent / BENCH_LIBRARY
        if not path.exists():
            raise CompilationError(f"the tuner's kernel timer {path} is missing (reinstall Strata)")
        lib = ctypes.CDLL(str(path))
        i64 = ctypes.c_int64
        self.sgemm = lib.strata_bench_sgemm
        self.sgemm.argtypes = [i64] * 12
        self.sgemm.restype = ctypes.c_double
        self.conv2d = lib.strata_bench_conv2d
        self.conv2d.argtypes = [i64] * 15
        self.conv2d.restype = ctypes.c_double

    def time(self, isa: str, p: Problem, kc: int, nc: int, reps: int) -> float:
        ws = ukernels.workspace_floats(isa, kc, nc)
        code = ISA_CODES[isa]
        if p.kind == "sgemm":
            s = self.sgemm(code, *p.dims, kc, nc, ws, reps)
        else:
            s = self.conv2d(code, *p.dims, kc, nc, ws, reps)
        if s < 0:
            raise CompilationError(f"the kernel timer failed on {p.describe()} (kc={kc}, nc={nc})")
        return float(s)


def candidates_kc(k: int, default: int) -> list[int]:
    """Reduction blocks worth trying for extent `k`: the ladder below k, k itself when it is
    small enough to be one block, the default; ascending, without repeats."""
    out = {default}
    out.update(kc for kc in KC_LADDER if kc < k)
    if k <= KC_LADDER[-1]:
        out.add(k)
    return sorted(out)


def candidates_nc(n: int, kc: int, nr: int, default: int, l2: int) -> list[int]:
    """Column blocks for `n` columns: NR-multiples up to all of n (rounded up to NR) whose
    kc x nc packed block fits in L2 (the default too)."""
    full = -(-n // nr) * nr
    out = {min(default, full)}
    out.update(min(nr * p, full) for p in NC_PANELS if nr * p <= full * 2 and kc * nr * p * 4 <= l2)
    return sorted(out)


class Tuner:
    """Choose the cache blocks of library calls on machine `target` (see the module text)."""

    def __init__(self, target: Machine, isa: str, budget_s: float, store: bool = True) -> None:
        self.target, self.isa, self.budget_s, self.store = target, isa, budget_s, store
        self.path = cache_file(target, isa)
        self.measured = 0  # problems measured (not found on disk) by the last choose()

    def default(self, p: Problem) -> tuple[int, int]:
        _, n, k = p.mnk
        return ukernels.blocks(self.isa, self.target, k, n)

    def choose(self, problems: Sequence[Problem]) -> dict[Problem, tuple[int, int]]:
        known = load_results(self.path)
        todo = sorted({p for p in problems if p.key not in known}, key=lambda p: (-p.flops, p.key))
        out: dict[Problem, tuple[int, int]] = {}
        for p in problems:
            if p.key in known:
                hit = known[p.key]
                out[p] = (int(hit["kc"]), int(hit["nc"]))
        if not todo:
            return out
        bench = _Bench()
        t_end = time.perf_counter() + self.budget_s
        found: dict[str, dict[str, float]] = {}
        for i, p in enumerate(todo):
            left = t_end - time.perf_counter()
            if left <= 0:
                for q in todo[i:]:
                    out[q] = self.default(q)
                self._say(f"tuning: budget spent, {len(todo) - i} shapes keep default blocks")
                break
            share = left / (len(todo) - i)
            best, complete = self._search(bench, p, time.perf_counter() + share)
            out[p] = (int(best["kc"]), int(best["nc"]))
            self.measured += 1
            if complete:
                found[p.key] = best
            self._say(
                f"tuning [{i + 1}/{len(todo)}] {p.describe()}: kc={out[p][0]} nc={out[p][1]}, "
                f"{p.flops / best['seconds'] / 1e9:.1f} GFLOP/s "
                f"({best['default_seconds'] / best['seconds']:.2f}x default), "
                f"{max(0.0, t_end - time.perf_counter()):.0f} s left"
            )
        if found and self.store:
            _store(self.path, found)
        return out

    def _search(self, bench: _Bench, p: Problem, deadline: float) -> tuple[dict[str, float], bool]:
        """The best blocks found for `p` before `deadline`, and whether the search finished."""
        nr = ukernels.TILES[self.isa][1]
        _, n, k = p.mnk
        kc0, nc0 = self.default(p)
        once = bench.time(self.isa, p, kc0, nc0, 1)
        reps = max(MIN_REPS, min(MAX_REPS, math.ceil(SAMPLE_S / max(once, 1e-7))))
        seen: dict[tuple[int, int], float] = {}

        def measure(kc: int, nc: int) -> float:
            if (kc, nc) not in seen:
                seen[(kc, nc)] = bench.time(self.isa, p, kc, nc, reps)
            return seen[(kc, nc)]

        t0 = measure(kc0, nc0)
        best = (kc0, nc0)
        complete = True
        for kc in candidates_kc(k, kc0):
            if time.perf_counter() > deadline:
                complete = False
                break
            if measure(kc, best[1]) < seen[best]:
                best = (kc, best[1])
        for nc in candidates_nc(n, best[0], nr, nc0, self.target.l2):
            if not complete or time.perf_counter() > deadline:
                complete = False
                break
            if measure(best[0], nc) < seen[best]:
                best = (best[0], nc)
        result = {
            "kc": best[0],
            "nc": best[1],
            "seconds": seen[best],
            "default_seconds": t0,
            "candidates": len(seen),
        }
        return result, complete

    def _say(self, text: str) -> None:
        report(text)
