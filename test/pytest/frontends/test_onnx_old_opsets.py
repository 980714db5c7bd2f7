"""Opsets 1-10: the converters for the meaning ops had before later opsets changed it, run end
to end on the CPU target against numpy (the old `broadcast`/`axis` rule, `spatial=0`) or
onnx.reference (where it implements the old version); and the opset / domain checks.

Each model bundles several nodes of one opset, so the whole file costs a handful of compiles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import strata
from strata.errors import ModelImportError, UnsupportedOpError
from strata.frontends.onnx import import_model, ops

F, I64, I32, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32, TensorProto.BOOL
NP = {F: np.float32, I64: np.int64, I32: np.int32, B: np.bool_}


Spec = tuple[int, Sequence[int]]


def model(
    nodes: Sequence[onnx.NodeProto],
    inputs: Mapping[str, Spec],
    outputs: Sequence[str] | Mapping[str, Spec],
    opset: int,
    inits: Mapping[str, np.ndarray] | None = None,
    extra_opsets: Mapping[str, int] | None = None,
) -> onnx.ModelProto:
    """A model; outputs given by name only are typed by onnx shape inference (the checker
    wants typed outputs), those given with (type, shape) as given."""
    specs = outputs if isinstance(outputs, Mapping) else {}
    graph = helper.make_graph(
        list(nodes),
        f"opset{opset}",
        [helper.make_tensor_value_info(k, t, list(s)) for k, (t, s) in inputs.items()],
        [
            helper.make_tensor_value_info(o, *specs.get(o, (TensorProto.UNDEFINED, None)))
            for o in outputs
        ],
        [numpy_helper.from_array(v, k) for k, v in (inits or {}).items()],
    )
    imports = [helper.make_opsetid("", opset)]
    imports += [helper.make_opsetid(d, v) for d, v in (extra_opsets or {}).items()]
    m = helper.make_model(graph, opset_imports=imports)
    return m if specs else onnx.shape_inference.infer_shapes(m)


def feeds_for(
    inputs: Mapping[str, tuple[int, Sequence[int]]], seed: int = 0
) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for name, (t, shape) in inputs.items():
        if t == B:
            out[name] = rng.random(shape) > 0.5
        elif t in (I64, I32):
            out[name] = rng.integers(0, 3, shape).astype(NP[t])
        else:
            out[name] = (rng.random(shape) + 0.5).astype(np.float32)
    return out


def run(m: onnx.ModelProto, feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    compiled = strata.compile(m, num_threads=1)
    got = compiled.run(dict(feeds))
    return {o.name: g for o, g in zip(m.graph.output, got, strict=True)}


def node(op: str, ins: Sequence[str], out: str, **attrs: object) -> onnx.NodeProto:
    return helper.make_node(op, list(ins), [out], name=out, **attrs)


def test_opset6_broadcast_axis_clip_pad() -> None:
    """`broadcast=1` aligns B at `axis` (default: trailing dims); Clip/Pad attributes."""
    inputs = {
        "x": (F, [2, 3, 4, 5]),
        "c3": (F, [3]),
        "c45": (F, [4, 5]),
        "c2": (F, [2]),
        "i": (I64, [2, 3]),
        "j": (I64, [3]),
        "p": (B, [2, 3]),
        "q": (B, [2]),
        "z": (F, [2, 3, 4]),
    }
    nodes = [
        node("Add", ["x", "c3"], "add_axis1", broadcast=1, axis=1),
        node("Sub", ["x", "c45"], "sub_suffix", broadcast=1),
        node("Mul", ["x", "c2"], "mul_axis0", broadcast=1, axis=0),
        node("Div", ["x", "x"], "div_same"),
        node("Pow", ["x", "c3"], "pow_axis1", broadcast=1, axis=1),
        node("Greater", ["x", "c3"], "greater_axis1", broadcast=1, axis=1),
        node("Less", ["x", "w"], "less_const", broadcast=1, axis=2),
        node("Equal", ["i", "j"], "equal_suffix", broadcast=1),
        node("And", ["p", "q"], "and_axis0", broadcast=1, axis=0),
        node("Clip", ["x"], "clip", min=0.7, max=1.2),
        node("Clip", ["x"], "clip_max_only", max=1.0),
        node("Pad", ["x"], "pad", pads=[0, 0, 1, 2, 0, 0, 2, 1], value=-1.5),
        node("PRelu", ["z", "c3"], "prelu_per_channel"),
        node("PRelu", ["z", "c1"], "prelu_shared"),
    ]
    w = np.array([0.8, 1.0, 1.2, 1.4], np.float32)
    c1 = np.array([0.25], np.float32)
    outs = [n.output[0] for n in nodes]
    m = model(nodes, inputs, outs, opset=6, inits={"w": w, "c1": c1})
    f = feeds_for(inputs)
    f["z"] -= 1.0
    x, c3, c45, c2 = f["x"], f["c3"], f["c45"], f["c2"]
    at1 = c3[None, :, None, None]
    expected = {
        "add_axis1": x + at1,
        "sub_suffix": x - c45,
        "mul_axis0": x * c2[:, None, None, None],
        "div_same": x / x,
        "pow_axis1": x**at1,
        "greater_axis1": x > at1,
        "less_const": x < w[None, None, :, None],
        "equal_suffix": f["i"] == f["j"],
        "and_axis0": f["p"] & f["q"][:, None],
        "clip": np.clip(x, 0.7, 1.2),
        "clip_max_only": np.minimum(x, 1.0),
        "pad": np.pad(x, [(0, 0), (0, 0), (1, 2), (2, 1)], constant_values=-1.5),
        "prelu_per_channel": np.where(f["z"] < 0, f["z"] * c3[None, :, None], f["z"]),
        "prelu_shared": np.where(f["z"] < 0, f["z"] * 0.25, f["z"]),
    }
    got = run(m, f)
    for name, want in expected.items():
        np.testing.assert_allclose(got[name], want, rtol=1e-5, err_msg=name)
        assert got[name].dtype == want.dtype, name


def test_opset1_attribute_forms() -> None:
    """Opset 1: Cast `to` by name, Concat's default axis 1, Reshape's shape attribute, Pad's
    `paddings`, Split sizes from an input, `consumed_inputs` ignored, Upsample-1's scales,
    Tile-1's copies along one axis."""
    inputs = {"x": (F, [2, 3, 4]), "y": (F, [2, 1, 4]), "u": (F, [1, 2, 2, 3])}
    nodes = [
        node("Cast", ["x"], "cast", to="INT32"),
        node("Concat", ["x", "y"], "concat"),
        node("Reshape", ["x"], "reshape", shape=[0, -1]),
        node("Pad", ["x"], "pad", paddings=[0, 1, 0, 0, 0, 2], mode="edge"),
        helper.make_node("Split", ["x", "sizes"], ["s1", "s2"], name="split", axis=1),
        node("Relu", ["x"], "relu", consumed_inputs=[0]),
        node("Upsample", ["u"], "up", height_scale=2.0, width_scale=3.0, mode="nearest"),
        node("Tile", ["x", "tiles", "axis"], "tile"),
    ]
    outs = {
        "cast": (I32, [2, 3, 4]),
        "concat": (F, [2, 4, 4]),
        "reshape": (F, [2, 12]),
        "pad": (F, [2, 4, 6]),
        "s1": (F, [2, 1, 4]),
        "s2": (F, [2, 2, 4]),
        "relu": (F, [2, 3, 4]),
        "up": (F, [1, 2, 4, 9]),
        "tile": (F, [2, 9, 4]),
    }
    inits = {
        "sizes": np.array([1, 2], np.int64),
        "tiles": np.array([3.0], np.float32),  # Tile-1's inputs have the data's type
        "axis": np.array([1.0], np.float32),
    }
    m = model(nodes, inputs, outs, opset=1, inits=inits)
    f = feeds_for(inputs)
    x = f["x"]
    got = run(m, f)
    expected = {
        "cast": x.astype(np.int32),
        "concat": np.concatenate([x, f["y"]], axis=1),
        "reshape": x.reshape(2, 12),
        "pad": np.pad(x, [(0, 0), (1, 0), (0, 2)], mode="edge"),
        "s1": x[:, :1],
        "s2": x[:, 1:],
        "relu": np.maximum(x, 0),
        "up": np.repeat(np.repeat(f["u"], 2, axis=2), 3, axis=3),
        "tile": np.concatenate([x, x, x], axis=1),
    }
    for name, want in expected.items():
        np.testing.assert_allclose(got[name], want, err_msg=name)
        assert got[name].dtype == want.dtype, name


