"""cxx-target passes and the named pipeline `strata-cxx-lower-to-emitc`.

The cxx target is the CPU target's loop path written out as portable C++: the same
bufferization and kernel outlining (targets/cpu), no schedule (no vector dialect, no OpenMP,
no micro-kernel calls), then plain `scf` loops converted to `emitc` and translated with
`mlir-translate --mlir-to-cpp`.

* `strata-cxx-reorder-contractions`: the loops of `linalg.generic` contractions (matmuls
  with broadcast batch dims or transposed operands, which the CPU target's interchange of the
  named ops leaves alone) are reordered so that the innermost loop runs over the dim most
  operands have as their unit-stride index, when it is a parallel dim (the reductions go
  just outside it): the compiler vectorises that loop.
* `strata-cxx-name-kernels`: renames each kernel that `strata-outline-kernels` made
  (`ENTRY__kernelN`) after the ONNX nodes whose ops it computes (read from the ops'
  locations), e.g. `k3_fc0_Gemm__fc0_Relu`, and records the full node list in a
  `strata.nodes` attribute (the translator's comments).
* `strata-cxx-drop-unused-args`: arguments a kernel does not use (a pooling window's shape
  buffer) go, from the kernel and its calls (g++ -Wextra warns about unused parameters).
* `strata-cxx-hoist-buffers`: every `memref.alloc` of a static shape at the top of the entry
  function becomes an extra argument marked `{strata.scratch}` (after the outputs), its
  `memref.dealloc`s go: the generated entry point allocates the scratch buffers, so the
  kernels are plain functions of arrays. memref-to-emitc would otherwise turn the alloc into
  a pointer that no array-typed call accepts.
* `strata-cxx-promote-scalars`: 0-d memrefs (scalar inputs and outputs, scalar globals)
  become memref<1xT> (emitc arrays have a rank of at least 1); their loads and stores get
  the index 0.
* `strata-cxx-check-buffers`: a buffer made inside a function at run time (an scf op
  yielding a memref, an alloc in a loop or branch, a view the alias folding left) is an
  `UnsupportedOpError` naming the op and its nodes (the emitc conversion would abort).
* `strata-cxx-prepare-emitc`: what `convert-to-emitc` cannot take as it is: scalar `math`
  ops and `arith.remf` become `emitc.call_opaque "std::NAME"` (<cmath>; float16 through
  float), float16 constants float ones cast to _Float16 (the `f16` literal is not C++17),
  `arith.divui` / `arith.remui` calls of `strata_divu<uintN_t>` / `strata_remu<uintN_t>`,
  `math.absi` `std::abs`, `arith.divsi` / `arith.remsi` of index values i64 ones (the
  conversion writes them unsigned), `arith.bitcast` a call of the
  generated `strata_bit_cast<T>` (memcpy: C++17 has no std::bit_cast), the `alignment` of
  `memref.global`s and the LLVM-only function attributes go (the includes are the
  driver's: source.py writes them around the translated text).
* `strata-cxx-check-emitc`: after the conversion, any op that is not emitc / func-like (an op
  the emitc path cannot lower) is an `UnsupportedOpError` naming the op and its ONNX node.

Dependency contract: the `mlir` bindings, `strata.errors`, `strata.passes.registry`,
`strata.targets.cpu.{abi,passes,profiling}`, `strata.targets.cxx.buffers` (its pass, `walk`).
"""

from __future__ import annotations

import math
import re

from mlir import ir
from mlir.dialects import arith, emitc, memref
from mlir.dialects import func as func_d
from mlir.dialects.transform import interpreter

from strata.errors import UnsupportedOpError
from strata.passes.registry import ModulePass, register_pass, register_pipeline
from strata.targets.cpu.abi import c_identifier
from strata.targets.cpu.passes import public_funcs
from strata.targets.cxx import buffers  # noqa: F401  (registers strata-cxx-lower-buffers)
from strata.targets.cxx.buffers import walk

SCRATCH_ATTR = "strata.scratch"
NODES_ATTR = "strata.nodes"
KERNEL_RE = re.compile(r"^(.*)__kernel(\d+)$")

