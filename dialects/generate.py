"""Write the derived files of Strata's dialects: `dialects/<d>.irdl.mlir`, `docs/dialects/<d>.md`.

Run `python -m strata.dialects.generate [--check]` from the repository root; `--check` exits 1
when a checked-in file is stale (a test runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from strata.dialects import nn, odla
from strata.dialects.opdef import Dialect

ROOT = Path(__file__).resolve().parent.parent
DIALECTS: tuple[Dialect, ...] = (nn.DIALECT, odla.DIALECT)


def outputs(root: Path) -> dict[Path, str]:
    files: dict[Path, str] = {}
    for d in DIALECTS:
        files[root / "dialects" / f"{d.name}.irdl.mlir"] = d.irdl_text()
        files[root / "docs" / "dialects" / f"{d.name}.md"] = d.markdown()
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if a generated file is stale")
    ap.add_argument("--root", type=Path, default=ROOT, help="repository root")
    args = ap.parse_args(argv)
    stale = []
    for path, text in outputs(args.root).items():
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path}")
    if stale:
        print("stale generated files (run python -m strata.dialects.generate):", file=sys.stderr)
        for p in stale:
            print(f"  {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
