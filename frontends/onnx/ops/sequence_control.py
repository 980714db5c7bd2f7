"""Sub-graphs over import-time sequences: SequenceMap, and Loops that carry or index
sequences, both unrolled at import time; Ifs whose branches yield sequences.

Sequences exist only at import time (`ops/sequence.py`): their lengths and the positions used
on them are compile-time values. A sub-graph applied to a sequence's items is therefore
imported once per item, inline, with the item bound to the body input (`Node.import_graph`
takes table entries), and its results collected into new sequences. SequenceMap is exactly
that. A Loop whose carried values include a sequence or optional, or whose body reads a
sequence of the outer scope, is unrolled the same way: its trip count (and condition, if it
has one) must be known at import time, each iteration's number is a constant, and a condition
computed by the body must fold to a constant. Loops that do not qualify stay scf loops
(`ops/control.py`), so a sequence there is refused with the node named.

An If on a run-time condition whose branches yield sequences or optionals of one structure
(the same lengths, both empty or both full) is an scf.if over their items: each branch is
first imported into a throwaway scf.if to learn its structure, then into the real one, whose
results are the items, regrouped into the sequences. Branches of different structures are
refused (the structure would be known only at run time).

Dependency contract: numpy, `mlir`, the converter registry, the frontend's emitter and
`strata.frontends.onnx.control` (scf.if construction).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import onnx
from mlir import ir
from mlir.dialects import scf

from strata.frontends.onnx.emitter import Tensor
from strata.frontends.onnx.ops.registry import Node, Output, SequenceValue, converter

# Unrolling re-imports the body per iteration; beyond this many iterations it is refused.
MAX_UNROLL = 4096


def _entry(name: str, out: Output) -> Tensor:
    """A body result as a table entry (to bind it to the next iteration's inputs)."""
    if isinstance(out, SequenceValue):
        return Tensor(name, items=list(out.items), optional=out.optional)
    if isinstance(out, np.ndarray):
        return Tensor(name, const=out)
    return Tensor(name, value=out)


def _scalar_entry(name: str, value: np.ndarray, vi: onnx.ValueInfoProto) -> Tensor:
    """A constant body input (iteration number, condition) shaped as the body declares it."""
    tt = vi.type.tensor_type
    rank = len(tt.shape.dim) if tt.HasField("shape") else 0
    return Tensor(name, const=value.reshape([1] * rank))


@converter("SequenceMap", needs=["constant"])
def sequence_map(node: Node) -> Sequence[Output]:
    """The body applied to the items of the sequence inputs (tensor inputs are passed to
    every application); body output j collects into output sequence j."""
    body = node.graph("body")
    if len(body.input) != node.num_inputs:
        node.fail(f"the body takes {len(body.input)} inputs, the node has {node.num_inputs}")
    n = len(node.sequence(0))
    ins: list[Tensor] = [node.input_tensor(i) for i in range(node.num_inputs)]
    for i, t in enumerate(ins[1:], start=1):
        if t.items is not None and (t.optional or len(t.items) != n):
            node.fail(
                f"input {i} ('{node.input_name(i)}') is a {t.kind} of {len(t.items)} items; "
                f"the sequences must all have {n} items"
            )
    outs: list[list[Tensor]] = [[] for _ in body.output]
    for k in range(n):
        args = [t.items[k] if t.items is not None else t for t in ins]
        results = node.import_graph(body, args)
        for j, r in enumerate(results):
            if isinstance(r, SequenceValue):
                node.fail(f"body output {j} is a sequence; SequenceMap's bodies return tensors")
            outs[j].append(_entry(f"{node.name}:{j}[{k}]", r))
    return [SequenceValue(items) for items in outs]


def needs_unrolling(node: Node, body: onnx.GraphProto) -> bool:
    """Whether a Loop carries a sequence / optional or its body reads an outer sequence."""
    for i in range(2, node.num_inputs):
        if node.has(i) and node.input_tensor(i).items is not None:
            return True
    own = {vi.name for vi in body.input} | {o for n in body.node for o in n.output}
    for n in body.node:
        for x in n.input:
            if x and x not in own:
                t = node.lookup(x)
                if t is not None and t.items is not None:
                    return True
    return False


def unrolled_loop(node: Node, body: onnx.GraphProto) -> Sequence[Output]:
    """Loop(M, cond, v...) imported iteration by iteration (see the module doc)."""
    n = node.num_inputs - 2
    k = len(body.output) - 1 - n
    trip: int | None = None
    if node.has(0):
        known = node.maybe_const(0)
        if known is None:
            node.fail(
                "carries a sequence (or reads one), so it is unrolled at import time, which "
                "needs a trip count M known at import time; M is computed at run time"
            )
        trip = int(np.asarray(known).reshape(-1)[0])
    go = True
    if node.has(1):
        c = node.maybe_const(1)
        if c is None:
            node.fail(
                "carries a sequence (or reads one), so it is unrolled at import time, which "
                "needs its condition known at import time"
            )
        go = bool(np.asarray(c).reshape(-1)[0])
    if trip is None:
        node.fail("has no trip count M: a loop over sequences must have a static one")
    if trip > MAX_UNROLL:
        node.fail(f"trip count {trip} is above the unrolling limit {MAX_UNROLL}")
    carried = [node.input_tensor(i) for i in range(2, node.num_inputs)]
    scans: list[list[Output]] = [[] for _ in range(k)]
    i = 0
    while go and i < trip:
        args = [
            _scalar_entry(f"{node.name}.i{i}", np.array(i, np.int64), body.input[0]),
            _scalar_entry(f"{node.name}.cond{i}", np.array(True), body.input[1]),
            *carried,
        ]
        results = node.import_graph(body, args)
        if node.has(1):
            cond_out = results[0]
            if not isinstance(cond_out, np.ndarray):
                node.fail("the body's condition is computed at run time; an unrolled loop needs it")
            go = bool(np.asarray(cond_out).reshape(-1)[0])
        carried = [_entry(f"{node.name}.v{j}.{i}", r) for j, r in enumerate(results[1 : 1 + n])]
        for j, r in enumerate(results[1 + n :]):
            if isinstance(r, SequenceValue):
                node.fail(f"scan output {j} is a sequence; scan outputs must be tensors")
            scans[j].append(r)
        i += 1
    outs: list[Output] = [_output(t) for t in carried]
    for j, pieces in enumerate(scans):
        if not pieces:
            node.fail(f"scan output {j} of a loop that runs no iteration has no known shape")
        outs.append(_stack(node, pieces))
    return outs


def _output(t: Tensor) -> Output:
    if t.items is not None:
        return SequenceValue(list(t.items), t.optional)
    if t.value is not None:
        return t.value
    assert t.const is not None
    return t.const


def _stack(node: Node, pieces: list[Output]) -> Output:
    """Scan output: the iterations' values stacked along a new axis 0."""
    if all(isinstance(p, np.ndarray) for p in pieces):
        return np.stack([np.asarray(p) for p in pieces])
    values: list[ir.Value] = [
        p if isinstance(p, ir.Value) else node.constant(np.asarray(p), f"scan{j}")
        for j, p in enumerate(pieces)
    ]
    rows = [node.build1("unsqueeze", [v], {"axes": [0]}) for v in values]
    acc = rows[0]
    for r in rows[1:]:
        acc = node.build1("concat", [acc, r], {"axis": 0})
    return acc


# ---- If with sequence results -----------------------------------------------------------------

# The structure of a branch result: None for a tensor, (optional?, item structures) otherwise.
Shape = tuple[bool, tuple["Shape", ...]] | None


def declares_sequences(*graphs: onnx.GraphProto) -> bool:
    """Whether any output of the graphs is declared a sequence or optional."""
    return any(
        o.type.HasField("sequence_type") or o.type.HasField("optional_type")
        for g in graphs
        for o in g.output
    )


def _shape(out: Output | Tensor) -> Shape:
    if not isinstance(out, (SequenceValue, Tensor)) or out.items is None:
        return None
    return (out.optional, tuple(_shape(t) for t in out.items))


def _leaves(node: Node, out: Output | Tensor) -> list[ir.Value]:
    """The tensors of a branch result, in order (constants materialised in the region)."""
    if isinstance(out, (SequenceValue, Tensor)) and out.items is not None:
        return [v for t in out.items for v in _leaves(node, t)]
    if isinstance(out, Tensor):
        return [node.value_of(out)]
    if isinstance(out, np.ndarray):
        return [node.constant(out, "branch_out")]
    assert isinstance(out, ir.Value)
    return [out]


def _regroup(shape: Shape, values: list[ir.Value], name: str) -> Output:
    """A result of `shape` from the scf.if results (consumed from the front of `values`)."""
    if shape is None:
        return values.pop(0)
    optional, items = shape
    entries = [
        _entry(f"{name}[{k}]", _regroup(s, values, f"{name}[{k}]")) for k, s in enumerate(items)
    ]
    return SequenceValue(entries, optional)


def if_with_sequences(node: Node, cond: ir.Value) -> list[Output]:
    """If on the i1 `cond` whose branches yield sequences / optionals (see the module doc)."""
    from strata.frontends.onnx import control

    graphs = (node.graph("then_branch"), node.graph("else_branch"))
    shapes: list[list[Shape]] = []
    for g in graphs:
        probe = scf.IfOp(cond, [], has_else=True)
        with ir.InsertionPoint(probe.then_block):
            shapes.append([_shape(o) for o in node.import_graph(g, [])])
        probe.operation.erase()
    names = list(node.proto.output)
    for j, (a, b) in enumerate(zip(shapes[0], shapes[1], strict=True)):
        if a != b:
            node.fail(
                f"output {j} ('{names[j]}') has another structure in each branch (sequence "
                "lengths or empty / full optionals differ), so it would be known only at run "
                "time; Strata's sequences have an import-time structure"
            )
    count = sum(len(_flat_names(s, n)) for s, n in zip(shapes[0], names, strict=True))
    leaf_names = [x for s, n in zip(shapes[0], names, strict=True) for x in _flat_names(s, n)]

    def branch(g: onnx.GraphProto) -> list[ir.Value]:
        return [v for o in node.import_graph(g, []) for v in _leaves(node, o)]

    results = control.build_if(
        cond, count, lambda: branch(graphs[0]), lambda: branch(graphs[1]), leaf_names
    )
    pending = list(results)
    return [_regroup(s, pending, n) for s, n in zip(shapes[0], names, strict=True)]


def _flat_names(shape: Shape, name: str) -> list[str]:
    if shape is None:
        return [name]
    return [x for k, s in enumerate(shape[1]) for x in _flat_names(s, f"{name}[{k}]")]
