"""Type stub of the native runtime module built from targets/cpu/runtime/runtime_module.cpp."""

from collections.abc import Sequence

import numpy as np

class Model:
    def __init__(self, library: str, name: str, weights: str | None = None) -> None: ...
    def run(self, inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> None: ...
    def run_dynamic(
        self,
        inputs: Sequence[np.ndarray],
        out_dtypes: Sequence[np.dtype],
        out_ranks: Sequence[int],
    ) -> list[np.ndarray]: ...
    @property
    def dynamic(self) -> bool: ...
    def close(self) -> None: ...
    @property
    def num_args(self) -> int: ...
