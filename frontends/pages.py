"""The command line of the frontends' generated coverage pages (docs/*-coverage.md).

    python -m strata.frontends.<name>.coverage [--check] [--output FILE]

writes the page `render()` gives (`available_by_category` groups a converter table for
it), or with `--check` exits 1 (naming the command that
regenerates it) when the page on disk differs; a test runs `--check` for every frontend.

Dependency contract: the standard library only.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

E = TypeVar("E")


def available_by_category(entries: Iterable[E]) -> dict[str, list[E]]:
    """The converter-table entries that are available (their nn ops are declared), grouped by
    their `category`, in table order."""
    out: dict[str, list[E]] = defaultdict(list)
    for e in entries:
        entry: Any = e
        if entry.available():
            out[entry.category].append(e)
    return out


def page_main(prog: str, render: Callable[[], str], output: Path,
              argv: Sequence[str] | None = None) -> int:  # fmt: skip
    """Run the page generator `prog` (a `python -m` module name); its exit status."""
    p = argparse.ArgumentParser(prog=f"python -m {prog}")
    p.add_argument("--output", type=Path, default=output, help=f"default: {output}")
    p.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    args = p.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text() if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is stale: run python -m {prog}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    return 0
