"""The artifact set of a compiled model and its metadata file `NAME.json`.

A directory holds `NAME.h`, `NAME.so`, `NAME.bin` (or `NAME_data.c` when the weights are
compiled into the library) and `NAME.json`, which the runtime reads:

    {"format": "strata-artifacts", "format_version": 1, "strata_version": "...",
     "target": "cpu", "name": NAME, "library": "NAME.so", "weights": "NAME.bin" | null,
     "inputs": [{"name", "shape", "dtype"}...], "outputs": [...], "num_threads": N,
     "abi": "static" | "dynamic"}

A shape entry is a size, a symbolic dim's name (a string) or null (unknown until run time).
`abi` says which entry point the library offers: "static" (caller-allocated outputs of fixed
sizes, `NAME__strata_run_packed`) or "dynamic" (dims passed at run time, outputs allocated by
the library, `NAME__strata_run_dynamic`).

Dependency contract: the standard library only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "strata-artifacts"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class TensorMeta:
    name: str
    shape: tuple[int | str | None, ...]
    dtype: str


@dataclass
class ArtifactMeta:
    name: str
    strata_version: str
    inputs: list[TensorMeta]
    outputs: list[TensorMeta]
    library: str
    weights: str | None
    target: str = "cpu"
    num_threads: int | None = 1  # None: all cores
    abi: str = "static"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        d = asdict(self)
        d = {"format": FORMAT, "format_version": FORMAT_VERSION, **d}
        return json.dumps(d, indent=2)

    def write(self, directory: Path) -> Path:
        path = directory / f"{self.name}.json"
        path.write_text(self.to_json() + "\n")
        return path

    @staticmethod
    def read(path: Path) -> ArtifactMeta:
        """Read NAME.json; raises ValueError (with the reason) on anything unexpected."""
        try:
            d = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise ValueError(f"cannot read {path}: {e}") from None
        if d.get("format") != FORMAT or d.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{path} is not a Strata artifact description (version 1)")
        try:
            return ArtifactMeta(
                name=d["name"],
                strata_version=d["strata_version"],
                inputs=[_tensor(t) for t in d["inputs"]],
                outputs=[_tensor(t) for t in d["outputs"]],
                library=d["library"],
                weights=d["weights"],
                target=d.get("target", "cpu"),
                num_threads=None if d.get("num_threads", 1) is None else int(d["num_threads"]),
                abi=str(d.get("abi", "static")),
                extra=dict(d.get("extra", {})),
            )
        except (KeyError, TypeError) as e:
            raise ValueError(f"{path}: missing or malformed field {e}") from None


def _tensor(d: dict[str, Any]) -> TensorMeta:
    def dim(x: Any) -> int | str | None:
        if x is None or isinstance(x, str):
            return x
        return int(x)

    return TensorMeta(str(d["name"]), tuple(dim(x) for x in d["shape"]), str(d["dtype"]))


def find_meta(directory: Path) -> Path:
    """The single NAME.json in `directory`."""
    cands = sorted(p for p in directory.glob("*.json") if not p.name.startswith("."))
    good = []
    for p in cands:
        try:
            if json.loads(p.read_text()).get("format") == FORMAT:
                good.append(p)
        except (OSError, json.JSONDecodeError, AttributeError):
            continue
    if len(good) != 1:
        raise ValueError(
            f"expected exactly one Strata artifact description (NAME.json) in {directory}, "
            f"found {len(good)}"
        )
    return good[0]
