"""The ONNX importer on small models built with onnx.helper: loading, bad input, shape
overrides, output selection, folding and opset differences."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from strata.errors import ModelImportError, ModelLoadError, UnsupportedOpError
from strata.frontends.onnx import import_model


def make_model(
    nodes: Sequence[onnx.NodeProto],
    inputs: Sequence[tuple[str, Sequence[int | str]]],
    outputs: Sequence[str],
    inits: Sequence[onnx.TensorProto] = (),
    opset: int = 17,
) -> onnx.ModelProto:
    graph = helper.make_graph(
        list(nodes),
        "test",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["?"]) for n in outputs],
        list(inits),
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def mlp(opset: int = 17) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(rng.random((8, 4), dtype=np.float32), "fc.weight"),
        numpy_helper.from_array(rng.random(4, dtype=np.float32), "fc.bias"),
    ]
    nodes = [
        helper.make_node("MatMul", ["x", "fc.weight"], ["h"], name="fc/matmul"),
        helper.make_node("Add", ["h", "fc.bias"], ["hb"], name="fc/add"),
        helper.make_node("Relu", ["hb"], ["y"], name="act"),
    ]
    return make_model(nodes, [("x", ["batch", 8])], ["y"], inits, opset)


def ir_text(model: object, **kwargs: object) -> str:
    imported = import_model(model, **kwargs)  # type: ignore[arg-type]
    return str(imported.module.operation.get_asm(large_resource_limit=0))


# ---- loading ---------------------------------------------------------------------------------


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.onnx"
    with pytest.raises(ModelLoadError, match=r"nope\.onnx"):
        import_model(str(path))


def test_truncated_file_is_not_a_valid_model(tmp_path: Path) -> None:
    data = mlp().SerializeToString()
    path = tmp_path / "cut.onnx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="not a valid ONNX model"):
        import_model(path)


def test_non_onnx_file_is_not_a_valid_model(tmp_path: Path) -> None:
    path = tmp_path / "text.onnx"
    path.write_text("this is a plain text file, not a protobuf\n" * 20)
    with pytest.raises(ModelLoadError, match="not a valid ONNX model"):
        import_model(path)


def test_path_bytes_and_proto_give_the_same_module(tmp_path: Path) -> None:
    model = mlp()
    path = tmp_path / "mlp.onnx"
    onnx.save(model, path)
    texts = {ir_text(m, batch_size=2) for m in (str(path), path, model.SerializeToString(), model)}
    assert len(texts) == 1


def test_unsupported_opset_is_refused() -> None:
    with pytest.raises(ModelImportError, match=r"opset 29 .*opsets 1 to 28"):
        import_model(mlp(opset=29))


# ---- external data ---------------------------------------------------------------------------


def _save_external(model: onnx.ModelProto, folder: Path) -> Path:
    path = folder / "model.onnx"
    onnx.save(
        model,
        path,
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="weights.bin",
        size_threshold=0,
    )
    return path


def test_external_data_is_loaded_from_the_model_folder(tmp_path: Path) -> None:
    model = mlp()
    expected = numpy_helper.to_array(model.graph.initializer[0])
    path = _save_external(model, tmp_path)
    assert (tmp_path / "weights.bin").exists()
    imported = import_model(path, batch_size=1)
    blobs = [w for w in imported.weights.values() if w.shape == (8, 4)]
    assert len(blobs) == 1
    np.testing.assert_array_equal(blobs[0], expected)


@pytest.mark.parametrize("location", ["../outside.bin", "/etc/passwd", "sub/../../outside.bin"])
def test_escaping_external_data_location_is_refused(tmp_path: Path, location: str) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    path = _save_external(mlp(), folder)
    (tmp_path / "outside.bin").write_bytes((folder / "weights.bin").read_bytes())
    model = onnx.load(path, load_external_data=False)
    for tensor in model.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                entry.value = location
    onnx.save(model, path)
    with pytest.raises(ModelLoadError, match=r"fc\.weight.*" + location.replace(".", r"\.")):
        import_model(path)


# ---- unsupported ops -------------------------------------------------------------------------


def test_unknown_ops_are_all_listed_with_node_names() -> None:
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="ok"),
        helper.make_node("FancyOp", ["a"], ["b"], name="fancy1"),
        helper.make_node("Relu", ["b"], ["c"]),
        helper.make_node("FancyOp", ["c"], ["d"], name="fancy2"),
        helper.make_node("ImageDecoder", ["d"], ["y"], name="decode"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(UnsupportedOpError) as info:
        import_model(model.SerializeToString())  # the checker does not know FancyOp either
    assert info.value.unsupported == {"FancyOp": ["fancy1", "fancy2"], "ImageDecoder": ["decode"]}
    assert "fancy1, fancy2" in str(info.value)


# ---- shapes ------------------------------------------------------------------------------------


def test_symbolic_dim_without_override_stays_dynamic() -> None:
    imported = import_model(mlp())
    assert imported.inputs[0].shape == ("batch", 8)
    assert imported.outputs[0].dims == (None, 4)
    assert 'tensor<?x8xf32> {nn.name = "x"}' in str(imported.module)


def test_minus_one_and_unnamed_dims_are_unknown_and_can_be_pinned() -> None:
    model = mlp()
    dims = model.graph.input[0].type.tensor_type.shape.dim
    dims[0].Clear()
    dims[0].dim_value = -1  # an exporter's spelling of "unknown"
    assert import_model(model).inputs[0].shape == (None, 8)
    assert import_model(model, input_shapes={"x": [3, 8]}).inputs[0].shape == (3, 8)
    dims[0].Clear()  # neither value nor name
    assert import_model(model, batch_size=2).inputs[0].shape == (2, 8)


def test_input_without_any_shape_names_the_input() -> None:
    model = mlp()
    model.graph.input[0].type.tensor_type.ClearField("shape")
    with pytest.raises(ModelImportError, match=r"'x' has no shape.*--input-shape"):
        import_model(model)


def test_model_without_outputs_is_refused() -> None:
    model = mlp()
    del model.graph.output[:]
    with pytest.raises(ModelImportError, match="no outputs"):
        import_model(model)


def test_initializer_whose_data_does_not_fit_its_dims_is_named() -> None:
    model = mlp()
    model.graph.initializer[0].dims[0] += 1
    with pytest.raises(ModelImportError, match=r"initializer 'fc.weight' declares dims \[9, 4\]"):
        import_model(model, batch_size=1)


def test_batch_size_sets_the_first_dim() -> None:
    imported = import_model(mlp(), batch_size=5)
    assert imported.inputs[0].shape == (5, 8)
    assert imported.outputs[0].shape == (5, 4)
    assert 'tensor<5x8xf32> {nn.name = "x"}' in str(imported.module)


def test_input_shapes_override() -> None:
    imported = import_model(mlp(), input_shapes={"x": [3, 8]})
    assert imported.inputs[0].shape == (3, 8)
    assert imported.outputs[0].shape == (3, 4)


def test_input_shapes_for_unknown_input_lists_the_inputs() -> None:
    with pytest.raises(ModelImportError, match=r"'xx'.*inputs are: 'x'"):
        import_model(mlp(), input_shapes={"xx": [3, 8]})


def test_input_shapes_must_match_fixed_dims() -> None:
    with pytest.raises(ModelImportError, match="dim 1 to 9"):
        import_model(mlp(), input_shapes={"x": [3, 9]})
    with pytest.raises(ModelImportError, match="rank 3"):
        import_model(mlp(), input_shapes={"x": [3, 8, 1]})


def test_initializers_listed_as_inputs_are_weights() -> None:
    model = mlp()
    model.graph.input.extend(
        [helper.make_tensor_value_info("fc.weight", TensorProto.FLOAT, [8, 4])]
    )
    imported = import_model(model, batch_size=1)
    assert [i.name for i in imported.inputs] == ["x"]
    assert "dense_resource<fc.weight>" in str(imported.module)


# ---- outputs -----------------------------------------------------------------------------------


def test_outputs_selects_inner_values() -> None:
    imported = import_model(mlp(), batch_size=2, outputs=["h", "y"])
    assert [o.name for o in imported.outputs] == ["h", "y"]
    text = str(imported.module)
    assert '{nn.name = "h"}' in text and '{nn.name = "y"}' in text


def test_outputs_prunes_unneeded_nodes() -> None:
    text = ir_text(mlp(), batch_size=2, outputs=["h"])
    assert "nn.mat_mul" in text and "nn.relu" not in text and "nn.add" not in text


def test_unknown_output_is_an_error() -> None:
    with pytest.raises(ModelImportError, match="'nope'"):
        import_model(mlp(), batch_size=2, outputs=["nope"])


# ---- folding ---------------------------------------------------------------------------------


def _shape_chain_model() -> onnx.ModelProto:
    i64 = np.int64
    inits = [
        numpy_helper.from_array(np.array(0, i64), "zero"),
        numpy_helper.from_array(np.array([0], i64), "axes0"),
        numpy_helper.from_array(np.array([-1], i64), "minus1"),
    ]
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus1"], ["shape"], axis=0),
        helper.make_node("Cast", ["shape"], ["shape64"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["x", "shape64"], ["y"]),
    ]
    return make_model(nodes, [("x", ["batch", 3, 4])], ["y"], inits)


def test_shape_chain_folds_to_a_constant_reshape() -> None:
    text = ir_text(_shape_chain_model(), batch_size=6)
    for op in ("nn.shape", "nn.gather", "nn.concat", "nn.unsqueeze", "nn.cast"):
        assert op not in text
    assert "shape = array<i64: 6, -1>" in text
    assert "-> tensor<6x12xf32>" in text


def test_weight_only_subgraphs_fold() -> None:
    w = np.arange(64 * 32, dtype=np.float32).reshape(64, 32)
    nodes = [
        helper.make_node("Transpose", ["w"], ["wt"], perm=[1, 0]),
        helper.make_node("MatMul", ["x", "wt"], ["y"]),
    ]
    model = make_model(nodes, [("x", [2, 32])], ["y"], [numpy_helper.from_array(w, "w")])
    imported = import_model(model)
    assert "nn.transpose" not in str(imported.module)
    (blob,) = imported.weights.values()
    np.testing.assert_array_equal(blob, w.T)
    assert blob.flags.c_contiguous


def test_dropout_is_identity() -> None:
    nodes = [helper.make_node("Dropout", ["x"], ["d"]), helper.make_node("Relu", ["d"], ["y"])]
    text = ir_text(make_model(nodes, [("x", [2, 3])], ["y"]))
    assert "dropout" not in text and "nn.relu" in text


def test_computed_reshape_target_is_a_dynamic_reshape() -> None:
    nodes = [
        helper.make_node("Relu", ["s"], ["sr"]),
        helper.make_node("Cast", ["sr"], ["si"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["x", "si"], ["y"], name="the_reshape"),
    ]
    model = make_model(nodes, [("x", [2, 3]), ("s", [2])], ["y"])
    text = ir_text(model)
    assert '"nn.dynamic_reshape"' in text and "-> tensor<?x?xf32>" in text


def test_shape_arithmetic_keeps_static_reshapes() -> None:
    """Reshape(x, Concat(Shape(x)[0], [-1, 4])) with a dynamic batch: the dim of x itself is
    ONNX's 0 (copy), so the reshape stays static."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["b"], axis=0),
        helper.make_node("Unsqueeze", ["b", "zero1"], ["b1"]),
        helper.make_node("Concat", ["b1", "tail"], ["shape"], axis=0),
        helper.make_node("Reshape", ["x", "shape"], ["y"]),
    ]
    inits = [
        numpy_helper.from_array(np.array(0, np.int64), "zero"),
        numpy_helper.from_array(np.array([0], np.int64), "zero1"),
        numpy_helper.from_array(np.array([-1, 4], np.int64), "tail"),
    ]
    model = make_model(nodes, [("x", ["n", 2, 8])], ["y"], inits)
    text = ir_text(model)
    assert "nn.dynamic_reshape" not in text
    assert "shape = array<i64: 0, -1, 4>" in text


