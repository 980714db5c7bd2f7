"""Reading a `.tflite` flatbuffer into plain records: the tensors (shape, dtype, constant data,
quantization) and operators (builtin name, version, operand indices, options) of subgraph 0.

The flatbuffer is parsed with the `tflite` package (classes generated from TFLite's schema,
pure Python); nothing here needs TensorFlow or LiteRT.

Dependency contract: numpy, `tflite` (and `flatbuffers`, which it uses), `strata.errors`.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from strata.errors import ModelImportError, ModelLoadError

try:
    import tflite
except ImportError as e:  # a core dependency; a broken install says so clearly
    raise ModelLoadError(
        "reading a .tflite model needs the 'tflite' package (pip install tflite==2.18.0)"
    ) from e

# The flatbuffer's file identifier, at bytes 4..8.
FILE_IDENTIFIER = b"TFL3"

# builtin operator code -> name (BuiltinOperator.CONV_2D == 3 -> "CONV_2D")
BUILTIN_NAMES: dict[int, str] = {
    v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")
}
_OPTION_NAMES: dict[int, str] = {
    v: k for k, v in vars(tflite.BuiltinOptions).items() if not k.startswith("_")
}
_TENSOR_TYPES: dict[int, str] = {
    v: k for k, v in vars(tflite.TensorType).items() if not k.startswith("_")
}
# TensorType -> numpy dtype (the types Strata imports)
_DTYPES: dict[str, Any] = {
    "FLOAT32": np.float32,
    "FLOAT16": np.float16,
    "FLOAT64": np.float64,
    "INT32": np.int32,
    "INT64": np.int64,
    "INT16": np.int16,
    "INT8": np.int8,
    "UINT8": np.uint8,
    "BOOL": np.bool_,
}


@dataclass(frozen=True)
class Quant:
    """Affine quantization of a tensor: real = scale * (q - zero_point); per tensor (one
    scale) or per axis `axis` (one scale and zero point per entry of that dim)."""

    scale: np.ndarray  # float32, 1-d
    zero_point: np.ndarray  # int64, 1-d, same length
    axis: int

    @property
    def per_tensor(self) -> bool:
        return self.scale.size == 1

    def same_as(self, other: Quant | None) -> bool:
        return (
            other is not None
            and self.axis == other.axis
            and np.array_equal(self.scale, other.scale)
            and np.array_equal(self.zero_point, other.zero_point)
        )


@dataclass(frozen=True)
class Tensor:
    index: int
    name: str
    shape: tuple[int | None, ...]  # None: a dim the model leaves open (-1 in shape_signature)
    dtype: np.dtype[Any]
    data: np.ndarray | None  # the constant's value (buffer contents), None for activations
    quant: Quant | None

    def describe(self) -> str:
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        return f"'{self.name}' {self.dtype.name}[{dims}]"


@dataclass(frozen=True)
class Operator:
    index: int
    op: str  # builtin name, e.g. "CONV_2D" (custom ops: "CUSTOM:<code>")
    version: int
    inputs: tuple[int, ...]  # tensor indices; -1 for an omitted optional input
    outputs: tuple[int, ...]
    options: Any  # the op's tflite.*Options object, or None


@dataclass
class Graph:
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: list[int]
    outputs: list[int]
    description: str


def has_identifier(head: bytes) -> bool:
    """Whether the first bytes of a file carry the TFLite flatbuffer identifier."""
    return len(head) >= 8 and head[4:8] == FILE_IDENTIFIER


def read(source: str | os.PathLike[str] | bytes) -> Graph:
    """Parse a `.tflite` file (or its bytes); subgraph 0 is the model (others, of control
    flow ops, are refused when an operator refers to them)."""
    if isinstance(source, (bytes, bytearray)):
        buf, label = bytes(source), "<tflite bytes>"
    else:
        path = Path(source)
        if not path.is_file():
            raise ModelLoadError(f"model file '{source}' does not exist or is not a file")
        buf, label = path.read_bytes(), str(source)
    if not has_identifier(buf[:8]):
        raise ModelLoadError(
            f"'{label}' is not a TFLite flatbuffer (no 'TFL3' file identifier at bytes 4..8)"
        )
    try:
        model = tflite.Model.GetRootAsModel(buf, 0)
        if model.SubgraphsLength() < 1:
            raise ModelLoadError(f"'{label}' has no subgraph")
        return _graph(model, model.Subgraphs(0), buf)
    except (IndexError, ValueError, TypeError, struct.error) as e:  # truncated or corrupt
        raise ModelLoadError(f"'{label}' is not a readable TFLite model: {e}") from None


def _graph(model: Any, sg: Any, buf: bytes) -> Graph:
    tensors = [_tensor(model, sg.Tensors(i), i, buf) for i in range(sg.TensorsLength())]
    codes = [_opcode(model.OperatorCodes(i)) for i in range(model.OperatorCodesLength())]
    operators = []
    for i in range(sg.OperatorsLength()):
        o = sg.Operators(i)
        name, version = codes[o.OpcodeIndex()]
        ins = tuple(int(t) for t in o.InputsAsNumpy()) if o.InputsLength() else ()
        outs = tuple(int(t) for t in o.OutputsAsNumpy()) if o.OutputsLength() else ()
        operators.append(Operator(i, name, version, ins, outs, _options(o)))
    graph_ins = [int(t) for t in sg.InputsAsNumpy()] if sg.InputsLength() else []
    graph_outs = [int(t) for t in sg.OutputsAsNumpy()] if sg.OutputsLength() else []
    desc = model.Description()
    return Graph(tensors, operators, graph_ins, graph_outs, desc.decode() if desc else "")


def _opcode(code: Any) -> tuple[str, int]:
    # schema v3a: BuiltinCode() holds codes >= 127, DeprecatedBuiltinCode() the older ones
    value = max(int(code.BuiltinCode()), int(code.DeprecatedBuiltinCode()))
    name = BUILTIN_NAMES.get(value, f"BUILTIN_{value}")
    if name == "CUSTOM":
        custom = code.CustomCode()
        name = f"CUSTOM:{custom.decode() if custom else '?'}"
    return name, max(int(code.Version()), 1)


def _options(o: Any) -> Any:
    kind = _OPTION_NAMES.get(int(o.BuiltinOptionsType()))
    table = o.BuiltinOptions()
    if kind is None or kind == "NONE" or table is None:
        return None
    cls = getattr(tflite, kind, None)
    if cls is None:
        return None
    opts = cls()
    opts.Init(table.Bytes, table.Pos)
    return opts


def _tensor(model: Any, t: Any, index: int, buf: bytes) -> Tensor:
    name = t.Name().decode() if t.Name() else f"tensor_{index}"
    type_name = _TENSOR_TYPES.get(int(t.Type()), str(t.Type()))
    np_type = _DTYPES.get(type_name)
    if np_type is None:
        raise ModelImportError(
            f"tensor {index} '{name}' has type {type_name}, which Strata does not import"
        )
    dtype = np.dtype(np_type)
    static = [int(d) for d in t.ShapeAsNumpy()] if t.ShapeLength() else []
    shape = list(static)
    if t.ShapeSignatureLength():
        sig = [int(d) for d in t.ShapeSignatureAsNumpy()]
        if len(sig) == len(shape):
            shape = [d if s != -1 else -1 for d, s in zip(shape, sig, strict=True)]
    dims = tuple(None if d < 0 else d for d in shape)
    data = None
    b = model.Buffers(t.Buffer()) if t.Buffer() else None
    if b is not None:
        raw: np.ndarray | bytes | None = None
        if b.DataLength():
            raw = b.DataAsNumpy()
        elif b.Offset() > 1:  # models over 2 GB keep buffers after the flatbuffer
            raw = buf[b.Offset() : b.Offset() + b.Size()]
        if raw is not None:
            flat = np.frombuffer(bytes(raw), dtype=dtype.newbyteorder("<"))
            need = int(np.prod(static, dtype=np.int64))
            if flat.size != need:
                raise ModelImportError(
                    f"tensor {index} '{name}': its buffer holds {flat.size} elements, its "
                    f"shape {static} needs {need}"
                )
            data = flat.astype(dtype).reshape(static)
    return Tensor(index, name, dims, dtype, data, _quant(t.Quantization()))


def _quant(q: Any) -> Quant | None:
    if q is None or not q.ScaleLength():
        return None
    scale = np.asarray(q.ScaleAsNumpy(), dtype=np.float32).reshape(-1)
    zp = (
        np.asarray(q.ZeroPointAsNumpy(), dtype=np.int64).reshape(-1)
        if q.ZeroPointLength()
        else np.zeros(scale.shape, np.int64)
    )
    if zp.size == 1 and scale.size > 1:
        zp = np.full(scale.shape, zp[0], np.int64)
    return Quant(scale, zp, int(q.QuantizedDimension()))
