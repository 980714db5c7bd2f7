"""The catalogue of ONNX backend-test cases: which cases exist, their suite, op types and dtypes.

Cases come from the installed onnx package exactly as `onnx.backend.test.BackendTest` finds
them (`onnx.backend.test.loader.load_model_tests`): the generated node cases (`kind="node"`)
and the model suites shipped in onnx's data folder (`simple`, `pytorch-converted`,
`pytorch-operator`, and `real`, whose light models are bundled: nothing is downloaded). A case
is named `SUITE/NAME` (e.g. `node/test_abs`); BackendTest's test method is `NAME_cpu` on the
suite's test class.

A node case tests one op: a one-node graph, or an `*_expanded` / `*_expanded_verN` graph of
that op's function body (attributed to the op of the case it expands). A model case's op types
are every op type in its graph (sub-graphs included).

Dependency contract: `onnx` only (no Strata imports, nothing run).
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import onnx

SUITES = ("node", "simple", "pytorch-converted", "pytorch-operator", "real")
# The unittest class BackendTest generates for each suite.
TEST_CLASS = {
    "node": "OnnxBackendNodeModelTest",
    "simple": "OnnxBackendSimpleModelTest",
    "pytorch-converted": "OnnxBackendPyTorchConvertedModelTest",
    "pytorch-operator": "OnnxBackendPyTorchOperatorModelTest",
    "real": "OnnxBackendRealModelTest",
}
DEVICE_SUFFIX = "_cpu"
DEFAULT_DOMAINS = ("", "ai.onnx")
_EXPANDED = re.compile(r"^(?P<base>.*)_expanded(_ver\d+)?$")


@dataclass(frozen=True)
class Case:
    """One backend-test case."""

    suite: str
    name: str  # onnx's case name, e.g. "test_abs"
    op_types: tuple[str, ...]  # domain-qualified outside ai.onnx, e.g. "ai.onnx.ml.Binarizer"
    opset: int | None  # the model's default-domain opset
    dtypes: tuple[str, ...]  # ONNX element types of the graph's inputs and outputs ("FLOAT", ...)
    expanded: bool = False  # a node case running the op's function body

    @property
    def key(self) -> str:
        return f"{self.suite}/{self.name}"

    @property
    def test_method(self) -> str:
        return self.name + DEVICE_SUFFIX


def qualified_op(node: onnx.NodeProto) -> str:
    return node.op_type if node.domain in DEFAULT_DOMAINS else f"{node.domain}.{node.op_type}"


def graph_op_types(graph: onnx.GraphProto) -> set[str]:
    """Every op type in `graph` and its sub-graphs."""
    ops: set[str] = set()
    for n in graph.node:
        ops.add(qualified_op(n))
        for a in n.attribute:
            subs = [a.g] if a.type == onnx.AttributeProto.GRAPH else list(a.graphs)
            for g in subs:
                ops |= graph_op_types(g)
    return ops


def _type_names(t: onnx.TypeProto) -> list[str]:
    kind = t.WhichOneof("value")
    if kind == "tensor_type" or kind == "sparse_tensor_type":
        elem = getattr(t, kind).elem_type
        return [onnx.TensorProto.DataType.Name(elem)] if elem else []
    if kind == "sequence_type":
        return [f"seq({n})" for n in _type_names(t.sequence_type.elem_type)]
    if kind == "optional_type":
        return [f"optional({n})" for n in _type_names(t.optional_type.elem_type)]
    if kind == "map_type":
        return [f"map({onnx.TensorProto.DataType.Name(t.map_type.key_type)})"]
    return []


def graph_dtypes(graph: onnx.GraphProto) -> tuple[str, ...]:
    names: set[str] = set()
    for vi in [*graph.input, *graph.output]:
        names.update(_type_names(vi.type))
    return tuple(sorted(names))


def model_opset(model: onnx.ModelProto) -> int | None:
    versions = [o.version for o in model.opset_import if o.domain in DEFAULT_DOMAINS]
    return max(versions) if versions else None


def _model_path(test: object) -> str:
    """The model file of a model-suite case, found as onnx's BackendTest finds it."""
    url = getattr(test, "url", None)
    model_dir = getattr(test, "model_dir", None)
    if model_dir is not None:
        return os.path.join(model_dir, "model.onnx")
    if url is not None and url.startswith("onnx/backend/test/data/light/"):
        site = os.path.dirname(os.path.dirname(os.path.abspath(onnx.__file__)))
        return os.path.join(site, url)
    raise ValueError(f"case {getattr(test, 'name', '?')} needs a download ({url}); not supported")