def _heads_model(second: str, dims2: Sequence[object]) -> onnx.ModelProto:
    """BERT's head split: Reshape(Add(b, MatMul(x2, w)), [Shape(x)[0], Shape(x)[1], -1, 4]),
    where x2 = Add(x, `second`): the target's dims are x's, the reshaped tensor's come
    through the Add and the MatMul."""
    nodes = [
        helper.make_node("Add", ["x", second], ["x2"]),
        helper.make_node("MatMul", ["x2", "w"], ["m"]),
        helper.make_node("Add", ["bias", "m"], ["q"]),
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["b"], axis=0),
        helper.make_node("Gather", ["s", "one"], ["t"], axis=0),
        helper.make_node("Unsqueeze", ["b", "axes"], ["b1"]),
        helper.make_node("Unsqueeze", ["t", "axes"], ["t1"]),
        helper.make_node("Concat", ["b1", "t1", "tail"], ["shape"], axis=0),
        helper.make_node("Reshape", ["q", "shape"], ["y"]),
    ]
    i64 = np.int64
    inits = [
        numpy_helper.from_array(np.ones((8, 8), np.float32), "w"),
        numpy_helper.from_array(np.ones(8, np.float32), "bias"),
        numpy_helper.from_array(np.array(0, i64), "zero"),
        numpy_helper.from_array(np.array(1, i64), "one"),
        numpy_helper.from_array(np.array([0], i64), "axes"),
        numpy_helper.from_array(np.array([-1, 4], i64), "tail"),
    ]
    return make_model(nodes, [("x", ["n", "s", 8]), (second, dims2)], ["y"], inits)


