"""Dynamic buffers for the cxx target: memrefs as `strata_buf<T, R>` values in the C++.

upstream memref-to-emitc converts only memrefs of static shape (to `emitc.array`). A module
in which some value has a dim known only at run time (or that chooses, views or allocates a
buffer at run time, e.g. an `scf.index_switch` over memrefs) instead goes through
`strata-cxx-lower-buffers`, which gives every memref the C++ type

    template <typename T, int R> struct strata_buf {  // a memref descriptor
      T* data;                      // the allocation (what strata_alloc returned)
      std::size_t offset;           // of element [0, ..., 0], in elements
      std::size_t sizes[R], strides[R];
    };

(`!emitc.opaque<"strata_buf<float, 2>">`) and turns each memref op into a call of a helper
of `BUFFER_HELPERS` (`emitc.call_opaque`), after `expand-strided-metadata` has reduced the
views to `memref.reinterpret_cast` / `memref.extract_strided_metadata`:

    memref.load / store             -> strata_ld(b, i, j) / strata_st(b, v, i, j)
    memref.alloc / dealloc          -> strata_alloc<T, R>(sizes...) / strata_free(b)
                                       (::operator new, 64-byte aligned; zero size works)
    memref.dim                      -> strata_dim(b, k)
    memref.reinterpret_cast         -> strata_view<T, R>(b, offset, sizes..., strides...)
    memref.extract_strided_metadata -> strata_base(b), strata_offset(b), strata_dim,
                                       strata_stride
    memref.extract_aligned_pointer_as_index -> strata_ptr(b)
    memref.reshape                  -> strata_reshape<T, R>(b, shape)
    memref.copy                     -> strata_copy(src, dst)
    memref.cast                     -> (the same value)
    memref.global / get_global      -> emitc.global array / strata_wrap<T, R>(array, sizes...)

Index operands and results cross as `size_t` through `unrealized_conversion_cast`s that
`reconcile-unrealized-casts` removes after `convert-to-emitc` (which makes `index` `size_t`
too). The public entry function's memref results become pointer arguments after its
inputs (`strata_buf<T, R>*`, set by `strata_put` at the return). Any other memref op (an
alloca, a view the folding kept) is an UnsupportedOpError naming it and its nodes.

Dependency contract: the `mlir` bindings, `strata.errors`, `strata.passes.registry`,
`strata.targets.cpu.passes` (public_funcs), `strata.targets.cxx.passes` (node_names, at
run time).
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import builtin, emitc
from mlir.dialects import func as func_d

from strata.errors import UnsupportedOpError
from strata.passes.registry import ModulePass, register_pass
from strata.targets.cpu.passes import public_funcs

# The C++ helpers the lowered code calls (source.py writes them before the kernels).
BUFFER_HELPERS = """// ---- dynamic buffers (strata-cxx-lower-buffers): a strata_buf<T, R> is a
// memref descriptor: the allocation, the offset of element [0, ..., 0] and each dim's size and
// stride, in elements.
template <typename T, int R>
struct strata_buf {
  T* data;
  std::size_t offset;
  std::size_t sizes[R > 0 ? R : 1];
  std::size_t strides[R > 0 ? R : 1];
};