# scalar math op -> (C++ callee, arity); rsqrt is 1 / std::sqrt.
MATH_CALLS = {
    "math.absf": "std::fabs", "math.ceil": "std::ceil", "math.floor": "std::floor",
    "math.round": "std::round", "math.roundeven": "std::nearbyint", "math.trunc": "std::trunc",
    "math.sqrt": "std::sqrt", "math.cbrt": "std::cbrt", "math.exp": "std::exp",
    "math.exp2": "std::exp2", "math.expm1": "std::expm1", "math.log": "std::log",
    "math.log2": "std::log2", "math.log10": "std::log10", "math.log1p": "std::log1p",
    "math.sin": "std::sin", "math.cos": "std::cos", "math.tan": "std::tan",
    "math.asin": "std::asin", "math.acos": "std::acos", "math.atan": "std::atan",
    "math.sinh": "std::sinh", "math.cosh": "std::cosh", "math.tanh": "std::tanh",
    "math.asinh": "std::asinh", "math.acosh": "std::acosh", "math.atanh": "std::atanh",
    "math.erf": "std::erf", "math.erfc": "std::erfc", "math.atan2": "std::atan2",
    "math.powf": "std::pow", "math.copysign": "std::copysign", "math.fma": "std::fma",
    "arith.remf": "std::fmod",
    "math.isnan": "std::isnan", "math.isinf": "std::isinf", "math.isfinite": "std::isfinite",
}  # fmt: skip
_FLOATS = ("f32", "f64")
# integer ops arith-to-emitc does not convert -> (callee, whether it takes the unsigned type
# as a template argument); source.INT_HELPERS defines the strata_ ones.
INT_CALLS = {
    "arith.divui": ("strata_divu", True),
    "arith.remui": ("strata_remu", True),
    "math.absi": ("std::abs", False),
}


def node_names(loc: ir.Location, out: dict[str, None]) -> None:
    """The ONNX node names in `loc` (name locations, through fused and call-site ones)."""
    if loc.is_a_name():
        if loc.name_str:
            out[loc.name_str] = None
        node_names(loc.child_loc, out)
    elif loc.is_a_fused():
        for sub in loc.locations:
            node_names(sub, out)
    elif loc.is_a_callsite():
        node_names(loc.callee, out)


def nodes_of(op: ir.Operation) -> list[str]:
    found: dict[str, None] = {}
    for o in walk(op):
        if o.name not in ("arith.constant", "func.return", "func.func"):
            node_names(o.location, found)
    return list(found)


def _kernel_ident(index: int, nodes: list[str], taken: set[str]) -> str:
    if not nodes:
        base = f"k{index}"
    elif len(nodes) <= 3:
        base = f"k{index}_" + "__".join(nodes)
    else:
        base = f"k{index}_{nodes[0]}__to__{nodes[-1]}"
    base = re.sub(r"[^A-Za-z0-9_]", "_", base)
    base = re.sub(r"_{3,}", "__", base)[:80].rstrip("_")
    return c_identifier(base, taken)


@register_pass
class NameKernels(ModulePass):
    """Rename outlined kernels after the ONNX nodes they compute (strata.nodes lists them)."""

    name = "strata-cxx-name-kernels"

    def run(self, module: ir.Operation) -> None:
        taken = {
            ir.StringAttr(op.attributes["sym_name"]).value
            for op in module.regions[0].blocks[0].operations
            if "sym_name" in op.attributes
        }
        for view in list(module.regions[0].blocks[0].operations):
            op = view.operation
            if op.name != "func.func":
                continue
            old = ir.StringAttr(op.attributes["sym_name"]).value
            m = KERNEL_RE.match(old)
            if m is None:
                continue
            nodes = nodes_of(op)
            new = _kernel_ident(int(m.group(2)), nodes, taken)
            op.attributes[NODES_ATTR] = ir.ArrayAttr.get([ir.StringAttr.get(n) for n in nodes])
            _comment(op, nodes)
            ir.SymbolTable.replace_all_symbol_uses(old, new, module)
            ir.SymbolTable.set_symbol_name(op, new)


