"""String tensors end to end on the CPU target: the string ops and data movement on strings
against onnx.reference, dynamic shapes, the C ABI (a C program calling NAME.so with
`const char*` arrays) and the errors of string inputs."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto as TP
from onnx import helper as h
from onnx.reference import ReferenceEvaluator

import strata
from strata.errors import InputMismatchError, ModelImportError

S = TP.STRING


def strs(*rows: Any) -> np.ndarray:
    return np.array(rows, dtype=object)


def model(
    nodes: list[onnx.NodeProto],
    ins: list[tuple[str, int, list[Any] | None]],
    outs: list[tuple[str, int, list[Any] | None]],
    inits: tuple[onnx.TensorProto, ...] = (),
    opset: int = 20,
) -> onnx.ModelProto:
    vi = h.make_tensor_value_info
    g = h.make_graph(
        nodes,
        "g",
        [vi(n, t, s) for n, t, s in ins],
        [vi(n, t, s) for n, t, s in outs],
        initializer=list(inits),
    )
    opsets = [h.make_opsetid("", opset), h.make_opsetid("ai.onnx.ml", 4)]
    return h.make_model(g, opset_imports=opsets)


def check(
    m: onnx.ModelProto, *inputs: np.ndarray, tmp_path: Path, ort: bool = False
) -> list[np.ndarray]:
    """Compile and run `m`; each output must equal onnx.reference's (or, `ort`, ONNX
    Runtime's) in shape, dtype and values."""
    names = [i.name for i in m.graph.input]
    feeds = dict(zip(names, inputs, strict=True))
    if ort:
        import onnxruntime

        m.ir_version = min(m.ir_version, 10)
        sess = onnxruntime.InferenceSession(m.SerializeToString())
        want = sess.run(None, feeds)
    else:
        want = ReferenceEvaluator(m).run(None, feeds)
    got = strata.compile(m, num_threads=1, cache_dir=tmp_path).run(list(inputs))
    for g, w in zip(got, want, strict=True):
        w = np.asarray(w)
        assert g.shape == w.shape
        if w.dtype.kind in "OUS":
            assert g.dtype == object
            assert g.tolist() == w.tolist()
        else:
            assert g.dtype == w.dtype
            np.testing.assert_array_equal(g, w)
    return got


X = strs(["a", "bb", "ccc"], ["dé", "ee", "fff"])


@pytest.mark.parametrize(
    "name, node, out_shape, inits",
    [
        ("identity", h.make_node("Identity", ["x"], ["y"]), [2, 3], ()),
        ("transpose", h.make_node("Transpose", ["x"], ["y"]), [3, 2], ()),
        (
            "reshape",
            h.make_node("Reshape", ["x", "s"], ["y"]),
            [6],
            (h.make_tensor("s", TP.INT64, [1], [6]),),
        ),
        (
            "gather",
            h.make_node("Gather", ["x", "i"], ["y"], axis=1),
            [2, 2],
            (h.make_tensor("i", TP.INT64, [2], [2, 0]),),
        ),
        ("concat", h.make_node("Concat", ["x", "x"], ["y"], axis=0), [4, 3], ()),
        (
            "slice",
            h.make_node("Slice", ["x", "b", "e"], ["y"]),
            [2, 2],
            (h.make_tensor("b", TP.INT64, [2], [0, 1]), h.make_tensor("e", TP.INT64, [2], [2, 3])),
        ),
    ],
)
def test_data_movement_on_strings(
    name: str, node: onnx.NodeProto, out_shape: list[int], inits: Any, tmp_path: Path
) -> None:
    """Data movement reuses the generic lowerings on the handle tensor; outputs may point at
    the input strings."""
    m = model([node], [("x", S, [2, 3])], [("y", S, out_shape)], inits)
    check(m, X, tmp_path=tmp_path)


