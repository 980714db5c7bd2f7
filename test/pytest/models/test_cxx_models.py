"""The backbone models on the cxx target (portable C++ loops built with c++ -O3), against
ONNX Runtime at issue 7's tolerances (rtol 1e-3, atol 1e-4).

The small configurations are the ones test_models.py and test_odla_models.py run; the
full-size models (`slow`) are benchmarks/bench_models.py's: on this 2-core machine ResNet-50
takes about 1-2 minutes to build (c++ -O3 on ~200 kernels) and ~9 s per call (scalar loops).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

import strata

sys.path.insert(0, str(Path(__file__).parent))

import zoo
from test_models import FULL, SMALL, Case, export

RTOL, ATOL = 1e-3, 1e-4


def _check(data: bytes, inputs: dict[str, np.ndarray]) -> None:
    shapes = {k: list(v.shape) for k, v in inputs.items()}
    with strata.compile(data, target="cxx", input_shapes=shapes) as m:
        assert m.meta.target == "cxx"
        got = m.run(inputs)
    want = ort.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, inputs)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


@pytest.mark.ci_sample(every=2)  # bert_2layer, mobilenet_v2_block, small_resnet_torchscript
@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_model_on_cxx(name: str) -> None:
    _check(export(SMALL[name]), SMALL[name][1])


FULL_CXX: dict[str, Case] = {
    **FULL,
    "resnet50": (zoo.resnet50, zoo.image(), 17, False),
    "mlp": (zoo.mlp, zoo.features(), 17, False),
}


# CI builds the MLP and MobileNetV2 (about a minute); ResNet-50 (1-2 minutes to build, ~9 s a
# call), BERT-base (97 s, 56 s a call) and GPT-2 small run with STRATA_TEST_FULL=1.
@pytest.mark.slow
@pytest.mark.ci_sample(ids=["mlp", "mobilenet_v2"])
@pytest.mark.parametrize("name", sorted(FULL_CXX))
def test_full_size_model_on_cxx(name: str) -> None:
    _check(export(FULL_CXX[name]), FULL_CXX[name][1])
