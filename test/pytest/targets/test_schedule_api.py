"""The schedule API (targets/cpu/schedule_api.py): text, application and numbers.

Each primitive's transform op is checked as text, parsed by MLIR's transform dialect, and
applied by the transform interpreter to a small payload (a 64 x 64 x 64 f32 matmul after a
zero fill, or 60 rows for the peel); the transformed kernel is then compiled through the rest
of `cpu_pipeline` (schedule "none": the script is the only schedule) and its result compared
with numpy. Misuse is a Python ScheduleError while the script is built. A schedule written
over the API and registered by name drives `strata-cpu-schedule` like the built-in ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from kernel_harness import run_kernel
from mlir import ir

from strata.context import make_context
from strata.passes.registry import run_pipeline
from strata.targets.cpu import schedule_api, schedules
from strata.targets.cpu.schedule_api import LoopHandle, OpHandle, ScheduleError, Script

ANY = "!transform.any_op"


def _matmul(m: int, n: int = 64, k: int = 64) -> tuple[str, list[np.ndarray], np.ndarray]:
    at, bt, ct = f"tensor<{m}x{k}xf32>", f"tensor<{k}x{n}xf32>", f"tensor<{m}x{n}xf32>"
    text = f"""
func.func @kern(%a: {at}, %b: {bt}) -> {ct} {{
  %e = tensor.empty() : {ct}
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : {ct}) -> {ct}
  %y = linalg.matmul ins(%a, %b : {at}, {bt}) outs(%f : {ct}) -> {ct}
  return %y : {ct}
}}"""
    r = np.random.default_rng(m)
    a = r.standard_normal((m, k)).astype(np.float32)
    b = r.standard_normal((k, n)).astype(np.float32)
    return text, [a, b], a @ b


def _lower(s: Script) -> None:
    """Fold slices into transfers, hoist accumulators, contractions -> outer products (the
    default schedules' own clean-up)."""
    schedules._cleanup(s)
    schedules._lower_vectors(s)


def _register_tiles(op: OpHandle) -> LoopHandle:
    """8 x 16 register tiles, the reduction by 4, vectorised: the reduction loop."""
    tiles, _ = op.tile([8, 16, 0])
    inner, (kloop,) = tiles.tile([0, 0, 4], names=("inner", "kloop"))
    inner.vectorize()
    return kloop


def _tile_vectorize(s: Script) -> None:
    _register_tiles(s.match("linalg.matmul"))
    _lower(s)


def _split(s: Script) -> None:
    lo, hi = s.match("linalg.matmul").split(1, 48)  # columns 0..47 and 48..63
    _register_tiles(lo)
    _register_tiles(hi)
    _lower(s)


def _reorder(s: Script) -> None:
    s.match("linalg.matmul").generalize().reorder([0, 2, 1]).annotate("reordered")


def _pack(s: Script) -> None:
    s.match("linalg.matmul").pack([8, 16, 4]).annotate("packed")
    s.match("linalg.pack").lower_pack()
    s.match("linalg.unpack").lower_pack()


def _fuse(s: Script) -> None:
    tiles, forall = s.match("linalg.matmul").parallel([16, 32])
    s.match("linalg.fill").fuse_into(forall)
    _register_tiles(tiles)
    _lower(s)


def _unroll(s: Script) -> None:
    _register_tiles(s.match("linalg.matmul")).unroll(4)
    _lower(s)


def _peel(s: Script) -> None:
    _, (rows,) = s.match("linalg.matmul").tile([16, 0, 0], names=("t", "rows"))
    main, _rest = rows.peel()
    s.apply_patterns(main, ["linalg.tiling_canonicalization", "canonicalization"])
    _register_tiles(s.match("linalg.matmul", within=main))
    _lower(s)


# recipe, payload rows, what the transformed payload shows
RECIPES: dict[str, tuple[Callable[[Script], None], int, Callable[[str], bool]]] = {
    "tile_vectorize": (_tile_vectorize, 64, lambda ir_: "vector.outerproduct" in ir_),
    "split": (_split, 64, lambda ir_: ir_.count("vector.outerproduct") >= 2),
    "reorder": (
        _reorder,
        64,
        lambda ir_: 'iterator_types = ["parallel", "reduction", "parallel"]' in ir_,
    ),
    "pack": (
        _pack,
        64,
        lambda ir_: "packed" in ir_ and "tensor<8x16x8x4xf32>" in ir_ and "linalg.pack" not in ir_,
    ),
    "fuse_into": (_fuse, 64, lambda ir_: ir_.index("scf.forall") < ir_.index("linalg.fill")),
    # 4 outer products per k step of 4, 4 steps per unrolled iteration (4 when not unrolled)
    "unroll": (_unroll, 64, lambda ir_: ir_.count("vector.outerproduct") == 4 * 4),
    "peel": (_peel, 60, lambda ir_: "tensor<12x64xf32>" in ir_ and "vector.outerproduct" in ir_),
}


def _transformed(text: str, script: str) -> str:
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        schedule_api.apply(script, module)
        return str(module)


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_recipe_applies_and_computes_the_product(recipe: str, tmp_path: Path) -> None:
    build, rows, shows = RECIPES[recipe]
    text, inputs, ref = _matmul(rows)
    s = Script()
    build(s)
    script = s.text()
    with make_context():
        s.parse()  # every op's syntax, checked by the transform dialect
    transformed = _transformed(text, script)
    assert shows(transformed), transformed
    out = run_kernel(text, inputs, ref.shape, tmp_path, 1, "none", script=script)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4)


