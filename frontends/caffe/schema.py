"""Caffe's message classes, generated from `caffe.proto` (beside this file) at import time.

    net_parameter() -> the NetParameter message class (BlobProto, LayerParameter, ... are
                       reachable through its fields, or with message_class("caffe.X"))

protoc (from the pinned `grpcio-tools` package, in a child process: its C++ protobuf crashed
the process when run in one that had loaded other native protobuf users) compiles the schema into a
serialized FileDescriptorSet, which protobuf's descriptor pool and message factory turn into
classes. No `_pb2.py` source is generated or kept: a descriptor set has no generated-code
version to mismatch the installed protobuf runtime, so any protobuf that `grpcio-tools`
accepts works. The descriptor set is cached under the Strata cache directory
(`$STRATA_CACHE_DIR`, default ~/.cache/strata) as `caffe/caffe-<sha256 of the schema>.desc`,
written atomically: protoc runs once per schema version (a fraction of a second; building the
classes from the cached set takes 0.01 s).

Dependency contract: protobuf, `grpc_tools` (run as a program, only when the descriptor set is
not cached),
`strata.cache` (the cache directory), `strata.errors`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from strata.errors import ModelLoadError

SCHEMA = Path(__file__).with_name("caffe.proto")


def _descriptor_set_path() -> Path:
    from strata.cache import default_dir

    digest = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()[:16]
    return default_dir() / "caffe" / f"caffe-{digest}.desc"


def _compile(out: Path) -> bytes:
    """Run protoc on the schema; the serialized FileDescriptorSet (also written to `out`,
    atomically, when its directory can be made)."""
    if importlib.util.find_spec("grpc_tools") is None:
        raise ModelLoadError(
            "reading Caffe models needs protoc from the grpcio-tools package: "
            "pip install 'strata[caffe]'"
        )
    with tempfile.TemporaryDirectory(prefix="strata-caffe-") as tmp:
        desc = Path(tmp) / "caffe.desc"
        args = [f"-I{SCHEMA.parent}", f"--descriptor_set_out={desc}", SCHEMA.name]
        run = subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0 or not desc.is_file():
            raise ModelLoadError(
                f"protoc failed on {SCHEMA} (status {run.returncode}): a Strata bug\n"
                f"{run.stderr.strip()}"
            )
        data = desc.read_bytes()
    with contextlib.suppress(OSError):  # an unwritable cache only costs the next protoc run
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, part = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(part, out)
    return data


@functools.cache
def _pool() -> Any:
    from google.protobuf.message import DecodeError

    path = _descriptor_set_path()
    if path.is_file():
        try:
            return _pool_of(path.read_bytes())
        except (DecodeError, TypeError, ValueError, KeyError):
            pass  # a damaged cache entry: compile the schema again (and replace it)
    return _pool_of(_compile(path))


def _pool_of(data: bytes) -> Any:
    from google.protobuf import descriptor_pb2, descriptor_pool

    files = descriptor_pb2.FileDescriptorSet.FromString(data)
    pool = descriptor_pool.DescriptorPool()
    for f in files.file:
        pool.Add(f)
    pool.FindMessageTypeByName("caffe.NetParameter")  # KeyError for a set without it
    return pool


def message_class(full_name: str) -> Any:
    """The generated class of message `full_name` (e.g. "caffe.BlobProto")."""
    from google.protobuf import message_factory

    return message_factory.GetMessageClass(_pool().FindMessageTypeByName(full_name))


def net_parameter() -> Any:
    return message_class("caffe.NetParameter")
