"""Depthwise NCHW convolution schedule (targets/cpu/depthwise.py) on odd shapes.

Kernels: `linalg.depthwise_conv_2d_nchw_chw` functions lowered with `cpu_pipeline(threads,
"tiled" | "default")` (the `default` schedule's micro-kernel library call on AVX2 machines)
and compared with numpy and the unscheduled ("none") build; shapes exercise both loop
orders (wide stride-1 rows and tiled short rows), a width remainder tile, channels that are not
a multiple of the vector width, stride 2, dilation 2 and batch 2. Models: single grouped Conv
(group == C, with pads) ONNX models through strata.compile against onnxruntime.
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
from strata.passes.registry import run_pipeline, split_top_level
from strata.targets.cpu import depthwise
from strata.targets.cpu.passes import cpu_pipeline


def _depthwise(n: int, c: int, h: int, w_: int, k: int, s: int, d: int = 1
               ) -> tuple[str, list[np.ndarray], np.ndarray]:  # fmt: skip
    oh, ow = (h - d * (k - 1) - 1) // s + 1, (w_ - d * (k - 1) - 1) // s + 1
    xt, wt = f"tensor<{n}x{c}x{h}x{w_}xf32>", f"tensor<{c}x{k}x{k}xf32>"
    yt = f"tensor<{n}x{c}x{oh}x{ow}xf32>"
    text = f"""
