"""Write docs/onnx-coverage.md: every ONNX op type, what Strata's importer does with it, and its
node-test results on a target.

    python -m strata.conformance.coverage [--target cpu] [--check] [--output FILE]

Derived, never hand-written: the op types and their versions come from
`onnx.defs.get_all_schemas_with_history()` (every domain); support from the ONNX importer's
converter tables (`strata.frontends.onnx.ops.registry.TABLES`, per domain; an entry counts
when the nn ops it needs are declared), its folding rules (`strata.frontends.onnx.folding`: a
node whose inputs are all constants is evaluated at import time by onnx.reference) and its
opset limits (`strata.frontends.onnx.loader`); pass counts and dtypes from the node-test
catalogue (strata.conformance.cases) and the target's expected-failures file (a case passes
when it is not listed there). `--check` exits 1 when the checked-in page is stale (a test runs it).

Dependency contract: `onnx` (defs, reference), the ONNX frontend's table, folding rules and
loader limits, and the strata.conformance package.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import onnx
import onnx.defs

from strata.conformance import REPO_ROOT, expected_path
from strata.conformance.cases import DEFAULT_DOMAINS, SUITES, Case, load_cases
from strata.conformance.report import read_expected

OUTPUT = REPO_ROOT / "docs" / "onnx-coverage.md"
# The importer folds these from the (static) shape of their input, whatever the input is
# (strata.frontends.onnx.importer / graph.unsupported_nodes).
SHAPE_FOLDED = ("Shape", "Size")
# Where each op lowers on the way to native code: the linalg loop path or a call into a C++
# runtime library (op type -> short text). Recorded so far for the ops that call a runtime.
_STRING_RUNTIME = "C++ string runtime (`strata_str_*` calls in linalg / scf loops)"
LOWERS_TO: dict[str, str] = {
    # string ops: passes/lowering/strings.py -> targets/cpu/runtime/strings.cpp
    "StringConcat": _STRING_RUNTIME,
    "StringNormalizer": _STRING_RUNTIME,
    "StringSplit": _STRING_RUNTIME,
    "RegexFullMatch": _STRING_RUNTIME + ", std::regex ECMAScript",
    "ai.onnx.ml.LabelEncoder": _STRING_RUNTIME + " (string keys) + linalg table lookup",
    "Equal": "linalg; on strings a C++ string runtime call per element",
}

CONVERTER = "yes"
SHAPE_FOLD = "folds (shape)"
FOLD_ONLY = "constant inputs only"
NO = "no"


@dataclass
class OpRow:
    domain: str
    name: str
    versions: list[int]
    deprecated: bool
    status: str
    converter_since: list[int]
    opsets: str
    passing_dtypes: list[str]
    other_dtypes: list[str]
    node_pass: int
    node_total: int
    expanded_pass: int
    expanded_total: int

    @property
    def key(self) -> str:
        return self.name if self.domain in DEFAULT_DOMAINS else f"{self.domain}.{self.name}"


def _ranges(values: Sequence[int]) -> str:
    """[11, 12, 13, 20] -> '11–13, 20'."""
    out: list[str] = []
    vs = sorted(set(values))
    i = 0
    while i < len(vs):
        j = i
        while j + 1 < len(vs) and vs[j + 1] == vs[j] + 1:
            j += 1
        out.append(str(vs[i]) if i == j else f"{vs[i]}–{vs[j]}")
        i = j + 1
    return ", ".join(out)


def _has_reference(domain: str, name: str) -> bool:
    """Whether onnx.reference can evaluate the op (an implementation or a function body)."""
    from onnx.reference import ReferenceEvaluator
    from onnx.reference.op_run import RuntimeContextError
    from onnx.reference.ops import load_op

    try:
        load_op(domain, name, evaluator_cls=ReferenceEvaluator)
    except RuntimeContextError:  # a context-dependent function body, built per node
        return True
    except Exception:  # the reference raises NotImplementedError, RuntimeError, ...
        return False
    return True


def _schemas() -> dict[tuple[str, str], list[onnx.defs.OpSchema]]:
    by_op: dict[tuple[str, str], list[onnx.defs.OpSchema]] = defaultdict(list)
    for s in onnx.defs.get_all_schemas_with_history():
        by_op[(s.domain, s.name)].append(s)
    return by_op


def _defined_at(schemas: Sequence[onnx.defs.OpSchema], opset: int) -> bool:
    """Whether the op exists (and is not deprecated) at `opset`."""
    current = [s for s in schemas if s.since_version <= opset]
    return bool(current) and not max(current, key=lambda s: s.since_version).deprecated


def _foldable(domain: str, name: str, schemas: Sequence[onnx.defs.OpSchema]) -> bool:
    from strata.frontends.onnx import folding

    if domain not in DEFAULT_DOMAINS or name in folding.NEVER_FOLD:
        return False
    graph_attr = (onnx.defs.OpSchema.AttrType.GRAPH, onnx.defs.OpSchema.AttrType.GRAPHS)
    if any(a.type in graph_attr for s in schemas for a in s.attributes.values()):
        return False
    return _has_reference(domain, name)


def op_rows(node_cases: Sequence[Case], expected: Mapping[str, str]) -> list[OpRow]:
    from strata.frontends.onnx.loader import MIN_OPSET, known_domain_versions
    from strata.frontends.onnx.ops import TABLES, lookup

    cases_of: dict[str, list[Case]] = defaultdict(list)
    for c in node_cases:
        for op in c.op_types:
            cases_of[op].append(c)
    rows = []
    for (domain, name), schemas in sorted(_schemas().items(), key=lambda kv: (kv[0][0], kv[0][1])):
        versions = sorted(s.since_version for s in schemas)
        deprecated = max(schemas, key=lambda s: s.since_version).deprecated
        default = domain in DEFAULT_DOMAINS
        table_domain = "" if default else domain
        first = MIN_OPSET if default else 1
        last = known_domain_versions().get(table_domain, 0)
        exists = [v for v in range(first, last + 1) if _defined_at(schemas, v)]
        since = sorted(e.since for e in TABLES.get(table_domain, {}).get(name, []))
        with_converter = [v for v in exists if lookup(name, v, table_domain) is not None]
        if with_converter:
            status, opsets = CONVERTER, _ranges(with_converter)
        elif default and name in SHAPE_FOLDED:
            status, opsets = SHAPE_FOLD, _ranges(exists)
        elif _foldable(domain, name, schemas) and exists:
            status, opsets = FOLD_ONLY, _ranges(exists)
        else:
            status, opsets = NO, ""
        key = name if default else f"{domain}.{name}"
        passing: set[str] = set()
        failing: set[str] = set()
        counts = {False: [0, 0], True: [0, 0]}  # expanded -> [passing, total]
        for c in cases_of.get(key, []):
            ok = c.key not in expected
            (passing if ok else failing).update(c.dtypes)
            counts[c.expanded][0] += ok
            counts[c.expanded][1] += 1
        rows.append(
            OpRow(
                domain or "ai.onnx",
                name,
                versions,
                deprecated,
                status,
                since,
                opsets,
                sorted(d.lower() for d in passing),
                sorted(d.lower() for d in failing - passing),
                *counts[False],
                *counts[True],
            )
        )
    return rows


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:.1f}%" if total else "-"


def render(target: str, cases: Sequence[Case], expected: Mapping[str, str]) -> str:
    from strata.frontends.onnx.loader import DEFAULT_DOMAINS as IMPORTED_DOMAINS
    from strata.frontends.onnx.loader import MAX_OPSET, MIN_OPSET

    node_cases = [c for c in cases if c.suite == "node"]
    rows = op_rows(node_cases, expected)
    out: list[str] = []
    out.append("# ONNX coverage\n")
    out.append(
        f"Generated by `python -m strata.conformance.coverage --target {target}` from the "
        f"schemas of onnx {onnx.__version__}, the ONNX importer's converter table and opset "
        f"limits, and the `{target}` target's expected-failures file "
        f"(`test/conformance/expected_failures/{target}.txt`, written from a conformance run). "
        "Do not edit by hand; a test fails while this page is stale.\n"
    )
    out.append("## Summary\n")
    out.append(
        "* The importer accepts default-domain ("
        + " / ".join(f"`{d}`" if d else "`''`" for d in IMPORTED_DOMAINS)
        + f") opsets {MIN_OPSET} to {MAX_OPSET}; onnx {onnx.__version__} defines opsets 1 to "
        f"{onnx.defs.onnx_opset_version()}. Other ONNX domains must import a version onnx "
        "defines; their nodes convert where the table has an entry for the domain. Nodes of "
        "custom domains are refused. How opsets select semantics, and the limits: "
        "[onnx-opsets.md](onnx-opsets.md)."
    )
    out.append(
        "* Tensor sequences and optional values (the `Sequence*`, `SplitToSequence`, "
        "`ConcatFromSequence` and `Optional*` ops, `SequenceMap`) need no runtime library: "
        "they are import-time structures whose items are ordinary tensors, so they take the "
        "linalg loop path. A graph input of sequence or optional type is specialised on its "
        "structure (length, item shapes, empty or full) when the model is compiled: "
        "`strata.backend` compiles a model once per input structure it is run with and caches "
        "each; `strata.compile` takes `input_structures=`. Sequence / optional outputs come "
        "back as Python lists / `None` when their structure is known at compile time. "
        "Lengths, positions and trip counts over sequences computed at run time are refused "
        "([interfaces.md](interfaces.md#sequences-and-optionals-as-graph-inputs-and-outputs))."
    )
    by_status: dict[str, int] = defaultdict(int)
    by_domain: dict[str, list[OpRow]] = defaultdict(list)
    for r in rows:
        by_status[r.status] += 1
        by_domain[r.domain].append(r)
    out.append(
        f"* {len(rows)} op types in onnx.defs: "
        + ", ".join(f"{len(v)} in `{d}`" for d, v in sorted(by_domain.items()))
        + "."
    )
    out.append(
        f"* {by_status[CONVERTER]} have a converter (status `{CONVERTER}`); "
        f"{by_status[SHAPE_FOLD]} fold from their input's static shape (`{SHAPE_FOLD}`); "
        f"{by_status[FOLD_ONLY]} import only when all their inputs are constants, evaluated "
        f"at import time by onnx.reference (`{FOLD_ONLY}`); {by_status[NO]} are not "
        f"supported (`{NO}`)."
    )
    out.append("")
    out.append(f"Backend-test cases passing on `{target}`:\n")
    out.append("| suite | passing | cases | % |")
    out.append("|---|---:|---:|---:|")
    tp = tt = 0
    for s in SUITES:
        cs = [c for c in cases if c.suite == s]
        p = sum(c.key not in expected for c in cs)
        tp, tt = tp + p, tt + len(cs)
        out.append(f"| {s} | {p} | {len(cs)} | {_pct(p, len(cs))} |")
    out.append(f"| all | {tp} | {tt} | {_pct(tp, tt)} |")
    out.append("")
    out.append("## Op types\n")
    out.append(
        "Columns: **schema versions** — the opsets in which onnx (re)defined the op; "
        "**converter since** — the `since` values of the importer's table entries (the entry "
        "used is the highest not above the model's opset); **imported at** — the default-domain "
        "opsets the importer accepts for the op; **dtypes passing** — element types of the "
        "inputs and outputs of the op's passing node cases; **other dtypes tested** — those "
        "only its failing cases use; **node tests** — the op's node cases passing / total; "
        "**expanded** — its `*_expanded` cases (the op's function body, run as the ops it "
        "is made of) passing / total; **lowers to** — the path the op takes "
        "to native code (linalg loop path / C++ runtime library), recorded so far for the ops "
        "that call a runtime library (`LOWERS_TO` in `strata/conformance/coverage.py`); `-`: "
        "not recorded (the linalg loop path).\n"
    )
    for domain in sorted(by_domain, key=lambda d: (d != "ai.onnx", d)):
        out.append(f"### `{domain}`\n")
        out.append(
            "| op type | supported | schema versions | converter since | imported at | "
            "dtypes passing | other dtypes tested | node tests | expanded | lowers to |"
        )
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in sorted(by_domain[domain], key=lambda r: r.name.lower()):
            name = f"{r.name} (deprecated)" if r.deprecated else r.name
            tests = f"{r.node_pass}/{r.node_total}" if r.node_total else "-"
            expanded = f"{r.expanded_pass}/{r.expanded_total}" if r.expanded_total else "-"
            cells = [
                name,
                r.status,
                ", ".join(map(str, r.versions)),
                ", ".join(map(str, r.converter_since)) or "-",
                r.opsets or "-",
                ", ".join(r.passing_dtypes) or "-",
                ", ".join(r.other_dtypes) or "-",
                tests,
                expanded,
                LOWERS_TO.get(r.key, "") or "-",
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m strata.conformance.coverage", description=__doc__)
    ap.add_argument("--target", default="cpu")
    ap.add_argument("--expected", type=Path, help="expected-failures file (default: the target's)")
    ap.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    ap.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    args = ap.parse_args(argv)
    expected_file = args.expected or expected_path(args.target)
    if not expected_file.is_file():
        print(f"no expected-failures file {expected_file}", file=sys.stderr)
        return 2
    text = render(args.target, load_cases(SUITES), read_expected(expected_file))
    current = args.output.read_text() if args.output.exists() else None
    if current == text:
        return 0
    if args.check:
        print(
            f"{args.output} is stale: run python -m strata.conformance.coverage "
            f"--target {args.target}",
            file=sys.stderr,
        )
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
