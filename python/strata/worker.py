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

Request (JSON): {"model": path, "out_dir": dir, "target": "cpu" | "odla" | "cxx",
"import": {...}, ["weights": a Caffe net's .caffemodel,] "cpu": {...} (target cpu), "odla":
{...} (target odla) or "cxx": {...} (target cxx), "result": path}. Result (JSON):
{"ok": true} or {"ok": false, "type": StrataError subclass name, "message": text}.

Progress: the compiling child writes one JSON line per stage as it starts, {"progress":
{"stage": text, "step": i, "total": n, "elapsed": seconds}}, to its *progress channel*: the
server's stdout (the protocol pipe, which the server itself writes to only after the child
has ended) or, for a one-shot worker, its own stdout (whose fd 1 then points at stderr, so
stray prints cannot corrupt the channel). The parent hands each event to `on_progress`
(strata.progress draws it). The parent also learns the child's peak resident memory (from
wait4's rusage) and returns it with the wall time as `CompileStats`.

Test hook: `STRATA_WORKER_FAULT=abort|mlir-abort` makes the child abort (os.abort, or a real
MLIR abort: loading the nn dialect twice into one context) before compiling.

Dependency contract: the standard library, `strata.errors`; in the child also the frontends,
strata.targets.cpu.compiler, strata.targets.odla.compiler and strata.targets.cxx.compiler.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import faulthandler
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from strata import errors
from strata.errors import CompilationError, StrataError

STDERR_TAIL = 3000

Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class CompileStats:
    """How a compilation went: wall time seen by the parent and the compiling process's peak
    resident memory (ru_maxrss; a forked child's count includes the compiler it inherited)."""

    seconds: float
    peak_rss_bytes: int
    # the artifact description's `extra` the compiler returned (e.g. the odla target's
    # "mem_stats"), also for outputs that write no NAME.json
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


