"""convert-nn-to-linalg: every nn op -> linalg / tensor / arith / math ops on tensors.

Which op is rewritten how is declared in PDLL: `nn_to_linalg.pdll` (the core op families)
and one file per further family in `rules/` (`rules/dynamic.pdll`, `rules/indexing.pdll`,
...), concatenated in that order and compiled with `mlir-pdll` at run time (once per
process, the PDL text is cached). Each file declares the native rewrites it calls. Rules
that produce one region-free op are pure PDL; the others call native rewrites implemented
in `strata.passes.lowering`, which build the IR at the root op and replace it. Patterns are
frozen once per pass run and applied in a single walk (`walk_and_apply_patterns`): each nn
op is visited once, no fixed-point iteration. Afterwards no nn op may remain: any leftover,
or an error raised by a native rewrite, raises CompilationError naming the op and its
location.

Unsigned integers are `ui<N>` in nn; lowerings read the signedness from the nn op they replace
and build on signless values, and the pass ends by erasing signedness everywhere
(`strata.passes.signless`), so its output holds signless integers only.

Dependency contract: imports the `mlir` bindings, `strata.errors`,
`strata.passes.{registry,signless}` and `strata.passes.lowering`; needs the `mlir-pdll`
binary shipped with the bindings (site-packages/mlir/bin).
"""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlir import ir, rewrite
from mlir.dialects import builtin, tensor

from strata.errors import CompilationError
from strata.passes.lowering import Lowering, all_lowerings, lowp
from strata.passes.registry import ModulePass, register_pass
from strata.passes.signless import erase_signedness, is_string_type, signless, storage_cast

PDLL_FILE = Path(__file__).with_name("nn_to_linalg.pdll")
RULES_DIR = Path(__file__).with_name("rules")


def pdll_files() -> list[Path]:
    """The PDLL sources of convert-nn-to-linalg, in the order they are concatenated."""
    return [PDLL_FILE, *sorted(RULES_DIR.glob("*.pdll"))]


def pdll_source() -> str:
    return "\n".join(p.read_text() for p in pdll_files())


def mlir_pdll() -> Path:
    return Path(ir.__file__).parent / "bin" / "mlir-pdll"


@functools.cache
def pdl_text() -> str:
    """The PDL module compiled from the concatenated .pdll files (once per process)."""
    with tempfile.TemporaryDirectory(prefix="strata-pdll-") as tmp:
        src = Path(tmp) / "nn_to_linalg.all.pdll"
        src.write_text(pdll_source())
        proc = subprocess.run(
            [str(mlir_pdll()), "-x=mlir", str(src)], capture_output=True, text=True, check=False
        )
    if proc.returncode != 0 or "pdl.pattern" not in proc.stdout:
        files = ", ".join(p.name for p in pdll_files())
        raise CompilationError(f"mlir-pdll failed on {files}:\n{proc.stderr}")
    return proc.stdout


def native_names() -> list[str]:
    """Names of the bodiless `Rewrite` declarations (native rewrites) of the .pdll files."""
    return re.findall(r"^Rewrite\s+(\w+)\s*\(", pdll_source(), flags=re.M)


def _where(op: ir.Operation) -> str:
    return f"'{op.name}' at {op.location}"


class _Driver:
    """Owns the PDL module, the PDLModule and the errors raised by native rewrites."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.pdl_module = ir.Module.parse(pdl_text())  # must outlive self.pdl
        self.pdl = rewrite.PDLModule(self.pdl_module)
        impls = all_lowerings()
        for name in native_names():
            self.pdl.register_rewrite_function(name, self._native(name, impls.get(name)))
        self.frozen = self.pdl.freeze()

    def _native(self, name: str, impl: Lowering | None) -> Any:
        def call(rewriter: Any, results: Any, values: Sequence[Any]) -> None:
            root: ir.Operation = values[0]
            if impl is None:
                self.errors.append(f"{_where(root)}: no native rewrite '{name}'")
                return
            refusal = lowp.narrow_refusal(root)
            if refusal is not None:
                self.errors.append(f"{_where(root)}: {refusal}")
                return
            try:
                with root.location, rewriter.ip:
                    new = list(impl(root, list(values[1:])))
                    if len(new) != len(root.results):
                        raise ValueError(f"{name} produced {len(new)} values")
                    new = [
                        _match_type(v, old.type, name)
                        for v, old in zip(new, root.results, strict=True)
                    ]
                rewriter.replace_op(root, new)
            except Exception as e:
                self.errors.append(f"{_where(root)}: {type(e).__name__}: {e}")

        return call

    def run(self, module: ir.Operation) -> None:
        rewrite.walk_and_apply_patterns(module, self.frozen)
        leftovers: list[str] = []

        def visit(op: ir.Operation) -> ir.WalkResult:
            if op.name.startswith("nn."):
                leftovers.append(_where(op))
            return ir.WalkResult.ADVANCE

        module.walk(visit, ir.WalkOrder.PRE_ORDER)
        if self.errors or leftovers:
            lines = self.errors or [f"{w}: no lowering" for w in leftovers]
            raise CompilationError(
                "convert-nn-to-linalg failed to lower:\n  " + "\n  ".join(dict.fromkeys(lines))
            )
        erase_signedness(module)


def _match_type(value: ir.Value, want: ir.Type, name: str) -> ir.Value:
    """`value`, cast to `want` when the two differ only in which dims are static or in
    integer signedness or a low-precision type against its i8 storage (a signless result
    replacing a `ui<N>` or `f8E4M3FN` one: `signless.storage_cast`, which
    erase_signedness removes again)."""
    if value.type == want:
        return value
    if (
        isinstance(want, ir.RankedTensorType)
        and is_string_type(want.element_type)
        and isinstance(value.type, ir.RankedTensorType)
        and ir.RankedTensorType(value.type).element_type == signless(want.element_type)
    ):  # i64 string handles for an nn string result
        have = ir.RankedTensorType(value.type)
        as_str = ir.RankedTensorType.get(list(have.shape), want.element_type)
        value = builtin.unrealized_conversion_cast([as_str], [value])
        if value.type == want:
            return value
    if isinstance(want, ir.RankedTensorType) and signless(value.type) == signless(want):
        return storage_cast(want, value)
    if isinstance(want, ir.RankedTensorType) and isinstance(value.type, ir.RankedTensorType):
        have = ir.RankedTensorType(value.type)
        if (
            have.rank == want.rank
            and have.element_type == want.element_type
            and all(
                have.is_dynamic_dim(i) or want.is_dynamic_dim(i) or have.shape[i] == want.shape[i]
                for i in range(have.rank)
            )
        ):
            return tensor.cast(want, value)
    raise ValueError(f"{name} produced {value.type}, expected {want}")


@register_pass
class ConvertNNToLinalg(ModulePass):
    """Lower every nn op to linalg / tensor / arith / math ops on tensors."""

    name = "convert-nn-to-linalg"

    def run(self, module: ir.Operation) -> None:
        op = module.operation if isinstance(module, ir.Module) else module
        _Driver().run(op)


def lower_module(module: ir.Module | ir.Operation) -> None:
    """Apply convert-nn-to-linalg to `module` in place (raises CompilationError)."""
    ConvertNNToLinalg().run(module.operation if isinstance(module, ir.Module) else module)


__all__ = ["ConvertNNToLinalg", "lower_module", "native_names", "pdl_text"]
