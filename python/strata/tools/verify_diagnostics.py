"""``--verify-diagnostics``: mlir-opt's expected-diagnostic checking, reimplemented.

The C++ SourceMgrDiagnosticVerifierHandler is not reachable from Python, so this module
follows its rules:

* ``// expected-error {{msg}}`` (also ``-warning``, ``-remark``, ``-note``) expects a
  diagnostic on the same line whose message contains ``msg``; ``expected-error-re`` treats
  ``{{...}}`` groups inside the message as regular expressions.
* ``@+N`` / ``@-N`` move the expected line, ``@above`` means the last line that is not a
  designator, ``@below`` the next one, ``@unknown`` a diagnostic without a file location.
* Diagnostics nobody expected are reported as ``unexpected error: ...`` at their location;
  expectations nothing matched as ``expected error "msg" was not produced`` at the comment;
  a message matching on the right line with the wrong severity as ``'error' diagnostic
  emitted when expecting a 'warning'``.

Dependency contract: imports only `strata.tools.common`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from strata.tools.common import PARSED_NAME, Diag, SrcLoc

_EXPECTED = re.compile(
    r"expected-(error|note|remark|warning)(-re)? *(@([+-][0-9]+|above|below|unknown))? *"
    r"\{\{(.*)\}\}$"
)


@dataclass
class Expected:
    kind: str
    line: int | None  # None: expects a diagnostic without file location (@unknown)
    text: str
    regex: re.Pattern[str] | None
    where: SrcLoc  # the position of the `expected-...` comment
    matched: bool = False

    def matches(self, message: str) -> bool:
        if self.regex is not None:
            return self.regex.search(message) is not None
        return self.text in message


def _compile(text: str) -> re.Pattern[str]:
    """An expected-*-re message: literal text with {{regex}} groups."""
    parts: list[str] = []
    pos = 0
    for m in re.finditer(r"\{\{(.*?)\}\}", text):
        parts.append(re.escape(text[pos : m.start()]))
        parts.append(f"(?:{m.group(1)})")
        pos = m.end()
    parts.append(re.escape(text[pos:]))
    return re.compile("".join(parts))


def parse_expected(text: str) -> tuple[list[Expected], list[Diag]]:
    """The expectations written in `text`, and errors about malformed ones."""
    expected: list[Expected] = []
    errors: list[Diag] = []
    pending_below: list[Expected] = []
    last_plain = 0
    for index, raw in enumerate(text.splitlines()):
        line_no = index + 1
        m = _EXPECTED.search(raw.rstrip())
        if m is None:
            for e in pending_below:
                e.line = line_no
            pending_below = []
            last_plain = line_no
            continue
        kind, is_re, _, designator, message = m.groups()
        where = SrcLoc(PARSED_NAME, line_no, m.start() + 1)
        regex = None
        if is_re:
            try:
                regex = _compile(message)
            except re.error as err:
                errors.append(Diag("error", f"invalid regex in expected-{kind}-re: {err}", where))
                continue
        e = Expected(kind, line_no, message, regex, where)
        expected.append(e)
        if designator is None:
            continue
        if designator == "unknown":
            e.line = None
        elif designator == "above":
            e.line = last_plain
        elif designator == "below":
            pending_below.append(e)
        else:
            e.line = line_no + int(designator)
    return expected, errors


def _flatten(diags: list[Diag]) -> list[Diag]:
    out: list[Diag] = []
    for d in diags:
        out.append(Diag(d.severity, d.message, d.loc))
        out.extend(Diag(n.severity, n.message, n.loc) for n in d.notes)
    return out


def verify(text: str, diags: list[Diag]) -> list[Diag]:
    """Check `diags` (emitted while processing `text`) against its expectations.

    Returns the errors to report; empty when every diagnostic was expected and every
    expectation was met. Notes are checked like any other diagnostic, except MLIR's
    "see current operation" notes, which mlir-opt does not emit in this mode.
    """
    expected, problems = parse_expected(text)
    for d in _flatten(diags):
        if d.severity == "note" and d.message.startswith("see current operation"):
            continue
        problem = _match(d, expected)
        if problem is not None:
            problems.append(problem)
    for e in expected:
        if not e.matched:
            problems.append(
                Diag("error", f'expected {e.kind} "{e.text}" was not produced', e.where)
            )
    return problems


def _match(d: Diag, expected: list[Expected]) -> Diag | None:
    in_buffer = d.loc.file == PARSED_NAME
    line = d.loc.line if in_buffer else None
    near_miss: Expected | None = None
    for e in expected:
        if e.line != line or not e.matches(d.message):
            continue
        if e.kind == d.severity:
            e.matched = True
            return None
        near_miss = e
    if near_miss is not None:
        return Diag(
            "error",
            f"'{d.severity}' diagnostic emitted when expecting a '{near_miss.kind}'",
            d.loc,
        )
    return Diag("error", f"unexpected {d.severity}: {d.message}", d.loc)
