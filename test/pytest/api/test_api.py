"""The public Python API: compile / run / save / load, input validation, cache, isolation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import strata
from strata import CompilationError, InputMismatchError, ModelLoadError, StrataError

ROOT = Path(__file__).resolve().parents[3]
MLP = ROOT / "test" / "targets" / "cpu" / "Inputs" / "mlp.mlir"
EXAMPLE = ROOT / "examples" / "mlp.onnx"
W = np.array([[1, 0, -1], [2, 1, 0], [0, 1, 1], [-1, 0, 2]], np.float32)
B = np.array([0.5, -1, 0], np.float32)


def reference(x: np.ndarray) -> np.ndarray:
    return np.maximum(x @ W + B, 0)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api-cache")


@pytest.fixture(scope="module")
def model(cache: Path) -> strata.CompiledModel:
    return strata.compile(MLP, cache_dir=cache)


def x_input(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((2, 4)).astype(np.float32)


def test_run_dict_and_list(model: strata.CompiledModel) -> None:
    x = x_input()
    (y,) = model.run({"input:0": x})
    np.testing.assert_allclose(y, reference(x), rtol=1e-5, atol=1e-6)
    (y2,) = model.run([x])
    np.testing.assert_array_equal(y, y2)
    assert [i.name for i in model.inputs] == ["input:0"]
    assert [(o.name, o.shape, o.dtype) for o in model.outputs] == [("y", (2, 3), np.float32)]


def test_run_non_contiguous_input_is_copied(model: strata.CompiledModel) -> None:
    big = np.asfortranarray(x_input(3))
    assert not big.flags.c_contiguous
    np.testing.assert_allclose(model.run([big])[0], reference(big), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("inputs", "pattern"),
    [
        ({}, r"missing input\(s\) 'input:0' float32\[2, 4\]"),
        ({"input:0": np.zeros((2, 4), np.float32), "z": 1}, r"unknown input name\(s\) 'z'"),
        (
            {"input:0": np.zeros((3, 4), np.float32)},
            r"input 'input:0': expected shape \[2, 4\], got \[3, 4\]",
        ),
        (
            {"input:0": np.zeros((2, 4), np.float64)},
            r"input 'input:0': expected dtype float32, got float64",
        ),
        ([], r"expected 1 input\(s\) \('input:0' float32\[2, 4\]\), got 0"),
        ([np.zeros((2, 4), np.float32)] * 2, r"expected 1 input\(s\)"),
        ("x", r"inputs must be a dict name -> array or a list of arrays, got str"),
    ],
)
def test_run_validation(model: strata.CompiledModel, inputs: object, pattern: str) -> None:
    with pytest.raises(InputMismatchError, match=pattern):
        model.run(inputs)


def test_save_load_round_trip(model: strata.CompiledModel, tmp_path: Path) -> None:
    saved = model.save(tmp_path / "saved")
    assert sorted(p.name for p in saved.iterdir()) == [
        "model.bin", "model.h", "model.json", "model.so"
    ]  # fmt: skip
    x = x_input(1)
    with strata.load(saved) as loaded:
        np.testing.assert_array_equal(loaded.run([x])[0], model.run([x])[0])
        assert loaded.inputs == model.inputs
    with pytest.raises(StrataError, match="closed"):
        loaded.run([x])


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="neither a directory of Strata artifacts"):
        strata.load(tmp_path / "nothing")
    with pytest.raises(ModelLoadError, match="exactly one"):
        strata.load(tmp_path)


def test_load_refuses_foreign_weights(model: strata.CompiledModel, tmp_path: Path) -> None:
    saved = model.save(tmp_path / "s")
    data = bytearray((saved / "model.bin").read_bytes())
    data[30] ^= 0xFF  # inside the model id
    (saved / "model.bin").write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="belongs to another model"):
        strata.load(saved)


def test_cache_hit(model: strata.CompiledModel, cache: Path) -> None:
    again = strata.compile(MLP, cache_dir=cache)
    assert again.directory == model.directory
    other = strata.compile(MLP, cache_dir=cache, entry_func_name="main")
    assert other.directory != model.directory and other.name == "main"
    entries = [p for p in cache.glob("*/*") if not p.name.startswith(".tmp")]
    assert len(entries) == 2 and not list(cache.glob("*/.tmp*"))


@pytest.mark.parametrize("fault", ["mlir-abort", "abort"])
def test_worker_abort_is_a_compilation_error(
    fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATA_WORKER_FAULT", fault)
    with pytest.raises(CompilationError, match=r"compiler process aborted \(signal 6 SIGABRT\)"):
        strata.compile(MLP, cache_dir=tmp_path)
    assert not [p for p in tmp_path.glob("*/*")]  # nothing half-written is left in the cache


@pytest.mark.parametrize("fault", ["mlir-abort", "abort"])
def test_compile_server_survives_an_aborting_compile(
    fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compile server forks one child per request: an abort ends that child only, the
    server reports the signal and goes on serving."""
    from strata import worker

    monkeypatch.setenv("STRATA_WORKER_FAULT", fault)  # inherited by the server's children
    server = worker._Server()
    try:
        request = tmp_path / "request.json"
        request.write_text("{}")
        assert server.run(request, tmp_path / "err.txt")[0] == -6
        assert server.alive()
        assert server.run(request, tmp_path / "err2.txt")[0] == -6
    finally:
        server.close()


def test_compiles_share_one_server(tmp_path: Path) -> None:
    from strata import worker

    strata.compile(MLP, cache_dir=tmp_path / "a")
    first = worker._SERVER
    strata.compile(MLP, cache_dir=tmp_path / "b")
    assert first is not None and worker._SERVER is first and first.alive()


