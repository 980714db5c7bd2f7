"""Profiling builds: timers around every kernel, and the kernel table that describes them.

A model compiled with `profile=True` (`stratac --profile`) is the ordinary build plus:

* `strata-profile-kernels{prefix=P}` (runs after `convert-linalg-to-loops`): in each public
  function, every *timed unit* — a call of an outlined kernel (`strata-outline-kernels`) or a
  loop nest that stayed inline (one that yields values) — is bracketed by calls
  `P_prof_begin(id)` / `P_prof_end(id)`; the whole function is slot `len(units)`. It describes
  each unit in the module attribute `strata.profile` (JSON, read and removed by the compile
  driver): its name, the ONNX node names from the locations of its ops, the schedule chosen
  (the `strata.sched:` name locations that `strata-cpu-schedule{profile=1}` puts on the ops it
  schedules), the floating-point operations it executes, the bytes of the buffers it touches
  and its argument types.
* the timing runtime (`render_runtime`), appended to the C shim: per-slot nanosecond and call
  counters (clock_gettime(CLOCK_MONOTONIC)), read by `NAME__strata_profile_read` and cleared by
  `NAME__strata_profile_reset` (`strata.profile` calls both through ctypes).

FLOPs are counted on the generated loops, not on the ONNX graph: each floating-point op
(`arith` add/sub/mul/div/rem/neg/max/min/cmp, any `math` op) counts one per element, an FMA
(`math.fma`, `vector.fma`, an accumulating `vector.outerproduct`) two, times the static trip
counts of the loops around it. A unit with a dynamic trip count around a floating-point op has
unknown FLOPs (None). Bytes are the compulsory traffic: every distinct buffer the unit
touches, counted once (its static size; None when dynamic).

Dependency contract: the `mlir` bindings, `strata.passes.registry` and
`strata.targets.cpu.outline` (the ops it clones into kernels) only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from mlir import ir
from mlir.dialects import func

from strata.passes.registry import ModulePass, register_pass
from strata.targets.cpu.outline import CLONED

# Name-location prefix of the schedule applied to an op (strata-cpu-schedule{profile=1}).
SCHED_PREFIX = "strata.sched: "
TABLE_ATTR = "strata.profile"
TABLE_VERSION = 1

# Ops that are not a unit's own work when they sit at the top of a kernel: cloned constants
# and views (outline.py clones them into each kernel), whose locations name other nodes.
_SETUP = CLONED | {"func.return"}
_FLOAT_ARITH = {
    "arith.addf",
    "arith.subf",
    "arith.mulf",
    "arith.divf",
    "arith.remf",
    "arith.negf",
    "arith.maximumf",
    "arith.minimumf",
    "arith.maxnumf",
    "arith.minnumf",
    "arith.cmpf",
}


@register_pass
@dataclass
class ProfileKernelsPass(ModulePass):
    """Bracket each kernel call / inline loop nest of public functions with profiling timers."""

    name: ClassVar[str] = "strata-profile-kernels"
    # the timer functions are PREFIX_prof_begin / PREFIX_prof_end (i64 slot id)
    prefix: str = "strata"

    def run(self, module: ir.Operation) -> None:
        with module.context, ir.Location.unknown():
            body = module.regions[0].blocks[0]
            symbols = ir.SymbolTable(module)
            entries = [
                op.operation
                for op in body.operations
                if op.operation.name == "func.func" and _public_definition(op.operation)
            ]
            units: list[dict[str, Any]] = []
            begin, end = f"{self.prefix}_prof_begin", f"{self.prefix}_prof_end"
            for f in entries:
                _instrument(f, symbols, units, begin, end)
            totals = [len(units) + i for i in range(len(entries))]
            for f, slot in zip(entries, totals, strict=True):
                _bracket_function(f, slot, begin, end)
            if not entries:
                return
            i64 = ir.IntegerType.get_signless(64)
            with ir.InsertionPoint.at_block_begin(body):
                for sym in (begin, end):
                    if sym not in symbols:
                        decl = func.FuncOp(sym, ([i64], []))
                        decl.attributes["sym_visibility"] = ir.StringAttr.get("private")
            table = {
                "version": TABLE_VERSION,
                "units": units,
                "totals": [
                    {"slot": s, "function": ir.StringAttr(f.attributes["sym_name"]).value}
                    for f, s in zip(entries, totals, strict=True)
                ],
                "slots": len(units) + len(totals),
            }
            module.attributes[TABLE_ATTR] = ir.StringAttr.get(json.dumps(table))


def read_table(module: ir.Operation, remove: bool = True) -> dict[str, Any] | None:
    """The kernel table `strata-profile-kernels` left on `module` (None if it did not run)."""
    if TABLE_ATTR not in module.attributes:
        return None
    table = json.loads(ir.StringAttr(module.attributes[TABLE_ATTR]).value)
    if remove:
        del module.attributes[TABLE_ATTR]
    return dict(table)


def _public_definition(f: ir.Operation) -> bool:
    vis = f.attributes.get("sym_visibility", None)
    return bool(f.regions[0].blocks) and (vis is None or ir.StringAttr(vis).value == "public")


def _slot(value: int) -> ir.Value:
    from mlir.dialects import arith

    return arith.constant(ir.IntegerType.get_signless(64), value)


def _call(sym: str, slot: int) -> None:
    func.CallOp([], ir.FlatSymbolRefAttr.get(sym), [_slot(slot)])


def _instrument(
    f: ir.Operation, symbols: ir.SymbolTable, units: list[dict[str, Any]], begin: str, end: str
) -> None:
    fname = ir.StringAttr(f.attributes["sym_name"]).value
    inline = 0
    for block in f.regions[0].blocks:
        ops = [view.operation for view in block.operations]
        for i, op in enumerate(ops):
            callee = _kernel_callee(op, symbols)
            if callee is not None:
                unit = _describe_kernel(callee)
            elif op.regions:
                unit = _describe_inline(op, f"{fname}:inline{inline}")
                inline += 1
            else:
                continue
            slot = len(units)
            unit["id"] = slot
            units.append(unit)
            with ir.InsertionPoint(op):
                _call(begin, slot)
            # ops with regions and calls are never a block's terminator: a successor exists
            with ir.InsertionPoint(ops[i + 1]):
                _call(end, slot)


def _bracket_function(f: ir.Operation, slot: int, begin: str, end: str) -> None:
    blocks = list(f.regions[0].blocks)
    with ir.InsertionPoint.at_block_begin(blocks[0]):
        _call(begin, slot)
    for block in blocks:
        for view in list(block.operations):
            if view.operation.name == "func.return":
                with ir.InsertionPoint(view.operation):
                    _call(end, slot)


def _kernel_callee(op: ir.Operation, symbols: ir.SymbolTable) -> ir.Operation | None:
    if op.name != "func.call":
        return None
    callee = ir.FlatSymbolRefAttr(op.attributes["callee"]).value
    if callee not in symbols:
        return None
    target = symbols[callee].operation
    return target if target.regions[0].blocks else None


# ---- describing a unit ---------------------------------------------------------------------


def _describe_kernel(kernel: ir.Operation) -> dict[str, Any]:
    work: list[ir.Operation] = []
    for block in kernel.regions[0].blocks:
        for view in block.operations:
            op = view.operation
            if op.name not in _SETUP:
                work.append(op)
    body = kernel.regions[0].blocks[0]
    buffers: list[ir.Type] = [a.type for a in body.arguments if isinstance(a.type, ir.MemRefType)]
    for block in kernel.regions[0].blocks:
        for view in block.operations:
            if view.operation.name == "memref.get_global":
                buffers.append(view.operation.results[0].type)
    return _unit(
        ir.StringAttr(kernel.attributes["sym_name"]).value,
        "kernel",
        work,
        buffers,
        [str(a.type) for a in body.arguments],
    )


def _describe_inline(op: ir.Operation, name: str) -> dict[str, Any]:
    inside = {o for o in _walk(op)}
    captured: dict[ir.Value, None] = {}
    for o in inside:
        for v in o.operands:
            owner = v.owner
            producer = owner.operation if isinstance(owner, ir.OpView | ir.Operation) else None
            if producer is not None and producer in inside:
                continue
            if producer is None and _block_parent(v) in inside:
                continue
            if isinstance(v.type, ir.MemRefType):
                captured[v] = None
    buffers = [v.type for v in captured]
    return _unit(name, "inline", [op], buffers, [str(t) for t in buffers])


def _block_parent(v: ir.Value) -> ir.Operation | None:
    block = v.owner
    if not isinstance(block, ir.Block):
        return None
    parent = block.owner
    return parent.operation if parent is not None else None


def _unit(
    name: str, kind: str, work: list[ir.Operation], buffers: list[ir.Type], args: list[str]
) -> dict[str, Any]:
    nodes: dict[str, None] = {}
    scheds: dict[str, None] = {}
    flops: int | None = 0
    for op in work:
        for o in _walk(op):
            if o.name != "arith.constant":
                _names(o.location, nodes, scheds)
        n = _flops(op, 1)
        flops = None if flops is None or n is None else flops + n
    nbytes: int | None = 0
    for t in buffers:
        b = _nbytes(t)
        nbytes = None if nbytes is None or b is None else nbytes + b
    return {
        "name": name,
        "kind": kind,
        "nodes": list(nodes),
        "schedule": "; ".join(scheds) or None,
        "flops": flops,
        "bytes": nbytes,
        "args": args,
    }


def _walk(op: ir.Operation) -> Iterator[ir.Operation]:
    yield op
    for region in op.regions:
        for block in region.blocks:
            for child in block.operations:
                yield from _walk(child.operation)


def _names(loc: ir.Location, nodes: dict[str, None], scheds: dict[str, None]) -> None:
    if loc.is_a_name():
        name = loc.name_str
        if name.startswith(SCHED_PREFIX):
            scheds[name.removeprefix(SCHED_PREFIX)] = None
        elif name:
            nodes[name] = None
        _names(loc.child_loc, nodes, scheds)
    elif loc.is_a_fused():
        for sub in loc.locations:
            _names(sub, nodes, scheds)
    elif loc.is_a_callsite():
        _names(loc.callee, nodes, scheds)


def _nbytes(t: ir.Type) -> int | None:
    shaped = ir.ShapedType(t)
    if not shaped.has_static_shape:
        return None
    return math.prod(shaped.shape) * _elem_bytes(shaped.element_type)


def _elem_bytes(t: ir.Type) -> int:
    if isinstance(t, ir.IndexType):
        return 8
    width = getattr(t, "width", None)
    if isinstance(width, int):
        return max(1, (width + 7) // 8)
    if isinstance(t, ir.VectorType):
        return math.prod(t.shape) * _elem_bytes(t.element_type)
    return 8


# ---- counting floating-point operations ------------------------------------------------------


def _const_index(v: ir.Value) -> int | None:
    owner = v.owner
    op = owner.operation if isinstance(owner, ir.OpView | ir.Operation) else None
    if op is None or op.name != "arith.constant":
        return None
    attr = op.attributes["value"]
    return int(ir.IntegerAttr(attr).value) if isinstance(attr, ir.IntegerAttr) else None


def _trip(lb: int | None, ub: int | None, step: int | None) -> int | None:
    if lb is None or ub is None or step is None or step <= 0:
        return None
    return max(0, -(-(ub - lb) // step))


def _trips(op: ir.Operation) -> int | None:
    """Iterations of a loop op's body (1 for ops that are not loops; None: unknown)."""
    name = op.name
    if name == "scf.for":
        lb, ub, step = (_const_index(op.operands[i]) for i in range(3))
        return _trip(lb, ub, step)
    if name == "scf.parallel":
        n = len(op.regions[0].blocks[0].arguments)
        vals = [_const_index(v) for v in list(op.operands)[: 3 * n]]
        total = 1
        for i in range(n):
            t = _trip(vals[i], vals[n + i], vals[2 * n + i])
            if t is None:
                return None
            total *= t
        return total
    if name == "scf.forall":
        return _forall_trips(op)
    if name == "scf.while":
        return None
    return 1


