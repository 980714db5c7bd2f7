"""What the drivers share: diagnostics as plain records, printing them like mlir-opt, reading
inputs, writing outputs, printing modules, and the error-to-exit-code wrapper of every `main`.

Diagnostics are copied out of MLIR into :class:`Diag` records as soon as they arrive (an
`ir.Diagnostic` is only valid inside its handler). Text parsed with ``ir.Module.parse`` gets the
file name ``"-"``; :class:`Buffer` maps that name back to the name the user gave and keeps the
lines, so messages read ``FILE:LINE:COL: error: ...`` followed by the source line and a caret.

Dependency contract: imports the `mlir` bindings and `strata.errors` only.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TextIO

from mlir import ir

from strata.errors import StrataError

PARSED_NAME = "-"  # the file name MLIR gives to locations in text parsed from a string


class DriverError(StrataError):
    """A usage error of a command-line driver (missing file, bad flag value...)."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad command line is a DriverError (exit code 1, no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise DriverError(f"{message} (see '{self.prog} --help')")


@dataclass(frozen=True)
class SrcLoc:
    """Where a diagnostic points: a file position, or only a printed location."""

    file: str | None  # None: no file position (unknown or name-only location)
    line: int = 0
    col: int = 0
    text: str = ""  # the location as MLIR prints it, for the non-file case

    @property
    def is_unknown(self) -> bool:
        return self.file is None and self.text in ("", "loc(unknown)")


@dataclass
class Diag:
    severity: str  # "error" | "warning" | "remark" | "note"
    message: str
    loc: SrcLoc
    notes: list[Diag] = field(default_factory=list)


_SEVERITY = {
    ir.DiagnosticSeverity.ERROR: "error",
    ir.DiagnosticSeverity.WARNING: "warning",
    ir.DiagnosticSeverity.REMARK: "remark",
    ir.DiagnosticSeverity.NOTE: "note",
}


def _find_file_loc(loc: ir.Location) -> ir.Location | None:
    """The first file:line:col location inside `loc` (like MLIR's findInstanceOf)."""
    if loc.is_a_file():
        return loc
    children: list[ir.Location] = []
    if loc.is_a_name():
        children = [loc.child_loc]
    elif loc.is_a_callsite():
        children = [loc.callee, loc.caller]
    elif loc.is_a_fused():
        children = list(loc.locations)
    for child in children:
        found = _find_file_loc(child)
        if found is not None:
            return found
    return None


def resolve_location(loc: ir.Location) -> SrcLoc:
    found = _find_file_loc(loc)
    if found is None:
        return SrcLoc(None, text=str(loc))
    return SrcLoc(found.filename, found.start_line, found.start_col)


def diag_from_mlir(d: Any) -> Diag:
    """Copy an `ir.Diagnostic` or an MLIRError's `DiagnosticInfo` into a :class:`Diag`."""
    return Diag(
        _SEVERITY.get(d.severity, "error"),
        str(d.message),
        resolve_location(d.location),
        [diag_from_mlir(n) for n in d.notes],
    )


@dataclass
class Buffer:
    """One input: the name to show for it and its lines (1-based in diagnostics)."""

    name: str
    text: str

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line(self, number: int) -> str | None:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else None


def format_diag(diag: Diag, buffer: Buffer | None) -> str:
    """A diagnostic and its notes, formatted as mlir-opt prints them."""
    out = [_format_one(diag, buffer)]
    out.extend(_format_one(n, buffer) for n in diag.notes)
    return "".join(out)


def _format_one(diag: Diag, buffer: Buffer | None) -> str:
    loc = diag.loc
    if loc.file is None:
        prefix = "" if loc.is_unknown else f"{loc.text}: "
        return f"{diag.severity}: {prefix}{diag.message}\n"
    in_buffer = buffer is not None and loc.file == PARSED_NAME
    name = buffer.name if buffer is not None and in_buffer else loc.file
    text = f"{name}:{loc.line}:{loc.col}: {diag.severity}: {diag.message}\n"
    source = buffer.line(loc.line) if buffer is not None and in_buffer else None
    if source is not None:
        text += source + "\n" + " " * max(loc.col - 1, 0) + "^\n"
    return text


class DiagnosticSink:
    """Receives every diagnostic of one input chunk: prints it at once, or keeps it.

    Use :meth:`handler` with ``ctx.attach_diagnostic_handler``; feed an MLIRError's
    diagnostics with :meth:`add_error`.
    """

    def __init__(self, buffer: Buffer, *, collect: bool, stream: TextIO | None = None) -> None:
        self.buffer = buffer
        self.collect = collect
        self.stream = stream
        self.diags: list[Diag] = []
        self.had_error = False

    def add(self, diag: Diag) -> None:
        if diag.severity == "error":
            self.had_error = True
        if self.collect:
            self.diags.append(diag)
        else:
            (self.stream or sys.stderr).write(format_diag(diag, self.buffer))

    def add_error(self, err: ir.MLIRError, fallback: str) -> None:
        """Every diagnostic of `err`, or `fallback` at an unknown location if it has none."""
        infos = list(err.error_diagnostics)
        if not infos:
            self.add(Diag("error", fallback, SrcLoc(None)))
        for info in infos:
            self.add(diag_from_mlir(info))

    def handler(self, d: ir.Diagnostic) -> bool:
        try:
            self.add(diag_from_mlir(d))
        except Exception:  # never let an exception escape into MLIR
            return False
        return True


