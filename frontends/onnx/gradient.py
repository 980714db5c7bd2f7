"""`Gradient` (domain `ai.onnx.preview.training`): reverse-mode differentiation at import time.

Before import, each Gradient node is replaced by default-domain ONNX nodes that compute the
partial derivatives of its `y` with respect to its `xs`, so the rest of the importer sees an
ordinary graph. The differentiated function is the part of the graph that computes `y` from
`xs` and `zs` (initializers and constants may appear in it); when the Gradient node's inputs
are other values than `xs` / `zs`, that part is cloned with them substituted. The seed is a
tensor of ones shaped like `y` (for a scalar `y`: dy/dy = 1; otherwise the gradient of the
sum of `y`'s elements). An x that `y` does not depend on gets zeros.

Ops that can be differentiated: Add, Sub, Mul, Div (numpy broadcasting: the gradient is summed
over the broadcast axes), Neg, Identity, Relu, Sigmoid, Tanh, Exp, Log, Sqrt, Reciprocal and
2-d MatMul. Shapes on the differentiated path must be known to onnx shape inference; the
default-domain opset must be 7 or later (numpy broadcasting).

Dependency contract: numpy, `onnx` and `strata.errors`; works on ModelProtos only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import onnx
from onnx import helper, numpy_helper

from strata.errors import ModelImportError

DOMAIN = "ai.onnx.preview.training"
DIFFERENTIABLE = frozenset(
    {
        *("Add", "Sub", "Mul", "Div", "Neg", "Identity", "Relu", "Sigmoid", "Tanh"),
        *("Exp", "Log", "Sqrt", "Reciprocal", "MatMul"),
    }
)


def has_gradient(proto: onnx.ModelProto) -> bool:
    return any(n.domain == DOMAIN and n.op_type == "Gradient" for n in proto.graph.node)


def expand(proto: onnx.ModelProto, opset: int | None) -> onnx.ModelProto:
    """A copy of `proto` in which every Gradient node is replaced by its derivative nodes."""
    out = onnx.ModelProto()
    out.CopyFrom(proto)
    if opset is None or opset < 7:
        raise ModelImportError(
            "Gradient needs a default-domain opset of 7 or later (numpy broadcasting); "
            f"the model imports {opset if opset is not None else 'none'}"
        )
    g = out.graph
    shapes = _shapes(out)
    nodes: list[onnx.NodeProto] = []
    for index, node in enumerate(list(g.node)):
        if node.domain == DOMAIN and node.op_type == "Gradient":
            builder = _Builder(g, shapes, opset, node.name or f"Gradient_{index}")
            nodes.extend(builder.gradient(node, nodes))
        else:
            nodes.append(node)
    del g.node[:]
    g.node.extend(nodes)
    return out


def _shapes(proto: onnx.ModelProto) -> dict[str, tuple[list[int], int]]:
    """(static shape, element type) of every value onnx shape inference types fully."""
    try:
        inferred = onnx.shape_inference.infer_shapes(proto)
    except Exception:  # inference is best effort here; missing shapes are reported by name
        inferred = proto
    out: dict[str, tuple[list[int], int]] = {}
    g = inferred.graph
    for vi in [*g.input, *g.value_info, *g.output]:
        tt = vi.type.tensor_type
        if not tt.HasField("shape") or not all(d.HasField("dim_value") for d in tt.shape.dim):
            continue
        out[vi.name] = ([int(d.dim_value) for d in tt.shape.dim], tt.elem_type)
    for t in g.initializer:
        out[t.name] = (list(t.dims), t.data_type)
    return out


class _Builder:
    """Emits the derivative nodes of one Gradient node."""

    def __init__(
        self,
        graph: onnx.GraphProto,
        shapes: dict[str, tuple[list[int], int]],
        opset: int,
        label: str,
    ) -> None:
        self.graph = graph
        self.shapes = shapes
        self.opset = opset
        self.label = label
        self.nodes: list[onnx.NodeProto] = []
        self._n = 0

    def fail(self, message: str) -> ModelImportError:
        return ModelImportError(f"node '{self.label}' (Gradient): {message}")

    # ---- emitting ----------------------------------------------------------------------------
    def fresh(self, what: str) -> str:
        self._n += 1
        return f"{self.label}/{what}_{self._n}"

    def op(self, op_type: str, inputs: Sequence[str], what: str = "", **attrs: object) -> str:
        out = self.fresh(what or op_type.lower())
        node = helper.make_node(op_type, list(inputs), [out], name=out)
        node.attribute.extend(helper.make_attribute(k, v) for k, v in attrs.items())
        self.nodes.append(node)
        return out

    def const(self, array: np.ndarray, what: str) -> str:
        name = self.fresh(what)
        self.graph.initializer.append(numpy_helper.from_array(array, name))
        self.shapes[name] = (list(array.shape), helper.np_dtype_to_tensor_dtype(array.dtype))
        return name

    def shape(self, name: str) -> list[int]:
        if name not in self.shapes:
            raise self.fail(f"the shape of '{name}' is not known statically")
        return self.shapes[name][0]

    def dtype(self, name: str) -> np.dtype:
        if name not in self.shapes:
            raise self.fail(f"the element type of '{name}' is not known")
        return np.dtype(helper.tensor_dtype_to_np_dtype(self.shapes[name][1]))

    def scalar(self, value: float, like: str) -> str:
        return self.const(np.array(value, dtype=self.dtype(like)), "scalar")

    # ---- the derivative ------------------------------------------------------------------------
    def gradient(
        self, node: onnx.NodeProto, before: Sequence[onnx.NodeProto]
    ) -> list[onnx.NodeProto]:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        xs = [x.decode() for x in attrs.get("xs", [])]
        zs = [z.decode() for z in attrs.get("zs", [])]
        if "y" not in attrs or not xs:
            raise self.fail("attributes 'xs' and 'y' are required")
        y = attrs["y"].decode()
        if len(node.input) != len(xs) + len(zs):
            raise self.fail(f"has {len(node.input)} inputs; 'xs' and 'zs' name {len(xs) + len(zs)}")
        path = self._function(before, y, set(xs) | set(zs))
        leaves = dict(zip([*xs, *zs], node.input, strict=True))
        if any(k != v for k, v in leaves.items()):
            path, y = self._clone(path, leaves, y)
            xs = [leaves[x] for x in xs]
        grads = self._backward(path, y, set(xs))
        for x, out in zip(xs, node.output, strict=False):
            if not out:
                continue
            g = grads.get(x)
            if g is None:
                g = self.const(np.zeros(self.shape(x), self.dtype(x)), "zero_grad")
            self.nodes.append(helper.make_node("Identity", [g], [out], name=out))
        return self.nodes

    def _function(
        self, before: Sequence[onnx.NodeProto], y: str, leaves: set[str]
    ) -> list[onnx.NodeProto]:
        """The nodes (in order) that compute `y` from `leaves`, initializers and constants."""
        producer = {o: n for n in before for o in n.output if o}
        needed: list[onnx.NodeProto] = []
        seen: set[str] = set()
        stack = [y]
        while stack:
            v = stack.pop()
            if v in leaves or v in seen or v not in producer:
                continue
            seen.add(v)
            n = producer[v]
            if n not in needed:
                needed.append(n)
            stack.extend(i for i in n.input if i)
        if y not in producer and y not in leaves:
            raise self.fail(f"y '{y}' is not computed before the Gradient node")
        order = {id(n): k for k, n in enumerate(before)}
        return sorted(needed, key=lambda n: order[id(n)])

    def _clone(
        self, path: list[onnx.NodeProto], leaves: dict[str, str], y: str
    ) -> tuple[list[onnx.NodeProto], str]:
        """`path` re-evaluated at the Gradient node's inputs (renamed copies)."""
        rename = dict(leaves)
        cloned = []
        for n in path:
            outs = []
            for o in n.output:
                rename[o] = self.fresh("at") if o else ""
                if o in self.shapes:
                    self.shapes[rename[o]] = self.shapes[o]
                outs.append(rename[o])
            c = helper.make_node(
                n.op_type, [rename.get(i, i) for i in n.input], outs, domain=n.domain or None
            )
            c.attribute.extend(n.attribute)
            cloned.append(c)
        self.nodes.extend(cloned)
        return cloned, rename.get(y, y)

    def _backward(self, path: list[onnx.NodeProto], y: str, xs: set[str]) -> dict[str, str]:
        """Gradient value names of every value between `xs` and `y`."""
        depends = set(xs)
        for n in path:
            if any(i in depends for i in n.input):
                depends.update(o for o in n.output if o)
        if y not in depends:
            return {}
        parts: dict[str, list[str]] = {
            y: [self.const(np.ones(self.shape(y), self.dtype(y)), "seed")]
        }
        for n in reversed(path):
            out = n.output[0] if n.output else ""
            if out not in parts or not any(i in depends for i in n.input):
                continue
            if n.op_type not in DIFFERENTIABLE or n.domain not in ("", "ai.onnx"):
                raise self.fail(
                    f"cannot differentiate through node '{n.name or n.op_type}' ({n.op_type}); "
                    f"supported: {', '.join(sorted(DIFFERENTIABLE))}"
                )
            g = self._sum(parts[out])
            for i, gi in self._rule(n, g).items():
                if n.input[i] in depends:
                    parts.setdefault(n.input[i], []).append(gi)
        return {x: self._sum(parts[x]) for x in xs if x in parts}

    def _sum(self, terms: list[str]) -> str:
        acc = terms[0]
        for t in terms[1:]:
            acc = self.op("Add", [acc, t], "acc")
        return acc

    def _unbroadcast(self, g: str, operand: str, result: str) -> str:
        """`g` (shaped like `result`) summed over the axes `operand` was broadcast along."""
        s_in, s_out = self.shape(operand), self.shape(result)
        if s_in == s_out:
            return g
        lead = len(s_out) - len(s_in)
        axes = list(range(lead)) + [
            lead + i for i, d in enumerate(s_in) if d == 1 and s_out[lead + i] != 1
        ]
        r = g
        if axes:
            if self.opset >= 13:
                r = self.op("ReduceSum", [g, self.const(np.array(axes, np.int64), "axes")])
            else:
                r = self.op("ReduceSum", [g], axes=axes)
        return self.op("Reshape", [r, self.const(np.array(s_in, np.int64), "shape")], "unbroadcast")

    def _rule(self, n: onnx.NodeProto, g: str) -> dict[int, str]:
        """{input index: gradient w.r.t. that input} given the output gradient `g`."""
        op, ins, y = n.op_type, list(n.input), n.output[0]
        if op in ("Add", "Sub", "Mul", "Div"):
            a, b = ins
            if op == "Add":
                ga, gb = g, g
            elif op == "Sub":
                ga, gb = g, self.op("Neg", [g])
            elif op == "Mul":
                ga, gb = self.op("Mul", [g, b]), self.op("Mul", [g, a])
            else:  # d(a/b)/db = -(a/b)/b
                ga = self.op("Div", [g, b])
                gb = self.op("Neg", [self.op("Div", [self.op("Mul", [g, y]), b])])
            return {0: self._unbroadcast(ga, a, y), 1: self._unbroadcast(gb, b, y)}
        x = ins[0]
        if op == "Neg":
            return {0: self.op("Neg", [g])}
        if op == "Identity":
            return {0: g}
        if op == "Relu":
            positive = self.op("Greater", [x, self.scalar(0.0, x)])
            return {0: self.op("Where", [positive, g, self.scalar(0.0, x)])}
        if op == "Sigmoid":  # y (1 - y)
            one_minus = self.op("Sub", [self.scalar(1.0, y), y])
            return {0: self.op("Mul", [g, self.op("Mul", [y, one_minus])])}
        if op == "Tanh":  # 1 - y^2
            return {
                0: self.op(
                    "Mul", [g, self.op("Sub", [self.scalar(1.0, y), self.op("Mul", [y, y])])]
                )
            }
        if op == "Exp":
            return {0: self.op("Mul", [g, y])}
        if op == "Log":
            return {0: self.op("Div", [g, x])}
        if op == "Sqrt":  # 1 / (2 y)
            return {0: self.op("Div", [g, self.op("Mul", [self.scalar(2.0, y), y])])}
        if op == "Reciprocal":  # -y^2
            return {0: self.op("Neg", [self.op("Mul", [g, self.op("Mul", [y, y])])])}
        # MatMul, 2-d: dA = g B^T, dB = A^T g
        a, b = ins
        if len(self.shape(a)) != 2 or len(self.shape(b)) != 2:
            raise self.fail(f"MatMul '{n.name or y}' is differentiated for 2-d operands only")
        ga = self.op("MatMul", [g, self.op("Transpose", [b], perm=[1, 0])])
        gb = self.op("MatMul", [self.op("Transpose", [a], perm=[1, 0]), g])
        return {0: ga, 1: gb}
