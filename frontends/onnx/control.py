"""Structured control flow for the ONNX importer: `scf` ops on tensors around imported bodies.

IRDL cannot declare an op with regions whose results differ in type, so ONNX `If`, `Loop` and
`Scan` import as upstream `scf.if` / `scf.for` / `scf.while` ops directly in the nn-level IR,
with the sub-graph's nn ops inside their regions (convert-nn-to-linalg lowers nested ops too;
one-shot bufferization handles scf on tensors). This module builds those ops from callbacks
that import a body at the current insertion point; the converters (`ops/control.py`) bind the
ONNX inputs and sub-graphs to them.

* Types: where two branches or two iterations give one value different shapes, the dims that
  differ become dynamic (`join`); rank or element type differences are errors.
* Loop-carried values: a body is imported with the carried types; when the yielded types
  differ (a value that grows per iteration), the types are joined and the body is imported
  again, until they agree (each round makes a dim dynamic, so this ends).
* Scan outputs (a `Loop`'s per-iteration values, a `Scan`'s outputs): written into a buffer
  the loop carries. With a known trip count and static element shapes the buffer is allocated
  once; otherwise it grows inside the loop (to the trip count, or doubling for a `while`), and
  the result is its first `count` rows -- a length known only at run time.

Dependency contract: the `mlir` bindings (scf, tensor, arith) and
`strata.passes.lowering.sizes` (index arithmetic that folds when static); no nn ops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mlir import ir
from mlir.dialects import arith, scf, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.sizes import Size

# Rounds of re-importing a loop body while its carried types settle (each makes a dim
# dynamic; more than this means a bug, not a model).
MAX_ROUNDS = 32

# (iteration index: index, condition: i1, carried values) -> (next condition i1 or None,
# carried values out, scan elements)
LoopBody = Callable[
    [ir.Value, ir.Value, list[ir.Value]], tuple[ir.Value | None, list[ir.Value], list[ir.Value]]
]


class ControlFlowError(ValueError):
    """Values that cannot meet at a region boundary (message: which and why)."""


def _ranked(t: ir.Type, what: str) -> ir.RankedTensorType:
    if not isinstance(t, ir.RankedTensorType):
        raise ControlFlowError(f"{what} is {t}, expected a ranked tensor")
    return t


def join(a: ir.Type, b: ir.Type, what: str) -> ir.Type:
    """The type holding values of both `a` and `b`: dims that differ become dynamic."""
    if a == b:
        return a
    ra, rb = _ranked(a, what), _ranked(b, what)
    if ra.element_type != rb.element_type or ra.rank != rb.rank:
        raise ControlFlowError(f"{what} is {a} in one place and {b} in another")
    dyn = sz.dynamic()
    dims = [
        int(ra.shape[i])
        if not ra.is_dynamic_dim(i) and not rb.is_dynamic_dim(i) and ra.shape[i] == rb.shape[i]
        else dyn
        for i in range(ra.rank)
    ]
    return ir.RankedTensorType.get(dims, ra.element_type)


def cast(v: ir.Value, t: ir.Type) -> ir.Value:
    """`v` as type `t` (a tensor.cast where static and dynamic dims differ)."""
    return v if v.type == t else tensor.cast(t, v)


def scalar(v: ir.Value) -> ir.Value:
    """The single element of a tensor of one element (a 0-d or [1, ...] tensor)."""
    t = _ranked(v.type, "a condition or count")
    zero = [sz.cindex(0)] * t.rank if t.rank else []
    return tensor.extract(v, zero)


def as_tensor(x: ir.Value, rank: int = 0) -> ir.Value:
    """A one-element tensor holding scalar `x` (rank 0, or [1] for rank 1)."""
    t = ir.RankedTensorType.get([1] * rank, x.type)
    return tensor.from_elements(t, [x])


def to_index(x: ir.Value) -> ir.Value:
    return x if isinstance(x.type, ir.IndexType) else arith.index_cast(ir.IndexType.get(), x)


def true() -> ir.Value:
    i1 = ir.IntegerType.get_signless(1)
    return arith.ConstantOp(i1, ir.IntegerAttr.get(i1, 1)).result


# ---- If ---------------------------------------------------------------------------------------


def build_if(
    cond: ir.Value,
    count: int,
    then_body: Callable[[], list[ir.Value]],
    else_body: Callable[[], list[ir.Value]],
    names: Sequence[str],
) -> list[ir.Value]:
    """scf.if on the i1 `cond` with `count` results; each body is imported inside its
    region and returns its values, whose types are joined (`names`: for messages)."""
    placeholder = ir.RankedTensorType.get([], ir.F32Type.get())
    op = scf.IfOp(cond, [placeholder] * count, has_else=True)
    with ir.InsertionPoint(op.then_block):
        then_vals = then_body()
    with ir.InsertionPoint(op.else_block):
        else_vals = else_body()
    types = [
        join(a.type, b.type, f"output '{n}'")
        for a, b, n in zip(then_vals, else_vals, names, strict=True)
    ]
    for block, vals in ((op.then_block, then_vals), (op.else_block, else_vals)):
        with ir.InsertionPoint(block):
            scf.YieldOp([cast(v, t) for v, t in zip(vals, types, strict=True)])
    for r, t in zip(op.results, types, strict=True):
        r.set_type(t)
    return list(op.results)


# ---- scan-output buffers ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Buffer:
    """Rows of one scan output: element type `elem`; `capacity` the trip count when known
    (None: unbounded, the buffer doubles). Allocated once when everything is static-sized."""

    elem: ir.RankedTensorType
    capacity: Size | None

    @property
    def fixed(self) -> bool:
        return self.capacity is not None and self.elem.has_static_shape

    @property
    def type(self) -> ir.RankedTensorType:
        rows = self.capacity if self.fixed and isinstance(self.capacity, int) else sz.dynamic()
        return ir.RankedTensorType.get([rows, *self.elem.shape], self.elem.element_type)

    def init(self) -> ir.Value:
        if self.fixed:
            assert self.capacity is not None
            sizes: list[Size] = [self.capacity, *(int(d) for d in self.elem.shape)]
        else:  # no rows yet; dims known only from the first element are 0 until then
            shape = self.elem.shape
            sizes = [
                0,
                *(0 if self.elem.is_dynamic_dim(i) else int(d) for i, d in enumerate(shape)),
            ]
        empty = tensor.EmptyOp(list(sizes), self.elem.element_type).result
        return cast(empty, self.type)

    def push(self, buf: ir.Value, row: ir.Value, elem: ir.Value) -> ir.Value:
        """`buf` with `elem` written at `row` (grown first if it is not large enough)."""
        elem = cast(elem, self.elem)
        if not self.fixed:
            buf = self._grow(buf, row, elem)
        sizes = [1, *sz.sizes_of(elem)]
        offsets: list[Size] = [row] + [0] * self.elem.rank
        return _insert(elem, buf, offsets, sizes)

    def _grow(self, buf: ir.Value, row: ir.Value, elem: ir.Value) -> ir.Value:
        cap = tensor.dim(buf, sz.cindex(0))
        full = arith.cmpi(arith.CmpIPredicate.sge, row, cap)
        op = scf.IfOp(full, [self.type], has_else=True)
        with ir.InsertionPoint(op.then_block):
            if self.capacity is not None:
                new_cap = sz.value(self.capacity)
            else:
                new_cap = arith.maxsi(arith.muli(cap, sz.cindex(2)), sz.cindex(1))
            sizes: list[Size] = [new_cap, *sz.sizes_of(elem)]
            grown = tensor.EmptyOp(list(sizes), self.elem.element_type).result
            old = _insert(buf, cast(grown, self.type), [0] * (self.elem.rank + 1), None)
            scf.YieldOp([old])
        with ir.InsertionPoint(op.else_block):
            scf.YieldOp([buf])
        return op.results[0]

    def finish(self, buf: ir.Value, count: Size) -> ir.Value:
        """The first `count` rows of the final buffer."""
        if self.fixed and isinstance(count, int) and count == self.capacity:
            return buf
        sizes = [count, *(sz.dim_of(buf, i) for i in range(1, self.elem.rank + 1))]
        offsets: list[Size] = [0] * len(sizes)
        return _extract(buf, offsets, sizes)


def _mixed(vals: Sequence[Size]) -> tuple[list[ir.Value], list[int]]:
    return [v for v in vals if not isinstance(v, int)], sz.statics(vals)


def _insert(
    src: ir.Value, dest: ir.Value, offsets: Sequence[Size], sizes: Sequence[Size] | None
) -> ir.Value:
    """tensor.insert_slice of all of `src` into `dest` at `offsets` (sizes given for a
    rank-reduced source)."""
    sizes = list(sizes) if sizes is not None else sz.sizes_of(src)
    do, so = _mixed(offsets)
    ds, ss = _mixed(sizes)
    ones = [1] * len(sizes)
    return tensor.InsertSliceOp(src, dest, do, ds, [], so, ss, ones).result


def _extract(
    src: ir.Value,
    offsets: Sequence[Size],
    sizes: Sequence[Size],
    drop: int | None = None,
) -> ir.Value:
    """tensor.extract_slice; `drop`: a size-1 axis left out of the result."""
    shape = [s for i, s in enumerate(sz.statics(sizes)) if i != drop]
    rt = ir.RankedTensorType.get(shape, ir.RankedTensorType(src.type).element_type)
    do, so = _mixed(offsets)
    ds, ss = _mixed(sizes)
    ones = [1] * len(sizes)
    return tensor.ExtractSliceOp(rt, src, do, ds, [], so, ss, ones).result


def take(v: ir.Value, axis: int, pos: ir.Value) -> ir.Value:
    """Slice `pos` of `v` along `axis`, that axis dropped (a Scan input's element)."""
    t = ir.RankedTensorType(v.type)
    sizes: list[Size] = list(sz.sizes_of(v))
    sizes[axis] = 1
    offsets: list[Size] = [0] * t.rank
    offsets[axis] = pos
    return _extract(v, offsets, sizes, drop=axis)


# ---- loops ------------------------------------------------------------------------------------


@dataclass
class LoopResult:
    carried: list[ir.Value]  # final loop-carried values
    scans: list[ir.Value]  # scan outputs, [iterations, *element dims]


def build_loop(
    trip_count: Size | None,
    cond: ir.Value | None,
    carried: Sequence[ir.Value],
    body: LoopBody,
    num_scans: int | None = None,
    reverse_scans: Sequence[bool] | None = None,
    names: Sequence[str] = (),
) -> LoopResult:
    """An ONNX-style loop: at most `trip_count` iterations (index; None: unbounded) while
    `cond` (i1; None: always) holds, carrying `carried`; `body` is imported per round.

    Without a condition this is an scf.for (the body's condition output is ignored, as
    ONNX specifies); otherwise, or when a carried value changes shape, an scf.while carrying
    the iteration index and condition.
    `num_scans`: how many scan elements the body yields, if known (0 saves a round).
    `reverse_scans[k]` writes scan output k from the last row backwards (needs a trip count
    and no condition). Builds at the end of the current block."""
    if trip_count is None and cond is None:
        raise ControlFlowError("a loop with neither a trip count nor a condition never ends")
    ip = ir.InsertionPoint.current
    assert ip.ref_operation is None, "loops are built at the end of a block"
    if trip_count is not None:  # a negative count runs no iteration
        trip_count = (
            max(trip_count, 0)
            if isinstance(trip_count, int)
            else arith.maxsi(trip_count, sz.cindex(0))
        )
    types = [v.type for v in carried]
    # scan element types: unknown until the body has been imported once
    scan_types: list[ir.Type] | None = [] if num_scans == 0 else None
    for _ in range(MAX_ROUNDS):
        start = len(ip.block.operations)
        grows = any(v.type != t for v, t in zip(carried, types, strict=True))
        built = _Loop(trip_count, cond, types, scan_types, reverse_scans, grows)
        inits = [cast(v, t) for v, t in zip(carried, types, strict=True)]
        out_types, out_scans = built.emit(inits, body)
        new_types = [
            join(t, o, f"loop-carried value '{_name(names, k)}'")
            for k, (t, o) in enumerate(zip(types, out_types, strict=True))
        ]
        if new_types == types and scan_types is not None and out_scans == scan_types:
            return built.result()
        # another round: drop this one's loop and the casts / buffers made for it
        ops = list(ip.block.operations)[start:]
        for op in reversed(ops):
            op.operation.erase()
        types, scan_types = new_types, out_scans
    raise ControlFlowError(f"loop-carried types did not settle after {MAX_ROUNDS} rounds")


def _fits(value_t: ir.Type, t: ir.Type) -> bool:
    """Whether a value of `value_t` can be cast to `t` (t at least as dynamic)."""
    try:
        return join(t, value_t, "") == t
    except ControlFlowError:
        return False


def _name(names: Sequence[str], k: int) -> str:
    return names[k] if k < len(names) else str(k)


class _Loop:
    """One attempt at building a loop with fixed carried and scan-buffer types."""

    def __init__(
        self,
        trip_count: Size | None,
        cond: ir.Value | None,
        types: list[ir.Type],
        scan_types: list[ir.Type] | None,
        reverse_scans: Sequence[bool] | None,
        grows: bool,
    ) -> None:
        self.trip_count = trip_count
        self.cond = cond
        # An scf.for whose init is a tensor.cast to a less static type is canonicalized to
        # carry the static type (upstream's ForOpTensorCastFolder), which is wrong for a
        # value that changes shape: such loops are scf.while loops on the trip count.
        self.is_while = cond is not None or grows
        self.types = types
        self.n = len(types)
        capacity = trip_count if cond is None else None
        self.buffers = (
            [_Buffer(ir.RankedTensorType(t), capacity) for t in scan_types]
            if scan_types is not None
            else None
        )
        self.reverse = list(reverse_scans or [])
        if any(self.reverse) and (cond is not None or trip_count is None):
            raise ControlFlowError("reversed scan outputs need a fixed trip count")
        self.op: ir.Operation | None = None
        self.count: Size = 0

    def emit(self, inits: list[ir.Value], body: LoopBody) -> tuple[list[ir.Type], list[ir.Type]]:
        """Build the loop; returns the types the body yields (carried, scan elements)."""
        bufs = [b.init() for b in self.buffers] if self.buffers is not None else []
        if not self.is_while:
            return self._emit_for(inits, bufs, body)
        return self._emit_while(inits, bufs, body)

    def _finish_body(
        self,
        row: ir.Value,
        outs: tuple[ir.Value | None, list[ir.Value], list[ir.Value]],
        bufs: Sequence[ir.Value],
        prefix: list[ir.Value],
    ) -> tuple[list[ir.Type], list[ir.Type]]:
        cond_out, carried_out, elems = outs
        if len(carried_out) != self.n:
            raise ControlFlowError(
                f"the body yields {len(carried_out)} carried values, not {self.n}"
            )
        out_types = [v.type for v in carried_out]
        elem_types = [v.type for v in elems]
        if self.buffers is None or [b.elem for b in self.buffers] != elem_types:
            return out_types, elem_types  # a probe: the op is erased, no terminator needed
        if not all(_fits(o, t) for o, t in zip(out_types, self.types, strict=True)):
            return out_types, elem_types
        pushed = []
        for k, (b, buf, e) in enumerate(zip(self.buffers, bufs, elems, strict=True)):
            pos = row
            if k < len(self.reverse) and self.reverse[k]:
                assert self.trip_count is not None
                pos = sz.value(sz.sub(sz.sub(self.trip_count, 1), row))
            pushed.append(b.push(buf, pos, e))
        carried_vals = [cast(v, t) for v, t in zip(carried_out, self.types, strict=True)]
        if cond_out is not None and prefix:
            prefix = [prefix[0], cond_out]
        scf.YieldOp([*prefix, *carried_vals, *pushed])
        return out_types, elem_types

    def _emit_for(
        self, inits: list[ir.Value], bufs: list[ir.Value], body: LoopBody
    ) -> tuple[list[ir.Type], list[ir.Type]]:
        assert self.trip_count is not None
        op = scf.ForOp(sz.cindex(0), sz.value(self.trip_count), sz.cindex(1), [*inits, *bufs])
        self.op = op.operation
        self.count = self.trip_count
        with ir.InsertionPoint(op.body):
            i = op.induction_variable
            args = list(op.inner_iter_args)
            outs = body(i, true(), args[: self.n])
            return self._finish_body(i, outs, args[self.n :], [])

    def _emit_while(
        self, inits: list[ir.Value], bufs: list[ir.Value], body: LoopBody
    ) -> tuple[list[ir.Type], list[ir.Type]]:
        index, i1 = ir.IndexType.get(), ir.IntegerType.get_signless(1)
        all_types = [index, i1, *self.types, *(v.type for v in bufs)]
        cond = self.cond if self.cond is not None else true()
        op = scf.WhileOp(all_types, [sz.cindex(0), cond, *inits, *bufs])
        self.op = op.operation
        before = op.before.blocks.append(*all_types)
        with ir.InsertionPoint(before):
            i, c = before.arguments[0], before.arguments[1]
            ok = c
            if self.trip_count is not None:
                below = arith.cmpi(arith.CmpIPredicate.slt, i, sz.value(self.trip_count))
                ok = arith.andi(below, c)
            scf.ConditionOp(ok, list(before.arguments))
        after = op.after.blocks.append(*all_types)
        with ir.InsertionPoint(after):
            args = list(after.arguments)
            i, c = args[0], args[1]
            outs = body(i, c, args[2 : 2 + self.n])
            nxt = arith.addi(i, sz.cindex(1))
            return self._finish_body(i, outs, args[2 + self.n :], [nxt, c])

    def result(self) -> LoopResult:
        assert self.op is not None and self.buffers is not None
        results = list(self.op.results)
        if self.is_while:
            count: Size = results[0]
            results = results[2:]
        else:
            count = self.count
        carried, bufs = results[: self.n], results[self.n :]
        scans = [b.finish(v, count) for b, v in zip(self.buffers, bufs, strict=True)]
        return LoopResult(carried, scans)
