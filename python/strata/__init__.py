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

__all__ = [
    "CompilationError",
    "InputMismatchError",
    "ModelImportError",
    "ModelLoadError",
    "StrataError",
    "UnsupportedOpError",
    "VerificationError",
    "__version__",
]