def _forall_trips(op: ir.Operation) -> int | None:
    def arr(key: str) -> list[int]:
        return list(ir.DenseI64ArrayAttr(op.attributes[key]))

    try:
        lbs, ubs, steps = arr("staticLowerBound"), arr("staticUpperBound"), arr("staticStep")
    except KeyError:
        return None
    dyn = ir.ShapedType.get_dynamic_size()
    total = 1
    for lb, ub, st in zip(lbs, ubs, steps, strict=True):
        if dyn in (lb, ub, st):
            return None
        t = _trip(lb, ub, st)
        if t is None:
            return None
        total *= t
    return total


def _flops(op: ir.Operation, mult: int | None) -> int | None:
    """Floating-point ops executed by `op` and everything nested in it, `mult` times."""
    own = _own_flops(op)
    total: int | None = 0
    if own:
        total = None if mult is None else mult * own
    if not op.regions:
        return total
    if op.name == "scf.if":
        branches = [_region_flops(r, mult) for r in op.regions]
        if any(b is None for b in branches):
            return None
        inner: int | None = max((b for b in branches if b is not None), default=0)
    else:
        trips = _trips(op)
        inner_mult = None if mult is None or trips is None else mult * trips
        parts = [_region_flops(r, inner_mult) for r in op.regions]
        inner = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    if total is None or inner is None:
        return None
    return total + inner