# ---- emitted text ------------------------------------------------------------------------


def _body(build: Callable[[Script], None]) -> list[str]:
    s = Script()
    build(s)
    return [line.strip() for line in s.lines]


def test_tile_and_parallel_text() -> None:
    def build(s: Script) -> None:
        t, loops = s.match("linalg.matmul").tile([8, 0, 4])
        assert [lp.name for lp in loops] == ["%loops3#0", "%loops3#1"]
        t2, (one,) = t.tile([0, 16, 0], names=("u", "j"))
        assert one.name == "%j5"
        t2.parallel([2, 0])

    assert _body(build) == [
        f'%op1 = transform.structured.match ops{{["linalg.matmul"]}} in %root : ({ANY}) -> {ANY}',
        f"%t2, %loops3:2 = transform.structured.tile_using_for %op1 tile_sizes [8, 0, 4] "
        f": ({ANY}) -> ({ANY}, {ANY}, {ANY})",
        f"%u4, %j5 = transform.structured.tile_using_for %t2 tile_sizes [0, 16, 0] "
        f": ({ANY}) -> ({ANY}, {ANY})",
        f"%t6, %loops7 = transform.structured.tile_using_forall %u4 tile_sizes [2, 0] "
        f": ({ANY}) -> ({ANY}, {ANY})",
    ]


def test_split_reorder_peel_unroll_text() -> None:
    def build(s: Script) -> None:
        g = s.match("linalg.generic", tag=("strata.sched", "s0"))
        lo, _hi = g.split(2, 48)
        _t, (loop,) = lo.reorder([1, 0, 2]).tile([4, 0, 0], names=("t", "loop"))
        main, _ = loop.peel()
        main.unroll(2)

    assert _body(build) == [
        f'%op1 = transform.structured.match ops{{["linalg.generic"]}} '
        f'attributes{{strata.sched = "s0"}} in %root : ({ANY}) -> {ANY}',
        f"%parts2 = transform.structured.split %op1 after 48 {{dimension = 2}} : {ANY}",
        f"%lo3, %hi4 = transform.split_handle %parts2 : ({ANY}) -> ({ANY}, {ANY})",
        f"%x5 = transform.structured.interchange %lo3 iterator_interchange = [1, 0, 2] "
        f": ({ANY}) -> {ANY}",
        f"%t6, %loop7 = transform.structured.tile_using_for %x5 tile_sizes [4, 0, 0] "
        f": ({ANY}) -> ({ANY}, {ANY})",
        f'%for8 = transform.cast %loop7 : {ANY} to !transform.op<"scf.for">',
        f'%main9, %rest10 = transform.loop.peel %for8 : (!transform.op<"scf.for">) '
        f"-> ({ANY}, {ANY})",
        f"transform.loop.unroll %main9 {{factor = 2}} : {ANY}",
    ]


