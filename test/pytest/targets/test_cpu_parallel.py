"""Threads for the loop nests no schedule takes (passes.ParallelizeLoops) and the thread count
of `num_threads=None` (all cores).

The pass tiles each big enough linalg.generic by an scf.forall along its outermost parallel
loop; the ops next to a micro-kernel call (its bias broadcast, its ReLU) stay whole so that
the call still takes them over. Kernels are compiled through the real pipeline and compared
with numpy; whether a loop became parallel is read from the IR.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from kernel_harness import run_kernel
from mlir import ir
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.context import make_context
from strata.passes.registry import run_pipeline
from strata.targets.cpu import passes, toolchain
from strata.targets.cpu.passes import cpu_pipeline

SOFTMAX = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @kern(%x: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<{m}xf32>
  %mx0 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<{m}xf32>) -> tensor<{m}xf32>
  %mx = linalg.generic {{indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}}
      ins(%x : tensor<{m}x{n}xf32>) outs(%mx0 : tensor<{m}xf32>) {{
  ^bb0(%a: f32, %acc: f32):
    %r = arith.maximumf %a, %acc : f32
    linalg.yield %r : f32
  }} -> tensor<{m}xf32>
  %e2 = tensor.empty() : tensor<{m}x{n}xf32>
  %ex = linalg.generic {{indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%x, %mx : tensor<{m}x{n}xf32>, tensor<{m}xf32>) outs(%e2 : tensor<{m}x{n}xf32>) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  }} -> tensor<{m}x{n}xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<{m}xf32>) -> tensor<{m}xf32>
  %s = linalg.generic {{indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}}
      ins(%ex : tensor<{m}x{n}xf32>) outs(%s0 : tensor<{m}xf32>) {{
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %a, %acc : f32
    linalg.yield %r : f32
  }} -> tensor<{m}xf32>
  %y = linalg.generic {{indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%ex, %s : tensor<{m}x{n}xf32>, tensor<{m}xf32>) outs(%e2 : tensor<{m}x{n}xf32>) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  }} -> tensor<{m}x{n}xf32>
  return %y : tensor<{m}x{n}xf32>
}}
"""


def _softmax_ref(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _after(text: str, pipeline: str) -> str:
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        run_pipeline(module, pipeline)
        return str(module)


def test_big_loop_nests_are_split_among_threads() -> None:
    big = _after(SOFTMAX.format(m=384, n=300), "strata-cpu-parallelize-loops{num-threads=2}")
    # the four loop nests (two reductions over rows, two elementwise): each its forall,
    # split along the rows (192 of 384 each)
    assert big.count("scf.forall (") == 4
    assert "(192, 300)" in big or "192x300" in big
    small = _after(SOFTMAX.format(m=16, n=30), "strata-cpu-parallelize-loops{num-threads=2}")
    assert "scf.forall (" not in small  # 480 iterations: not worth a fork
    one = _after(SOFTMAX.format(m=384, n=300), "strata-cpu-parallelize-loops{num-threads=1}")
    assert "scf.forall (" not in one


@pytest.mark.parametrize("threads", [1, 2, None])
def test_split_loop_nests_compute_the_same(tmp_path: Path, threads: int | None) -> None:
    x = np.random.default_rng(0).standard_normal((384, 300)).astype(np.float32)
    got = run_kernel(SOFTMAX.format(m=384, n=300), [x], x.shape, tmp_path, threads, "default")
    np.testing.assert_allclose(got, _softmax_ref(x), rtol=1e-5, atol=1e-6)


def test_ops_a_library_call_takes_over_stay_whole() -> None:
    """Gemm + ReLU at 2 threads: the matmul is split for the library; its bias broadcast
    and its ReLU are left for the call to fold in (no forall of their own)."""
    m, k, n = 256, 256, 512
    text = f"""
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @kern(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>, %bias: tensor<{n}xf32>)
    -> tensor<{m}x{n}xf32> {{
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %init = linalg.generic {{indexing_maps = [#col, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%bias : tensor<{n}xf32>) outs(%e : tensor<{m}x{n}xf32>) {{
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }} -> tensor<{m}x{n}xf32>
  %y = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
      outs(%init : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%y : tensor<{m}x{n}xf32>) outs(%e : tensor<{m}x{n}xf32>) {{
  ^bb0(%v: f32, %o: f32):
    %t = arith.maximumf %v, %zero : f32
    linalg.yield %t : f32
  }} -> tensor<{m}x{n}xf32>
  return %r : tensor<{m}x{n}xf32>
}}"""
    full = cpu_pipeline(2, "default")
    upto = full.split(",strata-legalize-dynamic-expand-shape")[0].split(",strata-cpu-distinct")[0]
    ir_text = _after(text, upto)
    assert ir_text.count("scf.forall (") == 1, ir_text  # the matmul's own split only


def _gemm_model(path: Path) -> None:
    r = np.random.default_rng(1)
    w = (r.standard_normal((512, 512)) / 16).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [128, 512])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [128, 512])],
        [numpy_helper.from_array(w, "w")],
    )
    onnx.save(
        helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8),
        str(path),
    )


