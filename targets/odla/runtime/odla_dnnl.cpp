// libodla_dnnl: Strata's ODLA runtime on oneDNN (3.x, CPU engine). See docs/odla.md.
//
// The same odla.h as libodla_ref, so a program links against either. A computation is a list
// of nodes in creation order. Each op call checks its operands (as libodla_ref does), creates
// its oneDNN primitive descriptor and primitive right away (oneDNN's primitive cache makes a
// second computation of the same shapes reuse them) and records a kernel that executes the
// primitive on a context's buffers. Weights that are constants (odla_CreateConstant) and that
// a convolution or matrix product wants in a blocked layout (format_tag::any) are reordered
// into that layout once, when the op is created, never per execution.
//
// Activations stay plain row-major between ops (the layout odla values have), so any op can
// read any value; a convolution that runs in blocked layouts reorders its input and result
// per call. Primitives use a user scratchpad: each execution allocates one buffer of the
// largest size a node asks for, so several threads may execute one computation at once, each
// with its own context.
//
// oneDNN primitives: convolution (groups, strides, pads, dilations), matmul (Gemm with
// alpha / beta / C as post-ops, BatchMatMul with broadcast batch dims), pooling (max, average
// excluding padding), batch normalisation, eltwise (relu, leaky relu, sigmoid, tanh, gelu,
// hard sigmoid, clip, abs, neg, exp, log, sqrt, rsqrt, reciprocal), binary (add, sub, mul,
// div, max, min), softmax / log-softmax, reduction (mean, sum, max) and reorder (transpose,
// weights). Reshape, concat, gather, slice and cast move bytes with plain loops. Pow, Erf, the
// comparisons, Not and Select are not implemented (odla calls that fail with a message):
// Strata's runtime table (targets/odla/runtimes.py) keeps those on its loop path for `dnnl`.
//
// Errors: as libodla_ref. An op call with invalid arguments (or one oneDNN refuses) returns
// NULL and records the message; executing a computation holding it fails.
//
// Interpret mode (ODLA_EXECUTION_MODE = ODLA_INTERPRET), as in libodla_ref: an op call creates
// its primitive, executes it at once on the computation's stream into a 64-byte aligned
// buffer the result value owns, and keeps no node (the primitive goes when the call
// returns; oneDNN's primitive cache keeps it for the next call of the same shapes);
// odla_ReleaseValue frees the buffer.

#include "odla.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using Dims = std::vector<int64_t>;
using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dnnl::algorithm;
using dnnl::prop_kind;

thread_local std::string g_last_error;

#include "element_size.inc"

Dims dims_of(const odla_value_shape& s) { return Dims(s.dims, s.dims + s.size); }

odla_value_shape shape_of(const Dims& d) {
  odla_value_shape s{};
  s.size = static_cast<odla_int32>(d.size());
  for (size_t i = 0; i < d.size(); ++i) s.dims[i] = d[i];
  return s;
}

int64_t numel(const Dims& d) {
  int64_t n = 1;
  for (int64_t x : d) n *= x;
  return n;
}

Dims strides_of(const Dims& d) {
  Dims s(d.size(), 1);
  for (size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

std::string show(const Dims& d) {
  std::string out = "[";
  for (size_t i = 0; i < d.size(); ++i) out += (i ? ", " : "") + std::to_string(d[i]);
  return out + "]";
}

bool next_index(Dims& idx, const Dims& dims) {
  for (size_t i = idx.size(); i-- > 0;) {
    if (++idx[i] < dims[i]) return true;
    idx[i] = 0;
  }
  return false;
}

bool broadcast_dims(const Dims& a, const Dims& b, Dims* out) {
  size_t r = std::max(a.size(), b.size());
  out->assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t x = i + a.size() >= r ? a[i + a.size() - r] : 1;
    int64_t y = i + b.size() >= r ? b[i + b.size() - r] : 1;
    if (x != y && x != 1 && y != 1) return false;
    (*out)[i] = x == 1 ? y : x;
  }
  return true;
}

// `d` with leading 1s up to rank `r` (at least 1: oneDNN has no rank-0 memory).
Dims pad_rank(const Dims& d, size_t r) {
  r = std::max<size_t>(r, 1);
  Dims out(r - std::min(r, d.size()), 1);
  out.insert(out.end(), d.begin(), d.end());
  return out;
}

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

// A plain (row-major) f32 memory descriptor of dims `d`.
memory::desc plain(const Dims& d, dt type = dt::f32) {
  Dims p = pad_rank(d, d.size()), st = strides_of(p);
  return memory::desc(memory::dims(p.begin(), p.end()), type, memory::dims(st.begin(), st.end()));
}

memory::desc strided(const Dims& d, const Dims& st, dt type = dt::f32) {
  return memory::desc(memory::dims(d.begin(), d.end()), type, memory::dims(st.begin(), st.end()));
}

memory::dims mdims(const odla_uint32* p, size_t n, int64_t minus = 0) {
  memory::dims d;
  for (size_t i = 0; i < n; ++i) d.push_back(static_cast<int64_t>(p[i]) - minus);
  return d;
}

memory mem(const memory::desc& md, const void* p) {
  return memory(md, engine(), const_cast<void*>(p));
}

dnnl::primitive_attr user_scratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// A buffer aligned for oneDNN (64 bytes), owned by a node.
struct Buffer {
  std::vector<unsigned char> bytes;
  void* data = nullptr;
  explicit Buffer(size_t n) : bytes(n + 64) {
    uintptr_t p = reinterpret_cast<uintptr_t>(bytes.data());
    data = bytes.data() + ((64 - p % 64) % 64);
  }
};

}  // namespace

// What a kernel sees: its operands' data, its result buffer, the stream and the scratchpad.
struct Exec {
  std::vector<const void*> in;
  void* out;
  dnnl::stream* stream;
  void* scratch;
};
using Kernel = std::function<void(const Exec&)>;  // throws on failure

struct _odla_value {
  odla_value_type type;
  std::string id;
  enum Kind { ARGUMENT, CONSTANT, OP, VALUE } kind;  // VALUE: odla_CreateValue
  const void* data = nullptr;  // constants
  size_t index = 0;
  _odla_computation* comp = nullptr;
  // interpret mode: the value's data (op results and odla_CreateValue), counted bytes
  std::unique_ptr<Buffer> owned;
  size_t owned_bytes = 0;
  bool has_data = false, released = false;
  Dims dims() const { return dims_of(type.shape); }
  size_t nbytes() const { return static_cast<size_t>(numel(dims())) * elem_size(type.element_type); }
};

struct Node {
  std::vector<size_t> inputs;
  size_t output;
  Kernel kernel;
  size_t scratch = 0;  // bytes of scratchpad the primitive needs
};

struct _odla_computation {
  std::vector<std::unique_ptr<_odla_value>> values;
  std::vector<Node> nodes;
  std::vector<size_t> outputs;
  std::unordered_map<std::string, size_t> arguments;
  std::string error;
  bool interpret = false;                 // ODLA_EXECUTION_MODE
  bool int_ids = false;                   // ODLA_VALUE_ID_AS_INT
  std::unique_ptr<dnnl::stream> stream;  // interpret mode: the ops' stream
  ~_odla_computation();
};

struct _odla_context {
  std::unordered_map<std::string, const void*> arguments;
  std::unordered_map<std::string, void*> outputs;
  bool int_ids = false;
};

