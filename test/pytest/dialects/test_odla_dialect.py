"""Tests of the `odla` dialect declarations (dialects/odla.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mlir import ir
from mlir.dialects import func

from strata.context import make_context
from strata.dialects import generate, odla
from strata.dialects.opdef import OpVerifyError, TensorSpec

ROOT = Path(__file__).resolve().parents[3]


def test_generated_odla_files_are_listed_and_fresh() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in generate.outputs(ROOT)}
    assert {"dialects/odla.irdl.mlir", "docs/dialects/odla.md"} <= files
    cmd = [sys.executable, "-m", "strata.dialects.generate", "--check", "--root", str(ROOT)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr


def test_call_names_follow_odla() -> None:
    assert odla.call_name("odla.batch_normalization") == "odla_BatchNormalization"
    assert odla.call_name("odla.batch_mat_mul") == "odla_BatchMatMul"
    assert odla.call_name("odla.max_pool") == "odla_MaxPool"
    assert odla.call_name("odla.gemm") == "odla_Gemm"


def test_builders_infer_result_types() -> None:
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.create()
        f32 = ir.F32Type.get()
        x_t = ir.RankedTensorType.get([1, 3, 8, 8], f32)
        w_t = ir.RankedTensorType.get([4, 3, 3, 3], f32)
        with ir.InsertionPoint(module.body):

            @func.FuncOp.from_py_func(x_t, w_t)
            def f(x: ir.Value, w: ir.Value) -> ir.Value:
                conv = odla.build.conv(
                    x, w, strides=[2, 2], dilations=[1, 1], paddings_front=[1, 1],
                    paddings_back=[0, 0],
                )  # fmt: skip
                pooled = odla.build.average_pool(
                    conv, window_dims=[2, 2], strides=[2, 2], paddings_front=[0, 0],
                    paddings_back=[0, 0],
                )  # fmt: skip
                return odla.build.relu(pooled)

        assert module.operation.verify()
        text = str(module)
        assert "tensor<1x4x4x4xf32>" in text and "tensor<1x4x2x2xf32>" in text


def test_rules_reject_bad_attributes() -> None:
    x = TensorSpec.of([2, 6], np.float32)
    rule = odla.DIALECT.op("slice").rule
    assert rule([x], {"start": [0, 5], "end": [2, -1], "stride": [1, -2]})[0].shape == (2, 3)
    with pytest.raises(OpVerifyError, match="not within the dim's size 6"):
        rule([x], {"start": [0, 0], "end": [2, 7], "stride": [1, 1]})
