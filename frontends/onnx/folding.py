"""Import-time evaluation of ONNX nodes whose inputs are all constants.

Nodes are evaluated with ONNX's own reference implementation (`onnx.reference`), one node at a
time in a one-node model carrying the source model's opsets, so every opset's semantics are the
reference's, not ours. Shape/Size of a statically shaped value are computed from its shape.

Dependency contract: numpy and `onnx` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import onnx
from onnx import helper
from onnx.reference import ReferenceEvaluator
from onnx.reference.op_run import OpRun

# A folded value may grow beyond its inputs only up to this many elements; larger results
# (e.g. ConstantOfShape/Expand to a big tensor) stay ops when a converter exists.
FOLD_LIMIT = 65536

NEVER_FOLD = frozenset(
    {
        "RandomNormal",
        "RandomUniform",
        "RandomNormalLike",
        "RandomUniformLike",
        "Multinomial",
        "Bernoulli",
    }
)


# Sequence and optional values are import-time structures (`ops.sequence`), never folded:
# the reference evaluator returns Python lists / None for them.
SEQUENCE_OPS = frozenset(
    {
        "SequenceEmpty",
        "SequenceConstruct",
        "SequenceInsert",
        "SequenceErase",
        "SequenceAt",
        "SequenceLength",
        "SequenceMap",
        "SplitToSequence",
        "ConcatFromSequence",
        "Optional",
        "OptionalHasElement",
        "OptionalGetElement",
    }
)


class GatherElements(OpRun):
    """onnx 1.23's reference GatherElements goes through np.choose, which takes at most 32
    choices, and its fallback mis-gathers (e.g. BERT's [1, 512] position buffer); ONNX defines
    the op as take_along_axis, which is what this override computes."""

    def _run(self, data: np.ndarray, indices: np.ndarray, axis: int = 0) -> tuple[np.ndarray]:
        idx = np.where(indices < 0, indices + data.shape[axis], indices)
        return (np.take_along_axis(data, idx, axis=axis),)


OVERRIDES: list[type[OpRun]] = [GatherElements]


class FoldError(Exception):
    """The reference evaluator failed on a node (message: its error)."""


def can_fold(node: onnx.NodeProto) -> bool:
    """Whether the node may be evaluated at import time once its inputs are constant."""
    if node.domain not in ("", "ai.onnx") or node.op_type in NEVER_FOLD | SEQUENCE_OPS:
        return False
    return not any(
        a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute
    )


def evaluate(
    node: onnx.NodeProto, inputs: Sequence[np.ndarray | None], opsets: Mapping[str, int]
) -> list[np.ndarray]:
    """Outputs of `node` on constant `inputs` (None: an absent optional input)."""
    feeds: dict[str, np.ndarray] = {}
    names: list[str] = []
    for i, arr in enumerate(inputs):
        if arr is None:
            names.append("")
        else:
            names.append(f"in{i}")
            feeds[f"in{i}"] = arr
    outs = [f"out{i}" if o else "" for i, o in enumerate(node.output)]
    clone = helper.make_node(node.op_type, names, outs, domain=node.domain or None)
    clone.attribute.extend(node.attribute)
    graph = helper.make_graph(
        [clone],
        "fold",
        [helper.make_tensor_value_info(k, onnx.TensorProto.UNDEFINED, None) for k in feeds],
        [helper.make_tensor_value_info(o, onnx.TensorProto.UNDEFINED, None) for o in outs if o],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets.items()]
    )
    try:
        results = ReferenceEvaluator(model, new_ops=OVERRIDES).run(None, feeds)
    except Exception as e:  # the reference raises anything from numpy; report, never crash
        raise FoldError(f"{type(e).__name__}: {e}") from None
    for k, r in enumerate(results):
        if r is None or isinstance(r, list | tuple | dict):
            # a sequence / optional / map value: stacking it into one array would be wrong
            kind = "an empty optional" if r is None else f"a {type(r).__name__} (sequence)"
            raise FoldError(f"output {k} is {kind}, not a tensor")
    it = iter(results)
    return [np.require(next(it), requirements="C") if o else np.empty(0) for o in outs]


def shape_of(shape: Sequence[int], node: onnx.NodeProto) -> np.ndarray:
    """Shape(x) for a static shape, honouring the opset-15 start/end attributes."""
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    rank = len(shape)
    start = int(attrs.get("start", 0))
    end = int(attrs.get("end", rank))
    start = min(max(start + rank if start < 0 else start, 0), rank)
    end = min(max(end + rank if end < 0 else end, 0), rank)
    return np.array(list(shape)[start:end], dtype=np.int64)


def keep_folded(result: Sequence[np.ndarray], inputs: Sequence[np.ndarray | None]) -> bool:
    """Whether folded outputs are small enough to keep as constants."""
    grown = sum(int(r.size) for r in result)
    budget = max(FOLD_LIMIT, sum(int(a.size) for a in inputs if a is not None))
    return grown <= budget
