"""CPU-target passes and the named pipeline `strata-cpu-lower-to-llvm`.

* `strata-externalize-weights` (nn level): every `nn.constant` whose value is a
  `dense_resource<KEY>` blob becomes an extra argument of the public entry function, after the
  graph inputs, marked `{nn.weight = "KEY"}`; the generated code then reads weights through
  pointers into the memory-mapped weights file, so code size and compile time do not grow with
  the model's weights.
* `strata-cpu-mark-readonly-args`: marks every argument of public functions
  `bufferization.writable = false` (inputs are `const` in the C ABI and weights are mapped
  read-only), so bufferization never writes into them.
* `strata-cpu-distinct-results`: a value returned at several result positions is copied for
  the later ones (buffer-results-to-out-params crashes on repeated results).
* `strata-cpu-isolate-sizes`: a dynamic `tensor.empty` size computed by `arith.select` becomes
  `max(size, 0)`, which value-bounds analysis cannot see through (see the pass).
* `strata-memref-copy-to-linalg`: `memref.copy` -> `linalg.copy`, so the library does not need
  `memrefCopy` from MLIR's runtime support library.
* `strata-cpu-schedule{schedule=tiled num-threads=1}`: applies a named schedule of
  `schedules.py` (transform dialect: im2col, register tiling, vectorisation, scf.forall for
  threads) to matmul / batch_matmul / NCHW conv; `profile=1` (profiling builds) names each
  scheduled op's location after its schedule (profiling.py reads it back per kernel).
* `strata-cpu-lower-to-llvm`: linalg-on-tensors -> LLVM dialect with the bare-pointer C ABI,
  one thread; `cpu_pipeline(num_threads, schedule)` builds the variant for other thread counts
  (scf.forall -> scf.parallel -> OpenMP; link NAME.so with `openmp.link_args`).

Dependency contract: imports the `mlir` bindings, `strata.passes.registry` and, of the CPU
target, `machine`, `schedules` (the named schedules), `schedule_api` (the loop-order script
of `strata-cpu-interchange-contractions`) and `ukernels` only.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import ClassVar

from mlir import ir
from mlir.dialects import arith, linalg, tensor
from mlir.dialects.transform import interpreter

from strata.passes.registry import ModulePass, register_pass, register_pipeline
from strata.targets.cpu import machine, schedule_api, schedules, ukernels

WEIGHT_ATTR = "nn.weight"
NAME_ATTR = "nn.name"

_RESOURCE_RE = re.compile(r'^dense_resource<(?:"((?:[^"\\]|\\.)*)"|([^>]+))>')


def resource_key(attr: ir.Attribute) -> str | None:
    """The blob key of a `dense_resource<KEY>` attribute, or None for any other attribute."""
    m = _RESOURCE_RE.match(str(attr))
    if m is None:
        return None
    if m.group(2) is not None:
        return m.group(2).strip()
    return _unescape(m.group(1))


def _unescape(text: str) -> str:
    """Undo MLIR's string escaping (`\\XX` hex pairs, `\\\\`, `\\"`)."""
    out = bytearray()
    i = 0
    raw = text.encode()
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):  # backslash
            nxt = chr(raw[i + 1])
            if nxt in '\\"':
                out.append(raw[i + 1])
                i += 2
                continue
            if i + 2 < len(raw):
                try:
                    out.append(int(raw[i + 1 : i + 3].decode(), 16))
                    i += 3
                    continue
                except ValueError:
                    pass
        out.append(c)
        i += 1
    return out.decode(errors="replace")


def public_funcs(module: ir.Operation) -> list[ir.Operation]:
    """The public `func.func` ops (with a body) at the top of `module`."""
    out = []
    for op in module.regions[0].blocks[0].operations:
        if op.operation.name != "func.func":
            continue
        attrs = op.operation.attributes
        if "sym_visibility" in attrs and ir.StringAttr(attrs["sym_visibility"]).value != "public":
            continue
        if len(op.operation.regions[0].blocks) == 0:
            continue
        out.append(op.operation)
    return out