@contextlib.contextmanager
def diagnostics_to(ctx: ir.Context, sink: DiagnosticSink) -> Iterator[None]:
    """Enter `ctx` with every diagnostic routed to `sink` (detached on exit)."""
    handler = ctx.attach_diagnostic_handler(sink.handler)
    try:
        with ctx:
            yield
    finally:
        handler.detach()


def parse_module(text: str, sink: DiagnosticSink) -> ir.Module | None:
    """Parse `text` in the current context; None after reporting a parse error to `sink`."""
    try:
        return ir.Module.parse(text)
    except ir.MLIRError as e:
        sink.add_error(e, "could not parse the input")
        return None


def read_text(path: str) -> tuple[str, str]:
    """(contents, display name) of `path`, or of stdin for ``-``."""
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    return _read(path, binary=False), path


def read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return _read(path, binary=True)


def _read(path: str, *, binary: bool) -> Any:
    try:
        p = Path(path)
        return p.read_bytes() if binary else p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DriverError(f"could not open input file '{path}': no such file") from None
    except IsADirectoryError:
        raise DriverError(f"could not open input file '{path}': it is a directory") from None
    except UnicodeDecodeError as e:
        raise DriverError(f"input file '{path}' is not UTF-8 text: {e.reason}") from None
    except OSError as e:
        raise DriverError(f"could not open input file '{path}': {e.strerror}") from None


def write_output(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise DriverError(f"could not write output file '{path}': {e.strerror}") from None


# ---- printing modules ------------------------------------------------------------------------


def add_print_arguments(parser: argparse.ArgumentParser) -> None:
    """The mlir-opt printing flags both drivers accept."""
    g = parser.add_argument_group("IR printing")
    g.add_argument(
        "--mlir-elide-resource-strings-if-larger",
        type=int,
        metavar="N",
        help="elide dense_resource blobs larger than N bytes",
    )
    g.add_argument(
        "--mlir-elide-elementsattrs-if-larger",
        type=int,
        metavar="N",
        help="elide elements attributes with more than N elements",
    )
    g.add_argument("--mlir-print-debuginfo", action="store_true", help="print locations")
    g.add_argument("--mlir-print-op-generic", action="store_true", help="print the generic form")
    g.add_argument("--mlir-print-local-scope", action="store_true", help="print without aliases")


def module_asm(op: ir.Operation, args: argparse.Namespace, display_name: str) -> str:
    """`op` printed according to the printing flags; ends with a newline."""
    text = op.get_asm(
        large_resource_limit=args.mlir_elide_resource_strings_if_larger,
        large_elements_limit=args.mlir_elide_elementsattrs_if_larger,
        enable_debug_info=args.mlir_print_debuginfo,
        print_generic_op_form=args.mlir_print_op_generic,
        use_local_scope=args.mlir_print_local_scope,
    )
    assert isinstance(text, str)
    if args.mlir_print_debuginfo and display_name != PARSED_NAME:
        text = text.replace(f'loc("{PARSED_NAME}":', f"loc({json.dumps(display_name)}:")
    return text if text.endswith("\n") else text + "\n"


# ---- main wrapper ----------------------------------------------------------------------------


def run_main(prog: str, body: Callable[[Sequence[str]], int], argv: Sequence[str] | None) -> int:
    """Run a driver body; user errors become ``PROG: error: ...`` and exit code 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return body(args)
    except StrataError as e:
        _report(prog, str(e))
    except ir.MLIRError as e:
        _report(prog, str(e))
    except KeyboardInterrupt:
        _report(prog, "interrupted")
        return 130
    except BrokenPipeError:
        return 1
    return 1


def _report(prog: str, message: str) -> None:
    sys.stdout.flush()
    sys.stderr.write(f"{prog}: error: {message.rstrip()}\n")
    sys.stderr.flush()


def parse_input_shape(text: str) -> tuple[str, tuple[int, ...]]:
    """``name:1x3x224x224`` -> ("name", (1, 3, 224, 224)); a scalar is ``name:``."""
    name, sep, dims = text.rpartition(":")
    if not sep or not name:
        raise DriverError(f"--input-shape '{text}': expected NAME:DIMS, e.g. input:1x3x224x224")
    try:
        shape = tuple(int(d) for d in dims.split("x")) if dims else ()
    except ValueError:
        raise DriverError(
            f"--input-shape '{text}': dims must be integers separated by 'x', e.g. 1x3x224x224"
        ) from None
    if any(d <= 0 for d in shape):
        raise DriverError(f"--input-shape '{text}': every dim must be positive")
    return name, shape


def input_shapes(texts: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Repeated ``--input-shape NAME:DIMS`` flags, each name at most once."""
    shapes: dict[str, tuple[int, ...]] = {}
    for text in texts:
        name, shape = parse_input_shape(text)
        if name in shapes:
            raise DriverError(f"--input-shape given twice for input '{name}'")
        shapes[name] = shape
    return shapes


def name_list(values: Sequence[str] | None) -> list[str] | None:
    """Repeated ``--inputs`` / ``--outputs`` flags, each a name or a comma-separated list."""
    names = [n.strip() for v in values or [] for n in v.split(",") if n.strip()]
    return names or None
