// libodla_ref: Strata's reference ODLA runtime. Portable C++17, no dependencies.
//
// A computation is a list of nodes in creation order (which is a topological order: an op can
// only use values that exist). Each op function checks its operands, works out its result
// type and records a kernel closure; odla_ExecuteComputation runs the closures in order on a
// context's buffers. Kernels are straightforward loops: this runtime is the semantic
// reference of the `odla` path, not the fast one (that is libodla_dnnl's job).
//
// Errors: an op function that gets invalid arguments returns NULL and records the message
// in the computation (and in odla_GetLastError); executing a computation that holds such an
// error fails with ODLA_UNRECOVERABLE_ERR.
//
// Interpret mode (odla_SetComputationItem(comp, ODLA_EXECUTION_MODE, ODLA_INTERPRET)): an op
// call runs its kernel at once on its operands' data into a buffer the result value owns,
// and records no node; odla_ReleaseValue frees that buffer. After the first failure the
// computation's later op calls return NULL without running (the first message stays).
// odla_GetMemoryStats counts the bytes those buffers hold, per thread.

#include "odla.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using Dims = std::vector<int64_t>;

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

// Advance a multi-index over `dims` (last dim fastest); false after the last one.
bool next_index(Dims& idx, const Dims& dims) {
  for (size_t i = idx.size(); i-- > 0;) {
    if (++idx[i] < dims[i]) return true;
    idx[i] = 0;
  }
  return false;
}

// Strides of `in` aligned to the trailing dims of `out`, 0 where `in` broadcasts.
Dims broadcast_strides(const Dims& in, const Dims& out) {
  Dims st(out.size(), 0);
  Dims own = strides_of(in);
  size_t off = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) st[off + i] = in[i] == 1 ? 0 : own[i];
  return st;
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

}  // namespace

// What a kernel sees: its operands' data and its result buffer.
struct Args {
  std::vector<const void*> in;
  void* out;
};
using Kernel = std::function<const char*(const Args&)>;  // returns an error message or null

struct _odla_value {
  odla_value_type type;
  std::string id;
  enum Kind { ARGUMENT, CONSTANT, OP, VALUE } kind;  // VALUE: odla_CreateValue
  const void* data = nullptr;  // constants
  size_t index = 0;            // position in the computation's values
  _odla_computation* comp = nullptr;
  // interpret mode: the value's data (op results and odla_CreateValue), counted bytes
  std::unique_ptr<unsigned char[]> owned;
  size_t owned_bytes = 0;
  bool has_data = false, released = false;
  Dims dims() const { return dims_of(type.shape); }
  size_t nbytes() const { return static_cast<size_t>(numel(dims())) * elem_size(type.element_type); }
};

struct Node {
  std::vector<size_t> inputs;
  size_t output;
  Kernel kernel;
};

struct _odla_computation {
  std::vector<std::unique_ptr<_odla_value>> values;
  std::vector<Node> nodes;
  std::vector<size_t> outputs;
  std::unordered_map<std::string, size_t> arguments;  // id -> value index
  std::string error;                                  // the first op that failed to build
  bool interpret = false;                             // ODLA_EXECUTION_MODE
  bool int_ids = false;                               // ODLA_VALUE_ID_AS_INT
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
  v->owned.reset(new unsigned char[std::max<size_t>(n, 1)]);
  v->owned_bytes = n;
  g_mem.current += n;
  g_mem.peak = std::max(g_mem.peak, g_mem.current);
  return v->owned.get();
}

void* value_buffer(_odla_value* v) { return v->owned.get(); }

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

// Checks every operand belongs to the active computation (NULL allowed where `optional`).
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

// Interpret mode: runs the kernel now into the result's own buffer.
odla_value run_now(odla_value_type type, const std::vector<odla_value>& ins, const Kernel& k,
                   const odla_value_id id) {
  if (!g_active->error.empty()) {  // an earlier op failed: keep its message, run nothing
    g_last_error = g_active->error;
    return nullptr;
  }
  Args a;
  for (odla_value v : ins) {
    std::string why;
    const void* d = v ? interpret_data(v, &why) : nullptr;
    if (!why.empty()) return fail(why, id);
    a.in.push_back(d);
  }
  odla_value out = add_value(type, id, _odla_value::OP);
  try {
    a.out = allocate(out);
    if (const char* err = k(a)) return fail(err, id);
  } catch (const std::bad_alloc&) {
    return fail("out of memory", id);
  }
  out->has_data = true;
  return out;
}

odla_value add_op(odla_value_type type, std::vector<odla_value> ins, Kernel k,
                  const odla_value_id id) {
  if (g_active->interpret) return run_now(type, ins, k, id);
  odla_value out = add_value(type, id, _odla_value::OP);
  Node n;
  for (odla_value v : ins) n.inputs.push_back(v ? v->index : SIZE_MAX);
  n.output = out->index;
  n.kernel = std::move(k);
  g_active->nodes.push_back(std::move(n));
  return out;
}

