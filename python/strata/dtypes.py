"""The element types Strata handles end to end, in one table.

Each :class:`DType` row says how one numpy dtype is spelled at every layer:

* `mlir`: the element type in the `nn` dialect. Floats are themselves (`f32`, `bf16`); signed
  integers are signless (`i8`); **unsigned integers keep their signedness** (`ui8`), so shape
  rules and lowerings see what the data means; bool is `i1`.
* `storage`: the element type below `nn` (linalg, memrefs, LLVM), where every integer is
  signless (MLIR's arith ops take signless integers only): `ui8` is stored as `i8`.
  `convert-nn-to-linalg` picks unsigned arithmetic where the `nn` type is unsigned and then
  erases the signedness (see `strata.passes.signless`).
* `ctype`: the C type of a buffer of this dtype in `NAME.h` (16-bit floats as `uint16_t`
  bits, bool as one byte).

**Low-precision types** (`Kind.NARROW_*`: float8 e4m3fn / e4m3fnuz / e5m2 / e5m2fnuz / e8m0fnu,
float4 e2m1fn, int4 / uint4, int2 / uint2, all from ml_dtypes) are one byte per element in
numpy memory: the value's bits in the low `bits` bits, the upper bits zero (int4 -1 is 0x0F).
That byte is their storage everywhere below `nn` (`i8` tensors, memrefs, LLVM) and in the C ABI
(`uint8_t`); `nn` spells them with MLIR's own types (`f8E4M3FN`, `f4E2M1FN`, `i4`, `ui2`, ...)
so verifiers see what they are. LLVM has no arithmetic on them: `nn.cast` / `nn.bit_cast`
convert them with integer bit manipulation (`strata.passes.lowering.lowp`), movement ops
copy the bytes, and no other op accepts them (they are neither `is_float` nor `is_integer`).

Numpy has no bfloat16; `ml_dtypes` (shipped with onnx) provides it, and importing this module
registers it so `np.dtype("bfloat16")` works. Adding an element type means adding a row here
(its `name` is a numpy dtype name or an `ml_dtypes` attribute, e.g. `float8_e4m3fn`), and
whatever arithmetic it needs in the lowerings; every other table is derived.

**Strings** are not a row of the table: :data:`STRING` (numpy `object` arrays of `str`, nn
`!nn.string`, one pointer-sized handle below nn, C `const char*`) is handled only by the ops
that say so (`dialects/nn_strings.py`, Equal); `lookup` / `by_mlir` know it, the numeric
tables derived from `DTYPES` do not.

Dependency contract: numpy and ml_dtypes only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import ml_dtypes
import numpy as np


class Kind(enum.Enum):
    FLOAT = "float"
    SIGNED = "signed"
    UNSIGNED = "unsigned"
    BOOL = "bool"
    NARROW_FLOAT = "narrow float"  # float8 / float4: stored as one byte, converted by Cast only
    NARROW_SIGNED = "narrow signed"  # int4 / int2: likewise
    NARROW_UNSIGNED = "narrow unsigned"  # uint4 / uint2: likewise
    STRING = "string"


NARROW = (Kind.NARROW_FLOAT, Kind.NARROW_SIGNED, Kind.NARROW_UNSIGNED)


@dataclass(frozen=True)
class DType:
    name: str  # numpy dtype name
    mlir: str  # element type in the nn dialect
    ctype: str  # C type in NAME.h
    kind: Kind
    width: int | None = None  # bits of a narrow type's value (its storage is one byte)

    @property
    def np(self) -> np.dtype[Any]:
        return _NUMPY[self.name]

    @property
    def storage(self) -> str:
        """The element type below nn: integers are signless there, narrow types are bytes,
        strings are handles."""
        if self.kind in NARROW:
            return "i8"
        if self.kind is Kind.STRING:
            return "i64"  # a handle: the address of a NUL-terminated UTF-8 string
        return self.mlir[1:] if self.kind is Kind.UNSIGNED else self.mlir

    @property
    def bits(self) -> int:
        if self.width is not None:
            return self.width
        return 1 if self.kind is Kind.BOOL else 8 * self.np.itemsize


DTYPES: tuple[DType, ...] = (
    DType("float32", "f32", "float", Kind.FLOAT),
    DType("float64", "f64", "double", Kind.FLOAT),
    DType("float16", "f16", "uint16_t", Kind.FLOAT),
    DType("bfloat16", "bf16", "uint16_t", Kind.FLOAT),
    DType("int8", "i8", "int8_t", Kind.SIGNED),
    DType("int16", "i16", "int16_t", Kind.SIGNED),
    DType("int32", "i32", "int32_t", Kind.SIGNED),
    DType("int64", "i64", "int64_t", Kind.SIGNED),
    DType("uint8", "ui8", "uint8_t", Kind.UNSIGNED),
    DType("uint16", "ui16", "uint16_t", Kind.UNSIGNED),
    DType("uint32", "ui32", "uint32_t", Kind.UNSIGNED),
    DType("uint64", "ui64", "uint64_t", Kind.UNSIGNED),
    DType("bool", "i1", "uint8_t", Kind.BOOL),
    DType("float8_e4m3fn", "f8E4M3FN", "uint8_t", Kind.NARROW_FLOAT, 8),
    DType("float8_e4m3fnuz", "f8E4M3FNUZ", "uint8_t", Kind.NARROW_FLOAT, 8),
    DType("float8_e5m2", "f8E5M2", "uint8_t", Kind.NARROW_FLOAT, 8),
    DType("float8_e5m2fnuz", "f8E5M2FNUZ", "uint8_t", Kind.NARROW_FLOAT, 8),
    DType("float8_e8m0fnu", "f8E8M0FNU", "uint8_t", Kind.NARROW_FLOAT, 8),
    DType("float4_e2m1fn", "f4E2M1FN", "uint8_t", Kind.NARROW_FLOAT, 4),
    DType("int4", "i4", "uint8_t", Kind.NARROW_SIGNED, 4),
    DType("uint4", "ui4", "uint8_t", Kind.NARROW_UNSIGNED, 4),
    DType("int2", "i2", "uint8_t", Kind.NARROW_SIGNED, 2),
    DType("uint2", "ui2", "uint8_t", Kind.NARROW_UNSIGNED, 2),
)

# numpy's own dtypes by name; the others (bfloat16, float8, float4, int4, int2) from ml_dtypes
_NUMPY: dict[str, np.dtype[Any]] = {
    d.name: np.dtype(getattr(ml_dtypes, d.name, None) or d.name) for d in DTYPES
}
# UTF-8 strings: numpy object arrays of str (as onnx.reference gives them); see the module doc
STRING = DType("object", "!nn.string", "const char*", Kind.STRING)
_NUMPY["object"] = np.dtype(object)
_BY_NAME = {d.name: d for d in (*DTYPES, STRING)}
_BY_MLIR = {d.mlir: d for d in (*DTYPES, STRING)}


def lookup(dtype: Any) -> DType | None:
    """The row of a numpy dtype (or its name), None if Strata does not handle it; numpy
    `str` / `bytes` dtypes (`<U5`) and `object` give :data:`STRING`."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        return None
    if dt.kind in "OUS":
        return STRING
    return _BY_NAME.get(dt.name)