def _node_cases() -> list[Case]:
    from onnx.backend.test.loader import load_model_tests

    with warnings.catch_warnings():  # the generators overflow casts on purpose
        warnings.simplefilter("ignore")
        tests = load_model_tests(kind="node")
    op_of: dict[str, str] = {}
    for t in tests:
        assert t.model is not None
        if not _EXPANDED.match(t.name) and len(t.model.graph.node) == 1:
            op_of[t.name] = qualified_op(t.model.graph.node[0])
    cases = []
    for t in tests:
        assert t.model is not None
        m = _EXPANDED.match(t.name)
        base = m.group("base") if m else t.name
        if base in op_of:
            ops: tuple[str, ...] = (op_of[base],)
        else:  # not seen in onnx 1.23: a multi-node case of its own
            ops = tuple(sorted(graph_op_types(t.model.graph)))
        cases.append(
            Case(
                "node",
                t.name,
                ops,
                model_opset(t.model),
                graph_dtypes(t.model.graph),
                expanded=m is not None,
            )
        )
    return cases


def _model_cases(suite: str) -> list[Case]:
    from onnx.backend.test.loader import load_model_tests

    cases = []
    for t in load_model_tests(kind=suite):
        model = onnx.load(_model_path(t), load_external_data=False)
        cases.append(
            Case(
                suite,
                t.name,
                tuple(sorted(graph_op_types(model.graph))),
                model_opset(model),
                graph_dtypes(model.graph),
            )
        )
    return cases


@functools.cache
def _suite_cases(suite: str) -> tuple[Case, ...]:
    cases = _node_cases() if suite == "node" else _model_cases(suite)
    return tuple(sorted(cases, key=lambda c: c.name))


def parse_suites(spec: Iterable[str]) -> list[str]:
    """Suite names from `--suite` values (each may be a comma list; `all` is every suite)."""
    out: list[str] = []
    for item in spec:
        for s in item.split(","):
            s = s.strip()
            if not s:
                continue
            names = SUITES if s == "all" else (s,)
            for n in names:
                if n not in SUITES:
                    raise ValueError(f"unknown suite '{n}'; suites: {', '.join(SUITES)}, all")
                if n not in out:
                    out.append(n)
    return out or list(SUITES)


SAMPLES = ("ci",)


def ci_sample(cases: Sequence[Case]) -> list[Case]:
    """CI's fixed, op-stratified sample of `cases`: every model-suite case, and for each node
    op type one case of each combination of dtypes and plain / `*_expanded` form (the first
    such case by name). Order is kept."""
    seen: set[tuple[tuple[str, ...], tuple[str, ...], bool]] = set()
    out = []
    for c in sorted(cases, key=lambda c: (c.suite, c.name)):
        if c.suite != "node":
            out.append(c)
            continue
        group = (c.op_types, c.dtypes, c.expanded)
        if group not in seen:
            seen.add(group)
            out.append(c)
    chosen = {c.key for c in out}
    return [c for c in cases if c.key in chosen]


def load_cases(suites: Sequence[str] = SUITES, pattern: str | None = None) -> list[Case]:
    """The cases of `suites` (in suite order, then by name) whose `SUITE/NAME` matches
    `pattern` (a regular expression, searched)."""
    rx = re.compile(pattern) if pattern else None
    out: list[Case] = []
    for s in suites:
        if s not in SUITES:
            raise ValueError(f"unknown suite '{s}'; suites: {', '.join(SUITES)}")
        out.extend(c for c in _suite_cases(s) if rx is None or rx.search(c.key))
    return out
