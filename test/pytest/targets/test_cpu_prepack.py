"""Constant B packed at compile time (ukernels.prepack_plan, weights.pack_b).

A matrix product over a weight reads it in the micro-kernel library's packed layout from
NAME.bin (strata_sgemm_packed_<isa>) when every use of the weight is such a product. The
layout is written by numpy and read by C: wrong offsets give wrong numbers, so each case
compares against onnxruntime (models) or numpy (kernels), on the host's ISA and on AVX2
(`haswell`: 16-wide panels, other blocks), at 1 and 2 threads (threads split the columns:
each part of B is packed on its own). Shapes are chosen so that N is not a multiple of the
panel width and K is cut into several reduction blocks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from kernel_harness import run_kernel
from mlir import ir
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.context import make_context
from strata.passes.registry import run_pipeline
from strata.targets.cpu import machine, ukernels, weights
from strata.targets.cpu.compiler import _pack_weights
from strata.targets.cpu.passes import cpu_pipeline


def _model(m: int, k: int, n: int, trans_b: bool, shared: bool = False) -> onnx.ModelProto:
    """x[m, k] @ W (+ bias, ReLU) through Gemm (transB: W stored n x k) then a MatMul by a
    second weight; `shared`: W is also added to a graph output, so it cannot be packed."""
    r = np.random.default_rng(m * 7 + n)
    # weights scaled as a trained layer's are, so outputs stay about N(0, 1)
    w = (r.standard_normal((n, k) if trans_b else (k, n)) / np.sqrt(k)).astype(np.float32)
    bias = r.standard_normal(n).astype(np.float32)
    w2 = (r.standard_normal((n, 40)) / np.sqrt(n)).astype(np.float32)
    nodes = [
        helper.make_node("Gemm", ["x", "w", "bias"], ["g"], transB=int(trans_b), name="gemm"),
        helper.make_node("Relu", ["g"], ["h"], name="relu"),
        helper.make_node("MatMul", ["h", "w2"], ["y"], name="matmul"),
    ]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, 40])]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])]
    if shared:
        wshape = [n, k] if trans_b else [k, n]
        nodes.append(helper.make_node("Add", ["w", "z"], ["wz"], name="add"))
        inputs.append(helper.make_tensor_value_info("z", TensorProto.FLOAT, wshape))
        outputs.append(helper.make_tensor_value_info("wz", TensorProto.FLOAT, wshape))
    graph = helper.make_graph(
        nodes,
        "prepack",
        inputs,
        outputs,
        [
            numpy_helper.from_array(w, "w"),
            numpy_helper.from_array(bias, "bias"),
            numpy_helper.from_array(w2, "w2"),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("mcpu", ["native", "haswell"])
@pytest.mark.parametrize(
    ("m", "k", "n", "trans_b", "shared", "packs"),
    [
        (37, 1400, 75, False, False, ["w", "w2"]),  # ragged panels, 3 reduction blocks
        # Gemm transB (the importer stores W transposed), columns split among threads
        (64, 300, 1000, True, False, ["gemm.B_t", "w2"]),
        (37, 200, 75, False, True, ["w2"]),  # W also read by another op: stays unpacked
        (5, 64, 75, False, False, []),  # one register tile of rows: B read in place
    ],
)
def test_models_with_packed_weights_match_onnxruntime(
    tmp_path: Path,
    m: int,
    k: int,
    n: int,
    trans_b: bool,
    shared: bool,
    packs: list[str],
    mcpu: str,
    threads: int,
) -> None:
    model = _model(m, k, n, trans_b, shared)
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    r = np.random.default_rng(3)
    feeds = {"x": r.standard_normal((m, k)).astype(np.float32)}
    if shared:
        feeds["z"] = r.standard_normal((n, k) if trans_b else (k, n)).astype(np.float32)
    want = ort.InferenceSession(str(path)).run(None, feeds)
    compiled = strata.compile(str(path), num_threads=threads, mcpu=mcpu)
    assert sorted(compiled.meta.extra.get("packed_weights", [])) == packs
    got = compiled(feeds)
    for g, w in zip(got.values() if isinstance(got, dict) else got, want, strict=True):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-3, atol=1e-4)


def _kernel(m: int, k: int, n: int, trans_b: bool) -> str:
    """@kern(a, b weight) = a @ b (b stored n x k when trans_b) + fill, as a linalg function
    whose B argument is marked as a weight."""
    bt = f"tensor<{n}x{k}xf32>" if trans_b else f"tensor<{k}x{n}xf32>"
    maps = ""
    if trans_b:
        maps = (" indexing_maps = [affine_map<(i, j, l) -> (i, l)>, affine_map<(i, j, l) -> (j, l)>,"
                " affine_map<(i, j, l) -> (i, j)>]")  # fmt: skip
    at, ct = f"tensor<{m}x{k}xf32>", f"tensor<{m}x{n}xf32>"
    return f"""
