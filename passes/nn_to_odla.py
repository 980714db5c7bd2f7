"""convert-nn-to-odla: an nn module -> an odla computation (the ODLA path, docs/odla.md).

    builtin.module(convert-nn-to-odla{runtime=ref})

1. Each public function's arguments become `odla.argument`s and its returned values
   `odla.output`s, their ids the graph names (`nn.name` argument / result attributes, else
   `input_<i>` / `output_<i>`).
2. The rules of `nn_to_odla.pdll` rewrite the nn ops (compiled with `mlir-pdll` once per
   process, applied in one walk); the native rewrites they call are the `Convert*` functions
   below, which translate attributes (ONNX pads -> front / back paddings, shape attributes
   -> explicit dims, operand order) and build odla ops with the dialect's builders.
3. Every odla op is checked against its declaration, and against the runtime table
   (`strata.targets.odla.runtimes`): an nn op left over, an odla op whose operands its rule
   rejects, or an op the chosen runtime does not implement raises a `CompilationError` that
   names the ONNX node (the op's location) and the op.

With the fallback (the default), the nn ops left over move into private functions
`@odla_fallback_K` that the computation calls (the loop path), and so do the nn ops whose odla
form uses an op outside the runtime's set: a trial conversion of a copy of the module finds
them (by the locations of the odla ops it builds), and they are outlined before the real one.

The ODLA path needs static shapes (ODLA values have fixed types): a dynamic dim raises a
`CompilationError` that names the value (use input_shapes / batch_size).

Dependency contract: the `mlir` bindings, `strata.errors`, `strata.dialects.{odla,opdef}`,
`strata.passes.{registry,nn_to_linalg}` (the mlir-pdll helper), `strata.targets.cpu.passes`
(public_funcs, resource_key), `strata.targets.odla.runtimes`.
"""

from __future__ import annotations

import functools
import math
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from mlir import ir, rewrite

from strata.dialects import odla
from strata.dialects.opdef import OpVerifyError, dtype_of, operand_groups, verify_op
from strata.errors import CompilationError
from strata.frontends.base import DECLARED_SHAPE_ATTR
from strata.passes.nn_to_linalg import mlir_pdll
from strata.passes.registry import ModulePass, register_pass
from strata.targets.cpu.passes import public_funcs, resource_key
from strata.targets.odla.runtimes import ALL_OPS, STORAGE_TYPES, VALUE_OPS, runtime

PDLL_FILE = Path(__file__).with_name("nn_to_odla.pdll")

Conversion = Callable[[ir.Operation, Sequence[ir.Attribute]], Sequence[ir.Value]]


class Unconvertible(ValueError):
    """A native rewrite cannot express this nn op in odla (the message says why)."""


@functools.cache
def pdl_text() -> str:
    """The PDL module compiled from nn_to_odla.pdll (once per process)."""
    with tempfile.TemporaryDirectory(prefix="strata-pdll-") as tmp:
        src = Path(tmp) / PDLL_FILE.name
        src.write_text(PDLL_FILE.read_text())
        proc = subprocess.run(
            [str(mlir_pdll()), "-x=mlir", str(src)], capture_output=True, text=True, check=False
        )
    if proc.returncode != 0 or "pdl.pattern" not in proc.stdout:
        raise CompilationError(f"mlir-pdll failed on {PDLL_FILE.name}:\n{proc.stderr}")
    return proc.stdout


def native_names() -> list[str]:
    return re.findall(r"^Rewrite\s+(\w+)\s*\(", PDLL_FILE.read_text(), flags=re.M)


def node_name(loc: ir.Location) -> str | None:
    """The ONNX node an op came from: the first name in its location."""
    if loc.is_a_name():
        return str(loc.name_str)
    if loc.is_a_fused():
        for inner in loc.locations:
            found = node_name(inner)
            if found:
                return found
    if loc.is_a_callsite():
        return node_name(loc.callee)
    return None


def where(op: ir.Operation) -> str:
    name = node_name(op.location)
    return f"node '{name}' ({op.name})" if name else f"'{op.name}' at {op.location}"


# ---- helpers of the native rewrites ---------------------------------------------------------


def _attr(op: ir.Operation, name: str) -> Any:
    a = op.attributes[name]
    if isinstance(a, ir.IntegerAttr):
        return a.value
    if isinstance(a, ir.FloatAttr):
        return a.value
    if isinstance(a, ir.StringAttr):
        return a.value
    if isinstance(a, ir.DenseI64ArrayAttr):
        return list(a)
    return a


