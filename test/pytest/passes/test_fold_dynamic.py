"""strata-nn-fold-dynamic: each folded op computes what its run-time form computes.

Every case is a function with one `nn.dynamic_*` op on constant shape-like operands. It is
lowered twice -- as written (the dynamic op's own lowering) and after the fold (the static
op's) -- JIT-compiled and run on the same input; the results must be identical.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest
from mlir import ir
from mlir.passmanager import PassManager
from nn_jit import CPU_PIPELINE, jit_run

from strata.context import make_context
from strata.passes.fold_dynamic import fold_dynamic
from strata.passes.registry import run_pipeline

RO = "{bufferization.writable = false}"


def _c(name: str, values: list[int]) -> str:
    vals = ", ".join(str(v) for v in values)
    return (
        f'%{name} = "nn.constant"() {{value = dense<[{vals}]> : tensor<{len(values)}xi64>}} '
        f": () -> tensor<{len(values)}xi64>"
    )


# (name, input shape, constants, op line, result type)
CASES = [
    (
        "reshape",
        (2, 3, 4),
        [_c("s", [0, -1])],
        '"nn.dynamic_reshape"(%x, %s) {allowzero = 0 : i64} : '
        "(tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>",
        "tensor<2x12xf32>",
    ),
    (
        "slice_negative",
        (4, 6),
        [_c("b", [-1, 0]), _c("e", [-5, 9]), _c("a", [-1, 0]), _c("t", [-2, 3])],
        '"nn.dynamic_slice"(%x, %b, %e, %a, %t) : (tensor<4x6xf32>, tensor<2xi64>, '
        "tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2xf32>",
        "tensor<2x2xf32>",
    ),
    (
        "unsqueeze_negative",
        (3, 4),
        [_c("a", [-1, 0])],
        '"nn.dynamic_unsqueeze"(%x, %a) : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<1x3x4x1xf32>',
        "tensor<1x3x4x1xf32>",
    ),
    (
        "reduce_sum_keepdims",
        (3, 4, 5),
        [_c("a", [-1, 0])],
        '"nn.dynamic_reduce_sum"(%x, %a) {keepdims = 1 : i64, noop_with_empty_axes = 0 : i64} : '
        "(tensor<3x4x5xf32>, tensor<2xi64>) -> tensor<1x4x1xf32>",
        "tensor<1x4x1xf32>",
    ),
    (
        "tile",
        (2, 3),
        [_c("r", [2, 1])],
        '"nn.dynamic_tile"(%x, %r) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>',
        "tensor<4x3xf32>",
    ),
    (
        "expand",
        (3, 1),
        [_c("s", [2, 1, 4])],
        '"nn.dynamic_expand"(%x, %s) : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>',
        "tensor<2x3x4xf32>",
    ),
    (
        "cum_sum_reverse",
        (3, 4),
        [_c("a", [-1])],
        '"nn.dynamic_cum_sum"(%x, %a) {exclusive = 1 : i64, reverse = 1 : i64} : '
        "(tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x4xf32>",
        "tensor<3x4xf32>",
    ),
]


def _module_text(shape: tuple[int, ...], consts: list[str], line: str, result: str) -> str:
    arg = f"tensor<{'x'.join(map(str, shape))}xf32>"
    body = "\n    ".join(consts)
    return f"""
func.func @main(%x: {arg} {RO}) -> {result} attributes {{llvm.emit_c_interface}} {{
    {body}
    %0 = {line}
    return %0 : {result}
}}"""


def _run(text: str, fold: bool, x: np.ndarray, out_shape: list[int]) -> tuple[np.ndarray, int]:
    ctx = make_context()
    try:
        with ctx, ir.Location.unknown():
            module = ir.Module.parse(text)
            folded = fold_dynamic(module.operation) if fold else 0
            dynamic_left = "nn.dynamic_" in str(module)
            run_pipeline(module, "convert-nn-to-linalg,canonicalize,cse")
            PassManager.parse(CPU_PIPELINE).run(module.operation)
            (out,) = jit_run(module, [x], [(out_shape, np.dtype(np.float32))])
            del module
    finally:
        del ctx
        gc.collect()
    assert dynamic_left == (not fold)
    return out, folded


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_folded_op_matches_the_dynamic_lowering(case: tuple) -> None:
    _, shape, consts, line, result = case
    text = _module_text(shape, consts, line, result)
    out_shape = [int(d) for d in result.removeprefix("tensor<").split("x")[:-1]]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    want, _ = _run(text, False, x, out_shape)
    got, folded = _run(text, True, x, out_shape)
    assert folded == 1
    np.testing.assert_array_equal(got, want)


def test_computed_operands_are_left_alone() -> None:
    text = """
func.func @f(%x: tensor<3x1xf32>, %s: tensor<2xi64>) -> tensor<3x?xf32> {
  %0 = "nn.dynamic_expand"(%x, %s) : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}"""
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(text)
        assert fold_dynamic(module.operation) == 0
        assert "nn.dynamic_expand" in str(module)