def _region_flops(region: ir.Region, mult: int | None) -> int | None:
    total: int | None = 0
    for block in region.blocks:
        for child in block.operations:
            n = _flops(child.operation, mult)
            if n is None:
                return None
            assert total is not None
            total += n
    return total


def _numel(t: ir.Type) -> int:
    return math.prod(t.shape) if isinstance(t, ir.VectorType) else 1


def _is_float(t: ir.Type) -> bool:
    elem = t.element_type if isinstance(t, ir.VectorType) else t
    return isinstance(elem, ir.FloatType)


def _own_flops(op: ir.Operation) -> int:
    name = op.name
    if name == "func.call" and "strata.flops" in op.attributes:  # a micro-kernel (ukernels.py)
        return int(ir.IntegerAttr(op.attributes["strata.flops"]).value)
    if name in _FLOAT_ARITH:
        return _numel(op.operands[0].type)
    if name.startswith("math."):
        if not op.results or not _is_float(op.results[0].type):
            return 0
        return (2 if name == "math.fma" else 1) * _numel(op.results[0].type)
    if name == "vector.fma":
        return 2 * _numel(op.results[0].type)
    if name == "vector.outerproduct":
        if not _is_float(op.results[0].type):
            return 0
        return (2 if len(op.operands) > 2 else 1) * _numel(op.results[0].type)
    if name in ("vector.reduction", "vector.multi_reduction"):
        src = op.operands[0].type
        return _numel(src) if _is_float(src) else 0
    if name == "vector.contract":
        return _contract_flops(op)
    return 0


