"""Lowerings of the string ops: calls of the string runtime on string handles.

Below nn a string tensor is a tensor of i64 handles, each the address of a NUL-terminated
UTF-8 string (`strata.passes.signless` retypes `!nn.string` to i64; `common.to_signless`
casts an nn string operand to its handles). What a string op computes has no linalg form, so
each lowers to a `linalg.generic` (or an scf.for where the result's size is counted at run
time) whose body calls a C function of the string runtime (`targets/cpu/runtime/strings.cpp`,
linked into the model's library by the CPU target):

* `string_concat`: `strata_str_concat(a, b)` per element (broadcasting);
* `equal` on strings: `strata_str_equal(a, b)` per element (from `elementwise.lower_compare`);
* `regex_full_match`: `strata_str_regex_full_match(s, pattern)` per element;
* `string_normalizer`: `strata_str_is_stopword` and `strata_str_change_case` in an scf.for
  that packs the kept strings;
* `string_split`: `strata_str_split_count` per element, its max, then
  `strata_str_split_part(s, delimiter, maxsplit, j)` per element of the result;
* `label_encoder`: `strata_str_lookup(s, keys, n)`, then the value at that index (or the
  default);
* `string_constant`: no call: a `tensor.from_elements` of the globals' addresses.

Constant strings (patterns, delimiters, stopword and key lists: `n` NUL-terminated strings
one after another) are `llvm.mlir.global` constants, their address an `!llvm.ptr` argument.
The runtime functions are declared `func.func private` in the module; handles and counts are
i64, truth values i32.

Dependency contract: the `mlir` bindings, `strata.passes.lowering.{common,sizes,broadcast}`,
`strata.passes.signless`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from mlir import ir
from mlir.dialects import arith, func, linalg, llvm, scf, tensor

from strata.passes.lowering import sizes as sz
from strata.passes.lowering.broadcast import broadcast_inputs
from strata.passes.lowering.common import (
    CMPI,
    amap,
    attr_int,
    attr_str,
    collapse,
    const,
    dense_const,
    dim,
    elementwise,
    empty,
    expand,
    extract_slice,
    fill,
    generic,
    i64,
    identity_map,
    index,
    to_signless,
)
from strata.passes.lowering.sizes import Size, sizes_of

CASE_ACTIONS = {"NONE": 0, "LOWER": 1, "UPPER": 2}


def _i32() -> ir.IntegerType:
    return ir.IntegerType.get_signless(32)


def _ptr() -> ir.Type:
    return ir.Type.parse("!llvm.ptr")


def _module_body(op: ir.Operation | ir.OpView) -> ir.Block:
    """The body of the module that holds `op`."""
    o = op.operation if isinstance(op, ir.OpView) else op
    while o.name != "builtin.module":
        parent = o.parent
        if parent is None:
            raise ValueError("the op is not inside a module")
        o = parent.operation
    return o.regions[0].blocks[0]


def _symbols(body: ir.Block) -> set[str]:
    names = set()
    for o in body.operations:
        if "sym_name" in o.attributes:
            names.add(ir.StringAttr(o.attributes["sym_name"]).value)
    return names


def declare(
    op: ir.Operation, name: str, args: Sequence[ir.Type], results: Sequence[ir.Type]
) -> str:
    """Declare runtime function `name` (once per module); returns its name."""
    body = _module_body(op)
    if name not in _symbols(body):
        with ir.InsertionPoint.at_block_begin(body), ir.Location.unknown():
            f = func.FuncOp(name, ir.FunctionType.get(list(args), list(results)))
            f.attributes["sym_visibility"] = ir.StringAttr.get("private")
    return name


def cstring_global(op: ir.Operation, data: bytes) -> str:
    """An `llvm.mlir.global` constant holding `data` (NUL-terminated here); returns its name."""
    data += b"\0"
    name = "strata_str_c" + hashlib.sha1(data).hexdigest()[:16]
    body = _module_body(op)
    if name not in _symbols(body):
        escaped = "".join(f"\\{b:02X}" for b in data)
        text = (
            f'llvm.mlir.global private constant @{name}("{escaped}") {{addr_space = 0 : i32}}'
            f" : !llvm.array<{len(data)} x i8>"
        )
        with ir.InsertionPoint.at_block_begin(body), ir.Location.unknown():
            ir.InsertionPoint.current.insert(ir.Operation.parse(text))
    return name


def address(name: str) -> ir.Value:
    return llvm.AddressOfOp(_ptr(), name).result


def _blob(strings: Sequence[str]) -> bytes:
    """`n` strings as one constant: each NUL-terminated, one after another."""
    return b"".join(s.encode("utf-8") + b"\0" for s in strings)


def call(name: str, args: Sequence[ir.Value], result: ir.Type) -> ir.Value:
    return func.CallOp([result], name, list(args)).result


def _truth(v: ir.Value) -> ir.Value:
    """An i32 truth value of the runtime as i1."""
    return arith.cmpi(CMPI["ne"], v, const(_i32(), 0))


def _result_type(op: ir.Operation, i: int = 0) -> ir.RankedTensorType:
    return ir.RankedTensorType(op.results[i].type)


def _strings_attr(op: ir.Operation, name: str) -> list[str]:
    if name not in op.attributes:
        return []
    return [ir.StringAttr(a).value for a in ir.ArrayAttr(op.attributes[name])]


# ---- elementwise ------------------------------------------------------------------------------


def string_equal(op: ir.Operation, inputs: Sequence[ir.Value], shape: Sequence[Size]) -> ir.Value:
    """nn.equal on string operands (already broadcast): strcmp per element."""
    f = declare(op, "strata_str_equal", [i64(), i64()], [_i32()])
    bool_t = ir.IntegerType.get_signless(1)
    ins = [to_signless(v) for v in inputs]
    return elementwise(ins, shape, bool_t, lambda a, b: _truth(call(f, [a, b], _i32())))


def lower_string_concat(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    t = _result_type(op)
    ins, shape = broadcast_inputs(list(op.operands), t)
    f = declare(op, "strata_str_concat", [i64(), i64()], [i64()])
    ins = [to_signless(v) for v in ins]
    return [elementwise(ins, shape, i64(), lambda a, b: call(f, [a, b], i64()))]


def lower_regex_full_match(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    x = to_signless(op.operands[0])
    f = declare(op, "strata_str_regex_full_match", [i64(), _ptr()], [_i32()])
    pattern = cstring_global(op, attr_str(op, "pattern").encode("utf-8"))
    bool_t = ir.IntegerType.get_signless(1)
    return [
        elementwise(
            [x], sizes_of(x), bool_t, lambda s: _truth(call(f, [s, address(pattern)], _i32()))
        )
    ]


def lower_label_encoder(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """index = lookup(s, keys); values[index] where index >= 0, the default elsewhere."""
    x = to_signless(op.operands[0])
    keys = _strings_attr(op, "keys")
    values = np.asarray(ir.DenseElementsAttr(op.attributes["values"]))
    default = np.asarray(ir.DenseElementsAttr(op.attributes["default"])).reshape(-1)
    out_t = _result_type(op).element_type
    f = declare(op, "strata_str_lookup", [i64(), _ptr(), i64()], [i64()])
    blob = cstring_global(op, _blob(keys))
    table = dense_const(values.reshape(-1), out_t) if keys else None
    dflt = const(out_t, default[0].item())

    def body(s: ir.Value) -> ir.Value:
        if table is None:
            return dflt
        k = call(f, [s, address(blob), const(i64(), len(keys))], i64())
        found = arith.cmpi(CMPI["sge"], k, const(i64(), 0))
        at = arith.index_cast(ir.IndexType.get(), arith.select(found, k, const(i64(), 0)))
        return arith.select(found, tensor.extract(table, [at]), dflt)

    return [elementwise([x], sizes_of(x), out_t, body)]


# ---- results sized at run time -------------------------------------------------------------


def lower_string_split(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """length = count(s) per element; substrings: x's shape + [max length], piece j of each
    string ("" past its last piece)."""
    x = to_signless(op.operands[0])
    n = ir.RankedTensorType(x.type).rank
    shape = sizes_of(x)
    maxsplit = attr_int(op, "maxsplit")
    delim = cstring_global(op, attr_str(op, "delimiter").encode("utf-8"))
    count_f = declare(op, "strata_str_split_count", [i64(), _ptr(), i64()], [i64()])
    part_f = declare(op, "strata_str_split_part", [i64(), _ptr(), i64(), i64()], [i64()])

    def count(s: ir.Value) -> ir.Value:
        return call(count_f, [s, address(delim), const(i64(), maxsplit)], i64())

    counts = elementwise([x], shape, i64(), count)
    # the widest row: a max over every element (0 for an empty x)
    zero = linalg.fill(const(i64(), 0), outs=[empty([], i64())])
    widest = generic([counts], [zero], [identity_map(n), amap(n, [])], "r" * n, arith.maxsi)[0]
    m = arith.index_cast(ir.IndexType.get(), tensor.extract(widest, []))

    def part(s: ir.Value, _out: ir.Value) -> ir.Value:
        j = arith.index_cast(i64(), index(n))
        return call(part_f, [s, address(delim), const(i64(), maxsplit), j], i64())

    out = generic(
        [x],
        [empty([*shape, m], i64())],
        [amap(n + 1, [dim(i) for i in range(n)]), identity_map(n + 1)],
        "p" * (n + 1),
        part,
    )[0]
    return [out, counts]


def lower_string_normalizer(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """An scf.for over the C strings packs the ones that are not stopwords, case-changed, to
    the front of a C-long buffer of ""; the result is the first max(kept, 1) of them (ONNX:
    an empty result is one "")."""
    x = to_signless(op.operands[0])
    two_d = ir.RankedTensorType(x.type).rank == 2
    flat = collapse(extract_slice(x, [0, 0], [1, sz.dim_of(x, 1)]), [[0, 1]]) if two_d else x
    c = sz.dim_of(flat, 0)
    stopwords = _strings_attr(op, "stopwords")
    action = CASE_ACTIONS[attr_str(op, "case_change_action")]
    sensitive = attr_int(op, "is_case_sensitive")
    case_f = declare(op, "strata_str_change_case", [i64(), i64()], [i64()])
    stop_f = declare(op, "strata_str_is_stopword", [i64(), _ptr(), i64(), i64()], [_i32()])
    blob = cstring_global(op, _blob(stopwords))
    blank = cstring_global(op, b"")
    blank_handle = llvm.ptrtoint(i64(), address(blank))
    cap = sz.smax(c, 1)
    buf = fill([cap], i64(), blank_handle)
    loop = scf.ForOp(sz.cindex(0), sz.value(c), sz.cindex(1), [buf, sz.cindex(0)])
    with ir.InsertionPoint(loop.body):
        i = loop.induction_variable
        acc, kept = loop.inner_iter_args
        s = tensor.extract(flat, [i])
        if stopwords:
            args_ = [s, address(blob), const(i64(), len(stopwords)), const(i64(), sensitive)]
            keep = arith.cmpi(CMPI["eq"], call(stop_f, args_, _i32()), const(_i32(), 0))
        else:
            keep = const(ir.IntegerType.get_signless(1), 1)
        # written at `kept` either way ("" for a stopword); only a kept string moves `kept` on
        t = arith.select(keep, call(case_f, [s, const(i64(), action)], i64()), blank_handle)
        acc2 = tensor.insert(t, acc, [kept])
        step = arith.select(keep, sz.cindex(1), sz.cindex(0))
        scf.YieldOp([acc2, arith.addi(kept, step)])
    packed, kept = loop.results
    n = arith.maxsi(kept, sz.cindex(1))
    out = extract_slice(packed, [0], [n])
    if two_d:
        out = expand(out, [[0, 1]], [1, n])
    return [out]


def lower_string_constant(op: ir.Operation, args: Sequence[ir.Attribute]) -> list[ir.Value]:
    """One global per distinct string; the tensor of their addresses (tensor.from_elements)."""
    t = _result_type(op)
    values = _strings_attr(op, "values")
    if not values:
        return [empty(list(t.shape), i64())]
    names = [cstring_global(op, v.encode("utf-8")) for v in values]
    handles = [llvm.ptrtoint(i64(), address(n)) for n in names]
    return [tensor.from_elements(ir.RankedTensorType.get(list(t.shape), i64()), handles)]


LOWERINGS = {
    "LowerStringConcat": lower_string_concat,
    "LowerRegexFullMatch": lower_regex_full_match,
    "LowerLabelEncoder": lower_label_encoder,
    "LowerStringSplit": lower_string_split,
    "LowerStringNormalizer": lower_string_normalizer,
    "LowerStringConstant": lower_string_constant,
}
