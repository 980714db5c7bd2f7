"""``strata-opt``: parse MLIR, verify it, run a pass pipeline, print the result — like mlir-opt.

    strata-opt [FILE|-] [-o OUT] [--pass-pipeline=PIPELINE | --PASS[=OPTIONS] ...]
               [--split-input-file] [--verify-diagnostics] [--mlir-print-ir-after-all]
               [--list-passes] [--allow-unregistered-dialect] [printing flags]

Every ``--NAME``, ``--NAME=OPTIONS`` or ``--NAME{OPTIONS}`` that is not a driver flag is a pass
(a Strata pass, a named pipeline or any upstream MLIR pass), appended in order. Single-dash
spellings (``-canonicalize``) are accepted as in mlir-opt. Besides MLIR's verifier, every
``nn.*`` and ``odla.*`` op is checked against its declaration
(`strata.dialects.opdef.verify_op`) after parsing and after the pipeline; failures are error
diagnostics at the op's location.

Dependency contract: imports the `mlir` bindings, `strata.context`, `strata.dialects`,
`strata.passes.registry` and the helpers in `strata.tools`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from mlir import ir

from strata.context import make_context
from strata.dialects import nn, odla
from strata.dialects.opdef import Dialect, OpVerifyError, verify_op
from strata.errors import StrataError
from strata.passes import registry
from strata.tools import verify_diagnostics
from strata.tools.common import (
    ArgumentParser,
    Buffer,
    Diag,
    DiagnosticSink,
    DriverError,
    SrcLoc,
    add_print_arguments,
    diagnostics_to,
    format_diag,
    module_asm,
    parse_module,
    read_text,
    run_main,
    write_output,
)

PROG = "strata-opt"
SPLIT_MARKER = "// -----"


def _bool(text: str) -> bool:
    if text.lower() in ("true", "1", "on"):
        return True
    if text.lower() in ("false", "0", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got '{text}'")


def build_parser() -> ArgumentParser:
    p = ArgumentParser(
        prog=PROG,
        allow_abbrev=False,
        description="Parse, verify, transform and print MLIR with Strata's dialects loaded.",
        epilog="Any other --NAME, --NAME=OPTIONS or --NAME{OPTIONS} is a pass (see "
        "--list-passes); upstream MLIR passes are accepted too.",
    )
    p.add_argument("input", nargs="?", default="-", help="input file, '-' for stdin (default)")
    p.add_argument("-o", "--output", default="-", help="output file, '-' for stdout (default)")
    p.add_argument("--pass-pipeline", metavar="PIPELINE", help="a textual pass pipeline")
    p.add_argument(
        "--split-input-file",
        action="store_true",
        help=f"process each chunk between '{SPLIT_MARKER}' lines on its own "
        "(--split-input-file=MARKER: another marker)",
    )
    # --split-input-file=MARKER becomes this (a bare --split-input-file never takes a value, so
    # `--split-input-file FILE` reads FILE, as in mlir-opt).
    p.add_argument("--split-input-marker", default=SPLIT_MARKER, help=argparse.SUPPRESS)
    p.add_argument("--output-split-marker", default=SPLIT_MARKER, metavar="MARKER")
    p.add_argument(
        "--verify-diagnostics",
        action="store_true",
        help="check diagnostics against the '// expected-error {{...}}' comments of the input",
    )
    p.add_argument("--list-passes", action="store_true", help="list Strata passes and pipelines")
    p.add_argument("--allow-unregistered-dialect", action="store_true")
    p.add_argument("--mlir-disable-threading", action="store_true")
    p.add_argument("--mlir-timing", action="store_true", help="report pass timings")
    p.add_argument("--verify-each", type=_bool, default=True, metavar="BOOL")
    g = p.add_argument_group("pass instrumentation")
    g.add_argument("--mlir-print-ir-after-all", action="store_true")
    g.add_argument("--mlir-print-ir-before-all", action="store_true")
    g.add_argument("--mlir-print-ir-after-change", action="store_true")
    g.add_argument("--mlir-print-ir-after-failure", action="store_true")
    add_print_arguments(p)
    return p


# ---- command line ----------------------------------------------------------------------------


def split_argv(parser: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(driver arguments, pass entries): every unknown ``--NAME...`` is a pass entry."""
    actions = parser._option_string_actions
    driver: list[str] = []
    passes: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            driver.extend(argv[i - 1 :])
            break
        if arg.startswith("--split-input-file="):
            driver.extend(["--split-input-file", "--split-input-marker", arg.partition("=")[2]])
            continue
        if arg.startswith("-o="):
            driver.extend(["-o", arg[3:]])
            continue
        if len(arg) > 2 and arg[0] == "-" and arg[1] != "-" and not arg[1].isdigit():
            arg = "-" + arg  # mlir-opt accepts -canonicalize for --canonicalize
        if not arg.startswith("--"):
            driver.append(arg)
            continue
        name = re.split(r"[={]", arg[2:], maxsplit=1)[0]
        action = actions.get("--" + name)
        if action is None:
            passes.append(pass_entry(arg[2:]))
            continue
        driver.append(arg)
        if action.nargs is None and "=" not in arg and i < len(argv):
            driver.append(argv[i])  # the flag's value
            i += 1
    return driver, passes