#define ODLA_CHECK_ACTIVE(id) \
  if (!g_active) return fail("no active computation (call odla_CreateComputation)", id)

bool is_f32(odla_value v) { return v->type.element_type == ODLA_FLOAT32; }

odla_value_type f32_type(const Dims& d) { return {ODLA_FLOAT32, shape_of(d)}; }

// ---- element-wise ---------------------------------------------------------------------------

odla_value unary(odla_value x, const odla_value_id id, std::function<float(float)> f) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x})) return fail("invalid operand", id);
  if (!is_f32(x)) return fail("operand must be float32", id);
  int64_t n = numel(x->dims());
  return add_op(x->type, {x}, [n, f](const Args& a) -> const char* {
    const float* in = static_cast<const float*>(a.in[0]);
    float* out = static_cast<float*>(a.out);
    for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
    return nullptr;
  }, id);
}

odla_value binary(odla_value a, odla_value b, const odla_value_id id,
                  std::function<float(float, float)> f) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({a, b})) return fail("invalid operand", id);
  if (!is_f32(a) || !is_f32(b)) return fail("operands must be float32", id);
  Dims da = a->dims(), db = b->dims(), out;
  if (!broadcast_dims(da, db, &out))
    return fail("shapes " + show(da) + " and " + show(db) + " do not broadcast", id);
  Dims sa = broadcast_strides(da, out), sb = broadcast_strides(db, out);
  return add_op(f32_type(out), {a, b}, [out, sa, sb, f](const Args& args) -> const char* {
    const float* pa = static_cast<const float*>(args.in[0]);
    const float* pb = static_cast<const float*>(args.in[1]);
    float* po = static_cast<float*>(args.out);
    if (numel(out) == 0) return nullptr;
    if (out.empty()) {
      po[0] = f(pa[0], pb[0]);
      return nullptr;
    }
    size_t r = out.size();
    int64_t inner = out[r - 1], ia = sa[r - 1], ib = sb[r - 1];
    Dims outer(out.begin(), out.end() - 1), idx(r - 1, 0);
    do {
      int64_t oa = 0, ob = 0;
      for (size_t i = 0; i + 1 < r; ++i) {
        oa += idx[i] * sa[i];
        ob += idx[i] * sb[i];
      }
      for (int64_t j = 0; j < inner; ++j) *po++ = f(pa[oa + j * ia], pb[ob + j * ib]);
    } while (next_index(idx, outer));
    return nullptr;
  }, id);
}

// ---- matrix products ------------------------------------------------------------------------

// out[M x N] (+)= op(A) @ op(B); A is M x K (K x M when ta), B is K x N (N x K when tb).
void matmul(const float* A, bool ta, const float* B, bool tb, float* out, int64_t M, int64_t K,
            int64_t N, float alpha) {
  std::fill(out, out + M * N, 0.0f);
  for (int64_t i = 0; i < M; ++i) {
    float* row = out + i * N;
    for (int64_t k = 0; k < K; ++k) {
      float a = alpha * (ta ? A[k * M + i] : A[i * K + k]);
      if (tb) {
        for (int64_t j = 0; j < N; ++j) row[j] += a * B[j * K + k];
      } else {
        const float* brow = B + k * N;
        for (int64_t j = 0; j < N; ++j) row[j] += a * brow[j];
      }
    }
  }
}

bool same_dims(const odla_value_shape& s, const Dims& d) { return dims_of(s) == d; }

// ---- windows (convolution and pooling) ------------------------------------------------------

struct Window {
  Dims in, out, kernel, strides, dilations, front;  // spatial parts
};

