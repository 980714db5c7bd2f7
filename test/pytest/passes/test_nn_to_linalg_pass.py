"""convert-nn-to-linalg as a pass: registration, coverage of the nn dialect, errors, speed."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from mlir import ir
from mlir.dialects import func

from strata.context import make_context
from strata.dialects.nn import DIALECT
from strata.errors import CompilationError
from strata.passes import nn_to_linalg
from strata.passes.lowering import all_lowerings
from strata.passes.registry import passes, pipelines, run_pipeline


def test_pass_and_pipeline_registered() -> None:
    assert passes()["convert-nn-to-linalg"] is nn_to_linalg.ConvertNNToLinalg
    assert "convert-nn-to-linalg" in pipelines()["strata-nn-to-linalg"].text


def test_every_native_rewrite_is_implemented() -> None:
    declared = set(nn_to_linalg.native_names())
    assert declared == set(all_lowerings())


def test_every_nn_op_has_a_rule() -> None:
    text = nn_to_linalg.pdll_source()
    matched = set(re.findall(r"op<nn\.(\w+)>", text))
    assert {o.name for o in DIALECT.ops} <= matched
    assert matched <= {o.name for o in DIALECT.ops}


def test_pdl_text_is_compiled_once() -> None:
    assert nn_to_linalg.pdl_text() is nn_to_linalg.pdl_text()
    assert nn_to_linalg.pdl_text().count("pdl.pattern") >= len(DIALECT.ops)


def _module(body: str) -> ir.Module:
    return ir.Module.parse(body)


def test_no_nn_op_remains() -> None:
    with make_context(), ir.Location.unknown():
        m = _module(
            "func.func @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {\n"
            '  %0 = "nn.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>\n'
            '  %1 = "nn.transpose"(%0) {perm = array<i64: 1, 0>}'
            " : (tensor<2x3xf32>) -> tensor<3x2xf32>\n"
            "  return %1 : tensor<3x2xf32>\n}"
        )
        run_pipeline(m, "strata-nn-to-linalg")
        text = str(m)
    assert '"nn.' not in text and "linalg.transpose" in text


def test_unsupported_variant_raises_compilation_error_naming_op_and_location() -> None:
    with make_context(), ir.Location.unknown():
        x_t = ir.RankedTensorType.get([4], ir.IntegerType.get_unsigned(8))
        i_t = ir.RankedTensorType.get([2], ir.IntegerType.get_signless(64))
        u_t = ir.RankedTensorType.get([2], ir.IntegerType.get_unsigned(8))
        m = ir.Module.create()
        with ir.InsertionPoint(m.body):

            @func.FuncOp.from_py_func(x_t, i_t, u_t)
            def f(x: ir.Value, i: ir.Value, u: ir.Value) -> list[ir.Value]:
                attrs = {"axis": 0, "reduction": "add"}
                loc = ir.Location.name("up_node")
                return DIALECT.op("scatter_elements").build([x, i, u], attrs, loc=loc)

        with pytest.raises(CompilationError, match=r"nn\.scatter_elements.*up_node.*unsigned"):
            run_pipeline(m, "convert-nn-to-linalg")


def _transformer_layer_chain(n_layers: int) -> ir.Module:
    """A BERT-like stack of ~20 nn ops per layer on [1, 128, 64] activations."""
    r = np.random.default_rng(0)
    hid, seq = 64, 128
    x_t = ir.RankedTensorType.get([1, seq, hid], ir.F32Type.get())
    m = ir.Module.create()

    def const(*shape: int) -> ir.Value:
        return DIALECT.op("constant").build([], {"value": r.standard_normal(shape).astype("f")})[0]

    def op(name: str, *ins: ir.Value | None, **attrs: object) -> ir.Value:
        return DIALECT.op(name).build(list(ins), attrs)[0]

    with ir.InsertionPoint(m.body):

        @func.FuncOp.from_py_func(x_t)
        def main(x: ir.Value) -> ir.Value:
            for _ in range(n_layers):
                q = op("add", op("mat_mul", x, const(hid, hid)), const(hid))
                k = op("transpose", op("reshape", q, shape=[1, seq, 4, 16]), perm=[0, 2, 3, 1])
                qh = op("transpose", op("reshape", q, shape=[1, seq, 4, 16]), perm=[0, 2, 1, 3])
                s = op("softmax", op("div", op("mat_mul", qh, k), const(1)), axis=-1)
                ctx = op(
                    "reshape",
                    op("transpose", op("mat_mul", s, qh), perm=[0, 2, 1, 3]),
                    shape=[1, seq, hid],
                )
                h = op("layer_normalization", op("add", ctx, x), const(hid), const(hid))
                g = op("gelu", op("add", op("mat_mul", h, const(hid, 4 * hid)), const(4 * hid)))
                x = op(
                    "layer_normalization",
                    op("add", op("mat_mul", g, const(4 * hid, hid)), h),
                    const(hid),
                    const(hid),
                )
            return x

    return m


def test_compile_time_of_a_thousand_ops() -> None:
    with make_context(), ir.Location.unknown():
        m = _transformer_layer_chain(40)
        n_ops = sum(1 for o in m.body.operations[0].regions[0].blocks[0].operations)
        assert n_ops > 1000
        start = time.perf_counter()
        run_pipeline(m, "strata-nn-to-linalg")
        elapsed = time.perf_counter() - start
        assert '"nn.' not in m.operation.get_asm(large_elements_limit=4)
    assert elapsed < 20.0, f"lowering {n_ops} ops took {elapsed:.1f} s"
