"""The conformance runner's machinery: the case catalogue, workers that crash or hang, the
expected-failures file logic and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from strata import conformance
from strata.conformance import report
from strata.conformance.cases import SUITES, Case, ci_sample, load_cases, parse_suites
from strata.conformance.report import Result

ROOT = Path(__file__).resolve().parents[3]
EXPECTED_CPU = ROOT / "test" / "conformance" / "expected_failures" / "cpu.txt"


# ---- the catalogue ---------------------------------------------------------------------------


def test_catalogue_is_onnxs() -> None:
    counts = {s: len(load_cases([s])) for s in SUITES}
    assert counts == {
        "node": 1884,
        "simple": 23,
        "pytorch-converted": 82,
        "pytorch-operator": 35,
        "real": 9,
    }
    by_key = {c.key: c for c in load_cases(SUITES)}
    assert by_key["node/test_abs"].op_types == ("Abs",)
    softmax = by_key["node/test_softmax_example_expanded"]
    assert softmax.op_types == ("Softmax",) and softmax.expanded
    assert by_key["node/test_cast_FLOAT_to_DOUBLE"].dtypes == ("DOUBLE", "FLOAT")
    assert by_key["node/test_ai_onnx_ml_binarizer"].op_types == ("ai.onnx.ml.Binarizer",)
    resnet = by_key["real/test_resnet50"]
    assert {"Conv", "Relu"} <= set(resnet.op_types) and resnet.opset is not None
    assert load_cases(["node"], r"node/test_abs$") == [by_key["node/test_abs"]]


def test_parse_suites() -> None:
    assert parse_suites([]) == list(SUITES)
    assert parse_suites(["all"]) == list(SUITES)
    assert parse_suites(["node,real", "node"]) == ["node", "real"]
    with pytest.raises(ValueError, match="unknown suite 'nodes'"):
        parse_suites(["nodes"])


# ---- workers that crash or hang ---------------------------------------------------------------


def _hang_children() -> list[int]:
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if b"strata-conformance-hang" in (p / "cmdline").read_bytes():
                    pids.append(int(p.name))
            except OSError:
                continue
    return pids


def test_crash_and_timeout_are_recorded_and_the_run_goes_on() -> None:
    cases = load_cases(["node"], r"node/test_(abs|neg|relu|sqrt)$")
    assert [c.name for c in cases] == ["test_abs", "test_neg", "test_relu", "test_sqrt"]
    env = dict(os.environ, STRATA_CONFORMANCE_FAULT="abort:test_neg$;hang:test_relu$")
    results = conformance.run(cases, jobs=2, timeout=15, env=env, progress=False)
    status = {r.case.name: r for r in results}
    assert status["test_abs"].status == "pass"
    assert status["test_sqrt"].status == "pass"
    crash = status["test_neg"]
    assert crash.status == "crash" and crash.reason == "crash: worker killed by SIGABRT"
    hang = status["test_relu"]
    assert hang.status == "timeout" and hang.reason == "timeout" and hang.seconds >= 15
    assert not _hang_children()  # the hung worker's child was ended with it


def test_real_models_get_a_longer_timeout(tmp_path: Path) -> None:
    """Whole networks compile for minutes on a loaded machine; node cases keep the default."""
    from strata.conformance.pool import Pool

    factor = conformance.MODEL_TIMEOUT_FACTOR["real"]
    pool = Pool(1, 120.0, {}, tmp_path, suite_timeouts={"real": factor * 120.0})
    assert pool._timeout_of(("real", "test_densenet121")) == factor * 120.0
    assert pool._timeout_of(("node", "test_abs")) == 120.0


def test_error_results_keep_type_and_first_line() -> None:
    (r,) = conformance.run(load_cases(["node"], r"node/test_bernoulli$"), jobs=1, progress=False)
    assert r.status == "error"
    assert r.reason == "UnsupportedOpError: Bernoulli"
    assert "Bernoulli_0" in r.message


# ---- expected failures -----------------------------------------------------------------------


def _case(name: str, suite: str = "node") -> Case:
    return Case(suite, name, ("Abs",), 13, ("FLOAT",))


def test_expected_file_round_trip(tmp_path: Path) -> None:
    entries = {"node/test_b": "UnsupportedOpError: B", "simple/test_a": "wrong results: x"}
    path = tmp_path / "cpu.txt"
    path.write_text(report.format_expected(entries, "cpu"))
    text = path.read_text()
    assert text.startswith("# Expected failures")
    assert "--update-expected" in text
    assert text.splitlines()[-2:] == [
        "node/test_b  # UnsupportedOpError: B",
        "simple/test_a  # wrong results: x",
    ]
    assert report.read_expected(path) == entries
    path.write_text("node/test_b\nnode/test_b  # again\n")
    with pytest.raises(report.ExpectedFileError, match="listed twice"):
        report.read_expected(path)
    path.write_text("nodes/test_b  # typo in the suite\n")
    with pytest.raises(report.ExpectedFileError, match="SUITE/CASE_NAME"):
        report.read_expected(path)


def test_check_expected() -> None:
    results = [
        Result(_case("test_ok"), "pass"),
        Result(_case("test_new_failure"), "error", "ModelImportError: x"),
        Result(_case("test_known"), "fail", "wrong results"),
        Result(_case("test_fixed"), "pass"),
        Result(_case("test_crash"), "crash", "crash: worker killed by SIGSEGV"),
    ]
    expected = {
        "node/test_known": "wrong results",
        "node/test_fixed": "timeout",
        "node/test_gone": "no longer a case",
        "simple/test_other": "outside this run",
    }
    in_scope = conformance.scope_of(["node"], None)
    check = report.check_expected(expected, results, in_scope)
    assert not check.ok
    assert [r.case.name for r in check.unexpected] == ["test_new_failure", "test_crash"]
    assert [r.case.name for r in check.fixed] == ["test_fixed"]
    assert check.unknown == ["node/test_gone"]
    text = check.describe(Path("cpu.txt"), "cpu")
    assert "node/test_new_failure  [error] ModelImportError: x" in text
    assert "--update-expected" in text
    updated = report.updated_expected(expected, results, in_scope)
    assert updated == {
        "node/test_known": "wrong results",
        "node/test_new_failure": "ModelImportError: x",
        "node/test_crash": "crash: worker killed by SIGSEGV",
        "simple/test_other": "outside this run",
    }
    agreeing = report.check_expected(updated, results, in_scope)
    assert agreeing.ok
    # a -k run judges only the entries its pattern selects
    narrow = conformance.scope_of(["node"], r"test_ok")
    assert report.check_expected(expected, results[:1], narrow).ok


def test_checked_in_expected_file_is_well_formed() -> None:
    text = EXPECTED_CPU.read_text()
    entries = report.read_expected(EXPECTED_CPU)
    assert text == report.format_expected(entries, "cpu")  # sorted, in the written format
    keys = {c.key for c in load_cases(SUITES)}
    assert not sorted(set(entries) - keys)
    assert all(entries.values())  # every entry has its reason


# ---- the command line ------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "strata.conformance", "--jobs", "1", "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_update_then_check(tmp_path: Path) -> None:
    expected = tmp_path / "cpu.txt"
    expected.write_text(report.format_expected({"real/test_vgg19": "kept: outside -k"}, "cpu"))
    pattern = ["-k", r"node/test_(abs|bernoulli)$", "--expected", str(expected)]
    json_path = tmp_path / "r.json"
    up = _cli(*pattern, "--update-expected", "--json", str(json_path))
    assert up.returncode == 0, up.stderr
    assert report.read_expected(expected) == {
        "node/test_bernoulli": "UnsupportedOpError: Bernoulli",
        "real/test_vgg19": "kept: outside -k",
    }
    doc = json.loads(json_path.read_text())
    assert [(c["name"], c["status"]) for c in doc["cases"]] == [
        ("test_abs", "pass"),
        ("test_bernoulli", "error"),
    ]
    assert doc["cases"][0]["op_types"] == ["Abs"] and doc["cases"][0]["seconds"] > 0
    assert "conformance [cpu]: node 1/2 (50.0%)" in up.stdout
    assert "Bernoulli" in up.stdout and "UnsupportedOpError: Bernoulli" in up.stdout

    ok = _cli(*pattern, "--check", "--no-op-table")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "all 2 cases agree" in ok.stdout

    expected.write_text(report.format_expected({"node/test_abs": "was failing"}, "cpu"))
    bad = _cli(*pattern, "--check", "--no-op-table")
    assert bad.returncode == 1
    assert "node/test_bernoulli  [error] UnsupportedOpError: Bernoulli" in bad.stdout
    assert "listed in" in bad.stdout and "now pass" in bad.stdout
    assert "--update-expected" in bad.stdout


def test_cli_odla_runtime_has_its_own_expected_file(tmp_path: Path) -> None:
    """--target odla --odla-runtime dnnl runs on libodla_dnnl; its results go under
    `odla-dnnl` (test/conformance/expected_failures/odla-dnnl.txt)."""
    assert conformance.target_label("cpu") == "cpu"
    assert conformance.target_label("odla", "dnnl") == "odla-dnnl"
    assert conformance.target_label("odla") == "odla-ref"
    assert conformance.expected_path("odla-dnnl").name == "odla-dnnl.txt"
    header = report.format_expected({}, "odla-dnnl")
    assert "--suite all --target odla --odla-runtime dnnl --update-expected" in header
    expected = tmp_path / "odla-dnnl.txt"
    # Erf is on the loop path for dnnl (libodla_dnnl lacks it), Relu on oneDNN
    pattern = ["-k", r"node/test_(relu|erf)$", "--expected", str(expected)]
    up = _cli(*pattern, "--target", "odla", "--odla-runtime", "dnnl", "--update-expected")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "conformance [odla-dnnl]: node 2/2 (100.0%)" in up.stdout
    assert report.read_expected(expected) == {}
    assert "--target odla --odla-runtime dnnl" in expected.read_text()


def test_cli_cxx_target_has_its_own_expected_file(tmp_path: Path) -> None:
    """--target cxx runs the cases as portable C++ (test/conformance/expected_failures/cxx.txt)."""
    assert conformance.target_label("cxx") == "cxx"
    assert conformance.expected_path("cxx").name == "cxx.txt"
    expected = tmp_path / "cxx.txt"
    pattern = ["-k", r"node/test_(relu|softmax_example)$", "--expected", str(expected)]
    up = _cli(*pattern, "--target", "cxx", "--update-expected")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "conformance [cxx]: node 2/2 (100.0%)" in up.stdout
    assert report.read_expected(expected) == {}
    assert "--suite all --target cxx --update-expected" in expected.read_text()


def test_cli_refuses_bad_arguments() -> None:
    r = _cli("--suite", "nodes")
    assert r.returncode == 2 and "unknown suite 'nodes'" in r.stderr
    r = _cli("--target", "nope")
    assert r.returncode == 2 and "unknown target 'nope'" in r.stderr
    r = _cli("--odla-runtime", "dnnl")
    assert r.returncode == 2 and "--odla-runtime is an option of --target odla" in r.stderr
    r = _cli("--target", "odla", "--odla-runtime", "tpu")
    assert r.returncode == 2 and "unknown ODLA runtime 'tpu'" in r.stderr
    r = _cli("-k", "no-such-case-anywhere")
    assert r.returncode == 1 and "no case matches" in r.stderr


def test_ci_sample_is_op_stratified() -> None:
    cases = load_cases(SUITES)
    sample = ci_sample(cases)
    assert sample == ci_sample(list(reversed(cases)))[::-1]  # fixed: independent of order
    node = [c for c in cases if c.suite == "node"]
    picked = [c for c in sample if c.suite == "node"]
    assert {c.op_types for c in picked} == {c.op_types for c in node}  # every op type
    groups = {(c.op_types, c.dtypes, c.expanded) for c in node}
    assert len(picked) == len(groups)  # one per op / dtypes / form
    assert [c for c in sample if c.suite != "node"] == [c for c in cases if c.suite != "node"]
