"""nn.rnn / nn.gru / nn.lstm -> an scf.for over the time steps with linalg matmuls inside.

Per direction, the input projection of every step (X @ W^T plus the biases that do not
depend on the state) is one linalg.matmul over all seq * batch rows before the loop. The
loop carries the hidden state h [batch, hidden] (LSTM: and the cell c) and the direction's
output Y [seq, batch, hidden]; each step reads its rows of the projection, computes the
recurrence h @ R^T with a linalg.matmul and the gate arithmetic in one linalg.generic over
[batch, hidden] that reads each gate at its column offset (GRU without
`linear_before_reset` needs a second matmul, on r * h). Gate pre-activations are clipped to
[-clip, clip] when `clip` is finite (as ONNX Runtime does: not the input of LSTM's h).

`sequence_lens`: batch entry b runs only its first len[b] steps; after them its state stays
and its Y rows are 0. A reverse direction without lengths reads and writes step S-1-s; with
lengths, each batch entry's first len[b] rows of the projection are reversed before the
loop and the output rows after it, so the loop itself always runs forward. Layout 1 inputs
and outputs are transposed to and from layout 0.

Dependency contract: imports the `mlir` bindings, `strata.dialects.nn_rnn` (activation
names and defaults) and `strata.passes.lowering.{common,sizes,approx}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mlir import ir
from mlir.dialects import arith, linalg, math, scf, tensor

from strata.dialects.nn_rnn import DEFAULT_ACTIVATIONS, GATES, resolved_activations
from strata.passes.lowering import approx
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    LoweringError,
    amap,
    attr_float,
    attr_int,
    attr_str,
    collapse,
    const,
    dim,
    elem,
    empty,
    expand,
    fill,
    generic,
    identity_map,
    index,
    is_float,
    rank,
    to_index,
)
from strata.passes.lowering.sizes import Size

Scalar = Callable[[ir.Value], ir.Value]

# ---- activation functions ---------------------------------------------------------------------


def activation(name: str, alpha: float, beta: float) -> Scalar:
    """The scalar function of an nn_rnn activation (f32 tanh / exp: polynomial forms)."""

    def c(x: ir.Value, v: float) -> ir.Value:
        return const(x.type, v)

    def exp(x: ir.Value) -> ir.Value:
        return approx.exp(x)

    def relu(x: ir.Value) -> ir.Value:
        return arith.maximumf(x, c(x, 0.0))

    def affine(x: ir.Value) -> ir.Value:
        return arith.addf(arith.mulf(x, c(x, alpha)), c(x, beta))

    def leaky_relu(x: ir.Value) -> ir.Value:
        neg = arith.cmpf(CMPF["olt"], x, c(x, 0.0))
        return arith.select(neg, arith.mulf(x, c(x, alpha)), x)

    def thresholded_relu(x: ir.Value) -> ir.Value:
        return arith.select(arith.cmpf(CMPF["ogt"], x, c(x, alpha)), x, c(x, 0.0))

    def scaled_tanh(x: ir.Value) -> ir.Value:
        return arith.mulf(c(x, alpha), approx.tanh(arith.mulf(x, c(x, beta))))

    def hard_sigmoid(x: ir.Value) -> ir.Value:
        y = arith.addf(arith.mulf(x, c(x, alpha)), c(x, beta))
        return arith.minimumf(arith.maximumf(y, c(x, 0.0)), c(x, 1.0))

    def elu(x: ir.Value) -> ir.Value:
        neg = arith.cmpf(CMPF["olt"], x, c(x, 0.0))
        return arith.select(neg, arith.mulf(c(x, alpha), arith.subf(exp(x), c(x, 1.0))), x)

    def softsign(x: ir.Value) -> ir.Value:
        return arith.divf(x, arith.addf(c(x, 1.0), math.absf(x)))

    def softplus(x: ir.Value) -> ir.Value:
        # max(x, 0) + log(1 + exp(-|x|)): no overflow for large |x|
        tail = math.log(arith.addf(c(x, 1.0), exp(arith.negf(math.absf(x)))))
        return arith.addf(arith.maximumf(x, c(x, 0.0)), tail)

    table: dict[str, Scalar] = {
        "Relu": relu,
        "Tanh": approx.tanh,
        "Sigmoid": approx.sigmoid,
        "Affine": affine,
        "LeakyRelu": leaky_relu,
        "ThresholdedRelu": thresholded_relu,
        "ScaledTanh": scaled_tanh,
        "HardSigmoid": hard_sigmoid,
        "Elu": elu,
        "Softsign": softsign,
        "Softplus": softplus,
    }
    if name not in table:
        raise LoweringError(f"unknown recurrent activation '{name}'")
    return table[name]


# ---- tensor helpers ---------------------------------------------------------------------------


def _mixed(vals: Sequence[Size]) -> tuple[list[ir.Value], list[int]]:
    return [v for v in vals if not isinstance(v, int)], sz.statics(vals)


def _slice(
    v: ir.Value, offsets: Sequence[Size], sizes: Sequence[Size], drop: Sequence[int] = ()
) -> ir.Value:
    """tensor.extract_slice (unit strides); `drop`: size-1 axes left out of the result."""
    shape = [s for i, s in enumerate(sz.statics(sizes)) if i not in drop]
    rt = ir.RankedTensorType.get(shape, elem(v))
    do, so = _mixed(offsets)
    ds, ss = _mixed(sizes)
    return tensor.ExtractSliceOp(rt, v, do, ds, [], so, ss, [1] * len(sizes)).result


def _insert(
    src: ir.Value, dest: ir.Value, offsets: Sequence[Size], sizes: Sequence[Size]
) -> ir.Value:
    """tensor.insert_slice of `src` (rank-reduced where `sizes` has extra unit dims)."""
    do, so = _mixed(offsets)
    ds, ss = _mixed(sizes)
    return tensor.InsertSliceOp(src, dest, do, ds, [], so, ss, [1] * len(sizes)).result


def _transpose(v: ir.Value, perm: Sequence[int]) -> ir.Value:
    sizes = sz.sizes_of(v)
    out = empty([sizes[p] for p in perm], elem(v))
    return linalg.transpose(v, outs=[out], permutation=list(perm)).results[0]


def _matmul(a: ir.Value, b: ir.Value) -> ir.Value:
    """[m, k] @ [k, n] as linalg.matmul into a zero-filled [m, n]."""
    m = sz.dim_of(a, 0)
    n = sz.dim_of(b, 1)
    return linalg.matmul(a, b, outs=[fill([m, n], elem(a), 0.0)])


def _batch_map() -> ir.AffineMap:
    return amap(2, [dim(0)])


# ---- the op -----------------------------------------------------------------------------------


@dataclass
class _Recurrent:
    """An nn.rnn / nn.gru / nn.lstm op's operands and attributes, layout 0."""

    kind: str
    x: ir.Value  # [S, B, I]
    w: ir.Value
    r: ir.Value
    b: ir.Value | None
    lens: ir.Value | None
    h0: ir.Value | None  # [D, B, H]
    c0: ir.Value | None
    p: ir.Value | None
    hidden: int
    directions: int
    reverse_only: bool
    layout: int
    clip: float
    acts: list[tuple[str, float, float]]
    linear_before_reset: bool
    input_forget: bool

    @property
    def gates(self) -> int:
        return GATES[self.kind]

    @property
    def t(self) -> ir.Type:
        return elem(self.x)