def _arg_attr_dicts(func: ir.Operation, count: int) -> list[dict[str, ir.Attribute]]:
    attrs = func.attributes
    out: list[dict[str, ir.Attribute]] = [{} for _ in range(count)]
    if "arg_attrs" in attrs:
        for i, d in enumerate(ir.ArrayAttr(attrs["arg_attrs"])):
            if i < count:
                dic = ir.DictAttr(d)
                out[i] = {dic[j].name: dic[j].attr for j in range(len(dic))}
    return out


def _set_arg_attrs(func: ir.Operation, dicts: list[dict[str, ir.Attribute]]) -> None:
    func.attributes["arg_attrs"] = ir.ArrayAttr.get([ir.DictAttr.get(d) for d in dicts])


def _walk_ops(block: ir.Block) -> list[ir.Operation]:
    out: list[ir.Operation] = []
    for op in block.operations:
        out.append(op.operation)
        for region in op.operation.regions:
            for b in region.blocks:
                out.extend(_walk_ops(b))
    return out


@register_pass
class ExternalizeWeights(ModulePass):
    """Turn dense_resource nn.constant (or arith.constant) ops into entry arguments (nn.weight)."""

    name = "strata-externalize-weights"

    def run(self, module: ir.Operation) -> None:
        for func in public_funcs(module):
            self._run_on(func)

    def _run_on(self, func: ir.Operation) -> None:
        block = func.regions[0].blocks[0]
        ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
        inputs = list(ftype.inputs)
        arg_attrs = _arg_attr_dicts(func, len(inputs))
        by_key: dict[tuple[str, str], ir.Value] = {}
        for op in _walk_ops(block):
            if op.name not in ("nn.constant", "arith.constant") or "value" not in op.attributes:
                continue
            key = resource_key(op.attributes["value"])
            if key is None:
                continue
            rtype = op.results[0].type
            ident = (key, str(rtype))
            if ident not in by_key:
                by_key[ident] = block.add_argument(rtype, op.location)
                inputs.append(rtype)
                arg_attrs.append({WEIGHT_ATTR: ir.StringAttr.get(key)})
            op.results[0].replace_all_uses_with(by_key[ident])
            op.erase()
        if not by_key:
            return
        func.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(inputs, list(ftype.results))
        )
        _set_arg_attrs(func, arg_attrs)


@register_pass
class MarkReadonlyArgs(ModulePass):
    """Mark every argument of public functions bufferization.writable = false."""

    name = "strata-cpu-mark-readonly-args"

    def run(self, module: ir.Operation) -> None:
        for func in public_funcs(module):
            ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
            dicts = _arg_attr_dicts(func, len(ftype.inputs))
            for i, t in enumerate(ftype.inputs):
                if isinstance(t, ir.RankedTensorType) or str(t).startswith("tensor<"):
                    dicts[i]["bufferization.writable"] = ir.BoolAttr.get(False)
            _set_arg_attrs(func, dicts)


@register_pass
class DistinctResults(ModulePass):
    """Give every result of public functions its own tensor: a value returned twice (two
    graph outputs that compute the same thing, merged by CSE) is copied for its later
    positions, since buffer-results-to-out-params crashes on a repeated result and the
    dynamic ABI would hand one allocation out twice."""

    name = "strata-cpu-distinct-results"

    def run(self, module: ir.Operation) -> None:
        for func in public_funcs(module):
            for op in _walk_ops(func.regions[0].blocks[0]):
                if op.name == "func.return":
                    _copy_repeated(op)


def _copy_repeated(ret: ir.Operation) -> None:
    seen: set[ir.Value] = set()
    for i, v in enumerate(list(ret.operands)):
        if v not in seen or not isinstance(v.type, ir.RankedTensorType):
            seen.add(v)
            continue
        t = ir.RankedTensorType(v.type)
        with ir.InsertionPoint(ret), ret.location:
            sizes: list[int | ir.Value] = [
                tensor.dim(v, arith.constant(ir.IndexType.get(), k))
                if ir.ShapedType.is_dynamic_size(d)
                else d
                for k, d in enumerate(t.shape)
            ]
            empty = tensor.empty(sizes, t.element_type, encoding=t.encoding)
            ret.operands[i] = linalg.copy(v, outs=[empty])