func.func @kern(%a: {at}, %b: {bt} {{nn.weight = "b"}}) -> {ct} {{
  %e = tensor.empty() : {ct}
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : {ct}) -> {ct}
  %y = linalg.matmul{maps} ins(%a, %b : {at}, {bt}) outs(%f : {ct}) -> {ct}
  return %y : {ct}
}}"""


def _aligned(arr: np.ndarray) -> np.ndarray:
    """A copy of 1-d `arr` at a 64-byte aligned address (weights in NAME.bin are)."""
    buf = np.empty(arr.size + 16, np.float32)
    start = (-buf.ctypes.data % 64) // 4
    out = buf[start : start + arr.size]
    out[:] = arr
    assert out.ctypes.data % 64 == 0
    return out


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("trans_b", [False, True])
def test_transposed_weight_is_packed_from_its_strides(
    tmp_path: Path, trans_b: bool, threads: int
) -> None:
    """A matmul reading its weight through transposed indexing maps (strides 1, k) packs it
    from those strides; the kernel computes with the packed array the compiler would write."""
    m, k, n = 30, 520, 256  # 2 threads: two parts of 128 columns
    text = _kernel(m, k, n, trans_b)
    r = np.random.default_rng(5)
    a = r.standard_normal((m, k)).astype(np.float32)
    b = r.standard_normal((n, k) if trans_b else (k, n)).astype(np.float32)
    if ukernels.isa_of(machine.describe("native")) is None:
        pytest.skip("no micro-kernel library for this CPU")
    pipeline = cpu_pipeline(threads, "default", prepack=True)
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        run_pipeline(module, pipeline)
        assert ukernels.PACKED_WEIGHTS_ATTR in module.operation.attributes
        arrays = [b]
        assert _pack_weights(module, arrays, 1) == [0]
    packed = _aligned(arrays[0])  # the library's panel loads are aligned, as NAME.bin's are
    assert packed.ndim == 1 and packed.size >= b.size
    got = run_kernel(text, [a, packed], (m, n), tmp_path, threads, "default", prepack=True)
    np.testing.assert_allclose(got, a @ (b.T if trans_b else b), rtol=1e-3, atol=1e-4)


def test_pack_b_layout_of_a_small_matrix() -> None:
    """Panels of nr columns, kc rows each, zero-padded; the second reduction block follows
    the first within a column block, and the second column block starts at j0 * k."""
    k, n, nr = 3, 5, 4
    b = np.arange(k * n, dtype=np.float32).reshape(k, n)
    got = weights.pack_b(b, k, n, n, 1, n, 2, 4, nr)
    # column block 0 (4 columns): reduction block rows 0-1, then row 2
    want = [*b[0, :4], *b[1, :4], *b[2, :4]]
    # column block 1 (1 column, padded to 4) starts at 4 * k = 12
    want += [b[0, 4], 0, 0, 0, b[1, 4], 0, 0, 0, b[2, 4], 0, 0, 0]
    np.testing.assert_array_equal(got, np.array(want, np.float32))
    with pytest.raises(ValueError, match="does not fit"):
        weights.pack_b(b, k, n + 1, n, 1, n, 2, 4, nr)
