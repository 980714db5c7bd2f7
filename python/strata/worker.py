"""Isolated compilation: `python -m strata.worker REQUEST.json` and the parent-side launcher.

MLIR and LLVM are built with assertions: a failed assertion aborts the process that hit it.
So compilation always runs in a child process; the parent (the user's interpreter, or
stratac) gets artifacts or a `StrataError` — a child killed by a signal becomes
`CompilationError("compiler process aborted (signal N)")` with the tail of its stderr.

Importing the compiler (MLIR bindings, onnx, the passes) takes about half a second, more than
compiling a small model. So a process that compiles several models keeps one *compile
server* (`python -m strata.worker --serve`), which imports everything once and forks a fresh
child per request: each compilation still runs, and may abort, in a process of its own, and
the server only reports how it ended. The server lives as long as the parent (it exits when
its stdin closes). `STRATA_COMPILE_SERVER=0` turns it off (one new process per compile).

Request (JSON): {"model": path, "out_dir": dir, "target": "cpu", "import": {...},
"cpu": {...}, "result": path}. Result (JSON): {"ok": true} or {"ok": false, "type":
StrataError subclass name, "message": text}.

Test hook: `STRATA_WORKER_FAULT=abort|mlir-abort` makes the child abort (os.abort, or a real
MLIR abort: loading the nn dialect twice into one context) before compiling.

Dependency contract: the standard library, `strata.errors`; in the child also the frontends
and strata.targets.cpu.compiler.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
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
        err_path = Path(tmp) / "stderr.txt"
        req_path.write_text(json.dumps({**request, "result": str(res_path)}))
        server = None if verbose or os.environ.get("STRATA_WORKER_FAULT") else _server()
        if server is not None:
            returncode = server.run(req_path, err_path)
            tail = _tail(err_path)
        else:
            proc = subprocess.run(
                [sys.executable, "-m", "strata.worker", str(req_path)],
                stdout=subprocess.PIPE,
                stderr=None if verbose else subprocess.PIPE,
                text=True,
            )
            returncode, tail = proc.returncode, (proc.stderr or "")[-STDERR_TAIL:]
        if returncode < 0:
            sig = -returncode
            try:
                signame = f" {signal.Signals(sig).name}"
            except ValueError:
                signame = ""
            raise CompilationError(
                f"compiler process aborted (signal {sig}{signame}); its stderr ends with:\n{tail}"
            )
        if not res_path.exists():
            raise CompilationError(
                f"compiler process exited with status {returncode} without a result; "
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


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-STDERR_TAIL:]
    except OSError:
        return ""


class _Server:
    """The parent's handle on a compile server: one request at a time (a lock), one line of
    JSON each way: {"request": path, "stderr": path} -> {"status": exit status or -signal}."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "strata.worker", "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self.lock = threading.Lock()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, request: Path, stderr: Path) -> int:
        with self.lock:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            try:
                self.proc.stdin.write(json.dumps({"request": str(request), "stderr": str(stderr)}))
                self.proc.stdin.write("\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except (BrokenPipeError, OSError):
                line = ""
            if not line:
                raise CompilationError("the compile server exited unexpectedly")
            return int(json.loads(line)["status"])

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


_SERVER: _Server | None = None
_SERVER_PID = 0  # the process that started _SERVER (a forked parent must not share it)
_SERVER_LOCK = threading.Lock()


def _server() -> _Server | None:
    """This process's compile server, started on first use (None when turned off)."""
    global _SERVER, _SERVER_PID
    if os.environ.get("STRATA_COMPILE_SERVER", "1") == "0":
        return None
    with _SERVER_LOCK:
        if _SERVER is None or os.getpid() != _SERVER_PID or not _SERVER.alive():
            _SERVER = _Server()
            _SERVER_PID = os.getpid()
            atexit.register(_SERVER.close)
        return _SERVER


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
        input_structures=imp.get("input_structures"),
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


def serve() -> int:
    """The compile server's loop: import the compiler once, fork a child per request."""
    import strata.frontends.onnx
    import strata.targets.cpu.compiler  # noqa: F401

    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the child compiles; stdout stays free for the protocol
            fd = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            code = 1
            try:
                code = main([job["request"]])
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        sys.stdout.write(json.dumps({"status": code}) + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--serve"]:
        return serve()
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
