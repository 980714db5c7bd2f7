"""Results of a conformance run: summaries, the JSON report, the expected-failures files.

An expected-failures file (one per target, `test/conformance/expected_failures/TARGET.txt`)
lists every case that does not pass, one `SUITE/CASE_NAME  # reason` line each, sorted, after
a header of `#` comments. A run agrees with it when every case it ran passes unless listed, and
every listed case it ran does not pass (the file only shrinks; a fixed case must be removed).

Dependency contract: the standard library and strata.conformance.cases.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strata.conformance.cases import SUITES, Case

STATUSES = ("pass", "fail", "error", "skip", "crash", "timeout")
EXPECTED_HEADER = """\
# Expected failures of the ONNX backend-test cases on the `{target}` target.
#
# One line per case that does not pass, sorted: `SUITE/CASE_NAME  # reason`, where the reason
# is the error's type and the first line of its message, `wrong results: ...` (an assertion of
# onnx's comparison failed), `crash: ...` (the worker died) or `timeout`.
# A check fails when a case that is not listed does not pass, and when a listed case passes:
# the list only shrinks. CI (`bash scripts/test.sh`) checks a fixed sample of the cases
# (`--sample ci`); `python -m strata.conformance --suite all {target_args} --check` checks
# all of them. After a change, regenerate this file with
#   python -m strata.conformance --suite all {target_args} --update-expected
"""


@dataclass(frozen=True)
class Result:
    case: Case
    status: str
    reason: str = ""
    message: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_json(self) -> dict[str, Any]:
        c = self.case
        return {
            "suite": c.suite,
            "name": c.name,
            "op_types": list(c.op_types),
            "expanded": c.expanded,
            "opset": c.opset,
            "dtypes": list(c.dtypes),
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "seconds": self.seconds,
        }


# ---- summaries -------------------------------------------------------------------------------


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:5.1f}%" if total else "    -"


def suite_table(results: Sequence[Result]) -> str:
    by_suite: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        by_suite[r.case.suite][r.status] += 1
    head = f"{'suite':<20}{'cases':>7}" + "".join(f"{s:>8}" for s in STATUSES) + f"{'pass %':>9}"
    lines = [head]
    total: Counter[str] = Counter()
    for s in [*SUITES, *sorted(set(by_suite) - set(SUITES))]:
        if s not in by_suite:
            continue
        c = by_suite[s]
        total += c
        n = sum(c.values())
        row = f"{s:<20}{n:>7}" + "".join(f"{c[k]:>8}" for k in STATUSES)
        lines.append(row + f"{_pct(c['pass'], n):>9}")
    n = sum(total.values())
    lines.append(
        f"{'total':<20}{n:>7}"
        + "".join(f"{total[k]:>8}" for k in STATUSES)
        + f"{_pct(total['pass'], n):>9}"
    )
    return "\n".join(lines)


def op_table(results: Sequence[Result]) -> str:
    """Per op type: node cases (pass / fail / error / other of them) and model cases using it."""
    node: dict[str, Counter[str]] = defaultdict(Counter)
    model: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        table = node if r.case.suite == "node" else model
        for op in r.case.op_types:
            table[op][r.status] += 1
    head = f"{'op type':<38}{'node pass':>11}{'fail':>6}{'error':>7}{'other':>7}{'model pass':>12}"
    lines = [head]
    for op in sorted(set(node) | set(model), key=str.lower):
        n, m = node.get(op, Counter()), model.get(op, Counter())
        nt, mt = sum(n.values()), sum(m.values())
        other = nt - n["pass"] - n["fail"] - n["error"]
        ncol = f"{n['pass']}/{nt}" if nt else "-"
        mcol = f"{m['pass']}/{mt}" if mt else "-"
        lines.append(
            f"{op:<38}{ncol:>11}{n['fail'] if nt else '-':>6}{n['error'] if nt else '-':>7}"
            f"{other if nt else '-':>7}{mcol:>12}"
        )
    return "\n".join(lines)


_QUOTED = re.compile(r"'[^']*'")
_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")


def reason_class(reason: str) -> str:
    """A reason with quoted names and numbers blanked, so that like failures group together."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", reason))


def top_reasons(results: Sequence[Result], n: int = 20) -> list[tuple[str, int]]:
    counts = Counter(reason_class(r.reason) for r in results if not r.passed)
    return counts.most_common(n)


