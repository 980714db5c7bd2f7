"""What every frontend returns: an `nn` module plus the facts the targets need.

Dependency contract: numpy and the `mlir` bindings only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from mlir import ir

# A dim of a graph input or output: static (int), named symbolic (the model's name for it,
# e.g. "batch") or unknown (None).
InfoDim = int | str | None

# On an entry function's result (res_attrs, beside `nn.name`): the graph output's declared
# shape, when the model declares it fully static but its value's inferred type has dynamic
# dims (a shape that depends on input values). Static targets may specialise to it.
DECLARED_SHAPE_ATTR = "nn.declared_shape"


@dataclass(frozen=True)
class TensorInfo:
    """A graph input or output: its model name, dims and numpy dtype."""

    name: str
    shape: tuple[InfoDim, ...]
    dtype: np.dtype[Any]

    @property
    def is_static(self) -> bool:
        return all(isinstance(d, int) for d in self.shape)

    @property
    def dims(self) -> tuple[int | None, ...]:
        """The dims as shape rules see them (None for every non-static dim)."""
        return tuple(d if isinstance(d, int) else None for d in self.shape)

    def describe(self) -> str:
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        return f"'{self.name}' {self.dtype.name}[{dims}]"


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
    # Graph inputs / outputs of sequence or optional type are flattened into `inputs` /
    # `outputs`; then {"inputs": [{"name", "value"}], "outputs": [...]} says how (the ONNX
    # frontend's `structured` module), None when every graph value is a tensor.
    structure: dict[str, Any] | None = None
