"""Loading an ONNX model: a path, bytes or a ModelProto, with its external-data weights.

External data is resolved relative to the model's folder; a `location` that escapes that folder
(an absolute path, or `..` leading outside) is refused. Every opset the model imports is
checked: the default domain must be one of opsets 1-28 (all that onnx 1.23 defines), a domain
`onnx.defs` knows (`ai.onnx.ml`, `ai.onnx.preview.training`, `ai.onnx.preview`) must be a
version it defines; other (custom) domains are left to the importer, which refuses their nodes.

Dependency contract: `onnx` and `strata.errors` only; returns a self-contained ModelProto (all
tensor data inline) or raises ModelLoadError / ModelImportError.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import onnx
from google.protobuf.message import DecodeError
from onnx import external_data_helper

from strata.errors import ModelImportError, ModelLoadError

MIN_OPSET = 1
MAX_OPSET = 28
DEFAULT_DOMAINS = ("", "ai.onnx")
# Ops of other domains that the converter table (keyed by op type) holds.
PREVIEW_OPS = {"ai.onnx.preview": ("FlexAttention",)}
# The checker re-serialises the model; beyond this size it costs more than it tells us.
CHECKER_LIMIT_BYTES = 256 * 1024 * 1024

ModelSource = str | os.PathLike[str] | bytes | onnx.ModelProto


def load_model(
    model: ModelSource, *, check: bool = True, label: str | None = None
) -> onnx.ModelProto:
    """The model as a ModelProto with every external tensor loaded; checks opsets.

    `check=False` skips onnx.checker (the importer runs `check_model` itself after listing
    unsupported op types, which the checker would reject one at a time). `label` names the
    model in error messages instead of its path (e.g. a temporary copy of caller's bytes)."""
    if isinstance(model, onnx.ModelProto):
        proto, base = model, None
        if _uses_external_data(proto):
            raise ModelLoadError(
                "a ModelProto with external-data tensors cannot be imported without its folder; "
                "pass the model's path instead"
            )
    elif isinstance(model, bytes | bytearray):
        proto, base = _parse(bytes(model), label or "<bytes>"), None
        if _uses_external_data(proto):
            raise ModelLoadError(
                "a model given as bytes uses external-data tensors; pass the model's path instead"
            )
    elif isinstance(model, str | os.PathLike):
        path = Path(model)
        proto, base = _read_path(path, label), path.resolve().parent
    else:
        raise ModelLoadError(f"cannot load a model from a {type(model).__name__}")
    if base is not None:
        _load_external_data(proto, base)
    model_opsets(proto)
    if check:
        check_model(proto)
    return proto


def default_opset(proto: onnx.ModelProto) -> int:
    """The default-domain opset version; ModelImportError if missing or outside 1-28."""
    version = model_opsets(proto).get("")
    if version is None:
        raise ModelImportError("the model imports no default ('ai.onnx') opset")
    return version


@lru_cache(maxsize=1)
def known_domain_versions() -> dict[str, int]:
    """The highest opset version `onnx.defs` defines for each domain ('' is 'ai.onnx')."""
    out: dict[str, int] = {"": MAX_OPSET}
    for s in onnx.defs.get_all_schemas_with_history():
        domain = "" if s.domain in DEFAULT_DOMAINS else s.domain
        out[domain] = max(out.get(domain, 0), s.since_version)
    if "ai.onnx.ml" in out:
        out["ai.onnx.ml"] = max(out["ai.onnx.ml"], onnx.defs.onnx_ml_opset_version())
    return out


def model_opsets(proto: onnx.ModelProto) -> dict[str, int]:
    """{domain: version} of the model's opset imports ('' is the default domain), checked
    against what onnx defines; ModelImportError for a version no onnx release defines."""
    known = known_domain_versions()
    out: dict[str, int] = {}
    for o in proto.opset_import:
        domain = "" if o.domain in DEFAULT_DOMAINS else o.domain
        version = max(out.get(domain, 0), int(o.version))
        shown = "the default domain ('ai.onnx')" if domain == "" else f"domain '{domain}'"
        if domain == "" and not MIN_OPSET <= version <= MAX_OPSET:
            raise ModelImportError(
                f"the model uses opset {version} of {shown}; "
                f"Strata imports opsets {MIN_OPSET} to {MAX_OPSET}"
            )
        if domain in known and not 1 <= version <= known[domain]:
            raise ModelImportError(
                f"the model imports opset {version} of {shown}, which onnx "
                f"{onnx.__version__} does not define (it defines 1 to {known[domain]})"
            )
        out[domain] = version
    return out


def _read_path(path: Path, label: str | None = None) -> onnx.ModelProto:
    if not path.exists():
        raise ModelLoadError(f"model file '{path}' does not exist")
    if path.is_dir():
        raise ModelLoadError(f"model path '{path}' is a directory, not an ONNX file")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ModelLoadError(f"cannot read model file '{path}': {e.strerror}") from None
    return _parse(data, label or str(path))


def _parse(data: bytes, what: str) -> onnx.ModelProto:
    proto = onnx.ModelProto()
    try:
        proto.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError) as e:
        raise ModelLoadError(f"'{what}' is not a valid ONNX model ({e})") from None
    if not proto.HasField("graph") or not proto.opset_import:
        # Arbitrary bytes often parse as an empty or nearly empty message.
        raise ModelLoadError(f"'{what}' is not a valid ONNX model (no graph or no opset_import)")
    return proto


