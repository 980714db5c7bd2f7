"""Profiles of compiled models: per-kernel time, FLOPs, GFLOP/s, % of peak, schedule, nodes.

`CompiledModel.profile(inputs)` (and `stratac --profile`) runs a *profiling build* (compile
option `profile=True`, targets/cpu/profiling.py): every kernel of the generated code is
bracketed by timers, and `NAME.json` holds the kernel table (`extra["profile"]`). `measure`
resets the counters, runs the model, reads them back through ctypes and returns a `Profile`:
`.table()` is text sorted by time, `.to_html(path)` a self-contained report with a roofline
chart (inline SVG; each point's tooltip names the kernel).

The peak that "% of peak" is relative to comes from `measure_peak`: a small FMA-throughput
probe (C, built with the system compiler for the host's vector ISA) times the cores the model
runs on, and a memory-copy bandwidth (numpy) for the roofline's sloped roof. It is a simple
stand-in, kept in one function so a fuller machine probe can replace it.

Dependency contract: numpy, the standard library, `strata.errors`, `strata.dtypes`,
`strata.frontends.base` (TensorInfo) and `strata.targets.cpu.toolchain` (the C compiler).
"""

from __future__ import annotations

import ctypes
import functools
import html
import math
import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from strata import dtypes
from strata.errors import StrataError

if TYPE_CHECKING:
    from strata.api import CompiledModel
    from strata.frontends.base import TensorInfo


# ---- the peak ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peak:
    """What "% of peak" and the roofline are measured against."""

    gflops: float  # floating-point throughput of the cores the model runs on
    gbps: float  # memory bandwidth (GB/s)
    cores: int
    how: str  # how it was measured

    def describe(self) -> str:
        return (
            f"peak {self.gflops:.1f} GFLOP/s, {self.gbps:.1f} GB/s ({self.how}; "
            f"{self.cores} core(s))"
        )


_PROBE_C = r"""
#include <stdint.h>
#if defined(__AVX512F__)
#define VBYTES 64
#define NACC 16
#elif defined(__AVX__)
#define VBYTES 32
#define NACC 10
#else
#define VBYTES 16
#define NACC 8
#endif
typedef float vf __attribute__((vector_size(VBYTES)));

int strata_probe_lanes(void) { return VBYTES / 4; }
int strata_probe_chains(void) { return NACC; }

/* NACC independent FMA chains of full vectors: 2 * NACC * lanes flops per iteration. */
float strata_probe_fma(int64_t iters) {
  vf acc[NACC];
  vf m, a;
  for (int j = 0; j < VBYTES / 4; ++j) { m[j] = 0.999999f; a[j] = 1e-6f; }
  for (int i = 0; i < NACC; ++i) acc[i] = m * (float)(i + 1);
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < NACC; ++i) acc[i] = acc[i] * m + a;
  }
  vf s = acc[0];
  for (int i = 1; i < NACC; ++i) s += acc[i];
  float r = 0;
  for (int j = 0; j < VBYTES / 4; ++j) r += s[j];
  return r;
}
"""


def _fma_probe() -> tuple[float, str]:
    """FLOP/s of one core on dependent-free vector FMAs, and what was measured."""
    from strata.targets.cpu import toolchain

    with tempfile.TemporaryDirectory(prefix="strata-peak-") as tmp:
        src, lib = Path(tmp) / "probe.c", Path(tmp) / "probe.so"
        src.write_text(_PROBE_C)
        cmd = [toolchain.c_compiler(), "-O3", "-march=native", "-ffp-contract=fast", "-fPIC",
               "-shared", str(src), "-o", str(lib)]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise StrataError(f"building the peak probe failed: {proc.stderr[-2000:]}")
        probe = ctypes.CDLL(str(lib))
    probe.strata_probe_fma.argtypes = [ctypes.c_int64]
    probe.strata_probe_fma.restype = ctypes.c_float
    lanes, chains = int(probe.strata_probe_lanes()), int(probe.strata_probe_chains())
    per_iter = 2 * lanes * chains
    iters = 1 << 12
    while True:  # grow to ~2 ms a call
        t0 = time.perf_counter()
        probe.strata_probe_fma(iters)
        dt = time.perf_counter() - t0
        if dt > 0.002 or iters > 1 << 30:
            break
        iters *= 2
    # many short tries, the best one: on a shared machine most tries lose time to others
    best = min(_timed(lambda: probe.strata_probe_fma(iters)) for _ in range(100))
    return per_iter * iters / best, f"FMA probe, {lanes}-lane f32 vectors"