def _comment(func: ir.Operation, nodes: list[str]) -> None:
    """A `// computes ONNX node(s) ...` line above the kernel."""
    if not nodes:
        return
    shown = ", ".join(nodes)
    if len(shown) > 300:
        shown = shown[:300] + ", ..."
    shown = re.sub(r"[\x00-\x1f\\]", "?", shown)
    label = "node" if len(nodes) == 1 else "nodes"
    with ir.InsertionPoint(func), ir.Location.unknown():
        emitc.VerbatimOp(f"// computes ONNX {label} {shown}", [])


_REORDER_TAG = "strata.cxx_reorder"


def _contraction_order(op: ir.Operation) -> list[int] | None:
    """The loop order for a `linalg.generic` contraction (a reduction dim that two inputs
    index): the dim that most operands have as their unit-stride (last) index goes innermost
    when it is a parallel dim, the reductions just outside it, so the innermost loop walks
    rows and the compiler can vectorise it. None: leave the op as it is."""
    attrs = op.attributes
    if "indexing_maps" not in attrs or "iterator_types" not in attrs:
        return None
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(attrs["indexing_maps"])]
    iters = [str(t) for t in ir.ArrayAttr(attrs["iterator_types"])]
    reduction = [i for i, t in enumerate(iters) if "reduction" in t]
    n_in = len(op.operands) - len(op.results) if op.results else len(op.operands) - 1
    if not reduction or n_in < 2 or any(o.name == "linalg.index" for o in walk(op)):
        return None
    dims: list[list[int]] = []
    for m in maps:
        ds = []
        for e in m.results:
            if not isinstance(e, ir.AffineDimExpr):
                return None  # not a projected permutation (e.g. a convolution's window)
            ds.append(e.position)
        dims.append(ds)
    if not any(sum(1 for ds in dims[:n_in] if r in ds) >= 2 for r in reduction):
        return None
    score = [0] * len(iters)
    for ds in dims:
        if ds:
            score[ds[-1]] += 1
    inner = max(range(len(iters)), key=lambda d: (score[d], d not in reduction, d))
    if inner in reduction:
        return None
    order = [d for d in range(len(iters)) if d not in reduction and d != inner]
    order += [d for d in reduction] + [inner]
    return None if order == list(range(len(iters))) else order


@register_pass
class ReorderContractions(ModulePass):
    """Reorder the loops of linalg.generic contractions (matmuls with broadcast batch dims,
    transposed operands: what strata-cpu-interchange-contractions, which takes the named
    ops, leaves) so the innermost loop is unit-stride (`_contraction_order`)."""

    name = "strata-cxx-reorder-contractions"

    def run(self, module: ir.Operation) -> None:
        plans: list[list[int]] = []
        for op in walk(module):
            if op.name != "linalg.generic":
                continue
            order = _contraction_order(op)
            if order is None:
                continue
            op.attributes[_REORDER_TAG] = ir.StringAttr.get(str(len(plans)), module.context)
            plans.append(order)
        if not plans:
            return
        body = "".join(
            f"""
    %m{i} = transform.structured.match ops{{["linalg.generic"]}}
      attributes{{{_REORDER_TAG} = "{i}"}} in %root : (!transform.any_op) -> !transform.any_op
    %x{i} = transform.structured.interchange %m{i} iterator_interchange = {order}
      : (!transform.any_op) -> !transform.any_op"""
            for i, order in enumerate(plans)
        )
        text = f"""
module attributes {{transform.with_named_sequence}} {{
  transform.named_sequence @__transform_main(%root: !transform.any_op {{transform.readonly}}) {{
    {body}
    transform.yield
  }}
}}"""
        lib = ir.Module.parse(text, module.context)
        interpreter.apply_named_sequence(module, lib.body.operations[0], lib)
        for op in walk(module):
            if _REORDER_TAG in op.attributes:
                del op.attributes[_REORDER_TAG]


