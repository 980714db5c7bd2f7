"""CPU schedules (targets/cpu/schedules.py): scheduled kernels vs unscheduled ones and numpy.

Each case is a linalg-on-tensors function lowered with `cpu_pipeline(threads, schedule)`, built
into a shared library with the target's own toolchain and called through ctypes, for the host
CPU and for AVX2 (`mcpu=haswell`, which every machine of the project runs; its tile sizes and
cache blocks differ from AVX-512's). Shapes are chosen so that no dim is a multiple of the
register tiles (14 x 32 and 6 x 16, kr 4): remainder splits, odd reduction chunks, batch 2,
stride 2, and reductions long enough to be blocked for the caches (`*_blocked`); ONNX models
(groups, Gemm transB) are checked against onnxruntime through strata.compile.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kernel_harness import run_kernel
from mlir import ir

from strata.context import make_context
from strata.passes.registry import run_pipeline
from strata.targets.cpu import openmp, schedules
from strata.targets.cpu.passes import cpu_pipeline


def _matmul(m: int, n: int, k: int, tb: bool) -> tuple[str, list[np.ndarray], np.ndarray]:
    bshape = (n, k) if tb else (k, n)
    maps = ""
    if tb:
        maps = (" indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (j, k)>,"
                " affine_map<(i, j, k) -> (i, j)>]")  # fmt: skip
    at, bt, ct = (
        f"tensor<{m}x{k}xf32>",
        f"tensor<{bshape[0]}x{bshape[1]}xf32>",
        f"tensor<{m}x{n}xf32>",
    )
    text = f"""
func.func @kern(%a: {at}, %b: {bt}) -> {ct} {{
  %e = tensor.empty() : {ct}
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : {ct}) -> {ct}
  %y = linalg.matmul{maps} ins(%a, %b : {at}, {bt}) outs(%f : {ct}) -> {ct}
  return %y : {ct}
}}"""
    r = np.random.default_rng(m * 1000 + n * 10 + k)
    a = r.standard_normal((m, k)).astype(np.float32)
    b = r.standard_normal(bshape).astype(np.float32)
    return text, [a, b], a @ (b.T if tb else b)


def _batch_matmul(bs: int, m: int, n: int, k: int) -> tuple[str, list[np.ndarray], np.ndarray]:
    at, bt, ct = (f"tensor<{bs}x{m}x{k}xf32>", f"tensor<{bs}x{k}x{n}xf32>",
                  f"tensor<{bs}x{m}x{n}xf32>")  # fmt: skip
    text = f"""
func.func @kern(%a: {at}, %b: {bt}) -> {ct} {{
  %e = tensor.empty() : {ct}
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : {ct}) -> {ct}
  %y = linalg.batch_matmul ins(%a, %b : {at}, {bt}) outs(%f : {ct}) -> {ct}
  return %y : {ct}
}}"""
    r = np.random.default_rng(1)
    a = r.standard_normal((bs, m, k)).astype(np.float32)
    b = r.standard_normal((bs, k, n)).astype(np.float32)
    return text, [a, b], a @ b


def _conv(n: int, c: int, h: int, w_: int, f: int, kh: int, kw: int, s: int, d: int = 1
          ) -> tuple[str, list[np.ndarray], np.ndarray]:  # fmt: skip
    oh, ow = (h - d * (kh - 1) - 1) // s + 1, (w_ - d * (kw - 1) - 1) // s + 1
    xt, wt, yt = (f"tensor<{n}x{c}x{h}x{w_}xf32>", f"tensor<{f}x{c}x{kh}x{kw}xf32>",
                  f"tensor<{n}x{f}x{oh}x{ow}xf32>")  # fmt: skip
    text = f"""