@register_pass
class IsolateSizes(ModulePass):
    """Cut the chains of `arith.select` that dynamic sizes grow through a deep model.

    With dynamic dims, the lowering picks sizes at run time with selects (a broadcast dim is
    the operand's that is not 1; Reshape's 0 copies a dim, -1 infers one), and each layer's
    sizes select among the previous layer's. One-shot bufferization compares tile offsets and
    sizes with value-bounds analysis, which walks back through every select and compares its
    two sides, so its cost explodes with the depth of the chain: BERT-base with dynamic batch
    and sequence spent 4 s bufferizing one layer and 41 s two, and did not finish twelve.
    `arith.maxsi(size, 0)` equals the size (sizes are never negative), folds away only for
    constants, and has no value-bounds model, so the analysis stops there. Only the sizes
    that make a tensor's dims (`tensor.empty`'s operands, `tensor.expand_shape`'s output
    shape) and that some select computes are wrapped: those are where the chains pass from
    one op to the next, and equalities the analysis proves through other ops stay visible.
    """

    name = "strata-cpu-isolate-sizes"

    def run(self, module: ir.Operation) -> None:
        memo: dict[ir.Value, bool] = {}
        for op in _walk_ops(module.regions[0].blocks[0]):
            if op.name not in _SIZED:
                continue
            for i, v in enumerate(list(op.operands)):
                if isinstance(v.type, ir.IndexType) and _selected(v, memo):
                    with ir.InsertionPoint(op), op.location:
                        op.operands[i] = arith.maxsi(v, arith.constant(ir.IndexType.get(), 0))


_SIZED = ("tensor.empty", "tensor.expand_shape")


def _selected(v: ir.Value, memo: dict[ir.Value, bool]) -> bool:
    """Whether integer arithmetic computes `v` from an `arith.select` (a `maxsi` ends the
    search: it is opaque to value bounds already)."""
    if v in memo:
        return memo[v]
    owner = v.owner
    op = owner.operation if isinstance(owner, ir.OpView) else owner
    found = False
    if isinstance(op, ir.Operation) and op.name.startswith("arith."):
        if op.name == "arith.select":
            found = True
        elif op.name not in ("arith.maxsi", "arith.constant"):
            memo[v] = False  # cycles cannot occur in SSA, but keep the walk finite
            found = any(_selected(o, memo) for o in op.operands)
    memo[v] = found
    return found


@register_pass
class MemrefCopyToLinalg(ModulePass):
    """Rewrite memref.copy into linalg.copy (no dependency on MLIR's runtime library)."""

    name = "strata-memref-copy-to-linalg"

    def run(self, module: ir.Operation) -> None:
        for op in _walk_ops(module.regions[0].blocks[0]):
            if op.name != "memref.copy":
                continue
            src, dst = op.operands[0], op.operands[1]
            with ir.InsertionPoint(op), op.location:
                linalg.copy(src, outs=[dst])
            op.erase()


@register_pass
class LegalizeDynamicExpandShape(ModulePass):
    """Rewrite tensor.expand_shape ops with several dynamic sizes in one group into
    tensor.reshape by their output shape: memref lowering (expand-strided-metadata) asserts on
    such groups, which elementwise fusion creates when it folds reshapes into generics."""

    name = "strata-legalize-dynamic-expand-shape"

    def run(self, module: ir.Operation) -> None:
        for op in _walk_ops(module.regions[0].blocks[0]):
            if op.name != "tensor.expand_shape" or not _several_dynamic_per_group(op):
                continue
            with ir.InsertionPoint(op), op.location:
                new = _expand_as_reshape(op)
            op.results[0].replace_all_uses_with(new)
            op.erase()


def _several_dynamic_per_group(op: ir.Operation) -> bool:
    t = ir.RankedTensorType(op.results[0].type)
    for g in ir.ArrayAttr(op.attributes["reassociation"]):
        dims = [int(ir.IntegerAttr(i).value) for i in ir.ArrayAttr(g)]
        if sum(1 for d in dims if t.is_dynamic_dim(d)) > 1:
            return True
    return False


