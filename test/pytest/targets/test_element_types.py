"""Every element type of `strata.dtypes` end to end (CPU target): graph inputs, outputs,
constants and run-time values of uint16/32/64, bf16 and f16 through the C ABI, in a model
with a dynamic dim; onnx's reference implementation is the reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import strata
from strata import dtypes
from strata.frontends.onnx.graph import SUPPORTED_DTYPES
from strata.targets.cpu.abi import C_TYPES

BF16 = dtypes.numpy_dtype("bfloat16")


def _model() -> onnx.ModelProto:
    u64_shift = numpy_helper.from_array(np.array([3, 63, 64], np.uint64), "shift")
    hi = numpy_helper.from_array(np.array(1000, np.int16), "hi")
    nodes = [
        helper.make_node("Div", ["a", "b"], ["q"]),
        helper.make_node("Less", ["a", "b"], ["lt"]),
        helper.make_node("Max", ["a", "b"], ["mx"]),
        helper.make_node("Cast", ["a"], ["af"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["c", "c"], ["cc"]),
        helper.make_node("Cast", ["c"], ["cf"], to=TensorProto.FLOAT),
        helper.make_node("BitShift", ["d", "shift"], ["ds"], direction="RIGHT"),
        helper.make_node("Mod", ["d", "dm"], ["dmod"]),
        helper.make_node("Clip", ["e", "lo", "hi"], ["ec"]),
        helper.make_node("Elu", ["f"], ["fe"], alpha=0.5),
        helper.make_node("CastLike", ["f", "c"], ["fc"]),
    ]
    dims = ["n", 3]

    def vi(name: str, t: int, shape: list[object]) -> onnx.ValueInfoProto:
        return helper.make_tensor_value_info(name, t, shape)

    inputs = [
        vi("a", TensorProto.UINT32, dims),
        vi("b", TensorProto.UINT32, [3]),
        vi("c", TensorProto.BFLOAT16, dims),
        vi("d", TensorProto.UINT64, dims),
        vi("dm", TensorProto.UINT64, [3]),
        vi("e", TensorProto.INT16, dims),
        vi("lo", TensorProto.INT16, []),
        vi("f", TensorProto.FLOAT16, dims),
    ]
    outputs = [
        vi("q", TensorProto.UINT32, dims),
        vi("lt", TensorProto.BOOL, dims),
        vi("mx", TensorProto.UINT32, dims),
        vi("af", TensorProto.FLOAT, dims),
        vi("cc", TensorProto.BFLOAT16, dims),
        vi("cf", TensorProto.FLOAT, dims),
        vi("ds", TensorProto.UINT64, dims),
        vi("dmod", TensorProto.UINT64, dims),
        vi("ec", TensorProto.INT16, dims),
        vi("fe", TensorProto.FLOAT16, dims),
        vi("fc", TensorProto.BFLOAT16, dims),
    ]
    graph = helper.make_graph(nodes, "dtypes", inputs, outputs, [u64_shift, hi])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    return model


def _inputs(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    u32 = np.iinfo(np.uint32).max
    return {
        "a": rng.integers(0, u32, (n, 3), dtype=np.uint32, endpoint=True),
        "b": rng.integers(1, u32, (3,), dtype=np.uint32, endpoint=True),
        "c": rng.uniform(-4, 4, (n, 3)).astype(BF16),
        "d": rng.integers(0, 2**64 - 1, (n, 3), dtype=np.uint64, endpoint=True),
        "dm": np.array([7, 2**63 + 5, 1], np.uint64),
        "e": rng.integers(-2000, 2000, (n, 3), dtype=np.int16),
        "lo": np.array(-700, np.int16),
        "f": rng.uniform(-3, 3, (n, 3)).astype(np.float16),
    }


def test_every_dtype_runs_through_the_c_abi(tmp_path: Path) -> None:
    model = _model()
    compiled = strata.compile(model, cache_dir=tmp_path, num_threads=1)
    assert compiled.meta.abi == "dynamic"
    header = (compiled.directory / f"{compiled.name}.h").read_text()
    assert "const uint64_t*" in header and "uint16_t*" in header
    ref = ReferenceEvaluator(model)
    rng = np.random.default_rng(3)
    names = [o.name for o in model.graph.output]
    for n in (1, 5):
        feeds = _inputs(n, rng)
        got = compiled.run(feeds)
        want = ref.run(None, feeds)
        for name, g, w in zip(names, got, want, strict=True):
            w = np.asarray(w)
            assert g.dtype == w.dtype and g.shape == w.shape, name
            if name == "fe":  # f16 Elu: onnx computes in f16, Strata in f32 then rounds
                np.testing.assert_allclose(g.astype(np.float32), w, rtol=2e-3, err_msg=name)
            else:
                np.testing.assert_array_equal(g.view(np.uint8), w.view(np.uint8), err_msg=name)


def test_dtype_tables_agree() -> None:
    """The importer, the C ABI and the nn dialect all derive from strata.dtypes."""
    names = set(dtypes.names())
    assert {d.name for d in SUPPORTED_DTYPES} == names
    # strings are outside the numeric table (dtypes.STRING) but have a C type (strata_str)
    assert set(C_TYPES) == names | {dtypes.STRING.name}
    assert dtypes.lookup(np.dtype(object)) is dtypes.STRING and dtypes.STRING.name not in names
    assert dtypes.numpy_dtype("bfloat16") == np.dtype(BF16) and dtypes.is_float(BF16)
    assert dtypes.lookup("uint64").storage == "i64"  # type: ignore[union-attr]
