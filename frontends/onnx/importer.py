"""The ONNX import driver: load, resolve shapes, check support, then fold or convert each node.

Per-op meaning lives in the converter table (`strata.frontends.onnx.ops`); this module only
walks the graph in order. A node whose inputs are all constants is evaluated at import time
(`folding`); otherwise its converter builds `nn` ops. The result is one `func.func` whose
arguments and results carry `nn.name` attributes with the ONNX names.

Sub-graphs (`If` branches, `Loop` / `Scan` bodies) are walked by the same code: a control-flow
converter builds the region and asks for the body (`import_graph`), which a child walker
imports with its own scope of names (`Emitter.child`). The body's inputs are region arguments,
never constants, so nothing computed from a loop-carried value is folded; values captured
from the outer scope keep what is known about them.

Dependency contract: numpy, `onnx`, `mlir`, `strata.context`, `strata.dialects`,
`strata.errors`, `strata.frontends.base`, `strata.frontends.common` and the modules of this package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import onnx
from mlir import ir
from mlir.dialects import func

from strata.context import ensure_dialects, make_context
from strata.dialects.opdef import OpVerifyError, TensorSpec, spec_of_type, type_of_spec
from strata.errors import ModelImportError, UnsupportedOpError
from strata.frontends import common
from strata.frontends.base import DECLARED_SHAPE_ATTR, ImportedModel, TensorInfo
from strata.frontends.onnx import folding, gradient, graph, ops, structured, subgraph, symbolic
from strata.frontends.onnx.emitter import Emitter, Tensor
from strata.frontends.onnx.loader import (
    DEFAULT_DOMAINS,
    ModelSource,
    check_model,
    known_domain_versions,
    load_model,
    model_opsets,
)
from strata.frontends.onnx.ops.registry import ConvertError, Node, Output, SequenceValue


def import_model(
    model: ModelSource,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    batch_size: int | None = None,
    outputs: Sequence[str] | None = None,
    entry_func_name: str = "main",
    context: ir.Context | None = None,
    label: str | None = None,
    input_structures: Mapping[str, structured.Spec] | None = None,
    inputs: Sequence[str] | None = None,
) -> ImportedModel:
    """Import an ONNX model (path, bytes or ModelProto) into an `nn` module.

    `input_shapes` (name -> full shape) and `batch_size` (first dim) give static values to
    symbolic input dims; `outputs` selects which values to return (any value of the graph).
    With `context=None` a fresh context is made; the caller owns it either way. `label`
    names the model in error messages (default: its path, or `<bytes>`).
    `input_structures` (name -> structure spec, see `structured.structure_of`) gives the
    length and item shapes of each graph input of sequence or optional type.
    `inputs` names values that become graph inputs, cutting the graph there (`subgraph`);
    `input_shapes` may then also name them.
    """
    proto = load_model(model, check=False, label=label)
    opsets = model_opsets(proto)
    if gradient.has_gradient(proto):
        proto = gradient.expand(proto, opsets.get(""))
    if inputs:
        wanted = graph.select_outputs(proto.graph, outputs)
        proto = subgraph.cut(proto, inputs, wanted, input_shapes, batch_size)
        kept = {i.name for i in proto.graph.input}
        input_shapes = {k: v for k, v in (input_shapes or {}).items() if k in kept}
    g = proto.graph
    infos, in_trees = _resolve_inputs(g, input_shapes, batch_size, input_structures or {})
    out_names = graph.select_outputs(g, outputs)
    nodes = graph.needed_nodes(g, out_names)
    _check_domains(nodes, opsets)
    weights = graph.weights(g)
    missing = graph.unsupported_nodes(
        nodes,
        set(weights),
        lambda n: ops.lookup(n.op_type, opsets[_domain(n)], _domain(n)) is not None,
        folding.can_fold,
    )
    if missing:
        raise UnsupportedOpError(missing, _unsupported_notes(nodes, missing, opsets))
    check_model(proto)
    ctx = context if context is not None else make_context()
    ensure_dialects(ctx)
    with ctx, ir.Location.unknown():
        walker = _Walker(opsets, {o.domain: o.version for o in proto.opset_import})
        declared = {o.name: graph.model_dims(o) for o in g.output}
        module = walker.emit(entry_func_name, infos, in_trees, weights, nodes, out_names, declared)
        common.verify(module)
        return ImportedModel(
            module=module,
            entry=entry_func_name,
            inputs=infos,
            outputs=walker.output_infos,
            weights=walker.em.weights,
            structure=_structure(in_trees, walker.output_trees),
        )


def _resolve_inputs(
    g: onnx.GraphProto,
    input_shapes: Mapping[str, Sequence[int]] | None,
    batch_size: int | None,
    specs: Mapping[str, structured.Spec],
) -> tuple[list[TensorInfo], list[tuple[str, structured.GraphValue]]]:
    """The flat tensor inputs and, per graph input, its name and structure (a sequence or
    optional input becomes one tensor per item, specialised on `specs`)."""
    init_names = {t.name for t in g.initializer}
    real = [i for i in g.input if i.name not in init_names]
    nested = frozenset(i.name for i in real if structured.is_structured(i))
    unknown = sorted(set(specs) - nested)
    if unknown:
        raise ModelImportError(
            f"input structure given for {', '.join(repr(u) for u in unknown)}, which is not a "
            "graph input of sequence or optional type"
        )
    tensors = {i.name: i for i in graph.resolve_inputs(g, input_shapes, batch_size, nested)}
    flat: list[TensorInfo] = []
    trees: list[tuple[str, structured.GraphValue]] = []
    for vi in real:
        if vi.name not in nested:
            trees.append((vi.name, structured.tensor_leaf(len(flat))))
            flat.append(tensors[vi.name])
            continue
        if vi.name not in specs:
            raise ModelImportError(
                f"graph input '{vi.name}' is a {structured.kind_of(vi.type)}; "
                + structured.STRUCTURE_HINT
            )
        tree, leaves = structured.resolve_structured(vi, specs[vi.name], len(flat))
        trees.append((vi.name, tree))
        flat += leaves
    return flat, trees


def _structure(
    ins: Sequence[tuple[str, structured.GraphValue]],
    outs: Sequence[tuple[str, structured.GraphValue]],
) -> dict[str, object] | None:
    """The record of how graph values were flattened; None when all are tensors."""
    if all(t.kind == "tensor" for _, t in (*ins, *outs)):
        return None

    def rows(trees: Sequence[tuple[str, structured.GraphValue]]) -> list[dict[str, object]]:
        return [{"name": n, "value": t.to_json()} for n, t in trees]

    return {"inputs": rows(ins), "outputs": rows(outs)}


def _domain(node: onnx.NodeProto) -> str:
    return "" if node.domain in DEFAULT_DOMAINS else node.domain


def _check_domains(nodes: Sequence[tuple[int, onnx.NodeProto]], opsets: Mapping[str, int]) -> None:
    """Every node's domain must be one the model imports an opset of."""
    missing: dict[str, list[str]] = {}
    for _, n, label in graph.all_nodes(nodes):
        if _domain(n) not in opsets:
            missing.setdefault(_domain(n), []).append(label)
    if missing:
        lines = "; ".join(
            f"{repr(d) if d else 'the default domain (ai.onnx)'}: {', '.join(names)}"
            for d, names in sorted(missing.items())
        )
        raise ModelImportError(
            f"nodes use domains the model imports no opset of (opset_import lacks them): {lines}"
        )