namespace {

thread_local _odla_computation* g_active = nullptr;
thread_local odla_memory_stats g_mem{0, 0};  // interpret-mode value bytes of this thread

// A value id as the key it is looked up by: its text, or "#N" for the integer id N.
std::string id_key(const odla_value_id id, bool as_int) {
  if (!id) return std::string();
  if (as_int) return "#" + std::to_string(reinterpret_cast<uintptr_t>(id));
  return std::string(reinterpret_cast<const char*>(id));
}

std::string id_str(const odla_value_id id) { return id_key(id, g_active && g_active->int_ids); }

void* allocate(_odla_value* v) {
  size_t n = v->nbytes();
  v->owned = std::make_unique<Buffer>(std::max<size_t>(n, 1));
  v->owned_bytes = n;
  g_mem.current += n;
  g_mem.peak = std::max(g_mem.peak, g_mem.current);
  return v->owned->data;
}

void* value_buffer(_odla_value* v) { return v->owned->data; }

void release(_odla_value* v) {
  if (!v->owned) return;
  v->owned.reset();
  g_mem.current -= std::min(g_mem.current, v->owned_bytes);
  v->owned_bytes = 0;
}

odla_value fail(const std::string& what, const odla_value_id id) {
  std::string msg = what;
  if (id) msg = "'" + id_str(id) + "': " + msg;
  g_last_error = msg;
  if (g_active && g_active->error.empty()) g_active->error = msg;
  return nullptr;
}

odla_value add_value(odla_value_type type, const odla_value_id id, _odla_value::Kind kind) {
  auto v = std::make_unique<_odla_value>();
  v->type = type;
  v->id = id_str(id);
  v->kind = kind;
  v->comp = g_active;
  v->index = g_active->values.size();
  g_active->values.push_back(std::move(v));
  return g_active->values.back().get();
}

bool usable(std::initializer_list<odla_value> vals) {
  for (odla_value v : vals)
    if (!v || v->comp != g_active) return false;
  return true;
}

odla_value fail(const std::string& what, const odla_value_id id);

// Interpret mode: the data an operand holds now, or null with `why` set.
const void* interpret_data(odla_value v, std::string* why) {
  if (v->released) *why = "operand '" + v->id + "' was released (odla_ReleaseValue)";
  else if (v->kind == _odla_value::CONSTANT) return v->data;
  else if (!v->has_data) *why = "operand '" + v->id + "' has no data (odla_SetValueData)";
  else return value_buffer(v);
  return nullptr;
}

// Interpret mode: executes the kernel now into the result's own buffer.
odla_value run_now(odla_value_type type, const std::vector<odla_value>& ins, const Kernel& k,
                   const odla_value_id id, size_t scratch) {
  if (!g_active->error.empty()) {  // an earlier op failed: keep its message, run nothing
    g_last_error = g_active->error;
    return nullptr;
  }
  Exec e;
  for (odla_value v : ins) {
    std::string why;
    const void* d = v ? interpret_data(v, &why) : nullptr;
    if (!why.empty()) return fail(why, id);
    e.in.push_back(d);
  }
  odla_value out = add_value(type, id, _odla_value::OP);
  try {
    if (!g_active->stream) g_active->stream = std::make_unique<dnnl::stream>(engine());
    e.out = allocate(out);
    Buffer scratchpad(scratch);
    e.stream = g_active->stream.get();
    e.scratch = scratchpad.data;
    if (out->nbytes()) k(e);  // an empty result has nothing to compute
    e.stream->wait();
  } catch (const std::bad_alloc&) {
    return fail("out of memory", id);
  } catch (const dnnl::error& err) {
    return fail(std::string("oneDNN: ") + err.what(), id);
  } catch (const std::exception& err) {
    return fail(err.what(), id);
  }
  out->has_data = true;
  return out;
}

odla_value add_op(odla_value_type type, std::vector<odla_value> ins, Kernel k,
                  const odla_value_id id, size_t scratch = 0) {
  if (g_active->interpret) return run_now(type, ins, k, id, scratch);
  odla_value out = add_value(type, id, _odla_value::OP);
  Node n;
  for (odla_value v : ins) n.inputs.push_back(v ? v->index : SIZE_MAX);
  n.output = out->index;
  n.kernel = std::move(k);
  n.scratch = scratch;
  g_active->nodes.push_back(std::move(n));
  return out;
}

#define ODLA_CHECK_ACTIVE(id) \
  if (!g_active) return fail("no active computation (call odla_CreateComputation)", id)

// Wraps an op builder: a oneDNN error while creating primitives becomes the op's failure.
#define DNNL_TRY(id, ...)                                                   \
  try {                                                                     \
    __VA_ARGS__                                                             \
  } catch (const dnnl::error& e) {                                          \
    return fail(std::string("oneDNN: ") + e.what(), id);                    \
  } catch (const std::bad_alloc&) {                                         \
    return fail("out of memory", id);                                       \
  }

bool is_f32(odla_value v) { return v->type.element_type == ODLA_FLOAT32; }

odla_value_type f32_type(const Dims& d) { return {ODLA_FLOAT32, shape_of(d)}; }

bool same_dims(const odla_value_shape& s, const Dims& d) { return dims_of(s) == d; }

odla_value dims_mismatch(const odla_value_shape& given, const Dims& want, const odla_value_id id) {
  return fail("output_dims " + show(dims_of(given)) + " differ from " + show(want), id);
}

// Executes `p` with `args` and the node's share of the scratchpad.
void run(const dnnl::primitive& p, const Exec& e, std::unordered_map<int, memory> args,
         const memory::desc& scratch_md) {
  if (scratch_md.get_size()) args.insert({DNNL_ARG_SCRATCHPAD, mem(scratch_md, e.scratch)});
  p.execute(*e.stream, args);
}

// The weights of a primitive: either reordered once into the layout the primitive chose
// (constant weights), or the user's buffer read per execution in `user` layout.
struct Weights {
  memory::desc user, want;
  std::shared_ptr<Buffer> packed;  // non-null: reordered at creation
  // the user's data (constants) or null (read from the operand at execution)
  void prepare(const void* constant_data) {
    if (constant_data && want != user) {
      packed = std::make_shared<Buffer>(want.get_size());
      memory src = mem(user, constant_data), dst = mem(want, packed->data);
      dnnl::stream s(engine());
      dnnl::reorder(src, dst).execute(s, src, dst);
      s.wait();
    }
  }
  memory at(const void* operand) const {
    return packed ? mem(want, packed->data) : mem(user, operand);
  }
};

const void* constant_data(odla_value v) {
  return v && v->kind == _odla_value::CONSTANT ? v->data : nullptr;
}

// ---- eltwise / binary ---------------------------------------------------------------------------

odla_value eltwise(odla_value x, const odla_value_id id, algorithm alg, float alpha = 0.f,
                   float beta = 0.f) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x})) return fail("invalid operand", id);
  if (!is_f32(x)) return fail("operand must be float32", id);
  DNNL_TRY(id, {
    memory::desc md = plain(x->dims());
    auto pd = dnnl::eltwise_forward::primitive_desc(engine(), prop_kind::forward_inference, alg,
                                                    md, md, alpha, beta, user_scratchpad());
    dnnl::eltwise_forward prim(pd);
    memory::desc sp = pd.scratchpad_desc();
    return add_op(x->type, {x}, [=](const Exec& e) {
      run(prim, e, {{DNNL_ARG_SRC, mem(md, e.in[0])}, {DNNL_ARG_DST, mem(md, e.out)}}, sp);
    }, id, sp.get_size());
  })
}

// Copies `src` (dims `from`, broadcast to `to`, same rank) into `dst` (plain `to`), any element
// size.
void expand(const void* src, const Dims& from, void* dst, const Dims& to, size_t es) {
  if (numel(to) == 0) return;
  Dims st = strides_of(from), idx(to.size(), 0);
  unsigned char* d = static_cast<unsigned char*>(dst);
  const unsigned char* s = static_cast<const unsigned char*>(src);
  do {
    int64_t off = 0;
    for (size_t i = 0; i < to.size(); ++i) off += (from[i] == 1 ? 0 : idx[i]) * st[i];
    std::memcpy(d, s + off * es, es);
    d += es;
  } while (next_index(idx, to));
}

odla_value binary(odla_value a, odla_value b, const odla_value_id id, algorithm alg,
                  bool commutative) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({a, b})) return fail("invalid operand", id);
  if (!is_f32(a) || !is_f32(b)) return fail("operands must be float32", id);
  Dims da = a->dims(), db = b->dims(), out;
  if (!broadcast_dims(da, db, &out))
    return fail("shapes " + show(da) + " and " + show(db) + " do not broadcast", id);
  Dims o = pad_rank(out, out.size()), pa = pad_rank(da, o.size()), pb = pad_rank(db, o.size());
  // oneDNN broadcasts src1 only: swap commutative operands, else expand lhs per execution
  bool swap = pa != o && pb == o && commutative;
  if (swap) std::swap(pa, pb);
  bool expand_lhs = pa != o;
  DNNL_TRY(id, {
    memory::desc m0 = plain(o), m1 = plain(pb);
    auto pd = dnnl::binary::primitive_desc(engine(), alg, m0, m1, m0, user_scratchpad());
    dnnl::binary prim(pd);
    memory::desc sp = pd.scratchpad_desc();
    return add_op(f32_type(out), {a, b}, [=](const Exec& e) {
      const void* x = e.in[swap ? 1 : 0];
      const void* y = e.in[swap ? 0 : 1];
      std::vector<float> tmp;
      if (expand_lhs) {
        tmp.resize(static_cast<size_t>(numel(o)));
        expand(x, pa, tmp.data(), o, sizeof(float));
        x = tmp.data();
      }
      run(prim, e, {{DNNL_ARG_SRC_0, mem(m0, x)}, {DNNL_ARG_SRC_1, mem(m1, y)},
                    {DNNL_ARG_DST, mem(m0, e.out)}}, sp);
    }, id, sp.get_size());
  })
}

