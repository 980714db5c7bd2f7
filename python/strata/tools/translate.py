"""``strata-translate``: translations into and out of MLIR.

    strata-translate --import-onnx MODEL [-o OUT] [--input-shape NAME:1x3x224x224 ...]
                     [--batch-size N] [--inputs a,b] [--outputs a,b] [--entry-func-name NAME]
    strata-translate --import-torch MODEL.pt2 [-o OUT] [--input-shape NAME:DIMS ...]
                     [--batch-size N] [--inputs a,b] [--outputs a,b] [--entry-func-name NAME]
    strata-translate --import-tf MODEL.pb [-o OUT] [--input-shape NAME:DIMS ...]
                     [--batch-size N] [--inputs a,b] [--outputs a,b] [--entry-func-name NAME]
    strata-translate --import-tflite MODEL.tflite [-o OUT] [--input-shape NAME:DIMS ...]
                     [--batch-size N] [--inputs a,b] [--outputs a,b] [--entry-func-name NAME]
    strata-translate --import-caffe NET.prototxt [--weights NET.caffemodel] [-o OUT]
                     [--input-shape NAME:DIMS ...] [--batch-size N] [--inputs a,b]
                     [--outputs a,b] [--entry-func-name NAME]
    (each --import-* also takes [--reorder-data-layout channel-first|channel-last]
     [--remove-input-transpose] [--remove-output-transpose])
    strata-translate --mlir-to-llvmir FILE [-o OUT]
    strata-translate --odla-to-cpp FILE [-o OUT/NAME.cc] [--entry-func-name NAME]
                     [--exec-mode compile|interpret] [--emit-value-id-as-int]
                     [--emit-value-reset] [--print-mem-stats]

``--import-onnx`` prints the `nn` module of an ONNX model (``-`` reads the model from stdin);
``--import-torch`` that of a PyTorch program saved by ``torch.export.save``; ``--import-tf``
that of a TensorFlow frozen GraphDef (``.pb``, ``.pbtxt``) or SavedModel directory;
``--import-tflite`` that of a TFLite flatbuffer (``-`` reads it from stdin);
``--import-caffe`` that of a Caffe net with the trained weights of ``--weights`` (default:
NAME.caffemodel beside NAME.prototxt, if any; a net without weighted layers needs none);
``--mlir-to-llvmir`` translates a module in the LLVM dialect to LLVM IR; ``--odla-to-cpp``
translates an `odla` module (the output of ``strata-opt --convert-nn-to-odla``) into the ODLA
C++ program NAME.cc (to stdout, or to ``-o OUT/NAME.cc`` together with OUT/NAME.h and the
weights OUT/NAME.bin); NAME is ``--entry-func-name``, else the basename of ``-o``, else the
function's name. HALO's ``--exec-mode``, ``--emit-value-id-as-int`` and ``--emit-value-reset``
shape the program (strata.targets.odla.options); ``--print-mem-stats`` prints its memory
statistics on stderr.

Dependency contract: imports the `mlir` bindings, `strata.context`, `strata.frontends.onnx`
(lazily, only for --import-onnx), `strata.frontends.torch` (lazily, only for --import-torch),
`strata.frontends.tf` (lazily, only for --import-tf), `strata.frontends.tflite` (lazily, only
for --import-tflite), `strata.frontends.caffe` (lazily, only for --import-caffe),
`strata.frontends.formats` (layout names), `strata.mlir_model` and
`strata.targets.{cpu,odla}` (lazily, only for --odla-to-cpp; `strata.targets.odla.options`
for the command line) and the
helpers in `strata.tools`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from mlir import ir
from mlir.dialects import llvm

from strata.context import make_context
from strata.frontends.formats import LAYOUTS
from strata.targets.odla import options as odla_options
from strata.tools.common import (
    ArgumentParser,
    Buffer,
    DiagnosticSink,
    DriverError,
    add_print_arguments,
    diagnostics_to,
    input_shapes,
    module_asm,
    name_list,
    parse_module,
    read_bytes,
    read_text,
    run_main,
    write_output,
)
from strata.tools.common import parse_input_shape as parse_input_shape  # re-exported

PROG = "strata-translate"

# Dialects whose ops `translate_module_to_llvmir` can translate. Anything else makes the
# translation fail, and a failed translation crashes the bindings: we check first.
_TRANSLATABLE = ("builtin.module", "llvm.", "omp.", "nvvm.", "rocdl.", "x86vector.", "amx.")


def build_parser() -> ArgumentParser:
    p = ArgumentParser(
        prog=PROG, allow_abbrev=False, description="Translate models and IR to and from MLIR."
    )
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--import-onnx", action="store_true", help="ONNX model -> nn dialect module")
    mode.add_argument(
        "--import-torch",
        action="store_true",
        help="PyTorch program saved by torch.export.save (.pt2) -> nn dialect module",
    )
    mode.add_argument(
        "--import-tf",
        action="store_true",
        help="TensorFlow frozen GraphDef (.pb, .pbtxt) or SavedModel directory -> nn dialect "
        "module",
    )
    mode.add_argument(
        "--import-tflite",
        action="store_true",
        help="TFLite / LiteRT flatbuffer (.tflite) -> nn dialect module",
    )
    mode.add_argument(
        "--import-caffe",
        action="store_true",
        help="Caffe net (.prototxt) with its weights (--weights .caffemodel) -> nn dialect module",
    )
    mode.add_argument(
        "--mlir-to-llvmir", action="store_true", help="LLVM dialect module -> LLVM IR"
    )
    mode.add_argument(
        "--odla-to-cpp",
        action="store_true",
        help="odla module -> ODLA C++ program NAME.cc (with -o: also NAME.h and NAME.bin)",
    )
    p.add_argument("input", nargs="?", default="-", help="input file, '-' for stdin (default)")
    p.add_argument("-o", "--output", default="-", help="output file, '-' for stdout (default)")
    g = p.add_argument_group("model import (ONNX, PyTorch, TensorFlow, TFLite, Caffe)")
    g.add_argument(
        "--input-shape",
        action="append",
        default=[],
        metavar="NAME:DIMS",
        help="static shape of a graph input, e.g. input:1x3x224x224 (repeatable)",
    )
    g.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="the first dim of every input whose first dim the model leaves open",
    )
    g.add_argument(
        "--outputs",
        action="append",
        metavar="A[,B]",
        help="values to return instead of the graph's outputs (repeatable, or comma-separated)",
    )
    g.add_argument(
        "--inputs",
        action="append",
        metavar="A[,B]",
        help="values to take as inputs, cutting the graph there (HALO's -inputs; repeatable, "
        "or comma-separated); --input-shape may name them",
    )
    g.add_argument(
        "--entry-func-name",
        metavar="NAME",
        help="the entry function (--import-onnx / --import-torch / --import-tf / --import-tflite, "
        "default "
        "main) / the "
        "program's name "
        "(--odla-to-cpp)",
    )
    g.add_argument(
        "--weights",
        metavar="FILE",
        help="--import-caffe: the trained weights (.caffemodel; default NAME.caffemodel beside "
        "NAME.prototxt)",
    )
    g.add_argument(
        "--reorder-data-layout",
        choices=LAYOUTS,
        help="the layout values are held in inside the graph (default channel-first: nn's "
        "conv / pool layout); with the --remove-* flags, also the interface's",
    )
    g.add_argument(
        "--remove-input-transpose",
        action="store_true",
        help="rank-4 inputs take the --reorder-data-layout layout instead of the model's own "
        "(a TF / TFLite model's inputs become NCHW; --reorder-data-layout channel-last makes "
        "an ONNX / PyTorch model's NHWC)",
    )
    g.add_argument(
        "--remove-output-transpose",
        action="store_true",
        help="rank-4 outputs give the --reorder-data-layout layout instead of the model's own",
    )
    o = p.add_argument_group("ODLA program (--odla-to-cpp)")
    odla_options.add_arguments(o)
    o.add_argument("--print-mem-stats", action="store_true", help=odla_options.PRINT_MEM_STATS_HELP)
    add_print_arguments(p)
    return p


def _import_options(
    args: argparse.Namespace,
) -> tuple[dict[str, tuple[int, ...]], int | None, list[str] | None]:
    """--input-shape, --batch-size and --outputs, checked."""
    shapes = input_shapes(args.input_shape)
    if args.batch_size is not None and args.batch_size <= 0:
        raise DriverError(f"--batch-size must be positive, got {args.batch_size}")
    return shapes, args.batch_size, name_list(args.outputs)


def _cut_and_layout(args: argparse.Namespace, tf_style: bool) -> dict[str, Any]:
    """--inputs and the layout flags as import options (the TF / TFLite importers take the
    layout themselves; for ONNX / torch it is `strata.frontends.layout.apply`)."""
    out: dict[str, Any] = {"inputs": name_list(args.inputs)}
    if tf_style:
        out["reorder_data_layout"] = args.reorder_data_layout or "channel-first"
        out["remove_input_transpose"] = args.remove_input_transpose
        out["remove_output_transpose"] = args.remove_output_transpose
    return out


def _channel_first_layout(args: argparse.Namespace, imported: Any) -> Any:
    from strata.frontends import layout

    return layout.apply(
        imported,
        args.reorder_data_layout,
        args.remove_input_transpose,
        args.remove_output_transpose,
    )


def import_onnx(args: argparse.Namespace) -> str:
    shapes, batch_size, outputs = _import_options(args)
    model: str | bytes = args.input if args.input != "-" else read_bytes("-")

    from strata.frontends.onnx import import_model

    ctx = make_context()
    imported = import_model(
        model,
        input_shapes=shapes or None,
        batch_size=batch_size,
        outputs=outputs,
        entry_func_name=args.entry_func_name or "main",
        context=ctx,
        **_cut_and_layout(args, False),
    )
    imported = _channel_first_layout(args, imported)
    with ctx:
        # `imported` keeps the weight arrays behind the dense_resource blobs alive while printing.
        return module_asm(imported.module.operation, args, "-")


def import_torch(args: argparse.Namespace) -> str:
    if args.input == "-":
        raise DriverError("--import-torch reads a .pt2 file; stdin is not supported")
    shapes, batch_size, outputs = _import_options(args)

    from strata.frontends.torch import import_program

    ctx = make_context()
    imported = import_program(
        args.input,
        input_shapes=shapes or None,
        batch_size=batch_size,
        outputs=outputs,
        entry_func_name=args.entry_func_name or "main",
        context=ctx,
        **_cut_and_layout(args, False),
    )
    imported = _channel_first_layout(args, imported)
    with ctx:
        return module_asm(imported.module.operation, args, "-")


def import_tf(args: argparse.Namespace) -> str:
    if args.input == "-":
        raise DriverError(
            "--import-tf reads a .pb / .pbtxt file or SavedModel directory; stdin is not supported"
        )
    shapes, batch_size, outputs = _import_options(args)

    from strata.frontends.tf import import_graph_def

    ctx = make_context()
    imported = import_graph_def(
        args.input,
        input_shapes=shapes or None,
        batch_size=batch_size,
        outputs=outputs,
        entry_func_name=args.entry_func_name or "main",
        context=ctx,
        **_cut_and_layout(args, True),
    )
    with ctx:
        return module_asm(imported.module.operation, args, "-")


def import_tflite(args: argparse.Namespace) -> str:
    shapes, batch_size, outputs = _import_options(args)
    model: str | bytes = args.input if args.input != "-" else read_bytes("-")

    from strata.frontends.tflite import import_model

    ctx = make_context()
    imported = import_model(
        model,
        input_shapes=shapes or None,
        batch_size=batch_size,
        outputs=outputs,
        entry_func_name=args.entry_func_name or "main",
        context=ctx,
        **_cut_and_layout(args, True),
    )
    with ctx:
        return module_asm(imported.module.operation, args, "-")


def import_caffe(args: argparse.Namespace) -> str:
    if args.input == "-":
        raise DriverError("--import-caffe reads a .prototxt file; stdin is not supported")
    shapes, batch_size, outputs = _import_options(args)

    from strata.frontends.caffe import import_net
    from strata.frontends.formats import weights_file

    ctx = make_context()
    imported = import_net(
        args.input,
        weights_file(args.input, "caffe", args.weights),
        input_shapes=shapes or None,
        batch_size=batch_size,
        outputs=outputs,
        entry_func_name=args.entry_func_name or "main",
        context=ctx,
        **_cut_and_layout(args, False),
    )
    imported = _channel_first_layout(args, imported)
    with ctx:
        return module_asm(imported.module.operation, args, "-")


def _check_layout_flags(args: argparse.Namespace) -> None:
    given = [
        flag
        for flag, v in (
            ("--reorder-data-layout", args.reorder_data_layout),
            ("--remove-input-transpose", args.remove_input_transpose),
            ("--remove-output-transpose", args.remove_output_transpose),
        )
        if v
    ]
    if args.inputs:
        given.append("--inputs")
    if given and (args.odla_to_cpp or args.mlir_to_llvmir):
        raise DriverError(f"{', '.join(given)}: model import flags (--import-*)")
    if args.weights is not None and not args.import_caffe:
        raise DriverError("--weights is for --import-caffe (a Caffe net's .caffemodel)")


def mlir_to_llvmir(args: argparse.Namespace) -> str | None:
    """The LLVM IR of the input; None after reporting diagnostics."""
    text, name = read_text(args.input)
    sink = DiagnosticSink(Buffer(name, text), collect=False)
    with diagnostics_to(make_context(), sink):
        module = parse_module(text, sink)
        if module is None or not _check_translatable(module):
            return None
        return str(llvm.translate_module_to_llvmir(module.operation))


def odla_to_cpp(args: argparse.Namespace) -> str:
    """NAME.cc of an odla module; with -o FILE also NAME.h and NAME.bin beside FILE."""
    from pathlib import Path

    from strata import __version__
    from strata.mlir_model import import_mlir_text
    from strata.targets.cpu import weights
    from strata.targets.cpu.compiler import check_name
    from strata.targets.odla import emit_cpp

    text, label = read_text(args.input)
    model = import_mlir_text(text, label)
    out = Path(args.output) if args.output != "-" else None
    name = check_name(
        args.entry_func_name or (out.name.removesuffix(".cc") if out else model.entry)
    )
    options = odla_options.from_args(args)
    with model.module.context:
        program = emit_cpp.translate(
            model.module, name, model.weights, __version__, options=options
        )
    if args.print_mem_stats:
        print("\n".join(program.mem_stats.lines()), file=sys.stderr)
    if out is not None:
        try:
            (out.parent / f"{name}.h").write_text(program.header)
            weights.write_bin(out.parent / f"{name}.bin", program.arrays, program.layout)
        except OSError as e:
            raise DriverError(
                f"could not write {name}.h / {name}.bin beside '{out}': {e.strerror}"
            ) from None
    return program.source


def _check_translatable(module: ir.Module) -> bool:
    bad: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if not op.name.startswith(_TRANSLATABLE):
            bad.append(op.operation)
            return ir.WalkResult.SKIP
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    for op in bad:
        op.location.emit_error(
            f"'{op.name}' op cannot be translated to LLVM IR: lower it to the llvm dialect first"
        )
    return not bad


def _main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    _check_layout_flags(args)
    if args.import_onnx:
        out: str | None = import_onnx(args)
    elif args.import_torch:
        out = import_torch(args)
    elif args.import_tf:
        out = import_tf(args)
    elif args.import_tflite:
        out = import_tflite(args)
    elif args.import_caffe:
        out = import_caffe(args)
    elif args.odla_to_cpp:
        out = odla_to_cpp(args)
    else:
        out = mlir_to_llvmir(args)
    if out is None:
        return 1
    write_output(args.output, out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