def test_conv_fuse_pack_annotate_foreach_text() -> None:
    def build(s: Script) -> None:
        _col, res = s.match("linalg.conv_2d_nchw_fchw").img2col()
        mm = res.producer_of_operand(0, name="mm")
        t, forall = mm.parallel([1, 8, 0])
        s.match("linalg.fill").compute_at(forall)
        t.pack([1, 8, 16, 4]).annotate("done")
        with s.foreach(s.match_loops("scf.forall")) as loop:
            loop.hoist_invariant_subsets()

    assert _body(build) == [
        f'%op1 = transform.structured.match ops{{["linalg.conv_2d_nchw_fchw"]}} in %root '
        f": ({ANY}) -> {ANY}",
        f"%col2, %res3 = transform.structured.convert_conv2d_to_img2col %op1 "
        f": ({ANY}) -> ({ANY}, {ANY})",
        f"%mm4 = transform.get_producer_of_operand %res3[0] : ({ANY}) -> {ANY}",
        f"%t5, %loops6 = transform.structured.tile_using_forall %mm4 tile_sizes [1, 8, 0] "
        f": ({ANY}) -> ({ANY}, {ANY})",
        f'%op7 = transform.structured.match ops{{["linalg.fill"]}} in %root : ({ANY}) -> {ANY}',
        f"%fused8, %loop9 = transform.structured.fuse_into_containing_op %op7 into %loops6 "
        f": ({ANY}, {ANY}) -> ({ANY}, {ANY})",
        f"%packed10 = transform.structured.pack %t5 packed_sizes = [1, 8, 16, 4] "
        f": ({ANY}) -> ({ANY})",
        f'transform.annotate %packed10 "done" : {ANY}',
        f'%loops11 = transform.structured.match ops{{["scf.forall"]}} in %root : ({ANY}) -> {ANY}',
        f"transform.foreach %loops11 : {ANY} {{",
        f"^bb0(%loop: {ANY}):",
        f"transform.loop.hoist_loop_invariant_subsets %loop : {ANY}",
        "}",
    ]


def test_annotate_with_a_value_sets_an_i64_attribute() -> None:
    """annotate(attr, value): a param constant, then the annotation (the default schedule
    tells the micro-kernel calls their column part so)."""
    s = Script()
    t, _ = s.match("linalg.matmul").tile([0, 32, 0], parallel=True)
    t.annotate("strata.columns", 32)
    lines = [line.strip() for line in s.lines]
    assert lines[-2:] == [
        "%param4 = transform.param.constant 32 : i64 -> !transform.param<i64>",
        f'transform.annotate %t2 "strata.columns" = %param4 : {ANY}, !transform.param<i64>',
    ]
    text, _inputs, _ref = _matmul(64)
    with make_context() as ctx, ir.Location.unknown(ctx):
        payload = ir.Module.parse(text)
        s.apply(payload)
        assert "strata.columns = 32 : i64" in str(payload)
    with pytest.raises(ScheduleError, match="must be an integer"):
        t.annotate("strata.columns", 1.5)  # type: ignore[arg-type]


def test_text_is_a_transform_module_that_parses() -> None:
    s = Script()
    _tile_vectorize(s)
    text = s.text()
    assert text.startswith("module attributes {transform.with_named_sequence} {\n")
    assert "transform.named_sequence @__transform_main(%root: !transform.any_op" in text
    assert text.endswith("    transform.yield\n  }\n}")
    with make_context():
        lib = s.parse()
        assert lib.body.operations[0].operation.name == "transform.named_sequence"


# ---- misuse ------------------------------------------------------------------------------


def _use_twice(s: Script) -> None:
    mm = s.match("linalg.matmul")
    mm.tile([8, 8, 0])
    mm.vectorize()