def _unsupported_notes(
    nodes: Sequence[tuple[int, onnx.NodeProto]],
    missing: Mapping[str, list[str]],
    opsets: Mapping[str, int],
) -> dict[str, str]:
    """Why each missing op type is missing, where more can be said than "no converter"."""
    known = known_domain_versions()
    notes: dict[str, str] = {}
    for _, n in nodes:
        key = graph.op_key(n)
        if key not in missing or key in notes:
            continue
        domain = _domain(n)
        version = opsets[domain]
        at = ops.registry.converted_opsets(n.op_type, known.get(domain, version), domain)
        if domain not in known:
            notes[key] = f"domain '{domain}' is not an ONNX domain (a custom op)"
        elif at:
            notes[key] = f"converted at opsets {_ranges(at)}; the model imports opset {version}"
        elif not ops.registry.schema_versions(n.op_type, domain):
            notes[key] = f"not an op of domain '{domain or 'ai.onnx'}' in onnx {onnx.__version__}"
    return notes


def _ranges(versions: Sequence[int]) -> str:
    """[1, 2, 3, 7, 8] -> '1-3, 7-8'."""
    parts: list[str] = []
    start = prev = versions[0]
    for v in [*versions[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(parts)


class _Walker:
    """Emits one function for the graph, node by node; a child walker emits a sub-graph."""

    def __init__(
        self,
        versions: Mapping[str, int],
        opsets: Mapping[str, int],
        parent: _Walker | None = None,
        prefix: str = "",
    ) -> None:
        self.versions = dict(versions)  # normalised domain -> opset version
        self.opsets = dict(opsets)  # the model's opset_import, for the reference evaluator
        self.em: Emitter = parent.em.child() if parent is not None else Emitter()
        self.output_infos: list[TensorInfo] = []
        self.output_trees: list[tuple[str, structured.GraphValue]] = []
        # value name -> why it has no value (one table for the whole model: names are unique)
        self._dropped: dict[str, str] = parent._dropped if parent is not None else {}
        self.prefix = prefix  # of node labels in a sub-graph: "<parent node label>/"

    def emit(
        self,
        name: str,
        inputs: Sequence[TensorInfo],
        in_trees: Sequence[tuple[str, structured.GraphValue]],
        weights: Mapping[str, np.ndarray],
        nodes: Sequence[tuple[int, onnx.NodeProto]],
        out_names: Sequence[str],
        declared: Mapping[str, list[int | str | None] | None],
    ) -> ir.Module:
        module = ir.Module.create()
        arg_types = [type_of_spec(TensorSpec.of(i.dims, i.dtype)) for i in inputs]
        with ir.InsertionPoint(module.body):
            f = func.FuncOp(name, (arg_types, []))
        block = f.add_entry_block()
        for w_name, arr in weights.items():
            self.em.define(Tensor(w_name, const=arr))
        args = list(block.arguments)
        for in_name, tree in in_trees:
            self.em.define(_input_value(in_name, tree, inputs, args))
        _join_named_dims(self.em.dims, inputs)
        with ir.InsertionPoint(block):
            for index, node in nodes:
                self._node(index, node)
            leaves: list[tuple[str, str, Tensor]] = []  # (graph output, leaf name, tensor)
            for o in out_names:
                t = self._lookup(o, "graph output")
                tree, found = _flatten_output(o, t, len(leaves))
                self.output_trees.append((o, tree))
                leaves += [(o, leaf_name, item) for leaf_name, item in found]
            values = [self.em.materialise(item) for _, _, item in leaves]
            func.ReturnOp(values)
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [v.type for v in values])
        )
        f.arg_attrs = common.name_attrs([i.name for i in inputs])
        res_attrs = []
        for (o, leaf_name, _), v in zip(leaves, values, strict=True):
            attrs = {"nn.name": ir.StringAttr.get(leaf_name)}
            fixed = _declared_static(spec_of_type(v.type).shape, declared.get(o))
            if leaf_name == o and fixed is not None:
                attrs[DECLARED_SHAPE_ATTR] = ir.DenseI64ArrayAttr.get(fixed)
            res_attrs.append(ir.DictAttr.get(attrs))
        f.res_attrs = ir.ArrayAttr.get(res_attrs)
        for (o, leaf_name, _), v in zip(leaves, values, strict=True):
            spec = spec_of_type(v.type)
            names = (declared.get(o) or []) if leaf_name == o else []
            dims = tuple(
                names[k]
                if d is None and len(names) == spec.rank and isinstance(names[k], str)
                else d
                for k, d in enumerate(spec.shape)
            )
            self.output_infos.append(TensorInfo(leaf_name, dims, spec.dtype))
        return module

    def import_graph(
        self, body: onnx.GraphProto, args: Sequence[ir.Value | Tensor], label: str
    ) -> list[Output]:
        """Import sub-graph `body` at the current insertion point (inside the region being
        built): its inputs are `args` (values, or table entries such as constants and
        sequences, for a body imported inline), its initializers constants, outer names
        visible. One entry per graph output: its value, the array of an output known at
        import time, or a sequence / optional value."""
        if len(args) != len(body.input):
            raise ModelImportError(
                f"sub-graph '{body.name}' of node '{label}' declares {len(body.input)} inputs, "
                f"the node binds {len(args)}"
            )
        child = _Walker(self.versions, self.opsets, self, f"{label}/")
        for w_name, arr in graph.weights(body).items():
            child.em.define(Tensor(w_name, const=arr))
        for vi, arg in zip(body.input, args, strict=True):
            if isinstance(arg, Tensor):
                child.em.define(
                    Tensor(vi.name, arg.const, arg.value, arg.sym, arg.items, arg.optional)
                )
            else:
                child.em.define(Tensor(vi.name, value=arg))
        outs = [o.name for o in body.output]
        for index, n in graph.needed_nodes(body, outs):
            child._node(index, n)
        where = f"sub-graph '{body.name}' of node '{label}'"
        results: list[Output] = []
        for o in outs:
            t = child._lookup(o, f"{where} output")
            if t.items is not None:
                results.append(SequenceValue(list(t.items), t.optional))
                continue
            known = t.value is None and t.const is not None
            results.append(t.const if known and t.const is not None else child.em.value(o))
        return results

    def _lookup(self, name: str, user: str) -> Tensor:
        if self.em.has(name):
            return self.em.get(name)
        why = self._dropped.get(name, "it is not produced by any node, input or initializer")
        raise ModelImportError(f"{user} uses value '{name}', but {why}")

    def _node(self, index: int, node: onnx.NodeProto) -> None:
        label = self.prefix + graph.node_label(node, index)
        where = f"node '{label}' ({node.op_type})"
        ins = [self._lookup(x, where) if x else None for x in node.input]
        if folding.can_fold(node) and self._fold(node, label, ins):
            return
        sym = self._track(node, ins)
        if sym is not None and symbolic.is_static(sym) and len(node.output) == 1:
            self.em.define(Tensor(node.output[0], const=symbolic.to_array(sym)))
            return
        version = self.versions[_domain(node)]
        entry = ops.lookup(node.op_type, version, _domain(node))
        if entry is None:
            raise UnsupportedOpError({graph.op_key(node): [label]})
        try:
            outs = list(entry.fn(Node(node, label, version, self.em, self)))
        except (ConvertError, OpVerifyError) as e:
            raise ModelImportError(f"{where}: {e}") from None
        for k, name in enumerate(node.output):
            if not name:
                continue
            out = outs[k] if k < len(outs) else None
            if out is None:
                self._dropped[name] = f"{where} output {k} is not supported by Strata"
            elif isinstance(out, np.ndarray):
                self.em.define(Tensor(name, const=out))
            elif isinstance(out, SequenceValue):
                self.em.define(Tensor(name, items=list(out.items), optional=out.optional))
            else:
                self.em.define(Tensor(name, value=out, sym=sym if k == 0 else None))
        self._record_dims(node, ins)

    def _record_dims(self, node: onnx.NodeProto, ins: list[Tensor | None]) -> None:
        """Tell the dim classes which of the first output's dims equal which input dims."""
        out = self.em.get(node.output[0]) if node.output and node.output[0] else None
        if out is None or out.value is None or out.is_sequence:
            return
        if not isinstance(out.value.type, ir.RankedTensorType):
            return
        dims = [None if t is None or t.is_sequence else t.spec.shape for t in ins]
        target = ins[1].tracked if len(ins) > 1 and ins[1] is not None else None
        self.em.dims.record(node, dims, out.spec.shape, target)

    def _track(self, node: onnx.NodeProto, ins: list[Tensor | None]) -> symbolic.Sym | None:
        """The symbolic entries of the node's first output (shape arithmetic), if tracked."""
        if any(t is not None and t.is_sequence for t in ins):
            return None
        if node.op_type == "Shape" and ins and ins[0] is not None:
            start = next((a.i for a in node.attribute if a.name == "start"), 0)
            end = next((a.i for a in node.attribute if a.name == "end"), 2**62)
            return symbolic.of_shape(node.input[0], ins[0].spec.shape, start, end)
        if _domain(node):
            return None
        if node.op_type == "CastLike" and not _integer_target(ins):
            return None  # tracked entries are integers; a cast to floats leaves them
        syms = [t.tracked if t is not None else None for t in ins]
        consts = [t.const if t is not None else None for t in ins]
        return symbolic.propagate(node, syms, consts, self.versions[""])

    def _fold(self, node: onnx.NodeProto, label: str, ins: list[Tensor | None]) -> bool:
        """Evaluate the node at import time if possible; False leaves it to its converter."""
        first = ins[0] if ins else None
        if first is not None and first.is_sequence:
            return False
        if node.op_type in ("Shape", "Size") and first is not None and first.spec.is_static:
            shape = tuple(int(d) for d in first.spec.shape if d is not None)
            if node.op_type == "Shape":
                result = folding.shape_of(shape, node)
            else:
                result = np.array(math.prod(shape), dtype=np.int64)
            self.em.define(Tensor(node.output[0], const=result))
            return True
        if any(t is not None and t.const is None for t in ins):
            return False
        arrays = [t.const if t is not None else None for t in ins]
        has_converter = (
            ops.lookup(node.op_type, self.versions[_domain(node)], _domain(node)) is not None
        )
        try:
            results = folding.evaluate(node, arrays, self.opsets)
        except folding.FoldError as e:
            if has_converter:
                return False
            raise ModelImportError(
                f"node '{label}' ({node.op_type}) failed to evaluate on its constant inputs: {e}"
            ) from None
        if has_converter and not folding.keep_folded(results, arrays):
            return False
        for name, arr in zip(node.output, results, strict=True):
            if name:
                self.em.define(Tensor(name, const=arr))
        return True


