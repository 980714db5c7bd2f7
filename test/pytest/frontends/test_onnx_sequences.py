"""Tensor sequences and optional values with an import-time structure (`ops/sequence.py`): one
model with every sequence op, compiled for the CPU and compared with onnx.reference; and the
errors for what must stay a compile-time structure."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import strata
from strata.errors import ModelImportError
from strata.frontends.onnx import import_model

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def _model(
    nodes: list[onnx.NodeProto],
    outputs: dict[str, tuple[int, list[int]]],
    inits: dict[str, object],
) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes,
        "seq",
        [
            helper.make_tensor_value_info("x", F, [2, 3, 4]),
            helper.make_tensor_value_info("y", F, [2, 1, 4]),
        ],
        [helper.make_tensor_value_info(o, t, s) for o, (t, s) in outputs.items()],
        [numpy_helper.from_array(np.array(v, np.int64), k) for k, v in inits.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def n(op: str, ins: list[str], out: str, **attrs: object) -> onnx.NodeProto:
    return helper.make_node(op, ins, [out], name=out, **attrs)


def test_sequence_ops_match_the_reference() -> None:
    nodes = [
        n("SequenceConstruct", ["x", "y", "x"], "s"),  # [x, y, x]
        n("SequenceInsert", ["s", "y", "minus1"], "s2"),  # [x, y, y, x]
        n("SequenceErase", ["s2", "zero"], "s3"),  # [y, y, x]
        n("SequenceAt", ["s3", "minus1"], "last"),  # x
        n("SequenceLength", ["s3"], "len"),
        n("ConcatFromSequence", ["s3"], "cat", axis=1),  # [2, 1+1+3, 4]
        n("SplitToSequence", ["x"], "parts", axis=1, keepdims=0),  # 3 x [2, 4]
        n("ConcatFromSequence", ["parts"], "stacked", axis=-1, new_axis=1),  # [2, 4, 3]
        n("SplitToSequence", ["x", "two"], "chunks", axis=2),  # [2, 3, 2] x 2
        n("SequenceAt", ["chunks", "one"], "chunk1"),
        n("SplitToSequence", ["x", "sizes"], "uneven", axis=1),  # [2, 1, 4], [2, 2, 4]
        n("SequenceAt", ["uneven", "one"], "uneven1"),
        n("SequenceEmpty", [], "empty", dtype=F),
        n("SequenceInsert", ["empty", "y"], "one_item"),
        n("ConcatFromSequence", ["one_item"], "single", axis=0),
        n("Optional", ["x"], "opt"),
        n("OptionalHasElement", ["opt"], "has"),
        n("OptionalGetElement", ["opt"], "got"),
    ]
    outputs = {
        "last": (F, [2, 3, 4]),
        "len": (I64, []),
        "cat": (F, [2, 5, 4]),
        "stacked": (F, [2, 4, 3]),
        "chunk1": (F, [2, 3, 2]),
        "uneven1": (F, [2, 2, 4]),
        "single": (F, [2, 1, 4]),
        "has": (TensorProto.BOOL, []),
        "got": (F, [2, 3, 4]),
    }
    inits = {"minus1": -1, "zero": 0, "one": 1, "two": 2, "sizes": [1, 2]}
    m = _model(nodes, outputs, inits)
    rng = np.random.default_rng(0)
    feeds = {
        "x": rng.random((2, 3, 4), dtype=np.float32),
        "y": rng.random((2, 1, 4), dtype=np.float32),
    }
    want = ReferenceEvaluator(m).run(None, feeds)
    got = strata.compile(m, num_threads=1).run(feeds)
    # onnx 1.23's reference OptionalGetElement wraps the tensor in a new leading axis.
    want[-1] = feeds["x"]
    for name, g, w in zip(outputs, got, want, strict=True):
        np.testing.assert_array_equal(g, w, err_msg=name)
        assert g.dtype == w.dtype, name


def test_run_time_position_is_refused() -> None:
    nodes = [n("SequenceConstruct", ["x", "x"], "s"), n("SequenceAt", ["s", "pos"], "out")]
    graph = helper.make_graph(
        nodes,
        "seq",
        [helper.make_tensor_value_info("x", F, [2]), helper.make_tensor_value_info("pos", I64, [])],
        [helper.make_tensor_value_info("out", F, [2])],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    with pytest.raises(ModelImportError, match=r"'out' \(SequenceAt\).*compile-time constant"):
        import_model(m)


def test_sequence_graph_output_is_a_list() -> None:
    graph = helper.make_graph(
        [n("SplitToSequence", ["x"], "parts")],
        "seq",
        [helper.make_tensor_value_info("x", F, [2, 3])],
        [helper.make_tensor_sequence_value_info("parts", F, None)],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    (got,) = strata.compile(m, num_threads=1).run({"x": x})
    (want,) = ReferenceEvaluator(m).run(None, {"x": x})
    assert isinstance(got, list) and len(got) == len(want) == 2
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_sequence_used_as_a_tensor_names_the_input() -> None:
    graph = helper.make_graph(
        [n("SequenceConstruct", ["x"], "s"), n("Relu", ["s"], "out")],
        "seq",
        [helper.make_tensor_value_info("x", F, [2])],
        [helper.make_tensor_value_info("out", F, [2])],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    with pytest.raises(ModelImportError, match=r"input 0 \('s'\) is a tensor sequence"):
        import_model(m)
