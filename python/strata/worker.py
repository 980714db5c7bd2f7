"""Isolated compilation: `python -m strata.worker REQUEST.json` and the parent-side launcher.

MLIR and LLVM are built with assertions: a failed assertion aborts the process that hit it.
So compilation always runs in a child process; the parent (the user's interpreter, or
stratac) gets artifacts or a `StrataError` — a child killed by a signal becomes
`CompilationError("compiler process aborted (signal N)")` with the tail of its stderr.

Request (JSON): {"model": path, "out_dir": dir, "target": "cpu", "import": {...},
"cpu": {...}, "result": path}. Result (JSON): {"ok": true} or {"ok": false, "type":
StrataError subclass name, "message": text}.

Test hook: `STRATA_WORKER_FAULT=abort|mlir-abort` makes the child abort (os.abort, or a real
MLIR abort: loading the nn dialect twice into one context) before compiling.

Dependency contract: the standard library, `strata.errors`; in the child also the frontends
and strata.targets.cpu.compiler.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from strata import errors
from strata.errors import CompilationError, StrataError

STDERR_TAIL = 3000


def run_isolated(request: dict[str, Any], *, verbose: bool = False) -> None:
    """Run one compilation request in a child process; raise its StrataError if it failed."""
    with tempfile.TemporaryDirectory(prefix="strata-worker-") as tmp:
        req_path = Path(tmp) / "request.json"
        res_path = Path(tmp) / "result.json"
        req_path.write_text(json.dumps({**request, "result": str(res_path)}))
        proc = subprocess.run(
            [sys.executable, "-m", "strata.worker", str(req_path)],
            stdout=subprocess.PIPE,
            stderr=None if verbose else subprocess.PIPE,
            text=True,
        )
        tail = (proc.stderr or "")[-STDERR_TAIL:]
        if proc.returncode < 0:
            sig = -proc.returncode
            try:
                signame = f" {signal.Signals(sig).name}"
            except ValueError:
                signame = ""
            raise CompilationError(
                f"compiler process aborted (signal {sig}{signame}); its stderr ends with:\n{tail}"
            )
        if not res_path.exists():
            raise CompilationError(
                f"compiler process exited with status {proc.returncode} without a result; "
                f"its stderr ends with:\n{tail}"
            )
        result = json.loads(res_path.read_text())
    if not result.get("ok"):
        cls = getattr(errors, str(result.get("type")), None)
        if not (isinstance(cls, type) and issubclass(cls, StrataError)):
            cls = CompilationError
        if cls is errors.UnsupportedOpError and isinstance(result.get("unsupported"), dict):
            raise errors.UnsupportedOpError(result["unsupported"], result.get("notes") or {})
        exc: StrataError = cls.__new__(cls)
        Exception.__init__(exc, result["message"])
        raise exc


# ---- child side ------------------------------------------------------------------------------


def _fault_hook() -> None:
    fault = os.environ.get("STRATA_WORKER_FAULT", "")
    if fault == "abort":
        os.abort()
    if fault == "mlir-abort":
        from mlir import ir
        from mlir.dialects import irdl

        from strata.dialects import nn

        ctx = ir.Context()
        with ctx, ir.Location.unknown():
            for _ in range(2):  # a second load of one IRDL dialect aborts in MLIR
                irdl.load_dialects(ir.Module.parse(nn.DIALECT.irdl_text()))


def _import(request: dict[str, Any]) -> Any:
    model = request["model"]
    imp = dict(request.get("import", {}))
    if str(model).endswith(".mlir"):
        from strata.mlir_model import import_mlir_file

        return import_mlir_file(Path(model), entry_func_name=imp.get("entry_func_name"))
    from strata.frontends.onnx import import_model

    shapes = imp.get("input_shapes")
    return import_model(
        model,
        input_shapes={k: tuple(v) for k, v in shapes.items()} if shapes else None,
        batch_size=imp.get("batch_size"),
        outputs=imp.get("outputs"),
        entry_func_name=imp.get("entry_func_name") or "main",
        label=request.get("label"),
    )


def _compile(request: dict[str, Any]) -> None:
    target = request.get("target", "cpu")
    if target != "cpu":
        raise StrataError(f"unknown target '{target}'")
    from strata.targets.cpu.compiler import CpuOptions, compile_imported

    cpu = dict(request.get("cpu", {}))
    verbose = bool(cpu.pop("verbose", False))
    temps = cpu.pop("save_temps", None)
    opts = CpuOptions(
        **cpu,
        save_temps=Path(temps) if temps else None,
        log=(lambda m: print(m, file=sys.stderr, flush=True)) if verbose else None,
    )
    imported = _import(request)
    compile_imported(imported, Path(request["out_dir"]), opts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    request = json.loads(Path(args[0]).read_text())
    result: dict[str, Any]
    _fault_hook()
    try:
        _compile(request)
        result = {"ok": True}
    except StrataError as e:
        result = {"ok": False, "type": type(e).__name__, "message": str(e)}
        if isinstance(e, errors.UnsupportedOpError):
            result["unsupported"] = e.unsupported
            result["notes"] = e.notes
    except Exception as e:
        import traceback

        traceback.print_exc()
        result = {
            "ok": False,
            "type": "CompilationError",
            "message": f"internal compiler error: {type(e).__name__}: {e}",
        }
    Path(request["result"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
