"""If / Loop / Scan with sub-graphs, compiled end to end and compared with ONNX Runtime.

Covers values captured from the outer scope (inputs, initializers, values computed outside),
nested sub-graphs, branches of different shapes, constant conditions (the branch is imported
inline), for- and while-style loops, loop-carried values that grow, scan outputs whose length
is known only at run time, zero iterations, bool carried values, and Scan's axes and
directions. Each model holds several nodes so one compile covers many cases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import strata
from strata.errors import ModelImportError, UnsupportedOpError
from strata.frontends.onnx import import_model

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
node = helper.make_node


def vi(name: str, t: int, shape: Any) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, t, shape)


def graph(nodes: list[onnx.NodeProto], ins: list[Any], outs: list[Any], name: str = "g") -> Any:
    return helper.make_graph(nodes, name, ins, outs)


def model(
    nodes: list[onnx.NodeProto],
    ins: list[onnx.ValueInfoProto],
    outs: list[onnx.ValueInfoProto],
    inits: dict[str, np.ndarray] | None = None,
) -> onnx.ModelProto:
    g = helper.make_graph(
        nodes,
        "control",
        ins,
        outs,
        [numpy_helper.from_array(v, k) for k, v in (inits or {}).items()],
    )
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def check(m: onnx.ModelProto, tmp_path: Path, feeds: list[dict[str, np.ndarray]]) -> None:
    compiled = strata.compile(m, cache_dir=tmp_path, num_threads=1)
    sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    for feed in feeds:
        want = sess.run(None, feed)
        got = compiled.run(feed)
        for o, g, w in zip(m.graph.output, got, want, strict=True):
            assert g.shape == w.shape and g.dtype == w.dtype, (o.name, g.shape, w.shape)
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6, err_msg=o.name)


# ---- If -----------------------------------------------------------------------------------------


def _if_model() -> onnx.ModelProto:
    # branches of different shapes, capturing the input x, the initializer k and the outer
    # value sx; the then-branch holds a nested If on another condition
    inner = node(
        "If",
        ["d"],
        ["t"],
        then_branch=graph([node("Mul", ["x", "k"], ["t1"])], [], [vi("t1", F, [3])]),
        else_branch=graph([node("Sub", ["x", "sx"], ["t2"])], [], [vi("t2", F, [3])]),
    )
    then_g = graph([inner], [], [vi("t", F, [None])])
    else_g = graph([node("Concat", ["x", "sx"], ["e"], axis=0)], [], [vi("e", F, [None])])
    # several outputs of different dtypes, a bool among them
    then2 = graph(
        [node("Greater", ["x", "k"], ["g"]), node("Cast", ["x"], ["xi"], to=I64)],
        [],
        [vi("g", B, [3]), vi("xi", I64, [3])],
    )
    else2 = graph(
        [node("Less", ["x", "k"], ["g2"]), node("Identity", ["seven"], ["s7"])],
        [],
        [vi("g2", B, [3]), vi("s7", I64, [1])],
    )
    # a condition known at import time: only the taken branch is imported
    known = node(
        "If",
        ["three"],
        ["z"],
        then_branch=graph([node("Neg", ["x"], ["z1"])], [], [vi("z1", F, [3])]),
        else_branch=graph([node("Abs", ["x"], ["z2"])], [], [vi("z2", F, [3])]),
    )
    nodes = [
        node("ReduceSum", ["x"], ["sx"], keepdims=1),
        node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g),
        node("If", ["d"], ["flags", "ints"], then_branch=then2, else_branch=else2),
        node("Size", ["x"], ["n"]),
        node("Equal", ["n", "three_i"], ["three"]),
        known,
    ]
    return model(
        nodes,
        [vi("c", B, []), vi("d", B, []), vi("x", F, [3])],
        [vi("y", F, [None]), vi("flags", B, [3]), vi("ints", I64, [None]), vi("z", F, [3])],
        {
            "k": np.array(0.5, np.float32),
            "seven": np.array([7], np.int64),
            "three_i": np.array(3, np.int64),
        },
    )


def test_if(tmp_path: Path) -> None:
    x = np.array([1.0, -2.0, 0.25], np.float32)
    feeds = [
        {"c": np.array(c), "d": np.array(d), "x": x} for c in (True, False) for d in (True, False)
    ]
    check(_if_model(), tmp_path, feeds)


def test_constant_condition_imports_one_branch() -> None:
    imported = import_model(_if_model())
    text = str(imported.module)
    assert '"nn.neg"' in text and '"nn.abs"' not in text
    assert text.count("scf.if") == 3  # y, its nested If, flags/ints
    del imported


# ---- Loop ---------------------------------------------------------------------------------------


def _loop_model() -> onnx.ModelProto:
    i_in = [vi("i", I64, []), vi("cond", B, [])]
    # for-style (M only): acc += x * i, a scan output row per iteration
    body_for = graph(
        [
            node("Cast", ["i"], ["fi"], to=F),
            node("Mul", ["x", "fi"], ["xi"]),
            node("Add", ["acc", "xi"], ["acc2"]),
            node("Identity", ["cond"], ["cond2"]),
            node("Not", ["flag"], ["flag2"]),
        ],
        [*i_in, vi("acc", F, [3]), vi("flag", B, [])],
        [vi("cond2", B, []), vi("acc2", F, [3]), vi("flag2", B, []), vi("xi", F, [3])],
    )
    # while-style (cond, huge M): double v until its sum passes `limit`; rows of v
    body_while = graph(
        [
            node("Mul", ["v", "two"], ["v2"]),
            node("ReduceSum", ["v2"], ["s"], keepdims=0),
            node("Less", ["s", "limit"], ["go"]),
            node("Identity", ["v2"], ["row"]),
        ],
        [*i_in, vi("v", F, [3])],
        [vi("go", B, []), vi("v2", F, [3]), vi("row", F, [3])],
    )
    # a carried value that grows by x each iteration (its dim becomes dynamic)
    body_grow = graph(
        [node("Concat", ["seq", "x"], ["seq2"], axis=0), node("Identity", ["cond"], ["c2"])],
        [*i_in, vi("seq", F, [None])],
        [vi("c2", B, []), vi("seq2", F, [None])],
    )
    # a constant trip count and no condition: static scan output [4, 1]
    body_four = graph(
        [node("Unsqueeze", ["i", "zero"], ["i1"]), node("Identity", ["cond"], ["c3"])],
        [*i_in],
        [vi("c3", B, []), vi("i1", I64, [1])],
    )
    nodes = [
        node("Loop", ["M", "", "x", "f0"], ["acc", "flag", "rows"], body=body_for),
        node("Loop", ["big", "c", "x"], ["v", "vrows"], body=body_while),
        node("Loop", ["M", "", "x"], ["grown"], body=body_grow),
        node("Loop", ["four", ""], ["counts"], body=body_four),
    ]
    return model(
        nodes,
        [vi("M", I64, []), vi("c", B, []), vi("x", F, [3])],
        [
            vi("acc", F, [3]),
            vi("flag", B, []),
            vi("rows", F, [None, 3]),
            vi("v", F, [3]),
            vi("vrows", F, [None, 3]),
            vi("grown", F, [None]),
            vi("counts", I64, [4, 1]),
        ],
        {
            "two": np.array(2.0, np.float32),
            "limit": np.array(100.0, np.float32),
            "big": np.array(2**62, np.int64),
            "f0": np.array(False),
            "zero": np.array([0], np.int64),
            "four": np.array(4, np.int64),
        },
    )


def test_loop(tmp_path: Path) -> None:
    x = np.array([1.0, 2.0, 0.5], np.float32)
    feeds = [
        {"M": np.array(m, np.int64), "c": np.array(c), "x": x * s}
        for m, c, s in ((0, True, 1.0), (1, False, 1.0), (5, True, 1.0), (3, True, 40.0))
    ]
    check(_loop_model(), tmp_path, feeds)


def test_loop_outputs_have_run_time_lengths() -> None:
    imported = import_model(_loop_model())
    shapes = {o.name: o.dims for o in imported.outputs}
    assert shapes["rows"] == (None, 3) and shapes["vrows"] == (None, 3)
    assert shapes["grown"] == (None,) and shapes["counts"] == (4, 1)
    del imported


# ---- Scan ---------------------------------------------------------------------------------------


def _scan_model() -> onnx.ModelProto:
    # states: running sum and running max; scan inputs: rows of a (axis 0, forward) and
    # columns of b (axis 1, reversed); outputs: the sums (reversed, at axis 1) and a * b
    body = graph(
        [
            node("Add", ["sum", "ra"], ["sum2"]),
            node("Max", ["mx", "cb"], ["mx2"]),
            node("Mul", ["ra", "cb"], ["prod"]),
            node("Identity", ["sum2"], ["sum_row"]),
        ],
        [vi("sum", F, [3]), vi("mx", F, [3]), vi("ra", F, [3]), vi("cb", F, [3])],
        [vi("sum2", F, [3]), vi("mx2", F, [3]), vi("sum_row", F, [3]), vi("prod", F, [3])],
    )
    scan = node(
        "Scan",
        ["s0", "m0", "a", "b"],
        ["sum", "max", "sums", "prods"],
        body=body,
        num_scan_inputs=2,
        scan_input_axes=[0, 1],
        scan_input_directions=[0, 1],
        scan_output_axes=[1, 0],
        scan_output_directions=[1, 0],
    )
    return model(
        [scan],
        [vi("s0", F, [3]), vi("m0", F, [3]), vi("a", F, ["T", 3]), vi("b", F, [3, "T"])],
        [vi("sum", F, [3]), vi("max", F, [3]), vi("sums", F, [3, "T"]), vi("prods", F, ["T", 3])],
    )


def test_scan(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    feeds = []
    for t in (4, 1, 7):
        feeds.append(
            {
                "s0": rng.standard_normal(3).astype(np.float32),
                "m0": np.full(3, -5.0, np.float32),
                "a": rng.standard_normal((t, 3)).astype(np.float32),
                "b": rng.standard_normal((3, t)).astype(np.float32),
            }
        )
    check(_scan_model(), tmp_path, feeds)


# ---- errors -------------------------------------------------------------------------------------


def test_branches_of_different_ranks_are_refused() -> None:
    then_g = graph([node("Identity", ["x"], ["t"])], [], [vi("t", F, [3])])
    else_g = graph([node("Unsqueeze", ["x", "zero"], ["e"])], [], [vi("e", F, [1, 3])])
    m = model(
        [node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g, name="pick")],
        [vi("c", B, []), vi("x", F, [3])],
        [vi("y", F, [None])],
        {"zero": np.array([0], np.int64)},
    )
    with pytest.raises(ModelImportError, match=r"node 'pick' \(If\): output 'y' is tensor<3xf32>"):
        import_model(m)


def test_endless_loop_is_refused() -> None:
    body = graph(
        [node("Identity", ["cond"], ["c2"]), node("Identity", ["v"], ["v2"])],
        [vi("i", I64, []), vi("cond", B, []), vi("v", F, [3])],
        [vi("c2", B, []), vi("v2", F, [3])],
    )
    m = model(
        [node("Loop", ["", "", "x"], ["y"], body=body, name="forever")],
        [vi("x", F, [3])],
        [vi("y", F, [3])],
    )
    with pytest.raises(ModelImportError, match=r"node 'forever' \(Loop\): .*never end"):
        import_model(m)


def test_unsupported_op_in_a_body_is_named_with_its_parent() -> None:
    body = graph(
        [node("Identity", ["cond"], ["c2"]), node("Bernoulli", ["v"], ["v2"], name="hm")],
        [vi("i", I64, []), vi("cond", B, []), vi("v", F, [3])],
        [vi("c2", B, []), vi("v2", F, [3])],
    )
    m = model(
        [node("Loop", ["M", "", "x"], ["y"], body=body, name="outer")],
        [vi("M", I64, []), vi("x", F, [3])],
        [vi("y", F, [3])],
    )
    with pytest.raises(UnsupportedOpError, match=r"Bernoulli: outer/hm"):
        import_model(m)


# ---- Scan-8 -------------------------------------------------------------------------------------


def test_scan8_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scan-8 (batch axis 0): compiled in this process, with the importer's opset floor
    lowered to 8 for the test (opsets below 11 are not imported yet)."""
    from strata.frontends.onnx import loader
    from strata.targets.cpu.compiler import CpuOptions, compile_imported

    body = graph(
        [
            node("Add", ["sum", "ra"], ["sum2"]),
            node("Mul", ["ra", "rb"], ["prod"]),
            node("Identity", ["sum2"], ["row"]),
        ],
        [vi("sum", F, [2]), vi("ra", F, [2]), vi("rb", F, [2])],
        [vi("sum2", F, [2]), vi("row", F, [2]), vi("prod", F, [2])],
    )
    scan = node(
        "Scan", ["", "s0", "a", "b"], ["s", "rows", "prods"], body=body, num_scan_inputs=2,
        directions=[0, 1],
    )  # fmt: skip
    m = helper.make_model(
        helper.make_graph(
            [scan],
            "scan8",
            [vi("s0", F, [3, 2]), vi("a", F, [3, 4, 2]), vi("b", F, [3, 4, 2])],
            [vi("s", F, [3, 2]), vi("rows", F, [3, 4, 2]), vi("prods", F, [3, 4, 2])],
        ),
        opset_imports=[helper.make_opsetid("", 8)],
    )
    m.ir_version = 8
    monkeypatch.setattr(loader, "MIN_OPSET", 8)
    imported = import_model(m)
    meta = compile_imported(imported, tmp_path, CpuOptions(name="scan8"))
    assert meta.library == "scan8.so"
    compiled = strata.load(tmp_path / "scan8")
    rng = np.random.default_rng(4)
    feed = {k: rng.standard_normal(s).astype(np.float32) for k, s in
            (("s0", (3, 2)), ("a", (3, 4, 2)), ("b", (3, 4, 2)))}  # fmt: skip
    want = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(
        None, feed
    )
    for g, w in zip(compiled.run(feed), want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)
    del imported
