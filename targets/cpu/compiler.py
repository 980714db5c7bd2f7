"""The CPU compile driver: an imported `nn` module -> the artifact set of artifact.py.

    nn --strata-externalize-weights--> nn (weights are entry arguments)
       --strata-nn-to-linalg--> linalg on tensors
       --strata-cpu-lower-to-llvm--> LLVM dialect
       --translate--> LLVM IR --opt -O3--> --llc--> NAME.kernel.o
    + generated C shim (abi.py) + NAME.bin / NAME_data.c (weights.py) --cc -shared--> NAME.so

Runs inside the isolated compiler process (strata.worker) or stratac: MLIR assertions abort
the process that runs this code.

Dependency contract: the `mlir` bindings, `strata.passes.registry`, `strata.frontends.base`,
the sibling modules of this package, `strata.dtypes`, `strata.errors`.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from mlir import ir

from strata import dtypes
from strata.errors import CompilationError, StrataError, VerificationError
from strata.frontends.base import ImportedModel, TensorInfo
from strata.passes.registry import pipelines, run_pipeline
from strata.targets.cpu import (
    abi,
    openmp,
    profiling,
    string_runtime,
    toolchain,
    tuner,
    ukernels,
    weights,
)
from strata.targets.cpu.artifact import ArtifactMeta, TensorMeta
from strata.targets.cpu.passes import WEIGHT_ATTR, cpu_pipeline, public_funcs

EMIT_KINDS = ("mlir", "llvm", "obj", "so")
# Lowered (storage) element type -> the dtypes stored that way (ui8 and i8 are both i8).
_ELEM_DTYPES: dict[str, tuple[str, ...]] = {}
for _d in dtypes.DTYPES:
    _ELEM_DTYPES[_d.storage] = (*_ELEM_DTYPES.get(_d.storage, ()), _d.name)


@dataclass
class CpuOptions:
    """Back-end options (the import options live with the frontend)."""

    name: str
    emit: str = "so"
    emit_data_as_c: bool = False
    save_temps: Path | None = None  # directory for NAME.nn.mlir, NAME.linalg.mlir, ...
    num_threads: int | None = 1  # None: all cores (OpenMP)
    mcpu: str = "native"
    schedule: str = "default"  # schedules.SCHEDULES
    tune_seconds: float = 120.0  # the tuner's budget under schedule "tuned" (tuner.py)
    tuning_dir: str | None = None  # where its results are kept (None: tuner.tuning_dir())
    log: Callable[[str], None] | None = None
    # a profiling build: timers around every kernel and a kernel table (profiling.py)
    profile: bool = False
    progress: Callable[[str], None] | None = None  # called with each stage's name as it starts
    # called with a line of news within the current stage (the tuner's best-so-far)
    progress_note: Callable[[str], None] | None = None


# The stages `compile_imported` reports to `CpuOptions.progress`, per --emit kind.
_STAGE_COUNTS = {"mlir": 2, "llvm": 3, "obj": 7, "so": 7}


def stage_count(emit: str) -> int:
    """How many stages `compile_imported` reports for `emit` (for a progress display)."""
    return _STAGE_COUNTS.get(emit, _STAGE_COUNTS["so"])


def check_name(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise StrataError(f"model name '{name}' is not a C identifier (it names the entry points)")
    return name


class _Stages:
    """Timing log and --save-temps writer."""

    def __init__(self, opts: CpuOptions) -> None:
        self.opts = opts
        self.t0 = time.perf_counter()

    def begin(self, stage: str) -> None:
        """A stage starts (progress display); see stage_count."""
        if self.opts.progress:
            self.opts.progress(stage)

    def note(self, text: str) -> None:
        """News within the current stage (progress display)."""
        if self.opts.progress_note:
            self.opts.progress_note(text)

    def log(self, msg: str) -> None:
        if self.opts.log:
            self.opts.log(f"[{time.perf_counter() - self.t0:7.2f}s] {msg}")

    def save(self, suffix: str, module: ir.Module) -> None:
        if self.opts.save_temps is None:
            return
        path = self.opts.save_temps / f"{self.opts.name}.{suffix}"
        text = module.operation.get_asm(large_elements_limit=16, large_resource_limit=64)
        path.write_text(str(text))
        self.log(f"wrote {path}")


def _run(module: ir.Module, pipeline: str, stage: str) -> None:
    try:
        run_pipeline(module, pipeline)
    except StrataError:
        raise
    except Exception as e:
        raise CompilationError(f"{stage} failed: {e}") from None


def _entry(module: ir.Module, imported: ImportedModel) -> ir.Operation:
    funcs = public_funcs(module.operation)
    for f in funcs:
        if ir.StringAttr(f.attributes["sym_name"]).value == imported.entry:
            return f
    raise CompilationError(f"entry function '@{imported.entry}' not found in the module")


def _weight_args(func: ir.Operation, n_inputs: int) -> list[str]:
    """Keys of the weight arguments (after the graph inputs) of the entry function."""
    keys: list[str] = []
    attrs = func.attributes
    if "arg_attrs" not in attrs:
        return keys
    for i, d in enumerate(ir.ArrayAttr(attrs["arg_attrs"])):
        dic = ir.DictAttr(d)
        if WEIGHT_ATTR in dic:
            if i < n_inputs:
                raise CompilationError(f"argument {i} is both a graph input and a weight")
            keys.append(ir.StringAttr(dic[WEIGHT_ATTR]).value)
    return keys


def _check_type(
    t: ir.Type, dtype: np.dtype, shape: tuple[object, ...], what: str, result: bool = False
) -> None:
    """`t` must be the tensor type of `shape` and `dtype`. A `result` may have a dynamic dim
    where the interface has a static one: the entry point checks the result's dims at run
    time (abi: STRATA_ERR_SHAPE), as for the odla target's specialised fallbacks."""
    rt = ir.RankedTensorType(t)
    want = [d if isinstance(d, int) else None for d in shape]
    got = [None if rt.is_dynamic_dim(i) else int(rt.shape[i]) for i in range(rt.rank)]
    if result and len(got) == len(want):
        got = [w if g is None else g for g, w in zip(got, want, strict=True)]
    elem = str(rt.element_type)
    ok = dtype.name in _ELEM_DTYPES.get(elem, ()) or (
        dtypes.is_string(dtype) and elem == dtypes.STRING.storage
    )
    if got != want or not ok:
        shown = ", ".join("?" if d is None else str(d) for d in want)
        raise VerificationError(
            f"{what}: the entry function has {t}, expected {dtype.name}[{shown}]"
        )