bool window_dims(const Dims& in_sp, const Dims& k, const odla_uint32* strides,
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

// Calls f(input offset, kernel offset) for every window position inside the input.
template <class F>
void for_window(const Window& w, const Dims& opos, const Dims& in_st, const Dims& k_st, F f) {
  size_t r = w.in.size();
  Dims kidx(r, 0);
  do {
    int64_t off = 0, koff = 0;
    bool inside = true;
    for (size_t i = 0; i < r && inside; ++i) {
      int64_t p = opos[i] * w.strides[i] - w.front[i] + kidx[i] * w.dilations[i];
      inside = p >= 0 && p < w.in[i];
      off += p * in_st[i];
      koff += kidx[i] * k_st[i];
    }
    if (inside) f(off, koff);
  } while (next_index(kidx, w.kernel));
}

odla_value pool(odla_value x, odla_memory_layout layout, const odla_uint32* window,
                const odla_uint32* strides, const odla_uint32* front, const odla_uint32* back,
                odla_value_shape output_dims, const odla_value_id id, bool is_max) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x}) || !window || !strides || !front || !back) return fail("invalid operand", id);
  if (layout != ODLA_CHANNELS_FIRST) return fail("only ODLA_CHANNELS_FIRST is supported", id);
  if (!is_f32(x)) return fail("input must be float32", id);
  Dims d = x->dims();
  if (d.size() < 3) return fail("input must have rank >= 3, got " + show(d), id);
  Window w;
  w.in.assign(d.begin() + 2, d.end());
  w.kernel.assign(window, window + w.in.size());
  w.strides.assign(strides, strides + w.in.size());
  w.dilations.assign(w.in.size(), 1);
  w.front.assign(front, front + w.in.size());
  if (!window_dims(w.in, w.kernel, strides, nullptr, front, back, &w.out))
    return fail("window, strides and paddings do not fit input " + show(d), id);
  Dims od = {d[0], d[1]};
  od.insert(od.end(), w.out.begin(), w.out.end());
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  int64_t planes = d[0] * d[1], in_plane = numel(w.in), out_plane = numel(w.out);
  Dims in_st = strides_of(w.in), k_st = strides_of(w.kernel);
  return add_op(f32_type(od), {x}, [=](const Args& a) -> const char* {
    const float* in = static_cast<const float*>(a.in[0]);
    float* out = static_cast<float*>(a.out);
    for (int64_t p = 0; p < planes; ++p) {
      const float* src = in + p * in_plane;
      Dims opos(w.out.size(), 0);
      int64_t o = 0;
      if (out_plane == 0) continue;
      do {
        float acc = is_max ? -std::numeric_limits<float>::infinity() : 0.0f;
        int64_t count = 0;
        for_window(w, opos, in_st, k_st, [&](int64_t off, int64_t) {
          acc = is_max ? std::max(acc, src[off]) : acc + src[off];
          ++count;
        });
        out[p * out_plane + o++] = is_max ? acc : (count ? acc / count : 0.0f);
      } while (next_index(opos, w.out));
    }
    return nullptr;
  }, id);
}

template <class T>
int64_t index_at(const void* p, int64_t i) {
  return static_cast<int64_t>(static_cast<const T*>(p)[i]);
}

// Element i of a buffer of type t as double / int64 (for odla_Cast).
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

odla_value reduce(odla_value x, odla_size_t num_axes, const odla_uint32* axes, odla_bool keep,
                  odla_value_shape output_dims, const odla_value_id id, int kind) {
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
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  Dims kst = strides_of(kept);
  int64_t count = numel(d) / std::max<int64_t>(numel(kept), 1);
  return add_op(f32_type(od), {x}, [=](const Args& a) -> const char* {
    const float* in = static_cast<const float*>(a.in[0]);
    float* out = static_cast<float*>(a.out);
    int64_t n = numel(kept);
    float init = kind == 2 ? -std::numeric_limits<float>::infinity() : 0.0f;
    std::vector<double> acc(static_cast<size_t>(n), init);
    if (numel(d) > 0) {
      Dims idx(d.size(), 0);
      int64_t i = 0;
      do {
        int64_t o = 0;
        for (size_t k = 0; k < d.size(); ++k) o += (red[k] ? 0 : idx[k]) * kst[k];
        acc[o] = kind == 2 ? std::max(acc[o], static_cast<double>(in[i])) : acc[o] + in[i];
        ++i;
      } while (next_index(idx, d));
    }
    for (int64_t o = 0; o < n; ++o)
      out[o] = static_cast<float>(kind == 0 && count ? acc[o] / count : acc[o]);
    return nullptr;
  }, id);
}

odla_value softmax(odla_value x, odla_int32 axis, const odla_value_id id, bool log) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x})) return fail("invalid operand", id);
  if (!is_f32(x)) return fail("input must be float32", id);
  Dims d = x->dims();
  int64_t r = static_cast<int64_t>(d.size());
  if (axis < 0) axis += static_cast<odla_int32>(r);
  if (axis < 0 || axis >= r) return fail("axis out of range for " + show(d), id);
  int64_t outer = 1, n = d[axis], inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= d[i];
  for (int64_t i = axis + 1; i < r; ++i) inner *= d[i];
  return add_op(x->type, {x}, [=](const Args& a) -> const char* {
    const float* in = static_cast<const float*>(a.in[0]);
    float* out = static_cast<float*>(a.out);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        const float* src = in + o * n * inner + j;
        float* dst = out + o * n * inner + j;
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t k = 0; k < n; ++k) m = std::max(m, src[k * inner]);
        double sum = 0;
        for (int64_t k = 0; k < n; ++k) sum += std::exp(static_cast<double>(src[k * inner] - m));
        for (int64_t k = 0; k < n; ++k) {
          float z = src[k * inner] - m;
          dst[k * inner] = log ? static_cast<float>(z - std::log(sum))
                               : static_cast<float>(std::exp(static_cast<double>(z)) / sum);
        }
      }
    return nullptr;
  }, id);
}

// Element i of a number buffer as double (for comparisons; int64 beyond 2^53 rounds).
double load_number(odla_element_type t, const void* p, int64_t i) {
  return is_float_type(t) ? load_f(t, p, i) : static_cast<double>(load_i(t, p, i));
}

