"""strata-widen-bool-tensors: store bool (`i1`) tensors as `i8` before bufferization.

MLIR 22's memref-to-LLVM lowering asserts (and so aborts the process) on loads and stores of
sub-byte elements, and numpy stores bool as one byte holding 0 or 1. So on linalg-on-tensors
IR every `tensor<...xi1>` — function arguments and results, constants, op results — becomes
`tensor<...xi8>`; scalar computations stay `i1`: inside `linalg.generic` bodies a widened
input is truncated (`arith.trunci`) and a bool result zero-extended (`arith.extui`) at the
yield, and the same happens around `tensor.extract` / `tensor.insert` / `tensor.pad` values.
Named linalg ops on bool tensors only move values (transpose, broadcast, copy, fill), so only
their block argument types change. scf ops (control flow) carry bool tensors through their
regions: their results and block arguments are retyped, their terminators pass the values on.

Dependency contract: the `mlir` bindings and `strata.passes.registry`.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith

from strata.errors import CompilationError
from strata.passes.registry import ModulePass, register_pass

# tensor ops whose only bool-related change is the element type of their results
_RETYPE_ONLY = {
    "tensor.empty",
    "tensor.extract_slice",
    "tensor.insert_slice",
    "tensor.expand_shape",
    "tensor.collapse_shape",
    "tensor.reshape",
    "tensor.concat",
    "tensor.cast",
    "tensor.dim",
    "func.return",
    "bufferization.alloc_tensor",
    "scf.yield",
    "scf.condition",
}
# ops with regions whose block arguments carry their operands / results (If branches,
# Loop / Scan bodies): their bool tensor block arguments change type with them
_REGION_CARRIERS = {"scf.if", "scf.for", "scf.while", "scf.execute_region", "scf.index_switch"}


def _i1() -> ir.Type:
    return ir.IntegerType.get_signless(1)


def _i8() -> ir.Type:
    return ir.IntegerType.get_signless(8)


def _is_bool_tensor(t: ir.Type) -> bool:
    return isinstance(t, ir.RankedTensorType) and t.element_type == _i1()


def _widened(t: ir.Type) -> ir.Type:
    if not _is_bool_tensor(t):
        return t
    rt = ir.RankedTensorType(t)
    return ir.RankedTensorType.get(rt.shape, _i8(), rt.encoding)


def _touches_bools(op: ir.Operation) -> bool:
    return any(_is_bool_tensor(v.type) for v in (*op.operands, *op.results))


@register_pass
class WidenBoolTensorsPass(ModulePass):
    """Store bool tensors as i8 (memref-to-LLVM cannot load or store i1 elements)."""

    name = "strata-widen-bool-tensors"

    def run(self, module: ir.Operation) -> None:
        with module.context, ir.Location.unknown():
            for region in module.regions:
                for block in region.blocks:
                    for op in block.operations:
                        if op.operation.name == "func.func":
                            _widen_function(op.operation)


def _widen_function(func: ir.Operation) -> None:
    ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
    if not func.regions[0].blocks:  # a declaration
        return
    new_type = ir.FunctionType.get(
        [_widened(t) for t in ftype.inputs], [_widened(t) for t in ftype.results]
    )
    # Select the ops first: once a producer is widened its users no longer look boolean.
    ops: list[ir.Operation] = []

    def collect(o: ir.Operation) -> ir.WalkResult:
        ops.append(o)
        return ir.WalkResult.ADVANCE

    func.walk(collect, ir.WalkOrder.PRE_ORDER)
    selected = [op for op in ops if op != func and _touches_bools(op)]
    func.attributes["function_type"] = ir.TypeAttr.get(new_type)
    for arg in func.regions[0].blocks[0].arguments:
        arg.set_type(_widened(arg.type))
    for op in selected:
        _widen_op(op)


def _widen_op(op: ir.Operation) -> None:
    name = op.name
    if name == "arith.constant":
        _widen_constant(op)
        return
    for r in op.results:
        r.set_type(_widened(r.type))
    if name == "linalg.generic":
        _widen_generic_body(op)
    elif name.startswith("linalg."):
        _widen_named_linalg(op)
    elif name == "tensor.extract":
        _truncate_after(op.results[0])
    elif name in ("tensor.insert", "tensor.from_elements", "tensor.splat"):
        for i, v in enumerate(op.operands):
            if v.type == _i1():
                op.operands[i] = _extend_before(op, v)
    elif name in _REGION_CARRIERS:
        for region in op.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    arg.set_type(_widened(arg.type))
    elif name == "tensor.pad":
        yield_op = op.regions[0].blocks[0].operations[-1]  # tensor.yield
        if yield_op.operands[0].type == _i1():
            yield_op.operands[0] = _extend_before(yield_op, yield_op.operands[0])
    elif name not in _RETYPE_ONLY:
        raise CompilationError(
            f"'{name}' on bool tensors is not supported by the CPU target (at {op.location})"
        )


def _widen_constant(op: ir.Operation) -> None:
    attr = ir.DenseIntElementsAttr(op.attributes["value"])
    t = ir.RankedTensorType(attr.type)
    new_t = ir.RankedTensorType.get(t.shape, _i8())
    if attr.is_splat:
        value = ir.DenseElementsAttr.get_splat(
            new_t,
            ir.IntegerAttr.get(_i8(), int(bool(ir.IntegerAttr(attr.get_splat_value()).value))),
        )
    else:
        n = int(np.prod(t.shape)) if t.shape else 1
        flat = np.array([1 if attr[i] else 0 for i in range(n)], dtype=np.int8)
        value = ir.DenseElementsAttr.get(flat.reshape(t.shape), type=new_t)
    with ir.InsertionPoint(op):
        new = arith.ConstantOp(new_t, value)
    op.results[0].replace_all_uses_with(new.result)
    op.erase()


def _widen_generic_body(op: ir.Operation) -> None:
    body = op.regions[0].blocks[0]
    for i, arg in enumerate(body.arguments):
        operand_t = op.operands[i].type
        widened = (
            isinstance(operand_t, ir.RankedTensorType)
            and ir.RankedTensorType(operand_t).element_type == _i8()
        )
        if arg.type == _i1() and widened:
            arg.set_type(_i8())
            _truncate_at_block_start(body, arg)
    yield_op = body.operations[len(body.operations) - 1]
    for j, v in enumerate(yield_op.operands):
        if v.type == _i1() and ir.RankedTensorType(op.results[j].type).element_type == _i8():
            yield_op.operands[j] = _extend_before(yield_op, v)


def _widen_named_linalg(op: ir.Operation) -> None:
    # Pass-through bodies (transpose, broadcast, copy, fill): retype; a scalar i1 operand
    # (fill's value) is extended first.
    for i, v in enumerate(op.operands):
        if v.type == _i1():
            op.operands[i] = _extend_before(op, v)
    for region in op.regions:
        for block in region.blocks:
            for arg in block.arguments:
                if arg.type == _i1():
                    arg.set_type(_i8())
            for inner in block.operations:
                if inner.name != "linalg.yield" and any(v.type == _i8() for v in inner.operands):
                    raise CompilationError(
                        f"'{op.name}' computes on bool tensors; the CPU target expects it "
                        f"generalized (at {op.location})"
                    )


def _truncate_at_block_start(block: ir.Block, arg: ir.Value) -> None:
    if not list(arg.uses):
        return
    first = block.operations[0]
    with ir.InsertionPoint(first):
        t = arith.TruncIOp(_i1(), arg)
    arg.replace_all_uses_except(t.result, t.operation)


def _truncate_after(value: ir.OpResult) -> None:
    owner = value.owner
    value.set_type(_i8())
    with ir.InsertionPoint.after(owner):
        t = arith.TruncIOp(_i1(), value)
    value.replace_all_uses_except(t.result, t.operation)


def _extend_before(op: ir.Operation, value: ir.Value) -> ir.Value:
    with ir.InsertionPoint(op):
        return arith.ExtUIOp(_i8(), value).result


@register_pass
class WidenBoolMemrefsPass(ModulePass):
    """Store i1 memrefs (the buffer deallocation's ownership flags) as i8."""

    name = "strata-widen-bool-memrefs"

    def run(self, module: ir.Operation) -> None:
        with module.context, ir.Location.unknown():
            ops: list[ir.Operation] = []

            def collect(o: ir.Operation) -> ir.WalkResult:
                ops.append(o)
                return ir.WalkResult.ADVANCE

            module.walk(collect, ir.WalkOrder.PRE_ORDER)
            # select the accesses first: once a buffer is retyped they no longer look boolean
            stores = [
                o for o in ops if o.name == "memref.store" and _is_bool_memref(o.operands[1].type)
            ]
            loads = [
                o for o in ops if o.name == "memref.load" and _is_bool_memref(o.operands[0].type)
            ]
            for op in ops:
                _widen_memref_op(op)
            for op in stores:
                op.operands[0] = _extend_before(op, op.operands[0])
            for op in loads:
                _truncate_after(op.results[0])


def _is_bool_memref(t: ir.Type) -> bool:
    return isinstance(t, ir.MemRefType) and t.element_type == _i1()


def _widened_memref(t: ir.Type) -> ir.Type:
    if not _is_bool_memref(t):
        return t
    mt = ir.MemRefType(t)
    return ir.MemRefType.get(mt.shape, _i8(), mt.layout, mt.memory_space)


def _widen_memref_op(op: ir.Operation) -> None:
    """Retype one op's i1 memref results and block arguments (function signatures follow
    their arguments); the caller converts the loaded and stored elements."""
    name = op.name
    for r in op.results:
        r.set_type(_widened_memref(r.type))
    for region in op.regions:
        for block in region.blocks:
            for arg in block.arguments:
                arg.set_type(_widened_memref(arg.type))
    if name == "func.func":
        ftype = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
        new = ir.FunctionType.get(
            [_widened_memref(t) for t in ftype.inputs],
            [_widened_memref(t) for t in ftype.results],
        )
        if new != ftype:
            op.attributes["function_type"] = ir.TypeAttr.get(new)
