"""A conformance worker process: `python -m strata.conformance.worker CONFIG_JSON`.

The worker builds `onnx.backend.test.BackendTest` once over `strata.backend` (configured
with the run's target and options) and then runs one generated unittest method per request,
so loading test data, the `real` suite's dummy inputs and the comparison
(`assert_similar_outputs` with each case's rtol/atol) are onnx's own.

Protocol: one JSON object per line. The worker writes `{"ready": true}` once BackendTest is
built (or `{"fatal": TEXT}` and exits), then reads `{"suite": S, "name": N}` lines from stdin
and answers each with `{"status", "message", "reason"}`; it exits at end of input. The
protocol uses the process's original stdout; everything a test prints goes to stderr.
Status: `pass`, `fail` (an assertion: wrong numbers or shapes), `error` (any other exception;
`reason` keeps its type and first line), `skip`. Crashes and timeouts are recorded by the
supervisor (strata.conformance.pool), which kills and replaces the worker.

Test hook: `STRATA_CONFORMANCE_FAULT=abort:REGEX` aborts the worker (os.abort) and
`hang:REGEX` makes it start a child process and sleep, on the cases whose `SUITE/NAME`
matches REGEX; several such specs are separated by `;`.

Dependency contract: the standard library, `onnx.backend.test`, strata.backend,
strata.conformance.cases, strata.errors.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import traceback
import unittest
import warnings
from types import TracebackType
from typing import Any, TextIO

from strata.conformance.cases import TEST_CLASS
from strata.errors import UnsupportedOpError

REASON_CHARS = 160
MESSAGE_CHARS = 2000

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


# First lines that only announce the detail on the next line.
_ANNOUNCING = ("Failure while executing pass pipeline",)


def _first_line(text: str) -> str:
    """The first non-blank line; with the next one when it only announces that one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if len(lines) > 1 and (first.endswith(":") or first.endswith(_ANNOUNCING)):
        return f"{first.rstrip(':')}: {lines[1]}"
    return first


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(reason, message) of an exception: `Type: first line` and a longer message."""
    if isinstance(exc, UnsupportedOpError):
        reason = f"UnsupportedOpError: {', '.join(sorted(exc.unsupported))}"
    else:
        reason = f"{type(exc).__name__}: {_first_line(str(exc))}".rstrip(": ")
    message = f"{type(exc).__name__}: {str(exc).strip()}"
    return _trim(reason, REASON_CHARS), _trim(message, MESSAGE_CHARS)


def describe_failure(exc: BaseException) -> tuple[str, str]:
    first = _first_line(str(exc))
    reason = f"wrong results: {first}" if first else "wrong results"
    return _trim(reason, REASON_CHARS), _trim(str(exc).strip(), MESSAGE_CHARS)


class CaseResult(unittest.TestResult):
    """Keeps the outcome of the single test it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.status = "error"
        self.reason = "no outcome reported"
        self.message = ""

    def addSuccess(self, test: unittest.TestCase) -> None:
        self.status, self.reason, self.message = "pass", "", ""

    def addFailure(self, test: unittest.TestCase, err: Any) -> None:
        self.status = "fail"
        self.reason, self.message = describe_failure(err[1])

    def addError(self, test: unittest.TestCase, err: Any) -> None:
        self.status = "error"
        self.reason, self.message = describe_error(err[1])

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:
        self.status, self.reason, self.message = "skip", _trim(f"skipped: {reason}", 160), reason

    def addExpectedFailure(self, test: unittest.TestCase, err: Any) -> None:  # not used by us
        self.addFailure(test, err)

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:  # not used by us
        self.addSuccess(test)


def build_classes(target: str, options: dict[str, Any]) -> dict[str, type[unittest.TestCase]]:
    """BackendTest's generated unittest classes, over strata.backend with these options."""
    import onnx.backend.test

    from strata.backend import StrataBackend

    backend = StrataBackend.with_options(target=target, **options)
    with warnings.catch_warnings():  # the node-case generators overflow casts on purpose
        warnings.simplefilter("ignore")
        bt = onnx.backend.test.BackendTest(backend, "strata.conformance.generated")
        return bt.test_cases


def run_case(classes: dict[str, type[unittest.TestCase]], suite: str, name: str) -> dict[str, Any]:
    cls = classes.get(TEST_CLASS.get(suite, ""))
    method = f"{name}_cpu"
    if cls is None or not hasattr(cls, method):
        return {"status": "error", "reason": f"no such case {suite}/{name}", "message": ""}
    result = CaseResult()
    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls(method).run(result)
    return {
        "status": result.status,
        "reason": result.reason,
        "message": result.message,
        "seconds": round(time.monotonic() - start, 3),
    }


def _fault(key: str) -> None:
    for spec in os.environ.get("STRATA_CONFORMANCE_FAULT", "").split(";"):
        kind, _, pattern = spec.partition(":")
        if not pattern or not re.search(pattern, key):
            continue
        if kind == "abort":
            os.abort()
        if kind == "hang":
            # a child that the supervisor must end with the worker (like a compiler process)
            subprocess.Popen(
                [sys.executable, "-c", "import time; time.sleep(600)  # strata-conformance-hang"]
            )
            time.sleep(3600)


def serve(config: dict[str, Any], requests: TextIO, replies: TextIO) -> None:
    def send(obj: dict[str, Any]) -> None:
        replies.write(json.dumps(obj) + "\n")
        replies.flush()

    try:
        classes = build_classes(str(config.get("target", "cpu")), dict(config.get("options", {})))
    except Exception:
        send({"fatal": traceback.format_exc()})
        return
    send({"ready": True})
    for line in requests:
        if not line.strip():
            continue
        req = json.loads(line)
        suite, name = str(req["suite"]), str(req["name"])
        print(f"== {suite}/{name}", file=sys.stderr, flush=True)
        _fault(f"{suite}/{name}")
        send(run_case(classes, suite, name))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    config = json.loads(args[0]) if args else {}
    # Keep the real stdout for the protocol; whatever a test or library prints goes to stderr.
    replies = io.TextIOWrapper(os.fdopen(os.dup(1), "wb"), encoding="utf-8", line_buffering=True)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    serve(config, sys.stdin, replies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
