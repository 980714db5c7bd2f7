"""What the importers share: constants and weights as `nn.constant` ops, building nn ops with
shape-rule failures turned into one error kind, and finishing the entry function.

A constant array becomes `dense<...>` when it is tiny (or bool / a narrow type) and a
`dense_resource<KEY>` blob otherwise; MLIR does not copy the blob, so `Constants.weights`
keeps each array alive under its key (it becomes `ImportedModel.weights`).

Dependency contract: numpy, `mlir`, `strata.dtypes`, `strata.dialects` (nn, opdef),
`strata.errors`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from mlir import ir

from strata import dtypes
from strata.dialects.nn import DIALECT
from strata.dialects.opdef import OpVerifyError, TensorSpec, element_type, type_of_spec
from strata.errors import ModelImportError, UnsupportedOpError, VerificationError

# Constants up to this many elements (and all bool constants) are printed inline as dense<...>.
INLINE_LIMIT = 16
_RESOURCE = re.compile(r"dense_resource<([^>]+)>")


class ConvertError(Exception):
    """A node cannot be converted (message: what is wrong with it); the import driver adds
    the node's name and op and raises a ModelImportError."""


class Constants:
    """Materialises numpy arrays as `nn.constant` ops at the current insertion point and
    keeps the arrays behind `dense_resource` blobs in `weights` (one table per model)."""

    def __init__(self) -> None:
        self.weights: dict[str, np.ndarray] = {}
        self._keys: set[str] = set()

    def constant(self, array: np.ndarray, name: str) -> ir.Value:
        """An `nn.constant` holding `array` (located at `name`); strings: an
        `nn.string_constant` (dense attributes cannot hold them)."""
        if dtypes.is_string(array.dtype):
            values = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in array.flat]
            attrs = {"values": values, "shape": list(array.shape)}
            op = DIALECT.op("string_constant")
            (v,) = op.build([], attrs, loc=ir.Location.name(name))
            return v
        attr = self.tensor_attr(array, name)
        (v,) = DIALECT.op("constant").build([], {"value": attr}, loc=ir.Location.name(name))
        return v

    def tensor_attr(self, array: np.ndarray, name: str) -> ir.Attribute:
        """dense<...> for tiny or bool arrays, dense_resource<KEY> (kept in weights) otherwise."""
        arr = np.require(array, requirements="C")
        if arr.dtype.byteorder not in ("=", "|"):
            arr = arr.astype(arr.dtype.newbyteorder("="))
        ty = type_of_spec(TensorSpec.of(arr.shape, arr.dtype))  # raises for unsupported dtypes
        if arr.dtype == np.bool_:
            return ir.DenseElementsAttr.get(arr) if arr.size else _empty(ty)
        if dtypes.is_narrow(arr.dtype):
            # float8 / int4 ...: dense<...> from the storage bytes (signless.storage_bits reads
            # them back below nn; dense_resource blobs of these types are not handled)
            bits = np.ascontiguousarray(arr.view(np.uint8))
            return ir.DenseElementsAttr.get(bits, type=ty) if arr.size else _empty(ty)
        if arr.size <= INLINE_LIMIT:
            return ir.DenseElementsAttr.get(arr, type=ty) if arr.size else _empty(ty)
        assert ty.element_type == element_type(arr.dtype)
        key = self._key(name)
        attr = ir.DenseResourceElementsAttr.get_from_buffer(arr, key, ty)
        match = _RESOURCE.search(str(attr))
        actual = match.group(1).strip('"') if match else key  # MLIR renames clashing keys
        self._keys.add(actual)
        self.weights[actual] = arr
        return attr

    def _key(self, name: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_.]", "_", name) or "w"
        if not (base[0].isalpha() or base[0] == "_"):
            base = "w_" + base
        key, n = base, 0
        while key in self._keys:
            n += 1
            key = f"{base}_{n}"
        self._keys.add(key)
        return key


def _empty(ty: ir.RankedTensorType) -> ir.Attribute:
    return ir.Attribute.parse(f"dense<> : {ty}")


def build(
    op: str,
    operands: Sequence[ir.Value | Sequence[ir.Value] | None],
    attrs: Mapping[str, Any] | None,
    loc: ir.Location,
) -> list[ir.Value]:
    """Create `nn.<op>` at `loc`; a shape-rule failure becomes a ConvertError."""
    try:
        return DIALECT.op(op).build(operands, attrs or {}, loc=loc)
    except OpVerifyError as e:
        raise ConvertError(f"nn.{op}: {e}") from None


def raise_unsupported(missing: Mapping[str, list[str]], notes: Mapping[str, str]) -> None:
    """Raise one UnsupportedOpError naming every missing op (op -> its node names) with the
    notes that apply to them; nothing when none is missing."""
    if missing:
        raise UnsupportedOpError(dict(missing), {k: v for k, v in notes.items() if k in missing})


def nn_op_declared(name: str) -> bool:
    """Whether `nn.<name>` is declared (a converter that needs an undeclared op is missing)."""
    try:
        DIALECT.op(name)
    except KeyError:
        return False
    return True


def name_attrs(names: Sequence[str]) -> ir.ArrayAttr:
    """`arg_attrs` / `res_attrs` of the entry function: `{nn.name = NAME}` per value."""
    return ir.ArrayAttr.get([ir.DictAttr.get({"nn.name": ir.StringAttr.get(n)}) for n in names])


def verify(module: ir.Module) -> None:
    """MLIR's verifier on the imported module, as a VerificationError."""
    try:
        module.operation.verify()
    except ir.MLIRError as e:
        raise VerificationError(f"the imported module does not verify: {e}") from None


def check_names(what: str, names: Sequence[str], valid: Sequence[str], kind: str) -> None:
    """A ModelImportError naming every entry of `names` that is not in `valid` (of which
    `kind` says what they are), each with the valid names closest to it."""
    known = set(valid)
    unknown = [n for n in names if n not in known]
    if not unknown:
        return
    parts = []
    for n in unknown:
        near = difflib.get_close_matches(n, list(dict.fromkeys(valid)), n=4, cutoff=0.5)
        hint = f" (nearest: {', '.join(repr(c) for c in near)})" if near else ""
        parts.append(f"'{n}'{hint}")
    raise ModelImportError(f"{what}: {'; '.join(parts)} not among the {kind}")
