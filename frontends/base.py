"""What every frontend returns: an `nn` module plus the facts the targets need.

Dependency contract: numpy and the `mlir` bindings only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from mlir import ir


@dataclass(frozen=True)
class TensorInfo:
    """A graph input or output: its model name, static shape and numpy dtype."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype[Any]

    def describe(self) -> str:
        return f"'{self.name}' {self.dtype.name}[{', '.join(str(d) for d in self.shape)}]"


@dataclass
class ImportedModel:
    """An imported model.

    `module` holds one public function (`entry`) whose arguments are the graph inputs and whose
    results are the graph outputs, in graph order. Weights are `nn.constant` ops whose value is
    `dense_resource<KEY>`; `weights[KEY]` is the (contiguous) array behind each blob, kept alive
    here because MLIR does not copy it.
    """

    module: ir.Module
    entry: str
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    weights: dict[str, np.ndarray] = field(default_factory=dict)
