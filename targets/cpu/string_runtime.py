"""The string runtime in a compiled model: its entry reset and its link arguments.

String ops lower to calls of the C functions of `targets/cpu/runtime/strings.cpp`
(`passes/lowering/strings.py`), which CMake builds into `libstrata_strings.a` beside the
`strata._runtime` module. A kernel that calls any `strata_str_*` function gets a call of
`strata_str_reset()` at its start (releasing the strings the calling thread's previous call
made, so string outputs stay valid until the next call on that thread), and NAME.so links the
archive (hidden symbols: each model has its own copy and arena) and libstdc++.

Dependency contract: the `mlir` bindings, `strata.errors`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mlir import ir
from mlir.dialects import func

from strata.errors import CompilationError

PREFIX = "strata_str_"
RESET = "strata_str_reset"
ARCHIVE = "libstrata_strings.a"


def uses_strings(module: ir.Module) -> bool:
    """Whether the module declares a string runtime function."""
    for op in module.body.operations:
        if (
            op.operation.name == "func.func"
            and "sym_name" in op.attributes
            and ir.StringAttr(op.attributes["sym_name"]).value.startswith(PREFIX)
        ):
            return True
    return False


def insert_reset(module: ir.Module, entry: ir.Operation) -> None:
    """Declare `strata_str_reset()` and call it first thing in `entry`."""
    with ir.Location.unknown():
        with ir.InsertionPoint.at_block_begin(module.body):
            f = func.FuncOp(RESET, ir.FunctionType.get([], []))
            f.attributes["sym_visibility"] = ir.StringAttr.get("private")
        block = entry.regions[0].blocks[0]
        with ir.InsertionPoint.at_block_begin(block):
            func.CallOp([], RESET, [])


def archive() -> Path:
    spec = importlib.util.find_spec("strata._runtime")
    if spec is None or spec.origin is None:
        raise CompilationError("the strata._runtime module is not installed (pip install .)")
    path = Path(spec.origin).parent / ARCHIVE
    if not path.exists():
        raise CompilationError(f"the string runtime {path} is missing (reinstall Strata)")
    return path


def link_args() -> list[str]:
    """Linker arguments of NAME.so for a model that uses strings."""
    # --exclude-libs: the archive's symbols (its std::regex instantiations too) stay local
    return [str(archive()), "-Wl,--exclude-libs,ALL", "-lstdc++"]
