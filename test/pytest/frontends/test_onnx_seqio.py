"""Sequence / optional graph inputs and outputs (`frontends/onnx/structured.py`,
`strata.structure`), sub-graphs over sequences (SequenceMap, unrolled Loops), FlexAttention's
modifier sub-graphs and the 16-bit rounding of MatMul / Softmax: compiled for the CPU and
compared with onnx.reference; and the errors for what stays unsupported."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import strata
import strata.backend
from strata.errors import InputMismatchError, ModelImportError

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RNG = np.random.default_rng(0)


def model(
    nodes: list[onnx.NodeProto],
    ins: list[onnx.ValueInfoProto],
    outs: list[onnx.ValueInfoProto],
    opset: int = 18,
    inits: tuple[onnx.TensorProto, ...] = (),
    extra: tuple[tuple[str, int], ...] = (),
) -> onnx.ModelProto:
    g = helper.make_graph(nodes, "m", ins, outs, list(inits))
    ops = [helper.make_opsetid("", opset), *(helper.make_opsetid(d, v) for d, v in extra)]
    return helper.make_model(g, opset_imports=ops)


def seq_vi(name: str, elem: int = F, shape: list[Any] | None = None) -> onnx.ValueInfoProto:
    return helper.make_tensor_sequence_value_info(name, elem, shape)


def opt_vi(name: str, inner: onnx.TypeProto) -> onnx.ValueInfoProto:
    return helper.make_value_info(name, helper.make_optional_type_proto(inner))


def same(got: Any, want: Any) -> None:
    """Structured equality: lists item by item, None as None, arrays by value and dtype."""
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            same(g, w)
    elif want is None:
        assert got is None
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        assert got.dtype == np.asarray(want).dtype


# ---- sequence / optional graph inputs and outputs ------------------------------------------


def _insert_model() -> onnx.ModelProto:
    nodes = [
        helper.make_node("SequenceInsert", ["s", "t"], ["s2"]),
        helper.make_node("SequenceLength", ["s2"], ["n"]),
        helper.make_node("OptionalHasElement", ["o"], ["has"]),
    ]
    ins = [
        seq_vi("s", F, ["N"]),
        helper.make_tensor_value_info("t", F, [3]),
        opt_vi("o", helper.make_tensor_type_proto(F, [2])),
    ]
    outs = [
        seq_vi("s2"),
        helper.make_tensor_value_info("n", I64, []),
        helper.make_tensor_value_info("has", B, []),
    ]
    return model(nodes, ins, outs)


def test_sequence_and_optional_inputs_specialise_on_their_structure() -> None:
    m = _insert_model()
    s = [RNG.random(2, dtype=np.float32), RNG.random(4, dtype=np.float32)]
    t = RNG.random(3, dtype=np.float32)
    feeds = {"s": s, "t": t, "o": None}
    structures = {"s": strata.structure_of(s), "o": None}
    cm = strata.compile(m, num_threads=1, input_structures=structures)
    assert [i.name for i in cm.inputs] == ["s[0]", "s[1]", "t"]
    got = cm.run(feeds)
    same(got, ReferenceEvaluator(m).run(None, feeds))
    # the compiled structure is checked at run time
    with pytest.raises(InputMismatchError, match=r"'s' was compiled as a sequence of 2"):
        cm.run({"s": s[:1], "t": t, "o": None})
    with pytest.raises(InputMismatchError, match=r"'o' was compiled as an empty optional"):
        cm.run({"s": s, "t": t, "o": np.zeros(2, np.float32)})


def test_sequence_input_needs_a_structure() -> None:
    with pytest.raises(
        ModelImportError, match=r"graph input 's' is a sequence; give its structure"
    ):
        strata.compile(_insert_model(), num_threads=1)


def test_structure_must_fit_the_declared_type() -> None:
    bad = {"s": [{"shape": [2], "dtype": "int64"}], "o": None}
    with pytest.raises(ModelImportError, match=r"item s\[0\] has element type float32"):
        strata.compile(_insert_model(), num_threads=1, input_structures=bad)


def test_backend_compiles_once_per_input_structure() -> None:
    m = _insert_model()
    rep = strata.backend.prepare(m)
    t = RNG.random(3, dtype=np.float32)
    for length in (1, 3, 1):
        s = [RNG.random(k + 1, dtype=np.float32) for k in range(length)]
        o = np.ones(2, np.float32) if length == 3 else None
        out = rep.run([s, t, o])
        same(list(out), ReferenceEvaluator(m).run(None, {"s": s, "t": t, "o": o}))
    assert isinstance(rep, strata.backend.StrataStructuredRep) and len(rep.reps) == 2


def test_optional_sequence_passes_through_identity() -> None:
    inner = helper.make_sequence_type_proto(helper.make_tensor_type_proto(F, [2]))
    m = model(
        [helper.make_node("Identity", ["x"], ["y"])],
        [opt_vi("x", inner)],
        [opt_vi("y", inner)],
        opset=16,
    )
    x = [np.ones(2, np.float32), np.zeros(2, np.float32)]
    cm = strata.compile(m, num_threads=1, input_structures={"x": strata.structure_of(x)})
    (got,) = cm.run({"x": x})
    same(got, x)


# ---- sub-graphs over sequences ---------------------------------------------------------------


def test_sequence_map_matches_the_reference() -> None:
    body = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["c"]), helper.make_node("Shape", ["a"], ["sh"])],
        "body",
        [
            helper.make_tensor_value_info("a", F, ["N"]),
            helper.make_tensor_value_info("b", F, ["N"]),
        ],
        [
            helper.make_tensor_value_info("c", F, ["N"]),
            helper.make_tensor_value_info("sh", I64, [1]),
        ],
    )
    m = model(
        [helper.make_node("SequenceMap", ["x", "y"], ["z", "shapes"], body=body)],
        [seq_vi("x", F, ["N"]), seq_vi("y", F, ["N"])],
        [seq_vi("z"), seq_vi("shapes", I64)],
        opset=17,
    )
    x = [RNG.random(k, dtype=np.float32) for k in (2, 5, 3)]
    y = [RNG.random(k, dtype=np.float32) for k in (2, 5, 3)]
    specs = {"x": strata.structure_of(x), "y": strata.structure_of(y)}
    got = strata.compile(m, num_threads=1, input_structures=specs).run({"x": x, "y": y})
    same(got, ReferenceEvaluator(m).run(None, {"x": x, "y": y}))


def _loop_model(trip_as_input: bool) -> onnx.ModelProto:
    """Loop appending x[:i+1] * 2 to a sequence, M times."""
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["c_in"], ["c_out"]),
            helper.make_node("Add", ["i", "one"], ["end"]),
            helper.make_node("Unsqueeze", ["end", "zero"], ["ends"]),
            helper.make_node("Slice", ["x", "zero", "ends"], ["piece"]),
            helper.make_node("Mul", ["piece", "two"], ["scaled"]),
            helper.make_node("SequenceInsert", ["s_in", "scaled"], ["s_out"]),
        ],
        "body",
        [
            helper.make_tensor_value_info("i", I64, []),
            helper.make_tensor_value_info("c_in", B, []),
            seq_vi("s_in"),
        ],
        [helper.make_tensor_value_info("c_out", B, []), seq_vi("s_out")],
    )
    inits = [
        numpy_helper.from_array(np.array(1, np.int64), "one"),
        numpy_helper.from_array(np.array([0], np.int64), "zero"),
        numpy_helper.from_array(np.array(2, np.float32), "two"),
        numpy_helper.from_array(np.array(True), "cond"),
    ]
    nodes = [
        helper.make_node("SequenceEmpty", [], ["empty"], dtype=F),
        helper.make_node("Loop", ["M", "cond", "empty"], ["res"], body=body),
    ]
    ins = [helper.make_tensor_value_info("x", F, [4])]
    if trip_as_input:
        ins.append(helper.make_tensor_value_info("M", I64, []))
    else:
        inits.append(numpy_helper.from_array(np.array(3, np.int64), "M"))
    return model(nodes, ins, [seq_vi("res")], opset=13, inits=tuple(inits))


def test_loop_over_a_sequence_is_unrolled() -> None:
    m = _loop_model(trip_as_input=False)
    x = RNG.random(4, dtype=np.float32)
    got = strata.compile(m, num_threads=1).run({"x": x})
    same(got, ReferenceEvaluator(m).run(None, {"x": x}))


def test_loop_over_a_sequence_with_a_run_time_trip_count_is_refused() -> None:
    with pytest.raises(ModelImportError, match=r"'Loop_1' \(Loop\).*trip count M known at import"):
        strata.compile(_loop_model(trip_as_input=True), num_threads=1)


def _if_model(else_items: int) -> onnx.ModelProto:
    def branch(name: str, items: list[str]) -> onnx.GraphProto:
        nodes = [helper.make_node("SequenceConstruct", items, [name])]
        return helper.make_graph(nodes, name, [], [seq_vi(name)])

    return model(
        [
            helper.make_node("Neg", ["x"], ["nx"]),
            helper.make_node(
                "If",
                ["c"],
                ["r"],
                then_branch=branch("t", ["x"]),
                else_branch=branch("e", ["nx"] * else_items),
            ),
        ],
        [helper.make_tensor_value_info("c", B, []), helper.make_tensor_value_info("x", F, [2])],
        [seq_vi("r")],
    )


def test_if_yielding_sequences_of_one_structure_on_a_run_time_condition() -> None:
    m = _if_model(else_items=1)
    cm = strata.compile(m, num_threads=1)
    x = RNG.random(2, dtype=np.float32)
    for c in (True, False):
        feeds = {"c": np.array(c), "x": x}
        same(cm.run(feeds), ReferenceEvaluator(m).run(None, feeds))


def test_if_yielding_sequences_of_other_lengths_is_refused() -> None:
    with pytest.raises(ModelImportError, match=r"\(If\): output 0 \('r'\) has another structure"):
        strata.compile(_if_model(else_items=2), num_threads=1)


# ---- FlexAttention with modifier sub-graphs ---------------------------------------------------


def test_flex_attention_mods_with_gqa_match_the_reference() -> None:
    score_mod = helper.make_graph(
        [
            helper.make_node("Div", ["s", "cap"], ["d"]),
            helper.make_node("Tanh", ["d"], ["t"]),
            helper.make_node("Mul", ["t", "cap"], ["so"]),
        ],
        "score_mod",
        [helper.make_tensor_value_info("s", F, None)],
        [helper.make_tensor_value_info("so", F, None)],
        [numpy_helper.from_array(np.array(2.0, np.float32), "cap")],
    )
    prob_mod = helper.make_graph(
        [helper.make_node("Mul", ["p", "half"], ["po"])],
        "prob_mod",
        [helper.make_tensor_value_info("p", F, None)],
        [helper.make_tensor_value_info("po", F, None)],
        [numpy_helper.from_array(np.array(0.5, np.float32), "half")],
    )
    node = helper.make_node(
        "FlexAttention",
        ["q", "k", "v"],
        ["y"],
        domain="ai.onnx.preview",
        score_mod=score_mod,
        prob_mod=prob_mod,
        scale=0.3,
    )
    m = model(
        [node],
        [
            helper.make_tensor_value_info("q", F, [2, 4, 3, 8]),
            helper.make_tensor_value_info("k", F, [2, 2, 5, 8]),
            helper.make_tensor_value_info("v", F, [2, 2, 5, 6]),
        ],
        [helper.make_tensor_value_info("y", F, [2, 4, 3, 6])],
        opset=24,
        extra=(("ai.onnx.preview", 1),),
    )
    feeds = {
        "q": RNG.standard_normal((2, 4, 3, 8), dtype=np.float32),
        "k": RNG.standard_normal((2, 2, 5, 8), dtype=np.float32),
        "v": RNG.standard_normal((2, 2, 5, 6), dtype=np.float32),
    }
    got = strata.compile(m, num_threads=1).run(feeds)
    same(got, ReferenceEvaluator(m).run(None, feeds))


# ---- import fixes: CastLike tracking, one-element Range bounds, 16-bit rounding -------------


def test_cast_like_to_float_and_one_element_range_bounds() -> None:
    nodes = [
        helper.make_node("Shape", ["x"], ["sh"]),
        helper.make_node("Slice", ["sh", "zero", "one"], ["n"]),  # [N] as a 1-element vector
        helper.make_node("CastLike", ["n", "x"], ["nf"]),  # float: no int64 constant
        helper.make_node("Add", ["x", "nf"], ["y"]),
        helper.make_node("Range", ["zero_s", "w", "one_s"], ["r"]),
    ]
    inits = (
        numpy_helper.from_array(np.array([0], np.int64), "zero"),
        numpy_helper.from_array(np.array([1], np.int64), "one"),
        numpy_helper.from_array(np.array(0, np.int64), "zero_s"),
        numpy_helper.from_array(np.array(1, np.int64), "one_s"),
    )
    m = model(
        nodes,
        [
            helper.make_tensor_value_info("x", F, [3, 2]),
            helper.make_tensor_value_info("w", I64, [1]),
        ],
        [
            helper.make_tensor_value_info("y", F, [3, 2]),
            helper.make_tensor_value_info("r", I64, [None]),
        ],
        inits=inits,
    )
    feeds = {"x": RNG.random((3, 2), dtype=np.float32), "w": np.array([4], np.int64)}
    got = strata.compile(m, num_threads=1).run(feeds)
    same(got, ReferenceEvaluator(m).run(None, feeds))


@pytest.mark.parametrize("dtype", [np.float16])
def test_16bit_matmul_and_softmax_round_as_numpy(dtype: type) -> None:
    a = RNG.random((2, 6, 64)).astype(dtype)
    b = RNG.random((2, 64, 7)).astype(dtype)
    m = model(
        [
            helper.make_node("MatMul", ["a", "b"], ["p"]),
            helper.make_node("Softmax", ["p"], ["y"], axis=-1),
        ],
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT16, [2, 6, 64]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT16, [2, 64, 7]),
        ],
        [
            helper.make_tensor_value_info("p", TensorProto.FLOAT16, [2, 6, 7]),
            helper.make_tensor_value_info("y", TensorProto.FLOAT16, [2, 6, 7]),
        ],
    )
    got = strata.compile(m, num_threads=1).run({"a": a, "b": b})
    want = ReferenceEvaluator(m).run(None, {"a": a, "b": b})
    # f16 results: the f32 sums may differ in their last f32 bits, which f16 rounding hides
    # except at a tie; an f16 accumulator is off by many f16 ulps
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g.astype(np.float32), w.astype(np.float32), rtol=1e-3, atol=0)
