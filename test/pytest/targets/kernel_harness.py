"""Build one scheduled kernel (`func.func @kern`) into a shared library and call it.

Used by the schedule tests: the kernel goes through the real `cpu_pipeline`, its buffer
allocation is pointed at the model buffer pool (`abi.render_pool`) and it links the
micro-kernel library when it calls it, as `stratac` does.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np
from mlir import ir

from strata.context import make_context
from strata.passes.registry import run_pipeline
from strata.targets.cpu import abi, openmp, schedule_api, toolchain, ukernels
from strata.targets.cpu.compiler import rename_allocator
from strata.targets.cpu.passes import cpu_pipeline

PREFIX = abi.alloc_prefix("kern")


def run_kernel(
    text: str,
    inputs: list[np.ndarray],
    shape: tuple[int, ...],
    tmp: Path,
    threads: int | None,
    schedule: str,
    mcpu: str = "native",
    prepack: bool = False,
    script: str | None = None,
) -> np.ndarray:
    """Compile `text` with `schedule` for `threads` and CPU `mcpu`, run `kern(inputs..., out)`;
    returns out. `prepack`: products over weight arguments read them packed (the caller
    passes them packed, weights.pack_b). `script`: a transform script (schedule_api.py)
    applied to the module first."""
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        if script is not None:
            schedule_api.apply(script, module)
        run_pipeline(module, cpu_pipeline(threads, schedule, mcpu=mcpu, prepack=prepack))
        rename_allocator(module, PREFIX)
        kernels = ukernels.uses_ukernels(module)
        (tmp / "k.ll").write_text(toolchain.translate_to_llvmir(module))
    toolchain.optimize(tmp / "k.ll", tmp / "k.bc", mcpu)
    toolchain.codegen_object(tmp / "k.bc", tmp / "k.o", mcpu)
    pool = tmp / "pool.c"
    pool.write_text("#include <pthread.h>\n#include <stdlib.h>\n" + abi.render_pool(PREFIX))
    toolchain.compile_c(pool, tmp / "pool.o", tmp)
    so = tmp / f"k_{schedule}_{threads}_{mcpu}.so"
    libs = [*(ukernels.link_args() if kernels else []), *openmp.link_args(threads)]
    toolchain.link_shared([tmp / "k.o", tmp / "pool.o"], so, libs)
    lib = ctypes.CDLL(str(so))
    out = np.zeros(shape, np.float32)
    lib.kern(*[a.ctypes.data_as(ctypes.c_void_p) for a in [*inputs, out]])
    return out
