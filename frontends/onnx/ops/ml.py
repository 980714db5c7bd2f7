"""Converters for the `ai.onnx.ml` domain (Binarizer, ArrayFeatureExtractor) and for the
default domain's TfIdfVectorizer.

Binarizer is 1 where X > threshold, else 0 (X's element type). ArrayFeatureExtractor gathers
the flattened indices along the last axis; a 1-d input gives one row (ONNX Runtime's and
onnx.reference's reading of the spec).

TfIdfVectorizer (integer pools; the row length must be static) is composed from nn ops: for
each n-gram length n in [min_gram_length, max_gram_length] and skip distance d (1 .. max_skip
+ 1; unigrams only at d = 1, as onnx.reference counts them), the windows of n tokens d apart
are compared with the pool's n-grams of that length (one equal per token, broadcast against
the pool, and-ed), counted over the row, summed over d, and placed at their `ngram_indexes`
by a one-hot matmul; the TF / IDF / TFIDF weighting follows.

Dependency contract: numpy, `mlir`, the converter registry and its composition helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from mlir import ir

from strata.frontends.onnx.ops.compose import scalar
from strata.frontends.onnx.ops.registry import Node, Output, converter

ML = "ai.onnx.ml"


@converter("Binarizer", domain=ML, needs=["greater", "where"])
def binarizer(node: Node) -> Sequence[Output]:
    x = node.value(0)
    threshold = scalar(node, float(node.attr("threshold", 0.0)), x, "threshold")
    above = node.build1("greater", [x, threshold])
    return [
        node.build1("where", [above, scalar(node, 1.0, x, "one"), scalar(node, 0.0, x, "zero")])
    ]


@converter("ArrayFeatureExtractor", domain=ML, needs=["gather", "reshape"])
def array_feature_extractor(node: Node) -> Sequence[Output]:
    x, idx = node.value(0), node.value(1)
    rank = node.spec(0).rank
    if rank < 1:
        node.fail("X must have rank >= 1")
    if node.spec(1).rank != 1:
        idx = node.build1("reshape", [idx], {"shape": [-1]})
    z = node.build1("gather", [x, idx], {"axis": rank - 1})
    return [node.build1("reshape", [z], {"shape": [1, -1]}) if rank == 1 else z]


TFIDF_OPS = ["slice", "unsqueeze", "equal", "and", "cast", "reduce_sum", "add", "mat_mul"]


def _pool(node: Node) -> list[tuple[int, list[int], int]]:
    """(n, tokens, output index) of each pool n-gram of a length in [min, max]."""
    if node.has_attr("pool_strings"):
        node.fail("string pools (pool_strings) are not supported; only pool_int64s")
    pool = [int(v) for v in node.attr("pool_int64s", [])]
    counts = [int(v) for v in node.attr("ngram_counts", [])]
    indexes = [int(v) for v in node.attr("ngram_indexes", [])]
    lo, hi = int(node.attr("min_gram_length")), int(node.attr("max_gram_length"))
    out, gram_id = [], 0
    for i, start in enumerate(counts):
        n = i + 1
        end = counts[i + 1] if i + 1 < len(counts) else len(pool)
        for k in range((end - start) // n):
            tokens = pool[start + k * n : start + (k + 1) * n]
            if gram_id >= len(indexes):
                node.fail(
                    f"ngram_indexes has {len(indexes)} entries, fewer than the pool's n-grams"
                )
            if lo <= n <= hi:
                out.append((n, tokens, indexes[gram_id]))
            gram_id += 1
    return out


@converter("TfIdfVectorizer", since=9, needs=[*TFIDF_OPS, "greater", "where", "mul"])
def tfidf_vectorizer(node: Node) -> Sequence[Output]:
    spec = node.spec(0)
    if spec.dtype.kind not in "iu" or spec.rank not in (1, 2):
        node.fail(f"X must be a 1-d or 2-d integer tensor, got {spec.dtype} rank {spec.rank}")
    length = node.static_shape(0, "the n-gram windows")[-1]
    x = node.value(0)
    indexes = [int(v) for v in node.attr("ngram_indexes", [])]
    size = max(indexes) + 1
    skips = int(node.attr("max_skip_count", 0)) + 1
    f32 = np.dtype("float32")
    total: ir.Value | None = None
    grams = _pool(node)
    for n in sorted({g[0] for g in grams}):
        of_n = [g for g in grams if g[0] == n]
        tokens = np.array([g[1] for g in of_n], dtype=spec.dtype)  # [K, n]
        counts: ir.Value | None = None
        for d in range(1, (1 if n == 1 else skips) + 1):
            windows = length - (n - 1) * d
            if windows <= 0:
                break
            hit: ir.Value | None = None
            for t in range(n):
                attrs = {"starts": [t * d], "ends": [t * d + windows], "axes": [spec.rank - 1]}
                w = node.build1("slice", [x], {**attrs, "steps": [1]})
                w = node.build1("unsqueeze", [w], {"axes": [spec.rank]})  # [.., windows, 1]
                eq = node.build1("equal", [w, node.constant(tokens[:, t], f"pool{n}_{t}")])
                hit = eq if hit is None else node.build1("and", [hit, eq])
            assert hit is not None
            found = node.build1("cast", [hit], {"to": f32})
            c = node.build1("reduce_sum", [found], {"axes": [spec.rank - 1], "keepdims": 0})
            counts = c if counts is None else node.build1("add", [counts, c])
        if counts is None:
            continue
        place = np.zeros((len(of_n), size), f32)
        place[np.arange(len(of_n)), [g[2] for g in of_n]] = 1.0
        y = node.build1("mat_mul", [counts, node.constant(place, f"place{n}")])
        total = y if total is None else node.build1("add", [total, y])
    if total is None:  # no n-gram of a counted length: all zeros
        rows = node.static_shape(0, "an empty pool's result")[:-1]
        return [np.zeros((*rows, size), f32)]
    mode = str(node.attr("mode"))
    weights = node.attr("weights")
    if mode == "TF":
        return [total]
    if mode not in ("IDF", "TFIDF"):
        node.fail(f"mode '{mode}' must be TF, IDF or TFIDF")
    w = None if weights is None or len(weights) == 0 else np.asarray(weights, f32)
    if mode == "TFIDF":
        return [total if w is None else node.build1("mul", [total, node.constant(w, "weights")])]
    present = node.build1("greater", [total, scalar(node, 0.0, total, "threshold")])
    on = scalar(node, 1.0, total, "one") if w is None else node.constant(w, "weights")
    return [node.build1("where", [present, on, scalar(node, 0.0, total, "zero")])]
