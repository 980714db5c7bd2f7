"""RNN / GRU / LSTM compiled end to end (import, lowering, CPU target) against ONNX Runtime.

Each model holds several nodes of one op type with different attributes (directions,
activations with alpha / beta, clip, sequence_lens, initial states, peepholes, input_forget,
linear_before_reset, layout), so one compile checks many configurations; the dynamic model
runs at several (seq, batch) sizes through one artifact.
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

R = np.random.default_rng(7)
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
SEQ, BATCH, IN, H = 5, 3, 4, 3


class _Graph:
    """Nodes of one op type sharing the input X [SEQ, BATCH, IN] (and Xb, batch-major).

    ONNX Runtime does not run layout 1 (batch-major) nodes, so the reference model has each
    of them as a layout 0 node between transposes."""

    def __init__(self, op: str, dtype: Any = np.float32, dims: tuple[Any, Any] = (SEQ, BATCH)):
        self.op, self.dtype = op, np.dtype(dtype)
        self.elem = helper.np_dtype_to_tensor_dtype(self.dtype)
        self.nodes: list[onnx.NodeProto] = [
            helper.make_node("Transpose", ["X"], ["Xb"], perm=[1, 0, 2])
        ]
        self.ref_nodes = list(self.nodes)
        self.inits: list[onnx.TensorProto] = []
        self.outputs: list[str] = []
        self.extra_inputs: list[onnx.ValueInfoProto] = []
        self.dims = dims

    def _w(self, name: str, *shape: int) -> str:
        arr = (R.standard_normal(shape) * 0.6).astype(self.dtype)
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def add(
        self,
        tag: str,
        *,
        bias: bool = False,
        lens: bool = False,
        h0: bool = False,
        c0: bool = False,
        peep: bool = False,
        outs: tuple[str, ...] = ("Y", "Y_h"),
        **attrs: Any,
    ) -> None:
        d = 2 if attrs.get("direction") == "bidirectional" else 1
        g = GATES[self.op] * H
        layout = attrs.get("layout", 0)
        state = [d, BATCH, H] if layout == 0 else [BATCH, d, H]
        ins = [
            "Xb" if layout else "X",
            self._w(f"{tag}_W", d, g, IN),
            self._w(f"{tag}_R", d, g, H),
            self._w(f"{tag}_B", d, 2 * g) if bias else "",
            "lens" if lens else "",
            self._w(f"{tag}_h0", *state) if h0 else "",
        ]
        if self.op == "LSTM":
            ins += [
                self._w(f"{tag}_c0", *state) if c0 else "",
                self._w(f"{tag}_P", d, 3 * H) if peep else "",
            ]
        while ins[-1] == "":
            ins.pop()
        names = [f"{tag}_{o}" if o else "" for o in outs]
        node = helper.make_node(self.op, ins, names, hidden_size=H, **attrs)
        self.nodes.append(node)
        self.outputs += [n for n in names if n]
        if not layout:
            self.ref_nodes.append(node)
            return
        t = helper.make_node
        ref_ins = ["X", *ins[1:]]
        for k in (5, 6):  # initial_h / initial_c to [directions, batch, hidden]
            if k < len(ref_ins) and ref_ins[k]:
                self.ref_nodes.append(t("Transpose", [ins[k]], [f"{ins[k]}_t"], perm=[1, 0, 2]))
                ref_ins[k] = f"{ins[k]}_t"
        ref_outs = [f"{n}_ref" if n else "" for n in names]
        ref_attrs = {k: v for k, v in attrs.items() if k != "layout"}
        self.ref_nodes.append(t(self.op, ref_ins, ref_outs, hidden_size=H, **ref_attrs))
        for k, (n, r) in enumerate(zip(names, ref_outs, strict=True)):
            if n:
                perm = [2, 0, 1, 3] if k == 0 else [1, 0, 2]
                self.ref_nodes.append(t("Transpose", [r], [n], perm=perm))

    def model(self, reference: bool = False) -> onnx.ModelProto:
        seq, batch = self.dims
        inputs = [helper.make_tensor_value_info("X", self.elem, [seq, batch, IN])]
        if any("lens" in n.input for n in self.nodes):
            inputs.append(helper.make_tensor_value_info("lens", TensorProto.INT32, [batch]))
        graph = helper.make_graph(
            self.ref_nodes if reference else self.nodes,
            self.op.lower(),
            inputs,
            [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None) for o in self.outputs],
            self.inits,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        return onnx.shape_inference.infer_shapes(model)


def _check(g: _Graph, tmp_path: Path, sizes: list[tuple[int, int]]) -> None:
    model = g.model()
    compiled = strata.compile(model, cache_dir=tmp_path, num_threads=1)
    ref = g.model(reference=True).SerializeToString()
    sess = ort.InferenceSession(ref, providers=["CPUExecutionProvider"])
    names = [i.name for i in model.graph.input]
    dtype = helper.tensor_dtype_to_np_dtype(model.graph.input[0].type.tensor_type.elem_type)
    for seq, batch in sizes:
        feeds = {"X": R.standard_normal((seq, batch, IN)).astype(dtype)}
        if "lens" in names:
            feeds["lens"] = R.integers(1, seq + 1, size=batch).astype(np.int32)
        want = sess.run(None, feeds)
        got = compiled.run(feeds)
        for name, g, w in zip([o.name for o in model.graph.output], got, want, strict=True):
            assert g.shape == w.shape, name
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, err_msg=name)


def test_lstm_variants(tmp_path: Path) -> None:
    g = _Graph("LSTM")
    g.add("fwd", outs=("Y", "Y_h", "Y_c"))
    g.add(
        "rev", direction="reverse", bias=True, h0=True, c0=True, peep=True, outs=("Y", "Y_h", "Y_c")
    )
    g.add(
        "bi",
        direction="bidirectional",
        bias=True,
        peep=True,
        clip=0.7,
        input_forget=1,
        activations=["HardSigmoid", "LeakyRelu", "Softsign", "Sigmoid", "ScaledTanh", "Tanh"],
        activation_alpha=[0.3, 0.2, 0.9],
        activation_beta=[0.4, 1.1],
        outs=("Y", "Y_h", "Y_c"),
    )
    g.add("lens", lens=True, bias=True, h0=True, outs=("Y", "Y_h", "Y_c"))
    g.add("lensbi", lens=True, direction="bidirectional", peep=True, outs=("Y", "", "Y_c"))
    g.add("batchwise", layout=1, h0=True, c0=True, outs=("Y", "Y_h", "Y_c"))
    _check(g, tmp_path, [(SEQ, BATCH)])


def test_gru_variants(tmp_path: Path) -> None:
    g = _Graph("GRU")
    g.add("fwd", bias=True, h0=True)
    g.add("lbr", linear_before_reset=1, direction="bidirectional", bias=True)
    g.add("rev", direction="reverse", lens=True, bias=True, linear_before_reset=1)
    g.add("revlens", direction="reverse", lens=True, h0=True)
    g.add(
        "acts",
        activations=["Elu", "Softplus"],
        activation_alpha=[0.5],
        clip=1.5,
        bias=True,
    )
    g.add("batchwise", layout=1, lens=True, direction="bidirectional", h0=True)
    _check(g, tmp_path, [(SEQ, BATCH)])


def test_rnn_variants(tmp_path: Path) -> None:
    g = _Graph("RNN")
    g.add("relu", activations=["Relu"], bias=True)
    g.add("affine", direction="reverse", activations=["Affine"], activation_alpha=[0.5],
          activation_beta=[0.1])  # fmt: skip
    g.add(
        "bi",
        direction="bidirectional",
        activations=["ThresholdedRelu", "Tanh"],
        activation_alpha=[0.2],
        lens=True,
        h0=True,
    )
    g.add("clip", clip=0.3, h0=True, outs=("", "Y_h"))
    g.add("batchwise", layout=1, lens=True, bias=True)
    _check(g, tmp_path, [(SEQ, BATCH)])


def test_lstm_float64(tmp_path: Path) -> None:
    """f64 (the math dialect's tanh / exp, not the f32 polynomials) against onnx.reference:
    ONNX Runtime has no f64 LSTM."""
    from onnx.reference import ReferenceEvaluator

    g = _Graph("LSTM", np.float64)
    g.add("fwd", bias=True, h0=True, c0=True, outs=("Y", "Y_h", "Y_c"))
    model = g.model()
    x = R.standard_normal((SEQ, BATCH, IN))
    got = strata.compile(model, cache_dir=tmp_path, num_threads=1).run({"X": x})
    want = ReferenceEvaluator(model).run(None, {"X": x})
    for a, b in zip(got, want, strict=True):
        assert a.dtype == np.float64
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_dynamic_seq_and_batch(tmp_path: Path) -> None:
    """One artifact for every (seq, batch): the loop bound and all row counts are run time."""
    g = _Graph("LSTM", dims=("seq", "batch"))
    g.add("bi", direction="bidirectional", bias=True, peep=True, outs=("Y", "Y_h", "Y_c"))
    g.add("lens", lens=True, direction="reverse", outs=("Y", "Y_h", "Y_c"))
    g.add("batchwise", layout=1, outs=("Y", "Y_h", "Y_c"))
    _check(g, tmp_path, [(5, 3), (1, 1), (9, 2)])


def test_missing_hidden_size_comes_from_r() -> None:
    from strata.frontends.onnx import import_model

    g = _Graph("RNN")
    g.add("fwd")
    model = g.model()
    for a in list(model.graph.node[1].attribute):
        if a.name == "hidden_size":
            model.graph.node[1].attribute.remove(a)
    imported = import_model(model)
    assert [o.shape for o in imported.outputs] == [(SEQ, 1, BATCH, H), (1, BATCH, H)]
    del imported


def test_bad_activation_is_named() -> None:
    from strata.errors import ModelImportError
    from strata.frontends.onnx import import_model

    g = _Graph("GRU")
    g.add("fwd", activations=["Sigmoid", "Swish"])
    with pytest.raises(ModelImportError, match=r"GRU.*activation 'Swish' is not one of"):
        import_model(g.model())