def _expand_as_reshape(op: ir.Operation) -> ir.Value:
    from mlir.dialects import arith, tensor

    t = ir.RankedTensorType(op.results[0].type)
    dyn = list(op.operands)[1:]  # the dynamic entries of output_shape, in order
    index = ir.IndexType.get()
    sizes, k = [], 0
    for d in range(t.rank):
        if t.is_dynamic_dim(d):
            sizes.append(dyn[k])
            k += 1
        else:
            sizes.append(arith.constant(index, int(t.shape[d])))
    shape = tensor.from_elements(ir.RankedTensorType.get([t.rank], index), sizes)
    return tensor.reshape(t, op.operands[0], shape)


# Loop orders for the naive loop schedule: the reduction dims move out and the innermost loop
# runs over a unit-stride parallel dim of the output, so LLVM's loop vectorizer applies.
_INTERCHANGES = {
    "linalg.matmul": [0, 2, 1],  # (i, j, k) -> (i, k, j)
    "linalg.batch_matmul": [0, 1, 3, 2],  # (b, i, j, k) -> (b, i, k, j)
    "linalg.conv_2d_nchw_fchw": [0, 1, 4, 5, 6, 2, 3],  # (n,f,oh,ow,c,kh,kw) -> (n,f,c,kh,kw,oh,ow)
}


def _interchange_script() -> str:
    """Generalise each tagged contraction and reorder its loops (`_INTERCHANGES`)."""
    s = schedule_api.Script()
    for op, perm in _INTERCHANGES.items():
        tagged = s.match(op, tag=(_INTERCHANGE_TAG, "1"), name="m")
        with s.foreach(tagged, arg="op") as one:
            one.generalize(name="g").reorder(perm)
    return s.text()


_INTERCHANGE_TAG = "strata.interchange"


@register_pass
class InterchangeContractions(ModulePass):
    """Reorder matmul / batch_matmul / NCHW conv loops so the innermost loop vectorizes
    (except for the ones the micro-kernel library will compute)."""

    name = "strata-cpu-interchange-contractions"

    def run(self, module: ir.Operation) -> None:
        ops = [
            op
            for op in _walk_ops(module.regions[0].blocks[0])
            if op.name in _INTERCHANGES and ukernels.TAG not in op.attributes
        ]
        if not ops:
            return
        for op in ops:
            op.attributes[_INTERCHANGE_TAG] = ir.StringAttr.get("1", module.context)
        schedule_api.apply(_interchange_script(), module)
        for op in _walk_ops(module.regions[0].blocks[0]):
            if _INTERCHANGE_TAG in op.attributes:
                del op.attributes[_INTERCHANGE_TAG]


@register_pass
@dataclass
class ScheduleContractions(ModulePass):
    """Apply a named CPU schedule (schedules.py) to matmul / batch_matmul / NCHW conv ops."""

    name: ClassVar[str] = "strata-cpu-schedule"
    schedule: str = "default"
    num_threads: int = 1
    # profiling builds: name each scheduled op's location after its schedule (profiling.py)
    profile: bool = False
    mcpu: str = "native"

    def run(self, module: ir.Operation) -> None:
        target = machine.describe(self.mcpu)
        params = schedules.TileParams.for_machine(target, self.num_threads)
        text = schedules.build_script(module, self.schedule, params)
        if text is None:
            return
        if self.profile:
            _name_schedules(module, self.schedule, params)
        lib = ir.Module.parse(text)
        interpreter.apply_named_sequence(module, lib.body.operations[0], lib)
        for op in _walk_ops(module.regions[0].blocks[0]):
            if schedules.TAG in op.attributes:
                del op.attributes[schedules.TAG]
        ukernels.guard_inputs(module)
        ukernels.separate_depthwise_outputs(module)


# ---- threads for the ops the schedule leaves alone ----------------------------------------------

# Loop nests of at least this many iterations are split among the threads (a fork and join of
# a warm OpenMP team costs a few microseconds; 32K elementwise iterations take ~10-30 us).
PARALLEL_MIN_ITERATIONS = 32_768
_PAR_TAG = "strata.par"