def reasons_table(results: Sequence[Result], n: int = 20) -> str:
    rows = top_reasons(results, n)
    return "\n".join(f"{count:>6}  {reason}" for reason, count in rows)


def summary_line(results: Sequence[Result], target: str) -> str:
    by_suite: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_suite[r.case.suite].append(r)
    parts = []
    for s in SUITES:
        rs = by_suite.get(s)
        if rs:
            p = sum(r.passed for r in rs)
            parts.append(f"{s} {p}/{len(rs)} ({100.0 * p / len(rs):.1f}%)")
    return f"conformance [{target}]: " + ", ".join(parts)


def write_json(path: Path, results: Sequence[Result], meta: Mapping[str, Any]) -> None:
    doc = {**meta, "cases": [r.to_json() for r in results]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n")


# ---- expected failures -----------------------------------------------------------------------


class ExpectedFileError(Exception):
    """An expected-failures file is malformed."""


def read_expected(path: Path) -> dict[str, str]:
    """{`SUITE/CASE_NAME`: reason} from an expected-failures file."""
    entries: dict[str, str] = {}
    for i, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition("#")
        key = key.strip()
        suite, slash, name = key.partition("/")
        if not slash or suite not in SUITES or not name or " " in key:
            raise ExpectedFileError(
                f"{path}:{i}: expected `SUITE/CASE_NAME  # reason`, got {raw!r}"
            )
        if key in entries:
            raise ExpectedFileError(f"{path}:{i}: {key} is listed twice")
        entries[key] = reason.strip()
    return entries


def target_args(label: str) -> str:
    """The runner's flags for a target label (`odla-dnnl` -> `--target odla --odla-runtime
    dnnl`)."""
    target, _, runtime = label.partition("-")
    return f"--target {target}" + (f" --odla-runtime {runtime}" if runtime else "")


def format_expected(entries: Mapping[str, str], target: str) -> str:
    lines = [EXPECTED_HEADER.format(target=target, target_args=target_args(target))]
    for key in sorted(entries):
        reason = " ".join(entries[key].split())
        lines.append(f"{key}  # {reason}\n" if reason else f"{key}\n")
    return "".join(lines)


def updated_expected(
    old: Mapping[str, str], results: Iterable[Result], in_scope: Callable[[str], bool]
) -> dict[str, str]:
    """`old` with the entries a run covered (`in_scope(key)`: the key is of a suite it ran and
    matches its `-k` pattern) replaced by the run's failures."""
    new = {k: v for k, v in old.items() if not in_scope(k)}
    for r in results:
        if not r.passed:
            new[r.case.key] = r.reason or r.status
    return new


@dataclass
class Check:
    """How a run compares with an expected-failures file."""

    unexpected: list[Result] = field(default_factory=list)  # not listed, not passing
    fixed: list[Result] = field(default_factory=list)  # listed, passing
    unknown: list[str] = field(default_factory=list)  # listed, but no such case in scope

    @property
    def ok(self) -> bool:
        return not (self.unexpected or self.fixed or self.unknown)

    def describe(self, path: Path, target: str) -> str:
        lines = []
        if self.unexpected:
            lines.append(f"{len(self.unexpected)} case(s) not listed in {path} do not pass:")
            lines += [f"  {r.case.key}  [{r.status}] {r.reason}" for r in self.unexpected]
        if self.fixed:
            lines.append(f"{len(self.fixed)} case(s) listed in {path} now pass:")
            lines += [f"  {r.case.key}" for r in self.fixed]
        if self.unknown:
            lines.append(f"{len(self.unknown)} listed case(s) do not exist:")
            lines += [f"  {k}" for k in self.unknown]
        if lines:
            lines.append(
                "If this is intended, regenerate the file: python -m strata.conformance "
                f"--suite all {target_args(target)} --update-expected"
            )
        return "\n".join(lines)


def check_expected(
    expected: Mapping[str, str], results: Sequence[Result], in_scope: Callable[[str], bool]
) -> Check:
    """Compare `results` with `expected`; entries outside the run's scope (`in_scope(key)`
    false) are not judged, entries in it that name no case the run had are `unknown`."""
    ran = {r.case.key for r in results}
    check = Check()
    for r in results:
        listed = r.case.key in expected
        if not r.passed and not listed:
            check.unexpected.append(r)
        elif r.passed and listed:
            check.fixed.append(r)
    check.unknown = sorted(k for k in expected if in_scope(k) and k not in ran)
    return check