func.func @kern(%x: {xt}, %w: {wt}, %b: tensor<{c}xf32>) -> {yt} {{
  %e = tensor.empty() : {yt}
  %init = linalg.broadcast ins(%b : tensor<{c}xf32>) outs(%e : {yt}) dimensions = [0, 2, 3]
  %y = linalg.depthwise_conv_2d_nchw_chw {{strides = dense<{s}> : tensor<2xi64>,
                                          dilations = dense<{d}> : tensor<2xi64>}}
    ins(%x, %w : {xt}, {wt}) outs(%init : {yt}) -> {yt}
  return %y : {yt}
}}"""
    r = np.random.default_rng(c * 100 + h)
    x = r.standard_normal((n, c, h, w_)).astype(np.float32)
    w = r.standard_normal((c, k, k)).astype(np.float32)
    b = r.standard_normal((c,)).astype(np.float32)
    ref = np.broadcast_to(b[None, :, None, None], (n, c, oh, ow)).copy()
    for i in range(k):
        for j in range(k):
            patch = x[
                :, :, i * d : i * d + s * (oh - 1) + 1 : s, j * d : j * d + s * (ow - 1) + 1 : s
            ]
            ref += patch * w[None, :, i, j, None, None]
    return text, [x, w, b], ref


def _run(text: str, inputs: list[np.ndarray], shape: tuple[int, ...], tmp: Path,
         threads: int | None, schedule: str) -> np.ndarray:  # fmt: skip
    return run_kernel(text, inputs, shape, tmp, threads, schedule)


WIDE = depthwise.WIDE_ROW + 5  # a stride-1 row wide enough for the untiled loop order
CASES = {
    "wide_rows_odd_channels": lambda: _depthwise(1, 13, 6, WIDE, 3, 1),
    "wide_rows_batch2": lambda: _depthwise(2, 3, 5, WIDE + 1, 3, 1),
    "tiled_remainder_stride1": lambda: _depthwise(1, 17, 9, 23, 3, 1),  # 21 = 16 + 5
    "tiled_stride2_batch2": lambda: _depthwise(2, 13, 11, 12, 3, 2),
    "stride2_wide_input": lambda: _depthwise(1, 5, 7, 2 * WIDE + 3, 3, 2),  # 54 = 3 * 16 + 6
    "narrow_rows": lambda: _depthwise(1, 9, 9, 9, 3, 1),  # 7 columns: one tile
    "dilation2_5x5": lambda: _depthwise(1, 7, 14, 20, 5, 1, 2),
    "big_flops_parallel": lambda: _depthwise(1, 37, 30, 40, 3, 1),  # forall over channels
    "stride2_5x5": lambda: _depthwise(1, 6, 17, 37, 5, 2),
    "stride3": lambda: _depthwise(2, 3, 10, 29, 3, 3),  # the library's scalar planes
    # planes narrower than a vector: the library computes them a vector of channels at a
    # time; 37 / 40 channels leave a partial block of channels on both ISAs
    "small_planes_many_channels": lambda: _depthwise(1, 37, 9, 9, 3, 1),
    "small_planes_stride2_batch2": lambda: _depthwise(2, 40, 15, 15, 3, 2),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("schedule", ["tiled", "default"])
def test_depthwise_matches_numpy_and_unscheduled(
    case: str, threads: int, schedule: str, tmp_path: Path
) -> None:
    """`tiled`: the generated loop nests above; `default`: the micro-kernel library's
    depthwise call (strata_dwconv2d_<isa>), which also takes over the bias broadcast."""
    text, inputs, ref = CASES[case]()
    tiled = _run(text, inputs, ref.shape, tmp_path, threads, schedule)
    plain = _run(text, inputs, ref.shape, tmp_path, 1, "none")
    np.testing.assert_allclose(tiled, ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tiled, plain, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("ow", "stride", "order"),
    [(WIDE, 1, "kh, kw, ow"), (21, 1, "tile"), (WIDE, 2, "tile")],
)
def test_schedule_reorders_loops(ow: int, stride: int, order: str) -> None:
    """`tiled`: the depthwise op is generalised, innermost loop over the output width."""
    text, _, _ = _depthwise(1, 3, 4, stride * (ow - 1) + 3, 3, stride)
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        run_pipeline(module, "strata-cpu-schedule{schedule=tiled}")
        asm = str(module)
    assert "linalg.depthwise_conv_2d_nchw_chw" not in asm
    assert "linalg.generic" in asm
    # the output's map reads (n, c, oh, ow) from the innermost (last) loop for ow
    assert "-> (d0, d1, d2, d5)>" in asm
    assert ("scf.for" in asm) == (order == "tile")


@pytest.mark.parametrize("threads", [1, 2])
def test_default_schedule_leaves_it_to_the_library(threads: int) -> None:
    """`default` on an AVX2 machine: the op stays whole and tagged for the library (its
    channels split among threads), and becomes one call per thread's channels."""
    text, _, _ = _depthwise(1, 64, 70, 70, 3, 1)  # 5.3 MFLOP: worth two threads
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        run_pipeline(
            module, f"strata-cpu-schedule{{schedule=default mcpu=haswell num-threads={threads}}}"
        )
        asm = str(module)
    assert "linalg.depthwise_conv_2d_nchw_chw {" in asm and "strata.ukernel" in asm
    assert ("scf.forall" in asm) == (threads > 1)
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        stages = []
        for stage in split_top_level(cpu_pipeline(threads, mcpu="haswell")):
            if stage.startswith("strata-outline-kernels"):
                break
            stages.append(stage)
        run_pipeline(module, ",".join(stages))
        asm = str(module)
    assert asm.count("call @strata_dwconv2d_avx2(") == 1
    assert "linalg.depthwise_conv_2d_nchw_chw" not in asm and "linalg.generic" not in asm


def _dw_conv_model(n: int, c: int, h: int, w_: int, k: int, s: int, pads: list[int]
                   ) -> tuple[bytes, dict[str, np.ndarray]]:  # fmt: skip
    oh = (h + pads[0] + pads[2] - k) // s + 1
    ow = (w_ + pads[1] + pads[3] - k) // s + 1
    r = np.random.default_rng(7)
    weight = r.standard_normal((c, 1, k, k)).astype(np.float32)
    bias = r.standard_normal((c,)).astype(np.float32)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], group=c, kernel_shape=[k, k],
                            strides=[s, s], pads=pads)  # fmt: skip
    graph = helper.make_graph(
        [node],
        "dw",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, c, h, w_])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, c, oh, ow])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    x = r.standard_normal((n, c, h, w_)).astype(np.float32)
    return model.SerializeToString(), {"x": x}