def _bn_training(
    x: np.ndarray, s: np.ndarray, b: np.ndarray, eps: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    axes = (0, 2, 3)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    shape = (1, -1, 1, 1)
    y = s.reshape(shape) * (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return y + b.reshape(shape), mean, var


def test_opset6_batch_normalization_and_dropout() -> None:
    """BatchNormalization-6: test mode, `spatial=0` (per-activation parameters), training mode
    (`is_test=0`: batch statistics); Dropout-6 in test mode gives a mask of the input's type."""
    c, hw = 3, (4, 5)
    inputs = {"x": (F, [2, c, *hw])}
    rng = np.random.default_rng(1)
    p = {k: (rng.random(c) + 0.5).astype(np.float32) for k in ("s", "b", "m", "v")}
    q = {k + "2": (rng.random((c, *hw)) + 0.5).astype(np.float32) for k in ("s", "b", "m", "v")}
    nodes = [
        node("BatchNormalization", ["x", "s", "b", "m", "v"], "bn_test", is_test=1, epsilon=1e-3),
        node(
            "BatchNormalization",
            ["x", "s2", "b2", "m2", "v2"],
            "bn_per_activation",
            is_test=1,
            spatial=0,
        ),
        node("BatchNormalization", ["x", "s", "b", "m", "v"], "bn_train", momentum=0.8),
        helper.make_node("Dropout", ["x"], ["drop", "mask"], name="drop", is_test=1, ratio=0.3),
    ]
    outs = {k: (F, [2, c, *hw]) for k in ("bn_test", "bn_per_activation", "bn_train", "drop")}
    m = model(nodes, inputs, {**outs, "mask": (F, [2, c, *hw])}, opset=6, inits={**p, **q})
    f = feeds_for(inputs)
    x = f["x"]
    got = run(m, f)
    reference = ReferenceEvaluator(model(nodes[:1], inputs, {"bn_test": outs["bn_test"]}, 6, p))
    np.testing.assert_allclose(got["bn_test"], reference.run(None, f)[0], rtol=1e-5)
    per_act = (x - q["m2"]) / np.sqrt(q["v2"] + 1e-5) * q["s2"] + q["b2"]
    np.testing.assert_allclose(got["bn_per_activation"], per_act, rtol=1e-5)
    y, _, _ = _bn_training(x, p["s"], p["b"], 1e-5)
    np.testing.assert_allclose(got["bn_train"], y, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(got["drop"], x)
    assert got["mask"].dtype == np.float32 and np.all(got["mask"] == 1)


def test_opset9_batch_normalization_training_outputs() -> None:
    """BatchNormalization-7..13: extra outputs select training mode (running and batch stats)."""
    c = 3
    inputs = {"x": (F, [2, c, 2, 3])}
    rng = np.random.default_rng(2)
    p = {k: (rng.random(c) + 0.5).astype(np.float32) for k in ("s", "b", "m", "v")}
    bn = helper.make_node(
        "BatchNormalization",
        ["x", "s", "b", "m", "v"],
        ["y", "run_mean", "run_var", "saved_mean", "saved_var"],
        momentum=0.7,
    )
    outs = {"y": (F, [2, c, 2, 3])}
    outs.update({k: (F, [c]) for k in ("run_mean", "run_var", "saved_mean", "saved_var")})
    m = model([bn], inputs, outs, opset=9, inits=p)
    f = feeds_for(inputs)
    got = run(m, f)
    y, mean, var = _bn_training(f["x"], p["s"], p["b"], 1e-5)
    np.testing.assert_allclose(got["y"], y, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got["run_mean"], p["m"] * 0.7 + mean * 0.3, rtol=1e-5)
    np.testing.assert_allclose(got["run_var"], p["v"] * 0.7 + var * 0.3, rtol=1e-5)
    np.testing.assert_allclose(got["saved_mean"], mean, rtol=1e-5)
    np.testing.assert_allclose(got["saved_var"], var, rtol=1e-4)


def test_upsample_and_resize10() -> None:
    """Upsample-7 (scales attribute), Upsample-9 and Resize-10 (scales input): asymmetric
    coordinates, nearest rounding down when enlarging and up when shrinking."""
    inputs = {"x": (F, [1, 2, 3, 4])}
    f = feeds_for(inputs)
    up = np.array([1, 1, 2, 1.5], np.float32)
    down = np.array([1, 1, 0.5, 0.5], np.float32)
    m7 = model(
        [
            node("Upsample", ["x"], "near7", scales=[1.0, 1.0, 2.0, 3.0]),
            node("Upsample", ["x"], "lin7", scales=[1.0, 1.0, 2.0, 2.0], mode="linear"),
        ],
        inputs,
        ["near7", "lin7"],
        opset=7,
    )
    got7 = run(m7, f)
    x = f["x"]
    np.testing.assert_array_equal(got7["near7"], np.repeat(np.repeat(x, 2, 2), 3, 3))
    # Asymmetric bilinear: x_in = x_out / 2, clamped at the last input sample.
    rows = np.minimum(np.arange(6) / 2, 2)
    cols = np.minimum(np.arange(8) / 2, 3)
    r0, c0 = np.floor(rows).astype(int), np.floor(cols).astype(int)
    r1, c1 = np.minimum(r0 + 1, 2), np.minimum(c0 + 1, 3)
    fr, fc = (rows - r0)[:, None], (cols - c0)[None, :]
    g = x[0, :]
    lin = (
        g[:, r0][:, :, c0] * (1 - fr) * (1 - fc)
        + g[:, r0][:, :, c1] * (1 - fr) * fc
        + g[:, r1][:, :, c0] * fr * (1 - fc)
        + g[:, r1][:, :, c1] * fr * fc
    )
    np.testing.assert_allclose(got7["lin7"][0], lin, rtol=1e-5)

    m9 = model([node("Upsample", ["x", "up"], "near9")], inputs, ["near9"], 9, {"up": up})
    m10 = model(
        [
            node("Resize", ["x", "down"], "near10"),
            node("Resize", ["x", "up"], "lin10", mode="linear"),
        ],
        inputs,
        ["near10", "lin10"],
        opset=10,
        inits={"down": down, "up": up},
    )
    got9, got10 = run(m9, f), run(m10, f)
    ri, ci = np.floor(np.arange(6) / 2).astype(int), np.floor(np.arange(6) / 1.5).astype(int)
    np.testing.assert_array_equal(got9["near9"], x[:, :, ri][:, :, :, ci])
    ri, ci = np.ceil(np.arange(1) / 0.5).astype(int), np.ceil(np.arange(2) / 0.5).astype(int)
    np.testing.assert_array_equal(got10["near10"], x[:, :, ri][:, :, :, ci])
    assert got10["lin10"].shape == (1, 2, 6, 6)


# ---- import-time checks (no compile) -------------------------------------------------------


def test_every_converter_since_is_a_schema_version() -> None:
    """`since` says which ONNX semantics an entry implements: it must be a real schema version."""
    for domain, table in ops.TABLES.items():
        for op_type, entries in table.items():
            versions = ops.schema_versions(op_type, domain)
            for e in entries:
                assert e.since in versions, (domain, op_type, e.since, versions)


def test_legacy_forms_are_selected_by_opset() -> None:
    assert ops.lookup("Add", 6).since == 1  # type: ignore[union-attr]
    assert ops.lookup("Add", 7).since == 7  # type: ignore[union-attr]
    assert ops.lookup("Pad", 10).since == 2  # type: ignore[union-attr]
    assert ops.lookup("Cast", 5).since == 1  # type: ignore[union-attr]
    assert ops.lookup("Gelu", 19) is None


def test_an_entry_with_until_does_not_cover_later_opsets() -> None:
    """A legacy entry stops where a later version changed the meaning, whether or not the
    newer converter exists."""
    domain = "test.strata.until"
    try:
        ops.registry.converter("Op", since=1, until=6, domain=domain)(lambda node: [])
        assert ops.lookup("Op", 5, domain) is not None
        assert ops.lookup("Op", 6, domain) is None
        ops.registry.converter("Op", since=6, domain=domain)(lambda node: [])
        assert ops.lookup("Op", 9, domain).since == 6  # type: ignore[union-attr]
        assert ops.converted_opsets("Op", 9, domain) == list(range(1, 10))
    finally:
        ops.TABLES.pop(domain, None)


def test_training_dropout_is_refused_with_the_reason() -> None:
    m = model([node("Dropout", ["x"], "y")], {"x": (F, [2, 3])}, ["y"], opset=6)
    with pytest.raises(ModelImportError, match=r"is_test=0 .*training-mode"):
        import_model(m)


def test_op_newer_than_the_model_opset_says_so() -> None:
    m = model([node("Gelu", ["x"], "y")], {"x": (F, [2, 3])}, ["y"], opset=11)
    with pytest.raises(
        UnsupportedOpError,
        match=r"Gelu: y \(converted at opsets 20-28; the model imports opset 11\)",
    ):
        import_model(m)


def test_other_domains_are_checked_and_named() -> None:
    x = {"x": (F, [2, 3])}
    ml = helper.make_node("LinearRegressor", ["x"], ["y"], domain="ai.onnx.ml")
    with pytest.raises(
        UnsupportedOpError, match=r"ai\.onnx\.ml\.LinearRegressor: LinearRegressor_0"
    ):
        import_model(model([ml], x, {"y": (F, [2, 3])}, 17, extra_opsets={"ai.onnx.ml": 3}))
    with pytest.raises(ModelImportError, match=r"opset 9 of domain 'ai\.onnx\.ml'.*defines 1 to 5"):
        import_model(model([ml], x, {"y": (F, [2, 3])}, 17, extra_opsets={"ai.onnx.ml": 9}))
    custom = helper.make_node("Fused", ["x"], ["y"], domain="com.example")
    y = {"y": (F, [2, 3])}
    with pytest.raises(UnsupportedOpError, match=r"com\.example\.Fused.*not an ONNX domain"):
        import_model(model([custom], x, y, 17, extra_opsets={"com.example": 1}))
    with pytest.raises(ModelImportError, match=r"'com\.example': Fused_0"):
        import_model(model([custom], x, y, 17))


def test_model_with_only_another_domain_needs_no_default_opset() -> None:
    """ai.onnx.ml-only models (no default opset import) get to the op check."""
    ml = helper.make_node("LinearRegressor", ["x"], ["y"], domain="ai.onnx.ml")
    graph = helper.make_graph(
        [ml],
        "ml",
        [helper.make_tensor_value_info("x", F, [2])],
        [helper.make_tensor_value_info("y", F, [2])],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("ai.onnx.ml", 1)])
    with pytest.raises(UnsupportedOpError, match=r"ai\.onnx\.ml\.LinearRegressor"):
        import_model(m)
