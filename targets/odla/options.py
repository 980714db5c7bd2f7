"""HALO's code generation options of the odla target, in one place: their names, `--help`
texts and checks (`EmitOptions`), and the memory statistics `--print-mem-stats` prints
(`MemStats`). `stratac`, `strata-translate --odla-to-cpp`, `strata.compile(target="odla")`
and the odla compiler all take them from here.

    --exec-mode=compile|interpret   compile (default): build the computation once, execute it
                                    per call; interpret: each ODLA call computes at once
    --emit-value-id-as-int          value ids as integers instead of strings
    --emit-value-reset              odla_ReleaseValue() after a value's last use (interpret)
    --print-mem-stats               print the program's read-only / writable / peak memory

Dependency contract: the standard library and `strata.errors` only (the drivers import it to
build their command lines).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from strata.errors import StrataError

EXEC_MODES = ("compile", "interpret")


@dataclass(frozen=True)
class EmitOptions:
    """HALO's code generation options (`--exec-mode`, `--emit-value-id-as-int`,
    `--emit-value-reset`)."""

    exec_mode: str = "compile"
    value_id_as_int: bool = False
    value_reset: bool = False

    def __post_init__(self) -> None:
        if self.exec_mode not in EXEC_MODES:
            raise StrataError(
                f"--exec-mode must be one of {', '.join(EXEC_MODES)}, got '{self.exec_mode}'"
            )
        if self.value_reset and self.exec_mode != "interpret":
            raise StrataError(
                "--emit-value-reset releases values as the program runs, which only interpret "
                "mode does: add --exec-mode=interpret (in compile mode the runtime owns the "
                "values of the computation it executes)"
            )

    @property
    def interpret(self) -> bool:
        return self.exec_mode == "interpret"

    def cache_fields(self) -> dict[str, Any]:
        """The options that differ from the defaults (what a cache key must hold)."""
        out: dict[str, Any] = {}
        if self.exec_mode != "compile":
            out["exec_mode"] = self.exec_mode
        if self.value_id_as_int:
            out["emit_value_id_as_int"] = True
        if self.value_reset:
            out["emit_value_reset"] = True
        return out


@dataclass(frozen=True)
class MemStats:
    """What the program's values need, in bytes (HALO's `--print-mem-stats`): the constants
    (read-only: the weights' data), every input and op result (writable), and the most of
    those alive at once when each is freed after its last use (peak; interpret mode with
    `value_reset` frees them so, and the runtimes' `odla_GetMemoryStats` measures it)."""

    read_only: int
    writable: int
    peak: int

    def lines(self) -> list[str]:
        return [
            f"Total Read-only Memory: {self.read_only} bytes",
            f"Total Writable Memory: {self.writable} bytes",
            f"Total Peak Memory: {self.peak} bytes",
        ]

    def as_dict(self) -> dict[str, int]:
        return {"read_only": self.read_only, "writable": self.writable, "peak": self.peak}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MemStats:
        return cls(int(d["read_only"]), int(d["writable"]), int(d["peak"]))


def add_arguments(parser: argparse.ArgumentParser | Any, prefix: str = "") -> None:
    """Add HALO's code generation flags to `parser` (an ArgumentParser or argument group);
    `prefix` starts each help text (e.g. "--target odla: ")."""
    parser.add_argument(
        "--exec-mode",
        default="compile",
        metavar="compile|interpret",
        help=f"{prefix}compile (default): NAME_init builds the ODLA computation once and each "
        "call executes it; interpret: each call runs the ODLA op calls, each computing its "
        "value at once (inputs odla_CreateValue + odla_SetValueData, results "
        "odla_GetValueData)",
    )
    parser.add_argument(
        "--emit-value-id-as-int",
        action="store_true",
        help=f"{prefix}value ids as integers, (odla_value_id)(uintptr_t)N, instead of strings "
        "(the program tells the runtime with ODLA_VALUE_ID_AS_INT)",
    )
    parser.add_argument(
        "--emit-value-reset",
        action="store_true",
        help=f"{prefix}emit odla_ReleaseValue() when a value is no longer needed (needs "
        "--exec-mode=interpret); the runtime frees its memory there",
    )


def from_args(args: argparse.Namespace) -> EmitOptions:
    """The EmitOptions of a parsed command line (add_arguments); checks the combination."""
    return EmitOptions(args.exec_mode, args.emit_value_id_as_int, args.emit_value_reset)


PRINT_MEM_STATS_HELP = (
    "print the memory the program's values need: read-only (the weights), writable (inputs "
    "and op results) and peak (most alive at once, each freed after its last use)"
)
