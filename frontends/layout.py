"""The interface layout of an imported channel-first model (ONNX, PyTorch, Caffe): HALO's
`-reorder-data-layout`, `-remove-input-transpose`, `-remove-output-transpose` as one rewrite
of the imported `nn` module, shared by those frontends.

    apply(imported, reorder_data_layout, remove_input_transpose, remove_output_transpose)

nn's conv and pool ops compute channel-first (N x C x spatial), the layout these models hold
their values in. `reorder_data_layout` names the layout the compiled graph should work in
(default: channel-first, the model's own); the remove flags make the interface take / give
that layout: every rank-4 graph input (output) whose own layout differs from it is declared
in it, with one `nn.transpose` to the model's layout just after the argument (just before
the return), and a transpose that meets the graph's own transpose there composes with it
(the pair disappears when it cancels). A rank-4 value's own layout is NHWC when the graph
converts it with a transpose at that end — an input read only by `nn.transpose` with perm
[0, 3, 1, 2], an output made by one with perm [0, 2, 3, 1], as in models exported from TF by
tf2onnx — else NCHW. So:

* `channel-last` + both flags: NHWC inputs and outputs on an NCHW model (HALO's YOLO
  example); for a tf2onnx-style model, which is NHWC at its interface already, nothing.
* `channel-first` (the default) + a flag: the input / output transposes of a tf2onnx-style
  model are removed, its interface becomes NCHW; an NCHW model is left as it is.
* `channel-last` without a flag changes nothing: nn has no channel-last conv / pool, so the
  values between them stay channel-first (the TF frontend's `channel-last` means restoring
  TF's own NHWC order after each conv, which a channel-first model has no use for).

The `TensorInfo` shapes of the changed inputs / outputs are permuted the same way; names stay.
The TF and TFLite frontends (NHWC models) implement the same options inside their importers.

Dependency contract: `mlir`, `strata.dialects.opdef`, `strata.errors`,
`strata.frontends.base`, `common` and `formats` (the layout names).
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir
from mlir.dialects import func

from strata.dialects.opdef import TensorSpec, type_of_spec
from strata.errors import ModelImportError
from strata.frontends import common
from strata.frontends.base import ImportedModel, TensorInfo
from strata.frontends.formats import LAYOUTS

TO_NCHW = (0, 3, 1, 2)  # transpose(nhwc, TO_NCHW) is NCHW
TO_NHWC = (0, 2, 3, 1)  # transpose(nchw, TO_NHWC) is NHWC
_IDENTITY = (0, 1, 2, 3)


def apply(
    imported: ImportedModel,
    reorder_data_layout: str | None,
    remove_input_transpose: bool,
    remove_output_transpose: bool,
) -> ImportedModel:
    """Rewrite `imported` in place for the layout options (see the module docstring)."""
    target = reorder_data_layout or "channel-first"
    if target not in LAYOUTS:
        raise ModelImportError(f"reorder_data_layout '{target}' is not one of {', '.join(LAYOUTS)}")
    if not (remove_input_transpose or remove_output_transpose):
        return imported
    with imported.module.context, ir.Location.unknown():
        f = _entry(imported)
        if remove_input_transpose:
            _inputs(f, imported, target)
        if remove_output_transpose:
            _outputs(f, imported, target)
        block = f.regions[0].blocks[0]
        ret = block.operations[len(block.operations) - 1]
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get([a.type for a in block.arguments], [v.type for v in ret.operands])
        )
        common.verify(imported.module)
    return imported


def _entry(imported: ImportedModel) -> func.FuncOp:
    for op in imported.module.body.operations:
        if isinstance(op, func.FuncOp) and op.sym_name.value == imported.entry:
            return op
    raise ModelImportError(f"the imported module has no function '{imported.entry}'")


def _perm(op: ir.Operation | ir.OpView) -> tuple[int, ...] | None:
    """The perm of an nn.transpose (None for any other op)."""
    if op.name != "nn.transpose":
        return None
    return tuple(int(p) for p in ir.DenseI64ArrayAttr(op.attributes["perm"]))


def _compose(first: Sequence[int], then: Sequence[int]) -> tuple[int, ...]:
    """transpose(transpose(x, first), then) == transpose(x, result)."""
    return tuple(first[t] for t in then)


def _permuted(info: TensorInfo, perm: Sequence[int]) -> TensorInfo:
    """The info of transpose(value, perm)."""
    return TensorInfo(info.name, tuple(info.shape[p] for p in perm), info.dtype)


def _transpose(x: ir.Value, perm: Sequence[int], name: str) -> ir.Value:
    return common.build("transpose", [x], {"perm": list(perm)}, ir.Location.name(name))[0]


def _inputs(f: func.FuncOp, imported: ImportedModel, target: str) -> None:
    block = f.regions[0].blocks[0]
    for k, arg in enumerate(block.arguments):
        info = imported.inputs[k]
        if len(info.shape) != 4:
            continue
        users = [u.owner for u in arg.uses]
        own_nhwc = bool(users) and all(_perm(u) == TO_NCHW for u in users)
        if own_nhwc == (target == "channel-last"):
            continue  # the interface has the target layout already
        # the argument in the target layout, and `to_own` back to the model's value
        to_own = TO_NHWC if own_nhwc else TO_NCHW
        new_info = _permuted(info, TO_NCHW if own_nhwc else TO_NHWC)
        arg.set_type(type_of_spec(TensorSpec.of(new_info.dims, info.dtype)))
        imported.inputs[k] = new_info
        plain: ir.Value | None = None  # the model's value, for readers other than transposes
        for user in _unique(users):
            p = _perm(user)
            if p is not None:  # transpose(transpose(arg, to_own), p): one transpose
                merged = _compose(to_own, p)
                if merged == _IDENTITY:
                    user.result.replace_all_uses_with(arg)
                    user.erase()
                else:
                    user.attributes["perm"] = ir.DenseI64ArrayAttr.get(list(merged))
                continue
            if plain is None:
                with ir.InsertionPoint.at_block_begin(block):
                    plain = _transpose(arg, to_own, info.name)
            for i, operand in enumerate(user.operands):
                if operand == arg:
                    user.operands[i] = plain


def _unique(ops: Sequence[ir.Operation | ir.OpView]) -> list[ir.Operation | ir.OpView]:
    out: list[ir.Operation | ir.OpView] = []
    for op in ops:
        if not any(op == o for o in out):
            out.append(op)
    return out


def _outputs(f: func.FuncOp, imported: ImportedModel, target: str) -> None:
    block = f.regions[0].blocks[0]
    ret = block.operations[len(block.operations) - 1]
    replaced: list[ir.Operation | ir.OpView] = []
    for k in range(len(ret.operands)):
        info = imported.outputs[k]
        v = ret.operands[k]
        if len(info.shape) != 4:
            continue
        producer = v.owner if isinstance(v.owner, (ir.Operation, ir.OpView)) else None
        made = _perm(producer) if producer is not None else None
        own_nhwc = made == TO_NHWC
        if own_nhwc == (target == "channel-last"):
            continue
        to_target = TO_NCHW if own_nhwc else TO_NHWC
        imported.outputs[k] = _permuted(info, to_target)
        with ir.InsertionPoint(ret):
            if made is not None and producer is not None:
                src = producer.operands[0]
                merged = _compose(made, to_target)
                new = src if merged == _IDENTITY else _transpose(src, merged, info.name)
            else:
                new = _transpose(v, to_target, info.name)
        ret.operands[k] = new
        if producer is not None and made is not None:
            replaced.append(producer)
    for op in _unique(replaced):  # the graph's own output transposes, when nothing reads them
        if not list(op.result.uses):
            op.erase()