@register_pass
class DropUnusedArgs(ModulePass):
    """Remove the arguments a private kernel does not use (a pooling window's shape buffer)
    from it and its calls: g++ -Wextra warns about unused parameters."""

    name = "strata-cxx-drop-unused-args"

    def run(self, module: ir.Operation) -> None:
        body = module.regions[0].blocks[0]
        dropped: dict[str, list[int]] = {}
        for view in body.operations:
            op = view.operation
            attrs = op.attributes
            if op.name != "func.func" or not len(op.regions[0].blocks):
                continue
            if "sym_visibility" not in attrs or ir.StringAttr(attrs["sym_visibility"]).value != (
                "private"
            ):
                continue
            block = op.regions[0].blocks[0]
            unused = [i for i, a in enumerate(block.arguments) if not list(a.uses)]
            if not unused:
                continue
            for i in reversed(unused):
                block.erase_argument(i)
            ftype = ir.FunctionType(ir.TypeAttr(attrs["function_type"]).value)
            keep = [t for i, t in enumerate(ftype.inputs) if i not in unused]
            op.attributes["function_type"] = ir.TypeAttr.get(
                ir.FunctionType.get(keep, list(ftype.results))
            )
            if "arg_attrs" in attrs:
                kept = [
                    d for i, d in enumerate(ir.ArrayAttr(attrs["arg_attrs"])) if i not in unused
                ]
                op.attributes["arg_attrs"] = ir.ArrayAttr.get(kept)
            dropped[ir.StringAttr(attrs["sym_name"]).value] = unused
        if not dropped:
            return
        for call in walk(module):
            if call.name != "func.call":
                continue
            callee = ir.FlatSymbolRefAttr(call.attributes["callee"]).value
            if callee not in dropped:
                continue
            args = [v for i, v in enumerate(call.operands) if i not in dropped[callee]]
            with ir.InsertionPoint(call), call.location:
                func_d.CallOp([], ir.FlatSymbolRefAttr.get(callee), args)
            call.erase()


@register_pass
class HoistBuffers(ModulePass):
    """Static memref.alloc at the top of public functions -> scratch arguments."""

    name = "strata-cxx-hoist-buffers"

    def run(self, module: ir.Operation) -> None:
        for func in public_funcs(module):
            self._run_on(func)

    def _run_on(self, func: ir.Operation) -> None:
        block = func.regions[0].blocks[0]
        ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
        inputs = list(ftype.inputs)
        attrs = func.attributes
        dicts = []
        if "arg_attrs" in attrs:
            dicts = [ir.DictAttr(d) for d in ir.ArrayAttr(attrs["arg_attrs"])]
        dicts += [ir.DictAttr.get({}) for _ in range(len(inputs) - len(dicts))]
        hoisted = 0
        for op in list(block.operations):
            op = op.operation
            if op.name != "memref.alloc" or len(op.operands):
                continue
            t = ir.MemRefType(op.results[0].type)
            if not t.has_static_shape:
                continue
            used = False
            for use in list(op.results[0].uses):
                user = use.owner.operation if isinstance(use.owner, ir.OpView) else use.owner
                if user.name == "memref.dealloc":
                    user.erase()
                else:
                    used = True
            if not used:  # only freed (its users were dropped as unused arguments)
                op.erase()
                continue
            arg = block.add_argument(t, op.location)
            op.results[0].replace_all_uses_with(arg)
            op.erase()
            inputs.append(t)
            dicts.append(ir.DictAttr.get({SCRATCH_ATTR: ir.UnitAttr.get()}))
            hoisted += 1
        if not hoisted:
            return
        func.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(inputs, list(ftype.results))
        )
        func.attributes["arg_attrs"] = ir.ArrayAttr.get(dicts)


def _scalar_memref(t: ir.Type) -> ir.MemRefType | None:
    if isinstance(t, ir.MemRefType) and t.rank == 0:
        return ir.MemRefType.get([1], t.element_type)
    return None


