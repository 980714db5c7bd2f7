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

Dependency contract: the schedule primitives of `strata.targets.cpu.schedule_api` only; the
caller matched the payload op into `op` and checked static f32 shapes.
"""

from __future__ import annotations

from strata.targets.cpu.schedule_api import OpHandle

OW_TILE = 16  # output columns per tile of the short-row schedule
WIDE_ROW = 48  # stride-1 rows at least this wide use the untiled long-row schedule

# (n, oh, ow, c, kh, kw) -> (n, c, oh, kh, kw, ow) and -> (n, c, oh, ow, kh, kw)
_WIDE_ORDER = [0, 3, 1, 4, 5, 2]
_TILE_ORDER = [0, 3, 1, 2, 4, 5]
# inside a (n, c, oh, ow) tile: (n, c, oh, ow, kh, kw) -> (n, c, oh, kh, kw, ow)
_INNER_ORDER = [0, 1, 2, 4, 5, 3]


def _split_width(op: OpHandle, ow: int, tile: int) -> list[tuple[OpHandle, int]]:
    """Split off the remainder of the output width (dim 3 after `_TILE_ORDER`)."""
    main = ow - ow % tile
    if main == ow:
        return [(op, tile)]
    lo, hi = op.split(3, main)
    return [(lo, tile), (hi, ow - main)]


def _distribute(op: OpHandle, channels: int, threads: int) -> OpHandle:
    """Split the channels (dim 1) over `threads` by an scf.forall; the tiled op's handle."""
    if threads == 1:
        return op
    tiled, _forall = op.parallel([0, -(-channels // threads)], names=("t", "forall"))
    return tiled


def depthwise_op(op: OpHandle, channels: int, ow: int, stride_w: int, threads: int) -> None:
    """Schedule one depthwise convolution (`channels`, output width `ow`)."""
    gen = op.generalize()
    if stride_w == 1 and ow >= WIDE_ROW:
        _distribute(gen.reorder(_WIDE_ORDER), channels, threads)
        return
    ordered = _distribute(gen.reorder(_TILE_ORDER), channels, threads)
    for part, tile in _split_width(ordered, ow, min(OW_TILE, ow)):
        tiled, _loops = part.tile([1, 1, 1, tile, 0, 0])
        tiled.reorder(_INNER_ORDER)
