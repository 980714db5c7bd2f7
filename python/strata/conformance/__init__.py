"""ONNX conformance: onnx's own backend-test cases run through `strata.backend`.

    python -m strata.conformance [--suite node|simple|pytorch-converted|pytorch-operator|real|all]
        [--target cpu] [-k REGEX] [--jobs N] [--timeout S] [--json FILE]
        [--check | --update-expected] [--expected FILE]

`run(cases, target=..., jobs=..., timeout=...)` runs each case (strata.conformance.cases) in
persistent worker processes (strata.conformance.worker) under a supervisor
(strata.conformance.pool) that records crashes and timeouts and goes on; `strata.conformance
.report` summarises results and compares them with the target's expected-failures file
(`expected_path(target)`). `python -m strata.conformance.coverage` writes
docs/onnx-coverage.md from the catalogue and that file.

Dependency contract: the standard library, tqdm (a progress bar on a terminal), and the
modules of this package; the workers import onnx and Strata.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from strata.conformance.cases import SUITES, Case, load_cases, parse_suites
from strata.conformance.pool import Outcome, Pool, RunnerError
from strata.conformance.report import Result

DEFAULT_TIMEOUT = 120.0
# The `real` suite's cases are whole networks (densenet121 takes 100-200 s to compile on a
# loaded 2-core machine): their timeout is this many times the per-case one.
MODEL_TIMEOUT_FACTOR = {"real": 5.0}
PROGRESS_EVERY_S = 30.0
# the repository checkout this package lives in (an editable install), if any
REPO_ROOT = Path(__file__).resolve().parents[3]


def expected_path(target: str, root: Path = REPO_ROOT) -> Path:
    """The expected-failures file of `target` (a target label: `cpu`, `odla-dnnl`, ...) in the
    checkout."""
    return root / "test" / "conformance" / "expected_failures" / f"{target}.txt"


def target_label(target: str, odla_runtime: str | None = None) -> str:
    """The name a run's results go under: the target, and for `odla` its runtime
    (`odla-dnnl`, `odla-ref`): each has an expected-failures file of its own."""
    if target != "odla":
        return target
    from strata.targets.odla.runtimes import DEFAULT_RUNTIME

    return f"odla-{odla_runtime or DEFAULT_RUNTIME}"


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def scope_of(suites: Sequence[str], pattern: str | None) -> Callable[[str], bool]:
    """Whether a `SUITE/NAME` key is among what a run of `suites` with `-k pattern` covers."""
    rx = re.compile(pattern) if pattern else None
    chosen = set(suites)

    def in_scope(key: str) -> bool:
        return key.partition("/")[0] in chosen and (rx is None or rx.search(key) is not None)

    return in_scope


class Progress:
    """A tqdm bar on a terminal; otherwise a plain line every PROGRESS_EVERY_S seconds."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.counts: Counter[str] = Counter()
        self.done = 0
        self.start = time.monotonic()
        self._last = self.start
        self._bar: Any = None
        if enabled and self.stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=self.stream, unit="case", dynamic_ncols=True)

    def _counts(self) -> str:
        return " ".join(f"{k} {self.counts[k]}" for k in sorted(self.counts))

    def update(self, result: Result) -> None:
        self.done += 1
        self.counts[result.status] += 1
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(self._counts(), refresh=False)
            self._bar.update(1)
            return
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY_S or self.done == self.total:
            self._last = now
            print(
                f"conformance: {self.done}/{self.total} cases, {now - self.start:.0f} s "
                f"({self._counts()})",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run(
    cases: Sequence[Case],
    *,
    target: str = "cpu",
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    options: Mapping[str, Any] | None = None,
    progress: bool = True,
    env: Mapping[str, str] | None = None,
) -> list[Result]:
    """Run `cases` on `target` and return their results in the order of `cases`.

    `options`: extra `strata.backend.prepare` options (e.g. `num_threads`, `cache_dir`).
    `env`: the workers' environment (default: this process's)."""
    results: dict[str, Result] = {}
    by_key = {c.key: c for c in cases}
    if len(by_key) != len(cases):
        raise ValueError("duplicate cases")
    bar = Progress(len(cases), enabled=progress)

    def record(job: tuple[str, str], outcome: Outcome) -> None:
        case = by_key[f"{job[0]}/{job[1]}"]
        r = Result(case, outcome.status, outcome.reason, outcome.message, outcome.seconds)
        results[case.key] = r
        bar.update(r)

    with tempfile.TemporaryDirectory(prefix="strata-conformance-") as tmp:
        work = Path(tmp)
        worker_env = dict(os.environ if env is None else env)
        # onnx writes the `real` suite's generated test data under $ONNX_HOME: keep it per run
        worker_env["ONNX_HOME"] = str(work / "onnx-home")
        config = {"target": target, "options": dict(options or {})}
        n = max(1, min(jobs or default_jobs(), len(cases) or 1))
        suite_timeouts = {k: f * timeout for k, f in MODEL_TIMEOUT_FACTOR.items()}
        pool = Pool(n, timeout, config, work, env=worker_env, suite_timeouts=suite_timeouts)
        try:
            pool.run([(c.suite, c.name) for c in cases], record)
        finally:
            bar.close()
    return [results[c.key] for c in cases]


__all__ = [
    "DEFAULT_TIMEOUT",
    "SUITES",
    "Case",
    "Result",
    "RunnerError",
    "expected_path",
    "load_cases",
    "parse_suites",
    "run",
    "scope_of",
    "target_label",
]
