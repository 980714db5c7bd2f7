"""The benchmarks' FLOP counter (benchmarks/flops.py) on small hand-built ONNX graphs whose
counts are worked out by hand, and against an exported PyTorch MLP."""

from __future__ import annotations

import sys
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

import flops  # noqa: E402


def graph(
    nodes: list[onnx.NodeProto],
    inputs: dict[str, list[int | str]],
    outputs: list[str],
    opset: int = 17,
) -> onnx.ModelProto:
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info(k, TensorProto.FLOAT, v) for k, v in inputs.items()],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def test_matmul_batched_and_broadcast() -> None:
    m = graph([helper.make_node("MatMul", ["a", "b"], ["y"])], {"a": [2, 3, 4], "b": [4, 5]}, ["y"])
    count = flops.count_flops(m)
    assert count.total == 2 * 2 * 3 * 4 * 5 and count.by_op == {"MatMul": 240}
    assert flops.matmul_flops((4,), (4, 5)) == 2 * 4 * 5  # 1-D operands as numpy treats them
    assert flops.matmul_flops((3, 1, 2, 4), (5, 4, 6)) == 2 * 3 * 5 * 2 * 4 * 6
    with pytest.raises(ValueError, match="contraction"):
        flops.matmul_flops((2, 3), (4, 5))


def test_gemm_transposes_and_bias() -> None:
    m = graph(
        [helper.make_node("Gemm", ["a", "b", "c"], ["y"], transA=1, transB=1)],
        {"a": [4, 3], "b": [5, 4], "c": [5]},
        ["y"],
    )
    assert flops.count_flops(m).total == 2 * 3 * 4 * 5 + 3 * 5
    assert flops.gemm_flops((3, 4), (4, 5), False, False, bias=False) == 120


def test_grouped_conv_with_bias() -> None:
    # x [1, 4, 6, 6], w [8, 2, 3, 3] (group 2), stride 2, pads 1: y [1, 8, 3, 3]
    m = graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["y"], group=2, strides=[2, 2], pads=[1] * 4)],
        {"x": [1, 4, 6, 6], "w": [8, 2, 3, 3], "b": [8]},
        ["y"],
    )
    out = 1 * 8 * 3 * 3
    assert flops.count_flops(m).total == 2 * out * (2 * 3 * 3) + out


def test_depthwise_conv() -> None:
    m = graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], group=16, pads=[1] * 4)],
        {"x": [2, 16, 8, 8], "w": [16, 1, 3, 3]},
        ["y"],
    )
    assert flops.count_flops(m).total == 2 * (2 * 16 * 8 * 8) * 9


def test_conv_transpose() -> None:
    # every input element is multiplied into Cout/group * kh * kw outputs
    m = graph(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])],
        {"x": [1, 2, 3, 3], "w": [2, 3, 2, 2]},
        ["y"],
    )
    assert flops.count_flops(m).total == 2 * (2 * 3 * 3) * (3 * 2 * 2)


def test_einsum_and_attention_formulas() -> None:
    m = graph(
        [helper.make_node("Einsum", ["a", "b"], ["y"], equation="bij,bjk->bik")],
        {"a": [2, 3, 4], "b": [2, 4, 5]},
        ["y"],
    )
    assert flops.count_flops(m).total == flops.matmul_flops((2, 3, 4), (2, 4, 5))
    assert flops.einsum_flops("ij->ji", [(3, 4)]) == 12
    # Q·Kᵀ then P·V over 12 heads: 2·B·H·Sq·Skv·(Dqk + Dv)
    assert flops.attention_flops((1, 12, 128, 64), (1, 12, 128, 64), (1, 12, 128, 64)) == (
        2 * 12 * 128 * 128 * (64 + 64)
    )
    assert flops.attention_flops((1, 128, 768), (1, 128, 768), (1, 128, 768)) == (
        2 * 128 * 128 * (768 + 768)
    )


def test_dynamic_inputs_are_pinned_and_unknowns_listed() -> None:
    m = graph(
        [
            helper.make_node("MatMul", ["a", "b"], ["t"]),
            helper.make_node("Relu", ["t"], ["y"]),  # not counted: memory-bound
        ],
        {"a": ["batch", 4], "b": [4, 5]},
        ["y"],
    )
    assert flops.count_flops(m, {"a": (7, 4)}).total == 2 * 7 * 4 * 5
    unknown = flops.count_flops(m)
    assert unknown.total == 0 and len(unknown.uncounted) == 1
    assert "MatMul" in unknown.uncounted[0] and "unknown" in unknown.uncounted[0]
    with pytest.raises(ValueError, match="rank"):
        flops.count_flops(m, {"a": (7, 4, 1)})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the TorchScript exporter's
def test_exported_torch_mlp() -> None:
    import io

    import torch

    model = torch.nn.Sequential(
        torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 8, bias=False)
    ).eval()
    buf = io.BytesIO()
    torch.onnx.export(
        model, (torch.zeros(4, 16),), buf, input_names=["x"], opset_version=17, dynamo=False
    )
    count = flops.count_flops(onnx.load_from_string(buf.getvalue()))
    assert count.total == (2 * 4 * 16 * 32 + 4 * 32) + 2 * 4 * 32 * 8
    assert not count.uncounted
