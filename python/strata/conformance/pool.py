"""The supervisor: persistent worker processes, a timeout per case, crash recovery.

Each worker (`python -m strata.conformance.worker`, see its protocol) runs in its own session
(process group), so that ending it also ends the compiler processes it started. A case whose
worker dies (a signal such as SIGSEGV or SIGABRT from a loaded library, or an exit) is
recorded as `crash`, one that runs past the timeout is recorded as `timeout` after its
worker's group is killed; either way a fresh worker replaces it and the run goes on. A worker
that cannot even start (it dies or gives up while building BackendTest) stops the run with a
`RunnerError` carrying its stderr, instead of being restarted forever.

Dependency contract: the standard library only (selectors, subprocess, signal).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

STARTUP_TIMEOUT = 300.0
LOG_TAIL = 1500


class RunnerError(Exception):
    """The runner itself cannot go on (e.g. a worker fails to start)."""


@dataclass
class Outcome:
    """What happened to one case, as the supervisor saw it."""

    status: str
    reason: str
    message: str
    seconds: float


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    log: Path
    started: float
    ready: bool = False
    buffer: bytes = b""
    job: Any = None
    job_start: float = 0.0
    log_offset: int = 0
    replies: list[dict[str, Any]] = field(default_factory=list)

    def stdout(self) -> IO[bytes]:
        assert self.proc.stdout is not None
        return self.proc.stdout


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _tail(path: Path, offset: int = 0, limit: int = LOG_TAIL) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", "replace").strip()


class Pool:
    """`jobs` workers running `(suite, name)` jobs; see `run`."""

    def __init__(
        self,
        jobs: int,
        timeout: float,
        config: Mapping[str, Any],
        workdir: Path,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
        suite_timeouts: Mapping[str, float] | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be >= 1, got {jobs}")
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0, got {timeout}")
        self.jobs = jobs
        self.timeout = timeout
        self.suite_timeouts = dict(suite_timeouts or {})  # suite -> its cases' timeout
        self.startup_timeout = startup_timeout
        self.config = dict(config)
        self.workdir = workdir
        self.env = dict(os.environ if env is None else env)
        self._sel = selectors.DefaultSelector()
        self._workers: list[_Worker] = []
        self._spawned = 0

    # ---- workers -----------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        self._spawned += 1
        log = self.workdir / f"worker-{self._spawned}.log"
        with open(log, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "strata.conformance.worker", json.dumps(self.config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                env=self.env,
                start_new_session=True,
            )
        w = _Worker(proc, log, time.monotonic())
        os.set_blocking(w.stdout().fileno(), False)
        self._sel.register(w.stdout(), selectors.EVENT_READ, w)
        self._workers.append(w)
        return w

    def _kill(self, w: _Worker) -> int | None:
        """End the worker's whole process group; returns its exit status."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(w.proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            w.proc.kill()
        rc = w.proc.wait()
        self._forget(w)
        return rc

    def _forget(self, w: _Worker) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._sel.unregister(w.stdout())
        for f in (w.proc.stdin, w.proc.stdout):
            with contextlib.suppress(OSError):
                if f is not None:
                    f.close()
        if w in self._workers:
            self._workers.remove(w)

    def _send(self, w: _Worker, job: tuple[str, str]) -> bool:
        assert w.proc.stdin is not None
        w.job, w.job_start = job, time.monotonic()
        try:
            w.log_offset = w.log.stat().st_size
        except OSError:
            w.log_offset = 0
        try:
            w.proc.stdin.write((json.dumps({"suite": job[0], "name": job[1]}) + "\n").encode())
            w.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def _read(self, w: _Worker) -> bool:
        """Read what the worker wrote; False at end of file (the worker died)."""
        try:
            chunk = os.read(w.stdout().fileno(), 65536)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        w.buffer += chunk
        while b"\n" in w.buffer:
            line, w.buffer = w.buffer.split(b"\n", 1)
            if line.strip():
                w.replies.append(json.loads(line))
        return True

    def _died(self, w: _Worker) -> Outcome:
        try:
            rc = w.proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:  # it closed its stdout but lives on
            rc = self._kill(w) or -signal.SIGKILL
        self._forget(w)
        # the group may still hold children (e.g. a compiler process)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(w.proc.pid, signal.SIGKILL)
        how = (
            f"worker killed by {_signal_name(-rc)}" if rc < 0 else f"worker exited with status {rc}"
        )
        tail = _tail(w.log, w.log_offset)
        return Outcome(
            "crash", f"crash: {how}", f"{how}; its stderr ends with:\n{tail}", self._age(w)
        )

    @staticmethod
    def _age(w: _Worker) -> float:
        return round(time.monotonic() - w.job_start, 3)

    def _startup_failed(self, w: _Worker, why: str) -> RunnerError:
        tail = _tail(w.log)
        return RunnerError(f"a conformance worker failed to start ({why}); its stderr:\n{tail}")

    # ---- the run -----------------------------------------------------------------------------

    def run(
        self,
        jobs: Iterable[tuple[str, str]],
        on_result: Callable[[tuple[str, str], Outcome], None],
    ) -> None:
        """Run every `(suite, name)` job; `on_result` is called once per job, as each ends."""
        pending = deque(jobs)
        try:
            for _ in range(min(self.jobs, len(pending))):
                self._spawn()
            while pending or any(w.job is not None for w in self._workers):
                self._dispatch(pending)
                self._wait(on_result, pending)
        finally:
            self.close()

    def _dispatch(self, pending: deque[tuple[str, str]]) -> None:
        for w in list(self._workers):
            if w.ready and w.job is None and pending:
                # if the worker is already gone, its end of file is seen by _wait: a crash
                self._send(w, pending.popleft())
        # keep the pool full while work remains (a replaced worker is already spawned)
        idle_or_starting = sum(1 for w in self._workers if w.job is None)
        busy = len(self._workers) - idle_or_starting
        want = min(self.jobs, busy + len(pending))
        for _ in range(want - len(self._workers)):
            self._spawn()

    def _timeout_of(self, job: tuple[str, str]) -> float:
        return self.suite_timeouts.get(job[0], self.timeout)

    def _next_deadline(self) -> float:
        now = time.monotonic()
        deadlines = []
        for w in self._workers:
            if w.job is not None:
                deadlines.append(w.job_start + self._timeout_of(w.job))
            elif not w.ready:
                deadlines.append(w.started + self.startup_timeout)
        return max(0.0, min(deadlines) - now) if deadlines else 1.0

    def _wait(
        self,
        on_result: Callable[[tuple[str, str], Outcome], None],
        pending: deque[tuple[str, str]],
    ) -> None:
        events = self._sel.select(timeout=min(self._next_deadline(), 5.0))
        for key, _ in events:
            w: _Worker = key.data
            alive = self._read(w)
            for reply in w.replies:
                if "fatal" in reply:
                    self._kill(w)
                    raise RunnerError(f"a conformance worker failed to start:\n{reply['fatal']}")
                if "ready" in reply:
                    w.ready = True
                    continue
                if w.job is not None:
                    job, w.job = w.job, None
                    on_result(
                        job,
                        Outcome(
                            str(reply.get("status", "error")),
                            str(reply.get("reason", "")),
                            str(reply.get("message", "")),
                            float(reply.get("seconds", self._age(w))),
                        ),
                    )
            w.replies.clear()
            if not alive:
                if w.job is None:
                    if not w.ready:
                        self._forget(w)
                        raise self._startup_failed(w, f"exit status {w.proc.wait()}")
                    self._forget(w)  # an idle worker ended; a new one is spawned when needed
                    continue
                job, outcome = w.job, self._died(w)
                w.job = None
                on_result(job, outcome)
        now = time.monotonic()
        for w in list(self._workers):
            if w.job is not None and now - w.job_start > self._timeout_of(w.job):
                job, secs, limit = w.job, self._age(w), self._timeout_of(w.job)
                w.job = None
                self._kill(w)
                on_result(
                    job,
                    Outcome(
                        "timeout",
                        "timeout",
                        f"no result after {limit:g} s; the worker was killed",
                        secs,
                    ),
                )
            elif w.job is None and not w.ready and now - w.started > self.startup_timeout:
                self._kill(w)
                raise self._startup_failed(w, f"not ready after {self.startup_timeout:g} s")

    def close(self) -> None:
        """End every worker (closing stdin lets idle ones exit; the rest are killed)."""
        for w in list(self._workers):
            if w.proc.stdin is not None:
                with contextlib.suppress(OSError):
                    w.proc.stdin.close()
        deadline = time.monotonic() + 5.0
        for w in list(self._workers):
            try:
                w.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                self._forget(w)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(w.proc.pid, signal.SIGKILL)
            except subprocess.TimeoutExpired:
                self._kill(w)
        self._sel.close()