MISUSE: dict[str, tuple[Callable[[Script], object], str]] = {
    "negative_size": (lambda s: s.match("linalg.matmul").tile([8, -1, 0]), "integers >= 0"),
    "all_zero_sizes": (lambda s: s.match("linalg.matmul").tile([0, 0, 0]), "tile nothing"),
    "float_size": (lambda s: s.match("linalg.matmul").pack([8, 1.5, 4]), "integers >= 0"),  # type: ignore[list-item]
    "empty_sizes": (lambda s: s.match("linalg.matmul").parallel([]), "non-empty"),
    "split_at_zero": (lambda s: s.match("linalg.matmul").split(0, 0), "after must be"),
    "not_a_permutation": (
        lambda s: s.match("linalg.generic").reorder([0, 0, 1]),
        "not a permutation",
    ),
    "reorder_named_op": (
        lambda s: s.match("linalg.matmul").reorder([1, 0, 2]),
        "generalize\\(\\) it first",
    ),
    "unroll_forall": (
        lambda s: s.match("linalg.matmul").parallel([8, 8])[1].unroll(2),
        "needs an scf.for",
    ),
    "unroll_by_zero": (lambda s: s.match_loops().unroll(0), "factor must be"),
    "fuse_into_an_op": (
        lambda s: s.match("linalg.fill").fuse_into(s.match("linalg.matmul")),  # type: ignore[arg-type]
        "must be a LoopHandle",
    ),
    "consumed_handle": (_use_twice, "was consumed by"),
    "root_consumed": (lambda s: s.root.vectorize(), "read-only"),
    "loop_via_match": (lambda s: s.match("scf.for"), "use match_loops"),
    "op_via_match_loops": (lambda s: s.match_loops("linalg.matmul"), "not one of"),
    "other_script": (lambda s: s.apply_patterns(Script().root, ["canonicalization"]), "another"),
    "img2col_on_matmul": (lambda s: s.match("linalg.matmul").img2col(), "not a 2-d conv"),
    "no_patterns": (lambda s: s.apply_patterns(s.root, []), "no patterns"),
    "bad_pattern_name": (lambda s: s.apply_patterns(s.root, ["canon icalization"]), "bad pattern"),
}


@pytest.mark.parametrize("case", sorted(MISUSE))
def test_misuse_is_a_python_error(case: str) -> None:
    build, message = MISUSE[case]
    with pytest.raises(ScheduleError, match=message):
        build(Script())


def test_open_foreach_has_no_text() -> None:
    s = Script()
    with s.foreach(s.match_loops()), pytest.raises(ScheduleError, match="still open"):
        s.text()


def test_a_script_the_interpreter_rejects_is_a_schedule_error() -> None:
    """Tile sizes beyond the op's loops: MLIR's diagnostic, raised as a ScheduleError."""
    text, _, _ = _matmul(64)
    s = Script()
    s.match("linalg.matmul").tile([8, 8, 8, 8])
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        with pytest.raises(ScheduleError, match="transform script failed"):
            s.apply(module)


# ---- named schedules ---------------------------------------------------------------------


def _rows_then_vectorize(
    op: OpHandle, kind: str, c: schedules.Contraction, p: schedules.TileParams
) -> None:
    """A schedule written over the API: matmuls get 8-row x 16-column tiles, vectorised."""
    if kind == "matmul" and c.m % 8 == 0 and c.n % 16 == 0:
        _register_tiles(op)


def test_registered_schedule_drives_the_pass(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(schedules, "SCHEDULES", dict(schedules.SCHEDULES))
    schedules.register_schedule("rows8", _rows_then_vectorize)
    assert schedules.get_schedule("rows8") is _rows_then_vectorize
    text, inputs, ref = _matmul(64)
    with make_context() as ctx, ir.Location.unknown(ctx):
        module = ir.Module.parse(text)
        run_pipeline(module, "strata-cpu-schedule{schedule=rows8}")
        asm = str(module)
    assert "linalg.matmul" not in asm and "vector.outerproduct" in asm
    out = run_kernel(text, inputs, ref.shape, tmp_path, 1, "rows8")
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4)


def test_register_schedule_refuses_known_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedules, "SCHEDULES", dict(schedules.SCHEDULES))
    with pytest.raises(ValueError, match="'tiled' is already registered"):
        schedules.register_schedule("tiled", _rows_then_vectorize)
    with pytest.raises(TypeError, match="not callable"):
        schedules.register_schedule("mine", "tiled")  # type: ignore[arg-type]
