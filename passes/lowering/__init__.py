"""Native rewrites of convert-nn-to-linalg, one module per op family.

Each module exports `LOWERINGS`: native rewrite name (as declared in nn_to_linalg.pdll) ->
`fn(root, extra_attrs) -> replacement values`, building at the current insertion point.

Dependency contract: imports the family modules of this package only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlir import ir

Lowering = Callable[[ir.Operation, Sequence[ir.Attribute]], Sequence[ir.Value]]


def all_lowerings() -> dict[str, Lowering]:
    """Every native rewrite, by the name the PDLL rules call it."""
    from strata.passes.lowering import (
        algebra,
        attention,
        conv,
        dynamic,
        elementwise,
        indexing,
        movement,
        norm,
        reduction,
        resize,
        sampling,
        window,
    )

    out: dict[str, Lowering] = {}
    families = (elementwise, algebra, conv, reduction, movement, resize, dynamic, indexing)
    for mod in (*families, norm, attention, window, sampling):
        out.update(mod.LOWERINGS)
    return out