// ---- matrix products ---------------------------------------------------------------------------

// A memory descriptor of the logical (untransposed) operand of a product: plain dims `d`
// (rank >= 2), the last two swapped when `transposed`.
memory::desc product_operand(const Dims& d, bool transposed, Dims* logical) {
  Dims st = strides_of(d);
  *logical = d;
  if (transposed) {
    size_t r = d.size();
    std::swap((*logical)[r - 1], (*logical)[r - 2]);
    std::swap(st[r - 1], st[r - 2]);
  }
  return strided(*logical, st);
}

struct Product {
  dnnl::matmul prim;
  memory::desc src, dst, sp;
  Weights w;
  // the binary post-ops' operands: (index of the post-op in the chain, descriptor)
  std::vector<std::pair<int, memory::desc>> post;
};

// A matmul of src (logical dims ls) and weights (logical dims lw) into dst (dims od); weights
// that are constants go into the layout the primitive prefers, once.
Product make_product(const memory::desc& src, const memory::desc& wuser, const Dims& lw,
                     const void* wconst, const Dims& od, const dnnl::post_ops& po,
                     std::vector<std::pair<int, memory::desc>> post) {
  Product p;
  p.src = src;
  p.dst = plain(od);
  p.w.user = wuser;
  memory::desc wmd = wconst ? memory::desc(memory::dims(lw.begin(), lw.end()), dt::f32, tag::any)
                            : wuser;
  dnnl::primitive_attr attr = user_scratchpad();
  attr.set_post_ops(po);
  auto pd = dnnl::matmul::primitive_desc(engine(), src, wmd, p.dst, attr);
  p.w.want = pd.weights_desc();
  p.w.prepare(wconst);
  p.prim = dnnl::matmul(pd);
  p.sp = pd.scratchpad_desc();
  p.post = std::move(post);
  return p;
}

void run_product(const Product& p, const Exec& e, const void* a, const void* b,
                 std::vector<const void*> post_data) {
  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, mem(p.src, a)}, {DNNL_ARG_WEIGHTS, p.w.at(b)}, {DNNL_ARG_DST, mem(p.dst, e.out)}};
  for (size_t i = 0; i < p.post.size(); ++i)
    args.insert({DNNL_ARG_ATTR_MULTIPLE_POST_OP(p.post[i].first) | DNNL_ARG_SRC_1,
                 mem(p.post[i].second, post_data[i])});
  run(p.prim, e, std::move(args), p.sp);
}

// ---- windows -----------------------------------------------------------------------------------

bool window_out(const Dims& in_sp, const Dims& k, const odla_uint32* strides,
                const odla_uint32* dil, const odla_uint32* front, const odla_uint32* back,
                Dims* out) {
  out->clear();
  for (size_t i = 0; i < in_sp.size(); ++i) {
    int64_t d = dil ? dil[i] : 1;
    if (strides[i] < 1 || d < 1) return false;
    int64_t extent = (k[i] - 1) * d + 1;
    int64_t span = in_sp[i] + front[i] + back[i] - extent;
    if (span < 0) return false;
    out->push_back(span / strides[i] + 1);
  }
  return true;
}

odla_value pool(odla_value x, odla_memory_layout layout, const odla_uint32* window,
                const odla_uint32* strides, const odla_uint32* front, const odla_uint32* back,
                odla_value_shape output_dims, const odla_value_id id, bool is_max) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x}) || !window || !strides || !front || !back) return fail("invalid operand", id);
  if (layout != ODLA_CHANNELS_FIRST) return fail("only ODLA_CHANNELS_FIRST is supported", id);
  if (!is_f32(x)) return fail("input must be float32", id);
  Dims d = x->dims();
  if (d.size() < 3 || d.size() > 5) return fail("input must have rank 3 to 5, got " + show(d), id);
  size_t r = d.size() - 2;
  Dims in_sp(d.begin() + 2, d.end()), k(window, window + r), out_sp;
  if (!window_out(in_sp, k, strides, nullptr, front, back, &out_sp))
    return fail("window, strides and paddings do not fit input " + show(d), id);
  Dims od = {d[0], d[1]};
  od.insert(od.end(), out_sp.begin(), out_sp.end());
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  DNNL_TRY(id, {
    memory::desc src = plain(d), dst = plain(od);
    auto pd = dnnl::pooling_forward::primitive_desc(
        engine(), prop_kind::forward_inference,
        is_max ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding, src, dst,
        mdims(strides, r), mdims(window, r), memory::dims(r, 0), mdims(front, r), mdims(back, r),
        user_scratchpad());
    dnnl::pooling_forward prim(pd);
    memory::desc sp = pd.scratchpad_desc();
    return add_op(f32_type(od), {x}, [=](const Exec& e) {
      run(prim, e, {{DNNL_ARG_SRC, mem(src, e.in[0])}, {DNNL_ARG_DST, mem(dst, e.out)}}, sp);
    }, id, sp.get_size());
  })
}

odla_value reduce(odla_value x, odla_size_t num_axes, const odla_uint32* axes, odla_bool keep,
                  odla_value_shape output_dims, const odla_value_id id, algorithm alg) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x}) || (num_axes && !axes)) return fail("invalid operand", id);
  if (!is_f32(x)) return fail("input must be float32", id);
  Dims d = x->dims();
  std::vector<bool> red(d.size(), false);
  for (size_t i = 0; i < num_axes; ++i) {
    if (axes[i] >= d.size()) return fail("axis " + std::to_string(axes[i]) + " out of range", id);
    red[axes[i]] = true;
  }
  Dims kept, od;
  for (size_t i = 0; i < d.size(); ++i) {
    kept.push_back(red[i] ? 1 : d[i]);
    if (!red[i] || keep) od.push_back(red[i] ? 1 : d[i]);
  }
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  size_t bytes = static_cast<size_t>(numel(kept)) * sizeof(float);
  if (kept == d)  // every reduced dim has one element: the values themselves
    return add_op(f32_type(od), {x}, [bytes](const Exec& e) {
      std::memcpy(e.out, e.in[0], bytes);
    }, id);
  if (numel(d) == 0) return fail("reducing an empty input", id);
  DNNL_TRY(id, {
    memory::desc src = plain(d), dst = plain(kept);
    auto pd = dnnl::reduction::primitive_desc(engine(), alg, src, dst, 0.f, 0.f,
                                              user_scratchpad());
    dnnl::reduction prim(pd);
    memory::desc sp = pd.scratchpad_desc();
    return add_op(f32_type(od), {x}, [=](const Exec& e) {
      run(prim, e, {{DNNL_ARG_SRC, mem(src, e.in[0])}, {DNNL_ARG_DST, mem(dst, e.out)}}, sp);
    }, id, sp.get_size());
  })
}

odla_value softmax(odla_value x, odla_int32 axis, const odla_value_id id, bool log) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x})) return fail("invalid operand", id);
  if (!is_f32(x)) return fail("input must be float32", id);
  Dims d = x->dims();
  int64_t r = static_cast<int64_t>(d.size());
  if (axis < 0) axis += static_cast<odla_int32>(r);
  if (axis < 0 || axis >= r) return fail("axis out of range for " + show(d), id);
  DNNL_TRY(id, {
    memory::desc md = plain(d);
    auto pd = dnnl::softmax_forward::primitive_desc(
        engine(), prop_kind::forward_inference,
        log ? algorithm::softmax_log : algorithm::softmax_accurate, md, md, axis,
        user_scratchpad());
    dnnl::softmax_forward prim(pd);
    memory::desc sp = pd.scratchpad_desc();
    return add_op(x->type, {x}, [=](const Exec& e) {
      run(prim, e, {{DNNL_ARG_SRC, mem(md, e.in[0])}, {DNNL_ARG_DST, mem(md, e.out)}}, sp);
    }, id, sp.get_size());
  })
}