// Strides of `in` broadcast to `out` for an n-ary element-wise op.
template <class F>
void for_broadcast(const Dims& out, const std::vector<Dims>& strides, F f) {
  if (numel(out) == 0) return;
  Dims idx(out.size(), 0);
  int64_t o = 0;
  std::vector<int64_t> offs(strides.size());
  do {
    for (size_t k = 0; k < strides.size(); ++k) {
      offs[k] = 0;
      for (size_t i = 0; i < out.size(); ++i) offs[k] += idx[i] * strides[k][i];
    }
    f(o++, offs);
  } while (next_index(idx, out));
}

odla_value compare(odla_value a, odla_value b, const odla_value_id id, int kind) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({a, b})) return fail("invalid operand", id);
  odla_element_type t = a->type.element_type;
  if (t != b->type.element_type || t == ODLA_BOOL || t == ODLA_FLOAT16)
    return fail("operands must be numbers of one element type", id);
  Dims da = a->dims(), db = b->dims(), out;
  if (!broadcast_dims(da, db, &out))
    return fail("shapes " + show(da) + " and " + show(db) + " do not broadcast", id);
  std::vector<Dims> st = {broadcast_strides(da, out), broadcast_strides(db, out)};
  return add_op({ODLA_BOOL, shape_of(out)}, {a, b}, [=](const Args& args) -> const char* {
    uint8_t* po = static_cast<uint8_t*>(args.out);
    for_broadcast(out, st, [&](int64_t o, const std::vector<int64_t>& off) {
      double x = load_number(t, args.in[0], off[0]), y = load_number(t, args.in[1], off[1]);
      bool r = kind == 0 ? x == y : kind == 1 ? x < y : kind == 2 ? x > y : kind == 3 ? x <= y
                                                                                      : x >= y;
      po[o] = r ? 1 : 0;
    });
    return nullptr;
  }, id);
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
  std::vector<std::vector<unsigned char>> buffers(comp->values.size());
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
  try {
    for (const Node& n : comp->nodes) {
      Args a;
      for (size_t i : n.inputs) a.in.push_back(i == SIZE_MAX ? nullptr : data[i]);
      auto& buf = buffers[n.output];
      buf.resize(std::max<size_t>(comp->values[n.output]->nbytes(), 1));
      a.out = buf.data();
      if (const char* err = n.kernel(a)) {
        g_last_error = "'" + comp->values[n.output]->id + "': " + err;
        return ODLA_FAILURE;
      }
      data[n.output] = buf.data();
    }
  } catch (const std::bad_alloc&) {
    g_last_error = "out of memory";
    return ODLA_MEM_ERROR;
  }
  for (size_t o : comp->outputs) {
    const auto& v = comp->values[o];
    auto it = ctx->outputs.find(v->id);
    if (it == ctx->outputs.end() || (!it->second && v->nbytes())) {
      g_last_error = "output '" + v->id + "' is not bound";
      return ODLA_INVALID_PARAM;
    }
    if (v->nbytes()) std::memcpy(it->second, data[o], v->nbytes());
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
  return binary(a, b, id, [](float x, float y) { return x + y; });
}
odla_value odla_Sub(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, [](float x, float y) { return x - y; });
}
odla_value odla_Mul(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, [](float x, float y) { return x * y; });
}
odla_value odla_Div(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, [](float x, float y) { return x / y; });
}
odla_value odla_Max(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, [](float x, float y) { return std::isnan(x) || x > y ? x : y; });
}
odla_value odla_Min(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, [](float x, float y) { return std::isnan(x) || x < y ? x : y; });
}
odla_value odla_Pow(odla_value a, odla_value b, const odla_value_id id) {
  return binary(a, b, id, [](float x, float y) { return std::pow(x, y); });
}
odla_value odla_Abs(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return std::fabs(v); });
}
odla_value odla_Neg(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return -v; });
}
odla_value odla_Exp(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return std::exp(v); });
}
odla_value odla_Log(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return std::log(v); });
}
odla_value odla_Sqrt(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return std::sqrt(v); });
}
odla_value odla_Rsqrt(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return 1.0f / std::sqrt(v); });
}
odla_value odla_Reciprocal(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return 1.0f / v; });
}
odla_value odla_Erf(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return std::erf(v); });
}
odla_value odla_Tanh(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return std::tanh(v); });
}

odla_value odla_Equal(odla_value a, odla_value b, const odla_value_id id) {
  return compare(a, b, id, 0);
}
odla_value odla_Less(odla_value a, odla_value b, const odla_value_id id) {
  return compare(a, b, id, 1);
}
odla_value odla_Greater(odla_value a, odla_value b, const odla_value_id id) {
  return compare(a, b, id, 2);
}
odla_value odla_LessOrEqual(odla_value a, odla_value b, const odla_value_id id) {
  return compare(a, b, id, 3);
}
odla_value odla_GreaterOrEqual(odla_value a, odla_value b, const odla_value_id id) {
  return compare(a, b, id, 4);
}

