"""nn.attention -> linalg.generics: scores contraction, bias, guarded softmax, value contraction.

For 4-d q [B, Hq, S, D], keys / values [B, Hk, T, D / Dv] (the past concatenated in front of
k / v with insert_slice; these are the present_key / present_value results):

1. scores[b, h, s, t] = sum_d (q * sqrt(scale)) (k[b, h / (Hq / Hk)] * sqrt(scale)) — grouped
   query heads read their key head through a floordiv indexing map;
2. bias[b, h, s, t] from the (padded, broadcast) attn_mask and, computed from the iteration
   indices, the causal frontier (t <= s + offset), the window bounds and the padding of
   nonpad_kv_seqlen; offset is the past length, or nonpad_kv_seqlen[b] - S;
3. logits = softcap(scores) + bias; softmax over t with ONNX's guards (a row whose maximum is
   -inf subtracts 0, a zero sum divides by 1) and the fully-masked-row guard (a row whose bias
   is -inf everywhere gives probabilities 0);
4. y[b, h, s, dv] = sum_t p v[b, h / (Hq / Hk)].

Arithmetic runs in f32 (f64 for f64 inputs or softmax_precision = double); for 16-bit inputs
intermediate results are rounded to the input type (to the softmax precision inside the
softmax) where ONNX's reference rounds them: scaled q / k, scores, logits, x - max, exp, the
sum, the probabilities. `qk_matmul_output` is the scores (mode 0), the
softcapped scores (1), the logits (2) or the probabilities (3). Every size may be dynamic;
the head counts must be static when they differ.

nn.linear_attention: an scf.for over time carries the f32 state [B, Hk, dk, dv] and the
output; each step is a few generics on the time slice (decay scaling, the delta correction's
retrieval and update, the outer-product update, the grouped read-out).

Dependency contract: imports the `mlir` bindings and `strata.passes.lowering.{common,sizes,
approx}`.
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, math, scf

from strata.passes.lowering import approx
from strata.passes.lowering import sizes as sz
from strata.passes.lowering.common import (
    CMPF,
    CMPI,
    LoweringError,
    amap,
    attr_float,
    attr_int,
    broadcast_map,
    cast_scalar,
    collapse,
    const,
    dim,
    elem,
    elementwise,
    empty,
    expand,
    extract_slice,
    fill,
    generic,
    identity_map,
    index,
    index_type,
    insert_slice,
    is_bool,
    lowest,
    optional_operands,
    pad_const,
    reshape_to,
)
from strata.passes.lowering.sizes import Size

# ONNX element type codes of softmax_precision -> MLIR float types.
_PRECISIONS: dict[int, Callable[[], ir.Type]] = {
    1: ir.F32Type.get,
    10: ir.F16Type.get,
    11: ir.F64Type.get,
    16: ir.BF16Type.get,
}


def _is16(t: ir.Type) -> bool:
    return isinstance(t, ir.F16Type | ir.BF16Type)


def _rounder(t: ir.Type, ct: ir.Type) -> Callable[[ir.Value], ir.Value]:
    """x (ct) rounded to t and back when t is narrower than ct (else x itself)."""
    if t == ct or not _is16(t):
        return lambda x: x
    return lambda x: cast_scalar(cast_scalar(x, t), ct)


def _concat_seq(past: ir.Value, new: ir.Value) -> ir.Value:
    """past ++ new along axis 2 (the sequence)."""
    ps, ns = sz.sizes_of(past), sz.sizes_of(new)
    out = [ns[0], ns[1], sz.add(ps[2], ns[2]), ns[3]]
    acc = insert_slice(past, empty(out, elem(new)), [0, 0, 0, 0])
    return insert_slice(new, acc, [0, 0, ps[2], 0])


def _kv_map(r: int, last: int) -> ir.AffineMap:
    """(b, h, s, t, x) -> (b, h floordiv r, t, x) for a key / value operand (x = dim `last`)."""
    head = dim(1) if r == 1 else ir.AffineExpr.get_floor_div(dim(1), ir.AffineConstantExpr.get(r))
    return amap(5, [dim(0), head, dim(3), dim(last)])


def lower_attention(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    q, k, v, mask, past_k, past_v, nonpad = optional_operands(op, 7)
    assert q is not None and k is not None and v is not None
    t = elem(q)
    prec = _PRECISIONS[attr_int(op, "softmax_precision")]()
    f64 = ir.F64Type.get()
    ct = f64 if isinstance(t, ir.F64Type) or isinstance(prec, ir.F64Type) else ir.F32Type.get()
    rnd = _rounder(t, ct)
    keys = k if past_k is None else _concat_seq(past_k, k)
    values = v if past_v is None else _concat_seq(past_v, v)
    bsz, hq, s_len, _ = sz.sizes_of(q)
    hk, total = sz.dim_of(keys, 1), sz.dim_of(keys, 2)
    dv = sz.dim_of(values, 3)
    if not (isinstance(hq, int) and isinstance(hk, int)):
        raise LoweringError("attention needs static head counts (q and key / value heads)")
    r = hq // hk
    out4 = [bsz, hq, s_len, total]

    # 1. scores (ct), q and k scaled by sqrt(scale) in the input type first
    sq = pymath.sqrt(attr_float(op, "scale"))
    if _is16(t):
        sq = float(np.float16(sq))

    def score(qv: ir.Value, kv: ir.Value, acc: ir.Value) -> ir.Value:
        qs = cast_scalar(arith.mulf(qv, const(t, sq)), ct)
        ks = cast_scalar(arith.mulf(kv, const(t, sq)), ct)
        return arith.addf(acc, arith.mulf(qs, ks))

    q_map = amap(5, [dim(0), dim(1), dim(2), dim(4)])
    o_map = amap(5, [dim(0), dim(1), dim(2), dim(3)])
    scores = generic(
        [q, keys], [fill(out4, ct, 0.0)], [q_map, _kv_map(r, 4), o_map], "ppppr", score
    )[0]
    if _is16(t):
        scores = elementwise([scores], out4, ct, rnd)

    # 2. bias (ct), or None when nothing masks
    bias = _bias(op, mask, nonpad, out4, ct, past_k)

    # 3. logits and the guarded softmax over t
    cap = attr_float(op, "softcap")
    capped = scores
    if cap > 0:

        def softcap(x: ir.Value) -> ir.Value:
            th = approx.tanh(arith.divf(x, const(ct, cap)))
            return rnd(arith.mulf(th, const(ct, cap)))

        capped = elementwise([scores], out4, ct, softcap)
    logits = capped
    if bias is not None:
        logits = elementwise([capped, bias], out4, ct, lambda x, b: rnd(arith.addf(x, b)))
    probs = _softmax(logits, bias, out4, ct, _rounder(prec, ct), rnd)

    # 4. y = p v
    p_map = amap(5, [dim(0), dim(1), dim(2), dim(3)])
    y_map = amap(5, [dim(0), dim(1), dim(2), dim(4)])

    def weigh(pv: ir.Value, vv: ir.Value, acc: ir.Value) -> ir.Value:
        return arith.addf(acc, arith.mulf(pv, cast_scalar(vv, ct)))

    y = generic(
        [probs, values],
        [fill([bsz, hq, s_len, dv], ct, 0.0)],
        [p_map, _kv_map(r, 4), y_map],
        "pppr" + "p",
        weigh,
    )[0]
    mode = attr_int(op, "qk_matmul_output_mode")
    qk = {0: scores, 1: capped, 2: logits, 3: probs}[mode]
    return [_to(y, t), keys, values, _to(qk, t)]


def _to(v: ir.Value, t: ir.Type) -> ir.Value:
    if elem(v) == t:
        return v
    return elementwise([v], sz.sizes_of(v), t, lambda x: cast_scalar(x, t))


def _bias(
    op: ir.Operation,
    mask: ir.Value | None,
    nonpad: ir.Value | None,
    out4: list[Size],
    ct: ir.Type,
    past_k: ir.Value | None,
) -> ir.Value | None:
    causal = bool(attr_int(op, "is_causal"))
    left, right = attr_int(op, "left_window_size"), attr_int(op, "right_window_size")
    windowed = left >= 0 or right >= 0
    if mask is None and nonpad is None and not causal and not windowed:
        return None
    total = out4[3]
    ins: list[ir.Value] = []
    maps: list[ir.AffineMap] = []
    target = sz.statics(out4)
    if mask is not None:
        mt = elem(mask)
        missing = sz.sub(total, sz.dim_of(mask, len(sz.sizes_of(mask)) - 1))
        if not (isinstance(missing, int) and missing == 0):
            rank = len(sz.sizes_of(mask))
            fill_value: float | int = 0 if is_bool(mt) else -np.inf
            mask = pad_const(mask, [0] * rank, [0] * (rank - 1) + [missing], fill_value)
        ins.append(mask)
        maps.append(broadcast_map(sz.statics(sz.sizes_of(mask)), target))
    if nonpad is not None:
        ins.append(nonpad)
        maps.append(amap(4, [dim(0)]))
    it = index_type()
    neg_inf = -np.inf

    def body(*vals: ir.Value) -> ir.Value:
        vals = vals[:-1]
        pos = 0
        value = const(ct, 0.0)
        if mask is not None:
            m = vals[pos]
            pos += 1
            value = (
                arith.select(m, const(ct, 0.0), const(ct, neg_inf))
                if is_bool(m.type)
                else cast_scalar(m, ct)
            )
        seqlen = arith.index_cast(it, vals[pos]) if nonpad is not None else None
        s_i, t_i = index(2), index(3)
        if past_k is not None:
            offset = sz.value(sz.dim_of(past_k, 2))
        elif seqlen is not None:
            offset = arith.subi(seqlen, sz.value(out4[2]))
        else:
            offset = const(it, 0)
        frontier = arith.addi(s_i, offset)  # the query's absolute position
        allowed: ir.Value | None = None

        def both(c: ir.Value) -> None:
            nonlocal allowed
            allowed = c if allowed is None else arith.andi(allowed, c)

        if causal:
            both(arith.cmpi(CMPI["sle"], t_i, frontier))
        if left >= 0:
            both(arith.cmpi(CMPI["sle"], arith.subi(frontier, t_i), const(it, left)))
        if right >= 0:
            both(arith.cmpi(CMPI["sle"], arith.subi(t_i, frontier), const(it, right)))
        if seqlen is not None:
            both(arith.cmpi(CMPI["slt"], t_i, seqlen))
        if allowed is None:
            return value
        return arith.select(allowed, value, const(ct, neg_inf))

    return generic(ins, [empty(out4, ct)], [*maps, identity_map(4)], "pppp", body)[0]


def _softmax(
    logits: ir.Value,
    bias: ir.Value | None,
    out4: list[Size],
    ct: ir.Type,
    to_precision: Callable[[ir.Value], ir.Value],
    rnd: Callable[[ir.Value], ir.Value],
) -> ir.Value:
    """Softmax over the last axis with ONNX's reference guards (see the module doc); values
    are rounded to the softmax precision where the reference rounds them (x - max, exp, the
    sum, the quotient), then to the input type."""
    rows = out4[:3]
    row_map = amap(4, [dim(0), dim(1), dim(2)])
    full = identity_map(4)
    neg_inf = const(ct, -np.inf)

    def row_max(x: ir.Value) -> ir.Value:
        return generic(
            [x],
            [fill(rows, ct, lowest(ct))],
            [full, row_map],
            "pppr",
            lambda v, acc: arith.maximumf(v, acc),
        )[0]

    m = row_max(logits)

    def shifted(v: ir.Value, mx: ir.Value) -> ir.Value:
        safe = arith.select(arith.cmpf(CMPF["oeq"], mx, neg_inf), const(ct, 0.0), mx)
        return to_precision(approx.exp(to_precision(arith.subf(v, safe))))

    maps = [full, row_map, full]
    e = generic([logits, m], [empty(out4, ct)], maps, "pppp", lambda v, mx, _: shifted(v, mx))[0]
    total = generic(
        [e], [fill(rows, ct, 0.0)], [full, row_map], "pppr", lambda v, acc: arith.addf(v, acc)
    )[0]
    ins, maps = [e, total], [full, row_map]
    if bias is not None:
        ins.append(row_max(bias))
        maps.append(row_map)

    def normalise(*vals: ir.Value) -> ir.Value:
        v, s = vals[0], to_precision(vals[1])
        s = arith.select(arith.cmpf(CMPF["oeq"], s, const(ct, 0.0)), const(ct, 1.0), s)
        p = rnd(to_precision(arith.divf(v, s)))
        if bias is None:
            return p
        masked = arith.cmpf(CMPF["oeq"], vals[2], neg_inf)
        return arith.select(masked, const(ct, 0.0), p)

    return generic(ins, [empty(out4, ct)], [*maps, full], "pppp", lambda *a: normalise(*a[:-1]))[0]


# ---- linear attention ------------------------------------------------------------------------


def _time_step(x4: ir.Value, t: ir.Value) -> ir.Value:
    """x4[:, t] as [B, H, d] (x4: [B, T, H, d])."""
    b, _, h, d = sz.sizes_of(x4)
    step = extract_slice(x4, [0, t, 0, 0], [b, 1, h, d])
    return collapse(step, [[0, 1], [2], [3]])


def _to_f32(v: ir.Value) -> ir.Value:
    f32 = ir.F32Type.get()
    if elem(v) == f32:
        return v
    return elementwise([v], sz.sizes_of(v), f32, lambda x: cast_scalar(x, f32))


def lower_linear_attention(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    q, k, v, past, decay, beta = optional_operands(op, 6)
    assert q is not None and k is not None and v is not None
    t = elem(q)
    f32 = ir.F32Type.get()
    hq, hk = attr_int(op, "q_num_heads"), attr_int(op, "kv_num_heads")
    r = hq // hk
    bsz, steps, q_last = sz.sizes_of(q)
    dk = sz.floordiv(q_last, hq)
    dv = sz.floordiv(sz.dim_of(v, 2), hk)
    q4 = _to_f32(reshape_to(q, [bsz, steps, hq, dk]))
    k4 = _to_f32(reshape_to(k, [bsz, steps, hk, dk]))
    v4 = _to_f32(reshape_to(v, [bsz, steps, hk, dv]))

    def per_head(x: ir.Value) -> ir.Value:
        """A decay / beta operand [B, T, H * d] as [B, T, H, d] (d = 1 for per-head)."""
        last = sz.dim_of(x, 2)
        heads = hk if not (isinstance(last, int) and last == 1) else 1
        return _to_f32(reshape_to(x, [bsz, steps, heads, sz.floordiv(last, heads)]))

    decay4 = per_head(decay) if decay is not None else None
    beta4 = per_head(beta) if beta is not None else None
    scale: float | ir.Value = attr_float(op, "scale")
    if scale == 0.0:
        if isinstance(dk, int):
            scale = 1.0 / pymath.sqrt(dk)
        else:
            scale = arith.divf(const(f32, 1.0), math.sqrt(_as_f32(dk)))
    state_shape = [bsz, hk, dk, dv]
    state0 = _to_f32(past) if past is not None else fill(state_shape, f32, 0.0)
    out0 = fill([bsz, steps, hq, dv], f32, 0.0)
    it = index_type()
    loop = scf.ForOp(const(it, 0), sz.value(steps), const(it, 1), [state0, out0])
    full4 = identity_map(4)
    with ir.InsertionPoint(loop.body):
        ti = loop.induction_variable
        state, out = loop.inner_iter_args
        k_t, v_t = _time_step(k4, ti), _time_step(v4, ti)
        if decay4 is not None:
            g = _time_step(decay4, ti)
            g_map = amap(4, [dim(0), dim(1), dim(2) if sz.dim_of(g, 2) != 1 else cst(0)])
            state = generic(
                [g],
                [state],  # in place: the loop carries one state buffer
                [g_map, full4],
                "pppp",
                lambda g_, s_: arith.mulf(s_, approx.exp(g_)),
            )[0]
        if beta4 is not None:
            # retrieved[b, h, m] = sum_d state[b, h, d, m] k[b, h, d]; dims (b, h, m, d)
            retrieved = generic(
                [state, k_t],
                [fill([bsz, hk, dv], f32, 0.0)],
                [
                    amap(4, [dim(0), dim(1), dim(3), dim(2)]),
                    amap(4, [dim(0), dim(1), dim(3)]),
                    amap(4, [dim(0), dim(1), dim(2)]),
                ],
                "pppr",
                lambda s_, k_, acc: arith.addf(acc, arith.mulf(s_, k_)),
            )[0]
            b_t = _time_step(beta4, ti)
            b_map = amap(3, [dim(0), dim(1) if sz.dim_of(b_t, 1) != 1 else cst(0), cst(0)])
            v_t = generic(
                [v_t, retrieved, b_t],
                [empty([bsz, hk, dv], f32)],
                [identity_map(3), identity_map(3), b_map, identity_map(3)],
                "ppp",
                lambda x, rv, bv, _: arith.mulf(bv, arith.subf(x, rv)),
            )[0]
        state = generic(
            [k_t, v_t],
            [state],
            [amap(4, [dim(0), dim(1), dim(2)]), amap(4, [dim(0), dim(1), dim(3)]), full4],
            "pppp",
            lambda k_, v_, s_: arith.addf(s_, arith.mulf(k_, v_)),
        )[0]
        # o[b, h, m] = scale * sum_d q[b, h, d] state[b, h / r, d, m]; dims (b, h, m, d)
        head = dim(1) if r == 1 else ir.AffineExpr.get_floor_div(dim(1), cst(r))
        q_t = _time_step(q4, ti)
        o = generic(
            [q_t, state],
            [fill([bsz, hq, dv], f32, 0.0)],
            [
                amap(4, [dim(0), dim(1), dim(3)]),
                amap(4, [dim(0), head, dim(3), dim(2)]),
                amap(4, [dim(0), dim(1), dim(2)]),
            ],
            "pppr",
            lambda q_, s_, acc: arith.addf(acc, arith.mulf(q_, s_)),
        )[0]
        factor = scale if isinstance(scale, ir.Value) else const(f32, scale)
        o = elementwise([o], [bsz, hq, dv], f32, lambda x: arith.mulf(x, factor))
        o = expand(o, [[0, 1], [2], [3]], [bsz, 1, hq, dv])
        scf.YieldOp([state, insert_slice(o, out, [0, ti, 0, 0])])
    final_state, outputs = loop.results
    y = _to(reshape_to(outputs, [bsz, steps, sz.mul(dv, hq)]), t)
    return [y, _to(final_state, elem(op.results[1]))]


def _as_f32(size: Size) -> ir.Value:
    return arith.sitofp(ir.F32Type.get(), arith.index_cast(ir.IntegerType.get_signless(64), size))


def cst(c: int) -> ir.AffineExpr:
    return ir.AffineConstantExpr.get(c)


LOWERINGS = {"LowerAttention": lower_attention, "LowerLinearAttention": lower_linear_attention}