// The oneDNN type that moves elements of size `es` bit for bit (reorders between equal types
// copy), or undef.
dt bits_type(size_t es) {
  switch (es) {
    case 1: return dt::u8;
    case 4: return dt::s32;
    default: return dt::undef;
  }
}

// ---- element access for Cast -------------------------------------------------------------------

template <class T>
int64_t index_at(const void* p, int64_t i) {
  return static_cast<int64_t>(static_cast<const T*>(p)[i]);
}

double load_f(odla_element_type t, const void* p, int64_t i) {
  switch (t) {
    case ODLA_FLOAT32: return static_cast<const float*>(p)[i];
    case ODLA_FLOAT64: return static_cast<const double*>(p)[i];
    default: return 0.0;
  }
}

int64_t load_i(odla_element_type t, const void* p, int64_t i) {
  switch (t) {
    case ODLA_INT8: return index_at<int8_t>(p, i);
    case ODLA_INT16: return index_at<int16_t>(p, i);
    case ODLA_INT32: return index_at<int32_t>(p, i);
    case ODLA_INT64: return index_at<int64_t>(p, i);
    case ODLA_UINT8: return index_at<uint8_t>(p, i);
    case ODLA_UINT16: return index_at<uint16_t>(p, i);
    case ODLA_UINT32: return index_at<uint32_t>(p, i);
    case ODLA_UINT64: return index_at<uint64_t>(p, i);
    case ODLA_BOOL: return static_cast<const uint8_t*>(p)[i] != 0;
    default: return 0;
  }
}

bool is_float_type(odla_element_type t) { return t == ODLA_FLOAT32 || t == ODLA_FLOAT64; }

template <class T>
void store_as(void* p, int64_t i, T v) {
  static_cast<T*>(p)[i] = v;
}

template <class S>
void store(odla_element_type t, void* p, int64_t i, S v) {
  switch (t) {
    case ODLA_FLOAT32: store_as<float>(p, i, static_cast<float>(v)); break;
    case ODLA_FLOAT64: store_as<double>(p, i, static_cast<double>(v)); break;
    case ODLA_INT8: store_as<int8_t>(p, i, static_cast<int8_t>(v)); break;
    case ODLA_INT16: store_as<int16_t>(p, i, static_cast<int16_t>(v)); break;
    case ODLA_INT32: store_as<int32_t>(p, i, static_cast<int32_t>(v)); break;
    case ODLA_INT64: store_as<int64_t>(p, i, static_cast<int64_t>(v)); break;
    case ODLA_UINT8: store_as<uint8_t>(p, i, static_cast<uint8_t>(v)); break;
    case ODLA_UINT16: store_as<uint16_t>(p, i, static_cast<uint16_t>(v)); break;
    case ODLA_UINT32: store_as<uint32_t>(p, i, static_cast<uint32_t>(v)); break;
    case ODLA_UINT64: store_as<uint64_t>(p, i, static_cast<uint64_t>(v)); break;
    case ODLA_BOOL: store_as<uint8_t>(p, i, v != 0 ? 1 : 0); break;
    default: break;
  }
}

odla_value not_here(const char* fn, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  return fail(std::string(fn) + " is not implemented by libodla_dnnl (Strata's odla target "
                                "compiles it on its loop path for --odla-runtime dnnl)", id);
}

}  // namespace

_odla_computation::~_odla_computation() {
  for (auto& v : values) release(v.get());
}

extern "C" {

// ---- computations and contexts ----------------------------------------------------------------

odla_status odla_CreateComputation(odla_computation* computation) {
  if (!computation) return ODLA_INVALID_PARAM;
  *computation = new (std::nothrow) _odla_computation();
  if (!*computation) return ODLA_MEM_ERROR;
  g_active = *computation;
  return ODLA_SUCCESS;
}

odla_status odla_SetActiveComputation(odla_computation computation) {
  g_active = computation;
  return computation ? ODLA_SUCCESS : ODLA_INVALID_PARAM;
}

odla_status odla_DestroyComputation(odla_computation computation) {
  if (!computation) return ODLA_INVALID_PARAM;
  if (g_active == computation) g_active = nullptr;
  delete computation;
  return ODLA_SUCCESS;
}

odla_status odla_CreateContext(odla_context* context) {
  if (!context) return ODLA_INVALID_PARAM;
  *context = new (std::nothrow) _odla_context();
  return *context ? ODLA_SUCCESS : ODLA_MEM_ERROR;
}

odla_status odla_DestroyContext(odla_context context) {
  if (!context) return ODLA_INVALID_PARAM;
  delete context;
  return ODLA_SUCCESS;
}

odla_status odla_BindToArgumentById(const odla_value_id value_id, const odla_void* data_ptr,
                                    odla_context context) {
  if (!value_id || !context) return ODLA_INVALID_PARAM;
  context->arguments[id_key(value_id, context->int_ids)] = data_ptr;
  return ODLA_SUCCESS;
}

odla_status odla_BindToOutputById(const odla_value_id value_id, odla_void* data_ptr,
                                  odla_context context) {
  if (!value_id || !context) return ODLA_INVALID_PARAM;
  context->outputs[id_key(value_id, context->int_ids)] = data_ptr;
  return ODLA_SUCCESS;
}

const char* odla_GetLastError(void) { return g_last_error.c_str(); }

odla_status odla_ExecuteComputation(const odla_computation comp, const odla_context ctx,
                                    const odla_compute_mode mode, odla_device device) {
  (void)device;
  if (!comp || !ctx) return ODLA_INVALID_PARAM;
  if (comp->interpret) {
    g_last_error = "an interpret-mode computation runs each op as it is called; "
                   "there is nothing to execute (read results with odla_GetValueData)";
    return ODLA_FAILURE;
  }
  if (ctx->int_ids != comp->int_ids) {
    g_last_error = "the context and the computation disagree on ODLA_VALUE_ID_AS_INT";
    return ODLA_INVALID_PARAM;
  }
  if (mode != ODLA_COMPUTE_INFERENCE) {
    g_last_error = "only ODLA_COMPUTE_INFERENCE is supported";
    return ODLA_FAILURE;
  }
  if (!comp->error.empty()) {
    g_last_error = "the computation holds an op that failed to build: " + comp->error;
    return ODLA_UNRECOVERABLE_ERR;
  }
  std::vector<const void*> data(comp->values.size(), nullptr);
  for (const auto& v : comp->values) {
    if (v->kind == _odla_value::ARGUMENT) {
      auto it = ctx->arguments.find(v->id);
      if (it == ctx->arguments.end() || (!it->second && v->nbytes())) {
        g_last_error = "argument '" + v->id + "' is not bound";
        return ODLA_INVALID_PARAM;
      }
      data[v->index] = it->second;
    } else if (v->kind == _odla_value::CONSTANT) {
      data[v->index] = v->data;
    }
  }
  const Node* current = nullptr;
  try {
    std::vector<std::unique_ptr<Buffer>> buffers(comp->values.size());
    size_t scratch = 0;
    for (const Node& n : comp->nodes) scratch = std::max(scratch, n.scratch);
    Buffer scratchpad(scratch);
    dnnl::stream stream(engine());
    for (const Node& n : comp->nodes) {
      current = &n;
      Exec e;
      for (size_t i : n.inputs) e.in.push_back(i == SIZE_MAX ? nullptr : data[i]);
      size_t bytes = comp->values[n.output]->nbytes();
      buffers[n.output] = std::make_unique<Buffer>(std::max<size_t>(bytes, 1));
      e.out = buffers[n.output]->data;
      e.stream = &stream;
      e.scratch = scratchpad.data;
      if (bytes) n.kernel(e);  // an empty result has nothing to compute
      data[n.output] = e.out;
    }
    stream.wait();
    current = nullptr;
    for (size_t o : comp->outputs) {
      const auto& v = comp->values[o];
      auto it = ctx->outputs.find(v->id);
      if (it == ctx->outputs.end() || (!it->second && v->nbytes())) {
        g_last_error = "output '" + v->id + "' is not bound";
        return ODLA_INVALID_PARAM;
      }
      if (v->nbytes()) std::memcpy(it->second, data[o], v->nbytes());
    }
  } catch (const std::bad_alloc&) {
    g_last_error = "out of memory";
    return ODLA_MEM_ERROR;
  } catch (const std::exception& e) {
    std::string where = current ? "'" + comp->values[current->output]->id + "': " : "";
    g_last_error = where + (dynamic_cast<const dnnl::error*>(&e) ? "oneDNN: " : "") + e.what();
    return ODLA_FAILURE;
  }
  return ODLA_SUCCESS;
}

// ---- values -----------------------------------------------------------------------------------

static bool valid_type(const odla_value_type& t) {
  if (t.shape.size < 0 || t.shape.size > ODLA_MAX_DIMENSION || elem_size(t.element_type) == 0)
    return false;
  for (int i = 0; i < t.shape.size; ++i)
    if (t.shape.dims[i] < 0) return false;
  return true;
}

odla_value odla_CreateArgument(odla_value_type type, const odla_value_id value_id) {
  ODLA_CHECK_ACTIVE(value_id);
  if (!value_id) return fail("an argument needs a value id", value_id);
  if (g_active->interpret)
    return fail("odla_CreateArgument in interpret mode: inputs are odla_CreateValue + "
                "odla_SetValueData", value_id);
  if (!valid_type(type)) return fail("invalid or dynamic value type", value_id);
  odla_value v = add_value(type, value_id, _odla_value::ARGUMENT);
  g_active->arguments[v->id] = v->index;
  return v;
}

odla_value odla_CreateConstant(odla_value_type type, const odla_void* data_ptr,
                               const odla_value_id value_id) {
  ODLA_CHECK_ACTIVE(value_id);
  if (!valid_type(type)) return fail("invalid or dynamic value type", value_id);
  odla_value v = add_value(type, value_id, _odla_value::CONSTANT);
  if (!data_ptr && v->nbytes()) return fail("constant without data", value_id);
  v->data = data_ptr;
  return v;
}

odla_status odla_SetValueAsOutput(const odla_value value) {
  if (!value || !value->comp) return ODLA_INVALID_PARAM;
  if (value->id.empty()) {
    g_last_error = "an output needs a value id";
    return ODLA_INVALID_PARAM;
  }
  value->comp->outputs.push_back(value->index);
  return ODLA_SUCCESS;
}

odla_status odla_GetValueType(const odla_value value, odla_value_type* value_type) {
  if (!value || !value_type) return ODLA_INVALID_PARAM;
  *value_type = value->type;
  return ODLA_SUCCESS;
}

// ---- math -------------------------------------------------------------------------------------

odla_value odla_Add(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, algorithm::binary_add, true);
}
odla_value odla_Sub(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, algorithm::binary_sub, false);
}
odla_value odla_Mul(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, algorithm::binary_mul, true);
}
odla_value odla_Div(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, algorithm::binary_div, false);
}
odla_value odla_Max(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, algorithm::binary_max, true);
}
odla_value odla_Min(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, algorithm::binary_min, true);
}
odla_value odla_Pow(odla_value, odla_value, const odla_value_id id) {
  return not_here("odla_Pow", id);
}
odla_value odla_Abs(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_abs);
}
odla_value odla_Neg(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_linear, -1.f, 0.f);
}
odla_value odla_Exp(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_exp);
}
odla_value odla_Log(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_log);
}
odla_value odla_Sqrt(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_sqrt);
}
odla_value odla_Rsqrt(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_pow, 1.f, -0.5f);
}
odla_value odla_Reciprocal(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_pow, 1.f, -1.f);
}
odla_value odla_Erf(odla_value, const odla_value_id id) { return not_here("odla_Erf", id); }

