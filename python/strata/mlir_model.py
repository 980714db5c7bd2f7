"""Read an MLIR file (an `nn` or linalg-on-tensors module) as a model, for stratac and tests.

The module must hold one public function (the entry; `entry_func_name` picks one when there
are several) with ranked tensor arguments and results (dynamic dims allowed); `{nn.name = "..."}`
argument / result attributes give the graph names (default `input_i` / `output_i`).
Weights may be `dense_resource<KEY>` constants whose blobs are in the file's
`dialect_resources` section; their bytes are read back from that section.

Dependency contract: numpy, the `mlir` bindings, strata.dtypes, strata.context,
strata.frontends.base.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from mlir import ir

from strata import dtypes
from strata.context import make_context
from strata.errors import ModelLoadError
from strata.frontends.base import ImportedModel, TensorInfo

_BLOB_RE = re.compile(r'([A-Za-z_][\w.$-]*|"(?:[^"\\]|\\.)*")\s*:\s*"0x([0-9A-Fa-f]*)"')


def _info(t: ir.Type, name: str, what: str) -> TensorInfo:
    try:
        rt = ir.RankedTensorType(t)
    except ValueError:
        raise ModelLoadError(f"{what} '{name}' has type {t}; expected a ranked tensor") from None
    d = dtypes.by_mlir(str(rt.element_type))
    if d is None:
        raise ModelLoadError(
            f"{what} '{name}' has type {t}; expected a ranked tensor of a known type"
        )
    dims = tuple(None if rt.is_dynamic_dim(i) else int(rt.shape[i]) for i in range(rt.rank))
    return TensorInfo(name, dims, d.np)


def _names(func: ir.Operation, key: str, count: int, prefix: str) -> list[str]:
    names = [f"{prefix}{i}" for i in range(count)]
    if key in func.attributes:
        for i, d in enumerate(ir.ArrayAttr(func.attributes[key])):
            dic = ir.DictAttr(d)
            if "nn.name" in dic and i < count:
                names[i] = ir.StringAttr(dic["nn.name"]).value
    return names


def _blobs(text: str) -> dict[str, bytes]:
    start = text.find("dialect_resources")
    out: dict[str, bytes] = {}
    if start < 0:
        return out
    for m in _BLOB_RE.finditer(text, start):
        key = m.group(1).strip('"')
        out[key] = bytes.fromhex(m.group(2))[4:]  # the first 4 bytes hold the alignment
    return out


def _weights(module: ir.Module, blobs: dict[str, bytes]) -> dict[str, np.ndarray]:
    from strata.targets.cpu.passes import resource_key

    out: dict[str, np.ndarray] = {}

    def visit(op: ir.Operation) -> None:
        for region in op.regions:
            for block in region.blocks:
                for child in block.operations:
                    c = child.operation
                    if "value" in c.attributes and (key := resource_key(c.attributes["value"])):
                        info = _info(c.results[0].type, key, "constant")
                        if key not in blobs:
                            raise ModelLoadError(f"resource blob '{key}' has no data in the file")
                        arr = np.frombuffer(blobs[key], dtype=info.dtype)
                        if not info.is_static:
                            raise ModelLoadError(f"constant '{key}' must have a static shape")
                        out[key] = arr.reshape(tuple(d for d in info.dims if d is not None)).copy()
                    visit(c)

    visit(module.operation)
    return out


def import_mlir_file(path: Path, entry_func_name: str | None = None) -> ImportedModel:
    try:
        text = path.read_text()
    except OSError as e:
        raise ModelLoadError(f"cannot read {path}: {e}") from None
    return import_mlir_text(text, str(path), entry_func_name)


def import_mlir_text(text: str, path: str, entry_func_name: str | None = None) -> ImportedModel:
    """`import_mlir_file` on the text of a module (`path` names it in messages)."""
    ctx = make_context()
    with ctx:
        try:
            module = ir.Module.parse(text)
        except Exception as e:
            raise ModelLoadError(f"{path} is not a valid MLIR module: {e}") from None
        from strata.targets.cpu.passes import public_funcs

        funcs = public_funcs(module.operation)
        names = [ir.StringAttr(f.attributes["sym_name"]).value for f in funcs]
        if entry_func_name:
            funcs = [f for f, n in zip(funcs, names, strict=True) if n == entry_func_name]
        if len(funcs) != 1:
            raise ModelLoadError(f"{path}: expected one public entry function, found {names}")
        func = funcs[0]
        ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
        in_names = _names(func, "arg_attrs", len(ftype.inputs), "input_")
        out_names = _names(func, "res_attrs", len(ftype.results), "output_")
        inputs = [_info(t, n, "input") for t, n in zip(ftype.inputs, in_names, strict=True)]
        outputs = [_info(t, n, "output") for t, n in zip(ftype.results, out_names, strict=True)]
        entry = ir.StringAttr(func.attributes["sym_name"]).value
        return ImportedModel(module, entry, inputs, outputs, _weights(module, _blobs(text)))