def _contract_flops(op: ir.Operation) -> int:
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    sizes: dict[int, int] = {}
    for m, v in zip(maps[:2], list(op.operands)[:2], strict=True):
        shape = list(ir.VectorType(v.type).shape)
        for pos, expr in enumerate(m.results):
            if isinstance(expr, ir.AffineDimExpr):
                sizes[expr.position] = shape[pos]
    return 2 * math.prod(sizes.values()) if _is_float(op.operands[0].type) else 0


# ---- the timing runtime ----------------------------------------------------------------------


@dataclass(frozen=True)
class RuntimeNames:
    """The C symbols of a profiling build of model `name` (prefix: abi.alloc_prefix(name))."""

    name: str
    prefix: str

    @property
    def read(self) -> str:
        return f"{self.name}__strata_profile_read"

    @property
    def reset(self) -> str:
        return f"{self.name}__strata_profile_reset"

    @property
    def slots(self) -> str:
        return f"{self.name}__strata_profile_slots"


def render_runtime(names: RuntimeNames, slots: int) -> str:
    """C source of the timing runtime of a profiling build (appended to the shim)."""
    n = max(slots, 1)
    p = names.prefix
    return f"""
/* Profiling counters: strata-profile-kernels brackets each kernel with {p}_prof_begin/end. */
#include <time.h>
#define PROF_SLOTS {n}
static uint64_t g_prof_start[PROF_SLOTS];
static uint64_t g_prof_ns[PROF_SLOTS];
static uint64_t g_prof_calls[PROF_SLOTS];

static uint64_t prof_now(void) {{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}}

__attribute__((visibility("hidden"))) void {p}_prof_begin(int64_t id) {{
  g_prof_start[id] = prof_now();
}}

__attribute__((visibility("hidden"))) void {p}_prof_end(int64_t id) {{
  g_prof_ns[id] += prof_now() - g_prof_start[id];
  g_prof_calls[id] += 1;
}}

const int {names.slots} = PROF_SLOTS;

/* Copy the accumulated nanoseconds and call counts of every slot (PROF_SLOTS entries each). */
void {names.read}(uint64_t* ns, uint64_t* calls) {{
  memcpy(ns, g_prof_ns, sizeof g_prof_ns);
  memcpy(calls, g_prof_calls, sizeof g_prof_calls);
}}

void {names.reset}(void) {{
  memset(g_prof_ns, 0, sizeof g_prof_ns);
  memset(g_prof_calls, 0, sizeof g_prof_calls);
}}
"""


def node_ops(module: ir.Operation) -> dict[str, list[str]]:
    """ONNX node label -> the `nn` ops located at it (walks an nn-level module)."""
    out: dict[str, dict[str, None]] = {}
    for top in module.regions[0].blocks[0].operations:
        for op in _walk(top.operation):
            if not op.name.startswith("nn.") or op.name == "nn.constant":
                continue
            nodes: dict[str, None] = {}
            _names(op.location, nodes, {})
            for n in nodes:
                out.setdefault(n, {})[op.name.removeprefix("nn.")] = None
    return {k: list(v) for k, v in out.items()}
