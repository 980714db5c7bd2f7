"""The on-disk compile cache.

Entries are artifact directories (see strata.targets.cpu.artifact) under
`$STRATA_CACHE_DIR` (default `~/.cache/strata`), keyed by sha256 over the model's bytes, the
compile options, the Strata version, the compiler's own sources and native libraries as
built (so an edited or rebuilt checkout never reuses artifacts of older code) and the host;
the caller (strata.api) puts the target CPU's description (`mcpu` and what
strata.targets.cpu.machine probed for it) into the options.
Entries are written atomically: the compiler writes into a temporary directory next to the
entry, which is then renamed into place with `os.replace`; a concurrent writer that loses the
race discards its copy. A model given by path is keyed by its file's bytes only: weights kept
in ONNX external-data files are not part of the key.

Dependency contract: the standard library only.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import tempfile
from pathlib import Path
from typing import Any


def default_dir() -> Path:
    env = os.environ.get("STRATA_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path("~/.cache/strata").expanduser()


def _host_id() -> str:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("model name", "flags")):
                    cpu += line
                if cpu.count("\n") >= 2:
                    break
    except OSError:
        pass
    return f"{platform.machine()}|{platform.system()}|{hashlib.sha256(cpu.encode()).hexdigest()}"


# The packages whose code decides what the compiler produces.
_COMPILER_PACKAGES = (
    "strata",
    "strata.dialects",
    "strata.passes",
    "strata.frontends",
    "strata.targets",
)


# what the compiler is made of: its Python and PDLL sources, the C / C++ sources of the
# libraries it links into artifacts, and those libraries as built (a rebuilt micro-kernel
# library changes every artifact that links it)
_SOURCE_SUFFIXES = (".py", ".pdll", ".c", ".cpp", ".h", ".inc")
_BUILT_SUFFIXES = (".a", ".so")


@functools.cache
def compiler_id() -> str:
    """sha256 over Strata's own source files and built native libraries, found without
    importing them."""
    h = hashlib.sha256()
    for pkg in _COMPILER_PACKAGES:
        spec = importlib.util.find_spec(pkg)
        for root in (spec.submodule_search_locations or []) if spec else []:
            # an editable install also lists the repository root for `strata`: skip it
            if Path(root).name != pkg.rsplit(".", 1)[-1]:
                continue
            for path in sorted(Path(root).rglob("*")):
                if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
                    h.update(str(path.relative_to(root)).encode())
                    h.update(path.read_bytes())
    native = importlib.util.find_spec("strata._runtime")
    if native is not None and native.origin is not None:
        for path in sorted(Path(native.origin).parent.iterdir()):
            if path.suffix in _BUILT_SUFFIXES and path.is_file():
                h.update(path.name.encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(model_digest: str, options: dict[str, Any], version: str) -> str:
    """The entry key of a model (its sha256 hex digest) compiled with `options`."""
    h = hashlib.sha256()
    h.update(model_digest.encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    h.update(version.encode())
    h.update(compiler_id().encode())
    h.update(_host_id().encode())
    return h.hexdigest()


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


class Cache:
    """A cache directory; `lookup` and `commit` work on complete artifact directories."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_dir()

    def entry(self, key: str) -> Path:
        return self.root / key[:2] / key

    def lookup(self, key: str) -> Path | None:
        path = self.entry(key)
        return path if (path / ".complete").exists() else None

    def staging_dir(self, key: str) -> Path:
        """A fresh temporary directory on the same file system as the entry."""
        parent = self.entry(key).parent
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".tmp-{key[:8]}-", dir=parent))

    def commit(self, key: str, staging: Path) -> Path:
        """Move a fully written `staging` directory into place; returns the entry."""
        (staging / ".complete").write_text("ok\n")
        final = self.entry(key)
        try:
            os.replace(staging, final)
        except OSError:
            # another process committed the same key first (the target is a non-empty dir)
            shutil.rmtree(staging, ignore_errors=True)
            if self.lookup(key) is None:
                raise
        return final