def run_isolated(
    request: dict[str, Any], *, verbose: bool = False, on_progress: Progress | None = None
) -> CompileStats:
    """Run one compilation request in a child process; raise its StrataError if it failed.

    `on_progress` gets each stage event the child sends (see the module docstring)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="strata-worker-") as tmp:
        req_path = Path(tmp) / "request.json"
        res_path = Path(tmp) / "result.json"
        err_path = Path(tmp) / "stderr.txt"
        req_path.write_text(json.dumps({**request, "result": str(res_path)}))
        server = None if verbose or os.environ.get("STRATA_WORKER_FAULT") else _server()
        if server is not None:
            returncode, max_rss = server.run(req_path, err_path, on_progress)
        else:
            returncode, max_rss = _run_one_shot(req_path, err_path, verbose, on_progress)
        tail = _tail(err_path)
        seconds = time.perf_counter() - t0
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
    stats = CompileStats(seconds, max_rss, dict(result.get("extra") or {}))
    if not result.get("ok"):
        cls = getattr(errors, str(result.get("type")), None)
        if not (isinstance(cls, type) and issubclass(cls, StrataError)):
            cls = CompilationError
        if cls is errors.UnsupportedOpError and isinstance(result.get("unsupported"), dict):
            raise errors.UnsupportedOpError(result["unsupported"], result.get("notes") or {})
        exc: StrataError = cls.__new__(cls)
        Exception.__init__(exc, result["message"])
        raise exc
    return stats


def _run_one_shot(
    request: Path, stderr: Path, verbose: bool, on_progress: Progress | None
) -> tuple[int, int]:
    """`python -m strata.worker REQUEST`: (exit status or -signal, peak RSS in bytes)."""
    with contextlib.ExitStack() as stack:
        err: IO[str] | None = None if verbose else stack.enter_context(stderr.open("w"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "strata.worker", str(request)],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        assert proc.stdout is not None
        try:
            _read_progress(proc.stdout, on_progress, stop_at_status=False)
        except BaseException:  # interrupted: end the compile too
            proc.kill()
            proc.wait()
            raise
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = _decode_status(status)  # reaped here, so Popen must not wait
    return proc.returncode, _rss_bytes(usage.ru_maxrss)


def _read_progress(
    stream: IO[str], on_progress: Progress | None, *, stop_at_status: bool
) -> dict[str, Any] | None:
    """Hand progress lines to `on_progress` until EOF or (server) the status line."""
    for line in stream:
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(msg, dict):
            continue
        if "progress" in msg:
            if on_progress is not None:
                on_progress(msg["progress"])
        elif stop_at_status and "status" in msg:
            return msg
    return None


def _decode_status(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _rss_bytes(maxrss: int) -> int:
    """ru_maxrss is in KiB on Linux, in bytes on macOS."""
    return int(maxrss) if sys.platform == "darwin" else int(maxrss) * 1024


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-STDERR_TAIL:]
    except OSError:
        return ""


class _Server:
    """The parent's handle on a compile server: one request at a time (a lock). One line of
    JSON goes in, {"request": path, "stderr": path}; the child's progress lines come back,
    then {"status": exit status or -signal, "max_rss": peak RSS in bytes}."""

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

    def run(
        self, request: Path, stderr: Path, on_progress: Progress | None = None
    ) -> tuple[int, int]:
        """(exit status or -signal, peak RSS in bytes) of the child that ran `request`."""
        with self.lock:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            try:
                self.proc.stdin.write(json.dumps({"request": str(request), "stderr": str(stderr)}))
                self.proc.stdin.write("\n")
                self.proc.stdin.flush()
                end = _read_progress(self.proc.stdout, on_progress, stop_at_status=True)
            except (BrokenPipeError, OSError):
                end = None
            except BaseException:
                # interrupted mid-request (Ctrl-C, a failing progress callback): the rest of
                # this request's lines are still in the pipe, so this server cannot serve
                # another; the next compile starts a fresh one
                self.proc.kill()
                self.proc.wait()
                raise
            if end is None:
                raise CompilationError("the compile server exited unexpectedly")
            return int(end["status"]), int(end.get("max_rss", 0))

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
    from strata.frontends.formats import import_file

    imp = dict(request.get("import", {}))
    return import_file(
        request["model"],
        request.get("framework"),
        input_shapes=imp.get("input_shapes"),
        batch_size=imp.get("batch_size"),
        outputs=imp.get("outputs"),
        inputs=imp.get("inputs"),
        entry_func_name=imp.get("entry_func_name"),
        label=request.get("label"),
        input_structures=imp.get("input_structures"),
        reorder_data_layout=imp.get("reorder_data_layout"),
        remove_input_transpose=bool(imp.get("remove_input_transpose")),
        remove_output_transpose=bool(imp.get("remove_output_transpose")),
        weights=request.get("weights"),
    )


class _Reporter:
    """The child's side of the progress channel: one JSON line per stage as it starts."""

    def __init__(self, fd: int | None, total: int) -> None:
        self.fd, self.total, self.step = fd, total, 0
        self.stage = ""
        self.t0 = time.perf_counter()

    def __call__(self, stage: str) -> None:
        self.step += 1
        self.stage = stage
        self._send(stage)

    def note(self, text: str) -> None:
        """News within the current stage (the tuner's best-so-far): the same step, its
        stage's name followed by `text`."""
        self._send(f"{self.stage}: {text}")

    def _send(self, stage: str) -> None:
        if self.fd is None:
            return
        event = {
            "stage": stage,
            "step": self.step,
            "total": max(self.total, self.step),
            "elapsed": round(time.perf_counter() - self.t0, 3),
        }
        # one write of a line under PIPE_BUF is atomic; a parent that went away is no error
        with contextlib.suppress(OSError):
            os.write(self.fd, (json.dumps({"progress": event}) + "\n").encode())