odla_value odla_Not(odla_value x, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({x})) return fail("invalid operand", id);
  if (x->type.element_type != ODLA_BOOL) return fail("operand must be ODLA_BOOL", id);
  int64_t n = numel(x->dims());
  return add_op(x->type, {x}, [n](const Args& a) -> const char* {
    const uint8_t* in = static_cast<const uint8_t*>(a.in[0]);
    uint8_t* out = static_cast<uint8_t*>(a.out);
    for (int64_t i = 0; i < n; ++i) out[i] = in[i] ? 0 : 1;
    return nullptr;
  }, id);
}

odla_value odla_Select(odla_value condition, odla_value a, odla_value b,
                       odla_value_shape output_dims, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({condition, a, b})) return fail("invalid operand", id);
  if (condition->type.element_type != ODLA_BOOL) return fail("condition must be ODLA_BOOL", id);
  if (a->type.element_type != b->type.element_type)
    return fail("a and b must have one element type", id);
  Dims dc = condition->dims(), da = a->dims(), db = b->dims(), ab, out;
  if (!broadcast_dims(da, db, &ab) || !broadcast_dims(dc, ab, &out))
    return fail("shapes " + show(dc) + ", " + show(da) + " and " + show(db) +
                    " do not broadcast", id);
  if (!same_dims(output_dims, out))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(out), id);
  std::vector<Dims> st = {broadcast_strides(dc, out), broadcast_strides(da, out),
                          broadcast_strides(db, out)};
  size_t es = elem_size(a->type.element_type);
  return add_op({a->type.element_type, output_dims}, {condition, a, b},
                [=](const Args& args) -> const char* {
    const uint8_t* c = static_cast<const uint8_t*>(args.in[0]);
    const unsigned char* pa = static_cast<const unsigned char*>(args.in[1]);
    const unsigned char* pb = static_cast<const unsigned char*>(args.in[2]);
    unsigned char* po = static_cast<unsigned char*>(args.out);
    for_broadcast(out, st, [&](int64_t o, const std::vector<int64_t>& off) {
      std::memcpy(po + o * es, c[off[0]] ? pa + off[1] * es : pb + off[2] * es, es);
    });
    return nullptr;
  }, id);
}

odla_value odla_Gemm(odla_value A, odla_bool transpose_A, odla_value B, odla_bool transpose_B,
                     odla_float32 alpha, odla_float32 beta, odla_value C,
                     odla_value_shape output_dims, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({A, B}) || (C && C->comp != g_active)) return fail("invalid operand", id);
  if (!is_f32(A) || !is_f32(B) || (C && !is_f32(C))) return fail("operands must be float32", id);
  Dims da = A->dims(), db = B->dims();
  if (da.size() != 2 || db.size() != 2) return fail("A and B must be 2-d", id);
  int64_t M = transpose_A ? da[1] : da[0], K = transpose_A ? da[0] : da[1];
  int64_t KB = transpose_B ? db[1] : db[0], N = transpose_B ? db[0] : db[1];
  if (K != KB) return fail("contracted dims differ: " + show(da) + " and " + show(db), id);
  Dims od = {M, N}, bc;
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  Dims cst;
  if (C) {
    Dims dc = C->dims();
    if (!broadcast_dims(dc, od, &bc) || bc != od)
      return fail("C " + show(dc) + " does not broadcast to " + show(od), id);
    cst = broadcast_strides(dc, od);
  }
  bool ta = transpose_A, tb = transpose_B, has_c = C != nullptr;
  return add_op(f32_type(od), {A, B, C}, [=](const Args& a) -> const char* {
    float* out = static_cast<float*>(a.out);
    matmul(static_cast<const float*>(a.in[0]), ta, static_cast<const float*>(a.in[1]), tb, out,
           M, K, N, alpha);
    if (has_c) {
      const float* c = static_cast<const float*>(a.in[2]);
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) out[i * N + j] += beta * c[i * cst[0] + j * cst[1]];
    }
    return nullptr;
  }, id);
}