def has_dynamic_tensors(module: ir.Module) -> bool:
    """Whether any value of the module is a tensor with a dynamic dim, or a zero-size one
    (the bare-pointer convention leaves functions over zero-size memrefs unconverted, so
    those modules take memref descriptors too)."""
    found = False

    def visit(op: ir.Operation) -> ir.WalkResult:
        nonlocal found
        values = list(op.results)
        for region in op.regions:
            for block in region.blocks:
                values.extend(block.arguments)
        for v in values:
            t = v.type
            if isinstance(t, ir.RankedTensorType) and (
                not t.has_static_shape or 0 in list(t.shape)
            ):
                found = True
                return ir.WalkResult.INTERRUPT
            if isinstance(t, ir.UnrankedTensorType):
                found = True
                return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit)
    return found


def _collect_weights(
    func: ir.Operation, imported: ImportedModel
) -> tuple[list[str], list[np.ndarray]]:
    ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
    n_in = len(imported.inputs)
    keys = _weight_args(func, n_in)
    if len(ftype.inputs) != n_in + len(keys):
        raise CompilationError(
            f"entry function has {len(ftype.inputs)} arguments; expected {n_in} inputs "
            f"+ {len(keys)} weights"
        )
    if len(ftype.results) != len(imported.outputs):
        raise CompilationError(
            f"entry function has {len(ftype.results)} results, expected {len(imported.outputs)}"
        )
    for i, info in enumerate(imported.inputs):
        _check_type(ftype.inputs[i], info.dtype, info.shape, f"input '{info.name}'")
    for i, info in enumerate(imported.outputs):
        _check_type(ftype.results[i], info.dtype, info.shape, f"output '{info.name}'", True)
    arrays = []
    for j, key in enumerate(keys):
        if key not in imported.weights:
            raise CompilationError(f"weight blob '{key}' has no data in the imported model")
        arr = np.ascontiguousarray(imported.weights[key])
        _check_type(ftype.inputs[n_in + j], arr.dtype, arr.shape, f"weight '{key}'")
        arrays.append(arr)
    return keys, arrays