def _compile(request: dict[str, Any], progress_fd: int | None = None) -> Any:
    """Compile as `request` says; the artifact description (ArtifactMeta) the back end returns."""
    target = request.get("target", "cpu")
    if target == "odla":
        return _compile_odla(request, progress_fd)
    if target == "cxx":
        from strata.targets.cxx import compiler as cxx

        return _run_backend(request, "cxx", cxx, cxx.CxxOptions, progress_fd)
    if target != "cpu":
        raise StrataError(f"unknown target '{target}'")
    from strata.targets.cpu import compiler

    return _run_backend(request, "cpu", compiler, compiler.CpuOptions, progress_fd)


def _run_backend(
    request: dict[str, Any],
    key: str,
    backend: Any,
    options: Callable[..., Any],
    progress_fd: int | None,
) -> Any:
    """Import the model and compile it with `backend` (a target's compiler module: its
    `compile_imported` and `stage_count`), whose options are `request[key]`, fields of
    `options` (CpuOptions, OdlaOptions), plus the worker's `verbose` and `save_temps`."""
    fields = dict(request.get(key, {}))
    verbose = bool(fields.pop("verbose", False))
    temps = fields.pop("save_temps", None)
    report = _Reporter(progress_fd, 1 + backend.stage_count(str(fields.get("emit", "so"))))
    opts = options(
        **fields,
        save_temps=Path(temps) if temps else None,
        log=(lambda m: print(m, file=sys.stderr, flush=True)) if verbose else None,
        progress=report,
        **({"progress_note": report.note} if _has_field(options, "progress_note") else {}),
    )
    report("importing the model")
    imported = _import(request)
    return backend.compile_imported(imported, Path(request["out_dir"]), opts)


def _has_field(options: Any, name: str) -> bool:
    return dataclasses.is_dataclass(options) and any(
        f.name == name for f in dataclasses.fields(options)
    )


def _preload(request_path: str) -> None:
    """Import the frontend a request needs into the server itself (once), so the children
    forked for it and for later requests share it: torch takes seconds to import, and an
    ONNX-only server never imports it."""
    try:
        request = json.loads(Path(request_path).read_text())
        from strata.frontends.formats import detect

        kind = detect(request["model"], request.get("framework"))
    except (OSError, ValueError, KeyError, StrataError):
        return  # the child reports what is wrong with the request
    if kind == "torch":
        with contextlib.suppress(ImportError):
            import strata.frontends.torch  # noqa: F401


def _compile_odla(request: dict[str, Any], progress_fd: int | None) -> Any:
    """The odla target: request["odla"] holds OdlaOptions' fields."""
    from strata.targets.odla import compiler

    return _run_backend(request, "odla", compiler, compiler.OdlaOptions, progress_fd)


def serve() -> int:
    """The compile server's loop: import the compiler once, fork a child per request."""
    import strata.frontends.onnx
    import strata.targets.cpu.compiler
    import strata.targets.cxx.compiler
    import strata.targets.odla.compiler  # noqa: F401

    for line in sys.stdin:
        job = json.loads(line)
        _preload(job["request"])
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the child compiles; it writes only progress lines to the protocol pipe
            progress_fd = os.dup(1)
            fd = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            code = 1
            try:
                code = main([job["request"]], progress_fd=progress_fd)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status, usage = os.wait4(pid, 0)
        end = {"status": _decode_status(status), "max_rss": _rss_bytes(usage.ru_maxrss)}
        sys.stdout.write(json.dumps(end) + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None, progress_fd: int | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--serve"]:
        return serve()
    if progress_fd is None:  # a one-shot worker: stdout is the progress channel
        sys.stdout.flush()
        progress_fd = os.dup(1)
        os.dup2(2, 1)
    request = json.loads(Path(args[0]).read_text())
    result: dict[str, Any]
    # an abort (an MLIR assertion, a C++ exception escaping the bindings) prints the Python
    # stack that led to it, which the parent's CompilationError quotes with the stderr tail
    faulthandler.enable(file=sys.stderr, all_threads=False)
    _fault_hook()
    try:
        meta = _compile(request, progress_fd)
        result = {"ok": True, "extra": getattr(meta, "extra", None) or {}}
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