odla_value odla_BatchMatMul(odla_value lhs, odla_bool lhs_transpose, odla_value rhs,
                            odla_bool rhs_transpose, odla_value_shape output_dims,
                            const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({lhs, rhs})) return fail("invalid operand", id);
  if (!is_f32(lhs) || !is_f32(rhs)) return fail("operands must be float32", id);
  Dims da = lhs->dims(), db = rhs->dims();
  if (da.size() < 2 || db.size() < 2) return fail("operands must be at least 2-d", id);
  size_t ra = da.size(), rb = db.size();
  int64_t M = lhs_transpose ? da[ra - 1] : da[ra - 2], K = lhs_transpose ? da[ra - 2] : da[ra - 1];
  int64_t KB = rhs_transpose ? db[rb - 1] : db[rb - 2];
  int64_t N = rhs_transpose ? db[rb - 2] : db[rb - 1];
  if (K != KB) return fail("contracted dims differ: " + show(da) + " and " + show(db), id);
  Dims ba(da.begin(), da.end() - 2), bb(db.begin(), db.end() - 2), batch;
  if (!broadcast_dims(ba, bb, &batch))
    return fail("batch dims " + show(ba) + " and " + show(bb) + " do not broadcast", id);
  Dims od = batch;
  od.push_back(M);
  od.push_back(N);
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  Dims sa = broadcast_strides(ba, batch), sb = broadcast_strides(bb, batch);
  bool ta = lhs_transpose, tb = rhs_transpose;
  return add_op(f32_type(od), {lhs, rhs}, [=](const Args& a) -> const char* {
    const float* pa = static_cast<const float*>(a.in[0]);
    const float* pb = static_cast<const float*>(a.in[1]);
    float* out = static_cast<float*>(a.out);
    Dims idx(batch.size(), 0);
    int64_t b = 0;
    if (numel(batch) == 0) return nullptr;
    do {
      int64_t oa = 0, ob = 0;
      for (size_t i = 0; i < batch.size(); ++i) {
        oa += idx[i] * sa[i];
        ob += idx[i] * sb[i];
      }
      matmul(pa + oa * M * K, ta, pb + ob * K * N, tb, out + b * M * N, M, K, N, 1.0f);
      ++b;
    } while (next_index(idx, batch));
    return nullptr;
  }, id);
}

odla_value odla_ReduceMean(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                           odla_bool keep_dims, odla_value_shape output_dims,
                           const odla_value_id id) {
  return reduce(input, num_of_axes, axes, keep_dims, output_dims, id, 0);
}
odla_value odla_ReduceSum(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                          odla_bool keep_dims, odla_value_shape output_dims,
                          const odla_value_id id) {
  return reduce(input, num_of_axes, axes, keep_dims, output_dims, id, 1);
}
odla_value odla_ReduceMax(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                          odla_bool keep_dims, odla_value_shape output_dims,
                          const odla_value_id id) {
  return reduce(input, num_of_axes, axes, keep_dims, output_dims, id, 2);
}

// ---- nn ---------------------------------------------------------------------------------------

