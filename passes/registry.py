"""The one registry of Strata's passes and named pipelines, and the pipeline parser.

A Strata pass is a class deriving from :class:`ModulePass` with a kebab-case ``name``, a
docstring (its description), options as dataclass fields (``my-pass{tile-size=8}`` ->
``tile_size: int = 8``) and a ``run(module)`` method. It is registered with
:func:`register_pass`. Passes run on the top-level ``builtin.module`` (nesting Python passes
under ``func.func`` aborts in MLIR 22's bindings) and walk functions themselves.

A pipeline string mixes our passes and upstream ones::

    builtin.module(convert-nn-to-linalg, func.func(linalg-generalize-named-ops), canonicalize)

Top-level entries that name a Strata pass or a named pipeline are expanded here; everything
else is handed to MLIR's own parser, so every upstream pass stays available.

Dependency contract: imports the `mlir` bindings and the pass modules listed in `_MODULES`.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from mlir import ir, passmanager

from strata.errors import CompilationError, StrataError

# Modules whose import registers passes; imported lazily on first lookup.
_MODULES = (
    "strata.passes.nn_to_linalg",
    "strata.passes.nn_to_odla",
    "strata.passes.pipelines",
    "strata.passes.fold_dynamic",
    "strata.targets.cpu.passes",
    "strata.targets.cpu.bool_storage",
    "strata.targets.cpu.outline",
    "strata.targets.cpu.profiling",
    "strata.targets.cxx.passes",
)


class PipelineError(StrataError):
    """A pipeline string names an unknown pass or a bad option."""


class ModulePass:
    """Base class of Strata's Python passes (see the module docstring)."""

    name: ClassVar[str]

    def run(self, module: ir.Operation) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class PipelineDef:
    name: str
    description: str
    text: str  # comma-separated top-level entries, e.g. "convert-nn-to-linalg,canonicalize"


_PASSES: dict[str, type[ModulePass]] = {}
_PIPELINES: dict[str, PipelineDef] = {}
_loaded = False


def register_pass(cls: type[ModulePass]) -> type[ModulePass]:
    """Class decorator: make `cls` available under `cls.name`."""
    if cls.name in _PASSES and _PASSES[cls.name] is not cls:
        raise ValueError(f"pass '{cls.name}' registered twice")
    _PASSES[cls.name] = cls
    return cls


def register_pipeline(name: str, description: str, text: str) -> None:
    _PIPELINES[name] = PipelineDef(name, description, text)


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for mod in _MODULES:
            importlib.import_module(mod)


def passes() -> dict[str, type[ModulePass]]:
    _load()
    return dict(_PASSES)


def pipelines() -> dict[str, PipelineDef]:
    _load()
    return dict(_PIPELINES)


def describe(cls: type[ModulePass]) -> str:
    return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


# ---- pipeline parsing ------------------------------------------------------------------------


