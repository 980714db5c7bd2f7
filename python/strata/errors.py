"""The one exception family of Strata.

Every error a user can cause — a bad model file, an op we do not support, IR that does not
verify, a failed compilation, inputs that do not match the compiled model — is raised as a
subclass of :class:`StrataError` whose message names the node / op / input involved.
"""

from __future__ import annotations


class StrataError(Exception):
    """Base class of every error Strata raises on purpose."""


class ModelLoadError(StrataError):
    """The model file is missing, truncated or not a model of the expected format."""


class ModelImportError(StrataError):
    """The model is well-formed but cannot be imported (bad attribute, non-static shape...)."""


class UnsupportedOpError(StrataError):
    """The model uses op types Strata does not support; the message lists each with its nodes."""

    def __init__(
        self, unsupported: dict[str, list[str]], notes: dict[str, str] | None = None
    ) -> None:
        self.unsupported = dict(unsupported)
        self.notes = dict(notes or {})
        lines = [
            f"  {op_type}: {', '.join(names)}"
            + (f" ({self.notes[op_type]})" if op_type in self.notes else "")
            for op_type, names in sorted(self.unsupported.items())
        ]
        super().__init__(
            "model uses unsupported op types (op type: node names):\n" + "\n".join(lines)
        )


class VerificationError(StrataError):
    """IR failed verification (an `nn` op's shape or attribute rules, or MLIR's verifier)."""


class CompilationError(StrataError):
    """Lowering or native code generation failed."""


class InputMismatchError(StrataError):
    """Run-time inputs do not match the compiled model (name, count, shape or dtype)."""


__all__ = [
    "CompilationError",
    "InputMismatchError",
    "ModelImportError",
    "ModelLoadError",
    "StrataError",
    "UnsupportedOpError",
    "VerificationError",
]