@register_pass
class PromoteScalars(ModulePass):
    """0-d memrefs (scalar inputs, outputs, globals) -> memref<1xT>: emitc arrays have a rank
    of at least 1. Loads and stores get the index 0."""

    name = "strata-cxx-promote-scalars"

    def run(self, module: ir.Operation) -> None:
        with ir.Location.unknown(module.context):
            self._run(module)

    def _run(self, module: ir.Operation) -> None:
        body = module.regions[0].blocks[0]
        for view in body.operations:
            op = view.operation
            if op.name == "memref.global":
                t = ir.TypeAttr(op.attributes["type"]).value
                new = _scalar_memref(t)
                if new is None:
                    continue
                op.attributes["type"] = ir.TypeAttr.get(new)
                if "initial_value" in op.attributes:
                    init = op.attributes["initial_value"]
                    if isinstance(init, ir.DenseElementsAttr) or str(init).startswith("dense<"):
                        value = str(init).rsplit(":", 1)[0].strip()
                        elem = ir.MemRefType(t).element_type
                        op.attributes["initial_value"] = ir.Attribute.parse(
                            f"{value} : tensor<1x{elem}>"
                        )
            elif op.name == "func.func":
                self._func(op)

    def _func(self, f: ir.Operation) -> None:
        ftype = ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value)
        ins = [_scalar_memref(t) or t for t in ftype.inputs]
        outs = [_scalar_memref(t) or t for t in ftype.results]
        f.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(ins, outs))
        if not len(f.regions[0].blocks):
            return
        for op in walk(f):
            for region in op.regions:
                for block in region.blocks:
                    for arg in block.arguments:
                        new = _scalar_memref(arg.type)
                        if new is not None:
                            arg.set_type(new)
            if op.name in ("memref.load", "memref.store"):
                mem = op.operands[0 if op.name == "memref.load" else 1]
                if isinstance(mem.type, ir.MemRefType) and mem.type.rank == 0:
                    self._index(op)
            for r in op.results:
                new = _scalar_memref(r.type)
                if new is not None:
                    r.set_type(new)
        for op in walk(f):  # loads and stores of values promoted after their access was seen
            if op.name in ("memref.load", "memref.store"):
                self._index(op)

    def _index(self, op: ir.Operation) -> None:
        """Give a load / store of a promoted buffer its index 0."""
        is_load = op.name == "memref.load"
        mem = op.operands[0 if is_load else 1]
        t = mem.type
        n_idx = len(op.operands) - (1 if is_load else 2)
        if not isinstance(t, ir.MemRefType) or t.rank != 1 or n_idx != 0:
            return
        with ir.InsertionPoint(op), op.location:
            zero = arith.constant(ir.IndexType.get(), 0)
            if is_load:
                new = memref.load(mem, [zero])
                op.results[0].replace_all_uses_with(new)
            else:
                memref.store(op.operands[0], mem, [zero])
        op.erase()


# Ops that may produce a buffer: the emitc path needs each to be a static array that a
# function argument, a local array (alloca) or a constant (global) gives.
_BUFFER_OPS = ("memref.alloca", "memref.get_global")


@register_pass
class CheckBuffers(ModulePass):
    """Before the emitc conversion: a buffer that is chosen or allocated at run time inside
    a function (an scf op yielding a memref, an alloc in a loop or branch, a view the alias
    folding left) is an UnsupportedOpError (memref-to-emitc would abort or leave casts)."""

    name = "strata-cxx-check-buffers"

    def run(self, module: ir.Operation) -> None:
        bad: dict[str, dict[str, None]] = {}
        for op in walk(module):
            if op.name in ("func.func", "builtin.module"):
                continue
            kinds = [r.type for r in op.results]
            for region in op.regions:
                for block in region.blocks:
                    kinds += [a.type for a in block.arguments]
            if op.name in _BUFFER_OPS or not any(isinstance(t, ir.MemRefType) for t in kinds):
                continue
            nodes: dict[str, None] = {}
            node_names(op.location, nodes)
            bad.setdefault(op.name, {}).update(nodes or {"?": None})
        if bad:
            note = (
                "a buffer allocated, viewed or chosen at run time inside a function: the cxx "
                "target's emitc path needs every buffer to be a static array"
            )
            raise UnsupportedOpError({k: list(v) for k, v in bad.items()}, dict.fromkeys(bad, note))


def _retype_to_i64(v: ir.Value, block: ir.Block) -> None:
    """Block argument `v` (index) becomes i64; its uses read an index_cast of it."""
    uses = [(u.owner, u.operand_number) for u in v.uses]
    v.set_type(ir.IntegerType.get_signless(64))
    first = block.operations[0].operation  # a block of scf.while ends in its terminator
    with ir.InsertionPoint(first), first.location:
        back = arith.index_cast(ir.IndexType.get(), v)
    for owner, n in uses:
        owner.operands[n] = back