def test_string_concat_broadcast_and_dynamic(tmp_path: Path) -> None:
    m = model(
        [h.make_node("StringConcat", ["x", "y"], ["z"])],
        [("x", S, ["N", 3]), ("y", S, [1])],
        [("z", S, ["N", 3])],
    )
    check(m, X, strs("!"), tmp_path=tmp_path)
    check(m, strs(["", "的", "x"]), strs("中"), tmp_path=tmp_path)


def test_equal_and_where_on_strings(tmp_path: Path) -> None:
    m = model(
        [
            h.make_node("Equal", ["x", "y"], ["c"]),
            h.make_node("Where", ["c", "x", "y"], ["w"]),
        ],
        [("x", S, [2, 3]), ("y", S, [3])],
        [("c", TP.BOOL, [2, 3]), ("w", S, [2, 3])],
    )
    check(m, X, strs("a", "ee", "cc"), tmp_path=tmp_path)


@pytest.mark.parametrize(
    "pattern",
    [r"www\.[\w.-]+\.\bcom\b", r"(\W|^)[\w.\-]{0,25}@(yahoo|gmail)\.com(\W|$)", r"a*b?", r"[0-9]+"],
)
def test_regex_full_match(pattern: str, tmp_path: Path) -> None:
    m = model(
        [h.make_node("RegexFullMatch", ["x"], ["y"], pattern=pattern)],
        [("x", S, [6])],
        [("y", TP.BOOL, [6])],
    )
    x = strs("www.google.com", "me@gmail.com", "", "aab", "0123", "www.bbc.co.uk")
    check(m, x, tmp_path=tmp_path)


def test_regex_re2_only_syntax_is_refused(tmp_path: Path) -> None:
    m = model(
        [h.make_node("RegexFullMatch", ["x"], ["y"], pattern=r"(?P<word>\w+)")],
        [("x", S, [1])],
        [("y", TP.BOOL, [1])],
    )
    with pytest.raises(ModelImportError, match="RE2 syntax"):
        strata.compile(m, cache_dir=tmp_path)


@pytest.mark.parametrize(
    "attrs, x",
    [
        ({"case_change_action": "LOWER", "is_case_sensitive": 0, "stopwords": ["THE"]}, [6]),
        ({"case_change_action": "UPPER", "is_case_sensitive": 1, "stopwords": ["the"]}, [6]),
        ({"case_change_action": "NONE", "stopwords": ["the", "The", "a", "Cat", "sat", ""]}, [6]),
        ({"case_change_action": "UPPER"}, [1, 6]),
        ({"stopwords": ["a"], "is_case_sensitive": 0}, [1, 6]),
        ({"stopwords": ["the", "cat", "sat", "on", "a"], "case_change_action": "UPPER"}, [6]),
    ],
)
def test_string_normalizer(attrs: dict[str, Any], x: list[int], tmp_path: Path) -> None:
    """Against ONNX Runtime: onnx.reference's StringNormalizer differs from the spec (it strips
    accents, removes stopwords word by word inside strings, drops empty strings and does not
    fold case for a case-insensitive match without a case change). The locale is "C"
    (Strata's case mapping is ASCII-only, ORT needs an installed locale)."""
    m = model(
        [h.make_node("StringNormalizer", ["x"], ["y"], locale="C", **attrs)],
        [("x", S, x)],
        [("y", S, ["M"] if len(x) == 1 else [1, "M"])],
        opset=10,
    )
    words = strs("The", "cat", "sat", "on", "the", "A")
    check(m, words.reshape(x), tmp_path=tmp_path, ort=True)


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"delimiter": ","},
        {"delimiter": ",", "maxsplit": 1},
        {"maxsplit": 1},
        {"delimiter": "--"},
    ],
)
def test_string_split(attrs: dict[str, Any], tmp_path: Path) -> None:
    m = model(
        [h.make_node("StringSplit", ["x"], ["y", "z"], **attrs)],
        [("x", S, ["N"])],
        [("y", S, ["N", "M"]), ("z", TP.INT64, ["N"])],
    )
    x = strs(" a b  c ", "x,y,,z", "", "p--q--", "one")
    check(m, x, tmp_path=tmp_path)
    check(m, strs(), tmp_path=tmp_path)  # no strings: [0, 0] and [0]