def _loop_extents(op: ir.Operation) -> list[int] | None:
    """A linalg.generic's static loop extents (from its operands' shapes), or None."""
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    extents: list[int | None] = [None] * maps[0].n_dims
    for v, m in zip(op.operands, maps, strict=False):
        if not isinstance(v.type, ir.RankedTensorType):
            return None
        t = ir.RankedTensorType(v.type)
        if not t.has_static_shape:
            return None
        for pos, e in enumerate(m.results):
            if isinstance(e, ir.AffineDimExpr):
                extents[e.position] = int(t.shape[pos])
    return None if any(e is None for e in extents) else [int(e) for e in extents if e is not None]


# NCHW pooling ops: loops (n, c, oh, ow, kh, kw), all but the window's parallel
_POOLING = ("linalg.pooling_nchw_max", "linalg.pooling_nchw_sum")


def _pooling_extents(op: ir.Operation) -> tuple[list[int], list[str]] | None:
    out = ir.RankedTensorType(op.results[0].type) if op.results else None
    window = op.operands[1].type
    if out is None or not out.has_static_shape or not isinstance(window, ir.RankedTensorType):
        return None
    extents = [int(d) for d in out.shape] + [int(d) for d in ir.RankedTensorType(window).shape]
    return extents, ["parallel"] * 4 + ["reduction"] * 2


def parallel_tiles(op: ir.Operation, threads: int) -> list[int] | None:
    """forall tile sizes that split linalg.generic (or transpose, NCHW pooling) `op` among `threads`
    along its outermost parallel loop with at least `threads` iterations, or None (too
    small, dynamic, already inside a parallel loop, or left to the micro-kernel library)."""
    if op.name not in ("linalg.generic", "linalg.transpose", *_POOLING):
        return None
    if ukernels.TAG in op.attributes:
        return None
    parent = op.parent
    while parent is not None:
        if parent.name in ("scf.forall", "scf.parallel"):
            return None
        parent = parent.parent
    if op.name in _POOLING:
        found = _pooling_extents(op)
        if found is None or math.prod(found[0]) < PARALLEL_MIN_ITERATIONS:
            return None
        return _outer_parallel(*found, threads)
    if op.name == "linalg.transpose":  # one parallel loop per dim of its result
        t = op.results[0].type if op.results else None
        if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
            return None
        dims = [int(d) for d in t.shape]
        if math.prod(dims) < PARALLEL_MIN_ITERATIONS:
            return None
        return _outer_parallel(dims, ["parallel"] * len(dims), threads)
    extents = _loop_extents(op)
    if extents is None or math.prod(extents) < PARALLEL_MIN_ITERATIONS:
        return None
    kinds = [str(ir.StringAttr(a).value) if isinstance(a, ir.StringAttr) else str(a)
             for a in ir.ArrayAttr(op.attributes["iterator_types"])]  # fmt: skip
    return _outer_parallel(extents, kinds, threads)