def _to_i64(op: ir.Operation, n: int) -> None:
    """Operand `n` of `op` (index) through an index_cast to i64."""
    with ir.InsertionPoint(op), op.location:
        op.operands[n] = arith.index_cast(ir.IntegerType.get_signless(64), op.operands[n])


def _while_index_to_i64(w: ir.Operation) -> None:
    """The index values an scf.while carries become i64 (with index_casts around them):
    scf-to-emitc assigns its loop variables from values that convert-to-emitc has not
    converted to size_t yet, which fails for index."""
    before, after = w.regions[0].blocks[0], w.regions[1].blocks[0]
    cond = before.operations[len(before.operations) - 1].operation
    yld = after.operations[len(after.operations) - 1].operation
    for k, a in enumerate(list(before.arguments)):
        if isinstance(a.type, ir.IndexType):
            _to_i64(w, k)
            _to_i64(yld, k)
            _retype_to_i64(a, before)
    for j, r in enumerate(list(w.results)):
        if not isinstance(r.type, ir.IndexType):
            continue
        _to_i64(cond, 1 + j)
        _retype_to_i64(after.arguments[j], after)
        uses = [(u.owner, u.operand_number) for u in r.uses]
        r.set_type(ir.IntegerType.get_signless(64))
        with ir.InsertionPoint(_next_op(w)), w.location:
            back = arith.index_cast(ir.IndexType.get(), r)
        for owner, n in uses:
            owner.operands[n] = back


def _next_op(op: ir.Operation) -> ir.Operation:
    block = op.block
    found = False
    for o in block.operations:
        if found:
            return o.operation
        if o.operation == op:
            found = True
    raise AssertionError("scf.while is its block's terminator")