def _bandwidth() -> float:
    """Bytes/s of a large numpy copy (read + write), best of a few."""
    n = 16 << 20  # 64 MiB of f32: beyond the caches
    src = np.ones(n, dtype=np.float32)
    dst = np.ones_like(src)
    best = min(_timed(lambda: np.copyto(dst, src)) for _ in range(8))
    return 2 * src.nbytes / best


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


@functools.cache
def _per_core() -> tuple[float, float, str]:
    flops, how = _fma_probe()
    return flops, _bandwidth(), how


def measure_peak(num_threads: int | None = 1) -> Peak:
    """The peak a profile compares with: the FMA probe's rate on one core times the cores the
    model uses (`num_threads`; None: all), and the copy bandwidth. Measured once per process.
    """
    cores = num_threads if num_threads is not None else (os.cpu_count() or 1)
    flops, bw, how = _per_core()
    return Peak(flops * cores / 1e9, bw / 1e9, cores, f"{how} x {cores} core(s); numpy copy")


# ---- a profile ---------------------------------------------------------------------------------


@dataclass
class KernelProfile:
    """One timed unit of a profiling build: an outlined kernel or an inline loop nest."""

    id: int
    name: str
    kind: str  # "kernel" or "inline"
    nodes: list[str]  # ONNX node names (from the ops' locations)
    ops: list[str]  # the nn ops of those nodes
    schedule: str | None  # the schedule applied (None: plain loops)
    flops: int | None  # floating-point ops per call (None: unknown, dynamic trip counts)
    bytes: int | None  # buffers touched per call (None: dynamic sizes)
    args: list[str]
    seconds: float = 0.0  # per model run (mean over the faster half of the runs)
    calls: float = 0.0  # calls per model run
    share: float = 0.0  # of the entry's time
    peak_gflops: float = 0.0

    @property
    def short_name(self) -> str:
        """The name without the entry function's prefix: `kernel12`, `inline0`."""
        for sep in ("__", ":"):
            if sep in self.name:
                return self.name.rsplit(sep, 1)[1]
        return self.name

    @property
    def gflops(self) -> float | None:
        if self.flops is None or self.seconds <= 0:
            return None
        return self.flops * self.calls / self.seconds / 1e9

    @property
    def pct_peak(self) -> float | None:
        g = self.gflops
        return None if g is None or self.peak_gflops <= 0 else 100.0 * g / self.peak_gflops

    @property
    def intensity(self) -> float | None:
        """FLOP per byte of compulsory traffic."""
        if not self.flops or not self.bytes:
            return None
        return self.flops / self.bytes


