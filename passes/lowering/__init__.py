"""Native rewrites of convert-nn-to-linalg, one module per op family.

Each module exports `LOWERINGS`: native rewrite name (as declared in nn_to_linalg.pdll) ->
`fn(root, extra_attrs) -> replacement values`, building at the current insertion point.

Dependency contract: imports the family modules of this package only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from mlir import ir

Lowering = Callable[[ir.Operation, Sequence[ir.Attribute]], Sequence[ir.Value]]


# The family modules, in the order their LOWERINGS are collected (names are unique, so the
# order does not matter).
MODULES = (
    "algebra",
    "attention",
    "conv",
    "dynamic",
    "dynamic_config",
    "einsum",
    "elementwise",
    "indexing",
    "integer",
    "movement",
    "norm",
    "rearrange",
    "reduce_dynamic",
    "reduction",
    "resize",
    "rnn",
    "sampling",
    "scatter",
    "select",
    "sort",
    "window",
    "signal",
    "nms",
    "random",
    "lowp",
    "strings",
    "quant",
)


def all_lowerings() -> dict[str, Lowering]:
    """Every native rewrite, by the name the PDLL rules call it."""
    out: dict[str, Lowering] = {}
    for name in MODULES:
        mod = importlib.import_module(f"strata.passes.lowering.{name}")
        for key, fn in mod.LOWERINGS.items():
            if key in out:
                raise ValueError(f"native rewrite '{key}' is defined twice ({name})")
            out[key] = fn
    return out