def _dims(v: ir.Value) -> list[int]:
    t = ir.RankedTensorType(v.type)
    if not t.has_static_shape:
        raise Unconvertible(f"the value of type {t} has a dynamic dim")
    return [int(d) for d in t.shape]


def _rank(v: ir.Value) -> int:
    return int(ir.RankedTensorType(v.type).rank)


def _split_pads(pads: Sequence[int], nsp: int) -> tuple[list[int], list[int]]:
    if any(p < 0 for p in pads):
        raise Unconvertible(f"negative pads {list(pads)} (ODLA paddings are >= 0)")
    return list(pads[:nsp]), list(pads[nsp:])


def convert_constant(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    value = root.attributes["value"]
    ident = resource_key(value) or node_name(root.location) or "constant"
    return [odla.build.constant(id=ident, value=value)]


def convert_conv(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    groups = operand_groups(root, _nn_def(root))
    x, w = groups[0][0], groups[1][0]
    bias = groups[2][0] if groups[2] else None
    nsp = _rank(x) - 2
    front, back = _split_pads(_attr(root, "pads"), nsp)
    return [
        odla.build.conv(
            x,
            w,
            bias,
            group=_attr(root, "group"),
            strides=_attr(root, "strides"),
            dilations=_attr(root, "dilations"),
            paddings_front=front,
            paddings_back=back,
        )
    ]


def convert_pool(root: ir.Operation, extra: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    kind = ir.StringAttr(extra[0]).value
    x = root.operands[0]
    nsp = _rank(x) - 2
    if any(d != 1 for d in _attr(root, "dilations")):
        raise Unconvertible(f"dilations {_attr(root, 'dilations')} (ODLA pooling has none)")
    if kind == "average" and _attr(root, "count_include_pad"):
        raise Unconvertible("count_include_pad=1 (ODLA's average pool does not count padding)")
    front, back = _split_pads(_attr(root, "pads"), nsp)
    build = odla.build.max_pool if kind == "max" else odla.build.average_pool
    y = build(
        x,
        window_dims=_attr(root, "kernel_shape"),
        strides=_attr(root, "strides"),
        paddings_front=front,
        paddings_back=back,
    )
    if y.type != root.results[0].type:  # ceil_mode gave more windows than ODLA's floor rule
        raise Unconvertible(
            f"ceil_mode=1 gives {root.results[0].type}; ODLA's pooling gives {y.type}"
        )
    return [y]


def convert_global_average_pool(
    root: ir.Operation, _: Sequence[ir.Attribute]
) -> Sequence[ir.Value]:
    x = root.operands[0]
    spatial = _dims(x)[2:]
    zeros = [0] * len(spatial)
    return [
        odla.build.average_pool(
            x,
            window_dims=spatial,
            strides=[1] * len(spatial),
            paddings_front=zeros,
            paddings_back=zeros,
        )
    ]


def convert_batch_norm(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    x, scale, b, mean, var = root.operands
    return [odla.build.batch_normalization(x, mean, var, scale, b, epsilon=_attr(root, "epsilon"))]


def convert_mat_mul(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    a, b = root.operands
    ra, rb = _rank(a), _rank(b)
    if ra == 2 and rb == 2:
        return [odla.build.gemm(a, b, beta=0.0)]
    # numpy's promotion of 1-d operands: a [K] -> [1, K], b [K] -> [K, 1], then dropped
    if ra == 1:
        a = odla.build.reshape(a, output_dims=[1, *_dims(a)])
    if rb == 1:
        b = odla.build.reshape(b, output_dims=[*_dims(b), 1])
    y = odla.build.batch_mat_mul(a, b)
    want = _dims(root.results[0])
    if _dims(y) != want:
        y = odla.build.reshape(y, output_dims=want)
    return [y]


def convert_reshape(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    return [odla.build.reshape(root.operands[0], output_dims=_dims(root.results[0]))]


def convert_slice(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    from strata.dialects.nn_shape_rules import slice_bounds

    x = root.operands[0]
    dims = _dims(x)
    start, end, stride = [0] * len(dims), list(dims), [1] * len(dims)
    for axis, s, e, st in zip(
        _attr(root, "axes"), _attr(root, "starts"), _attr(root, "ends"), _attr(root, "steps"),
        strict=True,
    ):  # fmt: skip
        a = axis + len(dims) if axis < 0 else axis
        lo, hi, _n = slice_bounds(dims[a], s, e, st)
        start[a], end[a], stride[a] = lo, hi, st
    return [odla.build.slice(x, start=start, end=end, stride=stride)]


def convert_reduce(root: ir.Operation, extra: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    kind = ir.StringAttr(extra[0]).value
    x = root.operands[0]
    axes = list(_attr(root, "axes"))
    if not axes:
        if _attr(root, "noop_with_empty_axes"):
            return [x]
        axes = list(range(_rank(x)))
    axes = sorted(a + _rank(x) if a < 0 else a for a in axes)
    build = getattr(odla.build, kind)
    return [build(x, axes=axes, keep_dims=_attr(root, "keepdims"))]


def _scalar_constant(v: ir.Value, what: str) -> float:
    owner = getattr(v.owner, "operation", None)  # None for a block argument
    if owner is None or owner.name not in ("nn.constant", "odla.constant"):
        raise Unconvertible(f"the {what} bound is computed at run time (clamp needs constants)")
    attr = owner.attributes["value"]
    if not isinstance(attr, ir.DenseElementsAttr):
        raise Unconvertible(f"the {what} bound is not an inline constant")
    values = np.asarray(attr).reshape(-1) if not attr.is_splat else [attr.get_splat_value().value]
    if len(values) != 1:
        raise Unconvertible(f"the {what} bound is not a scalar")
    return float(values[0])


def convert_clip(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    groups = operand_groups(root, _nn_def(root))
    x = groups[0][0]
    lo = _scalar_constant(groups[1][0], "min") if groups[1] else -math.inf
    hi = _scalar_constant(groups[2][0], "max") if groups[2] else math.inf
    return [odla.build.clamp(x, lo=lo, hi=hi)]


def convert_layer_norm(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    """y = (x - mean) * rsqrt(mean((x - mean)^2) + epsilon) * scale + b over the axes
    [axis, rank); the mean and inv_std_dev results are the intermediate values."""
    groups = operand_groups(root, _nn_def(root))
    x, scale = groups[0][0], groups[1][0]
    b = groups[2][0] if groups[2] else None
    rank = _rank(x)
    axis = _attr(root, "axis")
    axes = list(range(axis + rank if axis < 0 else axis, rank))
    mean = odla.build.reduce_mean(x, axes=axes, keep_dims=1)
    centred = odla.build.sub(x, mean)
    var = odla.build.reduce_mean(odla.build.mul(centred, centred), axes=axes, keep_dims=1)
    eps = odla.build.constant(
        id=f"{node_name(root.location) or 'layer_norm'}.epsilon",
        value=np.asarray(_attr(root, "epsilon"), dtype=np.float32),
    )
    inv_std = odla.build.rsqrt(odla.build.add(var, eps))
    y = odla.build.mul(odla.build.mul(centred, inv_std), scale)
    if b is not None:
        y = odla.build.add(y, b)
    return [y, mean, inv_std]


def _owner(v: ir.Value, name: str) -> ir.Operation | None:
    owner = getattr(v.owner, "operation", None)
    return owner if owner is not None and owner.name == name else None


def _one_use(v: ir.Value) -> bool:
    return len(list(v.uses)) == 1


def _channel_vector(v: ir.Value, channels: int, rank: int) -> ir.Value | None:
    """The [C] value `v` is an nn.unsqueeze of to [C, 1, ...] (rank - 1 dims), or None."""
    unsq = _owner(v, "nn.unsqueeze")
    if unsq is None or not isinstance(v.type, ir.RankedTensorType):
        return None
    src = unsq.operands[0]
    want = [channels] + [1] * (rank - 2)
    if not isinstance(src.type, ir.RankedTensorType) or list(src.type.shape) != [channels]:
        return None
    return src if list(ir.RankedTensorType(v.type).shape) == want else None


@dataclass
class _InstanceNorm:
    """An imported ONNX InstanceNormalization (`_instance_norm`): its operands, its epsilon
    and the nn ops it was imported as, in the order they can be erased (users first)."""

    x: ir.Value
    scale: ir.Value
    offset: ir.Value
    epsilon: float
    ops: list[ir.Operation]


def _instance_norm(add: ir.Operation) -> _InstanceNorm | None:
    """`add` ends the nn ops an ONNX InstanceNormalization imports as (frontends/onnx/ops/
    norm.py): nn.add(nn.mul(nn.layer_normalization(x, ones){axis = 2}#0, unsqueeze(scale)),
    unsqueeze(offset)), x f32 of rank >= 3, the intermediate values used nowhere else."""
    for m, b in (tuple(add.operands), tuple(add.operands)[::-1]):
        mul = _owner(m, "nn.mul")
        if mul is None or not _one_use(m):
            continue
        for y, s in (tuple(mul.operands), tuple(mul.operands)[::-1]):
            ln = _owner(y, "nn.layer_normalization")
            if ln is None or ir.OpResult(y).result_number != 0 or not _one_use(y):
                continue
            if any(list(r.uses) for r in list(ln.results)[1:]):
                continue
            groups = operand_groups(ln, _nn_def(ln))
            x, ones = groups[0][0], groups[1][0]
            xt = x.type
            if groups[2] or not isinstance(xt, ir.RankedTensorType) or xt.rank < 3:
                continue
            if _attr(ln, "axis") not in (2, 2 - xt.rank):
                continue
            if not isinstance(xt.element_type, ir.F32Type):
                continue
            const = _owner(ones, "nn.constant")
            if const is None or not _is_one(const.attributes["value"]):
                continue
            channels = int(xt.shape[1])
            scale = _channel_vector(s, channels, xt.rank)
            offset = _channel_vector(b, channels, xt.rank)
            if scale is None or offset is None:
                continue
            views = [s.owner.operation, b.owner.operation]
            if views[0] == views[1]:  # one unsqueeze for both: erase it once
                views = views[:1]
            ops = [add, mul, ln, *views, const]
            return _InstanceNorm(x, scale, offset, float(_attr(ln, "epsilon")), ops)
    return None


def _is_one(value: ir.Attribute) -> bool:
    """Whether a constant's value is the single element 1 (a dense attribute)."""
    if not isinstance(value, ir.DenseElementsAttr):
        return False
    arr = np.asarray(value)
    return arr.size == 1 and float(arr.reshape(-1)[0]) == 1.0


def fuse_instance_norms(module: ir.Operation) -> int:
    """Rewrite each imported InstanceNormalization (`_instance_norm`) into one
    odla.instance_normalization (ODLA has the call; the layer-norm chain takes eight ops) and
    erase the nn ops it replaces that nothing else uses. Returns how many."""
    adds: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name == "nn.add":
            adds.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit, ir.WalkOrder.PRE_ORDER)
    count = 0
    for add in adds:
        found = _instance_norm(add)
        if found is None:
            continue
        with add.location, ir.InsertionPoint(add):
            y = odla.build.instance_normalization(
                found.x, found.scale, found.offset, epsilon=found.epsilon
            )
        add.results[0].replace_all_uses_with(y)
        for op in found.ops:  # users before what they use
            if all(not list(r.uses) for r in op.results):
                op.erase()
        count += 1
    return count


def convert_split(root: ir.Operation, _: Sequence[ir.Attribute]) -> Sequence[ir.Value]:
    x = root.operands[0]
    dims = _dims(x)
    axis = _attr(root, "axis")
    axis = axis + len(dims) if axis < 0 else axis
    pieces, begin = [], 0
    for size in _attr(root, "split"):
        start, end = [0] * len(dims), list(dims)
        start[axis], end[axis] = begin, begin + size
        pieces.append(odla.build.slice(x, start=start, end=end, stride=[1] * len(dims)))
        begin += size
    return pieces


CONVERSIONS: dict[str, Conversion] = {
    "ConvertSplit": convert_split,
    "ConvertConstant": convert_constant,
    "ConvertConv": convert_conv,
    "ConvertPool": convert_pool,
    "ConvertGlobalAveragePool": convert_global_average_pool,
    "ConvertBatchNorm": convert_batch_norm,
    "ConvertMatMul": convert_mat_mul,
    "ConvertReshape": convert_reshape,
    "ConvertSlice": convert_slice,
    "ConvertReduce": convert_reduce,
    "ConvertClip": convert_clip,
    "ConvertLayerNorm": convert_layer_norm,
}


def _nn_def(op: ir.Operation) -> Any:
    from strata.dialects import nn

    return nn.DIALECT.op(op.name)


# ---- the pass ---------------------------------------------------------------------------------


def _graph_names(func_op: ir.Operation, key: str, count: int, prefix: str) -> list[str]:
    names = [f"{prefix}{i}" for i in range(count)]
    if key in func_op.attributes:
        for i, d in enumerate(ir.ArrayAttr(func_op.attributes[key])):
            dic = ir.DictAttr(d)
            if "nn.name" in dic and i < count:
                names[i] = ir.StringAttr(dic["nn.name"]).value
    return names


def _bind_values(func_op: ir.Operation) -> None:
    """odla.argument for each argument, odla.output for each returned value."""
    block = func_op.regions[0].blocks[0]
    args = list(block.arguments)
    names = _graph_names(func_op, "arg_attrs", len(args), "input_")
    for arg, name in zip(args, names, strict=True):
        if not ir.RankedTensorType(arg.type).has_static_shape:
            raise CompilationError(
                f"graph input '{name}' has type {arg.type}: the ODLA path needs static shapes "
                "(give input shapes or a batch size)"
            )
    first = block.operations[0] if len(block.operations) else None
    with ir.Location.unknown(), ir.InsertionPoint(first) if first else ir.InsertionPoint(block):
        bound = [odla.build.argument(arg, id=name) for arg, name in zip(args, names, strict=True)]
    for arg, new in zip(args, bound, strict=True):
        arg.replace_all_uses_except(new, new.owner.operation)
    ret = block.operations[len(block.operations) - 1]
    outs = _graph_names(func_op, "res_attrs", len(ret.operands), "output_")
    with ir.Location.unknown(), ir.InsertionPoint(ret):
        marked = [
            odla.build.output(v, id=name) for v, name in zip(list(ret.operands), outs, strict=True)
        ]
    for i, v in enumerate(marked):
        ret.operands[i] = v


SPECIALISED_PREFIX = "odla_fallback_s"


def _specialise_declared(func_op: ir.Operation, holder: ir.Module) -> list[_Held]:
    """For each returned value with dynamic dims whose graph output declares a static shape
    (`nn.declared_shape`, frontends/base.py): the ops computing it from static values (its
    dynamic cone: every op on the way whose results have dynamic dims) move as one into a
    loop-path function of `holder` whose result has the declared type (a `tensor.cast` at its
    end); the computation calls that and returns the static value. A cone whose ops give
    several returned values (TopK's values and indices, Split's pieces) returns them all,
    each of them needing a declared shape. The CPU target compiles the function for dynamic
    shapes behind a static interface, which checks the results' dims at run time
    (STRATA_ERR_SHAPE: the ODLA program's call fails, it writes nothing out of bounds). A
    cone that reaches a dynamic graph input, holds an op with regions, or whose values have
    other users is left alone (the dynamic dims are reported as before)."""
    from mlir.dialects import func, tensor

    if "res_attrs" not in func_op.attributes:
        return []
    block = func_op.regions[0].blocks[0]
    ret = block.operations[len(block.operations) - 1].operation
    res_attrs = list(ir.ArrayAttr(func_op.attributes["res_attrs"]))
    declared: dict[int, list[int]] = {}
    for i, v in enumerate(ret.operands):
        d = ir.DictAttr(res_attrs[i]) if i < len(res_attrs) else None
        if not ir.RankedTensorType(v.type).has_static_shape and d and DECLARED_SHAPE_ATTR in d:
            declared[i] = [int(x) for x in ir.DenseI64ArrayAttr(d[DECLARED_SHAPE_ATTR])]
    held: list[_Held] = []
    done: set[int] = set()
    for i in sorted(declared):
        if i in done:
            continue
        v = ret.operands[i]
        cone = _dynamic_cone(v, block)
        if cone is None:
            continue
        inside = {r for op in cone for r in op.results}
        outs = [j for j, x in enumerate(ret.operands) if x in inside]  # the cone's outputs
        if any(j not in declared for j in outs) or not _only_used_for(inside, cone, ret, outs):
            continue
        done.update(outs)
        ins: list[ir.Value] = []
        for op in cone:
            for x in op.operands:
                if x not in inside and x not in ins:
                    ins.append(x)
        symbol = f"{SPECIALISED_PREFIX}{len(held)}"
        node = node_name(v.owner.location) or v.owner.name
        with v.owner.location:
            types = [
                ir.RankedTensorType.get(
                    declared[j], ir.RankedTensorType(ret.operands[j].type).element_type
                )
                for j in outs
            ]
            with ir.InsertionPoint(holder.body):
                f = func.FuncOp(symbol, ir.FunctionType.get([x.type for x in ins], types))
                f.attributes["sym_visibility"] = ir.StringAttr.get("private")
                f.attributes[FALLBACK_NODE_ATTR] = ir.StringAttr.get(node)
                entry = f.add_entry_block()
            mapping = dict(zip(ins, entry.arguments, strict=True))
            with ir.InsertionPoint(entry):
                for op in cone:
                    clone = op.clone()
                    for k, x in enumerate(op.operands):
                        clone.operands[k] = mapping[x]
                    for old, new in zip(op.results, clone.results, strict=True):
                        mapping[old] = new
                casts = [
                    tensor.CastOp(t, mapping[ret.operands[j]]).result
                    for t, j in zip(types, outs, strict=True)
                ]
                func.ReturnOp(casts)
            with ir.InsertionPoint(ret):
                call = func.CallOp(types, ir.FlatSymbolRefAttr.get(symbol), ins)
        for j, r in zip(outs, call.results, strict=True):
            ret.operands[j] = r
        for op in reversed(cone):
            op.erase()
        held.append(_Held(f.operation, node, holder))
    if held:
        ftype = ir.FunctionType(ir.TypeAttr(func_op.attributes["function_type"]).value)
        results = [x.type for x in ret.operands]
        func_op.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(list(ftype.inputs), results)
        )
    return held


def _only_used_for(
    inside: set[ir.Value], cone: list[ir.Operation], ret: ir.Operation, outs: list[int]
) -> bool:
    """Whether the cone's values are used only inside it and as the return's operands
    `outs` (each of which is replaced by the specialised call's result)."""
    for r in inside:
        for use in r.uses:
            owner = use.owner
            op = owner.operation if hasattr(owner, "operation") else owner
            if op in cone:
                continue
            if op != ret or use.operand_number not in outs:
                return False
    return True


def _dynamic_cone(v: ir.Value, block: ir.Block) -> list[ir.Operation] | None:
    """The ops of `block` that compute `v` through values with dynamic dims, in block order;
    None when the way reaches a block argument with dynamic dims or an op with regions."""
    found: dict[ir.Operation, None] = {}
    work = [v]
    while work:
        x = work.pop()
        if isinstance(x.owner, ir.Block):
            return None  # a graph input with dynamic dims
        op = x.owner.operation if hasattr(x.owner, "operation") else x.owner
        if op in found:
            continue
        if len(op.regions) or op.parent != block.owner:
            return None
        found[op] = None
        for y in op.operands:
            if (
                isinstance(y.type, ir.RankedTensorType)
                and not ir.RankedTensorType(y.type).has_static_shape
            ):
                work.append(y)
    order = {op: k for k, op in enumerate(o.operation for o in block.operations)}
    return sorted(found, key=lambda op: order[op])


class _Driver:
    """Owns the PDL module, the PDLModule and the errors raised by native rewrites."""

    def __init__(self, runtime_name: str) -> None:
        self.errors: list[str] = []
        self.float_types = runtime(runtime_name).float_types
        self.pdl_module = ir.Module.parse(pdl_text())  # must outlive self.pdl
        self.pdl = rewrite.PDLModule(self.pdl_module)
        for name in native_names():
            self.pdl.register_rewrite_function(name, self._native(name, CONVERSIONS.get(name)))
        self.pdl.register_constraint_function("RuntimeFloat", self._runtime_float)
        self.frozen = self.pdl.freeze()

    def _computes_in(self, t: ir.Type) -> bool:
        """Whether `t` is a tensor of a float type the runtime computes in."""
        if not isinstance(t, ir.RankedTensorType):
            return False
        try:
            return dtype_of(t.element_type).name in self.float_types
        except OpVerifyError:
            return False

    def _runtime_float(self, rewriter: Any, results: Any, values: Sequence[Any]) -> bool:
        # PDL's native constraints return a falsy value when they hold
        return not self._computes_in(values[0])

    def _native(self, name: str, impl: Conversion | None) -> Any:
        def call(rewriter: Any, results: Any, values: Sequence[Any]) -> None:
            root: ir.Operation = values[0]
            if impl is None:
                self.errors.append(f"{where(root)}: no native rewrite '{name}'")
                return
            if name in _COMPUTE_REWRITES:
                bad = [
                    v.type
                    for v in (*root.operands, *root.results)
                    if _is_float_tensor(v.type) and not self._computes_in(v.type)
                ]
                if bad:
                    self.errors.append(
                        f"{where(root)}: not expressible in odla: the runtime computes in "
                        f"{', '.join(sorted(self.float_types))}, not {bad[0]}"
                    )
                    return
            try:
                with root.location, rewriter.ip:
                    new = list(impl(root, list(values[1:])))
                rewriter.replace_op(root, new)
            except (Unconvertible, OpVerifyError) as e:
                self.errors.append(f"{where(root)}: not expressible in odla: {e}")
            except Exception as e:  # a bug in a rewrite: report it at the node
                self.errors.append(f"{where(root)}: {type(e).__name__}: {e}")

        return call

    def lacking(self, module: ir.Operation, runtime_name: str) -> set[str]:
        """The locations (as text) of the nn ops of `module` whose odla form uses an op the
        runtime does not implement: the conversion is tried on a copy of the module."""
        rt = runtime(runtime_name)
        if rt.ops >= ALL_OPS and not _any_storage_typed(module):
            return set()
        trial = module.clone()
        try:
            rewrite.walk_and_apply_patterns(trial, self.frozen)
            found: set[str] = set()

            def visit(op: ir.Operation) -> ir.WalkResult:
                short = op.name.removeprefix("odla.")
                lacks = short not in rt.ops or _storage_typed(op) is not None
                if op.name.startswith("odla.") and short not in VALUE_OPS and lacks:
                    found.update(_location_keys(op.location))
                return ir.WalkResult.ADVANCE

            trial.walk(visit, ir.WalkOrder.PRE_ORDER)
        finally:
            trial.erase()
        self.errors.clear()  # what the trial reported is reported again by the real run
        return found

    def run(
        self, module: ir.Operation, runtime_name: str, fallback: bool, held: Sequence[_Held] = ()
    ) -> None:
        """Convert `module` (the ops in `held` already outlined); CompilationError naming
        every op that cannot be, unless `fallback` moves it to the loop path."""
        rt = runtime(runtime_name)
        rewrite.walk_and_apply_patterns(module, self.frozen)
        problems: list[str] = []
        leftovers: list[ir.Operation] = []

        def visit(op: ir.Operation) -> ir.WalkResult:
            if op.name.startswith("nn."):
                leftovers.append(op)
            elif op.name.startswith("odla."):
                short = op.name.removeprefix("odla.")
                try:
                    with op.location:
                        verify_op(op, odla.DIALECT.op(short))
                except (OpVerifyError, KeyError) as e:
                    problems.append(f"{where(op)}: {e}")
                    return ir.WalkResult.ADVANCE
                if short not in rt.ops and short not in VALUE_OPS:
                    problems.append(
                        f"{where(op)}: the ODLA runtime '{rt.name}' does not implement "
                        f"{odla.call_name(op.name)}"
                    )
                elif short not in VALUE_OPS and _storage_typed(op):
                    problems.append(
                        f"{where(op)}: ODLA runtimes do not compute in "
                        f"{_storage_typed(op)} (a storage-only element type)"
                    )
            return ir.WalkResult.ADVANCE

        module.walk(visit, ir.WalkOrder.PRE_ORDER)
        for op in leftovers:
            why = [e for e in self.errors if e.startswith(f"{where(op)}:")]
            if not fallback:
                problems.extend(why or [f"{where(op)}: no conversion to odla"])
        if problems:
            raise CompilationError(
                "convert-nn-to-odla failed:\n  " + "\n  ".join(dict.fromkeys(problems))
            )
        body = module.regions[0].blocks[0]
        for h in held:  # the functions of the ops held back from the conversion
            h.func.clone(ip=ir.InsertionPoint(body))
        for k, op in enumerate(leftovers, start=len(held)):
            _outline(body, op, f"{FALLBACK_PREFIX}{k}")


def _storage_typed(op: ir.Operation) -> str | None:
    """The first storage-only element type (runtimes.STORAGE_TYPES) among the op's operand
    and result types, or None."""
    for v in (*op.operands, *op.results):
        t = v.type
        if isinstance(t, ir.ShapedType):
            try:
                name = dtype_of(t.element_type).name
            except OpVerifyError:
                continue
            if name in STORAGE_TYPES:
                return name
    return None


def _any_storage_typed(module: ir.Operation) -> bool:
    """Whether any op of `module` has a value of a storage-only element type."""
    found = False

    def visit(op: ir.Operation) -> ir.WalkResult:
        nonlocal found
        if _storage_typed(op):
            found = True
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE

    module.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


def _location_keys(loc: ir.Location) -> set[str]:
    """A location and, for a fused one, its parts, as text (to find the nn op of an odla op:
    a native rewrite gives its ops the nn op's location, a PDL rewrite a fused one)."""
    keys = {str(loc)}
    if loc.is_a_fused():
        for inner in loc.locations:
            keys |= _location_keys(inner)
    return keys


@dataclass
class _Held:
    """An nn op moved to the loop path before the conversion: its function (in a module of
    its own until the conversion is done) and the node it came from."""

    func: ir.Operation
    node: str
    holder: ir.Module  # keeps `func` alive until it is cloned into the converted module


def _hold_lacking(module: ir.Operation, driver: _Driver, runtime_name: str) -> list[_Held]:
    """Outline the nn ops whose odla form the runtime lacks (found on a trial conversion)
    into functions of a holding module, so that the conversion leaves them; their calls stay
    in `module`."""
    keys = driver.lacking(module, runtime_name)
    if not keys:
        return []
    ops: list[ir.Operation] = []

    def visit(op: ir.Operation) -> ir.WalkResult:
        if op.name.startswith("nn.") and op.name != "nn.constant" and str(op.location) in keys:
            ops.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit, ir.WalkOrder.PRE_ORDER)
    holder = ir.Module.create(loc=ir.Location.unknown())
    held = []
    for k, op in enumerate(ops):
        node = node_name(op.location) or op.name
        f = _outline(holder.body, op, f"{FALLBACK_PREFIX}{k}")
        held.append(_Held(f, node, holder))
    return held


# native rewrites that build float compute ops (the others move data of any type)
_COMPUTE_REWRITES = frozenset(
    {
        "ConvertConv", "ConvertPool", "ConvertGlobalAveragePool", "ConvertBatchNorm",
        "ConvertMatMul", "ConvertReduce", "ConvertClip", "ConvertLayerNorm",
    }
)  # fmt: skip


def _is_float_tensor(t: ir.Type) -> bool:
    return isinstance(t, ir.RankedTensorType) and isinstance(
        t.element_type, ir.F16Type | ir.BF16Type | ir.F32Type | ir.F64Type
    )


FALLBACK_PREFIX = "odla_fallback_"
FALLBACK_NODE_ATTR = "odla.fallback_node"


def _outline(body: ir.Block, op: ir.Operation, symbol: str) -> ir.Operation:
    """Move `op` into `func.func private @symbol` (at the end of `body`) and call that instead
    (the loop path); returns the function."""
    from mlir.dialects import func

    node = node_name(op.location) or op.name
    in_types = [v.type for v in op.operands]
    out_types = [r.type for r in op.results]
    with op.location:
        with ir.InsertionPoint(body):
            f = func.FuncOp(symbol, ir.FunctionType.get(in_types, out_types))
            f.attributes["sym_visibility"] = ir.StringAttr.get("private")
            f.attributes[FALLBACK_NODE_ATTR] = ir.StringAttr.get(node)
            entry = f.add_entry_block()
        with ir.InsertionPoint(entry):
            clone = op.clone()
            for i, arg in enumerate(entry.arguments):
                clone.operands[i] = arg
            func.ReturnOp(list(clone.results))
        with ir.InsertionPoint(op):
            call = func.CallOp(out_types, ir.FlatSymbolRefAttr.get(symbol), list(op.operands))
    for old, new in zip(op.results, call.results, strict=True):
        old.replace_all_uses_with(new)
    op.erase()
    return f.operation


@register_pass
@dataclass
class ConvertNNToODLA(ModulePass):
    """Rewrite nn ops into odla op calls for one ODLA runtime (the ODLA path)."""

    name: ClassVar[str] = "convert-nn-to-odla"
    runtime: str = "ref"
    fallback: bool = True

    def run(self, module: ir.Operation) -> None:
        op = module.operation if isinstance(module, ir.Module) else module
        runtime(self.runtime)  # an unknown name fails before any rewrite
        holder = ir.Module.create(loc=ir.Location.unknown())
        specialised: list[_Held] = []
        for f in public_funcs(op):
            if self.fallback:
                specialised += _specialise_declared(f, holder)
            _bind_values(f)
        if "instance_normalization" in runtime(self.runtime).ops:
            fuse_instance_norms(op)
        driver = _Driver(self.runtime)
        held = _hold_lacking(op, driver, self.runtime) if self.fallback else []
        driver.run(op, self.runtime, self.fallback, [*specialised, *held])


def convert_module(
    module: ir.Module | ir.Operation, runtime_name: str = "ref", fallback: bool = True
) -> None:
    """Apply convert-nn-to-odla to `module` in place (raises CompilationError)."""
    ConvertNNToODLA(runtime=runtime_name, fallback=fallback).run(
        module.operation if isinstance(module, ir.Module) else module
    )


__all__ = ["ConvertNNToODLA", "convert_module", "node_name", "pdl_text"]
