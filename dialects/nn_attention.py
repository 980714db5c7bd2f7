"""`nn` dialect declarations: attention (softmax attention and linear attention).

Part of the `nn` dialect's single declaration (`strata.dialects.nn` collects these into
`DIALECT`). `nn.attention` mirrors ONNX Attention (opsets 23-25) on 4-d operands, so its
operands, results, attributes and defaults are derived from the ONNX schema
(`strata.dialects.onnx_schema.onnx_op`). What Strata normalises: the importer turns 3-d
inputs (with `q_num_heads` / `kv_num_heads`) into the 4-d [batch, heads, sequence, head size]
form and back, so those attributes are dropped; `scale` and `softmax_precision` are always
explicit; every result is always produced (present_key / present_value are the keys and
values themselves without a past; unused results are dead code).

Dependency contract: imports only numpy and `strata.dialects.{opdef,onnx_schema,nn_rules}`.
"""

from __future__ import annotations

import numpy as np

from strata.dialects.nn_rules import (
    BOOL,
    Attrs,
    Specs,
    broadcast_shapes,
    check_choice,
    need_float,
    req,
    same_dim,
    same_dtype,
    show_shape,
)
from strata.dialects.onnx_schema import onnx_op
from strata.dialects.opdef import Dim, OpDef, OpVerifyError, TensorSpec

ATTENTION = "attention"

# ONNX element types `softmax_precision` may name: float, float16, double, bfloat16.
SOFTMAX_PRECISIONS = (1, 10, 11, 16)


def _rank4(spec: TensorSpec, name: str) -> None:
    if spec.rank != 4:
        raise OpVerifyError(
            f"operand '{name}' must be 4-d [batch, heads, sequence, head size], got "
            f"{show_shape(spec.shape)} (the importer reshapes 3-d inputs)"
        )


def _dims_match(a: TensorSpec, an: str, b: TensorSpec, bn: str, axes: tuple[int, ...]) -> None:
    for ax in axes:
        if not same_dim(a.shape[ax], b.shape[ax]):
            raise OpVerifyError(
                f"operands '{an}' {show_shape(a.shape)} and '{bn}' {show_shape(b.shape)} "
                f"differ in dim {ax}"
            )


def _add(a: Dim, b: Dim) -> Dim:
    return None if a is None or b is None else a + b


def attention_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """y [B, Hq, S, Dv], present_key [B, Hk, P + L, D], present_value [B, Hk, P + L, Dv],
    qk_matmul_output [B, Hq, S, P + L]."""
    q, k, v = req(specs[0], "q"), req(specs[1], "k"), req(specs[2], "v")
    mask, past_k, past_v, nonpad = specs[3], specs[4], specs[5], specs[6]
    for spec, name in ((q, "q"), (k, "k"), (v, "v")):
        _rank4(spec, name)
    need_float(q, "q")
    same_dtype(q, "q", k, "k")
    same_dtype(q, "q", v, "v")
    _dims_match(q, "q", k, "k", (0, 3))
    _dims_match(k, "k", v, "v", (0, 1, 2))
    hq, hk = q.shape[1], k.shape[1]
    if hq is not None and hk is not None and (hk < 1 or hq % hk):
        raise OpVerifyError(
            f"the query heads ({hq}) must be a multiple of the key / value heads ({hk})"
        )
    total = k.shape[2]
    if (past_k is None) != (past_v is None):
        raise OpVerifyError("operands 'past_key' and 'past_value' must be given together")
    if past_k is not None and past_v is not None:
        _rank4(past_k, "past_key")
        _rank4(past_v, "past_value")
        same_dtype(q, "q", past_k, "past_key")
        same_dtype(q, "q", past_v, "past_value")
        _dims_match(k, "k", past_k, "past_key", (0, 1, 3))
        _dims_match(v, "v", past_v, "past_value", (0, 1, 3))
        _dims_match(past_k, "past_key", past_v, "past_value", (2,))
        total = _add(past_k.shape[2], total)
    if nonpad is not None:
        if past_k is not None:
            raise OpVerifyError("operand 'nonpad_kv_seqlen' cannot be combined with a past")
        if nonpad.rank != 1 or nonpad.dtype != np.dtype("int64"):
            raise OpVerifyError(
                f"operand 'nonpad_kv_seqlen' must be a 1-d i64 tensor [batch], got "
                f"{show_shape(nonpad.shape)} {nonpad.dtype}"
            )
        _dims_match(nonpad, "nonpad_kv_seqlen", q, "q", (0,))
    if mask is not None:
        if mask.dtype != BOOL:
            same_dtype(q, "q", mask, "attn_mask")
        if not 1 <= mask.rank <= 4:
            raise OpVerifyError(f"operand 'attn_mask' must have rank 1 to 4, got {mask.rank}")
        try:
            broadcast_shapes(mask.shape[:-1], q.shape[:3])
        except OpVerifyError:
            raise OpVerifyError(
                f"operand 'attn_mask' {show_shape(mask.shape)} must broadcast to [batch, "
                f"heads, q sequence, kv sequence] = {show_shape((*q.shape[:3], total))}"
            ) from None
        last = mask.shape[-1]
        if last is not None and total is not None and last > total:
            raise OpVerifyError(
                f"operand 'attn_mask' {show_shape(mask.shape)} covers {last} keys, more "
                f"than the {total} there are"
            )
    check_choice(attrs["qk_matmul_output_mode"], (0, 1, 2, 3), "qk_matmul_output_mode")
    check_choice(attrs["is_causal"], (0, 1), "is_causal")
    check_choice(attrs["softmax_precision"], SOFTMAX_PRECISIONS, "softmax_precision")
    if attrs["softcap"] < 0:
        raise OpVerifyError(f"attribute 'softcap' = {attrs['softcap']} must be >= 0")
    for name in ("left_window_size", "right_window_size"):
        if attrs[name] < -1:
            raise OpVerifyError(f"attribute '{name}' = {attrs[name]} must be >= -1")
    b, s, d, dv = q.shape[0], q.shape[2], k.shape[3], v.shape[3]
    return [
        TensorSpec((b, hq, s, dv), q.dtype),
        TensorSpec((b, hk, total, d), q.dtype),
        TensorSpec((b, hk, total, dv), q.dtype),
        TensorSpec((b, hq, s, total), q.dtype),
    ]


