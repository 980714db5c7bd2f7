"""The pure parts of the benchmark harness (benchmarks/common.py, bench_models.py): argument
parsing, the interleaved timing protocol (with a fake clock), statistics, the correctness
check, the machine description, the table and the chart. Nothing here times anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_models  # noqa: E402
import common  # noqa: E402

CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 9R14 96-Core Processor
flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512_vnni amx_tile
processor\t: 1
model name\t: AMD EPYC 9R14 96-Core Processor
flags\t\t: fpu
"""


def test_arguments() -> None:
    assert common.names_arg("a, b,,c") == ["a", "b", "c"]
    assert common.threads_arg("1,2") == [1, 2]
    for bad in ("0", "1,x", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            common.threads_arg(bad)
    assert common.select(["b", "a", "b"], ["a", "b"]) == ["b", "a"]
    with pytest.raises(ValueError, match=r"unknown model\(s\) zz; known: a, b"):
        common.select(["a", "zz"], ["a", "b"])
    ap = common.base_parser("doc", ["a", "b"], "a")
    args = ap.parse_args(["--threads", "1,2", "--models", "b", "--repeats", "3"])
    assert (args.threads, args.models, args.repeats, args.json) == ([1, 2], ["b"], 3, None)
    assert ap.parse_args([]).models == ["a"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_interleave_order_warmup_and_discard() -> None:
    clock, calls = FakeClock(), []
    cost = {"a": 2.0, "b": 1.0}

    def runner(name: str) -> Any:
        def run() -> None:
            calls.append(name)
            # the first run of a block is slow (the switch); later ones cost `cost`
            slow = len(calls) < 2 or calls[-2] != name
            clock.now += cost[name] * (10 if slow else 1)

        return run

    times = common.interleave(
        {"a": runner("a"), "b": runner("b")},
        blocks=2,
        block_runs=3,
        discard=1,
        warmup=2,
        clock=clock,
    )
    assert "".join(calls) == "aabb" + "aaabbb" * 2
    assert times == {"a": [[2.0, 2.0]] * 2, "b": [[1.0, 1.0]] * 2}
    assert common.round_ratios(times["a"], times["b"]) == [2.0, 2.0]
    calls.clear()
    short = common.interleave(
        {"a": runner("a"), "b": runner("b")},
        blocks=1,
        block_runs=2,
        warmup=0,
        min_block_s=25.0,  # a: 20 + 2 + 2 (+2 to pass 25); b: 10 + 1 * 15
        clock=clock,
    )
    assert short == {"a": [[2.0] * 3], "b": [[1.0] * 15]}
    with pytest.raises(ValueError, match="exceed"):
        common.interleave({"a": runner("a")}, blocks=1, block_runs=1, discard=1)


def test_statistics() -> None:
    assert common.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 10) == pytest.approx(1.4)
    assert common.latency_summary([[3.0, 1.0], [2.0]]) == {
        "median_s": 2.0,
        "p10_s": pytest.approx(1.2),
        "n": 3,
    }
    assert common.geomean([2.0, 8.0]) == pytest.approx(4.0)
    assert common.round_ratios([[4.0, 2.0, 3.0]], [[1.0, 1.0]]) == [3.0]
    with pytest.raises(ValueError):
        common.geomean([1.0, 0.0])
    with pytest.raises(ValueError):
        common.round_ratios([[1.0]], [])


def test_check_close_uses_rtol_and_atol() -> None:
    want = [np.array([1.0, 100.0], np.float32)]
    assert common.check_close([np.array([1.00005, 100.09], np.float32)], want) is None
    bad = common.check_close([np.array([1.0, 100.2], np.float32)], want)
    assert bad is not None and "1 of 2 elements differ" in bad
    assert "shape" in str(common.check_close([np.zeros(3, np.float32)], want))
    assert "outputs" in str(common.check_close([], want))


def test_cpu_info() -> None:
    info = common.cpu_info(CPUINFO)
    assert info["model"] == "AMD EPYC 9R14 96-Core Processor"
    want = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "amx_tile"]
    assert info["isa"] == want
    assert info["cpus"] >= 1
    assert "ISA: sse4_2 avx" in common.describe_machine(info)
    assert common.cpu_info("")["isa"] == []