def _tensors(infos: list[TensorInfo]) -> list[abi.Tensor]:
    return [abi.Tensor(i.name, tuple(i.shape), np.dtype(i.dtype).name) for i in infos]


@dataclass
class Lowered:
    """What the LLVM-level module needs beside it: the weights in argument order, their layout,
    and whether the kernel takes memref descriptors (dynamic shapes) or bare pointers."""

    arrays: list[np.ndarray]
    layout: weights.WeightLayout
    descriptors: bool
    strings: bool = False  # calls the string runtime (string_runtime.py)
    kernels: bool = False  # calls the micro-kernel library (ukernels.py)
    profile: dict[str, Any] | None = None  # the kernel table of a profiling build
    # the weights' shapes in the model (a packed weight's array is 1-d: weights.pack_b)
    shapes: list[tuple[int, ...]] | None = None
    packed: list[str] | None = None  # the keys of the weights stored packed


def lower_to_llvm(imported: ImportedModel, opts: CpuOptions, st: _Stages) -> Lowered:
    """Run the MLIR pipelines in place."""
    module = imported.module
    st.save("nn.mlir", module)
    node_ops = profiling.node_ops(module.operation) if opts.profile else {}
    st.begin("lowering nn to linalg")
    _run(module, "strata-externalize-weights", "weight externalisation")
    if "strata-nn-to-linalg" in pipelines():
        _run(module, "strata-nn-to-linalg", "lowering nn to linalg")
        st.log("nn -> linalg done")
    st.save("linalg.mlir", module)
    func = _entry(module, imported)
    keys, arrays = _collect_weights(func, imported)
    layout = weights.plan_layout(arrays, keys)
    func.attributes["sym_name"] = ir.StringAttr.get(f"{opts.name}__strata_kernel")
    strings = string_runtime.uses_strings(module)
    if strings:
        string_runtime.insert_reset(module, func)
    dynamic = has_dynamic_tensors(module)
    if dynamic:
        func.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
        st.log("dynamic shapes: the kernel takes memref descriptors")
    st.begin("lowering linalg to LLVM")
    prefix = abi.alloc_prefix(opts.name) if opts.profile else None
    pipeline = cpu_pipeline(
        opts.num_threads,
        schedule=opts.schedule,
        dynamic=dynamic,
        profile_prefix=prefix,
        mcpu=opts.mcpu,
        tune_seconds=opts.tune_seconds,
        prepack=True,
    )
    if opts.schedule == "tuned":

        def report(text: str) -> None:
            st.log(text)
            st.note(text)

        tuner.configure(report, opts.tuning_dir)
    try:
        _run(module, pipeline, "lowering to LLVM")
    finally:
        tuner.configure(None, None)
    rename_allocator(module, abi.alloc_prefix(opts.name))
    shapes = [tuple(a.shape) for a in arrays]
    packed = [keys[j] for j in _pack_weights(module, arrays, len(imported.inputs))]
    if packed:
        layout = weights.plan_layout(arrays, keys)
        st.log(f"{len(packed)} weight(s) packed for the micro-kernel library")
    kernels = ukernels.uses_ukernels(module)
    table = profiling.read_table(module.operation) if opts.profile else None
    if table is not None:
        for unit in table["units"]:
            ops = {op: None for n in unit["nodes"] for op in node_ops.get(n, [])}
            unit["ops"] = list(ops)
        st.log(f"profiling build: {len(table['units'])} timed kernels")
    st.log("linalg -> llvm dialect done")
    st.save("llvm.mlir", module)
    return Lowered(
        arrays,
        layout,
        dynamic,
        strings,
        kernels=kernels,
        profile=table,
        shapes=shapes,
        packed=packed,
    )