odla_value odla_Tanh(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_tanh);
}

odla_value odla_Equal(odla_value, odla_value, const odla_value_id id) {
  return not_here("odla_Equal", id);
}
odla_value odla_Less(odla_value, odla_value, const odla_value_id id) {
  return not_here("odla_Less", id);
}
odla_value odla_Greater(odla_value, odla_value, const odla_value_id id) {
  return not_here("odla_Greater", id);
}
odla_value odla_LessOrEqual(odla_value, odla_value, const odla_value_id id) {
  return not_here("odla_LessOrEqual", id);
}
odla_value odla_GreaterOrEqual(odla_value, odla_value, const odla_value_id id) {
  return not_here("odla_GreaterOrEqual", id);
}
odla_value odla_Not(odla_value, const odla_value_id id) { return not_here("odla_Not", id); }
odla_value odla_Select(odla_value, odla_value, odla_value, odla_value_shape,
                       const odla_value_id id) {
  return not_here("odla_Select", id);
}

odla_value odla_Gemm(odla_value A, odla_bool transpose_A, odla_value B, odla_bool transpose_B,
                     odla_float32 alpha, odla_float32 beta, odla_value C,
                     odla_value_shape output_dims, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({A, B}) || (C && C->comp != g_active)) return fail("invalid operand", id);
  if (!is_f32(A) || !is_f32(B) || (C && !is_f32(C))) return fail("operands must be float32", id);
  Dims da = A->dims(), db = B->dims();
  if (da.size() != 2 || db.size() != 2)
    return fail("A " + show(da) + " and B " + show(db) + " must be matrices", id);
  Dims la, lb;
  memory::desc src = product_operand(da, transpose_A, &la);
  memory::desc wuser = product_operand(db, transpose_B, &lb);
  if (la[1] != lb[0])
    return fail("A " + show(da) + " and B " + show(db) + " do not multiply", id);
  Dims od = {la[0], lb[1]};
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  bool with_c = C && beta != 0.f;
  Dims dc;
  if (with_c) {
    dc = pad_rank(C->dims(), 2);
    Dims bc;
    if (dc.size() != 2 || !broadcast_dims(dc, od, &bc) || bc != od)
      return fail("C " + show(C->dims()) + " does not broadcast to " + show(od), id);
  }
  DNNL_TRY(id, {
    // alpha * AB + beta * C as post-ops: [linear(alpha / beta)], add C, [linear(beta)]
    dnnl::post_ops po;
    std::vector<std::pair<int, memory::desc>> post;
    float pre = with_c ? alpha / beta : alpha;
    if (pre != 1.f) po.append_eltwise(algorithm::eltwise_linear, pre, 0.f);
    if (with_c) {
      post.emplace_back(po.len(), plain(dc));
      po.append_binary(algorithm::binary_add, post.back().second);
      if (beta != 1.f) po.append_eltwise(algorithm::eltwise_linear, beta, 0.f);
    }
    Product p = make_product(src, wuser, lb, constant_data(B), od, po, post);
    return add_op(f32_type(od), {A, B, with_c ? C : nullptr}, [=](const Exec& e) {
      run_product(p, e, e.in[0], e.in[1], with_c ? std::vector<const void*>{e.in[2]}
                                                 : std::vector<const void*>{});
    }, id, p.sp.get_size());
  })
}

odla_value odla_BatchMatMul(odla_value lhs, odla_bool lhs_transpose, odla_value rhs,
                            odla_bool rhs_transpose, odla_value_shape output_dims,
                            const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({lhs, rhs})) return fail("invalid operand", id);
  if (!is_f32(lhs) || !is_f32(rhs)) return fail("operands must be float32", id);
  Dims da = lhs->dims(), db = rhs->dims();
  if (da.size() < 2 || db.size() < 2)
    return fail("lhs " + show(da) + " and rhs " + show(db) + " must have rank >= 2", id);
  size_t r = std::max(da.size(), db.size());
  Dims la, lb;
  memory::desc src = product_operand(pad_rank(da, r), lhs_transpose, &la);
  memory::desc wuser = product_operand(pad_rank(db, r), rhs_transpose, &lb);
  Dims ba(la.begin(), la.end() - 2), bb(lb.begin(), lb.end() - 2), batch;
  if (la[r - 1] != lb[r - 2] || !broadcast_dims(ba, bb, &batch))
    return fail("lhs " + show(da) + " and rhs " + show(db) + " do not multiply", id);
  Dims od = batch;
  od.push_back(la[r - 2]);
  od.push_back(lb[r - 1]);
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  DNNL_TRY(id, {
    Product p = make_product(src, wuser, lb, constant_data(rhs), od, dnnl::post_ops(), {});
    return add_op(f32_type(od), {lhs, rhs}, [=](const Exec& e) {
      run_product(p, e, e.in[0], e.in[1], {});
    }, id, p.sp.get_size());
  })
}

