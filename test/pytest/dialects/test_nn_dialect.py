"""Tests of the `nn` dialect declarations (dialects/nn.py and its rule modules).

Generated files are fresh; the checked-in IRDL loads into the real `mlir-opt`; every op builds;
inferred shapes match ONNX Runtime; every verifier rule rejects bad input with its message.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import mlir.ir
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from mlir import ir
from mlir.dialects import func
from onnx import helper

from strata import dtypes
from strata.context import make_context
from strata.dialects import generate
from strata.dialects.nn import DIALECT
from strata.dialects.opdef import (
    REQUIRED,
    OpVerifyError,
    TensorSpec,
    spec_of_type,
    type_of_spec,
    verify_op,
)

ROOT = Path(__file__).resolve().parents[3]
MLIR_OPT = Path(mlir.ir.__file__).parent / "bin" / "mlir-opt"
F32, I64, BOOL = np.dtype("float32"), np.dtype("int64"), np.dtype("bool")
BF16 = dtypes.numpy_dtype("bfloat16")
FLOAT_MATH = ["cos", "sin", "tan", "acos", "asin", "atan", "cosh", "sinh", "acosh", "asinh",
              "atanh", "ceil", "floor", "round", "softplus", "softsign", "hard_swish", "mish"]  # fmt: skip


STR = np.dtype(object)  # string tensors (strata.dtypes.STRING)


def T(*shape: int | None, dtype: Any = F32) -> TensorSpec:
    return TensorSpec.of(shape, dtype)


def infer(name: str, specs: list[TensorSpec | None], attrs: dict[str, Any]) -> list[TensorSpec]:
    op = DIALECT.op(name)
    return op.infer(specs, op.complete_attrs(attrs))


# ---- generated files ------------------------------------------------------------------------


def _generate(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "strata.dialects.generate", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def test_generated_files_are_fresh() -> None:
    r = _generate("--check", "--root", str(ROOT))
    assert r.returncode == 0, r.stderr


def test_generate_check_detects_stale_files(tmp_path: Path) -> None:
    for rel in generate.outputs(ROOT):
        dst = tmp_path / rel.relative_to(ROOT)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(rel, dst)
    assert _generate("--check", "--root", str(tmp_path)).returncode == 0
    irdl = tmp_path / "dialects" / "nn.irdl.mlir"
    irdl.write_text(irdl.read_text().replace("@conv ", "@conv_old ", 1))
    stale = _generate("--check", "--root", str(tmp_path))
    assert stale.returncode == 1 and "nn.irdl.mlir" in stale.stderr
    assert _generate("--root", str(tmp_path)).returncode == 0
    assert _generate("--check", "--root", str(tmp_path)).returncode == 0


MLIR_SAMPLE = """
func.func @f(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %c: tensor<4x8x8xi1>)
    -> tensor<1x4x4x4xf32> {
  %0 = "nn.conv"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = "nn.relu"(%0) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = "nn.where"(%c, %1, %0)
      : (tensor<4x8x8xi1>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %3:2 = "nn.split"(%2) {axis = 1 : i64, split = array<i64: 2, 2>}
      : (tensor<1x4x8x8xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>)
  %4 = "nn.concat"(%3#1, %3#0) {axis = 1 : i64}
      : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x4x8x8xf32>
  %5 = "nn.max_pool"(%4) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = 0 : i64}
      : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %6 = "nn.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %7 = "nn.pow"(%5, %6) : (tensor<1x4x4x4xf32>, tensor<f32>) -> tensor<1x4x4x4xf32>
  %8 = "nn.cast"(%7) {round_mode = "up", saturate = 1 : i64, to = i64} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xi64>
  %9 = "nn.resize"(%7) {sizes = array<i64: 1, 4, 4, 4>, scales = array<f32>,
      mode = "linear", coordinate_transformation_mode = "half_pixel",
      nearest_mode = "round_prefer_floor", cubic_coeff_a = -7.5e-01 : f32,
      exclude_outside = 0 : i64, extrapolation_value = 0.0 : f32, antialias = 0 : i64,
      roi = array<f32>}
      : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %9 : tensor<1x4x4x4xf32>
}
"""


def test_mlir_opt_accepts_checked_in_irdl(tmp_path: Path) -> None:
    src = tmp_path / "sample.mlir"
    src.write_text(MLIR_SAMPLE)
    irdl = ROOT / "dialects" / "nn.irdl.mlir"
    r = subprocess.run(
        [str(MLIR_OPT), f"--irdl-file={irdl}", str(src)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert '"nn.split"' in r.stdout and '"nn.resize"' in r.stdout
    # IRDL itself rejects a missing attribute
    src.write_text(MLIR_SAMPLE.replace("group = 1 : i64", "groupx = 1 : i64"))
    bad = subprocess.run(
        [str(MLIR_OPT), f"--irdl-file={irdl}", str(src)], capture_output=True, text=True
    )
    assert bad.returncode != 0 and "group" in bad.stderr


def test_parsed_sample_passes_verify_op() -> None:
    ctx = make_context()
    with ctx:
        module = ir.Module.parse(MLIR_SAMPLE)
        seen = 0
        for op in module.body.operations[0].regions[0].blocks[0].operations:
            if op.operation.name.startswith("nn."):
                verify_op(op.operation, DIALECT.op(op.operation.name))
                seen += 1
        assert seen == 10
    del module, ctx


# ---- declarations ---------------------------------------------------------------------------


def test_every_op_documented_and_unique() -> None:
    names = [o.name for o in DIALECT.ops]
    assert len(names) == len(set(names))
    assert len(names) >= 55
    for o in DIALECT.ops:
        assert o.summary.strip(), o.name
        assert o.category != "misc", o.name
        assert o.onnx, o.name
        for a in o.attrs:
            assert a.doc.strip() or a.default is not REQUIRED, (o.name, a.name)


REQUIRED_OPS = [
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "sqrt",
    "erf",
    "tanh",
    "sigmoid",
    "relu",
    "clip",
    "hard_sigmoid",
    "conv",
    "conv_transpose",
    "gemm",
    "mat_mul",
    "max_pool",
    "average_pool",
    "global_average_pool",
    "batch_normalization",
    "layer_normalization",
    "softmax",
    "reduce_mean",
    "reshape",
    "transpose",
    "flatten",
    "squeeze",
    "unsqueeze",
    "concat",
    "split",
    "slice",
    "gather",
    "expand",
    "where",
    "equal",
    "less",
    "greater",
    "less_or_equal",
    "greater_or_equal",
    "and",
    "not",
    "cast",
    "constant",
    "constant_of_shape",
    "shape",
    "identity",
    "pad",
    "resize",
]


def test_issue_op_list_is_declared() -> None:
    for name in REQUIRED_OPS:
        assert DIALECT.op(name).name == name


# ---- every op builds ------------------------------------------------------------------------

WIN2 = {"strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]}
QKV_PAST = [T(2, 2, 2, 8), T(2, 2, 2, 4), None]  # attention's past_key, past_value, nonpad
SAMPLES: dict[str, tuple[list[Any], dict[str, Any], list[tuple[int, ...]]]] = {
    # name: (operand specs; None = absent optional, list = variadic), attrs, result shapes
    "add": ([T(2, 3), T(3)], {}, [(2, 3)]),
    "sub": ([T(2, 1), T(1, 3)], {}, [(2, 3)]),
    "mul": ([T(2, 3), T()], {}, [(2, 3)]),
    "div": ([T(4), T(4)], {}, [(4,)]),
    "pow": ([T(2, 3), T(dtype=np.int64)], {}, [(2, 3)]),
    "max": ([T(2, 3), T(2, 3)], {}, [(2, 3)]),
    "min": ([T(2, 3), T(2, 3)], {}, [(2, 3)]),
    "sqrt": ([T(5)], {}, [(5,)]),
    "erf": ([T(5)], {}, [(5,)]),
    "exp": ([T(5)], {}, [(5,)]),
    "log": ([T(5)], {}, [(5,)]),
    "reciprocal": ([T(5)], {}, [(5,)]),
    "neg": ([T(5, dtype=np.int64)], {}, [(5,)]),
    "abs": ([T(5)], {}, [(5,)]),
    "relu": ([T(5)], {}, [(5,)]),
    "tanh": ([T(5)], {}, [(5,)]),
    "sigmoid": ([T(5)], {}, [(5,)]),
    "clip": ([T(5), None, T()], {}, [(5,)]),
    "hard_sigmoid": ([T(5)], {}, [(5,)]),
    "leaky_relu": ([T(5)], {"alpha": 0.1}, [(5,)]),
    "gelu": ([T(5)], {"approximate": "tanh"}, [(5,)]),
    "softmax": ([T(2, 5)], {"axis": 1}, [(2, 5)]),
    "log_softmax": ([T(2, 5)], {}, [(2, 5)]),
    "gemm": ([T(3, 4), T(5, 4), T(5)], {"transB": 1}, [(3, 5)]),
    "mat_mul": ([T(2, 1, 3, 4), T(5, 4, 6)], {}, [(2, 5, 3, 6)]),
    "conv": (
        [T(1, 4, 7, 7), T(4, 1, 3, 3), T(4)],
        {"strides": [2, 2], "pads": [1, 1, 1, 1], "dilations": [1, 1], "group": 4},
        [(1, 4, 4, 4)],
    ),
    "conv_transpose": (
        [T(1, 4, 5, 5), T(4, 2, 3, 3), None],
        {"strides": [2, 2], "pads": [1, 1, 1, 1], "dilations": [1, 1], "output_padding": [1, 1]},
        [(1, 2, 10, 10)],
    ),
    "max_pool": (
        [T(1, 2, 7, 7)],
        {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "dilations": [1, 1]},
        [(1, 2, 4, 4)],
    ),
    "average_pool": (
        [T(1, 2, 7, 7)],
        {
            "kernel_shape": [2, 2],
            "strides": [2, 2],
            "pads": [0, 0, 0, 0],
            "dilations": [1, 1],
            "ceil_mode": 1,
        },
        [(1, 2, 4, 4)],
    ),
    "global_average_pool": ([T(1, 2, 7, 7)], {}, [(1, 2, 1, 1)]),
    "batch_normalization": ([T(2, 3, 4), T(3), T(3), T(3), T(3)], {}, [(2, 3, 4)]),
    "layer_normalization": (
        [T(2, 3, 4), T(4), None],
        {"axis": 1},
        [(2, 3, 4), (2, 1, 1), (2, 1, 1)],
    ),
    "rms_normalization": ([T(2, None, 4), T(4)], {}, [(2, None, 4)]),
    "max_pool_with_indices": (
        [T(1, 2, 7, 7)],
        {**WIN2, "kernel_shape": [3, 3], "strides": [2, 2], "storage_order": 1},
        [(1, 2, 3, 3), (1, 2, 3, 3)],
    ),
    "lp_pool": ([T(1, 2, None, 6)], {**WIN2, "kernel_shape": [2, 2], "p": 3}, [(1, 2, None, 5)]),
    "max_unpool": (
        [T(1, 2, 2, 2), T(1, 2, 2, 2, dtype=np.int64)],
        {
            "kernel_shape": [2, 2],
            "strides": [2, 2],
            "pads": [0, 0, 0, 0],
            "output_shape": [1, 2, 5, 5],
        },
        [(1, 2, 5, 5)],
    ),
    "dynamic_max_unpool": (
        [T(1, 2, 2, 2), T(1, 2, 2, 2, dtype=np.int64), T(4, dtype=np.int64)],
        {"kernel_shape": [2, 2], "strides": [2, 2], "pads": [0, 0, 0, 0]},
        [(1, 2, None, None)],
    ),
    "col2im": (
        [T(1, 9, 4)],
        {**WIN2, "strides": [2, 2], "image_shape": [5, 5], "block_shape": [3, 3]},
        [(1, 1, 5, 5)],
    ),
    "dynamic_col2im": (
        [T(1, 9, 4), T(2, dtype=np.int64), T(2, dtype=np.int64)],
        WIN2,
        [(1, None, None, None)],
    ),
    "grid_sample": ([T(1, 3, 4, 4), T(1, 6, 5, 2)], {"mode": "cubic"}, [(1, 3, 6, 5)]),
    "roi_align": (
        [T(1, 3, 8, 8), T(5, 4), T(5, dtype=np.int64)],
        {"output_height": 2, "output_width": 3},
        [(5, 3, 2, 3)],
    ),
    "affine_grid": ([T(2, 3, 4)], {"size": [2, 1, 4, 5, 6]}, [(2, 4, 5, 6, 3)]),
    "dynamic_affine_grid": ([T(2, 2, 3), T(4, dtype=np.int64)], {}, [(2, None, None, 2)]),
    "deform_conv": (
        [T(1, 4, 5, 5), T(6, 2, 3, 3), T(1, 36, 3, 3), T(6), T(1, 18, 3, 3)],
        {**WIN2, "kernel_shape": [3, 3], "group": 2, "offset_group": 2},
        [(1, 6, 3, 3)],
    ),
    "linear_attention": (
        [
            T(2, None, 16),
            T(2, None, 8),
            T(2, None, 12),
            T(2, 2, 4, 6),
            T(2, None, 2),
            T(2, None, 1),
        ],
        {"q_num_heads": 4, "kv_num_heads": 2},
        [(2, None, 24), (2, 2, 4, 6)],
    ),
    "attention": (
        [*(T(2, 6, 3, 8), T(2, 2, 5, 8), T(2, 2, 5, 4), T(3, 7, dtype=bool)), *QKV_PAST],
        {"scale": 0.5, "softmax_precision": 1},
        [(2, 6, 3, 4), (2, 2, 7, 8), (2, 2, 7, 4), (2, 6, 3, 7)],
    ),
    "reduce_mean": ([T(2, 3, 4)], {"axes": [-1]}, [(2, 3, 1)]),
    "reduce_sum": ([T(2, 3, 4)], {"axes": [0, 2], "keepdims": 0}, [(3,)]),
    "reduce_max": ([T(2, 3, 4)], {}, [(1, 1, 1)]),
    "reduce_min": ([T(2, 3, dtype=bool)], {"axes": [1]}, [(2, 1)]),
    "reduce_prod": ([T(2, 3, dtype=np.int32)], {"axes": [0], "keepdims": 0}, [(3,)]),
    "reduce_l1": ([T(2, 3, 4)], {"axes": [1, 2]}, [(2, 1, 1)]),
    "reduce_l2": ([T(2, 3)], {"axes": [], "noop_with_empty_axes": 1}, [(2, 3)]),
    "reduce_log_sum": ([T(2, 0, 4)], {"axes": [1]}, [(2, 1, 4)]),
    "reduce_log_sum_exp": ([T(2, 3)], {"keepdims": 0}, [()]),
    "reduce_sum_square": ([T(2, 3)], {"axes": [-1]}, [(2, 1)]),
    # axes computed at run time: the reduced dims are dynamic (rank from the axes' length)
    "dynamic_reduce_max": ([T(2, 1, 4), T(1, dtype=np.int64)], {}, [(None, 1, None)]),
    "dynamic_reduce_min": ([T(2, 3), T(1, dtype=np.int64)], {"keepdims": 0}, [(None,)]),
    "dynamic_reduce_sum": ([T(2, 3), T(0, dtype=np.int64)], {"keepdims": 0}, [()]),
    "dynamic_reduce_mean": ([T(2, 3, 4), T(2, dtype=np.int64)], {"keepdims": 0}, [(None,)]),
    "dynamic_reduce_prod": ([T(2, 3), T(1, dtype=np.int64)], {}, [(None, None)]),
    "dynamic_reduce_l1": ([T(2, 3), T(None, dtype=np.int64)], {}, [(None, None)]),
    "dynamic_reduce_l2": ([T(2, 3), T(1, dtype=np.int64)], {}, [(None, None)]),
    "dynamic_reduce_log_sum": ([T(2, 3), T(1, dtype=np.int64)], {}, [(None, None)]),
    "dynamic_reduce_log_sum_exp": ([T(2, 3), T(1, dtype=np.int64)], {}, [(None, None)]),
    "dynamic_reduce_sum_square": (
        [T(2, 3), T(0, dtype=np.int64)],
        {"keepdims": 0, "noop_with_empty_axes": 1},
        [(2, 3)],
    ),
    "arg_max": ([T(2, 3, 4)], {"axis": 1}, [(2, 1, 4)]),
    "arg_min": ([T(2, 3, 4, dtype=np.int32)], {"axis": -1, "keepdims": 0}, [(2, 3)]),
    "hardmax": ([T(2, 3)], {"axis": 0}, [(2, 3)]),
    "lp_normalization": ([T(2, 3)], {"p": 1}, [(2, 3)]),
    "det": ([T(3, 2, 2)], {}, [(3,)]),
    "einsum": ([T(5, 2, 3), T(5, 3, 4)], {"equation": "bij, bjk -> bik"}, [(5, 2, 4)]),
    "top_k": ([T(3, 4)], {"k": 2}, [(3, 2), (3, 2)]),
    "dynamic_top_k": ([T(3, 4), T(1, dtype=np.int64)], {"axis": 0}, [(None, 4), (None, 4)]),
    "cum_sum": ([T(2, 3)], {"axis": 1, "reverse": 1}, [(2, 3)]),
    "cum_prod": ([T(2, 3, dtype=np.int32)], {"axis": -2}, [(2, 3)]),
    "dynamic_cum_sum": ([T(2, 3), T(dtype=np.int32)], {"exclusive": 1}, [(2, 3)]),
    "dynamic_cum_prod": ([T(2, 3), T(1, dtype=np.int64)], {}, [(2, 3)]),
    # data-dependent result sizes are dynamic
    "non_zero": ([T(2, 3)], {}, [(2, None)]),
    "compress": ([T(3, 2), T(2, dtype=bool)], {"axis": 0}, [(None, 2)]),
    "unique": ([T(3, 4)], {"axis": 1}, [(3, None), (None,), (4,), (None,)]),
    "reshape": ([T(2, 3, 4)], {"shape": [0, -1]}, [(2, 12)]),
    "transpose": ([T(2, 3, 4)], {"perm": [2, 0, 1]}, [(4, 2, 3)]),
    "flatten": ([T(2, 3, 4)], {"axis": 2}, [(6, 4)]),
    "squeeze": ([T(1, 3, 1)], {"axes": [2]}, [(1, 3)]),
    "unsqueeze": ([T(3, 4)], {"axes": [0, -1]}, [(1, 3, 4, 1)]),
    "concat": ([T(2, 3), T(2, 5)], {"axis": -1}, [(2, 8)]),
    "split": ([T(6, 2)], {"split": [2, 2, 2]}, [(2, 2), (2, 2), (2, 2)]),
    "slice": (
        [T(10, 6)],
        {"starts": [-1, 1], "ends": [-(2**63), 2**63 - 1], "axes": [0, 1], "steps": [-2, 2]},
        [(5, 3)],
    ),
    "gather": ([T(5, 4), T(2, 3, dtype=np.int64)], {"axis": 0}, [(2, 3, 4)]),
    "expand": ([T(3, 1)], {"shape": [2, 1, 4]}, [(2, 3, 4)]),
    "pad": ([T(2, 3)], {"pads": [1, 0, 1, 2]}, [(4, 5)]),
    "resize": ([T(1, 1, 4, 4)], {"sizes": [1, 1, 8, 8], "mode": "linear"}, [(1, 1, 8, 8)]),
    "cast": ([T(2, 3)], {"to": np.dtype("int32")}, [(2, 3)]),
    "identity": ([T(2, 3)], {}, [(2, 3)]),
    "shape": ([T(2, 3, 4)], {"start": 1}, [(2,)]),
    "constant": ([], {"value": np.arange(6, dtype=np.float32).reshape(2, 3)}, [(2, 3)]),
    "constant_of_shape": ([], {"shape": [3, 2], "value": np.ones(1, np.int64)}, [(3, 2)]),
    "equal": ([T(2, 3), T(3)], {}, [(2, 3)]),
    "less": ([T(2, 3), T(3)], {}, [(2, 3)]),
    "greater": ([T(2, 3), T(3)], {}, [(2, 3)]),
    "less_or_equal": ([T(2, 3), T(3)], {}, [(2, 3)]),
    "greater_or_equal": ([T(2, 3), T(3)], {}, [(2, 3)]),
    "and": ([T(2, 3, dtype=bool), T(3, dtype=bool)], {}, [(2, 3)]),
    "or": ([T(2, 3, dtype=bool), T(3, dtype=bool)], {}, [(2, 3)]),
    "not": ([T(2, 3, dtype=bool)], {}, [(2, 3)]),
    "where": ([T(3, dtype=bool), T(2, 1), T(1)], {}, [(2, 3)]),
    # run-time shapes: result dims the operands' values decide are dynamic
    "dynamic_reshape": ([T(2, 3, 4), T(2, dtype=np.int64)], {}, [(None, None)]),
    "dynamic_slice": ([T(10, 6), *[T(1, dtype=np.int64)] * 4], {}, [(None, None)]),
    "dynamic_expand": ([T(3, 1), T(3, dtype=np.int64)], {}, [(None, 3, None)]),
    "dynamic_constant_of_shape": ([T(2, dtype=np.int64)], {}, [(None, None)]),
    "range": ([T(dtype=np.int64)] * 3, {}, [(None,)]),
    "size": ([T(2, 3)], {}, [()]),
    "gather_elements": ([T(3, 4), T(3, 2, dtype=np.int64)], {"axis": 1}, [(3, 2)]),
    "gather_nd": ([T(2, 3, 4), T(2, 5, 1, dtype=np.int64)], {"batch_dims": 1}, [(2, 5, 4)]),
    "scatter_elements": (
        [T(3, 4), T(2, 4, dtype=np.int64), T(2, 4)],
        {"axis": 0, "reduction": "add"},
        [(3, 4)],
    ),
    "scatter_nd": ([T(4, 5, 6), T(3, 2, dtype=np.int64), T(3, 6)], {}, [(4, 5, 6)]),
    "tensor_scatter": ([T(2, 3, 8, 4), T(2, 3, 2, 4), T(2, dtype=np.int64)], {}, [(2, 3, 8, 4)]),
    "one_hot": ([T(2, 3, dtype=np.int64), T(2)], {"depth": 5, "axis": 1}, [(2, 5, 3)]),
    "dynamic_one_hot": ([T(4, dtype=np.int64), T(dtype=np.int64), T(2)], {}, [(4, None)]),
    "tile": ([T(2, 3)], {"repeats": [3, 1]}, [(6, 3)]),
    "dynamic_tile": ([T(2, 0), T(2, dtype=np.int64)], {}, [(None, 0)]),
    "depth_to_space": ([T(1, 8, 2, 3)], {"blocksize": 2}, [(1, 2, 4, 6)]),
    "space_to_depth": ([T(1, 2, 4, 6)], {"blocksize": 2, "mode": "CRD"}, [(1, 8, 2, 3)]),
    "reverse_sequence": ([T(5, 3, 2), T(3, dtype=np.int64)], {}, [(5, 3, 2)]),
    "trilu": ([T(2, 4, 5), T(dtype=np.int64)], {"upper": 0}, [(2, 4, 5)]),
    "eye_like": ([T(3, 4)], {"dtype": np.dtype("int32"), "k": -1}, [(3, 4)]),
    "center_crop_pad": ([T(5, 6, 3), T(2, dtype=np.int64)], {"axes": [0, -2]}, [(None, None, 3)]),
    "dynamic_squeeze": ([T(1, 3, 1, 5), T(1, dtype=np.int64)], {}, [(None, None, 5)]),
    "dynamic_unsqueeze": ([T(1, 1), T(1, dtype=np.int64)], {}, [(1, 1, 1)]),
    "dynamic_pad": ([T(2, 3), T(2, dtype=np.int64), T(), T(1, dtype=np.int64)], {}, [(None, None)]),
    "dynamic_split": ([T(4, 6), T(3, dtype=np.int64)], {"axis": 1}, [(4, None)] * 3),
    "dynamic_resize": (
        [T(1, 2, 4, 4), None, T(2), None],
        {"axes": [2, 3], "mode": "linear"},
        [(1, 2, None, None)],
    ),
    # recurrent layers: x, w, r, b, sequence_lens, initial_h (LSTM: initial_c, p)
    "rnn": (
        [T(5, 2, 3), T(1, 4, 3), T(1, 4, 4), None, None, None],
        {"hidden_size": 4},
        [(5, 1, 2, 4), (1, 2, 4)],
    ),
    "gru": (
        [T(2, 5, 3), T(2, 12, 3), T(2, 12, 4), T(2, 24), T(2, dtype=np.int32), T(2, 2, 4)],
        {"hidden_size": 4, "direction": "bidirectional", "layout": 1},
        [(2, 5, 2, 4), (2, 2, 4)],
    ),
    "lstm": (
        [T(5, 2, 3), T(1, 16, 3), T(1, 16, 4), T(1, 32), None, T(1, 2, 4), T(1, 2, 4), T(1, 12)],
        {"hidden_size": 4, "activations": ["Sigmoid", "Tanh", "Relu"], "clip": 3.0},
        [(5, 1, 2, 4), (1, 2, 4), (1, 2, 4)],
    ),
    # nn_math: math, rounding, bitwise, further activations
    **{op: ([T(4, dtype=BF16)], {}, [(4,)]) for op in FLOAT_MATH},
    "sign": ([T(2, 3, dtype=np.uint16)], {}, [(2, 3)]),
    "is_inf": ([T(3, dtype=np.float16)], {"detect_negative": 0}, [(3,)]),
    "mod": ([T(2, 3, dtype=np.uint8), T(3, dtype=np.uint8)], {"fmod": 0}, [(2, 3)]),
    "elu": ([T(5)], {"alpha": 0.5}, [(5,)]),
    "celu": ([T(5)], {}, [(5,)]),
    "selu": ([T(5, dtype=np.float64)], {}, [(5,)]),
    "thresholded_relu": ([T(5)], {"alpha": 2.0}, [(5,)]),
    "swish": ([T(5)], {"alpha": 0.5}, [(5,)]),
    "shrink": ([T(5, dtype=np.int8)], {"lambd": 1.5, "bias": 1.0}, [(5,)]),
    "prelu": ([T(2, 3, 4), T(3, 1)], {}, [(2, 3, 4)]),
    "bit_shift": (
        [T(2, 3, dtype=np.uint32), T(1, dtype=np.uint32)],
        {"direction": "LEFT"},
        [(2, 3)],
    ),
    "bitwise_and": ([T(2, 3, dtype=np.int16), T(3, dtype=np.int16)], {}, [(2, 3)]),
    "bitwise_or": ([T(3, dtype=np.uint64), T(2, 1, dtype=np.uint64)], {}, [(2, 3)]),
    "bitwise_xor": ([T(3, dtype=np.int8), T(3, dtype=np.int8)], {}, [(3,)]),
    "bitwise_not": ([T(3, dtype=np.uint8)], {}, [(3,)]),
    "xor": ([T(2, 3, dtype=bool), T(3, dtype=bool)], {}, [(2, 3)]),
    # nn_signal: the discrete Fourier transform
    "dft": ([T(2, 8, 1)], {"axis": 1, "onesided": 1}, [(2, 5, 2)]),
    "training_dropout": ([T(3, 4), T(), T(dtype=bool)], {"seed": 3}, [(3, 4), (3, 4)]),
    "stft": ([T(2, 64, 1), T(dtype=np.int64), T(16), None], {}, [(2, None, 9, 2)]),
    "non_max_suppression": (
        [T(2, 6, 4), T(2, 3, 6), T(1, dtype=np.int64), T(), None],
        {"center_point_box": 1},
        [(None, 3)],
    ),
    "dynamic_dft": ([T(2, 8, 2), T(dtype=np.int64)], {"inverse": 1, "onesided": 1}, [(2, None, 1)]),
    # low-precision element types
    "bit_cast": ([T(2, None)], {"to": np.dtype("int32")}, [(2, None)]),
    # string ops (strata.dialects.nn_strings)
    "string_concat": ([T(2, 3, dtype=STR), T(3, dtype=STR)], {}, [(2, 3)]),
    "string_normalizer": (
        [T(1, 6, dtype=STR)],
        {"case_change_action": "UPPER", "stopwords": ["a", "b"]},
        [(1, None)],
    ),
    "string_split": ([T(2, None, dtype=STR)], {"delimiter": ","}, [(2, None, None), (2, None)]),
    "regex_full_match": ([T(4, dtype=STR)], {"pattern": "a+b"}, [(4,)]),
    "label_encoder": (
        [T(3, dtype=STR)],
        {
            "keys": ["x", "y"],
            "values": np.array([1.5, 2.5], np.float32),
            "default": np.array([0.0], np.float32),
        },
        [(3,)],
    ),
    "string_constant": ([], {"values": ["a", "", "é"], "shape": [1, 3]}, [(1, 3)]),
    "quantize_linear": (
        [T(2, 6), T(2, 2), T(2, 2, dtype=np.int8)],
        {"block_size": 4, "output_dtype": np.dtype("int8"), "precision": np.dtype("float32")},
        [(2, 6)],
    ),
    "dequantize_linear": (
        [T(3, 4, dtype=np.uint8), T(3), None],
        {"axis": 0, "output_dtype": np.dtype("float16")},
        [(3, 4)],
    ),
}


def test_every_op_has_a_sample() -> None:
    assert sorted(SAMPLES) == sorted(o.name for o in DIALECT.ops)


def test_every_op_builds_and_verifies() -> None:
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            for name, (specs, attrs, shapes) in SAMPLES.items():
                flat = [s for s in specs if s is not None]
                fn = func.FuncOp(name, ir.FunctionType.get([type_of_spec(s) for s in flat], []))
                block = fn.add_entry_block()
                args = iter(block.arguments)
                operands = [None if s is None else next(args) for s in specs]
                with ir.InsertionPoint(block):
                    results = DIALECT.op(name).build(operands, attrs, loc=ir.Location.name(name))
                    func.ReturnOp([])
                got = [spec_of_type(r.type).shape for r in results]
                assert got == shapes, name
                verify_op(results[0].owner, DIALECT.op(name))
        assert module.operation.verify()
        text = str(module)
        reparsed = ir.Module.parse(text)  # the generic form round-trips through IRDL
        assert str(reparsed) == text
    del module, reparsed, ctx


def test_verify_op_rejects_wrong_result_type() -> None:
    ctx = make_context()
    with ctx:
        m = ir.Module.parse(
            'func.func @f(%a: tensor<2x3xf32>) { %0 = "nn.relu"(%a) '
            ": (tensor<2x3xf32>) -> tensor<3x2xf32>\n return }"
        )
        op = m.body.operations[0].regions[0].blocks[0].operations[0]
        with pytest.raises(OpVerifyError, match=r"tensor<3x2xf32> do not match inferred"):
            verify_op(op.operation, DIALECT.op("relu"))
    del m, op, ctx


# ---- inferred shapes against ONNX Runtime ---------------------------------------------------

ORT_CASES: list[tuple[str, dict[str, Any], list[Any], dict[str, np.ndarray], str, dict[str, Any]]]
ORT_CASES = [
    # ONNX op, ONNX attrs, data-input shapes (ints or (shape, dtype)), constant inputs, nn op,
    # nn attrs
    ("MatMul", {}, [(4,), (2, 4, 3)], {}, "mat_mul", {}),
    ("MatMul", {}, [(2, 1, 3, 4), (4,)], {}, "mat_mul", {}),
    ("MatMul", {}, [(7, 1, 5, 3), (2, 3, 6)], {}, "mat_mul", {}),
    ("Gemm", {"transA": 1}, [(4, 3), (4, 5), (1, 5)], {}, "gemm", {"transA": 1}),
    (
        "Conv",
        {"strides": [2, 1], "pads": [1, 0, 2, 1], "dilations": [2, 1], "group": 2},
        [(1, 4, 9, 8), (6, 2, 3, 2)],
        {},
        "conv",
        {"strides": [2, 1], "pads": [1, 0, 2, 1], "dilations": [2, 1], "group": 2},
    ),
    (
        "Conv",
        {"strides": [3]},
        [(2, 3, 10), (5, 3, 4)],
        {},
        "conv",
        {"strides": [3], "pads": [0, 0], "dilations": [1]},
    ),
    (
        "ConvTranspose",
        {"strides": [3, 2], "pads": [1, 0, 0, 1], "output_padding": [2, 1], "group": 2},
        [(1, 4, 3, 4), (4, 3, 2, 3)],
        {},
        "conv_transpose",
        {
            "strides": [3, 2],
            "pads": [1, 0, 0, 1],
            "dilations": [1, 1],
            "output_padding": [2, 1],
            "group": 2,
        },
    ),
    (
        "MaxPool",
        {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1},
        [(1, 1, 8, 9)],
        {},
        "max_pool",
        {
            "kernel_shape": [3, 3],
            "strides": [2, 2],
            "pads": [1, 1, 1, 1],
            "dilations": [1, 1],
            "ceil_mode": 1,
        },
    ),
    (
        "MaxPool",
        {"kernel_shape": [2], "strides": [2], "dilations": [2], "ceil_mode": 1},
        [(1, 1, 10)],
        {},
        "max_pool",
        {"kernel_shape": [2], "strides": [2], "pads": [0, 0], "dilations": [2], "ceil_mode": 1},
    ),
    (
        "MaxPool",
        {"kernel_shape": [2], "strides": [2], "pads": [1, 1], "ceil_mode": 1},
        [(1, 1, 5)],
        {},
        "max_pool",  # the last ceil-mode window would start in the end padding
        {"kernel_shape": [2], "strides": [2], "pads": [1, 1], "dilations": [1], "ceil_mode": 1},
    ),
    (
        "AveragePool",
        {
            "kernel_shape": [3, 2],
            "strides": [2, 3],
            "pads": [0, 1, 2, 1],
            "ceil_mode": 1,
            "count_include_pad": 1,
        },
        [(2, 3, 7, 7)],
        {},
        "average_pool",
        {
            "kernel_shape": [3, 2],
            "strides": [2, 3],
            "pads": [0, 1, 2, 1],
            "dilations": [1, 1],
            "ceil_mode": 1,
            "count_include_pad": 1,
        },
    ),
    (
        "AveragePool",
        {"kernel_shape": [3, 3], "strides": [2, 2]},
        [(1, 2, 8, 8)],
        {},
        "average_pool",
        {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
    ),
    (
        "Reshape",
        {},
        [(2, 3, 4)],
        {"shape": np.array([0, -1, 2], np.int64)},
        "reshape",
        {"shape": [0, -1, 2]},
    ),
    (
        "Reshape",
        {"allowzero": 1},
        [(2, 0, 4)],
        {"shape": np.array([4, 0, 7], np.int64)},
        "reshape",
        {"shape": [4, 0, 7], "allowzero": 1},
    ),
    (
        "Slice",
        {},
        [(10, 7, 5)],
        {
            "starts": np.array([8, -100, 1], np.int64),
            "ends": np.array([1, 100, -1], np.int64),
            "axes": np.array([0, -2, 2], np.int64),
            "steps": np.array([-3, 2, 1], np.int64),
        },
        "slice",
        {"starts": [8, -100, 1], "ends": [1, 100, -1], "axes": [0, -2, 2], "steps": [-3, 2, 1]},
    ),
    (
        "Slice",
        {},
        [(6, 4)],
        {
            "starts": np.array([-1, 5], np.int64),
            "ends": np.array([-(2**63), 2**63 - 1], np.int64),
            "axes": np.array([0, 1], np.int64),
            "steps": np.array([-1, 1], np.int64),
        },
        "slice",
        {"starts": [-1, 5], "ends": [-(2**63), 2**63 - 1], "axes": [0, 1], "steps": [-1, 1]},
    ),
    ("Gather", {"axis": 1}, [(3, 5, 2), ((4, 2), np.int64)], {}, "gather", {"axis": 1}),
    ("Gather", {"axis": -1}, [(3, 5), ((), np.int64)], {}, "gather", {"axis": -1}),
    (
        "Expand",
        {},
        [(3, 1)],
        {"shape": np.array([2, 1, 6], np.int64)},
        "expand",
        {"shape": [2, 1, 6]},
    ),
    ("Flatten", {"axis": 0}, [(2, 3, 4)], {}, "flatten", {"axis": 0}),
    ("Squeeze", {}, [(1, 3, 1, 2)], {}, "squeeze", {}),
    (
        "Unsqueeze",
        {},
        [(3, 4)],
        {"axes": np.array([-1, 1], np.int64)},
        "unsqueeze",
        {"axes": [-1, 1]},
    ),
    ("Transpose", {"perm": [1, 2, 0]}, [(2, 3, 4)], {}, "transpose", {"perm": [1, 2, 0]}),
    (
        "ReduceMean",
        {"keepdims": 0, "axes": [1]},
        [(2, 3, 4)],
        {},
        "reduce_mean",
        {"axes": [1], "keepdims": 0},
    ),
    ("ReduceSum", {}, [(2, 3, 4)], {}, "reduce_sum", {}),
    ("ReduceL1", {"axes": [0, -1]}, [(2, 3, 4)], {}, "reduce_l1", {"axes": [0, 2]}),
    (
        "ReduceLogSumExp",
        {"keepdims": 0},
        [(2, 3)],
        {},
        "reduce_log_sum_exp",
        {"axes": [0, 1], "keepdims": 0},
    ),
    (
        "ArgMax",
        {"axis": -1, "keepdims": 0},
        [(2, 3, 4)],
        {},
        "arg_max",
        {"axis": -1, "keepdims": 0},
    ),
    ("ArgMin", {"axis": 1}, [(2, 3, 4)], {}, "arg_min", {"axis": 1}),
    ("Hardmax", {"axis": 0}, [(2, 3)], {}, "hardmax", {"axis": 0}),
    ("LpNormalization", {"p": 1}, [(2, 3)], {}, "lp_normalization", {"p": 1}),
    ("Det", {}, [(4, 3, 3)], {}, "det", {}),
    (
        "Einsum",
        {"equation": "bij,bjk"},
        [(2, 3, 4), (2, 4, 5)],
        {},
        "einsum",
        {"equation": "bij,bjk"},
    ),
    ("Einsum", {"equation": "...ii->...i"}, [(2, 3, 3)], {}, "einsum", {"equation": "...ii->...i"}),
    ("Einsum", {"equation": "i,j"}, [(2,), (3,)], {}, "einsum", {"equation": "i,j"}),
    (
        "TopK",
        {"axis": 0},
        [(5, 3)],
        {"k": np.array([2], np.int64)},
        "top_k",
        {"axis": 0, "k": 2},
    ),
    ("CumSum", {}, [(2, 3)], {"axis": np.array(1, np.int64)}, "cum_sum", {"axis": 1}),
    (
        "Pad",
        {"mode": "reflect"},
        [(3, 4)],
        {"pads": np.array([1, 2, 2, -1], np.int64)},
        "pad",
        {"pads": [1, 2, 2, -1], "mode": "reflect"},
    ),
    ("Shape", {"start": -2, "end": 10}, [(2, 3, 4)], {}, "shape", {"start": -2, "end": 10}),
    ("Where", {}, [((3, 1), np.bool_), (1, 4), (2, 1, 1)], {}, "where", {}),
    ("Concat", {"axis": 0}, [(2, 3), (4, 3)], {}, "concat", {"axis": 0}),
    (
        "Resize",
        {"mode": "nearest"},
        [(1, 2, 3, 4)],
        {
            "roi": np.zeros(0, np.float32),
            "scales": np.zeros(0, np.float32),
            "sizes": np.array([1, 2, 5, 7], np.int64),
        },
        "resize",
        {"sizes": [1, 2, 5, 7]},
    ),
    (
        "Split",
        {"axis": 1},
        [(2, 6)],
        {"split": np.array([3, 3], np.int64)},
        "split",
        {"axis": 1, "split": [3, 3]},
    ),
]


def _ort_shapes(
    op_type: str,
    attrs: dict[str, Any],
    inputs: list[Any],
    consts: dict[str, np.ndarray],
    n_out: int,
) -> tuple[list[TensorSpec], list[tuple[int, ...]]]:
    rng = np.random.default_rng(0)
    specs, feeds, names, inits = [], {}, [], []
    for i, inp in enumerate(inputs):
        shape, dtype = (inp, F32) if not isinstance(inp[-1], type) else inp
        arr = np.asarray(rng.standard_normal(shape))
        arr = (
            (arr > 0) if dtype == np.bool_ else np.ones(shape, dtype) if dtype == np.int64 else arr
        )
        arr = np.asarray(arr).astype(dtype)
        specs.append(TensorSpec.of(shape, arr.dtype))
        feeds[f"in{i}"] = arr
        names.append(f"in{i}")
    for k, v in consts.items():
        inits.append(onnx.numpy_helper.from_array(v, k))
        names.append(k)
    outs = [f"out{i}" for i in range(n_out)]
    node = helper.make_node(op_type, names, outs, **attrs)
    graph = helper.make_graph(
        [node],
        "g",
        [
            helper.make_tensor_value_info(
                f"in{i}", helper.np_dtype_to_tensor_dtype(a.dtype), a.shape
            )
            for i, a in enumerate(feeds.values())
        ],
        [onnx.ValueInfoProto(name=o) for o in outs],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return specs, [tuple(r.shape) for r in sess.run(None, feeds)]


@pytest.mark.parametrize("case", ORT_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(ORT_CASES)])
def test_inferred_shapes_match_onnxruntime(case: Any) -> None:
    op_type, onnx_attrs, inputs, consts, name, attrs = case
    n_out = len(attrs["split"]) if "split" in attrs else len(DIALECT.op(name).results)
    specs, expected = _ort_shapes(op_type, onnx_attrs, inputs, consts, n_out)
    if name in ("gemm", "conv", "conv_transpose", "layer_normalization", "einsum"):
        specs += [None] * (len(DIALECT.op(name).operands) - len(specs))
    got = infer(name, list(specs), attrs)
    assert [s.shape for s in got] == expected


# ---- every verifier rule rejects bad input --------------------------------------------------

ATT = {"scale": 0.5, "softmax_precision": 1}
LIN = [T(2, 3, 16), T(2, 3, 8), T(2, 3, 12)]
LHEADS = {"q_num_heads": 4, "kv_num_heads": 2}
W2K = {**WIN2, "kernel_shape": [2, 2]}
UNPOOL = {"kernel_shape": [2, 2], "strides": [2, 2], "pads": [0, 0, 0, 0]}
COL = {**WIN2, "image_shape": [5, 5], "block_shape": [3, 3]}
BAD: list[tuple[str, list[Any], dict[str, Any], str]] = [
    # operand presence / element types
    ("add", [T(2), T(2, dtype=np.int64)], {}, r"operands 'a' \(float32\) and 'b' \(int64\)"),
    ("add", [T(2), T(3)], {}, r"shapes \[2\] and \[3\] are not broadcastable"),
    ("sqrt", [T(2, dtype=np.int64)], {}, r"operand 'x' must be a floating-point tensor"),
    ("not", [T(2)], {}, r"operand 'x' must be a bool \(i1\) tensor"),
    ("and", [T(2, dtype=bool), T(2)], {}, r"operand 'b' must be a bool"),
    ("where", [T(2), T(2), T(2)], {}, r"operand 'condition' must be a bool"),
    ("where", [T(2, dtype=bool), T(2), T(2, dtype=np.int64)], {}, r"operands 'x' .* and 'y'"),
    ("clip", [T(2, dtype=bool), None, None], {}, r"operand 'x' must be a numeric tensor"),
    ("clip", [T(2), T(1), None], {}, r"operand 'min' must be a scalar \(0-d\) tensor"),
    ("clip", [T(2), None, T(dtype=np.int64)], {}, r"operands 'x' \(float32\) and 'max'"),
    # nn_math
    ("cos", [T(2, dtype=np.int32)], {}, r"operand 'x' must be a floating-point tensor"),
    ("sign", [T(2, dtype=bool)], {}, r"operand 'x' must be a numeric tensor, got bool"),
    ("is_inf", [T(2, dtype=np.int8)], {}, r"operand 'x' must be a floating-point tensor"),
    ("mod", [T(2), T(2)], {"fmod": 2}, r"attribute 'fmod' = 2 must be one of \[0, 1\]"),
    ("mod", [T(2, dtype=np.uint8), T(2, dtype=np.int8)], {}, r"operands 'a' \(uint8\)"),
    ("prelu", [T(2, 3), T(4, 3)], {}, r"operand 'slope' \[4, 3\] must broadcast to 'x'"),
    ("prelu", [T(3), T(2, 3)], {}, r"operand 'slope' \[2, 3\] must broadcast to 'x' \[3\]"),
    (
        "bit_shift",
        [T(2, dtype=np.uint8), T(2, dtype=np.uint8)],
        {"direction": "UP"},
        r"attribute 'direction' = 'UP' must be one of",
    ),
    ("bit_shift", [T(2), T(2)], {"direction": "LEFT"}, r"operand 'a' must be an integer"),
    ("bitwise_and", [T(2, dtype=bool), T(2, dtype=bool)], {}, r"must be an integer tensor"),
    ("bitwise_not", [T(2)], {}, r"operand 'x' must be an integer tensor, got float32"),
    ("xor", [T(2, dtype=np.int8), T(2, dtype=bool)], {}, r"operand 'a' must be a bool"),
    ("gelu", [T(2)], {"approximate": "fast"}, r"attribute 'approximate' = 'fast' must be one"),
    ("softmax", [T(2, 3)], {"axis": 2}, r"attribute 'axis' = 2 is out of range \[-2, 1\]"),
    ("relu", [None], {}, r"operand 'x' is required"),
    # attributes in general
    ("relu", [T(2)], {"alpha": 1.0}, r"has no attribute\(s\) \['alpha'\]"),
    ("transpose", [T(2)], {}, r"requires attribute 'perm'"),
    # linear algebra
    ("gemm", [T(2, 3, 4), T(4, 5), None], {}, r"operand 'a' must be 2-d"),
    ("gemm", [T(2, 3), T(4, 5), None], {}, r"contracted dims differ: 'a' \[2, 3\]"),
    ("gemm", [T(2, 3), T(3, 5), T(2, 4)], {}, r"operand 'c' \[2, 4\] must broadcast"),
    ("mat_mul", [T(2, 3), T(4, 5)], {}, r"contracted dims differ: 'a' \[2, 3\] has K=3"),
    ("mat_mul", [T(), T(4)], {}, r"must be >= 1-d"),
    ("mat_mul", [T(2, 2, 3), T(3, 3, 4)], {}, r"shapes \[2\] and \[3\] are not broadcastable"),
    # convolution and pooling
    (
        "conv",
        [T(1, 3, 8), T(4, 3, 3, 3), None],
        {"strides": [1], "pads": [0, 0], "dilations": [1]},
        r"must have one rank >= 3",
    ),
    (
        "conv",
        [T(1, 3, 8, 8), T(4, 3, 3, 3), None],
        {"strides": [1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"attribute 'strides' = \[1\] must have 2 entries",
    ),
    (
        "conv",
        [T(1, 3, 8, 8), T(4, 3, 3, 3), None],
        {"strides": [1, 1], "pads": [0, 0], "dilations": [1, 1]},
        r"attribute 'pads' = \[0, 0\] must have 4 entries",
    ),
    (
        "conv",
        [T(1, 3, 8, 8), T(4, 3, 3, 3), None],
        {"strides": [0, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"attribute 'strides' = \[0, 1\] must be all >= 1",
    ),
    (
        "conv",
        [T(1, 3, 8, 8), T(4, 3, 3, 3), None],
        {"strides": [1, 1], "pads": [0, -1, 0, 0], "dilations": [1, 1]},
        r"attribute 'pads' = \[0, -1, 0, 0\] must be all >= 0",
    ),
    (
        "conv",
        [T(1, 4, 8, 8), T(4, 3, 3, 3), None],
        {"strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"attribute 'group' = 1: input channels 4 must equal w.shape\[1\] \(3\)",
    ),
    (
        "conv",
        [T(1, 3, 8, 8), T(4, 3, 3, 3), T(3)],
        {"strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"operand 'b' must have shape \[4\], got \[3\]",
    ),
    (
        "conv",
        [T(1, 3, 2, 8), T(4, 3, 3, 3), None],
        {"strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"kernel extent 3 exceeds the padded input 2 in spatial axis 0",
    ),
    (
        "conv",
        [T(1, 3, 8, 8), T(4, 3, 3, 3, dtype=np.float64), None],
        {"strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"operands 'x' .* 'w'",
    ),
    (
        "conv_transpose",
        [T(1, 4, 5, 5), T(4, 2, 3, 3), None],
        {"strides": [2, 2], "pads": [0, 0, 0, 0], "dilations": [1, 1], "output_padding": [2, 0]},
        r"attribute 'output_padding' = \[2, 0\]: entry 0 must be in \[0, max",
    ),
    (
        "conv_transpose",
        [T(1, 4, 5, 5), T(4, 2, 3, 3), None],
        {"strides": [2, 2], "pads": [0, 0, 0, 0], "dilations": [1, 1], "output_padding": [0]},
        r"attribute 'output_padding' = \[0\] must have 2 entries",
    ),
    (
        "conv_transpose",
        [T(1, 3, 5, 5), T(4, 2, 3, 3), None],
        {"strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1], "output_padding": [0, 0]},
        r"input channels 3 must equal w.shape\[0\] \(4\)",
    ),
    (
        "conv_transpose",
        [T(1, 4, 5, 5), T(4, 2, 3, 3), T(2)],
        {
            "strides": [1, 1],
            "pads": [0, 0, 0, 0],
            "dilations": [1, 1],
            "output_padding": [0, 0],
            "group": 2,
        },
        r"operand 'b' must have shape \[4\]",
    ),
    (
        "conv_transpose",
        [T(1, 4, 1, 1), T(4, 2, 1, 1), None],
        {"strides": [1, 1], "pads": [1, 0, 0, 0], "dilations": [1, 1], "output_padding": [0, 0]},
        r"leaves no output in spatial axis 0",
    ),
    (
        "conv_transpose",
        [T(1, 4, 5), T(4, 2, 3, 3), None],
        {"strides": [1], "pads": [0, 0], "dilations": [1], "output_padding": [0]},
        r"must have one rank >= 3",
    ),
    (
        "max_pool",
        [T(2, 3)],
        {"kernel_shape": [2], "strides": [1], "pads": [0, 0], "dilations": [1]},
        r"operand 'x' must have rank >= 3",
    ),
    (
        "max_pool",
        [T(1, 1, 4, 4)],
        {"kernel_shape": [2], "strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"attribute 'kernel_shape' = \[2\] must have 2 entries",
    ),
    (
        "max_pool",
        [T(1, 1, 4, 4)],
        {"kernel_shape": [2, 0], "strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 1]},
        r"attribute 'kernel_shape' = \[2, 0\] must be all >= 1",
    ),
    (
        "average_pool",
        [T(1, 1, 4, 4)],
        {"kernel_shape": [2, 2], "strides": [1, 1], "pads": [2, 0, 0, 0], "dilations": [1, 1]},
        r"attribute 'pads' = \[2, 0, 0, 0\] must be smaller than the kernel extent in axis 0",
    ),
    (
        "max_pool",
        [T(1, 1, 4, 4)],
        {"kernel_shape": [2, 2], "strides": [1, 1], "pads": [0, 0, 0, 0], "dilations": [1, 0]},
        r"attribute 'dilations' = \[1, 0\] must be all >= 1",
    ),
    ("global_average_pool", [T(2, 3)], {}, r"operand 'x' must have rank >= 3"),
    # normalization
    ("batch_normalization", [T(4), T(4), T(4), T(4), T(4)], {}, r"operand 'x' must have rank"),
    (
        "batch_normalization",
        [T(2, 3), T(3), T(3), T(2), T(3)],
        {},
        r"operand 'input_mean' must have shape \[3\] \(channels\), got \[2\]",
    ),
    (
        "batch_normalization",
        [T(2, 3), T(3), T(3, dtype=np.float64), T(3), T(3)],
        {},
        r"operands 'x' \(float32\) and 'b' \(float64\)",
    ),
    (
        "batch_normalization",
        [T(2, 3, dtype=np.int64), T(3), T(3), T(3), T(3)],
        {},
        r"operand 'x' must be a floating-point",
    ),
    (
        "layer_normalization",
        [T(2, 3), T(2), None],
        {},
        r"operand 'scale' \[2\] must broadcast to the normalized shape \[3\] \(axis=-1\)",
    ),
    (
        "layer_normalization",
        [T(2, 3), T(3), T(2, 3)],
        {"axis": 1},
        r"operand 'b' \[2, 3\] must broadcast",
    ),
    ("layer_normalization", [T(2, 3), T(3), None], {"axis": -3}, r"attribute 'axis' = -3"),
    ("layer_normalization", [T(2, 3), T(3), None], {"stash_type": 7}, r"'stash_type' = 7 must be"),
    ("rms_normalization", [T(2, 3), T(2)], {}, r"operand 'scale' \[2\] must broadcast"),
    ("rms_normalization", [T(2, dtype=np.int64), T(2, dtype=np.int64)], {}, r"floating-point"),
    ("rms_normalization", [T(2, 3), T(3, dtype=np.float64)], {}, r"operands 'x' \(float32\)"),
    # window and sampling ops
    ("max_pool_with_indices", [T(1, 1, 4, 4)], {**W2K, "storage_order": 2}, r"storage_order"),
    ("lp_pool", [T(1, 1, 4, 4)], {**W2K, "p": 0}, r"attribute 'p' = 0 must be >= 1"),
    ("lp_pool", [T(1, 1, 4, 4, dtype=np.int64)], W2K, r"floating-point"),
    ("max_unpool", [T(1, 1, 2, 2), T(1, 1, 2, 2)], UNPOOL, r"'indices' must be an i32 or i64"),
    ("max_unpool", [T(1, 1, 2, 2), T(1, 1, 2, 3, dtype=np.int64)], UNPOOL, r"the shape of 'x'"),
    (
        "max_unpool",
        [T(1, 1, 2, 2), T(1, 1, 2, 2, dtype=np.int64)],
        {**UNPOOL, "output_shape": [1, 1, 3, 4]},
        r"spatial axis 0 must be at least the unpooled size 4",
    ),
    (
        "col2im",
        [T(1, 9, 5)],
        {**COL, "image_shape": [5, 5]},
        r"dim 2 must be the number of blocks 9",
    ),
    ("col2im", [T(1, 8, 9)], COL, r"dim 1 must be a multiple of prod\(block_shape\) = 9"),
    ("col2im", [T(1, 9, 9)], {**COL, "block_shape": [3]}, r"'block_shape' = \[3\] must have 2"),
    ("col2im", [T(1, 9, 9)], {**COL, "image_shape": [2, 2]}, r"do not fit the image"),
    ("grid_sample", [T(1, 1, 4, 4), T(1, 3, 3, 3)], {}, r"grid must be \[N, O1..O2, 2\]"),
    ("grid_sample", [T(1, 1, 4, 4, 4), T(1, 3, 3, 3, 3)], {"mode": "cubic"}, r"needs 2 spatial"),
    ("grid_sample", [T(1, 1, 4, 4), T(1, 3, 3, 2)], {"padding_mode": "wrap"}, r"padding_mode"),
    ("roi_align", [T(1, 1, 4, 4), T(2, 5), T(2, dtype=np.int64)], {}, r"must be \[N, C, H, W\]"),
    ("roi_align", [T(1, 1, 4, 4), T(2, 4), T(3, dtype=np.int64)], {}, r"one length"),
    ("roi_align", [T(1, 1, 4, 4), T(2, 4), T(2, dtype=np.int64)], {"mode": "sum"}, r"'mode'"),
    ("affine_grid", [T(2, 2, 4)], {"size": [2, 1, 3, 3]}, r"'theta' must be \[N, 2, 3\]"),
    ("affine_grid", [T(2, 2, 3)], {"size": [2, 1, 3]}, r"'size' = \[2, 1, 3\] must have 4"),
    ("affine_grid", [T(2, 2, 3)], {"size": [3, 1, 3, 3]}, r"N must match 'theta'"),
    ("dynamic_affine_grid", [T(2, 2, 3), T(5, dtype=np.int64)], {}, r"must have 4 entries"),
    (
        "deform_conv",
        [T(1, 2, 5, 5), T(3, 2, 3, 3), T(1, 17, 3, 3), None, None],
        {**WIN2, "kernel_shape": [3, 3]},
        r"operand 'offset' must have shape \[1, 18, 3, 3\]",
    ),
    (
        "deform_conv",
        [T(1, 3, 5, 5), T(3, 3, 3, 3), T(1, 36, 3, 3), None, None],
        {**WIN2, "kernel_shape": [3, 3], "offset_group": 2},
        r"'offset_group' = 2 must divide the input channels 3",
    ),
    # linear attention (query, key, value, past_state, decay, beta)
    ("linear_attention", [*LIN, None, None, None], {**LHEADS, "q_num_heads": 3}, r"multiple"),
    (
        "linear_attention",
        [*LIN, None, None, None],
        LHEADS,
        r"'gated_delta' requires operand 'decay'",
    ),
    (
        "linear_attention",
        [*LIN, None, T(2, 3, 2, dtype=np.float64), None],
        {**LHEADS, "update_rule": "gated"},
        r"operands 'query' \(float32\) and 'decay' \(float64\)",
    ),
    (
        "linear_attention",
        [*LIN, None, T(2, 3, 5), T(2, 3, 1)],
        LHEADS,
        r"last dim must be one of \[2, 8\]",
    ),
    (
        "linear_attention",
        [*LIN, None, None, T(2, 3, 1)],
        {**LHEADS, "update_rule": "linear"},
        r"forbids",
    ),
    (
        "linear_attention",
        [*LIN, T(2, 2, 4, 5), None, None],
        {**LHEADS, "update_rule": "linear"},
        r"past_state",
    ),
    (
        "linear_attention",
        [*LIN, None, None, None],
        {**LHEADS, "update_rule": "fast"},
        r"update_rule",
    ),
    # attention (q, k, v, attn_mask, past_key, past_value, nonpad_kv_seqlen)
    ("attention", [T(4, 3, 8), T(4, 5, 8), T(4, 5, 8), *[None] * 4], ATT, r"must be 4-d"),
    ("attention", [T(1, 3, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), *[None] * 4], ATT, r"multiple"),
    ("attention", [T(1, 4, 3, 8), T(1, 2, 5, 6), T(1, 2, 5, 8), *[None] * 4], ATT, r"dim 3"),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), None, T(1, 2, 2, 8), *[None] * 2],
        ATT,
        r"given together",
    ),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), T(3, 9), *[None] * 3],
        ATT,
        r"covers 9 keys, more than the 5",
    ),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), T(2, 5), *[None] * 3],
        ATT,
        r"'attn_mask' \[2, 5\] must broadcast",
    ),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), *[None] * 3, T(1, dtype=np.int32)],
        ATT,
        r"1-d i64 tensor",
    ),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), *[None] * 4],
        {**ATT, "softcap": -1.0},
        r"'softcap' = -1.0",
    ),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), *[None] * 4],
        {**ATT, "softmax_precision": 7},
        r"softmax_precision",
    ),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), *[None] * 4],
        {**ATT, "qk_matmul_output_mode": 4},
        r"qk_matmul",
    ),
    (
        "attention",
        [T(1, 4, 3, 8), T(1, 2, 5, 8), T(1, 2, 5, 8), *[None] * 4],
        {**ATT, "left_window_size": -2},
        r"'left_window_size'",
    ),
    # reductions
    ("reduce_mean", [T(2, 3)], {"axes": [2]}, r"attribute 'axes' = 2 is out of range"),
    ("reduce_sum", [T(2, 3)], {"axes": [1, -1]}, r"attribute 'axes' = \[1, -1\] repeats"),
    ("reduce_sum", [T(2, 3, dtype=bool)], {}, r"operand 'data' must be a numeric tensor"),
    ("reduce_l2", [T(2, 3, dtype=np.int64)], {}, r"operand 'data' must be a floating-point"),
    (
        "dynamic_reduce_sum",
        [T(2, 3), T(2)],
        {},
        r"operand 'axes' must be a 1-d i32 or i64 tensor, got float32 \[2\]",
    ),
    (
        "dynamic_reduce_mean",
        [T(2, 3), T(None, dtype=np.int64)],
        {"keepdims": 0},
        r"operand 'axes' has a dynamic length, which leaves the result's rank unknown",
    ),
    (
        "dynamic_reduce_max",
        [T(2, 3), T(3, dtype=np.int64)],
        {"keepdims": 0},
        r"operand 'axes' has 3 entries, more than the rank 2 of 'data'",
    ),
    ("arg_max", [T(2, 3)], {"axis": 2}, r"attribute 'axis' = 2 is out of range \[-2, 1\]"),
    ("arg_min", [T(2, dtype=bool)], {}, r"operand 'data' must be a numeric tensor"),
    ("hardmax", [T(2, 3, dtype=np.int32)], {}, r"operand 'input' must be a floating-point"),
    ("lp_normalization", [T(2, 3)], {"p": 3}, r"attribute 'p' = 3 must be one of \[1, 2\]"),
    ("det", [T(2, 3)], {}, r"operand 'x' must be square matrices \[\*, M, M\], got \[2, 3\]"),
    (
        "einsum",
        [T(2, 3), None],
        {"equation": "ij,jk->ik"},
        r"'equation' = 'ij,jk->ik': names 2 operand\(s\), got 1",
    ),
    (
        "einsum",
        [T(2, 3), T(4, 5)],
        {"equation": "ij,jk->ik"},
        r"operand 1 \[4, 5\]: index 'j' has size 4, elsewhere 3",
    ),
    ("einsum", [T(2, 3), None], {"equation": "ij->iq"}, r"result indices must be distinct"),
    ("einsum", [T(2, 3), None], {"equation": "i->i"}, r"term 'i' has 1 indices for an operand"),
    (
        "top_k",
        [T(3, 4)],
        {"k": 5},
        r"attribute 'k' = 5 is out of range \[0, 4\] \(axis -1 of 'x' \[3, 4\]\)",
    ),
    (
        "dynamic_top_k",
        [T(3, 4), T(1, dtype=np.int32)],
        {},
        r"operand 'k' must be a 1-element i64 tensor, got int32 \[1\]",
    ),
    ("cum_sum", [T(3, dtype=bool)], {"axis": 0}, r"operand 'x' must be a numeric tensor"),
    ("cum_prod", [T(3)], {"axis": 1}, r"attribute 'axis' = 1 is out of range \[-1, 0\]"),
    (
        "dynamic_cum_sum",
        [T(3), T()],
        {},
        r"operand 'axis' must be an i32 or i64 scalar \(or 1-element vector\), got float32",
    ),
    ("dynamic_cum_prod", [T(), T(dtype=np.int64)], {}, r"operand 'x' must have rank >= 1"),
    (
        "compress",
        [T(3, 2), T(2)],
        {},
        r"operand 'condition' must be a 1-d bool tensor, got float32 \[2\]",
    ),
    (
        "compress",
        [T(3, 2), T(4, dtype=bool)],
        {},
        r"operand 'condition' has 4 entries, more than axis 0 of 'input' \[3, 2\]",
    ),
    ("compress", [T(), T(1, dtype=bool)], {}, r"operand 'input' must have rank >= 1"),
    ("unique", [T()], {}, r"operand 'x' must have rank >= 1 \(the importer flattens\)"),
    ("unique", [T(3)], {"sorted": 2}, r"attribute 'sorted' = 2 must be one of \[0, 1\]"),
    # shape and data movement
    ("reshape", [T(2, 3)], {"shape": [-1, -1]}, r"at most one -1"),
    ("reshape", [T(2, 3)], {"shape": [-2, 3]}, r"must be all >= -1"),
    ("reshape", [T(2, 3)], {"shape": [0, -1], "allowzero": 1}, r"mixes 0 and -1"),
    ("reshape", [T(6)], {"shape": [2, 0]}, r"entry 1 is 0 \(copy\) but 'data' has rank 1"),
    ("reshape", [T(2, 3)], {"shape": [4, -1]}, r"cannot hold the 6 elements"),
    ("reshape", [T(2, 3)], {"shape": [4, 2]}, r"gives 8 elements, 'data' \[2, 3\] has 6"),
    ("transpose", [T(2, 3)], {"perm": [0, 0]}, r"'perm' = \[0, 0\] must be a permutation"),
    ("flatten", [T(2, 3)], {"axis": 3}, r"attribute 'axis' = 3 is out of range \[-2, 2\]"),
    ("squeeze", [T(2, 3)], {"axes": [0]}, r"axis 0 of 'data' \[2, 3\] has size 2, expected 1"),
    ("unsqueeze", [T(2, 3)], {"axes": []}, r"must name at least one axis"),
    ("unsqueeze", [T(2, 3)], {"axes": [3]}, r"'axes' = 3 is out of range \[-3, 2\]"),
    ("concat", [T(2, 3), T(2, 3, dtype=np.int64)], {"axis": 0}, r"operand 'b' has element"),
    ("concat", [T(2, 3), T(3, 4)], {"axis": 0}, r"operand 'b' has shape \[3, 4\]; expected"),
    ("split", [T(6)], {"split": [2, 3]}, r"summing to 6"),
    ("split", [T(6)], {"split": [2, 4]}, r"must be equal sizes"),
    (
        "slice",
        [T(6)],
        {"starts": [0], "ends": [1, 2], "axes": [0], "steps": [1]},
        r"attribute 'ends' = \[1, 2\] must have 1 entries",
    ),
    (
        "slice",
        [T(6)],
        {"starts": [0], "ends": [1], "axes": [0], "steps": [0]},
        r"'steps' = \[0\] must not contain 0",
    ),
    (
        "slice",
        [T(6)],
        {"starts": [0], "ends": [1], "axes": [1], "steps": [1]},
        r"'axes' = 1 is out of range",
    ),
    ("gather", [T(6), T(2)], {}, r"operand 'indices' must be an i32 or i64 tensor"),
    ("gather", [T(6), T(2, dtype=np.int64)], {"axis": 1}, r"'axis' = 1 is out of range"),
    ("expand", [T(3)], {"shape": [-1]}, r"'shape' = \[-1\] must be all >= 0"),
    ("expand", [T(3)], {"shape": [2]}, r"shapes \[3\] and \[2\] are not broadcastable"),
    ("pad", [T(2, 3)], {"pads": [1, 1]}, r"'pads' = \[1, 1\] must have 4 entries"),
    ("pad", [T(2, 3)], {"pads": [0, 0, 0, 0], "mode": "mirror"}, r"'mode' = 'mirror'"),
    ("pad", [T(2, 3)], {"pads": [-3, 0, 0, 0]}, r"crops 'data' \[2, 3\] below size 0"),
    (
        "pad",
        [T(2, 3)],
        {"pads": [2, 0, 0, 0], "mode": "reflect"},
        r"reflect padding of axis 0 \(size 2\) must be < 2",
    ),
    ("resize", [T(1, 4)], {"sizes": [1]}, r"'sizes' = \[1\] must have 2 entries"),
    ("resize", [T(1, 4)], {"sizes": [1, 0]}, r"'sizes' = \[1, 0\] must be all >= 1"),
    ("resize", [T(1, 4)], {"sizes": [1, 8], "scales": [1.0]}, r"'scales' = \[1.0\] must have"),
    ("resize", [T(1, 4)], {"sizes": [1, 8], "scales": [1.0, 0.0]}, r"must be all > 0"),
    ("resize", [T(1, 4)], {"sizes": [1, 8], "mode": "area"}, r"'mode' = 'area'"),
    (
        "resize",
        [T(1, 4)],
        {"sizes": [1, 8], "coordinate_transformation_mode": "x"},
        r"'coordinate_transformation_mode' = 'x'",
    ),
    ("resize", [T(1, 4)], {"sizes": [1, 8], "nearest_mode": "up"}, r"'nearest_mode' = 'up'"),
    (
        "resize",
        [T(1, 4, dtype=np.int64)],
        {"sizes": [1, 8], "mode": "linear"},
        r"must be a floating-point",
    ),
    ("resize", [T(1, 4)], {"sizes": [1, 8], "roi": [0.0]}, r"'roi' = \[0.0\] must have 4"),
    (
        "resize",
        [T(1, 4)],
        {"sizes": [1, 8], "coordinate_transformation_mode": "tf_crop_and_resize"},
        r"'roi' is required by tf_crop_and_resize",
    ),
    ("resize", [T(1, 4)], {"sizes": [1, 8], "antialias": 1}, r"'antialias' = 1 needs linear"),
    ("cast", [T(2)], {"to": "float99"}, r"attribute 'to' = 'float99' is not an element type"),
    # run-time config forms
    ("dynamic_squeeze", [T(1, 3), T(2, dtype=np.int64)], {}, r"fewer than 2 axes that can"),
    ("dynamic_squeeze", [T(1, 3), T(0, dtype=np.int64)], {}, r"must name at least one axis"),
    ("dynamic_squeeze", [T(1, 3), T(3, dtype=np.int64)], {}, r"'axes' has 3 entries, 'data' has"),
    ("dynamic_squeeze", [T(1, 3), T(None, dtype=np.int64)], {}, r"must have a static length"),
    ("dynamic_unsqueeze", [T(3), T(0, dtype=np.int64)], {}, r"must name at least one axis"),
    ("dynamic_pad", [T(2, 3), T(2, dtype=np.int64), None, None], {}, r"'pads' has 2 entries"),
    (
        "dynamic_pad",
        [T(2, 3), T(4, dtype=np.int64), T(dtype=np.int64), None],
        {},
        r"'constant_value' \[\] int64 must be a scalar of 'data''s element type float32",
    ),
    (
        "dynamic_pad",
        [T(2, 3), T(4, dtype=np.int64), None, None],
        {"mode": "mirror"},
        r"'mode' = 'mirror'",
    ),
    ("dynamic_split", [T(4), T(0, dtype=np.int64)], {}, r"'split' must have at least one entry"),
    ("dynamic_split", [T(4), T(2, dtype=np.int64)], {"axis": 1}, r"'axis' = 1 is out of range"),
    ("dynamic_resize", [T(1, 4), None, None, None], {}, r"exactly one of the operands"),
    ("dynamic_resize", [T(1, 4), None, T(3), None], {}, r"'scales' must have 2 entries"),
    (
        "dynamic_resize",
        [T(1, 4), None, None, T(1, dtype=np.int64)],
        {},
        r"'sizes' must have 2 entries",
    ),
    (
        "dynamic_resize",
        [T(1, 4), None, T(2), None],
        {"coordinate_transformation_mode": "tf_crop_and_resize"},
        r"'roi' \(1-d float\) is required",
    ),
    ("dynamic_resize", [T(1, 4), None, T(2), None], {"antialias": 1}, r"'antialias' = 1 needs"),
    (
        "dynamic_resize",
        [T(1, 4, dtype=np.int64), None, T(2), None],
        {"mode": "cubic"},
        r"must be floating-point for cubic mode",
    ),
    (
        "dynamic_resize",
        [T(1, 4), None, T(2), None],
        {"keep_aspect_ratio_policy": "fit"},
        r"'keep_aspect_ratio_policy' = 'fit'",
    ),
    # indexing
    ("gather_nd", [T(2, 3), T(1, 2)], {}, r"operand 'indices' must be an i32 or i64 tensor"),
    ("gather_nd", [T(2, 3), T(1, 3, dtype=np.int64)], {}, r"last dim 3 must be in \[1, 2\]"),
    ("gather_nd", [T(2, 3), T(1, None, dtype=np.int64)], {}, r"must have a static last dim"),
    ("gather_nd", [T(2, 3), T(2, 1, dtype=np.int64)], {"batch_dims": 2}, r"'batch_dims' = 2"),
    ("gather_nd", [T(2, 3), T(3, 1, dtype=np.int64)], {"batch_dims": 1}, r"batch dim 0 differs"),
    (
        "scatter_elements",
        [T(3), T(2, dtype=np.int64), T(2, dtype=np.int64)],
        {},
        r"operands 'data' \(float32\) and 'updates' \(int64\) must have one element type",
    ),
    ("scatter_elements", [T(3), T(2, dtype=np.int64), T(3)], {}, r"'indices' \[2\] and 'upd"),
    ("scatter_elements", [T(3), T(1, 2, dtype=np.int64), T(1, 2)], {}, r"must have one rank"),
    (
        "scatter_elements",
        [T(3), T(2, dtype=np.int64), T(2)],
        {"reduction": "sum"},
        r"'reduction' = 'sum' must be one of",
    ),
    ("scatter_nd", [T(4, 5), T(2, 1, dtype=np.int64), T(2, 4)], {}, r"operands 'updates' \[2, 4\]"),
    ("tensor_scatter", [T(4), T(4), None], {}, r"must have one rank >= 2"),
    ("tensor_scatter", [T(2, 4), T(2, 2), None], {"axis": 0}, r"must not be the batch axis"),
    ("tensor_scatter", [T(2, 4), T(2, 5), None], {"axis": 1}, r"where it is not longer"),
    (
        "tensor_scatter",
        [T(2, 4), T(2, 2), T(3, dtype=np.int64)],
        {"axis": 1},
        r"'write_indices' \[3\] must be 1-d with one entry per batch",
    ),
    ("tensor_scatter", [T(2, 4), T(2, 2), None], {"axis": 1, "mode": "ring"}, r"'mode' = 'ring'"),
    ("one_hot", [T(3, dtype=np.int64), T(2)], {"depth": 0}, r"'depth' = 0 must be >= 1"),
    ("one_hot", [T(3, dtype=np.int64), T(3)], {"depth": 4}, r"'values' \[3\] must be \[off_"),
    ("one_hot", [T(3, dtype=bool), T(2)], {"depth": 4}, r"'indices' must be a numeric tensor"),
    ("one_hot", [T(3, dtype=np.int64), T(2)], {"depth": 4, "axis": 2}, r"'axis' = 2 is out of"),
    (
        "dynamic_one_hot",
        [T(3, dtype=np.int64), T(2, dtype=np.int64), T(2)],
        {},
        r"operand 'depth' \[2\] must be a scalar",
    ),
    # rearrangement
    ("tile", [T(2, 3)], {"repeats": [2]}, r"'repeats' = \[2\] must have 2 entries"),
    ("tile", [T(2, 3)], {"repeats": [2, -1]}, r"'repeats' = \[2, -1\] must be all >= 0"),
    ("dynamic_tile", [T(2, 3), T(3, dtype=np.int64)], {}, r"'repeats' has 3 entries"),
    ("depth_to_space", [T(8, 2, 3)], {"blocksize": 2}, r"must be 4-d \(N, C, H, W\)"),
    ("depth_to_space", [T(1, 8, 2, 3)], {"blocksize": 0}, r"'blocksize' = 0 must be >= 1"),
    ("depth_to_space", [T(1, 6, 2, 3)], {"blocksize": 2}, r"channels 6 .* divide by blocksize"),
    ("depth_to_space", [T(1, 8, 2, 3)], {"blocksize": 2, "mode": "RCD"}, r"'mode' = 'RCD'"),
    ("space_to_depth", [T(1, 2, 3, 4)], {"blocksize": 2}, r"height 3 of 'input'"),
    ("reverse_sequence", [T(4), T(4, dtype=np.int64)], {}, r"must have rank >= 2"),
    (
        "reverse_sequence",
        [T(4, 3), T(3, dtype=np.int64)],
        {"batch_axis": 1, "time_axis": 1},
        r"must be 0 and 1, in some order",
    ),
    ("reverse_sequence", [T(4, 3), T(4, dtype=np.int64)], {}, r"'sequence_lens' has 4 entries"),
    ("trilu", [T(4), None], {}, r"operand 'input' \[4\] must have rank >= 2"),
    ("trilu", [T(4, 4), T(2, dtype=np.int64)], {}, r"operand 'k' must be an i64 scalar"),
    ("eye_like", [T(4)], {"dtype": np.dtype("float32")}, r"operand 'input' \[4\] must be 2-d"),
    ("center_crop_pad", [T(4, 4), T(1, dtype=np.int64)], {}, r"'shape' has 1 entries, 'axes' 2"),
    # recurrent layers
    ("rnn", [T(5, 3), T(1, 4, 3), T(1, 4, 4)] + [None] * 3, {"hidden_size": 4}, r"rank 3"),
    (
        "rnn",
        [T(5, 2, 3), T(1, 4, 2), T(1, 4, 4)] + [None] * 3,
        {"hidden_size": 4},
        r"operand 'w' has shape \[1, 4, 2\], expected \[1, 4, 3\]",
    ),
    (
        "gru",
        [T(5, 2, 3), T(2, 12, 3), T(2, 12, 4)] + [None] * 3,
        {"hidden_size": 4},
        r"operand 'w' has shape \[2, 12, 3\], expected \[1, 12, 3\]",
    ),
    (
        "lstm",
        [T(5, 2, 3), T(1, 16, 3), T(1, 16, 4), None, T(3, dtype=np.int32)] + [None] * 3,
        {"hidden_size": 4},
        r"operand 'sequence_lens' has shape \[3\], expected \[2\]",
    ),
    (
        "lstm",
        [T(5, 2, 3), T(1, 16, 3), T(1, 16, 4), None, T(2)] + [None] * 3,
        {"hidden_size": 4},
        r"'sequence_lens' must be an i32 or i64 tensor",
    ),
    (
        "rnn",
        [T(5, 2, 3), T(1, 4, 3), T(1, 4, 4), None, None, T(2, 1, 4)],
        {"hidden_size": 4},
        r"operand 'initial_h' has shape \[2, 1, 4\], expected \[1, 2, 4\]",
    ),
    (
        "rnn",
        [T(5, 2, 3), T(1, 4, 3), T(1, 4, 4)] + [None] * 3,
        {"hidden_size": 4, "direction": "both"},
        r"attribute 'direction' = 'both' must be one of",
    ),
    (
        "rnn",
        [T(5, 2, 3), T(1, 4, 3), T(1, 4, 4)] + [None] * 3,
        {"hidden_size": 4, "activations": ["Tanh", "Tanh"]},
        r"'activations' = \['Tanh', 'Tanh'\] must list 1 of",
    ),
    (
        "gru",
        [T(5, 2, 3), T(1, 12, 3), T(1, 12, 4)] + [None] * 3,
        {"hidden_size": 4, "activation_alpha": [1.0]},
        r"'activation_alpha' has 1 entries, expected one per activation \(2\)",
    ),
    (
        "lstm",
        [T(5, 2, 3), T(1, 16, 3), T(1, 16, 4)] + [None] * 5,
        {"hidden_size": 4, "clip": 0.0},
        r"attribute 'clip' = 0.0 must be > 0",
    ),
    (
        "lstm",
        [T(5, 2, 3, dtype=np.int64), T(1, 16, 3), T(1, 16, 4)] + [None] * 5,
        {"hidden_size": 4},
        r"operand 'x' must be a floating-point tensor",
    ),
    # constants
    ("constant", [], {"value": "zero"}, r"attribute 'value' must be a tensor, got str"),
    ("constant_of_shape", [], {"shape": [-1]}, r"'shape' = \[-1\] must be all >= 0"),
    (
        "constant_of_shape",
        [],
        {"shape": [2], "value": np.zeros(2, np.float32)},
        r"'value' must hold exactly one element, got shape \[2\]",
    ),
    # nn_signal
    ("dft", [T(2, 8, 3)], {}, r"must have rank >= 2 and a last dim of 1 \(real\) or 2"),
    (
        "dft",
        [T(2, 8, 1)],
        {"axis": 2},
        r"attribute 'axis' = 2 is out of range \[-3, -2\] or \[0, 1\]",
    ),
    (
        "dft",
        [T(2, 1, 2)],
        {"axis": 1, "inverse": 1, "onesided": 1},
        r"the DFT length 0 must be >= 1",
    ),
    (
        "dynamic_dft",
        [T(2, 8, 1), T(dtype=np.float32)],
        {},
        r"operand 'axis' must be an i32 or i64 scalar",
    ),
    ("non_max_suppression", [T(2, 6, 3), T(2, 1, 6), None, None, None], {}, r"must be \[B, N, 4\]"),
    (
        "non_max_suppression",
        [T(2, 6, 4), T(2, 1, 5), None, None, None],
        {},
        r"operands 'boxes' \[2, 6, 4\] and 'scores' \[2, 1, 5\] disagree on N",
    ),
    (
        "non_max_suppression",
        [T(1, 6, 4), T(1, 1, 6), T(2, dtype=np.int64), None, None],
        {},
        r"operand 'max_output_boxes_per_class' must be a scalar or 1-element tensor",
    ),
    (
        "stft",
        [T(2, 64, 1), T(dtype=np.int64), T(4, 4), None],
        {},
        r"operand 'window' \(float32 \[4, 4\]\) must be a 1-d tensor",
    ),
    (
        "training_dropout",
        [T(3, 4), T(), T(dtype=np.int64)],
        {},
        r"operand 'training_mode' must be a bool scalar, got int64",
    ),
    # low-precision element types
    ("cast", [T(2)], {"to": np.dtype("float8_e8m0fnu"), "round_mode": "odd"}, r"'round_mode'"),
    ("cast", [T(2)], {"to": np.dtype("int4"), "saturate": 2}, r"'saturate' = 2: expected 0 or"),
    (
        "bit_cast",
        [T(2)],
        {"to": np.dtype("float16")},
        r"'to' = float16 \(16 bits\): expected an element type as wide as the input's float32",
    ),
    ("bit_cast", [T(2, dtype=np.uint8)], {"to": np.dtype("int4")}, r"as wide as the input's uint8"),
    # string ops
    ("string_concat", [T(2), T(2, dtype=STR)], {}, r"operand 'x' must be a string tensor"),
    ("string_normalizer", [T(2, 3, dtype=STR)], {}, r"must have shape \[C\] or \[1, C\]"),
    (
        "string_normalizer",
        [T(3, dtype=STR)],
        {"case_change_action": "TITLE"},
        r"'case_change_action'",
    ),
    ("string_split", [T(3, dtype=STR)], {"maxsplit": -2}, r"'maxsplit' = -2 must be >= -1"),
    ("regex_full_match", [T(3, dtype=STR)], {"pattern": ""}, r"'pattern' must not be empty"),
    (
        "label_encoder",
        [T(3, dtype=STR)],
        {"keys": ["a"], "values": np.array([1, 2]), "default": np.array([0])},
        r"'values' \[2\] must be 1-d with one value per key \(1\)",
    ),
    (
        "label_encoder",
        [T(3, dtype=STR)],
        {"keys": ["a"], "values": np.array([1]), "default": np.array([0.5])},
        r"'default' \(float64\[1\]\) must be one int64 value",
    ),
    (
        "string_constant",
        [],
        {"values": ["a"], "shape": [2]},
        r"'values' holds 1 strings; shape \[2\] needs 2",
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD)])
def test_verifier_rule_rejects(case: Any) -> None:
    name, specs, attrs, match = case
    with pytest.raises(OpVerifyError, match=match):
        infer(name, specs, attrs)


def test_build_rejects_missing_operand() -> None:
    ctx = make_context()
    with ctx, ir.Location.unknown():
        with pytest.raises(OpVerifyError, match=r"'nn.conv' requires operand 'x'"):
            DIALECT.op("conv").build([None, None, None], {})  # 'x' is checked first
        with pytest.raises(OpVerifyError, match=r"takes 2 operand\(s\) \(a, b\), got 1"):
            DIALECT.op("add").build([None])
    del ctx


def test_builder_functions_fill_defaults_and_infer_types() -> None:
    from strata.dialects.nn import build

    with make_context(), ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):

            @func.FuncOp.from_py_func(type_of_spec(T(1, 3, 8, 8)), type_of_spec(T(4, 3, 3, 3)))
            def f(x: ir.Value, w: ir.Value) -> list[ir.Value]:
                y = build.conv(x, w, strides=[2, 2], pads=[1, 1, 1, 1], dilations=[1, 1])
                with pytest.raises(OpVerifyError, match="strides"):
                    build.conv(x, w, strides=[1], pads=[0, 0, 0, 0], dilations=[1, 1])
                return [build.relu(y), build.not_(build.equal(y, y))]

        assert module.operation.verify()
        text = str(module)
    assert "-> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xi1>)" in text
    assert "group = 1 : i64" in text  # the ONNX default was filled in
