"""Converters for signal-processing ops: HannWindow, HammingWindow, BlackmanWindow, DFT, STFT
and NonMaxSuppression
(one-to-one nn ops; their optional inputs may be computed at run time).

The window functions are composed from nn ops: the sample index `n` (nn.range over the window
size, which may be computed at run time) in f64, the cosine terms of the window's formula
(the same as onnx.reference's), and a cast to `output_datatype`. DFT maps to nn.dft (axis an
attribute: opset 17's attribute, or opset 20's axis input when it is a constant) or to
nn.dynamic_dft (opset 20's axis computed at run time); a `dft_length` input must be a constant.

Dependency contract: numpy, `mlir`, the converter registry and its composition helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata.frontends.onnx.ops.registry import Node, Output, converter

F64 = np.dtype("float64")
WINDOW_OPS = ["range", "cast", "sub", "mul", "div", "cos", "add", "constant"]


def _window(node: Node, terms: Sequence[tuple[float, float]]) -> ir.Value:
    """sum_j c_j * cos(m_j * pi * n / N') over n = 0 .. size-1 (N' = size if periodic, size-1
    otherwise), computed in f64 and cast to `output_datatype`."""
    from strata.frontends.onnx.graph import numpy_dtype

    to = numpy_dtype(int(node.attr("output_datatype", 1)), f"output_datatype of '{node.name}'")
    periodic = int(node.attr("periodic", 1))
    spec = node.spec(0)
    if spec.rank != 0 or spec.dtype.kind not in "iu":
        node.fail(f"size must be an integer scalar, got a {spec.dtype} tensor of rank {spec.rank}")
    size = node.build1("cast", [node.value(0)], {"to": np.dtype("int64")})
    zero = node.constant(np.array(0, np.int64), "zero")
    one = node.constant(np.array(1, np.int64), "one")
    n = node.build1("cast", [node.build1("range", [zero, size, one])], {"to": F64})
    denom = node.build1("cast", [size], {"to": F64})
    if not periodic:
        denom = node.build1("sub", [denom, node.constant(np.array(1.0), "one_f64")])
    phase = node.build1("div", [n, denom])  # n / N'
    out: ir.Value | None = None
    for j, (coef, mult) in enumerate(terms):
        if mult == 0.0:
            term = node.constant(np.array(coef), f"c{j}")
            out = term if out is None else node.build1("add", [out, term])
            continue
        angle = node.build1("mul", [phase, node.constant(np.array(mult * np.pi), f"w{j}")])
        term = node.build1(
            "mul", [node.build1("cos", [angle]), node.constant(np.array(coef), f"c{j}")]
        )
        out = term if out is None else node.build1("add", [out, term])
    assert out is not None
    return out if to == F64 else node.build1("cast", [out], {"to": to})


@converter("HannWindow", since=17, needs=WINDOW_OPS)
def hann_window(node: Node) -> Sequence[Output]:
    # sin^2(pi n / N') = 0.5 - 0.5 cos(2 pi n / N')
    return [_window(node, [(0.5, 0.0), (-0.5, 2.0)])]


@converter("HammingWindow", since=17, needs=WINDOW_OPS)
def hamming_window(node: Node) -> Sequence[Output]:
    alpha = 25.0 / 46.0
    return [_window(node, [(alpha, 0.0), (-(1.0 - alpha), 2.0)])]


@converter("BlackmanWindow", since=17, needs=WINDOW_OPS)
def blackman_window(node: Node) -> Sequence[Output]:
    return [_window(node, [(0.42, 0.0), (-0.5, 2.0), (0.08, 4.0)])]


def _dft_length(node: Node) -> int:
    if not node.has(1):
        return 0
    (length,) = node.const_ints(1, "dft_length")
    if length < 1:
        node.fail(f"dft_length {length} must be >= 1")
    return length


def _dft(node: Node, axis: ir.Value | int) -> ir.Value:
    attrs: dict[str, object] = {
        "inverse": int(node.attr("inverse", 0)),
        "onesided": int(node.attr("onesided", 0)),
        "dft_length": _dft_length(node),
    }
    if isinstance(axis, int):
        return node.build1("dft", [node.value(0)], {**attrs, "axis": axis})
    return node.build1("dynamic_dft", [node.value(0), axis], attrs)


@converter("DFT", since=17, until=20, needs=["dft"])
def dft_17(node: Node) -> Sequence[Output]:
    return [_dft(node, int(node.attr("axis", 1)))]


@converter("DFT", since=20, needs=["dft", "dynamic_dft"])
def dft_20(node: Node) -> Sequence[Output]:
    if not node.has(2):
        return [_dft(node, -2)]
    if node.maybe_const(2) is not None:
        (axis,) = node.const_ints(2, "axis")
        return [_dft(node, axis)]
    return [_dft(node, node.value(2))]


@converter("NonMaxSuppression", since=11, needs=["non_max_suppression"])
def non_max_suppression(node: Node) -> Sequence[Output]:
    operands = [node.value(0), node.value(1), *(node.opt_value(i) for i in (2, 3, 4))]
    attrs = {"center_point_box": int(node.attr("center_point_box", 0))}
    return [node.build1("non_max_suppression", operands, attrs)]


@converter("STFT", since=17, needs=["stft"])
def stft(node: Node) -> Sequence[Output]:
    operands = [node.value(0), node.value(1), node.opt_value(2), node.opt_value(3)]
    return [node.build1("stft", operands, {"onesided": int(node.attr("onesided", 1))})]