func.func @kern(%x: {xt}, %w: {wt}, %b: tensor<{f}xf32>) -> {yt} {{
  %e = tensor.empty() : {yt}
  %init = linalg.broadcast ins(%b : tensor<{f}xf32>) outs(%e : {yt}) dimensions = [0, 2, 3]
  %y = linalg.conv_2d_nchw_fchw {{strides = dense<{s}> : tensor<2xi64>,
                                  dilations = dense<{d}> : tensor<2xi64>}}
    ins(%x, %w : {xt}, {wt}) outs(%init : {yt}) -> {yt}
  return %y : {yt}
}}"""
    r = np.random.default_rng(2)
    x = r.standard_normal((n, c, h, w_)).astype(np.float32)
    w = r.standard_normal((f, c, kh, kw)).astype(np.float32)
    b = r.standard_normal((f,)).astype(np.float32)
    ref = np.broadcast_to(b[None, :, None, None], (n, f, oh, ow)).copy()
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * d, j * d
            patch = x[:, :, r0 : r0 + s * (oh - 1) + 1 : s, c0 : c0 + s * (ow - 1) + 1 : s]
            ref += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return text, [x, w, b], ref


def _epilogue(
    build: tuple[str, list[np.ndarray], np.ndarray], kind: str
) -> tuple[str, list[np.ndarray], np.ndarray]:
    """`build`'s function followed by an elementwise op that the `default` schedule's calls
    take over (ukernels.fusion_of): "res_relu" adds a residual input then ReLU, "bias_relu6"
    adds a bias along the last dim then clamps to [0, 6]."""
    text, inputs, ref = build
    yt = text.split("-> ")[1].split(" {")[0]
    rank = ref.ndim
    dims = ", ".join(f"d{i}" for i in range(rank))
    ident = f"affine_map<({dims}) -> ({dims})>"
    par = ", ".join(['"parallel"'] * rank)
    r = np.random.default_rng(7)
    if kind == "res_relu":
        extra = r.standard_normal(ref.shape).astype(np.float32)
        xt, xmap = yt, ident
        body = "%s = arith.addf %in, %xe : f32\n    %o = arith.maximumf %s, %z0 : f32"
        out = np.maximum(ref + extra, 0)
    else:
        extra = r.standard_normal(ref.shape[-1:]).astype(np.float32)
        xt, xmap = f"tensor<{ref.shape[-1]}xf32>", f"affine_map<({dims}) -> (d{rank - 1})>"
        body = ("%s = arith.addf %in, %xe : f32\n    %t = arith.maximumf %s, %z0 : f32\n"
                "    %o = arith.minimumf %t, %six : f32")  # fmt: skip
        out = np.clip(ref + extra, 0, 6)
    head = text.rsplit("  return %y", 1)[0]
    head = head.replace(") -> " + yt, f", %extra: {xt}) -> " + yt, 1)
    text = f"""{head}  %z0 = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %e2 = tensor.empty() : {yt}
  %yy = linalg.generic {{indexing_maps = [{ident}, {xmap}, {ident}], iterator_types = [{par}]}}
    ins(%y, %extra : {yt}, {xt}) outs(%e2 : {yt}) {{
  ^bb0(%in: f32, %xe: f32, %unused: f32):
    {body}
    linalg.yield %o : f32
  }} -> {yt}
  return %yy : {yt}
}}"""
    return text, [*inputs, extra], out


def _run(text: str, inputs: list[np.ndarray], shape: tuple[int, ...], tmp: Path,
         threads: int | None, schedule: str, mcpu: str = "native") -> np.ndarray:  # fmt: skip
    return run_kernel(text, inputs, shape, tmp, threads, schedule, mcpu)


CASES = {
    "matmul_odd": lambda: _matmul(37, 45, 19, False),  # M, N remainders, prime K (split K)
    "matmul_big_odd": lambda: _matmul(70, 100, 67, False),  # K % 4 == 3 and K % 3 == 1
    "matmul_small": lambda: _matmul(3, 5, 2, False),  # smaller than one tile
    "matmul_transposed_b": lambda: _matmul(13, 33, 7, True),  # Gemm transB maps
    "batch_matmul": lambda: _batch_matmul(3, 9, 40, 5),
    "conv_batch2_stride2": lambda: _conv(2, 5, 11, 12, 13, 3, 3, 2),
    "conv_1x1": lambda: _conv(1, 16, 7, 7, 24, 1, 1, 1),
    "conv_7x7_s2": lambda: _conv(1, 3, 23, 23, 9, 7, 7, 2),
    "conv_dilated": lambda: _conv(2, 3, 10, 9, 2, 3, 3, 2, d=2),  # not im2col: plain loops
    # K and N blocked for the caches (kc 280 on both ISAs, nc 80 on haswell's 256 KiB L2)
    "matmul_blocked": lambda: _matmul(21, 160, 1400, False),
    "batch_matmul_blocked": lambda: _batch_matmul(2, 7, 192, 1400),  # nc 96 on haswell
    "conv_blocked": lambda: _conv(1, 80, 12, 12, 16, 3, 3, 1),  # K = 720: kc 240 / 360
    # epilogues folded into the library's calls (the bias broadcast / zero fill before them
    # is folded too): a residual + ReLU after a split conv and a k-blocked one, a bias +
    # ReLU6 after a matrix-vector product (B read in place, ragged right panel) and after a
    # k-blocked matmul
    "conv_res_relu": lambda: _epilogue(_conv(2, 16, 9, 9, 40, 3, 3, 1), "res_relu"),
    "conv_blocked_res_relu": lambda: _epilogue(_conv(1, 80, 12, 12, 16, 3, 3, 1), "res_relu"),
    "gemv_bias_relu6": lambda: _epilogue(_matmul(1, 100, 300, False), "bias_relu6"),
    "matmul_blocked_bias_relu6": lambda: _epilogue(_matmul(21, 160, 1400, False), "bias_relu6"),
    "batch_matmul_res_relu": lambda: _epilogue(_batch_matmul(3, 9, 40, 5), "res_relu"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(("threads", "mcpu"), [(1, "native"), (2, "native"), (1, "haswell")])
@pytest.mark.parametrize("schedule", ["tiled", "default"])
def test_scheduled_matches_unscheduled_and_numpy(
    case: str, threads: int, mcpu: str, schedule: str, tmp_path: Path
) -> None:
    """`tiled`: generated register tiles; `default`: the micro-kernel library's calls (the
    AVX2 variant for haswell, the host's for native)."""
    # intel-openmp is a dependency of the package: a missing libiomp5 is a broken install
    assert threads == 1 or openmp.library_dir() is not None, "libiomp5 (intel-openmp) not found"
    text, inputs, ref = CASES[case]()
    tiled = _run(text, inputs, ref.shape, tmp_path, threads, schedule, mcpu)
    plain = _run(text, inputs, ref.shape, tmp_path, 1, "none")
    np.testing.assert_allclose(tiled, ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tiled, plain, rtol=1e-4, atol=1e-4)


