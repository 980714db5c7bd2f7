"""Named pipelines of the lowering: nn -> clean linalg on tensors.

Dependency contract: imports `strata.passes.registry` (and, through the pipeline text, the
passes registered by `strata.passes.nn_to_linalg`).
"""

from __future__ import annotations

from strata.passes.registry import register_pipeline

# nn -> linalg/tensor/arith/math on tensors, folded and deduplicated: the input of every target.
register_pipeline(
    "strata-nn-to-linalg",
    "strata-nn-fold-dynamic (static forms of run-time-shape ops with constant operands), "
    "convert-nn-to-linalg, then canonicalize and cse to clean linalg-on-tensors",
    "strata-nn-fold-dynamic,convert-nn-to-linalg,canonicalize,cse",
)