odla_value odla_ReduceMean(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                           odla_bool keep_dims, odla_value_shape output_dims,
                           const odla_value_id id) {
  return reduce(input, num_of_axes, axes, keep_dims, output_dims, id, algorithm::reduction_mean);
}
odla_value odla_ReduceSum(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                          odla_bool keep_dims, odla_value_shape output_dims,
                          const odla_value_id id) {
  return reduce(input, num_of_axes, axes, keep_dims, output_dims, id, algorithm::reduction_sum);
}
odla_value odla_ReduceMax(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                          odla_bool keep_dims, odla_value_shape output_dims,
                          const odla_value_id id) {
  return reduce(input, num_of_axes, axes, keep_dims, output_dims, id, algorithm::reduction_max);
}

// ---- nn ---------------------------------------------------------------------------------------

odla_value odla_Relu(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_relu);
}
odla_value odla_Sigmoid(odla_value x, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_logistic);
}
odla_value odla_Gelu(odla_value x, odla_bool use_approx, const odla_value_id id) {
  return eltwise(x, id, use_approx ? algorithm::eltwise_gelu_tanh : algorithm::eltwise_gelu_erf);
}
odla_value odla_LeakyRelu(odla_value x, odla_float32 alpha, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_relu, alpha);
}
odla_value odla_HardSigmoid(odla_value x, odla_float32 alpha, odla_float32 beta,
                            const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_hardsigmoid, alpha, beta);
}
odla_value odla_Clamp(odla_value x, odla_float32 lo, odla_float32 hi, const odla_value_id id) {
  return eltwise(x, id, algorithm::eltwise_clip_v2, lo, hi);
}
odla_value odla_Softmax(odla_value x, odla_int32 axis, const odla_value_id id) {
  return softmax(x, axis, id, false);
}
odla_value odla_LogSoftmax(odla_value x, odla_int32 axis, const odla_value_id id) {
  return softmax(x, axis, id, true);
}

odla_value odla_Conv(odla_value input, odla_memory_layout input_layout, odla_uint32 group,
                     odla_value kernel, odla_memory_layout kernel_layout,
                     const odla_uint32* strides, const odla_uint32* dilations,
                     const odla_uint32* paddings_front, const odla_uint32* paddings_back,
                     odla_value bias, odla_value_shape output_dims, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input, kernel}) || (bias && bias->comp != g_active) || !strides || !dilations ||
      !paddings_front || !paddings_back)
    return fail("invalid operand", id);
  if (input_layout != ODLA_CHANNELS_FIRST) return fail("only ODLA_CHANNELS_FIRST is supported", id);
  if (kernel_layout != ODLA_OIS) return fail("only ODLA_OIS kernels are supported", id);
  if (!is_f32(input) || !is_f32(kernel) || (bias && !is_f32(bias)))
    return fail("operands must be float32", id);
  Dims d = input->dims(), kd = kernel->dims();
  if (d.size() < 3 || d.size() > 5 || kd.size() != d.size())
    return fail("input " + show(d) + " and kernel " + show(kd) + " must have one rank of 3 to 5",
                id);
  int64_t C = d[1], M = kd[0], G = group;
  if (G < 1 || kd[1] * G != C || M % G)
    return fail("group " + std::to_string(G) + " does not fit input " + show(d) + " and kernel " +
                    show(kd), id);
  if (bias && bias->dims() != Dims{M})
    return fail("bias must have shape [" + std::to_string(M) + "]", id);
  size_t r = d.size() - 2;
  Dims in_sp(d.begin() + 2, d.end()), k(kd.begin() + 2, kd.end()), out_sp;
  if (!window_out(in_sp, k, strides, dilations, paddings_front, paddings_back, &out_sp))
    return fail("kernel, strides, dilations and paddings do not fit input " + show(d), id);
  Dims od = {d[0], M};
  od.insert(od.end(), out_sp.begin(), out_sp.end());
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  // grouped weights: [G, M / G, C / G, spatial...], the same bytes as [M, C / G, spatial...]
  Dims wd = kd;
  if (G > 1) {
    wd[0] = M / G;
    wd.insert(wd.begin(), G);
  }
  const void* wconst = constant_data(kernel);
  bool has_bias = bias != nullptr;
  DNNL_TRY(id, {
    memory::desc src = plain(d), dst = plain(od), bmd = has_bias ? plain({M}) : memory::desc();
    // the convolution picks its layouts (blocked ones run the direct jit kernels); plain
    // activations are reordered in and out per call, constant weights once, here
    auto any = [](const Dims& x) {
      return memory::desc(memory::dims(x.begin(), x.end()), dt::f32, tag::any);
    };
    Weights w;
    w.user = plain(wd);
    memory::desc wmd = wconst ? any(wd) : w.user;
    memory::dims st = mdims(strides, r), dil = mdims(dilations, r, 1),
                 front = mdims(paddings_front, r), back = mdims(paddings_back, r);
    auto pd = has_bias ? dnnl::convolution_forward::primitive_desc(
                             engine(), prop_kind::forward_inference,
                             algorithm::convolution_direct, any(d), wmd, bmd, any(od), st, dil,
                             front, back, user_scratchpad())
                       : dnnl::convolution_forward::primitive_desc(
                             engine(), prop_kind::forward_inference,
                             algorithm::convolution_direct, any(d), wmd, any(od), st, dil, front,
                             back, user_scratchpad());
    w.want = pd.weights_desc();
    w.prepare(wconst);
    dnnl::convolution_forward prim(pd);
    memory::desc csrc = pd.src_desc(), cdst = pd.dst_desc(), sp = pd.scratchpad_desc();
    size_t scratch = sp.get_size();
    bool reorder_in = csrc != src, reorder_out = cdst != dst;
    dnnl::reorder to_conv, from_conv;
    memory::desc sp_in, sp_out;
    if (reorder_in) {
      auto rpd = dnnl::reorder::primitive_desc(engine(), src, engine(), csrc, user_scratchpad());
      to_conv = dnnl::reorder(rpd);
      sp_in = rpd.scratchpad_desc();
      scratch = std::max(scratch, sp_in.get_size());
    }
    if (reorder_out) {
      auto rpd = dnnl::reorder::primitive_desc(engine(), cdst, engine(), dst, user_scratchpad());
      from_conv = dnnl::reorder(rpd);
      sp_out = rpd.scratchpad_desc();
      scratch = std::max(scratch, sp_out.get_size());
    }
    return add_op(f32_type(od), {input, kernel, bias}, [=](const Exec& e) {
      std::unique_ptr<Buffer> xin, yout;
      const void* x = e.in[0];
      void* y = e.out;
      if (reorder_in) {
        xin = std::make_unique<Buffer>(csrc.get_size());
        run(to_conv, e, {{DNNL_ARG_FROM, mem(src, x)}, {DNNL_ARG_TO, mem(csrc, xin->data)}},
            sp_in);
        x = xin->data;
      }
      if (reorder_out) {
        yout = std::make_unique<Buffer>(cdst.get_size());
        y = yout->data;
      }
      std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, mem(csrc, x)},
                                              {DNNL_ARG_WEIGHTS, w.at(e.in[1])},
                                              {DNNL_ARG_DST, mem(cdst, y)}};
      if (has_bias) args.insert({DNNL_ARG_BIAS, mem(bmd, e.in[2])});
      run(prim, e, std::move(args), sp);
      if (reorder_out)
        run(from_conv, e, {{DNNL_ARG_FROM, mem(cdst, y)}, {DNNL_ARG_TO, mem(dst, e.out)}}, sp_out);
      e.stream->wait();  // before the temporaries go
    }, id, scratch);
  })
}

odla_value odla_MaxPool(odla_value input, odla_memory_layout input_layout,
                        const odla_uint32* window_dims, const odla_uint32* strides,
                        const odla_uint32* paddings_front, const odla_uint32* paddings_back,
                        odla_value_shape output_dims, const odla_value_id id) {
  return pool(input, input_layout, window_dims, strides, paddings_front, paddings_back,
              output_dims, id, true);
}

odla_value odla_AveragePool(odla_value input, odla_memory_layout input_layout,
                            const odla_uint32* window_dims, const odla_uint32* strides,
                            const odla_uint32* paddings_front,
                            const odla_uint32* paddings_back, odla_value_shape output_dims,
                            const odla_value_id id) {
  return pool(input, input_layout, window_dims, strides, paddings_front, paddings_back,
              output_dims, id, false);
}