@pytest.mark.parametrize(
    ("shape", "pads"),
    [
        ((2, 13, 11, 12, 3, 2), [1, 1, 1, 1]),  # batch 2, stride 2, odd channels
        ((1, 19, 8, 60, 3, 1), [1, 1, 1, 1]),  # wide rows
        ((1, 6, 9, 37, 3, 2), [0, 1, 1, 0]),  # asymmetric pads, stride 2
        ((1, 11, 15, 15, 5, 1), [2, 2, 2, 2]),  # 5x5, remainder tile
        ((1, 35, 7, 7, 3, 1), [1, 1, 1, 1]),  # a 7 x 7 plane: by channels, padded
        ((2, 21, 14, 14, 3, 2), [0, 0, 1, 1]),  # by channels, stride 2, bottom-right pads
    ],
)
@pytest.mark.parametrize("threads", [1, 2])
def test_depthwise_conv_model_matches_onnxruntime(
    shape: tuple[int, int, int, int, int, int], pads: list[int], threads: int
) -> None:
    data, inputs = _dw_conv_model(*shape, pads)
    compiled = strata.compile(data, target="cpu", num_threads=threads, cache_dir=None)
    try:
        got = compiled.run(inputs)[0]
    finally:
        compiled.close()
    want = ort.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, inputs)[0]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def _block_model(c: int, h: int) -> tuple[bytes, dict[str, np.ndarray]]:
    """MobileNetV2's block shape: 1x1 conv + ReLU6, then a padded 3x3 depthwise conv + ReLU6
    (the depthwise input is an intermediate buffer, not the graph input)."""
    r = np.random.default_rng(11)
    inits = [
        numpy_helper.from_array((r.standard_normal((c, 8, 1, 1)) / 3).astype(np.float32), "w1"),
        numpy_helper.from_array(r.standard_normal((c,)).astype(np.float32), "b1"),
        numpy_helper.from_array((r.standard_normal((c, 1, 3, 3)) / 3).astype(np.float32), "w2"),
        numpy_helper.from_array(r.standard_normal((c,)).astype(np.float32), "b2"),
        numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
        numpy_helper.from_array(np.array(6.0, np.float32), "hi"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["a"]),
        helper.make_node("Clip", ["a", "lo", "hi"], ["b"]),
        helper.make_node(
            "Conv", ["b", "w2", "b2"], ["d"], group=c, kernel_shape=[3, 3], pads=[1, 1, 1, 1]
        ),
        helper.make_node("Clip", ["d", "lo", "hi"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, h, h])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, c, h, h])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    x = r.standard_normal((1, 8, h, h)).astype(np.float32)
    return model.SerializeToString(), {"x": x}


@pytest.mark.parametrize("threads", [1, 2])
def test_padding_between_layers_is_left_to_the_library(threads: int) -> None:
    """The depthwise call pads its input itself: no loop nest fills or copies a padded
    buffer, also when the input's buffer could have held the output (separate outputs,
    ukernels.separate_depthwise_outputs) and when threads split the channels."""
    data, inputs = _block_model(48, 28)
    compiled = strata.compile(data, num_threads=threads, cache_dir=None)
    want = ort.InferenceSession(data, providers=["CPUExecutionProvider"]).run(None, inputs)[0]
    np.testing.assert_allclose(compiled.run(inputs)[0], want, rtol=1e-4, atol=1e-4)
    prof = compiled.profile(inputs, repeats=2, warmup=1)
    plain = [k.name for k in prof.kernels if k.schedule is None and k.ops == ["conv"]]
    assert plain == [], [(k.name, k.ops, k.schedule) for k in prof.kernels]
    compiled.close()