def row(model: str, threads: int, ratio: float, target: str = "cpu") -> dict[str, Any]:
    engine = {"median_s": 0.01, "p10_s": 0.009, "n": 20, "gflops": 4.0, "run_peak_bytes": 3 << 20}
    return {
        "model": model,
        "threads": threads,
        "target": target,
        "flops": 4e7,
        "compile_s": 12.34,
        "compile_peak_bytes": 1 << 30,
        "strata": engine,
        "ort": {**engine, "median_s": 0.01 / ratio, "p10_s": 0.009 / ratio},
        "ratio": ratio,
    }


def test_table_and_geomeans() -> None:
    rows = [
        row("resnet50", 1, 2.0),
        row("mlp", 1, 0.5),
        row("resnet50", 2, 3.0),
        {"model": "mlp", "threads": 2, "error": "does not match ONNX Runtime: x"},
        row("resnet50", 1, 16.0, "cxx"),
        row("mlp", 1, 4.0, "cxx"),
        row("mlp", 2, 0.8, "odla-dnnl"),
    ]
    assert bench_models.geomeans(rows) == {
        ("cpu", 1): pytest.approx(1.0),
        ("cpu", 2): pytest.approx(3.0),
        ("cxx", 1): pytest.approx(8.0),
        ("odla-dnnl", 2): pytest.approx(0.8),
    }
    lines = bench_models.table(rows).splitlines()
    assert lines[0] == bench_models.HEADER
    assert lines[1].count("---") == lines[0].count("|") - 1
    assert lines[2] == (
        "| ResNet-50 | cpu | 1 | 10.00 | 9.00 | 5.00 | 4.50 | 2.00 | 4.0 | 4.0 | 12.3 | 1024 | 3 "
        "| 3 |"
    )
    assert (
        lines[5] == "| MLP 784-1024-1024-10, batch 32 | cpu | 2 | does not match ONNX Runtime: x |"
    )
    assert lines[6].startswith("| ResNet-50 | cxx | 1 | 10.00 |") and "| 16.00 |" in lines[6]
    geo = lines[9:]
    assert [g.split(" | ")[1:3] for g in geo] == [
        ["cpu", "1"],
        ["cpu", "2"],
        ["cxx", "1"],
        ["odla-dnnl", "2"],
    ]
    assert "| 1.00 |" in geo[0] and "| 3.00 |" in geo[1] and "| 8.00 |" in geo[2]
    assert all(g.count("|") == lines[0].count("|") for g in geo)


def test_every_target_is_a_compile_option() -> None:
    assert set(bench_models.TARGETS) == {"cpu", "odla-dnnl", "odla-ref", "cxx"}
    assert bench_models.TARGETS["cpu"].options == {}
    assert bench_models.TARGETS["odla-dnnl"].options == {"target": "odla", "odla_runtime": "dnnl"}
    assert not bench_models.TARGETS["cxx"].threaded  # timed at 1 thread only


def test_chart_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the benchmarks extra is not installed")
    out = tmp_path / "ratios.png"
    bench_models.chart([row("resnet50", 1, 2.0), row("resnet50", 2, 1.5)], out, "title")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    several = tmp_path / "targets.png"  # cxx's large ratios: a log axis
    bench_models.chart([row("mlp", 1, 1.5), row("mlp", 1, 20.0, "cxx")], several, "title")
    assert several.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_model_builds_from_the_zoo() -> None:
    zoo = common.zoo()
    for name, spec in bench_models.MODELS.items():
        assert callable(getattr(zoo, spec.build)), name
        assert spec.inputs(zoo), name
    assert set(common.names_arg(bench_models.DEFAULT)) == {
        "resnet50",
        "mobilenet_v2",
        "bert_base",
        "gpt2_small",
        "mlp",
    }
