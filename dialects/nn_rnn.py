"""`nn` dialect declarations: recurrent layers (RNN, GRU, LSTM).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). The ops mirror ONNX, so operands, attributes and defaults are derived from the
ONNX schemas (`strata.dialects.onnx_schema.onnx_op`); what is Strata's own is the shape rule
and the normal form the importer gives the attributes (`normalize_activations`):

* `activations` lists every direction's functions explicitly (RNN: f; GRU: f, g; LSTM:
  f, g, h), spelled as ONNX spells them (`Sigmoid`, `LeakyRelu`, ...); [] means the defaults;
* `activation_alpha` / `activation_beta` hold one value per entry of `activations` (0 where
  the function takes none; [] means each function's default). The importer resolves ONNX's
  lists as ONNX Runtime consumes them: in order, by the functions that take the parameter,
  with the defaults below for missing ones;
* `clip` is +inf for "no clipping"; `hidden_size` is always present.

All three results are always produced (y: every step's hidden state; y_h: the last one;
y_c: LSTM's last cell state); unused ones are dead code for the lowering.

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from strata.dialects.nn_rules import Attrs, Specs, need_float, req, same_dim, show_shape
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import Dim, OpDef, OpVerifyError, ShapeRule, TensorSpec

RECURRENT = "recurrent"

# Activation functions of the recurrent ops: ONNX name -> (takes alpha, takes beta, default
# alpha, default beta). Defaults are those of the ONNX operators of the same name (Affine:
# alpha 1, beta 0; ScaledTanh, whose ONNX op has none: 1, 1, i.e. tanh).
ACTIVATIONS: dict[str, tuple[bool, bool, float, float]] = {
    "Relu": (False, False, 0.0, 0.0),
    "Tanh": (False, False, 0.0, 0.0),
    "Sigmoid": (False, False, 0.0, 0.0),
    "Affine": (True, True, 1.0, 0.0),
    "LeakyRelu": (True, False, 0.01, 0.0),
    "ThresholdedRelu": (True, False, 1.0, 0.0),
    "ScaledTanh": (True, True, 1.0, 1.0),
    "HardSigmoid": (True, True, 0.2, 0.5),
    "Elu": (True, False, 1.0, 0.0),
    "Softsign": (False, False, 0.0, 0.0),
    "Softplus": (False, False, 0.0, 0.0),
}
_BY_LOWER = {k.lower(): k for k in ACTIVATIONS}

# Per op: gates stacked in W / R, and the default activation functions of one direction.
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
DEFAULT_ACTIVATIONS = {
    "rnn": ("Tanh",),
    "gru": ("Sigmoid", "Tanh"),
    "lstm": ("Sigmoid", "Tanh", "Tanh"),
}
DIRECTIONS = ("forward", "reverse", "bidirectional")


def num_directions(direction: str) -> int:
    if direction not in DIRECTIONS:
        raise OpVerifyError(f"attribute 'direction' = '{direction}' must be one of {DIRECTIONS}")
    return 2 if direction == "bidirectional" else 1


def normalize_activations(
    kind: str,
    names: Sequence[str] | None,
    alphas: Sequence[float] | None,
    betas: Sequence[float] | None,
    directions: int,
) -> tuple[list[str], list[float], list[float]]:
    """ONNX's `activations` / `activation_alpha` / `activation_beta` in nn's normal form
    (see the module doc). A list for one direction of a bidirectional op serves both."""
    per = len(DEFAULT_ACTIVATIONS[kind])
    given = list(names) if names else list(DEFAULT_ACTIVATIONS[kind]) * directions
    if len(given) == per and directions == 2:
        given = given * 2
    if len(given) != per * directions:
        raise OpVerifyError(
            f"attribute 'activations' has {len(given)} entries, expected {per * directions} "
            f"({per} per direction)"
        )
    out: list[str] = []
    for n in given:
        canonical = _BY_LOWER.get(str(n).lower())
        if canonical is None:
            raise OpVerifyError(f"activation '{n}' is not one of {', '.join(ACTIVATIONS)}")
        out.append(canonical)
    a_iter, b_iter = iter(list(alphas or [])), iter(list(betas or []))
    a_out: list[float] = []
    b_out: list[float] = []
    for n in out:
        takes_a, takes_b, da, db = ACTIVATIONS[n]
        a_out.append(float(next(a_iter, da)) if takes_a else 0.0)
        b_out.append(float(next(b_iter, db)) if takes_b else 0.0)
    return out, a_out, b_out


def resolved_activations(kind: str, attrs: Attrs) -> list[tuple[str, float, float]]:
    """(function, alpha, beta) of each activation of an op in normal form, directions in
    order; OpVerifyError for a bad list."""
    d = num_directions(attrs["direction"])
    per = len(DEFAULT_ACTIVATIONS[kind])
    acts = list(attrs["activations"]) or list(DEFAULT_ACTIVATIONS[kind]) * d
    if len(acts) != per * d or any(a not in ACTIVATIONS for a in acts):
        raise OpVerifyError(
            f"attribute 'activations' = {acts} must list {per * d} of {', '.join(ACTIVATIONS)}"
        )
    params = []
    for k, name in enumerate(("activation_alpha", "activation_beta")):
        given = [float(v) for v in attrs[name]]
        if not given:
            given = [ACTIVATIONS[a][2 + k] for a in acts]
        if len(given) != len(acts):
            raise OpVerifyError(
                f"attribute '{name}' has {len(given)} entries, expected one per activation "
                f"({len(acts)}) or none"
            )
        params.append(given)
    return list(zip(acts, params[0], params[1], strict=True))


def _check_shape(spec: TensorSpec, want: Sequence[Dim], what: str, meaning: str) -> None:
    if spec.rank != len(want) or not all(
        same_dim(a, b) for a, b in zip(spec.shape, want, strict=True)
    ):
        raise OpVerifyError(
            f"operand '{what}' has shape {show_shape(spec.shape)}, expected "
            f"{show_shape(want)} ({meaning})"
        )


def _merge(a: Dim, b: Dim) -> Dim:
    return a if a is not None else b


def recurrent_rule(kind: str) -> ShapeRule:
    """The shape rule of nn.rnn / nn.gru / nn.lstm."""
    gates = GATES[kind]

    def rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
        x, w, r = req(specs[0], "x"), req(specs[1], "w"), req(specs[2], "r")
        b, lens, h0 = specs[3], specs[4], specs[5]
        c0, p = (specs[6], specs[7]) if kind == "lstm" else (None, None)
        need_float(x, "x")
        for s, n in ((w, "w"), (r, "r"), (b, "b"), (h0, "initial_h"), (c0, "initial_c"),
                     (p, "p")):  # fmt: skip
            if s is not None and s.dtype != x.dtype:
                raise OpVerifyError(f"operand '{n}' is {s.dtype}, 'x' is {x.dtype}")
        d = num_directions(attrs["direction"])
        hidden = int(attrs["hidden_size"])
        if hidden < 1:
            raise OpVerifyError(f"attribute 'hidden_size' = {hidden} must be >= 1")
        layout = int(attrs["layout"])
        if layout not in (0, 1):
            raise OpVerifyError(f"attribute 'layout' = {layout} must be 0 or 1")
        if x.rank != 3:
            raise OpVerifyError(
                f"operand 'x' has shape {show_shape(x.shape)}, expected rank 3 "
                + ("[seq, batch, input]" if layout == 0 else "[batch, seq, input]")
            )
        seq, batch = (x.shape[0], x.shape[1]) if layout == 0 else (x.shape[1], x.shape[0])
        gh = gates * hidden
        _check_shape(w, [d, gh, x.shape[2]], "w", "[directions, gates * hidden, input]")
        _check_shape(r, [d, gh, hidden], "r", "[directions, gates * hidden, hidden]")
        if b is not None:
            _check_shape(b, [d, 2 * gh], "b", "[directions, 2 * gates * hidden]")
        if lens is not None:
            if lens.dtype not in (np.dtype("int32"), np.dtype("int64")):
                raise OpVerifyError(
                    f"operand 'sequence_lens' must be an i32 or i64 tensor, got {lens.dtype}"
                )
            _check_shape(lens, [batch], "sequence_lens", "[batch]")
            batch = _merge(batch, lens.shape[0])
        state = [d, batch, hidden] if layout == 0 else [batch, d, hidden]
        meaning = "[directions, batch, hidden]" if layout == 0 else "[batch, directions, hidden]"
        for s, n in ((h0, "initial_h"), (c0, "initial_c")):
            if s is not None:
                _check_shape(s, state, n, meaning)
                batch = _merge(batch, s.shape[1 if layout == 0 else 0])
        if p is not None:
            _check_shape(p, [d, 3 * hidden], "p", "[directions, 3 * hidden]")
        resolved_activations(kind, attrs)
        clip = float(attrs["clip"])
        if not clip > 0:
            raise OpVerifyError(f"attribute 'clip' = {clip} must be > 0 (+inf: no clipping)")
        if kind == "lstm" and int(attrs["input_forget"]) not in (0, 1):
            raise OpVerifyError(f"attribute 'input_forget' = {attrs['input_forget']} must be 0/1")
        if kind == "gru" and int(attrs["linear_before_reset"]) not in (0, 1):
            raise OpVerifyError(
                f"attribute 'linear_before_reset' = {attrs['linear_before_reset']} must be 0/1"
            )
        ys = [seq, d, batch, hidden] if layout == 0 else [batch, seq, d, hidden]
        state = [d, batch, hidden] if layout == 0 else [batch, d, hidden]
        out = [TensorSpec.of(ys, x.dtype), TensorSpec.of(state, x.dtype)]
        if kind == "lstm":
            out.append(TensorSpec.of(state, x.dtype))
        return out

    return rule


_NORMAL_FORM = {
    "activations": [],
    "activation_alpha": [],
    "activation_beta": [],
    "clip": math.inf,
}
_DOC = (
    "Attributes in the normal form of `strata.dialects.nn_rnn`: `activations` lists every "
    "direction's functions ([]: the defaults), `activation_alpha` / `activation_beta` one "
    "value per activation ([]: each function's default), `clip` +inf for none. All results "
    "are always produced."
)

RECURRENT_OPS: tuple[OpDef, ...] = tuple(
    onnx_op(op_type, recurrent_rule(kind), category=RECURRENT, defaults=_NORMAL_FORM, doc=_DOC)
    for op_type, kind in (("RNN", "rnn"), ("GRU", "gru"), ("LSTM", "lstm"))
)
