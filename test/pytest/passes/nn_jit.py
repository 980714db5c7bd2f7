"""Test helper: build one nn op, lower it with convert-nn-to-linalg, JIT it, compare with ORT.

`check(op, operands, attrs, onnx_op, ...)` builds `func.func @main` around `DIALECT.op(op)`,
runs the Strata pipeline `strata-nn-to-linalg`, bufferizes and lowers to LLVM with upstream
passes, runs it with mlir's ExecutionEngine and compares every result with onnxruntime (or
`onnx.reference`: for dtypes and ops onnxruntime lacks) on the equivalent single-node ONNX
model (rtol 1e-4, atol 1e-5). Any dtype of `strata.dtypes` may be used (bool and bfloat16
travel as i8 / 16-bit integers). Engines and
contexts are deleted explicitly (one alive at interpreter exit can abort the process).

Dependency contract: numpy, onnx, onnxruntime, the `mlir` bindings, strata.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from mlir import ir
from mlir.dialects import func
from mlir.execution_engine import ExecutionEngine
from mlir.passmanager import PassManager
from mlir.runtime import get_ranked_memref_descriptor
from onnx import helper, numpy_helper

from strata import dtypes
from strata.context import make_context
from strata.dialects.nn import DIALECT
from strata.dialects.opdef import element_type
from strata.passes.registry import run_pipeline

RUNNER_UTILS = str(Path(ir.__file__).parent / "lib" / "libmlir_c_runner_utils.so")
BF16 = dtypes.numpy_dtype("bfloat16")

CPU_PIPELINE = (
    "builtin.module(func.func(linalg-fuse-elementwise-ops),canonicalize,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{modify-public-functions},"
    "func.func(convert-linalg-to-loops),expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    "finalize-memref-to-llvm,convert-math-to-llvm,convert-math-to-libm,arith-expand{include-bf16},"
    "convert-arith-to-llvm,"
    "convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,"
    "reconcile-unrealized-casts)"
)


@dataclass(frozen=True)
class Const:
    """An operand given as an `nn.constant` (an ONNX initializer on the reference side)."""

    value: np.ndarray[Any, Any]


Operand = np.ndarray[Any, Any] | Const | None | Sequence[np.ndarray[Any, Any]]


def _flat(operands: Sequence[Operand]) -> list[np.ndarray[Any, Any] | Const | None]:
    out: list[np.ndarray[Any, Any] | Const | None] = []
    for o in operands:
        if isinstance(o, list | tuple):
            out.extend(o)
        else:
            out.append(o)  # type: ignore[arg-type]
    return out


def _storage(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """What the JIT passes for an array: bool as int8, bfloat16 as its uint16 bits (ctypes
    knows neither)."""
    if a.dtype == np.bool_:
        return a.astype(np.int8)
    if a.dtype == BF16:
        return a.view(np.uint16)
    return a


def _tensor_type(a: np.ndarray[Any, Any]) -> ir.RankedTensorType:
    """The argument type of an array (bool travels as i8)."""
    return ir.RankedTensorType.get(
        list(a.shape), element_type(np.int8 if a.dtype == np.bool_ else a.dtype)
    )


def build_module(op: str, operands: Sequence[Operand], attrs: dict[str, Any]) -> ir.Module:
    """`func.func @main(args) -> results` around one nn op (in the current context); bool
    results are returned as i8 and listed in the function's `nn_jit.bool_results`."""
    args = [o for o in _flat(operands) if isinstance(o, np.ndarray)]
    arg_types = [_tensor_type(a) for a in args]
    bools: list[int] = []
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):

        @func.FuncOp.from_py_func(*arg_types, name="main")
        def main(*vals: ir.Value) -> list[ir.Value]:
            it = iter(vals)

            def value(o: np.ndarray[Any, Any] | Const) -> ir.Value:
                if isinstance(o, Const):
                    arr = np.asarray(o.value, order="C")
                    if arr.dtype == np.bool_:
                        attr = ir.DenseElementsAttr.get(arr)
                    else:  # an explicit type keeps unsigned ints ui<N>
                        attr = ir.DenseElementsAttr.get(arr, type=_tensor_type(arr))
                    return DIALECT.op("constant").build([], {"value": attr})[0]
                v = next(it)
                if o.dtype == np.bool_:  # bools travel as i8 (i1 memrefs cannot be lowered)
                    return DIALECT.op("cast").build([v], {"to": np.bool_})[0]
                return v

            built: list[Any] = []
            for o in operands:
                if o is None:
                    built.append(None)
                elif isinstance(o, np.ndarray | Const):
                    built.append(value(o))
                else:
                    built.append([value(x) for x in o])
            results = DIALECT.op(op).build(built, attrs)
            out = []
            for i, r in enumerate(results):
                if ir.RankedTensorType(r.type).element_type == ir.IntegerType.get_signless(1):
                    bools.append(i)
                    r = DIALECT.op("cast").build([r], {"to": np.int8})[0]
                out.append(r)
            return out

    fn = main.func_op
    fn.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
    fn.attributes["nn_jit.bool_results"] = ir.DenseI64ArrayAttr.get(bools)
    # Inputs are read-only: without this, one-shot-bufferize may write results into them.
    no_write = ir.DictAttr.get({"bufferization.writable": ir.BoolAttr.get(False)})
    fn.attributes["arg_attrs"] = ir.ArrayAttr.get([no_write] * len(arg_types))
    return module


def lower_to_llvm(module: ir.Module) -> None:
    run_pipeline(module, "strata-nn-to-linalg")
    PassManager.parse(CPU_PIPELINE).run(module.operation)