def test_scheduled_code_is_vectorised() -> None:
    """The tiled schedule leaves no linalg contraction and emits vector FMAs (outer products)."""
    text, _, _ = _matmul(64, 64, 64, False)
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        run_pipeline(module, "strata-cpu-schedule{schedule=tiled}")
        asm = str(module)
    assert "linalg.matmul" not in asm
    assert "vector.fma" in asm or "vector.outerproduct" in asm


def test_unknown_schedule_raises() -> None:
    with pytest.raises(
        schedules.UnknownScheduleError, match="known schedules: default, none, tiled"
    ):
        cpu_pipeline(1, "fastest")


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 7, 9, 13, 19, 64, 67, 147, 4609])
def test_k_plan_covers_k_with_tiles_of_at_least_two(k: int) -> None:
    plan = schedules.k_plan(k, 4)
    assert sum(extent for extent, _ in plan) == k
    for extent, tile in plan:
        assert extent % tile == 0
        assert tile >= 2 or k == 1


def test_thread_count_reaches_openmp() -> None:
    assert "num-threads=2" in cpu_pipeline(2)
    assert "num-threads=0" in cpu_pipeline(None)  # 0: OpenMP's default team (all cores)
    assert "openmp" not in cpu_pipeline(1)
    assert openmp.link_args(1) == []


def test_dilated_conv_is_left_to_plain_loops() -> None:
    """im2col needs unit dilations: a dilated NCHW conv gets no schedule (it still lowers)."""
    text = """
func.func @kern(%x: tensor<1x2x9x9xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x5x5xf32> {
  %e = tensor.empty() : tensor<1x3x5x5xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x3x5x5xf32>) -> tensor<1x3x5x5xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>,
      strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x9x9xf32>, tensor<3x2x3x3xf32>)
      outs(%f : tensor<1x3x5x5xf32>) -> tensor<1x3x5x5xf32>
  return %y : tensor<1x3x5x5xf32>
}
"""
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        conv = module.body.operations[0].regions[0].blocks[0].operations[3]
        assert schedules.contraction_of(conv.operation) is None
        run_pipeline(module, "strata-cpu-schedule{schedule=tiled}")
        assert "linalg.conv_2d_nchw_fchw" in str(module)