odla_value odla_BatchNormalization(odla_value input, odla_memory_layout input_layout,
                                   odla_value mean, odla_value var, odla_float32 epsilon,
                                   odla_value scale, odla_value offset,
                                   odla_float32 scalar_scale, odla_float32 scalar_offset,
                                   const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input, mean, var}) || (scale && scale->comp != g_active) ||
      (offset && offset->comp != g_active))
    return fail("invalid operand", id);
  if (input_layout != ODLA_CHANNELS_FIRST) return fail("only ODLA_CHANNELS_FIRST is supported", id);
  Dims d = input->dims();
  if (d.size() < 2 || d.size() > 5) return fail("input must have rank 2 to 5", id);
  for (odla_value v : {input, mean, var, scale, offset}) {
    if (v && !is_f32(v)) return fail("operands must be float32", id);
    if (v && v != input && v->dims() != Dims{d[1]})
      return fail("per-channel operands must have shape [" + std::to_string(d[1]) + "]", id);
  }
  int64_t C = d[1];
  // a missing scale / offset: a per-channel constant of the scalar
  auto fill = [C](float v) { return std::make_shared<std::vector<float>>(C, v); };
  std::shared_ptr<std::vector<float>> s_fill = scale ? nullptr : fill(scalar_scale);
  std::shared_ptr<std::vector<float>> o_fill = offset ? nullptr : fill(scalar_offset);
  DNNL_TRY(id, {
    memory::desc md = plain(d), cmd = plain({C});
    auto flags = dnnl::normalization_flags::use_global_stats |
                 dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
    auto pd = dnnl::batch_normalization_forward::primitive_desc(
        engine(), prop_kind::forward_inference, md, md, epsilon, flags, user_scratchpad());
    dnnl::batch_normalization_forward prim(pd);
    memory::desc sp = pd.scratchpad_desc();
    return add_op(input->type, {input, mean, var, scale, offset}, [=](const Exec& e) {
      run(prim, e,
          {{DNNL_ARG_SRC, mem(md, e.in[0])},
           {DNNL_ARG_MEAN, mem(cmd, e.in[1])},
           {DNNL_ARG_VARIANCE, mem(cmd, e.in[2])},
           {DNNL_ARG_SCALE, mem(cmd, s_fill ? s_fill->data() : e.in[3])},
           {DNNL_ARG_SHIFT, mem(cmd, o_fill ? o_fill->data() : e.in[4])},
           {DNNL_ARG_DST, mem(md, e.out)}},
          sp);
    }, id, sp.get_size());
  })
}

// Instance norm as two primitives: a layer normalisation of the [N * C, spatial] view (mean and
// variance of each (n, c) plane, no affine part) into the result, then, in place, a binary
// multiply by the [1, C, 1] scale with the offset added as a binary post-op.
odla_value odla_InstanceNormalization(odla_value input, odla_memory_layout input_layout,
                                      odla_float32 epsilon, odla_value scale, odla_value offset,
                                      odla_float32 scalar_scale, odla_float32 scalar_offset,
                                      const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input}) || (scale && scale->comp != g_active) ||
      (offset && offset->comp != g_active))
    return fail("invalid operand", id);
  if (input_layout != ODLA_CHANNELS_FIRST) return fail("only ODLA_CHANNELS_FIRST is supported", id);
  Dims d = input->dims();
  if (d.size() < 3) return fail("input must have rank >= 3 (N, C, spatial...)", id);
  for (odla_value v : {input, scale, offset}) {
    if (v && !is_f32(v)) return fail("operands must be float32", id);
    if (v && v != input && v->dims() != Dims{d[1]})
      return fail("per-channel operands must have shape [" + std::to_string(d[1]) + "]", id);
  }
  int64_t N = d[0], C = d[1], S = numel(d) / std::max<int64_t>(N * C, 1);
  auto fill = [C](float v) { return std::make_shared<std::vector<float>>(C, v); };
  std::shared_ptr<std::vector<float>> s_fill = scale ? nullptr : fill(scalar_scale);
  std::shared_ptr<std::vector<float>> o_fill = offset ? nullptr : fill(scalar_offset);
  DNNL_TRY(id, {
    memory::desc planes = plain({N * C, S}), nchw = plain({N, C, S}), cmd = plain({1, C, 1});
    auto lpd = dnnl::layer_normalization_forward::primitive_desc(
        engine(), prop_kind::forward_inference, planes, planes, epsilon,
        dnnl::normalization_flags::none, user_scratchpad());
    dnnl::layer_normalization_forward lnorm(lpd);
    dnnl::post_ops po;
    po.append_binary(algorithm::binary_add, cmd);
    dnnl::primitive_attr attr = user_scratchpad();
    attr.set_post_ops(po);
    auto bpd = dnnl::binary::primitive_desc(engine(), algorithm::binary_mul, nchw, cmd, nchw, attr);
    dnnl::binary affine(bpd);
    memory::desc lsp = lpd.scratchpad_desc(), bsp = bpd.scratchpad_desc();
    memory::desc mean_md = lpd.mean_desc(), var_md = lpd.variance_desc();
    size_t scratch = std::max(lsp.get_size(), bsp.get_size());
    return add_op(input->type, {input, scale, offset}, [=](const Exec& e) {
      std::unordered_map<int, memory> la = {{DNNL_ARG_SRC, mem(planes, e.in[0])},
                                            {DNNL_ARG_DST, mem(planes, e.out)}};
      Buffer stats(mean_md.get_size() + var_md.get_size() + 64);  // if oneDNN writes them
      if (mean_md.get_size()) la.insert({DNNL_ARG_MEAN, mem(mean_md, stats.data)});
      if (var_md.get_size())
        la.insert({DNNL_ARG_VARIANCE,
                   mem(var_md, static_cast<char*>(stats.data) + mean_md.get_size())});
      run(lnorm, e, la, lsp);
      run(affine, e,
          {{DNNL_ARG_SRC_0, mem(nchw, e.out)},
           {DNNL_ARG_SRC_1, mem(cmd, s_fill ? s_fill->data() : e.in[1])},
           {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1,
            mem(cmd, o_fill ? o_fill->data() : e.in[2])},
           {DNNL_ARG_DST, mem(nchw, e.out)}},
          bsp);
    }, id, scratch);
  })
}

// ---- process ----------------------------------------------------------------------------------

odla_value odla_Reshape(odla_value input, odla_value_shape output_dims, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input})) return fail("invalid operand", id);
  Dims od = dims_of(output_dims);
  if (output_dims.size < 0 || output_dims.size > ODLA_MAX_DIMENSION ||
      std::any_of(od.begin(), od.end(), [](int64_t x) { return x < 0; }) ||
      numel(od) != numel(input->dims()))
    return fail("output_dims " + show(od) + " do not hold the elements of " +
                    show(input->dims()), id);
  size_t bytes = input->nbytes();
  return add_op({input->type.element_type, output_dims}, {input}, [bytes](const Exec& e) {
    std::memcpy(e.out, e.in[0], bytes);
  }, id);
}

odla_value odla_Transpose(odla_value input, odla_value_shape permutations,
                          odla_value_shape output_dims, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input})) return fail("invalid operand", id);
  Dims d = input->dims(), perm = dims_of(permutations), od;
  Dims sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int64_t>(i)) sorted.clear();
  if (perm.size() != d.size() || sorted.size() != d.size())
    return fail("permutations " + show(perm) + " do not permute the dims of " + show(d), id);
  for (int64_t p : perm) od.push_back(d[p]);
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  Dims ist = strides_of(d), pst;
  for (int64_t p : perm) pst.push_back(ist[p]);
  size_t es = elem_size(input->type.element_type);
  odla_value_type type = {input->type.element_type, output_dims};
  dt bits = bits_type(es);
  if (bits != dt::undef && !od.empty() && numel(od) > 0) {
    // a reorder from the input read through permuted strides into plain output
    DNNL_TRY(id, {
      memory::desc src = strided(od, pst, bits), dst = plain(od, bits);
      auto pd = dnnl::reorder::primitive_desc(engine(), src, engine(), dst, user_scratchpad());
      dnnl::reorder prim(pd);
      memory::desc sp = pd.scratchpad_desc();
      return add_op(type, {input}, [=](const Exec& e) {
        run(prim, e, {{DNNL_ARG_FROM, mem(src, e.in[0])}, {DNNL_ARG_TO, mem(dst, e.out)}}, sp);
      }, id, sp.get_size());
    })
  }
  return add_op(type, {input}, [=](const Exec& e) {
    const unsigned char* src = static_cast<const unsigned char*>(e.in[0]);
    unsigned char* dst = static_cast<unsigned char*>(e.out);
    Dims idx(od.size(), 0);
    do {
      int64_t off = 0;
      for (size_t i = 0; i < od.size(); ++i) off += idx[i] * pst[i];
      std::memcpy(dst, src + off * es, es);
      dst += es;
    } while (next_index(idx, od));
  }, id);
}

