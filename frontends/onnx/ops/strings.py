"""Converters for string ops: StringConcat, StringNormalizer, StringSplit, RegexFullMatch and
ai.onnx.ml's LabelEncoder with string keys (Equal on strings is the ordinary Equal).

LabelEncoder's keys / values / default come in one of several attribute spellings
(`keys_strings`, `keys_tensor`, `values_int64s`, `values_tensor`, `default_int64`,
`default_tensor`, ...); the converter puts them into `nn.label_encoder`'s normal form: string
keys, a 1-d values tensor and a one-element default tensor of the result's element type.

Dependency contract: numpy, the converter registry, `strata.dtypes`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from strata import dtypes
from strata.frontends.onnx.ops.registry import Node, Output, converter


def _need_strings(node: Node, i: int) -> None:
    if not dtypes.is_string(node.spec(i).dtype):
        node.fail(f"input {i} must be a string tensor, got {node.spec(i).dtype}")


@converter("StringConcat", since=20, needs=["string_concat"])
def string_concat(node: Node) -> Sequence[Output]:
    return [node.build1("string_concat", [node.value(0), node.value(1)])]


@converter("StringNormalizer", since=10, needs=["string_normalizer"])
def string_normalizer(node: Node) -> Sequence[Output]:
    """The locale attribute is ignored: case mapping is ASCII-only (see nn_strings)."""
    attrs = {
        "case_change_action": node.attr("case_change_action", "NONE"),
        "is_case_sensitive": node.attr("is_case_sensitive", 0),
        "stopwords": node.attr("stopwords", []),
    }
    return [node.build1("string_normalizer", [node.value(0)], attrs)]


@converter("StringSplit", since=20, needs=["string_split"])
def string_split(node: Node) -> Sequence[Output]:
    attrs = {"delimiter": node.attr("delimiter", ""), "maxsplit": node.attr("maxsplit", -1)}
    return list(node.build("string_split", [node.value(0)], attrs))


# ECMAScript (std::regex) and RE2 agree on the common syntax; these RE2 forms have another
# meaning or none in ECMAScript, so a pattern using them is refused rather than misread.
_RE2_ONLY = re.compile(r"\(\?P?<|\(\?[imsU-]|\\[pPQEACz]|\[\[:")


@converter("RegexFullMatch", since=20, needs=["regex_full_match"])
def regex_full_match(node: Node) -> Sequence[Output]:
    pattern = node.attr("pattern", "")
    if _RE2_ONLY.search(pattern):
        node.fail(
            f"pattern {pattern!r} uses RE2 syntax outside the subset Strata's ECMAScript regex "
            "engine reads the same way (named groups, inline flags, \\p classes, \\A \\z ...)"
        )
    try:
        re.compile(pattern)
    except re.error as e:
        node.fail(f"pattern {pattern!r} is not a valid regular expression: {e}")
    return [node.build1("regex_full_match", [node.value(0)], {"pattern": pattern})]


def _first(node: Node, names: Sequence[str]) -> tuple[str, object] | None:
    for n in names:
        if node.has_attr(n):
            return n, node.attr(n)
    return None


@converter("LabelEncoder", since=2, needs=["label_encoder"], domain="ai.onnx.ml")
def label_encoder(node: Node) -> Sequence[Output]:
    """String keys to numeric values (LabelEncoder-2 int64 / float lists, 4 tensors too)."""
    _need_strings(node, 0)
    found = _first(node, ["keys_strings", "keys_tensor"])
    if found is None:
        node.fail("needs string keys ('keys_strings' or a string 'keys_tensor')")
    keys = np.asarray(found[1]).reshape(-1)
    if not dtypes.is_string(keys.dtype):
        node.fail(f"'{found[0]}' must hold strings for a string input, got {keys.dtype}")
    vals = _first(node, ["values_int64s", "values_floats", "values_tensor", "values_strings"])
    if vals is None:
        node.fail("needs values ('values_int64s', 'values_floats' or 'values_tensor')")
    vname, vraw = vals
    if vname == "values_int64s":
        values = np.asarray(vraw, np.int64)
    elif vname == "values_floats":
        values = np.asarray(vraw, np.float32)
    else:
        values = np.asarray(vraw).reshape(-1)
    if dtypes.is_string(values.dtype):
        node.fail("string values are not supported (only numeric LabelEncoder results lower)")
    if values.shape != keys.shape:
        node.fail(f"has {keys.size} keys but {values.size} values")
    if node.has_attr("default_tensor"):
        default = np.asarray(node.attr("default_tensor")).reshape(-1).astype(values.dtype)
    elif values.dtype == np.int64:
        default = np.asarray([node.attr("default_int64", -1)], np.int64)
    elif values.dtype == np.float32:
        default = np.asarray([node.attr("default_float", -0.0)], np.float32)
    else:
        default = np.zeros((1,), values.dtype)
    if default.shape != (1,):
        node.fail(f"'default_tensor' must hold one value, got {default.size}")
    text = [k.decode("utf-8") if isinstance(k, bytes) else str(k) for k in keys]
    attrs = {"keys": text, "values": values, "default": default}
    return [node.build1("label_encoder", [node.value(0)], attrs)]
