"""Converters for control flow with sub-graphs: If, Loop, Scan.

Each becomes an upstream `scf` op in the nn-level IR (`strata.frontends.onnx.control`) whose
regions hold the imported sub-graph. An `If` on a condition known at import time imports only
the branch taken, inline. `Loop` is an scf.for when it has no condition input (ONNX then
ignores the body's condition output) and an scf.while otherwise; its scan outputs have a
length known only at run time unless the trip count is fixed. `Scan` is an scf.for over the
scan axis; each scan input's element is sliced out in the body and each scan output element
written into a buffer, transposed to its output axis afterwards. Scan-8 (batch axis 0,
sequence axis 1) is that loop inside an scf.for over the batch.

A Loop over import-time sequences is unrolled instead (`ops/sequence_control.py`).

Dependency contract: numpy, `mlir`, the converter registry, `strata.frontends.onnx.control`
and `ops.sequence_control`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import onnx
from mlir import ir
from mlir.dialects import arith

from strata.frontends.onnx import control
from strata.frontends.onnx.control import ControlFlowError
from strata.frontends.onnx.ops import sequence_control
from strata.frontends.onnx.ops.registry import Node, Output, SequenceValue, converter
from strata.passes.lowering import sizes as sz


def _values(node: Node, outs: Sequence[Output], what: str) -> list[ir.Value]:
    """Sub-graph outputs as values in the region being built (constants materialised)."""
    for k, o in enumerate(outs):
        if isinstance(o, SequenceValue):
            kind = "an optional value" if o.optional else "a tensor sequence"
            node.fail(
                f"sub-graph output {k} ({what}) is {kind}; sequences and optionals have an "
                "import-time structure in Strata, so they cannot come out of a branch or loop "
                "body decided at run time (a condition or trip count known at import time works)"
            )
    return [
        o if isinstance(o, ir.Value) else node.constant(np.asarray(o), f"{what}{k}")
        for k, o in enumerate(outs)
    ]


def _declared_rank(vi: onnx.ValueInfoProto, default: int = 0) -> int:
    """The rank a body input declares (0 when it declares none)."""
    tt = vi.type.tensor_type
    return len(tt.shape.dim) if tt.HasField("shape") else default


def _guard(fn: Callable[[], list[Output]], node: Node) -> list[Output]:
    try:
        return fn()
    except ControlFlowError as e:
        node.fail(str(e))


@converter("If", since=1, needs=["constant"])
def if_(node: Node) -> Sequence[Output]:
    """scf.if on the condition; a constant condition imports the branch taken inline."""
    then_g, else_g = node.graph("then_branch"), node.graph("else_branch")
    n = len(node.proto.output)
    for g, which in ((then_g, "then_branch"), (else_g, "else_branch")):
        if len(g.output) != n:
            node.fail(f"'{which}' has {len(g.output)} outputs, the node {n}")
    known = node.maybe_const(0)
    if known is not None:
        if np.asarray(known).size != 1:
            node.fail(f"the condition must hold one element, got shape {list(known.shape)}")
        taken = then_g if bool(np.asarray(known).reshape(-1)[0]) else else_g
        return node.import_graph(taken, [])
    cond = control.scalar(node.value(0))
    if sequence_control.declares_sequences(then_g, else_g):
        return _guard(lambda: sequence_control.if_with_sequences(node, cond), node)

    def branch(g: onnx.GraphProto, what: str) -> Callable[[], list[ir.Value]]:
        return lambda: _values(node, node.import_graph(g, []), what)

    return _guard(
        lambda: list(
            control.build_if(
                cond, n, branch(then_g, "then"), branch(else_g, "else"), node.proto.output
            )
        ),
        node,
    )


@converter("Loop", since=1, needs=["constant"])
def loop(node: Node) -> Sequence[Output]:
    """Loop(M, cond, v...) -> (v_final..., scan_outputs...)."""
    body_g = node.graph("body")
    n = node.num_inputs - 2
    if n < 0:
        node.fail("needs the inputs M and cond (either may be empty)")
    if len(body_g.input) != n + 2:
        node.fail(f"the body takes {len(body_g.input)} inputs, expected {n + 2} (i, cond, v...)")
    k = len(body_g.output) - 1 - n
    if k < 0:
        node.fail(f"the body has {len(body_g.output)} outputs, expected at least {n + 1}")
    if sequence_control.needs_unrolling(node, body_g):
        return sequence_control.unrolled_loop(node, body_g)
    trip: sz.Size | None = None
    if node.has(0):
        known = node.maybe_const(0)
        if known is not None:
            trip = int(np.asarray(known).reshape(-1)[0])
        else:
            trip = control.to_index(control.scalar(node.value(0)))
    cond = control.scalar(node.value(1)) if node.has(1) else None
    if trip is None and cond is None:
        node.fail("has neither a trip count M nor a condition: it would never end")
    carried = [node.value(i) for i in range(2, node.num_inputs)]
    i_rank, c_rank = _declared_rank(body_g.input[0]), _declared_rank(body_g.input[1])
    i64 = ir.IntegerType.get_signless(64)

    def body(
        i: ir.Value, c: ir.Value, vals: list[ir.Value]
    ) -> tuple[ir.Value | None, list[ir.Value], list[ir.Value]]:
        it = control.as_tensor(arith.index_cast(i64, i), i_rank)
        ct = control.as_tensor(c, c_rank)
        outs = _values(node, node.import_graph(body_g, [it, ct, *vals]), "body_out")
        cond_out = control.scalar(outs[0]) if cond is not None else None
        return cond_out, outs[1 : 1 + n], outs[1 + n :]

    names = list(node.proto.input[2:])

    def build() -> list[Output]:
        res = control.build_loop(trip, cond, carried, body, num_scans=k, names=names)
        return [*res.carried, *res.scans]

    return _guard(build, node)


@converter("Scan", since=9, needs=["constant", "transpose"])
def scan(node: Node) -> Sequence[Output]:
    """Scan(states..., scan_inputs...) -> (states_final..., scan_outputs...)."""
    body_g = node.graph("body")
    m = int(node.attr("num_scan_inputs", 0))
    n = node.num_inputs - m
    if m < 1 or n < 0:
        node.fail(f"num_scan_inputs = {m} must be in [1, {node.num_inputs}]")
    k = len(body_g.output) - n
    if len(body_g.input) != n + m or k < 0:
        node.fail(
            f"the body takes {len(body_g.input)} inputs and gives {len(body_g.output)} "
            f"outputs; the node has {n} states and {m} scan inputs"
        )
    xs = [node.value(n + j) for j in range(m)]
    in_axes = _axes(node, "scan_input_axes", m, [node.spec(n + j).rank for j in range(m)])
    in_rev = _directions(node, "scan_input_directions", m)
    out_rev = _directions(node, "scan_output_directions", k)
    length = _length(node, xs, in_axes)
    states = [node.value(i) for i in range(n)]

    def body(
        i: ir.Value, _: ir.Value, vals: list[ir.Value]
    ) -> tuple[ir.Value | None, list[ir.Value], list[ir.Value]]:
        last = sz.sub(length, 1)
        elems = [
            control.take(x, ax, sz.value(sz.sub(last, i)) if rev else i)
            for x, ax, rev in zip(xs, in_axes, in_rev, strict=True)
        ]
        outs = _values(node, node.import_graph(body_g, [*vals, *elems]), "body_out")
        return None, outs[:n], outs[n:]

    names = list(node.proto.input[:n])

    def build() -> list[Output]:
        res = control.build_loop(
            length, None, states, body, num_scans=k, reverse_scans=out_rev, names=names
        )
        ranks = [ir.RankedTensorType(v.type).rank for v in res.scans]
        out_axes = _axes(node, "scan_output_axes", k, ranks)
        scans: list[Output] = []
        for v, ax, r in zip(res.scans, out_axes, ranks, strict=True):
            if ax == 0:
                scans.append(v)
                continue
            perm = [*range(1, ax + 1), 0, *range(ax + 1, r)]
            scans.append(node.build1("transpose", [v], {"perm": perm}))
        return [*res.carried, *scans]

    return _guard(build, node)


@converter("Scan", since=8, needs=["constant"])
def scan_v8(node: Node) -> Sequence[Output]:
    """Scan-8: every input has a batch axis 0 (scan inputs their sequence axis 1); an outer
    scf.for over the batch runs the Scan-9 loop on each entry and stacks its results.
    `sequence_lens` is accepted when it is known to equal the maximum length."""
    body_g = node.graph("body")
    m = int(node.attr("num_scan_inputs", 0))
    n = node.num_inputs - 1 - m
    if m < 1 or n < 0:
        node.fail(f"num_scan_inputs = {m} must be in [1, {node.num_inputs - 1}]")
    k = len(body_g.output) - n
    if len(body_g.input) != n + m or k < 0:
        node.fail(
            f"the body takes {len(body_g.input)} inputs and gives {len(body_g.output)} "
            f"outputs; the node has {n} states and {m} scan inputs"
        )
    first = 1 + n
    for j in range(1, node.num_inputs):
        if node.spec(j).rank < (2 if j >= first else 1):
            node.fail(f"input {j} needs a batch axis (and scan inputs a sequence axis)")
    length = _length(node, [node.value(first + j) for j in range(m)], [1] * m)
    if node.has(0):
        lens = node.maybe_const(0)
        if lens is None or not isinstance(length, int) or np.any(np.asarray(lens) != length):
            node.fail(
                "'sequence_lens' is supported only when it is a constant equal to the scan "
                "length (every sequence at full length)"
            )
    rev = _directions(node, "directions", m)
    states = [node.value(1 + i) for i in range(n)]
    xs = [node.value(first + j) for j in range(m)]
    batch = sz.dim_of(states[0] if states else xs[0], 0)

    def entry(
        b: ir.Value, _: ir.Value, __: list[ir.Value]
    ) -> tuple[ir.Value | None, list[ir.Value], list[ir.Value]]:
        own = [control.take(v, 0, b) for v in states]
        seqs = [control.take(x, 0, b) for x in xs]  # [T, ...]

        def step(
            i: ir.Value, _: ir.Value, vals: list[ir.Value]
        ) -> tuple[ir.Value | None, list[ir.Value], list[ir.Value]]:
            last = sz.sub(length, 1)
            elems = [
                control.take(x, 0, sz.value(sz.sub(last, i)) if r else i)
                for x, r in zip(seqs, rev, strict=True)
            ]
            outs = _values(node, node.import_graph(body_g, [*vals, *elems]), "body_out")
            return None, outs[:n], outs[n:]

        res = control.build_loop(length, None, own, step, num_scans=k)
        return None, [], [*res.carried, *res.scans]

    return _guard(
        lambda: list(control.build_loop(batch, None, [], entry, num_scans=n + k).scans), node
    )


def _axes(node: Node, name: str, count: int, ranks: Sequence[int]) -> list[int]:
    given = node.attr(name)
    axes = [0] * count if given is None else [int(a) for a in given]
    if len(axes) != count:
        node.fail(f"'{name}' has {len(axes)} entries, expected {count}")
    out = []
    for a, r in zip(axes, ranks, strict=True):
        if not -r <= a < r:
            node.fail(f"'{name}' entry {a} is out of range for rank {r}")
        out.append(a + r if a < 0 else a)
    return out


def _directions(node: Node, name: str, count: int) -> list[bool]:
    given = node.attr(name)
    dirs = [0] * count if given is None else [int(d) for d in given]
    if len(dirs) != count or any(d not in (0, 1) for d in dirs):
        node.fail(f"'{name}' must hold {count} entries of 0 (forward) or 1 (reverse), got {dirs}")
    return [d == 1 for d in dirs]


def _length(node: Node, xs: Sequence[ir.Value], axes: Sequence[int]) -> sz.Size:
    """The scan length: the first scan input's size along its axis (static ones must agree)."""
    lengths = [node.spec(node.num_inputs - len(xs) + j).shape[a] for j, a in enumerate(axes)]
    static = {d for d in lengths if d is not None}
    if len(static) > 1:
        node.fail(f"the scan inputs have different lengths along their scan axes: {lengths}")
    if static:
        return static.pop()
    return sz.dim_of(xs[0], axes[0])