def jit_run(
    module: ir.Module,
    inputs: Sequence[np.ndarray[Any, Any]],
    out_specs: Sequence[tuple[list[int], np.dtype[Any]]],
) -> list[np.ndarray[Any, Any]]:
    outs = [_storage(np.zeros(s, dtype=d)) for s, d in out_specs]
    keep = [np.ascontiguousarray(a) for a in inputs]
    ptrs = [ctypes.pointer(ctypes.pointer(get_ranked_memref_descriptor(a))) for a in keep]
    ptrs += [ctypes.pointer(ctypes.pointer(get_ranked_memref_descriptor(o))) for o in outs]
    engine = ExecutionEngine(module, opt_level=2, shared_libs=[RUNNER_UTILS])
    try:
        engine.invoke("main", *ptrs)
    finally:
        del engine
        gc.collect()
    return outs


def run_nn(
    op: str, operands: Sequence[Operand], attrs: dict[str, Any]
) -> list[np.ndarray[Any, Any]]:
    """Lower, JIT and run one nn op on the array operands (Const operands are baked in)."""
    ctx = make_context()
    try:
        with ctx, ir.Location.unknown():
            module = build_module(op, operands, attrs)
            fn = module.body.operations[0]
            res_types = list(
                ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value).results
            )
            bools = set(ir.DenseI64ArrayAttr(fn.attributes["nn_jit.bool_results"]))
            specs = []
            for t in res_types:
                rt = ir.RankedTensorType(t)
                specs.append((list(rt.shape), _np_dtype(rt.element_type)))
            lower_to_llvm(module)
            inputs = [_storage(o) for o in _flat(operands) if isinstance(o, np.ndarray)]
            raw = jit_run(module, inputs, specs)
            out = [
                r.astype(np.bool_) if i in bools else r.view(BF16) if d == BF16 else r
                for i, (r, (_, d)) in enumerate(zip(raw, specs, strict=True))
            ]
            del module
    finally:
        del ctx
        gc.collect()
    return out


def _np_dtype(t: ir.Type) -> np.dtype[Any]:
    from strata.dialects.opdef import dtype_of

    return dtype_of(t)


def run_onnx(
    onnx_op: str,
    inputs: Sequence[np.ndarray[Any, Any] | Const | None],
    attrs: dict[str, Any],
    n_out: int,
    opset: int = 17,
) -> list[np.ndarray[Any, Any]]:
    """Run one ONNX node with onnxruntime; Const inputs become initializers, None skipped."""
    names, feeds, graph_inputs, inits = [], {}, [], []
    for i, a in enumerate(inputs):
        if a is None:
            names.append("")
            continue
        name = f"in{i}"
        names.append(name)
        if isinstance(a, Const):
            inits.append(numpy_helper.from_array(np.asarray(a.value), name))
        else:
            feeds[name] = a
            elem = helper.np_dtype_to_tensor_dtype(a.dtype)
            graph_inputs.append(helper.make_tensor_value_info(name, elem, a.shape))
    while names and not names[-1]:  # trailing empty optional inputs crash some ORT kernels
        names.pop()
    outs = [f"out{i}" for i in range(n_out)]
    node = helper.make_node(onnx_op, names, outs, **attrs)
    graph = helper.make_graph(
        [node], "g", graph_inputs, [helper.make_empty_tensor_value_info(o) for o in outs], inits
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return list(sess.run(outs, feeds))


def run_reference(
    onnx_op: str,
    inputs: Sequence[np.ndarray[Any, Any] | Const | None],
    attrs: dict[str, Any],
    n_out: int,
    opset: int = 17,
) -> list[np.ndarray[Any, Any]]:
    """Run one ONNX node with ONNX's reference implementation (`onnx.reference`), for ops and
    opsets onnxruntime lacks or where the ONNX test suite follows the reference."""
    from onnx.reference import ReferenceEvaluator

    names = []
    feeds: dict[str, np.ndarray[Any, Any]] = {}
    for i, a in enumerate(inputs):
        if a is None:
            names.append("")
            continue
        names.append(f"in{i}")
        feeds[f"in{i}"] = np.asarray(a.value if isinstance(a, Const) else a)
    outs = [f"out{i}" for i in range(n_out)]
    node = helper.make_node(onnx_op, names, outs, **attrs)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info(k, onnx.TensorProto.UNDEFINED, None) for k in feeds],
        [helper.make_tensor_value_info(o, onnx.TensorProto.UNDEFINED, None) for o in outs],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return [np.asarray(r) for r in ReferenceEvaluator(model).run(None, feeds)]


def check(
    op: str,
    operands: Sequence[Operand],
    attrs: dict[str, Any],
    onnx_op: str,
    onnx_attrs: dict[str, Any] | None = None,
    onnx_inputs: Sequence[np.ndarray[Any, Any] | Const | None] | None = None,
    rtol: float = 1e-4,
    atol: float = 1e-5,
    opset: int = 17,
    reference: str = "onnxruntime",
) -> None:
    """Compare the lowered nn op with onnxruntime, or with `onnx.reference` when `reference`
    is "onnx" (onnx_inputs default: the nn operands)."""
    got = run_nn(op, operands, attrs)
    ref_inputs = list(onnx_inputs) if onnx_inputs is not None else _flat(operands)
    run = run_reference if reference == "onnx" else run_onnx
    want = run(onnx_op, ref_inputs, onnx_attrs or {}, len(got), opset)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        if dtypes.is_float(g.dtype):
            np.testing.assert_allclose(
                g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol
            )
        else:
            np.testing.assert_array_equal(g, w)