def test_label_encoder_float_values(tmp_path: Path) -> None:
    m = model(
        [
            h.make_node(
                "LabelEncoder",
                ["x"],
                ["y"],
                domain="ai.onnx.ml",
                keys_strings=["a", "bb", "dé"],
                values_floats=[0.5, -1.0, 2.0],
                default_float=7.0,
            )
        ],
        [("x", S, [2, 3])],
        [("y", TP.FLOAT, [2, 3])],
    )
    check(m, X, tmp_path=tmp_path)


def test_string_inputs_are_checked(tmp_path: Path) -> None:
    m = model([h.make_node("Identity", ["x"], ["y"])], [("x", S, [2])], [("y", S, [2])])
    cm = strata.compile(m, num_threads=1, cache_dir=tmp_path)
    assert cm.run([["p", "q"]])[0].tolist() == ["p", "q"]  # lists and str arrays convert
    assert cm.run([np.array(["p", "qq"])])[0].tolist() == ["p", "qq"]
    with pytest.raises(InputMismatchError, match="expected strings, got dtype float32"):
        cm.run([np.zeros(2, np.float32)])
    with pytest.raises(InputMismatchError, match="expected strings, got an element of type int"):
        cm.run([strs("a", 3)])
    with pytest.raises(InputMismatchError, match="NUL character"):
        cm.run([strs("a", "b\0c")])
    loaded = strata.load(cm.save(tmp_path / "saved"))  # NAME.json records dtype 'object'
    assert loaded.inputs[0].dtype == np.dtype(object)
    assert loaded.run([strs("é", "")])[0].tolist() == ["é", ""]


C_PROGRAM = r"""
#include <stdio.h>
#include "m.h"
int main(void) {
  strata_str x[3] = {"cat", "dog", "snake"};
  strata_str y[1] = {"s"};
  strata_str z[3];
  if (m_init(NULL) != STRATA_OK) return 10;
  for (int rep = 0; rep < 2; ++rep) {  /* the second call releases the first one's strings */
    if (m(x, y, z) != STRATA_OK) return 11;
    printf("%s %s %s\n", z[0], z[1], z[2]);
  }
  m_fini();
  return 0;
}
"""


def test_c_abi_with_strings(tmp_path: Path) -> None:
    """NAME.h declares string tensors as `strata_str` arrays; a C program links NAME.so."""
    onnx_model = model(
        [h.make_node("StringConcat", ["x", "y"], ["z"])],
        [("x", S, [3]), ("y", S, [1])],
        [("z", S, [3])],
    )
    path = tmp_path / "m.onnx"
    onnx.save(onnx_model, path)
    out = tmp_path / "out"
    subprocess.run(["stratac", str(path), "-o", str(out / "m")], check=True)
    header = (out / "m.h").read_text()
    assert "typedef const char* strata_str;" in header
    assert "const strata_str x[3]" in header and "strata_str out_z[3]" in header
    src = tmp_path / "main.c"
    src.write_text(C_PROGRAM)
    exe = tmp_path / "main"
    subprocess.run(
        ["cc", str(src), "-I", str(out), str(out / "m.so"), f"-Wl,-rpath,{out}", "-o", str(exe)],
        check=True,
    )
    run = subprocess.run([str(exe)], check=True, capture_output=True, text=True)
    assert run.stdout == "cats dogs snakes\n" * 2


def test_string_constants(tmp_path: Path) -> None:
    """String initializers and Constants become nn.string_constant."""
    from onnx import numpy_helper

    c = numpy_helper.from_array(strs("s", "é"), "c")
    k = h.make_node("Constant", [], ["k"], value=numpy_helper.from_array(strs(["!"]), "kv"))
    m = model(
        [k, h.make_node("StringConcat", ["x", "c"], ["y"]), h.make_node("Identity", ["k"], ["z"])],
        [("x", S, [2])],
        [("y", S, [2]), ("z", S, [1])],
        (c,),
    )
    check(m, strs("a", "b"), tmp_path=tmp_path)
