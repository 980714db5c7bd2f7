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

from strata.api import CompiledModel, compile, load
from strata.structure import structure_of

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
