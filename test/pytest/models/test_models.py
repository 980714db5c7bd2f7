"""End to end: models exported from PyTorch / transformers, compiled for the CPU and run,
against ONNX Runtime on the same inputs.

Small models check at rtol 1e-4 / atol 1e-5; the full-size ones (marked `slow`, CI runs them
too) at rtol 1e-3 / atol 1e-4, the bar the issue sets for full-size models.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import strata

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[3] / "examples"))

import zoo
from make_mlp import make_mlp


def check(model_bytes: bytes, inputs: dict[str, np.ndarray], rtol: float, atol: float) -> None:
    compiled = strata.compile(model_bytes, target="cpu")
    got = compiled.run(inputs)
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    want = session.run(None, inputs)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def test_mlp() -> None:
    model = make_mlp()
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 3
    x = np.random.default_rng(1).standard_normal((3, 784)).astype(np.float32)
    check(model.SerializeToString(), {"input": x}, 1e-4, 1e-5)


# name -> (model builder, inputs, opset, dynamo exporter?); see zoo.export on opsets
Case = tuple[Callable[[], object], dict[str, np.ndarray], int, bool]
SMALL: dict[str, Case] = {
    "small_resnet": (zoo.small_resnet, zoo.image(size=32), 17, True),
    "small_resnet_torchscript": (zoo.small_resnet, zoo.image(size=32), 17, False),
    "mobilenet_v2_block": (zoo.mobilenet_block, zoo.image(size=32), 17, True),
    "bert_2layer": (zoo.bert, zoo.tokens(seq=16), 17, True),
    "gpt2_2layer": (zoo.gpt2, zoo.tokens(seq=16), 18, True),
}


def export(case: Case) -> bytes:
    build, inputs, opset, dynamo = case
    data = zoo.export(build, inputs, opset=opset, dynamo=dynamo)  # type: ignore[arg-type]
    if not dynamo:  # the TorchScript exporter writes the opset asked for
        assert onnx.load_from_string(data).opset_import[0].version == opset
    return data


@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_model(name: str) -> None:
    check(export(SMALL[name]), SMALL[name][1], 1e-4, 1e-5)


FULL: dict[str, Case] = {
    "mobilenet_v2": (zoo.MobileNetV2, zoo.image(), 17, False),
    "bert_base": (zoo.bert_base, zoo.tokens(seq=128, vocab=30000), 17, True),
    "gpt2_small": (zoo.gpt2_small, zoo.tokens(seq=128, vocab=50000), 18, True),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FULL))
def test_full_size_model(name: str) -> None:
    check(export(FULL[name]), FULL[name][1], 1e-3, 1e-4)


@pytest.mark.slow
def test_stratac_resnet50_artifacts_load_and_match(tmp_path: Path) -> None:
    """HALO-style AOT: stratac writes NAME.h / NAME.so / NAME.bin; strata.load runs them."""
    inputs = zoo.image()
    data = export((zoo.resnet50, inputs, 17, False))
    model_path = tmp_path / "resnet50.onnx"
    model_path.write_bytes(data)
    out = tmp_path / "out" / "resnet50"
    stratac = Path(sys.executable).parent / "stratac"
    subprocess.run([str(stratac), str(model_path), "-o", str(out), "--target", "cpu"], check=True)
    for suffix in (".h", ".so", ".bin"):
        assert (out.parent / f"resnet50{suffix}").is_file(), suffix
    (got,) = strata.load(out.parent).run(inputs)
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    (want,) = session.run(None, inputs)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
