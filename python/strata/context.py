"""MLIR context set-up: every Strata context has the `nn` and `odla` dialects loaded exactly once.

Loading an IRDL dialect twice into one context aborts the process, so contexts are made here
(`make_context`) or passed through `ensure_dialects`, which checks before loading.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import irdl


def ensure_dialects(ctx: ir.Context) -> None:
    """Load Strata's IRDL dialects into `ctx` unless they are already there."""
    from strata.dialects import nn, odla

    for dialect in (nn.DIALECT, odla.DIALECT):
        if ctx.is_registered_operation(f"{dialect.name}.{dialect.ops[0].name}"):
            continue
        with ctx, ir.Location.unknown():
            irdl.load_dialects(ir.Module.parse(dialect.irdl_text()))


def make_context() -> ir.Context:
    """A fresh MLIR context with Strata's dialects loaded."""
    ctx = ir.Context()
    ensure_dialects(ctx)
    return ctx