def _outer_parallel(extents: list[int], kinds: list[str], threads: int) -> list[int] | None:
    for d, (extent, kind) in enumerate(zip(extents, kinds, strict=True)):
        if "parallel" in kind and extent >= threads:
            sizes = [0] * len(extents)
            sizes[d] = -(-extent // threads)
            return sizes
    return None


def _library_neighbours(ops: list[ir.Operation]) -> list[ir.Operation]:
    """The ops right before and after each op left to the micro-kernel library (its fill or
    bias broadcast, its ReLU / clamp / residual add): its call takes them over after
    bufferization (ukernels.fusion_of), which a loop of their own would prevent. An op the
    schedule split among threads counts through its outermost enclosing scf.forall."""
    near: list[ir.Operation] = []
    for op in ops:
        if ukernels.TAG not in op.attributes:
            continue
        anchor = ukernels.library_anchor(op)
        for v in anchor.operands:
            if not isinstance(v.owner, ir.Block):
                near.append(v.owner.operation)
        for r in anchor.results:
            for use in r.uses:
                near.append(use.owner.operation if hasattr(use.owner, "operation") else use.owner)
    return near


@register_pass
@dataclass
class ParallelizeLoops(ModulePass):
    """Split the elementwise and reduction loop nests that no schedule handled (softmax,
    layer norm, GELU, residual adds, pooling ...) among `num_threads` threads: each
    linalg.generic of enough iterations is tiled by an scf.forall along its outermost parallel
    loop (`parallel_tiles`; schedule_api). Runs after elementwise fusion, on tensors."""

    name: ClassVar[str] = "strata-cpu-parallelize-loops"
    num_threads: int = 2

    def run(self, module: ir.Operation) -> None:
        if self.num_threads < 2:
            return
        s = schedule_api.Script()
        n = 0
        ops = _walk_ops(module.regions[0].blocks[0])
        near = _library_neighbours(ops)
        for op in ops:
            if op in near:
                continue
            sizes = parallel_tiles(op, self.num_threads)
            if sizes is None:
                continue
            key = f"p{n}"
            n += 1
            op.attributes[_PAR_TAG] = ir.StringAttr.get(key, module.context)
            s.match(op.name, tag=(_PAR_TAG, key)).tile(sizes, parallel=True)
        if n == 0:
            return
        schedule_api.apply(s.text(), module)
        for op in _walk_ops(module.regions[0].blocks[0]):
            if _PAR_TAG in op.attributes:
                del op.attributes[_PAR_TAG]


SCHED_LOC_PREFIX = "strata.sched: "  # profiling.SCHED_PREFIX


def _name_schedules(module: ir.Operation, schedule: str, params: schedules.TileParams) -> None:
    """Wrap the location of each op tagged for scheduling in a name location
    `strata.sched: <description>`; the ops the schedule makes from it keep that location, so
    a profile can say which schedule each kernel got."""
    for op in _walk_ops(module.regions[0].blocks[0]):
        if schedules.TAG in op.attributes:
            desc = schedules.describe(op, schedule, params)
            op.location = ir.Location.name(SCHED_LOC_PREFIX + desc, childLoc=op.location)


def _cores() -> int:
    """The cores this process may run on (what an OpenMP team of the default size uses)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def cpu_pipeline(
    num_threads: int | None = 1,
    schedule: str = "default",
    dynamic: bool = False,
    profile_prefix: str | None = None,
    mcpu: str = "native",
    tune_seconds: float = 0.0,
    prepack: bool = False,
) -> str:
    """The linalg-on-tensors -> LLVM dialect pipeline for `num_threads`.

    `num_threads` None means all cores (OpenMP's default team size); 1 gives sequential code
    that needs no OpenMP runtime. Unknown schedule names raise UnknownScheduleError.

    Static shapes (`dynamic=False`): results become out-parameters and every function takes
    bare pointers. `dynamic=True` (some tensor has a dynamic dim): the entry function returns
    its results as freshly allocated memrefs (the ownership-based deallocation clones any
    that alias an argument or a constant) and functions take memref descriptors; the entry
    gets MLIR's C interface (`_mlir_ciface_NAME`), which the shim calls.

    `tune_seconds`: the tuner's budget under the `tuned` schedule (tuner.py).

    `prepack`: matrix products over a weight read it packed, and the module lists the weights
    its caller must pack (`ukernels.PACKED_WEIGHTS_ATTR`, `weights.pack_b`): for the CPU
    compiler, which writes NAME.bin; the named pipelines leave it off.

    `profile_prefix` (profiling builds): names the scheduled ops' locations after their
    schedules and brackets every kernel with timer calls `PREFIX_prof_begin/end`
    (`strata-profile-kernels`, profiling.py).
    """
    schedules.get_schedule(schedule)
    library = schedule in schedules.LIBRARY_SCHEDULES
    isa = ukernels.isa_of(machine.describe(mcpu)) if library else None
    tune = f" tune-seconds={tune_seconds:g}" if schedule == "tuned" and tune_seconds > 0 else ""
    threads = 0 if num_threads is None else int(num_threads)
    parallel = threads != 1
    # the parts the schedules split work into: all cores (the team OpenMP starts) for None
    parts = threads if threads > 0 else _cores()
    omp = (
        ["scf-forall-to-parallel", f"convert-scf-to-openmp{{num-threads={threads}}}"]
        if parallel
        else ["scf-forall-to-for"]
    )
    stages = [
        "strata-cpu-mark-readonly-args",
        "strata-cpu-isolate-sizes" if dynamic else "",
        # Schedule contractions first: elementwise fusion would otherwise fold their
        # producers (e.g. BERT's GELU) into the reduction loop, recomputing them k times.
        f"strata-cpu-schedule{{schedule={schedule} num-threads={parts} mcpu={mcpu}"
        + (" profile=1}" if profile_prefix else "}"),
        "func.func(linalg-fuse-elementwise-ops)",
        "strata-cpu-release-fusion-guards" if isa else "",
        "strata-widen-bool-tensors",
        "strata-cpu-interchange-contractions",
        "canonicalize",
        # the loop nests no schedule took get the threads too
        f"strata-cpu-parallelize-loops{{num-threads={parts}}}" if parts > 1 else "",
        "strata-legalize-dynamic-expand-shape" if dynamic else "",
        "strata-cpu-distinct-results",
        "one-shot-bufferize{bufferize-function-boundaries allow-return-allocs-from-loops "
        "function-boundary-type-conversion=identity-layout-map}",
        ""
        if dynamic
        else "buffer-results-to-out-params{modify-public-functions hoist-static-allocs}",
        "buffer-deallocation-pipeline",
        "convert-bufferization-to-memref" if dynamic else "",
        # loops carrying buffers get run-time ownership flags, kept in i1 memrefs and
        # checked by a helper taking dynamic memrefs (which bare pointers cannot pass)
        "strata-widen-bool-memrefs",
        "inline",
        "symbol-dce",
        "strata-memref-copy-to-linalg",
        "canonicalize",
        # the contractions the schedule gave the micro-kernel library become its calls, with
        # the fill before and the elementwise op after them folded in
        f"strata-cpu-ukernel-calls{{mcpu={mcpu}{tune}{' prepack=1' if prepack else ''}}}"
        if isa
        else "",
        # one noinline function per loop nest keeps opt -O3 linear in model size
        "strata-outline-kernels{bare-ptr=0}" if dynamic else "strata-outline-kernels",
        "func.func(convert-linalg-to-loops)",
        f"strata-profile-kernels{{prefix={profile_prefix}}}" if profile_prefix else "",
        *omp,
        "func.func(convert-vector-to-scf{full-unroll=true})",
        "expand-strided-metadata",
        "lower-affine",
        "canonicalize",
        "func.func(loop-invariant-code-motion)",
        "finalize-memref-to-llvm{use-generic-functions}",
        "convert-scf-to-cf",
        "convert-vector-to-llvm",
        "convert-math-to-llvm",
        "convert-math-to-libm",
        "arith-expand{include-bf16=true}",  # bf16 <-> f32 conversions as integer ops
        "finalize-memref-to-llvm{use-generic-functions}",
        "convert-arith-to-llvm",
        "convert-cf-to-llvm",
        "convert-func-to-llvm"
        if dynamic
        else "convert-func-to-llvm{use-bare-ptr-memref-call-conv}",
        # after the func conversion: its own func patterns would not use bare pointers
        "convert-openmp-to-llvm" if parallel else "",
        "convert-ub-to-llvm",
        "reconcile-unrealized-casts",
        "canonicalize",
    ]
    return ",".join(s for s in stages if s)


# Lowering of linalg on tensors (static shapes) to the LLVM dialect, bare-pointer C ABI, one
# thread. compiler.py runs this named pipeline; cpu_pipeline(n) gives the n-thread variant.
CPU_LOWER_TO_LLVM = cpu_pipeline(1)

register_pipeline(
    "strata-cpu-lower-to-llvm",
    "linalg on tensors -> LLVM dialect (schedule, bufferize, out-params, loops, bare-pointer ABI)",
    CPU_LOWER_TO_LLVM,
)
register_pipeline(
    "strata-cpu-lower-to-llvm-dynamic",
    "linalg on tensors with dynamic dims -> LLVM dialect (results returned as memrefs, "
    "descriptor ABI)",
    cpu_pipeline(1, dynamic=True),
)