def test_equal_run_time_dims_keep_a_static_reshape() -> None:
    """The dims of x flow through Add (with a same-named input), MatMul and a bias Add, so
    the target copies them (0) and the head count is inferred statically."""
    text = ir_text(_heads_model("r", ["n", "s", 8]))
    assert "nn.dynamic_reshape" not in text
    assert "shape = array<i64: 0, 0, -1, 4>" in text
    assert "-> tensor<?x?x2x4xf32>" in text


def test_possibly_different_run_time_dims_stay_dynamic() -> None:
    """An input whose dims have other names may broadcast at run time (one of them may be
    1), so the Add's dims are not x's and the reshape stays a run-time one."""
    text = ir_text(_heads_model("r", ["p", "q", 8]))
    assert '"nn.dynamic_reshape"' in text


def test_gemm_with_constant_transposed_weights_stores_them_transposed() -> None:
    """PyTorch's Linear: Gemm(x, W, b, transB=1) with W an initializer. The weights are stored
    as W^T (the layout the kernel reads) and the Gemm no longer transposes."""
    w = np.arange(8 * 5, dtype=np.float32).reshape(8, 5)
    nodes = [helper.make_node("Gemm", ["x", "w"], ["y"], transB=1)]
    model = make_model(nodes, [("x", [2, 5])], ["y"], [numpy_helper.from_array(w, "w")])
    imported = import_model(model)
    text = str(imported.module)
    assert "transB = 0" in text and "tensor<5x8xf32>" in text
    (blob,) = imported.weights.values()
    np.testing.assert_array_equal(blob, w.T)


