"""FLOPs of an ONNX graph, counted from its compute-bound ops (for the benchmarks' GFLOP/s).

    count_flops(model, {"input": (1, 3, 224, 224)}) -> FlopCount(total, by_op, uncounted)

One multiply-add is 2 FLOPs. Counted: MatMul, Gemm (plus its bias add), Conv, ConvTranspose,
their integer / quantized forms (MatMulInteger, QLinearMatMul, ConvInteger, QLinearConv),
Einsum (as the size of its iteration space) and Attention (its two matmuls). Everything else
(elementwise ops, norms, softmax, pooling) is memory-bound and left out, as published FLOP
counts of these models do. Shapes come from ONNX shape inference after the graph inputs are
pinned to `input_shapes`; a counted node whose shapes stay unknown is listed in `uncounted`
rather than guessed. Subgraphs (If/Loop bodies) are not entered.

Dependency contract: onnx, the standard library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import onnx
from onnx import helper, shape_inference

Shape = tuple[int, ...]


@dataclass
class FlopCount:
    total: int = 0
    by_op: dict[str, int] = field(default_factory=dict)
    uncounted: list[str] = field(default_factory=list)  # "name (op): why"

    def add(self, op: str, flops: int) -> None:
        self.total += flops
        self.by_op[op] = self.by_op.get(op, 0) + flops


def _attr(node: onnx.NodeProto, name: str, default: object) -> object:
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def matmul_flops(a: Shape, b: Shape) -> int:
    """2·M·K·N per (broadcast) batch; 1-D operands as numpy.matmul treats them."""
    a2 = (1, *a) if len(a) == 1 else a
    b2 = (*b, 1) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        raise ValueError(f"MatMul contraction mismatch: {a} x {b}")
    batch = _broadcast(a2[:-2], b2[:-2])
    return 2 * math.prod(batch) * a2[-2] * a2[-1] * b2[-1]


def _broadcast(a: Shape, b: Shape) -> Shape:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(a, b, strict=True):
        if x != y and 1 not in (x, y):
            raise ValueError(f"shapes {a} and {b} do not broadcast")
        out.append(max(x, y))
    return tuple(out)


def gemm_flops(a: Shape, b: Shape, trans_a: bool, trans_b: bool, bias: bool) -> int:
    m, k = (a[1], a[0]) if trans_a else (a[0], a[1])
    n = b[0] if trans_b else b[1]
    return 2 * m * k * n + (m * n if bias else 0)


def conv_flops(w: Shape, out: Shape, bias: bool) -> int:
    """2 · (output elements) · (Cin/group · kernel size) (+ one add per output for the bias).
    `w`: [Cout, Cin/group, k...] (so groups are already accounted), `out`: [N, Cout, ...]."""
    return 2 * math.prod(out) * math.prod(w[1:]) + (math.prod(out) if bias else 0)


def conv_transpose_flops(x: Shape, w: Shape, bias_out: Shape | None) -> int:
    """Each input element is scattered through a kernel of Cout/group · k... weights:
    2 · N · Cin · spatial_in · (Cout/group · kernel). `w`: [Cin, Cout/group, k...]."""
    flops = 2 * math.prod(x) * math.prod(w[1:])
    return flops + (math.prod(bias_out) if bias_out is not None else 0)


def einsum_flops(equation: str, shapes: Sequence[Shape]) -> int:
    """2 · (product of every index's size) when there is a contraction, else the output size."""
    lhs = equation.replace(" ", "").split("->")[0]
    terms = lhs.split(",")
    if len(terms) != len(shapes) or any("." in t for t in terms):
        raise ValueError(f"einsum '{equation}': ellipsis or arity not handled")
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes, strict=True):
        if len(term) != len(shape):
            raise ValueError(f"einsum term '{term}' does not match shape {shape}")
        for c, d in zip(term, shape, strict=True):
            sizes[c] = max(sizes.get(c, 1), d)
    return (2 if len(terms) > 1 else 1) * math.prod(sizes.values())