@register_pass
class PrepareEmitc(ModulePass):
    """math ops -> std:: calls, arith.bitcast -> strata_bit_cast<T>, includes, attributes."""

    name = "strata-cxx-prepare-emitc"

    def run(self, module: ir.Operation) -> None:
        body = module.regions[0].blocks[0]
        for top in list(body.operations):
            top = top.operation
            if top.name == "memref.global" and "alignment" in top.attributes:
                del top.attributes["alignment"]
            for a in ("llvm.linkage", "passthrough", "llvm.emit_c_interface"):
                if a in top.attributes:
                    del top.attributes[a]
        for op in walk(module):
            if op.name == "scf.while":
                _while_index_to_i64(op)
        for op in walk(module):
            if op.name in MATH_CALLS:
                self._math(op)
            elif op.name in INT_CALLS:
                self._int(op, *INT_CALLS[op.name])
            elif op.name == "arith.constant" and str(op.results[0].type) == "f16":
                self._f16_constant(op)
            elif op.name in ("arith.divsi", "arith.remsi") and isinstance(
                op.results[0].type, ir.IndexType
            ):
                self._signed_index(op)
            elif op.name == "arith.bitcast" and len(op.results) == 1:
                res = op.results[0].type
                if isinstance(res, ir.ShapedType):
                    continue  # left for the check to report
                self._call(op, "strata_bit_cast", [ir.TypeAttr.get(res)])

    def _math(self, op: ir.Operation) -> None:
        types = [str(v.type) for v in op.operands]
        callee = MATH_CALLS[op.name]
        if types and all(t == "f16" for t in types) and str(op.results[0].type) == "f16":
            self._f16_call(op, callee)  # <cmath> has no _Float16 overloads: in float
            return
        if not types or any(t not in _FLOATS for t in types):
            return  # vector / other element types: left for the check to report
        if "fastmath" in op.attributes:
            del op.attributes["fastmath"]
        self._call(op, callee, None)

    def _f16_constant(self, op: ir.Operation) -> None:
        """A float16 constant as a float literal cast to _Float16 (`emitc.literal`): the
        translator's `f16` literal suffix is not C++17 (g++ 12 refuses it), and a cast op
        would be folded back into the constant by the conversion."""
        value = ir.FloatAttr(op.attributes["value"]).value
        if math.isnan(value):
            text = "NAN"
        elif math.isinf(value):
            text = "HUGE_VALF" if value > 0 else "-HUGE_VALF"
        else:
            text = f"{value!r}f"  # 0.5f, 1e-05f, 3.0f: float literals
        with ir.InsertionPoint(op), op.location:
            r = emitc.LiteralOp(op.results[0].type, f"static_cast<_Float16>({text})").result
        op.results[0].replace_all_uses_with(r)
        op.erase()

    def _signed_index(self, op: ir.Operation) -> None:
        """Signed division of index values in i64: arith-to-emitc writes it as `/` / `%` of
        size_t (unsigned), wrong for a negative operand (a reflect pad's index)."""
        i64 = ir.IntegerType.get_signless(64)
        with ir.InsertionPoint(op), op.location:
            a, b = (arith.index_cast(i64, v) for v in op.operands)
            r = arith.divsi(a, b) if op.name == "arith.divsi" else arith.remsi(a, b)
            r = arith.index_cast(ir.IndexType.get(), r)
        op.results[0].replace_all_uses_with(r)
        op.erase()

    def _int(self, op: ir.Operation, callee: str, unsigned: bool) -> None:
        """An integer op arith-to-emitc has no pattern for: a call (strata_divu<uintN_t>,
        std::abs, ...) on the operands; index values go through i64 (index_cast)."""
        t = op.results[0].type
        is_index = isinstance(t, ir.IndexType)
        if not is_index and not (isinstance(t, ir.IntegerType) and t.width > 1):
            return  # left for the check to report
        i64 = ir.IntegerType.get_signless(64)
        width = 64 if is_index else ir.IntegerType(t).width
        template = [ir.TypeAttr.get(ir.IntegerType.get_unsigned(width))] if unsigned else None
        with ir.InsertionPoint(op), op.location:
            args = [arith.index_cast(i64, v) if is_index else v for v in op.operands]
            r = emitc.call_opaque(
                [i64 if is_index else t],
                callee,
                args,
                template_args=ir.ArrayAttr.get(template) if template else None,
            )
            if is_index:
                r = arith.index_cast(t, r)
        op.results[0].replace_all_uses_with(r)
        op.erase()

    def _f16_call(self, op: ir.Operation, callee: str) -> None:
        f32 = ir.F32Type.get()
        with ir.InsertionPoint(op), op.location:
            wide = [arith.extf(f32, v) for v in op.operands]
            r = emitc.call_opaque([f32], callee, wide)
            r = arith.truncf(op.results[0].type, r)
        op.results[0].replace_all_uses_with(r)
        op.erase()

    def _call(self, op: ir.Operation, callee: str, template: list[ir.Attribute] | None) -> None:
        with ir.InsertionPoint(op), op.location:
            r = emitc.call_opaque(
                [op.results[0].type],
                callee,
                list(op.operands),
                template_args=ir.ArrayAttr.get(template) if template else None,
            )
        op.results[0].replace_all_uses_with(r)
        op.erase()


BF16 = "bfloat16 values"


def _bf16(op: ir.Operation) -> bool:
    """Whether `op` computes on or stores bf16 (C++17 has no such type; g++ 12 has no __bf16
    either, which is what the translator writes)."""
    return any("bf16" in str(v.type) for v in (*op.operands, *op.results))


def _why(op_name: str) -> str:
    if op_name == BF16:
        return "C++17 has no bfloat16 type and the translator's __bf16 is not portable"
    if op_name == "builtin.unrealized_conversion_cast":
        return "a value of a type emitc has no C++ form for, e.g. a dynamic or 0-d buffer"
    if op_name.startswith("memref."):
        return "a buffer view or allocation memref-to-emitc does not convert"
    return "no emitc conversion for this op or its element type"


_ALLOWED_PREFIXES = ("emitc.", "func.", "builtin.module")


