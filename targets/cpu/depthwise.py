"""The `tiled` schedule of depthwise NCHW convolutions (`linalg.depthwise_conv_2d_nchw_chw`).

Linalg's loop order for this op is (n, oh, ow, c, kh, kw): the innermost loops run over taps
and channels (stride H*W), which neither linalg's vectoriser (it only handles 1-d convolutions
and NHWC depthwise decompositions) nor LLVM's can use. The schedule generalises the op and
reorders its loops so that the innermost loop runs over the output width (unit stride in the
output, stride `s` in the input), which LLVM's loop vectoriser turns into vector FMAs:

* wide rows (stride 1, OW >= `WIDE_ROW`): (n, c, oh, kh, kw, ow) - one long vector loop per
  tap; the output row stays in L1 across the kh * kw taps.
* otherwise: the output width is tiled by `OW_TILE` (a static remainder tile is split off, so
  every tile has a static shape) and each tile runs (n, c, oh, ow-tile | kh, kw, ow), a short
  static-trip loop per tap instead of a long one with a scalar tail.

With `threads` > 1 the channels are first distributed by an `scf.forall`.

Dependency contract: none beyond the text protocol of `schedules._Writer` (passed in as `w`);
the caller matched the payload op into `handle` and checked static f32 shapes.
"""

from __future__ import annotations

from typing import Protocol

ANY = "!transform.any_op"
OW_TILE = 16  # output columns per tile of the short-row schedule
WIDE_ROW = 48  # stride-1 rows at least this wide use the untiled long-row schedule

# (n, oh, ow, c, kh, kw) -> (n, c, oh, kh, kw, ow) and -> (n, c, oh, ow, kh, kw)
_WIDE_ORDER = [0, 3, 1, 4, 5, 2]
_TILE_ORDER = [0, 3, 1, 2, 4, 5]
# inside a (n, c, oh, ow) tile: (n, c, oh, ow, kh, kw) -> (n, c, oh, kh, kw, ow)
_INNER_ORDER = [0, 1, 2, 4, 5, 3]


class Writer(Protocol):
    """The part of `schedules._Writer` used here."""

    def fresh(self, base: str) -> str: ...

    def emit(self, line: str) -> None: ...


def _interchange(w: Writer, handle: str, order: list[int]) -> str:
    out = w.fresh("x")
    w.emit(f"{out} = transform.structured.interchange {handle} iterator_interchange = "
           f"{order} : ({ANY}) -> {ANY}")  # fmt: skip
    return out


def _split_width(w: Writer, handle: str, ow: int, tile: int) -> list[tuple[str, int]]:
    """Split off the remainder of the output width (dim 3 after `_TILE_ORDER`)."""
    main = ow - ow % tile
    if main == ow:
        return [(handle, tile)]
    parts, lo, hi = w.fresh("parts"), w.fresh("lo"), w.fresh("hi")
    w.emit(f"{parts} = transform.structured.split {handle} after {main} "
           f"{{dimension = 3}} : {ANY}")  # fmt: skip
    w.emit(f"{lo}, {hi} = transform.split_handle {parts} : ({ANY}) -> ({ANY}, {ANY})")
    return [(lo, tile), (hi, ow - main)]


def _distribute(w: Writer, handle: str, channels: int, threads: int) -> str:
    """Split the channels (dim 1) over `threads` by an scf.forall; the tiled op's handle."""
    if threads == 1:
        return handle
    chunk = -(-channels // threads)
    tiled, loop = w.fresh("t"), w.fresh("forall")
    w.emit(f"{tiled}, {loop} = transform.structured.tile_using_forall {handle} "
           f"tile_sizes [0, {chunk}] : ({ANY}) -> ({ANY}, {ANY})")  # fmt: skip
    return tiled


def depthwise_op(w: Writer, handle: str, channels: int, ow: int, stride_w: int,
                 threads: int) -> None:  # fmt: skip
    """Emit the schedule of one depthwise convolution (`channels`, output width `ow`)."""
    gen = w.fresh("gen")
    w.emit(f"{gen} = transform.structured.generalize {handle} : ({ANY}) -> {ANY}")
    if stride_w == 1 and ow >= WIDE_ROW:
        _distribute(w, _interchange(w, gen, _WIDE_ORDER), channels, threads)
        return
    ordered = _distribute(w, _interchange(w, gen, _TILE_ORDER), channels, threads)
    for part, tile in _split_width(w, ordered, ow, min(OW_TILE, ow)):
        tiled, loops = w.fresh("t"), w.fresh("loops")
        outs = ", ".join([ANY] * 5)
        w.emit(f"{tiled}, {loops}:4 = transform.structured.tile_using_for {part} "
               f"tile_sizes [1, 1, 1, {tile}, 0, 0] : ({ANY}) -> ({outs})")  # fmt: skip
        _interchange(w, tiled, _INNER_ORDER)
