"""Where the OpenMP runtime comes from when generated code runs on several threads.

Multi-threaded kernels (`cpu_pipeline(num_threads != 1)`) call the `__kmpc_*` entry points of
LLVM/Intel OpenMP. They come from `libiomp5.so` of the PyPI package `intel-openmp` (GCC's
libgomp lacks that ABI). NAME.so records it as a DT_NEEDED dependency with an rpath to its
folder, so Python and C programs that load NAME.so need no extra flags.

Dependency contract: the standard library and `strata.errors` only.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from strata.errors import CompilationError

LIBRARY = "libiomp5.so"


def library_dir() -> Path | None:
    """The folder holding libiomp5.so (intel-openmp installs it into `sys.prefix/lib`)."""
    cands = [Path(sys.prefix) / "lib", Path(sys.base_prefix) / "lib"]
    try:
        for f in metadata.files("intel-openmp") or []:
            if f.name == LIBRARY:
                cands.insert(0, Path(str(f.locate())).resolve().parent)
    except metadata.PackageNotFoundError:
        pass
    for d in cands:
        if (d / LIBRARY).exists():
            return d
    return None


def link_args(num_threads: int | None) -> list[str]:
    """Extra linker arguments for NAME.so: none for sequential code, libiomp5 otherwise."""
    if num_threads == 1:
        return []
    d = library_dir()
    if d is None:
        raise CompilationError(
            f"num_threads={num_threads} needs the OpenMP runtime {LIBRARY} "
            "(pip install intel-openmp), or compile with num_threads=1"
        )
    return [f"-L{d}", "-liomp5", f"-Wl,-rpath,{d}"]
