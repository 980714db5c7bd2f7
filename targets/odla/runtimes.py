"""The ODLA runtimes Strata builds, which odla ops each implements, and where they live.

One table (`RUNTIMES`): a runtime's name (`--odla-runtime NAME`), its library
(`lib<library>.so`), the odla ops it implements and the float types it computes in.
`convert-nn-to-odla{runtime=NAME}` keeps on the loop path the nn ops whose odla form uses an
op outside the runtime's set, and the float ops on other types (and math on integers). Every
runtime implements the value ops (argument, constant, output).

CMake installs each runtime library under `strata/odla/lib` and Strata's `odla.h` under
`strata/odla/include`, beside the `strata._runtime` module.

Dependency contract: the standard library, `strata.dialects.odla`, `strata.errors`.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from strata.dialects import odla
from strata.errors import CompilationError, StrataError

VALUE_OPS = frozenset({"argument", "constant", "output"})
# numpy dtype name -> odla_element_type: ODLA 0.5's, which runtime ops take ...
ELEMENT_TYPES = {
    "float32": "ODLA_FLOAT32", "float16": "ODLA_FLOAT16", "float64": "ODLA_FLOAT64",
    "int8": "ODLA_INT8", "int16": "ODLA_INT16", "int32": "ODLA_INT32", "int64": "ODLA_INT64",
    "uint8": "ODLA_UINT8", "uint16": "ODLA_UINT16", "uint32": "ODLA_UINT32",
    "uint64": "ODLA_UINT64", "bool": "ODLA_BOOL",
}  # fmt: skip
# ... and Strata's storage-only ones (odla.h): values of these types are arguments,
# constants, outputs and odla_CustomCall operands / results; convert-nn-to-odla moves every
# other op on them to the loop path
STORAGE_TYPES = {
    "bfloat16": "ODLA_BFLOAT16", "float8_e4m3fn": "ODLA_FLOAT8_E4M3FN",
    "float8_e4m3fnuz": "ODLA_FLOAT8_E4M3FNUZ", "float8_e5m2": "ODLA_FLOAT8_E5M2",
    "float8_e5m2fnuz": "ODLA_FLOAT8_E5M2FNUZ", "float4_e2m1fn": "ODLA_FLOAT4_E2M1FN",
    "int4": "ODLA_INT4", "uint4": "ODLA_UINT4", "int2": "ODLA_INT2", "uint2": "ODLA_UINT2",
}  # fmt: skip
ALL_OPS = frozenset(o.name for o in odla.OPS)
# the odla ops libodla_dnnl does not implement (oneDNN has no primitive for them; the odla
# target computes them on its loop path)
DNNL_LACKS = frozenset(
    {
        "pow", "erf", "equal", "less", "greater", "less_or_equal", "greater_or_equal", "not",
        "select",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Runtime:
    name: str
    library: str  # linked as -l<library>
    ops: frozenset[str]  # odla op names (without the dialect prefix)
    # the float element types (numpy names) its float ops compute in; float ops on other
    # types (and math on integers) stay on the loop path
    float_types: frozenset[str]
    description: str


RUNTIMES: dict[str, Runtime] = {
    r.name: r
    for r in (
        Runtime(
            "ref",
            "odla_ref",
            ALL_OPS,
            frozenset({"float32"}),
            "portable C++17 reference runtime, no dependencies (targets/odla/runtime)",
        ),
        Runtime(
            "dnnl",
            "odla_dnnl",
            ALL_OPS - DNNL_LACKS,
            frozenset({"float32"}),
            "oneDNN 3.2 primitives (onednn-cpu-gomp from PyPI; targets/odla/runtime)",
        ),
    )
}

DEFAULT_RUNTIME = "ref"


def runtime(name: str) -> Runtime:
    """The runtime called `name`; StrataError naming the available ones otherwise."""
    if name not in RUNTIMES:
        raise StrataError(
            f"unknown ODLA runtime '{name}'; available: {', '.join(sorted(RUNTIMES))}"
        )
    return RUNTIMES[name]


def install_dir() -> Path:
    """`strata/odla` of the installed package: include/odla.h and lib/lib<runtime>.so."""
    spec = importlib.util.find_spec("strata._runtime")
    if spec is None or spec.origin is None:
        raise CompilationError("the strata._runtime module is not installed (pip install .)")
    return Path(spec.origin).parent / "odla"


def include_dir() -> Path:
    path = install_dir() / "include"
    if not (path / "odla.h").is_file():
        raise CompilationError(f"odla.h is missing from {path} (reinstall Strata)")
    return path


def library_dir(name: str) -> Path:
    """The folder holding lib<library>.so of runtime `name`."""
    rt = runtime(name)
    path = install_dir() / "lib"
    if not (path / f"lib{rt.library}.so").is_file():
        raise CompilationError(f"the ODLA runtime lib{rt.library}.so is missing from {path}")
    return path
