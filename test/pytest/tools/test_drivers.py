"""Argument edge cases of strata-opt / strata-translate: clean errors, exit codes, no tracebacks.

The console scripts run as subprocesses where the process boundary matters (exit code, stderr);
the rest calls `main(argv)` in-process.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mlir import ir

from strata.errors import StrataError
from strata.passes import registry
from strata.tools import opt, translate, verify_diagnostics
from strata.tools.common import PARSED_NAME, Diag, SrcLoc

BIN = Path(sys.executable).parent

GOOD = """func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = "nn.relu"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
"""

BAD = """func.func @f(%x: tensor<2xf32>) -> tensor<3xf32> {
  %y = "nn.relu"(%x) : (tensor<2xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
"""


def run_tool(tool: str, *args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [str(BIN / tool), *args], input=data, capture_output=True, timeout=120, check=False
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.mlir"
    path.write_text(GOOD)
    return path


# ---- process-level behaviour -----------------------------------------------------------------


@pytest.mark.parametrize("tool", ["strata-opt", "strata-translate"])
def test_missing_file_is_a_clean_error(tool: str, tmp_path: Path) -> None:
    missing = tmp_path / "nope.mlir"
    args = [str(missing)] if tool == "strata-opt" else ["--mlir-to-llvmir", str(missing)]
    r = run_tool(tool, *args)
    assert r.returncode == 1
    assert r.stdout == ""
    assert f"{tool}: error: could not open input file '{missing}': no such file" in r.stderr
    assert "Traceback" not in r.stderr


def test_directory_as_input(tmp_path: Path) -> None:
    r = run_tool("strata-opt", str(tmp_path))
    assert r.returncode == 1
    assert "is a directory" in r.stderr and "Traceback" not in r.stderr


def test_binary_input(tmp_path: Path) -> None:
    path = tmp_path / "bin.mlir"
    path.write_bytes(b"\xff\xfe\x00garbage")
    r = run_tool("strata-opt", str(path))
    assert r.returncode == 1
    assert "is not UTF-8 text" in r.stderr and "Traceback" not in r.stderr


def test_unknown_pass_flag(good_file: Path) -> None:
    r = run_tool("strata-opt", str(good_file), "--no-such-pass")
    assert r.returncode == 1
    assert "strata-opt: error: unknown option or pass '--no-such-pass'" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_flag_value_exits_1(good_file: Path) -> None:
    r = run_tool("strata-opt", str(good_file), "--mlir-elide-resource-strings-if-larger=abc")
    assert r.returncode == 1
    assert "invalid int value: 'abc'" in r.stderr


def test_stdin_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.mlir"
    r = run_tool("strata-opt", "-", "-o", str(out), stdin=GOOD)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert '"nn.relu"(%arg0)' in out.read_text()


def test_unwritable_output(good_file: Path, tmp_path: Path) -> None:
    r = run_tool("strata-opt", str(good_file), "-o", str(tmp_path / "no" / "dir" / "x.mlir"))
    assert r.returncode == 1
    assert "could not write output file" in r.stderr and "Traceback" not in r.stderr


def test_failed_run_leaves_no_output_file(tmp_path: Path) -> None:
    src = tmp_path / "bad.mlir"
    src.write_text(BAD)
    out = tmp_path / "out.mlir"
    r = run_tool("strata-opt", str(src), "-o", str(out))
    assert r.returncode == 1
    assert not out.exists()


def test_translate_requires_a_mode(good_file: Path) -> None:
    r = run_tool("strata-translate", str(good_file))
    assert r.returncode == 1
    assert (
        "one of the arguments --import-onnx --import-torch --import-tf --import-tflite --import-caffe --mlir-to-llvmir --odla-to-cpp is required"
        in r.stderr
    )


# ---- in-process: strata-opt ------------------------------------------------------------------


def test_main_returns_0_and_prints(good_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert opt.main([str(good_file), "--canonicalize"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("module {") and out.endswith("}\n")


def test_nn_verifier_error_at_op_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "bad.mlir"
    src.write_text(BAD)
    assert opt.main([str(src)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{src}:2:8: error: 'nn.relu' op result type(s) tensor<3xf32>")
    assert '  %y = "nn.relu"' in err


def test_pipeline_and_flags_are_exclusive(
    good_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert opt.main([str(good_file), "--cse", "--pass-pipeline=builtin.module(cse)"]) == 1
    assert "cannot be combined" in capsys.readouterr().err


@dataclass
class _Boom(registry.ModulePass):
    """Test pass: raises the exception named by its option."""

    name = "test-driver-boom"
    kind: str = "strata"

    def run(self, module: ir.Operation) -> None:
        if self.kind == "strata":
            raise StrataError("boom: op 'x' is not supported")
        raise RuntimeError("a bug")


@pytest.fixture
def boom_pass() -> Iterator[None]:
    registry.register_pass(_Boom)
    yield
    registry._PASSES.pop(_Boom.name, None)


def test_pass_exceptions_become_errors(
    boom_pass: None, good_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert opt.main([str(good_file), "--test-driver-boom"]) == 1
    err = capsys.readouterr().err
    assert f"{good_file}:0:0: error: boom: op 'x' is not supported\n" in err
    assert "Traceback" not in err
    assert opt.main([str(good_file), "--test-driver-boom=kind=other"]) == 1
    err = capsys.readouterr().err
    assert "error: a bug" in err
    assert "note: internal error: RuntimeError raised by a Strata pass" in err
    assert "Traceback" not in err


def test_pass_option_errors(
    boom_pass: None, good_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert opt.main([str(good_file), "--test-driver-boom=nope=1"]) == 1
    assert "has no option 'nope'" in capsys.readouterr().err


def test_split_argv() -> None:
    parser = opt.build_parser()
    driver, passes = opt.split_argv(
        parser,
        [
            "in.mlir",
            "-canonicalize",
            "-o",
            "out",
            "--pass-pipeline",
            "x",
            "--cse=a=1 b=2",
            "--foo{x=1}",
            "-o=o2",
            "-one-shot-bufferize",
            "-",
        ],
    )
    assert driver == ["in.mlir", "-o", "out", "--pass-pipeline", "x", "-o", "o2", "-"]
    assert passes == ["canonicalize", "cse{a=1 b=2}", "foo{x=1}", "one-shot-bufferize"]


def test_split_input_file_takes_no_separate_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "two.mlir"
    src.write_text("func.func @a() { return }\n// -----\nfunc.func @b() { return }\n")
    assert opt.main(["--split-input-file", str(src)]) == 0
    assert capsys.readouterr().out.count("module {") == 2
    src.write_text("func.func @a() { return }\n// @@@\nfunc.func @b() { return }\n")
    assert opt.main(["--split-input-file=// @@@", str(src)]) == 0
    assert capsys.readouterr().out.count("module {") == 2


def test_split_chunks_keep_line_numbers() -> None:
    text = "a\n// -----\nb\nc\n  // -----  \nd\n"
    chunks = opt.split_chunks(text, opt.SPLIT_MARKER)
    assert [c.splitlines() for c in chunks] == [
        ["a"],
        ["", "", "b", "c"],
        ["", "", "", "", "", "d"],
    ]


def test_list_passes_mentions_registered(capsys: pytest.CaptureFixture[str]) -> None:
    assert opt.main(["--list-passes"]) == 0
    out = capsys.readouterr().out
    for name in registry.passes():
        assert f"--{name}" in out
    for name in registry.pipelines():
        assert f"--{name}" in out


# ---- verify-diagnostics rules ----------------------------------------------------------------


def _at(line: int) -> SrcLoc:
    return SrcLoc(PARSED_NAME, line, 1)


def test_designators() -> None:
    text = "\n".join(
        [
            "op1",  # 1
            "// expected-error @above {{A}}",  # 2 -> 1
            "// expected-error @+2 {{B}}",  # 3 -> 5
            "// expected-error @below {{C}}",  # 4 -> 5
            "op2",  # 5
            "op3 // expected-warning {{D}}",  # 6 -> 6
            "// expected-note @-6 {{E}}",  # 7 -> 1
            "// expected-remark @unknown {{F}}",  # 8 -> None
            "// expected-error-re {{x{{[0-9]+}}y}}",  # 9
        ]
    )
    expected, errors = verify_diagnostics.parse_expected(text)
    assert not errors
    assert [(e.kind, e.line, e.text) for e in expected] == [
        ("error", 1, "A"),
        ("error", 5, "B"),
        ("error", 5, "C"),
        ("warning", 6, "D"),
        ("note", 1, "E"),
        ("remark", None, "F"),
        ("error", 9, "x{{[0-9]+}}y"),
    ]
    assert expected[-1].matches("ax42yb") and not expected[-1].matches("xay")


def test_verify_outcomes() -> None:
    text = "op // expected-error {{bad thing}}\nop2 // expected-warning {{careful}}\n"
    ok = [Diag("error", "a bad thing happened", _at(1)), Diag("warning", "be careful", _at(2))]
    assert verify_diagnostics.verify(text, ok) == []
    problems = verify_diagnostics.verify(
        text,
        [
            Diag("error", "a bad thing happened", _at(1)),
            Diag("error", "be careful", _at(2)),
            Diag("error", "surprise", SrcLoc(None, text="loc(unknown)")),
        ],
    )
    assert [p.message for p in problems] == [
        "'error' diagnostic emitted when expecting a 'warning'",
        "unexpected error: surprise",
        'expected warning "careful" was not produced',
    ]


def test_notes_are_checked_but_op_dumps_ignored() -> None:
    text = "op // expected-error {{boom}}\n"
    diag = Diag(
        "error",
        "boom",
        _at(1),
        [Diag("note", "see current operation: op", _at(1)), Diag("note", "other", _at(1))],
    )
    problems = verify_diagnostics.verify(text, [diag])
    assert [p.message for p in problems] == ["unexpected note: other"]


# ---- in-process: strata-translate ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1x3", "expected NAME:DIMS"),
        ("x:1x-3", "every dim must be positive"),
        ("x:1xy", "dims must be integers"),
    ],
)
def test_bad_input_shape(text: str, message: str) -> None:
    with pytest.raises(StrataError, match=message):
        translate.parse_input_shape(text)


def test_input_shape_parsing() -> None:
    assert translate.parse_input_shape("a:b:1x3x224x224") == ("a:b", (1, 3, 224, 224))
    assert translate.parse_input_shape("scalar:") == ("scalar", ())


def test_translate_rejects_bad_batch_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert translate.main(["--import-onnx", "m.onnx", "--batch-size", "0"]) == 1
    assert "--batch-size must be positive" in capsys.readouterr().err
