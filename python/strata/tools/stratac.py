"""stratac: the ahead-of-time compile driver (HALO style).

    stratac MODEL [WEIGHTS] -o OUT/NAME --target cpu
            [--framework onnx|torch|tf|tflite|caffe|mlir]
            [--input-shape name:1x3x224x224 ...]
            [--reorder-data-layout channel-first|channel-last]
            [--remove-input-transpose] [--remove-output-transpose]
            [--batch-size N] [--inputs a,b] [--outputs a,b] [--entry-func-name NAME]
            [--emit-data-as-c]
            [--save-temps] [--emit mlir|llvm|obj|so] [--mcpu CPU]
            [--schedule default|tuned|tiled|none] [--tune-seconds S] [-v | -q]
            [--profile [--profile-inputs X.npz] [--profile-repeats N]]
    stratac MODEL -o OUT/NAME --target odla [--odla-runtime ref] [--emit cpp|so]
            [--exec-mode compile|interpret] [--emit-value-id-as-int] [--emit-value-reset]
            [--print-mem-stats] [...]
    stratac MODEL -o OUT/NAME --target cxx [--emit cpp|so] [...]

WEIGHTS: a Caffe net's .caffemodel (`stratac deploy.prototxt net.caffemodel -o out/net`, as
HALO takes them); without it NAME.caffemodel beside NAME.prototxt is used when it exists.

Writes OUT/NAME.h, OUT/NAME.so, OUT/NAME.bin (or OUT/NAME_data.c) and OUT/NAME.json; the C
entry points are NAME, NAME_init, NAME_fini (NAME: --entry-func-name, else the basename of
-o). `--save-temps` writes each stage next to the output (NAME.nn.mlir, NAME.linalg.mlir,
NAME.llvm.mlir, NAME.ll, NAME_shim.c). `--emit mlir|llvm|obj` stops early and writes
NAME.mlir (LLVM dialect) / NAME.ll / NAME.o (+ NAME.h, NAME.bin). Compilation runs in a
child process; errors print `stratac: error: ...` and exit with status 1.

`--target odla` goes through the odla dialect instead (docs/odla.md): it writes the ODLA C++
program OUT/NAME.cc with OUT/NAME.h and OUT/NAME.bin (OUT/NAME_data.c with
`--emit-data-as-c`) and, unless `--emit cpp`, builds
OUT/NAME.so against the ODLA runtime `--odla-runtime` (default ref) and writes OUT/NAME.json;
`--save-temps` keeps NAME.nn.mlir and NAME.odla.mlir. It needs static shapes. HALO's
`--exec-mode`, `--emit-value-id-as-int`, `--emit-value-reset` and `--print-mem-stats`
(strata.targets.odla.options) shape the program; `--print-mem-stats` prints its memory
statistics on stdout when it is written.

`--target cxx` writes the loop path as portable C++17 (docs/cxx.md): OUT/NAME.cc (one
function per kernel, named after its ONNX nodes, and the entry points of NAME.h with C
linkage), OUT/NAME.h and OUT/NAME.bin and, unless `--emit cpp`, builds OUT/NAME.so from them
with the system C++ compiler ($CXX) and writes OUT/NAME.json; `--save-temps` keeps
NAME.nn.mlir, NAME.linalg.mlir, NAME.loops.mlir and NAME.emitc.mlir. One thread; dims known
only at run time get dynamic buffers and the cpu target's dynamic ABI.

`--profile` builds the profiling variant (timers around every kernel, a kernel table in
NAME.json), runs it (random inputs of the compiled shapes, or the arrays of
`--profile-inputs X.npz` by input name), prints the per-kernel table and writes
OUT/NAME.profile.html (a roofline chart and the full table); see docs/profile.md.

Progress: the stages are shown on stderr as they run — a progress bar on a terminal, one line
per stage (`stratac: [3/8] lowering linalg to LLVM (t=1.2 s)`) otherwise, as onnx-mlir does;
`-q` shows nothing but errors, `-v` prints the detailed stage log instead.

Dependency contract: argparse, numpy, strata.frontends.formats (format names), strata.api
(targets, load), strata.profile, strata.targets.cpu.machine, strata.targets.odla.options,
strata.worker, strata.progress, strata.errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from strata.errors import StrataError
from strata.frontends.formats import FRAMEWORKS, LAYOUTS
from strata.targets.odla import options as odla_options

EMIT_KINDS = ("mlir", "llvm", "obj", "so")  # --target cpu
ODLA_EMIT_KINDS = ("cpp", "so")  # --target odla
CXX_EMIT_KINDS = ("cpp", "so")  # --target cxx
# strata.targets.cpu.schedules.SCHEDULES (kept here so --help needs no MLIR import)
SCHEDULE_NAMES = ("default", "tuned", "tiled", "none")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        print(f"stratac: error: {message}", file=sys.stderr)
        sys.exit(1)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="stratac", description="Compile a model into a native library (HALO style).")
    p.add_argument(
        "model",
        help="model file: .onnx, .pt2 (torch.export.save), a TensorFlow frozen GraphDef "
        "(.pb, .pbtxt) or SavedModel directory, .tflite, a Caffe net (.prototxt), or an "
        "nn/linalg .mlir module",
    )
    p.add_argument(
        "weights",
        nargs="?",
        help="a Caffe net's trained weights (.caffemodel; default: NAME.caffemodel beside "
        "NAME.prototxt, if there is one)",
    )
    p.add_argument(
        "--framework",
        choices=sorted(FRAMEWORKS),
        help="the model's format (default: from the file's extension, else its first bytes)",
    )
    p.add_argument("-o", "--output", required=True, help="output prefix OUT/NAME")
    p.add_argument(
        "--target",
        default="cpu",
        help="target (available: cpu; odla: an ODLA C++ program; cxx: the loop path as "
        "portable C++)",
    )
    p.add_argument(
        "--odla-runtime",
        metavar="NAME",
        help="--target odla: the ODLA runtime to build against (available: ref, dnnl; default ref)",
    )
    odla_options.add_arguments(p, "--target odla: ")
    p.add_argument(
        "--print-mem-stats",
        action="store_true",
        help=f"--target odla: {odla_options.PRINT_MEM_STATS_HELP}",
    )
    p.add_argument(
        "--input-shape",
        action="append",
        default=[],
        metavar="NAME:DxDx..",
        help="an input's shape, e.g. input:1x3x224x224 (repeatable; also for --inputs values)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="the first dim of every input whose first dim the model leaves open",
    )
    p.add_argument(
        "--reorder-data-layout",
        choices=LAYOUTS,
        help="the layout values are held in inside the graph (default channel-first: nn's "
        "conv / pool layout); with the --remove-* flags, also the interface's",
    )
    p.add_argument(
        "--remove-input-transpose",
        action="store_true",
        help="rank-4 inputs take the --reorder-data-layout layout instead of the model's own "
        "(a TF / TFLite model's inputs become NCHW; --reorder-data-layout channel-last makes "
        "an ONNX / PyTorch model's NHWC)",
    )
    p.add_argument(
        "--remove-output-transpose",
        action="store_true",
        help="rank-4 outputs give the --reorder-data-layout layout instead of the model's own",
    )
    p.add_argument(
        "--outputs",
        action="append",
        metavar="A[,B]",
        help="values to return instead of the graph's outputs (repeatable, or comma-separated)",
    )
    p.add_argument(
        "--inputs",
        action="append",
        metavar="A[,B]",
        help="values to take as inputs, cutting the graph there (HALO's -inputs; repeatable, "
        "or comma-separated); --input-shape may name them",
    )
    p.add_argument("--entry-func-name", help="name of the generated entry points")
    p.add_argument("--emit-data-as-c", action="store_true", help="weights as NAME_data.c")
    p.add_argument("--save-temps", action="store_true", help="keep each stage's IR")
    p.add_argument(
        "--emit",
        choices=sorted({*EMIT_KINDS, *ODLA_EMIT_KINDS, *CXX_EMIT_KINDS}),
        default="so",
        help="what to produce: mlir, llvm, obj or so (cpu); cpp or so (odla, cxx)",
    )
    p.add_argument(
        "--num-threads",
        type=int,
        default=1,
        metavar="N",
        help="threads of the generated code: 1 (default) gives sequential code with no "
        "runtime dependency; N > 1 uses OpenMP (libiomp5, found through the library's rpath); "
        "0 means all cores",
    )
    p.add_argument(
        "--mcpu",
        default="native",
        metavar="CPU",
        help="the CPU to generate and schedule code for: an LLVM CPU name such as haswell, "
        "znver3 or skylake-avx512 (vector width, register count and cache sizes follow from "
        "it); 'native' (default) is this host",
    )
    p.add_argument(
        "--schedule",
        default="default",
        choices=SCHEDULE_NAMES,
        help="how contractions (matmuls, convolutions) run: 'default' calls the project's "
        "micro-kernel library where the CPU has a variant of it (AVX2+FMA, AVX-512) and "
        "generates register-tiled code elsewhere; 'tuned' is 'default' with the library's "
        "cache blocks measured for each distinct call shape (within --tune-seconds; the "
        "results are kept per CPU under $STRATA_TUNING_DIR, default ~/.cache/strata/tuning, "
        "and reused by later compiles); 'tiled' always generates register-tiled code; 'none' "
        "leaves plain loops",
    )
    p.add_argument(
        "--tune-seconds",
        type=float,
        default=None,
        metavar="S",
        help="the tuner's budget under --schedule tuned (default 120 s; shapes already "
        "tuned on this CPU cost nothing)",
    )
    talk = p.add_mutually_exclusive_group()
    talk.add_argument(
        "-v", "--verbose", action="store_true", help="print the detailed stage log with timings"
    )
    talk.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (by default the stages are shown as they run: a "
        "progress bar on a terminal, one line per stage otherwise)",
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="build with a timer around every kernel, run it, print the per-kernel table "
        "(time, FLOPs, GFLOP/s, %% of the measured peak, schedule, ONNX nodes) and write "
        "OUT/NAME.profile.html with a roofline chart",
    )
    p.add_argument(
        "--profile-inputs",
        metavar="X.npz",
        help="inputs for --profile, by input name (default: random inputs)",
    )
    p.add_argument(
        "--profile-repeats",
        type=int,
        default=10,
        metavar="N",
        help="timed runs for --profile (default 10; medians are reported)",
    )
    return p


def run(args: argparse.Namespace) -> None:
    from strata.api import _import_options, _layout_options, check_target
    from strata.progress import Progress
    from strata.targets.cpu.compiler import check_name
    from strata.targets.cpu.machine import describe as describe_machine
    from strata.tools.common import input_shapes, name_list
    from strata.worker import run_isolated

    check_target(args.target)
    model = Path(args.model)
    if not model.is_file() and not (model / "saved_model.pb").is_file():
        raise StrataError(f"model file '{args.model}' does not exist or is not a file")
    out = Path(args.output)
    name = check_name(args.entry_func_name or out.name)
    out_dir = out.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.batch_size is not None and args.batch_size < 1:
        raise StrataError(f"--batch-size must be positive, got {args.batch_size}")
    if args.num_threads < 0:
        raise StrataError(f"--num-threads must be >= 0, got {args.num_threads}")
    target_cpu = describe_machine(args.mcpu)  # rejects names LLVM does not know
    if args.verbose:
        print(f"target CPU: {target_cpu.summary()}", file=sys.stderr)
    shapes = input_shapes(args.input_shape)
    layout = _layout_options(
        args.reorder_data_layout, args.remove_input_transpose, args.remove_output_transpose
    )
    imp = _import_options(
        shapes,
        args.batch_size,
        name_list(args.outputs),
        args.entry_func_name,
        layout=layout,
        inputs=name_list(args.inputs),
    )
    from strata.frontends.formats import weights_file

    weights = weights_file(model, args.framework, args.weights)
    if args.target == "odla":
        _check_odla_args(args)
        request: dict[str, Any] = {
            "model": str(model.resolve()),
            "framework": args.framework,
            "weights": str(weights) if weights else None,
            "out_dir": str(out_dir.resolve()),
            "target": "odla",
            "import": imp,
            "odla": {
                "name": name,
                "runtime": args.odla_runtime or "ref",
                "emit": args.emit,
                "emit_data_as_c": args.emit_data_as_c,
                **odla_options.from_args(args).cache_fields(),
                "save_temps": str(out_dir.resolve()) if args.save_temps else None,
                "verbose": args.verbose,
            },
        }
    elif args.target == "cxx":
        _check_cxx_args(args)
        if given := _odla_only_flags(args):
            raise StrataError(f"{given} is an option of --target odla")
        request = {
            "model": str(model.resolve()),
            "framework": args.framework,
            "weights": str(weights) if weights else None,
            "out_dir": str(out_dir.resolve()),
            "target": "cxx",
            "import": imp,
            "cxx": {
                "name": name,
                "emit": args.emit,
                "save_temps": str(out_dir.resolve()) if args.save_temps else None,
                "verbose": args.verbose,
            },
        }
    elif args.odla_runtime is not None:
        raise StrataError("--odla-runtime is an option of --target odla")
    elif given := _odla_only_flags(args):
        raise StrataError(f"{given} is an option of --target odla")
    elif args.emit not in EMIT_KINDS:
        raise StrataError(f"--emit {args.emit} is for --target odla; cpu emits {EMIT_KINDS}")
    else:
        request = _cpu_request(args, model, out_dir, name, imp)
        request["weights"] = str(weights) if weights else None
    quiet = args.quiet or args.verbose  # -v prints its own log of the stages
    mode = None if quiet else ("bar" if sys.stderr.isatty() else "lines")
    display = Progress.open(mode, "stratac")
    try:
        stats = run_isolated(request, verbose=args.verbose, on_progress=display.update)
    except BaseException:
        display.close(ok=False)
        raise
    display.close(ok=True)
    if args.print_mem_stats:
        mem = odla_options.MemStats.from_dict(stats.extra["mem_stats"])
        print("\n".join(mem.lines()))
    if args.profile:
        _profile(out_dir / f"{name}.json", args)


def _odla_only_flags(args: argparse.Namespace) -> str:
    """The first odla-only flag given (for another target), or ''."""
    for flag, given in (
        ("--exec-mode", args.exec_mode != "compile"),
        ("--emit-value-id-as-int", args.emit_value_id_as_int),
        ("--emit-value-reset", args.emit_value_reset),
        ("--print-mem-stats", args.print_mem_stats),
    ):
        if given:
            return flag
    return ""


def _check_odla_args(args: argparse.Namespace) -> None:
    from strata.targets.odla.runtimes import runtime

    runtime(args.odla_runtime or "ref")
    if args.emit not in ODLA_EMIT_KINDS:
        raise StrataError(f"--target odla emits cpp or so, not {args.emit}")
    for flag, given in (
        ("--profile", args.profile),
        ("--num-threads", args.num_threads != 1),
        ("--schedule", args.schedule != "default"),
        ("--tune-seconds", args.tune_seconds is not None),
    ):
        if given:
            raise StrataError(f"{flag} is not supported with --target odla")


def _check_cxx_args(args: argparse.Namespace) -> None:
    if args.emit not in CXX_EMIT_KINDS:
        raise StrataError(f"--target cxx emits cpp or so, not {args.emit}")
    for flag, given in (
        ("--odla-runtime", args.odla_runtime is not None),
        ("--profile", args.profile),
        ("--num-threads", args.num_threads != 1),
        ("--emit-data-as-c", args.emit_data_as_c),
        ("--schedule", args.schedule != "default"),
        ("--tune-seconds", args.tune_seconds is not None),
        ("--mcpu", args.mcpu != "native"),
    ):
        if given:
            raise StrataError(f"{flag} is not supported with --target cxx")


def _cpu_request(
    args: argparse.Namespace, model: Path, out_dir: Path, name: str, imp: dict[str, Any]
) -> dict[str, Any]:
    from strata.api import check_tune_seconds
    from strata.targets.cpu.tuner import tuning_dir

    request = {
        "model": str(model.resolve()),
        "framework": args.framework,
        "out_dir": str(out_dir.resolve()),
        "target": args.target,
        "import": imp,
        "cpu": {
            "name": name,
            "emit": args.emit,
            "emit_data_as_c": args.emit_data_as_c,
            "num_threads": args.num_threads or None,
            "mcpu": args.mcpu,
            "schedule": args.schedule,
            **(
                {"tune_seconds": check_tune_seconds(args.tune_seconds, args.schedule)}
                if args.tune_seconds is not None
                else {}
            ),
            **({"tuning_dir": str(tuning_dir())} if args.schedule == "tuned" else {}),
            "save_temps": str(out_dir.resolve()) if args.save_temps else None,
            "verbose": args.verbose,
            **({"profile": True} if args.profile else {}),
        },
    }
    if args.profile and args.emit != "so":
        raise StrataError("--profile runs the model: it needs --emit so")
    if args.profile_repeats < 1:
        raise StrataError(f"--profile-repeats must be positive, got {args.profile_repeats}")
    return request


def _profile(meta: Path, args: argparse.Namespace) -> None:
    import numpy as np

    from strata.api import load

    inputs: dict[str, np.ndarray] | None = None
    if args.profile_inputs:
        try:
            with np.load(args.profile_inputs, allow_pickle=False) as data:
                inputs = {k: data[k] for k in data.files}
        except (OSError, ValueError) as e:
            msg = f"cannot read --profile-inputs '{args.profile_inputs}': {e}"
            raise StrataError(msg) from None
    with load(meta) as model:
        prof = model.profile(inputs, repeats=args.profile_repeats)
    print(prof.table())
    report = prof.to_html(meta.with_suffix(".profile.html"))
    print(f"wrote {report}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(args)
    except StrataError as e:
        print(f"stratac: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
