"""Strata: an MLIR-based compiler for neural networks."""

from strata.errors import (
    CompilationError,
    InputMismatchError,
    ModelImportError,
    ModelLoadError,
    StrataError,
    UnsupportedOpError,
    VerificationError,
)

__version__ = "0.1.0"


def _check_load_order() -> None:
    """MLIR's native bindings, loaded after TensorFlow, crash the process (a segmentation
    fault in `mlir._mlir_libs._mlir`, measured with tensorflow-cpu 2.21.0 and the MLIR
    22.1.8 wheels); say so instead."""
    import sys

    if "tensorflow" in sys.modules and "mlir._mlir_libs._mlir" not in sys.modules:
        raise ImportError(
            "import strata before tensorflow: loading MLIR's bindings after TensorFlow "
            "crashes the process (docs/frontends/tf.md)"
        )


_check_load_order()

from strata.api import CompiledModel, compile, load  # noqa: E402 (after the check)
from strata.structure import structure_of  # noqa: E402

__all__ = [
    "CompilationError",
    "CompiledModel",
    "InputMismatchError",
    "ModelImportError",
    "ModelLoadError",
    "StrataError",
    "UnsupportedOpError",
    "VerificationError",
    "__version__",
    "compile",
    "load",
    "structure_of",
]