def test_emit_data_as_c(tmp_path: Path) -> None:
    m = strata.compile(MLP, cache_dir=tmp_path, emit_data_as_c=True)
    names = {p.name for p in m.directory.iterdir()}
    assert "model_data.c" in names and "model.bin" not in names
    x = x_input(2)
    np.testing.assert_allclose(m.run([x])[0], reference(x), rtol=1e-5, atol=1e-6)


def test_save_temps(tmp_path: Path) -> None:
    strata.compile(MLP, cache_dir=tmp_path / "c", save_temps=tmp_path / "t")
    names = {p.name for p in (tmp_path / "t").iterdir()}
    assert {"model.nn.mlir", "model.linalg.mlir", "model.llvm.mlir", "model.ll"} <= names
    assert "llvm.func @model__strata_kernel" in (tmp_path / "t" / "model.llvm.mlir").read_text()


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(StrataError, match=r"unknown target 'cuda'.*available targets: cpu"):
        strata.compile(MLP, target="cuda")
    with pytest.raises(StrataError, match="unknown compile option"):
        strata.compile(MLP, fast_math=True)
    with pytest.raises(ModelLoadError, match="does not exist"):
        strata.compile(tmp_path / "missing.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"this is not a protobuf")
    with pytest.raises(ModelLoadError, match=r"bad\.onnx' is not a valid ONNX model"):
        strata.compile(bad, cache_dir=tmp_path / "c")
    truncated = EXAMPLE.read_bytes()[:2000]
    with pytest.raises(ModelLoadError, match="'<model bytes>' is not a valid ONNX model"):
        strata.compile(truncated, cache_dir=tmp_path / "c")


def test_load_accepts_stratac_prefix_and_json(tmp_path: Path) -> None:
    """strata.load takes the artifact directory, stratac's OUT/NAME prefix, or NAME.json."""
    out = tmp_path / "out" / "mlp"
    stratac = Path(sys.executable).parent / "stratac"
    subprocess.run(
        [str(stratac), str(EXAMPLE), "-o", str(out), "--input-shape", "input:2x784"], check=True
    )
    x = np.random.default_rng(0).standard_normal((2, 784)).astype(np.float32)
    results = [strata.load(p).run([x])[0] for p in (out.parent, out, out.parent / "mlp.json")]
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])
    with pytest.raises(strata.ModelLoadError, match="OUT/NAME prefix"):
        strata.load(tmp_path / "out" / "nothing")


def test_mcpu_is_an_option_and_part_of_the_cache_key(tmp_path: Path) -> None:
    """Code compiled for another CPU (AVX2 here, which every machine of the project runs) is
    a cache entry of its own; a CPU name LLVM does not know is refused before compiling."""
    cache = tmp_path / "cache"
    host = strata.compile(MLP, cache_dir=cache)
    avx2 = strata.compile(MLP, cache_dir=cache, mcpu="haswell")
    assert avx2.directory != host.directory
    assert strata.compile(MLP, cache_dir=cache, mcpu="haswell").directory == avx2.directory
    assert strata.compile(MLP, cache_dir=cache, mcpu="native").directory == host.directory
    x = x_input(2)
    np.testing.assert_allclose(avx2.run([x])[0], reference(x), rtol=1e-5, atol=1e-6)
    with pytest.raises(StrataError, match="unknown CPU 'pentium9000' for mcpu"):
        strata.compile(MLP, cache_dir=cache, mcpu="pentium9000")


def test_stratac_mcpu(tmp_path: Path) -> None:
    stratac = Path(sys.executable).parent / "stratac"
    out = tmp_path / "out" / "mlp"
    args = [str(stratac), str(EXAMPLE), "-o", str(out), "--input-shape", "input:2x784"]
    subprocess.run([*args, "--mcpu", "haswell"], check=True)
    x = np.random.default_rng(0).standard_normal((2, 784)).astype(np.float32)
    assert strata.load(out).run([x])[0].shape == (2, 10)
    bad = subprocess.run([*args, "--mcpu", "pentium9000"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "stratac: error: unknown CPU 'pentium9000'" in bad.stderr
    helptext = subprocess.run([str(stratac), "--help"], capture_output=True, text=True).stdout
    assert "--mcpu CPU" in helptext
    assert "--schedule {default,tuned,tiled,none}" in helptext


def test_schedule_is_an_option_and_part_of_the_cache_key(tmp_path: Path) -> None:
    """`schedule` picks how contractions run: the micro-kernel library (`default`), generated
    register tiles (`tiled`) or plain loops (`none`); all three compute the same model, each is
    a cache entry of its own, and an unknown name lists the known ones."""
    cache = tmp_path / "cache"
    x = x_input(3)
    dirs = set()
    for name in ("default", "tiled", "none"):
        model = strata.compile(MLP, cache_dir=cache, schedule=name)
        np.testing.assert_allclose(model.run([x])[0], reference(x), rtol=1e-5, atol=1e-5)
        dirs.add(model.directory)
    assert len(dirs) == 3
    assert (
        strata.compile(MLP, cache_dir=cache).directory
        == strata.compile(MLP, cache_dir=cache, schedule="default").directory
    )
    with pytest.raises(StrataError, match="unknown CPU schedule 'fastest'; known schedules: "):
        strata.compile(MLP, cache_dir=cache, schedule="fastest")


def test_stratac_schedule_names_are_the_schedules() -> None:
    from strata.targets.cpu import schedules
    from strata.tools import stratac

    assert sorted(stratac.SCHEDULE_NAMES) == sorted(schedules.SCHEDULES)