@dataclass
class Profile:
    model: str
    repeats: int
    num_threads: int | None
    kernels: list[KernelProfile]  # sorted by time, slowest first
    total_seconds: float  # per run, inside the entry function (the faster half of the runs)
    wall_seconds: float  # per run, as the caller sees it (the same runs)
    peak: Peak
    timer_overhead: str = "two clock_gettime calls per kernel call"
    notes: list[str] = field(default_factory=list)
    # per run, in the entry but in no kernel
    outside_seconds: float = 0.0

    @property
    def kernel_seconds(self) -> float:
        return sum(k.seconds for k in self.kernels)

    @property
    def flops(self) -> int | None:
        total = 0
        for k in self.kernels:
            if k.flops is None:
                return None
            total += int(k.flops * k.calls)
        return total

    def summary(self) -> str:
        total = self.total_seconds
        cover = 100.0 * (1 - self.outside_seconds / total) if total > 0 else 0.0
        fl = self.flops
        rate = (
            f", {fl / 1e6:.3f} MFLOP -> {fl / self.total_seconds / 1e9:.1f} GFLOP/s"
            if fl is not None and self.total_seconds > 0
            else ""
        )
        threads = "all cores" if self.num_threads is None else f"{self.num_threads} thread(s)"
        return (
            f"profile of '{self.model}': {self.repeats} run(s), {threads}; per run "
            f"{_time(self.total_seconds)} in the model (caller: "
            f"{_time(self.wall_seconds)}){rate}; {len(self.kernels)} kernels cover "
            f"{cover:.1f}%\n{self.peak.describe()}"
        )

    def by_ops(self) -> list[tuple[str, float, int]]:
        """(ops, share of the time, kernel count) per kind of kernel, largest share first;
        scheduled kernels are their own kind ("mat_mul [scheduled]")."""
        groups: dict[str, tuple[float, int]] = {}
        for k in self.kernels:
            key = "+".join(k.ops) or "-"
            if k.schedule:
                key += " [scheduled]"
            share, count = groups.get(key, (0.0, 0))
            groups[key] = (share + k.share, count + 1)
        return sorted(((k, s, n) for k, (s, n) in groups.items()), key=lambda t: -t[1])

    def table(self, top: int | None = 25, width: int = 60) -> str:
        """Text table of the `top` slowest kernels (None: all)."""
        rows = self.kernels if top is None else self.kernels[:top]
        head = (
            f"{'#':>3} {'kernel':<12} {'time':>10} {'%':>5} {'cum%':>5} {'MFLOP':>9} "
            f"{'GFLOP/s':>8} {'%peak':>6} {'F/B':>6}  {'ops':<20} nodes / schedule"
        )
        lines = [self.summary(), "", head, "-" * len(head)]
        cum = 0.0
        for i, k in enumerate(rows):
            cum += k.share
            mflop = "?" if k.flops is None else f"{k.flops * k.calls / 1e6:.2f}"
            g, pp, ai = k.gflops, k.pct_peak, k.intensity
            nodes = _shorten(", ".join(k.nodes) or "-", width)
            lines.append(
                f"{i + 1:>3} {_shorten(k.short_name, 12):<12} {_time(k.seconds):>10} "
                f"{100 * k.share:>5.1f} {100 * cum:>5.1f} {mflop:>9} "
                f"{'-' if not g else f'{g:.2f}':>8} {'-' if not pp else f'{pp:.1f}':>6} "
                f"{'-' if ai is None else f'{ai:.2f}':>6}  {_shorten('+'.join(k.ops), 20):<20} "
                f"{nodes}"
            )
            if k.schedule:
                lines.append(f"{'':>16}schedule: {_shorten(k.schedule, 110)}")
        if top is not None and len(self.kernels) > top:
            rest = self.kernels[top:]
            share = sum(k.share for k in rest)
            lines.append(f"    ... {len(rest)} more kernels, {100 * share:.1f}% of the time")
        outside = self.outside_seconds
        if self.total_seconds > 0:
            lines.append(
                f"    outside kernels (buffer allocation, glue): {_time(outside)} "
                f"({100 * outside / self.total_seconds:.1f}%)"
            )
        groups = self.by_ops()
        if groups:
            lines.append("")
            lines.append("time by kind of kernel:")
            for key, share, count in groups[:8]:
                lines.append(f"  {100 * share:5.1f}%  {count:>4} x {key}")
        lines.extend(self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "repeats": self.repeats,
            "num_threads": self.num_threads,
            "total_seconds": self.total_seconds,
            "wall_seconds": self.wall_seconds,
            "peak": {"gflops": self.peak.gflops, "gbps": self.peak.gbps, "how": self.peak.how},
            "kernels": [
                {
                    "id": k.id,
                    "name": k.name,
                    "kind": k.kind,
                    "seconds": k.seconds,
                    "calls": k.calls,
                    "share": k.share,
                    "flops": k.flops,
                    "bytes": k.bytes,
                    "gflops": k.gflops,
                    "pct_peak": k.pct_peak,
                    "ops": k.ops,
                    "nodes": k.nodes,
                    "schedule": k.schedule,
                    "args": k.args,
                }
                for k in self.kernels
            ],
        }

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write a self-contained HTML report (summary, roofline chart, full table)."""
        out = Path(path)
        out.write_text(_html(self))
        return out


def _time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3f} {unit}"
    return f"{seconds * 1e9:.0f} ns"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# ---- running -----------------------------------------------------------------------------------


def random_inputs(infos: Sequence[TensorInfo]) -> list[np.ndarray]:
    """Random inputs of the compiled shapes: floats ~ N(0, 1), integers in [0, 10), random
    booleans, strings "a". Dynamic dims need explicit inputs."""
    rng = np.random.default_rng(0)
    arrays = []
    for info in infos:
        if not all(isinstance(d, int) for d in info.shape):
            raise StrataError(
                f"input '{info.name}' has dynamic dims ({info.describe()}): pass inputs to profile"
            )
        shape = tuple(int(d) for d in info.shape)  # type: ignore[arg-type]
        dt = np.dtype(info.dtype)
        if dtypes.is_string(dt):
            arrays.append(np.full(shape, "a", dtype=object))
        elif dt == np.bool_:
            arrays.append(rng.random(shape) < 0.5)
        elif np.issubdtype(dt, np.integer):
            arrays.append(rng.integers(0, 10, size=shape).astype(dt))
        else:
            arrays.append(rng.standard_normal(shape).astype(dt))
    return arrays


def measure(
    model: CompiledModel,
    library: str,
    inputs: Mapping[str, Any] | Sequence[Any],
    repeats: int = 10,
    warmup: int = 2,
) -> Profile:
    """Run a profiling build `repeats` times (after `warmup` runs) and read its counters."""
    if repeats < 1:
        raise StrataError(f"repeats must be at least 1, got {repeats}")
    table = model.meta.extra["profile"]
    slots = int(table["slots"])
    lib = ctypes.CDLL(library)  # the handle the runtime already holds: the same counters
    read = getattr(lib, f"{model.name}__strata_profile_read")
    reset = getattr(lib, f"{model.name}__strata_profile_reset")
    have = ctypes.c_int.in_dll(lib, f"{model.name}__strata_profile_slots").value
    if have != max(slots, 1):
        raise StrataError(f"{model.name}.so has {have} profile slots, its kernel table {slots}")
    for _ in range(warmup):
        model.run(inputs)
    ns = (ctypes.c_uint64 * have)()
    calls = (ctypes.c_uint64 * have)()
    walls, per_ns, per_calls = [], [], []
    for _ in range(repeats):  # the counters of each run
        reset()
        t0 = time.perf_counter()
        model.run(inputs)
        walls.append(time.perf_counter() - t0)
        read(ns, calls)
        per_ns.append(np.array(ns[:], dtype=np.float64))
        per_calls.append(np.array(calls[:], dtype=np.float64))
    # averages over the faster half of the runs (by the entry's time): runs that other work
    # on the machine disturbed drop out, and the kernels' times still add up to the total
    runs = np.stack(per_ns) / 1e9  # (repeats, slots)
    total_slots = [int(t["slot"]) for t in table["totals"]]
    run_totals = runs[:, total_slots].sum(axis=1)
    keep = np.argsort(run_totals, kind="stable")[: max(1, (repeats + 1) // 2)]
    mean_s = runs[keep].mean(axis=0)
    mean_calls = np.stack(per_calls)[keep].mean(axis=0)
    total = float(run_totals[keep].mean())
    outside = total - float(mean_s.sum() - mean_s[total_slots].sum())
    peak = measure_peak(model.meta.num_threads)
    kernels = []
    for u in table["units"]:
        i = int(u["id"])
        k = KernelProfile(
            id=i,
            name=str(u["name"]),
            kind=str(u["kind"]),
            nodes=list(u["nodes"]),
            ops=list(u.get("ops", [])),
            schedule=u["schedule"],
            flops=None if u["flops"] is None else int(u["flops"]),
            bytes=None if u["bytes"] is None else int(u["bytes"]),
            args=list(u["args"]),
            seconds=float(mean_s[i]),
            calls=float(mean_calls[i]),
            peak_gflops=peak.gflops,
        )
        k.share = k.seconds / total if total > 0 else 0.0
        kernels.append(k)
    kernels.sort(key=lambda k: (-k.seconds, k.id))
    notes = []
    uncalled = sum(1 for k in kernels if k.calls == 0)
    if uncalled:
        notes.append(f"    {uncalled} kernel(s) did not run (control flow)")
    return Profile(
        model=model.name,
        repeats=repeats,
        num_threads=model.meta.num_threads,
        kernels=kernels,
        total_seconds=total,
        wall_seconds=float(np.asarray(walls)[keep].mean()),
        peak=peak,
        notes=notes,
        outside_seconds=outside,
    )


# ---- the HTML report -----------------------------------------------------------------------------


def _roofline_svg(p: Profile, w: int = 760, h: int = 460) -> str:
    pts = [
        (k.intensity, k.gflops, k)
        for k in p.kernels
        if k.intensity is not None and k.gflops is not None and k.gflops > 0
    ]
    peak, bw = p.peak.gflops, p.peak.gbps
    xs = [x for x, _, _ in pts if x is not None] + [peak / bw]
    ys = [y for _, y, _ in pts if y is not None] + [peak]
    x0 = 10 ** math.floor(math.log10(min(xs) / 2))
    x1 = 10 ** math.ceil(math.log10(max(xs) * 2))
    y0 = 10 ** math.floor(math.log10(max(min(ys) / 2, 1e-6)))
    y1 = 10 ** math.ceil(math.log10(peak * 1.5))
    ml, mr, mt, mb = 70, 20, 20, 50
    pw, ph = w - ml - mr, h - mt - mb

    def sx(x: float) -> float:
        return ml + pw * (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0))

    def sy(y: float) -> float:
        return mt + ph * (1 - (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'font-family="sans-serif" font-size="11">',
        f'<rect x="{ml}" y="{mt}" width="{pw}" height="{ph}" fill="#fafafa" stroke="#888"/>',
    ]
    e = math.floor(math.log10(x0))
    while 10**e <= x1 * 1.0001:
        x = sx(10**e)
        parts.append(f'<line x1="{x:.1f}" y1="{mt}" x2="{x:.1f}" y2="{mt + ph}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{mt + ph + 15}" text-anchor="middle">{_tick(e)}</text>')
        e += 1
    e = math.floor(math.log10(y0))
    while 10**e <= y1 * 1.0001:
        y = sy(10**e)
        parts.append(f'<line x1="{ml}" y1="{y:.1f}" x2="{ml + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{ml - 6}" y="{y + 4:.1f}" text-anchor="end">{_tick(e)}</text>')
        e += 1
    # the roofs: bandwidth * intensity up to the ridge, then the compute peak
    ridge = peak / bw
    xa = x0
    ya = bw * xa
    roof = [(xa, max(ya, y0))] if ya >= y0 else [(y0 / bw, y0)]
    roof += [(ridge, peak), (x1, peak)]
    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in roof)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#c33" stroke-width="2"/>')
    parts.append(
        f'<text x="{sx(x1) - 4:.1f}" y="{sy(peak) - 5:.1f}" text-anchor="end" fill="#c33">'
        f"{peak:.1f} GFLOP/s</text>"
    )
    parts.append(
        f'<text x="{sx(ridge) - 8:.1f}" y="{sy(peak) + 14:.1f}" text-anchor="end" fill="#c33">'
        f"{bw:.1f} GB/s</text>"
    )
    total = p.total_seconds or 1.0
    for x, y, k in sorted(pts, key=lambda t: -t[2].seconds):
        assert x is not None and y is not None
        r = 3 + 25 * math.sqrt(k.seconds / total)
        tip = html.escape(
            f"{k.name}: {k.seconds * 1e3:.3f} ms ({100 * k.share:.1f}%), {y:.2f} GFLOP/s, "
            f"{x:.2f} FLOP/B; {'+'.join(k.ops)}; {', '.join(k.nodes[:6])}"
            + (f"; {k.schedule}" if k.schedule else "")
        )
        color = "#2a6" if k.schedule else "#36c"
        parts.append(
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="{r:.1f}" fill="{color}" '
            f'fill-opacity="0.45" stroke="{color}"><title>{tip}</title></circle>'
        )
    parts.append(
        f'<text x="{ml + pw / 2}" y="{h - 12}" text-anchor="middle">arithmetic intensity '
        "(FLOP per byte of buffers touched)</text>"
    )
    parts.append(
        f'<text x="16" y="{mt + ph / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {mt + ph / 2})">GFLOP/s</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _tick(e: int) -> str:
    return f"{10.0**e:g}" if -3 <= e <= 4 else f"1e{e}"


def _html(p: Profile) -> str:
    rows = []
    cum = 0.0
    for i, k in enumerate(p.kernels):
        cum += k.share
        g, pp, ai = k.gflops, k.pct_peak, k.intensity
        cells = [
            str(i + 1),
            html.escape(k.name),
            f"{k.seconds * 1e3:.4f}",
            f"{100 * k.share:.2f}",
            f"{100 * cum:.1f}",
            f"{k.calls:g}",
            "?" if k.flops is None else f"{k.flops * k.calls / 1e6:.3f}",
            "-" if g is None else f"{g:.2f}",
            "-" if pp is None else f"{pp:.1f}",
            "?" if k.bytes is None else f"{k.bytes / 1e6:.3f}",
            "-" if ai is None else f"{ai:.2f}",
            html.escape(" + ".join(k.ops)),
            html.escape(k.schedule or "loops"),
            html.escape(", ".join(k.nodes)),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = [
        "#", "kernel", "ms / run", "%", "cum %", "calls", "MFLOP", "GFLOP/s", "% peak", "MB",
        "FLOP/B", "ops", "schedule", "ONNX nodes",
    ]  # fmt: skip
    has_points = any(k.intensity and k.gflops for k in p.kernels)
    chart = _roofline_svg(p) if has_points else "<p>(no kernel with known FLOPs and bytes)</p>"
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Strata profile: {html.escape(p.model)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; font-size: 12px; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }}
td:nth-child(n+3):nth-child(-n+11) {{ text-align: right; font-variant-numeric: tabular-nums; }}
th {{ background: #eee; position: sticky; top: 0; }}
pre {{ background: #f6f6f6; padding: 0.5em; }}
</style></head><body>
<h1>Strata profile: {html.escape(p.model)}</h1>
<pre>{html.escape(p.summary())}</pre>
<h2>Roofline</h2>
<p>One point per kernel (area: share of the time; green: scheduled contraction, blue: plain
loops; hover for details). Roofs: the measured compute peak and memory bandwidth. Intensity
counts every buffer a kernel touches once.</p>
{chart}
<h2>Time by kind of kernel</h2>
<table><tr><th>%</th><th>kernels</th><th>ops</th></tr>
{
        "".join(
            f"<tr><td>{100 * sh:.1f}</td><td>{n}</td><td>{html.escape(key)}</td></tr>"
            for key, sh, n in p.by_ops()
        )
    }
</table>
<h2>Kernels (slowest first)</h2>
<table><tr>{"".join(f"<th>{c}</th>" for c in head)}</tr>
{"".join(rows)}
</table>
<p>Outside kernels (allocation, glue): {p.outside_seconds * 1e3:.3f} ms per run.
Timers: {html.escape(p.timer_overhead)}.</p>
</body></html>
"""