_OPERANDS = {
    "rnn": ("x", "w", "r", "b", "sequence_lens", "initial_h"),
    "gru": ("x", "w", "r", "b", "sequence_lens", "initial_h"),
    "lstm": ("x", "w", "r", "b", "sequence_lens", "initial_h", "initial_c", "p"),
}


def _read(op: ir.Operation, kind: str) -> _Recurrent:
    names = _OPERANDS[kind]
    seg = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
    vals: dict[str, ir.Value | None] = {}
    it = iter(op.operands)
    for name, count in zip(names, seg, strict=True):
        vals[name] = next(it) if count else None
    layout = attr_int(op, "layout")
    x = vals["x"]
    assert x is not None and vals["w"] is not None and vals["r"] is not None
    if not is_float(elem(x)):
        raise LoweringError(f"'{op.name}' needs a floating-point 'x', got {elem(x)}")
    h0, c0 = vals["initial_h"], vals.get("initial_c")
    if layout == 1:  # to [S, B, I] / [D, B, H]
        x = _transpose(x, [1, 0, 2])
        h0 = _transpose(h0, [1, 0, 2]) if h0 is not None else None
        c0 = _transpose(c0, [1, 0, 2]) if c0 is not None else None
    direction = attr_str(op, "direction")
    attrs = {
        "direction": direction,
        "activations": [ir.StringAttr(a).value for a in ir.ArrayAttr(op.attributes["activations"])],
        "activation_alpha": list(ir.DenseF32ArrayAttr(op.attributes["activation_alpha"])),
        "activation_beta": list(ir.DenseF32ArrayAttr(op.attributes["activation_beta"])),
    }
    return _Recurrent(
        kind=kind,
        x=x,
        w=vals["w"],
        r=vals["r"],
        b=vals["b"],
        lens=vals["sequence_lens"],
        h0=h0,
        c0=c0,
        p=vals.get("p"),
        hidden=attr_int(op, "hidden_size"),
        directions=2 if direction == "bidirectional" else 1,
        reverse_only=direction == "reverse",
        layout=layout,
        clip=attr_float(op, "clip"),
        acts=resolved_activations(kind, attrs),
        linear_before_reset=kind == "gru" and attr_int(op, "linear_before_reset") == 1,
        input_forget=kind == "lstm" and attr_int(op, "input_forget") == 1,
    )