def _uses_external_data(proto: onnx.ModelProto) -> bool:
    return any(
        external_data_helper.uses_external_data(t)
        for t in external_data_helper._get_all_tensors(proto)
    )


def _load_external_data(proto: onnx.ModelProto, base: Path) -> None:
    """Read each external tensor's bytes from inside `base`; refuse escaping locations."""
    for tensor in external_data_helper._get_all_tensors(proto):
        if not external_data_helper.uses_external_data(tensor):
            continue
        info = {e.key: e.value for e in tensor.external_data}
        location = info.get("location", "")
        target = _safe_location(base, tensor.name, location)
        offset = int(info.get("offset", 0) or 0)
        length = int(info["length"]) if info.get("length") else None
        try:
            with open(target, "rb") as f:
                f.seek(offset)
                data = f.read() if length is None else f.read(length)
        except OSError as e:
            raise ModelLoadError(
                f"cannot read external data of tensor '{tensor.name}' from '{location}': "
                f"{e.strerror}"
            ) from None
        if length is not None and len(data) != length:
            raise ModelLoadError(
                f"external data of tensor '{tensor.name}' in '{location}' is truncated: "
                f"expected {length} bytes at offset {offset}, got {len(data)}"
            )
        tensor.raw_data = data
        del tensor.external_data[:]
        tensor.data_location = onnx.TensorProto.DEFAULT


def _safe_location(base: Path, tensor: str, location: str) -> Path:
    """`location` resolved inside `base`; ModelLoadError when it is absolute or escapes."""
    bad = not location or os.path.isabs(location) or location.startswith(("/", "\\"))
    target = (base / location).resolve()
    if not bad and not target.is_relative_to(base):
        bad = True
    if bad:
        raise ModelLoadError(
            f"external data of tensor '{tensor}' has location '{location}', which is outside "
            f"the model's folder '{base}'; refusing to read it"
        )
    if not target.is_file():
        raise ModelLoadError(
            f"external data file '{location}' of tensor '{tensor}' does not exist in '{base}'"
        )
    return target


def check_model(proto: onnx.ModelProto) -> None:
    """onnx.checker on models small enough for it to be cheap; ModelLoadError if it fails."""
    if proto.ByteSize() > CHECKER_LIMIT_BYTES:
        return
    try:
        onnx.checker.check_model(proto)
    except onnx.checker.ValidationError as e:
        lines = [line.strip() for line in str(e).splitlines() if line.strip()]
        detail = " ".join(lines) if lines else type(e).__name__
        raise ModelLoadError(f"the ONNX checker rejects the model: {detail}") from None
