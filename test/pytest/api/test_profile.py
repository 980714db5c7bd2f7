"""Profiling builds and `CompiledModel.profile`: structure of the profile, never its speed.

Checks that every timed kernel is listed with its ONNX nodes, that FLOPs and bytes of known
kernels are exact, that times are positive and nest (kernels inside the entry, the entry
inside the caller's wall time), that a profiling build computes what the ordinary build
computes, and the table / HTML / stratac outputs.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto
from onnx import helper as oh
from onnx import numpy_helper as nph

import strata
from strata import StrataError
from strata import profile as profile_mod
from strata.targets.cpu import machine, ukernels
from strata.tools import stratac

# the `default` schedule gives matmuls and convolutions to the micro-kernel library where the
# host has a variant of it, and folds the elementwise op after them into the call
LIBRARY = ukernels.isa_of(machine.describe("native")) is not None

M, K, N, N2 = 4, 64, 128, 10


def _mlp(batch: int | str = M) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    inits = [
        nph.from_array(rng.standard_normal((K, N)).astype(np.float32), "W1"),
        nph.from_array(rng.standard_normal((N,)).astype(np.float32), "b1"),
        nph.from_array(rng.standard_normal((N, N2)).astype(np.float32), "W2"),
    ]
    nodes = [
        oh.make_node("MatMul", ["x", "W1"], ["h"], name="fc1"),
        oh.make_node("Add", ["h", "b1"], ["hb"], name="bias1"),
        oh.make_node("Relu", ["hb"], ["r"], name="relu1"),
        oh.make_node("MatMul", ["r", "W2"], ["y"], name="fc2"),
    ]
    graph = oh.make_graph(
        nodes,
        "mlp",
        [oh.make_tensor_value_info("x", TensorProto.FLOAT, [batch, K])],
        [oh.make_tensor_value_info("y", TensorProto.FLOAT, [batch, N2])],
        inits,
    )
    return oh.make_model(graph, opset_imports=[oh.make_opsetid("", 17)])


def _cnn() -> onnx.ModelProto:
    rng = np.random.default_rng(1)
    inits = [
        nph.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "W"),
        nph.from_array(rng.standard_normal((8,)).astype(np.float32), "B"),
    ]
    nodes = [
        oh.make_node("Conv", ["x", "W", "B"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
        oh.make_node("Relu", ["c"], ["r"], name="relu1"),
        oh.make_node("MaxPool", ["r"], ["p"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        oh.make_node("GlobalAveragePool", ["p"], ["y"], name="gap"),
    ]
    graph = oh.make_graph(
        nodes,
        "cnn",
        [oh.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [oh.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 1, 1])],
        inits,
    )
    return oh.make_model(graph, opset_imports=[oh.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("profile-cache")


@pytest.fixture(scope="module")
def mlp(cache: Path) -> strata.CompiledModel:
    return strata.compile(_mlp(), num_threads=1, cache_dir=cache, profile=True)


def _x(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((M, K)).astype(np.float32)


def _by_nodes(units: list[dict], nodes: list[str]) -> list[dict]:
    return [u for u in units if u["nodes"] == nodes]


def test_kernel_table_counts_exact_flops_and_bytes(mlp: strata.CompiledModel) -> None:
    assert mlp.profiling
    table = mlp.meta.extra["profile"]
    units = table["units"]
    assert [u["id"] for u in units] == list(range(len(units)))
    assert table["slots"] == len(units) + 1
    assert all(u["nodes"] for u in units), units
    # the matmuls: 2*M*K*N and 2*M*N*N2 flops (their fills count none), scheduled
    assert sum(u["flops"] for u in _by_nodes(units, ["fc2"])) == 2 * M * N * N2
    if LIBRARY:
        # fc1's bias add and ReLU are folded into its library call: one add and one max per
        # element more, and the bias read
        (mm,) = [u for u in units if "fc1" in u["nodes"] and u["flops"]]
        assert set(mm["nodes"]) == {"fc1", "bias1", "relu1"}
        assert set(mm["ops"]) == {"mat_mul", "add", "relu"}
        assert mm["flops"] == 2 * M * K * N + 2 * M * N and "matmul" in mm["schedule"]
        # out, x, W1 and b1 touched once each (f32)
        assert mm["bytes"] == 4 * (M * N + M * K + K * N + N)
        assert not [u for u in units if "relu1" in u["nodes"] and u is not mm]
        return
    fc1 = _by_nodes(units, ["fc1"])
    assert sum(u["flops"] for u in fc1) == 2 * M * K * N
    (mm,) = [u for u in fc1 if u["flops"]]
    assert "matmul" in mm["schedule"] and mm["ops"] == ["mat_mul"]
    # out, x and W1 touched once each (f32)
    assert mm["bytes"] == 4 * (M * N + M * K + K * N)
    # the bias add fused into the relu: one add and one max per element
    (fused,) = [u for u in units if set(u["nodes"]) == {"bias1", "relu1"}]
    assert fused["flops"] == 2 * M * N and fused["schedule"] is None
    assert set(fused["ops"]) == {"add", "relu"}


def test_profile_structure(mlp: strata.CompiledModel) -> None:
    x = _x()
    prof = mlp.profile({"x": x}, repeats=1, warmup=1)
    units = mlp.meta.extra["profile"]["units"]
    assert sorted(k.id for k in prof.kernels) == [u["id"] for u in units]
    assert all(k.seconds > 0 and k.calls == 1 for k in prof.kernels)
    times = [k.seconds for k in prof.kernels]
    assert times == sorted(times, reverse=True)
    # one run: the kernels' timers nest inside the entry's, the entry inside the caller's
    assert prof.kernel_seconds <= prof.total_seconds <= prof.wall_seconds
    assert sum(k.share for k in prof.kernels) <= 1.0
    assert prof.flops == 2 * M * K * N + 2 * M * N * N2 + 2 * M * N
    assert prof.peak.gflops > 0 and prof.peak.gbps > 0
    mm = next(k for k in prof.kernels if "fc1" in k.nodes and k.flops)
    assert mm.gflops is not None and mm.gflops > 0 and mm.pct_peak is not None
    text = prof.table()
    for word in ("fc1", "fc2", "bias1", "relu1", "GFLOP/s", "%peak", "schedule: default matmul"):
        assert word in text


def test_profiling_build_computes_the_same(mlp: strata.CompiledModel, cache: Path) -> None:
    plain = strata.compile(_mlp(), num_threads=1, cache_dir=cache)
    assert not plain.profiling and plain.directory != mlp.directory
    x = _x(3)
    np.testing.assert_array_equal(plain.run([x])[0], mlp.run([x])[0])


def test_profile_of_an_ordinary_build_compiles_the_variant(cache: Path) -> None:
    plain = strata.compile(_cnn(), num_threads=1, cache_dir=cache)
    prof = plain.profile(repeats=2)  # random inputs
    assert {n for k in prof.kernels for n in k.nodes} == {"conv1", "relu1", "pool1", "gap"}
    conv = [k for k in prof.kernels if "conv1" in k.nodes]
    # 8 output channels x 16 x 16 pixels x 27 taps, a multiply and an add each (and, when the
    # library's call applies the ReLU, one max per output element)
    relu = 8 * 16 * 16 if LIBRARY else 0
    assert sum(k.flops or 0 for k in conv) == 2 * 8 * 16 * 16 * 27 + relu
    assert any(k.schedule and "conv_im2col" in k.schedule for k in conv)


def test_loaded_plain_artifacts_cannot_profile(cache: Path, tmp_path: Path) -> None:
    plain = strata.compile(_mlp(), num_threads=1, cache_dir=cache)
    loaded = strata.load(plain.save(tmp_path / "plain"))
    with pytest.raises(StrataError, match=r"profile=True"):
        loaded.profile()


def test_dynamic_dims(cache: Path) -> None:
    model = strata.compile(_mlp("batch"), num_threads=1, cache_dir=cache, profile=True)
    with pytest.raises(StrataError, match="dynamic dims"):
        model.profile()
    prof = model.profile([_x()], repeats=2)
    units = model.meta.extra["profile"]["units"]
    assert len(prof.kernels) == len(units)
    # trip counts depend on the batch: unknown FLOPs, shown as such
    assert any(k.flops is None for k in prof.kernels)
    assert prof.flops is None and "?" in prof.table()


def test_html_report(mlp: strata.CompiledModel, tmp_path: Path) -> None:
    prof = mlp.profile([_x()], repeats=2)
    out = prof.to_html(tmp_path / "p.html")
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>")
    svg = text[text.index("<svg") : text.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)  # well-formed
    circles = root.findall("{http://www.w3.org/2000/svg}circle")
    assert len(circles) == sum(1 for k in prof.kernels if k.intensity and k.gflops)
    titles = [c.findtext("{http://www.w3.org/2000/svg}title", "") for c in circles]
    assert any("fc1" in t and "matmul" in t for t in titles)
    for k in prof.kernels:
        assert k.name in text
    data = prof.to_dict()
    assert json.loads(json.dumps(data))["kernels"][0]["name"] == prof.kernels[0].name


def test_random_inputs_follow_the_signature(mlp: strata.CompiledModel) -> None:
    (x,) = profile_mod.random_inputs(mlp.inputs)
    assert x.shape == (M, K) and x.dtype == np.float32


def test_stratac_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "mlp.onnx"
    onnx.save(_mlp(), src)
    npz = tmp_path / "in.npz"
    np.savez(npz, x=_x())
    out = tmp_path / "out" / "net"
    argv = [str(src), "-o", str(out), "--profile", "--profile-repeats", "2"]
    assert stratac.main([*argv, "--profile-inputs", str(npz)]) == 0
    text = capsys.readouterr().out
    assert "profile of 'net'" in text and "fc1" in text
    assert (tmp_path / "out" / "net.profile.html").is_file()
    assert "profile" in json.loads((tmp_path / "out" / "net.json").read_text())["extra"]
    assert stratac.main([*argv, "--emit", "llvm"]) == 1
    assert "--emit so" in capsys.readouterr().err