template <typename T, int R, std::size_t... K, typename... I>
inline std::size_t strata_pos(const strata_buf<T, R>& b, std::index_sequence<K...>, I... i) {
  return b.offset + (std::size_t{0} + ... + (static_cast<std::size_t>(i) * b.strides[K]));
}
template <typename T, int R, typename... I>
inline T strata_ld(const strata_buf<T, R>& b, I... i) {
  static_assert(sizeof...(I) == R, "strata_ld: one index per dim");
  return b.data[strata_pos(b, std::index_sequence_for<I...>{}, i...)];
}
template <typename T, int R, typename V, typename... I>
inline void strata_st(const strata_buf<T, R>& b, V v, I... i) {
  static_assert(sizeof...(I) == R, "strata_st: one index per dim");
  b.data[strata_pos(b, std::index_sequence_for<I...>{}, i...)] = v;
}
template <typename T, int R>
inline std::size_t strata_dim(const strata_buf<T, R>& b, std::size_t k) {
  return b.sizes[k];
}
template <typename T, int R>
inline std::size_t strata_stride(const strata_buf<T, R>& b, std::size_t k) {
  return b.strides[k];
}
template <typename T, int R>
inline std::size_t strata_offset(const strata_buf<T, R>& b) {
  return b.offset;
}
template <typename T, int R>
inline std::size_t strata_ptr(const strata_buf<T, R>& b) {
  return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(b.data));
}
// dense row-major sizes and strides; returns the number of elements
template <typename T, int R>
inline std::size_t strata_dense(strata_buf<T, R>& b, const std::size_t* sizes) {
  std::size_t n = 1;
  for (int k = R - 1; k >= 0; --k) {
    b.sizes[k] = sizes[k];
    b.strides[k] = n;
    n *= sizes[k];
  }
  b.offset = 0;
  return n;
}
// a new dense buffer (throws std::bad_alloc, which the entry point turns into
// STRATA_ERR_ALLOC)
template <typename T, int R, typename... S>
strata_buf<T, R> strata_alloc(S... s) {
  static_assert(sizeof...(S) == R, "strata_alloc: one size per dim");
  const std::size_t sizes[R > 0 ? R : 1] = {static_cast<std::size_t>(s)...};
  strata_buf<T, R> b{};
  std::size_t n = strata_dense(b, sizes);
  b.data = static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
  return b;
}
template <typename T, int R>
void strata_free(const strata_buf<T, R>& b) {
  ::operator delete(b.data, std::align_val_t(64));
}
template <typename T, int R>
inline strata_buf<T, 0> strata_base(const strata_buf<T, R>& b) {
  strata_buf<T, 0> r{};
  r.data = b.data;
  return r;
}
// a view of b's allocation: offset, then R sizes, then R strides
template <typename T, int R, int Q, typename... S>
inline strata_buf<T, R> strata_view(const strata_buf<T, Q>& b, std::size_t offset, S... s) {
  static_assert(sizeof...(S) == 2 * R, "strata_view: R sizes and R strides");
  const std::size_t v[R > 0 ? 2 * R : 1] = {static_cast<std::size_t>(s)...};
  strata_buf<T, R> r{};
  r.data = b.data;
  r.offset = offset;
  for (int k = 0; k < R; ++k) {
    r.sizes[k] = v[k];
    r.strides[k] = v[R + k];
  }
  return r;
}
// b's elements (dense) with the sizes read from the 1-d buffer `shape`
template <typename T, int R, int Q, typename S>
inline strata_buf<T, R> strata_reshape(const strata_buf<T, Q>& b, const strata_buf<S, 1>& shape) {
  std::size_t sizes[R > 0 ? R : 1] = {};
  for (int k = 0; k < R; ++k) sizes[k] = static_cast<std::size_t>(strata_ld(shape, k));
  strata_buf<T, R> r{};
  strata_dense(r, sizes);
  r.data = b.data;
  r.offset = b.offset;
  return r;
}
// a dense array (a constant, a weight, an input) as a buffer
template <typename T, int R, typename A, typename... S>
inline strata_buf<T, R> strata_wrap(A& a, S... s) {
  const std::size_t sizes[R > 0 ? R : 1] = {static_cast<std::size_t>(s)...};
  strata_buf<T, R> b{};
  strata_dense(b, sizes);
  b.data = const_cast<T*>(reinterpret_cast<const T*>(&a));
  return b;
}
template <typename T, int R>
inline strata_buf<T, R> strata_in(const void* p, const std::int64_t* dims) {
  std::size_t sizes[R > 0 ? R : 1] = {};
  for (int k = 0; k < R; ++k) sizes[k] = static_cast<std::size_t>(dims[k]);
  strata_buf<T, R> b{};
  strata_dense(b, sizes);
  b.data = const_cast<T*>(static_cast<const T*>(p));
  return b;
}
template <typename T, int R>
inline std::size_t strata_numel(const strata_buf<T, R>& b) {
  std::size_t n = 1;
  for (int k = 0; k < R; ++k) n *= b.sizes[k];
  return n;
}
// dst[...] = src[...] over src's sizes (the two have the same sizes)
template <typename T, int R, typename U>
void strata_copy(const strata_buf<T, R>& src, const strata_buf<U, R>& dst) {
  std::size_t n = strata_numel(src);
  std::size_t idx[R > 0 ? R : 1] = {};
  for (std::size_t e = 0; e < n; ++e) {
    std::size_t p = src.offset, q = dst.offset;
    for (int k = 0; k < R; ++k) {
      p += idx[k] * src.strides[k];
      q += idx[k] * dst.strides[k];
    }
    dst.data[q] = src.data[p];
    for (int k = R - 1; k >= 0; --k) {
      if (++idx[k] < src.sizes[k]) break;
      idx[k] = 0;
    }
  }
}
template <typename T, int R>
inline void strata_put(strata_buf<T, R>* p, const strata_buf<T, R>& b) {
  *p = b;
}
"""


def ctype(t: ir.Type) -> str:
    """The C++ name of a scalar element type (as the emitc translator writes it)."""
    if isinstance(t, ir.IndexType):
        return "size_t"
    if isinstance(t, ir.F32Type):
        return "float"
    if isinstance(t, ir.F64Type):
        return "double"
    if isinstance(t, ir.F16Type):
        return "_Float16"
    if isinstance(t, ir.BF16Type):
        return "__bf16"
    if isinstance(t, ir.IntegerType):
        if t.width == 1:
            return "bool"
        return f"{'u' if t.is_unsigned else ''}int{t.width}_t"
    return str(t)


def buf_type_name(t: ir.MemRefType) -> str:
    """`strata_buf<T, R>` for a memref type."""
    return f"strata_buf<{ctype(t.element_type)}, {t.rank}>"


def _buf(t: ir.Type) -> ir.Type:
    return ir.Type.parse(f'!emitc.opaque<"{buf_type_name(ir.MemRefType(t))}">')


def _size_t() -> ir.Type:
    return ir.Type.parse("!emitc.size_t")


def walk(root: ir.Operation) -> list[ir.Operation]:
    """Every op under `root` (itself included), pre-order."""
    out: list[ir.Operation] = []

    def visit(o: ir.Operation) -> ir.WalkResult:
        out.append(o.operation)
        return ir.WalkResult.ADVANCE

    root.walk(visit)
    return out


def _i64(v: int) -> ir.Attribute:
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), v)


def _i32(v: int) -> ir.Attribute:
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(32), v)


class _Call:
    """Builds one `emitc.call_opaque`, whose `args` mix operands and integer literals."""

    def __init__(self) -> None:
        self.operands: list[ir.Value] = []
        self.args: list[ir.Attribute] = []

    def value(self, v: ir.Value) -> None:
        if isinstance(v.type, ir.IndexType):
            v = builtin.unrealized_conversion_cast([_size_t()], [v])
        self.args.append(ir.IntegerAttr.get(ir.IndexType.get(), len(self.operands)))
        self.operands.append(v)

    def literal(self, n: int) -> None:
        self.args.append(_i64(n))

    def mixed(self, static: list[int], dynamic: list[ir.Value]) -> None:
        """Static entries as literals, dynamic ones (ShapedType's dynamic marker) in order."""
        it = iter(dynamic)
        for s in static:
            if ir.ShapedType.is_dynamic_size(s):
                self.value(next(it))
            else:
                self.literal(s)

    def emit(
        self, callee: str, result: ir.Type | None, template: list[ir.Attribute] | None = None
    ) -> ir.Value | None:
        index_result = result is not None and isinstance(result, ir.IndexType)
        rtype = _size_t() if index_result else result
        op = emitc.CallOpaqueOp(
            [rtype] if rtype is not None else [],
            callee,
            self.operands,
            args=ir.ArrayAttr.get(self.args),
            template_args=ir.ArrayAttr.get(template) if template else None,
        )
        if rtype is None:
            return None
        r = op.results[0]
        if index_result:
            r = builtin.unrealized_conversion_cast([ir.IndexType.get()], [r])
        return r


def _template(t: ir.MemRefType) -> list[ir.Attribute]:
    return [ir.TypeAttr.get(t.element_type), _i32(t.rank)]


def _call(callee: str, values: list[ir.Value], result: ir.Type | None) -> ir.Value | None:
    c = _Call()
    for v in values:
        c.value(v)
    return c.emit(callee, result)


def _nodes(op: ir.Operation) -> dict[str, None]:
    from strata.targets.cxx.passes import node_names  # passes.py imports this module

    found: dict[str, None] = {}
    node_names(op.location, found)
    return found or {"?": None}


def _dense(op: ir.Operation, name: str) -> list[int]:
    return list(ir.DenseI64ArrayAttr(op.attributes[name]))


@register_pass
class LowerBuffers(ModulePass):
    """Every memref -> strata_buf<T, R>, memref ops -> helper calls (see the module doc)."""

    name = "strata-cxx-lower-buffers"

    def run(self, module: ir.Operation) -> None:
        for f in public_funcs(module):
            self._results_to_args(f)
        left: dict[str, dict[str, None]] = {}
        for op in walk(module):
            if op.name.startswith("memref.") and op.name not in ("memref.global",):
                with ir.InsertionPoint(op), op.location:
                    if self._lower(op):
                        op.erase()
                    else:
                        left.setdefault(op.name, {}).update(_nodes(op))
        if left:  # before retyping: the emitc conversion could not take them
            note = "a buffer op the cxx target's dynamic buffers (strata_buf) do not lower"
            raise UnsupportedOpError(
                {k: list(v) for k, v in left.items()}, dict.fromkeys(left, note)
            )
        self._retype(module)
        self._globals(module)

    def _results_to_args(self, f: ir.Operation) -> None:
        """The entry's memref results -> `strata_buf<T, R>*` arguments set at the return."""
        ftype = ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value)
        results = list(ftype.results)
        if not results or not all(isinstance(t, ir.MemRefType) for t in results):
            return
        block = f.regions[0].blocks[0]
        ptrs = [
            block.add_argument(ir.Type.parse(f"!emitc.ptr<{_buf(t)}>"), f.location) for t in results
        ]
        attrs = f.attributes
        dicts = (
            [ir.DictAttr(d) for d in ir.ArrayAttr(attrs["arg_attrs"])]
            if "arg_attrs" in attrs
            else [ir.DictAttr.get({}) for _ in ftype.inputs]
        )
        dicts += [ir.DictAttr.get({}) for _ in results]
        f.attributes["arg_attrs"] = ir.ArrayAttr.get(dicts)
        if "res_attrs" in attrs:
            del f.attributes["res_attrs"]
        f.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get([*ftype.inputs, *(p.type for p in ptrs)], [])
        )
        for op in walk(f):
            if op.name != "func.return":
                continue
            with ir.InsertionPoint(op), op.location:
                for p, v in zip(ptrs, list(op.operands), strict=True):
                    _call("strata_put", [p, v], None)
                func_d.ReturnOp([])
            op.erase()

    def _lower(self, op: ir.Operation) -> bool:
        """Replace one memref op (inserting before it); False: leave it (unsupported)."""
        name = op.name
        ops = list(op.operands)
        if name == "memref.load":
            r = _call("strata_ld", ops, op.results[0].type)
        elif name == "memref.store":
            _call("strata_st", [ops[1], ops[0], *ops[2:]], None)
            return True
        elif name == "memref.dim":
            r = _call("strata_dim", ops, op.results[0].type)
        elif name == "memref.alloc":
            t = ir.MemRefType(op.results[0].type)
            if len(ops) != sum(1 for s in t.shape if ir.ShapedType.is_dynamic_size(s)):
                return False  # symbol operands (a layout): not from bufferization
            c = _Call()
            c.mixed(list(t.shape), ops)
            r = c.emit("strata_alloc", _buf(t), _template(t))
        elif name == "memref.dealloc":
            _call("strata_free", ops, None)
            return True
        elif name == "memref.cast":
            r = ops[0]
        elif name == "memref.assume_alignment":
            r = ops[0] if op.results else None
            if r is None:
                return True
        elif name == "memref.extract_aligned_pointer_as_index":
            r = _call("strata_ptr", ops, op.results[0].type)
        elif name == "memref.reinterpret_cast":
            t = ir.MemRefType(op.results[0].type)
            seg = list(ir.DenseI32ArrayAttr(op.attributes["operandSegmentSizes"]))
            offs = ops[1 : 1 + seg[1]]
            sizes = ops[1 + seg[1] : 1 + seg[1] + seg[2]]
            strides = ops[1 + seg[1] + seg[2] :]
            c = _Call()
            c.value(ops[0])
            c.mixed(_dense(op, "static_offsets"), offs)
            c.mixed(_dense(op, "static_sizes"), sizes)
            c.mixed(_dense(op, "static_strides"), strides)
            r = c.emit("strata_view", _buf(t), _template(t))
        elif name == "memref.extract_strided_metadata":
            src = ops[0]
            rank = (len(op.results) - 2) // 2
            for j, fn in ((0, "strata_base"), (1, "strata_offset")):
                if list(op.results[j].uses):
                    t = ir.IndexType.get() if j else _buf(op.results[0].type)
                    v = _call(fn, [src], t)
                    assert v is not None
                    op.results[j].replace_all_uses_with(v)
            for k in range(rank):
                for j, fn in ((2 + k, "strata_dim"), (2 + rank + k, "strata_stride")):
                    if not list(op.results[j].uses):
                        continue
                    c = _Call()
                    c.value(src)
                    c.literal(k)
                    v = c.emit(fn, ir.IndexType.get())
                    assert v is not None
                    op.results[j].replace_all_uses_with(v)
            return True
        elif name == "memref.reshape":
            t = ir.MemRefType(op.results[0].type)
            c = _Call()
            c.value(ops[0])
            c.value(ops[1])
            r = c.emit("strata_reshape", _buf(t), _template(t))
        elif name == "memref.copy":
            _call("strata_copy", ops, None)
            return True
        elif name == "memref.get_global":
            t = ir.MemRefType(op.results[0].type)
            sym = ir.FlatSymbolRefAttr(op.attributes["name"]).value
            arr = emitc.get_global(_array(t), sym)
            c = _Call()
            c.value(arr)
            for s in t.shape:
                c.literal(s)
            r = c.emit("strata_wrap", _buf(t), _template(t))
        else:
            return False
        if r is not None:
            op.results[0].replace_all_uses_with(r)
        return True

    def _retype(self, module: ir.Operation) -> None:
        """Every memref-typed value (block arguments, results of scf ops and calls) and
        function type -> strata_buf."""
        for op in walk(module):
            if op.name == "func.func":
                ftype = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
                op.attributes["function_type"] = ir.TypeAttr.get(
                    ir.FunctionType.get(
                        [_buf(t) if isinstance(t, ir.MemRefType) else t for t in ftype.inputs],
                        [_buf(t) if isinstance(t, ir.MemRefType) else t for t in ftype.results],
                    )
                )
            if op.name.startswith("memref."):
                continue  # left: the check names it
            for r in op.results:
                if isinstance(r.type, ir.MemRefType):
                    r.set_type(_buf(r.type))
            for region in op.regions:
                for block in region.blocks:
                    for a in block.arguments:
                        if isinstance(a.type, ir.MemRefType):
                            a.set_type(_buf(a.type))

    def _globals(self, module: ir.Operation) -> None:
        body = module.regions[0].blocks[0]
        for view in list(body.operations):
            op = view.operation
            if op.name != "memref.global":
                continue
            t = ir.MemRefType(ir.TypeAttr(op.attributes["type"]).value)
            sym = ir.StringAttr(op.attributes["sym_name"]).value
            attrs = op.attributes
            init = None
            if "initial_value" in attrs:
                init = attrs["initial_value"]
            if init is not None and not (
                isinstance(init, ir.DenseElementsAttr) or str(init).startswith("dense")
            ):
                init = None  # uninitialized
            if init is not None and t.rank == 0:
                value = str(init).rsplit(":", 1)[0].strip()
                init = ir.Attribute.parse(f"{value} : tensor<1x{t.element_type}>")
            with ir.InsertionPoint(op), op.location:
                emitc.global_(
                    sym,
                    ir.TypeAttr.get(_array(t)),
                    initial_value=init,
                    static_specifier=True,
                    const_specifier=True if "constant" in op.attributes else None,
                )
            op.erase()