def attention_flops(q: Shape, k: Shape, v: Shape) -> int:
    """ONNX Attention (4-D [B, H, S, D] or 3-D [B, S, H·D] with equal head counts): Q·Kᵀ and
    P·V, 2·B·H·Sq·Skv·(Dqk + Dv) over all heads."""
    if len(q) == 4:
        b, h, sq, dqk = q
        skv, dv = k[2], v[3]
        return 2 * b * h * sq * skv * (dqk + dv)
    b, sq, hd = q
    return 2 * b * sq * k[1] * (hd + v[2])


def _pin_inputs(model: onnx.ModelProto, input_shapes: Mapping[str, Sequence[int]]) -> None:
    for vi in model.graph.input:
        if vi.name not in input_shapes:
            continue
        dims = vi.type.tensor_type.shape.dim
        want = list(input_shapes[vi.name])
        if len(dims) != len(want):
            raise ValueError(f"input '{vi.name}' has rank {len(dims)}, not {len(want)}")
        for d, n in zip(dims, want, strict=True):
            d.Clear()
            d.dim_value = int(n)


def _shapes(model: onnx.ModelProto) -> dict[str, Shape]:
    g = model.graph
    known: dict[str, Shape] = {}
    for vi in [*g.input, *g.value_info, *g.output]:
        t = vi.type.tensor_type
        if not t.HasField("shape"):
            continue
        dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
        if all(isinstance(d, int) and d > 0 for d in dims):
            known[vi.name] = tuple(int(d) for d in dims)  # type: ignore[arg-type]
    for init in g.initializer:
        known[init.name] = tuple(init.dims)
    return known


def count_flops(
    model: onnx.ModelProto, input_shapes: Mapping[str, Sequence[int]] | None = None
) -> FlopCount:
    """FLOPs of one run of `model` with its inputs of `input_shapes` (see the module doc)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    _pin_inputs(m, input_shapes or {})
    inferred = shape_inference.infer_shapes(m, data_prop=True)
    shapes = _shapes(inferred)
    count = FlopCount()
    for node in inferred.graph.node:
        try:
            flops = _node_flops(node, shapes)
        except (KeyError, IndexError, ValueError) as e:
            count.uncounted.append(f"{node.name or node.output[0]} ({node.op_type}): {e}")
            continue
        if flops is not None:
            count.add(node.op_type, flops)
    return count


def _node_flops(node: onnx.NodeProto, shapes: Mapping[str, Shape]) -> int | None:
    op, ins = node.op_type, list(node.input)

    def shape(i: int) -> Shape:
        if i >= len(ins) or not ins[i]:
            raise IndexError(f"input {i} missing")
        if ins[i] not in shapes:
            raise KeyError(f"shape of '{ins[i]}' unknown")
        return shapes[ins[i]]

    def out_shape() -> Shape:
        if node.output[0] not in shapes:
            raise KeyError(f"shape of '{node.output[0]}' unknown")
        return shapes[node.output[0]]

    def has(i: int) -> bool:
        return i < len(ins) and bool(ins[i])

    if op in ("MatMul", "MatMulInteger"):
        return matmul_flops(shape(0), shape(1))
    if op == "QLinearMatMul":  # a, a_scale, a_zp, b, ...
        return matmul_flops(shape(0), shape(3))
    if op == "Gemm":
        ta, tb = bool(_attr(node, "transA", 0)), bool(_attr(node, "transB", 0))
        return gemm_flops(shape(0), shape(1), ta, tb, has(2))
    if op in ("Conv", "ConvInteger"):
        return conv_flops(shape(1), out_shape(), has(2))
    if op == "QLinearConv":  # x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B
        return conv_flops(shape(3), out_shape(), has(8))
    if op == "ConvTranspose":
        return conv_transpose_flops(shape(0), shape(1), out_shape() if has(2) else None)
    if op == "Einsum":
        eq = _attr(node, "equation", b"")
        text = eq.decode() if isinstance(eq, bytes) else str(eq)
        return einsum_flops(text, [shape(i) for i in range(len(ins))])
    if op == "Attention":
        return attention_flops(shape(0), shape(1), shape(2))
    return None