def by_mlir(spelling: str) -> DType | None:
    """The row of an nn-level element type spelling (`f32`, `ui8`, `i1`), or None."""
    return _BY_MLIR.get(spelling)


def numpy_dtype(name: str) -> np.dtype[Any]:
    """The numpy dtype named `name` (bfloat16 included); KeyError if not in the table."""
    return _BY_NAME[name].np


def is_narrow(dtype: Any) -> bool:
    """A low-precision type (float8 / float4 / int4 / int2 ...), stored one byte per element."""
    d = lookup(dtype)
    return d is not None and d.kind in NARROW


def names() -> list[str]:
    return [d.name for d in DTYPES]


def is_float(dtype: Any) -> bool:
    """Whether a numpy dtype is a floating-point type of the table (bfloat16's numpy kind is
    'V', so `dtype.kind == 'f'` misses it)."""
    d = lookup(dtype)
    return d is not None and d.kind is Kind.FLOAT


def is_unsigned(dtype: Any) -> bool:
    d = lookup(dtype)
    return d is not None and d.kind is Kind.UNSIGNED


def is_integer(dtype: Any) -> bool:
    """Signed or unsigned integer (not bool)."""
    d = lookup(dtype)
    return d is not None and d.kind in (Kind.SIGNED, Kind.UNSIGNED)


def is_string(dtype: Any) -> bool:
    """Whether a numpy dtype holds strings (object, str or bytes arrays)."""
    return lookup(dtype) is STRING