# emitc ops without side effects whose unused results canonicalize leaves (g++ -Wall warns
# about the unused variables they become)
_PURE = {
    "emitc.constant", "emitc.literal", "emitc.cast", "emitc.add", "emitc.sub", "emitc.mul",
    "emitc.div", "emitc.rem", "emitc.cmp", "emitc.conditional", "emitc.logical_and",
    "emitc.logical_or", "emitc.logical_not", "emitc.bitwise_and", "emitc.bitwise_or",
    "emitc.bitwise_xor", "emitc.bitwise_not", "emitc.bitwise_left_shift",
    "emitc.bitwise_right_shift", "emitc.unary_minus", "emitc.unary_plus",
}  # fmt: skip


@register_pass
class DropDeadValues(ModulePass):
    """Erase emitc ops without side effects whose results are unused (to a fixed point)."""

    name = "strata-cxx-drop-dead-values"

    def run(self, module: ir.Operation) -> None:
        changed = True
        while changed:
            changed = False
            for op in reversed(walk(module)):
                if op.name in _PURE and all(not list(r.uses) for r in op.results):
                    op.erase()
                    changed = True


def _array(t: ir.MemRefType) -> ir.Type:
    shape = "x".join(str(d) for d in (list(t.shape) or [1]))
    return ir.Type.parse(f"!emitc.array<{shape}x{t.element_type}>")


def entry_buffer_types(func: ir.Operation) -> tuple[list[str], list[str]]:
    """`strata_buf<T, R>` of the entry's arguments and of its results (before lowering)."""
    ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
    return (
        [buf_type_name(ir.MemRefType(t)) for t in ftype.inputs],
        [buf_type_name(ir.MemRefType(t)) for t in ftype.results],
    )