def _pack_weights(module: ir.Module, arrays: list[np.ndarray], n_inputs: int) -> list[int]:
    """Replace the weights the micro-kernel calls read packed (`ukernels.PACKED_WEIGHTS_ATTR`)
    by their packed form (`weights.pack_b`); their indices in `arrays`."""
    attrs = module.operation.attributes
    if ukernels.PACKED_WEIGHTS_ATTR not in attrs:
        return []
    listed = ir.ArrayAttr(attrs[ukernels.PACKED_WEIGHTS_ATTR])
    packs = [ukernels.PackedB.from_attr(a) for a in listed]
    del attrs[ukernels.PACKED_WEIGHTS_ATTR]
    for p in packs:
        j = p.arg - n_inputs
        arrays[j] = weights.pack_b(arrays[j], p.k, p.n, p.rsb, p.csb, p.part, p.kc, p.nc, p.nr)
    return [p.arg - n_inputs for p in packs]


def rename_allocator(module: ir.Module, prefix: str) -> None:
    """Point the kernel's buffer allocation at the model's own pool (abi.render_pool)."""
    symbols = ir.SymbolTable(module.operation)
    for generic, suffix in ((abi.GENERIC_ALLOC, "_alloc"), (abi.GENERIC_FREE, "_free")):
        if generic in symbols:
            ir.SymbolTable.replace_all_symbol_uses(generic, prefix + suffix, module.operation)
            ir.SymbolTable.set_symbol_name(symbols[generic], prefix + suffix)


def compile_imported(imported: ImportedModel, out_dir: Path, opts: CpuOptions) -> ArtifactMeta:
    """Compile `imported` into `out_dir` (which must exist); returns the artifact description."""
    from strata import __version__

    check_name(opts.name)
    if opts.emit not in EMIT_KINDS:
        raise StrataError(f"--emit must be one of {', '.join(EMIT_KINDS)}, got '{opts.emit}'")
    st = _Stages(opts)
    name = opts.name
    with imported.module.context:
        lowered = lower_to_llvm(imported, opts, st)
        if opts.emit == "mlir":
            (out_dir / f"{name}.mlir").write_text(str(imported.module))
            return _meta(imported, opts, __version__, None)
        st.begin("translating to LLVM IR")
        ll_text = toolchain.translate_to_llvmir(imported.module)
    st.log("translated to LLVM IR")
    ins, outs = _tensors(imported.inputs), _tensors(imported.outputs)
    with tempfile.TemporaryDirectory(prefix="strata-cc-") as tmp_s:
        tmp = Path(tmp_s)
        ll = (opts.save_temps or tmp) / f"{name}.ll"
        ll.write_text(ll_text)
        if opts.emit == "llvm":
            (out_dir / f"{name}.ll").write_text(ll_text)
            return _meta(imported, opts, __version__, None)
        st.begin("optimising LLVM IR (opt -O3)")
        parts = toolchain.split_module(ll, tmp, toolchain.compile_jobs())
        bcs = toolchain.optimize_parts(parts, tmp, opts.mcpu)
        in_parts = f" ({len(parts)} parts at once)" if len(parts) > 1 else ""
        st.log(f"opt -O3 done{in_parts}")
        st.begin("generating machine code (llc)")
        toolchain.codegen_parts(bcs, tmp / "k.o", opts.mcpu)
        st.log(f"llc done{in_parts}")
        return _finish(imported, opts, out_dir, tmp, lowered, ins, outs, __version__, st)


