"""Converters for the optimizers of domain `ai.onnx.preview.training`: Adagrad, Adam and
Momentum (standard and Nesterov).

Each composes the update formulas of the ONNX operator spec from elementwise nn ops, once per
optimized tensor (inputs R, T, then the tensors X..., their gradients G..., and their
accumulators, in groups; outputs the new X..., then each accumulator group). The run-time
learning rate R and iteration count T broadcast as scalars; T's effect (Adagrad's decay, Adam's
bias correction and Momentum's first-step coefficient, both only for T > 0) is computed in
the tensors' element type.

Dependency contract: `mlir`, the converter registry and its composition helpers, and
`strata.frontends.onnx.gradient` (the domain name).
"""

from __future__ import annotations

from collections.abc import Sequence

from mlir import ir

from strata.dialects.opdef import spec_of_type
from strata.frontends.onnx.gradient import DOMAIN
from strata.frontends.onnx.ops.compose import scalar
from strata.frontends.onnx.ops.registry import Node, Output, converter

ELEMENTWISE = ["add", "sub", "mul", "div", "sqrt", "cast"]


def _groups(node: Node, per: int) -> list[list[ir.Value]]:
    """The optimized tensors' operand groups: [X_i, G_i, (accumulators)_i] for each i."""
    n, rest = divmod(node.num_inputs - 2, per)
    if n < 1 or rest:
        node.fail(f"expects R, T and {per} groups of tensors, got {node.num_inputs} inputs")
    vals = [node.value(2 + i) for i in range(n * per)]
    return [[vals[j * n + i] for j in range(per)] for i in range(n)]


def _like(node: Node, i: int, like: ir.Value, what: str) -> ir.Value:
    """Scalar input `i` (R or T) in `like`'s element type."""
    v = node.value(i)
    if node.spec(i).rank != 0 and node.spec(i).shape != (1,):
        node.fail(f"{what} must be a scalar, got shape {list(node.spec(i).shape)}")
    dt = spec_of_type(like.type).dtype
    return v if node.spec(i).dtype == dt else node.build1("cast", [v], {"to": dt})


def _regularized(node: Node, x: ir.Value, g: ir.Value, tag: str) -> ir.Value:
    """norm_coefficient * X + G."""
    lam = float(node.attr("norm_coefficient", 0.0))
    return node.build1("add", [node.build1("mul", [scalar(node, lam, x, f"lam{tag}"), x]), g])


def _positive(node: Node, t: ir.Value, like: ir.Value, tag: str) -> ir.Value:
    """T > 0 as a bool scalar."""
    return node.build1("greater", [t, scalar(node, 0.0, like, f"zero{tag}")])


@converter("Adagrad", domain=DOMAIN, needs=ELEMENTWISE)
def adagrad(node: Node) -> Sequence[Output]:
    decay = float(node.attr("decay_factor", 0.0))
    eps = float(node.attr("epsilon", 0.0))
    xs, hs = [], []
    for i, (x, g, h) in enumerate(_groups(node, 3)):
        r, t = _like(node, 0, x, "R"), _like(node, 1, x, "T")
        one = scalar(node, 1.0, x, f"one{i}")
        t_decay = node.build1("mul", [t, scalar(node, decay, x, f"decay{i}")])
        rate = node.build1("div", [r, node.build1("add", [one, t_decay])])
        gr = _regularized(node, x, g, str(i))
        h_new = node.build1("add", [h, node.build1("mul", [gr, gr])])
        denom = node.build1("add", [node.build1("sqrt", [h_new]), scalar(node, eps, x, f"eps{i}")])
        step = node.build1("div", [node.build1("mul", [rate, gr]), denom])
        xs.append(node.build1("sub", [x, step]))
        hs.append(h_new)
    return [*xs, *hs]


@converter("Adam", domain=DOMAIN, needs=[*ELEMENTWISE, "pow", "greater", "where"])
def adam(node: Node) -> Sequence[Output]:
    alpha = float(node.attr("alpha", 0.9))
    beta = float(node.attr("beta", 0.999))
    eps = float(node.attr("epsilon", 0.0))
    post = float(node.attr("norm_coefficient_post", 0.0))
    xs, vs, hs = [], [], []
    for i, (x, g, v, h) in enumerate(_groups(node, 4)):
        r, t = _like(node, 0, x, "R"), _like(node, 1, x, "T")

        def c(value: float, name: str, like: ir.Value = x, i: int = i) -> ir.Value:
            return scalar(node, value, like, f"{name}{i}")

        gr = _regularized(node, x, g, str(i))
        v_new = node.build1(
            "add",
            [node.build1("mul", [c(alpha, "a"), v]), node.build1("mul", [c(1 - alpha, "a1"), gr])],
        )
        gg = node.build1("mul", [gr, gr])
        h_new = node.build1(
            "add",
            [node.build1("mul", [c(beta, "b"), h]), node.build1("mul", [c(1 - beta, "b1"), gg])],
        )
        denom = node.build1("add", [node.build1("sqrt", [h_new]), c(eps, "eps")])
        one = c(1.0, "one")
        # bias correction r * sqrt(1 - beta^T) / (1 - alpha^T), only for T > 0
        bt = node.build1("sub", [one, node.build1("pow", [c(beta, "bp"), t])])
        at = node.build1("sub", [one, node.build1("pow", [c(alpha, "ap"), t])])
        corrected = node.build1("div", [node.build1("mul", [r, node.build1("sqrt", [bt])]), at])
        rate = node.build1("where", [_positive(node, t, x, str(i)), corrected, r])
        x_new = node.build1(
            "sub", [x, node.build1("mul", [rate, node.build1("div", [v_new, denom])])]
        )
        if post != 0.0:
            x_new = node.build1("mul", [c(1.0 - post, "post"), x_new])
        xs.append(x_new)
        vs.append(v_new)
        hs.append(h_new)
    return [*xs, *vs, *hs]


@converter("Momentum", domain=DOMAIN, needs=[*ELEMENTWISE, "greater", "where"])
def momentum(node: Node) -> Sequence[Output]:
    alpha = float(node.attr("alpha"))
    beta = float(node.attr("beta"))
    mode = str(node.attr("mode"))
    if mode not in ("standard", "nesterov"):
        node.fail(f"mode '{mode}' must be 'standard' or 'nesterov'")
    xs, vs = [], []
    for i, (x, g, v) in enumerate(_groups(node, 3)):
        r, t = _like(node, 0, x, "R"), _like(node, 1, x, "T")
        gr = _regularized(node, x, g, str(i))
        # the gradient's coefficient is 1 at the first iteration (T = 0)
        b = node.build1(
            "where",
            [
                _positive(node, t, x, str(i)),
                scalar(node, beta, x, f"b{i}"),
                scalar(node, 1.0, x, f"one{i}"),
            ],
        )
        a = scalar(node, alpha, x, f"a{i}")
        v_new = node.build1("add", [node.build1("mul", [a, v]), node.build1("mul", [b, gr])])
        if mode == "standard":
            step = v_new
        else:
            step = node.build1("add", [gr, node.build1("mul", [a, v_new])])
        xs.append(node.build1("sub", [x, node.build1("mul", [r, step])]))
        vs.append(v_new)
    return [*xs, *vs]
