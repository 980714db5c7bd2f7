"""Axis permutations of imported TF values: how NHWC graphs use nn's channel-first ops.

nn's conv and pool ops take N x C x spatial tensors. TF image models are NHWC. The importer
does not wrap each conv in transposes: a converter may return its result *permuted* (a
`Tensor` whose MLIR value holds the TF value's axes in the order `perm`, NCHW for NHWC), and
the ops that do not care about the axis order (elementwise math, batch norm, bias add,
reductions, concat, pad, the next conv / pool) take such a value as it is, mapping their axis
arguments through the permutation. A transpose is emitted only where a permuted value meets
an op that needs TF's order (a reshape, a matmul, a graph output), once per value. A frozen
Keras MobileNetV2 gets one transpose at its input and none inside.

Dependency contract: numpy and the converter registry's `Tensor`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from strata.frontends.tf.ops.registry import Node, Tensor

# TF NHWC value -> channel-first storage (storage axis k holds TF axis NCHW[k])
NCHW: tuple[int, ...] = (0, 3, 1, 2)


def inverse(perm: Sequence[int]) -> tuple[int, ...]:
    inv = [0] * len(perm)
    for k, p in enumerate(perm):
        inv[p] = k
    return tuple(inv)


def storage_axis(perm: tuple[int, ...] | None, axis: int) -> int:
    """Where TF axis `axis` lies in a value permuted by `perm`."""
    return axis if perm is None else perm.index(axis)


def after_removing(perm: tuple[int, ...] | None, removed: Sequence[int]) -> tuple[int, ...] | None:
    """The permutation of a value permuted by `perm` once TF axes `removed` are dropped (a
    reduction without keep_dims, a squeeze); None when the rest is in TF's order."""
    if perm is None:
        return None
    gone = set(removed)
    kept = [a for a in range(len(perm)) if a not in gone]
    renumber = {a: k for k, a in enumerate(kept)}
    rest = tuple(renumber[p] for p in perm if p not in gone)
    return None if rest == tuple(range(len(rest))) else rest


def common_perm(inputs: Sequence[Tensor]) -> tuple[int, ...] | None:
    """The permutation that elementwise operands should share: that of a permuted operand of
    the largest rank among the operands (None: compute in TF's order)."""
    rank = max(t.spec().rank for t in inputs)
    for t in inputs:
        if t.perm is not None and len(t.perm) == rank:
            return t.perm
    return None


def operands_as(node: Node, perm: tuple[int, ...] | None) -> list:
    """Every input of `node` laid out for elementwise math under `perm`: broadcasting
    follows numpy's right-aligned rule in TF's order, so a lower-rank operand is first given
    leading 1-dims, then permuted like the others (known arrays in numpy, at import time)."""
    if perm is None:
        return [node.value(i) for i in range(len(node.inputs))]
    rank = len(perm)
    out = []
    for i, t in enumerate(node.inputs):
        s = t.spec()
        if t.perm == perm:
            out.append(t.value)
        elif all(d == 1 for d in s.shape):  # broadcasts the same in any order
            out.append(node.value(i))
        elif s.rank == rank:
            out.append(node.value_as(i, perm))
        elif t.array is not None:
            full = t.array.reshape((1,) * (rank - s.rank) + t.array.shape)
            out.append(node.constant(np.ascontiguousarray(full.transpose(perm)), f"in{i}"))
        else:
            if any(d is None for d in s.shape):
                node.fail(f"input {i} has dynamic dims {list(s.shape)} and a lower rank")
            shape = [1] * (rank - s.rank) + [int(d) for d in s.shape if d is not None]
            full_v = node.build1("reshape", [node.value(i)], {"shape": shape})
            out.append(node.build1("transpose", [full_v], {"perm": list(perm)}))
    return out