def test_num_threads_none_uses_every_core(tmp_path: Path) -> None:
    """The API's default (all cores) gives the same parallel code as an explicit count: the
    library call is split by a forall, which becomes an OpenMP fork."""
    if passes._cores() < 2:
        pytest.skip("one core: nothing to split")
    path = tmp_path / "g.onnx"
    _gemm_model(path)
    model = strata.compile(str(path))
    lib = model.directory / model.meta.library
    symbols = subprocess.run(
        [toolchain.llvm_bin("llvm-nm"), "-D", "--undefined-only", str(lib)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "__kmpc_fork_call" in symbols
    x = np.random.default_rng(2).standard_normal((128, 512)).astype(np.float32)
    w = onnx.numpy_helper.to_array(onnx.load(str(path)).graph.initializer[0])
    (y,) = model({"x": x})
    np.testing.assert_allclose(y, x @ w, rtol=1e-4, atol=1e-4)


POOL = """
func.func @kern(%x: tensor<1x64x66x66xf32>) -> tensor<1x64x32x32xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x64x32x32xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %y = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %win : tensor<1x64x66x66xf32>, tensor<3x3xf32>)
      outs(%init : tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32>
  return %y : tensor<1x64x32x32xf32>
}
"""


@pytest.mark.parametrize("threads", [1, 2])
def test_pooling_is_split_by_channels(tmp_path: Path, threads: int) -> None:
    asm = _after(POOL, f"strata-cpu-parallelize-loops{{num-threads={threads}}}")
    assert asm.count("scf.forall (") == (1 if threads == 2 else 0)
    if threads == 2:
        assert "tensor<1x32x65x65xf32>" in asm  # the input slice of 32 channels
    x = np.random.default_rng(4).standard_normal((1, 64, 66, 66)).astype(np.float32)
    got = run_kernel(POOL, [x], (1, 64, 32, 32), tmp_path, threads, "default")
    windows = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(2, 3))[:, :, ::2, ::2]
    np.testing.assert_array_equal(got, windows.max(axis=(4, 5)))


TRANSPOSE = """
func.func @kern(%x: tensor<1x128x12x64xf32>) -> tensor<1x12x128x64xf32> {
  %e = tensor.empty() : tensor<1x12x128x64xf32>
  %y = linalg.transpose ins(%x : tensor<1x128x12x64xf32>) outs(%e : tensor<1x12x128x64xf32>)
      permutation = [0, 2, 1, 3]
  return %y : tensor<1x12x128x64xf32>
}
"""


@pytest.mark.parametrize("threads", [1, 2])
def test_transposes_are_split_too(tmp_path: Path, threads: int) -> None:
    """BERT's head permutations: split along the first dim of at least `threads` (heads)."""
    asm = _after(TRANSPOSE, f"strata-cpu-parallelize-loops{{num-threads={threads}}}")
    assert asm.count("scf.forall (") == (1 if threads == 2 else 0)
    x = np.random.default_rng(5).standard_normal((1, 128, 12, 64)).astype(np.float32)
    got = run_kernel(TRANSPOSE, [x], (1, 12, 128, 64), tmp_path, threads, "default")
    np.testing.assert_array_equal(got, x.transpose(0, 2, 1, 3))