def pass_entry(flag: str) -> str:
    """``name=a=1 b=2`` -> ``name{a=1 b=2}``; ``name`` and ``name{...}`` stay."""
    name, eq, opts = flag.partition("=")
    if not eq or "{" in name:
        return flag
    return f"{name}{{{opts}}}"


def check_pipeline(pipeline: str, entries: list[str]) -> None:
    """Build the pipeline once up front so that a bad one fails before any input is read.

    A flag that names no pass gets an unknown-flag message naming the flag.
    """
    with ir.Context():
        for entry in entries:
            try:
                registry.build_pass_manager(entry)
            except registry.PipelineError as e:
                if "does not refer to a registered pass" in str(e):
                    name = re.split(r"[{]", entry, maxsplit=1)[0]
                    raise DriverError(
                        f"unknown option or pass '--{name}' (see '{PROG} --list-passes'; "
                        "upstream MLIR passes are listed by 'mlir-opt --help')"
                    ) from None
                raise
        if pipeline:
            registry.build_pass_manager(pipeline)


def list_passes() -> str:
    out = ["Strata passes:"]
    passes = registry.passes()
    for name, cls in sorted(passes.items()):
        out.append(f"  --{name:<34} {registry.describe(cls)}")
        if dataclasses.is_dataclass(cls):
            for f in dataclasses.fields(cls):
                default = "" if f.default is dataclasses.MISSING else f"={f.default}"
                out.append(f"      {f.name.replace('_', '-')}{default}")
    if not passes:
        out.append("  (none registered)")
    out.append("Named pipelines:")
    pipelines = registry.pipelines()
    for name, pdef in sorted(pipelines.items()):
        out.append(f"  --{name:<34} {pdef.description}")
        out.append(f"      = {pdef.text}")
    if not pipelines:
        out.append("  (none registered)")
    out.append(
        "Every upstream MLIR pass and pass pipeline is accepted as well "
        "(e.g. --canonicalize, --cse, --pass-pipeline='builtin.module(func.func(cse))'); "
        "'mlir-opt --help' lists them."
    )
    return "\n".join(out) + "\n"


# ---- processing ------------------------------------------------------------------------------


@dataclass
class ChunkResult:
    ok: bool  # processed without error diagnostics (or, in verify mode: all as expected)
    output: str | None  # the printed module when processing succeeded


def split_chunks(text: str, marker: str) -> list[str]:
    """The chunks between marker lines, each padded with blank lines to keep line numbers."""
    chunks: list[str] = []
    current: list[str] = []
    start = 0
    for index, line in enumerate(text.splitlines(keepends=True)):
        if line.strip().startswith(marker):
            chunks.append("\n" * start + "".join(current))
            current, start = [], index + 1
        else:
            current.append(line)
    chunks.append("\n" * start + "".join(current))
    return chunks


# The dialects whose ops strata-opt checks against their declarations.
DIALECTS: tuple[Dialect, ...] = (nn.DIALECT, odla.DIALECT)


def verify_nn_ops(module: ir.Module) -> bool:
    """Check every nn.* / odla.* op against its declaration; emit an error at each that fails."""
    found: list[tuple[ir.Operation, Dialect]] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        for d in DIALECTS:
            if op.name.startswith(f"{d.name}."):
                found.append((op.operation, d))
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    ok = True
    for op, dialect in found:
        problem = _nn_problem(op, dialect)
        if problem is not None:
            op.location.emit_error(f"'{op.name}' op {problem}")
            ok = False
    return ok


def _nn_problem(op: ir.Operation, dialect: Dialect) -> str | None:
    try:
        opdef = dialect.op(op.name)
    except KeyError:
        return f"is not declared in the '{dialect.name}' dialect"
    try:
        with op.location:
            verify_op(op, opdef)
    except OpVerifyError as e:
        return str(e)
    except Exception as e:  # a bug in a shape rule must not hide the op
        return f"could not be verified ({type(e).__name__}: {e})"
    return None