def test_shape_rule_failure_names_the_node() -> None:
    nodes = [helper.make_node("MatMul", ["x", "z"], ["y"], name="bad_mm")]
    model = make_model(nodes, [("x", [2, 3]), ("z", [4, 5])], ["y"])
    with pytest.raises(ModelImportError, match=r"node 'bad_mm' \(MatMul\)"):
        import_model(model)


# ---- opsets ------------------------------------------------------------------------------------


def _small_graph(opset: int) -> onnx.ModelProto:
    """Unsqueeze -> Softmax -> ReduceSum -> Squeeze -> Split, in the opset's own form."""
    i64 = np.int64
    inits: list[onnx.TensorProto] = []
    if opset < 13:
        nodes = [
            helper.make_node("Unsqueeze", ["x"], ["u"], axes=[0]),
            helper.make_node("Softmax", ["u"], ["s"], axis=2),
            helper.make_node("ReduceSum", ["s"], ["r"], axes=[2], keepdims=1),
            helper.make_node("Squeeze", ["r"], ["q"], axes=[0, 2]),
            helper.make_node("Split", ["q"], ["y1", "y2"], axis=0, split=[1, 1]),
        ]
    else:
        inits = [
            numpy_helper.from_array(np.array([0], i64), "a0"),
            numpy_helper.from_array(np.array([2], i64), "a2"),
            numpy_helper.from_array(np.array([0, 2], i64), "a02"),
        ]
        split = (
            [helper.make_node("Split", ["q"], ["y1", "y2"], axis=0, num_outputs=2)]
            if opset >= 18
            else [
                helper.make_node("Split", ["q", "sizes"], ["y1", "y2"], axis=0),
            ]
        )
        if opset < 18:
            inits.append(numpy_helper.from_array(np.array([1, 1], i64), "sizes"))
        nodes = [
            helper.make_node("Unsqueeze", ["x", "a0"], ["u"]),
            helper.make_node("Softmax", ["u"], ["s"], axis=2),
            helper.make_node("ReduceSum", ["s", "a2"], ["r"], keepdims=1),
            helper.make_node("Squeeze", ["r", "a02"], ["q"]),
            *split,
        ]
    return make_model(nodes, [("x", [2, 5])], ["y1", "y2"], inits, opset)


