"""Structured control flow on tensors for lowerings that are not one linalg op: scf.for with
loop-carried values, scf.if with results, scf.index_switch over a run-time value.

Bodies are Python callables that build at the insertion point they are called at and return
the values to yield. Sizes may be static (int) or index Values (`strata.passes.lowering.sizes`).

Dependency contract: imports only the upstream `mlir` bindings and
`strata.passes.lowering.sizes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlir import ir
from mlir.dialects import scf

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.sizes import Size

LoopBody = Callable[..., Sequence[ir.Value]]
Branch = Callable[[], Sequence[ir.Value]]


def for_loop(lb: Size, ub: Size, inits: Sequence[ir.Value], body: LoopBody) -> list[ir.Value]:
    """scf.for iv in [lb, ub) step 1 carrying `inits`; `body(iv, *carried)` -> next values."""
    op = scf.ForOp(sz.value(lb), sz.value(ub), sz.value(1), list(inits))
    with ir.InsertionPoint(op.body):
        scf.YieldOp(list(body(op.induction_variable, *op.inner_iter_args)))
    return list(op.results)


def if_else(
    cond: ir.Value, types: Sequence[ir.Type], then: Branch, other: Branch
) -> list[ir.Value]:
    """scf.if yielding values of `types`: those of `then()` or of `other()`."""
    op = scf.IfOp(cond, list(types), has_else=True)
    with ir.InsertionPoint(op.then_block):
        scf.YieldOp(list(then()))
    with ir.InsertionPoint(op.else_block):
        scf.YieldOp(list(other()))
    return list(op.results)


def switch(
    arg: ir.Value,
    types: Sequence[ir.Type],
    cases: Sequence[int],
    case: Callable[[int], Sequence[ir.Value]],
    default: Branch,
) -> list[ir.Value]:
    """scf.index_switch on an index value: `case(c)` for each c in `cases`, else `default()`,
    each yielding values of `types`."""
    op = scf.IndexSwitchOp(list(types), arg, list(cases))  # appends one block per region
    with ir.InsertionPoint(op.default_block):
        scf.YieldOp(list(default()))
    for i, c in enumerate(cases):
        with ir.InsertionPoint(op.case_block(i)):
            scf.YieldOp(list(case(c)))
    return list(op.results)