@register_pass
class CheckEmitc(ModulePass):
    """Fail with UnsupportedOpError on any op the emitc conversion left (not translatable)."""

    name = "strata-cxx-check-emitc"

    def run(self, module: ir.Operation) -> None:
        bad: dict[str, dict[str, None]] = {}
        for op in walk(module):
            if op.name.startswith(_ALLOWED_PREFIXES) and not _bf16(op):
                continue
            nodes: dict[str, None] = {}
            node_names(op.location, nodes)
            key = BF16 if _bf16(op) else op.name
            bad.setdefault(key, {}).update(nodes or {"?": None})
        if bad:
            raise UnsupportedOpError(
                {k: list(v) for k, v in bad.items()},
                {k: f"the cxx target's emitc path cannot lower {k} ({_why(k)})" for k in bad},
            )


def cxx_bufferize(dynamic: bool = False) -> str:
    """linalg on tensors -> loops on memrefs: the CPU target's bufferization and outlining,
    no schedule, plain loops.

    Static shapes (`dynamic=False`): results become out-parameters and static allocations
    scratch arguments of the entry (the kernels are functions of C arrays). `dynamic=True`
    (some value has a run-time dim, or a buffer is chosen at run time): as the cpu target's
    dynamic pipeline, the entry returns its results as fresh buffers, allocations stay in
    the code, and the views are reduced to reinterpret_cast / extract_strided_metadata for
    `strata-cxx-lower-buffers` (buffers.py)."""
    stages = [
        "strata-cpu-mark-readonly-args",
        "strata-cpu-isolate-sizes" if dynamic else "",
        "func.func(linalg-fuse-elementwise-ops)",
        "strata-widen-bool-tensors",
        "strata-cpu-interchange-contractions",
        "strata-cxx-reorder-contractions",
        "canonicalize",
        "strata-legalize-dynamic-expand-shape" if dynamic else "",
        "strata-cpu-distinct-results",
        "one-shot-bufferize{bufferize-function-boundaries allow-return-allocs-from-loops "
        "function-boundary-type-conversion=identity-layout-map}",
        ""
        if dynamic
        else "buffer-results-to-out-params{modify-public-functions hoist-static-allocs}",
        "buffer-deallocation-pipeline",
        "convert-bufferization-to-memref" if dynamic else "",
        "strata-widen-bool-memrefs",
        "inline",
        "symbol-dce",
        "strata-memref-copy-to-linalg",
        "canonicalize",
        "strata-outline-kernels{bare-ptr=0}" if dynamic else "strata-outline-kernels",
        "strata-cxx-name-kernels",
        "func.func(convert-linalg-to-loops)",
        "fold-memref-alias-ops",
        "expand-strided-metadata" if dynamic else "",
        "lower-affine",
        "arith-expand",
        "canonicalize",
        "strata-cxx-drop-unused-args",
        "" if dynamic else "strata-cxx-hoist-buffers",
    ]
    return ",".join(s for s in stages if s)


def cxx_to_emitc(dynamic: bool = False) -> str:
    """loops on memrefs -> emitc: static arrays (memref-to-emitc), or with `dynamic` every
    buffer a strata_buf (strata-cxx-lower-buffers)."""
    stages = [
        "strata-cxx-lower-buffers" if dynamic else "strata-cxx-check-buffers",
        "" if dynamic else "strata-cxx-promote-scalars",
        "strata-cxx-prepare-emitc",
        "convert-to-emitc",
        "reconcile-unrealized-casts",
        "canonicalize",
        "strata-cxx-drop-dead-values" if dynamic else "",
        "strata-cxx-check-emitc",
    ]
    return ",".join(s for s in stages if s)


CXX_BUFFERIZE = cxx_bufferize()
CXX_TO_EMITC = cxx_to_emitc()

register_pipeline(
    "strata-cxx-lower-to-emitc",
    "linalg on tensors -> emitc (bufferize, outline kernels named after their ONNX nodes, "
    "plain loops, scratch buffers as entry arguments); then mlir-translate --mlir-to-cpp",
    f"{CXX_BUFFERIZE},{CXX_TO_EMITC}",
)
register_pipeline(
    "strata-cxx-lower-to-emitc-dynamic",
    "linalg on tensors with run-time dims -> emitc (results returned as fresh buffers, every "
    "buffer a strata_buf<T, R> pointer + sizes + strides, helper calls for the memref ops)",
    f"{cxx_bufferize(True)},{cxx_to_emitc(True)}",
)