def _lower(op: ir.Operation, kind: str) -> list[ir.Value]:
    rec = _read(op, kind)
    s, b = sz.dim_of(rec.x, 0), sz.dim_of(rec.x, 1)
    h = rec.hidden
    per = len(DEFAULT_ACTIVATIONS[kind])
    ys, hs, cs = [], [], []
    for d in range(rec.directions):
        reverse = rec.reverse_only or d == 1
        y, h_last, c_last = _Direction(rec, d, reverse, rec.acts[d * per : (d + 1) * per]).run()
        ys.append(y)
        hs.append(h_last)
        cs.append(c_last)
    t = rec.t
    dn = rec.directions
    y_all = empty([s, dn, b, h], t)
    h_all = empty([dn, b, h], t)
    c_all = empty([dn, b, h], t)
    for d in range(dn):
        y_all = _insert(ys[d], y_all, [0, d, 0, 0], [s, 1, b, h])
        h_all = _insert(hs[d], h_all, [d, 0, 0], [1, b, h])
        if kind == "lstm":
            c_all = _insert(cs[d], c_all, [d, 0, 0], [1, b, h])
    if rec.layout == 1:
        y_all = _transpose(y_all, [2, 0, 1, 3])
        h_all = _transpose(h_all, [1, 0, 2])
        c_all = _transpose(c_all, [1, 0, 2])
    return [y_all, h_all, c_all] if kind == "lstm" else [y_all, h_all]


