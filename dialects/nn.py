"""The `nn` dialect: Strata's high-level tensor ops, one per ONNX op type we support.

Each op is declared exactly once here (see `strata.dialects.opdef`); IRDL, builders, the
verifier and docs/dialects/nn.md derive from these declarations.

Conventions:
* ops work on statically shaped ranked tensors; ONNX inputs that must be compile-time
  constants (Reshape's shape, Slice's starts/ends, axes of Squeeze/Unsqueeze/ReduceMean, Clip's
  bounds, Pad's pads, Resize's scales/sizes, ...) are attributes here, so the importer
  normalises the differences between opsets once;
* every attribute is always present on the op (the builders fill in the ONNX defaults);
* ONNX bool is `i1`; integer tensors are signless.

Dependency contract: imports only numpy, `mlir` and `strata.dialects.opdef`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from strata.dialects.opdef import (
    Attr,
    AttrKind,
    Dialect,
    OpDef,
    Operand,
    OpVerifyError,
    Result,
    TensorSpec,
)

Specs = Sequence[TensorSpec | None]
Attrs = Mapping[str, Any]

X = (Operand("x", "input tensor"),)
Y = (Result("y", "result tensor"),)
AB = (Operand("a", "left operand"), Operand("b", "right operand"))
FLOAT_DTYPES = (np.dtype("float32"), np.dtype("float64"), np.dtype("float16"))


def _req(spec: TensorSpec | None, what: str) -> TensorSpec:
    if spec is None:
        raise OpVerifyError(f"operand '{what}' is required")
    return spec


def broadcast_shapes(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """Numpy / ONNX multidirectional broadcasting of two static shapes."""
    try:
        return tuple(np.broadcast_shapes(tuple(a), tuple(b)))
    except ValueError:
        raise OpVerifyError(f"shapes {list(a)} and {list(b)} are not broadcastable") from None


def same_as_input(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise unary op: the result has the operand's type."""
    return [_req(specs[0], "x")]


def float_unary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise unary op on floating-point tensors."""
    x = _req(specs[0], "x")
    if x.dtype not in FLOAT_DTYPES:
        raise OpVerifyError(f"operand 'x' must be a floating-point tensor, got {x.dtype}")
    return [x]


def broadcast_binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise binary op with broadcasting; both operands share one element type."""
    a, b = _req(specs[0], "a"), _req(specs[1], "b")
    if a.dtype != b.dtype:
        raise OpVerifyError(f"operands 'a' ({a.dtype}) and 'b' ({b.dtype}) differ in element type")
    return [TensorSpec(broadcast_shapes(a.shape, b.shape), a.dtype)]


def compare_binary(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """Elementwise comparison with broadcasting; the result is bool."""
    (r,) = broadcast_binary(specs, attrs)
    return [TensorSpec(r.shape, np.dtype("bool"))]


def conv_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    x, w, b = _req(specs[0], "x"), _req(specs[1], "w"), specs[2]
    if x.rank < 3 or w.rank != x.rank:
        raise OpVerifyError(f"operands 'x' {list(x.shape)} and 'w' {list(w.shape)} must have one rank >= 3")
    nsp = x.rank - 2
    group = attrs["group"]
    strides = attrs["strides"] or [1] * nsp
    dil = attrs["dilations"] or [1] * nsp
    pads = attrs["pads"] or [0] * (2 * nsp)
    if len(strides) != nsp or len(dil) != nsp or len(pads) != 2 * nsp:
        raise OpVerifyError(
            f"attributes 'strides' {strides}, 'dilations' {dil}, 'pads' {pads} must have "
            f"{nsp}, {nsp}, {2 * nsp} entries for a {nsp}-d convolution"
        )
    if group < 1 or x.shape[1] != w.shape[1] * group or w.shape[0] % group:
        raise OpVerifyError(
            f"input channels {x.shape[1]} must equal w.shape[1] ({w.shape[1]}) x group ({group}),"
            f" and output channels {w.shape[0]} must divide by group"
        )
    if b is not None and b.shape != (w.shape[0],):
        raise OpVerifyError(f"operand 'b' must have shape [{w.shape[0]}], got {list(b.shape)}")
    spatial = []
    for i in range(nsp):
        k = (w.shape[2 + i] - 1) * dil[i] + 1
        n = x.shape[2 + i] + pads[i] + pads[i + nsp] - k
        if n < 0:
            raise OpVerifyError(f"kernel extent {k} exceeds padded input in spatial dim {i}")
        spatial.append(n // strides[i] + 1)
    return [TensorSpec((x.shape[0], w.shape[0], *spatial), x.dtype)]


# ---- the ops ----------------------------------------------------------------------------------

OPS: tuple[OpDef, ...] = (
    # elementwise
    OpDef("add", "Elementwise a + b with broadcasting.", AB, Y, broadcast_binary,
          onnx="Add", category="elementwise"),
    OpDef("relu", "Elementwise max(x, 0).", X, Y, same_as_input,
          onnx="Relu", category="elementwise"),
    OpDef("equal", "Elementwise a == b with broadcasting; bool result.", AB, Y, compare_binary,
          onnx="Equal", category="elementwise"),
    # convolution
    OpDef(
        "conv",
        "N-d convolution (cross-correlation) in NC[spatial] layout.",
        (Operand("x", "input, N x C x D1..Dn"), Operand("w", "weights, M x C/group x k1..kn"),
         Operand("b", "bias, M", optional=True)),
        Y,
        conv_rule,
        attrs=(
            Attr("strides", AttrKind.INTS, [], "stride per spatial axis; [] means all 1"),
            Attr("pads", AttrKind.INTS, [], "begin pads then end pads; [] means all 0"),
            Attr("dilations", AttrKind.INTS, [], "dilation per spatial axis; [] means all 1"),
            Attr("group", AttrKind.INT, 1, "number of groups (C for depthwise)"),
        ),
        doc="The importer resolves `auto_pad` into explicit `pads`.",
        onnx="Conv",
        category="convolution",
    ),
)

DIALECT = Dialect("nn", "High-level neural-network ops on static tensors, modelled on ONNX.", OPS)
