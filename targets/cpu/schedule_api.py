"""A small schedule API that writes transform-dialect scripts (Halide-style primitives).

A schedule says *how* a payload op is computed: which dims are tiled, split, reordered,
vectorised, unrolled, run in parallel. Here it is written as Python calls on handles; each
call appends exactly one transform op (with the `split_handle` or `transform.cast` that
`split`, `peel` and `lower_pack` need) to a `Script`, whose `text()` is the transform
module that `transform.interpreter` applies:

    s = Script()
    mm = s.match("linalg.matmul", tag=("strata.sched", "s0"))
    tiles, (rows, cols) = mm.tile([8, 32, 0])      # scf.for over m and n
    inner, (kloop,) = tiles.tile([0, 0, 4])        # the reduction by 4
    inner.vectorize()
    kloop.unroll(2)
    s.apply_patterns(s.match("func.func"), ["canonicalization"])
    text = s.text()

Handles are typed: an `OpHandle` names payload ops (linalg ops, functions), a `LoopHandle`
names loops (`scf.for`; `scf.forall` from `tile(..., parallel=True)`). Primitives:

* `OpHandle`: `tile(sizes)` (scf.for; `parallel=True` or `parallel(sizes)`: scf.forall),
  `split(dim, after)`, `reorder(order)` (linalg interchange, linalg.generic only),
  `generalize()`, `vectorize()`, `pack(sizes)` (and `lower_pack()` on the matched
  linalg.pack / linalg.unpack ops), `img2col()`, `fuse_into(loop)` /
  `compute_at(loop)` (fuse a producer into a loop nest), `producer_of_operand(i)`,
  `annotate(name)`.
* `LoopHandle`: `unroll(factor)`, `peel()`, `hoist_invariant_subsets()`.
* `Script`: `match(op_name, tag=..., within=...)`, `match_loops("scf.for")`,
  `apply_patterns(handle, patterns)`, `foreach(handle)` (a context manager: the calls in
  its body run per payload op), `text()`, `apply(payload)`.

SSA names are fresh (`%<base><n>`, one counter per script); each primitive takes the base
name(s) of its results (`name=` / `names=`) so scripts stay readable. Misuse is a Python
`ScheduleError` while the script is built, not an MLIR failure when it runs: a handle of
the wrong kind, sizes that are not non-negative integers, an order that is not a
permutation, a handle used after a transform op consumed it, a handle of another script.

Dependency contract: the `mlir` bindings (only `apply` and `parse` touch them: they parse
the text in the payload's context and run `transform.interpreter`) and `strata.errors`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from mlir import ir

from strata.errors import CompilationError

ANY = "!transform.any_op"
FOR = '!transform.op<"scf.for">'
LOOP_OPS = ("scf.for", "scf.forall")


class ScheduleError(CompilationError):
    """A schedule primitive used wrongly (wrong handle kind, bad sizes, a consumed handle),
    or a script the transform interpreter rejected."""


def _sizes(what: str, sizes: Sequence[int]) -> list[int]:
    out = list(sizes)
    if not out or any(not isinstance(s, int) or isinstance(s, bool) or s < 0 for s in out):
        raise ScheduleError(
            f"{what}: sizes must be a non-empty list of integers >= 0, got {sizes!r}"
        )
    return out


# what lower_pack turns each packing op into
_LOWERED = {
    "linalg.pack": ("tensor.pad", "tensor.expand_shape", "linalg.transpose"),
    "linalg.unpack": ("tensor.empty", "linalg.transpose", "tensor.collapse_shape",
                      "tensor.extract_slice"),
}  # fmt: skip


class Handle:
    """A transform value naming payload ops; `OpHandle` and `LoopHandle` add the primitives."""

    def __init__(self, script: Script, name: str, type_: str = ANY, op_name: str | None = None):
        self.script = script
        self.name = name  # the SSA value, e.g. "%t2" or "%loops3#1"
        self.type = type_  # its transform type
        self.op_name = op_name  # the payload op's name when known (e.g. "linalg.matmul")
        self.consumed_by: str | None = None  # the transform op that consumed it

    def __repr__(self) -> str:
        what = f" ({self.op_name})" if self.op_name else ""
        return f"{type(self).__name__}({self.name}{what})"

    def _use(self, op: str, *, consume: bool) -> str:
        """This handle as an operand of transform op `op` (which consumes it when `consume`)."""
        if self.consumed_by is not None:
            raise ScheduleError(
                f"{op}: handle {self.name} was consumed by {self.consumed_by}; "
                "use the handle that op returned"
            )
        if consume:
            if self.name == Script.ROOT:
                raise ScheduleError(
                    f"{op}: the root handle {self.name} is read-only; match ops first"
                )
            self.consumed_by = op
        return self.name


class OpHandle(Handle):
    """Payload ops (a linalg op, a function): the op-level schedule primitives."""

    def tile(
        self,
        sizes: Sequence[int],
        *,
        parallel: bool = False,
        names: tuple[str, str] = ("t", "loops"),
    ) -> tuple[OpHandle, list[LoopHandle]]:
        """Tile the op's loops by `sizes` (0: not tiled): (the tiled op, the new loops, outer
        first). `scf.for` loops (`tile_using_for`), or one `scf.forall` when `parallel`
        (`tile_using_forall`; the threads split the tiles)."""
        op = "transform.structured.tile_using_" + ("forall" if parallel else "for")
        sizes = _sizes(f"{self.name}.tile", sizes)
        n = sum(1 for s in sizes if s)
        if n == 0:
            raise ScheduleError(f"{self.name}.tile: sizes {sizes} tile nothing (all 0)")
        s = self.script
        src = self._use(op, consume=True)
        tiled, loops = s.fresh(names[0]), s.fresh(names[1])
        result = OpHandle(s, tiled, op_name=self.op_name)
        if parallel:
            s.emit(f"{tiled}, {loops} = {op} {src} tile_sizes {sizes} "
                   f": ({self.type}) -> ({ANY}, {ANY})")  # fmt: skip
            return result, [LoopHandle(s, loops, op_name="scf.forall")]
        group = f"{loops}:{n}" if n > 1 else loops
        outs = ", ".join([ANY] * (n + 1))
        s.emit(f"{tiled}, {group} = {op} {src} tile_sizes {sizes} : ({self.type}) -> ({outs})")
        names_ = [f"{loops}#{i}" for i in range(n)] if n > 1 else [loops]
        return result, [LoopHandle(s, x, op_name="scf.for") for x in names_]

    def parallel(
        self, sizes: Sequence[int], *, names: tuple[str, str] = ("t", "loops")
    ) -> tuple[OpHandle, LoopHandle]:
        """`tile(sizes, parallel=True)`: (the tiled op, the scf.forall)."""
        tiled, loops = self.tile(sizes, parallel=True, names=names)
        return tiled, loops[0]

    def split(
        self, dim: int, after: int, *, names: tuple[str, str, str] = ("parts", "lo", "hi")
    ) -> tuple[OpHandle, OpHandle]:
        """Split the op's iteration space along loop `dim` at `after`: (the part below, the
        part from `after` on), each a static op of its own."""
        if not isinstance(dim, int) or dim < 0:
            raise ScheduleError(f"{self.name}.split: dim must be an integer >= 0, got {dim!r}")
        if not isinstance(after, int) or after <= 0:
            raise ScheduleError(f"{self.name}.split: after must be an integer > 0, got {after!r}")
        s = self.script
        src = self._use("transform.structured.split", consume=True)
        parts, lo, hi = s.fresh(names[0]), s.fresh(names[1]), s.fresh(names[2])
        s.emit(f"{parts} = transform.structured.split {src} after {after} "
               f"{{dimension = {dim}}} : {self.type}")  # fmt: skip
        s.emit(f"{lo}, {hi} = transform.split_handle {parts} : ({self.type}) -> ({ANY}, {ANY})")
        return OpHandle(s, lo, op_name=self.op_name), OpHandle(s, hi, op_name=self.op_name)

    def reorder(self, order: Sequence[int], *, name: str = "x") -> OpHandle:
        """Permute the loops of a linalg.generic: loop i of the result is loop `order[i]`
        (`transform.structured.interchange`; `generalize()` a named op first)."""
        order = list(order)
        if sorted(order) != list(range(len(order))) or not order:
            raise ScheduleError(f"{self.name}.reorder: {order} is not a permutation of 0..n-1")
        if self.op_name is not None and self.op_name != "linalg.generic":
            raise ScheduleError(
                f"{self.name}.reorder: interchange applies to linalg.generic only, "
                f"not {self.op_name}; generalize() it first"
            )
        s = self.script
        src = self._use("transform.structured.interchange", consume=True)
        out = s.fresh(name)
        s.emit(f"{out} = transform.structured.interchange {src} iterator_interchange = "
               f"{order} : ({self.type}) -> {ANY}")  # fmt: skip
        return OpHandle(s, out, op_name="linalg.generic")

    def generalize(self, *, name: str = "gen") -> OpHandle:
        """The named linalg op as a `linalg.generic`."""
        s = self.script
        src = self._use("transform.structured.generalize", consume=True)
        out = s.fresh(name)
        s.emit(f"{out} = transform.structured.generalize {src} : ({self.type}) -> {ANY}")
        return OpHandle(s, out, op_name="linalg.generic")

    def vectorize(self) -> None:
        """Vectorise the (static-shape) op (`transform.structured.vectorize`)."""
        src = self._use("transform.structured.vectorize", consume=True)
        self.script.emit(f"transform.structured.vectorize {src} : {self.type}")

    def pack(self, sizes: Sequence[int], *, name: str = "packed") -> OpHandle:
        """Pack the op's operands into blocks of `sizes` per loop (0: not packed): the op
        becomes a linalg.generic on packed tensors between `linalg.pack` / `linalg.unpack`."""
        sizes = _sizes(f"{self.name}.pack", sizes)
        s = self.script
        src = self._use("transform.structured.pack", consume=True)
        out = s.fresh(name)
        s.emit(f"{out} = transform.structured.pack {src} packed_sizes = {sizes} "
               f": ({self.type}) -> ({ANY})")  # fmt: skip
        return OpHandle(s, out, op_name="linalg.generic")

    def lower_pack(self) -> tuple[OpHandle, ...]:
        """Rewrite matched `linalg.pack` ops as pad + expand_shape + transpose, or
        `linalg.unpack` ops as empty + transpose + collapse_shape + extract_slice (what
        bufferization and the CPU lowering take). Returns the handles of those ops."""
        results = _LOWERED.get(self.op_name or "")
        if results is None:
            raise ScheduleError(
                f"{self.name}.lower_pack: needs a handle of linalg.pack or linalg.unpack ops "
                f"(match them), not {self.op_name or 'unknown ops'}"
            )
        s = self.script
        op = "transform.structured.lower_" + (self.op_name or "").split(".")[1]
        src = self._use(op, consume=True)
        typed = f'!transform.op<"{self.op_name}">'
        cast = s.fresh(self.op_name.split(".")[1] if self.op_name else "cast")
        s.emit(f"{cast} = transform.cast {src} : {self.type} to {typed}")
        outs = [s.fresh(r.split(".")[1]) for r in results]
        types = ", ".join(f'!transform.op<"{r}">' for r in results)
        s.emit(f"{', '.join(outs)} = {op} {cast} : ({typed}) -> ({types})")
        return tuple(
            OpHandle(s, o, f'!transform.op<"{r}">', r) for o, r in zip(outs, results, strict=True)
        )

    def img2col(self, *, names: tuple[str, str] = ("col", "res")) -> tuple[OpHandle, OpHandle]:
        """Rewrite an NCHW/NHWC convolution as im2col + a contraction: (the im2col op, the
        op producing the result; its `producer_of_operand(0)` is the contraction)."""
        if self.op_name is not None and not self.op_name.startswith("linalg.conv_2d"):
            raise ScheduleError(f"{self.name}.img2col: {self.op_name} is not a 2-d convolution")
        s = self.script
        src = self._use("transform.structured.convert_conv2d_to_img2col", consume=True)
        col, res = s.fresh(names[0]), s.fresh(names[1])
        s.emit(f"{col}, {res} = transform.structured.convert_conv2d_to_img2col {src} "
               f": ({self.type}) -> ({ANY}, {ANY})")  # fmt: skip
        return OpHandle(s, col), OpHandle(s, res)

    def fuse_into(
        self, loop: LoopHandle, *, names: tuple[str, str] = ("fused", "loop")
    ) -> tuple[OpHandle, LoopHandle]:
        """Compute this producer inside `loop` (Halide's compute_at): each iteration computes
        the slice it uses (`fuse_into_containing_op`). Returns (the fused producer, the loop)."""
        if not isinstance(loop, LoopHandle):
            raise ScheduleError(
                f"{self.name}.fuse_into: the containing op must be a LoopHandle (from tile() or "
                f"parallel()), got {loop!r}"
            )
        s = self.script
        op = "transform.structured.fuse_into_containing_op"
        _check_same_script(s, op, loop)
        src = self._use(op, consume=True)
        into = loop._use(op, consume=False)
        fused, new = s.fresh(names[0]), s.fresh(names[1])
        s.emit(f"{fused}, {new} = {op} {src} into {into} "
               f": ({self.type}, {loop.type}) -> ({ANY}, {ANY})")  # fmt: skip
        return OpHandle(s, fused, op_name=self.op_name), LoopHandle(s, new, op_name=loop.op_name)

    compute_at = fuse_into

    def producer_of_operand(self, index: int, *, name: str = "producer") -> OpHandle:
        """The op that produces operand `index` of this op."""
        if not isinstance(index, int) or index < 0:
            raise ScheduleError(
                f"{self.name}.producer_of_operand: index must be >= 0, got {index!r}"
            )
        s = self.script
        src = self._use("transform.get_producer_of_operand", consume=False)
        out = s.fresh(name)
        s.emit(f"{out} = transform.get_producer_of_operand {src}[{index}] : ({self.type}) -> {ANY}")
        return OpHandle(s, out)

    def annotate(self, attr: str, value: int | None = None) -> None:
        """Set attribute `attr` on the payload ops: a unit attribute, or the i64 `value`
        (through a `transform.param.constant`)."""
        if not attr or '"' in attr:
            raise ScheduleError(f"{self.name}.annotate: bad attribute name {attr!r}")
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ScheduleError(f"{self.name}.annotate: value must be an integer, got {value!r}")
        src = self._use("transform.annotate", consume=False)
        if value is None:
            self.script.emit(f'transform.annotate {src} "{attr}" : {self.type}')
            return
        param = self.script.fresh("param")
        self.script.emit(
            f"{param} = transform.param.constant {value} : i64 -> !transform.param<i64>"
        )
        self.script.emit(
            f'transform.annotate {src} "{attr}" = {param} : {self.type}, !transform.param<i64>'
        )


class LoopHandle(Handle):
    """Loops (`scf.for`, or the `scf.forall` of a parallel tile): the loop primitives."""

    def _need_for(self, what: str) -> None:
        if self.op_name == "scf.forall":
            raise ScheduleError(
                f"{self.name}.{what}: needs an scf.for loop, {self.name} is an scf.forall"
            )

    def unroll(self, factor: int) -> None:
        """Unroll the loop by `factor` (`transform.loop.unroll`; a remainder stays a loop)."""
        self._need_for("unroll")
        if not isinstance(factor, int) or factor < 1:
            raise ScheduleError(
                f"{self.name}.unroll: factor must be an integer >= 1, got {factor!r}"
            )
        src = self._use("transform.loop.unroll", consume=True)
        self.script.emit(f"transform.loop.unroll {src} {{factor = {factor}}} : {self.type}")

    def peel(
        self, *, names: tuple[str, str, str] = ("for", "main", "rest")
    ) -> tuple[LoopHandle, LoopHandle]:
        """Peel the last, partial iteration off the loop: (the loop of full steps, the rest).
        The handle is cast to `scf.for` first when its type is generic."""
        self._need_for("peel")
        s = self.script
        src = self._use("transform.loop.peel", consume=True)
        cast = src
        if self.type != FOR:
            cast = s.fresh(names[0])
            s.emit(f"{cast} = transform.cast {src} : {self.type} to {FOR}")
        main, rest = s.fresh(names[1]), s.fresh(names[2])
        s.emit(f"{main}, {rest} = transform.loop.peel {cast} : ({FOR}) -> ({ANY}, {ANY})")
        return LoopHandle(s, main, op_name="scf.for"), LoopHandle(s, rest, op_name="scf.for")

    def hoist_invariant_subsets(self) -> None:
        """Hoist loop-invariant subset extract / insert pairs (e.g. an accumulator tile) out
        of the loop."""
        src = self._use("transform.loop.hoist_loop_invariant_subsets", consume=False)
        self.script.emit(f"transform.loop.hoist_loop_invariant_subsets {src} : {self.type}")


H = TypeVar("H", bound=Handle)


def _check_same_script(script: Script, op: str, handle: Handle) -> None:
    if not isinstance(handle, Handle):
        raise ScheduleError(f"{op}: expected a handle, got {handle!r}")
    if handle.script is not script:
        raise ScheduleError(f"{op}: handle {handle.name} belongs to another script")


# A pattern set entry: "canonicalization", or ("vector.lower_contraction",
# {"lowering_strategy": "outerproduct"}) for one with string attributes.
Pattern = str | tuple[str, Mapping[str, str]]


class Script:
    """The transform module being built: one `@__transform_main` sequence over `%root`."""

    ROOT = "%root"

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0
        self._indent = 0
        self._args: list[str] = []  # block arguments of the open foreach bodies
        self.root = OpHandle(self, self.ROOT)

    def fresh(self, base: str) -> str:
        """A new SSA name `%<base><n>`."""
        if not base.isidentifier():
            raise ScheduleError(f"bad SSA base name {base!r}")
        self.count += 1
        return f"%{base}{self.count}"

    def emit(self, line: str) -> None:
        """Append one line of the sequence's body (the primitives call this)."""
        self.lines.append("    " + "  " * self._indent + line)

    def match(
        self,
        op_name: str,
        *,
        tag: tuple[str, str] | None = None,
        within: Handle | None = None,
        name: str = "op",
    ) -> OpHandle:
        """Every `op_name` op nested in `within` (default: the whole payload); only those
        whose string attribute tag[0] is tag[1] when `tag` is given. Loops: `match_loops`."""
        if op_name in LOOP_OPS:
            raise ScheduleError(f"match: {op_name} is a loop; use match_loops (a LoopHandle)")
        return OpHandle(self, self._match(op_name, tag, within, name), op_name=op_name)

    def match_loops(
        self, loop_op: str = "scf.for", *, within: Handle | None = None, name: str = "loops"
    ) -> LoopHandle:
        """Every `loop_op` loop (`scf.for` or `scf.forall`) nested in `within` (default:
        the whole payload)."""
        if loop_op not in LOOP_OPS:
            raise ScheduleError(f"match_loops: {loop_op} is not one of {', '.join(LOOP_OPS)}")
        return LoopHandle(self, self._match(loop_op, None, within, name), op_name=loop_op)

    def _match(
        self, op_name: str, tag: tuple[str, str] | None, within: Handle | None, name: str
    ) -> str:
        if not op_name or '"' in op_name:
            raise ScheduleError(f"match: bad op name {op_name!r}")
        scope = within if within is not None else self.root
        _check_same_script(self, "transform.structured.match", scope)
        src = scope._use("transform.structured.match", consume=False)
        out = self.fresh(name)
        attrs = f'attributes{{{tag[0]} = "{tag[1]}"}} ' if tag is not None else ""
        self.emit(f'{out} = transform.structured.match ops{{["{op_name}"]}} {attrs}in {src} '
                  f": ({scope.type}) -> {ANY}")  # fmt: skip
        return out

    def apply_patterns(self, handle: Handle, patterns: Sequence[Pattern]) -> None:
        """Apply the rewrite pattern sets `patterns` (names after `transform.apply_patterns.`,
        e.g. "canonicalization", "linalg.tiling_canonicalization") greedily inside `handle`."""
        _check_same_script(self, "transform.apply_patterns", handle)
        if not patterns:
            raise ScheduleError("apply_patterns: no patterns given")
        src = handle._use("transform.apply_patterns", consume=False)
        self.emit(f"transform.apply_patterns to {src} {{")
        for p in patterns:
            if isinstance(p, str):
                pname, attrs = p, {}
            else:
                pname, attrs = p[0], dict(p[1])
            if not pname or not all(part.isidentifier() for part in pname.split(".")):
                raise ScheduleError(f"apply_patterns: bad pattern set name {pname!r}")
            args = "".join(f' {k} = "{v}"' for k, v in attrs.items())
            self.emit(f"  transform.apply_patterns.{pname}{args}")
        self.emit(f"}} : {handle.type}")

    @contextmanager
    def foreach(self, handle: H, *, arg: str = "loop") -> Iterator[H]:
        """`with s.foreach(h) as one:` - the primitives called on `one` in the body apply to
        each payload op of `h` in turn (`transform.foreach`; block argument `%<arg>`)."""
        _check_same_script(self, "transform.foreach", handle)
        if not arg.isidentifier() or arg in self._args or f"%{arg}" == self.ROOT:
            raise ScheduleError(f"foreach: block argument name {arg!r} is taken or invalid")
        src = handle._use("transform.foreach", consume=False)
        self.emit(f"transform.foreach {src} : {handle.type} {{")
        self.emit(f"^bb0(%{arg}: {handle.type}):")
        one = type(handle)(self, f"%{arg}", handle.type, handle.op_name)
        self._indent += 1
        self._args.append(arg)
        try:
            yield one
        finally:
            self._args.pop()
            self._indent -= 1
        self.emit("}")

    def text(self) -> str:
        """The whole transform module (`@__transform_main` over the payload `%root`)."""
        if self._indent:
            raise ScheduleError("text: a foreach body is still open")
        body = "\n".join(self.lines)
        return f"""module attributes {{transform.with_named_sequence}} {{
  transform.named_sequence @__transform_main({self.ROOT}: {ANY} {{transform.readonly}}) {{
{body}
    transform.yield
  }}
}}"""

    def parse(self, context: ir.Context | None = None) -> ir.Module:
        """The script as a module in `context` (default: the current one)."""
        return parse(self.text(), context)

    def apply(self, payload: ir.Module | ir.Operation) -> None:
        """Run the script on `payload` with the transform interpreter."""
        apply(self.text(), payload)


def parse(text: str, context: ir.Context | None = None) -> ir.Module:
    """A transform script's text as a module; a syntax error is a ScheduleError."""
    try:
        return ir.Module.parse(text, context)
    except ir.MLIRError as e:
        raise ScheduleError(f"transform script does not parse: {e}") from e


def apply(text: str, payload: ir.Module | ir.Operation) -> None:
    """Run the transform script `text` (its `@__transform_main`) on `payload`."""
    from mlir.dialects.transform import interpreter

    op = payload.operation
    lib = parse(text, op.context)
    try:
        interpreter.apply_named_sequence(op, lib.body.operations[0], lib)
    except (ValueError, ir.MLIRError) as e:
        raise ScheduleError(f"transform script failed: {e}") from e