def run_pipeline(
    module: ir.Module, pipeline: str, args: argparse.Namespace, sink: DiagnosticSink
) -> bool:
    """Run `pipeline` on `module`; every failure becomes a diagnostic. True on success."""
    failures: list[BaseException] = []  # exceptions the Strata passes raised (and reported)
    pm = registry.build_pass_manager(pipeline, failures=failures)
    pm.enable_verifier(args.verify_each)
    if args.mlir_timing:
        pm.enable_timing()
    printing = (
        args.mlir_print_ir_before_all,
        args.mlir_print_ir_after_all,
        args.mlir_print_ir_after_change,
        args.mlir_print_ir_after_failure,
    )
    if any(printing):
        pm.enable_ir_printing(
            print_before_all=printing[0],
            print_after_all=printing[1] or printing[2],
            print_after_change=printing[2],
            print_after_failure=printing[3],
            large_resource_limit=args.mlir_elide_resource_strings_if_larger,
            large_elements_limit=args.mlir_elide_elementsattrs_if_larger,
            enable_debug_info=args.mlir_print_debuginfo,
        )
    try:
        pm.run(module.operation)
    except ir.MLIRError as e:
        sink.add_error(e, "failure while executing the pass pipeline")
        _report_internal_errors(failures, sink)
        return False
    except StrataError as e:
        sink.add(Diag("error", str(e), SrcLoc(None)))
        return False
    except Exception as e:  # a bug in a Python pass: report it, do not crash
        message = f"internal error in the pass pipeline: {type(e).__name__}: {e}"
        if os.environ.get("STRATA_TRACEBACK"):
            message += "\n" + traceback.format_exc()
        sink.add(Diag("error", message, SrcLoc(None)))
        return False
    return True


def _report_internal_errors(failures: list[BaseException], sink: DiagnosticSink) -> None:
    """A note for each exception that is a bug rather than a StrataError."""
    for exc in failures:
        if isinstance(exc, StrataError):
            continue
        message = f"internal error: {type(exc).__name__} raised by a Strata pass"
        if os.environ.get("STRATA_TRACEBACK"):
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
            message += "\n" + "".join(tb).rstrip()
        else:
            message += " (set STRATA_TRACEBACK=1 to see the traceback)"
        sink.add(Diag("note", message, SrcLoc(None)))


def process_chunk(
    text: str, buffer: Buffer, pipeline: str, args: argparse.Namespace
) -> ChunkResult:
    sink = DiagnosticSink(buffer, collect=args.verify_diagnostics)
    output = _transform(text, pipeline, args, sink)
    if not args.verify_diagnostics:
        return ChunkResult(output is not None and not sink.had_error, output)
    problems = verify_diagnostics.verify(text, sink.diags)
    for problem in problems:
        sys.stderr.write(format_diag(problem, buffer))
    return ChunkResult(not problems, output)


def _transform(
    text: str, pipeline: str, args: argparse.Namespace, sink: DiagnosticSink
) -> str | None:
    """Parse, verify, run and print one chunk; None when it failed (diagnostics in `sink`)."""
    ctx = make_context()
    ctx.allow_unregistered_dialects = args.allow_unregistered_dialect
    if args.mlir_disable_threading:
        ctx.enable_multithreading(False)
    with diagnostics_to(ctx, sink):
        module = parse_module(text, sink)
        if module is None or not verify_nn_ops(module):
            return None
        if pipeline and not run_pipeline(module, pipeline, args, sink):
            return None
        if not verify_nn_ops(module):
            return None
        return module_asm(module.operation, args, sink.buffer.name)


# ---- main ------------------------------------------------------------------------------------


def _main(argv: Sequence[str]) -> int:
    parser = build_parser()
    driver_argv, entries = split_argv(parser, argv)
    args = parser.parse_args(driver_argv)
    if args.list_passes:
        sys.stdout.write(list_passes())
        return 0
    if args.pass_pipeline is not None and entries:
        raise DriverError("--pass-pipeline cannot be combined with individual pass flags")
    pipeline = args.pass_pipeline if args.pass_pipeline is not None else ",".join(entries)
    check_pipeline(pipeline, entries)
    text, name = read_text(args.input)
    buffer = Buffer(name, text)
    chunks = split_chunks(text, args.split_input_marker) if args.split_input_file else [text]
    results = [process_chunk(chunk, buffer, pipeline, args) for chunk in chunks]
    ok = all(r.ok for r in results)
    outputs = [r.output for r in results if r.output is not None]
    if outputs and (ok or args.output == "-"):
        write_output(args.output, (args.output_split_marker + "\n").join(outputs))
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