@pytest.mark.parametrize("opset", [1, 6, 9, 11, 13, 17, 18, 21, 23, 28])
def test_same_graph_in_each_opset(opset: int) -> None:
    imported = import_model(_small_graph(opset))
    text = str(imported.module)
    assert [o.shape for o in imported.outputs] == [(1,), (1,)]
    assert '"nn.unsqueeze"(%arg0) {axes = array<i64: 0>}' in text
    assert '"nn.reduce_sum"' in text and "axes = array<i64: 2>" in text
    assert "axes = array<i64: 0, 2>" in text
    assert '"nn.split"' in text
    # Softmax over the last axis means the same in every opset: no flatten needed.
    assert '"nn.softmax"' in text and "nn.flatten" not in text


def test_softmax_before_opset_13_coerces_to_2d() -> None:
    nodes = [helper.make_node("Softmax", ["x"], ["y"], axis=1)]
    text = ir_text(make_model(nodes, [("x", [2, 3, 4])], ["y"], opset=11))
    assert "nn.flatten" in text and "axis = 1" in text
    assert "(tensor<2x12xf32>) -> tensor<2x12xf32>" in text
    assert "shape = array<i64: 2, 3, 4>" in text
    text13 = ir_text(make_model(nodes, [("x", [2, 3, 4])], ["y"], opset=13))
    assert "nn.flatten" not in text13 and "axis = 1" in text13


def test_gather_elements_folds_like_take_along_axis() -> None:
    """BERT-like position buffer: [1, 512] data, [1, 32] indices (the reference op mis-gathers)."""
    data = (np.arange(512, dtype=np.int64) * 3).reshape(1, 512)
    idx = np.arange(100, 132, dtype=np.int64)[::-1].reshape(1, 32).copy()
    nodes = [
        helper.make_node("GatherElements", ["d", "i"], ["g"], axis=1),
        helper.make_node("Cast", ["g"], ["gf"], to=TensorProto.FLOAT),
        helper.make_node("Add", ["x", "gf"], ["y"]),
    ]
    inits = [numpy_helper.from_array(data, "d"), numpy_helper.from_array(idx, "i")]
    imported = import_model(make_model(nodes, [("x", [1, 32])], ["y"], inits))
    (blob,) = imported.weights.values()
    np.testing.assert_array_equal(blob, np.take_along_axis(data, idx, axis=1).astype(np.float32))


def test_large_generated_constants_stay_ops() -> None:
    nodes = [
        helper.make_node(
            "ConstantOfShape",
            ["s"],
            ["c"],
            value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0]),
        ),
        helper.make_node("Add", ["x", "c"], ["y"]),
    ]
    inits = [numpy_helper.from_array(np.array([512, 512], np.int64), "s")]
    imported = import_model(make_model(nodes, [("x", [1])], ["y"], inits))
    assert '"nn.constant_of_shape"() {shape = array<i64: 512, 512>' in str(imported.module)
    assert not imported.weights


def test_is_nan_becomes_not_equal_to_itself() -> None:
    nodes = [
        helper.make_node("IsNaN", ["x"], ["n"]),
        helper.make_node("Where", ["n", "zero", "x"], ["y"]),
    ]
    inits = [numpy_helper.from_array(np.array(0.0, np.float32), "zero")]
    text = ir_text(make_model(nodes, [("x", [4])], ["y"], inits))
    assert '"nn.equal"(%arg0, %arg0)' in text and '"nn.not"' in text


def test_entry_func_name_and_given_context() -> None:
    from strata.context import make_context

    ctx = make_context()
    imported = import_model(mlp(), batch_size=1, entry_func_name="forward", context=ctx)
    assert imported.entry == "forward"
    assert imported.module.context is ctx
    assert "func.func @forward(" in str(imported.module)


def test_require_static_names_every_input_without_static_dims() -> None:
    """For a target that needs static shapes: one error, every input named, --batch-size only
    suggested where the leading dim is the only open one."""
    from strata.frontends.base import TensorInfo
    from strata.frontends.onnx.graph import require_static

    infos = [
        TensorInfo("ids", ("batch", 128), np.dtype("int64")),
        TensorInfo("mask", (None, "seq"), np.dtype("int64")),
        TensorInfo("w", (4,), np.dtype("float32")),
    ]
    with pytest.raises(ModelImportError) as info:
        require_static(infos, "halide")
    text = str(info.value)
    assert "target 'halide'" in text and "'ids' [batch, 128] (or --batch-size N)" in text
    assert "'mask' [?, seq];" in text or text.count("--batch-size N)") == 1
    assert "'w'" not in text
    require_static(infos[2:], "halide")  # all static: no error
