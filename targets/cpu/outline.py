"""strata-outline-kernels: move each loop nest of an entry function into its own function.

After bufferization the entry function of a large model is one long sequence of loop nests
(BERT-base: ~700). LLVM's function passes (loop vectorisation, induction-variable
simplification) are superlinear in function size, so `opt -O3` on one such function took 86 s
for BERT-base. Giving each nest its own `noinline` function makes optimisation cost linear in
the number of nests.

Each top-level op with regions (a linalg op on memrefs, an scf loop) becomes a private
function taking the memrefs and scalars it uses. Constants are cloned into the kernel rather
than passed; memref views (subview, expand/collapse_shape, reinterpret_cast, cast) are cloned
too, so every memref argument keeps an identity layout, as the bare-pointer calling convention
needs. A nest that returns values, or whose argument cannot be passed as a bare pointer, stays
where it is.

Dependency contract: the `mlir` bindings and `strata.passes.registry`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir
from mlir.dialects import func

from strata.passes.registry import ModulePass, register_pass

# Ops cloned into a kernel instead of passing their result: cheap, pure, and their results
# (views with arbitrary layouts) may not be passable as bare pointers.
CLONED = frozenset(
    {
        "arith.constant",
        "memref.subview",
        "memref.expand_shape",
        "memref.collapse_shape",
        "memref.reinterpret_cast",
        "memref.cast",
        "memref.get_global",
    }
)


@register_pass
@dataclass
class OutlineKernelsPass(ModulePass):
    """Move each loop nest / linalg op of public functions into a noinline private function."""

    name = "strata-outline-kernels"
    # nests with fewer nested ops than this stay inline (a call costs more than they do)
    min_ops: int = 1
    # the kernels are called with bare pointers (static memrefs only); false: memref
    # descriptors, so dynamically shaped memrefs can be passed too
    bare_ptr: bool = True

    def run(self, module: ir.Operation) -> None:
        with module.context, ir.Location.unknown():
            body = module.regions[0].blocks[0]
            symbols = ir.SymbolTable(module)
            for op in list(body.operations):
                if op.operation.name == "func.func" and _is_public_definition(op.operation):
                    _outline_function(op.operation, symbols, self.min_ops, self.bare_ptr)


def _is_public_definition(f: ir.Operation) -> bool:
    vis = f.attributes.get("sym_visibility", None)
    return bool(f.regions[0].blocks) and (vis is None or ir.StringAttr(vis).value == "public")


def _outline_function(
    f: ir.Operation, symbols: ir.SymbolTable, min_ops: int, bare_ptr: bool
) -> None:
    name = ir.StringAttr(f.attributes["sym_name"]).value
    count = 0
    for block in f.regions[0].blocks:
        for op in list(block.operations):
            if not op.regions or len(op.results) or _size(op) < min_ops:
                continue
            plan = _plan(op, bare_ptr)
            if plan is None:
                continue
            kernel_name = f"{name}__kernel{count}"
            while kernel_name in symbols:
                count += 1
                kernel_name = f"{name}__kernel{count}"
            count += 1
            _outline(op, plan, kernel_name, f)


def _size(op: ir.Operation) -> int:
    n = 0

    def visit(_: ir.Operation) -> ir.WalkResult:
        nonlocal n
        n += 1
        return ir.WalkResult.ADVANCE

    op.walk(visit)
    return n


@dataclass
class _Plan:
    args: list[ir.Value]  # values passed as kernel arguments, in order
    clones: list[ir.Operation]  # defining ops cloned into the kernel, in dependency order


def _inside(op: ir.Operation) -> set[ir.Operation]:
    nested: set[ir.Operation] = set()

    def visit(o: ir.Operation) -> ir.WalkResult:
        nested.add(o.operation)
        return ir.WalkResult.ADVANCE

    op.walk(visit)
    return nested


def _defining_op(v: ir.Value) -> ir.Operation | None:
    owner = v.owner
    return owner.operation if isinstance(owner, ir.OpView | ir.Operation) else None


def _plan(op: ir.Operation, bare_ptr: bool = True) -> _Plan | None:
    """Which captured values become arguments and which defining ops are cloned."""
    nested = _inside(op)
    args: list[ir.Value] = []
    clones: list[ir.Operation] = []
    seen: set[ir.Value] = set()

    def capture(v: ir.Value) -> bool:
        if v in seen:
            return True
        seen.add(v)
        producer = _defining_op(v)
        if producer is not None and producer.name in CLONED:
            if not all(capture(x) for x in producer.operands):
                return False
            if producer not in clones:
                clones.append(producer)
            return True
        if not _passable(v.type, bare_ptr):
            return False
        args.append(v)
        return True

    ok = True

    def visit(o: ir.Operation) -> ir.WalkResult:
        nonlocal ok
        for v in o.operands:
            producer = _defining_op(v)
            internal = (producer is not None and producer in nested) or (
                producer is None and _block_parent(v) in nested
            )
            if not internal and not capture(v):
                ok = False
                return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    op.walk(visit)
    return _Plan(args, clones) if ok else None


def _block_parent(v: ir.Value) -> ir.Operation | None:
    block = v.owner
    assert isinstance(block, ir.Block)
    parent = block.owner
    return parent.operation if parent is not None else None


def _passable(t: ir.Type, bare_ptr: bool = True) -> bool:
    """Scalars, or memrefs with the identity layout (static ones only for bare pointers)."""
    if isinstance(t, ir.MemRefType):
        amap = t.affine_map
        identity = amap == ir.AffineMap.get_identity(amap.n_dims)
        return (t.has_static_shape or not bare_ptr) and identity and t.memory_space is None
    return isinstance(t, ir.IndexType | ir.IntegerType | ir.FloatType)


def _outline(op: ir.Operation, plan: _Plan, kernel_name: str, parent: ir.Operation) -> None:
    with ir.InsertionPoint(parent):
        kernel = func.FuncOp(kernel_name, ([v.type for v in plan.args], []), loc=op.location)
    kernel.attributes["sym_visibility"] = ir.StringAttr.get("private")
    kernel.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline")])
    # internal linkage: kernels are not symbols of the shared library
    kernel.attributes["llvm.linkage"] = ir.Attribute.parse("#llvm.linkage<internal>")
    entry = kernel.add_entry_block()
    mapping: dict[ir.Value, ir.Value] = dict(zip(plan.args, entry.arguments, strict=True))

    with ir.InsertionPoint(entry):
        for producer in plan.clones:
            clone = producer.clone(ip=ir.InsertionPoint.current)
            _remap_operands(clone, mapping)
            for old, new in zip(producer.results, clone.results, strict=True):
                mapping[old] = new
        terminator = func.ReturnOp([])
    with ir.InsertionPoint(op):
        func.CallOp([], ir.FlatSymbolRefAttr.get(kernel_name), plan.args, loc=op.location)
    op.move_before(terminator)

    def remap(o: ir.Operation) -> ir.WalkResult:
        _remap_operands(o, mapping)
        return ir.WalkResult.ADVANCE

    op.walk(remap)


def _remap_operands(op: ir.Operation, mapping: dict[ir.Value, ir.Value]) -> None:
    ops = op.operation.operands
    for i, v in enumerate(ops):
        if v in mapping:
            ops[i] = mapping[v]