UPDATE_RULES = ("linear", "gated", "delta", "gated_delta")


def _packed(spec: TensorSpec, name: str, heads: int) -> int | None:
    """The per-head size of a packed [B, T, heads * d] operand (None when dynamic)."""
    if spec.rank != 3:
        raise OpVerifyError(
            f"operand '{name}' must be 3-d [batch, time, heads * size], got "
            f"{show_shape(spec.shape)}"
        )
    last = spec.shape[2]
    if last is None:
        return None
    if last % heads:
        raise OpVerifyError(
            f"operand '{name}' {show_shape(spec.shape)}: the last dim must divide into {heads} "
            "heads"
        )
    return last // heads


def linear_attention_rule(specs: Specs, attrs: Attrs) -> list[TensorSpec]:
    """output [B, T, Hq * dv], present_state [B, Hk, dk, dv]."""
    q, k, v = req(specs[0], "query"), req(specs[1], "key"), req(specs[2], "value")
    past, decay, beta = specs[3], specs[4], specs[5]
    hq, hk = attrs["q_num_heads"], attrs["kv_num_heads"]
    if hk < 1 or hq < 1 or hq % hk:
        raise OpVerifyError(
            f"attributes 'q_num_heads' = {hq} and 'kv_num_heads' = {hk}: the query heads must "
            "be a positive multiple of the key / value heads"
        )
    check_choice(attrs["update_rule"], UPDATE_RULES, "update_rule")
    need_float(q, "query")
    for spec, name in ((k, "key"), (v, "value")):
        same_dtype(q, "query", spec, name)
    dq, dk, dv = _packed(q, "query", hq), _packed(k, "key", hk), _packed(v, "value", hk)
    if not same_dim(dq, dk):
        raise OpVerifyError(f"query and key head sizes differ ({dq} and {dk})")
    for spec, name in ((k, "key"), (v, "value")):
        _dims_match(q, "query", spec, name, (0, 1))
    rule = attrs["update_rule"]
    gated, delta = rule in ("gated", "gated_delta"), rule in ("delta", "gated_delta")
    for given, name, wanted in ((decay, "decay", gated), (beta, "beta", delta)):
        if (given is not None) != wanted:
            need = "requires" if wanted else "forbids"
            raise OpVerifyError(f"attribute 'update_rule' = '{rule}' {need} operand '{name}'")
        if given is None:
            continue
        spec = given
        same_dtype(q, "query", spec, name)
        if spec.rank != 3:
            raise OpVerifyError(f"operand '{name}' must be 3-d, got {show_shape(spec.shape)}")
        _dims_match(q, "query", spec, name, (0, 1))
        allowed = (hk, None if dk is None else hk * dk) if name == "decay" else (hk, 1)
        if spec.shape[2] is not None and spec.shape[2] not in allowed:
            raise OpVerifyError(
                f"operand '{name}' {show_shape(spec.shape)}: the last dim must be one of "
                f"{[a for a in allowed if a is not None]}"
            )
    state = (q.shape[0], hk, dk, dv)
    if past is not None:
        need_float(past, "past_state")
        if past.rank != 4 or not all(map(same_dim, past.shape, state)):
            raise OpVerifyError(
                f"operand 'past_state' must have shape {show_shape(state)}, got "
                f"{show_shape(past.shape)}"
            )
    out_last = None if dv is None else hq * dv
    state_dtype = past.dtype if past is not None else q.dtype
    return [
        TensorSpec((q.shape[0], q.shape[1], out_last), q.dtype),
        TensorSpec(state, state_dtype),
    ]


ATTENTION_OPS: tuple[OpDef, ...] = (
    onnx_op(
        "Attention",
        attention_rule,
        category=ATTENTION,
        drop=["q_num_heads", "kv_num_heads"],
        doc="softmax(softcap(q k^T * scale) + bias) v over 4-d operands, the bias combining "
        "`attn_mask`, the causal frontier, the window bounds and `nonpad_kv_seqlen`; grouped "
        "query heads share key / value heads (head h uses key head h / (Hq / Hk)). `scale` is "
        "explicit (the importer computes 1 / sqrt(head size) when ONNX omits it) and so is "
        "`softmax_precision` (the input's ONNX element type when omitted).",
    ),
    onnx_op(
        "LinearAttention",
        linear_attention_rule,
        category=ATTENTION,
        drop=["chunk_size"],
        doc="The recurrence over time on packed 3-d operands, in f32: state *= exp(decay) "
        "(gated), v' = beta (v - k state) (delta), state += k v', output = scale q state "
        "(grouped query heads read key head h / (Hq / Hk)). `scale` 0 means 1 / sqrt(d_k); "
        "`chunk_size` (a tuning hint without effect on the results) is dropped.",
    ),
)
