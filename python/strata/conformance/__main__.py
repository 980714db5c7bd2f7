"""`python -m strata.conformance`: run onnx's backend-test cases through strata.backend.

Prints a summary per suite and per op type and the commonest failure reasons; `--json FILE`
writes every case's result; `--check` exits 1 when the run disagrees with the target's
expected-failures file, `--update-expected` rewrites that file's entries for the cases run;
`--sample ci` runs only the fixed sample CI checks (strata.conformance.cases.ci_sample).

Dependency contract: argparse and the strata.conformance package.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from strata import conformance
from strata.conformance import report
from strata.conformance.cases import SAMPLES, SUITES, ci_sample


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m strata.conformance",
        description="Run the ONNX backend-test cases (onnx.backend.test) through strata.backend.",
    )
    p.add_argument(
        "--suite",
        action="append",
        default=[],
        metavar="SUITE",
        help=f"{'|'.join(SUITES)}|all (repeatable or comma-separated; default: all)",
    )
    p.add_argument(
        "--target",
        default="cpu",
        help="Strata target: cpu (default), odla or cxx (the portable C++ loop path; its "
        "expected-failures file is expected_failures/cxx.txt)",
    )
    p.add_argument(
        "--odla-runtime",
        metavar="NAME",
        help="--target odla: the ODLA runtime (ref, dnnl; default ref); results and the "
        "expected-failures file go under odla-NAME",
    )
    p.add_argument(
        "-k", dest="pattern", metavar="REGEX", help="only cases whose SUITE/NAME matches"
    )
    p.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: CPUs)")
    p.add_argument(
        "--timeout",
        type=float,
        default=conformance.DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds per case before its worker is killed (default: "
        f"{conformance.DEFAULT_TIMEOUT:g}; the real suite's models get "
        f"{conformance.MODEL_TIMEOUT_FACTOR['real']:g} times as long)",
    )
    p.add_argument(
        "--sample",
        choices=SAMPLES,
        help="run only a fixed sample of the selected cases (ci: what CI checks, see the README)",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write every case's result here")
    p.add_argument(
        "--num-threads",
        type=int,
        default=1,
        metavar="N",
        help="threads of the generated code (default: 1; 0: all cores)",
    )
    p.add_argument("--cache-dir", type=Path, help="compile cache (default: strata's)")
    p.add_argument(
        "--expected",
        type=Path,
        metavar="FILE",
        help="expected-failures file (default: test/conformance/expected_failures/TARGET.txt)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="exit 1 if the run disagrees with the expected file"
    )
    mode.add_argument(
        "--update-expected",
        action="store_true",
        help="rewrite the expected file's entries for the cases run",
    )
    p.add_argument("--list", action="store_true", help="list the selected cases and exit")
    p.add_argument("--no-op-table", action="store_true", help="omit the per-op-type table")
    p.add_argument("--top", type=int, default=30, help="failure reasons to show (default: 30)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    return p


def main(argv: list[str] | None = None) -> int:
    p = build_parser()
    args = p.parse_args(argv)
    try:
        suites = conformance.parse_suites(args.suite)
    except ValueError as e:
        p.error(str(e))
    if args.jobs is not None and args.jobs < 1:
        p.error("--jobs must be >= 1")
    if args.timeout <= 0:
        p.error("--timeout must be > 0")
    from strata.api import TARGETS

    if args.target not in TARGETS:
        p.error(f"unknown target '{args.target}'; available: {', '.join(TARGETS)}")
    if args.odla_runtime is not None:
        from strata.targets.odla.runtimes import RUNTIMES

        if args.target != "odla":
            p.error("--odla-runtime is an option of --target odla")
        if args.odla_runtime not in RUNTIMES:
            p.error(f"unknown ODLA runtime '{args.odla_runtime}'; available: {', '.join(RUNTIMES)}")
    label = conformance.target_label(args.target, args.odla_runtime)
    expected_file = args.expected or conformance.expected_path(label)
    cases = conformance.load_cases(suites, args.pattern)
    in_scope = conformance.scope_of(suites, args.pattern)
    if args.sample == "ci":
        cases = ci_sample(cases)
        sampled = {c.key for c in cases}
        in_scope = sampled.__contains__
    if args.list:
        for c in cases:
            print(f"{c.key}  {' '.join(c.op_types)}")
        return 0
    if not cases:
        print("no case matches", file=sys.stderr)
        return 1
    expected: dict[str, str] | None = None
    if args.check:
        if not expected_file.is_file():
            p.error(f"no expected-failures file {expected_file}")
        expected = report.read_expected(expected_file)

    options: dict[str, object] = {"num_threads": args.num_threads or None}
    if args.odla_runtime is not None:
        options["odla_runtime"] = args.odla_runtime
    if args.cache_dir is not None:
        options["cache_dir"] = str(args.cache_dir)
    jobs = args.jobs or conformance.default_jobs()
    start = time.monotonic()
    try:
        results = conformance.run(
            cases,
            target=args.target,
            jobs=jobs,
            timeout=args.timeout,
            options=options,
            progress=not args.quiet,
        )
    except conformance.RunnerError as e:
        print(f"strata.conformance: error: {e}", file=sys.stderr)
        return 2
    wall = time.monotonic() - start

    print(
        f"\nONNX backend tests on target '{label}': {len(results)} cases in {wall:.0f} s "
        f"with {jobs} job(s)\n"
    )
    print(report.suite_table(results))
    if not args.no_op_table:
        print("\n" + report.op_table(results))
    if args.top > 0 and any(not r.passed for r in results):
        failing = sum(not r.passed for r in results)
        print(f"\ncommonest reasons a case does not pass (of {failing}):")
        print(report.reasons_table(results, args.top))
    if args.json is not None:
        meta = {
            "target": label,
            "suites": suites,
            "pattern": args.pattern,
            "sample": args.sample,
            "jobs": jobs,
            "timeout": args.timeout,
            "wall_seconds": round(wall, 1),
        }
        report.write_json(args.json, results, meta)
        print(f"\nwrote {args.json}")
    status = 0
    if args.update_expected:
        old = report.read_expected(expected_file) if expected_file.is_file() else {}
        new = report.updated_expected(old, results, in_scope)
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(report.format_expected(new, label))
        print(f"\nwrote {expected_file} ({len(new)} expected failures)")
    elif expected is not None:
        check = report.check_expected(expected, results, in_scope)
        if check.ok:
            print(f"\nall {len(results)} cases agree with {expected_file}")
        else:
            print("\n" + check.describe(expected_file, label))
            status = 1
    print("\n" + report.summary_line(results, label))
    return status


if __name__ == "__main__":
    sys.exit(main())