odla_value odla_Relu(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return v > 0.0f ? v : 0.0f; });
}
odla_value odla_Sigmoid(odla_value x, const odla_value_id id) {
  return unary(x, id, [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
}
odla_value odla_Gelu(odla_value x, odla_bool use_approx, const odla_value_id id) {
  if (use_approx)
    return unary(x, id, [](float v) {
      const float c = 0.7978845608028654f;  // sqrt(2 / pi)
      return 0.5f * v * (1.0f + std::tanh(c * (v + 0.044715f * v * v * v)));
    });
  return unary(x, id, [](float v) { return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f)); });
}
odla_value odla_LeakyRelu(odla_value x, odla_float32 alpha, const odla_value_id id) {
  return unary(x, id, [alpha](float v) { return v >= 0.0f ? v : alpha * v; });
}
odla_value odla_HardSigmoid(odla_value x, odla_float32 alpha, odla_float32 beta,
                            const odla_value_id id) {
  return unary(x, id, [alpha, beta](float v) {
    return std::max(0.0f, std::min(1.0f, alpha * v + beta));
  });
}
odla_value odla_Clamp(odla_value x, odla_float32 lo, odla_float32 hi, const odla_value_id id) {
  if (lo > hi) return fail("lo exceeds hi", id);
  return unary(x, id, [lo, hi](float v) { return std::isnan(v) ? v : std::min(hi, std::max(lo, v)); });
}
odla_value odla_Softmax(odla_value input, odla_int32 axis, const odla_value_id id) {
  return softmax(input, axis, id, false);
}
odla_value odla_LogSoftmax(odla_value input, odla_int32 axis, const odla_value_id id) {
  return softmax(input, axis, id, true);
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
  if (input_layout != ODLA_CHANNELS_FIRST || kernel_layout != ODLA_OIS)
    return fail("only ODLA_CHANNELS_FIRST input with an ODLA_OIS kernel is supported", id);
  if (!is_f32(input) || !is_f32(kernel) || (bias && !is_f32(bias)))
    return fail("operands must be float32", id);
  Dims d = input->dims(), kd = kernel->dims();
  if (d.size() < 3 || kd.size() != d.size())
    return fail("input " + show(d) + " and kernel " + show(kd) + " must have one rank >= 3", id);
  int64_t C = d[1], M = kd[0], G = group;
  if (G < 1 || kd[1] * G != C || M % G)
    return fail("group " + std::to_string(G) + " does not fit input " + show(d) + " and kernel " +
                    show(kd), id);
  if (bias && bias->dims() != Dims{M}) return fail("bias must have shape [" + std::to_string(M) + "]", id);
  Window w;
  w.in.assign(d.begin() + 2, d.end());
  w.kernel.assign(kd.begin() + 2, kd.end());
  size_t r = w.in.size();
  w.strides.assign(strides, strides + r);
  w.dilations.assign(dilations, dilations + r);
  w.front.assign(paddings_front, paddings_front + r);
  if (!window_dims(w.in, w.kernel, strides, dilations, paddings_front, paddings_back, &w.out))
    return fail("kernel, strides, dilations and paddings do not fit input " + show(d), id);
  Dims od = {d[0], M};
  od.insert(od.end(), w.out.begin(), w.out.end());
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  int64_t in_plane = numel(w.in), out_plane = numel(w.out), k_plane = numel(w.kernel);
  int64_t cg = C / G, mg = M / G, batch = d[0];
  Dims in_st = strides_of(w.in), k_st = strides_of(w.kernel);
  bool has_bias = bias != nullptr;
  return add_op(f32_type(od), {input, kernel, bias}, [=](const Args& a) -> const char* {
    const float* in = static_cast<const float*>(a.in[0]);
    const float* wt = static_cast<const float*>(a.in[1]);
    const float* b = has_bias ? static_cast<const float*>(a.in[2]) : nullptr;
    float* out = static_cast<float*>(a.out);
    if (out_plane == 0) return nullptr;
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t m = 0; m < M; ++m) {
        int64_t g = m / mg;
        float* dst = out + (n * M + m) * out_plane;
        Dims opos(r, 0);
        int64_t o = 0;
        do {
          double acc = b ? b[m] : 0.0f;
          for (int64_t c = 0; c < cg; ++c) {
            const float* src = in + (n * C + g * cg + c) * in_plane;
            const float* ker = wt + (m * cg + c) * k_plane;
            for_window(w, opos, in_st, k_st,
                       [&](int64_t off, int64_t koff) { acc += src[off] * ker[koff]; });
          }
          dst[o++] = static_cast<float>(acc);
        } while (next_index(opos, w.out));
      }
    return nullptr;
  }, id);
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
  if (d.size() < 2) return fail("input must have rank >= 2", id);
  for (odla_value v : {input, mean, var, scale, offset}) {
    if (v && !is_f32(v)) return fail("operands must be float32", id);
    if (v && v != input && v->dims() != Dims{d[1]})
      return fail("per-channel operands must have shape [" + std::to_string(d[1]) + "]", id);
  }
  int64_t N = d[0], C = d[1], inner = numel(d) / std::max<int64_t>(N * C, 1);
  bool has_scale = scale != nullptr, has_offset = offset != nullptr;
  return add_op(input->type, {input, mean, var, scale, offset}, [=](const Args& a) -> const char* {
    const float* x = static_cast<const float*>(a.in[0]);
    const float* mu = static_cast<const float*>(a.in[1]);
    const float* v = static_cast<const float*>(a.in[2]);
    const float* s = has_scale ? static_cast<const float*>(a.in[3]) : nullptr;
    const float* o = has_offset ? static_cast<const float*>(a.in[4]) : nullptr;
    float* y = static_cast<float*>(a.out);
    for (int64_t c = 0; c < C; ++c) {
      float k = (s ? s[c] : scalar_scale) / std::sqrt(v[c] + epsilon);
      float sh = (o ? o[c] : scalar_offset) - mu[c] * k;
      for (int64_t n = 0; n < N; ++n) {
        int64_t base = (n * C + c) * inner;
        for (int64_t i = 0; i < inner; ++i) y[base + i] = x[base + i] * k + sh;
      }
    }
    return nullptr;
  }, id);
}

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
  int64_t N = d[0], C = d[1], inner = numel(d) / std::max<int64_t>(N * C, 1);
  bool has_scale = scale != nullptr, has_offset = offset != nullptr;
  return add_op(input->type, {input, scale, offset}, [=](const Args& a) -> const char* {
    const float* x = static_cast<const float*>(a.in[0]);
    const float* s = has_scale ? static_cast<const float*>(a.in[1]) : nullptr;
    const float* o = has_offset ? static_cast<const float*>(a.in[2]) : nullptr;
    float* y = static_cast<float*>(a.out);
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t c = 0; c < C; ++c) {  // mean and variance of one (n, c) plane, in double
        const float* px = x + (n * C + c) * inner;
        float* py = y + (n * C + c) * inner;
        double sum = 0.0, sq = 0.0;
        for (int64_t i = 0; i < inner; ++i) sum += px[i];
        double mean = inner ? sum / inner : 0.0;
        for (int64_t i = 0; i < inner; ++i) sq += (px[i] - mean) * (px[i] - mean);
        double var = inner ? sq / inner : 0.0;
        double k = (s ? s[c] : scalar_scale) / std::sqrt(var + epsilon);
        double sh = (o ? o[c] : scalar_offset) - mean * k;
        for (int64_t i = 0; i < inner; ++i) py[i] = static_cast<float>(px[i] * k + sh);
      }
    }
    return nullptr;
  }, id);
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
  return add_op({input->type.element_type, output_dims}, {input}, [bytes](const Args& a) -> const char* {
    if (bytes) std::memcpy(a.out, a.in[0], bytes);
    return nullptr;
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
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  Dims ist = strides_of(d), pst;
  for (int64_t p : perm) pst.push_back(ist[p]);
  size_t es = elem_size(input->type.element_type);
  return add_op({input->type.element_type, output_dims}, {input}, [=](const Args& a) -> const char* {
    const unsigned char* src = static_cast<const unsigned char*>(a.in[0]);
    unsigned char* dst = static_cast<unsigned char*>(a.out);
    if (numel(od) == 0) return nullptr;
    Dims idx(od.size(), 0);
    do {
      int64_t off = 0;
      for (size_t i = 0; i < od.size(); ++i) off += idx[i] * pst[i];
      std::memcpy(dst, src + off * es, es);
      dst += es;
    } while (next_index(idx, od));
    return nullptr;
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
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= d0[i];
  return add_op({ins[0]->type.element_type, output_dims}, ins, [=](const Args& a) -> const char* {
    unsigned char* dst = static_cast<unsigned char*>(a.out);
    for (int64_t o = 0; o < outer; ++o)
      for (size_t k = 0; k < chunk.size(); ++k) {
        if (chunk[k]) std::memcpy(dst, static_cast<const unsigned char*>(a.in[k]) + o * chunk[k], chunk[k]);
        dst += chunk[k];
      }
    return nullptr;
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
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  int64_t outer = 1, n = d[axis], inner = 1, count = numel(di);
  for (int64_t i = 0; i < axis; ++i) outer *= d[i];
  for (int64_t i = axis + 1; i < r; ++i) inner *= d[i];
  size_t bytes = static_cast<size_t>(inner) * elem_size(input->type.element_type);
  return add_op({input->type.element_type, output_dims}, {input, indices}, [=](const Args& a) -> const char* {
    const unsigned char* src = static_cast<const unsigned char*>(a.in[0]);
    unsigned char* dst = static_cast<unsigned char*>(a.out);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < count; ++k) {
        int64_t j = it == ODLA_INT32 ? index_at<int32_t>(a.in[1], k) : index_at<int64_t>(a.in[1], k);
        if (j < 0) j += n;
        if (j < 0 || j >= n) return "gather index out of range";
        if (bytes) std::memcpy(dst, src + (o * n + j) * bytes, bytes);
        dst += bytes;
      }
    return nullptr;
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
  if (!same_dims(output_dims, od))
    return fail("output_dims " + show(dims_of(output_dims)) + " differ from " + show(od), id);
  Dims ist = strides_of(d);
  size_t es = elem_size(input->type.element_type);
  return add_op({input->type.element_type, output_dims}, {input}, [=](const Args& a) -> const char* {
    const unsigned char* src = static_cast<const unsigned char*>(a.in[0]);
    unsigned char* dst = static_cast<unsigned char*>(a.out);
    if (numel(od) == 0) return nullptr;
    Dims idx(od.size(), 0);
    do {
      int64_t off = 0;
      for (size_t i = 0; i < od.size(); ++i) off += (st[i] + idx[i] * step[i]) * ist[i];
      std::memcpy(dst, src + off * es, es);
      dst += es;
    } while (next_index(idx, od));
    return nullptr;
  }, id);
}

odla_value odla_Cast(odla_value input, odla_element_type target_type, const odla_value_id id) {
  ODLA_CHECK_ACTIVE(id);
  if (!usable({input})) return fail("invalid operand", id);
  odla_element_type from = input->type.element_type;
  if (from == ODLA_FLOAT16 || target_type == ODLA_FLOAT16 || elem_size(target_type) == 0)
    return fail("unsupported element type", id);
  int64_t n = numel(input->dims());
  return add_op({target_type, input->type.shape}, {input}, [=](const Args& a) -> const char* {
    for (int64_t i = 0; i < n; ++i) {
      if (is_float_type(from)) {
        double v = load_f(from, a.in[0], i);
        if (is_float_type(target_type) || target_type == ODLA_BOOL) {
          store(target_type, a.out, i, v);
        } else {
          store(target_type, a.out, i, std::isfinite(v) ? static_cast<int64_t>(v) : 0);
        }
      } else {
        store(target_type, a.out, i, load_i(from, a.in[0], i));
      }
    }
    return nullptr;
  }, id);
}

// ---- interpret mode, items, memory stats (shared with libodla_dnnl) ---------------------------

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
  return add_op(result_type, ins, [function](const Args& a) -> const char* {
    // a Strata loop-path function's status (6, STRATA_ERR_SHAPE: a result's dims are not the
    // model's declared ones)
    static thread_local char why[64];
    int rc = function(a.in.data(), a.out);
    if (rc == 0) return nullptr;
    std::snprintf(why, sizeof why, "the custom function failed (status %d)", rc);
    return why;
  }, id);
}

}  // extern "C"