def split_top_level(text: str) -> list[str]:
    """Split 'a,b{x=1,y=2},func.func(c,d)' at the commas that are not nested."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return [e for e in out if e]


def _strip_module_anchor(text: str) -> str:
    text = text.strip()
    if text.startswith("builtin.module(") and text.endswith(")"):
        return text[len("builtin.module(") : -1]
    return text


def _parse_entry(entry: str) -> tuple[str, dict[str, str]]:
    if "{" not in entry:
        return entry.strip(), {}
    name, _, rest = entry.partition("{")
    opts: dict[str, str] = {}
    for item in split_top_level(rest.rstrip().removesuffix("}").replace(" ", ",")):
        key, _, value = item.partition("=")
        opts[key.strip()] = value.strip() if value else "true"
    return name.strip(), opts


def _make_pass(cls: type[ModulePass], opts: dict[str, str]) -> ModulePass:
    if not dataclasses.is_dataclass(cls):
        if opts:
            raise PipelineError(f"pass '{cls.name}' takes no options, got {sorted(opts)}")
        return cls()
    fields = {f.name.replace("_", "-"): f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, raw in opts.items():
        if key not in fields:
            raise PipelineError(
                f"pass '{cls.name}' has no option '{key}'; options: {sorted(fields) or 'none'}"
            )
        f = fields[key]
        kwargs[f.name] = _convert(cls.name, key, raw, f.type)
    return cls(**kwargs)


def _convert(pass_name: str, key: str, raw: str, typ: Any) -> Any:
    typ_name = typ if isinstance(typ, str) else getattr(typ, "__name__", str(typ))
    try:
        if typ_name == "bool":
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError(raw)
            return raw.lower() in ("true", "1")
        if typ_name == "int":
            return int(raw)
        if typ_name == "float":
            return float(raw)
        if typ_name.startswith("list[int]"):
            return [int(v) for v in raw.split(",") if v]
        return raw
    except ValueError:
        raise PipelineError(
            f"pass '{pass_name}': option '{key}' expects {typ_name}, got '{raw}'"
        ) from None


Step = Callable[[ir.Operation], None] | str


def expand(text: str, _seen: tuple[str, ...] = ()) -> list[tuple[str, Step]]:
    """Expand a pipeline string into (label, step) pairs: a Python pass or upstream text."""
    _load()
    steps: list[tuple[str, Step]] = []
    for entry in split_top_level(_strip_module_anchor(text)):
        name, opts = _parse_entry(entry)
        if name in _PIPELINES:
            if name in _seen:
                raise PipelineError(f"pipeline '{name}' includes itself")
            steps.extend(expand(_PIPELINES[name].text, (*_seen, name)))
        elif name in _PASSES:
            p = _make_pass(_PASSES[name], opts)
            steps.append((name, p.run))
        else:
            steps.append((name, entry))
    return steps


def build_pass_manager(
    text: str, *, print_ir_after_all: bool = False, failures: list[BaseException] | None = None
) -> passmanager.PassManager:
    """A PassManager (in the current context) running the pipeline `text`.

    An exception raised by a Strata pass becomes an error diagnostic at its `.location` (if it
    has one) or at the module, the pass signals failure, and the exception is appended to
    `failures` so the caller can re-raise it after `PassManager.run` fails.
    """
    pm = passmanager.PassManager("builtin.module")
    sink = failures if failures is not None else []
    for label, step in expand(text):
        if isinstance(step, str):
            try:
                pm.add(step)
            except (ValueError, RuntimeError) as e:
                raise PipelineError(f"cannot add pass '{label}': {e}") from None
        else:
            pm.add(_wrap(label, step, sink), name=label, argument=label)
    if print_ir_after_all:
        pm.enable_ir_printing(print_after_all=True, print_before_all=False)
    return pm


def _wrap(
    label: str, run: Callable[[ir.Operation], None], failures: list[BaseException]
) -> Callable[[ir.Operation, Any], None]:
    # Emitting a diagnostic from a Python pass is only safe when the pass then signals failure
    # and returns normally (raising after emit_error aborts in MLIR 22's bindings).
    def call(op: ir.Operation, pass_: Any) -> None:
        try:
            run(op)
        except Exception as e:
            loc = getattr(e, "location", None)
            (loc if isinstance(loc, ir.Location) else op.location).emit_error(str(e))
            failures.append(e)
            pass_.signal_pass_failure()

    return call


def run_pipeline(module: ir.Module, text: str) -> None:
    """Run `text` on `module`.

    A StrataError raised by one of our passes is re-raised as is; any other failure (an upstream
    pass, the verifier) raises CompilationError with MLIR's diagnostics.
    """
    failures: list[BaseException] = []
    pm = build_pass_manager(text, failures=failures)
    try:
        pm.run(module.operation)
    except ir.MLIRError as e:
        first = failures[0] if failures else None
        if isinstance(first, StrataError):
            raise first from None
        raise CompilationError(f"pipeline failed: {format_mlir_error(e)}") from first
    if failures:  # an exception whose failure signal MLIR did not turn into an error
        raise CompilationError(f"pass failed: {failures[0]}") from failures[0]


def format_mlir_error(e: ir.MLIRError) -> str:
    """MLIRError's message with each diagnostic (and its notes) on its own line."""
    lines = [e.message]
    for d in e.error_diagnostics:
        lines.append(f"  {d.location}: {d.message}")
        lines.extend(f"    note: {n.location}: {n.message}" for n in d.notes)
    return "\n".join(lines)


__all__ = [
    "ModulePass",
    "PipelineError",
    "build_pass_manager",
    "expand",
    "format_mlir_error",
    "passes",
    "pipelines",
    "register_pass",
    "register_pipeline",
    "run_pipeline",
]