odla_value odla_Concat(odla_values inputs, odla_int32 axis, odla_value_shape output_dims,
                       const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (inputs.size < 1 || inputs.size > ODLA_MAX_OUTPUTS) return fail("no inputs", id);
  std::vector<odla_value> ins(inputs.values, inputs.values + inputs.size);
  for (odla_value v : ins)
    if (!usable({v})) return fail("invalid operand", id);
  Dims d0 = ins[0]->dims();
  int64_t r = static_cast<int64_t>(d0.size());
  if (axis < 0) axis += static_cast<odla_int32>(r);
  if (axis < 0 || axis >= r) return fail("axis out of range", id);
  Dims od = d0;
  od[axis] = 0;
  std::vector<size_t> chunk;  // bytes per outer index, per input
  size_t es = elem_size(ins[0]->type.element_type);
  for (odla_value v : ins) {
    Dims d = v->dims();
    bool ok = d.size() == d0.size() && v->type.element_type == ins[0]->type.element_type;
    for (int64_t i = 0; ok && i < r; ++i) ok = i == axis || d[i] == d0[i];
    if (!ok) return fail("input " + show(d) + " does not concatenate with " + show(d0), id);
    od[axis] += d[axis];
    int64_t inner = 1;
    for (int64_t i = axis; i < r; ++i) inner *= d[i];
    chunk.push_back(static_cast<size_t>(inner) * es);
  }
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= d0[i];
  return add_op({ins[0]->type.element_type, output_dims}, ins, [=](const Exec& e) {
    unsigned char* dst = static_cast<unsigned char*>(e.out);
    for (int64_t o = 0; o < outer; ++o)
      for (size_t k = 0; k < chunk.size(); ++k) {
        if (chunk[k]) std::memcpy(dst, static_cast<const unsigned char*>(e.in[k]) + o * chunk[k], chunk[k]);
        dst += chunk[k];
      }
  }, id);
}

odla_value odla_Gather(odla_value input, const odla_value indices, odla_int32 axis,
                       odla_value_shape output_dims, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input, indices})) return fail("invalid operand", id);
  odla_element_type it = indices->type.element_type;
  if (it != ODLA_INT32 && it != ODLA_INT64) return fail("indices must be int32 or int64", id);
  Dims d = input->dims(), di = indices->dims();
  int64_t r = static_cast<int64_t>(d.size());
  if (axis < 0) axis += static_cast<odla_int32>(r);
  if (axis < 0 || axis >= r) return fail("axis out of range", id);
  Dims od(d.begin(), d.begin() + axis);
  od.insert(od.end(), di.begin(), di.end());
  od.insert(od.end(), d.begin() + axis + 1, d.end());
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  int64_t outer = 1, n = d[axis], inner = 1, count = numel(di);
  for (int64_t i = 0; i < axis; ++i) outer *= d[i];
  for (int64_t i = axis + 1; i < r; ++i) inner *= d[i];
  size_t bytes = static_cast<size_t>(inner) * elem_size(input->type.element_type);
  return add_op({input->type.element_type, output_dims}, {input, indices}, [=](const Exec& e) {
    const unsigned char* src = static_cast<const unsigned char*>(e.in[0]);
    unsigned char* dst = static_cast<unsigned char*>(e.out);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < count; ++k) {
        int64_t j = it == ODLA_INT32 ? index_at<int32_t>(e.in[1], k) : index_at<int64_t>(e.in[1], k);
        if (j < 0) j += n;
        if (j < 0 || j >= n) throw std::runtime_error("gather index out of range");
        if (bytes) std::memcpy(dst, src + (o * n + j) * bytes, bytes);
        dst += bytes;
      }
  }, id);
}

odla_value odla_Slice(odla_value input, const odla_int32* start, const odla_int32* end,
                      const odla_int32* stride, odla_value_shape output_dims,
                      const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input}) || !start || !end || !stride) return fail("invalid operand", id);
  Dims d = input->dims(), od, st(start, start + d.size()), step(stride, stride + d.size());
  for (size_t i = 0; i < d.size(); ++i) {
    if (step[i] == 0) return fail("stride 0", id);
    bool ok = step[i] > 0 ? (start[i] >= 0 && start[i] <= d[i] && end[i] >= 0 && end[i] <= d[i])
                          : (start[i] >= 0 && start[i] < d[i] && end[i] >= -1 && end[i] < d[i]);
    if (!ok) return fail("bounds out of range in dim " + std::to_string(i) + " of " + show(d), id);
    int64_t span = step[i] > 0 ? end[i] - start[i] : start[i] - end[i];
    int64_t s = step[i] > 0 ? step[i] : -step[i];
    od.push_back(span > 0 ? (span + s - 1) / s : 0);
  }
  if (!same_dims(output_dims, od)) return dims_mismatch(output_dims, od, id);
  Dims ist = strides_of(d);
  size_t es = elem_size(input->type.element_type);
  // the innermost dims the slice keeps whole (stride 1) are copied as one run
  size_t r = od.size(), whole = r;
  while (whole > 0 && step[whole - 1] == 1 && st[whole - 1] == 0 && od[whole - 1] == d[whole - 1])
    --whole;
  size_t run_dim = whole;  // dims [run_dim, r) are contiguous in both
  int64_t run = 1;
  for (size_t i = run_dim; i < r; ++i) run *= od[i];
  if (run_dim > 0 && step[run_dim - 1] == 1) {  // one more dim, partly kept, still contiguous
    --run_dim;
    run *= od[run_dim];
  }
  Dims outer(od.begin(), od.begin() + run_dim);
  size_t run_bytes = static_cast<size_t>(run) * es;
  return add_op({input->type.element_type, output_dims}, {input}, [=](const Exec& e) {
    const unsigned char* src = static_cast<const unsigned char*>(e.in[0]);
    unsigned char* dst = static_cast<unsigned char*>(e.out);
    Dims idx(outer.size(), 0);
    do {
      int64_t off = 0;
      for (size_t i = 0; i < r; ++i) off += (st[i] + (i < run_dim ? idx[i] * step[i] : 0)) * ist[i];
      std::memcpy(dst, src + off * es, run_bytes);
      dst += run_bytes;
    } while (next_index(idx, outer));
  }, id);
}

odla_value odla_Cast(odla_value input, odla_element_type target_type, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input})) return fail("invalid operand", id);
  odla_element_type from = input->type.element_type;
  if (from == ODLA_FLOAT16 || target_type == ODLA_FLOAT16 || elem_size(target_type) == 0)
    return fail("unsupported element type", id);
  int64_t n = numel(input->dims());
  return add_op({target_type, input->type.shape}, {input}, [=](const Exec& e) {
    for (int64_t i = 0; i < n; ++i) {
      if (is_float_type(from)) {
        double v = load_f(from, e.in[0], i);
        if (is_float_type(target_type) || target_type == ODLA_BOOL) {
          store(target_type, e.out, i, v);
        } else {
          store(target_type, e.out, i, std::isfinite(v) ? static_cast<int64_t>(v) : 0);
        }
      } else {
        store(target_type, e.out, i, load_i(from, e.in[0], i));
      }
    }
  }, id);
}

// ---- interpret mode, items, memory stats (shared with libodla_ref) ----------------------------

#include "interpret_api.inc"

// ---- Strata's extension -----------------------------------------------------------------------

odla_value odla_CustomCall(odla_values inputs, odla_value_type result_type,
                           odla_custom_fn function, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!function || inputs.size > ODLA_MAX_OUTPUTS) return fail("invalid operand", id);
  std::vector<odla_value> ins(inputs.values, inputs.values + inputs.size);
  for (odla_value v : ins)
    if (!usable({v})) return fail("invalid operand", id);
  if (!valid_type(result_type)) return fail("invalid or dynamic result type", id);
  return add_op(result_type, ins, [function](const Exec& e) {
    int rc = function(e.in.data(), e.out);  // a Strata status (6: a result's dims differ)
    if (rc != 0)
      throw std::runtime_error("the custom function failed (status " + std::to_string(rc) + ")");
  }, id);
}

}  // extern "C"