class _Direction:
    """The loop of one direction; `acts`: its activation functions (f[, g[, h]])."""

    def __init__(
        self, rec: _Recurrent, d: int, reverse: bool, acts: Sequence[tuple[str, float, float]]
    ) -> None:
        self.rec = rec
        self.d = d
        self.reverse = reverse
        self.fns = [activation(*a) for a in acts]
        self.t = rec.t
        self.h = rec.hidden
        self.gh = rec.gates * rec.hidden
        self.s = sz.dim_of(rec.x, 0)
        self.batch = sz.dim_of(rec.x, 1)

    # -- per-direction weights ------------------------------------------------------------

    def _weights_t(self, v: ir.Value) -> ir.Value:
        """W[d] / R[d] ([gates * H, K]) transposed to [K, gates * H]."""
        k = sz.dim_of(v, 2)
        return _transpose(_slice(v, [self.d, 0, 0], [1, self.gh, k], drop=[0]), [1, 0])

    def _bias(self, half: int) -> ir.Value | None:
        """Wb[d] (half 0) or Rb[d] (half 1), [gates * H]; None without B."""
        if self.rec.b is None:
            return None
        return _slice(self.rec.b, [self.d, half * self.gh], [1, self.gh], drop=[0])

    def _input_projection(self) -> ir.Value:
        """X @ W[d]^T + biases, as [S * B, gates * H] rows (step s: rows s*B .. s*B+B)."""
        rec = self.rec
        rows = collapse(rec.x, [[0, 1], [2]])
        xw = _matmul(rows, self._weights_t(rec.w))
        wb, rb = self._bias(0), self._bias(1)
        if wb is None or rb is None:
            return xw
        gru_h = 2 * self.h if rec.kind == "gru" else None  # GRU's Rb_h joins inside the loop
        n = [sz.dim_of(xw, 0), self.gh]

        def body(v: ir.Value, bw: ir.Value, br: ir.Value, _: ir.Value) -> ir.Value:
            both = arith.addf(bw, br)
            if gru_h is not None:
                before = arith.cmpi(CMPI["slt"], index(1), sz.cindex(gru_h))
                both = arith.select(before, both, bw)
            return arith.addf(v, both)

        col = amap(2, [dim(1)])
        return generic(
            [xw, wb, rb], [empty(n, self.t)], [identity_map(2), col, col, identity_map(2)],
            "pp", body,
        )[0]  # fmt: skip

    def _reverse_rows(self, v: ir.Value, lens: ir.Value, width: Size) -> ir.Value:
        """Per batch entry, its first len[b] steps in reverse order, then zeros; `v` is
        [S * B, width] rows (step-major)."""
        batch = sz.value(self.batch)
        t = elem(v)

        def body(_: ir.Value) -> ir.Value:
            row, col = index(0), index(1)
            step = arith.divui(row, batch)
            bi = arith.remui(row, batch)
            n = to_index(tensor.extract(lens, [bi]))
            valid = arith.cmpi(CMPI["slt"], step, n)
            src_step = arith.subi(arith.subi(n, sz.cindex(1)), step)
            src = arith.addi(arith.muli(src_step, batch), bi)
            src = arith.select(valid, src, row)
            return arith.select(valid, tensor.extract(v, [src, col]), const(t, 0.0))

        out = empty([sz.dim_of(v, 0), width], t)
        return generic([], [out], [identity_map(2)], "pp", body)[0]

    # -- the loop ---------------------------------------------------------------------------

    def _initial(self, v: ir.Value | None) -> ir.Value:
        if v is None:
            return fill([self.batch, self.h], self.t, 0.0)
        return _slice(v, [self.d, 0, 0], [1, self.batch, self.h], drop=[0])

    def run(self) -> tuple[ir.Value, ir.Value, ir.Value | None]:
        """(Y [S, B, H], last h [B, H], last c [B, H] for LSTM)."""
        rec = self.rec
        lens = rec.lens
        xw = self._input_projection()
        gathered = self.reverse and lens is not None
        if gathered:
            assert lens is not None
            xw = self._reverse_rows(xw, lens, self.gh)
        rt = self._weights_t(rec.r)  # [H, gates * H]
        peep = None
        if rec.p is not None:
            peep = _slice(rec.p, [self.d, 0], [1, 3 * self.h], drop=[0])
        h0 = self._initial(rec.h0)
        c0 = self._initial(rec.c0) if rec.kind == "lstm" else None
        y0 = empty([self.s, self.batch, self.h], self.t)
        inits = [h0, y0] + ([c0] if c0 is not None else [])
        loop = scf.ForOp(sz.cindex(0), sz.value(self.s), sz.cindex(1), inits)
        with ir.InsertionPoint(loop.body):
            step = loop.induction_variable
            h_prev, y = loop.inner_iter_args[0], loop.inner_iter_args[1]
            c_prev = loop.inner_iter_args[2] if c0 is not None else None
            mirrored = self.reverse and not gathered
            pos = sz.value(sz.sub(sz.sub(self.s, 1), step)) if mirrored else step
            row0 = arith.muli(pos, sz.value(self.batch))
            xw_t = _slice(xw, [row0, 0], [self.batch, self.gh])
            outs = self._step(xw_t, h_prev, c_prev, rt, peep, step)
            h_new, y_t = outs[0], outs[1]
            y = _insert(y_t, y, [pos, 0, 0], [1, self.batch, self.h])
            scf.YieldOp([h_new, y] + ([outs[2]] if c0 is not None else []))
        h_last = loop.results[0]
        y_out = loop.results[1]
        c_last = loop.results[2] if c0 is not None else None
        if gathered:
            assert lens is not None
            flat = collapse(y_out, [[0, 1], [2]])
            back = self._reverse_rows(flat, lens, self.h)
            y_out = expand(back, [[0, 1], [2]], [self.s, self.batch, self.h])
        return y_out, h_last, c_last

    def _step(
        self,
        xw_t: ir.Value,
        h_prev: ir.Value,
        c_prev: ir.Value | None,
        rt: ir.Value,
        peep: ir.Value | None,
        step: ir.Value,
    ) -> list[ir.Value]:
        """(h_new, y_t[, c_new]) of one step: masked by sequence_lens where given."""
        rec = self.rec
        if rec.kind == "rnn":
            outs = self._rnn(xw_t, _matmul(h_prev, rt))
        elif rec.kind == "gru":
            outs = self._gru(xw_t, h_prev, rt)
        else:
            assert c_prev is not None
            outs = self._lstm(xw_t, _matmul(h_prev, rt), c_prev, peep)
        h_raw = outs[0]
        if rec.lens is None:
            return [h_raw, h_raw, *outs[1:]]
        return self._masked(rec.lens, step, h_raw, h_prev, outs[1:], c_prev)

    def _masked(
        self,
        lens: ir.Value,
        step: ir.Value,
        h_raw: ir.Value,
        h_prev: ir.Value,
        rest: Sequence[ir.Value],
        c_prev: ir.Value | None,
    ) -> list[ir.Value]:
        """Entries past their sequence length keep their state and output 0."""
        t = self.t
        ins = [lens, h_raw, h_prev] + ([rest[0], c_prev] if c_prev is not None else [])
        maps = [_batch_map()] + [identity_map(2)] * (len(ins) - 1)
        n_out = 3 if c_prev is not None else 2
        maps += [identity_map(2)] * n_out

        def body(*a: ir.Value) -> list[ir.Value]:
            n = a[0]
            valid = arith.cmpi(CMPI["slt"], arith.index_cast(n.type, step), n)
            out = [arith.select(valid, a[1], a[2]), arith.select(valid, a[1], const(t, 0.0))]
            if c_prev is not None:
                out.append(arith.select(valid, a[3], a[4]))
            return out

        inits = [empty([self.batch, self.h], t) for _ in range(n_out)]
        return generic(ins, inits, maps, "pp", body)

    def _clip(self, x: ir.Value) -> ir.Value:
        c = self.rec.clip
        if c == float("inf"):
            return x
        return arith.minimumf(arith.maximumf(x, const(x.type, -c)), const(x.type, c))

    def _gates(self, v: ir.Value, count: int) -> list[ir.Value]:
        """The first `count` gates of [batch, gates * H] as [batch, H] slices."""
        return [_slice(v, [0, k * self.h], [self.batch, self.h]) for k in range(count)]

    def _pointwise(
        self, ins: Sequence[ir.Value], outs: int, body: Callable[..., list[ir.Value]]
    ) -> list[ir.Value]:
        """A generic over [batch, H]: [batch, H] operands elementwise, [H] vectors by column;
        `body(*scalars)` gets the input scalars only."""
        maps = [identity_map(2) if rank(v) == 2 else amap(2, [dim(1)]) for v in ins]
        maps += [identity_map(2)] * outs
        inits = [empty([self.batch, self.h], self.t) for _ in range(outs)]

        def wrapped(*a: ir.Value) -> list[ir.Value]:
            return body(*a[: len(ins)])

        return generic(list(ins), inits, maps, "pp", wrapped)

    def _rnn(self, xw_t: ir.Value, hr: ir.Value) -> list[ir.Value]:
        f = self.fns[0]
        return self._pointwise([xw_t, hr], 1, lambda x, r: [f(self._clip(arith.addf(x, r)))])

    def _lstm(
        self, xw_t: ir.Value, hr: ir.Value, c_prev: ir.Value, peep: ir.Value | None
    ) -> list[ir.Value]:
        """Gates i, o, f, c (ONNX order); peepholes P = [Pi, Po, Pf]."""
        f, g, hf = self.fns
        hh = self.h
        ins = [c_prev, *self._gates(xw_t, 4), *self._gates(hr, 4)]
        if peep is not None:
            ins += [_slice(peep, [k * hh], [hh]) for k in range(3)]
        clip = self._clip
        input_forget = self.rec.input_forget

        def body(*a: ir.Value) -> list[ir.Value]:
            c, xi, xo, xf, xc, ri, ro, rf, rc = a[:9]
            pi = po = pf = None
            if peep is not None:
                pi, po, pf = a[9:12]
            i_pre = arith.addf(xi, ri)
            if pi is not None:
                i_pre = arith.addf(i_pre, arith.mulf(pi, c))
            i = f(clip(i_pre))
            if input_forget:
                fg = arith.subf(const(c.type, 1.0), i)
            else:
                f_pre = arith.addf(xf, rf)
                if pf is not None:
                    f_pre = arith.addf(f_pre, arith.mulf(pf, c))
                fg = f(clip(f_pre))
            cand = g(clip(arith.addf(xc, rc)))
            c_new = arith.addf(arith.mulf(fg, c), arith.mulf(i, cand))
            o_pre = arith.addf(xo, ro)
            if po is not None:
                o_pre = arith.addf(o_pre, arith.mulf(po, c_new))
            o = f(clip(o_pre))
            return [arith.mulf(o, hf(c_new)), c_new]

        return self._pointwise(ins, 2, body)

    def _gru(self, xw_t: ir.Value, h_prev: ir.Value, rt: ir.Value) -> list[ir.Value]:
        """Gates z, r, h (ONNX order)."""
        f, g = self.fns
        hh = self.h
        clip = self._clip
        rb = self._bias(1)
        rbh = _slice(rb, [2 * hh], [hh]) if rb is not None else fill([hh], self.t, 0.0)
        xz, xr, xh = self._gates(xw_t, 3)
        if self.rec.linear_before_reset:
            rz, rr, rh = self._gates(_matmul(h_prev, rt), 3)

            def fused(*a: ir.Value) -> list[ir.Value]:
                hp, xz_, xr_, xh_, rz_, rr_, rh_, bh = a
                z = f(clip(arith.addf(xz_, rz_)))
                r = f(clip(arith.addf(xr_, rr_)))
                cand = g(clip(arith.addf(xh_, arith.mulf(r, arith.addf(rh_, bh)))))
                return [_gru_mix(z, cand, hp)]

            return self._pointwise([h_prev, xz, xr, xh, rz, rr, rh, rbh], 1, fused)
        rt_zr = _slice(rt, [0, 0], [hh, 2 * hh])
        rt_h = _slice(rt, [0, 2 * hh], [hh, hh])
        rz, rr = self._gates(_matmul(h_prev, rt_zr), 2)

        def reset(hp: ir.Value, xr_: ir.Value, rr_: ir.Value) -> list[ir.Value]:
            return [arith.mulf(f(clip(arith.addf(xr_, rr_))), hp)]

        (r_h,) = self._pointwise([h_prev, xr, rr], 1, reset)
        m = _matmul(r_h, rt_h)

        def update(*a: ir.Value) -> list[ir.Value]:
            hp, xz_, xh_, rz_, m_, bh = a
            z = f(clip(arith.addf(xz_, rz_)))
            cand = g(clip(arith.addf(arith.addf(xh_, m_), bh)))
            return [_gru_mix(z, cand, hp)]

        return self._pointwise([h_prev, xz, xh, rz, m, rbh], 1, update)


def _gru_mix(z: ir.Value, cand: ir.Value, h_prev: ir.Value) -> ir.Value:
    """(1 - z) * cand + z * h_prev."""
    one = const(z.type, 1.0)
    return arith.addf(arith.mulf(arith.subf(one, z), cand), arith.mulf(z, h_prev))


def lower_rnn(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return _lower(op, "rnn")


def lower_gru(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return _lower(op, "gru")


def lower_lstm(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    return _lower(op, "lstm")


LOWERINGS = {"LowerRNN": lower_rnn, "LowerGRU": lower_gru, "LowerLSTM": lower_lstm}

__all__ = ["LOWERINGS", "activation"]