def _input_value(
    name: str, tree: structured.GraphValue, infos: Sequence[TensorInfo], args: list[ir.Value]
) -> Tensor:
    """The value table entry of a graph input: a tensor argument, or a sequence / optional
    whose items are tensor arguments."""
    if tree.kind == "tensor":
        return Tensor(name, value=args[tree.leaf])
    items = [_input_value(f"{name}[{k}]", t, infos, args) for k, t in enumerate(tree.items)]
    return Tensor(name, items=items, optional=tree.kind == "optional")


def _declared_static(
    inferred: Sequence[int | None], declared: Sequence[int | str | None] | None
) -> list[int] | None:
    """The graph output's declared shape when it is fully static, of the inferred rank,
    fixes at least one dim inference left dynamic and contradicts none; else None. Static
    targets (odla) specialise such an output to it (DECLARED_SHAPE_ATTR)."""
    if declared is None or len(declared) != len(inferred):
        return None
    if not all(isinstance(d, int) and d >= 0 for d in declared):
        return None
    fixed = [int(d) for d in declared]  # type: ignore[arg-type]
    if any(i is not None and i != d for i, d in zip(inferred, fixed, strict=True)):
        return None
    return fixed if any(i is None for i in inferred) else None


def _flatten_output(
    name: str, t: Tensor, first: int
) -> tuple[structured.GraphValue, list[tuple[str, Tensor]]]:
    """A graph output's structure and its tensors (leaf name, tensor), indices from `first`."""
    found: list[tuple[str, Tensor]] = []

    def walk(v: Tensor, path: str) -> structured.GraphValue:
        if v.items is None:
            found.append((path, v))
            return structured.tensor_leaf(first + len(found) - 1)
        kind = "optional" if v.optional else "sequence"
        return structured.GraphValue(
            kind, -1, tuple(walk(item, f"{path}[{k}]") for k, item in enumerate(v.items))
        )

    return walk(t, name), found


def _integer_target(ins: Sequence[Tensor | None]) -> bool:
    """Whether CastLike's target (input 1) has an integer element type."""
    like = ins[1] if len(ins) > 1 else None
    return like is not None and not like.is_sequence and like.spec.dtype.kind in "iu"


def _join_named_dims(classes: symbolic.DimClasses, inputs: Sequence[TensorInfo]) -> None:
    """Graph inputs' dims that name the same `dim_param` are one run-time size."""
    named: dict[str, symbolic.DimOf] = {}
    for info in inputs:
        for k, d in enumerate(info.shape):
            if isinstance(d, str):
                here = symbolic.DimOf(info.name, k)
                classes.union(named.setdefault(d, here), here)
