"""The odla compile driver: an imported `nn` module -> NAME.cc, NAME.h, NAME.bin, NAME.so.

    nn --convert-nn-to-odla{runtime=R}--> odla --odla-to-cpp--> NAME.cc + NAME.h + NAME.bin
       --c++ -shared ... -lodla_R--> NAME.so (+ NAME.json, the artifact description)

Ops the conversion leaves on the loop path (outlined into `@odla_fallback_K` functions) are
compiled one by one by the CPU target (`emit="obj"`, weights as C: each is a relocatable
object with the CPU target's entry points `NAME_fallback_K_init` / `__strata_run_packed` /
`_fini`), combined into NAME_kernels.o, and linked into NAME.so; NAME.cc calls them through
`odla_CustomCall`.

The artifact description records the exec mode and the program's memory statistics
(`extra["mem_stats"]`: emit_cpp.MemStats, what `--print-mem-stats` prints).

NAME.so exports the same entry points as the CPU target's library, so `strata.load` and
`CompiledModel` run it through the same loader (strata._runtime). `emit="cpp"` stops after
writing the program (no NAME.so, no NAME.json). Runs inside the isolated compiler process.

Dependency contract: the `mlir` bindings, `strata.errors`, `strata.frontends.base`,
`strata.passes.registry`, `strata.targets.cpu.{artifact,compiler,toolchain,weights}`,
`strata.targets.odla.{emit_cpp,runtimes}`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strata.errors import CompilationError, StrataError
from strata.frontends.base import ImportedModel
from strata.passes.registry import run_pipeline
from strata.targets.cpu import toolchain, weights
from strata.targets.cpu.artifact import ArtifactMeta, TensorMeta
from strata.targets.cpu.compiler import check_name
from strata.targets.odla import emit_cpp, runtimes

EMIT_KINDS = ("cpp", "so")
_STAGE_COUNTS = {"cpp": 2, "so": 3}


@dataclass
class OdlaOptions:
    name: str
    runtime: str = runtimes.DEFAULT_RUNTIME
    emit: str = "so"
    emit_data_as_c: bool = False  # the weights as NAME_data.c, compiled into NAME.so
    # HALO's code generation options (emit_cpp.EmitOptions)
    exec_mode: str = "compile"  # or "interpret"
    emit_value_id_as_int: bool = False
    emit_value_reset: bool = False  # interpret mode only
    save_temps: Path | None = None  # directory for NAME.nn.mlir, NAME.odla.mlir
    log: Callable[[str], None] | None = None
    progress: Callable[[str], None] | None = None


def stage_count(emit: str) -> int:
    return _STAGE_COUNTS.get(emit, _STAGE_COUNTS["so"])


def compile_imported(imported: ImportedModel, out_dir: Path, opts: OdlaOptions) -> ArtifactMeta:
    """Compile `imported` into `out_dir` (which must exist); returns the artifact description."""
    from strata import __version__

    name = check_name(opts.name)
    if opts.emit not in EMIT_KINDS:
        raise StrataError(
            f"--emit for the odla target must be one of {', '.join(EMIT_KINDS)}, got '{opts.emit}'"
        )
    rt = runtimes.runtime(opts.runtime)
    emit_opts = emit_cpp.EmitOptions(
        opts.exec_mode, opts.emit_value_id_as_int, opts.emit_value_reset
    )  # checks the combination before any work
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        if opts.log:
            opts.log(f"[{time.perf_counter() - t0:7.2f}s] {msg}")

    def begin(stage: str) -> None:
        if opts.progress:
            opts.progress(stage)

    def save(suffix: str) -> None:
        if opts.save_temps is not None:
            op = imported.module.operation
            text = op.get_asm(large_elements_limit=16, large_resource_limit=64)
            (opts.save_temps / f"{name}.{suffix}").write_text(str(text))

    module = imported.module
    with module.context:
        save("nn.mlir")
        begin(f"converting nn to odla (runtime {rt.name})")
        try:
            run_pipeline(module, f"convert-nn-to-odla{{runtime={rt.name}}}")
        except StrataError:
            raise
        except Exception as e:
            raise CompilationError(f"convert-nn-to-odla failed: {e}") from None
        save("odla.mlir")
        log("nn -> odla done")
        begin("translating odla to C++")
        data_symbol = f"{name}__strata_data" if opts.emit_data_as_c else None
        program = emit_cpp.translate(
            module, name, imported.weights, __version__, imported.entry, data_symbol, emit_opts
        )
        kernels = _compile_fallbacks(imported, name, program.fallbacks, out_dir, log)
    cc = out_dir / f"{name}.cc"
    cc.write_text(program.source)
    (out_dir / f"{name}.h").write_text(program.header)
    objs = [kernels] if kernels else []
    if data_symbol:
        data_c = out_dir / f"{name}_data.c"
        weights.write_data_c(data_c, data_symbol, program.arrays, program.layout)
        wfile = None
    else:
        weights.write_bin(out_dir / f"{name}.bin", program.arrays, program.layout)
        wfile = f"{name}.bin"
    log(f"wrote {name}.cc, {name}.h and the weights ({program.layout.total_size} bytes)")
    meta = ArtifactMeta(
        name=name,
        strata_version=__version__,
        inputs=[TensorMeta(t.name, t.shape, t.dtype) for t in program.inputs],
        outputs=[TensorMeta(t.name, t.shape, t.dtype) for t in program.outputs],
        library="",
        weights=wfile,
        target="odla",
        num_threads=1,
        extra={
            "odla_runtime": rt.name,
            "odla_exec_mode": emit_opts.exec_mode,
            "mem_stats": program.mem_stats.as_dict(),
        },
    )
    if opts.emit == "cpp":
        return meta
    begin(f"building {name}.so against lib{rt.library}")
    libdir = runtimes.library_dir(rt.name)
    with tempfile.TemporaryDirectory(prefix="strata-odla-") as tmp:
        if data_symbol:
            data_o = Path(tmp) / "data.o"
            toolchain.compile_c(out_dir / f"{name}_data.c", data_o, out_dir, opt="-O0")
            objs.append(data_o)
        toolchain.build_cxx_shared(
            cc,
            out_dir / f"{name}.so",
            [out_dir, runtimes.include_dir()],
            [f"-L{libdir}", f"-l{rt.library}", f"-Wl,-rpath,{libdir}"],
            objs,
        )
    log(f"linked {name}.so against {libdir}/lib{rt.library}.so")
    meta.library = f"{name}.so"
    meta.write(out_dir)
    return meta


def _compile_fallbacks(
    imported: ImportedModel,
    name: str,
    fallbacks: list[tuple[str, str]],
    out_dir: Path,
    log: Callable[[str], None],
) -> Path | None:
    """Compile each outlined nn function with the CPU target; NAME_kernels.o, or None."""
    if not fallbacks:
        return None
    from mlir import ir

    from strata.dialects.opdef import dtype_of
    from strata.frontends.base import TensorInfo
    from strata.targets.cpu import compiler as cpu

    symbols = ir.SymbolTable(imported.module.operation)
    objs: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="strata-odla-fb-") as tmp_s:
        tmp = Path(tmp_s)
        for symbol, c_name in fallbacks:
            module = ir.Module.create(loc=ir.Location.unknown())
            f = symbols[symbol].operation.clone(ip=ir.InsertionPoint(module.body))
            del f.attributes["sym_visibility"]
            ftype = ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value)
            _return_uncast(f)

            def infos(types: list[ir.Type], prefix: str) -> list[TensorInfo]:
                out = []
                for i, t in enumerate(types):
                    rt = ir.RankedTensorType(t)
                    spec = dtype_of(rt.element_type)
                    out.append(TensorInfo(f"{prefix}{i}", tuple(int(d) for d in rt.shape), spec))
                return out

            sub = ImportedModel(
                module, symbol, infos(list(ftype.inputs), "in"), infos(list(ftype.results), "out"),
                {},
            )  # fmt: skip
            # "tiled": generated code only, so the object needs no micro-kernel library
            opts = cpu.CpuOptions(
                name=c_name, emit="obj", emit_data_as_c=True, num_threads=1, schedule="tiled"
            )
            cpu.compile_imported(sub, tmp, opts)
            objs.append(tmp / f"{c_name}.o")
            log(f"compiled {symbol} on the loop path as {c_name}")
        kernels = out_dir / f"{name}_kernels.o"
        toolchain.link_relocatable(objs, kernels)
    return kernels


def _return_uncast(f: Any) -> None:
    """A specialised function (convert-nn-to-odla's `odla_fallback_sK`) ends in a
    `tensor.cast` of a value with dynamic dims to the graph output's declared type: the CPU
    target compiles it returning that value instead, so its kernel allocates the result at
    its run-time size and the static interface (the declared dims, from the function's type)
    checks those dims before copying (STRATA_ERR_SHAPE), rather than the cast folding into a
    buffer of the declared size that other dims would overrun."""
    from mlir import ir

    block = f.regions[0].blocks[0]
    ret = block.operations[len(block.operations) - 1]
    changed = False
    for i, v in enumerate(list(ret.operands)):
        owner = v.owner
        if not isinstance(owner, ir.Block) and owner.operation.name == "tensor.cast":
            src = owner.operation.operands[0]
            if not ir.RankedTensorType(src.type).has_static_shape:
                ret.operands[i] = src
                changed = True
                if not list(owner.operation.results[0].uses):
                    owner.operation.erase()
    if changed:
        ftype = ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value)
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(list(ftype.inputs), [x.type for x in ret.operands])
        )
