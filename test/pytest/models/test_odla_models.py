"""The backbone models (small configurations) on the odla target with each ODLA runtime
(libodla_ref, libodla_dnnl), against ONNX Runtime at the odla path's tolerances (rtol 1e-3,
atol 1e-4).

The same models and exports as test_models.py (ResNet, MobileNetV2 blocks, BERT, GPT-2);
inputs give the static shapes the ODLA path needs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

import strata
from strata.targets.odla.runtimes import RUNTIMES

sys.path.insert(0, str(Path(__file__).parent))

from test_models import SMALL, export


# CI runs each model once, on the runtimes in turn (STRATA_TEST_FULL=1: every pair)
@pytest.mark.ci_sample(
    ids=[
        "bert_2layer-dnnl",
        "gpt2_2layer-ref",
        "mobilenet_v2_block-dnnl",
        "small_resnet-ref",
        "small_resnet_torchscript-dnnl",
    ]
)
@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
@pytest.mark.parametrize("name", sorted(SMALL))
def test_small_model_on_odla(name: str, runtime: str) -> None:
    data = export(SMALL[name])
    inputs = SMALL[name][1]
    shapes = {k: list(v.shape) for k, v in inputs.items()}
    with strata.compile(data, target="odla", odla_runtime=runtime, input_shapes=shapes) as m:
        got = m.run(inputs)
    want = ort.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, inputs)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-3, atol=1e-4)