def _finish(
    imported: ImportedModel,
    opts: CpuOptions,
    out_dir: Path,
    tmp: Path,
    lowered: Lowered,
    ins: list[abi.Tensor],
    outs: list[abi.Tensor],
    version: str,
    st: _Stages,
) -> ArtifactMeta:
    name = opts.name
    st.begin("writing the weights and the C shim")
    arrays, layout = lowered.arrays, lowered.layout
    (out_dir / f"{name}.h").write_text(abi.render_header(name, ins, outs, version))
    data_symbol = f"{name}__strata_data" if opts.emit_data_as_c else None
    shim = tmp / f"{name}_shim.c"
    shim_text = abi.render_shim(
        name,
        ins,
        outs,
        layout,
        data_symbol,
        descriptors=lowered.descriptors,
        weight_shapes=lowered.shapes or [tuple(a.shape) for a in arrays],
    )
    if lowered.profile is not None:
        names = profiling.RuntimeNames(name, abi.alloc_prefix(name))
        shim_text += profiling.render_runtime(names, int(lowered.profile["slots"]))
    shim.write_text(shim_text)
    if opts.save_temps is not None:
        (opts.save_temps / f"{name}_shim.c").write_text(shim.read_text())
    toolchain.compile_c(shim, tmp / "shim.o", out_dir)
    objs = [tmp / "k.o", tmp / "shim.o"]
    if data_symbol:
        data_c = out_dir / f"{name}_data.c"
        weights.write_data_c(data_c, data_symbol, arrays, layout)
        toolchain.compile_c(data_c, tmp / "data.o", out_dir, opt="-O0")
        objs.append(tmp / "data.o")
        st.log("weights compiled as C")
    else:
        weights.write_bin(out_dir / f"{name}.bin", arrays, layout)
        st.log(f"wrote {name}.bin ({layout.total_size} bytes)")
    st.begin(f"linking {name}.{'o' if opts.emit == 'obj' else 'so'}")
    if opts.emit == "obj":
        toolchain.link_relocatable(objs, out_dir / f"{name}.o")
        return _meta(imported, opts, version, None if data_symbol else f"{name}.bin")
    libs = openmp.link_args(opts.num_threads)
    if lowered.strings:
        libs = [*string_runtime.link_args(), *libs]
    if lowered.kernels:
        libs = [*ukernels.link_args(), *libs]
    toolchain.link_shared(objs, out_dir / f"{name}.so", libs)
    st.log(f"linked {name}.so")
    meta = _meta(imported, opts, version, None if data_symbol else f"{name}.bin")
    meta.library = f"{name}.so"
    if lowered.profile is not None:
        meta.extra["profile"] = lowered.profile
    if lowered.packed:
        meta.extra["packed_weights"] = lowered.packed
    meta.write(out_dir)
    return meta


def _meta(
    imported: ImportedModel, opts: CpuOptions, version: str, wfile: str | None
) -> ArtifactMeta:
    def conv(infos: list[TensorInfo]) -> list[TensorMeta]:
        return [TensorMeta(i.name, tuple(i.shape), np.dtype(i.dtype).name) for i in infos]

    return ArtifactMeta(
        name=opts.name,
        strata_version=version,
        inputs=conv(imported.inputs),
        outputs=conv(imported.outputs),
        library="",
        weights=wfile,
        num_threads=opts.num_threads,
        abi="dynamic"
        if abi.is_dynamic_interface(_tensors(imported.inputs), _tensors(imported.outputs))
        else "static",
        extra={"structure": imported.structure} if imported.structure else {},
    )
